// SPDX-License-Identifier: GPL-2.0
//! oxip's `ip_forward` over real skbs: the core decides, this file reads
//! and writes the skb, its route and the namespace's sysctls.
//!
//! C: net/ipv4/ip_forward.c (`ip_forward()`, `ip_forward_finish()`),
//! net/ipv4/route.c (`ip_rt_send_redirect()`), net/ipv4/ip_options.c
//! (`ip_forward_options()`).

use core::ffi::c_int;
use core::pin::Pin;

use kernel::sync::rcu;

use super::bindings as b;
use super::pernet::Stats;
use super::route::InDevice;
use super::route::NetDev;
use super::route::Rtable;
use super::skb::Skb;
use crate::oxip_core::forward;
use crate::oxip_core::options;
use crate::oxip_core::options::ForwardOptions;
use crate::oxip_core::forward::ForwardSkb;
use crate::oxip_core::forward::ForwardVerdict;
use crate::oxip_core::forward::MtuCheck;
use crate::oxip_core::forward::MtuInputs;
use crate::oxip_core::route::RedirectLimits;
use crate::oxip_core::route::RedirectPeers;
use crate::oxip_core::rcv::PktType;
use crate::oxip_core::rcv::RcvSkb;
use crate::oxip_core::route;
use crate::oxip_core::wire;
use crate::oxip_core::wire::Ipv4Address;
use crate::oxip_core::wire::Packet;

kernel::sync::global_lock! {
    // SAFETY: initialised by `init()` from the module's init, before any
    // packet can reach `send_redirect`.
    unsafe(uninit) static REDIRECT_PEERS: SpinLock<RedirectPeers> = RedirectPeers::new();
}

/// Initialises the forwarding state. Called once, from module init.
pub(crate) fn init() {
    // SAFETY: called exactly once, before any registration.
    unsafe { REDIRECT_PEERS.init() };
}

/// Forwards `skb`, routed `RTN_UNICAST` on input. C: `ip_forward()`.
pub(crate) fn ip_forward(mut skb: Skb, st: &mut Stats) -> c_int {
    match forward::ip_forward(&mut skb, st) {
        ForwardVerdict::Forward => {
            let net = skb.net();
            // SAFETY: `skb` is valid.
            let in_dev = unsafe { b::oxip_skb_dev(skb.as_ptr()) };
            // The out device is borrowed from the route under `g`, held
            // across NF_HOOK: it cannot be used past the read side.
            let g = rcu::read_lock();
            // SAFETY: `skb` is valid now; the route lives while `g` is held.
            let out = unsafe { Rtable::of_skb(skb.as_ptr(), &g) }.map(|rt| rt.dst().dev());
            let out = out.map_or(core::ptr::null_mut(), NetDev::as_ptr);
            let p = skb.into_raw();
            // SAFETY: ownership goes to NF_HOOK, which calls
            // ip_forward_finish or frees; `out` is the route's device, live
            // under `g` (still held).
            let r = unsafe { b::oxip_nf_hook_forward(net, p, in_dev, out, Some(ip_forward_finish)) };
            drop(g);
            r
        }
        ForwardVerdict::Native => skb.native_input(),
        ForwardVerdict::Drop(r) => {
            st.count_drop(r);
            skb.drop_reason(r);
            b::NET_RX_DROP as c_int
        }
    }
}

/// The FORWARD okfn. C: `ip_forward_finish()`.
unsafe extern "C" fn ip_forward_finish(net: *mut b::net, sk: *mut b::sock, skb: *mut b::sk_buff) -> c_int {
    // SAFETY: the okfn owns the skb it is given.
    let Some(mut skb) = (unsafe { Skb::from_raw(skb) }) else {
        return 0;
    };
    // SAFETY: IPCB(skb) points into our skb's cb.
    let optlen = unsafe { (*b::oxip_ipcb(skb.as_ptr())).opt.optlen };
    if optlen != 0 {
        skb.forward_options();
    }
    let p = skb.into_raw();
    // SAFETY: `p` is ours; dst_output takes it.
    unsafe {
        b::oxip_skb_clear_tstamp(p);
        b::oxip_dst_output(net, sk, p)
    }
}

impl Skb {
    fn rtable_ptr<'a>(&'a self, g: &'a rcu::Guard) -> Option<&'a Rtable> {
        // SAFETY: `self` is a valid skb for as long as it is borrowed.
        unsafe { Rtable::of_skb(self.as_ptr(), g) }
    }

