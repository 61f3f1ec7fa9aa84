// SPDX-License-Identifier: GPL-2.0
//! The receive checks and the post-routing decisions, in the native order.
//!
//! C: net/ipv4/ip_input.c: `ip_rcv_core()`, `ip_rcv_finish_core()`,
//! `ip_rcv_options()`. net/ipv4/route.c's `ip_route_use_hint()` is in
//! [`super::route`].
//! The kernel objects are reached through the [`RcvSkb`] and [`FinishSkb`]
//! traits, which the glue implements over `sk_buff` and the host tests over
//! a byte vector. Every drop returns a [`DropReason`] after bumping the
//! counters the native code bumps at the same point.

use super::mib::DropReason;
use super::mib::IpMib;
use super::mib::MibSink;
use super::route::ip_route_use_hint;
use super::route::route_cache_addrs;
use super::route::route_cache_eligible;
use super::route::route_cache_policy;
use super::route::route_cache_source_ok;
use super::route::CacheLookup;
use super::route::RouteHint;
use super::route::SourcePolicy;
use super::wire;
use super::wire::Ipv4Address;
use super::wire::Packet;

/// `skb->pkt_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PktType {
    /// `PACKET_HOST`.
    Host,
    /// `PACKET_BROADCAST`.
    Broadcast,
    /// `PACKET_MULTICAST`.
    Multicast,
    /// `PACKET_OTHERHOST`.
    OtherHost,
    /// `PACKET_OUTGOING`, `PACKET_LOOPBACK` and the rest.
    Other,
}

/// `PACKET_HOST` (include/uapi/linux/if_packet.h).
pub const PACKET_HOST: u8 = 0;
/// `PACKET_BROADCAST`.
pub const PACKET_BROADCAST: u8 = 1;
/// `PACKET_MULTICAST`.
pub const PACKET_MULTICAST: u8 = 2;
/// `PACKET_OTHERHOST`.
pub const PACKET_OTHERHOST: u8 = 3;

impl PktType {
    /// From the kernel's `PACKET_*` value.
    pub const fn from_raw(v: u8) -> Self {
        match v {
            PACKET_HOST => PktType::Host,
            PACKET_BROADCAST => PktType::Broadcast,
            PACKET_MULTICAST => PktType::Multicast,
            PACKET_OTHERHOST => PktType::OtherHost,
            _ => PktType::Other,
        }
    }
}

/// How a packet left `ip_rcv_core`/`ip_rcv_finish_core` early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RcvError {
    /// Free it with this reason.
    Drop(DropReason),
    /// It is gone already (`skb_share_check` freed it): nothing to free.
    Gone,
}

/// What `ip_rcv_core` needs from an skb. All lengths in bytes.
pub trait RcvSkb {
    /// `skb->pkt_type`.
    fn pkt_type(&self) -> PktType;
    /// `skb->len`.
    fn len(&self) -> u32;
    /// `skb_is_gso(skb)`.
    fn is_gso(&self) -> bool;
    /// `skb_is_gso_tcp(skb)`: a TCPv4/TCPv6 GSO skb (only asked when
    /// [`RcvSkb::is_gso`] is true).
    fn is_gso_tcp(&self) -> bool;
    /// `skb_shinfo(skb)->gso_segs`.
    fn gso_segs(&self) -> u16;
    /// `dev_core_stats_rx_otherhost_dropped_inc(skb->dev)`.
    fn count_otherhost_dropped(&mut self);
    /// `skb_share_check(skb, GFP_ATOMIC)`: false when the skb was shared,
    /// could not be cloned and has been freed.
    fn share_check(&mut self) -> bool;
    /// `pskb_may_pull(skb, len)`.
    fn may_pull(&mut self, len: usize) -> bool;
    /// The linear bytes from the network header on (at least what the last
    /// successful `may_pull` asked for).
    fn network_header(&self) -> &[u8];
    /// `pskb_trim_rcsum(skb, len) == 0`.
    fn trim_rcsum(&mut self, len: u32) -> bool;
    /// The tail of `ip_rcv_core`: transport header at `ihl_len`, IPCB
    /// cleared with `iif = skb->skb_iif`, socket orphaned unless prefetched.
    fn finish_rcv_core(&mut self, ihl_len: usize);
}

