// SPDX-License-Identifier: GPL-2.0
//! Host tests of the forwarding decisions: one per branch of `ip_forward`.

use super::*;
use crate::mib::MibArray;
use crate::wire::tests::golden;
use crate::wire::Packet;

struct FakeFwd {
    hdr: Vec<u8>,
    pkt_type: PktType,
    sk: bool,
    lro: bool,
    xfrm_policy: bool,
    ra_listened: bool,
    xfrm_route: bool,
    strict_gw: bool,
    forwarded: bool,
    mtu: MtuInputs,
    len: u32,
    ignore_df: bool,
    gso: bool,
    gso_fits: bool,
    icmp: Vec<(u8, u8, u32)>,
    cow_ok: bool,
    redirect: bool,
    redirects_sent: u32,
    update_prio: bool,
    prio: Option<u32>,
}

impl FakeFwd {
    fn new(ttl: u8, df: bool) -> Self {
        FakeFwd {
            hdr: golden(ttl, df, 0x10),
            pkt_type: PktType::Host,
            sk: false,
            lro: false,
            xfrm_policy: true,
            ra_listened: false,
            xfrm_route: true,
            strict_gw: false,
            forwarded: false,
            mtu: MtuInputs {
                dev_mtu: 1500,
                ..Default::default()
            },
            len: 1500,
            ignore_df: false,
            gso: false,
            gso_fits: false,
            icmp: Vec::new(),
            cow_ok: true,
            redirect: false,
            redirects_sent: 0,
            update_prio: false,
            prio: None,
        }
    }
}

impl ForwardSkb for FakeFwd {
    fn pkt_type(&self) -> PktType {
        self.pkt_type
    }
    fn has_sk(&self) -> bool {
        self.sk
    }
    fn warn_if_lro(&self) -> bool {
        self.lro
    }
    fn xfrm_policy_ok(&mut self) -> bool {
        self.xfrm_policy
    }
    fn router_alert_listened(&self) -> bool {
        self.ra_listened
    }
    fn forward_csum(&mut self) {}
    fn ttl(&self) -> u8 {
        self.hdr[8]
    }
    fn xfrm_route_ok(&mut self) -> bool {
        self.xfrm_route
    }
    fn strict_route_via_gateway(&self) -> bool {
        self.strict_gw
    }
    fn mark_forwarded(&mut self) {
        self.forwarded = true;
    }
    fn forward_mtu(&self) -> u32 {
        ip_dst_mtu_maybe_forward(&self.mtu)
    }
    fn len(&self) -> u32 {
        self.len
    }
    fn mtu_check(&self) -> MtuCheck {
        MtuCheck {
            len: self.len,
            df: self.hdr[6] & 0x40 != 0,
            frag_max_size: 0,
            ignore_df: self.ignore_df,
            gso: self.gso,
        }
    }
    fn gso_fits(&self, _mtu: u32) -> bool {
        self.gso_fits
    }
    fn icmp_send(&mut self, t: u8, c: u8, info: u32) {
        self.icmp.push((t, c, info));
    }
    fn cow_for_output(&mut self) -> bool {
        self.cow_ok
    }
    fn header_mut(&mut self) -> Option<&mut [u8]> {
        Some(&mut self.hdr)
    }
    fn wants_redirect(&self) -> bool {
        self.redirect
    }
    fn send_redirect(&mut self) {
        self.redirects_sent += 1;
    }
    fn fwd_update_priority(&self) -> bool {
        self.update_prio
    }
    fn set_priority(&mut self, p: u32) {
        self.prio = Some(p);
    }
}

fn run(s: &mut FakeFwd) -> (ForwardVerdict, MibArray) {
    let mut m = MibArray::default();
    let v = ip_forward(s, &mut m);
    (v, m)
}

