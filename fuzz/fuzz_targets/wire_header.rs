// SPDX-License-Identifier: GPL-2.0
//! Fuzzes the IPv4 header view (src/core/wire.rs) over arbitrary bytes.
//!
//! Properties: `new_checked` accepts exactly the buffers of 20 bytes or
//! more; every accessor equals a plain byte-level reading of `struct iphdr`;
//! `options()` is exactly bytes 20..min(ihl*4, len) and lies inside the
//! buffer; `checksum_ok()` equals an independent RFC 1071 sum over
//! `ihl * 4` bytes (false when the buffer is shorter); `checksum()` agrees
//! with the reference for any length; a header whose checksum is filled in
//! verifies. The buffer is an exact-size heap copy, so under the address
//! sanitizer any read past its end is reported, not just a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxip_core::wire;
use oxip_core::wire::Ipv4Header;
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
    let h = match Ipv4Header::new_checked(buf) {
        Err(WireError::Truncated) => {
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
    assert_eq!(h.saddr(), be32(buf, 12));
    assert_eq!(h.daddr(), be32(buf, 16));

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
    assert_eq!(h.checksum_ok(), ok, "checksum_ok over ihl*4 = {hl} of {len} bytes");

    for a in [h.saddr(), h.daddr()] {
        assert_eq!(wire::ipv4_is_multicast(a), a >> 28 == 0xe);
        assert_eq!(wire::ipv4_is_lbcast(a), a == u32::MAX);
        assert_eq!(wire::ipv4_is_zeronet(a), a >> 24 == 0);
        assert_eq!(wire::ipv4_is_loopback(a), a >> 24 == 127);
    }
}

fuzz_target!(|data: &[u8]| {
    // An exact-size heap copy: one byte past it is outside the allocation.
    let buf: Vec<u8> = data.to_vec();
    assert_eq!(wire::checksum(&buf), ref_checksum(&buf), "checksum of {} bytes", buf.len());
    check_view(&buf[..]);
    // The same view through an owned buffer type.
    let owned = Ipv4Header::new_checked(buf.clone());
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
        let v = Ipv4Header::new_checked(&fixed[..]).expect("20 bytes or more");
        assert!(v.checksum_ok(), "filled-in checksum does not verify");
        check_view(&fixed[..]);
    }
});
