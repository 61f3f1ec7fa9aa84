// SPDX-License-Identifier: GPL-2.0
//! Netfilter: typed `NF_HOOK` / `NF_HOOK_LIST` calls whose okfn is a Rust
//! type, and netdev ingress hook registrations.
//!
//! C: include/linux/netfilter.h (`NF_HOOK`, `NF_HOOK_LIST`),
//! net/netfilter/core.c (`nf_register_net_hook`).

use core::ffi::c_int;
use core::ffi::c_uint;
use core::ffi::c_void;

use kernel::prelude::*;

use super::bh::Bh;
use super::bindings as b;
use super::net::Net;
use super::net::NetDevice;
use super::rcu::RcuRead;
use super::rtnl::RtnlGuard;
use super::skb::ListHead;
use super::skb::Skb;
use super::skb::SockPtr;

/// `NET_RX_SUCCESS`.
pub(crate) const NET_RX_SUCCESS: c_int = b::NET_RX_SUCCESS as c_int;
/// `NET_RX_DROP`.
pub(crate) const NET_RX_DROP: c_int = b::NET_RX_DROP as c_int;

/// The function a hook calls for a packet it accepts (`okfn`).
pub(crate) trait OkFn: 'static {
    /// Continues with `skb` (owned) in `net`; BHs are off.
    fn okfn(net: &Net, sk: SockPtr, skb: Skb, bh: &Bh) -> c_int;
}

/// # Safety
///
/// Only an NF_HOOK okfn, called by netfilter with the skb (owned) NF_HOOK was given.
unsafe extern "C" fn okfn_callback<F: OkFn>(
    net: *mut b::net,
    sk: *mut b::sock,
    skb: *mut b::sk_buff,
) -> c_int {
    // SAFETY: the okfn owns the skb it is given (NULL: nothing to do).
    let Some(skb) = (unsafe { Skb::from_raw(skb) }) else {
        return NET_RX_DROP;
    };
    // SAFETY: okfns are called with the live namespace of the hook.
    let net = unsafe { Net::from_raw(net) };
    // SAFETY: okfns run in the receive softirq or from nf_reinject, which
    // runs them with BHs off.
    let bh = unsafe { Bh::assume() };
    // INVARIANT: `sk` is the socket the hook was called with.
    F::okfn(net, SockPtr(sk), skb, &bh)
}

/// What `nf_hook` left its caller: `NF_HOOK`'s first half, so that the
/// caller goes on with its own state where `NF_HOOK` would call the okfn.
pub(crate) enum Hooked {
    /// Every hook accepted (`nf_hook` returned 1): the skb is the
    /// caller's again, to go on with as the okfn would.
    Accept(Skb),
    /// A hook took the skb (dropped, stolen, or queued: a queued skb comes
    /// back later through the okfn, from netfilter); `NF_HOOK`'s return.
    Taken(c_int),
}

// Two words, as an `Skb` (the null skb pointer tells `Taken`): returned in
// registers.
const _: () = assert!(core::mem::size_of::<Hooked>() == 2 * core::mem::size_of::<usize>());

impl Hooked {
    /// From `nf_hook`'s return for the owned skb `p` it was given.
    ///
    /// # Safety
    ///
    /// `p` was owned by the caller and given to `nf_hook`, which returned `r`.
    unsafe fn from_nf_hook(r: c_int, p: *mut b::sk_buff) -> Self {
        if r != 1 {
            return Hooked::Taken(r);
        }
        // SAFETY: `nf_hook` returned 1: every hook accepted and the skb,
        // owned before the call (the caller's contract), is ours again.
        match unsafe { Skb::from_raw(p) } {
            Some(skb) => Hooked::Accept(skb),
            None => Hooked::Taken(NET_RX_DROP),
        }
    }
}

/// `nf_hook(NFPROTO_IPV4, NF_INET_PRE_ROUTING, net, NULL, skb, dev, NULL,
/// F)`: `NF_HOOK` without the okfn call, which the caller makes on
/// [`Hooked::Accept`] (F's okfn serves a queued skb's reinjection).
///
/// With no PRE_ROUTING hook in `net`, `nf_hook` would return 1 at once:
/// the skb is handed back without the call.
pub(crate) fn hook_prerouting<F: OkFn>(net: &Net, skb: Skb, dev: &NetDevice) -> Hooked {
    if !net.ipv4_prerouting_hooks() {
        return Hooked::Accept(skb);
    }
    let p = skb.into_raw();
    // SAFETY: ownership of `p` (Skb invariant) goes to nf_hook, which
    // frees, steals or queues it, or returns 1 and gives it back; `net`
    // and `dev` are live (their invariants).
    let r = unsafe {
        b::oxip_nf_hook_prerouting(net.as_ptr(), p, dev.as_ptr(), Some(okfn_callback::<F>))
    };
    // SAFETY: `p` was ours and given to nf_hook, which returned `r`.
    unsafe { Hooked::from_nf_hook(r, p) }
}