#[test]
fn forwards_and_decrements_ttl_keeping_checksum_valid() {
    let mut s = FakeFwd::new(64, true);
    let (v, m) = run(&mut s);
    assert_eq!(v, ForwardVerdict::Forward);
    assert_eq!(s.hdr[8], 63);
    assert!(Packet::new_checked(&s.hdr[..]).unwrap().checksum_ok());
    assert!(s.forwarded);
    assert_eq!(m.get(IpMib::ForwDatagrams), 1);
    assert_eq!(m.get(IpMib::Forwarded), 1);
}

#[test]
fn not_host_is_dropped() {
    let mut s = FakeFwd::new(64, true);
    s.pkt_type = PktType::Broadcast;
    assert_eq!(
        run(&mut s).0,
        ForwardVerdict::Drop(DropReason::NotSpecified)
    );
}

#[test]
fn with_socket_is_dropped() {
    let mut s = FakeFwd::new(64, true);
    s.sk = true;
    assert_eq!(
        run(&mut s).0,
        ForwardVerdict::Drop(DropReason::NotSpecified)
    );
}

#[test]
fn lro_is_dropped() {
    let mut s = FakeFwd::new(64, true);
    s.lro = true;
    assert_eq!(
        run(&mut s).0,
        ForwardVerdict::Drop(DropReason::NotSpecified)
    );
}

#[test]
fn xfrm_policy_refusal_is_xfrm_policy() {
    let mut s = FakeFwd::new(64, true);
    s.xfrm_policy = false;
    assert_eq!(run(&mut s).0, ForwardVerdict::Drop(DropReason::XfrmPolicy));
    let mut s = FakeFwd::new(64, true);
    s.xfrm_route = false;
    assert_eq!(run(&mut s).0, ForwardVerdict::Drop(DropReason::XfrmPolicy));
}

#[test]
fn router_alert_with_listener_goes_native() {
    let mut s = FakeFwd::new(64, true);
    s.ra_listened = true;
    assert_eq!(run(&mut s).0, ForwardVerdict::Native);
}

#[test]
fn ttl_1_is_time_exceeded() {
    let mut s = FakeFwd::new(1, true);
    let (v, m) = run(&mut s);
    assert_eq!(v, ForwardVerdict::Drop(DropReason::IpInhdr));
    assert_eq!(s.icmp, vec![(ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0)]);
    assert_eq!(m.get(IpMib::InHdrErrors), 1);
    assert_eq!(m.get(IpMib::ForwDatagrams), 0);
}

#[test]
fn strict_route_via_gateway_is_sr_failed() {
    let mut s = FakeFwd::new(64, true);
    s.strict_gw = true;
    assert_eq!(
        run(&mut s).0,
        ForwardVerdict::Drop(DropReason::NotSpecified)
    );
    assert_eq!(s.icmp, vec![(ICMP_DEST_UNREACH, ICMP_SR_FAILED, 0)]);
}

#[test]
fn df_over_mtu_is_frag_needed_with_the_mtu() {
    let mut s = FakeFwd::new(64, true);
    s.mtu.dev_mtu = 1000;
    let (v, m) = run(&mut s);
    assert_eq!(v, ForwardVerdict::Drop(DropReason::PktTooBig));
    assert_eq!(s.icmp, vec![(ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 1000)]);
    assert_eq!(m.get(IpMib::FragFails), 1);
    assert_eq!(m.get(IpMib::ForwDatagrams), 1);
}

#[test]
fn no_df_over_mtu_is_forwarded_for_fragmentation() {
    let mut s = FakeFwd::new(64, false);
    s.mtu.dev_mtu = 1000;
    assert_eq!(run(&mut s).0, ForwardVerdict::Forward);
}

#[test]
fn gso_checked_by_segment_length() {
    let mut s = FakeFwd::new(64, true);
    s.mtu.dev_mtu = 1000;
    s.len = 30000;
    s.gso = true;
    s.gso_fits = true;
    assert_eq!(run(&mut s).0, ForwardVerdict::Forward);
    s.gso_fits = false;
    s.hdr = golden(64, true, 0x10);
    assert_eq!(run(&mut s).0, ForwardVerdict::Drop(DropReason::PktTooBig));
}

