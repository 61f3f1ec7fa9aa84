// SPDX-License-Identifier: GPL-2.0
//! The multicast forwarding cache, as a mirror of the kernel's: VIFs and
//! (S,G), (*,G) and (*,*) entries, looked up with native precedence, and
//! the per-packet forwarding decision.
//!
//! C: net/ipv4/ipmr.c (`ipmr_cache_find()`, `ipmr_cache_find_any()`,
//! `ip_mr_forward()`), net/ipv4/ipmr_base.c (`mr_mfc_find_any()`,
//! `mr_mfc_find_any_parent()`). The glue fills it from the FIB notifier
//! (`FIB_EVENT_VIF_*`, `FIB_EVENT_ENTRY_*` for `RTNL_FAMILY_IPMR`); this
//! file has no notion of where the entries come from.

use super::wire::Ipv4Address;

/// `MAXVIFS`.
pub const MAXVIFS: usize = 32;
/// Entries one table mirrors (the glue refuses more and says so).
pub const MFC_CAPACITY: usize = 1024;
/// Buckets of the (origin, group) index: a power of two, twice the
/// capacity, so a probe is short even when the table is full.
const INDEX_SIZE: usize = 2 * MFC_CAPACITY;
/// `INADDR_ANY`: the origin of (*,G) and (*,*), the group of (*,*).
const ANY: Ipv4Address = Ipv4Address::UNSPECIFIED;

/// A virtual interface: `struct vif_device` as far as forwarding needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C)]
pub struct Vif {
    /// The device's ifindex.
    pub ifindex: i32,
    /// `VIFF_*` flags.
    pub flags: u16,
}

/// An MFC entry (`struct mfc_cache` / `struct mr_mfc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C)]
pub struct MfcEntry {
    /// `mfc_origin`; `INADDR_ANY` for (*,G) and (*,*).
    pub origin: Ipv4Address,
    /// `mfc_mcastgrp`; `INADDR_ANY` for (*,*).
    pub group: Ipv4Address,
    /// `mfc_parent`: the incoming VIF.
    pub parent: u16,
    /// `mfc_un.res.ttls`: per-VIF TTL threshold, 255 = not an oif.
    pub ttls: [u8; MAXVIFS],
}

impl MfcEntry {
    /// An entry with no outgoing VIFs.
    pub const fn new(origin: Ipv4Address, group: Ipv4Address, parent: u16) -> Self {
        MfcEntry {
            origin,
            group,
            parent,
            ttls: [255; MAXVIFS],
        }
    }

    fn ttl(&self, vif: usize) -> u8 {
        self.ttls.get(vif).copied().unwrap_or(255)
    }
}

/// Why an entry was not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MfcError {
    /// The table holds `MFC_CAPACITY` entries already.
    Full,
    /// A VIF index of `MAXVIFS` or more.
    BadVif,
    /// A second kernel entry for an (origin, group) the mirror holds: an
    /// `MRT_ADD_MFC_PROXY` (or netlink) entry with another parent, which
    /// native keeps beside the first in its `rhltable` and the mirror,
    /// keyed on (origin, group), cannot.
    Duplicate,
}

/// A VIF slot: `present` says whether it holds one.
#[derive(Debug, Clone, Copy)]
#[repr(C)]
struct VifSlot {
    present: bool,
    vif: Vif,
    counters: VifCounters,
}

/// A VIF's input counters (`vif_device` `pkt_in`, `bytes_in`). Its
/// output counters are the driver's, counted per copy without the table
/// (`pkt_out`, `bytes_out`: see the glue's mirror).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C)]
pub struct VifCounters {
    /// Packets received on it and forwarded.
    pub pkt_in: u64,
    /// Their bytes.
    pub bytes_in: u64,
}

/// An entry's counters (`mfc_un.res` `pkt`, `bytes`, `wrong_if`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C)]
pub struct MfcCounters {
    /// Packets that matched it.
    pub pkt: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Packets that came in on the wrong VIF.
    pub wrong_if: u64,
}

/// An entry slot: `used` says whether it holds one.
#[derive(Debug, Clone, Copy)]
#[repr(C)]
struct MfcSlot {
    used: bool,
    /// The kernel holds more than one entry for this (origin, group), or
    /// did since the slot was stored: which one `e` is, is not known, so
    /// the mirror stays inexact until the key's last entry is deleted.
    tainted: bool,
    /// Kernel entries of this (origin, group) announced and not deleted
    /// (the stored one, less one).
    extra: u16,
    e: MfcEntry,
    counters: MfcCounters,
}

