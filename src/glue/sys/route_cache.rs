// SPDX-License-Identifier: GPL-2.0
//! The per-CPU route cache: input routes kept across batches, keyed on the
//! receiving device, `daddr` and `tos`, each holding a dst reference and
//! validated on every use as native validates the input route a nexthop
//! caches (`rt_cache_valid()`), plus the FIB change sequence it was looked
//! up under. Which packets and routes may use it is the core's decision
//! (`route::route_cache_usable`, `route::route_cache_eligible`).
//!
//! C: net/ipv4/route.c (`rt_cache_valid()`, `rt_cache_route()`, the
//! `nhc_rth_input` this extends), include/net/dst.h (`dst_hold_safe()`,
//! `dst_release()`, `skb_dst_set_noref()`).

use core::marker::PhantomPinned;
use core::pin::Pin;
use core::sync::atomic::AtomicPtr;
use core::sync::atomic::AtomicU32;
use core::sync::atomic::AtomicU64;
use core::sync::atomic::AtomicUsize;
use core::sync::atomic::Ordering;

use kernel::prelude::*;

use super::bh::Bh;
use super::bindings as b;
use super::percpu::PerCpu;
use super::percpu::ThisCpu;
use super::percpu::Zeroed;
use super::rcu::RcuRead;
use super::skb::Skb;
use crate::oxip_core::route::CacheLookup;
use crate::oxip_core::route::MissRun;
use crate::oxip_core::wire::Ipv4Address;

/// Slots per CPU, direct-mapped: with the miss run, 32 KiB per CPU (the
/// largest per-CPU allocation there is), and 4 KiB of admission tags.
const SLOTS: usize = 1023;

/// One cached route.
///
/// # Invariants
///
/// `dst` is null or a dst on which this slot holds one reference (taken
/// by `dst_hold_safe`, given back by `dst_release`). `dev` is the address
/// of the device the route was looked up for, compared, never followed.
/// `saddr` is the last source the slot's route was checked for (by the
/// lookup that stored it, or on a hit), 0 for none.
/// Only this slot's CPU, with BHs off, touches it while the cache is
/// published; [`RouteCache`]'s drop empties it once nothing can.
struct Slot {
    dst: AtomicPtr<b::dst_entry>,
    dev: AtomicUsize,
    key: AtomicU64,
    seq: AtomicU32,
    saddr: AtomicU32,
}

/// One CPU's slots, and its miss run ([`MissRun`]: packets since the last
/// hit on this CPU).
pub(crate) struct CpuRoutes {
    slots: [Slot; SLOTS],
    run: AtomicU32,
}

// SAFETY: all-zero bytes are SLOTS empty slots (null dst) and a zero run.
unsafe impl Zeroed for CpuRoutes {}

const _: () = assert!(core::mem::size_of::<CpuRoutes>() <= 32 * 1024);

fn key(daddr: Ipv4Address, tos: u8) -> u64 {
    (u64::from(daddr.to_be32()) << 8) | u64::from(tos)
}

/// The slot index and the whole hash of a device, `daddr` and `tos`.
fn hash(dev: usize, daddr: Ipv4Address, tos: u8) -> (usize, u32) {
    // CAST: the device address only mixes into the hash.
    let h =
        (daddr.to_be32() ^ (dev >> 6) as u32 ^ (u32::from(tos) << 24)).wrapping_mul(0x9e37_79b1);
    // CAST: the hash scaled to 0..SLOTS (a multiply and a shift).
    ((u64::from(h) * SLOTS as u64 >> 32) as usize, h)
}

impl CpuRoutes {
    fn slot(&self, dev: usize, daddr: Ipv4Address, tos: u8) -> Option<&Slot> {
        self.slots.get(hash(dev, daddr, tos).0)
    }

    /// Whether this CPU is in a run of misses long enough for packets to
    /// skip the cache ([`MissRun::skipping`]): the one compare a packet
    /// that hits pays, asked before [`RouteCache::skip`].
    pub(crate) fn in_miss_run(&self) -> bool {
        MissRun(self.run.load(Ordering::Relaxed)).skipping()
    }

    fn missed(&self) {
        let run = MissRun(self.run.load(Ordering::Relaxed));
        self.run.store(run.next().0, Ordering::Relaxed);
    }

