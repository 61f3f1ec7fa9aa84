// SPDX-License-Identifier: GPL-2.0
//! A per-namespace FIB notifier for the IPMR family: the VIF, MFC entry
//! and rule events the kernel sends multicast routing offloaders, replayed
//! at registration (`ipmr_dump()`).
//!
//! C: net/core/fib_notifier.c (`register_fib_notifier`), net/ipv4/ipmr.c
//! (`call_ipmr_vif_entry_notifiers()`, `call_ipmr_mfc_entry_notifiers()`),
//! include/linux/mroute_base.h (`vif_entry_notifier_info`,
//! `mfc_entry_notifier_info`).

use core::ffi::c_int;
use core::ffi::c_ulong;
use core::ffi::c_void;
use core::pin::Pin;
use core::sync::atomic::AtomicBool;
use core::sync::atomic::AtomicU32;
use core::sync::atomic::Ordering;

use kernel::prelude::*;
use kernel::types::Opaque;

use super::bindings as b;
use super::net::Net;
use crate::oxip_core::ipmr::MrTable;
use crate::oxip_core::ipmr::MAXVIFS;
use crate::oxip_core::wire::Ipv4Address;

// The table the IPMR notifier fills is too big for the stack: it is
// initialised in place, zeroed.
// SAFETY: `MrTable` is `repr(C)` of integers, bools and arrays of them; its
// documentation guarantees all-zero bytes are the empty table.
unsafe impl pin_init::Zeroable for MrTable {}

/// `RT_TABLE_DEFAULT`, the IPMR table of a namespace without `ip mrule`s.
pub(crate) const RT_TABLE_DEFAULT: u32 = b::oxip_consts_OXIP_RT_TABLE_DEFAULT;

/// A VIF event's fields (`struct vif_entry_notifier_info`).
pub(crate) struct VifInfo {
    /// `tb_id`.
    pub(crate) tb_id: u32,
    /// `vif_index`.
    pub(crate) index: u16,
    /// `dev->ifindex`.
    pub(crate) ifindex: i32,
    /// `vif_flags`.
    pub(crate) flags: u16,
}

/// An MFC entry event's fields (`struct mfc_entry_notifier_info`).
pub(crate) struct MfcInfo<'a> {
    /// `tb_id`.
    pub(crate) tb_id: u32,
    /// `mfc_origin`.
    pub(crate) origin: Ipv4Address,
    /// `mfc_mcastgrp`.
    pub(crate) group: Ipv4Address,
    /// `mfc_parent`.
    pub(crate) parent: u16,
    /// `mfc_un.res.ttls`.
    pub(crate) ttls: &'a [u8],
}

