// SPDX-License-Identifier: GPL-2.0
//! The glue between the core and the kernel: the only place with `unsafe`.

pub(crate) mod backlog;
pub(crate) mod bindings;
pub(crate) mod forward;
// KUnit suites only where the kernel has KUnit (Debian's stock kernel has not).
#[cfg(CONFIG_KUNIT)]
mod kunit;
mod mroute;
pub(crate) mod pernet;
pub(crate) mod ptype;
mod rcv;
mod reason;
mod route;
mod rtnl;
mod skb;
pub(crate) mod takeover;

/// The `takeover=` parameter's text (declared in params.c).
pub(crate) fn takeover_param() -> &'static str {
    let p = bindings::oxip_takeover_param;
    // SAFETY: a static NUL-terminated buffer, filled before init, read-only after (0444).
    let s = unsafe { core::ffi::CStr::from_ptr(p()) };
    s.to_str().unwrap_or("")
}
