// SPDX-License-Identifier: GPL-2.0
//! Typed per-CPU memory, whose API carries the discipline: this CPU's slot
//! only with bottom halves off ([`Bh`]), any CPU's slot only through
//! shared references of `Sync` data (counters read with one load each).
//!
//! C: include/linux/percpu.h (`alloc_percpu`, `this_cpu_ptr`,
//! `per_cpu_ptr`), include/linux/cpumask.h (`for_each_possible_cpu`).

use core::ffi::c_int;
use core::ffi::c_void;
use core::marker::PhantomData;
use core::ptr::NonNull;
use core::sync::atomic::AtomicU64;
use core::sync::atomic::Ordering;

use kernel::prelude::*;

use super::bh::Bh;
use super::bindings as b;

/// Types for which all-zero bytes are a valid value (what `alloc_percpu`
/// hands out).
///
/// # Safety
///
/// All-zero bytes are a valid `Self`.
pub(crate) unsafe trait Zeroed: Sync {}

/// The CPU this task runs on while BHs stay off, as the offset
/// `this_cpu_ptr` adds to a per-CPU area's address (`__my_cpu_offset`).
/// The offset is the same for every area (`per_cpu_ptr(p, cpu)` is `p`
/// plus `__per_cpu_offset[cpu]`), so one `this_cpu_ptr` finds this CPU's
/// slot of several areas ([`PerCpu::on`]).
///
/// # Invariants
///
/// `off` is the offset of the CPU the task runs on, which it stays on for
/// `'a` (BHs are off for `'a`).
#[derive(Clone, Copy)]
pub(crate) struct ThisCpu<'a> {
    off: usize,
    _bh: PhantomData<&'a Bh>,
}

/// A per-CPU allocation of `T`, zeroed on every CPU.
///
/// # Invariants
///
/// `ptr` is a live `alloc_percpu` area of `size_of::<T>()` bytes aligned for
/// `T` on every possible CPU, each slot a valid `T`, freed only in drop.
pub(crate) struct PerCpu<T: Zeroed> {
    ptr: NonNull<c_void>,
    _t: PhantomData<T>,
}

// SAFETY: the area is reachable from any CPU; `T: Sync` (Zeroed's bound)
// makes shared access from several CPUs sound; `T: Send` moves it.
unsafe impl<T: Zeroed + Send> Send for PerCpu<T> {}
// SAFETY: `&PerCpu<T>` only hands out `&T` (PerCpu invariant), and `T: Sync`.
unsafe impl<T: Zeroed> Sync for PerCpu<T> {}

impl<T: Zeroed> PerCpu<T> {
    /// `alloc_percpu(T)`: a zeroed `T` on every possible CPU.
    pub(crate) fn new() -> Result<Self> {
        // SAFETY: plain allocation; the area is zeroed by the allocator.
        let p =
            unsafe { b::oxip_alloc_percpu(core::mem::size_of::<T>(), core::mem::align_of::<T>()) };
        let ptr = NonNull::new(p).ok_or(ENOMEM)?;
        // INVARIANT: allocated above for T, zeroed, which is a valid T (Zeroed).
        Ok(PerCpu {
            ptr,
            _t: PhantomData,
        })
    }

    /// This CPU's slot, for as long as BHs stay off.
    pub(crate) fn this_cpu<'a>(&'a self, _bh: &'a Bh) -> &'a T {
        // SAFETY: `ptr` is a live per-CPU area (PerCpu invariant); the Bh
        // token keeps this task on this CPU for 'a (Bh invariant).
        let p = unsafe { b::oxip_this_cpu_ptr(self.ptr.as_ptr()) };
        // SAFETY: this CPU's slot is a valid T (PerCpu invariant), live as
        // long as `self` is borrowed; shared access only (T: Sync).
        unsafe { &*p.cast::<T>() }
    }

