// SPDX-License-Identifier: GPL-2.0
//! Borrowed views of a packet's route and its receiving `in_device`, tied to
//! an RCU read-side guard so they cannot outlive the read side.
//!
//! C: include/net/route.h (`struct rtable`, `skb_rtable`),
//! include/linux/inetdevice.h (`__in_dev_get_rcu`, `IN_DEV_*`).

use core::ffi::c_int;
use core::ptr::NonNull;

use kernel::prelude::*;

use super::bindings as b;
use super::net::Net;
use super::net::NetDevice;
use super::rcu::RcuRead;
#[cfg(CONFIG_KUNIT)]
use crate::oxip_core::forward::MtuInputs;
use crate::oxip_core::forward::MtuSource;
use crate::oxip_core::rcv::RouteView;
use crate::oxip_core::rcv::RtnType;
use crate::oxip_core::route::RedirectPeers;
use crate::oxip_core::wire;
use crate::oxip_core::wire::Ipv4Address;

/// A `struct rtable` read under RCU.
///
/// # Invariants
///
/// Wraps a live `rtable`; a `&Rtable` is only handed out for the lifetime
/// of an RCU read-side guard.
#[repr(transparent)]
pub(crate) struct Rtable(b::rtable);

impl Rtable {
    /// A route from `skb_rtable(skb)`, borrowed for as long as `_g`: the
    /// skb may be freed meanwhile (handed to C), its route is only freed
    /// after an RCU grace period (`dst_release` -> `call_rcu`), which `_g`
    /// holds off.
    ///
    /// # Safety
    ///
    /// `rt` is null or the route of a valid skb, read while `_g` was held.
    pub(super) unsafe fn from_skb_rtable<'a>(
        rt: *mut b::rtable,
        _g: &'a RcuRead,
    ) -> Option<&'a Rtable> {
        // SAFETY: non-null `rt` is live for the guard's lifetime (the
        // caller's contract); `Rtable` is a transparent wrapper.
        unsafe { (rt as *const Rtable).as_ref() }
    }

    /// The fields the core decides on.
    pub(crate) fn view(&self) -> RouteView {
        let local_deliver: unsafe extern "C" fn(*mut b::sk_buff) -> c_int = b::ip_local_deliver;
        RouteView {
            // CAST: RTN_* values fit in a byte (__RTN_MAX is 12).
            rt_type: RtnType::from_raw(self.0.rt_type as u8),
            rt_flags: self.0.rt_flags,
            input_is_local_deliver: self.0.dst.input.map(|f| f as usize)
                == Some(local_deliver as usize),
            lwtstate: !self.0.dst.lwtstate.is_null(),
        }
    }

    /// The raw route, for C calls that take it.
    pub(super) fn as_ptr(&self) -> *const b::rtable {
        &self.0
    }

    /// `&rt->dst`, borrowed as long as the route.
    pub(crate) fn dst(&self) -> &Dst {
        // SAFETY: `Dst` is a transparent wrapper of the embedded dst_entry,
        // live as long as `self` (Rtable invariant).
        unsafe { &*(&raw const self.0.dst).cast::<Dst>() }
    }

    /// `rt_is_output_route(rt)`: a route from an output lookup (multicast
    /// forwarding's `ip_route_output_ports`), not from `ip_route_input`.
    pub(crate) fn is_output_route(&self) -> bool {
        // SAFETY: `self` is a live rtable (Rtable invariant).
        unsafe { b::oxip_rt_is_output_route(self.as_ptr()) }
    }

    /// `rt->rt_uses_gateway`.
    pub(crate) fn uses_gateway(&self) -> bool {
        self.0.rt_uses_gateway != 0
    }

    /// `rt_nexthop(rt, daddr)`.
    pub(crate) fn nexthop(&self, daddr: Ipv4Address) -> Ipv4Address {
        // SAFETY: `self` is a live rtable (Rtable invariant).
        let nh = unsafe { b::oxip_rt_nexthop(self.as_ptr(), daddr.to_be32()) };
        Ipv4Address::from_be32(nh)
    }

    /// `u32 rt_mtu_locked:1, rt_pmtu:31;`, read as the word they share.
    fn pmtu_word(&self) -> u32 {
        super::bitfield::first_u32(&self.0._bitfield_1)
    }

    /// Whether [`Rtable::mtu_inputs`] reads what C's inline functions
    /// read (the expiry where it counts), for the KUnit test of the field
    /// readers.
    #[cfg(CONFIG_KUNIT)]
    pub(crate) fn mtu_inputs_match_c(&self) -> bool {
        let mut m = b::oxip_mtu_inputs::default();
        // SAFETY: the route is live (Rtable invariant); `m` is writable.
        unsafe { b::oxip_rt_mtu_inputs(self.as_ptr(), &mut m) };
        let r = MtuInputs::read(self);
        let fresh_counts = (r.fwd_use_pmtu || r.mtu_locked) && r.rt_pmtu != 0;
        (
            r.mtu_locked,
            r.rt_pmtu,
            r.metric_mtu,
            r.dev_mtu,
            r.lwt_headroom,
        ) == (
            m.mtu_locked,
            m.rt_pmtu,
            m.metric_mtu,
            m.dev_mtu,
            m.lwt_headroom,
        ) && (!fresh_counts || r.pmtu_fresh == m.pmtu_fresh)
    }

    /// C: net/ipv4/route.c, `ip_rt_get_source()`, for `daddr` (the
    /// header's daddr of the moment) of a packet from `saddr` with `tos`,
    /// received on `iif` with `mark`.
    ///
    /// An output route (multicast forwarding's) gives the packet's saddr.
    /// An input route gives the preferred source of a FIB lookup toward
    /// the out device (`fib_lookup`, an inline over the exported
    /// `fib_table_lookup`/`__fib_lookup`), else the out device's address
    /// toward the next hop.
    pub(crate) fn get_source(
        &self,
        daddr: Ipv4Address,
        saddr: Ipv4Address,
        tos: u8,
        iif: i32,
        mark: u32,
    ) -> Ipv4Address {
        if self.is_output_route() {
            return saddr;
        }
        let dev = self.dst().dev();
        let mut fl4 = b::flowi4 {
            daddr: daddr.to_be32(),
            saddr: saddr.to_be32(),
            ..Default::default()
        };
        fl4.__fl_common.flowic_dscp = tos & wire::INET_DSCP_MASK;
        fl4.__fl_common.flowic_oif = dev.ifindex();
        fl4.__fl_common.flowic_iif = iif;
        fl4.__fl_common.flowic_mark = mark;
        let mut res = b::fib_result::default();
        let net = dev.net().as_ptr();
        // The RCU read lock the NOREF result needs is held for as long as
        // `self` is borrowed (Rtable invariant).
        // SAFETY: `net` is live (Net invariant); `fl4` and `res` are ours.
        let src = if unsafe { b::oxip_fib_lookup(net, &mut fl4, &mut res) } == 0 {
            FibResult(&res).prefsrc()
        } else {
            let nh = self.nexthop(daddr).to_be32();
            // SAFETY: the device is live under the same read side (Dst invariant).
            unsafe { b::oxip_inet_select_addr_universe(dev.as_ptr(), nh) }
        };
        Ipv4Address::from_be32(src)
    }
}

