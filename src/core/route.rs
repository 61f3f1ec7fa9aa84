// SPDX-License-Identifier: GPL-2.0
//! The route.c pieces of the receive path: route hints for listified
//! receive and the ICMP redirect rate limiter.
//!
//! C: net/ipv4/route.c (`ip_route_use_hint()`, `ip_rt_send_redirect()`'s
//! rate limiting), net/ipv4/ip_input.c (`ip_extract_route_hint()`,
//! `ip_can_use_hint()`, which decide whether a hint is taken or used).
//! A hint is the route of an earlier packet in the same batch; a later
//! packet to the same daddr with the same tos reuses it instead of a FIB
//! lookup.

use super::mib::DropReason;
use super::rcv::FinishSkb;
use super::rcv::RouteView;
use super::rcv::RtnType;
use super::rcv::RTCF_BROADCAST;
use super::rcv::RTCF_LOCAL;
use super::rcv::RTCF_MULTICAST;
use super::wire::Ipv4Address;

/// What the hint packet leaves behind for the next packets.
///
/// `skb` is the hint packet as the glue holds it (a borrow of the skb, so
/// the route `skb_dst_copy()` copies from it cannot outlive it); the core
/// never looks inside, it hands it back to
/// [`FinishSkb::copy_hint_dst`](super::rcv::FinishSkb::copy_hint_dst).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteHint<H> {
    /// `ip_hdr(hint)->daddr`.
    pub daddr: Ipv4Address,
    /// `ip_hdr(hint)->tos`.
    pub tos: u8,
    /// The hint's `rt->rt_flags`.
    pub rt_flags: u32,
    /// The hint skb, for `skb_dst_copy(skb, hint)`.
    pub skb: H,
}

impl<H> RouteHint<H> {
    /// `ip_can_use_hint()`: no dst yet, same daddr, same tos.
    pub fn can_use(&self, skb_has_dst: bool, daddr: Ipv4Address, tos: u8) -> bool {
        !skb_has_dst && self.daddr == daddr && self.tos == tos
    }
}

/// `ip_extract_route_hint()`: may this packet's route serve as a hint?
///
/// Not with custom FIB rules (`fib4_has_custom_rules`), not for the limited
/// broadcast or zeronet destinations, not for a multipath route.
/// `multipath` is `IPCB(skb)->flags & IPSKB_MULTIPATH`.
pub fn ip_extract_route_hint(has_custom_rules: bool, daddr: Ipv4Address, multipath: bool) -> bool {
    !(has_custom_rules || daddr.is_lbcast() || daddr.is_zeronet() || multipath)
}

/// What `fib_validate_source()` reads of the receiving device and its
/// netns before it decides between its fast path and the full check.
///
/// C: net/ipv4/fib_frontend.c, `fib_validate_source()` (with `oif` 0, as
/// every receive-path caller passes, so its `IN_DEV_TX_REDIRECTS` term is
/// always true).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SourcePolicy {
    /// `secpath_exists(skb) ? 0 : IN_DEV_RPFILTER(idev)` is not 0.
    pub rp_filter: bool,
    /// `fib_num_tclassid_users(net)` is not 0.
    pub tclassid_users: bool,
    /// `IN_DEV_ACCEPT_LOCAL(idev)`.
    pub accept_local: bool,
    /// `net->ipv4.fib_has_custom_local_routes`.
    pub custom_local_routes: bool,
    /// `fib4_has_custom_rules(net)`.
    pub custom_rules: bool,
}

/// The answer of `fib_validate_source()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceCheck {
    /// The fast path accepts the source (`*itag = 0; return 0`).
    Valid,
    /// The source is one of this netns' addresses:
    /// `SKB_DROP_REASON_IP_LOCAL_SOURCE`.
    LocalSource,
    /// `__fib_validate_source()`, the reverse lookup, which oxip cannot call
    /// (not exported); the caller routes the packet with
    /// `ip_route_input_noref()` instead, which validates it the same way.
    FullCheck,
}

