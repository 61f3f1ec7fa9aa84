// SPDX-License-Identifier: GPL-2.0
//! The receive driver: `ip_rcv`, `ip_list_rcv` and their finish steps, which
//! run the core's decisions over real skbs.
//!
//! C: net/ipv4/ip_input.c: `ip_rcv()`, `ip_rcv_finish()`, `ip_list_rcv()`,
//! `ip_sublist_rcv()`, `ip_list_rcv_finish()`, `ip_sublist_rcv_finish()`,
//! include/net/dst.h `dst_input()`.
#![deny(unsafe_code)]

use core::ffi::c_int;

use super::forward;
use super::ipmr;
use super::netns::NetCtx;
use super::sys::bh::Bh;
use super::sys::net::Net;
use super::sys::net::NetDevice;
use super::sys::nf;
use super::sys::nf::Hooked;
use super::sys::nf::OkFn;
use super::sys::nf::NET_RX_DROP;
use super::sys::nf::NET_RX_SUCCESS;
use super::sys::rcu::RcuRead;
use super::sys::route_cache::RouteCache;
use super::sys::skb::CacheCtx;
use super::sys::skb::ListHead;
use super::sys::skb::Skb;
use super::sys::skb::SkbList;
use super::sys::skb::SockPtr;
use super::sys::stats::drop_skb;
use super::sys::stats::Stats;
use crate::oxip_core::mib::DropReason;
use crate::oxip_core::mib::IpMib;
use crate::oxip_core::mib::MibSink;
use crate::oxip_core::rcv;
use crate::oxip_core::rcv::Dispatch;
use crate::oxip_core::rcv::RcvError;
use crate::oxip_core::rcv::RcvSkb;
use crate::oxip_core::rcv::RouteView;
use crate::oxip_core::rcv::RTCF_LOCAL;
use crate::oxip_core::route;
use crate::oxip_core::route::RouteHint;
use crate::oxip_core::wire::Packet;

/// `ip_rcv_core` over a real skb: the validated skb, or `None` once it is
/// dropped (counted).
fn rcv_core(skb: Skb, st: &mut Stats<'_>) -> Option<Skb> {
    let mut skb = skb;
    match rcv::ip_rcv_core(&mut skb, st) {
        Ok(()) => Some(skb),
        Err(RcvError::Drop(r)) => {
            drop_skb(skb, st, r);
            None
        }
        Err(RcvError::Gone) => {
            st.count_drop(DropReason::NotSpecified);
            skb.forget_freed();
            None
        }
    }
}

/// Receives one IPv4 packet. C: `ip_rcv()`.
/// Called inside the receive path's RCU read side (`g`).
pub(crate) fn ip_rcv(skb: Skb, entry: IpMib, g: &RcuRead, bh: &Bh) {
    let ns = NetCtx::new_rcu(skb.net(g), g);
    let dev = skb.dev(g);
    let mut st = ns.stats(bh);
    st.inc(entry);
    let Some(skb) = rcv_core(skb, &mut st) else {
        return;
    };
    if let Hooked::Accept(skb) = nf::hook_prerouting::<RcvFinish>(ns.net, skb, dev) {
        ip_rcv_finish(ns, skb, &mut st, g, bh);
    }
}

/// The PRE_ROUTING okfn, for an skb netfilter queued and reinjects.
struct RcvFinish;

impl OkFn for RcvFinish {
    fn okfn(net: &Net, _sk: SockPtr, skb: Skb, bh: &Bh) -> c_int {
        let ns = NetCtx::new(net);
        let mut st = ns.stats(bh);
        // nf_reinject's caller may hold no RCU read side of its own.
        ip_rcv_finish(ns, skb, &mut st, &RcuRead::lock(), bh)
    }
}

