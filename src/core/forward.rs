// SPDX-License-Identifier: GPL-2.0
//! The IPv4 forwarding decisions, in the native order.
//!
//! C: net/ipv4/ip_forward.c (`ip_forward()`, `ip_exceeds_mtu()`,
//! `ip_forward_finish()`), include/net/ip.h (`ip_dst_mtu_maybe_forward()`,
//! `ip_decrease_ttl()`), net/ipv4/route.c (`ip_tos2prio`). The redirect
//! rate limiter is in [`super::route`], `ip_forward_options()` in
//! [`super::options`].
//! The kernel objects are reached through [`ForwardSkb`]; every outcome is a
//! value: forward through the FORWARD hook, hand to native, or drop with a
//! reason after the counters and ICMP errors native would give.

use super::mib::DropReason;
use super::mib::IpMib;
use super::mib::MibSink;
use super::rcv::PktType;
use super::wire::Packet;

/// `ICMP_DEST_UNREACH`.
pub const ICMP_DEST_UNREACH: u8 = 3;
/// `ICMP_REDIRECT`.
pub const ICMP_REDIRECT: u8 = 5;
/// `ICMP_TIME_EXCEEDED`.
pub const ICMP_TIME_EXCEEDED: u8 = 11;
/// `ICMP_FRAG_NEEDED`.
pub const ICMP_FRAG_NEEDED: u8 = 4;
/// `ICMP_SR_FAILED`.
pub const ICMP_SR_FAILED: u8 = 5;
/// `ICMP_EXC_TTL`.
pub const ICMP_EXC_TTL: u8 = 0;
/// `ICMP_REDIR_HOST`.
pub const ICMP_REDIR_HOST: u8 = 1;
/// `IP_MAX_MTU` (include/linux/ip.h): the largest `tot_len`.
pub const IP_MAX_MTU: u32 = 0xFFFF;

/// What `ip_dst_mtu_maybe_forward(dst, true)` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MtuInputs {
    /// `net->ipv4.sysctl_ip_fwd_use_pmtu`.
    pub fwd_use_pmtu: bool,
    /// `ip_mtu_locked(dst)`.
    pub mtu_locked: bool,
    /// `rt->rt_pmtu`.
    pub rt_pmtu: u32,
    /// `time_before(jiffies, rt->dst.expires)`.
    pub pmtu_fresh: bool,
    /// `dst_metric_raw(dst, RTAX_MTU)`.
    pub metric_mtu: u32,
    /// `dst_dev(dst)->mtu`.
    pub dev_mtu: u32,
    /// `rt->rt_uses_gateway`.
    pub uses_gateway: bool,
    /// The lightweight tunnel's headroom, as `lwtunnel_headroom(dst->lwtstate,
    /// IP_MAX_MTU)` gives it (0 without a redirecting lwtstate); it counts
    /// only when below the MTU, as `lwtunnel_headroom(lwtstate, mtu)`.
    pub lwt_headroom: u32,
}

/// The route fields `ip_dst_mtu_maybe_forward()` reads ([`MtuInputs`]),
/// each read when it asks for it: the way C's inline code reads them, so
/// that a route with no path MTU and a device MTU costs only those reads.
pub trait MtuSource {
    /// `net->ipv4.sysctl_ip_fwd_use_pmtu`.
    fn fwd_use_pmtu(&self) -> bool;
    /// `ip_mtu_locked(dst)`.
    fn mtu_locked(&self) -> bool;
    /// `rt->rt_pmtu`.
    fn rt_pmtu(&self) -> u32;
    /// `time_before(jiffies, rt->dst.expires)`.
    fn pmtu_fresh(&self) -> bool;
    /// `dst_metric_raw(dst, RTAX_MTU)`.
    fn metric_mtu(&self) -> u32;
    /// `dst_dev(dst)->mtu`.
    fn dev_mtu(&self) -> u32;
    /// `rt->rt_uses_gateway`.
    fn uses_gateway(&self) -> bool;
    /// `lwtunnel_headroom(dst->lwtstate, IP_MAX_MTU)` ([`MtuInputs::lwt_headroom`]).
    fn lwt_headroom(&self) -> u32;
}

