// SPDX-License-Identifier: GPL-2.0
//! An owned `sk_buff`, a list of them, and the core's skb traits over it.
//!
//! C: include/linux/skbuff.h, include/net/dst.h, include/net/ip.h.

use core::ffi::c_int;
use core::mem::ManuallyDrop;
use core::pin::Pin;
use core::ptr::NonNull;

use kernel::prelude::*;
use kernel::types::Opaque;

use super::bindings as b;
use super::net::Net;
use super::net::NetDevice;
use super::percpu::ThisCpu;
use super::rcu::RcuRead;
use super::reason;
use super::route::with_redirect_peers;
use super::route::Dst;
use super::route::InDevice;
use super::route::OutputRoute;
use super::route::Rtable;
use super::route_cache::CpuRoutes;
use super::route_cache::RouteCache;
use super::time;
use crate::oxip_core::forward;
use crate::oxip_core::forward::ip_dst_mtu_maybe_forward;
use crate::oxip_core::forward::ForwardSkb;
use crate::oxip_core::forward::MtuCheck;
use crate::oxip_core::mib::DropReason;
use crate::oxip_core::options;
use crate::oxip_core::options::ForwardOptions;
use crate::oxip_core::rcv::FinishSkb;
use crate::oxip_core::rcv::OptionsError;
use crate::oxip_core::rcv::PktType;
use crate::oxip_core::rcv::RcvSkb;
use crate::oxip_core::rcv::RouteView;
use crate::oxip_core::route;
use crate::oxip_core::route::CacheLookup;
use crate::oxip_core::route::RedirectLimits;
use crate::oxip_core::route::RouteHint;
use crate::oxip_core::wire::Ipv4Address;
use crate::oxip_core::wire::Packet;

/// Plain reads of `struct sk_buff` fields through the bindgen layout, which
/// `scripts/bindgen.sh` generates with the kernel's own C flags. A one-line
/// C helper costs an out-of-line call for each read, and these are read
/// several times per packet (`make bench-calls` counted 30 such calls per
/// forwarded packet), so they are read here instead.
pub(super) mod field {
    use super::b;

    /// `skb->dev`.
    ///
    /// # Safety
    ///
    /// `skb` is valid.
    #[inline]
    pub(crate) unsafe fn dev(skb: *const b::sk_buff) -> *mut b::net_device {
        // SAFETY: `skb` is valid (caller); `dev` is the member of the union
        // in use for an skb that is not on a queue of rbtree or llist kind.
        unsafe {
            (*skb)
                .__bindgen_anon_1
                .__bindgen_anon_1
                .__bindgen_anon_1
                .dev
        }
    }

    /// `skb->pkt_type`.
    ///
    /// # Safety
    ///
    /// `skb` is valid.
    #[inline]
    pub(crate) unsafe fn pkt_type(skb: *const b::sk_buff) -> u8 {
        // SAFETY: `skb` is valid (caller); `headers` is the struct_group
        // naming the same bytes as its anonymous twin.
        unsafe { (*skb).__bindgen_anon_4.headers.as_ref().pkt_type() }
    }

    /// `skb_network_header(skb)` and `skb_headlen(skb) -
    /// skb_network_offset(skb)`, in C's unsigned arithmetic.
    ///
    /// # Safety
    ///
    /// `skb` is valid.
    #[inline]
    pub(crate) unsafe fn network_linear(skb: *const b::sk_buff) -> (*mut u8, u32) {
        // SAFETY: `skb` is valid (caller): plain field reads.
        let (head, nh) = unsafe {
            (
                (*skb).head,
                (*skb).__bindgen_anon_4.headers.as_ref().network_header,
            )
        };
        // SAFETY: `skb` is valid (caller).
        let (hl, off) = unsafe { (headlen(skb), network_offset(skb)) };
        // CAST: C's unsigned minus of an int offset.
        (
            head.wrapping_add(usize::from(nh)),
            hl.wrapping_sub(off as u32),
        )
    }

    /// `IPCB(skb)`: the `struct inet_skb_parm` at the start of `skb->cb`.
    ///
    /// # Safety
    ///
    /// `skb` is valid.
    #[inline]
    pub(crate) unsafe fn ipcb(skb: *mut b::sk_buff) -> *mut b::inet_skb_parm {
        // SAFETY: `skb` is valid (caller); the address of a field, no read.
        unsafe { core::ptr::addr_of_mut!((*skb).cb) }.cast()
    }

    /// `skb_network_offset(skb)`.
    ///
    /// # Safety
    ///
    /// `skb` is valid.
    #[inline]
    pub(crate) unsafe fn network_offset(skb: *const b::sk_buff) -> i32 {
        // SAFETY: `skb` is valid (caller): plain field reads.
        let (head, data, nh) = unsafe {
            (
                (*skb).head,
                (*skb).data,
                (*skb).__bindgen_anon_4.headers.as_ref().network_header,
            )
        };
        // CAST: a small signed distance within the skb's buffer (C's int).
        (head.wrapping_add(usize::from(nh)) as isize).wrapping_sub(data as isize) as i32
    }

    /// `skb->skb_iif`.
    ///
    /// # Safety
    ///
    /// `skb` is valid.
    #[inline]
    pub(crate) unsafe fn iif(skb: *const b::sk_buff) -> i32 {
        // SAFETY: `skb` is valid (caller): a plain field read.
        unsafe { (*skb).__bindgen_anon_4.headers.as_ref().skb_iif }
    }

    /// `skb->protocol` (network byte order).
    ///
    /// # Safety
    ///
    /// `skb` is valid.
    #[inline]
    pub(crate) unsafe fn protocol(skb: *const b::sk_buff) -> u16 {
        // SAFETY: `skb` is valid (caller): a plain field read.
        unsafe { (*skb).__bindgen_anon_4.headers.as_ref().protocol }
    }

    /// `skb->protocol = protocol` (network byte order).
    ///
    /// # Safety
    ///
    /// `skb` is valid, and the caller may write its protocol (owned and
    /// unshared, or still native's in an ingress hook).
    #[inline]
    pub(crate) unsafe fn set_protocol(skb: *mut b::sk_buff, protocol_be: u16) {
        // SAFETY: `skb` is valid and writable here (caller).
        unsafe { (*skb).__bindgen_anon_4.headers.as_mut().protocol = protocol_be };
    }

    /// `skb->cloned`: the bit `skb_cloned()` tests first (a clone, or the
    /// original of one); 0 means the data is this skb's alone.
    ///
    /// # Safety
    ///
    /// `skb` is valid.
    #[inline]
    pub(crate) unsafe fn cloned(skb: *const b::sk_buff) -> bool {
        // SAFETY: `skb` is valid (caller): a plain bitfield read.
        unsafe { (*skb).cloned() != 0 }
    }

    /// `skb_cloned(skb)`: the `cloned` bit, and the data still shared
    /// (`dataref` above 1: the original of a clone that has gone, or that
    /// `skb_cow` gave its own data, is writable again).
    ///
    /// # Safety
    ///
    /// `skb` is valid.
    #[inline]
    pub(crate) unsafe fn data_shared(skb: *const b::sk_buff) -> bool {
        // SAFETY: `skb` is valid (caller), so is its shared info; the
        // dataref is read once, as atomic_read does.
        unsafe {
            cloned(skb)
                && core::ptr::addr_of!((*shinfo(skb)).dataref.counter).read_volatile() & 0xffff != 1
        }
    }

    /// `skb->sk != NULL`.
    ///
    /// # Safety
    ///
    /// `skb` is valid.
    #[inline]
    pub(crate) unsafe fn has_sk(skb: *const b::sk_buff) -> bool {
        // SAFETY: `skb` is valid (caller): a plain field read.
        !unsafe { (*skb).sk }.is_null()
    }

    /// `skb->destructor == NULL && skb->sk == NULL`: `skb_orphan()` has
    /// nothing to do and `skb_sk_is_prefetched()` is false.
    ///
    /// # Safety
    ///
    /// `skb` is valid.
    #[inline]
    pub(crate) unsafe fn orphaned(skb: *const b::sk_buff) -> bool {
        // SAFETY: `skb` is valid (caller): a plain field read.
        let d = unsafe { (*skb).__bindgen_anon_3.__bindgen_anon_1.destructor };
        // SAFETY: as above.
        d.is_none() && !unsafe { has_sk(skb) }
    }

    /// `skb_headlen(skb)`: `skb->len - skb->data_len`.
    ///
    /// # Safety
    ///
    /// `skb` is valid.
    #[inline]
    pub(crate) unsafe fn headlen(skb: *const b::sk_buff) -> u32 {
        // SAFETY: `skb` is valid (caller): plain field reads.
        unsafe { (*skb).len.wrapping_sub((*skb).data_len) }
    }

    /// `skb_dst(skb)`: `skb->_skb_refdst` less its `SKB_DST_NOREF` bit.
    ///
    /// # Safety
    ///
    /// `skb` is valid.
    #[inline]
    pub(crate) unsafe fn dst(skb: *const b::sk_buff) -> *mut b::dst_entry {
        // SAFETY: `skb` is valid (caller).
        unsafe { rtable(skb) }.cast()
    }

    /// `dst_dev(dst)`: `READ_ONCE(dst->dev)`.
    ///
    /// # Safety
    ///
    /// `dst` is a live dst.
    #[inline]
    pub(crate) unsafe fn dst_dev(dst: *const b::dst_entry) -> *mut b::net_device {
        // SAFETY: `dst` is live (caller); read once, as READ_ONCE does.
        unsafe { core::ptr::addr_of!((*dst).__bindgen_anon_1.dev).read_volatile() }
    }