    /// The valid slot for `skb`'s device, `daddr` and `tos` under `seq`
    /// in the skb's netns; a stale one is emptied. A miss moves the run
    /// on, a valid slot ends it.
    pub(crate) fn lookup<'a>(
        &'a self,
        skb: &Skb,
        g: &RcuRead,
        daddr: Ipv4Address,
        tos: u8,
        seq: u32,
    ) -> Result<CachedRoute<'a>, CacheLookup> {
        let dev = skb.dev_ptr() as usize;
        let Some(slot) = self.slot(dev, daddr, tos) else {
            self.missed();
            return Err(CacheLookup::Miss);
        };
        let dst = slot.dst.load(Ordering::Relaxed);
        if dst.is_null()
            || slot.dev.load(Ordering::Relaxed) != dev
            || slot.key.load(Ordering::Relaxed) != key(daddr, tos)
        {
            self.missed();
            return Err(CacheLookup::Miss);
        }
        let net = skb.net(g);
        // SAFETY: `dst` is live: the slot holds a reference (Slot
        // invariant); `net` is live (Net invariant).
        let valid = unsafe { b::oxip_rt_cache_valid(dst, net.as_ptr()) };
        if !valid || slot.seq.load(Ordering::Relaxed) != seq {
            slot.dst.store(core::ptr::null_mut(), Ordering::Relaxed);
            // SAFETY: the slot's reference, given up above (Slot
            // invariant); the dst is freed after a grace period, so an
            // skb that still carries it noref in this read side is safe.
            unsafe { b::oxip_dst_release(dst) };
            self.missed();
            return Err(CacheLookup::Stale);
        }
        self.run.store(0, Ordering::Relaxed);
        Ok(CachedRoute { slot, dst })
    }
}

/// One CPU's admission tags: the hash of the last key that missed in each
/// slot (see [`RouteCache::put`]). A collision admits a route one miss
/// early, which is harmless: the stored key is exact.
pub(crate) struct CpuSeen([AtomicU32; SLOTS]);

// SAFETY: all-zero bytes are SLOTS zero tags.
unsafe impl Zeroed for CpuSeen {}

/// The [`RouteCache`] published for the packet path.
static CURRENT: AtomicPtr<RouteCache> = AtomicPtr::new(core::ptr::null_mut());

/// The cache on every possible CPU.
///
/// # Invariants
///
/// If `CURRENT` points to this value, it is pinned (published only
/// through `Pin`), and readers reach it only with BHs off.
pub(crate) struct RouteCache {
    cpus: PerCpu<CpuRoutes>,
    seen: PerCpu<CpuSeen>,
    _pin: PhantomPinned,
}

impl RouteCache {
    /// An empty cache on every possible CPU.
    pub(crate) fn new() -> Result<Pin<KBox<Self>>> {
        let c = RouteCache {
            cpus: PerCpu::new()?,
            seen: PerCpu::new()?,
            _pin: PhantomPinned,
        };
        Ok(KBox::pin(c, GFP_KERNEL)?)
    }

    /// Makes `self` what [`RouteCache::current`] returns.
    pub(crate) fn publish(self: Pin<&Self>) {
        let p = core::ptr::from_ref(self.get_ref()).cast_mut();
        CURRENT.store(p, Ordering::Release);
    }

    /// The published cache, for as long as BHs stay off: the drop
    /// unpublishes and waits for every BH-off section before it empties
    /// and frees the slots.
    pub(crate) fn current(_bh: &Bh) -> Option<&RouteCache> {
        let p = CURRENT.load(Ordering::Acquire);
        // SAFETY: a published value is pinned and lives until after its
        // drop unpublished it and a grace period passed, which BHs off
        // hold off (RouteCache invariant).
        unsafe { p.as_ref() }
    }

    /// Whether `skb`, for `daddr` and `tos`, skips the cache: `cpu` (this
    /// CPU's slots) is in a run of misses ([`MissRun`]), and the key is not
    /// the last to miss in its slot, which it now is (the admission tag
    /// [`RouteCache::put`] reads). A key that repeats ends the run: it is
    /// looked up, and stored as a second miss. The run moves on for a
    /// packet that skips.
    #[inline]
    pub(crate) fn skip(
        &self,
        this: ThisCpu<'_>,
        cpu: &CpuRoutes,
        skb: &Skb,
        daddr: Ipv4Address,
        tos: u8,
    ) -> bool {
        let run = MissRun(cpu.run.load(Ordering::Relaxed));
        if !run.skips() {
            return false;
        }
        if self
            .missed_before(this, skb.dev_ptr() as usize, daddr, tos)
            .is_some()
        {
            cpu.run.store(0, Ordering::Relaxed);
            return false;
        }
        cpu.run.store(run.next().0, Ordering::Relaxed);
        true
    }

    /// The admission tag: whether the key was the last to miss in its slot
    /// on this CPU (then the slot's index), the key now noted as the last.
    /// A collision answers yes one miss early, which is harmless: the
    /// stored key is exact.
    fn missed_before(
        &self,
        this: ThisCpu<'_>,
        dev: usize,
        daddr: Ipv4Address,
        tos: u8,
    ) -> Option<usize> {
        let (i, tag) = hash(dev, daddr, tos);
        let seen = self.seen.on(this).0.get(i)?;
        (seen.swap(tag, Ordering::Relaxed) == tag).then_some(i)
    }

