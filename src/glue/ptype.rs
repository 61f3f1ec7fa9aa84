// SPDX-License-Identifier: GPL-2.0
//! oxip's `packet_type`s: its ethertype (ethertype mode), beside the native
//! `ETH_P_IP` one, and `OXIP_ETH_P_TAKEOVER`, the entry of the frames a
//! takeover hook retagged.
//!
//! C: net/core/dev.c (`dev_add_pack`), net/ipv4/af_inet.c (`ip_packet_type`).
#![deny(unsafe_code)]

use core::ffi::c_int;

use kernel::prelude::*;

use super::rcv;
use super::sys::bh::Bh;
use super::sys::nf::NET_RX_SUCCESS;
use super::sys::ptype::PacketHandler;
use super::sys::rcu::RcuRead;
use super::sys::skb::Skb;
use super::sys::skb::SkbList;
use crate::oxip_core::mib::IpMib;
use crate::oxip_core::wire;

/// oxip's handlers for its ethertype, as `ip_rcv` and `ip_list_rcv`.
pub(crate) struct Ethertype;

impl PacketHandler for Ethertype {
    /// Single-packet entry (`.func`), as `ip_rcv`.
    fn rcv(skb: Skb, rcu: &RcuRead, bh: &Bh) -> c_int {
        // The frames carry IPv4 under another ethertype; L4 expects
        // ETH_P_IP, which rcv_core sets once the skb is unshared.
        rcv::ip_rcv(skb, IpMib::EthertypeRcv, rcu, bh);
        NET_RX_SUCCESS
    }

    /// Batch entry (`.list_func`), as `ip_list_rcv`.
    fn list_rcv(list: SkbList<'_>, rcu: &RcuRead, bh: &Bh) {
        rcv::ip_list_rcv(list, IpMib::EthertypeRcv, rcu, bh);
    }
}

/// oxip's registered `packet_type`.
pub(crate) type Registration = super::sys::ptype::Registration<Ethertype>;

/// oxip's handlers for retagged takeover frames (`takeover_retag`): the
/// ingress hook changed `skb->protocol` to `OXIP_ETH_P_TAKEOVER` and let
/// the frame go on; native receive (`__netif_receive_skb_list_core`)
/// batched it here.
pub(crate) struct TakeoverEntry;

impl PacketHandler for TakeoverEntry {
    /// Single-packet entry (`.func`), as `ip_rcv`.
    fn rcv(skb: Skb, rcu: &RcuRead, bh: &Bh) -> c_int {
        // ETH_P_IP again once the skb is unshared (rcv_core), before
        // anything past oxip sees it.
        rcv::ip_rcv(skb, IpMib::TakeoverRcv, rcu, bh);
        NET_RX_SUCCESS
    }

    /// Batch entry (`.list_func`), as `ip_list_rcv`.
    fn list_rcv(list: SkbList<'_>, rcu: &RcuRead, bh: &Bh) {
        rcv::ip_list_rcv(list, IpMib::TakeoverRcv, rcu, bh);
    }
}

/// The registered `packet_type` of retagged takeover frames.
pub(crate) type TakeoverRegistration = super::sys::ptype::Registration<TakeoverEntry>;

/// Refuses an `ethertype=` that another handler uses (0x0800 would run
/// every IPv4 packet twice) or that is no ethertype at all.
pub(crate) fn check_param(ethertype: u16) -> Result {
    if ethertype == 0 {
        return Ok(());
    }
    match wire::ethertype_param_check(ethertype) {
        Ok(()) => Ok(()),
        Err(wire::EthertypeError::Length) => {
            pr_err!("ethertype={:#06x} is below ETH_P_802_3_MIN (0x0600): an 802.3 length, not an ethertype\n", ethertype);
            Err(EINVAL)
        }
        Err(wire::EthertypeError::InUse(name)) => {
            pr_err!("ethertype={:#06x} is {}, which the kernel or drivers handle; use 0x88b5 (local experimental)\n", ethertype, name);
            Err(EINVAL)
        }
    }
}
