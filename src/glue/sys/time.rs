// SPDX-License-Identifier: GPL-2.0
//! Kernel time: `jiffies` and `HZ`.
//!
//! C: include/linux/jiffies.h.

use super::bindings as b;

/// `jiffies`.
pub(crate) fn jiffies() -> u64 {
    // SAFETY: a plain read of the jiffies counter (`oxip_jiffies` reads it
    // with READ_ONCE semantics), valid in any context.
    let j = unsafe { b::oxip_jiffies() };
    u64::from(j)
}

/// `HZ`.
pub(crate) fn hz() -> u64 {
    // SAFETY: returns a compile-time constant of the kernel.
    let hz = unsafe { b::oxip_hz() };
    u64::from(hz)
}
