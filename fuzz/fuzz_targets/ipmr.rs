// SPDX-License-Identifier: GPL-2.0
//! Fuzzes the multicast forwarding cache mirror (src/core/ipmr.rs) with a
//! sequence of VIF and entry operations, lookups and packets.
//!
//! Each op is `[code, args...]`, code & 7:
//! 0 `vif_add(idx, {ifindex, flags})` `[idx, ifindex, flags]` (idx & 63:
//!   32.. must be refused; ifindex & 15 so devices repeat)
//! 1 `vif_del(idx)` `[idx]`
//! 2 `entry_add` (`entry_replace` for a key held, as the kernel sends it)
//!   `[who, parent, oifs:4, ttl]`: `who` picks origin (bits
//!   0-1, of 0 and three sources) and group (bits 2-3, of 0 and three
//!   groups); ttls[i] = ttl (or 1 if ttl is 0 or 255) where bit i of oifs
//!   is set, else 255; parent & 63
//! 3 `entry_del` `[who]`
//! 4 `lookup(saddr, daddr, in_ifindex)` `[who, ifindex]`
//! 5 `ip_mr_input` `[who, ifindex, ttl, bits]` (bits: forwarded, router
//!   alert, IGMP)
//! 6 `clear()`
//! (A full table is left to the host test `bad_vif_and_full_table_are_refused`:
//! filling 1024 entries through the linear mirror costs ~2 s per input here.)
//! 7 `ip_mr_forward` on the entry `lookup` finds `[who, ifindex, ttl]`
//!
//! The reference is a Vec of entries and an array of VIFs with the lookups
//! of net/ipv4/ipmr.c and ipmr_base.c written out as native has them:
//! `ipmr_find_vif` (the highest VIF index on the device), `ipmr_cache_find`
//! (S,G) before `ipmr_cache_find_any` (*,G) -- forwarding to the input VIF,
//! or whose parent is in the static tree of a (*,*) -- before
//! `mr_mfc_find_any_parent` (*,*) (any (*,*) forwarding to the VIF), and
//! `ip_mr_forward()`'s RPF check, (*,G) and (*,*) rules and TTL
//! thresholds, with oxip's hand-offs to native (IGMP, router alert,
//! looped-back, wrong VIF, tunnel/register VIFs) and the entry and VIF
//! counters. After every op the two tables must hold the same entries with
//! the same counters, and every answer must be the same. Exactness: a VIF
//! or entry the mirror refuses stays in the kernel's table, so until its
//! deletion (a delete of an entry the mirror does not hold) or a restarted
//! dump the mirror cannot answer as native and hands every packet over.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxip_core::ipmr::ip_mr_forward;
use oxip_core::ipmr::ip_mr_input;
use oxip_core::ipmr::MfcCounters;
use oxip_core::ipmr::MfcEntry;
use oxip_core::ipmr::MfcError;
use oxip_core::ipmr::MrForward;
use oxip_core::ipmr::MrInput;
use oxip_core::ipmr::MrPacket;
use oxip_core::ipmr::MrTable;
use oxip_core::ipmr::Vif;
use oxip_core::ipmr::VifCounters;
use oxip_core::ipmr::MAXVIFS;
use oxip_core::ipmr::MFC_CAPACITY;
use oxip_core::ipmr::VIFF_REGISTER;
use oxip_core::ipmr::VIFF_TUNNEL;
use oxip_core::wire::Ipv4Address;
use oxip_fuzz::Input;

/// `INADDR_ANY`, the wildcard of (*,G) and (*,*).
const Z: Ipv4Address = Ipv4Address::UNSPECIFIED;
const ORIGINS: [Ipv4Address; 4] = [
    Z,
    Ipv4Address::new(10, 0, 0, 1),
    Ipv4Address::new(10, 0, 0, 2),
    Ipv4Address::new(192, 168, 0, 1),
];
const GROUPS: [Ipv4Address; 4] = [
    Z,
    Ipv4Address::new(225, 1, 1, 1),
    Ipv4Address::new(225, 1, 1, 2),
    Ipv4Address::new(239, 0, 0, 1),
];

fn who(b: u8) -> (Ipv4Address, Ipv4Address) {
    (ORIGINS[usize::from(b & 3)], GROUPS[usize::from(b >> 2 & 3)])
}

#[derive(Default)]
struct Model {
    vifs: [Option<(Vif, VifCounters)>; MAXVIFS],
    entries: Vec<(MfcEntry, MfcCounters)>,
    /// VIFs and entries the kernel has and the mirror refused.
    unmirrored: u32,
}

