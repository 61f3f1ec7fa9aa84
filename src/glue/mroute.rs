// SPDX-License-Identifier: GPL-2.0
//! The multicast routing mirror: per namespace, the kernel's VIF table and
//! MFC (default table) copied into the core's `MrTable` from the FIB
//! notifier, the way hardware offload drivers learn them; and its /proc
//! files, in the format of /proc/net/ip_mr_vif and /proc/net/ip_mr_cache.
//!
//! C: net/ipv4/ipmr.c (`ipmr_dump()`, `call_ipmr_*_notifiers()`,
//! `ipmr_vif_seq_show()`, `ipmr_mfc_seq_show()`), net/core/fib_notifier.c.
//! Only the default table (`RT_TABLE_DEFAULT`) is mirrored: entries of
//! other `ip mrule` tables are ignored.

use core::ffi::c_int;
use core::ffi::c_ulong;
use core::ffi::c_void;
use core::fmt::Write;

use kernel::prelude::*;
use kernel::sync::SpinLock;

use super::bindings as b;
use crate::oxip_core::mfc::MfcEntry;
use crate::oxip_core::mfc::MrTable;
use crate::oxip_core::mfc::Vif;
use crate::oxip_core::mfc::MAXVIFS;

// SAFETY: `MrTable` is `repr(C)` of integers, bools and arrays of them; its
// documentation guarantees all-zero bytes are the empty table.
unsafe impl Zeroable for MrTable {}

/// One namespace's mirror and the FIB notifier that fills it.
///
/// # Invariants
///
/// `nb` is registered with `register_fib_notifier(net, ...)` from
/// [`NetMroute::register`] until [`NetMroute::unregister`]; `nb` is the
/// first field, so the notifier callback finds the struct from it.
#[pin_data]
#[repr(C)]
pub(crate) struct NetMroute {
    nb: b::notifier_block,
    net: *mut b::net,
    #[pin]
    table: SpinLock<MrTable>,
}

impl NetMroute {
    /// Allocates the mirror for `net` and registers its notifier, which
    /// replays the current VIFs and entries into it.
    pub(crate) fn register(net: *mut b::net) -> Result<*mut NetMroute> {
        let m = KBox::pin_init(
            pin_init!(NetMroute {
                nb: b::notifier_block::default(),
                net,
                table <- kernel::new_spinlock!(pin_init::init_zeroed()),
            }),
            GFP_KERNEL,
        )?;
        // SAFETY: the box is leaked to a raw pointer and never moved; it is
        // freed by `unregister` after the notifier is gone.
        let p = KBox::into_raw(unsafe { Pin::into_inner_unchecked(m) });
        // SAFETY: `p` is valid and ours.
        unsafe { (*p).nb.notifier_call = Some(mr_fib_event) };
        // SAFETY: `nb` lives in the pinned allocation until `unregister`;
        // `net` is the namespace being initialised.
        let r = unsafe { b::register_fib_notifier(net, &mut (*p).nb, Some(mr_fib_flush), core::ptr::null_mut()) };
        if r != 0 {
            // SAFETY: never registered: free it again.
            drop(unsafe { KBox::from_raw(p) });
            return Err(Error::from_errno(r));
        }
        // INVARIANT: registered above.
        Ok(p)
    }

    /// Unregisters the notifier and frees the mirror.
    ///
    /// # Safety
    ///
    /// `p` came from [`NetMroute::register`] and is not used after.
    pub(crate) unsafe fn unregister(p: *mut NetMroute) {
        if p.is_null() {
            return;
        }
        // SAFETY: registered (type invariant) on `net`.
        unsafe { b::unregister_fib_notifier((*p).net, &mut (*p).nb) };
        // SAFETY: the notifier is gone (unregistering waits for callers);
        // we own the allocation.
        drop(unsafe { KBox::from_raw(p) });
    }

    /// Writes the /proc/net/oxip_mr_vif text.
    pub(crate) fn show_vifs<W: Write>(&self, w: &mut W) -> core::fmt::Result {
        w.write_str("Interface      BytesIn  PktsIn  BytesOut PktsOut Flags Local    Remote\n")?;
        let t = self.table.lock();
        for (i, v) in t.vifs() {
            writeln!(w, "{:2} ifindex{:<3} {:8} {:7}  {:8} {:7} {:05X} {:08X} {:08X}", i, v.ifindex, 0, 0, 0, 0, v.flags, 0, 0)?;
        }
        Ok(())
    }

