// SPDX-License-Identifier: GPL-2.0
//! Fuzzes `ip_rcv_finish_core` (src/core/rcv.rs): the route hint, the FIB
//! lookup, `ip_rcv_options` (what the core does with options: cow, compile,
//! source route) and the per-route counters, then the `dst_input` choice (`dispatch`).
//!
//! Input: `[pkt_type, f1, f2, reason, rt_type, rt_bits, hint daddr:4,
//! hint tos, hint rt_flags:4, header...]`. f1: bit 0 a hint, bit 1 the skb
//! has a dst already, bit 2 that dst is a metadata dst (not valid), bit 3
//! an in_device, bit 4 route_localnet, bit 5 `skb_cow` fails, bit 6
//! `ip_options_compile` fails, bit 7 it finds a source route. f2: bit 0
//! source routing allowed, bit 1 `ip_options_rcv_srr` fails, bit 2
//! drop_unicast_in_l2_multicast, bit 3 the FIB lookup fails (with
//! `reason`), bit 4 the hint's daddr is the packet's, bit 5 so is its tos,
//! bits 6-7 whether the source is a local address (0 no, 1 yes, 2-3 the
//! glue cannot tell). rt_bits: bit 0 input is `ip_local_deliver`, bit 1
//! lwtstate; bits 2-6 the source policy: rp_filter, tclassid users,
//! accept_local, custom local routes, custom rules. pkt_type: bits 0-2
//! the type, bits 3-4 the route cache (0 off, 1 it has a valid route, 2
//! none, 3 a stale one), bit 5 the looked-up route is multipath, bit 6
//! the cached route's slot was checked for this source already.
//!
//! The skb is the host tests' `FakeSkb` (src/core/rcv/tests.rs) with every
//! answer taken from the input. Properties: no panic; verdict, reason, MIB
//! counters (including oxip's HintHits/FibLookups), which route the skb
//! ends with, the nopolicy mark and the option calls equal a reference
//! written from net/ipv4/ip_input.c `ip_rcv_finish_core()`/`ip_rcv_options()`
//! and route.c `ip_route_use_hint()` with fib_frontend.c
//! `fib_validate_source()`, with oxip's documented difference (where
//! native does the full check, an `RTCF_LOCAL` hint falls back to the full
//! lookup), and its route cache (README "The route cache": which packets
//! may ask it, which routes it keeps, its counters).
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxip_core::mib::DropReason;
use oxip_core::mib::IpMib;
use oxip_core::mib::MibArray;
use oxip_core::mib::MibSink;
use oxip_core::rcv::dispatch;
use oxip_core::rcv::ip_rcv_finish_core;
use oxip_core::rcv::Dispatch;
use oxip_core::rcv::FinishSkb;
use oxip_core::rcv::OptionsError;
use oxip_core::rcv::PktType;
use oxip_core::rcv::RouteView;
use oxip_core::rcv::RtnType;
use oxip_core::rcv::RTCF_LOCAL;
use oxip_core::route::CacheLookup;
use oxip_core::route::RouteHint;
use oxip_core::route::SourcePolicy;
use oxip_core::wire::Ipv4Address;
use oxip_fuzz::Input;

/// Which route the skb carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dst {
    None,
    /// A metadata dst (`skb_dst` set, `skb_valid_dst` false).
    Metadata,
    /// The one it came with.
    Initial,
    /// The hint's, by `skb_dst_copy`.
    Hint,
    /// The FIB's, by `ip_route_input_noref`.
    Fib,
    /// The route cache's.
    Cache,
}

struct Knobs {
    pkt_type: PktType,
    in_dev: bool,
    localnet: bool,
    cow_fails: bool,
    compile_fails: bool,
    srr: bool,
    srr_allowed: bool,
    rcv_srr_fails: bool,
    drop_l2: bool,
    fib_fails: Option<DropReason>,
    policy: SourcePolicy,
    local_addr: Option<bool>,
    route: RouteView,
    hint_route: RouteView,
    /// The route cache's answer (`None`: off).
    cache: Option<CacheLookup>,
    multipath: bool,
    source_checked: bool,
}

