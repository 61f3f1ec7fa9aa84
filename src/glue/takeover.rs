// SPDX-License-Identifier: GPL-2.0
//! Takeover mode: a netdev ingress hook per chosen interface steals its
//! `ETH_P_IP` frames into oxip, in whatever namespace the interface lives.
//!
//! C: net/netfilter/core.c (`nf_register_net_hook` with `NFPROTO_NETDEV`,
//! `NF_NETDEV_INGRESS`), net/core/dev.c (netdev notifier).
//! Control: `echo +IF > /proc/net/oxip_takeover` (or `attach IF`), `-IF`
//! (or `detach IF`); reading the file lists the attached interfaces.

use core::ffi::c_char;
use core::ffi::c_int;
use core::ffi::c_uint;
use core::ffi::c_ulong;
use core::ffi::c_void;

use kernel::prelude::*;

use super::bindings as b;
use super::rcv;
use super::rtnl::RtnlCell;
use super::rtnl::RtnlGuard;
use super::skb::Skb;
use crate::oxip_core::ctl;
use crate::oxip_core::mib::IpMib;

/// Priority of the ingress hook: after every other ingress hook (nftables
/// netdev chains, ...), as the native IPv4 handler sees packets after them.
const HOOK_PRIORITY: c_int = c_int::MAX - 1;

/// One attached interface.
///
/// # Invariants
///
/// `ops` is registered on `dev` in `net` until drop; `dev` is registered
/// (the hook is dropped on its `NETDEV_UNREGISTER`).
struct Hook {
    net: *mut b::net,
    dev: *mut b::net_device,
    ops: KBox<b::nf_hook_ops>,
}

// SAFETY: hooks are only touched under RTNL (inside `HOOKS`).
unsafe impl Send for Hook {}

impl Hook {
    fn attach(dev: *mut b::net_device) -> Result<Hook> {
        // A bridge, bond, team or macvlan port: native hands its frames to
        // the rx_handler, which runs after the ingress hook. Not ours.
        // SAFETY: `dev` is registered and RTNL is held (caller).
        if unsafe { b::netdev_is_rx_handler_busy(dev) } {
            return Err(EBUSY);
        }
        let mut ops = KBox::new(b::nf_hook_ops::default(), GFP_KERNEL)?;
        ops.hook = Some(oxip_ingress_hook);
        ops.dev = dev;
        // CAST: small enum values.
        ops.pf = b::NFPROTO_NETDEV as u8;
        ops.hooknum = b::nf_dev_hooks_NF_NETDEV_INGRESS as c_uint;
        ops.priority = HOOK_PRIORITY;
        // SAFETY: `dev` is registered (caller holds RTNL and found it).
        let net = unsafe { b::oxip_dev_net(dev) };
        // SAFETY: `ops` is boxed and stays registered until `detach`.
        kernel::error::to_result(unsafe { b::nf_register_net_hook(net, &*ops) })?;
        // INVARIANT: registered above.
        Ok(Hook { net, dev, ops })
    }

}

impl Drop for Hook {
    fn drop(&mut self) {
        // SAFETY: registered (type invariant). This does not wait for the
        // hook still running on other CPUs (the entries are freed after a
        // grace period, `ops` is not read by them): a caller that needs
        // them finished calls `synchronize_net()`, as `Takeover::drop` does.
        unsafe { b::nf_unregister_net_hook(self.net, &*self.ops) };
    }
}

/// Every attached interface, in every namespace.
static HOOKS: RtnlCell<KVec<Hook>> = RtnlCell::new(KVec::new());

/// Whether the control file may attach: only between `Takeover::register`
/// (after the netdev notifier that detaches vanishing devices exists) and
/// the start of `Takeover::drop`. The /proc files outlive both ends (they
/// belong to the per-netns state, made first and removed last), so a write
/// can come before load finished or after unload began.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Module init has not reached `Takeover::register` yet.
    Loading,
    /// Attaches are accepted.
    Open,
    /// `Takeover::drop` has begun: the hooks are going, none may come.
    Closing,
}

static STATE: RtnlCell<State> = RtnlCell::new(State::Loading);

fn attach(g: &mut RtnlGuard, dev: *mut b::net_device) -> Result {
    // Checked under the same RTNL hold that registers the hook, so no
    // attach can succeed once `Takeover::drop` has set `Closing`.
    if *STATE.get(g) != State::Open {
        return Err(EAGAIN);
    }
    let hooks = HOOKS.get(g);
    if hooks.iter().any(|h| h.dev == dev) {
        return Err(EEXIST);
    }
    hooks.reserve(1, GFP_KERNEL)?;
    let h = Hook::attach(dev)?;
    hooks.push(h, GFP_KERNEL)?;
    Ok(())
}