impl Model {
    fn vif(&self, i: usize) -> Option<Vif> {
        self.vifs.get(i).copied().flatten().map(|(v, _)| v)
    }
    /// ipmr_find_vif(): from maxvif - 1 down.
    fn find_vif(&self, ifindex: i32) -> Option<usize> {
        (0..MAXVIFS)
            .rev()
            .find(|&i| self.vif(i).is_some_and(|v| v.ifindex == ifindex))
    }
    fn find(&self, origin: Ipv4Address, group: Ipv4Address) -> Option<usize> {
        self.entries
            .iter()
            .position(|(e, _)| e.origin == origin && e.group == group)
    }
    /// mr_mfc_find_any_parent(): the (*,*) entry, if it forwards to `vifi`.
    fn any_parent(&self, vifi: usize) -> Option<usize> {
        self.find(Z, Z)
            .filter(|&i| self.entries[i].0.ttls[vifi] < 255)
    }
    /// ipmr_cache_find_any() / mr_mfc_find_any().
    fn find_any(&self, group: Ipv4Address, vifi: usize) -> Option<usize> {
        if group != Z {
            if let Some(i) = self.find(Z, group) {
                let e = &self.entries[i].0;
                if e.ttls[vifi] < 255 {
                    return Some(i);
                }
                if let Some(p) = self.any_parent(usize::from(e.parent)) {
                    if self.entries[p].0.ttls[vifi] < 255 {
                        return Some(i);
                    }
                }
            }
        }
        self.any_parent(vifi)
    }
    /// ip_mr_input(): ipmr_cache_find(), then by the input VIF.
    fn lookup(&self, s: Ipv4Address, g: Ipv4Address, ifindex: i32) -> Option<usize> {
        self.find(s, g)
            .or_else(|| self.find_vif(ifindex).and_then(|v| self.find_any(g, v)))
    }
    fn add(&mut self, e: MfcEntry) -> Result<(), MfcError> {
        if usize::from(e.parent) >= MAXVIFS {
            return Err(MfcError::BadVif);
        }
        if let Some(i) = self.find(e.origin, e.group) {
            self.entries[i].0 = e;
            return Ok(());
        }
        if self.entries.len() >= MFC_CAPACITY {
            return Err(MfcError::Full);
        }
        self.entries.push((e, MfcCounters::default()));
        Ok(())
    }
    /// ip_mr_forward(): `(oifs, Some(in_vif))` to forward, `(0, None)` for
    /// the wrong interface.
    fn forward(&self, c: &MfcEntry, ifindex: i32, ttl: u8) -> Result<(u32, usize), ()> {
        let true_vifi = self.find_vif(ifindex);
        let vif = usize::from(c.parent);
        let mut ok = false;
        if c.origin == Z {
            if let Some(tv) = true_vifi {
                if let Some(p) = self.any_parent(vif) {
                    ok = self.entries[p].0.ttls[tv] < 255;
                }
            }
        }
        if !ok && (true_vifi.is_none() || self.vif(vif).map(|v| v.ifindex) != Some(ifindex)) {
            return Err(());
        }
        if c.origin == Z && c.group == Z {
            return match true_vifi {
                Some(tv) if tv != vif && ttl > c.ttls[vif] => Ok((1 << vif, vif)),
                _ => Ok((0, vif)),
            };
        }
        let mut oifs = 0;
        for ct in (0..MAXVIFS).rev() {
            if (c.origin != Z || Some(ct) != true_vifi) && ttl > c.ttls[ct] {
                oifs |= 1 << ct;
            }
        }
        Ok((oifs, vif))
    }
    fn present(&self) -> u32 {
        (0..MAXVIFS)
            .filter(|&i| self.vif(i).is_some())
            .fold(0, |m, i| m | 1 << i)
    }
    fn input(&mut self, p: &MrPacket) -> MrInput {
        if self.unmirrored != 0 || p.forwarded || p.router_alert || p.igmp {
            return MrInput::Native;
        }
        let Some(i) = self.lookup(p.saddr, p.daddr, p.in_ifindex) else {
            return MrInput::Native;
        };
        let e = self.entries[i].0;
        match self.forward(&e, p.in_ifindex, p.ttl) {
            Err(()) => {
                let c = &mut self.entries[i].1;
                c.pkt += 1;
                c.bytes += p.len;
                c.wrong_if += 1;
                MrInput::Native
            }
            Ok((oifs, in_vif)) => {
                let oifs = oifs & self.present();
                let special = (0..MAXVIFS).filter(|&v| oifs & (1 << v) != 0).any(|v| {
                    self.vif(v)
                        .is_some_and(|v| v.flags & (VIFF_TUNNEL | VIFF_REGISTER) != 0)
                });
                if special {
                    return MrInput::Native;
                }
                let c = &mut self.entries[i].1;
                c.pkt += 1;
                c.bytes += p.len;
                if let Some((_, vc)) = self.vifs[in_vif].as_mut() {
                    vc.pkt_in += 1;
                    vc.bytes_in += p.len;
                }
                MrInput::Forward { oifs }
            }
        }
    }
}

