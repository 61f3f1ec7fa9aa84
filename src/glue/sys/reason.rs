// SPDX-License-Identifier: GPL-2.0
//! The core's [`DropReason`] to and from the kernel's `enum skb_drop_reason`.
//!
//! C: include/net/dropreason-core.h.

use super::bindings as b;
use crate::oxip_core::mib::DropReason;

mod names {
    include!(concat!(env!("OXIP_GEN"), "/drop_names.rs"));
}

/// `SKB_DROP_REASON_DEV_READY`: the device is not up.
pub(crate) const DEV_READY: DropReason =
    DropReason::Kernel(b::skb_drop_reason_SKB_DROP_REASON_DEV_READY);

/// `SKB_DROP_REASON_CPU_BACKLOG`: the per-CPU backlog is full.
pub(crate) const CPU_BACKLOG: DropReason =
    DropReason::Kernel(b::skb_drop_reason_SKB_DROP_REASON_CPU_BACKLOG);

/// The kernel value of `r`.
pub(crate) fn to_kernel(r: DropReason) -> b::skb_drop_reason {
    match r {
        DropReason::NotSpecified => b::skb_drop_reason_SKB_DROP_REASON_NOT_SPECIFIED,
        DropReason::OtherHost => b::skb_drop_reason_SKB_DROP_REASON_OTHERHOST,
        DropReason::IpCsum => b::skb_drop_reason_SKB_DROP_REASON_IP_CSUM,
        DropReason::IpInhdr => b::skb_drop_reason_SKB_DROP_REASON_IP_INHDR,
        DropReason::PktTooSmall => b::skb_drop_reason_SKB_DROP_REASON_PKT_TOO_SMALL,
        DropReason::Nomem => b::skb_drop_reason_SKB_DROP_REASON_NOMEM,
        DropReason::UnicastInL2Multicast => {
            b::skb_drop_reason_SKB_DROP_REASON_UNICAST_IN_L2_MULTICAST
        }
        DropReason::IpRpfilter => b::skb_drop_reason_SKB_DROP_REASON_IP_RPFILTER,
        DropReason::IpInvalidSource => b::skb_drop_reason_SKB_DROP_REASON_IP_INVALID_SOURCE,
        DropReason::IpLocalnet => b::skb_drop_reason_SKB_DROP_REASON_IP_LOCALNET,
        DropReason::IpLocalSource => b::skb_drop_reason_SKB_DROP_REASON_IP_LOCAL_SOURCE,
        DropReason::XfrmPolicy => b::skb_drop_reason_SKB_DROP_REASON_XFRM_POLICY,
        DropReason::PktTooBig => b::skb_drop_reason_SKB_DROP_REASON_PKT_TOO_BIG,
        DropReason::Kernel(k) => k,
    }
}

/// The core's name for kernel reason `k`: ours where the core decides on
/// it, `Kernel(k)` otherwise.
pub(crate) fn from_kernel(k: b::skb_drop_reason) -> DropReason {
    [
        DropReason::NotSpecified,
        DropReason::IpRpfilter,
        DropReason::IpInvalidSource,
        DropReason::IpLocalnet,
        DropReason::IpLocalSource,
        DropReason::Nomem,
    ]
    .into_iter()
    .find(|r| to_kernel(*r) == k)
    .unwrap_or(DropReason::Kernel(k))
}

/// The kernel's name for reason value `k`, without `SKB_DROP_REASON_`.
pub(crate) fn name(k: u32) -> &'static str {
    names::DROP_NAMES
        .iter()
        .find(|(v, _)| *v == k)
        .map(|(_, n)| *n)
        .unwrap_or("UNKNOWN")
}
