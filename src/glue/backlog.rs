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

use core::ffi::c_int;
use core::ffi::c_void;

use kernel::prelude::*;

use super::bindings as b;
use super::pernet::for_each_possible_cpu;
use super::pernet::Stats;
use super::rcv;
use super::rtnl::RtnlGuard;
use super::skb::ListHead;
use super::skb::Skb;
use crate::oxip_core::mib::DropReason;
use crate::oxip_core::mib::IpMib;

/// One CPU's backlog. `napi` comes first so the poll can find the queue.
#[repr(C)]
struct Cpu {
    napi: b::napi_struct,
    queue: b::sk_buff_head,
}

/// Largest backlog a CPU keeps (`netdev_max_backlog`'s default); beyond it
/// frames are dropped with `CPU_BACKLOG`, as native's backlog does.
const MAX_BACKLOG: u32 = 1000;

/// The per-CPU backlogs, their NAPI instances and the dummy device they hang on.
///
/// # Invariants
///
/// `cpus` is a per-CPU allocation of `Cpu`, each with an initialised queue
/// and an added, enabled NAPI on `dev`, until drop.
pub(crate) struct Backlog {
    dev: *mut b::net_device,
    cpus: *mut c_void,
}

// SAFETY: set up at init, torn down at exit; the packet path reaches it
// only through `THIS` while registered.
unsafe impl Send for Backlog {}
// SAFETY: shared access only enqueues under the per-CPU discipline above.
unsafe impl Sync for Backlog {}

/// The live backlog, for the hook and the notifier (set while registered).
static THIS: core::sync::atomic::AtomicPtr<c_void> = core::sync::atomic::AtomicPtr::new(core::ptr::null_mut());

impl Backlog {
    /// Allocates and enables a backlog on every possible CPU.
    pub(crate) fn register() -> Result<Self> {
        // SAFETY: plain allocation.
        let dev = unsafe { b::oxip_alloc_netdev_dummy() };
        if dev.is_null() {
            return Err(ENOMEM);
        }
        // SAFETY: plain per-CPU allocation, zeroed.
        let cpus = unsafe { b::oxip_alloc_percpu(core::mem::size_of::<Cpu>(), core::mem::align_of::<Cpu>()) };
        if cpus.is_null() {
            // SAFETY: `dev` was allocated above and never registered.
            unsafe { b::free_netdev(dev) };
            return Err(ENOMEM);
        }
        for_each_possible_cpu(|cpu| {
            // SAFETY: `cpus` is a per-CPU `Cpu` area; `cpu` is possible.
            let c = unsafe { b::oxip_per_cpu_ptr(cpus, cpu) } as *mut Cpu;
            // SAFETY: `c` is valid, zeroed, not yet shared; `dev` is ours.
            unsafe {
                b::oxip_skb_queue_head_init(&mut (*c).queue);
                b::oxip_netif_napi_add(dev, &mut (*c).napi, Some(backlog_poll));
                b::napi_enable(&mut (*c).napi);
            }
        });
        THIS.store(cpus, core::sync::atomic::Ordering::Release);
        // INVARIANT: every CPU's queue and NAPI set up above.
        Ok(Backlog { dev, cpus })
    }
}

impl Drop for Backlog {
    fn drop(&mut self) {
        let cpus = self.cpus;
        {
            // Under RTNL no device unregisters meanwhile: every device a
            // queued frame names is still registered (the netdev notifier,
            // registered until after this, flushed those that went).
            let _g = RtnlGuard::lock();
            THIS.store(core::ptr::null_mut(), core::sync::atomic::Ordering::Release);
            for_each_possible_cpu(|cpu| {
                // SAFETY: per-CPU `Cpu` (type invariant).
                let c = unsafe { b::oxip_per_cpu_ptr(cpus, cpu) } as *mut Cpu;
                // SAFETY: the NAPI was added and enabled (type invariant);
                // napi_disable waits for a running poll and keeps it off.
                unsafe { b::napi_disable(&mut (*c).napi) };
                // SAFETY: disabled above, deleted once.
                unsafe { b::oxip_netif_napi_del(&mut (*c).napi) };
                // SAFETY: the hooks are gone and `Takeover::drop` waited for
                // those running (synchronize_net), so nothing queues; the
                // NAPI is disabled, so nothing dequeues; RTNL is held.
                unsafe { purge(&mut (*c).queue, |_| true, DropReason::NotSpecified) };
            });
        }
        // SAFETY: process context; NAPI lookups by id (RCU) may still see
        // the deleted instances until a grace period has passed.
        unsafe { b::synchronize_net() };
        // SAFETY: every NAPI on `dev` is deleted and no reader is left; the
        // per-CPU area is unused.
        unsafe { b::free_percpu(self.cpus) };
        // SAFETY: allocated in `register`, never registered.
        unsafe { b::free_netdev(self.dev) };
    }
}

