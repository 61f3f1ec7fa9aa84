// SPDX-License-Identifier: GPL-2.0
//! The kernel-abstraction layer: every FFI call and raw access oxip makes,
//! behind types whose `# Invariants` the `// SAFETY:` comments cite.
//!
//! Nothing outside this module has `unsafe` (the datapath modules say
//! `#![deny(unsafe_code)]`; the KUnit suites are the one exception). Each
//! file wraps one kernel concept and imports only its siblings below it:
//! `bindings` at the bottom; `reason`, `params`, `bh`, `time`, `rtnl`;
//! `percpu` (over `bh`); `net` (namespaces, devices); `route` (routes,
//! over `net`); `skb` (packets, over `route`); then `stats` (per-CPU
//! counters, the drop path) and what registers with the kernel: `nf`,
//! `ptype` (over `nf`), `napi`, `notifier`, `fib_notifier`, `pernet`,
//! `proc`. No file imports one above it, so the layer has no cycle.

pub(crate) mod bh;
pub(crate) mod bindings;
mod bitfield;
// The C references of the KUnit suites (only where the kernel has KUnit).
#[cfg(CONFIG_KUNIT)]
pub(crate) mod cref;
pub(crate) mod fib_notifier;
pub(crate) mod napi;
pub(crate) mod net;
pub(crate) mod nf;
pub(crate) mod notifier;
pub(crate) mod params;
pub(crate) mod percpu;
pub(crate) mod pernet;
pub(crate) mod proc;
pub(crate) mod ptype;
pub(crate) mod rcu;
pub(crate) mod reason;
pub(crate) mod route;
pub(crate) mod route_cache;
pub(crate) mod rtnl;
pub(crate) mod skb;
pub(crate) mod stats;
pub(crate) mod time;