/// What `ip_dst_mtu_maybe_forward()` reads of a route, each field read
/// when the core asks for it, as C's inline code reads it: the expiry only
/// where the path MTU counts, the lightweight tunnel (C) only where there
/// is one. KUnit compares every reader with C.
impl MtuSource for Rtable {
    fn fwd_use_pmtu(&self) -> bool {
        self.dst().dev().net().fwd_use_pmtu()
    }
    fn mtu_locked(&self) -> bool {
        // ip_mtu_locked(): the route's own lock bit, or RTAX_LOCK's MTU bit.
        self.pmtu_word() & 1 != 0
            || self.dst().metric_raw::<{ RTAX_LOCK }>() & (1 << b::RTAX_MTU) != 0
    }
    fn rt_pmtu(&self) -> u32 {
        self.pmtu_word() >> 1
    }
    fn pmtu_fresh(&self) -> bool {
        super::time::time_before(super::time::jiffies(), self.dst().expires())
    }
    fn metric_mtu(&self) -> u32 {
        self.dst().metric_raw::<{ RTAX_MTU }>()
    }
    fn dev_mtu(&self) -> u32 {
        self.dst().dev().mtu()
    }
    fn uses_gateway(&self) -> bool {
        Rtable::uses_gateway(self)
    }
    fn lwt_headroom(&self) -> u32 {
        self.dst().lwt_headroom()
    }
}

