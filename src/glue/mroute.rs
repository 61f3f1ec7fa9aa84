// SPDX-License-Identifier: GPL-2.0
//! The multicast routing mirror: per namespace, the kernel's VIF table and
//! MFC (default table) copied into the core's `MrTable` from the FIB
//! notifier, the way hardware offload drivers learn them; and its /proc
//! files, in the format of /proc/net/ip_mr_vif and /proc/net/ip_mr_cache.
//!
//! C: net/ipv4/ipmr.c (`ipmr_dump()`, `call_ipmr_*_notifiers()`,
//! `ipmr_vif_seq_show()`, `ipmr_mfc_seq_show()`), net/core/fib_notifier.c.
//! Only the default table (`RT_TABLE_DEFAULT`) is mirrored: entries of
//! other tables are ignored, and while the namespace has an `ip mrule`
//! rule other than the default one (or a VRF's l3mdev rule), or the mirror
//! could not store an entry, every multicast packet goes to native.

use core::ffi::c_int;
use core::ffi::c_ulong;
use core::ffi::c_void;
use core::fmt::Write;

use kernel::prelude::*;
use kernel::sync::SpinLock;

use super::bindings as b;
use super::pernet::Stats;
use super::skb::Skb;
use crate::oxip_core::ipmr;
use crate::oxip_core::ipmr::MfcEntry;
use crate::oxip_core::ipmr::MrInput;
use crate::oxip_core::ipmr::MrPacket;
use crate::oxip_core::mib::DropReason;
use crate::oxip_core::mib::IpMib;
use crate::oxip_core::mib::MibSink;
use crate::oxip_core::rcv::RcvSkb;
use crate::oxip_core::wire;
use crate::oxip_core::wire::Ipv4Address;
use crate::oxip_core::wire::Packet;
use crate::oxip_core::ipmr::MrTable;
use crate::oxip_core::ipmr::Vif;
use crate::oxip_core::ipmr::MAXVIFS;

// SAFETY: `MrTable` is `repr(C)` of integers, bools and arrays of them; its
// documentation guarantees all-zero bytes are the empty table.
unsafe impl Zeroable for MrTable {}

/// Bottom halves off for the guard's lifetime: the table lock is also taken
/// on the packet path (softirq), so process-context holders disable BHs.
struct BhOff;

impl BhOff {
    fn new() -> Self {
        // SAFETY: paired with the enable in drop.
        unsafe { b::oxip_local_bh_disable() };
        BhOff
    }
}

impl Drop for BhOff {
    fn drop(&mut self) {
        // SAFETY: paired with the disable in new.
        unsafe { b::oxip_local_bh_enable() };
    }
}

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

// The notifier callbacks cast `nb` back to its `NetMroute`: it is the first
// field (checked here, at build time, rather than in KUnit).
const _: () = assert!(core::mem::offset_of!(NetMroute, nb) == 0);

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
        let _bh = BhOff::new();
        let t = self.table.lock();
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
        let _bh = BhOff::new();
        let t = self.table.lock();
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

/// The dump is being restarted: forget what it delivered so far.
unsafe extern "C" fn mr_fib_flush(nb: *mut b::notifier_block) {
    // CAST: `nb` is the first field of a `NetMroute` (type invariant).
    let m = nb as *mut NetMroute;
    let _bh = BhOff::new();
    // SAFETY: `m` is live while its notifier is registered.
    unsafe { (*m).table.lock().clear() };
}

/// FIB events of `RTNL_FAMILY_IPMR`: VIFs and MFC entries of the default
/// table, and rules (a rule other than the default one makes the mirror
/// inexact: native may look up another table).
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
    let _bh = BhOff::new();
    // SAFETY: `info` is the IPMR info matching `event` (vif_entry_ /
    // mfc_entry_ / fib_rule_ notifier_info for VIF / entry / rule events);
    // `m` is live while registered.
    unsafe {
        match ev {
            b::fib_event_type_FIB_EVENT_RULE_ADD | b::fib_event_type_FIB_EVENT_RULE_DEL => {
                let is_default = b::oxip_ipmr_rule_default(b::oxip_fib_rule_info_rule(info));
                let mut t = (*m).table.lock();
                if ev == b::fib_event_type_FIB_EVENT_RULE_ADD {
                    t.rule_add(is_default);
                } else {
                    t.rule_del(is_default);
                }
            }
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
                let origin = Ipv4Address::from_be32(b::oxip_mfc_info_origin(info));
                let group = Ipv4Address::from_be32(b::oxip_mfc_info_group(info));
                let mut t = (*m).table.lock();
                if ev == b::fib_event_type_FIB_EVENT_ENTRY_DEL {
                    t.entry_del(origin, group);
                } else {
                    let mut e = MfcEntry::new(origin, group, b::oxip_mfc_info_parent(info));
                    let ttls = core::slice::from_raw_parts(b::oxip_mfc_info_ttls(info), MAXVIFS);
                    e.ttls.copy_from_slice(ttls);
                    let r = if ev == b::fib_event_type_FIB_EVENT_ENTRY_ADD { t.entry_add(e) } else { t.entry_replace(e) };
                    if r.is_err() {
                        kernel::pr_warn_once!("oxip: MFC mirror full or bad VIF; entry not mirrored: multicast goes to native until it is deleted\n");
                    }
                }
            }
            _ => {}
        }
    }
    b::NOTIFY_DONE as c_int
}

