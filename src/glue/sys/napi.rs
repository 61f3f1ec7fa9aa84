// SPDX-License-Identifier: GPL-2.0
//! Per-CPU NAPI instances, each draining its own skb queue, on a dummy
//! device: the machinery of the kernel's per-CPU backlog, for oxip's.
//!
//! C: include/linux/netdevice.h (`netif_napi_add`, `napi_schedule`,
//! `napi_complete_done`, `napi_disable`), include/linux/skbuff.h
//! (`sk_buff_head`), net/core/dev.c (`enqueue_to_backlog()`,
//! `process_backlog()`).

use core::ffi::c_int;
use core::marker::PhantomPinned;
use core::pin::Pin;
use core::ptr::NonNull;
use core::sync::atomic::AtomicBool;
use core::sync::atomic::AtomicPtr;
use core::sync::atomic::Ordering;

use kernel::prelude::*;
use kernel::types::Opaque;

use super::bh::Bh;
use super::bindings as b;
use super::net::NetDevice;
use super::percpu::PerCpu;
use super::percpu::Zeroed;
use super::rtnl::RtnlGuard;
use super::skb::ListHead;
use super::skb::Skb;

/// One CPU's NAPI instance and the queue its poll drains.
///
/// # Invariants
///
/// Inside a [`NapiQueues`] (the only maker), between its `new` and drop,
/// `queue` is initialised and `napi` added to the dummy device with
/// the poll of the [`Poll`] type it was made for; until `stop`, enabled.
#[repr(C)]
pub(crate) struct NapiQueue {
    napi: Opaque<b::napi_struct>,
    queue: Opaque<b::sk_buff_head>,
}

// SAFETY: zeroed bytes are a valid (not yet initialised) napi_struct and
// sk_buff_head, which `NapiQueues::new` initialises before any use.
unsafe impl Zeroed for NapiQueue {}
// SAFETY: the queue is only touched under its own lock or by its CPU with
// BHs off (the enqueue), and NAPI's own state is atomic.
unsafe impl Sync for NapiQueue {}

/// A NAPI poll function.
pub(crate) trait Poll: 'static {
    /// Polls `q`, at most `budget` frames; returns the work done. BHs are off.
    fn poll(q: &NapiQueue, budget: i32, bh: &Bh) -> i32;
}

/// # Safety
///
/// Only the NAPI poll callback, called by the kernel with a `napi_struct` added here.
unsafe extern "C" fn poll_callback<T: Poll>(napi: *mut b::napi_struct, budget: c_int) -> c_int {
    let napi = napi.cast::<Opaque<b::napi_struct>>();
    // SAFETY: `napi` is the `napi` field of a `NapiQueue` (only those are
    // added with this poll, NapiQueue invariant).
    let q = unsafe { kernel::container_of!(napi, NapiQueue, napi) };
    // SAFETY: live while its NAPI can be polled (NapiQueue invariant).
    let q = unsafe { &*q };
    // SAFETY: NAPI polls run in softirq.
    let bh = unsafe { Bh::assume() };
    T::poll(q, budget, &bh)
}

impl NapiQueue {
    fn queue(&self) -> *mut b::sk_buff_head {
        self.queue.get()
    }

    /// `skb_queue_len_lockless`: a racy read, good as a threshold.
    pub(crate) fn len(&self) -> u32 {
        // SAFETY: the queue is initialised (NapiQueue invariant); a plain
        // read of its length.
        unsafe { (*self.queue()).qlen }
    }

    /// `__skb_queue_tail` under the queue lock and `napi_schedule`: this
    /// CPU's queue, BHs off.
    pub(crate) fn enqueue(&self, skb: Skb, _bh: &Bh) {
        let p = skb.into_raw();
        // SAFETY: the queue is initialised (NapiQueue invariant); ownership
        // of `p` (Skb invariant) moves to it.
        unsafe { b::skb_queue_tail(self.queue(), p) };
        // SAFETY: the NAPI is added and enabled (NapiQueue invariant).
        unsafe { b::oxip_napi_schedule(self.napi.get()) };
    }

    /// `napi_complete_done(napi, work)`, from this queue's poll.
    pub(crate) fn complete_done(&self, work: i32) {
        // SAFETY: the NAPI is added and scheduled: its poll calls this.
        unsafe { b::napi_complete_done(self.napi.get(), work) };
    }