fn detach(g: &mut RtnlGuard, dev: *mut b::net_device) -> Result {
    let hooks = HOOKS.get(g);
    let i = hooks.iter().position(|h| h.dev == dev).ok_or(ENOENT)?;
    // Dropping the hook unregisters it.
    hooks.remove(i).map(drop).map_err(|_| ENOENT)
}

fn detach_all(g: &mut RtnlGuard) {
    // Replacing the vector drops every hook (unregistering it) and frees
    // the vector's buffer, which a static would otherwise keep past unload.
    *HOOKS.get(g) = KVec::new();
}

fn dev_by_name(net: *mut b::net, name: &str) -> Option<*mut b::net_device> {
    // The `takeover=` names come here unchecked by `ctl`: a name of
    // IFNAMSIZ bytes or more names no device (and would leave no NUL).
    if name.len() >= ctl::IFNAMSIZ {
        return None;
    }
    let mut buf = [0u8; ctl::IFNAMSIZ];
    buf.get_mut(..name.len())?.copy_from_slice(name.as_bytes());
    // SAFETY: RTNL is held by the caller; `buf` is NUL-terminated (name < IFNAMSIZ, checked above).
    let dev = unsafe { b::__dev_get_by_name(net, buf.as_ptr() as *const c_char) };
    (!dev.is_null()).then_some(dev)
}

/// Applies one control command in `net`.
fn command(net: *mut b::net, text: &str) -> Result {
    let cmd = ctl::parse(text).map_err(|_| EINVAL)?;
    let mut g = RtnlGuard::lock();
    match cmd {
        ctl::Command::Attach(name) => attach(&mut g, dev_by_name(net, name).ok_or(ENODEV)?),
        ctl::Command::Detach(name) => detach(&mut g, dev_by_name(net, name).ok_or(ENODEV)?),
    }
}

/// The netdev ingress hook: takes the `ETH_P_IP` frames native would hand
/// to `ip_rcv` next, leaves the rest.
///
/// C: net/core/dev.c, `__netif_receive_skb_core()`: after the ingress hooks
/// come `vlan_do_receive()` for a tagged frame (to its VLAN device, or
/// marked `PACKET_OTHERHOST` when the VID has none) and the device's
/// `rx_handler` (bridge, bond, team, macvlan port). Frames either would
/// take are passed on (`NF_ACCEPT`) for native to decide; a device that
/// became a port after it was attached is caught here too.
unsafe extern "C" fn oxip_ingress_hook(
    _priv: *mut c_void,
    skb: *mut b::sk_buff,
    _state: *const b::nf_hook_state,
) -> c_uint {
    // SAFETY: the hook is called with a valid skb.
    if unsafe { b::oxip_skb_protocol(skb) } != (b::ETH_P_IP as u16).to_be() {
        return b::NF_ACCEPT;
    }
    // SAFETY: as above.
    if unsafe { b::oxip_skb_vlan_tag_present(skb) } {
        return b::NF_ACCEPT;
    }
    // SAFETY: as above: `skb->dev` is the receiving device, live in the
    // receive path's RCU read side.
    if unsafe { b::oxip_dev_rx_handler_present(b::oxip_skb_dev(skb)) } {
        return b::NF_ACCEPT;
    }
    // SAFETY: returning NF_STOLEN hands the skb's reference to us.
    if let Some(skb) = unsafe { Skb::from_raw(skb) } {
        if crate::takeover_backlog() {
            super::backlog::enqueue(skb);
        } else {
            rcv::ip_rcv(skb, IpMib::TakeoverRcv);
        }
    }
    b::NF_STOLEN
}

/// `show` of /proc/net/oxip_takeover: the attached interfaces of this netns.
pub(crate) unsafe extern "C" fn ctl_show(seq: *mut b::seq_file, _v: *mut c_void) -> c_int {
    // SAFETY: a proc_create_net_single file: the seq_file carries its net.
    let net = unsafe { b::oxip_seq_file_single_net(seq) };
    let mut g = RtnlGuard::lock();
    for h in HOOKS.get(&mut g).iter().filter(|h| h.net == net) {
        // SAFETY: `h.dev` is registered (Hook invariant, RTNL held); `name`
        // is a NUL-terminated array inside it.
        let name = unsafe { core::ffi::CStr::from_ptr((*h.dev).name.as_ptr()) };
        let bytes = name.to_bytes();
        // SAFETY: `seq` is the file being shown; `bytes` valid for its length.
        unsafe {
            b::seq_write(seq, bytes.as_ptr().cast(), bytes.len());
            b::seq_write(seq, c"\n".as_ptr().cast(), 1);
        }
    }
    0
}