/// The fast path of `fib_validate_source()`.
///
/// `is_local_addr` answers `inet_lookup_ifaddr_rcu(net, src) != NULL`, or
/// `None` where the glue cannot tell it apart from a local route that is
/// not an interface address (then the full check decides). It is only
/// called where native looks the address up.
pub fn fib_validate_source(
    policy: &SourcePolicy,
    is_local_addr: impl FnOnce() -> Option<bool>,
) -> SourceCheck {
    if policy.rp_filter || policy.tclassid_users {
        return SourceCheck::FullCheck;
    }
    if policy.accept_local {
        return SourceCheck::Valid;
    }
    if policy.custom_local_routes || policy.custom_rules {
        return SourceCheck::FullCheck;
    }
    match is_local_addr() {
        Some(true) => SourceCheck::LocalSource,
        Some(false) => SourceCheck::Valid,
        None => SourceCheck::FullCheck,
    }
}

/// Reuses the hint's route for a packet to the same destination.
///
/// C: net/ipv4/route.c, `ip_route_use_hint()`. Same martian-source checks,
/// and for a local hint the same source validation where native's
/// `fib_validate_source()` takes its fast path ([`fib_validate_source`]).
/// Differs: where native would do the full check (`__fib_validate_source`,
/// not exported), oxip leaves the skb without a dst so the caller does the
/// full `ip_route_input_noref()` lookup, which validates the source the
/// same way.
pub fn ip_route_use_hint<S: FinishSkb>(
    skb: &mut S,
    _daddr: Ipv4Address,
    saddr: Ipv4Address,
    hint: &RouteHint<S::HintSkb<'_>>,
) -> Result<(), DropReason> {
    if !skb.has_in_dev() {
        return Err(DropReason::NotSpecified);
    }
    if saddr.is_multicast() || saddr.is_lbcast() {
        return Err(DropReason::IpInvalidSource);
    }
    if saddr.is_zeronet() {
        return Err(DropReason::IpInvalidSource);
    }
    if saddr.is_loopback() && !skb.route_localnet() {
        return Err(DropReason::IpLocalnet);
    }
    if hint.rt_flags & RTCF_LOCAL != 0 {
        let policy = skb.source_policy();
        match fib_validate_source(&policy, || skb.is_local_addr(saddr)) {
            SourceCheck::Valid => {}
            SourceCheck::LocalSource => return Err(DropReason::IpLocalSource),
            SourceCheck::FullCheck => return Ok(()),
        }
    }
    skb.copy_hint_dst(&hint.skb);
    Ok(())
}

/// What the per-CPU route cache answers for a packet's receiving device,
/// `daddr` and `tos`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheLookup {
    /// A valid route was attached to the skb (as a noref dst).
    Hit,
    /// No route for this key.
    Miss,
    /// A route for this key that native would no longer use: the IPv4
    /// route generation moved (`rt_cache_flush()`), the FIB changed, or
    /// the dst is obsolete. It has been dropped from the cache.
    Stale,
    /// A valid route, not used: the source check refused the packet's
    /// source (a local address, or one only the full check can judge).
    Refused,
}