    /// `skb_vlan_tag_present(skb)`: `skb->vlan_all != 0`.
    ///
    /// # Safety
    ///
    /// `skb` is valid.
    #[inline]
    pub(crate) unsafe fn vlan_tag_present(skb: *const b::sk_buff) -> bool {
        // SAFETY: `skb` is valid (caller): a plain field read.
        unsafe {
            (*skb)
                .__bindgen_anon_4
                .headers
                .as_ref()
                .__bindgen_anon_2
                .vlan_all
                != 0
        }
    }

    /// `skb->pfmemalloc`.
    ///
    /// # Safety
    ///
    /// `skb` is valid.
    #[inline]
    pub(crate) unsafe fn pfmemalloc(skb: *const b::sk_buff) -> bool {
        // SAFETY: `skb` is valid (caller): a plain bitfield read.
        unsafe { (*skb).pfmemalloc() != 0 }
    }

    /// `refcount_read(&skb->users) == 1`: `skb_shared()` is false.
    ///
    /// # Safety
    ///
    /// `skb` is valid.
    #[inline]
    pub(crate) unsafe fn unshared(skb: *const b::sk_buff) -> bool {
        // SAFETY: `skb` is valid (caller); read once, as atomic_read does.
        unsafe { core::ptr::addr_of!((*skb).users.refs.counter).read_volatile() == 1 }
    }

    /// `secpath_exists(skb)`: the skb carries a security path (IPsec).
    ///
    /// # Safety
    ///
    /// `skb` is valid.
    #[inline]
    #[cfg(CONFIG_XFRM)]
    pub(crate) unsafe fn secpath_exists(skb: *const b::sk_buff) -> bool {
        // SAFETY: `skb` is valid (caller): a plain field read, as
        // skb_ext_exist() reads it.
        let e = unsafe { (*skb).active_extensions };
        u32::from(e) & b::oxip_consts_OXIP_SKB_EXT_SEC_PATH_BIT != 0
    }

    /// `secpath_exists(skb)`: never, without `CONFIG_XFRM`.
    ///
    /// # Safety
    ///
    /// `skb` is valid.
    #[inline]
    #[cfg(not(CONFIG_XFRM))]
    pub(crate) unsafe fn secpath_exists(_skb: *const b::sk_buff) -> bool {
        false
    }

    /// `skb_shinfo(skb)`: the `struct skb_shared_info` at `skb->head +
    /// skb->end` (`NET_SKBUFF_DATA_USES_OFFSET` on 64-bit).
    ///
    /// # Safety
    ///
    /// `skb` is valid.
    #[inline]
    pub(crate) unsafe fn shinfo(skb: *const b::sk_buff) -> *const b::skb_shared_info {
        // SAFETY: `skb` is valid (caller): plain field reads.
        let (head, end) = unsafe { ((*skb).head, (*skb).end) };
        // CAST: `end` is an offset into the buffer (sk_buff_data_t).
        head.wrapping_add(end as usize).cast()
    }

    /// `skb_shinfo(skb)->gso_size`: non-zero for a GSO skb (`skb_is_gso`).
    ///
    /// # Safety
    ///
    /// `skb` is valid.
    #[inline]
    pub(crate) unsafe fn gso_size(skb: *const b::sk_buff) -> u16 {
        // SAFETY: `skb` is valid (caller), so is its shared info.
        unsafe { (*shinfo(skb)).gso_size }
    }

    /// `skb_shinfo(skb)->gso_segs`.
    ///
    /// # Safety
    ///
    /// `skb` is valid.
    #[inline]
    pub(crate) unsafe fn gso_segs(skb: *const b::sk_buff) -> u16 {
        // SAFETY: `skb` is valid (caller), so is its shared info.
        unsafe { (*shinfo(skb)).gso_segs }
    }

    /// `skb->ignore_df`.
    ///
    /// # Safety
    ///
    /// `skb` is valid.
    #[inline]
    pub(crate) unsafe fn ignore_df(skb: *const b::sk_buff) -> bool {
        // SAFETY: `skb` is valid (caller): a plain bitfield read.
        unsafe { (*skb).__bindgen_anon_4.headers.as_ref().ignore_df() != 0 }
    }

    /// `skb_valid_dst(skb)`: a dst that is not metadata.
    ///
    /// # Safety
    ///
    /// `skb` is valid, and its dst (if any) live: under the RCU read side
    /// of the receive path for a noref dst.
    #[inline]
    pub(crate) unsafe fn valid_dst(skb: *const b::sk_buff) -> bool {
        // SAFETY: `skb` is valid (caller).
        let d = unsafe { dst(skb) };
        // SAFETY: non-null, so live (caller): a plain field read.
        !d.is_null() && u32::from(unsafe { (*d).flags }) & b::DST_METADATA == 0
    }

    /// `skb->transport_header = skb->data - skb->head + offset`
    /// (`skb_set_transport_header`).
    ///
    /// # Safety
    ///
    /// `skb` is valid and the caller's to write.
    #[inline]
    pub(crate) unsafe fn set_transport_header(skb: *mut b::sk_buff, offset: u16) {
        // SAFETY: `skb` is valid (caller): plain field reads.
        let (head, data) = unsafe { ((*skb).head, (*skb).data) };
        // CAST: C stores the offset from head in a u16, as here.
        let off = (data as usize).wrapping_sub(head as usize) as u16;
        // SAFETY: `skb` is valid and writable (caller).
        unsafe {
            (*skb).__bindgen_anon_4.headers.as_mut().transport_header = off.wrapping_add(offset)
        };
    }

    /// `skb_clear_tstamp(skb)`: the receive timestamp is cleared unless
    /// it is a delivery time (`tstamp_type` set).
    ///
    /// # Safety
    ///
    /// `skb` is valid and the caller's to write.
    #[inline]
    pub(crate) unsafe fn clear_tstamp(skb: *mut b::sk_buff) {
        // SAFETY: `skb` is valid (caller): a plain bitfield read.
        if unsafe { (*skb).__bindgen_anon_4.headers.as_ref().tstamp_type() } != 0 {
            return;
        }
        // SAFETY: `skb` is valid and writable (caller); `tstamp` is the
        // union member a received skb uses.
        unsafe { (*skb).__bindgen_anon_2.tstamp = 0 };
    }

    /// `skb_forward_csum(skb)`: `CHECKSUM_COMPLETE` becomes `CHECKSUM_NONE`.
    ///
    /// # Safety
    ///
    /// `skb` is valid and the caller's to write.
    #[inline]
    pub(crate) unsafe fn forward_csum(skb: *mut b::sk_buff) {
        // SAFETY: `skb` is valid and writable (caller): bitfield accesses.
        let h = unsafe { (*skb).__bindgen_anon_4.headers.as_mut() };
        if u32::from(h.ip_summed()) == b::CHECKSUM_COMPLETE {
            // CAST: CHECKSUM_NONE is 0.
            h.set_ip_summed(b::CHECKSUM_NONE as u8);
        }
    }

    /// `skb->priority = priority`.
    ///
    /// # Safety
    ///
    /// `skb` is valid and the caller's to write.
    #[inline]
    pub(crate) unsafe fn set_priority(skb: *mut b::sk_buff, priority: u32) {
        // SAFETY: `skb` is valid and writable (caller).
        unsafe { (*skb).__bindgen_anon_4.headers.as_mut().priority = priority };
    }

    /// `skb_dst_set_noref(skb, dst)`: `skb->slow_gro` set (for a non-NULL
    /// dst) and `skb->_skb_refdst` the dst tagged `SKB_DST_NOREF` (bit 0).
    /// C's debug checks, that the skb has no dst of its own and that an
    /// RCU read side is held, are the caller's contract.
    ///
    /// # Safety
    ///
    /// `skb` is valid, the caller's to write and has no dst; `dst` is NULL
    /// or live for as long as an RCU read side the caller holds.
    #[inline]
    pub(crate) unsafe fn set_dst_noref(skb: *mut b::sk_buff, dst: *mut b::dst_entry) {
        // CAST: the pointer's bits, as C stores them; dsts are aligned, so
        // bit 0 is free for SKB_DST_NOREF.
        // SAFETY: `skb` is valid and writable (caller).
        unsafe { set_refdst(skb, dst, dst as core::ffi::c_ulong | 1) };
    }

    /// The write `skb_dst_set` and `skb_dst_set_noref` share:
    /// `skb->slow_gro |= !!dst; skb->_skb_refdst = refdst`.
    ///
    /// # Safety
    ///
    /// `skb` is valid and the caller's to write.
    #[inline]
    unsafe fn set_refdst(skb: *mut b::sk_buff, dst: *mut b::dst_entry, refdst: core::ffi::c_ulong) {
        if !dst.is_null() {
            // SAFETY: `skb` is valid and writable (caller): a 1-bit field.
            unsafe { (*skb).__bindgen_anon_4.headers.as_mut().set_slow_gro(1) };
        }
        // SAFETY: `skb` is valid and writable (caller); a plain field write.
        unsafe { (*skb).__bindgen_anon_3.__bindgen_anon_1._skb_refdst = refdst };
    }

