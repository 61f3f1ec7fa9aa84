// SPDX-License-Identifier: GPL-2.0
//! Host tests of `ip_rcv_core`/`ip_rcv_finish_core`: one per rejection
//! branch, with golden packets and a byte-vector skb.

use super::*;
use crate::mib::MibArray;
use crate::route::RouteHint;
use crate::wire::checksum;
use crate::wire::Ipv4Address;

/// A byte-vector stand-in for an skb: `data` is the packet from the IP
/// header on, `linear` how much of it is pulled.
struct FakeSkb {
    data: Vec<u8>,
    linear: usize,
    pkt_type: PktType,
    shared_fails: bool,
    gso: bool,
    gso_tcp: bool,
    otherhost_dropped: u32,
    finished_ihl: Option<usize>,
    // finish side
    dst: Option<usize>,
    route: Option<RouteView>,
    route_result: Result<(), DropReason>,
    lookups: u32,
    options_ok: bool,
    srr: bool,
    srr_allowed: bool,
    drop_l2: bool,
    source_policy: SourcePolicy,
    local_addr: Option<bool>,
    // route cache: (sequence, the answer get gives), gets and puts seen
    cache: Option<(u32, CacheLookup)>,
    cache_gets: u32,
    cache_puts: Vec<(Ipv4Address, u8, u32)>,
    // the CPU's miss run says skip
    cache_skip: bool,
    multipath: bool,
}

impl FakeSkb {
    fn new(data: Vec<u8>) -> Self {
        FakeSkb {
            linear: 0,
            data,
            pkt_type: PktType::Host,
            shared_fails: false,
            gso: false,
            gso_tcp: false,
            otherhost_dropped: 0,
            finished_ihl: None,
            dst: None,
            route: Some(LOCAL),
            route_result: Ok(()),
            lookups: 0,
            options_ok: true,
            srr: false,
            srr_allowed: true,
            drop_l2: false,
            source_policy: SourcePolicy::default(),
            local_addr: Some(false),
            cache: None,
            cache_gets: 0,
            cache_puts: Vec::new(),
            cache_skip: false,
            multipath: false,
        }
    }
}

const LOCAL: RouteView = RouteView {
    rt_type: RtnType::Local,
    rt_flags: RTCF_LOCAL,
    input_is_local_deliver: true,
    lwtstate: false,
};

impl RcvSkb for FakeSkb {
    fn pkt_type(&self) -> PktType {
        self.pkt_type
    }
    fn len(&self) -> u32 {
        self.data.len() as u32
    }
    fn is_gso(&self) -> bool {
        self.gso
    }
    fn is_gso_tcp(&self) -> bool {
        self.gso_tcp
    }
    fn gso_segs(&self) -> u16 {
        0
    }
    fn count_otherhost_dropped(&mut self) {
        self.otherhost_dropped += 1;
    }
    fn share_check(&mut self) -> bool {
        !self.shared_fails
    }
    fn may_pull(&mut self, len: usize) -> bool {
        if len <= self.data.len() {
            self.linear = self.linear.max(len);
            true
        } else {
            false
        }
    }
    fn network_header(&self) -> &[u8] {
        &self.data[..self.linear]
    }
    fn trim_rcsum(&mut self, len: u32) -> bool {
        self.data.truncate(len as usize);
        self.linear = self.linear.min(self.data.len());
        true
    }
    fn finish_rcv_core(&mut self, ihl_len: usize) {
        self.finished_ihl = Some(ihl_len);
    }
}

