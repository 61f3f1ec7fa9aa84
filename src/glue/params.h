/* SPDX-License-Identifier: GPL-2.0 */
/* oxip: the takeover= string parameter, read by Rust (see params.c). */
#ifndef OXIP_PARAMS_H
#define OXIP_PARAMS_H
const char *oxip_takeover_param(void);
#endif
