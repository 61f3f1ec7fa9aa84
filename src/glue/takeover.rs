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
#![deny(unsafe_code)]

use core::ffi::c_int;
use core::fmt::Write;
use core::sync::atomic::Ordering;

use kernel::prelude::*;

use super::backlog;
use super::netns;
use super::netns::NetState;
use super::netns::NETS;
use super::rcv;
use super::sys::bh::Bh;
use super::sys::net::Net;
use super::sys::net::NetDevice;
use super::sys::nf;
use super::sys::nf::Ingress;
use super::sys::nf::IngressHook;
use super::sys::nf::IngressSkb;
use super::sys::nf::Verdict;
use super::sys::notifier::NetdevEvent;
use super::sys::notifier::NetdevNotifier;
use super::sys::proc::SeqWriter;
use super::sys::rcu::RcuRead;
use super::sys::rtnl::RtnlCell;
use super::sys::rtnl::RtnlGuard;
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

/// Whether [`attach`] refuses a device with an `rx_handler`.
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

/// Every attached interface, in every namespace. A hook is dropped
/// (unregistered) on its device's `NETDEV_UNREGISTER`.
static HOOKS: RtnlCell<KVec<IngressHook>> = RtnlCell::new(KVec::new());

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

/// `port`: refuse a device with an `rx_handler` (false only for a port
/// being released, whose handler goes in the same RTNL section).
fn attach(g: &mut RtnlGuard, dev: &NetDevice, port: Port) -> Result {
    // Checked under the same RTNL hold that registers the hook, so no
    // attach can succeed once `Takeover::drop` has set `Closing`.
    if *STATE.get(g) != State::Open {
        return Err(EAGAIN);
    }
    if HOOKS.get(g).iter().any(|h| h.is_on(dev)) {
        return Err(EEXIST);
    }
    HOOKS.get(g).reserve(1, GFP_KERNEL)?;
    // A bridge, bond, team or macvlan port: native hands its frames to
    // the rx_handler, which runs after the ingress hook. Not ours.
    if port == Port::Refuse && dev.rx_handler_busy(g) {
        return Err(EBUSY);
    }
    let h = IngressHook::register::<TakeoverHook>(dev, HOOK_PRIORITY, g)?;
    HOOKS.get(g).push(h, GFP_KERNEL)?;
    Ok(())
}

fn detach(g: &mut RtnlGuard, dev: &NetDevice) -> Result {
    let hooks = HOOKS.get(g);
    let i = hooks.iter().position(|h| h.is_on(dev)).ok_or(ENOENT)?;
    // Dropping the hook unregisters it.
    hooks.remove(i).map(drop).map_err(|_| ENOENT)
}

/// Whether `all` mode takes `dev`: every device but loopback (native
/// leaves it to `ip_rcv` too, but its traffic is the host's own) and ports
/// (`attach` refuses those).
fn eligible(dev: &NetDevice) -> bool {
    !dev.is_loopback()
}

fn all_mode(net: &Net) -> bool {
    netns::state(net).is_some_and(|s| s.all.load(Ordering::Relaxed))
}

/// `+all` in `net`: attaches every eligible device not attached yet.
/// Ports are skipped (`EBUSY`); the first other error is returned, after
/// trying every device.
fn attach_all(g: &mut RtnlGuard, net: &Net) -> Result {
    if *STATE.get(g) != State::Open {
        return Err(EAGAIN);
    }
    let mut res = Ok(());
    net.for_each_dev(g, |g, dev| {
        if eligible(dev) {
            match attach(g, dev, Port::Refuse) {
                Ok(()) | Err(EEXIST) | Err(EBUSY) => {}
                Err(e) => res = res.and(Err(e)),
            }
        }
    });
    res
}

/// `-all` in `net`: leaves `all` mode and detaches every device of `net`.
fn detach_net(g: &mut RtnlGuard, net: &Net) {
    HOOKS.get(g).retain(|h| !h.is_in(net));
}

fn set_all(net: &Net, all: bool) -> Result {
    let s = netns::state(net).ok_or(ENODEV)?;
    s.all.store(all, Ordering::Relaxed);
    Ok(())
}

/// A namespace got oxip's state (pernet init, under the RTNL hold that
/// makes it known): from now on its devices may be attached, all of them
/// when `takeover=all` was given.
pub(crate) fn net_init(st: &NetState, g: &mut RtnlGuard) {
    st.all.store(*ALL_NEW.get(g), Ordering::Relaxed);
}