impl FinishSkb for FakeSkb {
    fn pkt_type(&self) -> PktType {
        self.pkt_type
    }
    fn len(&self) -> u32 {
        self.data.len() as u32
    }
    fn network_header(&self) -> &[u8] {
        &self.data
    }
    fn has_valid_dst(&self) -> bool {
        self.dst.is_some()
    }
    fn has_dst(&self) -> bool {
        self.dst.is_some()
    }
    fn has_in_dev(&self) -> bool {
        true
    }
    fn route_localnet(&self) -> bool {
        false
    }
    fn source_policy(&self) -> SourcePolicy {
        self.source_policy
    }
    fn is_local_addr(&self, _saddr: Ipv4Address) -> Option<bool> {
        self.local_addr
    }
    fn route_input(
        &mut self,
        _d: Ipv4Address,
        _s: Ipv4Address,
        _dscp: u8,
    ) -> Result<(), DropReason> {
        self.lookups += 1;
        self.route_result?;
        self.dst = Some(0x2000);
        Ok(())
    }
    /// The hint skb's dst identity.
    type HintSkb<'h> = usize;
    fn copy_hint_dst(&mut self, hint: &usize) {
        self.dst = Some(*hint);
    }
    fn route_cache_seq(&self) -> Option<u32> {
        self.cache.map(|c| c.0)
    }
    fn route_cache_in_miss_run(&mut self) -> bool {
        self.cache_skip
    }
    fn route_cache_skip(&mut self, _daddr: Ipv4Address, _tos: u8) -> bool {
        self.cache_skip
    }
    fn route_cache_get(
        &mut self,
        _daddr: Ipv4Address,
        _tos: u8,
        _saddr: Ipv4Address,
        seq: u32,
        source_ok: impl FnOnce(&Self) -> bool,
    ) -> CacheLookup {
        self.cache_gets += 1;
        let (s, a) = self.cache.expect("get only with the cache on");
        assert_eq!(s, seq);
        if a == CacheLookup::Hit {
            // A slot not checked for this source: the check decides.
            if !source_ok(self) {
                return CacheLookup::Refused;
            }
            self.dst = Some(0x4000);
        }
        a
    }
    fn route_cache_put(&mut self, daddr: Ipv4Address, tos: u8, _saddr: Ipv4Address, seq: u32) {
        self.cache_puts.push((daddr, tos, seq));
    }
    fn multipath(&self) -> bool {
        self.multipath
    }
    fn mark_nopolicy(&mut self) {}
    fn route(&self) -> Option<RouteView> {
        self.route
    }
    fn cow(&mut self) -> bool {
        true
    }
    fn options_compile(&mut self, _optlen: u8) -> Result<bool, OptionsError> {
        if self.options_ok {
            Ok(self.srr)
        } else {
            Err(OptionsError::Compile)
        }
    }
    fn source_route_allowed(&self) -> bool {
        self.srr_allowed
    }
    fn options_rcv_srr(&mut self) -> bool {
        true
    }
    fn drop_unicast_in_l2_multicast(&self) -> bool {
        self.drop_l2
    }
}

/// UDP 10.0.0.1 -> 10.0.0.2, 8 bytes of payload, valid checksum.
fn golden_udp() -> Vec<u8> {
    let mut p = vec![
        0x45, 0x00, 0x00, 0x1c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 10, 0, 0, 1, 10, 0,
        0, 2, 0x30, 0x39, 0x00, 0x07, 0x00, 0x08, 0x00, 0x00,
    ];
    fix_csum(&mut p);
    p
}

fn fix_csum(p: &mut [u8]) {
    let ihl = usize::from(p[0] & 0xf) * 4;
    p[10] = 0;
    p[11] = 0;
    let c = checksum(&p[..ihl.min(p.len())]).to_be_bytes();
    p[10] = c[0];
    p[11] = c[1];
}

fn run(p: Vec<u8>) -> (Result<(), RcvError>, FakeSkb, MibArray) {
    let mut skb = FakeSkb::new(p);
    let mut mib = MibArray::default();
    let r = ip_rcv_core(&mut skb, &mut mib);
    (r, skb, mib)
}

/// Every golden packet (src/core/golden.rs, shared with KUnit) meets the
/// fate recorded for it.
#[test]
fn golden_packets_meet_their_recorded_fate() {
    for g in crate::golden::GOLDEN {
        let (r, skb, mib) = run(g.bytes.to_vec());
        assert!(
            g.rcv_matches(r, RcvSkb::len(&skb), &mib),
            "{}: {r:?} {:?}",
            g.name,
            g.rcv
        );
    }
}