impl MtuSource for MtuInputs {
    fn fwd_use_pmtu(&self) -> bool {
        self.fwd_use_pmtu
    }
    fn mtu_locked(&self) -> bool {
        self.mtu_locked
    }
    fn rt_pmtu(&self) -> u32 {
        self.rt_pmtu
    }
    fn pmtu_fresh(&self) -> bool {
        self.pmtu_fresh
    }
    fn metric_mtu(&self) -> u32 {
        self.metric_mtu
    }
    fn dev_mtu(&self) -> u32 {
        self.dev_mtu
    }
    fn uses_gateway(&self) -> bool {
        self.uses_gateway
    }
    fn lwt_headroom(&self) -> u32 {
        self.lwt_headroom
    }
}

impl MtuInputs {
    /// Every input of `m`, read now (for comparisons with C's reads).
    pub fn read<M: MtuSource + ?Sized>(m: &M) -> MtuInputs {
        MtuInputs {
            fwd_use_pmtu: m.fwd_use_pmtu(),
            mtu_locked: m.mtu_locked(),
            rt_pmtu: m.rt_pmtu(),
            pmtu_fresh: m.pmtu_fresh(),
            metric_mtu: m.metric_mtu(),
            dev_mtu: m.dev_mtu(),
            uses_gateway: m.uses_gateway(),
            lwt_headroom: m.lwt_headroom(),
        }
    }
}

/// The path MTU a forwarded packet must fit, reading `m` as C reads the
/// route: the path MTU's fields only where they count, the metric and the
/// device only when no path MTU applies.
///
/// C: include/net/ip.h, `ip_dst_mtu_maybe_forward(dst, forwarding = true)`.
pub fn ip_dst_mtu_maybe_forward<M: MtuSource + ?Sized>(m: &M) -> u32 {
    let mut mtu = 0;
    if m.fwd_use_pmtu() || m.mtu_locked() {
        let pmtu = m.rt_pmtu();
        if pmtu != 0 && m.pmtu_fresh() {
            mtu = pmtu;
        }
    }
    if mtu == 0 {
        mtu = m.metric_mtu();
    }
    if mtu == 0 {
        mtu = m.dev_mtu();
        if mtu > 576 && m.mtu_locked() && m.uses_gateway() {
            mtu = 576;
        }
    }
    let mtu = mtu.min(IP_MAX_MTU);
    // lwtunnel_headroom(): a headroom at or over the MTU is not subtracted.
    let headroom = m.lwt_headroom();
    if headroom < mtu {
        mtu - headroom
    } else {
        mtu
    }
}

/// What `ip_exceeds_mtu` reads of the skb.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MtuCheck {
    /// `skb->len`.
    pub len: u32,
    /// `ip_hdr(skb)->frag_off & htons(IP_DF)`.
    pub df: bool,
    /// `IPCB(skb)->frag_max_size`.
    pub frag_max_size: u32,
    /// `skb->ignore_df`.
    pub ignore_df: bool,
    /// `skb_is_gso(skb)`.
    pub gso: bool,
}

/// Must the packet be refused with "fragmentation needed"?
///
/// C: net/ipv4/ip_forward.c, `ip_exceeds_mtu()`. `gso_fits` is
/// `skb_gso_validate_network_len(skb, mtu)`, asked only for GSO packets.
pub fn ip_exceeds_mtu(c: &MtuCheck, mtu: u32, gso_fits: impl FnOnce(u32) -> bool) -> bool {
    if c.len <= mtu {
        return false;
    }
    if !c.df {
        return false;
    }
    if c.frag_max_size > mtu {
        return true;
    }
    if c.ignore_df {
        return false;
    }
    if c.gso && gso_fits(mtu) {
        return false;
    }
    true
}

