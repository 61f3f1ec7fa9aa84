// SPDX-License-Identifier: GPL-2.0
//! Data guarded by the RTNL mutex, and a guard type for it.
//!
//! C: include/linux/rtnetlink.h (`rtnl_lock`, `ASSERT_RTNL`).

use core::cell::UnsafeCell;

use super::bindings as b;

/// Proof that this context holds RTNL.
///
/// # Invariants
///
/// RTNL is held for the guard's lifetime; if `owned`, the guard took it and
/// releases it on drop.
pub(crate) struct RtnlGuard {
    owned: bool,
}

impl RtnlGuard {
    /// `rtnl_lock()`.
    pub(crate) fn lock() -> Self {
        // SAFETY: process context (proc write, module init/exit).
        unsafe { b::rtnl_lock() };
        // INVARIANT: taken above, released on drop.
        RtnlGuard { owned: true }
    }

    /// A guard for a context the kernel runs under RTNL (netdev notifiers).
    ///
    /// # Safety
    ///
    /// The caller holds RTNL for the guard's lifetime.
    pub(super) unsafe fn assume_held() -> Self {
        // INVARIANT: the caller's contract.
        RtnlGuard { owned: false }
    }
}

impl Drop for RtnlGuard {
    fn drop(&mut self) {
        if self.owned {
            // SAFETY: taken in `lock` (RtnlGuard invariant).
            unsafe { b::rtnl_unlock() };
        }
    }
}

/// A value only reachable with RTNL held.
pub(crate) struct RtnlCell<T> {
    v: UnsafeCell<T>,
}

// SAFETY: all access goes through `get`, which needs RTNL, so at most one
// context reaches `v` at a time.
unsafe impl<T: Send> Sync for RtnlCell<T> {}

impl<T> RtnlCell<T> {
    /// Wraps `v`.
    pub(crate) const fn new(v: T) -> Self {
        RtnlCell {
            v: UnsafeCell::new(v),
        }
    }

    /// The value, for as long as the (exclusively borrowed) guard.
    pub(crate) fn get<'a>(&'a self, _g: &'a mut RtnlGuard) -> &'a mut T {
        // SAFETY: RTNL is held (guard invariant) and the guard is borrowed
        // mutably, so no other reference from this context exists.
        unsafe { &mut *self.v.get() }
    }
}
