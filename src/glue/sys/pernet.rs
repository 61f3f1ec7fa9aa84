// SPDX-License-Identifier: GPL-2.0
//! `pernet_operations`: a state of type `T::State` in every network
//! namespace, made by `T::init` and dropped at the namespace's exit.
//!
//! C: include/net/net_namespace.h (`register_pernet_subsys`,
//! `net_generic`).

use core::ffi::c_int;
use core::marker::PhantomData;
use core::mem::MaybeUninit;
use core::sync::atomic::AtomicBool;
use core::sync::atomic::AtomicU32;
use core::sync::atomic::Ordering;

use kernel::prelude::*;

use super::bindings as b;
use super::net::Net;
use super::rcu::RcuRead;
use super::rtnl::RtnlCell;
use super::rtnl::RtnlGuard;

/// What a pernet subsystem does per namespace.
pub(crate) trait PernetOps: 'static {
    /// The per-namespace state.
    type State: Send + Sync;

    /// The `net_generic` id the kernel assigns at registration.
    fn id() -> &'static AtomicU32;

    /// The namespaces with a state.
    fn nets() -> &'static NetList;

    /// Makes the state of `net` (`ops->init`).
    fn init(net: &Net) -> Result<Self::State>;

    /// Then, under the RTNL hold that puts `net` on [`PernetOps::nets`].
    fn init_rtnl(net: &Net, state: &Self::State, g: &mut RtnlGuard);

    /// `ops->pre_exit`: a grace period separates it from `exit`.
    fn pre_exit(net: &Net, state: &Self::State);

    /// `ops->exit`, first part, without RTNL.
    fn exit(net: &Net, state: &Self::State);

    /// `ops->exit`, second part: under the RTNL hold that takes `net` off
    /// [`PernetOps::nets`]; the state is dropped after it.
    fn exit_rtnl(net: &Net, state: &Self::State, g: &mut RtnlGuard);
}

/// The namespaces in which a subsystem has a state, reachable under RTNL.
///
/// # Invariants
///
/// Every pointer in it is a namespace whose state is ready: added under
/// RTNL when its `init` succeeded, removed under RTNL at its exit before
/// the state is dropped (only `init_callback` and `exit_callback` change it).
pub(crate) struct NetList(RtnlCell<KVec<NetPtr>>);

/// A namespace pointer kept in a [`NetList`].
struct NetPtr(*mut b::net);

// SAFETY: only reached under RTNL (inside the list's RtnlCell).
unsafe impl Send for NetPtr {}

impl NetList {
    /// An empty list.
    pub(crate) const fn new() -> Self {
        NetList(RtnlCell::new(KVec::new()))
    }

    /// The namespaces, for as long as RTNL is held.
    pub(crate) fn for_each(&self, g: &mut RtnlGuard, mut f: impl FnMut(&Net)) {
        for n in self.0.get(g).iter() {
            // SAFETY: in the list, so live with its state ready (NetList
            // invariant) while RTNL is held.
            f(unsafe { Net::from_raw(n.0) });
        }
    }

    /// Calls `f` with each namespace, lending it RTNL (the list is copied
    /// first; `f` cannot release RTNL, so no namespace leaves meanwhile).
    pub(crate) fn for_each_rtnl(
        &self,
        g: &mut RtnlGuard,
        mut f: impl FnMut(&mut RtnlGuard, &Net),
    ) -> Result {
        let l = self.0.get(g);
        let mut v = KVec::with_capacity(l.len(), GFP_KERNEL)?;
        for n in l.iter() {
            v.push(n.0, GFP_KERNEL)?;
        }
        for p in v {
            // SAFETY: on the list under the RTNL hold `g` proves, which
            // lasts through this loop (NetList invariant).
            f(g, unsafe { Net::from_raw(p) });
        }
        Ok(())
    }
}

/// The `net_generic` slot: zeroed by the kernel, so `ready` starts false.
///
/// # Invariants
///
/// `state` is initialised while `ready` is true.
#[repr(C)]
struct Slot<S> {
    ready: AtomicBool,
    state: MaybeUninit<S>,
}

fn slot<S>(net: &Net, id: &AtomicU32) -> *mut Slot<S> {
    // SAFETY: `net` is live (Net invariant); the id was set by
    // register_pernet_subsys before any callback or lookup.
    let p = unsafe { b::oxip_net_generic(net.as_ptr(), id.load(Ordering::Relaxed)) };
    p.cast()
}