/// C: `ip_rcv_finish()`.
fn ip_rcv_finish(ns: NetCtx<'_>, skb: Skb, st: &mut Stats<'_>, g: &RcuRead, bh: &Bh) -> c_int {
    let Some(mut skb) = skb.l3mdev_ip_rcv() else {
        return NET_RX_SUCCESS;
    };
    let cache = route_cache(ns, bh);
    let mut rs = skb.under(g).with_route_cache(cache);
    match rcv::ip_rcv_finish_core(&mut rs, st, None) {
        Ok(rt) => dst_input(skb, st, &rt, ns, g, bh),
        Err(r) => {
            drop_skb(skb, st, r);
            NET_RX_DROP
        }
    }
}

/// The route cache for packets of `ns`: the published cache (the
/// `route_cache` parameter) and the netns' FIB sequence, read before any
/// lookup whose route the cache may store. The sublist's sequence is read
/// once: a FIB change after it makes the routes stored under it stale.
fn route_cache<'a>(ns: NetCtx<'_>, bh: &'a Bh) -> Option<CacheCtx<'a>> {
    let cache = RouteCache::current(bh)?;
    let seq = ns.fib4_seq()?;
    let (cpu, this) = cache.this_cpu(bh);
    Some(CacheCtx {
        cache,
        cpu,
        this,
        seq,
    })
}

/// `dst_input()`, the input the core chose ([`rcv::dispatch`]) from the
/// route `ip_rcv_finish_core` attached (read once, not again here).
/// C: include/net/dst.h.
fn dst_input(
    skb: Skb,
    st: &mut Stats<'_>,
    rt: &RouteView,
    ns: NetCtx<'_>,
    g: &RcuRead,
    bh: &Bh,
) -> c_int {
    match rcv::dispatch(rt) {
        Dispatch::LocalDeliver => {
            st.inc(IpMib::LocalDeliver);
            skb.local_deliver()
        }
        Dispatch::Forward => forward::ip_forward(skb, st, g),
        Dispatch::Multicast => match ns.mirror() {
            Some(m) => ipmr::ip_mr_input(skb, st, m, rt.rt_flags & RTCF_LOCAL != 0, g, bh),
            None => {
                st.inc(IpMib::NativeInput);
                skb.native_input()
            }
        },
        Dispatch::NativeInput => {
            st.inc(IpMib::NativeInput);
            skb.native_input()
        }
    }
}