/// oxip's `ip_mr_input` for a packet the FIB routed to the kernel's:
/// forwards what the mirrored MFC resolves, hands the rest to native.
///
/// C: net/ipv4/ipmr.c, `ip_mr_input()`, `ip_mr_forward()`. `local` is the
/// route's `RTCF_LOCAL` (this host joined the group): a copy is delivered.
pub(crate) fn ip_mr_input(skb: Skb, st: &mut Stats, m: *mut NetMroute, local: bool) -> c_int {
    let Ok(h) = Packet::new_checked(RcvSkb::network_header(&skb)) else {
        return skb.native_input();
    };
    let p = skb.as_ptr();
    // SAFETY: `p` is valid; IPCB points into its cb; `dev` is the receiving device.
    let (forwarded, router_alert, in_ifindex) = unsafe {
        (
            (*b::oxip_ipcb(p)).flags & (b::oxip_consts_OXIP_IPSKB_FORWARDED as u16) != 0,
            b::oxip_ipcb_router_alert(p),
            (*skb.dev()).ifindex,
        )
    };
    let pkt = MrPacket {
        saddr: h.saddr(),
        daddr: h.daddr(),
        in_ifindex,
        ttl: h.ttl(),
        len: u64::from(RcvSkb::len(&skb)),
        forwarded,
        router_alert,
        igmp: h.protocol() == wire::IPPROTO_IGMP,
    };
    let (tos, daddr) = (h.tos(), h.daddr());
    let mut oifs = [0i32; ipmr::MAXVIFS];
    let mut n = 0;
    {
        // SAFETY: the mirror lives while its namespace does (`m` from its state).
        let mut t = unsafe { &*m }.table.lock();
        match ipmr::ip_mr_input(&mut t, &pkt) {
            MrInput::Native => {
                drop(t);
                st.inc(IpMib::NativeInput);
                return skb.native_input();
            }
            MrInput::Forward { oifs: mask } => {
                // Highest VIF first, as ip_mr_forward walks maxvif down.
                for i in (0..ipmr::MAXVIFS).rev().filter(|i| mask & (1 << i) != 0) {
                    if let (Some(v), Some(slot)) = (t.vif(i), oifs.get_mut(n)) {
                        *slot = v.ifindex;
                        n += 1;
                    }
                }
            }
        }
    }
    let net = skb.net();
    let targets = oifs.get(..n).unwrap_or(&[]);
    let Some((&last, rest)) = targets.split_last() else {
        return if local { skb.local_deliver() } else { consume_unforwarded(skb, st) };
    };
    for &ifindex in rest {
        if let Some(c) = clone(&skb, st) {
            ipmr_queue_xmit(net, c, ifindex, tos, daddr, m, st);
        }
    }
    if local {
        if let Some(c) = clone(&skb, st) {
            ipmr_queue_xmit(net, c, last, tos, daddr, m, st);
        }
        skb.local_deliver()
    } else {
        ipmr_queue_xmit(net, skb, last, tos, daddr, m, st);
        0
    }
}

/// `skb_clone(skb, GFP_ATOMIC)`; a failure is the copy for one VIF lost,
/// counted as a `NOMEM` drop (native's ip_mr_forward skips it uncounted).
fn clone(skb: &Skb, st: &mut Stats) -> Option<Skb> {
    // SAFETY: `skb` is valid; the clone is a new reference we own.
    let c = unsafe { Skb::from_raw_on(b::oxip_skb_clone_atomic(skb.as_ptr()), skb.dev()) };
    if c.is_none() {
        st.count_drop(DropReason::Nomem);
    }
    c
}

/// A resolved packet with no oif and no local member: freed, as native's
/// `dont_forward:` does.
fn consume_unforwarded(skb: Skb, st: &mut Stats) -> c_int {
    st.count_drop(DropReason::NotSpecified);
    skb.drop_reason(DropReason::NotSpecified);
    0
}

