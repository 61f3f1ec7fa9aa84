// SPDX-License-Identifier: GPL-2.0
//! oxip's counters of one namespace: per-CPU MIB counters and drop counts
//! by reason, written by the packet path, summed for /proc.
//!
//! C: include/net/snmp.h (per-CPU MIBs, `snmp_fold_field`),
//! include/net/dropreason-core.h.

use kernel::prelude::*;

use super::bh::Bh;
use super::percpu::Counters;
use super::percpu::PerCpu;
use super::percpu::Zeroed;
use super::reason;
use super::skb::Skb;
use crate::oxip_core::mib::DropReason;
use crate::oxip_core::mib::IpMib;
use crate::oxip_core::mib::MibArray;
use crate::oxip_core::mib::MibSink;
use crate::oxip_core::mib::DROP_SLOTS;
use crate::oxip_core::mib::IP_MIB_MAX;

/// One CPU's counters of a namespace: the MIB and the drops by reason side
/// by side, so the packet path finds both with one `this_cpu_ptr`.
pub(crate) struct CpuCounters {
    mib: Counters<IP_MIB_MAX>,
    drops: Counters<DROP_SLOTS>,
}

// SAFETY: two `Counters`, each valid as all-zero bytes (their Zeroed).
unsafe impl Zeroed for CpuCounters {}

/// Where [`Stats::none`] counts: the counts of a packet whose namespace
/// has no oxip state (which does not happen while the module is loaded),
/// or of none yet, are written here and never read. Its counters are
/// atomics, so the CPUs that may write it at once lose counts, nothing
/// else; the packet path then counts with one store, never a test.
static DISCARD: CpuCounters = CpuCounters {
    mib: Counters::zero(),
    drops: Counters::zero(),
};

/// One namespace's counters, on every CPU.
pub(crate) struct NetCounters {
    cpus: PerCpu<CpuCounters>,
}

impl NetCounters {
    /// Zeroed counters on every possible CPU.
    pub(crate) fn new() -> Result<Self> {
        Ok(NetCounters {
            cpus: PerCpu::new()?,
        })
    }

    /// This CPU's counters, for as long as BHs stay off.
    pub(crate) fn this_cpu<'a>(&'a self, bh: &'a Bh) -> Stats<'a> {
        Stats {
            c: self.cpus.this_cpu(bh),
        }
    }

    /// The MIB counters summed over CPUs (`snmp_fold_field`).
    pub(crate) fn fold_mib(&self) -> MibArray {
        let mut sum = MibArray::default();
        self.cpus.for_each(|c| {
            for m in IpMib::ALL {
                sum.add(m, c.mib.get(m as usize));
            }
        });
        sum
    }

    /// The drop counts by kernel reason, summed over CPUs.
    pub(crate) fn fold_drops(&self) -> [u64; DROP_SLOTS] {
        let mut sum = [0u64; DROP_SLOTS];
        self.cpus.for_each(|c| {
            let c = &c.drops;
            for (i, s) in sum.iter_mut().enumerate() {
                *s = s.wrapping_add(c.get(i));
            }
        });
        sum
    }
}

/// This CPU's counters of one namespace, for one step of the packet path
/// (they borrow the [`Bh`] proof that keeps the CPU's slot ours).
pub(crate) struct Stats<'a> {
    c: &'a CpuCounters,
}

impl Stats<'_> {
    /// Counters that count nothing (no namespace state, or none known
    /// yet): the discard sink.
    pub(crate) fn none() -> Stats<'static> {
        Stats { c: &DISCARD }
    }

    /// Counts a drop with reason `r`.
    pub(crate) fn count_drop(&mut self, r: DropReason) {
        self.inc(IpMib::Drops);
        let k = reason::to_kernel(r) as usize;
        self.c.drops.add(k.min(DROP_SLOTS - 1), 1);
    }
}

impl MibSink for Stats<'_> {
    fn add(&mut self, m: IpMib, n: u64) {
        self.c.mib.add(m as usize, n);
    }
}

/// The one drop path: counts the drop with reason `r` and frees the skb
/// with it (`kfree_skb_reason`, seen by the `skb:kfree_skb` tracepoint).
pub(crate) fn drop_skb(skb: Skb, st: &mut Stats<'_>, r: DropReason) {
    st.count_drop(r);
    skb.drop_reason(r);
}
