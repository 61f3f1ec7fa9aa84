// SPDX-License-Identifier: GPL-2.0
//! The RCU read side: a proof token for code that runs inside one.
//!
//! C: include/linux/rcupdate.h (`rcu_read_lock`, `rcu_read_unlock`).

use core::marker::PhantomData;

use kernel::sync::rcu;

/// Proof that this CPU is inside an RCU read-side critical section for as
/// long as the borrow of it lasts: what is freed only after a grace period
/// (routes, devices, `in_device`s, namespaces' generic arrays) stays live.
///
/// The receive path's handlers are called inside the read side their
/// callers took (`netif_receive_skb_list_internal`, `process_backlog`,
/// `netif_receive_skb_internal` around `__netif_receive_skb_core`), so they
/// take the token without locking again ([`RcuRead::assume`]): a nested
/// `rcu_read_lock` costs two calls into the kernel per packet.
///
/// # Invariants
///
/// While an `RcuRead` exists, the CPU it was made on is inside an RCU
/// read-side critical section: its own (`guard`) or its caller's. It is
/// neither `Send` nor `Sync`.
pub(crate) struct RcuRead {
    _guard: Option<rcu::Guard>,
    _not_send: PhantomData<*mut ()>,
}

impl RcuRead {
    /// `rcu_read_lock()` until drop.
    pub(crate) fn lock() -> Self {
        // INVARIANT: the guard holds the read side.
        RcuRead {
            _guard: Some(rcu::read_lock()),
            _not_send: PhantomData,
        }
    }

    /// A token for code its caller runs inside an RCU read-side critical
    /// section.
    ///
    /// # Safety
    ///
    /// The caller is inside an RCU read-side critical section (its caller's
    /// `rcu_read_lock`) for the token's whole lifetime.
    pub(super) unsafe fn assume() -> Self {
        // INVARIANT: the caller's contract.
        RcuRead {
            _guard: None,
            _not_send: PhantomData,
        }
    }
}