#[test]
fn valid_udp_passes_and_counts() {
    let (r, skb, mib) = run(golden_udp());
    assert_eq!(r, Ok(()));
    assert_eq!(skb.finished_ihl, Some(20));
    assert_eq!(mib.get(IpMib::InReceives), 1);
    assert_eq!(mib.get(IpMib::InOctets), 28);
    assert_eq!(mib.get(IpMib::InNoECTPkts), 1);
    assert_eq!(mib.get(IpMib::InHdrErrors), 0);
}

#[test]
fn otherhost_dropped_uncounted() {
    let mut skb = FakeSkb::new(golden_udp());
    skb.pkt_type = PktType::OtherHost;
    let mut mib = MibArray::default();
    assert_eq!(
        ip_rcv_core(&mut skb, &mut mib),
        Err(RcvError::Drop(DropReason::OtherHost))
    );
    assert_eq!(skb.otherhost_dropped, 1);
    assert_eq!(mib.get(IpMib::InReceives), 0);
}

#[test]
fn shared_clone_failure_is_gone_and_discarded() {
    let mut skb = FakeSkb::new(golden_udp());
    skb.shared_fails = true;
    let mut mib = MibArray::default();
    assert_eq!(ip_rcv_core(&mut skb, &mut mib), Err(RcvError::Gone));
    assert_eq!(mib.get(IpMib::InDiscards), 1);
    assert_eq!(mib.get(IpMib::InReceives), 1);
}

#[test]
fn shorter_than_iphdr_is_inhdr() {
    let (r, _, mib) = run(golden_udp()[..19].to_vec());
    assert_eq!(r, Err(RcvError::Drop(DropReason::IpInhdr)));
    assert_eq!(mib.get(IpMib::InHdrErrors), 1);
}

#[test]
fn bad_version_is_inhdr_before_ecn() {
    let mut p = golden_udp();
    p[0] = 0x65;
    fix_csum(&mut p);
    let (r, _, mib) = run(p);
    assert_eq!(r, Err(RcvError::Drop(DropReason::IpInhdr)));
    assert_eq!(mib.get(IpMib::InHdrErrors), 1);
    assert_eq!(mib.get(IpMib::InNoECTPkts), 0);
}

#[test]
fn short_ihl_is_inhdr() {
    let mut p = golden_udp();
    p[0] = 0x44;
    let (r, _, mib) = run(p);
    assert_eq!(r, Err(RcvError::Drop(DropReason::IpInhdr)));
    assert_eq!(mib.get(IpMib::InHdrErrors), 1);
}

#[test]
fn ihl_past_the_packet_is_inhdr_after_ecn() {
    let mut p = golden_udp();
    p[0] = 0x4f; // 60-byte header, packet is 28
    p[1] = 0x02; // ECT(0)
    let (r, _, mib) = run(p);
    assert_eq!(r, Err(RcvError::Drop(DropReason::IpInhdr)));
    assert_eq!(mib.get(IpMib::InECT0Pkts), 1);
    assert_eq!(mib.get(IpMib::InHdrErrors), 1);
}

#[test]
fn bad_checksum_is_csum_and_inhdr() {
    let mut p = golden_udp();
    p[11] ^= 0xff;
    let (r, _, mib) = run(p);
    assert_eq!(r, Err(RcvError::Drop(DropReason::IpCsum)));
    assert_eq!(mib.get(IpMib::InCsumErrors), 1);
    assert_eq!(mib.get(IpMib::InHdrErrors), 1);
}

#[test]
fn truncated_is_too_small() {
    let mut p = golden_udp();
    p[3] = 0x40; // tot_len 64 > 28
    fix_csum(&mut p);
    let (r, _, mib) = run(p);
    assert_eq!(r, Err(RcvError::Drop(DropReason::PktTooSmall)));
    assert_eq!(mib.get(IpMib::InTruncatedPkts), 1);
    assert_eq!(mib.get(IpMib::InHdrErrors), 0);
}

