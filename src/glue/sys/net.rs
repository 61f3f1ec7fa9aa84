// SPDX-License-Identifier: GPL-2.0
//! Network namespaces and devices, borrowed from what keeps them alive (a
//! packet being received, an RCU read side, RTNL, a registration).
//!
//! C: include/net/net_namespace.h, include/linux/netdevice.h,
//! include/net/ip.h and include/net/ip_fib.h (the per-netns sysctls and
//! FIB state oxip reads).

use core::ffi::c_char;
use core::ffi::CStr;

use kernel::str::CStrExt;
use kernel::types::Opaque;

use super::bindings as b;
use super::rcu::RcuRead;
use super::rtnl::RtnlGuard;
use crate::oxip_core::wire::Ipv4Address;

/// A `struct net`.
///
/// # Invariants
///
/// A `&Net` points to a live namespace for the lifetime of the borrow.
#[repr(transparent)]
pub(crate) struct Net(Opaque<b::net>);

impl Net {
    /// Borrows the namespace at `p`.
    ///
    /// # Safety
    ///
    /// `p` is a live namespace for `'a`.
    pub(super) unsafe fn from_raw<'a>(p: *mut b::net) -> &'a Net {
        // SAFETY: live for 'a (caller); `Net` is a transparent wrapper.
        unsafe { &*p.cast::<Net>() }
    }