    /// `skb_dst_drop(skb); skb_dst_set(skb, dst)`: `dst` (NULL or held) is
    /// attached with its reference; the previous dst, if the skb held a
    /// reference on it (not `SKB_DST_NOREF`), is returned for the caller
    /// to release (`refdst_drop`), NULL otherwise.
    ///
    /// # Safety
    ///
    /// `skb` is valid and the caller's to write; `dst` is NULL or a dst on
    /// which the caller gives the skb one reference.
    #[inline]
    pub(crate) unsafe fn replace_dst(
        skb: *mut b::sk_buff,
        dst: *mut b::dst_entry,
    ) -> *mut b::dst_entry {
        // SAFETY: `skb` is valid (caller): a plain field read.
        let old = unsafe { (*skb).__bindgen_anon_3.__bindgen_anon_1._skb_refdst };
        // CAST: the pointer's bits, as C stores them (no SKB_DST_NOREF).
        // SAFETY: `skb` is valid and writable (caller).
        unsafe { set_refdst(skb, dst, dst as core::ffi::c_ulong) };
        if old & 1 != 0 {
            return core::ptr::null_mut();
        }
        // CAST: a held dst's address (bit 0, SKB_DST_NOREF, is clear).
        old as *mut b::dst_entry
    }

    /// `skb_rtable(skb)`: `skb->_skb_refdst` less its `SKB_DST_NOREF` bit
    /// (a `struct rtable` begins with its dst).
    ///
    /// # Safety
    ///
    /// `skb` is valid.
    #[inline]
    pub(crate) unsafe fn rtable(skb: *const b::sk_buff) -> *mut b::rtable {
        // SAFETY: `skb` is valid (caller): a plain field read.
        let refdst = unsafe { (*skb).__bindgen_anon_3.__bindgen_anon_1._skb_refdst };
        // CAST: SKB_DST_PTRMASK is ~SKB_DST_NOREF (bit 0); the rest is the pointer.
        (refdst & !1) as *mut b::rtable
    }
}

/// An sk_buff this code owns: it must deliver, hand on or free it, once.
///
/// # Invariants
///
/// `ptr` points to a valid `sk_buff` of which this value holds one
/// reference; `dev` is the (live) device it was received on (null only for
/// a KUnit test's skb from [`Skb::from_bytes`], whose tests reach no device).
pub(crate) struct Skb {
    ptr: NonNull<b::sk_buff>,
    /// The device it was received on (native `ip_rcv`'s `dev`), which the
    /// route lookup uses even after `l3mdev_ip_rcv` moved `skb->dev`.
    dev: *mut b::net_device,
}

// Two words: an `Skb` (and `Option<Skb>`) moves in two registers from one
// step of the receive path to the next, not through a stack copy.
const _: () = assert!(core::mem::size_of::<Option<Skb>>() == 2 * core::mem::size_of::<usize>());

// SAFETY: an owned skb may be handed between contexts like any kernel skb.
unsafe impl Send for Skb {}

impl Skb {
    /// Takes ownership of `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` is null or a valid skb whose reference the caller gives up.
    pub(super) unsafe fn from_raw(ptr: *mut b::sk_buff) -> Option<Self> {
        // INVARIANT: the caller gives us its reference to a valid skb.
        NonNull::new(ptr).map(|ptr| Skb {
            ptr,
            // SAFETY: `ptr` is non-null here, so valid (caller's contract).
            dev: unsafe { field::dev(ptr.as_ptr()) },
        })
    }

    /// Takes ownership of `ptr`, received on `dev`.
    ///
    /// # Safety
    ///
    /// As [`Skb::from_raw`]; `dev` is the device it was received on.
    pub(super) unsafe fn from_raw_on(
        ptr: *mut b::sk_buff,
        dev: *mut b::net_device,
    ) -> Option<Self> {
        // INVARIANT: the caller gives us its reference to a valid skb.
        NonNull::new(ptr).map(|ptr| Skb { ptr, dev })
    }

    /// Gives up ownership without freeing: the caller hands it to C.
    pub(super) fn into_raw(self) -> *mut b::sk_buff {
        ManuallyDrop::new(self).ptr.as_ptr()
    }

    /// The pointer, still owned by `self`.
    pub(super) fn as_ptr(&self) -> *mut b::sk_buff {
        self.ptr.as_ptr()
    }

    /// Frees it with `reason` (`kfree_skb_reason`), visible to the
    /// `skb:kfree_skb` tracepoint, perf and dropwatch.
    pub(crate) fn drop_reason(self, r: DropReason) {
        let p = self.into_raw();
        // SAFETY: `p` is our reference (Skb invariant), given up by `into_raw`.
        unsafe { b::oxip_kfree_skb_reason(p, reason::to_kernel(r)) };
    }

    /// Forgets an skb that C has freed already (`skb_share_check` failure).
    pub(crate) fn forget_freed(self) {
        let _ = ManuallyDrop::new(self);
    }

    /// The device it was received on, raw, for C calls in this layer.
    pub(super) fn dev_ptr(&self) -> *mut b::net_device {
        self.dev
    }

