// SPDX-License-Identifier: GPL-2.0
/*
 * oxip: the module parameters declared in C. Rust-for-Linux 7.3's module!
 * macro has integer and bool parameters only, read-only after load: the
 * takeover= string and the writable test hook below are declared here. Rust
 * reads them through the accessors. Declarations only, no logic.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include "params.h"

static char oxip_takeover[256];
module_param_string(takeover, oxip_takeover, sizeof(oxip_takeover), 0444);
MODULE_PARM_DESC(takeover, "Comma-separated interfaces (init netns) whose ETH_P_IP frames oxip takes over at load");

const char *oxip_takeover_param(void) { return oxip_takeover; }

#ifdef CONFIG_FAULT_INJECTION
/*
 * A test hook, on kernels built for fault injection only (make check's debug
 * kernel): the backlog's NAPI poll busy-waits this long after taking frames
 * off its queue, before receiving them. It widens the window in which a
 * device's unregistration must still find (or wait out) every frame of it
 * (issue 8, defect 3; scenario teardown_backlog_window).
 */
static unsigned int oxip_fault_backlog_delay_us;
module_param_named(fault_backlog_delay_us, oxip_fault_backlog_delay_us, uint, 0644);
MODULE_PARM_DESC(fault_backlog_delay_us, "Test hook (fault-injection kernels): busy-wait in the takeover backlog's poll between dequeue and receive, in microseconds");

unsigned int oxip_fault_backlog_delay_param(void) { return READ_ONCE(oxip_fault_backlog_delay_us); }
#endif