/// `TC_PRIO_BESTEFFORT` (include/uapi/linux/pkt_sched.h).
pub const TC_PRIO_BESTEFFORT: u8 = 0;
/// `TC_PRIO_BULK`.
pub const TC_PRIO_BULK: u8 = 2;
/// `TC_PRIO_INTERACTIVE_BULK`.
pub const TC_PRIO_INTERACTIVE_BULK: u8 = 4;
/// `TC_PRIO_INTERACTIVE`.
pub const TC_PRIO_INTERACTIVE: u8 = 6;
/// `IPTOS_TOS_MASK` (include/uapi/linux/ip.h).
pub const IPTOS_TOS_MASK: u8 = 0x1e;

/// `ip_tos2prio` (net/ipv4/route.c): `TC_PRIO_*` by `IPTOS_TOS(tos) >> 1`
/// (`ECN_OR_COST(class)` is `TC_PRIO_class`).
pub const IP_TOS2PRIO: [u8; 16] = [
    TC_PRIO_BESTEFFORT,
    TC_PRIO_BESTEFFORT,
    TC_PRIO_BESTEFFORT,
    TC_PRIO_BESTEFFORT,
    TC_PRIO_BULK,
    TC_PRIO_BULK,
    TC_PRIO_BULK,
    TC_PRIO_BULK,
    TC_PRIO_INTERACTIVE,
    TC_PRIO_INTERACTIVE,
    TC_PRIO_INTERACTIVE,
    TC_PRIO_INTERACTIVE,
    TC_PRIO_INTERACTIVE_BULK,
    TC_PRIO_INTERACTIVE_BULK,
    TC_PRIO_INTERACTIVE_BULK,
    TC_PRIO_INTERACTIVE_BULK,
];

/// `rt_tos2priority(tos)` (include/net/route.h).
pub fn rt_tos2priority(tos: u8) -> u32 {
    u32::from(
        IP_TOS2PRIO
            .get(usize::from((tos & IPTOS_TOS_MASK) >> 1))
            .copied()
            .unwrap_or(0),
    )
}

/// How `ip_forward` ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForwardVerdict {
    /// Into `NF_HOOK(FORWARD)` with `ip_forward_finish`, on `priority`
    /// if `Some`.
    Forward,
    /// Hand to the kernel's own `ip_forward` (router alert with a raw
    /// socket listening: `ip_call_ra_chain` is not exported).
    Native,
    /// Free with this reason.
    Drop(DropReason),
}

/// What `ip_forward` needs from an skb. ICMP goes out through `icmp_send`.
pub trait ForwardSkb {
    /// `skb->pkt_type`.
    fn pkt_type(&self) -> PktType;
    /// `skb->sk != NULL`.
    fn has_sk(&self) -> bool;
    /// `skb_warn_if_lro(skb)`.
    fn warn_if_lro(&self) -> bool;
    /// `xfrm4_policy_check(NULL, XFRM_POLICY_FWD, skb)`.
    fn xfrm_policy_ok(&mut self) -> bool;
    /// `IPCB(skb)->opt.router_alert` and a raw socket on the RA chain.
    fn router_alert_listened(&self) -> bool;
    /// `skb_forward_csum(skb)`.
    fn forward_csum(&mut self);
    /// `ip_hdr(skb)->ttl`.
    fn ttl(&self) -> u8;
    /// `xfrm4_route_forward(skb)`.
    fn xfrm_route_ok(&mut self) -> bool;
    /// `opt->is_strictroute && rt->rt_uses_gateway`.
    fn strict_route_via_gateway(&self) -> bool;
    /// `IPCB(skb)->flags |= IPSKB_FORWARDED`.
    fn mark_forwarded(&mut self);
    /// The path MTU of the skb's route: [`ip_dst_mtu_maybe_forward`] over
    /// the route's [`MtuSource`].
    fn forward_mtu(&self) -> u32;
    /// `skb->len`.
    fn len(&self) -> u32;
    /// What `ip_exceeds_mtu` reads (asked only when `len` exceeds the MTU).
    fn mtu_check(&self) -> MtuCheck;
    /// `skb_gso_validate_network_len(skb, mtu)`.
    fn gso_fits(&self, mtu: u32) -> bool;
    /// `icmp_send(skb, type, code, info)`, `info` in host order.
    fn icmp_send(&mut self, icmp_type: u8, code: u8, info: u32);
    /// `skb_cow(skb, LL_RESERVED_SPACE(rt->dst.dev) + rt->dst.header_len) == 0`.
    fn cow_for_output(&mut self) -> bool;
    /// The IPv4 header, writable: private to this skb (the glue makes sure
    /// with `skb_ensure_writable`, a no-op after `cow_for_output`), or
    /// `None` if it cannot be made so.
    fn header_mut(&mut self) -> Option<&mut [u8]>;
    /// `IPCB(skb)->flags & IPSKB_DOREDIRECT && !opt->srr && !skb_sec_path(skb)`.
    fn wants_redirect(&self) -> bool;
    /// `ip_rt_send_redirect(skb)`.
    fn send_redirect(&mut self);
    /// `net->ipv4.sysctl_ip_fwd_update_priority`.
    fn fwd_update_priority(&self) -> bool;
    /// `skb->priority = prio`.
    fn set_priority(&mut self, prio: u32);
}