/// The IPMR events of a FIB notifier.
pub(crate) enum IpmrEvent<'a> {
    /// `FIB_EVENT_RULE_ADD` of an `ip mrule`; whether it is the default one.
    RuleAdd(bool),
    /// `FIB_EVENT_RULE_DEL`; whether it is the default one.
    RuleDel(bool),
    /// `FIB_EVENT_VIF_ADD`.
    VifAdd(VifInfo),
    /// `FIB_EVENT_VIF_DEL`.
    VifDel(VifInfo),
    /// `FIB_EVENT_ENTRY_ADD`.
    EntryAdd(MfcInfo<'a>),
    /// `FIB_EVENT_ENTRY_REPLACE`.
    EntryReplace(MfcInfo<'a>),
    /// `FIB_EVENT_ENTRY_DEL`.
    EntryDel(MfcInfo<'a>),
}

/// What a FIB notifier does with the events.
pub(crate) trait IpmrHandler: Send + Sync + 'static {
    /// An IPMR event (any table).
    fn event(&self, ev: IpmrEvent<'_>);
    /// The dump is being restarted: forget what it delivered so far.
    fn flush(&self);
}

/// A FIB notifier registered in one namespace, with its handler's data.
///
/// # Invariants
///
/// While `registered`, `nb` is registered with `register_fib_notifier(net,
/// ...)` with callbacks for `T`, until drop; the value is pinned.
#[pin_data(PinnedDrop)]
pub(crate) struct FibNotifier<T: IpmrHandler> {
    #[pin]
    nb: Opaque<b::notifier_block>,
    net: *mut b::net,
    registered: AtomicBool,
    /// Bumped on every IPv4 FIB event (routes, rules, the replay at
    /// registration): the route cache's FIB change sequence.
    fib4_seq: AtomicU32,
    #[pin]
    data: T,
}

// SAFETY: the pointer is the namespace the notifier is registered in, used
// only to unregister it; `T` is Send + Sync.
unsafe impl<T: IpmrHandler> Send for FibNotifier<T> {}
// SAFETY: shared access reaches `data` (T: Sync) and atomics.
unsafe impl<T: IpmrHandler> Sync for FibNotifier<T> {}

fn of_nb<'a, T: IpmrHandler>(nb: *mut b::notifier_block) -> &'a FibNotifier<T> {
    // SAFETY: `nb` is the `nb` field of a registered `FibNotifier<T>` (only
    // those register these callbacks, FibNotifier invariant).
    let f = unsafe {
        kernel::container_of!(nb.cast::<Opaque<b::notifier_block>>(), FibNotifier<T>, nb)
    };
    // SAFETY: live and pinned while registered (FibNotifier invariant);
    // unregistering waits for callbacks in flight.
    unsafe { &*f }
}

/// # Safety
///
/// Only the FIB notifier's flush callback, called by the kernel with the `notifier_block` registered here.
unsafe extern "C" fn flush_callback<T: IpmrHandler>(nb: *mut b::notifier_block) {
    of_nb::<T>(nb).data.flush();
}

fn mfc_info(info: *const b::fib_notifier_info) -> MfcInfo<'static> {
    // SAFETY: an entry event's info is a live `mfc_entry_notifier_info`
    // (the caller checked the event) for the callback.
    let tb_id = unsafe { b::oxip_mfc_info_tb_id(info) };
    // SAFETY: `info` is a live `mfc_entry_notifier_info` (entry event).
    let origin = unsafe { b::oxip_mfc_info_origin(info) };
    // SAFETY: `info` is a live `mfc_entry_notifier_info` (entry event).
    let group = unsafe { b::oxip_mfc_info_group(info) };
    // SAFETY: `info` is a live `mfc_entry_notifier_info` (entry event).
    let parent = unsafe { b::oxip_mfc_info_parent(info) };
    // SAFETY: `info` is a live `mfc_entry_notifier_info` (entry event).
    let ttls = unsafe { b::oxip_mfc_info_ttls(info) };
    // SAFETY: the entry's `ttls` array of MAXVIFS bytes, live for the
    // callback (the 'static is cut down to the event's borrow by `event`).
    let ttls = unsafe { core::slice::from_raw_parts(ttls, MAXVIFS) };
    MfcInfo {
        tb_id,
        origin: Ipv4Address::from_be32(origin),
        group: Ipv4Address::from_be32(group),
        parent,
        ttls,
    }
}

fn vif_info(info: *const b::fib_notifier_info) -> VifInfo {
    // SAFETY: a VIF event's info is a live `vif_entry_notifier_info` (the
    // caller checked the event) for the callback.
    let tb_id = unsafe { b::oxip_vif_info_tb_id(info) };
    // SAFETY: `info` is a live `vif_entry_notifier_info` (VIF event).
    let index = unsafe { b::oxip_vif_info_index(info) };
    // SAFETY: `info` is a live `vif_entry_notifier_info` (VIF event).
    let ifindex = unsafe { b::oxip_vif_info_ifindex(info) };
    // SAFETY: `info` is a live `vif_entry_notifier_info` (VIF event).
    let flags = unsafe { b::oxip_vif_info_flags(info) };
    VifInfo {
        tb_id,
        index,
        ifindex,
        flags,
    }
}

fn rule_is_default(info: *const b::fib_notifier_info) -> bool {
    // SAFETY: a rule event's info is a live `fib_rule_notifier_info`.
    let rule = unsafe { b::oxip_fib_rule_info_rule(info) };
    // SAFETY: its rule is live for the callback.
    unsafe { b::oxip_ipmr_rule_default(rule) }
}

/// # Safety
///
/// Only a notifier callback, called by the kernel with the `notifier_block` registered here and the event's info.
unsafe extern "C" fn event_callback<T: IpmrHandler>(
    nb: *mut b::notifier_block,
    event: c_ulong,
    ptr: *mut c_void,
) -> c_int {
    let info = ptr.cast_const().cast::<b::fib_notifier_info>();
    // SAFETY: FIB notifiers are called with a `fib_notifier_info`.
    let family = unsafe { b::oxip_fib_info_family(info) };
    // CAST: AF_INET is 2.
    if family == b::AF_INET as c_int {
        of_nb::<T>(nb).fib4_seq.fetch_add(1, Ordering::Release);
        return b::NOTIFY_DONE as c_int;
    }
    if family != b::oxip_consts_OXIP_RTNL_FAMILY_IPMR as c_int {
        return b::NOTIFY_DONE as c_int;
    }
    let h = &of_nb::<T>(nb).data;
    // CAST: fib_event_type values are small.
    let ev = match event as b::fib_event_type {
        b::fib_event_type_FIB_EVENT_RULE_ADD => IpmrEvent::RuleAdd(rule_is_default(info)),
        b::fib_event_type_FIB_EVENT_RULE_DEL => IpmrEvent::RuleDel(rule_is_default(info)),
        b::fib_event_type_FIB_EVENT_VIF_ADD => IpmrEvent::VifAdd(vif_info(info)),
        b::fib_event_type_FIB_EVENT_VIF_DEL => IpmrEvent::VifDel(vif_info(info)),
        b::fib_event_type_FIB_EVENT_ENTRY_ADD => IpmrEvent::EntryAdd(mfc_info(info)),
        b::fib_event_type_FIB_EVENT_ENTRY_REPLACE => IpmrEvent::EntryReplace(mfc_info(info)),
        b::fib_event_type_FIB_EVENT_ENTRY_DEL => IpmrEvent::EntryDel(mfc_info(info)),
        _ => return b::NOTIFY_DONE as c_int,
    };
    h.event(ev);
    b::NOTIFY_DONE as c_int
}

impl<T: IpmrHandler> FibNotifier<T> {
    /// Allocates the notifier with `data` and registers it in `net`, which
    /// replays the current state into it.
    pub(crate) fn register(net: &Net, data: impl PinInit<T>) -> Result<Pin<KBox<Self>>> {
        let this = KBox::pin_init(
            pin_init!(FibNotifier {
                nb: Opaque::new(b::notifier_block::default()),
                net: net.as_ptr(),
                registered: AtomicBool::new(false),
                fib4_seq: AtomicU32::new(0),
                data <- data,
            }),
            GFP_KERNEL,
        )?;
        let nb = this.nb.get();
        // SAFETY: `nb` is ours, pinned, not registered yet.
        unsafe { (*nb).notifier_call = Some(event_callback::<T>) };
        // SAFETY: `nb` lives in the pinned allocation until drop, which
        // unregisters it; `net` is live (Net invariant).
        let r = unsafe {
            b::register_fib_notifier(
                net.as_ptr(),
                nb,
                Some(flush_callback::<T>),
                core::ptr::null_mut(),
            )
        };
        if r != 0 {
            // Not registered: dropping does not unregister.
            return Err(Error::from_errno(r));
        }
        // INVARIANT: registered above in `net`.
        this.registered.store(true, Ordering::Release);
        Ok(this)
    }

    /// The handler's data.
    pub(crate) fn data(&self) -> &T {
        &self.data
    }

    /// The IPv4 FIB change sequence of the namespace (see `fib4_seq`).
    pub(crate) fn fib4_seq(&self) -> u32 {
        self.fib4_seq.load(Ordering::Acquire)
    }
}

#[pinned_drop]
impl<T: IpmrHandler> PinnedDrop for FibNotifier<T> {
    fn drop(self: Pin<&mut Self>) {
        if !self.registered.load(Ordering::Acquire) {
            return;
        }
        // Unregistering waits for callbacks in flight.
        // SAFETY: registered in `net` (FibNotifier invariant), which is live
        // until its exit, where this is dropped.
        unsafe { b::unregister_fib_notifier(self.net, self.nb.get()) };
    }
}
