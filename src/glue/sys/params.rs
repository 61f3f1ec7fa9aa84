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
