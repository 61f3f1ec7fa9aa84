// SPDX-License-Identifier: GPL-2.0
//! The module parameters declared in C (params.c).

use core::ffi::CStr;

use kernel::str::CStrExt;

use super::bindings as b;

/// The `takeover=` parameter's text.
pub(crate) fn takeover_param() -> &'static str {
    let p = b::oxip_takeover_param;
    // CAST: oxip's bindings spell `char` as i8, the kernel's as u8.
    // SAFETY: params.c's buffer is static and NUL-terminated, filled before
    // init and read-only after (0444): valid for 'static.
    let s = unsafe { CStr::from_char_ptr(p().cast()) };
    s.to_str().unwrap_or("")
}

/// The test hook `fault_backlog_delay_us` (params.c): busy-waits that
/// long. The backlog's poll calls it between taking frames off its queue
/// and receiving them. Kernels without CONFIG_FAULT_INJECTION have no such
/// parameter and the poll no call: the hook costs nothing where users run.
#[cfg(CONFIG_FAULT_INJECTION)]
pub(crate) fn fault_backlog_delay() {
    // SAFETY: reads an integer (READ_ONCE); valid in any context.
    let us = unsafe { b::oxip_fault_backlog_delay_param() };
    if us != 0 {
        // SAFETY: `udelay` busy-waits, valid in any context.
        unsafe { b::oxip_udelay(us) };
    }
}

/// Without CONFIG_FAULT_INJECTION: nothing.
#[cfg(not(CONFIG_FAULT_INJECTION))]
#[inline(always)]
pub(crate) fn fault_backlog_delay() {}
