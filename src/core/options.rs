// SPDX-License-Identifier: GPL-2.0
//! The ip_options.c pieces of the forwarding path.
//!
//! C: net/ipv4/ip_options.c (`ip_forward_options()`). Parsing and checking
//! options on receive (`ip_options_compile()`, `ip_options_rcv_srr()`) stay
//! the kernel's, called by the glue.

use super::wire::Ipv4Address;
use super::wire::Packet;

/// The options state `ip_forward_options()` reads (`struct ip_options`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ForwardOptions {
    /// `opt->rr`: offset of record route in the header, 0 if none.
    pub rr: u8,
    /// `opt->rr_needaddr`.
    pub rr_needaddr: bool,
    /// `opt->srr`: offset of the source route option.
    pub srr: u8,
    /// `opt->srr_is_hit`.
    pub srr_is_hit: bool,
    /// `opt->ts`: offset of the timestamp option.
    pub ts: u8,
    /// `opt->ts_needaddr`.
    pub ts_needaddr: bool,
    /// `opt->nexthop`.
    pub nexthop: Ipv4Address,
    /// `opt->is_changed`: `ip_options_compile` already wrote into the
    /// header (a timestamp), so the checksum must be redone.
    pub is_changed: bool,
}

/// Fills the options a forwarded packet carries with this router's address.
///
/// C: net/ipv4/ip_options.c, `ip_forward_options()`. `src` is the glue's
/// `ip_rt_get_source()`, asked at each slot with the header's daddr at that
/// point, as native reads `ip_hdr(skb)->daddr` there: the source-route slot
/// and the timestamp after it see the next hop already written. The bytes
/// are written by [`Packet`]'s option setters. Returns whether the header
/// changed (the caller clears `opt->is_changed`); the checksum is then
/// recomputed here (`ip_send_check()`).
pub fn ip_forward_options<T: AsRef<[u8]> + AsMut<[u8]>>(
    iph: &mut Packet<T>,
    o: &ForwardOptions,
    mut src: impl FnMut(Ipv4Address) -> Ipv4Address,
) -> bool {
    let mut changed = o.is_changed;
    if o.rr_needaddr {
        let a = src(iph.daddr());
        changed |= iph.rr_fill(o.rr, a);
    }
    if o.srr_is_hit {
        if let Some(srrptr) = iph.srr_slot(o.srr, o.nexthop) {
            changed = true;
            iph.set_daddr(o.nexthop);
            let a = src(iph.daddr());
            iph.srr_fill(o.srr, srrptr, a);
        }
        if o.ts_needaddr {
            let a = src(iph.daddr());
            changed |= iph.ts_fill_addr(o.ts, a);
        }
    }
    if changed {
        iph.fill_checksum();
    }
    changed
}

#[cfg(test)]
mod tests;
