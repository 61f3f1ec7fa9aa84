// SPDX-License-Identifier: GPL-2.0
//! The glue between the core and the kernel.
//!
//! [`sys`] is the kernel-abstraction layer, the only place with `unsafe`.
//! The rest is the datapath and its setup, in safe Rust over `sys`, each
//! file `#![deny(unsafe_code)]`. Imports go one way (no cycle):
//!
//! ```text
//! oxip_main -> ptype, takeover, backlog, pernet
//! pernet    -> proc, takeover, netns, ipmr_mirror
//! proc      -> takeover, netns
//! ptype     -> rcv
//! takeover  -> backlog, rcv, netns
//! backlog   -> rcv, netns
//! rcv       -> forward, ipmr, netns              (ip_input.c)
//! ipmr      -> ipmr_mirror, netns                (ipmr.c)
//! forward   ->                                   (ip_forward.c)
//! netns     -> ipmr_mirror
//! ipmr_mirror                                    (the FIB notifier side of ipmr.c)
//! every one -> sys -> kernel, bindings
//! ```

pub(crate) mod backlog;
pub(crate) mod forward;
pub(crate) mod ipmr;
pub(crate) mod ipmr_mirror;
// KUnit suites only where the kernel has KUnit (Debian's stock kernel has not).
#[cfg(CONFIG_KUNIT)]
mod kunit;
pub(crate) mod netns;
pub(crate) mod pernet;
pub(crate) mod proc;
pub(crate) mod ptype;
pub(crate) mod rcv;
pub(crate) mod sys;
pub(crate) mod takeover;