/// C: net/ipv4/ipmr.c, `ipmr_queue_xmit()` for a plain (not tunnel, not
/// register) VIF: route out of its device, refuse DF over MTU (no ICMP for
/// multicast), make room, count, decrement TTL, FORWARD hook.
fn ipmr_queue_xmit(
    net: *mut b::net,
    mut skb: Skb,
    ifindex: i32,
    tos: u8,
    daddr: Ipv4Address,
    m: *mut NetMroute,
    st: &mut Stats,
) {
    // SAFETY: `net` is live; the result is a held route or NULL.
    let rt = unsafe { b::oxip_ip_route_output_mc(net, daddr.to_be32(), tos, ifindex) };
    if rt.is_null() {
        st.count_drop(DropReason::NotSpecified);
        skb.drop_reason(DropReason::NotSpecified);
        return;
    }
    // SAFETY: `rt` is a route we hold.
    let dst = unsafe { core::ptr::addr_of_mut!((*rt).dst) };
    let df = Packet::new_checked(RcvSkb::network_header(&skb)).is_ok_and(|h| h.dont_frag());
    let len = RcvSkb::len(&skb);
    // SAFETY: `dst` is held.
    if len > unsafe { b::oxip_dst_mtu(dst) } && df {
        st.inc(IpMib::FragFails);
        // SAFETY: we hold `rt`.
        unsafe { b::oxip_ip_rt_put(rt) };
        st.count_drop(DropReason::NotSpecified);
        skb.drop_reason(DropReason::NotSpecified);
        return;
    }
    // SAFETY: owned skb; `dst` held.
    if unsafe { b::oxip_skb_cow_for_output(skb.as_ptr(), dst) } != 0 {
        // SAFETY: we hold `rt`.
        unsafe { b::oxip_ip_rt_put(rt) };
        st.count_drop(DropReason::Nomem);
        skb.drop_reason(DropReason::Nomem);
        return;
    }
    {
        // SAFETY: the mirror lives while its namespace does.
        let mut t = unsafe { &*m }.table.lock();
        if let Some(i) = t.find_vif(ifindex) {
            t.count_vif_out(i, u64::from(len));
        }
    }
    let p = skb.as_ptr();
    // SAFETY: owned skb: its input route is dropped and the held output
    // route takes its place (skb_dst_set takes our reference).
    unsafe {
        b::oxip_skb_dst_drop(p);
        b::oxip_skb_dst_set(p, dst);
    }
    // The head is private after skb_cow_for_output: ip_header_mut's
    // skb_ensure_writable only checks that. C: `ip_decrease_ttl(ip_hdr(skb))`.
    let Some(Ok(mut iph)) = skb.ip_header_mut().map(Packet::new_checked) else {
        st.count_drop(DropReason::Nomem);
        skb.drop_reason(DropReason::Nomem);
        return;
    };
    iph.decrease_ttl();
    // SAFETY: IPCB(skb) of our owned skb.
    unsafe { (*b::oxip_ipcb(p)).flags |= b::oxip_consts_OXIP_IPSKB_FORWARDED as u16 };
    // SAFETY: `dst` is now the skb's route.
    let out = unsafe { b::oxip_dst_dev(dst) };
    // SAFETY: `p` is valid.
    let in_dev = unsafe { b::oxip_skb_dev(p) };
    let p = skb.into_raw();
    // SAFETY: ownership goes to NF_HOOK, which calls ipmr_forward_finish or frees.
    unsafe { b::oxip_nf_hook_forward(net, p, in_dev, out, Some(ipmr_forward_finish)) };
}

/// The FORWARD okfn of multicast. C: net/ipv4/ipmr.c, `ipmr_forward_finish()`.
unsafe extern "C" fn ipmr_forward_finish(net: *mut b::net, sk: *mut b::sock, skb: *mut b::sk_buff) -> c_int {
    // SAFETY: the okfn owns the skb it is given.
    let Some(mut skb) = (unsafe { Skb::from_raw(skb) }) else { return 0 };
    // SAFETY: `net` is live; softirq (or nf_reinject under BH-off).
    let mut st = unsafe { Stats::this_cpu(net) };
    st.inc(IpMib::ForwDatagrams);
    st.inc(IpMib::Forwarded);
    // SAFETY: IPCB(skb) of our owned skb.
    if unsafe { (*b::oxip_ipcb(skb.as_ptr())).opt.optlen } != 0 {
        skb.forward_options();
    }
    let p = skb.into_raw();
    // SAFETY: `p` is ours; dst_output takes it.
    unsafe { b::oxip_dst_output(net, sk, p) }
}
