// SPDX-License-Identifier: GPL-2.0
//! Fuzzes the forwarding decisions (src/core/forward.rs): `ip_forward` with
//! a fake skb, the path MTU (`ip_dst_mtu_maybe_forward`), the DF/MTU check
//! (`ip_exceeds_mtu`), the TTL decrement with its incremental checksum
//! (`Packet::decrease_ttl`, C `ip_decrease_ttl`) and `rt_tos2priority`.
//!
//! Input: `[pkt_type, f1, f2, f3, rt_pmtu:4, metric_mtu:4, dev_mtu:4,
//! lwt_headroom:4, len:4, frag_max_size:4, header...]`. f1: bit 0 skb->sk,
//! 1 LRO, 2 xfrm policy refuses, 3 router alert with a listener, 4 xfrm
//! route refuses, 5 strict route via gateway, 6 `skb_cow` fails, 7 wants a
//! redirect. f2: bit 0 fwd_update_priority, 1 ignore_df, 2 GSO, 3 GSO
//! segments fit, 4 fwd_use_pmtu, 5 mtu locked, 6 pmtu fresh, 7 uses a
//! gateway. f3: bit 0 fill in a valid header checksum, bit 1 small MTUs
//! (each MTU input and the headroom taken modulo 2048, len modulo 4096).
//! `lwt_headroom` is what the glue passes: the lwtunnel state's headroom
//! (`lwtunnel_headroom(lwtstate, IP_MAX_MTU)`).
//!
//! The skb is the host tests' `FakeFwd` (src/core/forward/tests.rs) with
//! every answer from the input. Properties: no panic; verdict, reason, MIB
//! counters, ICMP errors (type, code, MTU), the FORWARDED mark, redirect,
//! priority and the header bytes after the TTL decrement equal a
//! transcription of net/ipv4/ip_forward.c `ip_forward()` with
//! include/net/ip.h `ip_dst_mtu_maybe_forward()`, `ip_decrease_ttl()` and
//! include/net/lwtunnel.h `lwtunnel_headroom()`; a header whose checksum
//! verified before the decrement (TTL above 0) has, after it, exactly the
//! checksum a full recompute gives.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxip_core::forward::ip_dst_mtu_maybe_forward;
use oxip_core::forward::ip_forward;
use oxip_core::forward::rt_tos2priority;
use oxip_core::forward::ForwardSkb;
use oxip_core::forward::ForwardVerdict;
use oxip_core::forward::MtuCheck;
use oxip_core::forward::MtuInputs;
use oxip_core::mib::DropReason;
use oxip_core::mib::IpMib;
use oxip_core::mib::MibArray;
use oxip_core::mib::MibSink;
use oxip_core::rcv::PktType;
use oxip_core::wire::Packet;
use oxip_fuzz::fix_header_csum;
use oxip_fuzz::ref_checksum;
use oxip_fuzz::Input;

#[derive(Clone)]
struct Knobs {
    pkt_type: PktType,
    sk: bool,
    lro: bool,
    xfrm_policy_fails: bool,
    ra_listened: bool,
    xfrm_route_fails: bool,
    strict_gw: bool,
    cow_fails: bool,
    redirect: bool,
    update_prio: bool,
    ignore_df: bool,
    gso: bool,
    gso_fits: bool,
    mtu: MtuInputs,
    len: u32,
    frag_max_size: u32,
}

/// What the skb saw; the same record for the core's run and the reference.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Seen {
    hdr: Vec<u8>,
    csum_forwarded: bool,
    forwarded: bool,
    icmp: Vec<(u8, u8, u32)>,
    redirects: u32,
    prio: Option<u32>,
}

struct FuzzFwd<'k> {
    k: &'k Knobs,
    s: Seen,
}

