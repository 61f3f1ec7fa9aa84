// SPDX-License-Identifier: GPL-2.0
//! The netdevice notifier: device events, delivered under RTNL.
//!
//! C: include/linux/netdevice.h (`register_netdevice_notifier`,
//! `netdev_notifier_info_to_dev`, `struct netdev_notifier_changeupper_info`).

use core::ffi::c_int;
use core::ffi::c_ulong;
use core::ffi::c_void;
use core::marker::PhantomData;

use kernel::prelude::*;

use super::bindings as b;
use super::net::NetDevice;
use super::rtnl::RtnlGuard;

/// The netdev events oxip acts on.
pub(crate) enum NetdevEvent<'a> {
    /// `NETDEV_REGISTER`.
    Register(&'a NetDevice),
    /// `NETDEV_CHANGEUPPER`: `dev` linked to (`linking`) or unlinked from
    /// an upper device, which is its master if `master`.
    ChangeUpper {
        /// The lower device.
        dev: &'a NetDevice,
        /// Linked (or unlinked).
        linking: bool,
        /// The upper device is a master (bridge, bond, team).
        master: bool,
    },
    /// `NETDEV_UNREGISTER`.
    Unregister(&'a NetDevice),
}

/// A netdev notifier's handler.
pub(crate) trait NetdevNotifier: 'static {
    /// Handles `ev`; RTNL is held.
    fn event(ev: NetdevEvent<'_>, g: &mut RtnlGuard);
}

/// # Safety
///
/// Only a notifier callback, called by the kernel with the `notifier_block` registered here and the event's info.
unsafe extern "C" fn event_callback<T: NetdevNotifier>(
    _nb: *mut b::notifier_block,
    event: c_ulong,
    ptr: *mut c_void,
) -> c_int {
    // CAST: NETDEV_* fit in an unsigned long.
    let (reg, up, unreg) = (
        c_ulong::from(b::netdev_cmd_NETDEV_REGISTER),
        c_ulong::from(b::netdev_cmd_NETDEV_CHANGEUPPER),
        c_ulong::from(b::netdev_cmd_NETDEV_UNREGISTER),
    );
    if event != reg && event != up && event != unreg {
        return b::NOTIFY_DONE as c_int;
    }
    // SAFETY: `ptr` is the notifier info of a netdev event.
    let dev = unsafe { b::oxip_netdev_notifier_info_to_dev(ptr) };
    // SAFETY: the event's device is live (registered, or being
    // registered/unregistered) for the callback.
    let dev = unsafe { NetDevice::from_raw(dev) };
    // SAFETY: netdev notifiers run under RTNL.
    let mut g = unsafe { RtnlGuard::assume_held() };
    let ev = if event == reg {
        NetdevEvent::Register(dev)
    } else if event == unreg {
        NetdevEvent::Unregister(dev)
    } else {
        // SAFETY: a NETDEV_CHANGEUPPER's info is a changeupper info.
        let linking = unsafe { b::oxip_changeupper_linking(ptr) };
        // SAFETY: a NETDEV_CHANGEUPPER's info is a changeupper info.
        let master = unsafe { b::oxip_changeupper_master(ptr) };
        NetdevEvent::ChangeUpper {
            dev,
            linking,
            master,
        }
    };
    T::event(ev, &mut g);
    b::NOTIFY_DONE as c_int
}

/// A registered netdevice notifier.
///
/// # Invariants
///
/// `nb` is registered with `register_netdevice_notifier` until drop.
pub(crate) struct Registration<T: NetdevNotifier> {
    nb: KBox<b::notifier_block>,
    _t: PhantomData<T>,
}

// SAFETY: only touched at init and exit.
unsafe impl<T: NetdevNotifier> Send for Registration<T> {}
// SAFETY: no shared-reference methods.
unsafe impl<T: NetdevNotifier> Sync for Registration<T> {}

impl<T: NetdevNotifier> Registration<T> {
    /// `register_netdevice_notifier`.
    pub(crate) fn register() -> Result<Self> {
        let mut nb = KBox::new(b::notifier_block::default(), GFP_KERNEL)?;
        nb.notifier_call = Some(event_callback::<T>);
        // SAFETY: `nb` is boxed and registered until drop.
        kernel::error::to_result(unsafe { b::register_netdevice_notifier(&mut *nb) })?;
        // INVARIANT: registered above.
        Ok(Registration {
            nb,
            _t: PhantomData,
        })
    }
}

impl<T: NetdevNotifier> Drop for Registration<T> {
    fn drop(&mut self) {
        // SAFETY: registered (Registration invariant).
        unsafe { b::unregister_netdevice_notifier(&mut *self.nb) };
    }
}