/// A successful `fib_lookup` result, read under the RCU read lock held
/// since that lookup.
///
/// # Invariants
///
/// `res.fi` and `res.nhc` are live for the borrow.
struct FibResult<'a>(&'a b::fib_result);

impl FibResult<'_> {
    /// C: net/ipv4/fib_semantics.c, `fib_result_prefsrc()` (not exported):
    /// the route's `src`, else the next hop's address, computed as
    /// `fib_info_update_nhc_saddr()` does (the value native caches in
    /// `nh_saddr` for as long as no address changes; the cache is not written).
    fn prefsrc(&self) -> u32 {
        let fi = self.0.fi;
        // SAFETY: `fi` is live (FibResult invariant); a plain field read.
        let prefsrc = unsafe { (*fi).fib_prefsrc };
        // SAFETY: `fi` is live (FibResult invariant); a plain field read.
        let scope = unsafe { (*fi).fib_scope };
        if prefsrc != 0 {
            return prefsrc;
        }
        let nhc = self.0.nhc;
        // SAFETY: `nhc` is live (FibResult invariant); a plain field read.
        let family = unsafe { (*nhc).nhc_family };
        // SAFETY: `nhc` is live (FibResult invariant); a plain field read.
        let dev = unsafe { (*nhc).nhc_dev };
        let gw = if u32::from(family) == b::AF_INET {
            // SAFETY: as the read above; an AF_INET next hop's `fib_nh_gw4`
            // (0 without a gateway), read as native reads it.
            unsafe { (*nhc).nhc_gw.ipv4 }
        } else {
            0
        };
        // SAFETY: `dev` is the next hop's device, live under the read lock
        // (FibResult invariant).
        unsafe { b::inet_select_addr(dev, gw, c_int::from(scope)) }
    }
}

/// A route from an output lookup, held (`ip_route_output_ports` for
/// multicast forwarding).
///
/// # Invariants
///
/// `rt` is a route of which this value holds one reference.
pub(crate) struct OutputRoute {
    rt: NonNull<b::rtable>,
}

impl OutputRoute {
    /// C: net/ipv4/ipmr.c, `ipmr_queue_xmit()`'s lookup: the route out of
    /// `oif` toward `daddr` (`ip_route_output_ports`), or `None`.
    pub(crate) fn multicast(net: &Net, daddr: Ipv4Address, tos: u8, oif: i32) -> Option<Self> {
        // SAFETY: `net` is live (Net invariant); the result is a held route or NULL.
        let rt = unsafe { b::oxip_ip_route_output_mc(net.as_ptr(), daddr.to_be32(), tos, oif) };
        // INVARIANT: a held route.
        NonNull::new(rt).map(|rt| OutputRoute { rt })
    }

    pub(super) fn dst_ptr(&self) -> *mut b::dst_entry {
        // SAFETY: `rt` is held (OutputRoute invariant); a field address.
        unsafe { core::ptr::addr_of_mut!((*self.rt.as_ptr()).dst) }
    }

    /// `dst_mtu(&rt->dst)`.
    pub(crate) fn mtu(&self) -> u32 {
        // SAFETY: the dst is held (OutputRoute invariant).
        unsafe { b::oxip_dst_mtu(self.dst_ptr()) }
    }

    /// Gives up the reference: the caller hands it to C (`skb_dst_set`).
    pub(super) fn into_dst(self) -> *mut b::dst_entry {
        let dst = self.dst_ptr();
        core::mem::forget(self);
        dst
    }
}