/// `iph_totlen()`: `tot_len`, or `skb->len` for a BIG TCP packet (TCP GSO)
/// whose `tot_len` is 0. Any other GSO packet (UDP_L4, ...) with `tot_len`
/// 0 keeps 0, and `ip_rcv_core` drops it as a header error.
///
/// C: include/net/ip.h, `iph_totlen()` (`skb_network_offset` is 0 here:
/// `ip_rcv_core` runs with `skb->data` at the network header).
pub fn iph_totlen(tot_len: u16, skb_len: u32, is_gso_tcp: bool) -> u32 {
    if tot_len == 0 && is_gso_tcp {
        skb_len
    } else {
        u32::from(tot_len)
    }
}

/// Validates and trims an IPv4 packet just received.
///
/// C: net/ipv4/ip_input.c, `ip_rcv_core()`. Same checks, order, counters and
/// drop reasons. Differs only in that the caller frees on `Err(Drop)`.
pub fn ip_rcv_core<S: RcvSkb, M: MibSink>(skb: &mut S, mib: &mut M) -> Result<(), RcvError> {
    if skb.pkt_type() == PktType::OtherHost {
        skb.count_otherhost_dropped();
        return Err(RcvError::Drop(DropReason::OtherHost));
    }

    mib.inc(IpMib::InReceives);
    mib.add(IpMib::InOctets, u64::from(skb.len()));

    if !skb.share_check() {
        mib.inc(IpMib::InDiscards);
        return Err(RcvError::Gone);
    }

    if !skb.may_pull(wire::IPHDR_LEN) {
        return Err(inhdr_error(mib, DropReason::NotSpecified));
    }
    let (ihl_len, tos) = match Packet::new_checked(skb.network_header()) {
        Ok(h) if h.ihl() >= 5 && h.version() == 4 => (h.header_len(), h.tos()),
        _ => return Err(inhdr_error(mib, DropReason::NotSpecified)),
    };

    mib.add(IpMib::ecn(tos), u64::from(skb.gso_segs().max(1)));

    if !skb.may_pull(ihl_len) {
        return Err(inhdr_error(mib, DropReason::NotSpecified));
    }
    let (csum_ok, tot_len) = match Packet::new_checked(skb.network_header()) {
        Ok(h) => (h.checksum_ok(), h.tot_len()),
        Err(_) => return Err(inhdr_error(mib, DropReason::NotSpecified)),
    };
    if !csum_ok {
        mib.inc(IpMib::InCsumErrors);
        return Err(inhdr_error(mib, DropReason::IpCsum));
    }

    let len = iph_totlen(tot_len, skb.len(), skb.is_gso() && skb.is_gso_tcp());
    if skb.len() < len {
        mib.inc(IpMib::InTruncatedPkts);
        return Err(RcvError::Drop(DropReason::PktTooSmall));
    } else if (len as usize) < ihl_len {
        return Err(inhdr_error(mib, DropReason::NotSpecified));
    }

    if !skb.trim_rcsum(len) {
        mib.inc(IpMib::InDiscards);
        return Err(RcvError::Drop(DropReason::NotSpecified));
    }

    skb.finish_rcv_core(ihl_len);
    Ok(())
}

/// The `inhdr_error:` label: the reason defaults to `IP_INHDR`.
fn inhdr_error<M: MibSink>(mib: &mut M, reason: DropReason) -> RcvError {
    let reason = match reason {
        DropReason::NotSpecified => DropReason::IpInhdr,
        r => r,
    };
    mib.inc(IpMib::InHdrErrors);
    RcvError::Drop(reason)
}

/// `rt->rt_type` (`RTN_*`, include/uapi/linux/rtnetlink.h).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RtnType {
    /// `RTN_UNICAST`: a gateway or direct route (forwarding, on input).
    Unicast,
    /// `RTN_LOCAL`.
    Local,
    /// `RTN_BROADCAST`.
    Broadcast,
    /// `RTN_MULTICAST`.
    Multicast,
    /// Any other: `RTN_UNREACHABLE`, `RTN_BLACKHOLE`, `RTN_PROHIBIT`, ...
    Other(u8),
}

/// `RTN_UNICAST` (include/uapi/linux/rtnetlink.h).
pub const RTN_UNICAST: u8 = 1;
/// `RTN_LOCAL`.
pub const RTN_LOCAL: u8 = 2;
/// `RTN_BROADCAST`.
pub const RTN_BROADCAST: u8 = 3;
/// `RTN_MULTICAST`.
pub const RTN_MULTICAST: u8 = 5;