#[test]
fn tot_len_below_ihl_is_inhdr() {
    let mut p = golden_udp();
    p[3] = 0x10; // tot_len 16 < 20
    fix_csum(&mut p);
    let (r, _, mib) = run(p);
    assert_eq!(r, Err(RcvError::Drop(DropReason::IpInhdr)));
    assert_eq!(mib.get(IpMib::InHdrErrors), 1);
}

#[test]
fn ethernet_padding_is_trimmed() {
    let mut p = golden_udp();
    p.extend_from_slice(&[0u8; 18]);
    let (r, skb, mib) = run(p);
    assert_eq!(r, Ok(()));
    assert_eq!(skb.data.len(), 28);
    assert_eq!(mib.get(IpMib::InOctets), 46);
}

#[test]
fn big_tcp_zero_tot_len_uses_skb_len() {
    assert_eq!(iph_totlen(0, 70000, true), 70000);
    assert_eq!(iph_totlen(0, 70000, false), 0);
}

/// A golden UDP packet with `tot_len` 0 (checksum fixed), as a GSO skb.
fn zero_tot_len(gso_tcp: bool) -> FakeSkb {
    let mut p = golden_udp();
    p[2] = 0;
    p[3] = 0;
    fix_csum(&mut p);
    let mut skb = FakeSkb::new(p);
    skb.gso = true;
    skb.gso_tcp = gso_tcp;
    skb
}

#[test]
fn tcp_gso_zero_tot_len_is_accepted() {
    let mut skb = zero_tot_len(true);
    let mut mib = MibArray::default();
    assert_eq!(ip_rcv_core(&mut skb, &mut mib), Ok(()));
    assert_eq!(skb.data.len(), 28);
    assert_eq!(mib.get(IpMib::InHdrErrors), 0);
}

/// Native accepts `tot_len` 0 only for TCP GSO (BIG TCP): a UDP_L4 GSO
/// skb with `tot_len` 0 is a header error (len 0 < ihl).
#[test]
fn udp_gso_zero_tot_len_is_dropped() {
    let mut skb = zero_tot_len(false);
    let mut mib = MibArray::default();
    assert_eq!(
        ip_rcv_core(&mut skb, &mut mib),
        Err(RcvError::Drop(DropReason::IpInhdr))
    );
    assert_eq!(mib.get(IpMib::InHdrErrors), 1);
    assert_eq!(skb.finished_ihl, None);
}

#[test]
fn ce_marked_counts_ce() {
    let mut p = golden_udp();
    p[1] = 0x03;
    fix_csum(&mut p);
    let (r, _, mib) = run(p);
    assert_eq!(r, Ok(()));
    assert_eq!(mib.get(IpMib::InCEPkts), 1);
}

fn finish(
    skb: &mut FakeSkb,
    hint: Option<&RouteHint<usize>>,
) -> (Result<(), DropReason>, MibArray) {
    let mut mib = MibArray::default();
    let r = ip_rcv_finish_core(skb, &mut mib, hint).map(|_| ());
    (r, mib)
}

#[test]
fn finish_routes_and_accepts_local() {
    let mut skb = FakeSkb::new(golden_udp());
    let (r, mib) = finish(&mut skb, None);
    assert_eq!(r, Ok(()));
    assert_eq!(skb.lookups, 1);
    assert_eq!(mib.get(IpMib::FibLookups), 1);
    assert_eq!(dispatch(&skb.route.unwrap()), Dispatch::LocalDeliver);
}

#[test]
fn finish_rpfilter_counts_iprpfilter() {
    let mut skb = FakeSkb::new(golden_udp());
    skb.route_result = Err(DropReason::IpRpfilter);
    let (r, mib) = finish(&mut skb, None);
    assert_eq!(r, Err(DropReason::IpRpfilter));
    assert_eq!(mib.get(IpMib::IPReversePathFilter), 1);
}

#[test]
fn finish_other_route_error_passes_reason_through() {
    let mut skb = FakeSkb::new(golden_udp());
    skb.route_result = Err(DropReason::Kernel(77));
    let (r, mib) = finish(&mut skb, None);
    assert_eq!(r, Err(DropReason::Kernel(77)));
    assert_eq!(mib.get(IpMib::IPReversePathFilter), 0);
}