/// May a packet ask the route cache, that is: is the route of a packet
/// from `saddr` to `daddr` on this device the same for every such packet,
/// as long as the route generation, the FIB and the dst stay valid?
///
/// The cache extends route hints across batches, so it follows their
/// rules (`ip_extract_route_hint`, `ip_route_use_hint`), and it is
/// narrower: a packet asks it only where native's lookup would look at
/// nothing but the device, `daddr` and `tos`, and where the source check
/// native does on every lookup (`fib_validate_source()`) can take its fast
/// path ([`route_cache_source_ok`] then decides per source). Everything
/// else takes the full lookup, which counts and drops it as native does:
/// - a martian source (multicast, limited broadcast, zeronet, loopback
///   without route_localnet);
/// - a multicast, limited broadcast or zeronet destination;
/// - custom FIB rules (the route may depend on the source, mark, ports,
///   l3mdev: VRFs install such a rule);
/// - rp_filter, tclassid users, or custom local routes without
///   accept_local ([`SourceCheck::FullCheck`] whatever the source).
///
/// What may change the route otherwise invalidates the cached entry:
/// FIB inserts and deletes, device down and unregister, the forwarding,
/// route_localnet, accept_local, disable_policy and disable_xfrm sysctls
/// all call `rt_cache_flush()`; a PMTU or redirect exception marks the
/// nexthop's cached input route obsolete; an unregistered device's routes
/// become `DST_OBSOLETE_DEAD` (`dst_dev_put`).
///
/// The addresses are judged first, so that multicast (which never asks)
/// does not pay for reading the policy; `route_localnet` and `policy` are
/// only read where needed. Returns the policy where the cache may be asked.
pub fn route_cache_usable(
    daddr: Ipv4Address,
    saddr: Ipv4Address,
    route_localnet: impl FnOnce() -> bool,
    policy: impl FnOnce() -> SourcePolicy,
) -> Option<SourcePolicy> {
    if !route_cache_addrs(daddr, saddr) {
        return None;
    }
    route_cache_policy(saddr, route_localnet, policy)
}

/// [`route_cache_usable`] past its address tests ([`route_cache_addrs`],
/// which the caller made): a loopback source, then the policy.
pub fn route_cache_policy(
    saddr: Ipv4Address,
    route_localnet: impl FnOnce() -> bool,
    policy: impl FnOnce() -> SourcePolicy,
) -> Option<SourcePolicy> {
    if saddr.is_loopback() && !route_localnet() {
        return None;
    }
    let p = policy();
    if p.custom_rules || p.rp_filter || p.tclassid_users {
        return None;
    }
    (p.accept_local || !p.custom_local_routes).then_some(p)
}

/// Whether `daddr` and `saddr` are addresses the route cache may be asked
/// for at all: [`route_cache_usable`]'s first, policy-free tests (a
/// loopback source is left to it).
pub fn route_cache_addrs(daddr: Ipv4Address, saddr: Ipv4Address) -> bool {
    let plain = |a: Ipv4Address| !(a.is_multicast() || a.is_lbcast() || a.is_zeronet());
    plain(daddr) && plain(saddr)
}

/// Packets in a row a CPU's route cache may miss before it skips the
/// cache: traffic to ever-new destinations (a scan, random sources of a
/// flood, a busy border router's long tail) cannot be helped by a cache,
/// and a miss costs more than the lookup it fails to save.
pub const ROUTE_CACHE_SKIP_AFTER: u32 = 64;
/// While skipping, one packet in this many still asks the cache (a
/// probe), so that a flow that starts is cached again: a hit ends the
/// run.
pub const ROUTE_CACHE_PROBE_EVERY: u32 = 16;

/// The miss run of one CPU's route cache: the packets since its last hit
/// that missed or skipped it.
///
/// After [`ROUTE_CACHE_SKIP_AFTER`] packets without a hit, the run is in
/// its skipping part, `SKIP_AFTER + 1 ..= SKIP_AFTER + PROBE_EVERY`, which
/// it cycles through: every packet but one in [`ROUTE_CACHE_PROBE_EVERY`]
/// (the one at the top) may skip the cache (no lookup,
/// no store: the path without the cache, which is always correct); the
/// probes look up and store as usual. The glue skips only a packet whose
/// key did not miss just before in its slot (the admission tag), and ends
/// the run at a key that did: a flow that starts is cached from its
/// third packet, as without a run. The run stays between the two bounds,
/// so it ends only so or by a hit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MissRun(pub u32);