fn same_tables(t: &MrTable, m: &Model, op: usize) {
    assert_eq!(t.len(), m.entries.len(), "op {op}: entry count");
    assert_eq!(t.is_empty(), m.entries.is_empty());
    let key = |x: &(MfcEntry, MfcCounters)| (x.0.origin, x.0.group);
    let mut got: Vec<(MfcEntry, MfcCounters)> = t.entries().map(|(e, c)| (*e, c)).collect();
    let mut want = m.entries.clone();
    got.sort_unstable_by_key(key);
    want.sort_unstable_by_key(key);
    assert_eq!(got, want, "op {op}: entries");
    let vifs: Vec<_> = t.vifs().collect();
    let want: Vec<_> = (0..MAXVIFS)
        .filter_map(|i| m.vifs[i].map(|(v, c)| (i, v, c)))
        .collect();
    assert_eq!(vifs, want, "op {op}: VIFs");
}

fuzz_target!(|data: &[u8]| {
    let mut inp = Input::new(data);
    let mut t = Box::new(MrTable::new());
    let mut m = Model::default();
    let mut op = 0;
    while !inp.is_empty() && op < 2048 {
        op += 1;
        match inp.u8() & 7 {
            0 => {
                let idx = usize::from(inp.u8() & 63);
                let vif = Vif {
                    ifindex: i32::from(inp.u8() & 15),
                    flags: u16::from(inp.u8() & 7),
                };
                let r = t.vif_add(idx, vif);
                let w = if idx < MAXVIFS {
                    m.vifs[idx] = Some((vif, VifCounters::default()));
                    Ok(())
                } else {
                    m.unmirrored += 1;
                    Err(MfcError::BadVif)
                };
                assert_eq!(r, w, "op {op}: vif_add({idx})");
            }
            1 => {
                let idx = usize::from(inp.u8() & 63);
                t.vif_del(idx);
                if let Some(v) = m.vifs.get_mut(idx) {
                    *v = None;
                }
            }
            2 => {
                let (o, g) = who(inp.u8());
                let parent = u16::from(inp.u8() & 63);
                let oifs = inp.u32();
                let ttl = match inp.u8() {
                    0 | 255 => 1,
                    x => x,
                };
                let mut e = MfcEntry::new(o, g, parent);
                for (i, th) in e.ttls.iter_mut().enumerate() {
                    if oifs & (1 << i) != 0 {
                        *th = ttl;
                    }
                }
                // The kernel announces a change of an (S,G) it holds as a
                // replace (ipmr_mfc_add finds it), a new one as an add; a
                // bad parent is refused before either (no event).
                let known = m.find(o, g).is_some();
                if known && usize::from(parent) >= MAXVIFS {
                    continue;
                }
                let want = m.add(e);
                if want.is_err() {
                    m.unmirrored += 1;
                }
                if known {
                    assert_eq!(t.entry_replace(e), want, "op {op}: entry_replace");
                } else {
                    assert_eq!(t.entry_add(e), want, "op {op}: entry_add");
                }
            }
            3 => {
                let (o, g) = who(inp.u8());
                t.entry_del(o, g);
                match m.find(o, g) {
                    Some(i) => {
                        m.entries.remove(i);
                    }
                    None => m.unmirrored = m.unmirrored.saturating_sub(1),
                }
            }
            4 => {
                let (s, g) = who(inp.u8());
                let ifindex = i32::from(inp.u8() & 15);
                let got = t.lookup(s, g, ifindex).copied();
                let want = m.lookup(s, g, ifindex).map(|i| m.entries[i].0);
                assert_eq!(got, want, "op {op}: lookup({s}, {g}, if {ifindex})");
            }
            5 => {
                let (s, g) = who(inp.u8());
                let ifindex = i32::from(inp.u8() & 15);
                let ttl = inp.u8();
                let bits = inp.u8();
                let p = MrPacket {
                    saddr: s,
                    daddr: g,
                    in_ifindex: ifindex,
                    ttl,
                    len: 100 + u64::from(ttl),
                    forwarded: bits & 1 != 0,
                    router_alert: bits & 2 != 0,
                    igmp: bits & 4 != 0,
                };
                let present = m.present();
                let got = match ip_mr_input(&mut t, &p) {
                    MrInput::Forward { oifs } => MrInput::Forward {
                        oifs: oifs & present,
                    },
                    n => n,
                };
                let want = m.input(&p);
                assert_eq!(got, want, "op {op}: ip_mr_input({p:?})");
            }
            6 => {
                t.clear();
                m = Model::default();
            }
            _ => {
                let (s, g) = who(inp.u8());
                let ifindex = i32::from(inp.u8() & 15);
                let ttl = inp.u8();
                if let Some(i) = m.lookup(s, g, ifindex) {
                    let e = m.entries[i].0;
                    let present = m.present();
                    let got = match ip_mr_forward(&t, &e, ifindex, ttl) {
                        MrForward::Forward { oifs, in_vif } => Ok((oifs & present, in_vif)),
                        MrForward::WrongVif { true_vif } => {
                            assert_eq!(true_vif, m.find_vif(ifindex), "op {op}: true VIF");
                            Err(())
                        }
                    };
                    let want = m.forward(&e, ifindex, ttl).map(|(o, v)| (o & present, v));
                    assert_eq!(
                        got, want,
                        "op {op}: ip_mr_forward({e:?}, if {ifindex}, ttl {ttl})"
                    );
                }
            }
        }
        same_tables(&t, &m, op);
    }
});
