// SPDX-License-Identifier: GPL-2.0
//! oxip's `ip_forward` over real skbs: the core decides, through the
//! `ForwardSkb` view of the skb (src/glue/sys/skb.rs), and this file hands
//! the packet on: FORWARD hook, native input, or drop.
//!
//! C: net/ipv4/ip_forward.c (`ip_forward()`, `ip_forward_finish()`).
#![deny(unsafe_code)]

use core::ffi::c_int;

use super::sys::bh::Bh;
use super::sys::net::Net;
use super::sys::nf;
use super::sys::nf::Hooked;
use super::sys::nf::OkFn;
use super::sys::nf::NET_RX_DROP;
use super::sys::rcu::RcuRead;
use super::sys::skb::Skb;
use super::sys::skb::SockPtr;
use super::sys::stats::drop_skb;
use super::sys::stats::Stats;
use crate::oxip_core::forward;
use crate::oxip_core::forward::ForwardVerdict;

/// Forwards `skb`, routed `RTN_UNICAST` on input. C: `ip_forward()`.
/// The out device is borrowed from the route under `g`, the receive path's
/// RCU read side, held across NF_HOOK.
pub(crate) fn ip_forward(mut skb: Skb, st: &mut Stats<'_>, g: &RcuRead) -> c_int {
    match forward::ip_forward(&mut skb.under(g), st) {
        ForwardVerdict::Forward => {
            let net = skb.net(g);
            let in_dev = skb.cur_dev(g);
            let out = skb.rtable(g).map(|rt| rt.dst().dev());
            match nf::hook_forward::<ForwardFinish>(net, skb, in_dev, out) {
                Hooked::Accept(skb) => ip_forward_finish(net, SockPtr::none(), skb),
                Hooked::Taken(r) => r,
            }
        }
        ForwardVerdict::Native => skb.native_input(),
        ForwardVerdict::Drop(r) => {
            drop_skb(skb, st, r);
            NET_RX_DROP
        }
    }
}

/// C: `ip_forward_finish()`.
fn ip_forward_finish(net: &Net, sk: SockPtr, mut skb: Skb) -> c_int {
    if skb.ipcb().optlen() != 0 {
        skb.forward_options();
    }
    skb.clear_tstamp();
    skb.dst_output(net, sk)
}

/// The FORWARD okfn, for an skb netfilter queued and reinjects.
struct ForwardFinish;

impl OkFn for ForwardFinish {
    fn okfn(net: &Net, sk: SockPtr, skb: Skb, _bh: &Bh) -> c_int {
        ip_forward_finish(net, sk, skb)
    }
}