impl MissRun {
    /// The run after a packet that missed or skipped the cache.
    pub const fn next(self) -> MissRun {
        if self.0 >= ROUTE_CACHE_SKIP_AFTER + ROUTE_CACHE_PROBE_EVERY {
            MissRun(ROUTE_CACHE_SKIP_AFTER + 1)
        } else {
            MissRun(self.0 + 1)
        }
    }

    /// Whether the run is in its skipping part: one compare, for the
    /// packets that hit.
    pub const fn skipping(self) -> bool {
        self.0 > ROUTE_CACHE_SKIP_AFTER
    }

    /// Whether the next packet skips the cache (not a probe).
    pub const fn skips(self) -> bool {
        self.skipping() && self.0 != ROUTE_CACHE_SKIP_AFTER + ROUTE_CACHE_PROBE_EVERY
    }
}

/// The source check for a cached route, where [`route_cache_usable`]
/// allowed the cache: `fib_validate_source()`'s fast path accepts the
/// source (accept_local, or not one of the netns' addresses).
///
/// The cache asks it only for a source the slot has not been checked for
/// since it became valid: a slot stored after a full lookup was checked
/// by that lookup (the fast path too, for the routes the cache keeps), and
/// an address added to the netns inserts its local route, which moves the
/// route generation and the FIB sequence the slot is validated with.
pub fn route_cache_source_ok(
    policy: &SourcePolicy,
    is_local_addr: impl FnOnce() -> Option<bool>,
) -> bool {
    fib_validate_source(policy, is_local_addr) == SourceCheck::Valid
}

/// May the route a full lookup attached be stored in the route cache?
///
/// A unicast route whose input is oxip's `ip_forward` (no lightweight
/// tunnel), or a local, non-broadcast route delivered locally; never a
/// multipath route (`IPSKB_MULTIPATH`: the path is chosen per flow).
/// These are the routes native keeps in the nexthop's cache
/// (`nhc_rth_input`, an exception's `fnhe_rth_input`) or on the uncached
/// list, both of which `dst_dev_put` when their device goes, so a cached
/// reference never holds a device. The glue also refuses a route out of
/// the device it came in on (native's full source check with
/// `IN_DEV_TX_REDIRECTS` then decides on redirects per packet).
pub fn route_cache_eligible(rt: &RouteView, multipath: bool) -> bool {
    if multipath {
        return false;
    }
    match rt.rt_type {
        RtnType::Unicast => {
            !rt.lwtstate && rt.rt_flags & (RTCF_LOCAL | RTCF_BROADCAST | RTCF_MULTICAST) == 0
        }
        RtnType::Local => {
            rt.input_is_local_deliver && !rt.lwtstate && rt.rt_flags & RTCF_BROADCAST == 0
        }
        _ => false,
    }
}

/// The inet_peer state `ip_rt_send_redirect()` keeps per source address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RedirectPeer {
    /// `peer->rate_last`, in jiffies.
    pub rate_last: u64,
    /// `peer->n_redirects`.
    pub n_redirects: u32,
}

/// The defaults of net.ipv4.route.redirect_{number,load,silence}, in jiffies at `hz`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RedirectLimits {
    /// `ip_rt_redirect_number`.
    pub number: u32,
    /// `ip_rt_redirect_load`.
    pub load: u64,
    /// `ip_rt_redirect_silence`.
    pub silence: u64,
}

impl RedirectLimits {
    /// The kernel's defaults: 9, HZ/50, (HZ/50) << 10.
    pub const fn defaults(hz: u64) -> Self {
        RedirectLimits {
            number: 9,
            load: hz / 50,
            silence: (hz / 50) << 10,
        }
    }
}

fn time_after(a: u64, b: u64) -> bool {
    // CAST: jiffies comparison is modular, as time_after().
    (b.wrapping_sub(a) as i64) < 0
}

