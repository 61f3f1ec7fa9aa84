// SPDX-License-Identifier: GPL-2.0
//! The receive driver: `ip_rcv`, `ip_list_rcv` and their finish steps, which
//! run the core's decisions over real skbs.
//!
//! C: net/ipv4/ip_input.c: `ip_rcv()`, `ip_rcv_finish()`, `ip_list_rcv()`,
//! `ip_sublist_rcv()`, `ip_list_rcv_finish()`, `ip_sublist_rcv_finish()`,
//! include/net/dst.h `dst_input()`.

use core::ffi::c_int;

use kernel::sync::rcu;

use super::bindings as b;
use super::pernet::Stats;
use super::skb;
use super::skb::ListHead;
use super::skb::Skb;
use crate::oxip_core::route;
use crate::oxip_core::route::RouteHint;
use crate::oxip_core::mib::DropReason;
use crate::oxip_core::mib::IpMib;
use crate::oxip_core::mib::MibSink;
use crate::oxip_core::rcv;
use crate::oxip_core::rcv::Dispatch;
use crate::oxip_core::rcv::FinishSkb;
use crate::oxip_core::rcv::RcvError;
use crate::oxip_core::rcv::RouteView;
use crate::oxip_core::wire::Packet;

fn stats(net: *mut b::net) -> Stats {
    // SAFETY: `net` is the live namespace of a packet being received, and
    // the receive path runs with BHs disabled.
    unsafe { Stats::this_cpu(net) }
}

/// Frees `skb` with `r` and counts it.
fn drop_skb(skb: Skb, st: &mut Stats, r: DropReason) {
    st.count_drop(r);
    skb.drop_reason(r);
}

/// `ip_rcv_core` over a real skb: the validated skb, or `None` once it is
/// dropped (counted).
fn rcv_core(skb: Skb, st: &mut Stats) -> Option<Skb> {
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
pub(crate) fn ip_rcv(skb: Skb, entry: IpMib) {
    let net = skb.net();
    let dev = skb.dev();
    let mut st = stats(net);
    st.inc(entry);
    let Some(skb) = rcv_core(skb, &mut st) else { return };
    let p = skb.into_raw();
    // SAFETY: ownership goes to NF_HOOK, which calls ip_rcv_finish or frees.
    unsafe { b::oxip_nf_hook_prerouting(net, p, dev, Some(ip_rcv_finish)) };
}

/// `l3mdev_ip_rcv`: an skb on a VRF slave goes to its master's handler.
fn l3mdev_ip_rcv(skb: Skb) -> Option<Skb> {
    let dev = skb.dev();
    let p = skb.into_raw();
    // SAFETY: ownership goes to l3mdev_ip_rcv, which returns it (maybe
    // another skb) or NULL when it consumed it.
    unsafe { Skb::from_raw_on(b::oxip_l3mdev_ip_rcv(p), dev) }
}

/// The PRE_ROUTING okfn. C: `ip_rcv_finish()`.
unsafe extern "C" fn ip_rcv_finish(net: *mut b::net, _sk: *mut b::sock, skb: *mut b::sk_buff) -> c_int {
    // SAFETY: the okfn owns the skb it is given.
    let Some(skb) = (unsafe { Skb::from_raw(skb) }) else {
        return b::NET_RX_DROP as c_int;
    };
    let Some(mut skb) = l3mdev_ip_rcv(skb) else {
        return b::NET_RX_SUCCESS as c_int;
    };
    let mut st = stats(net);
    match rcv::ip_rcv_finish_core(&mut skb, &mut st, None) {
        Ok(rt) => dst_input(skb, &mut st, &rt),
        Err(r) => {
            drop_skb(skb, &mut st, r);
            b::NET_RX_DROP as c_int
        }
    }
}

/// `dst_input()`, decided by the core from the route `ip_rcv_finish_core`
/// attached (read once, not again here). C: include/net/dst.h.
fn dst_input(skb: Skb, st: &mut Stats, rt: &RouteView) -> c_int {
    match rcv::dispatch(rt) {
        Dispatch::LocalDeliver => {
            st.inc(IpMib::LocalDeliver);
            skb.local_deliver()
        }
        Dispatch::Forward => super::forward::ip_forward(skb, st),
        Dispatch::Multicast => {
            let m = super::pernet::mroute_of(skb.net());
            if m.is_null() {
                st.inc(IpMib::NativeInput);
                return skb.native_input();
            }
            super::mroute::ip_mr_input(skb, st, m, rt.rt_flags & crate::oxip_core::rcv::RTCF_LOCAL != 0)
        }
        Dispatch::NativeInput => {
            st.inc(IpMib::NativeInput);
            skb.native_input()
        }
    }
}

/// Receives a batch. C: `ip_list_rcv()`: validates each packet, then hands
/// runs of packets from the same device and namespace to `ip_sublist_rcv`.
///
/// # Safety
///
/// `head` is a valid list of skbs the caller owns and gives up.
pub(crate) unsafe fn ip_list_rcv(head: *mut b::list_head, entry: IpMib, set_ip_protocol: bool) {
    // Native list receive runs under the RCU read lock its caller
    // (netif_receive_skb_list_internal) takes, and the native inputs it
    // may hand to (ip_mr_input, ...) rely on it; the takeover backlog's
    // NAPI poll takes none. Nested read sides are free.
    let _rcu = rcu::read_lock();
    pin_init::stack_pin_init!(let sublist = ListHead::new());
    let mut curr_dev: *mut b::net_device = core::ptr::null_mut();
    let mut curr_net: *mut b::net = core::ptr::null_mut();
    let mut first = true;
    let mut st_net: *mut b::net = core::ptr::null_mut();
    let mut st = Stats::none();
    // SAFETY: the caller owns the list.
    while let Some(mut skb) = unsafe { skb::list_pop(head) } {
        if set_ip_protocol {
            skb.set_ip_protocol_after_share_check();
        }
        let dev = skb.dev();
        let net = skb.net();
        if net != st_net {
            st = stats(net);
            st_net = net;
        }
        if first || dev != curr_dev || net != curr_net {
            st.inc(IpMib::ListBatches);
        }
        st.inc(entry);
        let Some(skb) = rcv_core(skb, &mut st) else { continue };
        if !first && (curr_dev != dev || curr_net != net) && !sublist.is_empty() {
            ip_sublist_rcv(&sublist, curr_dev, curr_net);
        }
        first = false;
        curr_dev = dev;
        curr_net = net;
        sublist.push(skb);
    }
    if !sublist.is_empty() {
        ip_sublist_rcv(&sublist, curr_dev, curr_net);
    }
}

/// C: `ip_sublist_rcv()`: PRE_ROUTING over the list, then the finish.
fn ip_sublist_rcv(list: &ListHead, dev: *mut b::net_device, net: *mut b::net) {
    // SAFETY: NF_HOOK_LIST keeps accepted skbs on the list and takes the others.
    unsafe { b::oxip_nf_hook_list_prerouting(net, list.as_ptr(), dev, Some(ip_rcv_finish)) };
    ip_list_rcv_finish(net, list);
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
        self.hint.map(|h| RouteHint { daddr: h.daddr, tos: h.tos, rt_flags: h.rt_flags, skb: &self.first })
    }
}