    /// The device it was received on, for as long as `_g`: it is live while
    /// its packet is received, and unregistering it waits for the RCU
    /// read sides begun meanwhile (`synchronize_net`) before freeing it.
    pub(crate) fn dev<'g>(&self, _g: &'g RcuRead) -> &'g NetDevice {
        // SAFETY: `dev` is the receiving device (Skb invariant), live for
        // as long as the guard, which began while the skb was held.
        unsafe { NetDevice::from_raw(self.dev) }
    }

    /// `skb->dev` now, for as long as `_g`: the receiving device, or the
    /// VRF master `l3mdev_ip_rcv` moved the skb to (live as long as its
    /// slave, under the same RCU read side).
    pub(crate) fn cur_dev<'g>(&self, _g: &'g RcuRead) -> &'g NetDevice {
        // SAFETY: `self.ptr` is valid (Skb invariant).
        let d = unsafe { field::dev(self.as_ptr()) };
        // SAFETY: a received skb's device is live for the guard, which
        // began while the skb was held.
        unsafe { NetDevice::from_raw(d) }
    }

    /// `dev_net(skb->dev)` of the receiving device, for as long as `g`.
    pub(crate) fn net<'g>(&self, g: &'g RcuRead) -> &'g Net {
        self.dev(g).net()
    }

    /// `dev_net(skb->dev)`, raw, for C calls in this layer.
    fn net_ptr(&self) -> *mut b::net {
        // SAFETY: a received skb has a valid `dev` (Skb invariant).
        unsafe { super::net::dev_net(self.dev_ptr()) }
    }

    /// `skb_dst(skb)`, as an identity only (never dereferenced).
    pub(super) fn dst_ptr(&self) -> *mut b::dst_entry {
        // SAFETY: `self.ptr` is valid (Skb invariant).
        unsafe { field::dst(self.as_ptr()) }
    }

    /// `skb_dst(skb) == skb_dst(other)`: the two share a route (sublist
    /// grouping, as `ip_list_rcv_finish` compares them).
    pub(crate) fn same_dst(&self, other: &Skb) -> bool {
        core::ptr::eq(self.dst_ptr(), other.dst_ptr())
    }

    /// `IPCB(skb)`, read.
    pub(crate) fn ipcb(&self) -> Ipcb<'_> {
        Ipcb { skb: self }
    }

    /// `IPCB(skb)`, written.
    pub(crate) fn ipcb_mut(&mut self) -> IpcbMut<'_> {
        IpcbMut { skb: self }
    }

    /// `skb->mark`.
    pub(crate) fn mark(&self) -> u32 {
        // SAFETY: `self.ptr` is valid (Skb invariant).
        unsafe { b::oxip_skb_mark(self.as_ptr()) }
    }

    /// `skb_clone(skb, GFP_ATOMIC)`, received on the same device.
    pub(crate) fn clone_atomic(&self) -> Option<Skb> {
        // SAFETY: `self.ptr` is valid (Skb invariant).
        let c = unsafe { b::oxip_skb_clone_atomic(self.as_ptr()) };
        // SAFETY: a clone is a new reference we own (or NULL), received on
        // the same device.
        unsafe { Skb::from_raw_on(c, self.dev) }
    }

    /// `l3mdev_ip_rcv(skb)`: an skb on a VRF slave goes to its master's
    /// handler; the skb back (maybe another one), or `None` once consumed.
    pub(crate) fn l3mdev_ip_rcv(self) -> Option<Skb> {
        let dev = self.dev;
        // l3mdev_l3_rcv() calls nothing unless `skb->dev` is an L3 master,
        // its port, or has the L3 receive handler.
        // SAFETY: `self.ptr` is valid (Skb invariant); its `dev` is live
        // while the skb is received.
        let d = unsafe { NetDevice::from_raw(field::dev(self.as_ptr())) };
        if !d.l3mdev_any() {
            return Some(self);
        }
        let p = self.into_raw();
        // SAFETY: ownership of `p` (Skb invariant) goes to l3mdev_ip_rcv.
        let r = unsafe { b::oxip_l3mdev_ip_rcv(p) };
        // SAFETY: l3mdev_ip_rcv returns the skb it was given (ours again),
        // or NULL when it consumed it; it stays received on `dev`.
        unsafe { Skb::from_raw_on(r, dev) }
    }

    /// `skb_dst_drop(skb); skb_dst_set(skb, &rt->dst)`: the held output
    /// route replaces the input one.
    pub(crate) fn set_output_route(&mut self, rt: OutputRoute) {
        let dst = rt.into_dst();
        // SAFETY: `self.ptr` is valid and owned (Skb invariant); `dst` is a
        // held reference (OutputRoute invariant), which the skb takes over.
        let old = unsafe { field::replace_dst(self.as_ptr(), dst) };
        if !old.is_null() {
            // SAFETY: the reference the skb held on its previous dst, which
            // replace_dst detached from it.
            unsafe { b::oxip_dst_release(old) };
        }
    }

    /// `dst_output(net, sk, skb)`, as the forward okfns end.
    pub(crate) fn dst_output(self, net: &Net, sk: SockPtr) -> c_int {
        let p = self.into_raw();
        // `sk` is what the hook was given (SockPtr invariant).
        // SAFETY: ownership of a routed skb (Skb invariant) goes to
        // dst_output; `net` is live (Net invariant).
        unsafe { b::oxip_dst_output(net.as_ptr(), sk.0, p) }
    }

    /// `skb_clear_tstamp(skb)`.
    pub(crate) fn clear_tstamp(&mut self) {
        // SAFETY: `self.ptr` is valid and owned (Skb invariant).
        unsafe { field::clear_tstamp(self.as_ptr()) };
    }

    /// The route hint this skb leaves (`ip_extract_route_hint`'s skb): its
    /// daddr, tos and route flags, and the skb itself, borrowed, whose dst
    /// the next packets copy.
    pub(crate) fn route_hint(&self, g: &RcuRead) -> Option<RouteHint<&Skb>> {
        let h = Packet::new_checked(RcvSkb::network_header(self)).ok()?;
        let rt = self.rtable(g)?;
        Some(RouteHint {
            daddr: h.daddr(),
            tos: h.tos(),
            rt_flags: rt.view().rt_flags,
            skb: self,
        })
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
        // SAFETY: `self.ptr` is valid (Skb invariant).
        let (p, len) = unsafe { field::network_linear(self.as_ptr()) };
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
    #[inline]
    pub(crate) fn ip_header_mut(&mut self) -> Option<&mut [u8]> {
        let hlen = crate::oxip_core::wire::Packet::new_checked(self.header_slice())
            .ok()?
            .header_len();
        // SAFETY: `self.ptr` is valid (Skb invariant).
        let off = unsafe { field::network_offset(self.as_ptr()) };
        let write_len = u32::try_from(off)
            .ok()?
            .checked_add(u32::try_from(hlen).ok()?)?;
        // The inline half of skb_ensure_writable(): a header in the linear
        // area of an skb that is not a clone is writable as it is (its
        // pskb_may_pull and its skb_cloned would both say so).
        // SAFETY: `self.ptr` is valid (Skb invariant).
        let ready = unsafe { field::headlen(self.as_ptr()) } >= write_len
            // SAFETY: as above.
            && !unsafe { field::data_shared(self.as_ptr()) };
        // SAFETY: `self.ptr` is valid and owned (Skb invariant); skb_ensure_writable may
        // reallocate the head, so the header is looked up again below.
        if !ready && unsafe { b::skb_ensure_writable(self.as_ptr(), write_len) } != 0 {
            return None;
        }
        let (p, len) = self.network_linear();
        if p.is_null() || len < hlen {
            return None;
        }
        // The exclusive borrow of `self` keeps them from being read or freed.
        // SAFETY: `hlen` linear bytes from the network header, private to
        // this owned skb (Skb invariant) after skb_ensure_writable.
        Some(unsafe { core::slice::from_raw_parts_mut(p, hlen) })
    }

    fn in_dev<'a>(&'a self, g: &'a RcuRead) -> Option<&'a InDevice> {
        self.dev(g).in_dev(g)
    }

    /// The skb's route, for as long as `g`.
    pub(crate) fn rtable<'g>(&self, g: &'g RcuRead) -> Option<&'g Rtable> {
        // SAFETY: `self.ptr` is valid (Skb invariant); its dst is
        // RCU-protected and `g` keeps the read side open.
        let rt = unsafe { field::rtable(self.as_ptr()) };
        // SAFETY: the route of a valid skb, read under `g`.
        unsafe { Rtable::from_skb_rtable(rt, g) }
    }

    /// `skb_cow_for_output(skb, dst)` before output on `dst`: true on success.
    pub(crate) fn cow_for_dst(&mut self, dst: &Dst) -> bool {
        // SAFETY: the skb is owned (Skb invariant); the dst is live (Dst invariant).
        unsafe { b::oxip_skb_cow_for_output(self.as_ptr(), dst.as_ptr()) == 0 }
    }

    /// `skb_cow_for_output(skb, &rt->dst)` before output on a held route.
    pub(crate) fn cow_for_route(&mut self, rt: &OutputRoute) -> bool {
        // SAFETY: the skb is owned (Skb invariant); the dst is held
        // (OutputRoute invariant).
        unsafe { b::oxip_skb_cow_for_output(self.as_ptr(), rt.dst_ptr()) == 0 }
    }
}

#[cfg(CONFIG_KUNIT)]
impl Skb {
    /// A fresh skb holding `data` linearly, network header at its start,
    /// received on no device (for KUnit tests).
    pub(crate) fn from_bytes(data: &[u8]) -> Option<Skb> {
        let len = u32::try_from(data.len()).ok()?;
        // SAFETY: plain allocation in process context (KUnit runs at insmod).
        let p = unsafe { b::oxip_alloc_skb(len.checked_add(64)?) };
        // SAFETY: `p` is a fresh skb we own, or NULL (then None).
        let skb = unsafe { Skb::from_raw(p) }?;
        // SAFETY: a fresh skb with `len + 64` bytes of tailroom; `data`
        // holds `len` bytes.
        unsafe { b::oxip_skb_put_data(skb.as_ptr(), data.as_ptr().cast(), len) };
        // SAFETY: `skb` is valid and owned (Skb invariant).
        unsafe { b::oxip_skb_reset_network_header(skb.as_ptr()) };
        Some(skb)
    }
}

#[cfg(CONFIG_KUNIT)]
impl Skb {
    /// `field::cloned`: what the TTL write's inline test of
    /// `skb_ensure_writable()` reads.
    pub(crate) fn cloned_bit(&self) -> bool {
        // SAFETY: `self.ptr` is valid (Skb invariant).
        unsafe { field::cloned(self.as_ptr()) }
    }

    /// `field::data_shared` beside C's `skb_cloned()`.
    pub(crate) fn data_shared_matches_c(&self) -> bool {
        let p = self.as_ptr();
        // SAFETY: `p` is valid (Skb invariant).
        unsafe { field::data_shared(p) == b::oxip_skb_cloned(p) }
    }

    /// Whether the readers added for the takeover entry, the source
    /// policy and forwarding read what C reads, on this skb, on
    /// `init_net` and on its loopback device.
    pub(crate) fn more_fields_match_c(&self) -> bool {
        let p = self.as_ptr();
        // SAFETY: `p` is valid (Skb invariant); a KUnit
        // skb has no dst, so the dst readers read NULL.
        let c = (
            // SAFETY: as above.
            unsafe { b::oxip_skb_protocol(p) },
            // SAFETY: as above.
            unsafe { b::oxip_skb_vlan_tag_present(p) },
            // SAFETY: as above.
            unsafe { b::oxip_skb_pfmemalloc(p) },
            // SAFETY: as above.
            !unsafe { b::oxip_skb_shared(p) },
            // SAFETY: as above.
            unsafe { b::oxip_skb_secpath_exists(p) },
            // SAFETY: as above.
            unsafe { b::oxip_skb_is_gso(p) },
            // SAFETY: as above.
            unsafe { b::oxip_skb_gso_segs(p) },
            // SAFETY: as above.
            unsafe { b::oxip_skb_ignore_df(p) },
            // SAFETY: as above.
            unsafe { b::oxip_skb_valid_dst(p) },
        );
        // SAFETY: as above.
        let r = (
            // SAFETY: as above.
            unsafe { field::protocol(p) },
            // SAFETY: as above.
            unsafe { field::vlan_tag_present(p) },
            // SAFETY: as above.
            unsafe { field::pfmemalloc(p) },
            // SAFETY: as above.
            unsafe { field::unshared(p) },
            // SAFETY: as above.
            unsafe { field::secpath_exists(p) },
            // SAFETY: as above.
            unsafe { field::gso_size(p) } != 0,
            // SAFETY: as above.
            unsafe { field::gso_segs(p) },
            // SAFETY: as above.
            unsafe { field::ignore_df(p) },
            // SAFETY: as above.
            unsafe { field::valid_dst(p) },
        );
        let n = Net::init();
        // SAFETY: init_net is live.
        let c_tclassid = unsafe { b::oxip_fib_has_tclassid_users(n.as_ptr()) };
        // SAFETY: init_net's loopback device lives as long as init_net.
        let lo = unsafe { NetDevice::from_raw((*n.as_ptr()).loopback_dev) };
        // SAFETY: `lo` is live (above).
        let c_dev = (
            // SAFETY: as above.
            unsafe { b::oxip_dev_rx_handler_present(lo.as_ptr()) },
            // SAFETY: as above.
            unsafe { b::oxip_dev_l3mdev_any(lo.as_ptr()) },
        );
        let g = RcuRead::lock();
        let conf = lo.in_dev(&g).is_none_or(InDevice::conf_matches_c);
        c == r
            && c_tclassid == n.fib_has_tclassid_users()
            && c_dev == (lo.rx_handler_present(), lo.l3mdev_any())
            && lo.mtu() == {
                // SAFETY: `lo` is live (above): C's plain read.
                unsafe { (*lo.as_ptr()).mtu }
            }
            && conf
    }