/// Should a redirect go out now? Updates `peer` as native does.
///
/// C: net/ipv4/route.c, `ip_rt_send_redirect()` (the rate limiting part).
pub fn redirect_allowed(peer: &mut RedirectPeer, now: u64, l: &RedirectLimits) -> bool {
    if time_after(now, peer.rate_last.wrapping_add(l.silence)) {
        peer.n_redirects = 0;
    }
    if peer.n_redirects >= l.number {
        peer.rate_last = now;
        return false;
    }
    let shift = peer.n_redirects.min(63);
    if peer.n_redirects == 0 || time_after(now, peer.rate_last.wrapping_add(l.load << shift)) {
        peer.rate_last = now;
        peer.n_redirects += 1;
        return true;
    }
    false
}

/// The per-source redirect state, as a small direct-mapped cache standing
/// in for native's inet_peer entries (`inet_getpeer` is not exported). A
/// slot taken over by another source starts that source afresh, as a new
/// inet_peer would.
pub struct RedirectPeers {
    slots: [(u64, RedirectPeer); REDIRECT_SLOTS],
}

/// Number of [`RedirectPeers`] slots.
pub const REDIRECT_SLOTS: usize = 256;

impl RedirectPeers {
    /// An empty cache.
    pub const fn new() -> Self {
        RedirectPeers {
            slots: [(
                0,
                RedirectPeer {
                    rate_last: 0,
                    n_redirects: 0,
                },
            ); REDIRECT_SLOTS],
        }
    }

    /// The state for `key` (a hash of namespace, source and VRF; never 0).
    pub fn get(&mut self, key: u64) -> Option<&mut RedirectPeer> {
        let key = key.max(1);
        // CAST: the remainder is below REDIRECT_SLOTS.
        let slot = self.slots.get_mut((key % REDIRECT_SLOTS as u64) as usize)?;
        if slot.0 != key {
            *slot = (key, RedirectPeer::default());
        }
        Some(&mut slot.1)
    }
}

impl Default for RedirectPeers {
    fn default() -> Self {
        Self::new()
    }
}

