// SPDX-License-Identifier: GPL-2.0
//! The kernel's own IPv4 header helpers, as references the KUnit suites
//! compare the core with (only where the kernel has KUnit).
//!
//! C: include/net/ip.h (`ip_fast_csum`, `ip_decrease_ttl`), net/ipv4/ip_output.c
//! (`ip_send_check`), net/ipv4/route.c (`ip_tos2prio`), include/uapi/linux/ip.h
//! (`struct iphdr`).

use super::bindings as b;

/// `sizeof(struct iphdr)`.
const IPHDR_LEN: usize = core::mem::size_of::<b::iphdr>();

/// `ip_fast_csum(data, ihl) == 0`; false when `data` is shorter than its
/// `ihl * 4` bytes (or than 20).
pub(crate) fn ip_fast_csum_ok(data: &[u8]) -> bool {
    let Some(first) = data.first() else {
        return false;
    };
    let ihl = u32::from(first & 0xf);
    // CAST: at most 60.
    if ihl < 5 || data.len() < (ihl * 4) as usize {
        return false;
    }
    // SAFETY: `data` holds `ihl * 4` bytes (checked above), what
    // ip_fast_csum reads.
    unsafe { b::oxip_ip_fast_csum(data.as_ptr().cast(), ihl) == 0 }
}

/// The first 20 bytes of `bytes` as bindgen's `struct iphdr`, or `None`
/// when there are fewer.
pub(crate) fn iphdr(bytes: &[u8]) -> Option<b::iphdr> {
    if bytes.len() < IPHDR_LEN {
        return None;
    }
    // SAFETY: `bytes` holds at least sizeof(struct iphdr) bytes (checked
    // above), any bit pattern is a valid iphdr; read_unaligned copies them.
    Some(unsafe { core::ptr::read_unaligned(bytes.as_ptr().cast::<b::iphdr>()) })
}

/// `(iph->saddr, iph->daddr)`, as stored (network byte order).
pub(crate) fn iphdr_addrs(h: &b::iphdr) -> (u32, u32) {
    // SAFETY: both members of the union are two `__be32`s: any bit pattern
    // is valid in either.
    unsafe {
        (
            h.__bindgen_anon_1.addrs.saddr,
            h.__bindgen_anon_1.addrs.daddr,
        )
    }
}

/// `ip_decrease_ttl((struct iphdr *)h)`: the new TTL.
pub(crate) fn ip_decrease_ttl(h: &mut [u8; IPHDR_LEN]) -> i32 {
    // SAFETY: `h` is a 20-byte header we own exclusively.
    unsafe { b::oxip_ip_decrease_ttl(h.as_mut_ptr().cast()) }
}

/// `ip_send_check((struct iphdr *)h)`.
pub(crate) fn ip_send_check(h: &mut [u8; IPHDR_LEN]) {
    // SAFETY: `h` is a 20-byte header we own exclusively; ip_send_check
    // reads `ihl * 4` bytes, 20 for the headers the suites pass (ihl 5).
    unsafe { b::ip_send_check(h.as_mut_ptr().cast()) }
}

/// `ip_tos2prio`, the exported table.
pub(crate) fn ip_tos2prio() -> [u8; 16] {
    // SAFETY: `ip_tos2prio` is a const array the kernel exports, never
    // written.
    unsafe { b::ip_tos2prio }
}