/// A namespace goes (pernet exit; its devices are gone, so none of its
/// hooks is left): its counters join the total of the gone ones.
pub(crate) fn net_exit(st: &NetState, g: &mut RtnlGuard) {
    let m = st.counters.fold_mib();
    let gone = GONE.get(g);
    for c in IpMib::ALL {
        gone.0.add(c, m.get(c));
    }
    gone.1 += 1;
}

fn detach_all(g: &mut RtnlGuard) {
    // Replacing the vector drops every hook (unregistering it) and frees
    // the vector's buffer, which a static would otherwise keep past unload.
    *HOOKS.get(g) = KVec::new();
}

/// Applies one control command in `net`.
fn command(net: &Net, text: &str) -> Result {
    let cmd = ctl::parse(text).map_err(|_| EINVAL)?;
    let mut g = RtnlGuard::lock();
    match cmd {
        ctl::Command::Attach(name) => net
            .with_dev_by_name(name, &mut g, |g, d| attach(g, d, Port::Refuse))
            .ok_or(ENODEV)?,
        ctl::Command::Detach(name) => net.with_dev_by_name(name, &mut g, detach).ok_or(ENODEV)?,
        ctl::Command::AttachAll => {
            if *STATE.get(&mut g) != State::Open {
                return Err(EAGAIN);
            }
            set_all(net, true)?;
            attach_all(&mut g, net)
        }
        ctl::Command::DetachAll => {
            set_all(net, false)?;
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
struct TakeoverHook;

impl Ingress for TakeoverHook {
    #[inline]
    fn hook(skb: IngressSkb<'_>, rcu: &RcuRead, bh: &Bh) -> Verdict {
        if skb.protocol_be() != wire::ETH_P_IP.to_be() {
            return Verdict::Accept;
        }
        if skb.vlan_tag_present() {
            return Verdict::Accept;
        }
        if skb.dev().rx_handler_present() {
            return Verdict::Accept;
        }
        // Entry without a second queue: retagged, the frame goes on through
        // __netif_receive_skb_core, which reads `skb->protocol` only after
        // this hook and hands it to oxip's OXIP_ETH_P_TAKEOVER packet_type,
        // batched by native list receive like ip_list_rcv's frames. The
        // taps (ptype_all) have had it already. A pfmemalloc skb would be
        // dropped there (skb_pfmemalloc_protocol admits ETH_P_IP, not the
        // pseudo type): it takes the entry below.
        if crate::takeover_retag() && !skb.pfmemalloc() {
            return skb.retag(wire::OXIP_ETH_P_TAKEOVER);
        }
        let Some((skb, stolen)) = skb.steal() else {
            return Verdict::Accept;
        };
        if crate::takeover_backlog() {
            backlog::enqueue(skb, rcu, bh);
        } else {
            rcv::ip_rcv(skb, IpMib::TakeoverRcv, rcu, bh);
        }
        Verdict::Stolen(stolen)
    }
}

/// `show` of /proc/net/oxip_takeover: the attached interfaces of this netns.
pub(crate) fn ctl_show(net: &Net, w: &mut SeqWriter<'_>) -> Result {
    let mut g = RtnlGuard::lock();
    for h in HOOKS.get(&mut g).iter().filter(|h| h.is_in(net)) {
        let name = h.dev().name();
        let _ = writeln!(w, "{}", name.to_str().unwrap_or("?"));
    }
    Ok(())
}

/// `write` of /proc/net/oxip_takeover: one command.
pub(crate) fn ctl_write(net: &Net, bytes: &[u8]) -> Result {
    // Attaching steals a device's traffic: CAP_NET_ADMIN over the
    // namespace's owner, as `ip link` changes need.
    if !net.capable_net_admin() {
        return Err(EPERM);
    }
    let text = core::str::from_utf8(bytes).map_err(|_| EINVAL)?;
    command(net, text)
}

/// oxip's netdev notifier: detaches a vanishing device and flushes what the
/// backlog holds for it; in `all` mode, attaches new devices.
pub(crate) struct TakeoverNotifier;

impl NetdevNotifier for TakeoverNotifier {
    fn event(ev: NetdevEvent<'_>, g: &mut RtnlGuard) {
        match ev {
            NetdevEvent::Register(dev) => {
                // `all` mode: attached before its first frame (the device
                // is not up yet). Outside load..unload `attach` refuses
                // (EAGAIN); a failure leaves the device to native.
                if eligible(dev) && all_mode(dev.net()) {
                    let _ = attach(g, dev, Port::Refuse);
                }
            }
            NetdevEvent::ChangeUpper {
                dev,
                linking,
                master,
            } => {
                if all_mode(dev.net()) {
                    if linking && dev.rx_handler_busy(g) {
                        // It became a port (bridge, bond, team: the handler
                        // is set before the link; macvlan, ipvlan: their
                        // lower device).
                        let _ = detach(g, dev);
                    } else if !linking && master && eligible(dev) {
                        // It leaves a bridge, bond or team: no longer a port.
                        let _ = attach(g, dev, Port::Released);
                    }
                }
            }
            NetdevEvent::Unregister(dev) => {
                // Not attached (any more) is fine: frames it queued while
                // attached may still wait in the backlog, so flush in every
                // case. The device is down and a grace period has passed
                // since (unregister_netdevice_many does both before this
                // event), and enqueue refuses devices that are not running:
                // nothing queues for it after this flush.
                let _ = detach(g, dev);
                backlog::flush_dev(dev, g);
            }
        }
    }
}

/// The netdev notifier: registered before the backlog and the hooks, and
/// unregistered after both are gone, so every device that unregisters
/// while a frame of it could be queued is seen.
pub(crate) type Notifier = super::sys::notifier::Registration<TakeoverNotifier>;

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
        let init_net = Net::init();
        for name in ctl::param_names(param).filter(|n| *n != ctl::ALL) {
            let mut g = RtnlGuard::lock();
            match init_net.with_dev_by_name(name, &mut g, |g, d| attach(g, d, Port::Refuse)) {
                Some(r) => r?,
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
            NETS.for_each_rtnl(&mut g, |_, net| {
                let _ = set_all(net, true);
            })?;
            let mut res = Ok(());
            NETS.for_each_rtnl(&mut g, |g, net| {
                if res.is_ok() {
                    res = attach_all(g, net);
                }
            })?;
            res?;
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
        nf::synchronize_net();
    }
}

/// `show` of /proc/net/oxip_global (initial namespace only): oxip's
/// counters summed over every namespace, the ones gone since load
/// included, in /proc/net/oxip_snmp's format, then `OxipNetns:` (live
/// namespaces, gone ones, those in `all` mode, attached interfaces).
pub(crate) fn global_show(w: &mut SeqWriter<'_>) -> Result {
    let mut g = RtnlGuard::lock();
    let (mut sum, gone) = *GONE.get(&mut g);
    let (mut live, mut all) = (0u64, 0u64);
    NETS.for_each(&mut g, |net| {
        // The namespace's state lives until its exit, which takes it out of
        // NETS under RTNL first.
        if let Some(s) = netns::state(net) {
            let m = s.counters.fold_mib();
            for c in IpMib::ALL {
                sum.add(c, m.get(c));
            }
        }
        live += 1;
        all += u64::from(all_mode(net));
    });
    let attached = HOOKS.get(&mut g).len();
    let _ = snmp::write_snmp(w, &sum);
    let _ = write!(
        w,
        "OxipNetns: Live Gone All Attached\nOxipNetns: {live} {gone} {all} {attached}\n"
    );
    Ok(())
}

/// `show` of /proc/net/oxip_global_takeover (initial namespace only): a
/// line per namespace, `INUM all|some IFNAME...` (the namespace's inode
/// number, as `stat -L -c %i /proc/PID/ns/net` prints it).
pub(crate) fn global_takeover_show(w: &mut SeqWriter<'_>) -> Result {
    let mut g = RtnlGuard::lock();
    let mut list = KVec::new();
    let mut res = Ok(());
    NETS.for_each(&mut g, |net| {
        if list
            .push((net.id(), net.inum(), all_mode(net)), GFP_KERNEL)
            .is_err()
        {
            res = Err(ENOMEM);
        }
    });
    res?;
    let hooks: &[IngressHook] = HOOKS.get(&mut g);
    for (id, inum, all) in list {
        let mode = if all { "all" } else { "some" };
        let _ = write!(w, "{inum} {mode}");
        for h in hooks.iter().filter(|h| h.net_id() == id) {
            let _ = write!(w, " {}", h.dev().name().to_str().unwrap_or("?"));
        }
        let _ = w.write_str("\n");
    }
    Ok(())
}