struct FuzzSkb<'k> {
    hdr: Vec<u8>,
    k: &'k Knobs,
    dst: Dst,
    nopolicy: bool,
    lookups: u32,
    compiled: Option<u8>,
    rcv_srr_calls: u32,
    cache_gets: u32,
    cache_puts: u32,
}

impl FinishSkb for FuzzSkb<'_> {
    fn pkt_type(&self) -> PktType {
        self.k.pkt_type
    }
    fn len(&self) -> u32 {
        self.hdr.len() as u32
    }
    fn network_header(&self) -> &[u8] {
        &self.hdr
    }
    fn has_valid_dst(&self) -> bool {
        !matches!(self.dst, Dst::None | Dst::Metadata)
    }
    fn has_dst(&self) -> bool {
        self.dst != Dst::None
    }
    fn has_in_dev(&self) -> bool {
        self.k.in_dev
    }
    fn route_localnet(&self) -> bool {
        self.k.localnet
    }
    fn source_policy(&self) -> SourcePolicy {
        self.k.policy
    }
    fn is_local_addr(&self, _saddr: Ipv4Address) -> Option<bool> {
        self.k.local_addr
    }
    fn route_input(
        &mut self,
        _d: Ipv4Address,
        _s: Ipv4Address,
        _dscp: u8,
    ) -> Result<(), DropReason> {
        self.lookups += 1;
        if let Some(r) = self.k.fib_fails {
            return Err(r);
        }
        self.dst = Dst::Fib;
        Ok(())
    }
    type HintSkb<'h> = usize;
    fn copy_hint_dst(&mut self, _hint: &usize) {
        self.dst = Dst::Hint;
    }
    fn route_cache_seq(&self) -> Option<u32> {
        self.k.cache.map(|_| 7)
    }
    fn route_cache_get(
        &mut self,
        _daddr: Ipv4Address,
        _tos: u8,
        _saddr: Ipv4Address,
        seq: u32,
        source_ok: impl FnOnce(&Self) -> bool,
    ) -> CacheLookup {
        assert_eq!(seq, 7);
        assert_eq!(self.dst, Dst::None, "the cache is asked only without a dst");
        self.cache_gets += 1;
        let a = self.k.cache.expect("asked with the cache off");
        if a == CacheLookup::Hit {
            if !self.k.source_checked && !source_ok(self) {
                return CacheLookup::Refused;
            }
            self.dst = Dst::Cache;
        }
        a
    }
    fn route_cache_put(&mut self, _daddr: Ipv4Address, _tos: u8, _saddr: Ipv4Address, seq: u32) {
        assert_eq!(seq, 7);
        assert_eq!(self.dst, Dst::Fib, "only a looked-up route is stored");
        self.cache_puts += 1;
    }
    fn multipath(&self) -> bool {
        self.k.multipath
    }
    fn mark_nopolicy(&mut self) {
        self.nopolicy = true;
    }
    fn route(&self) -> Option<RouteView> {
        match self.dst {
            Dst::None | Dst::Metadata => None,
            Dst::Hint => Some(self.k.hint_route),
            Dst::Initial | Dst::Fib | Dst::Cache => Some(self.k.route),
        }
    }
    fn cow(&mut self) -> bool {
        !self.k.cow_fails
    }
    fn options_compile(&mut self, optlen: u8) -> Result<bool, OptionsError> {
        self.compiled = Some(optlen);
        if self.k.compile_fails {
            Err(OptionsError::Compile)
        } else {
            Ok(self.k.srr)
        }
    }
    fn source_route_allowed(&self) -> bool {
        !self.k.in_dev || self.k.srr_allowed
    }
    fn options_rcv_srr(&mut self) -> bool {
        self.rcv_srr_calls += 1;
        !self.k.rcv_srr_fails
    }
    fn drop_unicast_in_l2_multicast(&self) -> bool {
        self.k.in_dev && self.k.drop_l2
    }
}

