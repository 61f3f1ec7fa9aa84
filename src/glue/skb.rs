// SPDX-License-Identifier: GPL-2.0
//! An owned `sk_buff`, a list of them, and the core's skb traits over it.
//!
//! C: include/linux/skbuff.h, include/net/dst.h, include/net/ip.h.

use core::ffi::c_int;
use core::mem::ManuallyDrop;
use core::pin::Pin;
use core::ptr::NonNull;

use kernel::prelude::*;
use kernel::sync::rcu;
use kernel::types::Opaque;

use super::bindings as b;
use super::reason;
use super::route::InDevice;
use super::route::Rtable;
use crate::oxip_core::wire::Ipv4Address;
use crate::oxip_core::route::RouteHint;
use crate::oxip_core::mib::DropReason;
use crate::oxip_core::rcv::FinishSkb;
use crate::oxip_core::rcv::OptionsError;
use crate::oxip_core::rcv::PktType;
use crate::oxip_core::rcv::RcvSkb;
use crate::oxip_core::rcv::RouteView;

/// An sk_buff this code owns: it must deliver, hand on or free it, once.
///
/// # Invariants
///
/// `ptr` points to a valid `sk_buff` of which this value holds one reference.
pub(crate) struct Skb {
    ptr: NonNull<b::sk_buff>,
    /// The device it was received on (native `ip_rcv`'s `dev`), which the
    /// route lookup uses even after `l3mdev_ip_rcv` moved `skb->dev`.
    dev: *mut b::net_device,
    /// Set `skb->protocol` to `ETH_P_IP` once `share_check` made the skb
    /// ours alone (ethertype mode: another handler of the same ethertype
    /// may hold the original).
    ip_protocol_after_share_check: bool,
}

// SAFETY: an owned skb may be handed between contexts like any kernel skb.
unsafe impl Send for Skb {}

impl Skb {
    /// Takes ownership of `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` is null or a valid skb whose reference the caller gives up.
    pub(crate) unsafe fn from_raw(ptr: *mut b::sk_buff) -> Option<Self> {
        // INVARIANT: the caller gives us its reference to a valid skb.
        NonNull::new(ptr).map(|ptr| Skb {
            ptr,
            // SAFETY: `ptr` is non-null here, so valid (caller's contract).
            dev: unsafe { b::oxip_skb_dev(ptr.as_ptr()) },
            ip_protocol_after_share_check: false,
        })
    }

    /// Takes ownership of `ptr`, received on `dev`.
    ///
    /// # Safety
    ///
    /// As [`Skb::from_raw`]; `dev` is the device it was received on.
    pub(crate) unsafe fn from_raw_on(ptr: *mut b::sk_buff, dev: *mut b::net_device) -> Option<Self> {
        // INVARIANT: the caller gives us its reference to a valid skb.
        NonNull::new(ptr).map(|ptr| Skb { ptr, dev, ip_protocol_after_share_check: false })
    }

    /// Gives up ownership without freeing: the caller hands it to C.
    pub(crate) fn into_raw(self) -> *mut b::sk_buff {
        ManuallyDrop::new(self).ptr.as_ptr()
    }

    /// The pointer, still owned by `self`.
    pub(crate) fn as_ptr(&self) -> *mut b::sk_buff {
        self.ptr.as_ptr()
    }

    /// Frees it with `reason` (`kfree_skb_reason`), visible to the
    /// `skb:kfree_skb` tracepoint, perf and dropwatch.
    pub(crate) fn drop_reason(self, r: DropReason) {
        let p = self.into_raw();
        // SAFETY: `p` is our reference (type invariant), given up by `into_raw`.
        unsafe { b::oxip_kfree_skb_reason(p, reason::to_kernel(r)) };
    }

    /// Forgets an skb that C has freed already (`skb_share_check` failure).
    pub(crate) fn forget_freed(self) {
        let _ = ManuallyDrop::new(self);
    }

    /// The device it was received on.
    pub(crate) fn dev(&self) -> *mut b::net_device {
        self.dev
    }