impl ForwardSkb for FuzzFwd<'_> {
    fn pkt_type(&self) -> PktType {
        self.k.pkt_type
    }
    fn has_sk(&self) -> bool {
        self.k.sk
    }
    fn warn_if_lro(&self) -> bool {
        self.k.lro
    }
    fn xfrm_policy_ok(&mut self) -> bool {
        !self.k.xfrm_policy_fails
    }
    fn router_alert_listened(&self) -> bool {
        self.k.ra_listened
    }
    fn forward_csum(&mut self) {
        self.s.csum_forwarded = true;
    }
    fn ttl(&self) -> u8 {
        self.s.hdr.get(8).copied().unwrap_or(0)
    }
    fn xfrm_route_ok(&mut self) -> bool {
        !self.k.xfrm_route_fails
    }
    fn strict_route_via_gateway(&self) -> bool {
        self.k.strict_gw
    }
    fn mark_forwarded(&mut self) {
        self.s.forwarded = true;
    }
    fn forward_mtu(&self) -> u32 {
        oxip_core::forward::ip_dst_mtu_maybe_forward(&self.k.mtu)
    }
    fn len(&self) -> u32 {
        self.k.len
    }
    fn mtu_check(&self) -> MtuCheck {
        MtuCheck {
            len: self.k.len,
            df: self.s.hdr.get(6).is_some_and(|b| b & 0x40 != 0),
            frag_max_size: self.k.frag_max_size,
            ignore_df: self.k.ignore_df,
            gso: self.k.gso,
        }
    }
    fn gso_fits(&self, _mtu: u32) -> bool {
        self.k.gso_fits
    }
    fn icmp_send(&mut self, t: u8, c: u8, info: u32) {
        self.s.icmp.push((t, c, info));
    }
    fn cow_for_output(&mut self) -> bool {
        !self.k.cow_fails
    }
    fn header_mut(&mut self) -> Option<&mut [u8]> {
        Some(&mut self.s.hdr)
    }
    fn wants_redirect(&self) -> bool {
        self.k.redirect
    }
    fn send_redirect(&mut self) {
        self.s.redirects += 1;
    }
    fn fwd_update_priority(&self) -> bool {
        self.k.update_prio
    }
    fn set_priority(&mut self, p: u32) {
        self.s.prio = Some(p);
    }
}

/// include/net/ip.h `ip_dst_mtu_maybe_forward(dst, true)`, with
/// include/net/lwtunnel.h `lwtunnel_headroom()`: the headroom counts only
/// when it is below the MTU.
fn ref_mtu(m: &MtuInputs) -> u32 {
    let mut mtu = 0u32;
    let mut done = false;
    if m.fwd_use_pmtu || m.mtu_locked {
        mtu = m.rt_pmtu;
        if mtu != 0 && m.pmtu_fresh {
            done = true;
        }
    }
    if !done {
        mtu = m.metric_mtu;
        if mtu == 0 {
            mtu = m.dev_mtu;
            if m.mtu_locked && m.uses_gateway && mtu > 576 {
                mtu = 576;
            }
        }
    }
    // include/linux/ip.h: IP_MAX_MTU is 0xFFFFU.
    let mtu = mtu.min(0xFFFF);
    let headroom = if m.lwt_headroom < mtu {
        m.lwt_headroom
    } else {
        0
    };
    mtu - headroom
}

/// include/net/ip.h `ip_decrease_ttl()`, on the raw `__sum16` as C sees it.
fn ref_decrease_ttl(h: &mut [u8]) {
    let check = u32::from(u16::from_be_bytes([h[10], h[11]]));
    let check = check + 0x0100;
    let c = ((check + u32::from(check >= 0xFFFF)) & 0xffff) as u16;
    h[10..12].copy_from_slice(&c.to_be_bytes());
    h[8] = h[8].wrapping_sub(1);
}

fn ref_tos2prio(tos: u8) -> u32 {
    // net/ipv4/route.c ip_tos2prio[IPTOS_TOS(tos) >> 1]: BESTEFFORT 0,
    // BULK 2, INTERACTIVE 6, INTERACTIVE_BULK 4, each for 2 entries of 16.
    const T: [u32; 16] = [0, 0, 0, 0, 2, 2, 2, 2, 6, 6, 6, 6, 4, 4, 4, 4];
    T[usize::from((tos & 0x1e) >> 1)]
}

fn reference(k: &Knobs, s: &mut Seen, mib: &mut MibArray) -> ForwardVerdict {
    use ForwardVerdict::Drop;
    if k.pkt_type != PktType::Host || k.sk || k.lro {
        return Drop(DropReason::NotSpecified);
    }
    if k.xfrm_policy_fails {
        return Drop(DropReason::XfrmPolicy);
    }
    if k.ra_listened {
        return ForwardVerdict::Native;
    }
    s.csum_forwarded = true;
    if s.hdr[8] <= 1 {
        mib.add(IpMib::InHdrErrors, 1);
        s.icmp.push((11, 0, 0));
        return Drop(DropReason::IpInhdr);
    }
    if k.xfrm_route_fails {
        return Drop(DropReason::XfrmPolicy);
    }
    if k.strict_gw {
        s.icmp.push((3, 5, 0));
        return Drop(DropReason::NotSpecified);
    }
    mib.add(IpMib::ForwDatagrams, 1);
    s.forwarded = true;
    let mtu = ref_mtu(&k.mtu);
    let df = s.hdr[6] & 0x40 != 0;
    let exceeds = if k.len <= mtu || !df {
        false
    } else if k.frag_max_size > mtu {
        true
    } else if k.ignore_df {
        false
    } else {
        !(k.gso && k.gso_fits)
    };
    if exceeds {
        mib.add(IpMib::FragFails, 1);
        s.icmp.push((3, 4, mtu));
        return Drop(DropReason::PktTooBig);
    }
    if k.cow_fails {
        return Drop(DropReason::NotSpecified);
    }
    ref_decrease_ttl(&mut s.hdr);
    if k.redirect {
        s.redirects += 1;
    }
    if k.update_prio {
        s.prio = Some(ref_tos2prio(s.hdr[1]));
    }
    mib.add(IpMib::Forwarded, 1);
    ForwardVerdict::Forward
}

