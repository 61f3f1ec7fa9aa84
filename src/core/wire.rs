// SPDX-License-Identifier: GPL-2.0
//! A zero-copy, panic-free view of an IPv4 header.
//!
//! C: include/uapi/linux/ip.h (`struct iphdr`), include/net/ip.h helpers.
//! After [`Ipv4Header::new_checked`] no accessor can panic or index out of range.

/// Byte offsets of the `struct iphdr` fields.
pub mod field {
    /// `version:4, ihl:4`.
    pub const VER_IHL: usize = 0;
    /// `tos`.
    pub const TOS: usize = 1;
    /// `tot_len`.
    pub const TOT_LEN: usize = 2;
    /// `id`.
    pub const ID: usize = 4;
    /// `frag_off` (with the flag bits).
    pub const FRAG_OFF: usize = 6;
    /// `ttl`.
    pub const TTL: usize = 8;
    /// `protocol`.
    pub const PROTOCOL: usize = 9;
    /// `check`.
    pub const CHECK: usize = 10;
    /// `saddr`.
    pub const SADDR: usize = 12;
    /// `daddr`.
    pub const DADDR: usize = 16;
}

/// `sizeof(struct iphdr)`.
pub const IPHDR_LEN: usize = 20;
/// `IP_CE`: congestion.
pub const IP_CE: u16 = 0x8000;
/// `IP_DF`: don't fragment.
pub const IP_DF: u16 = 0x4000;
/// `IP_MF`: more fragments.
pub const IP_MF: u16 = 0x2000;
/// `IP_OFFSET`.
pub const IP_OFFSET: u16 = 0x1fff;
/// `INET_ECN_MASK`.
pub const INET_ECN_MASK: u8 = 3;

/// `IPPROTO_ICMP`.
pub const IPPROTO_ICMP: u8 = 1;
/// `IPPROTO_IGMP`.
pub const IPPROTO_IGMP: u8 = 2;
/// `IPPROTO_TCP`.
pub const IPPROTO_TCP: u8 = 6;
/// `IPPROTO_UDP`.
pub const IPPROTO_UDP: u8 = 17;

/// Why a byte slice is not an IPv4 header we can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireError {
    /// Fewer bytes than the header claims (or than 20).
    Truncated,
}

/// A read-only view of an IPv4 header in `buffer`.
///
/// # Invariants
///
/// `buffer.as_ref().len() >= IPHDR_LEN`.
#[derive(Debug, Clone, Copy)]
pub struct Ipv4Header<T: AsRef<[u8]>> {
    buffer: T,
}

#[inline]
fn be16(b: &[u8], at: usize) -> u16 {
    match b.get(at..at + 2) {
        Some(&[hi, lo]) => u16::from_be_bytes([hi, lo]),
        _ => 0,
    }
}

#[inline]
fn be32(b: &[u8], at: usize) -> u32 {
    match b.get(at..at + 4) {
        Some(&[a, b1, c, d]) => u32::from_be_bytes([a, b1, c, d]),
        _ => 0,
    }
}

#[inline]
fn byte(b: &[u8], at: usize) -> u8 {
    b.get(at).copied().unwrap_or(0)
}

impl<T: AsRef<[u8]>> Ipv4Header<T> {
    /// Wraps `buffer` if it holds at least the fixed 20-byte header.
    pub fn new_checked(buffer: T) -> Result<Self, WireError> {
        if buffer.as_ref().len() < IPHDR_LEN {
            return Err(WireError::Truncated);
        }
        // INVARIANT: length checked above.
        Ok(Self { buffer })
    }

    fn b(&self) -> &[u8] {
        self.buffer.as_ref()
    }

