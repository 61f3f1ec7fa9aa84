// SPDX-License-Identifier: GPL-2.0
//! oxip's multicast forwarding over real skbs: the core decides from the
//! mirrored MFC ([`super::ipmr_mirror`]), this file clones, routes and
//! hands the copies to the FORWARD hook.
//!
//! C: net/ipv4/ipmr.c (`ip_mr_input()`, `ip_mr_forward()`,
//! `ipmr_queue_xmit()`, `ipmr_forward_finish()`).
#![deny(unsafe_code)]

use core::ffi::c_int;

use super::ipmr_mirror::Mirror;
use super::netns;
use super::sys::bh::Bh;
use super::sys::net::Net;
use super::sys::nf;
use super::sys::nf::Hooked;
use super::sys::nf::OkFn;
use super::sys::rcu::RcuRead;
use super::sys::route::OutputRoute;
use super::sys::skb::Skb;
use super::sys::skb::SockPtr;
use super::sys::stats::drop_skb;
use super::sys::stats::Stats;
use crate::oxip_core::ipmr;
use crate::oxip_core::ipmr::MrInput;
use crate::oxip_core::ipmr::MrPacket;
use crate::oxip_core::mib::DropReason;
use crate::oxip_core::mib::IpMib;
use crate::oxip_core::mib::MibSink;
use crate::oxip_core::rcv::RcvSkb;
use crate::oxip_core::wire;
use crate::oxip_core::wire::Ipv4Address;
use crate::oxip_core::wire::Packet;

/// oxip's `ip_mr_input` for a packet the FIB routed to the kernel's:
/// forwards what the mirrored MFC resolves, hands the rest to native.
///
/// C: net/ipv4/ipmr.c, `ip_mr_input()`, `ip_mr_forward()`. `local` is the
/// route's `RTCF_LOCAL` (this host joined the group): a copy is delivered.
///
/// `g` is the receive path's RCU read side, which the copies' devices are
/// borrowed under.
pub(crate) fn ip_mr_input(
    skb: Skb,
    st: &mut Stats<'_>,
    m: &Mirror,
    local: bool,
    g: &RcuRead,
    bh: &Bh,
) -> c_int {
    let Ok(h) = Packet::new_checked(RcvSkb::network_header(&skb)) else {
        return skb.native_input();
    };
    let pkt = MrPacket {
        saddr: h.saddr(),
        daddr: h.daddr(),
        in_ifindex: skb.dev(g).ifindex(),
        ttl: h.ttl(),
        len: u64::from(RcvSkb::len(&skb)),
        forwarded: skb.ipcb().forwarded(),
        router_alert: skb.ipcb().router_alert(),
        igmp: h.protocol() == wire::IPPROTO_IGMP,
    };
    let (tos, daddr) = (h.tos(), h.daddr());
    // The copies' VIFs (a mask), and each one's device ifindex, indexed by
    // VIF: read under the lock, sent after it.
    let mut ifindex = [0i32; ipmr::MAXVIFS];
    let mut mask = 0u32;
    {
        let mut t = m.lock(bh);
        match ipmr::ip_mr_input(&mut t, &pkt) {
            MrInput::Native => {
                drop(t);
                st.inc(IpMib::NativeInput);
                return skb.native_input();
            }
            MrInput::Forward { oifs } => {
                for i in ipmr::VifBits(oifs) {
                    if let (Some(v), Some(slot)) = (t.vif(i), ifindex.get_mut(i)) {
                        *slot = v.ifindex;
                        mask |= 1 << i;
                    }
                }
            }
        }
    }
    let net = skb.net(g);
    let x = Xmit {
        net,
        tos,
        daddr,
        m,
        g,
    };
    // Highest VIF first, as ip_mr_forward walks maxvif down; the lowest
    // takes the skb itself.
    let copy = |i: usize| (i, ifindex.get(i).copied().unwrap_or(0));
    let Some(lowest) = ipmr::VifBits(mask).next() else {
        return if local {
            skb.local_deliver()
        } else {
            consume_unforwarded(skb, st)
        };
    };
    let last = copy(lowest);
    for i in ipmr::VifBits(mask & !(1 << lowest)).rev() {
        if let Some(c) = clone(&skb, st) {
            x.ipmr_queue_xmit(c, copy(i), st);
        }
    }
    if local {
        if let Some(c) = clone(&skb, st) {
            x.ipmr_queue_xmit(c, last, st);
        }
        skb.local_deliver()
    } else {
        x.ipmr_queue_xmit(skb, last, st);
        0
    }
}