    /// `dev_net(skb->dev)`.
    pub(crate) fn net(&self) -> *mut b::net {
        // SAFETY: a received skb has a valid `dev`, and a device a valid net.
        unsafe { b::oxip_dev_net(self.dev()) }
    }

    /// `skb->protocol = htons(ETH_P_IP)` as soon as the skb is unshared
    /// (in `share_check`): frames of oxip's ethertype carry IPv4, and L4
    /// expects `ETH_P_IP`. Writing it before would change the skb another
    /// handler of the same ethertype (a packet socket) still holds.
    pub(crate) fn set_ip_protocol_after_share_check(&mut self) {
        self.ip_protocol_after_share_check = true;
    }

    /// `skb_dst(skb)` as an identity for sublist grouping.
    pub(crate) fn dst_id(&self) -> usize {
        // SAFETY: `self.ptr` is valid (type invariant).
        unsafe { b::oxip_skb_dst(self.as_ptr()) as usize }
    }

    /// `IPCB(skb)->flags & IPSKB_MULTIPATH`.
    pub(crate) fn ipcb_multipath(&self) -> bool {
        // SAFETY: `self.ptr` is valid; IPCB points into its `cb`.
        let flags = unsafe { (*b::oxip_ipcb(self.as_ptr())).flags };
        // CAST: IPSKB_* flags fit in IPCB's u16.
        flags & (b::oxip_consts_OXIP_IPSKB_MULTIPATH as u16) != 0
    }

    /// The route hint this skb leaves (`ip_extract_route_hint`'s skb): its
    /// daddr, tos and route flags, and the skb itself, borrowed, whose dst
    /// the next packets copy.
    pub(crate) fn route_hint(&self) -> Option<RouteHint<&Skb>> {
        let h = crate::oxip_core::wire::Packet::new_checked(FinishSkb::network_header(self)).ok()?;
        let g = rcu::read_lock();
        let rt = self.rtable(&g)?;
        Some(RouteHint { daddr: h.daddr(), tos: h.tos(), rt_flags: rt.view().rt_flags, skb: self })
    }

    /// `ip_local_deliver(skb)`.
    pub(crate) fn local_deliver(self) -> c_int {
        let p = self.into_raw();
        // SAFETY: ownership of a routed, validated skb goes to ip_local_deliver.
        unsafe { b::ip_local_deliver(p) }
    }

    /// `dst_input(skb)` into the route's own (native) input: the hand-off to
    /// native for what oxip does not reimplement.
    pub(crate) fn native_input(self) -> c_int {
        let p = self.into_raw();
        // SAFETY: ownership of a routed skb goes to its dst's input.
        unsafe { b::oxip_dst_input(p) }
    }

    /// The linear bytes from the network header on: their start and length.
    fn network_linear(&self) -> (*mut u8, usize) {
        let mut len: core::ffi::c_uint = 0;
        // SAFETY: `self.ptr` is valid (type invariant); `len` is writable.
        let p = unsafe { b::oxip_skb_network_linear(self.as_ptr(), &mut len) };
        // CAST: headlen - network offset; a wrapped (negative) value means
        // the header is not in the linear part: nothing to read.
        let len = if (len as i32) < 0 { 0 } else { len as usize };
        (p, len)
    }

    fn header_slice(&self) -> &[u8] {
        let (p, len) = self.network_linear();
        if p.is_null() || len == 0 {
            return &[];
        }
        // SAFETY: `len` bytes from the network header are linear data of the
        // skb; the borrow of `self` keeps them from being changed or freed.
        unsafe { core::slice::from_raw_parts(p, len) }
    }