    /// This CPU's slots, and this CPU (for its admission tags), for as
    /// long as BHs stay off.
    pub(crate) fn this_cpu<'a>(&'a self, bh: &'a Bh) -> (&'a CpuRoutes, ThisCpu<'a>) {
        self.cpus.this_cpu_and(bh)
    }

    /// Stores `skb`'s route for its device, `daddr` and `tos`, looked up
    /// under `seq` for source `saddr`, unless it leaves through the device
    /// it came in on, the second time in a row that key misses in its
    /// slot: the first miss only notes the key. Traffic to ever-new
    /// destinations, which a cache cannot help, then costs a store per
    /// packet instead of a dst reference taken and another given back
    /// (make bench's random-destination row); a flow is cached from its
    /// second packet.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn put(
        &self,
        this: ThisCpu<'_>,
        cpu: &CpuRoutes,
        skb: &Skb,
        _g: &RcuRead,
        daddr: Ipv4Address,
        tos: u8,
        saddr: Ipv4Address,
        seq: u32,
    ) {
        let dst = skb.dst_ptr();
        if dst.is_null() {
            return;
        }
        // SAFETY: the skb's dst is live under `_g` (noref or its own).
        let out = unsafe { super::skb::field::dst_dev(dst) };
        if core::ptr::eq(out, skb.dev_ptr()) {
            return;
        }
        let dev = skb.dev_ptr() as usize;
        let Some(i) = self.missed_before(this, dev, daddr, tos) else {
            return;
        };
        let Some(slot) = cpu.slots.get(i) else {
            return;
        };
        // SAFETY: the skb's dst is live under `_g`; a dst already on its
        // way out (refcount 0) is refused.
        if !unsafe { b::oxip_dst_hold_safe(dst) } {
            return;
        }
        // INVARIANT: the slot now holds the reference taken above.
        let old = slot.dst.swap(dst, Ordering::Relaxed);
        slot.dev.store(dev, Ordering::Relaxed);
        slot.key.store(key(daddr, tos), Ordering::Relaxed);
        slot.seq.store(seq, Ordering::Relaxed);
        slot.saddr.store(saddr.to_be32(), Ordering::Relaxed);
        if !old.is_null() {
            // SAFETY: the slot's previous reference (Slot invariant).
            unsafe { b::oxip_dst_release(old) };
        }
    }
}

#[cfg(CONFIG_KUNIT)]
impl RouteCache {
    /// Whether this CPU's admission tags, found from its slots' offset
    /// ([`PerCpu::on`]), are the ones `this_cpu_ptr` finds.
    pub(crate) fn this_cpu_on_matches_c(&self) -> bool {
        let g = super::bh::BhGuard::new();
        let (_, this) = self.this_cpu(g.bh());
        core::ptr::eq(self.seen.on(this), self.seen.this_cpu(g.bh()))
    }
}

/// A valid cached route, found by [`RouteCache::lookup`], for as long as
/// BHs stay off and the read side holds.
pub(crate) struct CachedRoute<'a> {
    slot: &'a Slot,
    dst: *mut b::dst_entry,
}

impl CachedRoute<'_> {
    /// The slot's route was checked for `saddr` last.
    pub(crate) fn checked_for(&self, saddr: Ipv4Address) -> bool {
        self.slot.saddr.load(Ordering::Relaxed) == saddr.to_be32()
    }

    /// Attaches the route to `skb` as a noref dst, `saddr` now checked.
    pub(crate) fn attach(self, skb: &mut Skb, _g: &RcuRead, saddr: Ipv4Address) {
        self.slot.saddr.store(saddr.to_be32(), Ordering::Relaxed);
        // SAFETY: `skb` is valid and has no dst (the core asks only then);
        // `dst` is live while the slot holds it (found valid under this
        // read side and this BH-off section, which nothing else on this
        // CPU can interleave with), and is freed only after a grace
        // period, which `_g` holds off: the noref contract.
        unsafe { super::skb::field::set_dst_noref(skb.as_ptr(), self.dst) };
    }
}

impl Drop for RouteCache {
    fn drop(&mut self) {
        let me = core::ptr::from_mut(self);
        let _ = CURRENT.compare_exchange(
            me,
            core::ptr::null_mut(),
            Ordering::AcqRel,
            Ordering::Acquire,
        );
        // SAFETY: process context (module exit); after it no BH-off
        // section that could have read `CURRENT` is left.
        unsafe { b::synchronize_net() };
        self.cpus.for_each(|c| {
            for s in &c.slots {
                let dst = s.dst.swap(core::ptr::null_mut(), Ordering::Relaxed);
                if !dst.is_null() {
                    // SAFETY: the slot's reference (Slot invariant); no
                    // reader is left (above).
                    unsafe { b::oxip_dst_release(dst) };
                }
            }
        });
    }
}
