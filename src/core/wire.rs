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

/// `ETH_P_IP` (include/uapi/linux/if_ether.h).
pub const ETH_P_IP: u16 = 0x0800;
/// `ETH_P_ARP`.
pub const ETH_P_ARP: u16 = 0x0806;
/// `ETH_P_IPV6`.
pub const ETH_P_IPV6: u16 = 0x86DD;
/// `ETH_P_8021Q`.
pub const ETH_P_8021Q: u16 = 0x8100;
/// `ETH_P_8021AD`.
pub const ETH_P_8021AD: u16 = 0x88A8;
/// `ETH_P_802_3_MIN`: below it the field is an 802.3 length (and the
/// kernel's pseudo types, `ETH_P_ALL`, `ETH_P_802_2`, ..., live there).
pub const ETH_P_802_3_MIN: u16 = 0x0600;
/// `ETH_P_802_EX1`: IEEE 802 local experimental ethertype 1, oxip's default.
pub const ETH_P_802_EX1: u16 = 0x88B5;

/// Every ethertype include/uapi/linux/if_ether.h names at or above
/// `ETH_P_802_3_MIN`, except the local experimental one: protocols the
/// kernel, its drivers or well-known user space handle.
pub const ETH_P_IN_USE: &[(u16, &str)] = &[
    (ETH_P_IP, "ETH_P_IP"),
    (0x0805, "ETH_P_X25"),
    (ETH_P_ARP, "ETH_P_ARP"),
    (0x0A00, "ETH_P_IEEEPUP"),
    (0x0A01, "ETH_P_IEEEPUPAT"),
    (0x22EB, "ETH_P_ERSPAN2"),
    (0x22F0, "ETH_P_TSN"),
    (0x4305, "ETH_P_BATMAN"),
    (0x6000, "ETH_P_DEC"),
    (0x6001, "ETH_P_DNA_DL"),
    (0x6002, "ETH_P_DNA_RC"),
    (0x6003, "ETH_P_DNA_RT"),
    (0x6004, "ETH_P_LAT"),
    (0x6005, "ETH_P_DIAG"),
    (0x6006, "ETH_P_CUST"),
    (0x6007, "ETH_P_SCA"),
    (0x6558, "ETH_P_TEB"),
    (0x8035, "ETH_P_RARP"),
    (0x809B, "ETH_P_ATALK"),
    (0x80F3, "ETH_P_AARP"),
    (ETH_P_8021Q, "ETH_P_8021Q"),
    (0x8137, "ETH_P_IPX"),
    (ETH_P_IPV6, "ETH_P_IPV6"),
    (0x8808, "ETH_P_PAUSE"),
    (0x8809, "ETH_P_SLOW"),
    (0x883E, "ETH_P_WCCP"),
    (0x8847, "ETH_P_MPLS_UC"),
    (0x8848, "ETH_P_MPLS_MC"),
    (0x884C, "ETH_P_ATMMPOA"),
    (0x8863, "ETH_P_PPP_DISC"),
    (0x8864, "ETH_P_PPP_SES"),
    (0x886C, "ETH_P_LINK_CTL"),
    (0x8870, "ETH_P_8021AC"),
    (0x8884, "ETH_P_ATMFATE"),
    (0x888E, "ETH_P_PAE"),
    (0x8892, "ETH_P_PROFINET"),
    (0x8899, "ETH_P_REALTEK"),
    (0x88A2, "ETH_P_AOE"),
    (0x88A4, "ETH_P_ETHERCAT"),
    (ETH_P_8021AD, "ETH_P_8021AD"),
    (0x88BE, "ETH_P_ERSPAN"),
    (0x88C3, "ETH_P_MXLGSW"),
    (0x88C7, "ETH_P_PREAUTH"),
    (0x88CA, "ETH_P_TIPC"),
    (0x88CC, "ETH_P_LLDP"),
    (0x88E3, "ETH_P_MRP"),
    (0x88E5, "ETH_P_MACSEC"),
    (0x88E7, "ETH_P_8021AH"),
    (0x88F5, "ETH_P_MVRP"),
    (0x88F7, "ETH_P_1588"),
    (0x88F8, "ETH_P_NCSI"),
    (0x88FB, "ETH_P_PRP"),
    (0x8902, "ETH_P_CFM"),
    (0x8906, "ETH_P_FCOE"),
    (0x890D, "ETH_P_TDLS"),
    (0x8914, "ETH_P_FIP"),
    (0x8915, "ETH_P_IBOE"),
    (0x8917, "ETH_P_80221"),
    (0x892F, "ETH_P_HSR"),
    (0x894F, "ETH_P_NSH"),
    (0x9000, "ETH_P_LOOPBACK"),
    (0x9100, "ETH_P_QINQ1"),
    (0x9200, "ETH_P_QINQ2"),
    (0x9300, "ETH_P_QINQ3"),
    (0x9988, "ETH_P_YT921X"),
    (0xDADA, "ETH_P_EDSA"),
    (0xDADB, "ETH_P_DSA_8021Q"),
    (0xE001, "ETH_P_DSA_A5PSW"),
    (0xED3E, "ETH_P_IFE"),
    (0xFBFB, "ETH_P_AF_IUCV"),
    (0xFD3A, "ETH_P_NXP_NETC"),
];

/// Why an ethertype cannot be oxip's `packet_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EthertypeError {
    /// Below `ETH_P_802_3_MIN`: an 802.3 length or a pseudo type.
    Length,
    /// A protocol in use: its `ETH_P_*` name. `ETH_P_IP` would run every
    /// IPv4 packet through native and oxip both.
    InUse(&'static str),
}

/// Checks the `ethertype=` module parameter (0, no `packet_type`, is the
/// caller's business).
pub fn ethertype_param_check(ethertype: u16) -> Result<(), EthertypeError> {
    if ethertype < ETH_P_802_3_MIN {
        return Err(EthertypeError::Length);
    }
    match ETH_P_IN_USE.iter().find(|(v, _)| *v == ethertype) {
        Some((_, name)) => Err(EthertypeError::InUse(name)),
        None => Ok(()),
    }
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

    #[test]
    fn ethertype_default_is_accepted() {
        assert_eq!(ethertype_param_check(ETH_P_802_EX1), Ok(()));
        assert_eq!(ethertype_param_check(0x88B6), Ok(()));
    }

    #[test]
    fn ethertype_in_use_is_refused() {
        for (et, name) in [
            (ETH_P_IP, "ETH_P_IP"),
            (ETH_P_IPV6, "ETH_P_IPV6"),
            (ETH_P_ARP, "ETH_P_ARP"),
            (ETH_P_8021Q, "ETH_P_8021Q"),
            (ETH_P_8021AD, "ETH_P_8021AD"),
            (0x8847, "ETH_P_MPLS_UC"),
        ] {
            assert_eq!(ethertype_param_check(et), Err(EthertypeError::InUse(name)));
        }
    }

    #[test]
    fn ethertype_below_802_3_min_is_refused() {
        // ETH_P_ALL, ETH_P_802_2, the largest 802.3 length.
        for et in [0x0003, 0x0004, 0x05DC, 0x05FF] {
            assert_eq!(ethertype_param_check(et), Err(EthertypeError::Length));
        }
        assert_eq!(ethertype_param_check(ETH_P_802_3_MIN), Ok(()));
    }

    #[test]
    fn ethertype_table_is_sorted_and_unique() {
        assert!(ETH_P_IN_USE.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(ETH_P_IN_USE.iter().all(|(v, _)| *v >= ETH_P_802_3_MIN && *v != ETH_P_802_EX1));
    }
}
