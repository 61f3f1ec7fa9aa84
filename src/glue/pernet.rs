// SPDX-License-Identifier: GPL-2.0
//! Per network namespace state: per-CPU counters and the /proc/net files.
//!
//! C: include/net/net_namespace.h (`pernet_operations`), include/net/snmp.h
//! (per-CPU MIBs), net/ipv4/proc.c (the files' format).

use core::ffi::c_char;
use core::ffi::c_int;
use core::ffi::c_void;
use core::sync::atomic::AtomicU32;
use core::sync::atomic::Ordering;

use kernel::prelude::*;

use super::bindings as b;
use super::mroute::NetMroute;
use super::reason;
use crate::oxip_core::mib::DropReason;
use crate::oxip_core::mib::IpMib;
use crate::oxip_core::mib::MibArray;
use crate::oxip_core::mib::MibSink;
use crate::oxip_core::mib::DROP_SLOTS;
use crate::oxip_core::mib::IP_MIB_MAX;
use crate::oxip_core::snmp;

/// The `net_generic` id the kernel assigns at registration.
static NET_ID: AtomicU32 = AtomicU32::new(0);

/// What each namespace holds, in its `net_generic` slot (zeroed by the kernel).
///
/// # Invariants
///
/// Between `oxip_net_init` returning 0 and `oxip_net_exit`, `mib` and
/// `drops` are per-CPU allocations of a `MibArray` and `DROP_SLOTS` `u64`s.
#[repr(C)]
struct NetState {
    mib: *mut c_void,
    drops: *mut c_void,
    mroute: *mut NetMroute,
}

type DropArray = [u64; DROP_SLOTS];

/// This CPU's counters of one namespace, for the duration of one step of the
/// packet path.
///
/// # Invariants
///
/// `mib` and `drops` are null or point to this CPU's slots, and the holder runs with
/// bottom halves disabled (receive softirq, or `nf_reinject` under
/// `local_bh_disable`), so no other writer touches them meanwhile.
pub(crate) struct Stats {
    mib: *mut MibArray,
    drops: *mut DropArray,
}

impl Stats {
    /// Counters that count nothing (a placeholder until a net is known).
    pub(crate) fn none() -> Stats {
        Stats { mib: core::ptr::null_mut(), drops: core::ptr::null_mut() }
    }

    /// This CPU's counters for `net` (counting nothing if oxip has no
    /// state there, which does not happen while the module is loaded).
    ///
    /// # Safety
    ///
    /// `net` is a live namespace and the caller runs with BHs disabled.
    pub(crate) unsafe fn this_cpu(net: *mut b::net) -> Stats {
        let none = Stats { mib: core::ptr::null_mut(), drops: core::ptr::null_mut() };
        // SAFETY: `net` is live; NET_ID was set by register_pernet_subsys.
        let st = unsafe { b::oxip_net_generic(net, NET_ID.load(Ordering::Relaxed)) } as *mut NetState;
        if st.is_null() {
            return none;
        }
        // SAFETY: `st` is this net's slot, initialised by oxip_net_init.
        let (mib, drops) = unsafe { ((*st).mib, (*st).drops) };
        if mib.is_null() || drops.is_null() {
            return none;
        }
        // INVARIANT: this CPU's slots; BHs are off per the caller's contract.
        // SAFETY: `mib` and `drops` are per-CPU allocations (NetState invariant).
        unsafe {
            Stats {
                mib: b::oxip_this_cpu_ptr(mib) as *mut MibArray,
                drops: b::oxip_this_cpu_ptr(drops) as *mut DropArray,
            }
        }
    }

    /// Counts a drop with reason `r`.
    pub(crate) fn count_drop(&mut self, r: DropReason) {
        self.inc(IpMib::Drops);
        let k = reason::to_kernel(r) as usize;
        let slot = k.min(DROP_SLOTS - 1);
        if self.drops.is_null() {
            return;
        }
        // SAFETY: `drops` is this CPU's array (type invariant), `slot` in range.
        unsafe {
            if let Some(c) = (*self.drops).get_mut(slot) {
                *c = c.wrapping_add(1);
            }
        }
    }
}