/// Whether `a` and `c` carry the same dst fields, as C reads them
/// (`_skb_refdst`, `slow_gro`): the comparison of the dst writers' tests.
#[cfg(CONFIG_KUNIT)]
fn dst_fields_match(a: &super::skb::Skb, c: &super::skb::Skb) -> bool {
    let (pa, pc) = (a.as_ptr(), c.as_ptr());
    (
        // SAFETY: `pa` is valid (Skb invariant).
        unsafe { b::oxip_skb_refdst(pa) },
        // SAFETY: as above.
        unsafe { b::oxip_skb_slow_gro(pa) },
    ) == (
        // SAFETY: `pc` is valid (Skb invariant).
        unsafe { b::oxip_skb_refdst(pc) },
        // SAFETY: as above.
        unsafe { b::oxip_skb_slow_gro(pc) },
    )
}

#[cfg(CONFIG_KUNIT)]
impl OutputRoute {
    /// A new route of init_net's loopback device with the default
    /// metrics (`rt_dst_alloc`), held, for the MTU readers' KUnit test.
    pub(crate) fn loopback_for_test() -> Option<Self> {
        // SAFETY: init_net and its loopback device are live; the result is
        // a route with one reference (ours) or NULL.
        let rt = unsafe { b::oxip_rt_dst_alloc_lo() };
        // INVARIANT: a held route.
        NonNull::new(rt).map(|rt| OutputRoute { rt })
    }

    /// Sets `rt_pmtu`, `rt_mtu_locked` and `dst.expires` of a route no one
    /// else uses yet (the test's own).
    pub(crate) fn set_pmtu_for_test(&mut self, pmtu: u32, locked: bool, expires: u64) {
        // CAST: `unsigned long` is 64 bits here.
        let e = expires as core::ffi::c_ulong;
        // SAFETY: the route is held (OutputRoute invariant) and ours alone.
        unsafe { b::oxip_rt_set_pmtu(self.rt.as_ptr(), pmtu, locked, e) };
    }

    /// Whether `skb::field::set_dst_noref` writes what C's
    /// `skb_dst_set_noref` writes: this route set noref on `a` in Rust and
    /// on `c` in C (two dst-less skbs), compared as C reads them. Both are
    /// left without a dst again.
    pub(crate) fn set_noref_matches_c(
        &self,
        a: &mut super::skb::Skb,
        c: &mut super::skb::Skb,
    ) -> bool {
        let dst = self.dst_ptr();
        let (pa, pc) = (a.as_ptr(), c.as_ptr());
        // C warns without a read side.
        let _g = RcuRead::lock();
        // SAFETY: `pa` is valid, owned and has no dst; the route is held
        // (OutputRoute invariant) past the test.
        unsafe { super::skb::field::set_dst_noref(pa, dst) };
        // SAFETY: as above, for `pc`.
        unsafe { b::oxip_skb_dst_set_noref(pc, dst) };
        let same = dst_fields_match(a, c);
        // SAFETY: owned skbs; a noref dst holds no reference to give back.
        unsafe { b::oxip_skb_clear_refdst(pa) };
        // SAFETY: as above.
        unsafe { b::oxip_skb_clear_refdst(pc) };
        same
    }