/// `skb_clone(skb, GFP_ATOMIC)`; a failure is the copy for one VIF lost,
/// counted as a `NOMEM` drop (native's ip_mr_forward skips it uncounted).
fn clone(skb: &Skb, st: &mut Stats<'_>) -> Option<Skb> {
    let c = skb.clone_atomic();
    if c.is_none() {
        st.count_drop(DropReason::Nomem);
    }
    c
}

/// A resolved packet with no oif and no local member: freed, as native's
/// `dont_forward:` does.
fn consume_unforwarded(skb: Skb, st: &mut Stats<'_>) -> c_int {
    drop_skb(skb, st, DropReason::NotSpecified);
    0
}

/// What every copy of one packet is sent with.
struct Xmit<'a> {
    net: &'a Net,
    tos: u8,
    daddr: Ipv4Address,
    m: &'a Mirror,
    g: &'a RcuRead,
}

impl Xmit<'_> {
    /// C: net/ipv4/ipmr.c, `ipmr_queue_xmit()` for a plain (not tunnel,
    /// not register) VIF: route out of its device, refuse DF over MTU (no
    /// ICMP for multicast), make room, count, decrement TTL, FORWARD hook.
    fn ipmr_queue_xmit(&self, mut skb: Skb, (vif, ifindex): (usize, i32), st: &mut Stats<'_>) {
        let Some(rt) = OutputRoute::multicast(self.net, self.daddr, self.tos, ifindex) else {
            drop_skb(skb, st, DropReason::NotSpecified);
            return;
        };
        let df = Packet::new_checked(RcvSkb::network_header(&skb)).is_ok_and(|h| h.dont_frag());
        let len = RcvSkb::len(&skb);
        // DF first: the MTU is read only for a packet it can refuse.
        if df && len > rt.mtu() {
            st.inc(IpMib::FragFails);
            drop(rt);
            drop_skb(skb, st, DropReason::NotSpecified);
            return;
        }
        if !skb.cow_for_route(&rt) {
            drop(rt);
            drop_skb(skb, st, DropReason::Nomem);
            return;
        }
        self.m.count_vif_out(vif, ifindex, u64::from(len));
        // The input route is dropped and the held output route takes its place.
        skb.set_output_route(rt);
        // The head is private after skb_cow_for_output: ip_header_mut's
        // skb_ensure_writable only checks that. C: `ip_decrease_ttl(ip_hdr(skb))`.
        let Some(Ok(mut iph)) = skb.ip_header_mut().map(Packet::new_checked) else {
            drop_skb(skb, st, DropReason::Nomem);
            return;
        };
        iph.decrease_ttl();
        skb.ipcb_mut().set_forwarded();
        let out = skb.rtable(self.g).map(|rt| rt.dst().dev());
        let in_dev = skb.cur_dev(self.g);
        if let Hooked::Accept(skb) =
            nf::hook_forward::<IpmrForwardFinish>(self.net, skb, in_dev, out)
        {
            ipmr_forward_finish(self.net, SockPtr::none(), skb, st);
        }
    }
}

/// C: net/ipv4/ipmr.c, `ipmr_forward_finish()`.
fn ipmr_forward_finish(net: &Net, sk: SockPtr, mut skb: Skb, st: &mut Stats<'_>) -> c_int {
    st.inc(IpMib::ForwDatagrams);
    st.inc(IpMib::Forwarded);
    if skb.ipcb().optlen() != 0 {
        skb.forward_options();
    }
    skb.dst_output(net, sk)
}

/// The FORWARD okfn of multicast, for an skb netfilter queued and reinjects.
struct IpmrForwardFinish;

impl OkFn for IpmrForwardFinish {
    fn okfn(net: &Net, sk: SockPtr, skb: Skb, bh: &Bh) -> c_int {
        let mut st = netns::stats(net, bh);
        ipmr_forward_finish(net, sk, skb, &mut st)
    }
}