/// Frees the queued skbs `pick` selects, each counted as a drop with `r`.
///
/// # Safety
///
/// `q` is an initialised queue of owned skbs; process context; the device
/// of every queued skb is registered (RTNL held: a netdev notifier, or the
/// unload with every vanished device already flushed).
unsafe fn purge(q: *mut b::sk_buff_head, pick: impl Fn(*mut b::net_device) -> bool, r: DropReason) {
    pin_init::stack_pin_init!(let doomed = ListHead::new());
    // SAFETY: the queue lock serialises with the owning CPU's enqueue and
    // poll (which take frames off only under it).
    unsafe { b::oxip_skb_queue_lock_bh(q) };
    // SAFETY: `q` is locked.
    let mut skb = unsafe { b::oxip_skb_peek(q) };
    while !skb.is_null() {
        // SAFETY: `skb` is on the locked queue.
        let next = unsafe { b::oxip_skb_peek_next(skb, q) };
        // SAFETY: as above.
        if pick(unsafe { b::oxip_skb_dev(skb) }) {
            // SAFETY: `skb` is on the locked queue; unlinking gives us its reference.
            unsafe { b::oxip___skb_unlink(skb, q) };
            // SAFETY: unlinked above: ours.
            if let Some(s) = unsafe { Skb::from_raw(skb) } {
                doomed.push(s);
            }
        }
        skb = next;
    }
    // SAFETY: locked above.
    unsafe { b::oxip_skb_queue_unlock_bh(q) };
    // SAFETY: counters are per-CPU and want BHs off.
    unsafe { b::oxip_local_bh_disable() };
    while let Some(skb) = doomed.pop() {
        // SAFETY: the skb's device is registered (caller's contract), so
        // its namespace is live; BHs are off.
        let mut st = unsafe { Stats::this_cpu(skb.net()) };
        st.count_drop(r);
        skb.drop_reason(r);
    }
    // SAFETY: paired with the disable above.
    unsafe { b::oxip_local_bh_enable() };
}

/// Queues a stolen frame on this CPU's backlog and schedules its NAPI.
/// Falls back to receiving it at once when no backlog is set up.
pub(crate) fn enqueue(skb: Skb) {
    let cpus = THIS.load(core::sync::atomic::Ordering::Acquire);
    if cpus.is_null() {
        rcv::ip_rcv(skb, IpMib::TakeoverRcv);
        return;
    }
    // Native's enqueue_to_backlog refuses a device that is not running: a
    // device is closed before it unregisters, so once the unregister
    // notifier has flushed, nothing for it is queued again.
    // SAFETY: the skb's device is valid while it is being received.
    if !unsafe { b::oxip_netif_running(skb.dev()) } {
        let r = DropReason::Kernel(b::skb_drop_reason_SKB_DROP_REASON_DEV_READY);
        // SAFETY: the skb's net is live while it is being received; softirq.
        let mut st = unsafe { Stats::this_cpu(skb.net()) };
        st.count_drop(r);
        skb.drop_reason(r);
        return;
    }
    // SAFETY: the hook runs in softirq: this CPU's slot, valid while registered.
    let c = unsafe { b::oxip_this_cpu_ptr(cpus) } as *mut Cpu;
    // SAFETY: `c` is valid; a racy length read is only a threshold.
    if unsafe { (*c).queue.qlen } >= MAX_BACKLOG {
        // SAFETY: the skb's net is live while it is being received.
        let mut st = unsafe { Stats::this_cpu(skb.net()) };
        st.count_drop(DropReason::Kernel(b::skb_drop_reason_SKB_DROP_REASON_CPU_BACKLOG));
        skb.drop_reason(DropReason::Kernel(b::skb_drop_reason_SKB_DROP_REASON_CPU_BACKLOG));
        return;
    }
    let p = skb.into_raw();
    // SAFETY: ownership moves to the queue; the NAPI is enabled.
    unsafe {
        b::skb_queue_tail(&mut (*c).queue, p);
        b::oxip_napi_schedule(&mut (*c).napi);
    }
}

/// Drops whatever the backlogs hold for `dev` (called under RTNL as it
/// unregisters, after its hook is gone), as `flush_backlog()` does natively
/// (reason `DEV_READY`). Frames a poll already took off a queue are being
/// received inside that poll's RCU read-side section, which the device's
/// unregistration waits out.
pub(crate) fn flush_dev(dev: *mut b::net_device) {
    let cpus = THIS.load(core::sync::atomic::Ordering::Acquire);
    if cpus.is_null() {
        return;
    }
    for_each_possible_cpu(|cpu| {
        // SAFETY: per-CPU `Cpu` while registered.
        let c = unsafe { b::oxip_per_cpu_ptr(cpus, cpu) } as *mut Cpu;
        // SAFETY: process context, RTNL held (netdev notifier, `dev` still
        // registered); `c`'s queue is initialised.
        unsafe { purge(&mut (*c).queue, |d| d == dev, DropReason::Kernel(b::skb_drop_reason_SKB_DROP_REASON_DEV_READY)) };
    });
}

/// The NAPI poll: up to `budget` frames, taken off the queue under one
/// hold of its lock (so a concurrent `flush_dev` sees every frame not yet
/// taken), then received as one list.
unsafe extern "C" fn backlog_poll(napi: *mut b::napi_struct, budget: c_int) -> c_int {
    // CAST: `napi` is the first field of a `Cpu` (repr(C)).
    let c = napi as *mut Cpu;
    pin_init::stack_pin_init!(let list = ListHead::new());
    let mut work = 0;
    // SAFETY: this CPU's queue is initialised (Backlog invariant); the lock
    // serialises with enqueue and flush_dev.
    unsafe { b::oxip_skb_queue_lock_bh(&mut (*c).queue) };
    while work < budget {
        // SAFETY: the queue is locked; a dequeued skb is ours.
        match unsafe { Skb::from_raw(b::oxip___skb_dequeue(&mut (*c).queue)) } {
            Some(s) => list.push(s),
            None => break,
        }
        work += 1;
    }
    // SAFETY: locked above.
    unsafe { b::oxip_skb_queue_unlock_bh(&mut (*c).queue) };
    if work > 0 {
        // ip_list_rcv holds the RCU read lock over the receive, as native
        // list receive's caller does (the native fallbacks expect it).
        // SAFETY: the list holds skbs we own; ip_list_rcv takes them all.
        unsafe { rcv::ip_list_rcv(list.as_ptr(), IpMib::TakeoverRcv, false) };
    }
    if work < budget {
        // SAFETY: `napi` is ours and scheduled (we are its poll).
        unsafe { b::napi_complete_done(napi, work) };
    }
    work
}