    fn hdr(&self) -> Option<(Ipv4Address, Ipv4Address)> {
        let h = Packet::new_checked(RcvSkb::network_header(self)).ok()?;
        Some((h.saddr(), h.daddr()))
    }

    /// C: `ip_forward_options()`, the addresses written by
    /// [`SourceQuery::ip_rt_get_source`].
    pub(crate) fn forward_options(&mut self) {
        let p = self.as_ptr();
        // SAFETY: IPCB(skb) points into our skb's cb.
        let opt = unsafe { &(*b::oxip_ipcb(p)).opt };
        // SAFETY: `p` is valid; the bitfield readers only read its cb.
        let o = unsafe {
            ForwardOptions {
                rr: opt.rr,
                rr_needaddr: b::oxip_ipcb_rr_needaddr(p),
                srr: opt.srr,
                srr_is_hit: b::oxip_ipcb_srr_is_hit(p),
                ts: opt.ts,
                ts_needaddr: b::oxip_ipcb_ts_needaddr(p),
                nexthop: Ipv4Address::from_be32(opt.nexthop),
                is_changed: b::oxip_ipcb_is_changed(p),
            }
        };
        let Ok(h) = Packet::new_checked(RcvSkb::network_header(self)) else { return };
        let (saddr, tos) = (h.saddr(), h.tos());
        // SAFETY: `p` is valid; `skb->dev` is live while its packet is processed.
        let (iif, mark) = unsafe { ((*b::oxip_skb_dev(p)).ifindex, b::oxip_skb_mark(p)) };
        let g = rcu::read_lock();
        // SAFETY: `p` is valid now; its route lives while `g` is held.
        let Some(rt) = (unsafe { Rtable::of_skb(p, &g) }) else { return };
        let q = SourceQuery { rt, saddr, tos, iif, mark };
        let Some(Ok(mut iph)) = self.ip_header_mut().map(Packet::new_checked) else { return };
        if options::ip_forward_options(&mut iph, &o, |daddr| q.ip_rt_get_source(daddr)) {
            // SAFETY: IPCB(skb) of our owned skb.
            unsafe { b::oxip_ipcb_clear_is_changed(self.as_ptr()) };
        }
    }
}

/// What `ip_rt_get_source()` reads besides the header's daddr, gathered
/// under the RCU guard that keeps `rt` alive.
struct SourceQuery<'g> {
    rt: &'g Rtable,
    saddr: Ipv4Address,
    tos: u8,
    /// `skb->dev->ifindex`.
    iif: i32,
    /// `skb->mark`.
    mark: u32,
}

impl SourceQuery<'_> {
    /// C: net/ipv4/route.c, `ip_rt_get_source()`, for the header's daddr
    /// of the moment.
    ///
    /// An output route (multicast forwarding's) gives the packet's saddr.
    /// An input route gives the preferred source of a FIB lookup toward
    /// the out device (`fib_lookup`, an inline over the exported
    /// `fib_table_lookup`/`__fib_lookup`), else the out device's address
    /// toward the next hop.
    fn ip_rt_get_source(&self, daddr: Ipv4Address) -> Ipv4Address {
        if self.rt.is_output_route() {
            return self.saddr;
        }
        let dev = self.rt.dst().dev();
        let mut fl4 = b::flowi4::default();
        fl4.daddr = daddr.to_be32();
        fl4.saddr = self.saddr.to_be32();
        fl4.__fl_common.flowic_dscp = self.tos & wire::INET_DSCP_MASK;
        // SAFETY: `dev` is live while `self.rt` is (borrowed from it).
        fl4.__fl_common.flowic_oif = unsafe { (*dev.as_ptr()).ifindex };
        fl4.__fl_common.flowic_iif = self.iif;
        fl4.__fl_common.flowic_mark = self.mark;
        let mut res = b::fib_result::default();
        // SAFETY: as above.
        let net = unsafe { b::oxip_dev_net(dev.as_ptr()) };
        // SAFETY: `net` is live; `fl4` and `res` are ours; the caller holds
        // the RCU read lock the NOREF result needs.
        let src = if unsafe { b::oxip_fib_lookup(net, &mut fl4, &mut res) } == 0 {
            // SAFETY: `res` is a successful lookup's, read under the same guard.
            unsafe { fib_result_prefsrc(&res) }
        } else {
            // SAFETY: the route and its device are live under the guard.
            unsafe {
                let nh = b::oxip_rt_nexthop(self.rt.as_ptr(), daddr.to_be32());
                b::oxip_inet_select_addr_universe(dev.as_ptr(), nh)
            }
        };
        Ipv4Address::from_be32(src)
    }
}