    /// The IPv4 header (`ihl * 4` bytes), writable: `skb_ensure_writable`
    /// first makes it private to this skb (copying the head of a clone
    /// whose header is shared, a no-op after `skb_cow`), so no other skb
    /// sees the writes. `None` if that fails or there is no header.
    ///
    /// C: net/core/skbuff.c, `skb_ensure_writable()`.
    pub(crate) fn ip_header_mut(&mut self) -> Option<&mut [u8]> {
        let hlen = crate::oxip_core::wire::Packet::new_checked(self.header_slice()).ok()?.header_len();
        // SAFETY: `self.ptr` is valid (type invariant).
        let off = unsafe { b::oxip_skb_network_offset(self.as_ptr()) };
        let write_len = u32::try_from(off).ok()?.checked_add(u32::try_from(hlen).ok()?)?;
        // SAFETY: `self.ptr` is valid and owned; skb_ensure_writable may
        // reallocate the head, so the header is looked up again below.
        if unsafe { b::skb_ensure_writable(self.as_ptr(), write_len) } != 0 {
            return None;
        }
        let (p, len) = self.network_linear();
        if p.is_null() || len < hlen {
            return None;
        }
        // SAFETY: `hlen` linear bytes from the network header, private to
        // this owned skb after skb_ensure_writable; the exclusive borrow of
        // `self` keeps them from being read or freed meanwhile.
        Some(unsafe { core::slice::from_raw_parts_mut(p, hlen) })
    }

    fn in_dev<'a>(&'a self, g: &'a rcu::Guard) -> Option<&'a InDevice> {
        // SAFETY: `dev` is the receiving device, registered while its packet
        // is processed.
        unsafe { InDevice::of_dev(self.dev(), g) }
    }

    /// The skb's route, for as long as `g`.
    fn rtable<'a>(&'a self, g: &'a rcu::Guard) -> Option<&'a Rtable> {
        // SAFETY: `self.ptr` is valid for as long as `self` is borrowed.
        unsafe { Rtable::of_skb(self.as_ptr(), g) }
    }
}

impl Drop for Skb {
    fn drop(&mut self) {
        // SAFETY: we own this reference (type invariant); no path reaches here
        // after `into_raw`. A free here is a bug elsewhere, but never a leak.
        unsafe { b::oxip_kfree_skb_reason(self.as_ptr(), reason::to_kernel(DropReason::NotSpecified)) };
    }
}

impl RcvSkb for Skb {
    fn pkt_type(&self) -> PktType {
        // SAFETY: `self.ptr` is valid.
        PktType::from_raw(unsafe { b::oxip_skb_pkt_type(self.as_ptr()) })
    }
    fn len(&self) -> u32 {
        // SAFETY: `self.ptr` is valid.
        unsafe { (*self.as_ptr()).len }
    }
    fn is_gso(&self) -> bool {
        // SAFETY: `self.ptr` is valid.
        unsafe { b::oxip_skb_is_gso(self.as_ptr()) }
    }
    fn is_gso_tcp(&self) -> bool {
        // SAFETY: `self.ptr` is valid.
        unsafe { b::oxip_skb_is_gso_tcp(self.as_ptr()) }
    }
    fn gso_segs(&self) -> u16 {
        // SAFETY: `self.ptr` is valid.
        unsafe { b::oxip_skb_gso_segs(self.as_ptr()) }
    }
    fn count_otherhost_dropped(&mut self) {
        // SAFETY: a received skb has a valid dev.
        unsafe { b::oxip_dev_core_stats_rx_otherhost_dropped_inc(self.dev()) };
    }
    fn share_check(&mut self) -> bool {
        // SAFETY: we own the reference; skb_share_check consumes it and
        // returns ours (maybe a clone) or NULL after freeing it.
        let p = unsafe { b::oxip_skb_share_check(self.as_ptr()) };
        match NonNull::new(p) {
            Some(p) => {
                // INVARIANT: skb_share_check returned an unshared skb we own.
                self.ptr = p;
                if self.ip_protocol_after_share_check {
                    // SAFETY: `self.ptr` is valid, owned and unshared now.
                    unsafe { b::oxip_skb_set_protocol(p.as_ptr(), (b::ETH_P_IP as u16).to_be()) };
                }
                true
            }
            None => false,
        }
    }
    fn may_pull(&mut self, len: usize) -> bool {
        let Ok(len) = u32::try_from(len) else { return false };
        // SAFETY: `self.ptr` is valid and owned.
        unsafe { b::oxip_pskb_may_pull(self.as_ptr(), len) }
    }
    fn network_header(&self) -> &[u8] {
        self.header_slice()
    }
    fn trim_rcsum(&mut self, len: u32) -> bool {
        // SAFETY: `self.ptr` is valid and owned (unshared after share_check).
        unsafe { b::oxip_pskb_trim_rcsum(self.as_ptr(), len) == 0 }
    }
    fn finish_rcv_core(&mut self, ihl_len: usize) {
        let p = self.as_ptr();
        let off = c_int::try_from(ihl_len).unwrap_or(0);
        // SAFETY: `p` is valid and owned; the header is linear (pulled).
        unsafe { b::oxip_skb_set_transport_header(p, off) };
        // SAFETY: IPCB(skb) points into skb->cb, which we own.
        let cb = unsafe { b::oxip_ipcb(p) };
        // SAFETY: `cb` is valid for writes of one inet_skb_parm.
        unsafe { core::ptr::write_bytes(cb, 0, 1) };
        // SAFETY: `cb` and `p` are valid.
        unsafe { (*cb).iif = b::oxip_skb_iif(p) };
        // SAFETY: `p` is valid.
        if !unsafe { b::oxip_skb_sk_is_prefetched(p) } {
            // SAFETY: `p` is valid and owned.
            unsafe { b::oxip_skb_orphan(p) };
        }
    }
}