    /// Takes the queue lock (`spin_lock_bh(&q->lock)`).
    pub(crate) fn lock(&self) -> QueueGuard<'_> {
        // SAFETY: the queue is initialised (NapiQueue invariant).
        unsafe { b::oxip_skb_queue_lock_bh(self.queue()) };
        // INVARIANT: locked above.
        QueueGuard { q: self }
    }
}

/// The queue of a [`NapiQueue`], locked.
///
/// # Invariants
///
/// `q`'s queue lock is held by this guard until drop.
pub(crate) struct QueueGuard<'a> {
    q: &'a NapiQueue,
}

impl QueueGuard<'_> {
    /// `__skb_dequeue`.
    pub(crate) fn dequeue(&mut self) -> Option<Skb> {
        // SAFETY: the queue is locked (QueueGuard invariant).
        let p = unsafe { b::oxip___skb_dequeue(self.q.queue()) };
        // SAFETY: a dequeued skb's reference is ours.
        unsafe { Skb::from_raw(p) }
    }

    /// Moves the queued skbs whose device `pick` selects to `into`.
    ///
    /// The device of every queued skb must be registered (RTNL held: a
    /// netdev notifier, or the unload with every vanished device flushed):
    /// `_g` is the proof asked for it.
    pub(crate) fn unlink_if(
        &mut self,
        pick: impl Fn(&NetDevice) -> bool,
        into: &ListHead,
        _g: &RtnlGuard,
    ) {
        let q = self.q.queue();
        // SAFETY: the queue is locked (QueueGuard invariant).
        let mut skb = unsafe { b::oxip_skb_peek(q) };
        while !skb.is_null() {
            // SAFETY: `skb` is on the locked queue.
            let next = unsafe { b::oxip_skb_peek_next(skb, q) };
            // SAFETY: `skb` is on the locked queue.
            let dev = unsafe { super::skb::field::dev(skb) };
            // SAFETY: the device of a queued skb is registered while RTNL
            // is held (the caller's proof, `_g`).
            if pick(unsafe { NetDevice::from_raw(dev) }) {
                // SAFETY: `skb` is on the locked queue; unlinking gives us its reference.
                unsafe { b::oxip___skb_unlink(skb, q) };
                // SAFETY: unlinked above: ours.
                if let Some(s) = unsafe { Skb::from_raw(skb) } {
                    into.push(s);
                }
            }
            skb = next;
        }
    }
}

impl Drop for QueueGuard<'_> {
    fn drop(&mut self) {
        // SAFETY: locked by this guard (QueueGuard invariant).
        unsafe { b::oxip_skb_queue_unlock_bh(self.q.queue()) };
    }
}

/// The [`NapiQueues`] published for the packet path.
static CURRENT: AtomicPtr<NapiQueues> = AtomicPtr::new(core::ptr::null_mut());

/// A [`NapiQueue`] on every possible CPU, on a dummy device.
///
/// # Invariants
///
/// `dev` is a dummy device allocated by `new`, never registered, freed in
/// drop; every CPU's `NapiQueue` in `cpus` is set up (NapiQueue invariant)
/// with its NAPI on `dev`; if `CURRENT` points to this value, it is
/// pinned (the type is `!Unpin` and published only through `Pin`).
pub(crate) struct NapiQueues {
    dev: NonNull<b::net_device>,
    cpus: PerCpu<NapiQueue>,
    stopped: AtomicBool,
    _pin: PhantomPinned,
}

// SAFETY: set up at init, torn down at exit; shared access only through
// the per-CPU discipline of `NapiQueue`.
unsafe impl Send for NapiQueues {}
// SAFETY: shared access reaches the queues only through NapiQueue's
// per-CPU and locking discipline (NapiQueue invariant).
unsafe impl Sync for NapiQueues {}

