// SPDX-License-Identifier: GPL-2.0
/*
 * oxip: the string module parameter. Rust-for-Linux 7.3's module! macro has
 * integer and bool parameters only, so this one is declared in C; Rust reads
 * it through oxip_takeover_param(). Declaration only, no logic.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include "params.h"

static char oxip_takeover[256];
module_param_string(takeover, oxip_takeover, sizeof(oxip_takeover), 0444);
MODULE_PARM_DESC(takeover, "Comma-separated interfaces (init netns) whose ETH_P_IP frames oxip takes over at load");

const char *oxip_takeover_param(void) { return oxip_takeover; }
