// SPDX-License-Identifier: GPL-2.0
//! Route hints for listified receive.
//!
//! C: net/ipv4/ip_input.c, `ip_extract_route_hint()`, `ip_can_use_hint()`.
//! A hint is the route of an earlier packet in the same batch; a later
//! packet to the same daddr with the same tos reuses it instead of a FIB
//! lookup.

use super::wire::Ipv4Address;

/// What the hint packet leaves behind for the next packets.
///
/// `skb` is the hint packet as the glue holds it (a borrow of the skb, so
/// the route `skb_dst_copy()` copies from it cannot outlive it); the core
/// never looks inside, it hands it back to
/// [`FinishSkb::copy_hint_dst`](super::rcv::FinishSkb::copy_hint_dst).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteHint<H> {
    /// `ip_hdr(hint)->daddr`.
    pub daddr: Ipv4Address,
    /// `ip_hdr(hint)->tos`.
    pub tos: u8,
    /// The hint's `rt->rt_flags`.
    pub rt_flags: u32,
    /// The hint skb, for `skb_dst_copy(skb, hint)`.
    pub skb: H,
}

impl<H> RouteHint<H> {
    /// `ip_can_use_hint()`: no dst yet, same daddr, same tos.
    pub fn can_use(&self, skb_has_dst: bool, daddr: Ipv4Address, tos: u8) -> bool {
        !skb_has_dst && self.daddr == daddr && self.tos == tos
    }
}

/// `ip_extract_route_hint()`: may this packet's route serve as a hint?
///
/// Not with custom FIB rules (`fib4_has_custom_rules`), not for the limited
/// broadcast or zeronet destinations, not for a multipath route.
/// `multipath` is `IPCB(skb)->flags & IPSKB_MULTIPATH`.
pub fn ip_extract_route_hint(has_custom_rules: bool, daddr: Ipv4Address, multipath: bool) -> bool {
    !(has_custom_rules || daddr.is_lbcast() || daddr.is_zeronet() || multipath)
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: Ipv4Address = Ipv4Address::new(10, 0, 0, 2);
    const HINT: RouteHint<()> = RouteHint {
        daddr: B,
        tos: 0,
        rt_flags: 0,
        skb: (),
    };

    #[test]
    fn same_daddr_and_tos_can_use() {
        assert!(HINT.can_use(false, B, 0));
    }

    #[test]
    fn other_daddr_cannot_use() {
        assert!(!HINT.can_use(false, Ipv4Address::new(10, 0, 0, 3), 0));
    }

    #[test]
    fn other_tos_cannot_use() {
        assert!(!HINT.can_use(false, B, 0x10));
    }

    #[test]
    fn skb_with_dst_cannot_use() {
        assert!(!HINT.can_use(true, B, 0));
    }

    #[test]
    fn no_hint_with_custom_rules() {
        assert!(!ip_extract_route_hint(true, B, false));
    }

    #[test]
    fn no_hint_for_broadcast_or_zeronet() {
        assert!(!ip_extract_route_hint(false, Ipv4Address::BROADCAST, false));
        assert!(!ip_extract_route_hint(false, Ipv4Address::new(0, 0, 0, 1), false));
    }

    #[test]
    fn no_hint_for_multipath() {
        assert!(!ip_extract_route_hint(false, B, true));
    }

    #[test]
    fn plain_unicast_is_a_hint() {
        assert!(ip_extract_route_hint(false, B, false));
    }
}