    /// Whether `skb::field::replace_dst` does what C's `skb_dst_drop(skb);
    /// skb_dst_set(skb, dst)` does: over a noref dst (this route set on
    /// two dst-less skbs, `a` and `c`), a held reference of this route
    /// replaces it in Rust on `a` and in C on `c`; then NULL replaces the
    /// held one on each (Rust hands it back to be released, C releases
    /// it). The fields are compared as C reads them after each step.
    pub(crate) fn replace_matches_c(
        &self,
        a: &mut super::skb::Skb,
        c: &mut super::skb::Skb,
    ) -> bool {
        let dst = self.dst_ptr();
        let (pa, pc) = (a.as_ptr(), c.as_ptr());
        let _g = RcuRead::lock();
        // SAFETY: `pa` is valid, owned and has no dst; the route is held
        // (OutputRoute invariant) past the test.
        unsafe { super::skb::field::set_dst_noref(pa, dst) };
        // SAFETY: as above, for `pc`.
        unsafe { b::oxip_skb_dst_set_noref(pc, dst) };
        // Two references, one for each skb (the route is held, so it is
        // not on its way out and both are taken).
        // SAFETY: the route is held (OutputRoute invariant).
        if !unsafe { b::oxip_dst_hold_safe(dst) } {
            return false;
        }
        // SAFETY: as above.
        if !unsafe { b::oxip_dst_hold_safe(dst) } {
            // SAFETY: the reference taken above.
            unsafe { b::oxip_dst_release(dst) };
            return false;
        }
        // SAFETY: `pa` is valid and owned; the skb takes one reference.
        let old_noref = unsafe { super::skb::field::replace_dst(pa, dst) };
        // SAFETY: `pc` is valid and owned; the skb takes the other.
        unsafe { b::oxip_skb_dst_replace(pc, dst) };
        let held_same = old_noref.is_null() && dst_fields_match(a, c);
        // SAFETY: `pa` is valid and owned; NULL attaches nothing.
        let old_held = unsafe { super::skb::field::replace_dst(pa, core::ptr::null_mut()) };
        // SAFETY: `pc` is valid and owned; C releases the skb's reference.
        unsafe { b::oxip_skb_dst_replace(pc, core::ptr::null_mut()) };
        let dropped_same = core::ptr::eq(old_held, dst) && dst_fields_match(a, c);
        if !old_held.is_null() {
            // SAFETY: the reference `pa` held, handed back by replace_dst.
            unsafe { b::oxip_dst_release(old_held) };
        }
        held_same && dropped_same
    }

    /// [`Rtable::mtu_inputs_match_c`] on this route.
    pub(crate) fn mtu_inputs_match_c(&self) -> bool {
        // SAFETY: held (OutputRoute invariant), so live while `self` is;
        // `Rtable` is a transparent wrapper.
        let rt = unsafe { &*self.rt.as_ptr().cast::<Rtable>() };
        rt.mtu_inputs_match_c()
    }
}

impl Drop for OutputRoute {
    fn drop(&mut self) {
        // SAFETY: we hold a reference (OutputRoute invariant), given back once.
        unsafe { b::oxip_ip_rt_put(self.rt.as_ptr()) };
    }
}

kernel::sync::global_lock! {
    // SAFETY: initialised by `redirect_peers_init()` from the module's
    // init, before any packet can reach `redirect_peers()`.
    unsafe(uninit) static REDIRECT_PEERS: SpinLock<RedirectPeers> = RedirectPeers::new();
}

/// Initialises the redirect limiter's state. Called once, from module init.
pub(crate) fn redirect_peers_init() {
    // SAFETY: called exactly once, from module init, before any registration.
    unsafe { REDIRECT_PEERS.init() };
}

/// Calls `f` with the redirect limiter's state (native's inet_peer
/// entries, which `inet_getpeer` does not export), locked.
pub(crate) fn with_redirect_peers<R>(f: impl FnOnce(&mut RedirectPeers) -> R) -> R {
    f(&mut REDIRECT_PEERS.lock())
}

/// The `struct dst_entry` of an [`Rtable`], read under RCU.
///
/// # Invariants
///
/// Wraps a live `dst_entry`, borrowed for the lifetime of an RCU guard
/// (through its [`Rtable`]).
#[repr(transparent)]
pub(crate) struct Dst(b::dst_entry);

impl Dst {
    /// The raw dst, for C calls that take it (inside the borrow).
    pub(super) fn as_ptr(&self) -> *const b::dst_entry {
        &self.0
    }

    /// `dst_metric_raw(dst, metric)`, `I` being `metric - 1`: the metrics
    /// array is `dst->_metrics` less its `DST_METRICS_FLAGS` bits, never
    /// NULL (`dst_default_metrics` at least).
    #[inline]
    fn metric_raw<const I: usize>(&self) -> u32 {
        // CAST: the tagged pointer's address bits (DST_METRICS_PTR()).
        let m = (self.0._metrics & !core::ffi::c_ulong::from(b::DST_METRICS_FLAGS)) as *const u32;
        // SAFETY: the dst is live (Dst invariant), so is its metrics array
        // of RTAX_MAX entries; `I` is a constant below RTAX_MAX; read once.
        unsafe { m.add(I).read_volatile() }
    }

