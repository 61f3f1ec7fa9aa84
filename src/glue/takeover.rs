// SPDX-License-Identifier: GPL-2.0
//! Takeover mode: a netdev ingress hook per chosen interface steals its
//! `ETH_P_IP` frames into oxip, in whatever namespace the interface lives.
//!
//! C: net/netfilter/core.c (`nf_register_net_hook` with `NFPROTO_NETDEV`,
//! `NF_NETDEV_INGRESS`), net/core/dev.c (netdev notifier).
//! Control: `echo +IF > /proc/net/oxip_takeover` (or `attach IF`), `-IF`
//! (or `detach IF`); reading the file lists the attached interfaces.
//! `+all` (or `takeover=all` for every namespace) attaches every eligible
//! interface of a namespace and each one it gets later, from
//! `NETDEV_REGISTER` on; `/proc/net/oxip_global` and
//! `/proc/net/oxip_global_takeover` (initial namespace) sum the counters of
//! every namespace, gone ones included, and list what is attached where.

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
use crate::oxip_core::mib::MibArray;
use crate::oxip_core::mib::MibSink;
use crate::oxip_core::mib::IP_MIB_MAX;
use crate::oxip_core::snmp;
use crate::oxip_core::wire;

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
    /// `port`: refuse a device with an `rx_handler` (false only for a port
    /// being released, whose handler goes in the same RTNL section).
    fn attach(dev: *mut b::net_device, port: Port) -> Result<Hook> {
        // A bridge, bond, team or macvlan port: native hands its frames to
        // the rx_handler, which runs after the ingress hook. Not ours.
        // SAFETY: `dev` is registered and RTNL is held (caller).
        if port == Port::Refuse && unsafe { b::netdev_is_rx_handler_busy(dev) } {
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

/// Whether [`Hook::attach`] refuses a device with an `rx_handler`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Port {
    /// A port (its frames are the `rx_handler`'s): `EBUSY`.
    Refuse,
    /// The device is leaving its master (`NETDEV_CHANGEUPPER` unlink of a
    /// bridge, bond or team): the master unregisters the handler after the
    /// event, under the same RTNL hold. Until then the hook passes its
    /// frames on (it checks the handler per frame).
    Released,
}

/// Every attached interface, in every namespace.
static HOOKS: RtnlCell<KVec<Hook>> = RtnlCell::new(KVec::new());

/// A namespace oxip has state in (between its pernet init and exit).
struct Net {
    net: *mut b::net,
    /// `+all`: every eligible interface is attached, and each new one.
    all: bool,
}

// SAFETY: only touched under RTNL (inside `NETS`).
unsafe impl Send for Net {}

/// Every namespace oxip has state in.
static NETS: RtnlCell<KVec<Net>> = RtnlCell::new(KVec::new());

/// `takeover=all`: namespaces made from now on start in `all` mode.
static ALL_NEW: RtnlCell<bool> = RtnlCell::new(false);

/// The counters of the namespaces gone since load, and how many they were.
static GONE: RtnlCell<(MibArray, u64)> = RtnlCell::new((MibArray([0; IP_MIB_MAX]), 0));

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

fn attach(g: &mut RtnlGuard, dev: *mut b::net_device, port: Port) -> Result {
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
    let h = Hook::attach(dev, port)?;
    hooks.push(h, GFP_KERNEL)?;
    Ok(())
}

fn detach(g: &mut RtnlGuard, dev: *mut b::net_device) -> Result {
    let hooks = HOOKS.get(g);
    let i = hooks.iter().position(|h| h.dev == dev).ok_or(ENOENT)?;
    // Dropping the hook unregisters it.
    hooks.remove(i).map(drop).map_err(|_| ENOENT)
}

/// Whether `all` mode takes `dev`: every device but loopback (native
/// leaves it to `ip_rcv` too, but its traffic is the host's own) and ports
/// (`Hook::attach` refuses those).
fn eligible(dev: *mut b::net_device) -> bool {
    // SAFETY: `dev` is registered, RTNL held (callers).
    !unsafe { b::oxip_dev_is_loopback(dev) }
}

fn all_mode(g: &mut RtnlGuard, net: *mut b::net) -> bool {
    NETS.get(g).iter().any(|n| n.net == net && n.all)
}

/// `+all` in `net`: attaches every eligible device not attached yet.
/// Ports are skipped (`EBUSY`); the first other error is returned, after
/// trying every device.
fn attach_all(g: &mut RtnlGuard, net: *mut b::net) -> Result {
    if *STATE.get(g) != State::Open {
        return Err(EAGAIN);
    }
    let mut res = Ok(());
    // SAFETY: `net` is live (it is in NETS or is the caller's namespace),
    // RTNL held: the device list is stable.
    let mut dev = unsafe { b::oxip_first_net_device(net) };
    while !dev.is_null() {
        if eligible(dev) {
            match attach(g, dev, Port::Refuse) {
                Ok(()) | Err(EEXIST) | Err(EBUSY) => {}
                Err(e) => res = res.and(Err(e)),
            }
        }
        // SAFETY: `dev` is in `net`'s list, RTNL held.
        dev = unsafe { b::oxip_next_net_device(dev) };
    }
    res
}

/// `-all` in `net`: leaves `all` mode and detaches every device of `net`.
fn detach_net(g: &mut RtnlGuard, net: *mut b::net) {
    HOOKS.get(g).retain(|h| h.net != net);
}

fn set_all(g: &mut RtnlGuard, net: *mut b::net, all: bool) -> Result {
    let n = NETS.get(g).iter_mut().find(|n| n.net == net).ok_or(ENODEV)?;
    n.all = all;
    Ok(())
}

/// A namespace got oxip's state (pernet init): from now on its devices
/// may be attached, all of them when `takeover=all` was given.
pub(crate) fn net_init(net: *mut b::net) -> Result {
    let mut g = RtnlGuard::lock();
    let all = *ALL_NEW.get(&mut g);
    NETS.get(&mut g).push(Net { net, all }, GFP_KERNEL)?;
    Ok(())
}

/// A namespace goes (pernet exit; its devices are gone, so none of its
/// hooks is left): its counters join the total of the gone ones if
/// `fold`, as long as its state still exists.
pub(crate) fn net_exit(net: *mut b::net, fold: bool) {
    let mut g = RtnlGuard::lock();
    let nets = NETS.get(&mut g);
    nets.retain(|n| n.net != net);
    if nets.is_empty() {
        // Free the buffer, which a static would otherwise keep past unload.
        *nets = KVec::new();
    }
    if fold {
        let m = super::pernet::fold_mib(net);
        let gone = GONE.get(&mut g);
        for c in IpMib::ALL {
            gone.0.add(c, m.get(c));
        }
        gone.1 += 1;
    }
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
        ctl::Command::Attach(name) => attach(&mut g, dev_by_name(net, name).ok_or(ENODEV)?, Port::Refuse),
        ctl::Command::Detach(name) => detach(&mut g, dev_by_name(net, name).ok_or(ENODEV)?),
        ctl::Command::AttachAll => {
            if *STATE.get(&mut g) != State::Open {
                return Err(EAGAIN);
            }
            set_all(&mut g, net, true)?;
            attach_all(&mut g, net)
        }
        ctl::Command::DetachAll => {
            set_all(&mut g, net, false)?;
            detach_net(&mut g, net);
            Ok(())
        }
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
    if crate::takeover_retag() {
        // Entry without a second queue: retagged, the frame goes on through
        // __netif_receive_skb_core, which reads `skb->protocol` only after
        // this hook and hands it to oxip's OXIP_ETH_P_TAKEOVER packet_type,
        // batched by native list receive like ip_list_rcv's frames. A
        // pfmemalloc skb would be dropped there (skb_pfmemalloc_protocol
        // admits ETH_P_IP, not the pseudo type): it takes the queue below.
        // SAFETY: as above.
        if !unsafe { b::oxip_skb_pfmemalloc(skb) } {
            // SAFETY: as above; the taps (ptype_all) have had the frame
            // already, and the pt handler sets ETH_P_IP back once unshared.
            unsafe { b::oxip_skb_set_protocol(skb, wire::OXIP_ETH_P_TAKEOVER.to_be()) };
            return b::NF_ACCEPT;
        }
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
    if event == b::netdev_cmd_NETDEV_REGISTER as c_ulong {
        // SAFETY: netdev notifiers run under RTNL.
        let mut g = unsafe { RtnlGuard::assume_held() };
        // SAFETY: `ptr` is the notifier info of a netdev event.
        let dev = unsafe { b::oxip_netdev_notifier_info_to_dev(ptr) };
        // SAFETY: `dev` is being registered, RTNL held.
        let net = unsafe { b::oxip_dev_net(dev) };
        // `all` mode: attached before its first frame (the device is not up
        // yet). Outside load..unload `attach` refuses (EAGAIN); a failure
        // leaves the device to native.
        if eligible(dev) && all_mode(&mut g, net) {
            let _ = attach(&mut g, dev, Port::Refuse);
        }
    } else if event == b::netdev_cmd_NETDEV_CHANGEUPPER as c_ulong {
        // SAFETY: netdev notifiers run under RTNL.
        let mut g = unsafe { RtnlGuard::assume_held() };
        // SAFETY: `ptr` is the notifier info of a netdev event.
        let dev = unsafe { b::oxip_netdev_notifier_info_to_dev(ptr) };
        // SAFETY: `dev` is registered, RTNL held.
        let net = unsafe { b::oxip_dev_net(dev) };
        if all_mode(&mut g, net) {
            // SAFETY: a NETDEV_CHANGEUPPER's info is a changeupper info.
            let (linking, master) = unsafe { (b::oxip_changeupper_linking(ptr), b::oxip_changeupper_master(ptr)) };
            // SAFETY: `dev` is registered, RTNL held.
            if linking && unsafe { b::netdev_is_rx_handler_busy(dev) } {
                // It became a port (bridge, bond, team: the handler is set
                // before the link; macvlan, ipvlan: their lower device).
                let _ = detach(&mut g, dev);
            } else if !linking && master && eligible(dev) {
                // It leaves a bridge, bond or team: no longer a port.
                let _ = attach(&mut g, dev, Port::Released);
            }
        }
    } else if event == b::netdev_cmd_NETDEV_UNREGISTER as c_ulong {
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
        for name in ctl::param_names(param).filter(|n| *n != ctl::ALL) {
            let mut g = RtnlGuard::lock();
            match dev_by_name(init_net, name) {
                Some(dev) => attach(&mut g, dev, Port::Refuse)?,
                None => {
                    pr_err!("takeover: no interface {} in the initial namespace\n", name);
                    return Err(ENODEV);
                }
            }
        }
        if ctl::param_names(param).any(|n| n == ctl::ALL) {
            // One RTNL hold: a namespace made meanwhile is either in NETS
            // now or starts in `all` mode; a device registered meanwhile is
            // either listed now or seen by the notifier in `all` mode.
            let mut g = RtnlGuard::lock();
            *ALL_NEW.get(&mut g) = true;
            let nets: KVec<*mut b::net> = {
                let nets = NETS.get(&mut g);
                let mut v = KVec::with_capacity(nets.len(), GFP_KERNEL)?;
                for n in nets.iter_mut() {
                    n.all = true;
                    v.push(n.net, GFP_KERNEL)?;
                }
                v
            };
            for net in nets {
                attach_all(&mut g, net)?;
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
            *ALL_NEW.get(&mut g) = false;
            detach_all(&mut g);
        }
        // Unregistering does not wait for hooks running on other CPUs: wait
        // for them here, so none is still queueing when the backlog goes
        // and none runs module text after unload.
        // SAFETY: process context, no lock held.
        unsafe { b::synchronize_net() };
    }
}

/// `show` of /proc/net/oxip_global (initial namespace only): oxip's
/// counters summed over every namespace, the ones gone since load
/// included, in /proc/net/oxip_snmp's format, then `OxipNetns:` (live
/// namespaces, gone ones, those in `all` mode, attached interfaces).
pub(crate) unsafe extern "C" fn global_show(seq: *mut b::seq_file, _v: *mut c_void) -> c_int {
    let mut g = RtnlGuard::lock();
    let (mut sum, gone) = *GONE.get(&mut g);
    let (mut live, mut all) = (0u64, 0u64);
    for n in NETS.get(&mut g).iter() {
        // The namespace's state lives until its exit, which takes it out of
        // NETS under RTNL first.
        let m = super::pernet::fold_mib(n.net);
        for c in IpMib::ALL {
            sum.add(c, m.get(c));
        }
        live += 1;
        all += u64::from(n.all);
    }
    let attached = HOOKS.get(&mut g).len();
    let mut w = super::pernet::SeqWriter(seq);
    let _ = snmp::write_snmp(&mut w, &sum);
    let _ = core::fmt::Write::write_fmt(
        &mut w,
        format_args!("OxipNetns: Live Gone All Attached\nOxipNetns: {live} {gone} {all} {attached}\n"),
    );
    0
}

/// `show` of /proc/net/oxip_global_takeover (initial namespace only): a
/// line per namespace, `INUM all|some IFNAME...` (the namespace's inode
/// number, as `stat -L -c %i /proc/PID/ns/net` prints it).
pub(crate) unsafe extern "C" fn global_takeover_show(seq: *mut b::seq_file, _v: *mut c_void) -> c_int {
    let mut g = RtnlGuard::lock();
    let mut w = super::pernet::SeqWriter(seq);
    let nets: &[Net] = NETS.get(&mut g);
    // Two borrows of the guard are not allowed: copy what the loop needs.
    let mut list = KVec::new();
    for n in nets {
        if list.push((n.net, n.all), GFP_KERNEL).is_err() {
            return ENOMEM.to_errno();
        }
    }
    let hooks: &[Hook] = HOOKS.get(&mut g);
    for (net, all) in list {
        // SAFETY: `net` is live (in NETS, RTNL held).
        let inum = unsafe { b::oxip_net_inum(net) };
        let mode = if all { "all" } else { "some" };
        let _ = core::fmt::Write::write_fmt(&mut w, format_args!("{inum} {mode}"));
        for h in hooks.iter().filter(|h| h.net == net) {
            // SAFETY: `h.dev` is registered (Hook invariant, RTNL held);
            // `name` is a NUL-terminated array inside it.
            let name = unsafe { core::ffi::CStr::from_ptr((*h.dev).name.as_ptr()) };
            let _ = core::fmt::Write::write_fmt(&mut w, format_args!(" {}", name.to_str().unwrap_or("?")));
        }
        let _ = core::fmt::Write::write_str(&mut w, "\n");
    }
    0
}