#[test]
fn ignore_df_lets_it_through() {
    let mut s = FakeFwd::new(64, true);
    s.mtu.dev_mtu = 1000;
    s.ignore_df = true;
    assert_eq!(run(&mut s).0, ForwardVerdict::Forward);
}

#[test]
fn cow_failure_is_dropped() {
    let mut s = FakeFwd::new(64, true);
    s.cow_ok = false;
    assert_eq!(
        run(&mut s).0,
        ForwardVerdict::Drop(DropReason::NotSpecified)
    );
}

#[test]
fn redirect_when_the_route_says_so() {
    let mut s = FakeFwd::new(64, true);
    s.redirect = true;
    assert_eq!(run(&mut s).0, ForwardVerdict::Forward);
    assert_eq!(s.redirects_sent, 1);
}

#[test]
fn priority_from_tos_when_enabled() {
    let mut s = FakeFwd::new(64, true);
    s.update_prio = true;
    run(&mut s);
    assert_eq!(s.prio, Some(rt_tos2priority(0x10)));
    assert_eq!(rt_tos2priority(0x10), 6);
    assert_eq!(rt_tos2priority(0x08), 2);
}

#[test]
fn mtu_prefers_fresh_pmtu_only_when_allowed() {
    let base = MtuInputs {
        rt_pmtu: 1200,
        pmtu_fresh: true,
        dev_mtu: 1500,
        ..Default::default()
    };
    assert_eq!(ip_dst_mtu_maybe_forward(&base), 1500);
    assert_eq!(
        ip_dst_mtu_maybe_forward(&MtuInputs {
            fwd_use_pmtu: true,
            ..base
        }),
        1200
    );
    assert_eq!(
        ip_dst_mtu_maybe_forward(&MtuInputs {
            fwd_use_pmtu: true,
            pmtu_fresh: false,
            ..base
        }),
        1500
    );
    assert_eq!(
        ip_dst_mtu_maybe_forward(&MtuInputs {
            metric_mtu: 1400,
            ..base
        }),
        1400
    );
    assert_eq!(
        ip_dst_mtu_maybe_forward(&MtuInputs {
            mtu_locked: true,
            uses_gateway: true,
            rt_pmtu: 0,
            ..base
        }),
        576
    );
    assert_eq!(
        ip_dst_mtu_maybe_forward(&MtuInputs {
            dev_mtu: 70000,
            ..base
        }),
        IP_MAX_MTU
    );
    assert_eq!(
        ip_dst_mtu_maybe_forward(&MtuInputs {
            lwt_headroom: 100,
            ..base
        }),
        1400
    );
}

/// Found by the host fuzzer (fuzz/seeds/ip_forward/lwt-headroom-over-mtu.hex):
/// `lwtunnel_headroom(lwtstate, mtu)` is 0 unless the headroom is below the
/// MTU, so a headroom at or over it leaves the MTU as it is; oxip made it 0
/// and refused every DF packet with "fragmentation needed, MTU 0".
#[test]
fn lwt_headroom_at_or_over_the_mtu_does_not_count() {
    let m = MtuInputs {
        mtu_locked: true,
        rt_pmtu: 1946,
        metric_mtu: 180,
        dev_mtu: 436,
        lwt_headroom: 281,
        ..Default::default()
    };
    assert_eq!(ip_dst_mtu_maybe_forward(&m), 180);
    assert_eq!(
        ip_dst_mtu_maybe_forward(&MtuInputs {
            lwt_headroom: 180,
            ..m
        }),
        180
    );
    assert_eq!(
        ip_dst_mtu_maybe_forward(&MtuInputs {
            lwt_headroom: 179,
            ..m
        }),
        1
    );
    let mut s = FakeFwd::new(64, true);
    s.mtu = m;
    s.len = 100;
    assert_eq!(run(&mut s).0, ForwardVerdict::Forward);
    assert!(s.icmp.is_empty());
}