    /// Whether the field writers write what C's do: each is applied to
    /// `self` in Rust and to `other` (an skb in the same state, a clone)
    /// in C, and the fields are compared as C reads them.
    pub(crate) fn writers_match_c(&mut self, other: &mut Skb) -> bool {
        let (a, c) = (self.as_ptr(), other.as_ptr());
        let mut same = true;
        for &(summed, tstamp, prio, off) in
            &[(2u8, 77i64, 6u32, 20u16), (1, 0, 0, 24), (0, 5, 1, 60)]
        {
            // SAFETY: both skbs are valid and owned
            // (Skb invariant), and not shared.
            unsafe { b::oxip_skb_set_ip_summed(a, summed) };
            // SAFETY: as above.
            unsafe { b::oxip_skb_set_ip_summed(c, summed) };
            // SAFETY: as above.
            unsafe { b::oxip_skb_set_tstamp(a, tstamp) };
            // SAFETY: as above.
            unsafe { b::oxip_skb_set_tstamp(c, tstamp) };
            // SAFETY: as above.
            unsafe { field::forward_csum(a) };
            // SAFETY: as above.
            unsafe { b::oxip_skb_forward_csum(c) };
            // SAFETY: as above.
            unsafe { field::clear_tstamp(a) };
            // SAFETY: as above.
            unsafe { b::oxip_skb_clear_tstamp(c) };
            // SAFETY: as above.
            unsafe { field::set_priority(a, prio) };
            // SAFETY: as above.
            unsafe { b::oxip_skb_set_priority(c, prio) };
            // SAFETY: as above.
            unsafe { field::set_transport_header(a, off) };
            // SAFETY: as above.
            unsafe { b::oxip_skb_set_transport_header(c, c_int::from(off)) };
            // SAFETY: as above; C reads the fields back.
            let ra = (
                // SAFETY: as above.
                unsafe { b::oxip_skb_ip_summed(a) },
                // SAFETY: as above.
                unsafe { b::oxip_skb_tstamp(a) },
                // SAFETY: as above.
                unsafe { b::oxip_skb_priority(a) },
                // SAFETY: as above.
                unsafe { b::oxip_skb_transport_header(a) },
            );
            // SAFETY: as above.
            let rc = (
                // SAFETY: as above.
                unsafe { b::oxip_skb_ip_summed(c) },
                // SAFETY: as above.
                unsafe { b::oxip_skb_tstamp(c) },
                // SAFETY: as above.
                unsafe { b::oxip_skb_priority(c) },
                // SAFETY: as above.
                unsafe { b::oxip_skb_transport_header(c) },
            );
            same &= ra == rc;
        }
        same
    }

    /// Whether the field readers (`field`, `NetDevice::net`,
    /// `NetDevice::in_dev`) read what the kernel's inline functions return,
    /// on this skb and on `init_net`'s loopback device.
    pub(crate) fn fields_match_c(&self) -> bool {
        let p = self.as_ptr();
        let mut len: core::ffi::c_uint = 0;
        // SAFETY: `p` is valid (Skb invariant); `len` is writable.
        let c_nl = unsafe { b::oxip_skb_network_linear(p, &mut len) };
        // SAFETY: `p` is valid (Skb invariant).
        let nl = unsafe { field::network_linear(p) };
        // SAFETY: `p` is valid (Skb invariant).
        let c_pt = unsafe { b::oxip_skb_pkt_type(p) };
        // SAFETY: `p` is valid (Skb invariant).
        let pt = unsafe { field::pkt_type(p) };
        // SAFETY: `p` is valid (Skb invariant).
        let c_dev = unsafe { b::oxip_skb_dev(p) };
        // SAFETY: `p` is valid (Skb invariant).
        let dev = unsafe { field::dev(p) };
        // SAFETY: `p` is valid (Skb invariant).
        let c_cb = unsafe { b::oxip_ipcb(p) };
        // SAFETY: `p` is valid (Skb invariant).
        let cb = unsafe { field::ipcb(p) };
        // SAFETY: `p` is valid (Skb invariant); a KUnit skb has no dst.
        let c_rt = unsafe { b::oxip_skb_rtable(p) };
        // SAFETY: `p` is valid (Skb invariant).
        let rt = unsafe { field::rtable(p) };
        // SAFETY: `p` is valid (Skb invariant).
        let c_dst = unsafe { b::oxip_skb_dst(p) };
        // SAFETY: `p` is valid (Skb invariant).
        let dst = unsafe { field::dst(p) };
        // SAFETY: `p` is valid (Skb invariant).
        let c_off = unsafe { b::oxip_skb_network_offset(p) };
        // SAFETY: as above.
        let c_iif = unsafe { b::oxip_skb_iif(p) };
        // SAFETY: as above.
        let c_sk = unsafe { b::oxip_skb_has_sk(p) };
        // SAFETY: as above.
        let c_ra = unsafe { b::oxip_ipcb_router_alert(p) };
        // SAFETY: as above.
        let c_sr = unsafe { b::oxip_ipcb_is_strictroute(p) };
        // SAFETY: as above.
        let off = unsafe { field::network_offset(p) };
        // SAFETY: as above.
        let iif = unsafe { field::iif(p) };
        // SAFETY: as above.
        let sk = unsafe { field::has_sk(p) };
        // SAFETY: as above; IPCB points into its cb.
        let ra = unsafe { (*field::ipcb(p)).opt.router_alert != 0 };
        // SAFETY: as above.
        let sr = unsafe { (*field::ipcb(p)).opt.is_strictroute() != 0 };
        let same = (c_off, c_iif, c_sk, c_ra, c_sr) == (off, iif, sk, ra, sr);
        let n = Net::init();
        let init = n.as_ptr();
        // SAFETY: init_net is live.
        let c_rules = unsafe { b::oxip_fib4_has_custom_rules(init) };
        // SAFETY: as above.
        let c_local = unsafe { b::oxip_fib_has_custom_local_routes(init) };
        // SAFETY: as above.
        let c_prio = unsafe { b::oxip_net_fwd_update_priority(init) };
        // SAFETY: as above.
        let c_pmtu = unsafe { b::oxip_net_fwd_use_pmtu(init) };
        let net_same = (c_rules, c_local, c_prio, c_pmtu)
            == (
                n.fib4_has_custom_rules(),
                n.fib_has_custom_local_routes(),
                n.fwd_update_priority(),
                n.fwd_use_pmtu(),
            );
        let g = RcuRead::lock();
        // SAFETY: init_net's loopback device lives as long as init_net.
        let lo = unsafe { (*Net::init().as_ptr()).loopback_dev };
        // SAFETY: as above.
        let lo_dev = unsafe { NetDevice::from_raw(lo) };
        // SAFETY: `lo` is live (above).
        let c_net = unsafe { b::oxip_dev_net(lo) };
        // SAFETY: `lo` is live (above), under the RCU read side `g`.
        let c_in = unsafe { b::oxip_in_dev_get_rcu(lo) };
        let in_dev = lo_dev
            .in_dev(&g)
            .map_or(core::ptr::null(), core::ptr::from_ref);
        same && net_same
            && nl == (c_nl, len)
            && pt == c_pt
            && dev == c_dev
            && cb == c_cb
            && rt == c_rt
            && dst == c_dst
            && lo_dev.net().as_ptr() == c_net
            && in_dev.cast::<b::in_device>() == c_in.cast_const()
    }
}

impl Drop for Skb {
    fn drop(&mut self) {
        // SAFETY: we own this reference (Skb invariant); no path reaches here
        // after `into_raw`. A free here is a bug elsewhere, but never a leak.
        unsafe {
            b::oxip_kfree_skb_reason(self.as_ptr(), reason::to_kernel(DropReason::NotSpecified))
        };
    }
}