impl RtnType {
    /// From the kernel's `RTN_*` value.
    pub const fn from_raw(v: u8) -> Self {
        match v {
            RTN_UNICAST => RtnType::Unicast,
            RTN_LOCAL => RtnType::Local,
            RTN_BROADCAST => RtnType::Broadcast,
            RTN_MULTICAST => RtnType::Multicast,
            o => RtnType::Other(o),
        }
    }
}

/// `RTCF_LOCAL`.
pub const RTCF_LOCAL: u32 = 0x8000_0000;
/// `RTCF_BROADCAST`.
pub const RTCF_BROADCAST: u32 = 0x1000_0000;
/// `RTCF_MULTICAST`.
pub const RTCF_MULTICAST: u32 = 0x2000_0000;

/// What the finish step needs to know of the route the skb now carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteView {
    /// `rt->rt_type`.
    pub rt_type: RtnType,
    /// `rt->rt_flags`.
    pub rt_flags: u32,
    /// `dst.input == ip_local_deliver`.
    pub input_is_local_deliver: bool,
    /// `dst.lwtstate != NULL`: a lightweight tunnel may have redirected input.
    pub lwtstate: bool,
}

/// Why `ip_rcv_options` failed, before it is turned into counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionsError {
    /// `ip_options_compile` rejected them.
    Compile,
}

