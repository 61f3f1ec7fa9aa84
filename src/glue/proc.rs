// SPDX-License-Identifier: GPL-2.0
//! oxip's /proc/net files: the counters (`oxip_snmp`, `oxip_drops`), the
//! takeover control file, the multicast mirror (`oxip_mr_vif`,
//! `oxip_mr_cache`) and, in the initial namespace, the kernel-wide views.
//!
//! C: net/ipv4/proc.c (`snmp_seq_show`, the files' format), net/ipv4/ipmr.c
//! (`ipmr_vif_seq_show()`, `ipmr_mfc_seq_show()`).
#![deny(unsafe_code)]

use kernel::prelude::*;

use super::netns;
use super::sys::net::Net;
use super::sys::proc::ProcEntry;
use super::sys::proc::SeqWriter;
use super::sys::proc::Show;
use super::sys::proc::Write;
use super::sys::reason;
use super::takeover;
use crate::oxip_core::mib::MibArray;
use crate::oxip_core::snmp;

/// /proc/net/oxip_snmp: the counters, in /proc/net/snmp's format.
struct Snmp;

impl Show for Snmp {
    fn show(net: &Net, w: &mut SeqWriter<'_>) -> Result {
        let m = netns::state(net).map_or_else(MibArray::default, |s| s.counters.fold_mib());
        let _ = snmp::write_snmp(w, &m);
        Ok(())
    }
}

/// /proc/net/oxip_drops: drops by reason.
struct Drops;

impl Show for Drops {
    fn show(net: &Net, w: &mut SeqWriter<'_>) -> Result {
        let Some(s) = netns::state(net) else {
            return Ok(());
        };
        let d = s.counters.fold_drops();
        let it = d.iter().enumerate().map(|(k, n)| {
            // CAST: k < DROP_SLOTS.
            (reason::name(k as u32), *n)
        });
        let _ = snmp::write_drops(w, it);
        Ok(())
    }
}

/// /proc/net/oxip_takeover: the control file.
struct TakeoverCtl;

impl Show for TakeoverCtl {
    fn show(net: &Net, w: &mut SeqWriter<'_>) -> Result {
        takeover::ctl_show(net, w)
    }
}

impl Write for TakeoverCtl {
    fn write(net: &Net, bytes: &[u8]) -> Result {
        takeover::ctl_write(net, bytes)
    }
}

/// /proc/net/oxip_mr_vif, as /proc/net/ip_mr_vif.
struct MrVif;

impl Show for MrVif {
    fn show(net: &Net, w: &mut SeqWriter<'_>) -> Result {
        if let Some(m) = netns::mirror(net) {
            let _ = m.show_vifs(w);
        }
        Ok(())
    }
}

/// /proc/net/oxip_mr_cache, as /proc/net/ip_mr_cache.
struct MrCache;

impl Show for MrCache {
    fn show(net: &Net, w: &mut SeqWriter<'_>) -> Result {
        if let Some(m) = netns::mirror(net) {
            let _ = m.show_cache(w);
        }
        Ok(())
    }
}

/// /proc/net/oxip_global (initial namespace).
struct Global;

impl Show for Global {
    fn show(_net: &Net, w: &mut SeqWriter<'_>) -> Result {
        takeover::global_show(w)
    }
}

/// /proc/net/oxip_global_takeover (initial namespace).
struct GlobalTakeover;

impl Show for GlobalTakeover {
    fn show(_net: &Net, w: &mut SeqWriter<'_>) -> Result {
        takeover::global_takeover_show(w)
    }
}

/// Makes every file of `net`, or none (as native's `ip_proc_init_net`):
/// on an error, those made are removed again as they drop.
pub(crate) fn create(net: &Net) -> Result<KVec<ProcEntry>> {
    let mut v = KVec::with_capacity(7, GFP_KERNEL)?;
    v.push(ProcEntry::single::<Snmp>(net, c"oxip_snmp")?, GFP_KERNEL)?;
    v.push(ProcEntry::single::<Drops>(net, c"oxip_drops")?, GFP_KERNEL)?;
    v.push(
        ProcEntry::single_write::<TakeoverCtl>(net, c"oxip_takeover")?,
        GFP_KERNEL,
    )?;
    v.push(ProcEntry::single::<MrVif>(net, c"oxip_mr_vif")?, GFP_KERNEL)?;
    v.push(
        ProcEntry::single::<MrCache>(net, c"oxip_mr_cache")?,
        GFP_KERNEL,
    )?;
    if net.is_init() {
        v.push(
            ProcEntry::single::<Global>(net, c"oxip_global")?,
            GFP_KERNEL,
        )?;
        v.push(
            ProcEntry::single::<GlobalTakeover>(net, c"oxip_global_takeover")?,
            GFP_KERNEL,
        )?;
    }
    Ok(v)
}
