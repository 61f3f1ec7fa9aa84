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

/// One namespace's mirror. Its lock is also taken on the packet path
/// (softirq), so process-context holders disable BHs.
#[pin_data]
pub(crate) struct Mirror {
    #[pin]
    table: SpinLock<MrTable>,
}

impl Mirror {
    /// An empty mirror (initialised in place: the table is big).
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(Mirror {
            table <- kernel::new_spinlock!(pin_init::init_zeroed()),
        })
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
            writeln!(
                w,
                "{:2} ifindex{:<3} {:8} {:7}  {:8} {:7} {:05X} {:08X} {:08X}",
                i, v.ifindex, c.bytes_in, c.pkt_in, c.bytes_out, c.pkt_out, v.flags, 0, 0
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
                let _ = self.lock(bh.bh()).vif_add(
                    usize::from(v.index),
                    Vif {
                        ifindex: v.ifindex,
                        flags: v.flags,
                    },
                );
            }
            IpmrEvent::VifDel(v) if v.tb_id == RT_TABLE_DEFAULT => {
                self.lock(bh.bh()).vif_del(usize::from(v.index))
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
        self.lock(bh.bh()).clear();
    }
}
