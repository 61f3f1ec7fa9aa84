// SPDX-License-Identifier: GPL-2.0
//! Ethertype mode: oxip's own `packet_type`, beside the native `ETH_P_IP` one.
//!
//! C: net/core/dev.c (`dev_add_pack`), net/ipv4/af_inet.c (`ip_packet_type`).

use core::ffi::c_int;

use kernel::prelude::*;

use super::bindings as b;
use super::rcv;
use super::skb::Skb;
use crate::oxip_core::mib::IpMib;
use crate::oxip_core::wire;

/// Single-packet entry (`.func`), as `ip_rcv`.
unsafe extern "C" fn oxip_pt_rcv(
    skb: *mut b::sk_buff,
    _dev: *mut b::net_device,
    _pt: *mut b::packet_type,
    _orig_dev: *mut b::net_device,
) -> c_int {
    // SAFETY: a packet_type handler owns the skb it is given.
    unsafe { pt_rcv(skb, IpMib::EthertypeRcv) }
}

/// Batch entry (`.list_func`), as `ip_list_rcv`.
unsafe extern "C" fn oxip_pt_list_rcv(
    head: *mut b::list_head,
    _pt: *mut b::packet_type,
    _orig_dev: *mut b::net_device,
) {
    // SAFETY: a list_func owns the skbs on `head`.
    unsafe { rcv::ip_list_rcv(head, IpMib::EthertypeRcv, true) };
}

/// Single-packet entry of retagged takeover frames (`OXIP_ETH_P_TAKEOVER`):
/// a takeover ingress hook changed `skb->protocol` and let the frame go on.
unsafe extern "C" fn oxip_takeover_pt_rcv(
    skb: *mut b::sk_buff,
    _dev: *mut b::net_device,
    _pt: *mut b::packet_type,
    _orig_dev: *mut b::net_device,
) -> c_int {
    // SAFETY: a packet_type handler owns the skb it is given.
    unsafe { pt_rcv(skb, IpMib::TakeoverRcv) }
}

/// Batch entry of retagged takeover frames: native list receive
/// (`__netif_receive_skb_list_core`) grouped them by this `packet_type`.
unsafe extern "C" fn oxip_takeover_pt_list_rcv(
    head: *mut b::list_head,
    _pt: *mut b::packet_type,
    _orig_dev: *mut b::net_device,
) {
    // SAFETY: a list_func owns the skbs on `head`.
    unsafe { rcv::ip_list_rcv(head, IpMib::TakeoverRcv, true) };
}

/// # Safety
///
/// `skb` is an skb the caller owns (a `packet_type` handler's argument).
unsafe fn pt_rcv(skb: *mut b::sk_buff, entry: IpMib) -> c_int {
    // SAFETY: the caller owns `skb` (function contract).
    let Some(mut skb) = (unsafe { Skb::from_raw(skb) }) else {
        return b::NET_RX_DROP as c_int;
    };
    // The frames carry IPv4 under another (or a pseudo) ethertype; L4
    // expects ETH_P_IP, set once the skb is unshared.
    skb.set_ip_protocol_after_share_check();
    rcv::ip_rcv(skb, entry);
    b::NET_RX_SUCCESS as c_int
}

/// Refuses an `ethertype=` that another handler uses (0x0800 would run
/// every IPv4 packet twice) or that is no ethertype at all.
pub(crate) fn check_param(ethertype: u16) -> Result {
    if ethertype == 0 {
        return Ok(());
    }
    match wire::ethertype_param_check(ethertype) {
        Ok(()) => Ok(()),
        Err(wire::EthertypeError::Length) => {
            pr_err!("oxip: ethertype={:#06x} is below ETH_P_802_3_MIN (0x0600): an 802.3 length, not an ethertype\n", ethertype);
            Err(EINVAL)
        }
        Err(wire::EthertypeError::InUse(name)) => {
            pr_err!("oxip: ethertype={:#06x} is {}, which the kernel or drivers handle; use 0x88b5 (local experimental)\n", ethertype, name);
            Err(EINVAL)
        }
    }
}

/// A registered `packet_type`.
///
/// # Invariants
///
/// `pt` is registered with `dev_add_pack` until drop.
pub(crate) struct Registration {
    pt: KBox<b::packet_type>,
}

// SAFETY: only touched at init and exit.
unsafe impl Send for Registration {}
// SAFETY: no shared-reference methods.
unsafe impl Sync for Registration {}

impl Registration {
    /// `dev_add_pack` for `ethertype` on every device: ethertype mode.
    pub(crate) fn register(ethertype: u16) -> Result<Self> {
        Self::add(ethertype, oxip_pt_rcv, oxip_pt_list_rcv)
    }

    /// `dev_add_pack` for `OXIP_ETH_P_TAKEOVER`: the entry of takeover
    /// frames retagged by the ingress hook (`takeover_retag`).
    pub(crate) fn register_takeover() -> Result<Self> {
        Self::add(wire::OXIP_ETH_P_TAKEOVER, oxip_takeover_pt_rcv, oxip_takeover_pt_list_rcv)
    }

    fn add(
        ethertype: u16,
        func: unsafe extern "C" fn(*mut b::sk_buff, *mut b::net_device, *mut b::packet_type, *mut b::net_device) -> c_int,
        list_func: unsafe extern "C" fn(*mut b::list_head, *mut b::packet_type, *mut b::net_device),
    ) -> Result<Self> {
        let mut pt = KBox::new(b::packet_type::default(), GFP_KERNEL)?;
        pt.type_ = ethertype.to_be();
        pt.func = Some(func);
        pt.list_func = Some(list_func);
        // SAFETY: `pt` is boxed and stays registered until drop.
        unsafe { b::dev_add_pack(&mut *pt) };
        // INVARIANT: registered above.
        Ok(Registration { pt })
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        // SAFETY: registered (type invariant); dev_remove_pack waits for
        // handlers in flight (synchronize_net).
        unsafe { b::dev_remove_pack(&mut *self.pt) };
    }
}