/// Receives a batch. C: `ip_list_rcv()`: validates each packet, then hands
/// runs of packets from the same device and namespace to `ip_sublist_rcv`.
///
/// Native list receive runs under the RCU read lock its caller
/// (netif_receive_skb_list_internal) takes, and the native inputs it may
/// hand to (ip_mr_input, ...) rely on it: `g` is that read side, or the
/// takeover backlog's NAPI poll's own.
pub(crate) fn ip_list_rcv(mut list: SkbList<'_>, entry: IpMib, g: &RcuRead, bh: &Bh) {
    pin_init::stack_pin_init!(let sublist = ListHead::new());
    let mut curr: Option<(&NetDevice, NetCtx<'_>)> = None;
    let mut st_ns: Option<NetCtx<'_>> = None;
    let mut st = Stats::none();
    while let Some(skb) = list.pop() {
        let dev = skb.dev(g);
        let net = skb.net(g);
        let ns = match st_ns {
            Some(ns) if core::ptr::eq(ns.net, net) => ns,
            _ => {
                let ns = NetCtx::new_rcu(net, g);
                st = ns.stats(bh);
                st_ns = Some(ns);
                ns
            }
        };
        let same = curr.is_some_and(|(d, n)| core::ptr::eq(d, dev) && core::ptr::eq(n.net, net));
        if !same {
            st.inc(IpMib::ListBatches);
        }
        st.inc(entry);
        let Some(skb) = rcv_core(skb, &mut st) else {
            continue;
        };
        if let Some((d, n)) = curr {
            if !same && !sublist.is_empty() {
                ip_sublist_rcv(&sublist, d, n, g, bh);
            }
        }
        curr = Some((dev, ns));
        sublist.push(skb);
    }
    if let Some((d, n)) = curr {
        if !sublist.is_empty() {
            ip_sublist_rcv(&sublist, d, n, g, bh);
        }
    }
}

/// C: `ip_sublist_rcv()`: PRE_ROUTING over the list, then the finish.
fn ip_sublist_rcv(list: &ListHead, dev: &NetDevice, ns: NetCtx<'_>, g: &RcuRead, bh: &Bh) {
    nf::hook_list_prerouting::<RcvFinish>(ns.net, list, dev);
    ip_list_rcv_finish(ns, list, g, bh);
}

/// A run of packets sharing one dst: its first packet, the route they
/// share, and the hint the first one leaves (if `ip_extract_route_hint`
/// allows). The rest of the run waits on a list beside it.
struct Run {
    first: Skb,
    rt: RouteView,
    hint: Option<RouteHint<()>>,
}

impl Run {
    /// The hint for the next packet, borrowing the first skb: the dst
    /// `skb_dst_copy` takes from it cannot outlive it.
    fn hint(&self) -> Option<RouteHint<&Skb>> {
        self.hint.map(|h| RouteHint {
            daddr: h.daddr,
            tos: h.tos,
            rt_flags: h.rt_flags,
            skb: &self.first,
        })
    }
}

/// C: `ip_list_rcv_finish()`: routes each packet (with the hint where
/// `ip_can_use_hint` allows), and dispatches runs sharing a dst together.
/// The hint is the first packet of the current run (as native's `hint`
/// skb heads its sublist), held apart so the borrow checker sees it live.
fn ip_list_rcv_finish(ns: NetCtx<'_>, head: &ListHead, g: &RcuRead, bh: &Bh) {
    let net = ns.net;
    pin_init::stack_pin_init!(let rest = ListHead::new());
    let mut run: Option<Run> = None;
    let mut st = ns.stats(bh);
    let cache = route_cache(ns, bh);
    while let Some(skb) = head.pop() {
        let Some(mut skb) = skb.l3mdev_ip_rcv() else {
            continue;
        };
        let hint = run.as_ref().and_then(Run::hint);
        let mut rs = skb.under(g).with_route_cache(cache);
        let rt = match rcv::ip_rcv_finish_core(&mut rs, &mut st, hint.as_ref()) {
            Ok(rt) => rt,
            Err(r) => {
                drop_skb(skb, &mut st, r);
                continue;
            }
        };
        if run.as_ref().is_some_and(|r| r.first.same_dst(&skb)) {
            rest.push(skb);
            continue;
        }
        let hint = ip_extract_route_hint(net, &skb, g);
        if let Some(r) = run.take() {
            ip_sublist_rcv_finish(r, &rest, &mut st, ns, g, bh);
        }
        run = Some(Run {
            first: skb,
            rt,
            hint,
        });
    }
    if let Some(r) = run.take() {
        ip_sublist_rcv_finish(r, &rest, &mut st, ns, g, bh);
    }
}

/// C: `ip_extract_route_hint()`: the hint's fields, if this packet's route
/// may serve as one.
fn ip_extract_route_hint(net: &Net, skb: &Skb, g: &RcuRead) -> Option<RouteHint<()>> {
    let daddr = Packet::new_checked(RcvSkb::network_header(skb))
        .ok()?
        .daddr();
    if route::ip_extract_route_hint(net.fib4_has_custom_rules(), daddr, skb.ipcb().multipath()) {
        skb.route_hint(g).map(|h| RouteHint {
            daddr: h.daddr,
            tos: h.tos,
            rt_flags: h.rt_flags,
            skb: (),
        })
    } else {
        None
    }
}

/// C: `ip_sublist_rcv_finish()`: the run's first packet, then the rest,
/// all sharing its route.
fn ip_sublist_rcv_finish(
    run: Run,
    rest: &ListHead,
    st: &mut Stats<'_>,
    ns: NetCtx<'_>,
    g: &RcuRead,
    bh: &Bh,
) {
    dst_input(run.first, st, &run.rt, ns, g, bh);
    while let Some(skb) = rest.pop() {
        dst_input(skb, st, &run.rt, ns, g, bh);
    }
}