#[test]
fn finish_bad_options_is_inhdr() {
    let mut p = golden_udp();
    p[0] = 0x46;
    let mut skb = FakeSkb::new(p);
    skb.options_ok = false;
    let (r, mib) = finish(&mut skb, None);
    assert_eq!(r, Err(DropReason::IpInhdr));
    assert_eq!(mib.get(IpMib::InHdrErrors), 1);
}

#[test]
fn finish_source_route_refused_when_disabled() {
    let mut p = golden_udp();
    p[0] = 0x46;
    let mut skb = FakeSkb::new(p);
    skb.srr = true;
    skb.srr_allowed = false;
    let (r, _) = finish(&mut skb, None);
    assert_eq!(r, Err(DropReason::NotSpecified));
}

#[test]
fn finish_unicast_in_l2_broadcast_dropped_when_asked() {
    let mut skb = FakeSkb::new(golden_udp());
    skb.pkt_type = PktType::Broadcast;
    skb.drop_l2 = true;
    let (r, _) = finish(&mut skb, None);
    assert_eq!(r, Err(DropReason::UnicastInL2Multicast));
    skb.drop_l2 = false;
    skb.dst = None;
    let (r, _) = finish(&mut skb, None);
    assert_eq!(r, Ok(()));
}

#[test]
fn finish_counts_multicast_and_broadcast_routes() {
    let mut skb = FakeSkb::new(golden_udp());
    skb.route = Some(RouteView {
        rt_type: RtnType::Multicast,
        rt_flags: RTCF_MULTICAST,
        input_is_local_deliver: false,
        lwtstate: false,
    });
    let (_, mib) = finish(&mut skb, None);
    assert_eq!(mib.get(IpMib::InMcastPkts), 1);
    assert_eq!(mib.get(IpMib::InMcastOctets), 28);
    assert_eq!(dispatch(&skb.route.unwrap()), Dispatch::Multicast);
    let mut skb = FakeSkb::new(golden_udp());
    skb.route = Some(RouteView {
        rt_type: RtnType::Broadcast,
        rt_flags: RTCF_BROADCAST | RTCF_LOCAL,
        input_is_local_deliver: true,
        lwtstate: false,
    });
    let (_, mib) = finish(&mut skb, None);
    assert_eq!(mib.get(IpMib::InBcastPkts), 1);
    assert_eq!(dispatch(&skb.route.unwrap()), Dispatch::LocalDeliver);
}

#[test]
fn hint_reused_for_forwarded_route() {
    let hint = RouteHint {
        daddr: Ipv4Address::new(10, 0, 0, 2),
        tos: 0,
        rt_flags: 0,
        skb: 0x3000,
    };
    let mut skb = FakeSkb::new(golden_udp());
    let (r, mib) = finish(&mut skb, Some(&hint));
    assert_eq!(r, Ok(()));
    assert_eq!(skb.lookups, 0);
    assert_eq!(skb.dst, Some(0x3000));
    assert_eq!(mib.get(IpMib::HintHits), 1);
}

const LOCAL_HINT: RouteHint<usize> = RouteHint {
    daddr: Ipv4Address::new(10, 0, 0, 2),
    tos: 0,
    rt_flags: RTCF_LOCAL,
    skb: 0x3000,
};

#[test]
fn local_hint_reused_where_native_validates_on_its_fast_path() {
    let mut skb = FakeSkb::new(golden_udp());
    let (r, mib) = finish(&mut skb, Some(&LOCAL_HINT));
    assert_eq!(r, Ok(()));
    assert_eq!(skb.lookups, 0);
    assert_eq!(skb.dst, Some(0x3000));
    assert_eq!(mib.get(IpMib::HintHits), 1);
}

#[test]
fn local_hint_from_a_local_address_is_dropped() {
    let mut skb = FakeSkb::new(golden_udp());
    skb.local_addr = Some(true);
    let (r, mib) = finish(&mut skb, Some(&LOCAL_HINT));
    assert_eq!(r, Err(DropReason::IpLocalSource));
    assert_eq!(skb.lookups, 0);
    assert_eq!(skb.dst, None);
    assert_eq!(mib.get(IpMib::HintHits), 0);
}