    /// `&init_net`, which lives as long as the kernel.
    pub(crate) fn init() -> &'static Net {
        let p = core::ptr::addr_of_mut!(b::init_net);
        // SAFETY: init_net is a static that is never freed.
        unsafe { Net::from_raw(p) }
    }

    /// The raw namespace, for C calls in this layer.
    pub(super) fn as_ptr(&self) -> *mut b::net {
        self.0.get()
    }

    /// Whether it is `init_net`.
    pub(crate) fn is_init(&self) -> bool {
        core::ptr::eq(self, Net::init())
    }

    /// An identity for hashing (the address; never dereferenced).
    pub(crate) fn id(&self) -> u64 {
        self.as_ptr() as u64
    }

    /// `fib4_has_custom_rules(net)`.
    pub(crate) fn fib4_has_custom_rules(&self) -> bool {
        // SAFETY: `self` is live (Net invariant); a plain field read (CONFIG_IP_MULTIPLE_TABLES), as the inline function does.
        unsafe { (*self.as_ptr()).ipv4.fib_has_custom_rules }
    }

    /// `net->ipv4.fib_has_custom_local_routes`: a local route was added
    /// from user space.
    pub(crate) fn fib_has_custom_local_routes(&self) -> bool {
        // SAFETY: `self` is live (Net invariant); read once, as READ_ONCE does.
        unsafe {
            core::ptr::addr_of!((*self.as_ptr()).ipv4.fib_has_custom_local_routes).read_volatile()
        }
    }

    /// `fib_num_tclassid_users(net) != 0` (always false without
    /// `CONFIG_IP_ROUTE_CLASSID`).
    #[cfg(CONFIG_IP_ROUTE_CLASSID)]
    pub(crate) fn fib_has_tclassid_users(&self) -> bool {
        // SAFETY: `self` is live (Net invariant); read once, as atomic_read
        // does.
        unsafe {
            core::ptr::addr_of!((*self.as_ptr()).ipv4.fib_num_tclassid_users.counter)
                .read_volatile()
                != 0
        }
    }

    /// `fib_num_tclassid_users(net) != 0`: never, without
    /// `CONFIG_IP_ROUTE_CLASSID`.
    #[cfg(not(CONFIG_IP_ROUTE_CLASSID))]
    pub(crate) fn fib_has_tclassid_users(&self) -> bool {
        false
    }

    /// `__ip_dev_find(net, addr, false)`: the device that owns `addr`, from
    /// the interface address hash (`inet_lookup_ifaddr_rcu`) or, where the
    /// hash has none, from a local route of the local table.
    pub(crate) fn ip_dev_find<'g>(
        &self,
        addr: Ipv4Address,
        _g: &'g RcuRead,
    ) -> Option<&'g NetDevice> {
        // SAFETY: `self` is live (Net invariant); `_g` holds RCU (devref false).
        let dev = unsafe { b::__ip_dev_find(self.as_ptr(), addr.to_be32(), false) };
        if dev.is_null() {
            return None;
        }
        // SAFETY: a device found under the RCU read side is not freed before
        // the read side ends (free_netdev waits a grace period), and `_g`
        // holds it for 'g.
        Some(unsafe { NetDevice::from_raw(dev) })
    }

    /// `rcu_access_pointer(net->nf.hooks_ipv4[NF_INET_PRE_ROUTING]) != NULL`.
    /// See [`Net::ipv4_hooks_at`].
    #[inline]
    pub(crate) fn ipv4_prerouting_hooks(&self) -> bool {
        self.ipv4_hooks_at(b::oxip_consts_OXIP_NF_INET_PRE_ROUTING as usize)
    }

    /// `rcu_access_pointer(net->nf.hooks_ipv4[NF_INET_FORWARD]) != NULL`.
    /// See [`Net::ipv4_hooks_at`].
    #[inline]
    pub(crate) fn ipv4_forward_hooks(&self) -> bool {
        self.ipv4_hooks_at(b::oxip_consts_OXIP_NF_INET_FORWARD as usize)
    }

    /// Whether a netfilter hook may see IPv4 packets at `hook` in this
    /// namespace: `nf_hook()`'s test after its static key. With the slot
    /// empty, `nf_hook` returns 1 without calling anything, whatever the
    /// key says, so the caller may skip it; with it set, the caller calls
    /// `nf_hook`, which makes its own tests, the key's included.
    #[cfg(CONFIG_NETFILTER)]
    #[inline]
    fn ipv4_hooks_at(&self, hook: usize) -> bool {
        let n = self.as_ptr();
        // SAFETY: `self` is live (Net invariant); `hook` is one of the two
        // constants above, both below NF_INET_NUMHOOKS, the array's length
        // (an index past it would panic, not read past the array); read
        // once, as rcu_access_pointer does.
        let p = unsafe { core::ptr::addr_of!((*n).nf.hooks_ipv4[hook]).read_volatile() };
        !p.is_null()
    }

    /// Without `CONFIG_NETFILTER`, `nf_hook` calls nothing.
    #[cfg(not(CONFIG_NETFILTER))]
    #[inline]
    fn ipv4_hooks_at(&self, _hook: usize) -> bool {
        false
    }

    /// Whether `net->xfrm` has no policy for direction `dir` and accepts
    /// by default: the first test of `__xfrm_check_nopolicy()` and of
    /// `xfrm_route_forward()`, which pass without a call when it holds
    /// (always, without `CONFIG_XFRM`).
    #[cfg(CONFIG_XFRM)]
    #[inline]
    fn xfrm_no_policy(&self, dir: usize) -> bool {
        let n = self.as_ptr();
        // SAFETY: `self` is live (Net invariant); `dir` is XFRM_POLICY_OUT or
        // _FWD, below both arrays' lengths (an index past them would panic,
        // not read past them); each read once, as READ_ONCE does.
        let count = unsafe { core::ptr::addr_of!((*n).xfrm.policy_count[dir]).read_volatile() };
        // SAFETY: as above.
        let default = unsafe { core::ptr::addr_of!((*n).xfrm.policy_default[dir]).read_volatile() };
        count == 0 && u32::from(default) == b::oxip_consts_OXIP_XFRM_USERPOLICY_ACCEPT
    }

    #[cfg(not(CONFIG_XFRM))]
    #[inline]
    fn xfrm_no_policy(&self, _dir: usize) -> bool {
        true
    }

    /// `xfrm_route_forward()`'s fast test: no output policy, accept by
    /// default.
    #[inline]
    pub(crate) fn xfrm_no_out_policy(&self) -> bool {
        self.xfrm_no_policy(b::oxip_consts_OXIP_XFRM_POLICY_OUT as usize)
    }

    /// `__xfrm_check_nopolicy()`'s namespace half for `XFRM_POLICY_FWD`: no
    /// forward policy, accept by default.
    #[inline]
    pub(crate) fn xfrm_no_fwd_policy(&self) -> bool {
        self.xfrm_no_policy(b::oxip_consts_OXIP_XFRM_POLICY_FWD as usize)
    }

    /// Whether the netfilter hook and xfrm policy readers read what C
    /// reads, for the KUnit test of the field readers.
    #[cfg(CONFIG_KUNIT)]
    pub(crate) fn hooks_and_policies_match_c(&self) -> bool {
        let n = self.as_ptr();
        // CAST: small enum constants.
        let (pre, fwd) = (
            b::oxip_consts_OXIP_NF_INET_PRE_ROUTING as core::ffi::c_int,
            b::oxip_consts_OXIP_NF_INET_FORWARD as core::ffi::c_int,
        );
        // CAST: small enum constants.
        let (out, fwd_dir) = (
            b::oxip_consts_OXIP_XFRM_POLICY_OUT as core::ffi::c_int,
            b::oxip_consts_OXIP_XFRM_POLICY_FWD as core::ffi::c_int,
        );
        let xfrm = (
            // SAFETY: `n` is live (Net invariant).
            unsafe { b::oxip_net_xfrm_no_policy(n, out) },
            // SAFETY: as above.
            unsafe { b::oxip_net_xfrm_no_policy(n, fwd_dir) },
        ) == (self.xfrm_no_out_policy(), self.xfrm_no_fwd_policy());
        xfrm && (
            // SAFETY: as above.
            unsafe { b::oxip_net_ipv4_hooks(n, pre) },
            // SAFETY: as above.
            unsafe { b::oxip_net_ipv4_hooks(n, fwd) },
        ) == (self.ipv4_prerouting_hooks(), self.ipv4_forward_hooks())
    }

    /// `net->ipv4.ra_chain` is empty (no IP_ROUTER_ALERT socket).
    pub(crate) fn ra_chain_empty(&self) -> bool {
        // SAFETY: `self` is live (Net invariant).
        unsafe { b::oxip_net_ra_chain_empty(self.as_ptr()) }
    }

    /// `net.ipv4.ip_forward_update_priority`.
    pub(crate) fn fwd_update_priority(&self) -> bool {
        // SAFETY: `self` is live (Net invariant); read once, as READ_ONCE does.
        unsafe {
            core::ptr::addr_of!((*self.as_ptr()).ipv4.sysctl_ip_fwd_update_priority).read_volatile()
                != 0
        }
    }

    /// `net.ipv4.ip_forward_use_pmtu`.
    pub(crate) fn fwd_use_pmtu(&self) -> bool {
        // SAFETY: `self` is live (Net invariant); read once, as READ_ONCE does.
        unsafe {
            core::ptr::addr_of!((*self.as_ptr()).ipv4.sysctl_ip_fwd_use_pmtu).read_volatile() != 0
        }
    }

    /// `net->ns.inum`, as `stat -L -c %i /proc/PID/ns/net` prints it.
    pub(crate) fn inum(&self) -> u32 {
        // SAFETY: `self` is live (Net invariant).
        unsafe { b::oxip_net_inum(self.as_ptr()) }
    }

    /// `ns_capable(net->user_ns, CAP_NET_ADMIN)` for the current task.
    pub(crate) fn capable_net_admin(&self) -> bool {
        // SAFETY: `self` is live (Net invariant); process context.
        unsafe { b::oxip_ns_capable_net_admin(self.as_ptr()) }
    }

    /// `__dev_get_by_name(net, name)`: calls `f` with the device, lending
    /// it RTNL (which `f` cannot release, so the device stays registered).
    pub(crate) fn with_dev_by_name<R>(
        &self,
        name: &str,
        g: &mut RtnlGuard,
        f: impl FnOnce(&mut RtnlGuard, &NetDevice) -> R,
    ) -> Option<R> {
        // A name of IFNAMSIZ bytes or more names no device (and would
        // leave no NUL).
        let mut buf = [0u8; crate::oxip_core::ctl::IFNAMSIZ];
        if name.len() >= buf.len() {
            return None;
        }
        buf.get_mut(..name.len())?.copy_from_slice(name.as_bytes());
        // SAFETY: `self` is live (Net invariant); RTNL is held (the guard);
        // `buf` is NUL-terminated (name shorter than IFNAMSIZ, checked above).
        let dev = unsafe { b::__dev_get_by_name(self.as_ptr(), buf.as_ptr().cast::<c_char>()) };
        if dev.is_null() {
            return None;
        }
        // SAFETY: a device found under RTNL stays registered while RTNL is
        // held, which `g` proves through the call of `f`.
        let d = unsafe { NetDevice::from_raw(dev) };
        Some(f(g, d))
    }

    /// Calls `f` for each device of the namespace (`for_each_netdev`).
    pub(crate) fn for_each_dev(
        &self,
        g: &mut RtnlGuard,
        mut f: impl FnMut(&mut RtnlGuard, &NetDevice),
    ) {
        // SAFETY: `self` is live (Net invariant); RTNL is held (the guard),
        // so the device list is stable.
        let mut dev = unsafe { b::oxip_first_net_device(self.as_ptr()) };
        while !dev.is_null() {
            // SAFETY: `dev` is on the list, registered while RTNL is held.
            let d = unsafe { NetDevice::from_raw(dev) };
            f(g, d);
            // `f` cannot unregister it: it only borrows RTNL.
            // SAFETY: `dev` is on the list, registered while RTNL is held.
            dev = unsafe { b::oxip_next_net_device(dev) };
        }
    }
}