const NO_VIF_COUNTERS: VifCounters = VifCounters {
    pkt_in: 0,
    bytes_in: 0,
};
const NO_VIF: VifSlot = VifSlot {
    present: false,
    vif: Vif {
        ifindex: 0,
        flags: 0,
    },
    counters: NO_VIF_COUNTERS,
};
const NO_MFC: MfcSlot = MfcSlot {
    used: false,
    tainted: false,
    extra: 0,
    e: MfcEntry {
        origin: ANY,
        group: ANY,
        parent: 0,
        ttls: [0; MAXVIFS],
    },
    counters: MfcCounters {
        pkt: 0,
        bytes: 0,
        wrong_if: 0,
    },
};

/// One multicast routing table: VIFs and entries.
///
/// All-zero bytes are a valid, empty table (every field is an integer, a
/// bool or an array of them), so the glue can allocate it zeroed in place
/// instead of building 40 KiB on a kernel stack.
#[repr(C)]
pub struct MrTable {
    vifs: [VifSlot; MAXVIFS],
    /// `mrt->maxvif`: one above the highest VIF present (0: none), so the
    /// walks over VIFs stop there, as native's do.
    maxvif: usize,
    entries: [MfcSlot; MFC_CAPACITY],
    /// (origin, group) -> entry: open addressing with linear probing over
    /// `INDEX_SIZE` buckets, each 0 (empty) or an entry's slot plus one,
    /// so a lookup costs a probe or two at any size, where native's costs
    /// a hash (rhashtable). Entries keep their slots, and so their order.
    index: [u16; INDEX_SIZE],
    len: usize,
    /// Entries (and VIFs) the kernel has that this mirror could not store
    /// (full, bad index), less those deleted or stored since.
    unmirrored: u32,
    /// `ip mrule` rules other than the default one (`ipmr_rule_default`),
    /// including the l3mdev rule a VRF adds: native may look up another
    /// table than the default one this mirror copies.
    custom_rules: u32,
}

impl Default for MrTable {
    fn default() -> Self {
        Self::new()
    }
}

impl MrTable {
    /// An empty table.
    pub const fn new() -> Self {
        MrTable {
            vifs: [NO_VIF; MAXVIFS],
            maxvif: 0,
            entries: [NO_MFC; MFC_CAPACITY],
            index: [0; INDEX_SIZE],
            len: 0,
            unmirrored: 0,
            custom_rules: 0,
        }
    }

    /// `FIB_EVENT_VIF_ADD`. A VIF it cannot hold leaves the mirror inexact.
    pub fn vif_add(&mut self, index: usize, vif: Vif) -> Result<(), MfcError> {
        let Some(slot) = self.vifs.get_mut(index) else {
            self.unmirrored = self.unmirrored.saturating_add(1);
            return Err(MfcError::BadVif);
        };
        *slot = VifSlot {
            present: true,
            vif,
            counters: NO_VIF_COUNTERS,
        };
        self.maxvif = self.maxvif.max(index + 1);
        Ok(())
    }

    /// `FIB_EVENT_VIF_DEL`.
    pub fn vif_del(&mut self, index: usize) {
        if let Some(v) = self.vifs.get_mut(index) {
            *v = NO_VIF;
        }
        // C: vif_delete()'s `mrt->maxvif` update.
        while self.maxvif > 0 && !self.vifs.get(self.maxvif - 1).is_some_and(|s| s.present) {
            self.maxvif -= 1;
        }
    }

    /// The VIF slots below `maxvif`: every VIF present is among them.
    fn vif_slots(&self) -> &[VifSlot] {
        self.vifs.get(..self.maxvif).unwrap_or(&self.vifs)
    }

    /// The VIF at `index`.
    pub fn vif(&self, index: usize) -> Option<Vif> {
        self.vifs.get(index).filter(|s| s.present).map(|s| s.vif)
    }

    /// `ipmr_find_vif(mrt, dev)`: the VIF index of a device, the highest
    /// if it is on several (native walks from `maxvif - 1` down).
    pub fn find_vif(&self, ifindex: i32) -> Option<usize> {
        self.vif_slots()
            .iter()
            .rposition(|s| s.present && s.vif.ifindex == ifindex)
    }

    /// The slot of (origin, group).
    fn slot(&self, origin: Ipv4Address, group: Ipv4Address) -> Option<usize> {
        self.find_bucket(origin, group)
            .ok()
            .and_then(|b| self.bucket_slot(b))
    }

