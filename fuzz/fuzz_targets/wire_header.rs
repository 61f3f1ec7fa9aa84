// SPDX-License-Identifier: GPL-2.0
//! Fuzzes the IPv4 header view (src/core/wire.rs) over arbitrary bytes.
//!
//! Properties: `new_checked` accepts exactly the buffers of 20 bytes or
//! more; every accessor equals a plain byte-level reading of `struct iphdr`;
//! `options()` is exactly bytes 20..min(ihl*4, len) and lies inside the
//! buffer; `checksum_ok()` equals an independent RFC 1071 sum over
//! `ihl * 4` bytes (false when the buffer is shorter); `checksum()` agrees
//! with the reference for any length; a header whose checksum is filled in
//! verifies. `Repr::parse` refuses exactly what a transcription of
//! `ip_rcv_core()`'s header checks refuses, with the same distinctions, and
//! what it accepts `Repr::emit` writes back byte for byte; the setters write
//! what the getters read and `decrease_ttl` keeps a valid checksum valid.
//! The buffer is an exact-size heap copy, so under the address
//! sanitizer any read past its end is reported, not just a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxip_core::wire;
use oxip_core::wire::Ipv4Address;
use oxip_core::wire::Packet;
use oxip_core::wire::Repr;
use oxip_core::wire::WireError;
use oxip_fuzz::ref_checksum;

fn be16(b: &[u8], at: usize) -> u16 {
    (u16::from(b[at]) << 8) | u16::from(b[at + 1])
}

fn be32(b: &[u8], at: usize) -> u32 {
    (u32::from(be16(b, at)) << 16) | u32::from(be16(b, at + 2))
}

fn check_view(buf: &[u8]) {
    let len = buf.len();
    let h = match Packet::new_checked(buf) {
        Err(e) => {
            assert_eq!(e, WireError::Truncated);
            assert!(len < 20, "a {len}-byte buffer refused");
            return;
        }
        Ok(h) => h,
    };
    assert!(len >= 20, "a {len}-byte buffer accepted");
    assert_eq!(h.version(), buf[0] >> 4);
    assert_eq!(h.ihl(), buf[0] & 0xf);
    assert_eq!(h.header_len(), usize::from(buf[0] & 0xf) * 4);
    assert_eq!(h.tos(), buf[1]);
    assert_eq!(h.dscp(), buf[1] & 0xfc);
    assert_eq!(h.tot_len(), be16(buf, 2));
    assert_eq!(h.id(), be16(buf, 4));
    assert_eq!(h.frag_off(), be16(buf, 6));
    assert_eq!(h.is_fragment(), be16(buf, 6) & 0x3fff != 0);
    assert_eq!(h.ttl(), buf[8]);
    assert_eq!(h.protocol(), buf[9]);
    assert_eq!(h.check(), be16(buf, 10));
    assert_eq!(h.saddr().to_bits(), be32(buf, 12));
    assert_eq!(h.daddr().to_bits(), be32(buf, 16));
    assert_eq!(h.dont_frag(), be16(buf, 6) & 0x4000 != 0);

    let hl = usize::from(buf[0] & 0xf) * 4;
    let want: &[u8] = if hl > 20 { &buf[20..hl.min(len)] } else { &[] };
    let opts = h.options();
    assert_eq!(opts, want);
    if !opts.is_empty() {
        // The slice is the buffer's own bytes, not a copy from elsewhere.
        let (b0, b1) = (buf.as_ptr() as usize, buf.as_ptr() as usize + len);
        let (o0, o1) = (opts.as_ptr() as usize, opts.as_ptr() as usize + opts.len());
        assert!(b0 + 20 <= o0 && o1 <= b1, "options outside the buffer");
    }

    let ok = hl <= len && ref_checksum(&buf[..hl]) == 0;
    assert_eq!(
        h.checksum_ok(),
        ok,
        "checksum_ok over ihl*4 = {hl} of {len} bytes"
    );

    for a in [h.saddr(), h.daddr()] {
        let n = a.to_bits();
        assert_eq!(a.is_multicast(), n >> 28 == 0xe);
        assert_eq!(a.is_lbcast(), n == u32::MAX);
        assert_eq!(a.is_zeronet(), n >> 24 == 0);
        assert_eq!(a.is_loopback(), n >> 24 == 127);
        assert_eq!(Ipv4Address::from_be32(a.to_be32()), a);
    }

    check_repr(buf, &h);
}