fuzz_target!(|data: &[u8]| {
    let mut inp = Input::new(data);
    let pkt_type = PktType::from_raw(inp.u8() & 7);
    let (f1, f2, f3) = (inp.u8(), inp.u8(), inp.u8());
    let small = |v: u32, m: u32| if f3 & 2 != 0 { v % m } else { v };
    let mtu = MtuInputs {
        fwd_use_pmtu: f2 & 0x10 != 0,
        mtu_locked: f2 & 0x20 != 0,
        rt_pmtu: small(inp.u32(), 2048),
        pmtu_fresh: f2 & 0x40 != 0,
        metric_mtu: small(inp.u32(), 2048),
        dev_mtu: small(inp.u32(), 2048),
        uses_gateway: f2 & 0x80 != 0,
        // What the glue passes: lwtunnel_headroom(lwtstate, IP_MAX_MTU).
        lwt_headroom: {
            let h = small(inp.u32(), 2048);
            if h < 0xFFFF {
                h
            } else {
                0
            }
        },
    };
    let k = Knobs {
        pkt_type,
        sk: f1 & 1 != 0,
        lro: f1 & 2 != 0,
        xfrm_policy_fails: f1 & 4 != 0,
        ra_listened: f1 & 8 != 0,
        xfrm_route_fails: f1 & 0x10 != 0,
        strict_gw: f1 & 0x20 != 0,
        cow_fails: f1 & 0x40 != 0,
        redirect: f1 & 0x80 != 0,
        update_prio: f2 & 1 != 0,
        ignore_df: f2 & 2 != 0,
        gso: f2 & 4 != 0,
        gso_fits: f2 & 8 != 0,
        mtu,
        len: small(inp.u32(), 4096),
        frag_max_size: small(inp.u32(), 4096),
    };
    let mut hdr = inp.rest().to_vec();
    if f3 & 1 != 0 {
        fix_header_csum(&mut hdr);
    }

    // The MTU on its own, for every input.
    assert_eq!(
        ip_dst_mtu_maybe_forward(&k.mtu),
        ref_mtu(&k.mtu),
        "path MTU of {:?}",
        k.mtu
    );

    // The TTL decrement on its own: the C's arithmetic for any checksum,
    // and a full recompute's result for a header that verified.
    if hdr.len() >= 20 {
        let mut a = hdr.clone();
        let mut b = hdr.clone();
        assert_eq!(
            Packet::new_checked(&mut a[..]).map(|mut p| p.decrease_ttl()),
            Ok(hdr[8].wrapping_sub(1))
        );
        ref_decrease_ttl(&mut b);
        assert_eq!(a, b, "ip_decrease_ttl bytes");
        let hl = usize::from(hdr[0] & 0xf) * 4;
        // (Not for TTL 0, which wraps to 255: ip_forward never gets there.)
        if hl >= 20 && hdr.len() >= hl && hdr[8] != 0 && ref_checksum(&hdr[..hl]) == 0 {
            let mut full = a.clone();
            full[10] = 0;
            full[11] = 0;
            let c = ref_checksum(&full[..hl]).to_be_bytes();
            assert_eq!([a[10], a[11]], c, "incremental != full recompute");
        }
        assert_eq!(rt_tos2priority(hdr[1]), ref_tos2prio(hdr[1]));
    } else {
        // Short buffers: no view, so nothing to write through.
        assert!(Packet::new_checked(&hdr[..]).is_err());
    }

    let mut skb = FuzzFwd {
        k: &k,
        s: Seen {
            hdr: hdr.clone(),
            ..Default::default()
        },
    };
    let mut mib = MibArray::default();
    let got = ip_forward(&mut skb, &mut mib);
    if hdr.len() < 20 {
        return; // not a header ip_rcv_core lets through: panic-freedom only
    }
    let mut seen = Seen {
        hdr,
        ..Default::default()
    };
    let mut want_mib = MibArray::default();
    let want = reference(&k, &mut seen, &mut want_mib);
    assert_eq!(got, want, "verdict");
    assert_eq!(mib, want_mib, "counters");
    assert_eq!(skb.s, seen, "what the skb saw");
});
