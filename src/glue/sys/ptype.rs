// SPDX-License-Identifier: GPL-2.0
//! `packet_type` registrations: a handler for one ethertype on every device.
//!
//! C: net/core/dev.c (`dev_add_pack`, `dev_remove_pack`).

use core::ffi::c_int;
use core::marker::PhantomData;

use kernel::prelude::*;

use super::bh::Bh;
use super::bindings as b;
use super::nf::NET_RX_DROP;
use super::rcu::RcuRead;
use super::skb::Skb;
use super::skb::SkbList;

/// A packet_type's handlers.
pub(crate) trait PacketHandler: 'static {
    /// `.func`: one skb (owned); returns `NET_RX_*`. Called inside the
    /// receive path's RCU read side (`rcu`).
    fn rcv(skb: Skb, rcu: &RcuRead, bh: &Bh) -> c_int;
    /// `.list_func`: a list of skbs (owned, all of them), inside the
    /// receive path's RCU read side.
    fn list_rcv(list: SkbList<'_>, rcu: &RcuRead, bh: &Bh);
}

/// # Safety
///
/// Only a `packet_type` `.func`, called by the kernel with an skb it hands over (owned).
unsafe extern "C" fn rcv_callback<T: PacketHandler>(
    skb: *mut b::sk_buff,
    _dev: *mut b::net_device,
    _pt: *mut b::packet_type,
    _orig_dev: *mut b::net_device,
) -> c_int {
    // SAFETY: a packet_type handler owns the skb it is given.
    let Some(skb) = (unsafe { Skb::from_raw(skb) }) else {
        return NET_RX_DROP;
    };
    // SAFETY: packet_type handlers run in the receive softirq.
    let bh = unsafe { Bh::assume() };
    // SAFETY: and inside the RCU read side of __netif_receive_skb_core's
    // callers (netif_receive_skb_internal, process_backlog, ...).
    let rcu = unsafe { RcuRead::assume() };
    T::rcv(skb, &rcu, &bh)
}

/// # Safety
///
/// Only a `packet_type` `.list_func`, called by the kernel with a list of skbs it hands over (owned).
unsafe extern "C" fn list_rcv_callback<T: PacketHandler>(
    head: *mut b::list_head,
    _pt: *mut b::packet_type,
    _orig_dev: *mut b::net_device,
) {
    // SAFETY: a list_func owns the skbs on `head`, an initialised list.
    let list = unsafe { SkbList::from_raw(head) };
    // SAFETY: list_funcs run in the receive softirq.
    let bh = unsafe { Bh::assume() };
    // SAFETY: and inside netif_receive_skb_list_internal's RCU read side.
    let rcu = unsafe { RcuRead::assume() };
    T::list_rcv(list, &rcu, &bh);
}

/// A registered `packet_type`.
///
/// # Invariants
///
/// `pt` is registered with `dev_add_pack` until drop.
pub(crate) struct Registration<T: PacketHandler> {
    pt: KBox<b::packet_type>,
    _t: PhantomData<T>,
}

// SAFETY: only touched at init and exit.
unsafe impl<T: PacketHandler> Send for Registration<T> {}
// SAFETY: no shared-reference methods.
unsafe impl<T: PacketHandler> Sync for Registration<T> {}

impl<T: PacketHandler> Registration<T> {
    /// `dev_add_pack` for `ethertype` on every device.
    pub(crate) fn register(ethertype: u16) -> Result<Self> {
        let mut pt = KBox::new(b::packet_type::default(), GFP_KERNEL)?;
        pt.type_ = ethertype.to_be();
        pt.func = Some(rcv_callback::<T>);
        pt.list_func = Some(list_rcv_callback::<T>);
        // SAFETY: `pt` is boxed and stays registered until drop.
        unsafe { b::dev_add_pack(&mut *pt) };
        // INVARIANT: registered above.
        Ok(Registration {
            pt,
            _t: PhantomData,
        })
    }
}

impl<T: PacketHandler> Drop for Registration<T> {
    fn drop(&mut self) {
        // SAFETY: registered (Registration invariant); dev_remove_pack waits
        // for handlers in flight (synchronize_net).
        unsafe { b::dev_remove_pack(&mut *self.pt) };
    }
}
