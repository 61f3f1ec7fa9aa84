// SPDX-License-Identifier: GPL-2.0
//! KUnit: the glue's view of real skbs, checked against the C helpers.
//!
//! Builds skbs with `__alloc_skb`, runs them through the core's
//! `ip_rcv_core` via [`Skb`], and compares pull, trim and the checksum with
//! what `pskb_may_pull`, `pskb_trim_rcsum` and `ip_fast_csum` say.

use kernel::prelude::*;

use super::bindings as b;
use super::skb::Skb;
use crate::oxip_core::mib::DropReason;
use crate::oxip_core::mib::IpMib;
use crate::oxip_core::mib::MibArray;
use crate::oxip_core::rcv;
use crate::oxip_core::rcv::RcvError;
use crate::oxip_core::rcv::RcvSkb;

/// UDP 10.0.0.1 -> 10.0.0.2, 8 bytes of payload, checksum filled by `fix`.
const UDP: [u8; 28] = [
    0x45, 0x00, 0x00, 0x1c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 10, 0, 0, 1, 10, 0, 0,
    2, 0x30, 0x39, 0x00, 0x07, 0x00, 0x08, 0x00, 0x00,
];

fn fix(p: &mut [u8]) {
    p[10] = 0;
    p[11] = 0;
    let ihl = usize::from(p[0] & 0xf) * 4;
    let c = crate::oxip_core::wire::checksum(&p[..ihl.min(p.len())]).to_be_bytes();
    p[10] = c[0];
    p[11] = c[1];
}

/// An skb holding `data` linearly, network header at `data`.
fn skb_with(data: &[u8]) -> Skb {
    let len = u32::try_from(data.len()).unwrap_or(0);
    // SAFETY: plain allocation in process context (KUnit runs at insmod).
    let p = unsafe { b::oxip_alloc_skb(len + 64) };
    assert!(!p.is_null());
    // SAFETY: `p` is a fresh skb with `len + 64` bytes of tailroom.
    unsafe {
        b::oxip_skb_put_data(p, data.as_ptr().cast(), len);
        b::oxip_skb_reset_network_header(p);
    }
    // SAFETY: we own the fresh skb.
    unsafe { Skb::from_raw(p) }.unwrap()
}

fn c_csum_ok(data: &[u8]) -> bool {
    // SAFETY: `data` holds at least `ihl * 4` bytes (callers pass full headers).
    unsafe { b::oxip_ip_fast_csum(data.as_ptr().cast(), u32::from(data[0] & 0xf)) == 0 }
}

#[kunit_tests(oxip_glue)]
mod tests {
    use super::*;

    #[test]
    fn valid_packet_passes_like_c() {
        let mut p = UDP;
        fix(&mut p);
        assert!(c_csum_ok(&p));
        let mut skb = skb_with(&p);
        let mut mib = MibArray::default();
        assert_eq!(rcv::ip_rcv_core(&mut skb, &mut mib), Ok(()));
        assert_eq!(mib.get(IpMib::InReceives), 1);
        assert_eq!(RcvSkb::len(&skb), 28);
        skb.drop_reason(DropReason::NotSpecified);
    }

    #[test]
    fn padding_is_trimmed_like_pskb_trim_rcsum() {
        let mut p = [0u8; 60];
        p[..28].copy_from_slice(&UDP);
        fix(&mut p[..28]);
        let mut skb = skb_with(&p);
        let mut mib = MibArray::default();
        assert_eq!(rcv::ip_rcv_core(&mut skb, &mut mib), Ok(()));
        assert_eq!(RcvSkb::len(&skb), 28);
        assert_eq!(mib.get(IpMib::InOctets), 60);
        skb.drop_reason(DropReason::NotSpecified);
    }

    #[test]
    fn bad_checksum_agrees_with_ip_fast_csum() {
        let mut p = UDP;
        fix(&mut p);
        p[11] ^= 0x5a;
        assert!(!c_csum_ok(&p));
        let mut skb = skb_with(&p);
        let mut mib = MibArray::default();
        assert_eq!(rcv::ip_rcv_core(&mut skb, &mut mib), Err(RcvError::Drop(DropReason::IpCsum)));
        assert_eq!(mib.get(IpMib::InCsumErrors), 1);
        skb.drop_reason(DropReason::IpCsum);
    }