    /// The entry slot bucket `b` points to.
    fn bucket_slot(&self, b: usize) -> Option<usize> {
        self.index
            .get(b)
            .and_then(|&v| usize::from(v).checked_sub(1))
    }

    /// The bucket of (origin, group): `Ok` where it is indexed, `Err` with
    /// the empty bucket where it would go.
    fn find_bucket(&self, origin: Ipv4Address, group: Ipv4Address) -> Result<usize, usize> {
        let mut b = index_hash(origin, group);
        // At most MFC_CAPACITY buckets are taken: an empty one is met.
        for _ in 0..INDEX_SIZE {
            let Some(i) = self.bucket_slot(b) else {
                return Err(b);
            };
            if self
                .entries
                .get(i)
                .is_some_and(|s| s.e.origin == origin && s.e.group == group)
            {
                return Ok(b);
            }
            b = (b + 1) % INDEX_SIZE;
        }
        Err(b)
    }

    /// Empties bucket `hole` and shifts back the entries probed past it
    /// (linear probing's deletion, which leaves no tombstones).
    fn unindex(&mut self, mut hole: usize) {
        let mut b = hole;
        loop {
            b = (b + 1) % INDEX_SIZE;
            let Some(i) = self.bucket_slot(b) else { break };
            let Some(e) = self.entries.get(i).map(|s| s.e) else {
                break;
            };
            let home = index_hash(e.origin, e.group);
            // It stays if its home lies cyclically in (hole, b].
            let stays = if hole <= b {
                hole < home && home <= b
            } else {
                hole < home || home <= b
            };
            if !stays {
                let v = self.index.get(b).copied().unwrap_or(0);
                if let Some(h) = self.index.get_mut(hole) {
                    *h = v;
                }
                hole = b;
            }
        }
        if let Some(h) = self.index.get_mut(hole) {
            *h = 0;
        }
    }

    /// Stores or replaces (origin, group); whether it was new.
    fn store(&mut self, e: MfcEntry) -> Result<bool, MfcError> {
        if usize::from(e.parent) >= MAXVIFS {
            return Err(MfcError::BadVif);
        }
        let bucket = match self.find_bucket(e.origin, e.group) {
            Ok(b) => {
                if let Some(s) = self.bucket_slot(b).and_then(|i| self.entries.get_mut(i)) {
                    s.e = e;
                }
                return Ok(false);
            }
            Err(b) => b,
        };
        let (i, free) = self
            .entries
            .iter_mut()
            .enumerate()
            .find(|(_, s)| !s.used)
            .ok_or(MfcError::Full)?;
        *free = MfcSlot {
            used: true,
            tainted: false,
            extra: 0,
            e,
            counters: MfcCounters::default(),
        };
        if let (Some(b), Ok(v)) = (self.index.get_mut(bucket), u16::try_from(i + 1)) {
            *b = v;
        }
        self.len += 1;
        Ok(true)
    }

    /// `FIB_EVENT_ENTRY_ADD`: the kernel made a new entry (`ipmr_mfc_add`
    /// updates an entry it finds, and says so with `_REPLACE`). An entry
    /// it cannot store leaves the mirror inexact until it is deleted; so
    /// does a second entry for an (origin, group) it holds, until the last
    /// of that key's entries is deleted.
    pub fn entry_add(&mut self, e: MfcEntry) -> Result<(), MfcError> {
        if let Some(s) = self
            .slot(e.origin, e.group)
            .and_then(|i| self.entries.get_mut(i))
        {
            s.extra = s.extra.saturating_add(1);
            if !s.tainted {
                s.tainted = true;
                self.unmirrored = self.unmirrored.saturating_add(1);
            }
            return Err(MfcError::Duplicate);
        }
        self.store(e)
            .map(|_| ())
            .inspect_err(|_| self.unmirrored = self.unmirrored.saturating_add(1))
    }

    /// `FIB_EVENT_ENTRY_REPLACE`: the kernel changed an entry it announced
    /// before. One this mirror could not store then and can now is counted
    /// as mirrored again. Of a key with several entries, which one changed
    /// is not known: the mirror is inexact there already, and stays so.
    pub fn entry_replace(&mut self, e: MfcEntry) -> Result<(), MfcError> {
        let slot = self.slot(e.origin, e.group);
        if slot
            .and_then(|i| self.entries.get(i))
            .is_some_and(|s| s.tainted)
        {
            return Err(MfcError::Duplicate);
        }
        let known = slot.is_some();
        let new = self.store(e)?;
        if new && !known {
            self.unmirrored = self.unmirrored.saturating_sub(1);
        }
        Ok(())
    }