/// `NF_HOOK_LIST(NFPROTO_IPV4, NF_INET_PRE_ROUTING, net, NULL, list, dev,
/// NULL, F)`: accepted skbs stay on `list`, the others are taken.
/// With no PRE_ROUTING hook in `net`, `NF_HOOK_LIST` leaves the list as
/// it is: nothing is called.
pub(crate) fn hook_list_prerouting<F: OkFn>(net: &Net, list: &ListHead, dev: &NetDevice) {
    if !net.ipv4_prerouting_hooks() {
        return;
    }
    // SAFETY: `list` is an initialised list of owned skbs (ListHead
    // invariant); `net` and `dev` are live (their invariants).
    unsafe {
        b::oxip_nf_hook_list_prerouting(
            net.as_ptr(),
            list.as_ptr(),
            dev.as_ptr(),
            Some(okfn_callback::<F>),
        )
    };
}

/// `nf_hook(NFPROTO_IPV4, NF_INET_FORWARD, net, NULL, skb, in, out, F)`:
/// `NF_HOOK` without the okfn call, which the caller makes on
/// [`Hooked::Accept`] (F's okfn serves a queued skb's reinjection).
///
/// With no FORWARD hook in `net`, the skb is handed back without the call.
pub(crate) fn hook_forward<F: OkFn>(
    net: &Net,
    skb: Skb,
    in_dev: &NetDevice,
    out: Option<&NetDevice>,
) -> Hooked {
    if !net.ipv4_forward_hooks() {
        return Hooked::Accept(skb);
    }
    let out = out.map_or(core::ptr::null_mut(), NetDevice::as_ptr);
    let p = skb.into_raw();
    // The caller's borrows of `net`, `in_dev` and `out` last across the call.
    // SAFETY: ownership of `p` (Skb invariant) goes to nf_hook, which
    // frees, steals or queues it, or returns 1 and gives it back; the
    // objects are live (Net, NetDevice invariants).
    let r = unsafe {
        b::oxip_nf_hook_forward(
            net.as_ptr(),
            p,
            in_dev.as_ptr(),
            out,
            Some(okfn_callback::<F>),
        )
    };
    // SAFETY: `p` was ours and given to nf_hook, which returned `r`.
    unsafe { Hooked::from_nf_hook(r, p) }
}

/// An skb an ingress hook looks at, not yet taken.
///
/// # Invariants
///
/// `p` is the valid skb the hook was called with, for `'a`.
pub(crate) struct IngressSkb<'a> {
    p: *mut b::sk_buff,
    _l: core::marker::PhantomData<&'a b::sk_buff>,
}

/// Proof that a hook took its skb: it must return `NF_STOLEN`.
pub(crate) struct Stolen(());

/// What an ingress hook decided.
pub(crate) enum Verdict {
    /// `NF_ACCEPT`: native continues with the skb.
    Accept,
    /// `NF_STOLEN`: the hook took it.
    Stolen(Stolen),
}

impl IngressSkb<'_> {
    /// `skb->protocol`, in network byte order.
    pub(crate) fn protocol_be(&self) -> u16 {
        // SAFETY: `p` is valid (IngressSkb invariant).
        unsafe { super::skb::field::protocol(self.p) }
    }

    /// `skb_vlan_tag_present(skb)`.
    pub(crate) fn vlan_tag_present(&self) -> bool {
        // SAFETY: `p` is valid (IngressSkb invariant).
        unsafe { super::skb::field::vlan_tag_present(self.p) }
    }

    /// `skb->dev`, the receiving device, live in the receive path.
    pub(crate) fn dev(&self) -> &NetDevice {
        // SAFETY: `p` is valid (IngressSkb invariant).
        let d = unsafe { super::skb::field::dev(self.p) };
        // SAFETY: the receiving device is live while the hook runs.
        unsafe { NetDevice::from_raw(d) }
    }

    /// `skb_pfmemalloc(skb)`.
    pub(crate) fn pfmemalloc(&self) -> bool {
        // SAFETY: `p` is valid (IngressSkb invariant).
        unsafe { super::skb::field::pfmemalloc(self.p) }
    }

    /// Lets the skb go on with `skb->protocol = htons(ethertype)`: native
    /// receive reads the protocol only after the ingress hooks, so the
    /// frame reaches that type's `packet_type`.
    pub(crate) fn retag(self, ethertype: u16) -> Verdict {
        // SAFETY: `p` is valid (IngressSkb invariant) and still native's:
        // the hook returns NF_ACCEPT.
        unsafe { super::skb::field::set_protocol(self.p, ethertype.to_be()) };
        Verdict::Accept
    }

    /// Takes the skb: the hook then returns `NF_STOLEN`.
    pub(crate) fn steal(self) -> Option<(Skb, Stolen)> {
        // SAFETY: returning NF_STOLEN (which `Stolen` makes the hook do)
        // hands the skb's reference to us.
        unsafe { Skb::from_raw(self.p) }.map(|s| (s, Stolen(())))
    }
}

