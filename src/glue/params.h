/* SPDX-License-Identifier: GPL-2.0 */
/* oxip: the parameters declared in C, read by Rust (see params.c). */
#ifndef OXIP_PARAMS_H
#define OXIP_PARAMS_H
const char *oxip_takeover_param(void);
unsigned int oxip_fault_backlog_delay_param(void);
#endif
