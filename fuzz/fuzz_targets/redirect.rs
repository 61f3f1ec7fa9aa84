// SPDX-License-Identifier: GPL-2.0
//! Fuzzes the ICMP redirect limiter (src/core/forward.rs): `redirect_allowed`
//! over the per-source state of `RedirectPeers`, for a sequence of
//! forwarded packets from a few sources at moving jiffies.
//!
//! Input: `[hz_or_limits, number, load:2, silence:4, start:8, ops...]`, each
//! op `[source, delta:2]`: source bits 0-2 pick one of 8 sources, bit 3 the
//! VRF, bit 4 scales the delta by 256, bit 5 by 65536.
//!
//! Properties: no panic, and for every packet the decision and the peer's
//! state equal a transcription of net/ipv4/route.c `ip_rt_send_redirect()`
//! (jiffies comparisons modular, as `time_after`) over a per-source map
//! whose entry restarts when another source took its cache slot since
//! (the documented difference: a direct-mapped cache instead of
//! inet_peer). Limits are the kernel defaults at HZ 100/250/1000, or any
//! with `number` <= 15 and `load` < 65536 (where the C's `int` shift
//! cannot overflow).
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxip_core::route::redirect_allowed;
use oxip_core::route::redirect_key;
use oxip_core::route::RedirectLimits;
use oxip_core::route::RedirectPeers;
use oxip_core::route::REDIRECT_SLOTS;
use oxip_core::wire::Ipv4Address;
use oxip_fuzz::Input;

const SOURCES: [u32; 8] = [
    0x0a00_0001,
    0x0a00_0002,
    0xc0a8_0101,
    0xc0a8_0102,
    0x0101_0101,
    0x7f00_0001,
    0x0a00_0003,
    0xac10_0001,
];

fn time_after(a: u64, b: u64) -> bool {
    // include/linux/jiffies.h: ((long)((b) - (a)) < 0)
    (b.wrapping_sub(a) as i64) < 0
}

#[derive(Clone, Copy, Default)]
struct RefPeer {
    rate_last: u64,
    n_redirects: u32,
}

fn ref_send(p: &mut RefPeer, now: u64, number: u32, load: u64, silence: u64) -> bool {
    if time_after(now, p.rate_last.wrapping_add(silence)) {
        p.n_redirects = 0;
    }
    if p.n_redirects >= number {
        p.rate_last = now;
        return false;
    }
    if p.n_redirects == 0 || time_after(now, p.rate_last.wrapping_add(load << p.n_redirects)) {
        p.rate_last = now;
        p.n_redirects += 1;
        return true;
    }
    false
}

fuzz_target!(|data: &[u8]| {
    let mut inp = Input::new(data);
    let mode = inp.u8();
    let number = u32::from(inp.u8() % 16);
    let load = u64::from(inp.u16());
    let silence = u64::from(inp.u32());
    let l = match mode % 4 {
        0 => RedirectLimits::defaults(100),
        1 => RedirectLimits::defaults(250),
        2 => RedirectLimits::defaults(1000),
        _ => RedirectLimits {
            number,
            load,
            silence,
        },
    };
    let mut now = inp.u64();

    let mut peers = RedirectPeers::new();
    let mut model: Vec<(u64, RefPeer)> = Vec::new();
    let mut owner: Vec<Option<u64>> = vec![None; REDIRECT_SLOTS];
    let mut ops = 0;
    while !inp.is_empty() && ops < 4096 {
        ops += 1;
        let sel = inp.u8();
        let mut delta = u64::from(inp.u16());
        if sel & 0x10 != 0 {
            delta <<= 8;
        }
        if sel & 0x20 != 0 {
            delta <<= 16;
        }
        now = now.wrapping_add(delta);
        let saddr = SOURCES[usize::from(sel & 7)];
        let vif = i32::from(sel >> 3 & 1);
        let key = redirect_key(1, Ipv4Address::from_bits(saddr), vif);

        let got = match peers.get(key) {
            Some(p) => {
                let sent = redirect_allowed(p, now, &l);
                (sent, p.rate_last, p.n_redirects)
            }
            None => panic!("RedirectPeers::get returned no slot"),
        };

        let k = key.max(1);
        let slot = (k % REDIRECT_SLOTS as u64) as usize;
        let fresh = owner[slot] != Some(k);
        owner[slot] = Some(k);
        let i = match model.iter().position(|(mk, _)| *mk == k) {
            Some(i) => i,
            None => {
                model.push((k, RefPeer::default()));
                model.len() - 1
            }
        };
        if fresh {
            model[i].1 = RefPeer::default();
        }
        let p = &mut model[i].1;
        let sent = ref_send(p, now, l.number, l.load, l.silence);
        assert_eq!(
            got,
            (sent, p.rate_last, p.n_redirects),
            "op {ops}: source {saddr:#x} vif {vif} at {now}"
        );
    }
});