impl FinishSkb for Skb {
    fn pkt_type(&self) -> PktType {
        RcvSkb::pkt_type(self)
    }
    fn len(&self) -> u32 {
        RcvSkb::len(self)
    }
    fn network_header(&self) -> &[u8] {
        self.header_slice()
    }
    fn has_valid_dst(&self) -> bool {
        // SAFETY: `self.ptr` is valid.
        unsafe { b::oxip_skb_valid_dst(self.as_ptr()) }
    }
    fn has_dst(&self) -> bool {
        self.dst_id() != 0
    }
    fn has_in_dev(&self) -> bool {
        self.in_dev(&rcu::read_lock()).is_some()
    }
    fn route_localnet(&self) -> bool {
        let g = rcu::read_lock();
        self.in_dev(&g).is_some_and(|d| d.route_localnet(self.net()))
    }
    fn route_input(&mut self, daddr: Ipv4Address, saddr: Ipv4Address, dscp: u8) -> Result<(), DropReason> {
        // SAFETY: `self.ptr` is valid and owned, `dev` its receiving device;
        // called under the RCU read lock as ip_route_input_noref requires.
        let r = unsafe {
            b::ip_route_input_noref(self.as_ptr(), daddr.to_be32(), saddr.to_be32(), dscp, self.dev())
        };
        match r {
            0 => Ok(()),
            k => Err(reason::from_kernel(k)),
        }
    }
    type HintSkb<'h> = &'h Skb;
    fn copy_hint_dst(&mut self, hint: &&Skb) {
        // SAFETY: both skbs are valid; the hint skb is borrowed, so it and
        // the dst it holds outlive this call; this skb has no dst yet (a
        // noref dst is copied as such, as ip_route_use_hint does, under the
        // receive path's RCU read lock).
        unsafe { b::oxip_skb_dst_copy(self.as_ptr(), hint.as_ptr()) };
    }
    fn mark_nopolicy(&mut self) {
        let g = rcu::read_lock();
        if self.in_dev(&g).is_some_and(|d| d.nopolicy()) {
            // SAFETY: IPCB(skb) points into our skb's cb.
            unsafe { (*b::oxip_ipcb(self.as_ptr())).flags |= b::oxip_consts_OXIP_IPSKB_NOPOLICY as u16 };
        }
    }
    fn route(&self) -> Option<RouteView> {
        let g = rcu::read_lock();
        self.rtable(&g).map(Rtable::view)
    }
    fn cow(&mut self) -> bool {
        // SAFETY: `self.ptr` is valid and owned.
        unsafe { b::oxip_skb_cow(self.as_ptr(), b::oxip_skb_headroom(self.as_ptr())) == 0 }
    }
    fn options_compile(&mut self, optlen: u8) -> Result<bool, OptionsError> {
        let p = self.as_ptr();
        // SAFETY: IPCB(skb) points into our skb's cb.
        let cb = unsafe { b::oxip_ipcb(p) };
        // SAFETY: `cb` is valid for writes.
        unsafe { (*cb).opt.optlen = optlen };
        // SAFETY: `net`, the options in our cb and the skb are valid; the header
        // is linear and writable after `cow`.
        let r = unsafe { b::ip_options_compile(self.net(), &mut (*cb).opt, p) };
        if r != 0 {
            return Err(OptionsError::Compile);
        }
        // SAFETY: `cb` is valid.
        Ok(unsafe { (*cb).opt.srr } != 0)
    }
    fn source_route_allowed(&self) -> bool {
        let g = rcu::read_lock();
        self.in_dev(&g).is_none_or(|d| d.source_route())
    }
    fn options_rcv_srr(&mut self) -> bool {
        // SAFETY: the skb is valid and owned, routed, its options compiled.
        unsafe { b::ip_options_rcv_srr(self.as_ptr(), self.dev()) == 0 }
    }
    fn drop_unicast_in_l2_multicast(&self) -> bool {
        let g = rcu::read_lock();
        self.in_dev(&g).is_some_and(|d| d.drop_unicast_in_l2_multicast())
    }
}