impl MibSink for Stats {
    fn add(&mut self, m: IpMib, n: u64) {
        if self.mib.is_null() {
            return;
        }
        // SAFETY: `mib` is this CPU's array and nobody else writes it now
        // (type invariant).
        unsafe { (*self.mib).add(m, n) };
    }
}

fn state(net: *mut b::net) -> *mut NetState {
    // SAFETY: `net` is live (callers: pernet callbacks, proc files of `net`).
    unsafe { b::oxip_net_generic(net, NET_ID.load(Ordering::Relaxed)) as *mut NetState }
}

/// Calls `f` for every possible CPU (`for_each_possible_cpu`).
pub(crate) fn for_each_possible_cpu(mut f: impl FnMut(u32)) {
    // SAFETY: plain reads of the possible mask.
    let nr = unsafe { b::oxip_nr_cpu_ids() };
    // SAFETY: as above.
    let mut cpu = unsafe { b::oxip_cpumask_next_possible(-1) };
    while cpu < nr {
        f(cpu);
        // SAFETY: as above; CAST: cpu < nr_cpu_ids fits in c_int.
        cpu = unsafe { b::oxip_cpumask_next_possible(cpu as c_int) };
    }
}

// The counters are plain per-CPU `u64`s, written only by their own CPU with
// BHs off and read by the folds below with one `READ_ONCE`-like load each,
// as `snmp_fold_field` does. That is exact on 64-bit, where an aligned u64
// load cannot tear; 32-bit would need `u64_stats_sync` (as
// `snmp_get_cpu_field64` uses), which oxip does not implement, so it refuses
// to build there.
const _: () = assert!(core::mem::size_of::<usize>() == 8, "oxip's per-CPU u64 counters need a 64-bit kernel");

/// One counter of another CPU, read once (`READ_ONCE`).
///
/// # Safety
///
/// `p` points to `n` aligned `u64`s of a live per-CPU slot.
unsafe fn read_counter(p: *const u64, n: usize, i: usize) -> u64 {
    if i >= n {
        return 0;
    }
    // SAFETY: `i < n` elements of a live, aligned array (caller's
    // contract); a volatile load is one untorn 64-bit load here.
    unsafe { core::ptr::read_volatile(p.add(i)) }
}

/// The counters of `net` summed over CPUs (`snmp_fold_field`).
pub(crate) fn fold_mib(net: *mut b::net) -> MibArray {
    let mut sum = MibArray::default();
    let st = state(net);
    // SAFETY: `st` is valid for a live net.
    if st.is_null() || unsafe { (*st).mib.is_null() } {
        return sum;
    }
    for_each_possible_cpu(|cpu| {
        // SAFETY: `mib` is a per-CPU MibArray (NetState invariant), `cpu` possible.
        let p = unsafe { b::oxip_per_cpu_ptr((*st).mib, cpu) } as *const u64;
        for m in IpMib::ALL {
            // SAFETY: `p` is a live `MibArray`, an array of IP_MIB_MAX u64s.
            sum.add(m, unsafe { read_counter(p, IP_MIB_MAX, m as usize) });
        }
    });
    sum
}

fn fold_drops(net: *mut b::net) -> DropArray {
    let mut sum = [0u64; DROP_SLOTS];
    let st = state(net);
    // SAFETY: `st` is valid for a live net.
    if st.is_null() || unsafe { (*st).drops.is_null() } {
        return sum;
    }
    for_each_possible_cpu(|cpu| {
        // SAFETY: `drops` is a per-CPU DropArray (NetState invariant).
        let p = unsafe { b::oxip_per_cpu_ptr((*st).drops, cpu) } as *const u64;
        for (i, s) in sum.iter_mut().enumerate() {
            // SAFETY: `p` is a live DropArray of DROP_SLOTS u64s.
            *s = s.wrapping_add(unsafe { read_counter(p, DROP_SLOTS, i) });
        }
    });
    sum
}