/// A `struct net_device`.
///
/// # Invariants
///
/// A `&NetDevice` points to a live (allocated, and registered unless said
/// otherwise) device for the lifetime of the borrow.
#[repr(transparent)]
pub(crate) struct NetDevice(Opaque<b::net_device>);

impl NetDevice {
    /// Borrows the device at `p`.
    ///
    /// # Safety
    ///
    /// `p` is a live device for `'a`.
    pub(super) unsafe fn from_raw<'a>(p: *mut b::net_device) -> &'a NetDevice {
        // SAFETY: live for 'a (caller); `NetDevice` is a transparent wrapper.
        unsafe { &*p.cast::<NetDevice>() }
    }

    /// The raw device, for C calls in this layer.
    pub(super) fn as_ptr(&self) -> *mut b::net_device {
        self.0.get()
    }

    /// `dev_net(dev)`, which outlives its devices.
    pub(crate) fn net(&self) -> &Net {
        // SAFETY: `self` is live (NetDevice invariant).
        let n = unsafe { dev_net(self.as_ptr()) };
        // SAFETY: a device's namespace outlives it (it is dismantled after
        // its devices are gone).
        unsafe { Net::from_raw(n) }
    }

    /// `READ_ONCE(dev->mtu)`.
    pub(crate) fn mtu(&self) -> u32 {
        // SAFETY: `self` is live (NetDevice invariant); read once.
        unsafe { core::ptr::addr_of!((*self.as_ptr()).mtu).read_volatile() }
    }