/// Found by the KUnit cross-check of `IP_MAX_MTU` against bindgen
/// (src/glue/kunit.rs): include/linux/ip.h has 0xFFFF (65535, the largest
/// tot_len); oxip had 0xFFF0 and capped a 65535-byte device MTU at 65520,
/// refusing DF packets of 65521..65535 bytes native forwards.
#[test]
fn ip_max_mtu_is_the_largest_tot_len() {
    let m = MtuInputs {
        dev_mtu: 65535,
        ..Default::default()
    };
    assert_eq!(ip_dst_mtu_maybe_forward(&m), 65535);
    assert_eq!(
        ip_dst_mtu_maybe_forward(&MtuInputs {
            dev_mtu: 65536,
            ..m
        }),
        65535
    );
    let mut s = FakeFwd::new(64, true);
    s.mtu = m;
    s.len = 65535;
    assert_eq!(run(&mut s).0, ForwardVerdict::Forward);
    assert!(s.icmp.is_empty());
}

/// A route whose fields count their reads.
struct CountingRoute {
    m: MtuInputs,
    reads: core::cell::Cell<[u32; 8]>,
}

impl CountingRoute {
    fn read(&self, i: usize) {
        let mut r = self.reads.get();
        r[i] += 1;
        self.reads.set(r);
    }
}

impl MtuSource for CountingRoute {
    fn fwd_use_pmtu(&self) -> bool {
        self.read(0);
        self.m.fwd_use_pmtu
    }
    fn mtu_locked(&self) -> bool {
        self.read(1);
        self.m.mtu_locked
    }
    fn rt_pmtu(&self) -> u32 {
        self.read(2);
        self.m.rt_pmtu
    }
    fn pmtu_fresh(&self) -> bool {
        self.read(3);
        self.m.pmtu_fresh
    }
    fn metric_mtu(&self) -> u32 {
        self.read(4);
        self.m.metric_mtu
    }
    fn dev_mtu(&self) -> u32 {
        self.read(5);
        self.m.dev_mtu
    }
    fn uses_gateway(&self) -> bool {
        self.read(6);
        self.m.uses_gateway
    }
    fn lwt_headroom(&self) -> u32 {
        self.read(7);
        self.m.lwt_headroom
    }
}

#[test]
fn mtu_reads_only_what_c_reads() {
    // The common route: no path MTU sysctl, nothing locked, no metric.
    let plain = CountingRoute {
        m: MtuInputs {
            dev_mtu: 1500,
            ..Default::default()
        },
        reads: Default::default(),
    };
    assert_eq!(ip_dst_mtu_maybe_forward(&plain), 1500);
    // fwd_use_pmtu, mtu_locked (twice, as C: again for the gateway
    // clamp), metric, dev, headroom; never the path MTU's fields, or the
    // gateway of a route that is not locked.
    assert_eq!(plain.reads.get(), [1, 2, 0, 0, 1, 1, 0, 1]);
    // A fresh path MTU that counts: no metric, no device.
    let pmtu = CountingRoute {
        m: MtuInputs {
            fwd_use_pmtu: true,
            rt_pmtu: 1300,
            pmtu_fresh: true,
            dev_mtu: 1500,
            ..Default::default()
        },
        reads: Default::default(),
    };
    assert_eq!(ip_dst_mtu_maybe_forward(&pmtu), 1300);
    assert_eq!(pmtu.reads.get(), [1, 0, 1, 1, 0, 0, 0, 1]);
    // Whatever is read, the answer is the eager inputs' answer.
    for m in [plain.m, pmtu.m] {
        assert_eq!(
            ip_dst_mtu_maybe_forward(&MtuInputs::read(&m)),
            ip_dst_mtu_maybe_forward(&m)
        );
    }
}
