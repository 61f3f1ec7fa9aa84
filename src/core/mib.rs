// SPDX-License-Identifier: GPL-2.0
//! Counters and drop reasons, named as the kernel names them.
//!
//! C: include/uapi/linux/snmp.h (`IPSTATS_MIB_*`, `LINUX_MIB_*`),
//! include/net/dropreason-core.h (`enum skb_drop_reason`).

use super::wire;

/// The IP MIB counters oxip keeps, one per `IPSTATS_MIB_*` it bumps, plus
/// `LINUX_MIB_IPRPFILTER`. The names are the ones /proc/net/snmp and
/// /proc/net/netstat print, so a test can add them to the kernel's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum IpMib {
    /// `IPSTATS_MIB_INPKTS`.
    InReceives = 0,
    /// `IPSTATS_MIB_INOCTETS`.
    InOctets,
    /// `IPSTATS_MIB_INHDRERRORS`.
    InHdrErrors,
    /// `IPSTATS_MIB_INTRUNCATEDPKTS`.
    InTruncatedPkts,
    /// `IPSTATS_MIB_INDISCARDS`.
    InDiscards,
    /// `IPSTATS_MIB_CSUMERRORS`.
    InCsumErrors,
    /// `IPSTATS_MIB_NOECTPKTS`.
    InNoECTPkts,
    /// `IPSTATS_MIB_ECT1PKTS`.
    InECT1Pkts,
    /// `IPSTATS_MIB_ECT0PKTS`.
    InECT0Pkts,
    /// `IPSTATS_MIB_CEPKTS`.
    InCEPkts,
    /// `IPSTATS_MIB_INNOROUTES`.
    InNoRoutes,
    /// `IPSTATS_MIB_INADDRERRORS`.
    InAddrErrors,
    /// `IPSTATS_MIB_INMCASTPKTS`.
    InMcastPkts,
    /// `IPSTATS_MIB_INMCASTOCTETS`.
    InMcastOctets,
    /// `IPSTATS_MIB_INBCASTPKTS`.
    InBcastPkts,
    /// `IPSTATS_MIB_INBCASTOCTETS`.
    InBcastOctets,
    /// `LINUX_MIB_IPRPFILTER` (TcpExt: IPReversePathFilter).
    IPReversePathFilter,
    /// `IPSTATS_MIB_OUTFORWDATAGRAMS`.
    ForwDatagrams,
    /// `IPSTATS_MIB_FRAGFAILS`.
    FragFails,
    // oxip's own, in the `Oxip:` line.
    /// Packets that entered through the oxip ethertype `packet_type`.
    EthertypeRcv,
    /// Packets stolen from `ETH_P_IP` by the takeover ingress hook.
    TakeoverRcv,
    /// Batches handed to the `.list_func` entry.
    ListBatches,
    /// Packets routed with a route hint (no FIB lookup).
    HintHits,
    /// Packets that took a full FIB lookup.
    FibLookups,
    /// Packets routed by the per-CPU route cache (no FIB lookup).
    RouteCacheHits,
    /// Cache-eligible packets the route cache had no route for.
    RouteCacheMisses,
    /// Cached routes found stale on use (route generation, FIB sequence
    /// or `dst->obsolete`) and dropped from the cache.
    RouteCacheInvalid,
    /// Cache-eligible packets that skipped the route cache during a run of
    /// misses on their CPU (see `route::MissRun`).
    RouteCacheSkipped,
    /// Packets handed to `ip_local_deliver` (native L4, defrag).
    LocalDeliver,
    /// Packets handed to the route's native input (multicast, error, lwtunnel).
    NativeInput,
    /// Packets oxip's `ip_forward` passed to the FORWARD hook.
    Forwarded,
    /// Drops, all reasons together (see /proc/net/oxip_drops for each).
    Drops,
}

/// Number of [`IpMib`] counters.
pub const IP_MIB_MAX: usize = IpMib::Drops as usize + 1;

/// Which /proc line a counter is printed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MibLine {
    /// `Ip:` in /proc/net/snmp.
    Ip,
    /// `IpExt:` in /proc/net/netstat.
    IpExt,
    /// `TcpExt:` in /proc/net/netstat.
    TcpExt,
    /// oxip's own.
    Oxip,
}