/// What `ip_rcv_finish_core` needs from an skb after `ip_rcv_core` passed.
pub trait FinishSkb {
    /// `skb->pkt_type`.
    fn pkt_type(&self) -> PktType;
    /// `skb->len`.
    fn len(&self) -> u32;
    /// The IPv4 header (`ihl * 4` bytes are linear after `ip_rcv_core`).
    fn network_header(&self) -> &[u8];
    /// `skb_valid_dst(skb)`.
    fn has_valid_dst(&self) -> bool;
    /// `skb_dst(skb) != NULL`.
    fn has_dst(&self) -> bool;
    /// The receiving device has an `in_device` (`__in_dev_get_rcu(dev)`).
    fn has_in_dev(&self) -> bool;
    /// `IN_DEV_NET_ROUTE_LOCALNET(in_dev, net)`.
    fn route_localnet(&self) -> bool;
    /// What `fib_validate_source()` reads before its fast path.
    fn source_policy(&self) -> SourcePolicy;
    /// `inet_lookup_ifaddr_rcu(net, saddr) != NULL`, or `None` where the
    /// glue cannot tell (see [`fib_validate_source`](super::route::fib_validate_source)).
    fn is_local_addr(&self, saddr: Ipv4Address) -> Option<bool>;
    /// `ip_route_input_noref(skb, daddr, saddr, dscp, dev)`.
    fn route_input(
        &mut self,
        daddr: Ipv4Address,
        saddr: Ipv4Address,
        dscp: u8,
    ) -> Result<(), DropReason>;
    /// The hint packet as the glue holds it while later packets reuse its
    /// route: a borrow, so it outlives every use.
    type HintSkb<'h>;
    /// `skb_dst_copy(skb, hint)`.
    fn copy_hint_dst(&mut self, hint: &Self::HintSkb<'_>);
    /// The FIB change sequence of the skb's netns, if the per-CPU route
    /// cache is on for it (default: off).
    fn route_cache_seq(&self) -> Option<u32> {
        None
    }
    /// Whether this CPU's route cache is in a run of misses long enough
    /// for packets to skip it ([`super::route::MissRun::skipping`]).
    fn route_cache_in_miss_run(&mut self) -> bool {
        false
    }
    /// In such a run: whether this packet skips the route cache, its
    /// `daddr` and `tos` not having missed just before (a key that repeats
    /// ends the run). The run moves on if so.
    fn route_cache_skip(&mut self, _daddr: Ipv4Address, _tos: u8) -> bool {
        false
    }
    /// Attaches the cached route of this skb's device, `daddr` and `tos`
    /// if the cache holds a valid one made under FIB sequence `seq` and
    /// its slot was checked for `saddr` or `source_ok` accepts it now.
    fn route_cache_get(
        &mut self,
        _daddr: Ipv4Address,
        _tos: u8,
        _saddr: Ipv4Address,
        _seq: u32,
        _source_ok: impl FnOnce(&Self) -> bool,
    ) -> CacheLookup {
        CacheLookup::Miss
    }
    /// Stores the route the skb now carries for its device, `daddr` and
    /// `tos`, looked up under FIB sequence `seq`, its source `saddr`
    /// checked by that lookup.
    fn route_cache_put(&mut self, _daddr: Ipv4Address, _tos: u8, _saddr: Ipv4Address, _seq: u32) {}
    /// `IPCB(skb)->flags & IPSKB_MULTIPATH`.
    fn multipath(&self) -> bool {
        false
    }
    /// The `else` of the lookup: `IPSKB_NOPOLICY` if the device says so.
    fn mark_nopolicy(&mut self);
    /// The route the skb carries now (always present after a successful lookup).
    fn route(&self) -> Option<RouteView>;
    /// `skb_cow(skb, skb_headroom(skb)) == 0`.
    fn cow(&mut self) -> bool;
    /// `ip_options_compile(net, &IPCB(skb)->opt, skb)` with `optlen` set;
    /// on success, whether a source route option (`opt->srr`) was found.
    fn options_compile(&mut self, optlen: u8) -> Result<bool, OptionsError>;
    /// `IN_DEV_SOURCE_ROUTE(in_dev)`, true without an in_device.
    fn source_route_allowed(&self) -> bool;
    /// `ip_options_rcv_srr(skb, dev) == 0`.
    fn options_rcv_srr(&mut self) -> bool;
    /// `IN_DEV_ORCONF(in_dev, DROP_UNICAST_IN_L2_MULTICAST)`.
    fn drop_unicast_in_l2_multicast(&self) -> bool;
}

/// Attaches a route (from the hint or the FIB) and applies the checks that
/// follow it; returns the route, which [`dispatch`] chooses the input from.
///
/// C: net/ipv4/ip_input.c, `ip_rcv_finish_core()`. Differs: no early demux
/// (`tcp_v4_early_demux` and `udp_v4_early_demux` are not exported; the
/// socket lookup then happens in L4, with the same outcome), and no
/// `CONFIG_IP_ROUTE_CLASSID` accounting.
pub fn ip_rcv_finish_core<S: FinishSkb, M: MibSink>(
    skb: &mut S,
    mib: &mut M,
    hint: Option<&RouteHint<S::HintSkb<'_>>>,
) -> Result<RouteView, DropReason> {
    let (daddr, saddr, tos, ihl) = match Packet::new_checked(skb.network_header()) {
        Ok(h) => (h.daddr(), h.saddr(), h.tos(), h.ihl()),
        Err(_) => return Err(DropReason::IpInhdr),
    };

    if let Some(hint) = hint {
        if hint.can_use(skb.has_dst(), daddr, tos) {
            if let Err(r) = ip_route_use_hint(skb, daddr, saddr, hint) {
                return Err(drop_error(mib, r));
            }
            if skb.has_valid_dst() {
                mib.inc(IpMib::HintHits);
            }
        }
    }

    let cache_seq = if skb.has_dst() {
        None
    } else {
        route_cache_input(skb, mib, daddr, saddr, tos)
    };

    if !skb.has_valid_dst() {
        mib.inc(IpMib::FibLookups);
        if let Err(r) = skb.route_input(daddr, saddr, tos & wire::INET_DSCP_MASK) {
            return Err(drop_error(mib, r));
        }
        if let Some(seq) = cache_seq {
            if skb
                .route()
                .is_some_and(|rt| route_cache_eligible(&rt, skb.multipath()))
            {
                skb.route_cache_put(daddr, tos, saddr, seq);
            }
        }
    } else {
        skb.mark_nopolicy();
    }

    if ihl > 5 {
        ip_rcv_options(skb, mib, ihl)?;
    }

    let rt = skb.route().ok_or(DropReason::NotSpecified)?;
    let len = u64::from(skb.len());
    match rt.rt_type {
        RtnType::Multicast => {
            mib.inc(IpMib::InMcastPkts);
            mib.add(IpMib::InMcastOctets, len);
        }
        RtnType::Broadcast => {
            mib.inc(IpMib::InBcastPkts);
            mib.add(IpMib::InBcastOctets, len);
        }
        _ if matches!(skb.pkt_type(), PktType::Broadcast | PktType::Multicast)
            && skb.drop_unicast_in_l2_multicast() =>
        {
            return Err(DropReason::UnicastInL2Multicast);
        }
        _ => {}
    }
    Ok(rt)
}

/// The per-CPU route cache in front of the FIB lookup: attaches a cached
/// route where [`super::route::route_cache_usable`] allows; returns the FIB sequence to
/// store the looked-up route under on a miss (`None`: the cache is off,
/// not usable for this packet, or hit).
fn route_cache_input<S: FinishSkb, M: MibSink>(
    skb: &mut S,
    mib: &mut M,
    daddr: Ipv4Address,
    saddr: Ipv4Address,
    tos: u8,
) -> Option<u32> {
    let seq = skb.route_cache_seq()?;
    if !route_cache_addrs(daddr, saddr) {
        return None;
    }
    // A run of misses skips the cache before its policy is read: the
    // path without it is always correct.
    if skb.route_cache_in_miss_run() && skb.route_cache_skip(daddr, tos) {
        mib.inc(IpMib::RouteCacheSkipped);
        return None;
    }
    let policy = route_cache_policy(saddr, || skb.route_localnet(), || skb.source_policy())?;
    if !skb.has_in_dev() {
        return None;
    }
    let source_ok = |s: &S| route_cache_source_ok(&policy, || s.is_local_addr(saddr));
    match skb.route_cache_get(daddr, tos, saddr, seq, source_ok) {
        CacheLookup::Refused => None,
        CacheLookup::Hit => {
            mib.inc(IpMib::RouteCacheHits);
            None
        }
        CacheLookup::Miss => {
            mib.inc(IpMib::RouteCacheMisses);
            Some(seq)
        }
        CacheLookup::Stale => {
            mib.inc(IpMib::RouteCacheInvalid);
            mib.inc(IpMib::RouteCacheMisses);
            Some(seq)
        }
    }
}

/// The `drop_error:` label.
fn drop_error<M: MibSink>(mib: &mut M, r: DropReason) -> DropReason {
    if r == DropReason::IpRpfilter {
        mib.inc(IpMib::IPReversePathFilter);
    }
    r
}

/// Processes a header with options.
///
/// C: net/ipv4/ip_input.c, `ip_rcv_options()`. Same outcomes; does not log
/// the martian source route (`net_info_ratelimited`).
pub fn ip_rcv_options<S: FinishSkb, M: MibSink>(
    skb: &mut S,
    mib: &mut M,
    ihl: u8,
) -> Result<(), DropReason> {
    if !skb.cow() {
        mib.inc(IpMib::InDiscards);
        return Err(DropReason::Nomem);
    }
    let optlen = ihl.saturating_mul(4).saturating_sub(20);
    let srr = match skb.options_compile(optlen) {
        Ok(srr) => srr,
        Err(OptionsError::Compile) => {
            mib.inc(IpMib::InHdrErrors);
            return Err(DropReason::IpInhdr);
        }
    };
    if srr {
        if !skb.source_route_allowed() {
            return Err(DropReason::NotSpecified);
        }
        if !skb.options_rcv_srr() {
            return Err(DropReason::NotSpecified);
        }
    }
    Ok(())
}

/// Where `dst_input()` sends a routed packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dispatch {
    /// `ip_local_deliver()`: native L4 and defragmentation.
    LocalDeliver,
    /// oxip's `ip_forward()`.
    Forward,
    /// oxip's `ip_mr_input()` (multicast forwarding), for a multicast
    /// route whose input is not local delivery.
    Multicast,
    /// The route's own `dst.input` (native `ip_forward`, `ip_mr_input`,
    /// `ip_error`, lwtunnel input): until oxip owns those.
    NativeInput,
}

/// Chooses the input for a routed packet.
///
/// C: include/net/dst.h, `dst_input()`, and the `rth->dst.input` choices of
/// net/ipv4/route.c `ip_route_input_slow()`/`ip_route_input_mc()`. Local and
/// broadcast routes whose input is `ip_local_deliver` are delivered here,
/// unicast routes (whose input is `ip_forward` unless a lightweight tunnel
/// redirected it) go to oxip's `ip_forward`; everything else keeps the input
/// the kernel's route set.
pub fn dispatch(rt: &RouteView) -> Dispatch {
    match rt.rt_type {
        RtnType::Local | RtnType::Broadcast if rt.input_is_local_deliver => Dispatch::LocalDeliver,
        RtnType::Unicast if !rt.lwtstate => Dispatch::Forward,
        RtnType::Multicast if !rt.input_is_local_deliver && !rt.lwtstate => Dispatch::Multicast,
        _ => Dispatch::NativeInput,
    }
}

#[cfg(test)]
mod tests;