/// A netdev ingress hook.
pub(crate) trait Ingress: 'static {
    /// Looks at `skb`, on the receive path (BHs off, inside its RCU read
    /// side).
    fn hook(skb: IngressSkb<'_>, rcu: &RcuRead, bh: &Bh) -> Verdict;
}

/// # Safety
///
/// Only the netdev ingress hook, called by netfilter with a valid skb on the receive path.
unsafe extern "C" fn ingress_callback<T: Ingress>(
    _priv: *mut c_void,
    skb: *mut b::sk_buff,
    _state: *const b::nf_hook_state,
) -> c_uint {
    // INVARIANT: the hook is called with a valid skb.
    let s = IngressSkb {
        p: skb,
        _l: core::marker::PhantomData,
    };
    // SAFETY: ingress hooks run in the receive softirq.
    let bh = unsafe { Bh::assume() };
    // SAFETY: and inside the RCU read side of __netif_receive_skb_core's
    // callers, which nf_hook_slow's walk of the hooks relies on too.
    let rcu = unsafe { RcuRead::assume() };
    match T::hook(s, &rcu, &bh) {
        Verdict::Accept => b::NF_ACCEPT,
        Verdict::Stolen(_) => b::NF_STOLEN,
    }
}

/// A netdev ingress hook registered on one device.
///
/// # Invariants
///
/// `ops` is registered on `dev` in `net` until drop; `dev` is registered
/// while the hook is: its owner keeps it where only RTNL reaches it and
/// drops it on the device's `NETDEV_UNREGISTER`, which comes under RTNL
/// before the device goes.
pub(crate) struct IngressHook {
    net: *mut b::net,
    dev: *mut b::net_device,
    ops: KBox<b::nf_hook_ops>,
}

// SAFETY: hooks are made and dropped in process context under RTNL; the
// pointers are only identities and registered objects.
unsafe impl Send for IngressHook {}

impl IngressHook {
    /// `nf_register_net_hook` of `T` on `dev`'s ingress at `priority`.
    pub(crate) fn register<T: Ingress>(
        dev: &NetDevice,
        priority: c_int,
        _g: &RtnlGuard,
    ) -> Result<Self> {
        let mut ops = KBox::new(b::nf_hook_ops::default(), GFP_KERNEL)?;
        ops.hook = Some(ingress_callback::<T>);
        ops.dev = dev.as_ptr();
        // CAST: small enum values.
        ops.pf = b::NFPROTO_NETDEV as u8;
        ops.hooknum = b::nf_dev_hooks_NF_NETDEV_INGRESS as c_uint;
        ops.priority = priority;
        let net = dev.net().as_ptr();
        // SAFETY: `ops` is boxed and stays registered until drop; `net` and
        // `dev` are live (RTNL held, their invariants).
        kernel::error::to_result(unsafe { b::nf_register_net_hook(net, &*ops) })?;
        // INVARIANT: registered above.
        Ok(IngressHook {
            net,
            dev: dev.as_ptr(),
            ops,
        })
    }

    /// Whether the hook is on `dev`.
    pub(crate) fn is_on(&self, dev: &NetDevice) -> bool {
        core::ptr::eq(self.dev, dev.as_ptr())
    }

    /// Whether the hook is in `net`.
    pub(crate) fn is_in(&self, net: &Net) -> bool {
        core::ptr::eq(self.net, net.as_ptr())
    }

    /// An identity of the hook's namespace (compare with [`Net::id`]).
    pub(crate) fn net_id(&self) -> u64 {
        self.net as u64
    }

    /// The device, registered while the hook is.
    pub(crate) fn dev(&self) -> &NetDevice {
        // SAFETY: registered while the hook is (IngressHook invariant).
        unsafe { NetDevice::from_raw(self.dev) }
    }
}

impl Drop for IngressHook {
    fn drop(&mut self) {
        // This does not wait for the hook still running on other CPUs (the
        // entries are freed after a grace period, `ops` is not read by
        // them): a caller that needs them finished calls `synchronize_net()`.
        // SAFETY: registered (IngressHook invariant).
        unsafe { b::nf_unregister_net_hook(self.net, &*self.ops) };
    }
}

/// `synchronize_net()`.
pub(crate) fn synchronize_net() {
    // SAFETY: process context, no lock held (callers: unload paths).
    unsafe { b::synchronize_net() };
}
