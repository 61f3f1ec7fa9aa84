// SPDX-License-Identifier: GPL-2.0
//! Host tests of `ip_forward_options`: each option slot, out-of-range
//! pointers, the checksum.

use super::*;
use crate::wire::tests::golden;

/// `ip_forward_options` over the header in `h`, as the glue calls it.
fn options(h: &mut [u8], o: &ForwardOptions, src: impl FnMut(Ipv4Address) -> Ipv4Address) -> bool {
    ip_forward_options(&mut Packet::new_checked(h).unwrap(), o, src)
}

#[test]
fn forward_options_fill_record_route() {
    // Header with RR at offset 20: type 7, len 11, two empty slots.
    let mut h = golden(64, true, 0);
    h[0] = 0x48;
    // ip_options_compile has advanced the pointer past the slot to fill.
    h.extend_from_slice(&[7, 11, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    let o = ForwardOptions {
        rr: 20,
        rr_needaddr: true,
        ..Default::default()
    };
    assert!(options(&mut h, &o, |_| Ipv4Address::new(10, 0, 1, 1)));
    assert_eq!(&h[23..27], &[10, 0, 1, 1]);
    assert!(Packet::new_checked(&h[..]).unwrap().checksum_ok());
}

#[test]
fn forward_options_out_of_range_pointer_does_not_panic() {
    let mut h = golden(64, true, 0);
    let o = ForwardOptions {
        rr: 200,
        rr_needaddr: true,
        srr: 250,
        srr_is_hit: true,
        ts_needaddr: true,
        ..Default::default()
    };
    assert!(!options(&mut h, &o, |_| Ipv4Address::new(1, 2, 3, 4)));
}

#[test]
fn forward_options_redo_checksum_after_compile_wrote_a_timestamp() {
    let mut h = golden(64, true, 0);
    h[11] ^= 0x55; // as if ip_options_compile wrote a timestamp
    let o = ForwardOptions {
        is_changed: true,
        ..Default::default()
    };
    assert!(options(&mut h, &o, |_| Ipv4Address::new(1, 2, 3, 4)));
    assert!(Packet::new_checked(&h[..]).unwrap().checksum_ok());
}

/// Native's `ip_rt_get_source` reads `ip_hdr(skb)->daddr` when it is
/// called: the record-route slot is asked with the packet's daddr, the
/// source-route slot after the next hop was written as daddr.
#[test]
fn forward_options_ask_the_source_with_the_daddr_of_the_moment() {
    let mut h = golden(64, true, 0);
    let daddr = Packet::new_checked(&h[..]).unwrap().daddr();
    h[0] = 0x49;
    // RR (one slot, pointer past it) at 20, LSRR via 10.9.9.9 at 27, EOL.
    h.extend_from_slice(&[7, 7, 8, 0, 0, 0, 0]);
    h.extend_from_slice(&[131, 7, 4, 10, 9, 9, 9, 0, 0]);
    let o = ForwardOptions {
        rr: 20,
        rr_needaddr: true,
        srr: 27,
        srr_is_hit: true,
        nexthop: Ipv4Address::new(10, 9, 9, 9),
        ..Default::default()
    };
    let mut asked = Vec::new();
    assert!(options(&mut h, &o, |d| {
        asked.push(d);
        Ipv4Address::new(10, 0, 0, asked.len() as u8)
    }));
    assert_eq!(asked, vec![daddr, Ipv4Address::new(10, 9, 9, 9)]);
    assert_eq!(
        &h[23..27],
        &[10, 0, 0, 1],
        "RR slot: source for the original daddr"
    );
    assert_eq!(
        &h[30..34],
        &[10, 0, 0, 2],
        "LSRR slot: source for the next hop"
    );
    assert_eq!(&h[16..20], &[10, 9, 9, 9], "daddr is the next hop");
    assert_eq!(h[29], 8, "LSRR pointer advanced");
    assert!(Packet::new_checked(&h[..]).unwrap().checksum_ok());
}
