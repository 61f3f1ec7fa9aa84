// SPDX-License-Identifier: GPL-2.0
//! oxip core: the IPv4 receive logic as plain, safe, `no_std` Rust.
//!
//! Mirrors net/ipv4/ip_input.c and the parts of route.c that decide what a
//! received packet's fate is. Nothing here touches a kernel object: the glue
//! (`src/glue/`) adapts `sk_buff` to the traits defined here. The same files
//! build into the module (as `crate::oxip_core`) and as the host crate
//! `oxip_core` (`cargo test`), so paths inside the core are `super::`-relative.
#![cfg_attr(not(any(test, MODULE)), no_std)]
#![forbid(unsafe_code)]

pub mod ctl;
pub mod forward;
pub mod golden;
pub mod ipmr;
pub mod mib;
pub mod options;
pub mod rcv;
pub mod route;
pub mod snmp;
pub mod wire;