#[test]
fn local_hint_falls_back_to_full_lookup_where_native_does_the_full_check() {
    for (policy, local_addr) in [
        (
            SourcePolicy {
                rp_filter: true,
                ..Default::default()
            },
            Some(false),
        ),
        (
            SourcePolicy {
                custom_local_routes: true,
                ..Default::default()
            },
            Some(false),
        ),
        (SourcePolicy::default(), None),
    ] {
        let mut skb = FakeSkb::new(golden_udp());
        skb.source_policy = policy;
        skb.local_addr = local_addr;
        let (r, mib) = finish(&mut skb, Some(&LOCAL_HINT));
        assert_eq!(r, Ok(()));
        assert_eq!(skb.lookups, 1);
        assert_eq!(mib.get(IpMib::HintHits), 0);
    }
}

#[test]
fn hint_martian_sources_dropped() {
    let hint = RouteHint {
        daddr: Ipv4Address::new(10, 0, 0, 2),
        tos: 0,
        rt_flags: 0,
        skb: 0x3000,
    };
    for (src, reason) in [
        ([224, 0, 0, 1], DropReason::IpInvalidSource),
        ([255, 255, 255, 255], DropReason::IpInvalidSource),
        ([0, 0, 0, 1], DropReason::IpInvalidSource),
        ([127, 0, 0, 1], DropReason::IpLocalnet),
    ] {
        let mut p = golden_udp();
        p[12..16].copy_from_slice(&src);
        fix_csum(&mut p);
        let mut skb = FakeSkb::new(p);
        let (r, _) = finish(&mut skb, Some(&hint));
        assert_eq!(r, Err(reason));
    }
}

#[test]
fn error_routes_keep_native_input() {
    let rt = RouteView {
        rt_type: RtnType::Other(7),
        rt_flags: 0,
        input_is_local_deliver: false,
        lwtstate: false,
    };
    assert_eq!(dispatch(&rt), Dispatch::NativeInput);
    let lw = RouteView {
        rt_type: RtnType::Local,
        rt_flags: RTCF_LOCAL,
        input_is_local_deliver: false,
        lwtstate: false,
    };
    let fwd = RouteView {
        rt_type: RtnType::Unicast,
        rt_flags: 0,
        input_is_local_deliver: false,
        lwtstate: false,
    };
    assert_eq!(dispatch(&fwd), Dispatch::Forward);
    let lwt = RouteView {
        lwtstate: true,
        ..fwd
    };
    assert_eq!(dispatch(&lwt), Dispatch::NativeInput);
    assert_eq!(dispatch(&lw), Dispatch::NativeInput);
}

const FORWARD: RouteView = RouteView {
    rt_type: RtnType::Unicast,
    rt_flags: 0,
    input_is_local_deliver: false,
    lwtstate: false,
};

#[test]
fn route_cache_hit_skips_the_lookup() {
    let mut skb = FakeSkb::new(golden_udp());
    skb.cache = Some((7, CacheLookup::Hit));
    let (r, mib) = finish(&mut skb, None);
    assert_eq!(r, Ok(()));
    assert_eq!(skb.lookups, 0);
    assert_eq!(skb.dst, Some(0x4000));
    assert_eq!(mib.get(IpMib::RouteCacheHits), 1);
    assert_eq!(mib.get(IpMib::FibLookups), 0);
    assert!(skb.cache_puts.is_empty());
}

#[test]
fn route_cache_miss_looks_up_and_stores_under_the_sequence_read_before() {
    for (answer, invalid) in [(CacheLookup::Miss, 0), (CacheLookup::Stale, 1)] {
        let mut skb = FakeSkb::new(golden_udp());
        skb.route = Some(FORWARD);
        skb.cache = Some((7, answer));
        let (r, mib) = finish(&mut skb, None);
        assert_eq!(r, Ok(()));
        assert_eq!(skb.lookups, 1);
        assert_eq!(mib.get(IpMib::RouteCacheMisses), 1);
        assert_eq!(mib.get(IpMib::RouteCacheInvalid), invalid);
        assert_eq!(skb.cache_puts, [(Ipv4Address::new(10, 0, 0, 2), 0, 7)]);
    }
}