/// `net_generic(net, id)` read in Rust under the caller's RCU read side:
/// `rcu_dereference(net->gen)->ptr[id]` (the C function takes a read side
/// of its own around that, a call into the kernel and back per packet).
fn slot_rcu<S>(net: &Net, id: &AtomicU32, _g: &RcuRead) -> *mut Slot<S> {
    // CAST: a pernet id is a small index.
    let id = id.load(Ordering::Relaxed) as usize;
    // SAFETY: `net` is live (Net invariant); `gen` is RCU-protected, read
    // once as rcu_dereference does, under `_g`.
    let ng = unsafe { core::ptr::addr_of!((*net.as_ptr()).gen).read_volatile() };
    if ng.is_null() {
        return core::ptr::null_mut();
    }
    // SAFETY: `ng` is live under `_g`; `s.len` is the number of its
    // pointers (ids below MIN_PERNET_OPS_ID overlap `s`, and are never
    // assigned).
    let len = unsafe { (*ng).__bindgen_anon_1.s.as_ref().len };
    // CAST: `unsigned int` into an index.
    if id >= len as usize {
        return core::ptr::null_mut();
    }
    // SAFETY: `ptr` has `len` entries, live under `_g`, and `id < len`.
    let p = unsafe {
        (*ng)
            .__bindgen_anon_1
            .__bindgen_anon_1
            .as_ref()
            .ptr
            .as_ptr()
            .add(id)
            .read()
    };
    p.cast()
}

/// The state `S` of `net` in the subsystem registered with `id`, if its
/// `init` succeeded and its `exit` has not begun.
pub(crate) fn state<'a, S>(net: &'a Net, id: &AtomicU32) -> Option<&'a S> {
    // SAFETY: the slot of `net`, which lives for `'a`.
    unsafe { ready_state(slot::<S>(net, id)) }
}

/// [`state`], looked up under the caller's RCU read side (the packet path).
pub(crate) fn state_rcu<'a, S>(net: &'a Net, id: &AtomicU32, g: &RcuRead) -> Option<&'a S> {
    // SAFETY: the slot of `net`, which lives for `'a`.
    unsafe { ready_state(slot_rcu::<S>(net, id, g)) }
}

/// The state in the slot `s`, if it is ready.
///
/// # Safety
///
/// `s` is null or a namespace's slot of this subsystem (of our size,
/// zeroed or set up by `init`), and the namespace lives for `'a`.
unsafe fn ready_state<'a, S>(s: *mut Slot<S>) -> Option<&'a S> {
    if s.is_null() {
        return None;
    }
    // SAFETY: `s` is a namespace's slot of our size, zeroed or set up by `init` (caller);
    // `ready` is an AtomicBool (all bytes zero: false).
    let ready = unsafe { &(*s).ready };
    if !ready.load(Ordering::Acquire) {
        return None;
    }
    // SAFETY: ready, so initialised (Slot invariant); it is dropped only in
    // the namespace's exit, after which no one holds `net` any more.
    Some(unsafe { (*s).state.assume_init_ref() })
}

/// # Safety
///
/// Only a pernet `init`, called by the kernel with a namespace being set up.
unsafe extern "C" fn init_callback<T: PernetOps>(net: *mut b::net) -> c_int {
    // SAFETY: the kernel calls `init` with a live namespace.
    let net = unsafe { Net::from_raw(net) };
    let s = slot::<T::State>(net, T::id());
    if s.is_null() {
        return ENOMEM.to_errno();
    }
    let st = match T::init(net) {
        Ok(st) => st,
        Err(e) => return e.to_errno(),
    };
    // SAFETY: `s` is `net`'s zeroed slot, ours alone until `ready`.
    unsafe { (*s).state.write(st) };
    // SAFETY: `s` is `net`'s slot; `ready` is an AtomicBool.
    let ready = unsafe { &(*s).ready };
    // INVARIANT: written above.
    ready.store(true, Ordering::Release);
    let mut g = RtnlGuard::lock();
    // INVARIANT (NetList): ready, added under RTNL.
    if T::nets()
        .0
        .get(&mut g)
        .push(NetPtr(net.as_ptr()), GFP_KERNEL)
        .is_ok()
    {
        // SAFETY: initialised above.
        T::init_rtnl(net, unsafe { (*s).state.assume_init_ref() }, &mut g);
        return 0;
    }
    drop(g);
    ready.store(false, Ordering::Release);
    // SAFETY: initialised above.
    T::exit(net, unsafe { (*s).state.assume_init_ref() });
    // SAFETY: initialised above and not on the list: nothing else reaches it.
    unsafe { (*s).state.assume_init_drop() };
    ENOMEM.to_errno()
}