/// C: net/ipv4/fib_semantics.c, `fib_result_prefsrc()` (not exported): the
/// route's `src`, else the next hop's address, computed as
/// `fib_info_update_nhc_saddr()` does (the value native caches in
/// `nh_saddr` for as long as no address changes; the cache is not written).
///
/// # Safety
///
/// `res` is a successful `fib_lookup` result, read under the RCU read lock
/// held since that lookup.
unsafe fn fib_result_prefsrc(res: &b::fib_result) -> u32 {
    // SAFETY: `res.fi` is live under the caller's read lock.
    let (prefsrc, scope) = unsafe { ((*res.fi).fib_prefsrc, (*res.fi).fib_scope) };
    if prefsrc != 0 {
        return prefsrc;
    }
    let nhc = res.nhc;
    // SAFETY: `res.nhc` is live under the caller's read lock.
    let (family, dev) = unsafe { ((*nhc).nhc_family, (*nhc).nhc_dev) };
    let gw = if u32::from(family) == b::AF_INET {
        // SAFETY: as above; an AF_INET next hop's `fib_nh_gw4` (0 without
        // a gateway), read as native reads it.
        unsafe { (*nhc).nhc_gw.ipv4 }
    } else {
        0
    };
    // SAFETY: `dev` is the next hop's device, live under the read lock.
    unsafe { b::inet_select_addr(dev, gw, c_int::from(scope)) }
}