    #[test]
    fn options_checksum_agrees_with_ip_fast_csum() {
        // 24-byte header with a NOP,NOP,NOP,EOL option word.
        let mut p = [0u8; 32];
        p[..20].copy_from_slice(&UDP[..20]);
        p[0] = 0x46;
        p[3] = 32;
        p[20..24].copy_from_slice(&[1, 1, 1, 0]);
        fix(&mut p);
        assert!(c_csum_ok(&p));
        let mut skb = skb_with(&p);
        let mut mib = MibArray::default();
        assert_eq!(rcv::ip_rcv_core(&mut skb, &mut mib), Ok(()));
        skb.drop_reason(DropReason::NotSpecified);
    }

    #[test]
    fn truncated_is_pkt_too_small() {
        let mut p = UDP;
        p[3] = 0x40;
        fix(&mut p);
        let mut skb = skb_with(&p);
        let mut mib = MibArray::default();
        assert_eq!(rcv::ip_rcv_core(&mut skb, &mut mib), Err(RcvError::Drop(DropReason::PktTooSmall)));
        assert_eq!(mib.get(IpMib::InTruncatedPkts), 1);
        skb.drop_reason(DropReason::PktTooSmall);
    }

    #[test]
    fn short_buffer_fails_pull_like_pskb_may_pull() {
        let mut skb = skb_with(&UDP[..12]);
        assert!(!skb.may_pull(20));
        let mut mib = MibArray::default();
        assert_eq!(rcv::ip_rcv_core(&mut skb, &mut mib), Err(RcvError::Drop(DropReason::IpInhdr)));
        assert_eq!(mib.get(IpMib::InHdrErrors), 1);
        skb.drop_reason(DropReason::IpInhdr);
    }

    #[test]
    fn drop_reason_names_match_the_kernel() {
        let k = super::super::reason::to_kernel(DropReason::IpCsum);
        assert_eq!(super::super::reason::name(k), "IP_CSUM");
        let k = super::super::reason::to_kernel(DropReason::UnicastInL2Multicast);
        assert_eq!(super::super::reason::name(k), "UNICAST_IN_L2_MULTICAST");
    }

    /// A clone shares its head with the original: the header handed out
    /// writable must be made private first (skb_ensure_writable), so a
    /// write through the clone never shows in the original.
    #[test]
    fn ip_header_mut_unshares_a_cloned_header() {
        let mut p = UDP;
        fix(&mut p);
        let orig = skb_with(&p);
        // SAFETY: `orig` is valid; the clone is a new reference we own.
        let mut c = unsafe { Skb::from_raw(b::oxip_skb_clone_atomic(orig.as_ptr())) }.unwrap();
        let h = c.ip_header_mut().unwrap();
        assert_eq!(h.len(), 20);
        h[8] = 1;
        assert_eq!(RcvSkb::network_header(&orig).get(8).copied(), Some(0x40)); // the original's TTL is untouched
        assert_eq!(RcvSkb::network_header(&c).get(8).copied(), Some(1));
        c.drop_reason(DropReason::NotSpecified);
        orig.drop_reason(DropReason::NotSpecified);
    }

    /// A pinned list keeps FIFO order and frees what is left on drop.
    #[test]
    fn list_head_is_fifo_and_frees_the_rest() {
        pin_init::stack_pin_init!(let l = super::super::skb::ListHead::new());
        assert!(l.is_empty());
        let a = skb_with(&UDP);
        let b = skb_with(&UDP[..24]);
        l.push(a);
        l.push(b);
        assert_eq!(l.pop().map(|s| { let n = RcvSkb::len(&s); s.drop_reason(DropReason::NotSpecified); n }), Some(28));
        assert!(!l.is_empty());
        // The 24-byte skb is freed by the list's drop (kmemleak would see it otherwise).
    }

    /// The core's ethertype names against the kernel's.
    #[test]
    fn ethertypes_match_if_ether_h() {
        use crate::oxip_core::wire;
        assert_eq!(u32::from(wire::ETH_P_IP), b::ETH_P_IP);
        assert_eq!(u32::from(wire::ETH_P_ARP), b::ETH_P_ARP);
        assert_eq!(u32::from(wire::ETH_P_IPV6), b::ETH_P_IPV6);
        assert_eq!(u32::from(wire::ETH_P_8021Q), b::ETH_P_8021Q);
        assert_eq!(u32::from(wire::ETH_P_8021AD), b::ETH_P_8021AD);
        assert_eq!(u32::from(wire::ETH_P_802_3_MIN), b::ETH_P_802_3_MIN);
        assert_eq!(u32::from(wire::ETH_P_802_EX1), b::ETH_P_802_EX1);
        assert!(wire::ethertype_param_check(b::ETH_P_ALL as u16).is_err());
    }
}