    /// `READ_ONCE(dst->expires)`.
    fn expires(&self) -> u64 {
        // SAFETY: the dst is live (Dst invariant); read once.
        let e = unsafe { core::ptr::addr_of!(self.0.expires).read_volatile() };
        // `unsigned long` is u64 here, u32 on 32-bit kernels.
        #[allow(clippy::useless_conversion)]
        u64::from(e)
    }

    /// `lwtunnel_headroom(dst->lwtstate, IP_MAX_MTU)`: 0 without a
    /// lightweight tunnel state (C only when there is one).
    fn lwt_headroom(&self) -> u32 {
        if self.0.lwtstate.is_null() {
            return 0;
        }
        // SAFETY: the dst is live (Dst invariant).
        unsafe { b::oxip_dst_lwt_headroom(self.as_ptr()) }
    }

    /// `dst_dev(dst)`: the output device, which the dst holds a reference
    /// to until it is destroyed (after an RCU grace period): borrowed as
    /// long as the dst.
    pub(crate) fn dev(&self) -> &NetDevice {
        // SAFETY: `self` is a live dst (Dst invariant); its device is set
        // and held for the dst's life.
        let d = unsafe { super::skb::field::dst_dev(self.as_ptr()) };
        // SAFETY: non-null (a dst always has a device, blackholes have
        // blackhole_netdev), live as long as `self` (Dst invariant).
        unsafe { NetDevice::from_raw(d) }
    }
}

impl NetDevice {
    /// `__in_dev_get_rcu(dev)`, borrowed for as long as `_g`.
    pub(crate) fn in_dev<'a>(&'a self, _g: &'a RcuRead) -> Option<&'a InDevice> {
        // SAFETY: `self` is live (NetDevice invariant); `ip_ptr` is
        // RCU-protected, so read once as `rcu_dereference()` does.
        let p = unsafe { core::ptr::addr_of!((*self.as_ptr()).ip_ptr).read_volatile() };
        // SAFETY: live for the guard's lifetime (InDevice invariant);
        // transparent wrapper.
        unsafe { (p as *const InDevice).as_ref() }
    }
}

/// A `struct in_device` read under RCU.
///
/// # Invariants
///
/// Wraps a live `in_device`, borrowed for the lifetime of an RCU guard.
#[repr(transparent)]
pub(crate) struct InDevice(b::in_device);

impl InDevice {
    fn ptr(&self) -> *const b::in_device {
        &self.0
    }

    /// `IN_DEV_CONF_GET(in_dev, attr)`: `READ_ONCE(in_dev->cnf.data[attr
    /// - 1])`, `I` being `attr - 1`.
    #[inline]
    fn conf<const I: usize>(&self) -> i32 {
        // SAFETY: `self` is a live in_device (InDevice invariant); `I` is a
        // constant below the array's length at every call site (an index
        // past it would panic, not read past the array); read once, as
        // READ_ONCE does.
        unsafe { core::ptr::addr_of!((*self.ptr()).cnf.data[I]).read_volatile() }
    }

    /// `IPV4_DEVCONF_ALL_RO(dev_net(in_dev->dev), attr)`, `I` being
    /// `attr - 1`: the namespace's `all` value.
    #[inline]
    fn conf_all<const I: usize>(&self) -> i32 {
        // SAFETY: `self` is live (InDevice invariant), and so is its
        // device, which it holds.
        let dev = unsafe { NetDevice::from_raw((*self.ptr()).dev) };
        // SAFETY: the namespace is live (Net invariant): a plain field read.
        let all = unsafe { (*dev.net().as_ptr()).ipv4.devconf_all };
        // SAFETY: `devconf_all` is set for the namespace's whole life; `I`
        // as above; read once.
        unsafe { core::ptr::addr_of!((*all).data[I]).read_volatile() }
    }

    /// `IN_DEV_ORCONF(in_dev, attr)`.
    #[inline]
    fn orconf<const I: usize>(&self) -> bool {
        self.conf_all::<I>() != 0 || self.conf::<I>() != 0
    }