/// `write` of /proc/net/oxip_takeover: one command, 0 or a negative errno.
pub(crate) unsafe extern "C" fn ctl_write(file: *mut b::file, buf: *mut c_char, size: usize) -> c_int {
    // SAFETY: proc_create_net_single_write files are single_open_net'd: the
    // private data is their seq_file, which carries the namespace.
    let net = unsafe { b::oxip_seq_file_single_net((*file).private_data as *mut b::seq_file) };
    // Attaching steals a device's traffic: CAP_NET_ADMIN over the
    // namespace's owner, as `ip link` changes need.
    // SAFETY: `net` is the live namespace of the open file.
    if !unsafe { b::oxip_ns_capable_net_admin(net) } {
        return EPERM.to_errno();
    }
    // SAFETY: `buf` holds `size` bytes copied from user space by procfs.
    let bytes = unsafe { core::slice::from_raw_parts(buf as *const u8, size) };
    let Ok(text) = core::str::from_utf8(bytes) else { return EINVAL.to_errno() };
    match command(net, text) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

unsafe extern "C" fn oxip_netdev_event(_nb: *mut b::notifier_block, event: c_ulong, ptr: *mut c_void) -> c_int {
    // CAST: NETDEV_* fit in an unsigned long.
    if event == b::netdev_cmd_NETDEV_UNREGISTER as c_ulong {
        // SAFETY: netdev notifiers run under RTNL.
        let mut g = unsafe { RtnlGuard::assume_held() };
        // SAFETY: `ptr` is the notifier info of a netdev event.
        let dev = unsafe { b::oxip_netdev_notifier_info_to_dev(ptr) };
        // Not attached (any more) is fine: frames it queued while attached
        // may still wait in the backlog, so flush in every case. The device
        // is down and a grace period has passed since (unregister_netdevice_many
        // does both before this event), and enqueue refuses devices that
        // are not running: nothing queues for it after this flush.
        let _ = detach(&mut g, dev);
        super::backlog::flush_dev(dev);
    }
    b::NOTIFY_DONE as c_int
}

/// The netdev notifier: detaches a vanishing device and flushes what the
/// backlog holds for it. Registered before the backlog and the hooks, and
/// unregistered after both are gone, so every device that unregisters while
/// a frame of it could be queued is seen.
///
/// # Invariants
///
/// `nb` is registered with `register_netdevice_notifier` until drop.
pub(crate) struct Notifier {
    nb: KBox<b::notifier_block>,
}

// SAFETY: only touched at init and exit.
unsafe impl Send for Notifier {}
// SAFETY: no shared-reference methods.
unsafe impl Sync for Notifier {}

impl Notifier {
    /// `register_netdevice_notifier`.
    pub(crate) fn register() -> Result<Self> {
        let mut nb = KBox::new(b::notifier_block::default(), GFP_KERNEL)?;
        nb.notifier_call = Some(oxip_netdev_event);
        // SAFETY: `nb` is boxed and registered until drop.
        kernel::error::to_result(unsafe { b::register_netdevice_notifier(&mut *nb) })?;
        // INVARIANT: registered above.
        Ok(Notifier { nb })
    }
}

impl Drop for Notifier {
    fn drop(&mut self) {
        // SAFETY: registered (type invariant).
        unsafe { b::unregister_netdevice_notifier(&mut *self.nb) };
    }
}

/// Takeover mode for the module's lifetime: the control file accepts
/// attaches while it exists, and every attached hook goes with it.
///
/// # Invariants
///
/// `STATE` is `Open` from `register` until drop begins.
pub(crate) struct Takeover;

impl Takeover {
    /// Opens the control file and attaches the `takeover=` interfaces
    /// (init netns). The caller has registered the [`Notifier`].
    pub(crate) fn register(param: &str) -> Result<Self> {
        {
            let mut g = RtnlGuard::lock();
            *STATE.get(&mut g) = State::Open;
        }
        // INVARIANT: opened above; dropping `t` on an error below closes it
        // again and detaches what was attached.
        let t = Takeover;
        // `init_net` is the kernel's initial namespace, always live.
        let init_net = core::ptr::addr_of_mut!(b::init_net);
        for name in ctl::param_names(param) {
            let mut g = RtnlGuard::lock();
            match dev_by_name(init_net, name) {
                Some(dev) => attach(&mut g, dev)?,
                None => {
                    pr_err!("takeover: no interface {} in the initial namespace\n", name);
                    return Err(ENODEV);
                }
            }
        }
        Ok(t)
    }
}

impl Drop for Takeover {
    fn drop(&mut self) {
        {
            let mut g = RtnlGuard::lock();
            // From here no attach succeeds (checked under RTNL in `attach`),
            // though the control file stays until the per-netns exit.
            *STATE.get(&mut g) = State::Closing;
            detach_all(&mut g);
        }
        // Unregistering does not wait for hooks running on other CPUs: wait
        // for them here, so none is still queueing when the backlog goes
        // and none runs module text after unload.
        // SAFETY: process context, no lock held.
        unsafe { b::synchronize_net() };
    }
}
