// SPDX-License-Identifier: GPL-2.0
//! oxip's receive checks on the host: `ip_rcv_core` over a byte buffer.
//!
//! The pure core (`oxip_core`, `src/core/`) is the code the module runs in
//! softirq; here it runs over a `Vec<u8>` standing in for an `sk_buff`,
//! with counters in a plain array printed in `/proc/net/oxip_snmp`'s
//! format. Three packets: a good UDP datagram, the same with a broken
//! header checksum, and one cut short of its `tot_len`.
//!
//!   cargo run --example rcv_buffer   (`cargo test` runs it too)
//!
//! C: net/ipv4/ip_input.c, ip_rcv_core(), with the skb of a driver.

use oxip_core::mib::IpMib;
use oxip_core::mib::MibArray;
use oxip_core::rcv::ip_rcv_core;
use oxip_core::rcv::PktType;
use oxip_core::rcv::RcvError;
use oxip_core::rcv::RcvSkb;
use oxip_core::snmp::write_snmp;
use oxip_core::wire::checksum;

/// IPPROTO_UDP.
const IPPROTO_UDP: u8 = 17;
/// Offset of `check` in `struct iphdr`.
const IPHDR_CHECK: usize = 10;

/// A packet in a byte buffer, from the IP header on, all of it linear:
/// what `ip_rcv_core` asks of an skb, answered from the buffer.
struct BufSkb {
    data: Vec<u8>,
    /// How much `may_pull` made readable (an skb's linear part).
    pulled: usize,
}

impl RcvSkb for BufSkb {
    fn pkt_type(&self) -> PktType {
        PktType::Host
    }
    fn len(&self) -> u32 {
        u32::try_from(self.data.len()).unwrap_or(u32::MAX)
    }
    fn is_gso(&self) -> bool {
        false
    }
    fn is_gso_tcp(&self) -> bool {
        false
    }
    fn gso_segs(&self) -> u16 {
        0
    }
    fn count_otherhost_dropped(&mut self) {}
    fn share_check(&mut self) -> bool {
        true
    }
    fn may_pull(&mut self, len: usize) -> bool {
        if len > self.data.len() {
            return false;
        }
        self.pulled = self.pulled.max(len);
        true
    }
    fn network_header(&self) -> &[u8] {
        self.data.get(..self.pulled).unwrap_or(&[])
    }
    fn trim_rcsum(&mut self, len: u32) -> bool {
        self.data
            .truncate(usize::try_from(len).unwrap_or(usize::MAX));
        self.pulled = self.pulled.min(self.data.len());
        true
    }
    fn finish_rcv_core(&mut self, _ihl_len: usize) {}
}

/// An IPv4/UDP datagram 10.0.0.1:40000 -> 10.0.0.2:9, "oxip", with a
/// correct header checksum (the UDP checksum left 0: none).
fn udp_packet() -> Vec<u8> {
    let payload = b"oxip";
    let tot_len = u16::try_from(20 + 8 + payload.len()).unwrap_or(u16::MAX);
    let mut p = vec![
        0x45,
        0,
        0,
        0, // version 4, ihl 5, tos, tot_len (below)
        0x12,
        0x34,
        0x40,
        0, // id, DF
        64,
        IPPROTO_UDP,
        0,
        0, // ttl, protocol, check (below)
        10,
        0,
        0,
        1, // saddr
        10,
        0,
        0,
        2, // daddr
    ];
    p[2..4].copy_from_slice(&tot_len.to_be_bytes());
    let check = checksum(&p);
    p[IPHDR_CHECK..IPHDR_CHECK + 2].copy_from_slice(&check.to_be_bytes());
    let udp_len = u16::try_from(8 + payload.len()).unwrap_or(u16::MAX);
    p.extend_from_slice(&40000u16.to_be_bytes());
    p.extend_from_slice(&9u16.to_be_bytes());
    p.extend_from_slice(&udp_len.to_be_bytes());
    p.extend_from_slice(&[0, 0]);
    p.extend_from_slice(payload);
    p
}

/// Runs the three packets through `ip_rcv_core`, printing each outcome
/// and the counters; an error if one differs from what ip_rcv_core does.
fn run() -> Result<(), &'static str> {
    let good = udp_packet();
    let mut bad_csum = good.clone();
    bad_csum[IPHDR_CHECK] ^= 0xff;
    let mut short = good.clone();
    short.truncate(good.len() - 2);

    // Counters laid out as one of the module's per-CPU slots.
    let mut mib = MibArray::default();
    let mut failed = false;
    for (name, data, want_ok) in [
        ("good UDP", good, true),
        ("bad header checksum", bad_csum, false),
        ("shorter than tot_len", short, false),
    ] {
        let mut skb = BufSkb { data, pulled: 0 };
        let verdict = ip_rcv_core(&mut skb, &mut mib);
        let what = match verdict {
            Ok(()) => "accepted: on to ip_rcv_finish_core".to_string(),
            Err(RcvError::Drop(reason)) => format!("dropped, reason {}", reason.name()),
            Err(RcvError::Gone) => "gone".to_string(),
        };
        println!("{name:<22} {what}");
        failed |= verdict.is_ok() != want_ok;
    }

    let mut snmp = String::new();
    if write_snmp(&mut snmp, &mib).is_ok() {
        println!("\ncounters (the format of /proc/net/oxip_snmp):\n{snmp}");
    }
    // The three were received; one had a bad checksum, one was truncated.
    failed |= mib.get(IpMib::InReceives) != 3
        || mib.get(IpMib::InCsumErrors) != 1
        || mib.get(IpMib::InTruncatedPkts) != 1;
    if failed {
        return Err("an outcome differs from ip_rcv_core's");
    }
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("rcv_buffer: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    /// `cargo test` runs the sample and checks its outcomes.
    #[test]
    fn outcomes_match_ip_rcv_core() {
        assert_eq!(super::run(), Ok(()));
    }
}
