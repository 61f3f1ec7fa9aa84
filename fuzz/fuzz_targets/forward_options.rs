// SPDX-License-Identifier: GPL-2.0
//! Fuzzes `ip_forward_options` (src/core/forward.rs) and the option
//! setters and `fill_checksum` of src/core/wire.rs it writes with:
//! filling record-route, source-route and timestamp slots of a forwarded
//! header, which the core does with the option offsets `ip_options_compile`
//! left in `IPCB(skb)->opt`.
//!
//! Input: `[flags, rr, srr, ts, nexthop:4, src:4, header...]`. flags: bit 0
//! `rr_needaddr`, bit 1 `srr_is_hit`, bit 2 `ts_needaddr`, bit 3
//! `is_changed`, bit 4 offsets are `20 + b % 40` (inside the options) rather
//! than raw bytes.
//!
//! Properties, for every input: no panic, the header keeps its length, an
//! unchanged result leaves every byte as it was, and a changed header whose
//! `ihl * 4` bytes the buffer holds (`ihl >= 5`) has a valid checksum. For
//! the inputs `ip_options_compile` can produce (every byte C reads or
//! writes lies in the options area, pointers at least 4), the bytes and
//! the result equal a transcription of net/ipv4/ip_options.c
//! `ip_forward_options()`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxip_core::options::ip_forward_options;
use oxip_core::options::ForwardOptions;
use oxip_core::wire::Ipv4Address;
use oxip_core::wire::Packet;
use oxip_fuzz::ref_checksum;
use oxip_fuzz::Input;

/// The C, byte for byte; `None` where it would touch a byte outside the
/// options area (or use a pointer `ip_options_compile` refuses), which no
/// compiled option does.
fn c_model(raw: &mut [u8], o: &ForwardOptions, src: Ipv4Address) -> Option<bool> {
    let src = src.octets();
    let nexthop = o.nexthop.octets();
    let ihl = usize::from(*raw.first()? & 0xf);
    if ihl < 5 || raw.len() < ihl * 4 {
        return None;
    }
    let opts = 20..ihl * 4;
    let inside = |a: usize, n: usize| a >= opts.start && a + n <= opts.end;
    let mut changed = o.is_changed;
    if o.rr_needaddr {
        let base = usize::from(o.rr);
        if !inside(base, 3) {
            return None;
        }
        let ptr = usize::from(raw[base + 2]);
        if ptr < 4 {
            return None;
        }
        let at = (base + ptr).checked_sub(5)?;
        if !inside(at, 4) {
            return None;
        }
        raw[at..at + 4].copy_from_slice(&src);
        changed = true;
    }
    if o.srr_is_hit {
        let base = usize::from(o.srr);
        if !inside(base, 3) {
            return None;
        }
        let mut srrptr = usize::from(raw[base + 2]);
        let srrspace = usize::from(raw[base + 1]);
        if srrptr < 4 {
            return None;
        }
        while srrptr <= srrspace {
            if srrptr + 3 > srrspace {
                break;
            }
            let at = base + srrptr - 1;
            if !inside(at, 4) {
                return None;
            }
            if raw[at..at + 4] == nexthop {
                break;
            }
            srrptr += 4;
        }
        if srrptr + 3 <= srrspace {
            changed = true;
            raw[16..20].copy_from_slice(&nexthop);
            let at = base + srrptr - 1;
            if !inside(at, 4) {
                return None;
            }
            raw[at..at + 4].copy_from_slice(&src);
            raw[base + 2] = (srrptr + 4) as u8;
        }
        if o.ts_needaddr {
            let base = usize::from(o.ts);
            if !inside(base, 3) {
                return None;
            }
            let ptr = usize::from(raw[base + 2]);
            if ptr < 5 {
                return None;
            }
            let at = (base + ptr).checked_sub(9)?;
            if !inside(at, 4) {
                return None;
            }
            raw[at..at + 4].copy_from_slice(&src);
            changed = true;
        }
    }
    if changed {
        // ip_send_check(): check = 0; check = ip_fast_csum(iph, ihl).
        raw[10] = 0;
        raw[11] = 0;
        let c = ref_checksum(&raw[..ihl * 4]).to_be_bytes();
        raw[10] = c[0];
        raw[11] = c[1];
    }
    Some(changed)
}

fuzz_target!(|data: &[u8]| {
    let mut inp = Input::new(data);
    let flags = inp.u8();
    let off = |b: u8| if flags & 0x10 != 0 { 20 + b % 40 } else { b };
    let (rr, srr, ts) = (off(inp.u8()), off(inp.u8()), off(inp.u8()));
    let nexthop = Ipv4Address::from_bits(inp.u32());
    let src = Ipv4Address::from_bits(inp.u32());
    let hdr0 = inp.rest().to_vec();
    let o = ForwardOptions {
        rr,
        rr_needaddr: flags & 1 != 0,
        srr,
        srr_is_hit: flags & 2 != 0,
        ts,
        ts_needaddr: flags & 4 != 0,
        nexthop,
        is_changed: flags & 8 != 0,
    };

    let mut got = hdr0.clone();
    // The source the route gives, the same whatever daddr it is asked with
    // (the daddr of the moment is a host test: src/core/forward/tests.rs).
    let changed = match Packet::new_checked(&mut got[..]) {
        Ok(mut iph) => ip_forward_options(&mut iph, &o, |_| src),
        // Not a header the glue hands over (it has ihl * 4 >= 20 bytes).
        Err(_) => return,
    };
    assert_eq!(got.len(), hdr0.len(), "header length changed");
    if !changed {
        assert_eq!(got, hdr0, "bytes changed without saying so");
    }
    let hl = usize::from(got.first().copied().unwrap_or(0) & 0xf) * 4;
    if changed && hl >= 20 && got.len() >= hl {
        assert_eq!(
            ref_checksum(&got[..hl]),
            0,
            "changed header with a bad checksum"
        );
    }

    let mut want = hdr0.clone();
    if let Some(c) = c_model(&mut want, &o, src) {
        assert_eq!(changed, c, "changed");
        assert_eq!(got, want, "bytes differ from ip_forward_options()");
    }
});