/// C: `ip_list_rcv_finish()`: routes each packet (with the hint where
/// `ip_can_use_hint` allows), and dispatches runs sharing a dst together.
/// The hint is the first packet of the current run (as native's `hint`
/// skb heads its sublist), held apart so the borrow checker sees it live.
fn ip_list_rcv_finish(net: *mut b::net, head: &ListHead) {
    pin_init::stack_pin_init!(let rest = ListHead::new());
    let mut run: Option<Run> = None;
    let mut st = stats(net);
    while let Some(skb) = head.pop() {
        let Some(mut skb) = l3mdev_ip_rcv(skb) else { continue };
        let hint = run.as_ref().and_then(Run::hint);
        let rt = match rcv::ip_rcv_finish_core(&mut skb, &mut st, hint.as_ref()) {
            Ok(rt) => rt,
            Err(r) => {
                drop_skb(skb, &mut st, r);
                continue;
            }
        };
        if run.as_ref().is_some_and(|r| r.first.dst_id() == skb.dst_id()) {
            rest.push(skb);
            continue;
        }
        let hint = ip_extract_route_hint(net, &skb);
        if let Some(r) = run.take() {
            ip_sublist_rcv_finish(r, &rest, &mut st);
        }
        run = Some(Run { first: skb, rt, hint });
    }
    if let Some(r) = run.take() {
        ip_sublist_rcv_finish(r, &rest, &mut st);
    }
}

/// C: `ip_extract_route_hint()`: the hint's fields, if this packet's route
/// may serve as one.
fn ip_extract_route_hint(net: *mut b::net, skb: &Skb) -> Option<RouteHint<()>> {
    let daddr = Packet::new_checked(FinishSkb::network_header(skb)).ok()?.daddr();
    // SAFETY: `net` is live.
    let custom = unsafe { b::oxip_fib4_has_custom_rules(net) };
    if route::ip_extract_route_hint(custom, daddr, skb.ipcb_multipath()) {
        skb.route_hint().map(|h| RouteHint { daddr: h.daddr, tos: h.tos, rt_flags: h.rt_flags, skb: () })
    } else {
        None
    }
}

/// C: `ip_sublist_rcv_finish()`: the run's first packet, then the rest,
/// all sharing its route.
fn ip_sublist_rcv_finish(run: Run, rest: &ListHead, st: &mut Stats) {
    dst_input(run.first, st, &run.rt);
    while let Some(skb) = rest.pop() {
        dst_input(skb, st, &run.rt);
    }
}
