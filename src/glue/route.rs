// SPDX-License-Identifier: GPL-2.0
//! Borrowed views of a packet's route and its receiving `in_device`, tied to
//! an RCU read-side guard so they cannot outlive the read side.
//!
//! C: include/net/route.h (`struct rtable`, `skb_rtable`),
//! include/linux/inetdevice.h (`__in_dev_get_rcu`, `IN_DEV_*`).

use core::ffi::c_int;

use kernel::sync::rcu;

use super::bindings as b;
use crate::oxip_core::rcv::RouteView;
use crate::oxip_core::rcv::RtnType;

/// A `struct rtable` read under RCU.
///
/// # Invariants
///
/// Wraps a live `rtable`; a `&Rtable` is only handed out for the lifetime
/// of an RCU read-side guard.
#[repr(transparent)]
pub(crate) struct Rtable(b::rtable);

impl Rtable {
    /// `skb_rtable(skb)`, borrowed for as long as `_g`: the skb may be
    /// freed meanwhile (handed to C), its route is only freed after an RCU
    /// grace period (`dst_release` -> `call_rcu`), which `_g` holds off.
    ///
    /// # Safety
    ///
    /// `skb` is a valid skb at the call.
    pub(crate) unsafe fn of_skb<'a>(skb: *mut b::sk_buff, _g: &'a rcu::Guard) -> Option<&'a Rtable> {
        // SAFETY: `skb` is valid (caller); its dst is RCU-protected and the
        // guard keeps the read side open for 'a.
        let rt = unsafe { b::oxip_skb_rtable(skb) };
        // SAFETY: non-null `rt` is live for the guard's lifetime (INVARIANT);
        // `Rtable` is a transparent wrapper.
        unsafe { (rt as *const Rtable).as_ref() }
    }

    /// The fields the core decides on.
    pub(crate) fn view(&self) -> RouteView {
        let local_deliver: unsafe extern "C" fn(*mut b::sk_buff) -> c_int = b::ip_local_deliver;
        RouteView {
            // CAST: RTN_* values fit in a byte (__RTN_MAX is 12).
            rt_type: RtnType::from_raw(self.0.rt_type as u8),
            rt_flags: self.0.rt_flags,
            input_is_local_deliver: self.0.dst.input.map(|f| f as usize) == Some(local_deliver as usize),
            lwtstate: !self.0.dst.lwtstate.is_null(),
        }
    }

    /// The raw route, for C calls that take it.
    pub(crate) fn as_ptr(&self) -> *const b::rtable {
        &self.0
    }

    /// `&rt->dst`, borrowed as long as the route.
    pub(crate) fn dst(&self) -> &Dst {
        // SAFETY: `Dst` is a transparent wrapper of the embedded dst_entry,
        // live as long as `self` (type invariant).
        unsafe { &*(core::ptr::addr_of!(self.0.dst) as *const Dst) }
    }

    /// `rt_is_output_route(rt)`: a route from an output lookup (multicast
    /// forwarding's `ip_route_output_ports`), not from `ip_route_input`.
    pub(crate) fn is_output_route(&self) -> bool {
        // SAFETY: `self` is a live rtable (type invariant).
        unsafe { b::oxip_rt_is_output_route(self.as_ptr()) }
    }

    /// `rt->rt_uses_gateway`.
    pub(crate) fn uses_gateway(&self) -> bool {
        self.0.rt_uses_gateway != 0
    }
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
    pub(crate) fn as_ptr(&self) -> *const b::dst_entry {
        &self.0
    }

    /// `dst_dev(dst)`: the output device, which the dst holds a reference
    /// to until it is destroyed (after an RCU grace period): borrowed as
    /// long as the dst.
    pub(crate) fn dev(&self) -> &NetDev {
        // SAFETY: `self` is a live dst (type invariant); its device is set
        // and held for the dst's life.
        let d = unsafe { b::oxip_dst_dev(self.as_ptr()) };
        // SAFETY: non-null (a dst always has a device, blackholes have
        // blackhole_netdev), live as long as `self`; transparent wrapper.
        unsafe { &*(d as *const NetDev) }
    }
}

/// A `struct net_device` borrowed from what holds it (a route's dst).
///
/// # Invariants
///
/// Wraps a live `net_device` for the lifetime of the borrow.
#[repr(transparent)]
pub(crate) struct NetDev(kernel::types::Opaque<b::net_device>);

impl NetDev {
    /// The raw device, for C calls that take it (inside the borrow).
    pub(crate) fn as_ptr(&self) -> *mut b::net_device {
        self.0.get()
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
    /// `__in_dev_get_rcu(dev)`, borrowed for as long as `_g`.
    ///
    /// # Safety
    ///
    /// `dev` is a valid, registered device for the lifetime `'a`.
    pub(crate) unsafe fn of_dev<'a>(dev: *mut b::net_device, _g: &'a rcu::Guard) -> Option<&'a InDevice> {
        // SAFETY: `dev` is valid (caller); ip_ptr is RCU-protected.
        let p = unsafe { b::oxip_in_dev_get_rcu(dev) };
        // SAFETY: live for the guard's lifetime (INVARIANT); transparent wrapper.
        unsafe { (p as *const InDevice).as_ref() }
    }

    fn ptr(&self) -> *const b::in_device {
        &self.0
    }

    /// `IN_DEV_SOURCE_ROUTE(in_dev)`.
    pub(crate) fn source_route(&self) -> bool {
        // SAFETY: `self` is a live in_device (type invariant).
        unsafe { b::oxip_in_dev_source_route(self.ptr()) }
    }

    /// `IN_DEV_ORCONF(in_dev, DROP_UNICAST_IN_L2_MULTICAST)`.
    pub(crate) fn drop_unicast_in_l2_multicast(&self) -> bool {
        // SAFETY: as above.
        unsafe { b::oxip_in_dev_drop_unicast_in_l2_multicast(self.ptr()) }
    }

    /// `IN_DEV_ORCONF(in_dev, NOPOLICY)`.
    pub(crate) fn nopolicy(&self) -> bool {
        // SAFETY: as above.
        unsafe { b::oxip_in_dev_nopolicy(self.ptr()) }
    }

    /// `IN_DEV_TX_REDIRECTS(in_dev)`.
    pub(crate) fn tx_redirects(&self) -> bool {
        // SAFETY: as above.
        unsafe { b::oxip_in_dev_tx_redirects(self.ptr()) }
    }

    /// `IN_DEV_NET_ROUTE_LOCALNET(in_dev, net)`.
    pub(crate) fn route_localnet(&self, net: *const b::net) -> bool {
        // SAFETY: as above; `net` is the device's namespace.
        unsafe { b::oxip_in_dev_route_localnet(self.ptr(), net) }
    }
}