/// `core::fmt::Write` into a `seq_file`.
pub(crate) struct SeqWriter(pub(crate) *mut b::seq_file);

impl core::fmt::Write for SeqWriter {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        // SAFETY: `self.0` is the seq_file of the show callback we are in.
        unsafe { b::seq_write(self.0, s.as_ptr().cast(), s.len()) };
        Ok(())
    }
}

unsafe extern "C" fn snmp_show(seq: *mut b::seq_file, _v: *mut c_void) -> c_int {
    // SAFETY: a proc_create_net_single file: the seq_file carries its net.
    let net = unsafe { b::oxip_seq_file_single_net(seq) };
    let _ = snmp::write_snmp(&mut SeqWriter(seq), &fold_mib(net));
    0
}

unsafe extern "C" fn drops_show(seq: *mut b::seq_file, _v: *mut c_void) -> c_int {
    // SAFETY: as in snmp_show.
    let net = unsafe { b::oxip_seq_file_single_net(seq) };
    let d = fold_drops(net);
    let it = d.iter().enumerate().map(|(k, n)| {
        // CAST: k < DROP_SLOTS.
        (reason::name(k as u32), *n)
    });
    let _ = snmp::write_drops(&mut SeqWriter(seq), it);
    0
}

/// The /proc/net files, in the order `oxip_net_init` makes them.
const PROC_NAMES: [&core::ffi::CStr; 5] = [c"oxip_snmp", c"oxip_drops", c"oxip_takeover", c"oxip_mr_vif", c"oxip_mr_cache"];

/// The kernel-wide files, in the initial namespace only, made after
/// `PROC_NAMES` (see `takeover::global_show`).
const GLOBAL_NAMES: [&core::ffi::CStr; 2] = [c"oxip_global", c"oxip_global_takeover"];

fn is_init_net(net: *mut b::net) -> bool {
    core::ptr::eq(net, core::ptr::addr_of_mut!(b::init_net))
}