    /// `FIB_EVENT_ENTRY_DEL`. Deleting an entry this mirror never held
    /// takes one from the unmirrored count; deleting the last entry of a
    /// key that had several makes the mirror exact there again.
    pub fn entry_del(&mut self, origin: Ipv4Address, group: Ipv4Address) {
        match self.find_bucket(origin, group) {
            Ok(b) => {
                if let Some(s) = self.bucket_slot(b).and_then(|i| self.entries.get_mut(i)) {
                    if s.extra > 0 {
                        s.extra -= 1;
                        return;
                    }
                    if s.tainted {
                        self.unmirrored = self.unmirrored.saturating_sub(1);
                    }
                    *s = NO_MFC;
                    self.len -= 1;
                }
                self.unindex(b);
            }
            Err(_) => self.unmirrored = self.unmirrored.saturating_sub(1),
        }
    }

    /// `FIB_EVENT_RULE_ADD` of an `RTNL_FAMILY_IPMR` rule; `default` is
    /// `ipmr_rule_default(rule)` (match-all, table `RT_TABLE_DEFAULT`).
    pub fn rule_add(&mut self, default: bool) {
        if !default {
            self.custom_rules = self.custom_rules.saturating_add(1);
        }
    }

    /// `FIB_EVENT_RULE_DEL`.
    pub fn rule_del(&mut self, default: bool) {
        if !default {
            self.custom_rules = self.custom_rules.saturating_sub(1);
        }
    }

    /// Whether the mirror answers as native's lookup would: every entry
    /// and VIF mirrored, and only the default rule, so native's
    /// `ipmr_rt_fib_lookup` picks the default table this mirror copies.
    pub fn exact(&self) -> bool {
        self.unmirrored == 0 && self.custom_rules == 0
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Every entry.
    pub fn iter(&self) -> impl Iterator<Item = &MfcEntry> {
        self.entries.iter().filter(|s| s.used).map(|s| &s.e)
    }

    /// Every VIF with its index and counters.
    pub fn vifs(&self) -> impl Iterator<Item = (usize, Vif, VifCounters)> + '_ {
        self.vifs
            .iter()
            .enumerate()
            .filter(|(_, s)| s.present)
            .map(|(i, s)| (i, s.vif, s.counters))
    }

    /// Every entry with its counters.
    pub fn entries(&self) -> impl Iterator<Item = (&MfcEntry, MfcCounters)> {
        self.entries
            .iter()
            .filter(|s| s.used)
            .map(|s| (&s.e, s.counters))
    }

    /// Forgets everything (the notifier's dump is about to be replayed).
    pub fn clear(&mut self) {
        self.vifs = [NO_VIF; MAXVIFS];
        self.maxvif = 0;
        self.entries = [NO_MFC; MFC_CAPACITY];
        self.index = [0; INDEX_SIZE];
        self.len = 0;
        self.unmirrored = 0;
        self.custom_rules = 0;
    }

    /// The entry in slot `i`.
    fn entry(&self, i: usize) -> Option<&MfcEntry> {
        self.entries.get(i).map(|s| &s.e)
    }

    /// `ipmr_cache_find(mrt, origin, mcastgrp)`: the (S,G) entry.
    pub fn cache_find(&self, origin: Ipv4Address, group: Ipv4Address) -> Option<&MfcEntry> {
        self.slot(origin, group).and_then(|i| self.entry(i))
    }

    /// `mr_mfc_find_any_parent(mrt, vifi)`: the (*,*) entry that forwards
    /// to `vifi` (its parent does not matter).
    pub fn find_any_parent(&self, vifi: usize) -> Option<&MfcEntry> {
        self.find_any_parent_slot(vifi).and_then(|i| self.entry(i))
    }

    fn find_any_parent_slot(&self, vifi: usize) -> Option<usize> {
        // One (*,*) entry at most: the mirror keys entries on (origin, group).
        self.slot(ANY, ANY)
            .filter(|&i| self.entry(i).is_some_and(|e| e.ttl(vifi) < 255))
    }

    /// `ipmr_cache_find_any(mrt, mcastgrp, vifi)`: a (*,G) entry that
    /// forwards to `vifi` (or whose (*,*) proxy does), else the (*,*) one.
    pub fn cache_find_any(&self, group: Ipv4Address, vifi: usize) -> Option<&MfcEntry> {
        self.cache_find_any_slot(group, vifi)
            .and_then(|i| self.entry(i))
    }