/// Pops the first skb of a C list of skbs.
///
/// # Safety
///
/// `head` is a valid, initialised list of skbs the caller owns.
pub(crate) unsafe fn list_pop(head: *mut b::list_head) -> Option<Skb> {
    // SAFETY: the caller guarantees `head` is a valid skb list it owns; the
    // popped skb is unlinked and its reference passes to the `Skb`.
    unsafe { Skb::from_raw(b::oxip_skb_list_pop(head)) }
}

/// A list head for building sublists of owned skbs, pinned where it is
/// initialised (`INIT_LIST_HEAD` points it at itself): build it with
/// `pin_init::stack_pin_init!(let l = ListHead::new())`.
///
/// # Invariants
///
/// `head` is an initialised list of owned skbs, at the address it was
/// initialised at (the type is `!Unpin` and only made by [`ListHead::new`]
/// in place).
#[pin_data(PinnedDrop)]
pub(crate) struct ListHead {
    #[pin]
    head: Opaque<b::list_head>,
}

impl ListHead {
    /// An empty list, initialised in place.
    pub(crate) fn new() -> impl PinInit<Self> {
        // INVARIANT: INIT_LIST_HEAD at the head's final, pinned address.
        pin_init!(ListHead {
            // SAFETY: `p` is the head's pinned slot, valid for writes.
            head <- Opaque::ffi_init(|p| unsafe { b::oxip_list_init(p) }),
        })
    }
    /// The raw head for C.
    pub(crate) fn as_ptr(&self) -> *mut b::list_head {
        self.head.get()
    }
    /// Appends `skb`.
    pub(crate) fn push(&self, skb: Skb) {
        let p = skb.into_raw();
        // SAFETY: `p` is an owned skb not on any list; `head` is initialised
        // (type invariant); `ListHead` is not `Sync`, so no one else links.
        unsafe { b::oxip_skb_list_add_tail(p, self.as_ptr()) };
    }
    /// Removes and returns the first skb.
    pub(crate) fn pop(&self) -> Option<Skb> {
        // SAFETY: `head` is an initialised list of owned skbs (invariant).
        unsafe { list_pop(self.as_ptr()) }
    }
    /// `list_empty`.
    pub(crate) fn is_empty(&self) -> bool {
        // SAFETY: `head` is initialised (type invariant).
        unsafe { b::oxip_list_empty(self.as_ptr()) }
    }
}

#[pinned_drop]
impl PinnedDrop for ListHead {
    fn drop(self: Pin<&mut Self>) {
        // Free whatever is left, so an early return never leaks.
        while let Some(skb) = self.pop() {
            skb.drop_reason(DropReason::NotSpecified);
        }
    }
}