#[test]
fn a_miss_run_skips_the_cache_and_its_policy_with_a_counted_full_lookup() {
    let mut skb = FakeSkb::new(golden_udp());
    skb.route = Some(FORWARD);
    skb.cache = Some((7, CacheLookup::Hit));
    skb.cache_skip = true;
    // The policy refuses the cache: Skipped counted proves the skip came
    // before the policy was read.
    skb.source_policy = SourcePolicy {
        rp_filter: true,
        ..SourcePolicy::default()
    };
    let (r, mib) = finish(&mut skb, None);
    assert_eq!(r, Ok(()));
    assert_eq!(skb.cache_gets, 0);
    assert!(skb.cache_puts.is_empty());
    assert_eq!(skb.lookups, 1);
    assert_eq!(mib.get(IpMib::RouteCacheSkipped), 1);
    assert_eq!(mib.get(IpMib::RouteCacheMisses), 0);
    assert_eq!(mib.get(IpMib::FibLookups), 1);
}

#[test]
fn route_cache_refuses_a_source_native_would_check_further() {
    for local_addr in [Some(true), None] {
        let mut skb = FakeSkb::new(golden_udp());
        skb.cache = Some((7, CacheLookup::Hit));
        skb.local_addr = local_addr;
        let (_, mib) = finish(&mut skb, None);
        assert_eq!(skb.cache_gets, 1);
        assert_eq!(skb.lookups, 1, "{local_addr:?}");
        assert!(skb.cache_puts.is_empty());
        assert_eq!(mib.get(IpMib::RouteCacheHits), 0);
        assert_eq!(mib.get(IpMib::RouteCacheMisses), 0);
    }
}

#[test]
fn route_cache_not_asked_where_native_validates_the_source() {
    for (policy, local_addr) in [
        (
            SourcePolicy {
                rp_filter: true,
                ..Default::default()
            },
            Some(false),
        ),
        (
            SourcePolicy {
                custom_rules: true,
                accept_local: true,
                ..Default::default()
            },
            Some(false),
        ),
    ] {
        let mut skb = FakeSkb::new(golden_udp());
        skb.cache = Some((7, CacheLookup::Hit));
        skb.source_policy = policy;
        skb.local_addr = local_addr;
        let (_, mib) = finish(&mut skb, None);
        assert_eq!(skb.cache_gets, 0, "{policy:?} {local_addr:?}");
        assert_eq!(skb.lookups, 1);
        assert!(skb.cache_puts.is_empty());
        assert_eq!(mib.get(IpMib::RouteCacheMisses), 0);
    }
}

#[test]
fn route_cache_stores_no_multipath_or_broadcast_route() {
    for (route, multipath) in [
        (FORWARD, true),
        (
            RouteView {
                rt_type: RtnType::Broadcast,
                rt_flags: RTCF_LOCAL | RTCF_BROADCAST,
                input_is_local_deliver: true,
                lwtstate: false,
            },
            false,
        ),
    ] {
        let mut skb = FakeSkb::new(golden_udp());
        skb.route = Some(route);
        skb.multipath = multipath;
        skb.cache = Some((7, CacheLookup::Miss));
        let (r, _) = finish(&mut skb, None);
        assert_eq!(r, Ok(()));
        assert!(skb.cache_puts.is_empty(), "{route:?}");
    }
}

#[test]
fn route_cache_not_asked_after_a_hint() {
    let mut skb = FakeSkb::new(golden_udp());
    skb.cache = Some((7, CacheLookup::Hit));
    let (_, mib) = finish(&mut skb, Some(&LOCAL_HINT));
    assert_eq!(skb.cache_gets, 0);
    assert_eq!(mib.get(IpMib::HintHits), 1);
}