    /// Writes the /proc/net/oxip_mr_cache text (resolved entries), with
    /// addresses printed as ip_mr_cache prints them (`%08X` of the __be32).
    pub(crate) fn show_cache<W: Write>(&self, w: &mut W) -> core::fmt::Result {
        w.write_str("Group    Origin   Iif     Pkts    Bytes    Wrong Oifs\n")?;
        let t = self.table.lock();
        for e in t.iter() {
            write!(w, "{:08X} {:08X} {:<3} {:8} {:8} {:8}", e.group.to_be(), e.origin.to_be(), e.parent, 0, 0, 0)?;
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

/// The dump is being restarted: forget what it delivered so far.
unsafe extern "C" fn mr_fib_flush(nb: *mut b::notifier_block) {
    // CAST: `nb` is the first field of a `NetMroute` (type invariant).
    let m = nb as *mut NetMroute;
    // SAFETY: `m` is live while its notifier is registered.
    unsafe { (*m).table.lock().clear() };
}

/// FIB events: VIFs and MFC entries of `RTNL_FAMILY_IPMR`, default table.
unsafe extern "C" fn mr_fib_event(nb: *mut b::notifier_block, event: c_ulong, ptr: *mut c_void) -> c_int {
    let info = ptr as *const b::fib_notifier_info;
    // SAFETY: FIB notifiers are called with a `fib_notifier_info`.
    if unsafe { b::oxip_fib_info_family(info) } != b::oxip_consts_OXIP_RTNL_FAMILY_IPMR as c_int {
        return b::NOTIFY_DONE as c_int;
    }
    // CAST: `nb` is the first field of a `NetMroute` (type invariant).
    let m = nb as *mut NetMroute;
    let default = b::oxip_consts_OXIP_RT_TABLE_DEFAULT as u32;
    // CAST: fib_event_type values are small.
    let ev = event as b::fib_event_type;
    // SAFETY: `info` is the IPMR notifier info matching `event` (a
    // vif_entry_notifier_info for VIF events, an mfc_entry_notifier_info
    // for entry events); `m` is live while registered.
    unsafe {
        match ev {
            b::fib_event_type_FIB_EVENT_VIF_ADD | b::fib_event_type_FIB_EVENT_VIF_DEL => {
                if b::oxip_vif_info_tb_id(info) != default {
                    return b::NOTIFY_DONE as c_int;
                }
                let idx = usize::from(b::oxip_vif_info_index(info));
                let mut t = (*m).table.lock();
                if ev == b::fib_event_type_FIB_EVENT_VIF_ADD {
                    let vif = Vif { ifindex: b::oxip_vif_info_ifindex(info), flags: b::oxip_vif_info_flags(info) };
                    let _ = t.vif_add(idx, vif);
                } else {
                    t.vif_del(idx);
                }
            }
            b::fib_event_type_FIB_EVENT_ENTRY_ADD
            | b::fib_event_type_FIB_EVENT_ENTRY_REPLACE
            | b::fib_event_type_FIB_EVENT_ENTRY_DEL => {
                if b::oxip_mfc_info_tb_id(info) != default {
                    return b::NOTIFY_DONE as c_int;
                }
                let origin = u32::from_be(b::oxip_mfc_info_origin(info));
                let group = u32::from_be(b::oxip_mfc_info_group(info));
                let mut t = (*m).table.lock();
                if ev == b::fib_event_type_FIB_EVENT_ENTRY_DEL {
                    t.entry_del(origin, group);
                } else {
                    let mut e = MfcEntry::new(origin, group, b::oxip_mfc_info_parent(info));
                    let ttls = core::slice::from_raw_parts(b::oxip_mfc_info_ttls(info), MAXVIFS);
                    e.ttls.copy_from_slice(ttls);
                    if t.entry_add(e).is_err() {
                        kernel::pr_warn_once!("oxip: MFC mirror full or bad VIF; entry not mirrored\n");
                    }
                }
            }
            _ => {}
        }
    }
    b::NOTIFY_DONE as c_int
}