impl NapiQueues {
    /// A queue and an enabled NAPI polled by `T` on every possible CPU.
    pub(crate) fn new<T: Poll>() -> Result<Pin<KBox<Self>>> {
        // SAFETY: plain allocation of a dummy device.
        let dev = unsafe { b::oxip_alloc_netdev_dummy() };
        let dev = NonNull::new(dev).ok_or(ENOMEM)?;
        let cpus = match PerCpu::<NapiQueue>::new() {
            Ok(c) => c,
            Err(e) => {
                // SAFETY: allocated above and never registered.
                unsafe { b::free_netdev(dev.as_ptr()) };
                return Err(e);
            }
        };
        cpus.for_each(|q| {
            // SAFETY: `q` is zeroed and not yet shared.
            unsafe { b::oxip_skb_queue_head_init(q.queue()) };
            // SAFETY: `dev` is our dummy device; `q.napi` is zeroed and
            // lives in the per-CPU area until drop.
            unsafe { b::oxip_netif_napi_add(dev.as_ptr(), q.napi.get(), Some(poll_callback::<T>)) };
            // SAFETY: added above.
            unsafe { b::napi_enable(q.napi.get()) };
        });
        // INVARIANT: every CPU's queue and NAPI set up above.
        let q = NapiQueues {
            dev,
            cpus,
            stopped: AtomicBool::new(false),
            _pin: PhantomPinned,
        };
        Ok(KBox::pin(q, GFP_KERNEL)?)
    }

    /// Makes `self` what [`NapiQueues::current`] returns.
    pub(crate) fn publish(self: Pin<&Self>, _g: &RtnlGuard) {
        let p = core::ptr::from_ref(self.get_ref()).cast_mut();
        CURRENT.store(p, Ordering::Release);
    }

    /// The published queues, for as long as BHs stay off: unpublishing
    /// waits for every BH-off section (`synchronize_net`) before freeing.
    pub(crate) fn current(_bh: &Bh) -> Option<&NapiQueues> {
        let p = CURRENT.load(Ordering::Acquire);
        // SAFETY: a published value is pinned and lives until after
        // `unpublish` and a grace period, which BHs off hold off.
        unsafe { p.as_ref() }
    }

    /// The published queues, for as long as RTNL is held (unpublishing
    /// takes RTNL).
    pub(crate) fn current_rtnl(_g: &RtnlGuard) -> Option<&NapiQueues> {
        let p = CURRENT.load(Ordering::Acquire);
        // SAFETY: a published value is pinned and lives until after
        // `unpublish`, which needs RTNL, held for the borrow.
        unsafe { p.as_ref() }
    }

    /// Stops being what [`NapiQueues::current`] returns.
    pub(crate) fn unpublish(&self, _g: &RtnlGuard) {
        let me = core::ptr::from_ref(self).cast_mut();
        let _ = CURRENT.compare_exchange(
            me,
            core::ptr::null_mut(),
            Ordering::AcqRel,
            Ordering::Acquire,
        );
    }

    /// This CPU's queue, for as long as BHs stay off.
    pub(crate) fn this_cpu<'a>(&'a self, bh: &'a Bh) -> &'a NapiQueue {
        self.cpus.this_cpu(bh)
    }

    /// Calls `f` with every CPU's queue.
    pub(crate) fn for_each(&self, f: impl FnMut(&NapiQueue)) {
        self.cpus.for_each(f);
    }

    /// Disables and deletes every NAPI (`napi_disable` waits for a running
    /// poll and keeps it off), then calls `f` with each queue, which no
    /// poll drains any more.
    pub(crate) fn stop(&self, _g: &RtnlGuard, mut f: impl FnMut(&NapiQueue)) {
        if self.stopped.swap(true, Ordering::AcqRel) {
            return;
        }
        self.cpus.for_each(|q| {
            // SAFETY: added and enabled (NapiQueue invariant), not stopped yet.
            unsafe { b::napi_disable(q.napi.get()) };
            // SAFETY: disabled above, deleted once (`stopped`).
            unsafe { b::oxip_netif_napi_del(q.napi.get()) };
            f(q);
        });
    }
}

impl Drop for NapiQueues {
    fn drop(&mut self) {
        {
            let g = RtnlGuard::lock();
            self.unpublish(&g);
            self.stop(&g, |_| {});
        }
        // SAFETY: process context; NAPI lookups by id (RCU) and BH-off
        // readers of `CURRENT` may still see us until a grace period passed.
        unsafe { b::synchronize_net() };
        // The per-CPU area goes with `cpus` (after this body): every NAPI
        // on it is deleted and no reader is left.
        // SAFETY: allocated in `new`, never registered (NapiQueues invariant);
        // its NAPIs are deleted.
        unsafe { b::free_netdev(self.dev.as_ptr()) };
    }
}