struct Expect {
    verdict: Result<Dst, DropReason>,
    mib: MibArray,
    nopolicy: bool,
    lookups: u32,
    compiled: Option<u8>,
    rcv_srr_calls: u32,
    cache_gets: u32,
    cache_puts: u32,
}

/// `fib_validate_source()`'s fast path: `None` where native does the full
/// check.
fn fast_source_check(k: &Knobs) -> Option<Result<(), DropReason>> {
    let p = &k.policy;
    if p.rp_filter || p.tclassid_users {
        None
    } else if p.accept_local {
        Some(Ok(()))
    } else if p.custom_local_routes || p.custom_rules {
        None
    } else {
        match k.local_addr {
            Some(true) => Some(Err(DropReason::IpLocalSource)),
            Some(false) => Some(Ok(())),
            None => None,
        }
    }
}

fn reference(h: &[u8], k: &Knobs, hint: Option<&RouteHint<usize>>, dst0: Dst) -> Expect {
    let mut x = Expect {
        verdict: Err(DropReason::IpInhdr),
        mib: MibArray::default(),
        nopolicy: false,
        lookups: 0,
        compiled: None,
        rcv_srr_calls: 0,
        cache_gets: 0,
        cache_puts: 0,
    };
    if h.len() < 20 {
        return x;
    }
    let ihl = h[0] & 0xf;
    let tos = h[1];
    let saddr = u32::from_be_bytes([h[12], h[13], h[14], h[15]]);
    let daddr = u32::from_be_bytes([h[16], h[17], h[18], h[19]]);
    let mut dst = dst0;
    let drop_error = |x: &mut Expect, r: DropReason| {
        if r == DropReason::IpRpfilter {
            x.mib.add(IpMib::IPReversePathFilter, 1);
        }
        x.verdict = Err(r);
    };
    if let Some(hint) = hint {
        // ip_can_use_hint()
        if dst == Dst::None && hint.daddr.to_bits() == daddr && hint.tos == tos {
            // ip_route_use_hint()
            let first = saddr >> 24;
            let r = if !k.in_dev {
                Some(DropReason::NotSpecified)
            } else if saddr >> 28 == 0xe || saddr == u32::MAX || first == 0 {
                Some(DropReason::IpInvalidSource)
            } else if first == 127 && !k.localnet {
                Some(DropReason::IpLocalnet)
            } else {
                None
            };
            if let Some(r) = r {
                drop_error(&mut x, r);
                return x;
            }
            if hint.rt_flags & RTCF_LOCAL == 0 {
                dst = Dst::Hint;
                x.mib.add(IpMib::HintHits, 1);
            } else {
                // fib_validate_source(skb, saddr, daddr, dscp, 0, ...);
                // None: __fib_validate_source(), which oxip leaves to the
                // full lookup.
                match fast_source_check(k) {
                    Some(Ok(())) => {
                        dst = Dst::Hint;
                        x.mib.add(IpMib::HintHits, 1);
                    }
                    Some(Err(r)) => {
                        drop_error(&mut x, r);
                        return x;
                    }
                    None => {}
                }
            }
        }
    }
    // The route cache: asked without any dst, for a packet whose route
    // depends on nothing but the device, daddr and tos and whose source
    // native's check accepts on its fast path.
    let mut may_store = false;
    if let (Some(answer), Dst::None) = (k.cache, dst) {
        let martian = |a: u32| a >> 28 == 0xe || a == u32::MAX || a >> 24 == 0;
        let p = &k.policy;
        let usable = k.in_dev
            && !martian(daddr)
            && !martian(saddr)
            && !(saddr >> 24 == 127 && !k.localnet)
            && !p.custom_rules
            && !p.rp_filter
            && !p.tclassid_users
            && (p.accept_local || !p.custom_local_routes);
        if usable {
            x.cache_gets = 1;
            match answer {
                CacheLookup::Hit if k.source_checked || fast_source_check(k) == Some(Ok(())) => {
                    dst = Dst::Cache;
                    x.mib.add(IpMib::RouteCacheHits, 1);
                }
                CacheLookup::Hit | CacheLookup::Refused => {}
                CacheLookup::Miss => {
                    x.mib.add(IpMib::RouteCacheMisses, 1);
                    may_store = true;
                }
                CacheLookup::Stale => {
                    x.mib.add(IpMib::RouteCacheInvalid, 1);
                    x.mib.add(IpMib::RouteCacheMisses, 1);
                    may_store = true;
                }
            }
        }
    }
    if matches!(dst, Dst::None | Dst::Metadata) {
        x.mib.add(IpMib::FibLookups, 1);
        x.lookups = 1;
        if let Some(r) = k.fib_fails {
            drop_error(&mut x, r);
            return x;
        }
        dst = Dst::Fib;
        let r = &k.route;
        let keep = match r.rt_type {
            RtnType::Unicast => !r.lwtstate,
            RtnType::Local => r.input_is_local_deliver && !r.lwtstate,
            _ => false,
        };
        if may_store && keep && !k.multipath {
            x.cache_puts = 1;
        }
    } else {
        x.nopolicy = true;
    }
    if ihl > 5 {
        if k.cow_fails {
            x.mib.add(IpMib::InDiscards, 1);
            x.verdict = Err(DropReason::Nomem);
            return x;
        }
        x.compiled = Some(ihl * 4 - 20);
        if k.compile_fails {
            x.mib.add(IpMib::InHdrErrors, 1);
            x.verdict = Err(DropReason::IpInhdr);
            return x;
        }
        if k.srr {
            if k.in_dev && !k.srr_allowed {
                x.verdict = Err(DropReason::NotSpecified);
                return x;
            }
            x.rcv_srr_calls = 1;
            if k.rcv_srr_fails {
                x.verdict = Err(DropReason::NotSpecified);
                return x;
            }
        }
    }
    let rt = if dst == Dst::Hint {
        k.hint_route
    } else {
        k.route
    };
    let len = h.len() as u64;
    match rt.rt_type {
        RtnType::Multicast => {
            x.mib.add(IpMib::InMcastPkts, 1);
            x.mib.add(IpMib::InMcastOctets, len);
        }
        RtnType::Broadcast => {
            x.mib.add(IpMib::InBcastPkts, 1);
            x.mib.add(IpMib::InBcastOctets, len);
        }
        _ => {
            if matches!(k.pkt_type, PktType::Broadcast | PktType::Multicast)
                && k.in_dev
                && k.drop_l2
            {
                x.verdict = Err(DropReason::UnicastInL2Multicast);
                return x;
            }
        }
    }
    x.verdict = Ok(dst);
    x
}