impl IpMib {
    /// Every counter, in index order.
    pub const ALL: [IpMib; IP_MIB_MAX] = [
        IpMib::InReceives,
        IpMib::InOctets,
        IpMib::InHdrErrors,
        IpMib::InTruncatedPkts,
        IpMib::InDiscards,
        IpMib::InCsumErrors,
        IpMib::InNoECTPkts,
        IpMib::InECT1Pkts,
        IpMib::InECT0Pkts,
        IpMib::InCEPkts,
        IpMib::InNoRoutes,
        IpMib::InAddrErrors,
        IpMib::InMcastPkts,
        IpMib::InMcastOctets,
        IpMib::InBcastPkts,
        IpMib::InBcastOctets,
        IpMib::IPReversePathFilter,
        IpMib::ForwDatagrams,
        IpMib::FragFails,
        IpMib::EthertypeRcv,
        IpMib::TakeoverRcv,
        IpMib::ListBatches,
        IpMib::HintHits,
        IpMib::FibLookups,
        IpMib::RouteCacheHits,
        IpMib::RouteCacheMisses,
        IpMib::RouteCacheInvalid,
        IpMib::RouteCacheSkipped,
        IpMib::LocalDeliver,
        IpMib::NativeInput,
        IpMib::Forwarded,
        IpMib::Drops,
    ];

    /// The name the kernel prints for it.
    pub const fn name(self) -> &'static str {
        match self {
            IpMib::InReceives => "InReceives",
            IpMib::InOctets => "InOctets",
            IpMib::InHdrErrors => "InHdrErrors",
            IpMib::InTruncatedPkts => "InTruncatedPkts",
            IpMib::InDiscards => "InDiscards",
            IpMib::InCsumErrors => "InCsumErrors",
            IpMib::InNoECTPkts => "InNoECTPkts",
            IpMib::InECT1Pkts => "InECT1Pkts",
            IpMib::InECT0Pkts => "InECT0Pkts",
            IpMib::InCEPkts => "InCEPkts",
            IpMib::InNoRoutes => "InNoRoutes",
            IpMib::InAddrErrors => "InAddrErrors",
            IpMib::InMcastPkts => "InMcastPkts",
            IpMib::InMcastOctets => "InMcastOctets",
            IpMib::InBcastPkts => "InBcastPkts",
            IpMib::InBcastOctets => "InBcastOctets",
            IpMib::IPReversePathFilter => "IPReversePathFilter",
            IpMib::ForwDatagrams => "ForwDatagrams",
            IpMib::FragFails => "FragFails",
            IpMib::EthertypeRcv => "EthertypeRcv",
            IpMib::TakeoverRcv => "TakeoverRcv",
            IpMib::ListBatches => "ListBatches",
            IpMib::HintHits => "HintHits",
            IpMib::FibLookups => "FibLookups",
            IpMib::RouteCacheHits => "RouteCacheHits",
            IpMib::RouteCacheMisses => "RouteCacheMisses",
            IpMib::RouteCacheInvalid => "RouteCacheInvalid",
            IpMib::RouteCacheSkipped => "RouteCacheSkipped",
            IpMib::LocalDeliver => "LocalDeliver",
            IpMib::NativeInput => "NativeInput",
            IpMib::Forwarded => "Forwarded",
            IpMib::Drops => "Drops",
        }
    }

    /// The line it is printed on, as in the kernel's own files.
    pub const fn line(self) -> MibLine {
        match self {
            IpMib::InReceives
            | IpMib::InHdrErrors
            | IpMib::InAddrErrors
            | IpMib::InDiscards
            | IpMib::ForwDatagrams
            | IpMib::FragFails => MibLine::Ip,
            IpMib::IPReversePathFilter => MibLine::TcpExt,
            IpMib::EthertypeRcv
            | IpMib::TakeoverRcv
            | IpMib::ListBatches
            | IpMib::HintHits
            | IpMib::FibLookups
            | IpMib::RouteCacheHits
            | IpMib::RouteCacheMisses
            | IpMib::RouteCacheInvalid
            | IpMib::RouteCacheSkipped
            | IpMib::LocalDeliver
            | IpMib::NativeInput
            | IpMib::Forwarded
            | IpMib::Drops => MibLine::Oxip,
            _ => MibLine::IpExt,
        }
    }

    /// The ECN counter for a packet's `tos` (`IPSTATS_MIB_NOECTPKTS + (tos & INET_ECN_MASK)`).
    pub const fn ecn(tos: u8) -> IpMib {
        match tos & wire::INET_ECN_MASK {
            wire::INET_ECN_NOT_ECT => IpMib::InNoECTPkts,
            wire::INET_ECN_ECT_1 => IpMib::InECT1Pkts,
            wire::INET_ECN_ECT_0 => IpMib::InECT0Pkts,
            _ => IpMib::InCEPkts,
        }
    }
}

/// Where counters go. The glue implements it over per-CPU memory; tests over an array.
pub trait MibSink {
    /// Adds `n` to counter `m`.
    fn add(&mut self, m: IpMib, n: u64);
    /// Adds one to counter `m`.
    fn inc(&mut self, m: IpMib) {
        self.add(m, 1);
    }
}

