// SPDX-License-Identifier: GPL-2.0
//! Golden IPv4 packets: literal bytes with what each must parse to and what
//! `ip_rcv_core()` must make of it.
//!
//! One table for two test suites: the host tests (`cargo test`, against the
//! core's byte-vector skb) and KUnit (src/glue/kunit.rs, against real skbs,
//! `ip_fast_csum()` and `struct iphdr` as bindgen lays it out). The
//! checksums were computed apart from the core (RFC 1071 in a script), so
//! a wrong [`checksum`](super::wire::checksum) cannot agree with itself.

use super::mib::DropReason;
use super::mib::IpMib;
use super::mib::MibArray;
use super::rcv::RcvError;
use super::wire::Ipv4Address;
use super::wire::Repr;
use super::wire::WireError;
use super::wire::IPPROTO_UDP;
use super::wire::IP_DF;

/// What `ip_rcv_core()` does with a golden packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RcvOutcome {
    /// Passes, trimmed to `len` bytes (`pskb_trim_rcsum`).
    Pass {
        /// `skb->len` after the trim.
        len: u32,
        /// The ECN counter it lands in.
        ecn: IpMib,
    },
    /// Dropped with `reason`, `counter` bumped.
    Drop {
        /// The drop reason.
        reason: DropReason,
        /// The MIB counter native bumps for it.
        counter: IpMib,
    },
}

/// One golden packet.
#[derive(Debug, Clone, Copy)]
pub struct Golden {
    /// What it is.
    pub name: &'static str,
    /// The packet, from the IP header on (`skb->len` bytes).
    pub bytes: &'static [u8],
    /// [`Repr::parse`] of it.
    pub repr: Result<Repr<'static>, WireError>,
    /// `ip_rcv_core()` of it.
    pub rcv: RcvOutcome,
}

impl Golden {
    /// Whether `ip_rcv_core()`'s result `r`, the skb's length after it and
    /// the counters it left (from zero) are what [`Golden::rcv`] says.
    /// The one judge of both suites.
    pub fn rcv_matches(&self, r: Result<(), RcvError>, len_after: u32, mib: &MibArray) -> bool {
        // CAST: a golden packet is a few dozen bytes.
        let octets = self.bytes.len() as u64;
        let counted = mib.get(IpMib::InReceives) == 1 && mib.get(IpMib::InOctets) == octets;
        match self.rcv {
            RcvOutcome::Pass { len, ecn } => {
                r == Ok(()) && counted && len_after == len && mib.get(ecn) == 1
            }
            RcvOutcome::Drop { reason, counter } => {
                r == Err(RcvError::Drop(reason)) && counted && mib.get(counter) == 1
            }
        }
    }
}

const A: Ipv4Address = Ipv4Address::new(10, 0, 0, 1);
const B: Ipv4Address = Ipv4Address::new(10, 0, 0, 2);

/// The fields of the 10.0.0.1 -> 10.0.0.2 UDP packets below.
const UDP_REPR: Repr<'static> = Repr {
    tos: 0,
    id: 0x1234,
    frag_off: IP_DF,
    ttl: 64,
    protocol: IPPROTO_UDP,
    saddr: A,
    daddr: B,
    options: &[],
    payload_len: 8,
};

const fn pass(len: u32) -> RcvOutcome {
    RcvOutcome::Pass {
        len,
        ecn: IpMib::InNoECTPkts,
    }
}

const fn inhdr() -> RcvOutcome {
    RcvOutcome::Drop {
        reason: DropReason::IpInhdr,
        counter: IpMib::InHdrErrors,
    }
}

/// Record route with one empty slot, pointer at it, then `IPOPT_END`.
const RR_OPTIONS: [u8; 8] = [0x07, 0x07, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00];