fn reason(b: u8) -> DropReason {
    match b % 5 {
        0 => DropReason::NotSpecified,
        1 => DropReason::IpRpfilter,
        2 => DropReason::IpInvalidSource,
        3 => DropReason::IpLocalnet,
        _ => DropReason::Kernel(u32::from(b)),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut inp = Input::new(data);
    let p0 = inp.u8();
    let pkt_type = PktType::from_raw(p0 & 7);
    let (f1, f2, rsel, rt_type, rt_bits) = (inp.u8(), inp.u8(), inp.u8(), inp.u8(), inp.u8());
    let (hdaddr, htos, hflags) = (inp.u32(), inp.u8(), inp.u32());
    let hdr = inp.rest().to_vec();
    let route = RouteView {
        rt_type: RtnType::from_raw(rt_type & 7),
        rt_flags: 0,
        input_is_local_deliver: rt_bits & 1 != 0,
        lwtstate: rt_bits & 2 != 0,
    };
    let k = Knobs {
        pkt_type,
        in_dev: f1 & 8 != 0,
        localnet: f1 & 0x10 != 0,
        cow_fails: f1 & 0x20 != 0,
        compile_fails: f1 & 0x40 != 0,
        srr: f1 & 0x80 != 0,
        srr_allowed: f2 & 1 != 0,
        rcv_srr_fails: f2 & 2 != 0,
        drop_l2: f2 & 4 != 0,
        fib_fails: (f2 & 8 != 0).then(|| reason(rsel)),
        policy: SourcePolicy {
            rp_filter: rt_bits & 4 != 0,
            tclassid_users: rt_bits & 8 != 0,
            accept_local: rt_bits & 0x10 != 0,
            custom_local_routes: rt_bits & 0x20 != 0,
            custom_rules: rt_bits & 0x40 != 0,
        },
        local_addr: match f2 >> 6 {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        },
        route,
        // The hint's route: another type, so the end state tells which one.
        hint_route: RouteView {
            rt_type: RtnType::from_raw((rt_type >> 3) & 7),
            rt_flags: hflags,
            ..route
        },
        cache: match (p0 >> 3) & 3 {
            0 => None,
            1 => Some(CacheLookup::Hit),
            2 => Some(CacheLookup::Miss),
            _ => Some(CacheLookup::Stale),
        },
        multipath: p0 & 0x20 != 0,
        source_checked: p0 & 0x40 != 0,
    };
    let field = |at: usize| {
        hdr.get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let hint = RouteHint {
        daddr: Ipv4Address::from_bits(if f2 & 0x10 != 0 {
            field(16).unwrap_or(hdaddr)
        } else {
            hdaddr
        }),
        tos: if f2 & 0x20 != 0 {
            hdr.get(1).copied().unwrap_or(htos)
        } else {
            htos
        },
        rt_flags: hflags,
        skb: 0x1000,
    };
    let hint = (f1 & 1 != 0).then_some(hint);
    let dst0 = match (f1 & 2 != 0, f1 & 4 != 0) {
        (false, _) => Dst::None,
        (true, true) => Dst::Metadata,
        (true, false) => Dst::Initial,
    };

    let want = reference(&hdr, &k, hint.as_ref(), dst0);
    let mut skb = FuzzSkb {
        hdr,
        k: &k,
        dst: dst0,
        nopolicy: false,
        lookups: 0,
        compiled: None,
        rcv_srr_calls: 0,
        cache_gets: 0,
        cache_puts: 0,
    };
    let mut mib = MibArray::default();
    let got = ip_rcv_finish_core(&mut skb, &mut mib, hint.as_ref());
    match (got, want.verdict) {
        (Ok(rt), Ok(d)) => {
            assert_eq!(skb.dst, d, "route attached");
            assert_eq!(Some(rt), skb.route(), "returned route is the attached one");
            let disp = dispatch(&rt);
            let want_disp = match rt.rt_type {
                RtnType::Local | RtnType::Broadcast if rt.input_is_local_deliver => {
                    Dispatch::LocalDeliver
                }
                RtnType::Unicast if !rt.lwtstate => Dispatch::Forward,
                RtnType::Multicast if !rt.input_is_local_deliver && !rt.lwtstate => {
                    Dispatch::Multicast
                }
                _ => Dispatch::NativeInput,
            };
            assert_eq!(disp, want_disp);
        }
        (g, w) => assert_eq!(g.map(|_| ()), w.map(|_| ()), "verdict"),
    }
    assert_eq!(mib, want.mib, "counters");
    assert_eq!(skb.nopolicy, want.nopolicy, "IPSKB_NOPOLICY");
    assert_eq!(skb.lookups, want.lookups, "FIB lookups");
    assert_eq!(skb.cache_gets, want.cache_gets, "route cache asked");
    assert_eq!(skb.cache_puts, want.cache_puts, "route cache stores");
    assert_eq!(skb.compiled, want.compiled, "ip_options_compile optlen");
    assert_eq!(
        skb.rcv_srr_calls, want.rcv_srr_calls,
        "ip_options_rcv_srr calls"
    );
});