impl RcvSkb for Skb {
    fn pkt_type(&self) -> PktType {
        // SAFETY: `self.ptr` is valid (Skb invariant).
        PktType::from_raw(unsafe { field::pkt_type(self.as_ptr()) })
    }
    fn len(&self) -> u32 {
        // SAFETY: `self.ptr` is valid (Skb invariant).
        unsafe { (*self.as_ptr()).len }
    }
    fn is_gso(&self) -> bool {
        // SAFETY: `self.ptr` is valid (Skb invariant).
        unsafe { field::gso_size(self.as_ptr()) != 0 }
    }
    fn is_gso_tcp(&self) -> bool {
        // SAFETY: `self.ptr` is valid (Skb invariant).
        unsafe { b::oxip_skb_is_gso_tcp(self.as_ptr()) }
    }
    fn gso_segs(&self) -> u16 {
        // SAFETY: `self.ptr` is valid (Skb invariant).
        unsafe { field::gso_segs(self.as_ptr()) }
    }
    fn count_otherhost_dropped(&mut self) {
        self.dev(&RcuRead::lock())
            .core_stats_rx_otherhost_dropped_inc();
    }
    fn share_check(&mut self) -> bool {
        // skb_share_check's inline test: an skb of one user is returned
        // as it is.
        // SAFETY: `self.ptr` is valid (Skb invariant).
        let p = if unsafe { field::unshared(self.as_ptr()) } {
            self.as_ptr()
        } else {
            // SAFETY: we own the reference; skb_share_check consumes it and
            // returns ours (maybe a clone) or NULL after freeing it.
            unsafe { b::oxip_skb_share_check(self.as_ptr()) }
        };
        match NonNull::new(p) {
            Some(p) => {
                // INVARIANT: skb_share_check returned an unshared skb we own.
                self.ptr = p;
                // `skb->protocol = htons(ETH_P_IP)` once the skb is ours
                // alone: frames of oxip's ethertype and retagged takeover
                // frames carry IPv4, and L4 expects ETH_P_IP (every other
                // skb oxip receives has it already). Writing it before
                // would change the skb another handler of the same
                // ethertype (a packet socket) still holds.
                // SAFETY: `self.ptr` is valid, owned and unshared now.
                unsafe { field::set_protocol(p.as_ptr(), (b::ETH_P_IP as u16).to_be()) };
                true
            }
            None => false,
        }
    }
    fn may_pull(&mut self, len: usize) -> bool {
        let Ok(len) = u32::try_from(len) else {
            return false;
        };
        // pskb_may_pull's inline fast path: the bytes are linear already.
        // SAFETY: `self.ptr` is valid (Skb invariant).
        if len <= unsafe { field::headlen(self.as_ptr()) } {
            return true;
        }
        // SAFETY: `self.ptr` is valid and owned (Skb invariant).
        unsafe { b::oxip_pskb_may_pull(self.as_ptr(), len) }
    }
    fn network_header(&self) -> &[u8] {
        self.header_slice()
    }
    fn trim_rcsum(&mut self, len: u32) -> bool {
        // pskb_trim_rcsum's inline fast path: nothing to trim.
        if len >= RcvSkb::len(self) {
            return true;
        }
        // SAFETY: `self.ptr` is valid and owned (Skb invariant; unshared after share_check).
        unsafe { b::oxip_pskb_trim_rcsum(self.as_ptr(), len) == 0 }
    }
    #[inline(always)]
    fn finish_rcv_core(&mut self, ihl_len: usize) {
        let p = self.as_ptr();
        let off = u16::try_from(ihl_len).unwrap_or(0);
        // SAFETY: `p` is valid and owned (Skb invariant); the header is
        // linear (pulled).
        unsafe { field::set_transport_header(p, off) };
        self.ipcb_mut().reset();
        // SAFETY: `p` is valid (Skb invariant). No destructor and no
        // socket (every forwarded frame): neither call has work to do.
        if unsafe { field::orphaned(p) } {
            return;
        }
        // SAFETY: `p` is valid (Skb invariant).
        if !unsafe { b::oxip_skb_sk_is_prefetched(p) } {
            // SAFETY: `p` is valid and owned (Skb invariant).
            unsafe { b::oxip_skb_orphan(p) };
        }
    }
}

/// An skb on the receive path, with the RCU read side that path holds: the
/// core's receive and forward steps ask it about its device, route and
/// netns without a read lock of their own per question.
pub(crate) struct RcuSkb<'s, 'g> {
    skb: &'s mut Skb,
    g: &'g RcuRead,
    cache: Option<CacheCtx<'g>>,
}

/// The route cache as one receive step sees it: the cache, this CPU's
/// slots, the BH-off token they need, and the FIB sequence of the skb's
/// netns.
#[derive(Clone, Copy)]
pub(crate) struct CacheCtx<'g> {
    /// The published cache.
    pub(crate) cache: &'g RouteCache,
    /// This CPU's slots (BHs are off for the step).
    pub(crate) cpu: &'g CpuRoutes,
    /// This CPU, for its admission tags.
    pub(crate) this: ThisCpu<'g>,
    /// The netns' FIB change sequence, read before the lookup.
    pub(crate) seq: u32,
}

impl Skb {
    /// This skb, read under `g` for as long as the borrow.
    pub(crate) fn under<'s, 'g>(&'s mut self, g: &'g RcuRead) -> RcuSkb<'s, 'g> {
        RcuSkb {
            skb: self,
            g,
            cache: None,
        }
    }
}

impl<'g> RcuSkb<'_, 'g> {
    /// The same, with the route cache on.
    pub(crate) fn with_route_cache(mut self, c: Option<CacheCtx<'g>>) -> Self {
        self.cache = c;
        self
    }
}

impl FinishSkb for RcuSkb<'_, '_> {
    fn pkt_type(&self) -> PktType {
        RcvSkb::pkt_type(&*self.skb)
    }
    fn len(&self) -> u32 {
        RcvSkb::len(&*self.skb)
    }
    fn network_header(&self) -> &[u8] {
        self.skb.header_slice()
    }
    fn has_valid_dst(&self) -> bool {
        // SAFETY: `self.skb.ptr` is valid (Skb invariant); its dst is live
        // under `self.g`.
        unsafe { field::valid_dst(self.skb.as_ptr()) }
    }
    fn has_dst(&self) -> bool {
        !self.skb.dst_ptr().is_null()
    }
    fn has_in_dev(&self) -> bool {
        self.skb.in_dev(self.g).is_some()
    }
    fn route_localnet(&self) -> bool {
        let g = self.g;
        self.skb
            .in_dev(g)
            .is_some_and(|d| d.route_localnet(self.skb.net(g)))
    }
    fn source_policy(&self) -> route::SourcePolicy {
        let g = self.g;
        let net = self.skb.net(g);
        let in_dev = self.skb.in_dev(g);
        // SAFETY: `self.skb.ptr` is valid (Skb invariant).
        let secpath = unsafe { field::secpath_exists(self.skb.as_ptr()) };
        route::SourcePolicy {
            rp_filter: !secpath && in_dev.is_some_and(InDevice::rp_filter),
            tclassid_users: net.fib_has_tclassid_users(),
            accept_local: in_dev.is_some_and(InDevice::accept_local),
            custom_local_routes: net.fib_has_custom_local_routes(),
            custom_rules: net.fib4_has_custom_rules(),
        }
    }
    fn is_local_addr(&self, saddr: Ipv4Address) -> Option<bool> {
        // Native asks the interface address hash only. `__ip_dev_find` asks
        // it first and then the local table, whose kernel-made local routes
        // are the addresses themselves (on their device) and the prefixes of
        // addresses on loopback devices. So a non-loopback device means an
        // address of this netns; a loopback device may be either, and the
        // full lookup decides.
        let g = self.g;
        match self.skb.net(g).ip_dev_find(saddr, g) {
            None => Some(false),
            Some(d) if d.is_loopback() => None,
            Some(_) => Some(true),
        }
    }
    fn route_input(
        &mut self,
        daddr: Ipv4Address,
        saddr: Ipv4Address,
        dscp: u8,
    ) -> Result<(), DropReason> {
        // SAFETY: `self.skb.ptr` is valid and owned, `dev` its receiving device;
        // called under the RCU read lock as ip_route_input_noref requires.
        let r = unsafe {
            b::ip_route_input_noref(
                self.skb.as_ptr(),
                daddr.to_be32(),
                saddr.to_be32(),
                dscp,
                self.skb.dev_ptr(),
            )
        };
        match r {
            0 => Ok(()),
            k => Err(reason::from_kernel(k)),
        }
    }
    type HintSkb<'h> = &'h Skb;
    fn copy_hint_dst(&mut self, hint: &&Skb) {
        // This skb has no dst yet; a noref dst is copied as such, as
        // ip_route_use_hint does, under the receive path's RCU read lock.
        // SAFETY: both skbs are valid (Skb invariant); the hint skb is
        // borrowed, so it and its dst outlive this call.
        unsafe { b::oxip_skb_dst_copy(self.skb.as_ptr(), hint.as_ptr()) };
    }
    fn route_cache_seq(&self) -> Option<u32> {
        self.cache.map(|c| c.seq)
    }
    fn route_cache_in_miss_run(&mut self) -> bool {
        self.cache.is_some_and(|c| c.cpu.in_miss_run())
    }
    fn route_cache_skip(&mut self, daddr: Ipv4Address, tos: u8) -> bool {
        self.cache
            .is_some_and(|c| c.cache.skip(c.this, c.cpu, self.skb, daddr, tos))
    }
    fn route_cache_get(
        &mut self,
        daddr: Ipv4Address,
        tos: u8,
        saddr: Ipv4Address,
        seq: u32,
        source_ok: impl FnOnce(&Self) -> bool,
    ) -> CacheLookup {
        let Some(c) = self.cache else {
            return CacheLookup::Miss;
        };
        let r = match c.cpu.lookup(self.skb, self.g, daddr, tos, seq) {
            Ok(r) => r,
            Err(a) => return a,
        };
        if !r.checked_for(saddr) && !source_ok(self) {
            return CacheLookup::Refused;
        }
        r.attach(self.skb, self.g, saddr);
        CacheLookup::Hit
    }
    fn route_cache_put(&mut self, daddr: Ipv4Address, tos: u8, saddr: Ipv4Address, seq: u32) {
        if let Some(c) = self.cache {
            c.cache
                .put(c.this, c.cpu, self.skb, self.g, daddr, tos, saddr, seq);
        }
    }
    fn multipath(&self) -> bool {
        self.skb.ipcb().multipath()
    }
    fn mark_nopolicy(&mut self) {
        let g = self.g;
        if self.skb.in_dev(g).is_some_and(|d| d.nopolicy()) {
            self.skb
                .ipcb_mut()
                .set_flag(b::oxip_consts_OXIP_IPSKB_NOPOLICY);
        }
    }
    fn route(&self) -> Option<RouteView> {
        let g = self.g;
        self.skb.rtable(g).map(Rtable::view)
    }
    fn cow(&mut self) -> bool {
        // SAFETY: `self.skb.ptr` is valid and owned (Skb invariant).
        let headroom = unsafe { b::oxip_skb_headroom(self.skb.as_ptr()) };
        // SAFETY: `self.skb.ptr` is valid and owned (Skb invariant).
        unsafe { b::oxip_skb_cow(self.skb.as_ptr(), headroom) == 0 }
    }
    fn options_compile(&mut self, optlen: u8) -> Result<bool, OptionsError> {
        let p = self.skb.as_ptr();
        let net = self.skb.net_ptr();
        let cb = self.skb.ipcb_mut().as_ptr();
        // SAFETY: `cb` is IPCB(skb) of our owned skb (IpcbMut invariant),
        // valid for writes.
        unsafe { (*cb).opt.optlen = optlen };
        // The header is linear and writable after `cow`.
        // SAFETY: `net` (the receiving device's), the options in our cb and
        // the skb are valid (Skb, IpcbMut invariants).
        let r = unsafe { b::ip_options_compile(net, core::ptr::addr_of_mut!((*cb).opt), p) };
        if r != 0 {
            return Err(OptionsError::Compile);
        }
        Ok(self.skb.ipcb().srr() != 0)
    }
    fn source_route_allowed(&self) -> bool {
        let g = self.g;
        self.skb.in_dev(g).is_none_or(|d| d.source_route())
    }
    fn options_rcv_srr(&mut self) -> bool {
        // SAFETY: the skb is valid and owned, routed, its options compiled.
        unsafe { b::ip_options_rcv_srr(self.skb.as_ptr(), self.skb.dev_ptr()) == 0 }
    }
    fn drop_unicast_in_l2_multicast(&self) -> bool {
        let g = self.g;
        self.skb
            .in_dev(g)
            .is_some_and(|d| d.drop_unicast_in_l2_multicast())
    }
}