    fn cache_find_any_slot(&self, group: Ipv4Address, vifi: usize) -> Option<usize> {
        if group != ANY {
            // One (*,G) entry at most, as for (*,*).
            if let Some((i, e)) = self
                .slot(ANY, group)
                .and_then(|i| Some((i, self.entry(i)?)))
            {
                if e.ttl(vifi) < 255 {
                    return Some(i);
                }
                if self
                    .find_any_parent(usize::from(e.parent))
                    .is_some_and(|p| p.ttl(vifi) < 255)
                {
                    return Some(i);
                }
            }
        }
        self.find_any_parent_slot(vifi)
    }

    /// `ip_mr_input`'s lookup: (S,G), then by the input VIF (*,G) / (*,*).
    pub fn lookup(
        &self,
        saddr: Ipv4Address,
        daddr: Ipv4Address,
        in_ifindex: i32,
    ) -> Option<&MfcEntry> {
        self.lookup_slot(saddr, daddr, in_ifindex)
            .and_then(|i| self.entry(i))
    }

    /// [`MrTable::lookup`]'s slot, whose counters the packet counts in.
    fn lookup_slot(
        &self,
        saddr: Ipv4Address,
        daddr: Ipv4Address,
        in_ifindex: i32,
    ) -> Option<usize> {
        self.slot(saddr, daddr).or_else(|| {
            self.find_vif(in_ifindex)
                .and_then(|v| self.cache_find_any_slot(daddr, v))
        })
    }
}

/// What `ip_mr_forward` does with a packet and its entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MrForward {
    /// Send a copy out of every VIF set in the mask (bit n = VIF n); the
    /// packet came in on `in_vif`.
    Forward {
        /// Outgoing VIFs.
        oifs: u32,
        /// The VIF the packet came in on (its counters go up).
        in_vif: usize,
    },
    /// Arrived on the wrong VIF: not forwarded (`wrong_if` goes up); the
    /// daemon may want to hear of it (native's WRONGVIF upcall).
    WrongVif {
        /// The VIF it came in on, if any.
        true_vif: Option<usize>,
    },
}

/// The forwarding decision for a packet with `ttl`, arriving on the device
/// `in_ifindex`, matched to `c`.
///
/// C: net/ipv4/ipmr.c, `ip_mr_forward()`: the RPF check, the (*,G) static
/// tree check, the (*,*) upstream rule and the per-VIF TTL thresholds.
/// Leaves out: the looped-back own-packet case (input routes only here) and
/// the assert timing (the glue hands WrongVif packets to native, which
/// sends the upcall).
pub fn ip_mr_forward(t: &MrTable, c: &MfcEntry, in_ifindex: i32, ttl: u8) -> MrForward {
    let true_vif = t.find_vif(in_ifindex);
    let vif = usize::from(c.parent);
    let mut rpf_ok = t.vif(vif).is_some_and(|v| v.ifindex == in_ifindex) && true_vif.is_some();
    if !rpf_ok && c.origin == ANY {
        if let Some(tv) = true_vif {
            if t.find_any_parent(vif).is_some_and(|p| p.ttl(tv) < 255) {
                rpf_ok = true;
            }
        }
    }
    if !rpf_ok {
        return MrForward::WrongVif { true_vif };
    }
    if c.origin == ANY && c.group == ANY {
        // (*,*): only toward the upstream, and not from it.
        return match true_vif {
            Some(tv) if tv != vif && ttl > c.ttl(vif) => MrForward::Forward {
                oifs: 1 << vif,
                in_vif: vif,
            },
            _ => MrForward::Forward {
                oifs: 0,
                in_vif: vif,
            },
        };
    }
    // (*,G): never back out of the incoming interface.
    let never = if c.origin == ANY { true_vif } else { None };
    let mut oifs = 0u32;
    // VIFs at or above maxvif are not present, so cannot be oifs.
    for (i, (th, s)) in c.ttls.iter().zip(t.vif_slots()).enumerate() {
        if ttl > *th && s.present && Some(i) != never {
            oifs |= 1 << i;
        }
    }
    MrForward::Forward { oifs, in_vif: vif }
}

/// The VIF indices set in a mask of VIFs (bit n = VIF n), lowest first
/// (`next_back`: highest first), one step per set bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VifBits(pub u32);

