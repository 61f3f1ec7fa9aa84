// SPDX-License-Identifier: GPL-2.0
//! oxip's `pernet_operations`: what it makes and removes per namespace.
//!
//! C: include/net/net_namespace.h (`pernet_operations`), net/ipv4/af_inet.c
//! (`ipv4_mib_init_net`, `ip_proc_init_net`).
#![deny(unsafe_code)]

use core::sync::atomic::AtomicBool;
use core::sync::atomic::AtomicU32;

use kernel::prelude::*;

use super::ipmr_mirror::Mirror;
use super::netns;
use super::netns::NetState;
use super::proc;
use super::sys::fib_notifier::FibNotifier;
use super::sys::net::Net;
use super::sys::pernet;
use super::sys::pernet::NetList;
use super::sys::pernet::PernetOps;
use super::sys::rtnl::RtnlGuard;
use super::sys::stats::NetCounters;
use super::takeover;

/// oxip's per-namespace subsystem.
pub(crate) struct OxipNet;

impl PernetOps for OxipNet {
    type State = NetState;

    fn id() -> &'static AtomicU32 {
        &netns::NET_ID
    }

    fn nets() -> &'static NetList {
        &netns::NETS
    }

    /// The counters, the multicast mirror (one that cannot be set up
    /// leaves multicast to native; the rest works) and the /proc files.
    fn init(net: &Net) -> Result<NetState> {
        let counters = NetCounters::new()?;
        let mirror = FibNotifier::register(net, Mirror::new()).ok();
        let proc = proc::create(net)?;
        Ok(NetState {
            proc,
            counters,
            mirror,
            all: AtomicBool::new(false),
        })
    }

    /// Known to takeover (`all` mode, the global view) before any device
    /// of a new namespace registers: those come from pernet device ops,
    /// which run after the subsystems'.
    fn init_rtnl(_net: &Net, st: &NetState, g: &mut RtnlGuard) {
        takeover::net_init(st, g);
    }

    /// Drops the packets of `net` that NFQUEUE holds.
    ///
    /// oxip's okfns (`ip_rcv_finish`, `ip_forward_finish`,
    /// `ipmr_forward_finish`) are stored in the queue entries its NF_HOOK
    /// calls make, and nf_queue takes no module reference: a verdict given
    /// after unload would call into freed text. The per-netns exits run
    /// after every entry point is gone (the pernet registration is dropped
    /// last), so these drops catch every entry oxip made, as
    /// `__nf_unregister_net_hook` does for a hook's own entries. Two
    /// passes: `pre_exit` drops what is queued, the grace period the core
    /// waits between `pre_exit` and `exit` lets a verdict that dequeued an
    /// entry before that finish (verdicts are handled under
    /// `rcu_read_lock`, and an ACCEPT may queue the packet again at the
    /// next hook), and `exit` drops those. The registration's drop waits
    /// for the verdicts in flight during the second pass.
    fn pre_exit(net: &Net, _st: &NetState) {
        pernet::nf_queue_drop(net);
    }

    fn exit(net: &Net, _st: &NetState) {
        pernet::nf_queue_drop(net);
    }

    /// Its counters join the gone namespaces' total before they are freed
    /// (with the /proc files, the mirror, the rest of the state).
    fn exit_rtnl(_net: &Net, st: &NetState, g: &mut RtnlGuard) {
        takeover::net_exit(st, g);
    }
}

/// oxip's registered `pernet_operations`.
pub(crate) type Registration = pernet::Registration<OxipNet>;