/// A C list of skbs this code owns, borrowed (a `list_func`'s list, or a
/// [`ListHead`]'s).
///
/// # Invariants
///
/// `head` is an initialised list of owned skbs for `'a`, linked only
/// through this value meanwhile.
pub(crate) struct SkbList<'a> {
    head: *mut b::list_head,
    _l: core::marker::PhantomData<&'a mut b::list_head>,
}

impl SkbList<'_> {
    /// Borrows the list at `head`.
    ///
    /// # Safety
    ///
    /// `head` is an initialised list of skbs the caller owns and gives to
    /// this value for `'a`.
    pub(super) unsafe fn from_raw<'a>(head: *mut b::list_head) -> SkbList<'a> {
        // INVARIANT: the caller's contract.
        SkbList {
            head,
            _l: core::marker::PhantomData,
        }
    }

    /// Removes and returns the first skb.
    pub(crate) fn pop(&mut self) -> Option<Skb> {
        // SAFETY: `head` is an initialised list of owned skbs (SkbList invariant).
        let p = unsafe { b::oxip_skb_list_pop(self.head) };
        // SAFETY: the popped skb is unlinked and its reference passes to the `Skb`.
        unsafe { Skb::from_raw(p) }
    }
}

/// `struct sock *` of an okfn, handed on to `dst_output` untouched.
///
/// # Invariants
///
/// Null or the socket the netfilter hook was called with.
#[derive(Clone, Copy)]
pub(crate) struct SockPtr(pub(super) *mut b::sock);

impl SockPtr {
    /// No socket: what `NF_HOOK` passes its okfn on the receive and
    /// forward paths.
    pub(crate) fn none() -> Self {
        // INVARIANT: null.
        SockPtr(core::ptr::null_mut())
    }
}

/// `IPCB(skb)`, read: the `struct inet_skb_parm` in an skb's `cb`.
///
/// # Invariants
///
/// `skb` is valid (its `Skb` invariant), so `IPCB(skb)` points into its cb.
pub(crate) struct Ipcb<'a> {
    skb: &'a Skb,
}

impl Ipcb<'_> {
    fn cb(&self) -> *mut b::inet_skb_parm {
        // SAFETY: `skb` is valid (Ipcb invariant).
        unsafe { field::ipcb(self.skb.as_ptr()) }
    }

    /// `IPCB(skb)->flags`.
    pub(crate) fn flags(&self) -> u16 {
        let cb = self.cb();
        // SAFETY: `cb` points into the skb's cb (Ipcb invariant).
        unsafe { (*cb).flags }
    }

    fn has(&self, flag: u32) -> bool {
        // CAST: IPSKB_* flags fit in IPCB's u16.
        self.flags() & (flag as u16) != 0
    }

    /// `IPCB(skb)->flags & IPSKB_MULTIPATH`.
    pub(crate) fn multipath(&self) -> bool {
        self.has(b::oxip_consts_OXIP_IPSKB_MULTIPATH)
    }

    /// `IPCB(skb)->flags & IPSKB_FORWARDED`.
    pub(crate) fn forwarded(&self) -> bool {
        self.has(b::oxip_consts_OXIP_IPSKB_FORWARDED)
    }

    /// `IPCB(skb)->flags & IPSKB_DOREDIRECT`.
    pub(crate) fn doredirect(&self) -> bool {
        self.has(b::oxip_consts_OXIP_IPSKB_DOREDIRECT)
    }

    /// `IPCB(skb)->opt.optlen`.
    pub(crate) fn optlen(&self) -> u8 {
        let cb = self.cb();
        // SAFETY: `cb` points into the skb's cb (Ipcb invariant).
        unsafe { (*cb).opt.optlen }
    }

    /// `IPCB(skb)->opt.srr`.
    pub(crate) fn srr(&self) -> u8 {
        let cb = self.cb();
        // SAFETY: `cb` points into the skb's cb (Ipcb invariant).
        unsafe { (*cb).opt.srr }
    }

    /// `IPCB(skb)->frag_max_size`.
    pub(crate) fn frag_max_size(&self) -> u16 {
        let cb = self.cb();
        // SAFETY: `cb` points into the skb's cb (Ipcb invariant).
        unsafe { (*cb).frag_max_size }
    }

    /// `IPCB(skb)->opt.router_alert`.
    pub(crate) fn router_alert(&self) -> bool {
        // SAFETY: `cb()` points into a valid skb's cb (Ipcb invariant).
        unsafe { (*self.cb()).opt.router_alert != 0 }
    }

    /// `IPCB(skb)->opt.is_strictroute`.
    pub(crate) fn is_strictroute(&self) -> bool {
        // SAFETY: `cb()` points into a valid skb's cb (Ipcb invariant).
        unsafe { (*self.cb()).opt.is_strictroute() != 0 }
    }

    /// The `struct ip_options` fields `ip_forward_options()` reads.
    pub(crate) fn forward_options(&self) -> ForwardOptions {
        let p = self.skb.as_ptr();
        let cb = self.cb();
        // SAFETY: `cb` points into the skb's cb (Ipcb invariant), borrowed
        // for as long as the skb is (the Ipcb view borrows it).
        let opt = unsafe { &(*cb).opt };
        let (rr, srr, ts, nexthop) = (opt.rr, opt.srr, opt.ts, opt.nexthop);
        ForwardOptions {
            rr,
            // SAFETY: `p` is valid (Ipcb invariant); a bitfield read of its cb.
            rr_needaddr: unsafe { b::oxip_ipcb_rr_needaddr(p) },
            srr,
            // SAFETY: `p` is valid (Ipcb invariant); a bitfield read of its cb.
            srr_is_hit: unsafe { b::oxip_ipcb_srr_is_hit(p) },
            ts,
            // SAFETY: `p` is valid (Ipcb invariant); a bitfield read of its cb.
            ts_needaddr: unsafe { b::oxip_ipcb_ts_needaddr(p) },
            nexthop: Ipv4Address::from_be32(nexthop),
            // SAFETY: `p` is valid (Ipcb invariant); a bitfield read of its cb.
            is_changed: unsafe { b::oxip_ipcb_is_changed(p) },
        }
    }
}

/// `IPCB(skb)`, written.
///
/// # Invariants
///
/// `skb` is valid and owned (its `Skb` invariant) and borrowed exclusively,
/// so `IPCB(skb)` points into a cb nobody else reads meanwhile.
pub(crate) struct IpcbMut<'a> {
    skb: &'a mut Skb,
}