unsafe extern "C" fn oxip_net_init(net: *mut b::net) -> c_int {
    let st = state(net);
    if st.is_null() {
        return -(b::ENOMEM as c_int);
    }
    // SAFETY: per-CPU allocations of plain counters; zeroed by the allocator.
    let (mib, drops) = unsafe {
        (
            b::oxip_alloc_percpu(core::mem::size_of::<MibArray>(), core::mem::align_of::<MibArray>()),
            b::oxip_alloc_percpu(core::mem::size_of::<DropArray>(), core::mem::align_of::<DropArray>()),
        )
    };
    if mib.is_null() || drops.is_null() {
        // SAFETY: free_percpu accepts NULL.
        unsafe {
            b::free_percpu(mib);
            b::free_percpu(drops);
        }
        return -(b::ENOMEM as c_int);
    }
    // A mirror that cannot be set up leaves multicast to native; the rest works.
    let mroute = NetMroute::register(net).unwrap_or(core::ptr::null_mut());
    // INVARIANT: both allocated above.
    // SAFETY: `st` is this net's zeroed slot, ours to fill.
    unsafe { *st = NetState { mib, drops, mroute } };
    // Known to takeover (`all` mode, the global view) before any device of
    // a new namespace registers: those come from pernet device ops, which
    // run after the subsystems'.
    let known = super::takeover::net_init(net).is_ok();
    // SAFETY: `net->proc_net` is this namespace's /proc/net directory.
    let dir = unsafe { (*net).proc_net };
    // Every file or none, as native's ip_proc_init_net: the exit removes
    // all five names, and removing one that does not exist WARNs.
    let mut made = 0;
    // SAFETY: names are NUL-terminated statics; the show callbacks match the
    // seq_file signature; entries are removed in oxip_net_exit (or below).
    let ok = unsafe {
        let mut ok = !b::proc_create_net_single(c"oxip_snmp".as_ptr(), 0o444, dir, Some(snmp_show), core::ptr::null_mut()).is_null();
        made += usize::from(ok);
        ok = ok && !b::proc_create_net_single(c"oxip_drops".as_ptr(), 0o444, dir, Some(drops_show), core::ptr::null_mut()).is_null();
        made += usize::from(ok);
        ok = ok
            && !b::proc_create_net_single_write(
                c"oxip_takeover".as_ptr(),
                0o644,
                dir,
                Some(super::takeover::ctl_show),
                Some(super::takeover::ctl_write),
                core::ptr::null_mut(),
            )
            .is_null();
        made += usize::from(ok);
        ok = ok && !b::proc_create_net_single(c"oxip_mr_vif".as_ptr(), 0o444, dir, Some(mr_vif_show), core::ptr::null_mut()).is_null();
        made += usize::from(ok);
        ok = ok && !b::proc_create_net_single(c"oxip_mr_cache".as_ptr(), 0o444, dir, Some(mr_cache_show), core::ptr::null_mut()).is_null();
        made += usize::from(ok);
        if is_init_net(net) {
            ok = ok && !b::proc_create_net_single(c"oxip_global".as_ptr(), 0o444, dir, Some(super::takeover::global_show), core::ptr::null_mut()).is_null();
            made += usize::from(ok);
            ok = ok
                && !b::proc_create_net_single(c"oxip_global_takeover".as_ptr(), 0o444, dir, Some(super::takeover::global_takeover_show), core::ptr::null_mut())
                    .is_null();
            made += usize::from(ok);
        }
        ok && known
    };
    if !ok {
        if known {
            super::takeover::net_exit(net, false);
        }
        for name in Iterator::chain(PROC_NAMES.iter(), GLOBAL_NAMES.iter()).take(made) {
            // SAFETY: made above, in this order.
            unsafe { b::remove_proc_entry(name.as_ptr() as *const c_char, dir) };
        }
        // SAFETY: nothing else refers to them yet (no proc file of ours is left).
        unsafe {
            NetMroute::unregister((*st).mroute);
            b::free_percpu((*st).mib);
            b::free_percpu((*st).drops);
            *st = NetState { mib: core::ptr::null_mut(), drops: core::ptr::null_mut(), mroute: core::ptr::null_mut() };
        }
        return -(b::ENOMEM as c_int);
    }
    0
}

/// The namespace's multicast routing mirror (null if it has none).
pub(crate) fn mroute_of(net: *mut b::net) -> *mut NetMroute {
    let st = state(net);
    // SAFETY: `st` is valid for a live net.
    if st.is_null() { core::ptr::null_mut() } else { unsafe { (*st).mroute } }
}

unsafe extern "C" fn mr_vif_show(seq: *mut b::seq_file, _v: *mut c_void) -> c_int {
    // SAFETY: a proc_create_net_single file: the seq_file carries its net.
    let m = mroute_of(unsafe { b::oxip_seq_file_single_net(seq) });
    if !m.is_null() {
        // SAFETY: the mirror lives until the net's exit, after its proc files go.
        let _ = unsafe { &*m }.show_vifs(&mut SeqWriter(seq));
    }
    0
}

unsafe extern "C" fn mr_cache_show(seq: *mut b::seq_file, _v: *mut c_void) -> c_int {
    // SAFETY: as in mr_vif_show.
    let m = mroute_of(unsafe { b::oxip_seq_file_single_net(seq) });
    if !m.is_null() {
        // SAFETY: as in mr_vif_show.
        let _ = unsafe { &*m }.show_cache(&mut SeqWriter(seq));
    }
    0
}

