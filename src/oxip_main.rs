// SPDX-License-Identifier: GPL-2.0
//! oxip: a second, parallel IPv4 receive path, written in Rust.
//!
//! Packets enter through oxip's own ethertype (`ethertype=`, default 0x88B5)
//! or, in takeover mode, through a netdev ingress hook on chosen interfaces
//! (`takeover=`, /proc/net/oxip_takeover). They run through the Rust
//! reimplementation of net/ipv4/ip_input.c and leave through the kernel's
//! own local delivery or route input.

use core::sync::atomic::AtomicBool;
use core::sync::atomic::Ordering;

use kernel::prelude::*;

mod glue;
// The core is also a host library (fuzzing, benchmarks): not all of it is
// used by the module.
#[allow(dead_code, unreachable_pub)]
#[path = "core/lib.rs"]
mod oxip_core;

module! {
    type: Oxip,
    name: "oxip",
    authors: ["oxip developers"],
    description: "A parallel IPv4 receive path in Rust",
    license: "GPL",
    params: {
        ethertype: u16 {
            default: 0x88b5,
            description: "Ethertype of oxip's own packet_type (0: none)",
        },
        takeover_backlog: bool {
            default: true,
            description: "Queue taken-over frames per CPU and receive them in batches (list path, route hints); false: one by one in the hook",
        },
        route_cache: bool {
            default: true,
            description: "Keep input routes per CPU across batches (validated on every use by the route generation, the FIB sequence and dst->obsolete); false: hints within a batch only",
        },
        takeover_retag: bool {
            default: true,
            description: "Retag taken-over frames to oxip's pseudo type and let native receive batch them to oxip's packet_type, no queue of oxip's (default); false: takeover_backlog decides",
        },
    },
}

/// The module: its registrations, dropped in declaration order, the reverse
/// of the order `init` makes them.
///
/// Unload: the ethertype handler goes (`dev_remove_pack` waits for it);
/// takeover refuses attaches, detaches every hook and waits for hooks in
/// flight; the takeover `packet_type` of retagged frames goes (after every
/// hook that could retag one); the backlog stops its NAPIs and frees what they hold;
/// the route cache is unpublished and, after a grace period, gives back
/// every dst it holds; the netdev
/// notifier goes only then (it flushes the backlog of every device that
/// vanishes while frames of it may be queued); last, the per-netns state
/// with the /proc files, and the NFQUEUE entries holding oxip's okfns.
/// Load is the mirror image: the control file exists from the first step
/// but accepts attaches only once the notifier and the backlog exist.
struct Oxip {
    _ptype: Option<glue::ptype::Registration>,
    _takeover: glue::takeover::Takeover,
    _retag: Option<glue::ptype::TakeoverRegistration>,
    _backlog: glue::backlog::Backlog,
    _route_cache: Option<Pin<KBox<glue::sys::route_cache::RouteCache>>>,
    _notifier: glue::takeover::Notifier,
    _pernet: glue::pernet::Registration,
}

/// The load-time parameters the takeover hook reads for every frame, copied
/// once by `init` before any hook is registered: a parameter's `value()`
/// reads it through an acquire (a call into C's helpers) each time.
static TAKEOVER_RETAG: AtomicBool = AtomicBool::new(true);
static TAKEOVER_BACKLOG: AtomicBool = AtomicBool::new(true);

/// The `takeover_retag` parameter.
pub(crate) fn takeover_retag() -> bool {
    TAKEOVER_RETAG.load(Ordering::Relaxed)
}

/// The `takeover_backlog` parameter.
pub(crate) fn takeover_backlog() -> bool {
    TAKEOVER_BACKLOG.load(Ordering::Relaxed)
}

impl kernel::Module for Oxip {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        // Published to the hooks by their registration below.
        TAKEOVER_RETAG.store(module_parameters::takeover_retag.value(), Ordering::Relaxed);
        TAKEOVER_BACKLOG.store(
            module_parameters::takeover_backlog.value(),
            Ordering::Relaxed,
        );
        glue::ptype::check_param(module_parameters::ethertype.value())?;
        glue::sys::route::redirect_peers_init();
        let pernet = glue::pernet::Registration::register()?;
        let notifier = glue::takeover::Notifier::register()?;
        let backlog = glue::backlog::Backlog::register()?;
        let route_cache = if module_parameters::route_cache.value() {
            let c = glue::sys::route_cache::RouteCache::new()?;
            c.as_ref().publish();
            Some(c)
        } else {
            None
        };
        // With takeover_retag: before any hook can retag a frame, gone only
        // after every hook is.
        let retag = if takeover_retag() {
            let et = oxip_core::wire::OXIP_ETH_P_TAKEOVER;
            Some(glue::ptype::TakeoverRegistration::register(et)?)
        } else {
            None
        };
        let takeover = glue::takeover::Takeover::register(glue::sys::params::takeover_param())?;
        let et = module_parameters::ethertype.value();
        let ptype = match et {
            0 => None,
            et => Some(glue::ptype::Registration::register(et)?),
        };
        pr_info!("loaded (ethertype {:#06x})\n", et);
        Ok(Oxip {
            _ptype: ptype,
            _takeover: takeover,
            _retag: retag,
            _backlog: backlog,
            _route_cache: route_cache,
            _notifier: notifier,
            _pernet: pernet,
        })
    }
}