/// A plain array of counters (host tests; also the per-CPU slot layout).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MibArray(pub [u64; IP_MIB_MAX]);

impl Default for MibArray {
    fn default() -> Self {
        MibArray([0; IP_MIB_MAX])
    }
}

impl MibArray {
    /// The value of `m`.
    pub fn get(&self, m: IpMib) -> u64 {
        self.0.get(m as usize).copied().unwrap_or(0)
    }
}

impl MibSink for MibArray {
    fn add(&mut self, m: IpMib, n: u64) {
        if let Some(c) = self.0.get_mut(m as usize) {
            *c = c.wrapping_add(n);
        }
    }
}

/// The drop reasons oxip gives, mirroring `enum skb_drop_reason`.
///
/// The numeric values differ between kernel versions, so the glue maps each
/// to the kernel's value; `Kernel(n)` carries a reason a kernel function
/// (e.g. `ip_route_input_noref`) returned, unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropReason {
    /// `SKB_DROP_REASON_NOT_SPECIFIED`.
    NotSpecified,
    /// `SKB_DROP_REASON_OTHERHOST`.
    OtherHost,
    /// `SKB_DROP_REASON_IP_CSUM`.
    IpCsum,
    /// `SKB_DROP_REASON_IP_INHDR`.
    IpInhdr,
    /// `SKB_DROP_REASON_PKT_TOO_SMALL`.
    PktTooSmall,
    /// `SKB_DROP_REASON_NOMEM`.
    Nomem,
    /// `SKB_DROP_REASON_UNICAST_IN_L2_MULTICAST`.
    UnicastInL2Multicast,
    /// `SKB_DROP_REASON_IP_RPFILTER`.
    IpRpfilter,
    /// `SKB_DROP_REASON_IP_INVALID_SOURCE`.
    IpInvalidSource,
    /// `SKB_DROP_REASON_IP_LOCALNET`.
    IpLocalnet,
    /// `SKB_DROP_REASON_IP_LOCAL_SOURCE`.
    IpLocalSource,
    /// `SKB_DROP_REASON_XFRM_POLICY`.
    XfrmPolicy,
    /// `SKB_DROP_REASON_PKT_TOO_BIG`.
    PktTooBig,
    /// A reason some kernel function chose, by its kernel value.
    Kernel(u32),
}

impl DropReason {
    /// The kernel's name without the `SKB_DROP_REASON_` prefix, as the
    /// `kfree_skb` tracepoint prints it.
    pub const fn name(self) -> &'static str {
        match self {
            DropReason::NotSpecified => "NOT_SPECIFIED",
            DropReason::OtherHost => "OTHERHOST",
            DropReason::IpCsum => "IP_CSUM",
            DropReason::IpInhdr => "IP_INHDR",
            DropReason::PktTooSmall => "PKT_TOO_SMALL",
            DropReason::Nomem => "NOMEM",
            DropReason::UnicastInL2Multicast => "UNICAST_IN_L2_MULTICAST",
            DropReason::IpRpfilter => "IP_RPFILTER",
            DropReason::IpInvalidSource => "IP_INVALID_SOURCE",
            DropReason::IpLocalnet => "IP_LOCALNET",
            DropReason::IpLocalSource => "IP_LOCAL_SOURCE",
            DropReason::XfrmPolicy => "XFRM_POLICY",
            DropReason::PktTooBig => "PKT_TOO_BIG",
            DropReason::Kernel(_) => "KERNEL",
        }
    }
}

/// The number of per-reason drop slots the glue keeps (kernel reason values
/// at or past this share the last slot).
pub const DROP_SLOTS: usize = 128;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_is_in_index_order() {
        for (i, m) in IpMib::ALL.iter().enumerate() {
            assert_eq!(*m as usize, i);
        }
    }

    #[test]
    fn ecn_slots_follow_the_kernel_layout() {
        assert_eq!(IpMib::ecn(0), IpMib::InNoECTPkts);
        assert_eq!(IpMib::ecn(1), IpMib::InECT1Pkts);
        assert_eq!(IpMib::ecn(2), IpMib::InECT0Pkts);
        assert_eq!(IpMib::ecn(0xff), IpMib::InCEPkts);
    }

    #[test]
    fn array_sink_adds() {
        let mut a = MibArray::default();
        a.inc(IpMib::InReceives);
        a.add(IpMib::InOctets, 40);
        assert_eq!(a.get(IpMib::InReceives), 1);
        assert_eq!(a.get(IpMib::InOctets), 40);
        assert_eq!(IpMib::InReceives.line(), MibLine::Ip);
        assert_eq!(IpMib::InOctets.line(), MibLine::IpExt);
    }
}