/// Forwards a packet routed `RTN_UNICAST` on input.
///
/// C: net/ipv4/ip_forward.c, `ip_forward()`. Same order, counters, ICMP
/// errors and drop reasons. Differs: a router-alert packet with a raw
/// socket on the RA chain goes to native (`ip_call_ra_chain` is not
/// exported); no switchdev offload mark check (`CONFIG_NET_SWITCHDEV`).
pub fn ip_forward<S: ForwardSkb, M: MibSink>(skb: &mut S, mib: &mut M) -> ForwardVerdict {
    let drop = ForwardVerdict::Drop;
    if skb.pkt_type() != PktType::Host {
        return drop(DropReason::NotSpecified);
    }
    if skb.has_sk() {
        return drop(DropReason::NotSpecified);
    }
    if skb.warn_if_lro() {
        return drop(DropReason::NotSpecified);
    }
    if !skb.xfrm_policy_ok() {
        return drop(DropReason::XfrmPolicy);
    }
    if skb.router_alert_listened() {
        return ForwardVerdict::Native;
    }
    skb.forward_csum();

    if skb.ttl() <= 1 {
        mib.inc(IpMib::InHdrErrors);
        skb.icmp_send(ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0);
        return drop(DropReason::IpInhdr);
    }
    if !skb.xfrm_route_ok() {
        return drop(DropReason::XfrmPolicy);
    }
    if skb.strict_route_via_gateway() {
        skb.icmp_send(ICMP_DEST_UNREACH, ICMP_SR_FAILED, 0);
        return drop(DropReason::NotSpecified);
    }

    mib.inc(IpMib::ForwDatagrams);
    skb.mark_forwarded();
    let mtu = skb.forward_mtu();
    // ip_exceeds_mtu()'s own first test, before the rest of what it reads
    // is read: as in C, a packet within the MTU costs one comparison.
    if skb.len() > mtu && ip_exceeds_mtu(&skb.mtu_check(), mtu, |m| skb.gso_fits(m)) {
        mib.inc(IpMib::FragFails);
        skb.icmp_send(ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, mtu);
        return drop(DropReason::PktTooBig);
    }

    if !skb.cow_for_output() {
        return drop(DropReason::NotSpecified);
    }
    let Some(hdr) = skb.header_mut() else {
        return drop(DropReason::NotSpecified);
    };
    let Ok(mut iph) = Packet::new_checked(hdr) else {
        return drop(DropReason::NotSpecified);
    };
    iph.decrease_ttl();
    let tos = iph.tos();

    if skb.wants_redirect() {
        skb.send_redirect();
    }
    if skb.fwd_update_priority() {
        skb.set_priority(rt_tos2priority(tos));
    }
    mib.inc(IpMib::Forwarded);
    ForwardVerdict::Forward
}

#[cfg(test)]
mod tests;
