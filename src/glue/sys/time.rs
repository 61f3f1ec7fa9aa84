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
    // `unsigned long` is u64 here, u32 on 32-bit kernels.
    #[allow(clippy::useless_conversion)]
    u64::from(j)
}

/// `HZ`.
pub(crate) fn hz() -> u64 {
    // SAFETY: returns a compile-time constant of the kernel.
    let hz = unsafe { b::oxip_hz() };
    u64::from(hz)
}

/// `time_before(a, b)`: `a` is earlier than `b`, across wraparound.
pub(crate) fn time_before(a: u64, b: u64) -> bool {
    // CAST: the signed distance, as C's `(long)((a) - (b)) < 0`.
    (a.wrapping_sub(b) as i64) < 0
}