impl ForwardSkb for Skb {
    fn pkt_type(&self) -> PktType {
        RcvSkb::pkt_type(self)
    }
    fn has_sk(&self) -> bool {
        // SAFETY: `self` is a valid skb.
        unsafe { b::oxip_skb_has_sk(self.as_ptr()) }
    }
    fn warn_if_lro(&self) -> bool {
        // SAFETY: as above.
        unsafe { b::oxip_skb_warn_if_lro(self.as_ptr()) }
    }
    fn xfrm_policy_ok(&mut self) -> bool {
        // SAFETY: as above; owned.
        unsafe { b::oxip_xfrm4_policy_check_fwd(self.as_ptr()) }
    }
    fn router_alert_listened(&self) -> bool {
        // SAFETY: as above; the net is the skb's.
        unsafe { b::oxip_ipcb_router_alert(self.as_ptr()) && !b::oxip_net_ra_chain_empty(self.net()) }
    }
    fn forward_csum(&mut self) {
        // SAFETY: as above; owned.
        unsafe { b::oxip_skb_forward_csum(self.as_ptr()) };
    }
    fn ttl(&self) -> u8 {
        Packet::new_checked(RcvSkb::network_header(self)).map(|h| h.ttl()).unwrap_or(0)
    }
    fn xfrm_route_ok(&mut self) -> bool {
        // SAFETY: as above; owned.
        unsafe { b::oxip_xfrm4_route_forward(self.as_ptr()) }
    }
    fn strict_route_via_gateway(&self) -> bool {
        let g = rcu::read_lock();
        // SAFETY: `self` is valid.
        let strict = unsafe { b::oxip_ipcb_is_strictroute(self.as_ptr()) };
        strict && self.rtable_ptr(&g).is_some_and(Rtable::uses_gateway)
    }
    fn mark_forwarded(&mut self) {
        // SAFETY: IPCB(skb) points into our skb's cb.
        unsafe { (*b::oxip_ipcb(self.as_ptr())).flags |= b::oxip_consts_OXIP_IPSKB_FORWARDED as u16 };
    }
    fn mtu_inputs(&self) -> MtuInputs {
        let g = rcu::read_lock();
        let Some(rt) = self.rtable_ptr(&g) else { return MtuInputs::default() };
        let dst = rt.dst().as_ptr();
        // SAFETY: the route, its dst and device are live under `g`; the net
        // is the skb's.
        unsafe {
            MtuInputs {
                fwd_use_pmtu: b::oxip_net_fwd_use_pmtu(b::oxip_dev_net(b::oxip_dst_dev(dst))),
                mtu_locked: b::oxip_ip_mtu_locked(dst),
                rt_pmtu: b::oxip_rt_pmtu(rt.as_ptr()),
                pmtu_fresh: b::oxip_dst_not_expired(dst),
                metric_mtu: b::oxip_dst_metric_mtu(dst),
                dev_mtu: b::oxip_dst_dev_mtu(dst),
                uses_gateway: rt.uses_gateway(),
                lwt_headroom: b::oxip_lwtunnel_headroom(dst, forward::IP_MAX_MTU),
            }
        }
    }
    fn mtu_check(&self) -> MtuCheck {
        let h = Packet::new_checked(RcvSkb::network_header(self));
        let p = self.as_ptr();
        // SAFETY: `p` is valid; IPCB points into its cb.
        unsafe {
            MtuCheck {
                len: (*p).len,
                df: h.is_ok_and(|h| h.dont_frag()),
                frag_max_size: u32::from((*b::oxip_ipcb(p)).frag_max_size),
                ignore_df: b::oxip_skb_ignore_df(p),
                gso: b::oxip_skb_is_gso(p),
            }
        }
    }
    fn gso_fits(&self, mtu: u32) -> bool {
        // SAFETY: `self` is a valid GSO skb.
        unsafe { b::skb_gso_validate_network_len(self.as_ptr(), mtu) }
    }
    fn icmp_send(&mut self, icmp_type: u8, code: u8, info: u32) {
        // SAFETY: `self` is a valid received skb with its IPCB set up;
        // icmp_send does not take ownership.
        unsafe { b::oxip_icmp_send(self.as_ptr(), c_int::from(icmp_type), c_int::from(code), info.to_be()) };
    }
    fn cow_for_output(&mut self) -> bool {
        let g = rcu::read_lock();
        let Some(rt) = self.rtable_ptr(&g) else { return false };
        // SAFETY: owned skb; the dst is live under `g`.
        unsafe { b::oxip_skb_cow_for_output(self.as_ptr(), rt.dst().as_ptr()) == 0 }
    }
    fn header_mut(&mut self) -> Option<&mut [u8]> {
        self.ip_header_mut()
    }
    fn wants_redirect(&self) -> bool {
        let p = self.as_ptr();
        // SAFETY: `p` is valid; IPCB points into its cb.
        unsafe {
            let cb = b::oxip_ipcb(p);
            (*cb).flags & (b::oxip_consts_OXIP_IPSKB_DOREDIRECT as u16) != 0
                && (*cb).opt.srr == 0
                && !b::oxip_skb_sec_path(p)
        }
    }
    fn send_redirect(&mut self) {
        let Some((saddr, daddr)) = self.hdr() else { return };
        let (gw, key) = {
            let g = rcu::read_lock();
            let Some(rt) = self.rtable_ptr(&g) else { return };
            let dev = rt.dst().dev().as_ptr();
            // SAFETY: as above.
            match unsafe { InDevice::of_dev(dev, &g) } {
                Some(d) if d.tx_redirects() => {}
                _ => return,
            }
            // SAFETY: as above.
            let (vif, net, gw) = unsafe {
                (
                    b::oxip_l3mdev_master_ifindex_rcu(dev),
                    b::oxip_dev_net(dev),
                    b::oxip_rt_nexthop(rt.as_ptr(), daddr.to_be32()),
                )
            };
            (gw, route::redirect_key(net as u64, saddr, vif))
        };
        // SAFETY: plain reads of jiffies and HZ.
        let (now, hz) = unsafe { (b::oxip_jiffies(), b::oxip_hz()) };
        let limits = RedirectLimits::defaults(u64::from(hz));
        let send = REDIRECT_PEERS
            .lock()
            .get(key)
            .is_some_and(|peer| route::redirect_allowed(peer, now, &limits));
        if send {
            ForwardSkb::icmp_send(self, forward::ICMP_REDIRECT, forward::ICMP_REDIR_HOST, u32::from_be(gw));
        }
    }
    fn fwd_update_priority(&self) -> bool {
        // SAFETY: the skb's net is live.
        unsafe { b::oxip_net_fwd_update_priority(self.net()) }
    }
    fn set_priority(&mut self, prio: u32) {
        // SAFETY: owned skb.
        unsafe { b::oxip_skb_set_priority(self.as_ptr(), prio) };
    }
}