    /// `iph->version`.
    pub fn version(&self) -> u8 {
        byte(self.b(), field::VER_IHL) >> 4
    }
    /// `iph->ihl`, in 32-bit words.
    pub fn ihl(&self) -> u8 {
        byte(self.b(), field::VER_IHL) & 0x0f
    }
    /// `iph->ihl * 4`.
    pub fn header_len(&self) -> usize {
        usize::from(self.ihl()) * 4
    }
    /// `iph->tos`.
    pub fn tos(&self) -> u8 {
        byte(self.b(), field::TOS)
    }
    /// `ip4h_dscp(iph)`: the DSCP bits of tos, in place.
    pub fn dscp(&self) -> u8 {
        self.tos() & 0xfc
    }
    /// `iph->tot_len`, host order.
    pub fn tot_len(&self) -> u16 {
        be16(self.b(), field::TOT_LEN)
    }
    /// `iph->id`, host order.
    pub fn id(&self) -> u16 {
        be16(self.b(), field::ID)
    }
    /// `iph->frag_off`, host order, flags included.
    pub fn frag_off(&self) -> u16 {
        be16(self.b(), field::FRAG_OFF)
    }
    /// `ip_is_fragment(iph)`.
    pub fn is_fragment(&self) -> bool {
        self.frag_off() & (IP_MF | IP_OFFSET) != 0
    }
    /// `iph->ttl`.
    pub fn ttl(&self) -> u8 {
        byte(self.b(), field::TTL)
    }
    /// `iph->protocol`.
    pub fn protocol(&self) -> u8 {
        byte(self.b(), field::PROTOCOL)
    }
    /// `iph->check`, as stored (network order bytes read big-endian).
    pub fn check(&self) -> u16 {
        be16(self.b(), field::CHECK)
    }
    /// `iph->saddr`, host order.
    pub fn saddr(&self) -> u32 {
        be32(self.b(), field::SADDR)
    }
    /// `iph->daddr`, host order.
    pub fn daddr(&self) -> u32 {
        be32(self.b(), field::DADDR)
    }
    /// The options, `ihl * 4 - 20` bytes, or fewer if the buffer is short.
    pub fn options(&self) -> &[u8] {
        let end = self.header_len().min(self.b().len());
        self.b().get(IPHDR_LEN..end).unwrap_or(&[])
    }
    /// `ip_fast_csum(iph, iph->ihl) == 0`: the header sums to 0xffff.
    ///
    /// Sums `ihl * 4` bytes; a buffer shorter than that fails the check.
    pub fn checksum_ok(&self) -> bool {
        match self.b().get(..self.header_len()) {
            Some(h) => checksum(h) == 0,
            None => false,
        }
    }
}

/// The Internet checksum (RFC 1071) of `data`, folded and complemented.
pub fn checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    let mut chunks = data.chunks_exact(2);
    for c in &mut chunks {
        if let &[hi, lo] = c {
            sum += u32::from(u16::from_be_bytes([hi, lo]));
        }
    }
    if let Some(&last) = chunks.remainder().first() {
        sum += u32::from(last) << 8;
    }
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    // CAST: folded to 16 bits above.
    !(sum as u16)
}

/// `ipv4_is_multicast()`: 224.0.0.0/4.
pub fn ipv4_is_multicast(a: u32) -> bool {
    a & 0xf000_0000 == 0xe000_0000
}
/// `ipv4_is_lbcast()`: 255.255.255.255.
pub fn ipv4_is_lbcast(a: u32) -> bool {
    a == 0xffff_ffff
}
/// `ipv4_is_zeronet()`: 0.0.0.0/8.
pub fn ipv4_is_zeronet(a: u32) -> bool {
    a & 0xff00_0000 == 0
}
/// `ipv4_is_loopback()`: 127.0.0.0/8.
pub fn ipv4_is_loopback(a: u32) -> bool {
    a & 0xff00_0000 == 0x7f00_0000
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A golden 20-byte UDP header 10.0.0.1 -> 10.0.0.2, tot_len 28, ttl 64.
    pub(crate) const UDP_HDR: [u8; 20] = [
        0x45, 0x00, 0x00, 0x1c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 10, 0, 0, 1, 10,
        0, 0, 2,
    ];

    pub(crate) fn with_csum(mut h: [u8; 20]) -> [u8; 20] {
        h[10] = 0;
        h[11] = 0;
        let c = checksum(&h).to_be_bytes();
        h[10] = c[0];
        h[11] = c[1];
        h
    }

    #[test]
    fn fields() {
        let h = with_csum(UDP_HDR);
        let v = Ipv4Header::new_checked(&h[..]).unwrap();
        assert_eq!(v.version(), 4);
        assert_eq!(v.ihl(), 5);
        assert_eq!(v.tot_len(), 28);
        assert_eq!(v.protocol(), IPPROTO_UDP);
        assert_eq!(v.saddr(), 0x0a00_0001);
        assert_eq!(v.daddr(), 0x0a00_0002);
        assert_eq!(v.frag_off(), IP_DF);
        assert!(!v.is_fragment());
        assert!(v.checksum_ok());
        assert!(v.options().is_empty());
    }

    #[test]
    fn short_buffer_rejected() {
        assert_eq!(
            Ipv4Header::new_checked(&UDP_HDR[..19]).unwrap_err(),
            WireError::Truncated
        );
    }

    #[test]
    fn checksum_of_short_options_fails_not_panics() {
        let mut h = with_csum(UDP_HDR);
        h[0] = 0x46; // claims 24 bytes, buffer has 20
        let v = Ipv4Header::new_checked(&h[..]).unwrap();
        assert!(!v.checksum_ok());
        assert!(v.options().is_empty());
    }

    #[test]
    fn address_classes() {
        assert!(ipv4_is_multicast(0xe000_0001));
        assert!(!ipv4_is_multicast(0x0a00_0001));
        assert!(ipv4_is_lbcast(0xffff_ffff));
        assert!(ipv4_is_zeronet(0x00ff_0000));
        assert!(ipv4_is_loopback(0x7f00_0001));
    }
}