/// # Safety
///
/// Only a pernet `pre_exit`, called by the kernel with a namespace being torn down.
unsafe extern "C" fn pre_exit_callback<T: PernetOps>(net: *mut b::net) {
    // SAFETY: the kernel calls `pre_exit` with a live namespace.
    let net = unsafe { Net::from_raw(net) };
    if let Some(st) = state::<T::State>(net, T::id()) {
        T::pre_exit(net, st);
    }
}

/// # Safety
///
/// Only a pernet `exit`, called by the kernel with a namespace being torn down.
unsafe extern "C" fn exit_callback<T: PernetOps>(net: *mut b::net) {
    // SAFETY: the kernel calls `exit` with a live namespace.
    let net = unsafe { Net::from_raw(net) };
    let Some(st) = state::<T::State>(net, T::id()) else {
        return;
    };
    T::exit(net, st);
    {
        let mut g = RtnlGuard::lock();
        let l = T::nets().0.get(&mut g);
        // INVARIANT (NetList): taken out under RTNL before the state goes.
        l.retain(|n| n.0 != net.as_ptr());
        if l.is_empty() {
            // Free the buffer, which a static would otherwise keep past unload.
            *l = KVec::new();
        }
        T::exit_rtnl(net, st, &mut g);
    }
    let s = slot::<T::State>(net, T::id());
    // SAFETY: `s` is the slot `state` found ready; an AtomicBool.
    let ready = unsafe { &(*s).ready };
    ready.store(false, Ordering::Release);
    // SAFETY: initialised (it was ready); the namespace is being dismantled
    // and `T::exit` has removed every way to it, so nothing borrows it.
    unsafe { (*s).state.assume_init_drop() };
}

/// A registered `pernet_operations` for `T`.
///
/// # Invariants
///
/// `ops` is registered with `register_pernet_subsys` until drop.
pub(crate) struct Registration<T: PernetOps> {
    ops: KBox<b::pernet_operations>,
    _t: PhantomData<T>,
}

// SAFETY: the registration is only touched at init and exit.
unsafe impl<T: PernetOps> Send for Registration<T> {}
// SAFETY: no shared-reference method.
unsafe impl<T: PernetOps> Sync for Registration<T> {}

impl<T: PernetOps> Registration<T> {
    /// `register_pernet_subsys`: runs `init` for every existing namespace.
    pub(crate) fn register() -> Result<Self> {
        let mut ops = KBox::new(b::pernet_operations::default(), GFP_KERNEL)?;
        ops.init = Some(init_callback::<T>);
        ops.pre_exit = Some(pre_exit_callback::<T>);
        ops.exit = Some(exit_callback::<T>);
        ops.id = T::id().as_ptr();
        ops.size = core::mem::size_of::<Slot<T::State>>();
        // SAFETY: `ops` is boxed (stable address) and outlives the registration.
        kernel::error::to_result(unsafe { b::register_pernet_subsys(&mut *ops) })?;
        // INVARIANT: registered above.
        Ok(Registration {
            ops,
            _t: PhantomData,
        })
    }
}

impl<T: PernetOps> Drop for Registration<T> {
    fn drop(&mut self) {
        // SAFETY: registered (Registration invariant); runs exit for every namespace.
        unsafe { b::unregister_pernet_subsys(&mut *self.ops) };
        // A callback the states handed to the kernel (an NFQUEUE verdict's
        // okfn) may still run under rcu_read_lock: wait for it before the
        // module text goes.
        // SAFETY: process context, no lock held.
        unsafe { b::synchronize_net() };
    }
}

/// `nf_queue_nf_hook_drop(net)`: drops the packets of `net` that NFQUEUE
/// holds (their entries name okfns of this module).
pub(crate) fn nf_queue_drop(net: &Net) {
    // SAFETY: `net` is live (Net invariant); the queue handler drops
    // entries under its own locks, safe in process context.
    unsafe { b::nf_queue_nf_hook_drop(net.as_ptr()) };
}