    /// This CPU's slot, and this CPU, for its slot of other areas
    /// ([`PerCpu::on`]) without another `this_cpu_ptr`.
    pub(crate) fn this_cpu_and<'a>(&'a self, bh: &'a Bh) -> (&'a T, ThisCpu<'a>) {
        let t = self.this_cpu(bh);
        // What this_cpu_ptr added: the slot's address less the area's.
        let off = core::ptr::from_ref(t)
            .addr()
            .wrapping_sub(self.ptr.as_ptr().addr());
        // INVARIANT: this CPU's offset; the Bh token keeps the task on this
        // CPU for 'a (Bh invariant).
        (
            t,
            ThisCpu {
                off,
                _bh: PhantomData,
            },
        )
    }

    /// `cpu`'s slot, for as long as BHs stay off: this area's address plus
    /// the offset `this_cpu_ptr` added to another area's on that CPU.
    pub(crate) fn on<'a>(&'a self, cpu: ThisCpu<'a>) -> &'a T {
        let p = self.ptr.as_ptr().cast::<u8>().wrapping_add(cpu.off);
        // SAFETY: `ptr` is a live per-CPU area (PerCpu invariant) and
        // `cpu.off` the offset of the CPU the task stays on for 'a
        // (ThisCpu invariant), the same for every area: `p` is what
        // this_cpu_ptr would return, this CPU's slot, a valid T (PerCpu
        // invariant) live while `self` is borrowed; shared access only
        // (T: Sync).
        unsafe { &*p.cast::<T>() }
    }

    /// The slot of possible CPU `cpu`.
    fn cpu(&self, cpu: u32) -> &T {
        // SAFETY: `ptr` is a live per-CPU area (PerCpu invariant) and `cpu`
        // a possible CPU (only `for_each_possible_cpu` calls this).
        let p = unsafe { b::oxip_per_cpu_ptr(self.ptr.as_ptr(), cpu) };
        // SAFETY: a valid T (PerCpu invariant), shared access (T: Sync).
        unsafe { &*p.cast::<T>() }
    }

    /// Calls `f` with every possible CPU's slot.
    pub(crate) fn for_each(&self, mut f: impl FnMut(&T)) {
        for_each_possible_cpu(|cpu| f(self.cpu(cpu)));
    }
}

impl<T: Zeroed> Drop for PerCpu<T> {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` (PerCpu invariant); no slot is
        // borrowed any more (they borrow `self`).
        unsafe { b::free_percpu(self.ptr.as_ptr()) };
    }
}

/// Calls `f` for every possible CPU (`for_each_possible_cpu`).
pub(crate) fn for_each_possible_cpu(mut f: impl FnMut(u32)) {
    // SAFETY: a plain read of `nr_cpu_ids`, fixed after boot.
    let nr = unsafe { b::oxip_nr_cpu_ids() };
    // SAFETY: a plain read of the possible mask, fixed after boot.
    let mut cpu = unsafe { b::oxip_cpumask_next_possible(-1) };
    while cpu < nr {
        f(cpu);
        // CAST: cpu < nr_cpu_ids fits in c_int.
        let prev = cpu as c_int;
        // SAFETY: a plain read of the possible mask, fixed after boot.
        cpu = unsafe { b::oxip_cpumask_next_possible(prev) };
    }
}

// The counters are per-CPU `u64`s, written only by their own CPU with BHs
// off and read by the folds with one load each, as `snmp_fold_field` does.
// That is exact on 64-bit, where an aligned u64 load cannot tear; 32-bit
// would need `u64_stats_sync`, which oxip does not implement.
const _: () = assert!(
    core::mem::size_of::<usize>() == 8,
    "oxip's per-CPU u64 counters need a 64-bit kernel"
);

/// `N` per-CPU counters (one CPU's slot of them).
///
/// Relaxed loads and stores compile to the plain moves of native's
/// `this_cpu_inc` and `READ_ONCE`; a slot has one writer (its CPU, BHs
/// off), so the load-add-store is not a lost update. (Counters that
/// several CPUs write, as `stats`' discard sink, lose updates but stay
/// sound: they are atomics.)
pub(crate) struct Counters<const N: usize>([AtomicU64; N]);

// SAFETY: an array of atomics: all-zero bytes are N zero counters.
unsafe impl<const N: usize> Zeroed for Counters<N> {}

impl<const N: usize> Counters<N> {
    /// `N` zero counters, for a static.
    pub(crate) const fn zero() -> Self {
        Counters([const { AtomicU64::new(0) }; N])
    }

    /// Adds `n` to counter `i` (out of range: nothing).
    pub(crate) fn add(&self, i: usize, n: u64) {
        if let Some(c) = self.0.get(i) {
            c.store(c.load(Ordering::Relaxed).wrapping_add(n), Ordering::Relaxed);
        }
    }

    /// Counter `i`, read once (0 out of range).
    pub(crate) fn get(&self, i: usize) -> u64 {
        self.0.get(i).map_or(0, |c| c.load(Ordering::Relaxed))
    }
}