impl IpcbMut<'_> {
    fn as_ptr(&self) -> *mut b::inet_skb_parm {
        // SAFETY: `skb` is valid (IpcbMut invariant).
        unsafe { field::ipcb(self.skb.as_ptr()) }
    }

    /// `memset(IPCB(skb), 0, ...)` and `IPCB(skb)->iif = skb->skb_iif`.
    fn reset(&mut self) {
        let cb = self.as_ptr();
        // SAFETY: `cb` is valid for writes of one inet_skb_parm (IpcbMut invariant).
        unsafe { core::ptr::write_bytes(cb, 0, 1) };
        // SAFETY: the skb is valid (IpcbMut invariant).
        let iif = unsafe { field::iif(self.skb.as_ptr()) };
        // SAFETY: `cb` is valid for writes (IpcbMut invariant).
        unsafe { (*cb).iif = iif };
    }

    /// `IPCB(skb)->flags |= flag`.
    fn set_flag(&mut self, flag: u32) {
        let cb = self.as_ptr();
        // CAST: IPSKB_* flags fit in IPCB's u16.
        let flag = flag as u16;
        // SAFETY: `cb` is valid for writes (IpcbMut invariant).
        unsafe { (*cb).flags |= flag };
    }

    /// `IPCB(skb)->flags |= IPSKB_FORWARDED`.
    pub(crate) fn set_forwarded(&mut self) {
        self.set_flag(b::oxip_consts_OXIP_IPSKB_FORWARDED);
    }

    /// `IPCB(skb)->opt.is_changed = 0`.
    pub(crate) fn clear_is_changed(&mut self) {
        // SAFETY: the skb is valid and owned (IpcbMut invariant).
        unsafe { b::oxip_ipcb_clear_is_changed(self.skb.as_ptr()) };
    }
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
    pub(super) fn as_ptr(&self) -> *mut b::list_head {
        self.head.get()
    }
    /// Appends `skb`.
    pub(crate) fn push(&self, skb: Skb) {
        let p = skb.into_raw();
        // SAFETY: `p` is an owned skb not on any list; `head` is initialised
        // (ListHead invariant); `ListHead` is not `Sync`, so no one else links.
        unsafe { b::oxip_skb_list_add_tail(p, self.as_ptr()) };
    }
    /// Removes and returns the first skb.
    pub(crate) fn pop(&self) -> Option<Skb> {
        // SAFETY: `head` is an initialised list of owned skbs (ListHead
        // invariant), not `Sync`, so linked only through `self` here.
        unsafe { SkbList::from_raw(self.as_ptr()) }.pop()
    }
    /// The list, to hand to code that pops from an [`SkbList`].
    pub(crate) fn as_list(&self) -> SkbList<'_> {
        // SAFETY: `head` is an initialised list of owned skbs (ListHead
        // invariant), lent for the borrow of `self`.
        unsafe { SkbList::from_raw(self.as_ptr()) }
    }

    /// `list_empty`.
    pub(crate) fn is_empty(&self) -> bool {
        // SAFETY: `head` is initialised (ListHead invariant).
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

impl Skb {
    /// The header's saddr and daddr.
    fn addrs(&self) -> Option<(Ipv4Address, Ipv4Address)> {
        let h = Packet::new_checked(RcvSkb::network_header(self)).ok()?;
        Some((h.saddr(), h.daddr()))
    }

    /// C: net/ipv4/ip_options.c, `ip_forward_options()`: the core fills the
    /// option slots, asking [`Rtable::get_source`] for this router's address.
    pub(crate) fn forward_options(&mut self) {
        let o = self.ipcb().forward_options();
        let Ok(h) = Packet::new_checked(RcvSkb::network_header(self)) else {
            return;
        };
        let (saddr, tos) = (h.saddr(), h.tos());
        let mark = self.mark();
        let g = RcuRead::lock();
        let iif = self.cur_dev(&g).ifindex();
        // The route is borrowed for as long as `g`, not from `self`: the
        // header write below cannot free it.
        let Some(rt) = self.rtable(&g) else { return };
        let Some(Ok(mut iph)) = self.ip_header_mut().map(Packet::new_checked) else {
            return;
        };
        if options::ip_forward_options(&mut iph, &o, |daddr| {
            rt.get_source(daddr, saddr, tos, iif, mark)
        }) {
            self.ipcb_mut().clear_is_changed();
        }
    }
}

impl ForwardSkb for RcuSkb<'_, '_> {
    fn pkt_type(&self) -> PktType {
        RcvSkb::pkt_type(&*self.skb)
    }
    fn has_sk(&self) -> bool {
        // SAFETY: `self.skb.ptr` is valid (Skb invariant).
        unsafe { field::has_sk(self.skb.as_ptr()) }
    }
    fn warn_if_lro(&self) -> bool {
        let p = self.skb.as_ptr();
        // skb_warn_if_lro's inline test: only a nonlinear skb with a
        // gso_size can be LRO's; C checks (and warns) the rest.
        // SAFETY: `p` is valid (Skb invariant): plain field reads.
        if unsafe { (*p).data_len == 0 || field::gso_size(p) == 0 } {
            return false;
        }
        // SAFETY: `p` is valid (Skb invariant).
        unsafe { b::oxip_skb_warn_if_lro(p) }
    }
    fn xfrm_policy_ok(&mut self) -> bool {
        // `__xfrm_policy_check2()`'s first test that passes, made inline:
        // with no secpath there is no offload state to look at, and
        // `__xfrm_check_nopolicy()` holds when the namespace has no
        // forward policy and accepts by default. C makes every other case.
        // SAFETY: `self.skb.ptr` is valid (Skb invariant).
        let sp = unsafe { field::secpath_exists(self.skb.as_ptr()) };
        if !sp && self.skb.net(self.g).xfrm_no_fwd_policy() {
            return true;
        }
        // SAFETY: `self.skb.ptr` is valid and owned (Skb invariant).
        unsafe { b::oxip_xfrm4_policy_check_fwd(self.skb.as_ptr()) }
    }
    fn router_alert_listened(&self) -> bool {
        self.skb.ipcb().router_alert() && !self.skb.net(self.g).ra_chain_empty()
    }
    fn forward_csum(&mut self) {
        // SAFETY: `self.skb.ptr` is valid and owned (Skb invariant).
        unsafe { field::forward_csum(self.skb.as_ptr()) };
    }
    fn ttl(&self) -> u8 {
        Packet::new_checked(RcvSkb::network_header(&*self.skb))
            .map(|h| h.ttl())
            .unwrap_or(0)
    }
    #[inline(always)]
    fn xfrm_route_ok(&mut self) -> bool {
        // `xfrm_route_forward()`'s first test, made inline.
        if self.skb.net(self.g).xfrm_no_out_policy() {
            return true;
        }
        // SAFETY: `self.skb.ptr` is valid and owned (Skb invariant).
        unsafe { b::oxip_xfrm4_route_forward(self.skb.as_ptr()) }
    }
    fn strict_route_via_gateway(&self) -> bool {
        let g = self.g;
        self.skb.ipcb().is_strictroute() && self.skb.rtable(g).is_some_and(Rtable::uses_gateway)
    }
    fn mark_forwarded(&mut self) {
        self.skb.ipcb_mut().set_forwarded();
    }
    #[inline(always)]
    fn forward_mtu(&self) -> u32 {
        let g = self.g;
        self.skb.rtable(g).map_or(0, ip_dst_mtu_maybe_forward)
    }
    fn len(&self) -> u32 {
        RcvSkb::len(&*self.skb)
    }
    fn mtu_check(&self) -> MtuCheck {
        let h = Packet::new_checked(RcvSkb::network_header(&*self.skb));
        let p = self.skb.as_ptr();
        MtuCheck {
            len: RcvSkb::len(&*self.skb),
            df: h.is_ok_and(|h| h.dont_frag()),
            frag_max_size: u32::from(self.skb.ipcb().frag_max_size()),
            // SAFETY: `p` is valid (Skb invariant).
            ignore_df: unsafe { field::ignore_df(p) },
            // SAFETY: as above.
            gso: unsafe { field::gso_size(p) } != 0,
        }
    }
    fn gso_fits(&self, mtu: u32) -> bool {
        // SAFETY: `self.skb.ptr` is a valid GSO skb (Skb invariant; the core
        // asks only for GSO skbs).
        unsafe { b::skb_gso_validate_network_len(self.skb.as_ptr(), mtu) }
    }
    fn icmp_send(&mut self, icmp_type: u8, code: u8, info: u32) {
        // SAFETY: `self.skb.ptr` is a valid received skb with its IPCB set up
        // (Skb invariant); icmp_send does not take ownership.
        unsafe {
            b::oxip_icmp_send(
                self.skb.as_ptr(),
                c_int::from(icmp_type),
                c_int::from(code),
                info.to_be(),
            )
        };
    }
    fn cow_for_output(&mut self) -> bool {
        let g = self.g;
        let Some(rt) = self.skb.rtable(g) else {
            return false;
        };
        self.skb.cow_for_dst(rt.dst())
    }
    #[inline(always)]
    fn header_mut(&mut self) -> Option<&mut [u8]> {
        self.skb.ip_header_mut()
    }
    fn wants_redirect(&self) -> bool {
        let cb = self.skb.ipcb();
        // SAFETY: `self.skb.ptr` is valid (Skb invariant).
        cb.doredirect() && cb.srr() == 0 && !unsafe { field::secpath_exists(self.skb.as_ptr()) }
    }
    fn send_redirect(&mut self) {
        let Some((saddr, daddr)) = self.skb.addrs() else {
            return;
        };
        let (gw, key) = {
            let g = self.g;
            let Some(rt) = self.skb.rtable(g) else {
                return;
            };
            let dev = rt.dst().dev();
            match dev.in_dev(g) {
                Some(d) if d.tx_redirects() => {}
                _ => return,
            }
            let vif = dev.l3mdev_master_ifindex_rcu();
            (
                rt.nexthop(daddr),
                route::redirect_key(dev.net().id(), saddr, vif),
            )
        };
        let limits = RedirectLimits::defaults(time::hz());
        let now = time::jiffies();
        let send = with_redirect_peers(|p| {
            p.get(key)
                .is_some_and(|peer| route::redirect_allowed(peer, now, &limits))
        });
        if send {
            ForwardSkb::icmp_send(
                self,
                forward::ICMP_REDIRECT,
                forward::ICMP_REDIR_HOST,
                u32::from_be(gw.to_be32()),
            );
        }
    }
    fn fwd_update_priority(&self) -> bool {
        self.skb.net(self.g).fwd_update_priority()
    }
    fn set_priority(&mut self, prio: u32) {
        // SAFETY: `self.skb.ptr` is valid and owned (Skb invariant).
        unsafe { field::set_priority(self.skb.as_ptr(), prio) };
    }
}