    /// `dev->ifindex`.
    pub(crate) fn ifindex(&self) -> i32 {
        // SAFETY: `self` is live (NetDevice invariant); a plain field read.
        unsafe { (*self.as_ptr()).ifindex }
    }

    /// `dev->name`.
    pub(crate) fn name(&self) -> &core::ffi::CStr {
        // CAST: oxip's bindings spell `char` as i8, the kernel's as u8.
        // SAFETY: `self` is live (NetDevice invariant); `name` is a
        // NUL-terminated array inside it.
        unsafe { CStr::from_char_ptr((*self.as_ptr()).name.as_ptr().cast()) }
    }

    /// `dev->flags & IFF_LOOPBACK`.
    pub(crate) fn is_loopback(&self) -> bool {
        // SAFETY: `self` is live (NetDevice invariant).
        unsafe { b::oxip_dev_is_loopback(self.as_ptr()) }
    }

    /// `netdev_is_rx_handler_busy(dev)` (RTNL held).
    pub(crate) fn rx_handler_busy(&self, _g: &RtnlGuard) -> bool {
        // SAFETY: `self` is live (NetDevice invariant); RTNL held (the guard).
        unsafe { b::netdev_is_rx_handler_busy(self.as_ptr()) }
    }

    /// `rcu_access_pointer(dev->rx_handler) != NULL`.
    pub(crate) fn rx_handler_present(&self) -> bool {
        // SAFETY: `self` is live (NetDevice invariant); read once, as
        // rcu_access_pointer does.
        unsafe { core::ptr::addr_of!((*self.as_ptr()).rx_handler).read_volatile() }.is_some()
    }

    /// `netif_is_l3_slave(dev) || netif_is_l3_master(dev) ||
    /// netif_has_l3_rx_handler(dev)`: whether `l3mdev_l3_rcv()` has
    /// anything to do for a frame on this device.
    pub(crate) fn l3mdev_any(&self) -> bool {
        // SAFETY: `self` is live (NetDevice invariant): a plain field read.
        let u = unsafe {
            &(*self.as_ptr())
                .__bindgen_anon_1
                .priv_flags_fast
                ._bitfield_1
        };
        // `unsigned long priv_flags:32` is the unit's first member.
        super::bitfield::first_u32(u) & b::oxip_consts_OXIP_IFF_L3MDEV_ANY != 0
    }

    /// `netif_running(dev)`.
    pub(crate) fn running(&self) -> bool {
        // SAFETY: `self` is live (NetDevice invariant).
        unsafe { b::oxip_netif_running(self.as_ptr()) }
    }

    /// `l3mdev_master_ifindex_rcu(dev)` (under RCU: the caller's borrow).
    pub(crate) fn l3mdev_master_ifindex_rcu(&self) -> i32 {
        // SAFETY: `self` is live (NetDevice invariant); the callers borrow
        // it from an RCU-protected route.
        unsafe { b::oxip_l3mdev_master_ifindex_rcu(self.as_ptr()) }
    }

    /// `dev_core_stats_rx_otherhost_dropped_inc(dev)`.
    pub(crate) fn core_stats_rx_otherhost_dropped_inc(&self) {
        // SAFETY: `self` is live (NetDevice invariant).
        unsafe { b::oxip_dev_core_stats_rx_otherhost_dropped_inc(self.as_ptr()) };
    }
}

/// `dev_net(dev)`: a plain read of `dev->nd_net` (CONFIG_NET_NS), done here
/// rather than by an out-of-line helper (see `skb::field`).
///
/// # Safety
///
/// `dev` is a live device.
#[inline]
pub(super) unsafe fn dev_net(dev: *const b::net_device) -> *mut b::net {
    // SAFETY: `dev` is live (caller): a plain field read.
    unsafe { (*dev).nd_net.net }
}
