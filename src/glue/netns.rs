// SPDX-License-Identifier: GPL-2.0
//! What oxip keeps per network namespace, and how the packet path finds it.
//!
//! C: include/net/netns/ipv4.h (the per-netns state native keeps in
//! `struct netns_ipv4`). The state is made and dropped by pernet.rs.
#![deny(unsafe_code)]

use core::pin::Pin;
use core::sync::atomic::AtomicBool;
use core::sync::atomic::AtomicU32;

use kernel::prelude::*;

use super::ipmr_mirror::Mirror;
use super::sys::bh::Bh;
use super::sys::fib_notifier::FibNotifier;
use super::sys::net::Net;
use super::sys::pernet;
use super::sys::pernet::NetList;
use super::sys::proc::ProcEntry;
use super::sys::rcu::RcuRead;
use super::sys::stats::NetCounters;
use super::sys::stats::Stats;

/// The `net_generic` id of oxip's state.
pub(crate) static NET_ID: AtomicU32 = AtomicU32::new(0);

/// The namespaces oxip has state in.
pub(crate) static NETS: NetList = NetList::new();

/// One namespace's state. Fields drop in declaration order: the /proc
/// files first, since they read the rest.
pub(crate) struct NetState {
    /// /proc/net/oxip_* of this namespace.
    pub(crate) proc: KVec<ProcEntry>,
    /// The counters.
    pub(crate) counters: NetCounters,
    /// The multicast routing mirror and its FIB notifier; `None` if it
    /// could not be set up (multicast then goes to native).
    pub(crate) mirror: Option<Pin<KBox<FibNotifier<Mirror>>>>,
    /// `+all`: every eligible interface is attached, and each new one
    /// (written under RTNL).
    pub(crate) all: AtomicBool,
}

impl Drop for NetState {
    fn drop(&mut self) {
        // The files go first, in the reverse of the order they were made.
        while let Some(e) = self.proc.pop() {
            drop(e);
        }
    }
}

/// The state of `net` (`None` outside its init..exit).
pub(crate) fn state(net: &Net) -> Option<&NetState> {
    pernet::state::<NetState>(net, &NET_ID)
}

/// A namespace as the packet path uses it: `net` with oxip's state in it,
/// looked up once (one `net_generic`) for a packet or a run of packets.
#[derive(Clone, Copy)]
pub(crate) struct NetCtx<'a> {
    /// The namespace.
    pub(crate) net: &'a Net,
    state: Option<&'a NetState>,
}

impl<'a> NetCtx<'a> {
    /// `net` and its state.
    pub(crate) fn new(net: &'a Net) -> Self {
        NetCtx {
            net,
            state: state(net),
        }
    }

    /// `net` and its state, looked up under the packet path's RCU read
    /// side (no `net_generic` call).
    pub(crate) fn new_rcu(net: &'a Net, g: &RcuRead) -> Self {
        NetCtx {
            net,
            state: pernet::state_rcu::<NetState>(net, &NET_ID, g),
        }
    }

    /// Whether [`NetCtx::new_rcu`] finds the state `net_generic` finds,
    /// for the KUnit test of the field readers.
    #[cfg(CONFIG_KUNIT)]
    pub(crate) fn rcu_lookup_matches(net: &'a Net) -> bool {
        let g = RcuRead::lock();
        let (a, b) = (Self::new(net).state, Self::new_rcu(net, &g).state);
        a.is_some() && a.map(core::ptr::from_ref) == b.map(core::ptr::from_ref)
    }

    /// This CPU's counters, for as long as BHs stay off (counting nothing
    /// if oxip has no state there, which does not happen while the module
    /// is loaded).
    pub(crate) fn stats<'b>(&self, bh: &'b Bh) -> Stats<'b>
    where
        'a: 'b,
    {
        match self.state {
            Some(s) => s.counters.this_cpu(bh),
            None => Stats::none(),
        }
    }

    /// The multicast routing mirror, if the namespace has one.
    pub(crate) fn mirror(&self) -> Option<&'a Mirror> {
        self.state?.mirror.as_ref().map(|m| m.data())
    }

    /// The IPv4 FIB change sequence, if oxip watches the namespace's FIB
    /// (the notifier it shares with the multicast mirror is registered).
    pub(crate) fn fib4_seq(&self) -> Option<u32> {
        self.state?.mirror.as_ref().map(|m| m.fib4_seq())
    }
}

/// This CPU's counters of `net`, for as long as BHs stay off.
pub(crate) fn stats<'a>(net: &'a Net, bh: &'a Bh) -> Stats<'a> {
    NetCtx::new(net).stats(bh)
}

/// The multicast routing mirror of `net`, if it has one.
pub(crate) fn mirror(net: &Net) -> Option<&Mirror> {
    NetCtx::new(net).mirror()
}
