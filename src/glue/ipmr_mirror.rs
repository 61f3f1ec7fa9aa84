// SPDX-License-Identifier: GPL-2.0
//! The multicast routing mirror: per namespace, the kernel's VIF table and
//! MFC (default table) copied into the core's `MrTable` from the FIB
//! notifier, the way hardware offload drivers learn them; and its /proc
//! text, in the format of /proc/net/ip_mr_vif and /proc/net/ip_mr_cache.
//!
//! C: net/ipv4/ipmr.c (`ipmr_dump()`, `call_ipmr_*_notifiers()`,
//! `ipmr_vif_seq_show()`, `ipmr_mfc_seq_show()`), net/core/fib_notifier.c.
//! Only the default table (`RT_TABLE_DEFAULT`) is mirrored: entries of
//! other tables are ignored, and while the namespace has an `ip mrule`
//! rule other than the default one (or a VRF's l3mdev rule), or the mirror
//! could not store an entry, every multicast packet goes to native.
#![deny(unsafe_code)]

use core::fmt::Write;
use core::sync::atomic::AtomicI32;
use core::sync::atomic::AtomicU64;
use core::sync::atomic::Ordering;

use kernel::prelude::*;
use kernel::sync::lock::spinlock::SpinLockBackend;
use kernel::sync::lock::Guard;
use kernel::sync::SpinLock;

use super::sys::bh::Bh;
use super::sys::bh::BhGuard;
use super::sys::fib_notifier::IpmrEvent;
use super::sys::fib_notifier::IpmrHandler;
use super::sys::fib_notifier::MfcInfo;
use super::sys::fib_notifier::RT_TABLE_DEFAULT;
use crate::oxip_core::ipmr::MfcEntry;
use crate::oxip_core::ipmr::MrTable;
use crate::oxip_core::ipmr::Vif;
use crate::oxip_core::ipmr::MAXVIFS;

/// A VIF's output counters (`vif_device` `pkt_out`, `bytes_out`), kept
/// beside the table so that each copy counts without taking its lock, as
/// `ipmr_queue_xmit` counts with `WRITE_ONCE` and no lock.
///
/// `ifindex` is the VIF's device while the table holds the VIF, 0 when it
/// does not: a copy counts only into the VIF it was resolved for. Only
/// table lock holders reset them, and a VIF is added or deleted only
/// under it.
#[derive(Default)]
struct VifOut {
    ifindex: AtomicI32,
    pkts: AtomicU64,
    bytes: AtomicU64,
}

impl VifOut {
    /// The VIF at this index is now `ifindex` (0: none), counted from 0.
    fn reset(&self, ifindex: i32) {
        self.ifindex.store(0, Ordering::Relaxed);
        self.pkts.store(0, Ordering::Relaxed);
        self.bytes.store(0, Ordering::Relaxed);
        self.ifindex.store(ifindex, Ordering::Release);
    }
}

/// One namespace's mirror. Its lock is also taken on the packet path
/// (softirq), so process-context holders disable BHs.
#[pin_data]
pub(crate) struct Mirror {
    #[pin]
    table: SpinLock<MrTable>,
    out: [VifOut; MAXVIFS],
}

