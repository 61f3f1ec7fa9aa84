// SPDX-License-Identifier: GPL-2.0
//! The takeover backlog: frames the ingress hook steals are queued per CPU
//! and received in batches by a per-CPU NAPI instance, so takeover mode gets
//! listified receive and route hints as the ethertype path does.
//!
//! C: net/core/dev.c (`enqueue_to_backlog()`, `process_backlog()`,
//! `flush_backlog()`): the same idea as the kernel's own per-CPU backlog.
//! The NAPI is scheduled on the CPU that queued, so each queue has one
//! producer and one consumer on its CPU; the queue lock is for the flush a
//! vanishing device triggers from process context. The poll takes frames
//! off the queue only under that lock, so a frame is always either in the
//! queue (where the flush finds it) or being received by a poll, which
//! runs inside an RCU read-side section that the device's unregistration
//! waits out before freeing it.
#![deny(unsafe_code)]

use core::pin::Pin;

use kernel::prelude::*;

use super::netns;
use super::rcv;
use super::sys::bh::Bh;
use super::sys::bh::BhGuard;
use super::sys::napi::NapiQueue;
use super::sys::napi::NapiQueues;
use super::sys::napi::Poll;
use super::sys::net::NetDevice;
use super::sys::params;
use super::sys::rcu::RcuRead;
use super::sys::reason;
use super::sys::rtnl::RtnlGuard;
use super::sys::skb::ListHead;
use super::sys::skb::Skb;
use super::sys::stats::drop_skb;
use crate::oxip_core::mib::DropReason;
use crate::oxip_core::mib::IpMib;

/// Largest backlog a CPU keeps (`netdev_max_backlog`'s default); beyond it
/// frames are dropped with `CPU_BACKLOG`, as native's backlog does.
const MAX_BACKLOG: u32 = 1000;

/// The per-CPU backlogs, published for the hook and the notifier while
/// this value lives.
pub(crate) struct Backlog {
    q: Pin<KBox<NapiQueues>>,
}

impl Backlog {
    /// Allocates and enables a backlog on every possible CPU.
    pub(crate) fn register() -> Result<Self> {
        let q = NapiQueues::new::<BacklogPoll>()?;
        q.as_ref().publish(&RtnlGuard::lock());
        Ok(Backlog { q })
    }
}

impl Drop for Backlog {
    fn drop(&mut self) {
        // Under RTNL no device unregisters meanwhile: every device a
        // queued frame names is still registered (the netdev notifier,
        // registered until after this, flushed those that went).
        let g = RtnlGuard::lock();
        self.q.unpublish(&g);
        // The hooks are gone and `Takeover::drop` waited for those running
        // (synchronize_net), so nothing queues; the NAPIs are disabled
        // before each purge, so nothing dequeues.
        self.q
            .stop(&g, |q| purge(q, |_| true, DropReason::NotSpecified, &g));
    }
}

/// Frees the queued skbs `pick` selects, each counted as a drop with `r`.
/// Process context, RTNL held (`g`): the device of every queued skb is
/// registered (a netdev notifier, or the unload with every vanished device
/// already flushed).
fn purge(q: &NapiQueue, pick: impl Fn(&NetDevice) -> bool, r: DropReason, g: &RtnlGuard) {
    pin_init::stack_pin_init!(let doomed = ListHead::new());
    // The queue lock serialises with the owning CPU's enqueue and poll
    // (which take frames off only under it).
    q.lock().unlink_if(pick, &doomed, g);
    // Counters are per-CPU and want BHs off.
    let bh = BhGuard::new();
    while let Some(skb) = doomed.pop() {
        let rg = RcuRead::lock();
        let mut st = netns::stats(skb.net(&rg), bh.bh());
        drop_skb(skb, &mut st, r);
    }
}

/// Queues a stolen frame on this CPU's backlog and schedules its NAPI.
/// Falls back to receiving it at once when no backlog is set up.
pub(crate) fn enqueue(skb: Skb, g: &RcuRead, bh: &Bh) {
    let Some(qs) = NapiQueues::current(bh) else {
        rcv::ip_rcv(skb, IpMib::TakeoverRcv, g, bh);
        return;
    };
    // Native's enqueue_to_backlog refuses a device that is not running: a
    // device is closed before it unregisters, so once the unregister
    // notifier has flushed, nothing for it is queued again.
    if !skb.dev(g).running() {
        let mut st = netns::stats(skb.net(g), bh);
        drop_skb(skb, &mut st, reason::DEV_READY);
        return;
    }
    let q = qs.this_cpu(bh);
    // A racy length read is only a threshold.
    if q.len() >= MAX_BACKLOG {
        let mut st = netns::stats(skb.net(g), bh);
        drop_skb(skb, &mut st, reason::CPU_BACKLOG);
        return;
    }
    q.enqueue(skb, bh);
}

/// Drops whatever the backlogs hold for `dev` (called under RTNL as it
/// unregisters, after its hook is gone), as `flush_backlog()` does natively
/// (reason `DEV_READY`). Frames a poll already took off a queue are being
/// received inside that poll's RCU read-side section, which the device's
/// unregistration waits out.
pub(crate) fn flush_dev(dev: &NetDevice, g: &RtnlGuard) {
    let Some(qs) = NapiQueues::current_rtnl(g) else {
        return;
    };
    qs.for_each(|q| purge(q, |d| core::ptr::eq(d, dev), reason::DEV_READY, g));
}

/// The NAPI poll: up to `budget` frames, taken off the queue under one
/// hold of its lock (so a concurrent `flush_dev` sees every frame not yet
/// taken), then received as one list.
struct BacklogPoll;

impl Poll for BacklogPoll {
    fn poll(q: &NapiQueue, budget: i32, bh: &Bh) -> i32 {
        pin_init::stack_pin_init!(let list = ListHead::new());
        let mut work = 0;
        {
            let mut l = q.lock();
            while work < budget {
                match l.dequeue() {
                    Some(s) => list.push(s),
                    None => break,
                }
                work += 1;
            }
        }
        // A test hook, inert unless a fault-injection kernel's test sets
        // it: a flush from another CPU must not miss a frame while the
        // poll holds it here (scenario teardown_backlog_window).
        params::fault_backlog_delay();
        if work > 0 {
            // ip_list_rcv holds the RCU read lock over the receive, as
            // native list receive's caller does (the native fallbacks
            // expect it); it takes every skb of the list.
            rcv::ip_list_rcv(list.as_list(), IpMib::TakeoverRcv, &RcuRead::lock(), bh);
        }
        if work < budget {
            q.complete_done(work);
        }
        work
    }
}