    /// `IN_DEV_SOURCE_ROUTE(in_dev)`.
    pub(crate) fn source_route(&self) -> bool {
        // SAFETY: `self` is a live in_device (Rtable invariant).
        unsafe { b::oxip_in_dev_source_route(self.ptr()) }
    }

    /// `IN_DEV_ORCONF(in_dev, DROP_UNICAST_IN_L2_MULTICAST)`.
    pub(crate) fn drop_unicast_in_l2_multicast(&self) -> bool {
        self.orconf::<{ DEVCONF_DROP_UNICAST_IN_L2_MULTICAST }>()
    }

    /// `IN_DEV_ORCONF(in_dev, NOPOLICY)`.
    pub(crate) fn nopolicy(&self) -> bool {
        self.orconf::<{ DEVCONF_NOPOLICY }>()
    }

    /// `IN_DEV_RPFILTER(in_dev)`: rp_filter, the larger of `all` and the device.
    pub(crate) fn rp_filter(&self) -> bool {
        self.conf_all::<{ DEVCONF_RP_FILTER }>()
            .max(self.conf::<{ DEVCONF_RP_FILTER }>())
            != 0
    }

    /// `IN_DEV_ACCEPT_LOCAL(in_dev)`.
    pub(crate) fn accept_local(&self) -> bool {
        self.orconf::<{ DEVCONF_ACCEPT_LOCAL }>()
    }

    /// `IN_DEV_TX_REDIRECTS(in_dev)`.
    pub(crate) fn tx_redirects(&self) -> bool {
        // SAFETY: `self` is a live in_device (InDevice invariant).
        unsafe { b::oxip_in_dev_tx_redirects(self.ptr()) }
    }

    /// `IN_DEV_NET_ROUTE_LOCALNET(in_dev, net)`.
    pub(crate) fn route_localnet(&self, net: &Net) -> bool {
        // SAFETY: `self` is a live in_device (InDevice invariant); `net` is
        // live (Net invariant).
        unsafe { b::oxip_in_dev_route_localnet(self.ptr(), net.as_ptr()) }
    }

    /// Whether the Rust readers of the configuration agree with the C
    /// macros, for the KUnit test of the field readers.
    #[cfg(CONFIG_KUNIT)]
    pub(crate) fn conf_matches_c(&self) -> bool {
        let p = self.ptr();
        // SAFETY: `p` is a live in_device (InDevice invariant).
        let c = (
            // SAFETY: as above.
            unsafe { b::oxip_in_dev_drop_unicast_in_l2_multicast(p) },
            // SAFETY: as above.
            unsafe { b::oxip_in_dev_nopolicy(p) },
            // SAFETY: as above.
            unsafe { b::oxip_in_dev_rp_filter(p) },
            // SAFETY: as above.
            unsafe { b::oxip_in_dev_accept_local(p) },
        );
        c == (
            self.drop_unicast_in_l2_multicast(),
            self.nopolicy(),
            self.rp_filter(),
            self.accept_local(),
        )
    }
}

/// Indexes into a dst's metrics (`RTAX_*` less one).
// CAST: the uapi enum's small positive values.
const RTAX_LOCK: usize = b::RTAX_LOCK as usize - 1;
const RTAX_MTU: usize = b::RTAX_MTU as usize - 1;

/// Indexes into `ipv4_devconf.data` (`IPV4_DEVCONF_*` less one).
// CAST: the uapi enum's small positive values.
const DEVCONF_RP_FILTER: usize = b::IPV4_DEVCONF_RP_FILTER as usize - 1;
const DEVCONF_ACCEPT_LOCAL: usize = b::IPV4_DEVCONF_ACCEPT_LOCAL as usize - 1;
const DEVCONF_NOPOLICY: usize = b::IPV4_DEVCONF_NOPOLICY as usize - 1;
const DEVCONF_DROP_UNICAST_IN_L2_MULTICAST: usize =
    b::IPV4_DEVCONF_DROP_UNICAST_IN_L2_MULTICAST as usize - 1;