impl Mirror {
    /// An empty mirror (initialised in place: the table is big).
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(Mirror {
            table <- kernel::new_spinlock!(pin_init::init_zeroed()),
            out: core::array::from_fn(|_| VifOut::default()),
        })
    }

    /// Counts a copy of `len` bytes sent out of VIF `vif`, unless the VIF
    /// there is no longer device `ifindex` (the daemon replaced it since
    /// the copy was resolved). C: `ipmr_queue_xmit()`'s `vif->pkt_out`.
    pub(crate) fn count_vif_out(&self, vif: usize, ifindex: i32, len: u64) {
        if let Some(o) = self.out.get(vif) {
            if o.ifindex.load(Ordering::Acquire) == ifindex {
                o.pkts.fetch_add(1, Ordering::Relaxed);
                o.bytes.fetch_add(len, Ordering::Relaxed);
            }
        }
    }

    /// The table, locked, from the packet path (BHs off).
    pub(crate) fn lock<'a>(&'a self, _bh: &'a Bh) -> Guard<'a, MrTable, SpinLockBackend> {
        self.table.lock()
    }

    /// Writes the /proc/net/oxip_mr_vif text.
    pub(crate) fn show_vifs<W: Write>(&self, w: &mut W) -> core::fmt::Result {
        w.write_str("Interface      BytesIn  PktsIn  BytesOut PktsOut Flags Local    Remote\n")?;
        let bh = BhGuard::new();
        let t = self.lock(bh.bh());
        for (i, v, c) in t.vifs() {
            let (pkt_out, bytes_out) = self.out.get(i).map_or((0, 0), |o| {
                (
                    o.pkts.load(Ordering::Relaxed),
                    o.bytes.load(Ordering::Relaxed),
                )
            });
            writeln!(
                w,
                "{:2} ifindex{:<3} {:8} {:7}  {:8} {:7} {:05X} {:08X} {:08X}",
                i, v.ifindex, c.bytes_in, c.pkt_in, bytes_out, pkt_out, v.flags, 0, 0
            )?;
        }
        Ok(())
    }

    /// Writes the /proc/net/oxip_mr_cache text (resolved entries), with
    /// addresses printed as ip_mr_cache prints them (`%08X` of the __be32).
    pub(crate) fn show_cache<W: Write>(&self, w: &mut W) -> core::fmt::Result {
        w.write_str("Group    Origin   Iif     Pkts    Bytes    Wrong Oifs\n")?;
        let bh = BhGuard::new();
        let t = self.lock(bh.bh());
        for (e, c) in t.entries() {
            write!(
                w,
                "{:08X} {:08X} {:<3} {:8} {:8} {:8}",
                e.group.to_be32(),
                e.origin.to_be32(),
                e.parent,
                c.pkt,
                c.bytes,
                c.wrong_if
            )?;
            for (v, ttl) in e.ttls.iter().enumerate() {
                if *ttl < 255 && t.vif(v).is_some() {
                    write!(w, " {:2}:{:<3}", v, ttl)?;
                }
            }
            w.write_str("\n")?;
        }
        Ok(())
    }
}

impl Mirror {
    /// `FIB_EVENT_ENTRY_ADD` (`add`) or `_REPLACE` of a default-table entry.
    fn entry(&self, bh: &Bh, e: &MfcInfo<'_>, add: bool) {
        let mut m = MfcEntry::new(e.origin, e.group, e.parent);
        if m.ttls.len() == e.ttls.len() {
            m.ttls.copy_from_slice(e.ttls);
        }
        let mut t = self.lock(bh);
        let r = if add {
            t.entry_add(m)
        } else {
            t.entry_replace(m)
        };
        if r.is_err() {
            kernel::pr_warn_once!("oxip: MFC entry not mirrored (mirror full, bad VIF, or a second entry for one (S,G)): multicast goes to native until it is deleted\n");
        }
    }
}

impl IpmrHandler for Mirror {
    /// FIB events of `RTNL_FAMILY_IPMR`: VIFs and MFC entries of the
    /// default table, and rules (a rule other than the default one makes
    /// the mirror inexact: native may look up another table).
    fn event(&self, ev: IpmrEvent<'_>) {
        let bh = BhGuard::new();
        match ev {
            IpmrEvent::RuleAdd(is_default) => self.lock(bh.bh()).rule_add(is_default),
            IpmrEvent::RuleDel(is_default) => self.lock(bh.bh()).rule_del(is_default),
            IpmrEvent::VifAdd(v) if v.tb_id == RT_TABLE_DEFAULT => {
                let i = usize::from(v.index);
                let mut t = self.lock(bh.bh());
                let added = t.vif_add(
                    i,
                    Vif {
                        ifindex: v.ifindex,
                        flags: v.flags,
                    },
                );
                if let (Ok(()), Some(o)) = (added, self.out.get(i)) {
                    o.reset(v.ifindex);
                }
            }
            IpmrEvent::VifDel(v) if v.tb_id == RT_TABLE_DEFAULT => {
                let i = usize::from(v.index);
                let mut t = self.lock(bh.bh());
                t.vif_del(i);
                if let Some(o) = self.out.get(i) {
                    o.reset(0);
                }
            }
            IpmrEvent::EntryDel(e) if e.tb_id == RT_TABLE_DEFAULT => {
                self.lock(bh.bh()).entry_del(e.origin, e.group)
            }
            IpmrEvent::EntryAdd(e) if e.tb_id == RT_TABLE_DEFAULT => self.entry(bh.bh(), &e, true),
            IpmrEvent::EntryReplace(e) if e.tb_id == RT_TABLE_DEFAULT => {
                self.entry(bh.bh(), &e, false)
            }
            _ => {}
        }
    }

    /// The dump is being restarted: forget what it delivered so far.
    fn flush(&self) {
        let bh = BhGuard::new();
        let mut t = self.lock(bh.bh());
        t.clear();
        for o in &self.out {
            o.reset(0);
        }
    }
}