/// Drops the packets of `net` that NFQUEUE holds.
///
/// oxip's okfns (`ip_rcv_finish`, `ip_forward_finish`,
/// `ipmr_forward_finish`) are stored in the queue entries its NF_HOOK
/// calls make, and nf_queue takes no module reference: a verdict given
/// after unload would call into freed text. The per-netns exits run after
/// every entry point is gone (the pernet registration is dropped last), so
/// these drops catch every entry oxip made, as `__nf_unregister_net_hook`
/// does for a hook's own entries. Two passes: `pre_exit` drops what is
/// queued, the grace period the core waits between `pre_exit` and `exit`
/// lets a verdict that dequeued an entry before that finish (verdicts are
/// handled under `rcu_read_lock`, and an ACCEPT may queue the packet again
/// at the next hook), and `exit` drops those. `Registration::drop` waits
/// for the verdicts in flight during the second pass.
fn nf_queue_drop(net: *mut b::net) {
    // SAFETY: `net` is live (a pernet callback); the queue handler drops
    // entries under its own locks, safe in process context.
    unsafe { b::nf_queue_nf_hook_drop(net) };
}

unsafe extern "C" fn oxip_net_pre_exit(net: *mut b::net) {
    nf_queue_drop(net);
}

unsafe extern "C" fn oxip_net_exit(net: *mut b::net) {
    nf_queue_drop(net);
    // SAFETY: `net` is being dismantled; its proc dir still exists.
    let dir = unsafe { (*net).proc_net };
    let global: &[&core::ffi::CStr] = if is_init_net(net) { &GLOBAL_NAMES } else { &[] };
    for name in Iterator::chain(global.iter().rev(), PROC_NAMES.iter().rev()) {
        // SAFETY: removing the entries oxip_net_init made (all of them: it
        // fails otherwise, and then this exit is not called for `net`).
        unsafe { b::remove_proc_entry(name.as_ptr() as *const c_char, dir) };
    }
    // Its counters join the gone namespaces' total before they are freed.
    super::takeover::net_exit(net, true);
    let st = state(net);
    if st.is_null() {
        return;
    }
    // SAFETY: no packet of this net is in flight (devices gone or hooks unregistered,
    // with synchronize_net); the mirror came from NetMroute::register (or is null).
    unsafe {
        NetMroute::unregister((*st).mroute);
        b::free_percpu((*st).mib);
        b::free_percpu((*st).drops);
        *st = NetState { mib: core::ptr::null_mut(), drops: core::ptr::null_mut(), mroute: core::ptr::null_mut() };
    }
}

/// oxip's `pernet_operations`, registered for the module's lifetime.
///
/// # Invariants
///
/// `ops` is registered with `register_pernet_subsys` until drop.
pub(crate) struct Registration {
    ops: KBox<b::pernet_operations>,
}

// SAFETY: the registration is only touched at init and exit.
unsafe impl Send for Registration {}
// SAFETY: no shared-reference method mutates anything.
unsafe impl Sync for Registration {}

impl Registration {
    /// `register_pernet_subsys`: runs init for every existing namespace.
    pub(crate) fn register() -> Result<Self> {
        let mut ops = KBox::new(b::pernet_operations::default(), GFP_KERNEL)?;
        ops.init = Some(oxip_net_init);
        ops.pre_exit = Some(oxip_net_pre_exit);
        ops.exit = Some(oxip_net_exit);
        ops.id = NET_ID.as_ptr();
        ops.size = core::mem::size_of::<NetState>();
        // SAFETY: `ops` is boxed (stable address) and outlives the registration.
        kernel::error::to_result(unsafe { b::register_pernet_subsys(&mut *ops) })?;
        // INVARIANT: registered above.
        Ok(Registration { ops })
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        // SAFETY: registered (type invariant); runs exit for every namespace.
        unsafe { b::unregister_pernet_subsys(&mut *self.ops) };
        // A verdict that dequeued an oxip entry before the last drop may
        // still run its okfn (under rcu_read_lock): wait for it before the
        // module text goes.
        // SAFETY: process context, no lock held.
        unsafe { b::synchronize_net() };
    }
}