/// net/ipv4/ip_input.c `ip_rcv_core()`'s header checks, in its order.
fn ref_parse(buf: &[u8]) -> Result<(), WireError> {
    let len = buf.len();
    if buf[0] >> 4 != 4 {
        return Err(WireError::Version);
    }
    let hl = usize::from(buf[0] & 0xf) * 4;
    if hl < 20 {
        return Err(WireError::HeaderLen);
    }
    if len < hl {
        return Err(WireError::Truncated);
    }
    if ref_checksum(&buf[..hl]) != 0 {
        return Err(WireError::Checksum);
    }
    let tot = usize::from(be16(buf, 2));
    if len < tot {
        return Err(WireError::TotLenOver);
    }
    if tot < hl {
        return Err(WireError::TotLenShort);
    }
    Ok(())
}

fn check_repr(buf: &[u8], h: &Packet<&[u8]>) {
    let r = Repr::parse(h);
    assert_eq!(r.map(|_| ()), ref_parse(buf), "Repr::parse");
    let Ok(r) = r else { return };
    let hl = usize::from(buf[0] & 0xf) * 4;
    assert_eq!(r.header_len(), hl);
    assert_eq!(r.payload_len, usize::from(be16(buf, 2)) - hl);
    assert_eq!(r.options, &buf[20..hl]);
    let mut out = vec![0u8; hl];
    r.emit(&mut Packet::new_checked(&mut out[..]).unwrap())
        .unwrap();
    assert!(
        Packet::new_checked(&out[..]).unwrap().checksum_ok(),
        "emitted checksum"
    );
    // Byte for byte but the checksum: a received 0xffff (one's complement
    // -0) verifies as well as the 0x0000 a recompute gives
    // (seeds/wire_header/check-negative-zero.hex).
    let mut want = buf[..hl].to_vec();
    want[10..12].copy_from_slice(&out[10..12]);
    assert_eq!(out, want, "emit(parse(h)) != h");
}

/// The setters write what the getters read; the TTL decrement keeps a
/// valid checksum valid.
fn check_setters(buf: &[u8]) {
    if buf.len() < 34 {
        return;
    }
    let mut b = buf.to_vec();
    let mut p = Packet::new_checked(&mut b[..]).unwrap();
    let (w16, w8) = (be16(buf, 20), buf[22]);
    let a = Ipv4Address::from_bits(be32(buf, 24));
    let d = Ipv4Address::from_bits(be32(buf, 28));
    p.set_version(w8 >> 4);
    p.set_ihl(w8);
    p.set_tos(buf[23]);
    p.set_tot_len(w16);
    p.set_id(!w16);
    p.set_frag_off(w16 ^ 0x5555);
    p.set_ttl(buf[32]);
    p.set_protocol(buf[33]);
    p.set_saddr(a);
    p.set_daddr(d);
    assert_eq!((p.version(), p.ihl()), (w8 >> 4 & 0xf, w8 & 0xf));
    assert_eq!(
        (p.tos(), p.tot_len(), p.id(), p.frag_off()),
        (buf[23], w16, !w16, w16 ^ 0x5555)
    );
    assert_eq!(
        (p.ttl(), p.protocol(), p.saddr(), p.daddr()),
        (buf[32], buf[33], a, d)
    );
    p.fill_checksum();
    let hl = p.header_len();
    let fits = hl >= 20 && hl <= b.len();
    let p = Packet::new_checked(&b[..]).unwrap();
    if hl >= 20 {
        assert_eq!(p.checksum_ok(), fits, "fill_checksum");
    }
    if fits && p.ttl() != 0 {
        let mut c = b.clone();
        let mut q = Packet::new_checked(&mut c[..]).unwrap();
        q.decrease_ttl();
        assert!(q.checksum_ok(), "decrease_ttl broke the checksum");
    }
}

fuzz_target!(|data: &[u8]| {
    // An exact-size heap copy: one byte past it is outside the allocation.
    let buf: Vec<u8> = data.to_vec();
    assert_eq!(
        wire::checksum(&buf),
        ref_checksum(&buf),
        "checksum of {} bytes",
        buf.len()
    );
    check_view(&buf[..]);
    // The same view through an owned buffer type.
    check_setters(&buf);
    let owned = Packet::new_checked(buf.clone());
    assert_eq!(owned.is_ok(), buf.len() >= 20);

    // With the checksum filled in, a header with ihl >= 5 that the buffer
    // holds must verify.
    let mut fixed = buf.clone();
    let hl = usize::from(fixed.first().copied().unwrap_or(0) & 0xf) * 4;
    if hl >= 20 && fixed.len() >= hl {
        fixed[10] = 0;
        fixed[11] = 0;
        let c = wire::checksum(&fixed[..hl]).to_be_bytes();
        fixed[10] = c[0];
        fixed[11] = c[1];
        let v = Packet::new_checked(&fixed[..]).expect("20 bytes or more");
        assert!(v.checksum_ok(), "filled-in checksum does not verify");
        check_view(&fixed[..]);
    }
});
