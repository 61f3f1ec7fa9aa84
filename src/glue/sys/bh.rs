// SPDX-License-Identifier: GPL-2.0
//! Bottom halves off: a proof token for code that runs so (softirq), and a
//! guard that makes it so in process context.
//!
//! C: include/linux/bottom_half.h (`local_bh_disable`, `local_bh_enable`).

use core::marker::PhantomData;

use super::bindings as b;

/// Proof that bottom halves are disabled on this CPU for as long as the
/// borrow of it lasts: no softirq runs here meanwhile and the task stays on
/// this CPU. Per-CPU data written only with BHs off can then be written.
///
/// # Invariants
///
/// A `Bh` exists only while BHs are off on the CPU it was made on; it is
/// neither `Send` nor `Sync`, so it stays on that CPU.
pub(crate) struct Bh {
    _not_send: PhantomData<*mut ()>,
}

impl Bh {
    /// A token for a context that runs with BHs off.
    ///
    /// # Safety
    ///
    /// BHs are disabled on this CPU for the token's lifetime (a softirq
    /// handler, a callback the kernel calls with BHs off).
    pub(super) unsafe fn assume() -> Bh {
        // INVARIANT: the caller's contract.
        Bh {
            _not_send: PhantomData,
        }
    }
}

/// `local_bh_disable()` until drop.
///
/// # Invariants
///
/// BHs are disabled by this guard from `new` until drop.
pub(crate) struct BhGuard {
    bh: Bh,
}

impl BhGuard {
    /// `local_bh_disable()`.
    pub(crate) fn new() -> Self {
        // SAFETY: plain call; paired with the enable in drop (BhGuard invariant).
        unsafe { b::oxip_local_bh_disable() };
        // INVARIANT: disabled above, enabled in drop.
        BhGuard {
            bh: Bh {
                _not_send: PhantomData,
            },
        }
    }

    /// The proof that BHs are off, for as long as the guard.
    pub(crate) fn bh(&self) -> &Bh {
        &self.bh
    }
}

impl Drop for BhGuard {
    fn drop(&mut self) {
        // SAFETY: disabled in `new` (BhGuard invariant).
        unsafe { b::oxip_local_bh_enable() };
    }
}