/// Every golden packet: one that passes per shape, one per rejection.
pub const GOLDEN: &[Golden] = &[
    Golden {
        name: "udp",
        bytes: &[
            0x45, 0x00, 0x00, 0x1c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x14, 0x9b, 0x0a, 0x00,
            0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x30, 0x39, 0x00, 0x07, 0x00, 0x08, 0x00, 0x00,
        ],
        repr: Ok(UDP_REPR),
        rcv: pass(28),
    },
    Golden {
        name: "udp_ethernet_padding",
        bytes: &[
            0x45, 0x00, 0x00, 0x1c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x14, 0x9b, 0x0a, 0x00,
            0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x30, 0x39, 0x00, 0x07, 0x00, 0x08, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
        ],
        repr: Ok(UDP_REPR),
        rcv: pass(28),
    },
    Golden {
        name: "record_route_option",
        bytes: &[
            0x47, 0x00, 0x00, 0x24, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x07, 0x8c, 0x0a, 0x00,
            0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x07, 0x07, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x30, 0x39, 0x00, 0x07, 0x00, 0x08, 0x00, 0x00,
        ],
        repr: Ok(Repr {
            options: &RR_OPTIONS,
            ..UDP_REPR
        }),
        rcv: pass(36),
    },
    Golden {
        name: "multicast_ecn_ce",
        bytes: &[
            0x45, 0x03, 0x00, 0x1c, 0xbe, 0xef, 0x00, 0x00, 0x08, 0x11, 0x42, 0x2a, 0xc0, 0xa8,
            0x01, 0x0a, 0xef, 0x01, 0x01, 0x01, 0x30, 0x39, 0x00, 0x07, 0x00, 0x08, 0x00, 0x00,
        ],
        repr: Ok(Repr {
            tos: 0x03,
            id: 0xbeef,
            frag_off: 0,
            ttl: 8,
            saddr: Ipv4Address::new(192, 168, 1, 10),
            daddr: Ipv4Address::new(239, 1, 1, 1),
            ..UDP_REPR
        }),
        rcv: RcvOutcome::Pass {
            len: 28,
            ecn: IpMib::InCEPkts,
        },
    },
    Golden {
        name: "bad_checksum",
        bytes: &[
            0x45, 0x00, 0x00, 0x1c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x4e, 0xc1, 0x0a, 0x00,
            0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x30, 0x39, 0x00, 0x07, 0x00, 0x08, 0x00, 0x00,
        ],
        repr: Err(WireError::Checksum),
        rcv: RcvOutcome::Drop {
            reason: DropReason::IpCsum,
            counter: IpMib::InCsumErrors,
        },
    },
    Golden {
        name: "version_6",
        bytes: &[
            0x65, 0x00, 0x00, 0x1c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0xf4, 0x9a, 0x0a, 0x00,
            0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x30, 0x39, 0x00, 0x07, 0x00, 0x08, 0x00, 0x00,
        ],
        repr: Err(WireError::Version),
        rcv: inhdr(),
    },
    Golden {
        name: "ihl_4",
        bytes: &[
            0x44, 0x00, 0x00, 0x1c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x1f, 0x9d, 0x0a, 0x00,
            0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x30, 0x39, 0x00, 0x07, 0x00, 0x08, 0x00, 0x00,
        ],
        repr: Err(WireError::HeaderLen),
        rcv: inhdr(),
    },
    Golden {
        name: "shorter_than_iphdr",
        bytes: &[
            0x45, 0x00, 0x00, 0x1c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x14, 0x9b,
        ],
        repr: Err(WireError::Truncated),
        rcv: inhdr(),
    },
    Golden {
        name: "options_past_the_end",
        bytes: &[
            0x46, 0x00, 0x00, 0x18, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x13, 0x9f, 0x0a, 0x00,
            0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
        ],
        repr: Err(WireError::Truncated),
        rcv: inhdr(),
    },
    Golden {
        name: "tot_len_over_the_packet",
        bytes: &[
            0x45, 0x00, 0x00, 0x40, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x14, 0x77, 0x0a, 0x00,
            0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x30, 0x39, 0x00, 0x07, 0x00, 0x08, 0x00, 0x00,
        ],
        repr: Err(WireError::TotLenOver),
        rcv: RcvOutcome::Drop {
            reason: DropReason::PktTooSmall,
            counter: IpMib::InTruncatedPkts,
        },
    },
    Golden {
        name: "tot_len_under_the_header",
        bytes: &[
            0x45, 0x00, 0x00, 0x10, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x14, 0xa7, 0x0a, 0x00,
            0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x30, 0x39, 0x00, 0x07, 0x00, 0x08, 0x00, 0x00,
        ],
        repr: Err(WireError::TotLenShort),
        rcv: inhdr(),
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::checksum;
    use crate::wire::Packet;

    #[test]
    fn every_golden_parses_as_recorded() {
        for g in GOLDEN {
            let r = Packet::new_checked(g.bytes)
                .map_err(|_| WireError::Truncated)
                .and_then(|p| Repr::parse(&p));
            assert_eq!(r, g.repr, "{}", g.name);
        }
    }

    /// A passing golden emitted from its `Repr` is its own header, byte
    /// for byte, checksum included.
    #[test]
    fn every_passing_golden_is_emitted_back() {
        for g in GOLDEN {
            let Ok(r) = g.repr else { continue };
            let mut buf = [0u8; 60];
            let mut p = Packet::new_checked(&mut buf[..]).unwrap();
            r.emit(&mut p).unwrap();
            let hl = r.header_len();
            assert_eq!(&buf[..hl], &g.bytes[..hl], "{}", g.name);
        }
    }

    /// The goldens' checksums and the core's agree: the passing ones sum
    /// to zero, the bad one does not.
    #[test]
    fn golden_checksums_agree_with_the_core() {
        for g in GOLDEN.iter().filter(|g| g.bytes.len() >= 20) {
            let hl = usize::from(g.bytes[0] & 0xf) * 4;
            if hl < 20 || hl > g.bytes.len() {
                continue;
            }
            let ok = checksum(&g.bytes[..hl]) == 0;
            assert_eq!(ok, g.repr != Err(WireError::Checksum), "{}", g.name);
        }
    }
}