impl Iterator for VifBits {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        if self.0 == 0 {
            return None;
        }
        let i = self.0.trailing_zeros();
        self.0 &= self.0 - 1;
        Some(i as usize)
    }
}

impl DoubleEndedIterator for VifBits {
    fn next_back(&mut self) -> Option<usize> {
        if self.0 == 0 {
            return None;
        }
        let i = 31 - self.0.leading_zeros();
        self.0 &= !(1u32 << i);
        Some(i as usize)
    }
}

/// `VIFF_TUNNEL`.
pub const VIFF_TUNNEL: u16 = 0x1;
/// `VIFF_REGISTER`.
pub const VIFF_REGISTER: u16 = 0x4;

/// What oxip does with a packet routed `RTN_MULTICAST` to `ip_mr_input`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MrInput {
    /// Hand it to the kernel's `ip_mr_input`: no entry (the daemon must hear
    /// of it: IGMPMSG_NOCACHE), wrong VIF (assert/WRONGVIF upcall), an IGMP
    /// or router-alert packet (for the daemon's socket), a looped-back
    /// forwarded packet, a tunnel/register VIF among the oifs, or a mirror
    /// that is not [`MrTable::exact`] (an unmirrored (S,G) would fall back
    /// to a mirrored (*,G); another table would be looked up natively).
    Native,
    /// Copies out of these VIFs (bit n = VIF n).
    Forward {
        /// Outgoing VIFs.
        oifs: u32,
    },
}

/// What `ip_mr_input` reads of the packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MrPacket {
    /// `iph->saddr`: the source.
    pub saddr: Ipv4Address,
    /// `iph->daddr`: the group.
    pub daddr: Ipv4Address,
    /// The receiving device.
    pub in_ifindex: i32,
    /// `iph->ttl`.
    pub ttl: u8,
    /// `skb->len`.
    pub len: u64,
    /// `IPCB(skb)->flags & IPSKB_FORWARDED`.
    pub forwarded: bool,
    /// `IPCB(skb)->opt.router_alert`.
    pub router_alert: bool,
    /// `iph->protocol == IPPROTO_IGMP`.
    pub igmp: bool,
}

/// The lookup and forwarding decision of `ip_mr_input()`/`ip_mr_forward()`
/// for the packets oxip forwards itself, with the entry and VIF counters
/// native keeps. C: net/ipv4/ipmr.c, `ip_mr_input()`, `ip_mr_forward()`.
pub fn ip_mr_input(t: &mut MrTable, p: &MrPacket) -> MrInput {
    if !t.exact() || p.forwarded || p.router_alert || p.igmp {
        return MrInput::Native;
    }
    let Some(slot) = t.lookup_slot(p.saddr, p.daddr, p.in_ifindex) else {
        return MrInput::Native;
    };
    let Some(e) = t.entry(slot) else {
        return MrInput::Native;
    };
    let d = ip_mr_forward(t, e, p.in_ifindex, p.ttl);
    match d {
        MrForward::WrongVif { .. } => {
            // Native counts pkt, bytes and wrong_if for it; so do we, and
            // hand it over for the upcall.
            if let Some(s) = t.entries.get_mut(slot) {
                s.counters.pkt += 1;
                s.counters.bytes += p.len;
                s.counters.wrong_if += 1;
            }
            MrInput::Native
        }
        MrForward::Forward { oifs, in_vif } => {
            let special = VifBits(oifs).any(|i| {
                t.vif(i)
                    .is_some_and(|v| v.flags & (VIFF_TUNNEL | VIFF_REGISTER) != 0)
            });
            if special {
                return MrInput::Native;
            }
            if let Some(s) = t.entries.get_mut(slot) {
                s.counters.pkt += 1;
                s.counters.bytes += p.len;
            }
            if let Some(v) = t.vifs.get_mut(in_vif).filter(|s| s.present) {
                v.counters.pkt_in += 1;
                v.counters.bytes_in += p.len;
            }
            MrInput::Forward { oifs }
        }
    }
}

/// The home bucket of (origin, group): Fibonacci hashing of the 64-bit
/// key, its top bits.
fn index_hash(origin: Ipv4Address, group: Ipv4Address) -> usize {
    let k = (u64::from(origin.to_bits()) << 32) | u64::from(group.to_bits());
    let h = k.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    // CAST: the top log2(INDEX_SIZE) bits, below INDEX_SIZE.
    (h >> (64 - INDEX_SIZE.trailing_zeros())) as usize
}

#[cfg(test)]
mod tests;