/// The [`RedirectPeers`] key of a source in a namespace and VRF.
pub fn redirect_key(net_id: u64, saddr: Ipv4Address, vif: i32) -> u64 {
    // FNV-1a over the three values.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    // CAST: the bit pattern of vif is what matters.
    for b in net_id
        .to_le_bytes()
        .into_iter()
        .chain(saddr.octets())
        .chain((vif as u32).to_le_bytes())
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_back_off_then_stop_then_reset() {
        let l = RedirectLimits::defaults(1000);
        let mut p = RedirectPeer::default();
        let mut now = 5000u64;
        assert!(redirect_allowed(&mut p, now, &l));
        now += 1;
        assert!(!redirect_allowed(&mut p, now, &l), "within the load window");
        let mut sent = 1;
        for _ in 0..200 {
            now += 6000;
            if redirect_allowed(&mut p, now, &l) {
                sent += 1;
            }
            if p.n_redirects >= l.number {
                break;
            }
        }
        assert_eq!(sent, 9);
        assert!(
            !redirect_allowed(&mut p, now + 1, &l),
            "too many ignored redirects"
        );
        assert!(
            redirect_allowed(&mut p, now + l.silence + 10, &l),
            "silence resets"
        );
    }

    #[test]
    fn redirect_peers_keep_state_per_source() {
        let mut t = RedirectPeers::new();
        let a = redirect_key(1, Ipv4Address::new(10, 0, 0, 1), 0);
        let b = redirect_key(1, Ipv4Address::new(10, 0, 0, 2), 0);
        assert_ne!(a, b);
        t.get(a).unwrap().n_redirects = 3;
        assert_eq!(t.get(a).unwrap().n_redirects, 3);
        assert_eq!(t.get(b).unwrap().n_redirects, 0);
    }

    const B: Ipv4Address = Ipv4Address::new(10, 0, 0, 2);
    const HINT: RouteHint<()> = RouteHint {
        daddr: B,
        tos: 0,
        rt_flags: 0,
        skb: (),
    };

    #[test]
    fn same_daddr_and_tos_can_use() {
        assert!(HINT.can_use(false, B, 0));
    }

    #[test]
    fn other_daddr_cannot_use() {
        assert!(!HINT.can_use(false, Ipv4Address::new(10, 0, 0, 3), 0));
    }

    #[test]
    fn other_tos_cannot_use() {
        assert!(!HINT.can_use(false, B, 0x10));
    }

    #[test]
    fn skb_with_dst_cannot_use() {
        assert!(!HINT.can_use(true, B, 0));
    }

    #[test]
    fn no_hint_with_custom_rules() {
        assert!(!ip_extract_route_hint(true, B, false));
    }

    #[test]
    fn no_hint_for_broadcast_or_zeronet() {
        assert!(!ip_extract_route_hint(false, Ipv4Address::BROADCAST, false));
        assert!(!ip_extract_route_hint(
            false,
            Ipv4Address::new(0, 0, 0, 1),
            false
        ));
    }

    #[test]
    fn no_hint_for_multipath() {
        assert!(!ip_extract_route_hint(false, B, true));
    }

    #[test]
    fn validate_source_fast_path() {
        let quiet = SourcePolicy::default();
        assert_eq!(
            fib_validate_source(&quiet, || Some(false)),
            SourceCheck::Valid
        );
        assert_eq!(
            fib_validate_source(&quiet, || Some(true)),
            SourceCheck::LocalSource
        );
        assert_eq!(fib_validate_source(&quiet, || None), SourceCheck::FullCheck);
    }

    #[test]
    fn validate_source_full_check_when_native_does_it() {
        let lookup = || -> Option<bool> { panic!("native does not look the address up") };
        for p in [
            SourcePolicy {
                rp_filter: true,
                ..Default::default()
            },
            SourcePolicy {
                tclassid_users: true,
                ..Default::default()
            },
            SourcePolicy {
                rp_filter: true,
                accept_local: true,
                ..Default::default()
            },
            SourcePolicy {
                custom_local_routes: true,
                ..Default::default()
            },
            SourcePolicy {
                custom_rules: true,
                ..Default::default()
            },
        ] {
            assert_eq!(
                fib_validate_source(&p, lookup),
                SourceCheck::FullCheck,
                "{p:?}"
            );
        }
    }

    #[test]
    fn validate_source_accept_local_skips_the_lookup() {
        let p = SourcePolicy {
            accept_local: true,
            custom_local_routes: true,
            ..Default::default()
        };
        let lookup = || -> Option<bool> { panic!("accept_local accepts before the lookup") };
        assert_eq!(fib_validate_source(&p, lookup), SourceCheck::Valid);
    }

    const S: Ipv4Address = Ipv4Address::new(10, 0, 1, 1);

    #[test]
    fn a_miss_run_skips_all_but_the_probes_and_never_ends_by_itself() {
        let mut r = MissRun::default();
        let mut tried = 0;
        // Until the run is long enough, every packet asks the cache.
        while !r.skipping() {
            assert!(!r.skips());
            r = r.next();
            tried += 1;
        }
        assert_eq!(tried, ROUTE_CACHE_SKIP_AFTER + 1);
        // Then one packet in ROUTE_CACHE_PROBE_EVERY, for ever.
        let mut probes = 0;
        let n = 100 * ROUTE_CACHE_PROBE_EVERY;
        for _ in 0..n {
            if !r.skips() {
                probes += 1;
            }
            r = r.next();
            assert!(r.skipping());
            assert!(r.0 <= ROUTE_CACHE_SKIP_AFTER + ROUTE_CACHE_PROBE_EVERY);
        }
        assert_eq!(probes, 100);
        // The top of the skipping part is the probe.
        assert!(!MissRun(ROUTE_CACHE_SKIP_AFTER).skips());
        assert!(MissRun(ROUTE_CACHE_SKIP_AFTER + 1).skips());
        assert!(!MissRun(ROUTE_CACHE_SKIP_AFTER + ROUTE_CACHE_PROBE_EVERY).skips());
        // A run from anywhere in u32 comes back into the bounds.
        assert_eq!(
            MissRun(u32::MAX).next(),
            MissRun(ROUTE_CACHE_SKIP_AFTER + 1)
        );
    }

    #[test]
    fn cache_usable_for_plain_unicast() {
        let p = SourcePolicy::default();
        assert!(route_cache_usable(B, S, || false, || p).is_some());
        assert!(route_cache_source_ok(&p, || Some(false)));
    }

    #[test]
    fn cache_not_usable_where_native_looks_further() {
        let p = SourcePolicy::default();
        assert!(!route_cache_source_ok(&p, || Some(true)), "local source");
        assert!(!route_cache_source_ok(&p, || None), "full check");
        for d in [
            Ipv4Address::BROADCAST,
            Ipv4Address::new(0, 1, 2, 3),
            Ipv4Address::new(224, 0, 0, 5),
        ] {
            assert!(route_cache_usable(d, S, || false, || p).is_none(), "{d:?}");
        }
        for s in [
            Ipv4Address::BROADCAST,
            Ipv4Address::new(0, 0, 0, 0),
            Ipv4Address::new(239, 1, 1, 1),
            Ipv4Address::new(127, 0, 0, 1),
        ] {
            assert!(route_cache_usable(B, s, || false, || p).is_none(), "{s:?}");
        }
        let lo = Ipv4Address::new(127, 0, 0, 1);
        assert!(route_cache_usable(B, lo, || true, || p).is_some());
        for q in [
            SourcePolicy {
                rp_filter: true,
                ..Default::default()
            },
            SourcePolicy {
                custom_rules: true,
                accept_local: true,
                ..Default::default()
            },
            SourcePolicy {
                tclassid_users: true,
                ..Default::default()
            },
            SourcePolicy {
                custom_local_routes: true,
                ..Default::default()
            },
        ] {
            assert!(route_cache_usable(B, S, || false, || q).is_none(), "{q:?}");
        }
        let accept = SourcePolicy {
            accept_local: true,
            custom_local_routes: true,
            ..Default::default()
        };
        assert!(route_cache_usable(B, S, || false, || accept).is_some());
        assert!(route_cache_source_ok(&accept, || panic!("no lookup")));
    }

    #[test]
    fn cache_keeps_forward_and_local_routes_only() {
        let fwd = RouteView {
            rt_type: RtnType::Unicast,
            rt_flags: 0,
            input_is_local_deliver: false,
            lwtstate: false,
        };
        let local = RouteView {
            rt_type: RtnType::Local,
            rt_flags: RTCF_LOCAL,
            input_is_local_deliver: true,
            lwtstate: false,
        };
        assert!(route_cache_eligible(&fwd, false));
        assert!(route_cache_eligible(&local, false));
        assert!(!route_cache_eligible(&fwd, true), "multipath");
        assert!(!route_cache_eligible(
            &RouteView {
                lwtstate: true,
                ..fwd
            },
            false
        ));
        assert!(!route_cache_eligible(
            &RouteView {
                rt_flags: RTCF_LOCAL | RTCF_BROADCAST,
                ..local
            },
            false
        ));
        for t in [
            RtnType::Broadcast,
            RtnType::Multicast,
            RtnType::Other(6),
            RtnType::Other(7),
        ] {
            assert!(!route_cache_eligible(
                &RouteView { rt_type: t, ..fwd },
                false
            ));
        }
    }

    #[test]
    fn plain_unicast_is_a_hint() {
        assert!(ip_extract_route_hint(false, B, false));
    }
}
