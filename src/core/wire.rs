// SPDX-License-Identifier: GPL-2.0
//! A zero-copy, panic-free view of an IPv4 header, its setters, a parsed
//! representation and an address type whose byte order is fixed by type.
//!
//! C: include/uapi/linux/ip.h (`struct iphdr`, `IPOPT_*`), include/net/ip.h
//! (`ip_decrease_ttl()`, `ip_send_check()`, `ipv4_is_*()`),
//! net/ipv4/ip_options.c (the option slots `ip_forward_options()` writes).
//! Modelled on smoltcp's `wire/ipv4.rs`: after [`Packet::new_checked`] no
//! getter or setter can panic or index out of range.

use core::fmt;

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
/// `MAX_IPOPTLEN`: the most option bytes a header holds (`ihl` 15).
pub const MAX_IPOPTLEN: usize = 40;
/// `IP_CE`: congestion.
pub const IP_CE: u16 = 0x8000;
/// `IP_DF`: don't fragment.
pub const IP_DF: u16 = 0x4000;
/// `IP_MF`: more fragments.
pub const IP_MF: u16 = 0x2000;
/// `IP_OFFSET`.
pub const IP_OFFSET: u16 = 0x1fff;
/// `INET_ECN_MASK` (include/net/inet_ecn.h): the ECN bits of `tos`.
pub const INET_ECN_MASK: u8 = 3;
/// `INET_ECN_NOT_ECT`.
pub const INET_ECN_NOT_ECT: u8 = 0;
/// `INET_ECN_ECT_1`.
pub const INET_ECN_ECT_1: u8 = 1;
/// `INET_ECN_ECT_0`.
pub const INET_ECN_ECT_0: u8 = 2;
/// `INET_ECN_CE`.
pub const INET_ECN_CE: u8 = 3;
/// `INET_DSCP_MASK`: the DSCP bits of `tos` (include/net/inet_dscp.h).
pub const INET_DSCP_MASK: u8 = 0xfc;

/// `IPPROTO_ICMP`.
pub const IPPROTO_ICMP: u8 = 1;
/// `IPPROTO_IGMP`.
pub const IPPROTO_IGMP: u8 = 2;
/// `IPPROTO_TCP`.
pub const IPPROTO_TCP: u8 = 6;
/// `IPPROTO_UDP`.
pub const IPPROTO_UDP: u8 = 17;

/// `IPOPT_OPTVAL`: offset of an option's type byte.
pub const IPOPT_OPTVAL: usize = 0;
/// `IPOPT_OLEN`: offset of an option's length byte.
pub const IPOPT_OLEN: usize = 1;
/// `IPOPT_OFFSET`: offset of an option's pointer byte (RR, SRR, TS).
pub const IPOPT_OFFSET: usize = 2;
/// `IPOPT_MINOFF`: the smallest pointer (the first slot).
pub const IPOPT_MINOFF: u8 = 4;
/// `IPOPT_END`: end of the option list.
pub const IPOPT_END: u8 = 0;
/// `IPOPT_NOOP`.
pub const IPOPT_NOOP: u8 = 1;
/// `IPOPT_RR`: record route.
pub const IPOPT_RR: u8 = 7;
/// `IPOPT_TIMESTAMP`.
pub const IPOPT_TIMESTAMP: u8 = 68;
/// `IPOPT_LSRR`: loose source route.
pub const IPOPT_LSRR: u8 = 131;
/// `IPOPT_SSRR`: strict source route.
pub const IPOPT_SSRR: u8 = 137;
/// `IPOPT_RA`: router alert.
pub const IPOPT_RA: u8 = 148;

/// An IPv4 address, stored as its four bytes in network order.
///
/// The kernel holds addresses as `__be32`; the core never holds a bare
/// `u32` address, so a value cannot be in the wrong order: the glue
/// converts with [`Ipv4Address::from_be32`]/[`Ipv4Address::to_be32`], tests
/// and the host write them with [`Ipv4Address::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(transparent)]
pub struct Ipv4Address(pub [u8; 4]);

impl Ipv4Address {
    /// `INADDR_ANY`, 0.0.0.0.
    pub const UNSPECIFIED: Ipv4Address = Ipv4Address([0; 4]);
    /// `INADDR_BROADCAST`, 255.255.255.255.
    pub const BROADCAST: Ipv4Address = Ipv4Address([255; 4]);

    /// `a.b.c.d`.
    pub const fn new(a: u8, b: u8, c: u8, d: u8) -> Self {
        Ipv4Address([a, b, c, d])
    }

    /// From the four bytes on the wire.
    pub const fn from_octets(o: [u8; 4]) -> Self {
        Ipv4Address(o)
    }

    /// The four bytes on the wire.
    pub const fn octets(self) -> [u8; 4] {
        self.0
    }

    /// From a `__be32` as the kernel stores it (`iph->saddr`, `fl4->daddr`):
    /// its bytes in memory are the wire bytes.
    pub const fn from_be32(raw: u32) -> Self {
        Ipv4Address(raw.to_ne_bytes())
    }

    /// The `__be32` the kernel wants (`ip_route_input_noref(.., daddr, ..)`).
    pub const fn to_be32(self) -> u32 {
        u32::from_ne_bytes(self.0)
    }

    /// The address as a number, 10.0.0.1 = 0x0a000001 (`ntohl(addr)`).
    pub const fn to_bits(self) -> u32 {
        u32::from_be_bytes(self.0)
    }

    /// From a number, 0x0a000001 = 10.0.0.1 (`htonl(n)`).
    pub const fn from_bits(n: u32) -> Self {
        Ipv4Address(n.to_be_bytes())
    }

    /// `addr == INADDR_ANY`.
    pub const fn is_unspecified(self) -> bool {
        self.to_bits() == 0
    }

    /// `ipv4_is_multicast()`: 224.0.0.0/4.
    pub const fn is_multicast(self) -> bool {
        self.0[0] & 0xf0 == 0xe0
    }

    /// `ipv4_is_lbcast()`: 255.255.255.255.
    pub const fn is_lbcast(self) -> bool {
        self.to_bits() == u32::MAX
    }

    /// `ipv4_is_zeronet()`: 0.0.0.0/8.
    pub const fn is_zeronet(self) -> bool {
        self.0[0] == 0
    }

    /// `ipv4_is_loopback()`: 127.0.0.0/8.
    pub const fn is_loopback(self) -> bool {
        self.0[0] == 127
    }
}

impl fmt::Display for Ipv4Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d] = self.0;
        write!(f, "{a}.{b}.{c}.{d}")
    }
}

/// Why bytes are not an IPv4 header (or packet) we can use. One variant per
/// rejection of `ip_rcv_core()`, which counts them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireError {
    /// Fewer bytes than the header needs (20, or `ihl * 4`): native's
    /// failed `pskb_may_pull`, `IP_INHDR`.
    Truncated,
    /// `version != 4`: `IP_INHDR`.
    Version,
    /// `ihl < 5`: `IP_INHDR`.
    HeaderLen,
    /// The header does not sum to 0xffff: `IP_CSUM`.
    Checksum,
    /// `tot_len` is more than the bytes there are: `PKT_TOO_SMALL`
    /// (`InTruncatedPkts`).
    TotLenOver,
    /// `tot_len` is less than the header: `IP_INHDR`.
    TotLenShort,
    /// [`Repr::emit`]: options that are not a multiple of 4 bytes or more
    /// than [`MAX_IPOPTLEN`], or a buffer too short for what is emitted.
    Emit,
}

/// A view of an IPv4 header (and what follows it) in `buffer`.
///
/// C: `struct iphdr` read through `ip_hdr(skb)`. Getters need
/// `T: AsRef<[u8]>`, setters `T: AsMut<[u8]>` as well.
///
/// # Invariants
///
/// `buffer.as_ref().len() >= IPHDR_LEN`: the fixed header is there. The
/// options (`ihl * 4 - 20` bytes) may not be: [`Packet::options`] and
/// [`Packet::checksum_ok`] look only at what the buffer holds.
#[derive(Debug, Clone, Copy)]
pub struct Packet<T: AsRef<[u8]>> {
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
fn addr(b: &[u8], at: usize) -> Ipv4Address {
    match b.get(at..at + 4) {
        Some(&[a, b1, c, d]) => Ipv4Address([a, b1, c, d]),
        _ => Ipv4Address::UNSPECIFIED,
    }
}

#[inline]
fn byte(b: &[u8], at: usize) -> u8 {
    b.get(at).copied().unwrap_or(0)
}

/// Writes `v` at `at`; false if the bytes are not there.
#[inline]
fn put(b: &mut [u8], at: usize, v: &[u8]) -> bool {
    match b.get_mut(at..at + v.len()) {
        Some(s) => {
            s.copy_from_slice(v);
            true
        }
        None => false,
    }
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wraps `buffer` if it holds at least the fixed 20-byte header.
    pub fn new_checked(buffer: T) -> Result<Self, WireError> {
        if buffer.as_ref().len() < IPHDR_LEN {
            return Err(WireError::Truncated);
        }
        // INVARIANT: length checked above.
        Ok(Self { buffer })
    }

    /// The buffer back.
    pub fn into_inner(self) -> T {
        self.buffer
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
        self.tos() & INET_DSCP_MASK
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
    /// `iph->frag_off & htons(IP_DF)`.
    pub fn dont_frag(&self) -> bool {
        self.frag_off() & IP_DF != 0
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
    /// `iph->saddr`.
    pub fn saddr(&self) -> Ipv4Address {
        addr(self.b(), field::SADDR)
    }
    /// `iph->daddr`.
    pub fn daddr(&self) -> Ipv4Address {
        addr(self.b(), field::DADDR)
    }
    /// The options, `ihl * 4 - 20` bytes, or fewer if the buffer is short.
    pub fn options(&self) -> &[u8] {
        let end = self.header_len().min(self.b().len());
        self.b().get(IPHDR_LEN..end).unwrap_or(&[])
    }
    /// The bytes after the header, up to `tot_len` (fewer if the buffer is
    /// short, none if `tot_len` is below the header).
    pub fn payload(&self) -> &[u8] {
        let end = usize::from(self.tot_len()).min(self.b().len());
        self.b().get(self.header_len()..end).unwrap_or(&[])
    }
    /// `ip_fast_csum(iph, iph->ihl) == 0`: the header sums to 0xffff.
    ///
    /// Sums `ihl * 4` bytes; a buffer shorter than that fails the check.
    pub fn checksum_ok(&self) -> bool {
        match self.b().get(..self.header_len()) {
            Some(h) => sums_to_all_ones(h),
            None => false,
        }
    }

    /// The pointer byte (`optptr[2]`) of the option at `off` bytes from the
    /// header's start, as 1-based offset into the option.
    fn opt_ptr(&self, off: u8) -> Option<usize> {
        self.b()
            .get(usize::from(off) + IPOPT_OFFSET)
            .map(|p| usize::from(*p))
    }

    /// The source-route slot a forwarded packet's router fills: the first
    /// slot from the option's pointer on that holds `nexthop` or, if none
    /// does, the first with room (its 1-based pointer, `srrptr`); `None` if
    /// the route is used up ("Argh! Destination lost!" in C).
    ///
    /// C: net/ipv4/ip_options.c, `ip_forward_options()`, the `srrptr` loop
    /// over the option at `srr` (`opt->srr`, from the header's start).
    pub fn srr_slot(&self, srr: u8, nexthop: Ipv4Address) -> Option<usize> {
        let base = usize::from(srr);
        let mut srrptr = self.opt_ptr(srr).unwrap_or(0);
        let srrspace = usize::from(byte(self.b(), base + IPOPT_OLEN));
        while srrptr <= srrspace {
            if srrptr + 3 > srrspace {
                break;
            }
            if srrptr >= 1
                && self.b().get(base + srrptr - 1..base + srrptr + 3) == Some(&nexthop.0[..])
            {
                break;
            }
            srrptr += 4;
        }
        (srrptr + 3 <= srrspace && srrptr >= 1).then_some(srrptr)
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    fn m(&mut self) -> &mut [u8] {
        self.buffer.as_mut()
    }

    fn set_byte(&mut self, at: usize, v: u8) {
        if let Some(b) = self.m().get_mut(at) {
            *b = v;
        }
    }

    /// Sets `iph->version`.
    pub fn set_version(&mut self, v: u8) {
        let ihl = self.ihl();
        self.set_byte(field::VER_IHL, (v << 4) | ihl);
    }
    /// Sets `iph->ihl`, in 32-bit words (the low 4 bits of `ihl`).
    pub fn set_ihl(&mut self, ihl: u8) {
        let v = self.version();
        self.set_byte(field::VER_IHL, (v << 4) | (ihl & 0x0f));
    }
    /// Sets `iph->tos`.
    pub fn set_tos(&mut self, tos: u8) {
        self.set_byte(field::TOS, tos);
    }
    /// Sets `iph->tot_len` (host order in, network order stored).
    pub fn set_tot_len(&mut self, len: u16) {
        put(self.m(), field::TOT_LEN, &len.to_be_bytes());
    }
    /// Sets `iph->id`.
    pub fn set_id(&mut self, id: u16) {
        put(self.m(), field::ID, &id.to_be_bytes());
    }
    /// Sets `iph->frag_off`, flags included.
    pub fn set_frag_off(&mut self, frag_off: u16) {
        put(self.m(), field::FRAG_OFF, &frag_off.to_be_bytes());
    }
    /// Sets `iph->ttl` (the checksum is left alone: see
    /// [`Packet::decrease_ttl`] and [`Packet::fill_checksum`]).
    pub fn set_ttl(&mut self, ttl: u8) {
        self.set_byte(field::TTL, ttl);
    }
    /// Sets `iph->protocol`.
    pub fn set_protocol(&mut self, p: u8) {
        self.set_byte(field::PROTOCOL, p);
    }
    /// Sets `iph->check` as it is read by [`Packet::check`].
    pub fn set_check(&mut self, check: u16) {
        put(self.m(), field::CHECK, &check.to_be_bytes());
    }
    /// Sets `iph->saddr`.
    pub fn set_saddr(&mut self, a: Ipv4Address) {
        put(self.m(), field::SADDR, &a.0);
    }
    /// Sets `iph->daddr`.
    pub fn set_daddr(&mut self, a: Ipv4Address) {
        put(self.m(), field::DADDR, &a.0);
    }
    /// The options, writable (as [`Packet::options`]).
    pub fn options_mut(&mut self) -> &mut [u8] {
        let end = self.header_len().min(self.b().len());
        self.m().get_mut(IPHDR_LEN..end).unwrap_or(&mut [])
    }

    /// Recomputes the header checksum over `ihl * 4` bytes (nothing if the
    /// buffer holds fewer).
    ///
    /// C: include/net/ip.h, `ip_send_check()`.
    pub fn fill_checksum(&mut self) {
        let hl = self.header_len();
        self.set_check(0);
        let sum = match self.b().get(..hl) {
            Some(h) => checksum(h),
            None => return,
        };
        self.set_check(sum);
    }

    /// Decrements the TTL and updates the checksum incrementally (RFC
    /// 1624), as native does for every forwarded packet; returns the new
    /// TTL.
    ///
    /// C: include/net/ip.h, `ip_decrease_ttl()`: `check += htons(0x0100)`
    /// with the end-around carry, on the stored bytes.
    pub fn decrease_ttl(&mut self) -> u8 {
        let c = u32::from(self.check()) + 0x0100;
        let c = c + u32::from(c >= 0xFFFF);
        // CAST: the checksum is the low 16 bits, as the C truncation does.
        self.set_check(c as u16);
        let ttl = self.ttl().wrapping_sub(1);
        self.set_ttl(ttl);
        ttl
    }

    /// Writes `a` into the record-route slot before the option's pointer
    /// (`&optptr[optptr[2] - 5]`, the option at `rr` bytes from the header's
    /// start); false if the slot is not in the buffer.
    ///
    /// C: net/ipv4/ip_options.c, `ip_forward_options()`, `opt->rr_needaddr`.
    pub fn rr_fill(&mut self, rr: u8, a: Ipv4Address) -> bool {
        self.fill_before_ptr(rr, 5, a)
    }

    /// Writes `a` into the address of the timestamp slot before the
    /// option's pointer (`&optptr[optptr[2] - 9]`); false if the slot is
    /// not in the buffer.
    ///
    /// C: net/ipv4/ip_options.c, `ip_forward_options()`, `opt->ts_needaddr`.
    pub fn ts_fill_addr(&mut self, ts: u8, a: Ipv4Address) -> bool {
        self.fill_before_ptr(ts, 9, a)
    }

    fn fill_before_ptr(&mut self, off: u8, back: usize, a: Ipv4Address) -> bool {
        let Some(ptr) = self.opt_ptr(off) else {
            return false;
        };
        match (usize::from(off) + ptr).checked_sub(back) {
            Some(at) => put(self.m(), at, &a.0),
            None => false,
        }
    }

    /// Fills source-route slot `srrptr` (from [`Packet::srr_slot`]) of the
    /// option at `srr`: `daddr` becomes `nexthop` (set it first: `a` is
    /// this router's source toward it), `a` goes into the slot and the
    /// option's pointer moves past it.
    ///
    /// C: net/ipv4/ip_options.c, `ip_forward_options()`, `opt->srr_is_hit`.
    pub fn srr_fill(&mut self, srr: u8, srrptr: usize, a: Ipv4Address) {
        let base = usize::from(srr);
        if srrptr >= 1 {
            put(self.m(), base + srrptr - 1, &a.0);
        }
        // CAST: srrptr + 4 <= srrspace + 4 <= 259; the C stores a byte too.
        self.set_byte(base + IPOPT_OFFSET, (srrptr + 4) as u8);
    }
}

/// Whether `data`'s ones' complement sum is 0xffff (its [`checksum`] is
/// 0), the way `ip_fast_csum()` decides it: 32-bit words in the machine's
/// byte order, summed in 64 bits and folded (RFC 1071's larger words).
/// Swapping the bytes of every word multiplies a ones' complement sum by a
/// power of two modulo 0xffff, and 0xffff stays 0xffff, so the byte order
/// does not change the verdict. A length that is not a multiple of 4 (never
/// `ihl * 4`) takes [`checksum`].
fn sums_to_all_ones(data: &[u8]) -> bool {
    // The header without options, nearly every packet: five words, summed
    // without a loop (as x86's ip_fast_csum unrolls them).
    if let Ok(&[a0, a1, a2, a3, b0, b1, b2, b3, c0, c1, c2, c3, d0, d1, d2, d3, e0, e1, e2, e3]) =
        <&[u8; 20]>::try_from(data)
    {
        let w = |x: [u8; 4]| u64::from(u32::from_ne_bytes(x));
        let sum = w([a0, a1, a2, a3])
            + w([b0, b1, b2, b3])
            + w([c0, c1, c2, c3])
            + w([d0, d1, d2, d3])
            + w([e0, e1, e2, e3]);
        return fold_is_all_ones(sum);
    }
    let mut words = data.chunks_exact(4);
    if !words.remainder().is_empty() {
        return checksum(data) == 0;
    }
    // At most 15 words of a header (60 bytes): no overflow in 64 bits; a
    // longer buffer wraps only past 2^32 words.
    let mut sum: u64 = 0;
    for w in &mut words {
        if let &[a, b, c, d] = w {
            sum = sum.wrapping_add(u64::from(u32::from_ne_bytes([a, b, c, d])));
        }
    }
    fold_is_all_ones(sum)
}

/// Folds a 64-bit ones' complement sum of 32-bit words to 16 bits: 0xffff?
fn fold_is_all_ones(sum: u64) -> bool {
    let sum = (sum & 0xffff_ffff) + (sum >> 32);
    let sum = (sum & 0xffff_ffff) + (sum >> 32);
    let sum = (sum & 0xffff) + (sum >> 16);
    let sum = (sum & 0xffff) + (sum >> 16);
    sum == 0xffff
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

/// A parsed IPv4 header: what `ip_rcv_core()` validated, as values.
///
/// `parse` makes the checks of `ip_rcv_core` in its order and with its
/// distinctions (see [`WireError`]); `emit` writes a header that parses
/// back to the same value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr<'a> {
    /// `tos`.
    pub tos: u8,
    /// `id`.
    pub id: u16,
    /// `frag_off`, flags included.
    pub frag_off: u16,
    /// `ttl`.
    pub ttl: u8,
    /// `protocol`.
    pub protocol: u8,
    /// `saddr`.
    pub saddr: Ipv4Address,
    /// `daddr`.
    pub daddr: Ipv4Address,
    /// The options, `ihl * 4 - 20` bytes.
    pub options: &'a [u8],
    /// `tot_len - ihl * 4`.
    pub payload_len: usize,
}

impl<'a> Repr<'a> {
    /// Parses and validates the header at the start of `p`; `p` holds the
    /// packet (`skb->len` bytes: trailing padding is allowed, as
    /// `pskb_trim_rcsum` trims it).
    ///
    /// C: net/ipv4/ip_input.c, `ip_rcv_core()`, its header checks. Differs:
    /// no BIG TCP (`tot_len` 0 with GSO), which needs the skb.
    pub fn parse<T: AsRef<[u8]> + ?Sized>(p: &Packet<&'a T>) -> Result<Self, WireError> {
        let t: &'a T = p.buffer;
        let b: &'a [u8] = t.as_ref();
        if p.version() != 4 {
            return Err(WireError::Version);
        }
        if p.ihl() < 5 {
            return Err(WireError::HeaderLen);
        }
        let hl = p.header_len();
        if b.len() < hl {
            return Err(WireError::Truncated);
        }
        if !p.checksum_ok() {
            return Err(WireError::Checksum);
        }
        let tot_len = usize::from(p.tot_len());
        if b.len() < tot_len {
            return Err(WireError::TotLenOver);
        }
        if tot_len < hl {
            return Err(WireError::TotLenShort);
        }
        Ok(Repr {
            tos: p.tos(),
            id: p.id(),
            frag_off: p.frag_off(),
            ttl: p.ttl(),
            protocol: p.protocol(),
            saddr: p.saddr(),
            daddr: p.daddr(),
            options: b.get(IPHDR_LEN..hl).unwrap_or(&[]),
            payload_len: tot_len - hl,
        })
    }

    /// `ihl * 4` of the header `emit` writes.
    pub fn header_len(&self) -> usize {
        IPHDR_LEN + self.options.len()
    }

    /// Writes the header (options included, checksum filled) at the start
    /// of `p`; the payload is the caller's.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, p: &mut Packet<T>) -> Result<(), WireError> {
        let hl = self.header_len();
        if self.options.len() & 3 != 0 || self.options.len() > MAX_IPOPTLEN || p.b().len() < hl {
            return Err(WireError::Emit);
        }
        let tot_len = u16::try_from(hl + self.payload_len).map_err(|_| WireError::Emit)?;
        // CAST: hl <= 60, so hl / 4 <= 15.
        p.set_byte(field::VER_IHL, 0x40 | (hl / 4) as u8);
        p.set_tos(self.tos);
        p.set_tot_len(tot_len);
        p.set_id(self.id);
        p.set_frag_off(self.frag_off);
        p.set_ttl(self.ttl);
        p.set_protocol(self.protocol);
        p.set_saddr(self.saddr);
        p.set_daddr(self.daddr);
        put(p.m(), IPHDR_LEN, self.options);
        p.fill_checksum();
        Ok(())
    }
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
/// `OXIP_ETH_P_TAKEOVER`: the in-kernel pseudo type a takeover ingress hook
/// retags an IPv4 frame with, so `__netif_receive_skb_core` hands it to
/// oxip's `packet_type` (and batches it through `.list_func`) instead of
/// `ip_rcv`. Below `ETH_P_802_3_MIN`, like the kernel's own internal-only
/// types (`ETH_P_SNAP`, `ETH_P_DDCMP`): `eth_type_trans` never yields it,
/// so no frame from a wire carries it. Unused in include/uapi/linux/if_ether.h
/// (its highest pseudo types are `ETH_P_MCTP` 0x00FA and `ETH_P_GRE_OSI`
/// 0x00FE).
pub const OXIP_ETH_P_TAKEOVER: u16 = 0x00FB;

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

    /// A xorshift64 generator from `seed` (not 0): the host tests' source
    /// of reproducible random input.
    pub(crate) fn xorshift(seed: u64) -> impl FnMut() -> u64 {
        let mut x = seed;
        move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        }
    }

    /// A 20-byte UDP header 10.0.0.1 -> 10.0.1.2, tot_len 1500, with `ttl`,
    /// DF if `df`, `tos`, and a valid checksum (the forwarding and option
    /// tests start from it).
    pub(crate) fn golden(ttl: u8, df: bool, tos: u8) -> Vec<u8> {
        let mut h = vec![
            0x45,
            tos,
            0x05,
            0xdc,
            0x12,
            0x34,
            if df { 0x40 } else { 0 },
            0x00,
            ttl,
            0x11,
            0,
            0,
            10,
            0,
            0,
            1,
            10,
            0,
            1,
            2,
        ];
        let c = checksum(&h).to_be_bytes();
        h[10] = c[0];
        h[11] = c[1];
        h
    }

    /// A golden 20-byte UDP header 10.0.0.1 -> 10.0.0.2, tot_len 28, ttl 64.
    pub(crate) const UDP_HDR: [u8; 20] = [
        0x45, 0x00, 0x00, 0x1c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 10, 0, 0, 1, 10, 0,
        0, 2,
    ];
    /// `UDP_HDR` with its checksum, computed apart from the core.
    const UDP_HDR_CHECK: u16 = 0x149b;

    pub(crate) fn with_csum(mut h: [u8; 20]) -> [u8; 20] {
        Packet::new_checked(&mut h[..]).unwrap().fill_checksum();
        h
    }

    #[test]
    fn fields() {
        let h = with_csum(UDP_HDR);
        let v = Packet::new_checked(&h[..]).unwrap();
        assert_eq!(v.version(), 4);
        assert_eq!(v.ihl(), 5);
        assert_eq!(v.tot_len(), 28);
        assert_eq!(v.id(), 0x1234);
        assert_eq!(v.ttl(), 64);
        assert_eq!(v.protocol(), IPPROTO_UDP);
        assert_eq!(v.saddr(), Ipv4Address::new(10, 0, 0, 1));
        assert_eq!(v.daddr(), Ipv4Address::new(10, 0, 0, 2));
        assert_eq!(v.frag_off(), IP_DF);
        assert!(v.dont_frag());
        assert!(!v.is_fragment());
        assert_eq!(v.check(), UDP_HDR_CHECK);
        assert!(v.checksum_ok());
        assert!(v.options().is_empty());
    }

    #[test]
    fn short_buffer_rejected() {
        assert_eq!(
            Packet::new_checked(&UDP_HDR[..19]).unwrap_err(),
            WireError::Truncated
        );
    }

    #[test]
    fn checksum_of_short_options_fails_not_panics() {
        let mut h = with_csum(UDP_HDR);
        h[0] = 0x46; // claims 24 bytes, buffer has 20
        let v = Packet::new_checked(&h[..]).unwrap();
        assert!(!v.checksum_ok());
        assert!(v.options().is_empty());
    }

    #[test]
    fn setters_write_what_getters_read() {
        let mut h = [0u8; 24];
        let mut p = Packet::new_checked(&mut h[..]).unwrap();
        p.set_version(4);
        p.set_ihl(6);
        p.set_tos(0xb8);
        p.set_tot_len(0x0102);
        p.set_id(0xbeef);
        p.set_frag_off(IP_MF | 7);
        p.set_ttl(3);
        p.set_protocol(IPPROTO_TCP);
        p.set_saddr(Ipv4Address::new(192, 0, 2, 1));
        p.set_daddr(Ipv4Address::new(198, 51, 100, 7));
        p.options_mut()
            .copy_from_slice(&[IPOPT_NOOP, IPOPT_NOOP, IPOPT_NOOP, IPOPT_END]);
        p.fill_checksum();
        assert_eq!(
            h,
            [
                0x46, 0xb8, 0x01, 0x02, 0xbe, 0xef, 0x20, 0x07, 3, 6, 0xe8, 0x0a, 192, 0, 2, 1,
                198, 51, 100, 7, 1, 1, 1, 0
            ]
        );
        let v = Packet::new_checked(&h[..]).unwrap();
        assert!(v.checksum_ok());
        assert_eq!(v.dscp(), 0xb8);
        assert!(v.is_fragment());
    }

    #[test]
    fn checksum_ok_agrees_with_the_folded_sum() {
        // xorshift: headers of every ihl, valid, corrupted by one bit, and
        // random; edge sums (all zero, all ones) too.
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
        for round in 0..20_000u32 {
            let ihl = 5 + (next() % 11) as usize;
            let mut h = [0u8; 60];
            for b in h.iter_mut() {
                *b = next() as u8;
            }
            h[0] = 0x40 | ihl as u8;
            let len = ihl * 4;
            if round % 3 != 0 {
                let mut p = Packet::new_checked(&mut h[..len]).unwrap();
                p.fill_checksum();
                if round % 3 == 2 {
                    let bit = (next() % (len as u64 * 8)) as usize;
                    h[bit / 8] ^= 1 << (bit % 8);
                }
            }
            let want = checksum(&h[..len]) == 0;
            assert_eq!(sums_to_all_ones(&h[..len]), want, "{:02x?}", &h[..len]);
        }
        assert!(!sums_to_all_ones(&[0; 20]));
        assert!(sums_to_all_ones(&[0xff; 20]));
        assert_eq!(sums_to_all_ones(&[0xff; 6]), checksum(&[0xff; 6]) == 0);
    }

    #[test]
    fn fill_checksum_matches_the_independent_one() {
        let mut h = UDP_HDR;
        h[10] = 0xde;
        h[11] = 0xad;
        let mut p = Packet::new_checked(&mut h[..]).unwrap();
        p.fill_checksum();
        assert_eq!(p.check(), UDP_HDR_CHECK);
    }

    /// `ip_decrease_ttl()`'s incremental update gives what a full
    /// recompute does, for every TTL and a spread of tos values.
    #[test]
    fn decrease_ttl_keeps_the_checksum_valid() {
        for ttl in 1..=255u8 {
            for tos in [0u8, 0x10, 0xfc, 0xff] {
                let mut h = UDP_HDR;
                h[1] = tos;
                h[8] = ttl;
                let mut h = with_csum(h);
                let mut p = Packet::new_checked(&mut h[..]).unwrap();
                assert_eq!(p.decrease_ttl(), ttl - 1);
                assert!(p.checksum_ok(), "ttl {ttl} tos {tos}");
                let incr = p.check();
                p.fill_checksum();
                assert_eq!(p.check(), incr, "ttl {ttl} tos {tos}");
            }
        }
    }

    /// The end-around carry: a stored check of 0xfeff + 0x0100 is 0xffff,
    /// which the C folds to 0x0000.
    #[test]
    fn decrease_ttl_folds_the_carry_as_c_does() {
        let mut h = UDP_HDR;
        h[10] = 0xfe;
        h[11] = 0xff;
        let mut p = Packet::new_checked(&mut h[..]).unwrap();
        p.decrease_ttl();
        assert_eq!(p.check(), 0x0000);
        assert_eq!(p.ttl(), 63);
    }

    #[test]
    fn record_route_slot_is_before_the_pointer() {
        let mut h = [0u8; 32];
        h[..20].copy_from_slice(&UDP_HDR);
        h[0] = 0x48;
        // RR at 20: len 11, pointer 8 (ip_options_compile moved it past slot 1).
        h[20..23].copy_from_slice(&[IPOPT_RR, 11, 8]);
        let mut p = Packet::new_checked(&mut h[..]).unwrap();
        assert!(p.rr_fill(20, Ipv4Address::new(10, 0, 1, 1)));
        assert_eq!(&h[23..27], &[10, 0, 1, 1]);
    }

    #[test]
    fn timestamp_address_slot_is_before_the_pointer() {
        let mut h = [0u8; 32];
        h[..20].copy_from_slice(&UDP_HDR);
        h[0] = 0x48;
        // TS (flag 1: address + time) at 20: len 12, pointer 13 (past one entry).
        h[20..24].copy_from_slice(&[IPOPT_TIMESTAMP, 12, 13, 1]);
        let mut p = Packet::new_checked(&mut h[..]).unwrap();
        assert!(p.ts_fill_addr(20, Ipv4Address::new(10, 0, 1, 1)));
        assert_eq!(&h[24..28], &[10, 0, 1, 1]);
    }

    #[test]
    fn option_slot_outside_the_buffer_is_refused() {
        let mut h = UDP_HDR;
        let mut p = Packet::new_checked(&mut h[..]).unwrap();
        assert!(!p.rr_fill(200, Ipv4Address::new(1, 2, 3, 4)));
        assert!(!p.ts_fill_addr(18, Ipv4Address::new(1, 2, 3, 4)));
        assert_eq!(p.srr_slot(250, Ipv4Address::new(1, 2, 3, 4)), None);
        assert_eq!(h, UDP_HDR);
    }

    /// LSRR 10.9.9.9 then 10.8.8.8, pointer at the first: the slot holding
    /// the next hop is found, filled, and the pointer moves past it.
    #[test]
    fn source_route_slot_of_the_next_hop() {
        let mut h = [0u8; 32];
        h[..20].copy_from_slice(&UDP_HDR);
        h[0] = 0x48;
        h[20..31].copy_from_slice(&[IPOPT_LSRR, 11, 4, 10, 9, 9, 9, 10, 8, 8, 8]);
        let hop = Ipv4Address::new(10, 8, 8, 8);
        let mut p = Packet::new_checked(&mut h[..]).unwrap();
        assert_eq!(p.srr_slot(20, hop), Some(8));
        p.set_daddr(hop);
        p.srr_fill(20, 8, Ipv4Address::new(10, 0, 0, 254));
        assert_eq!(&h[27..31], &[10, 0, 0, 254]);
        assert_eq!(h[22], 12);
        assert_eq!(&h[16..20], &[10, 8, 8, 8]);
    }

    #[test]
    fn used_up_source_route_has_no_slot() {
        let mut h = [0u8; 28];
        h[..20].copy_from_slice(&UDP_HDR);
        h[0] = 0x47;
        h[20..27].copy_from_slice(&[IPOPT_SSRR, 7, 8, 10, 9, 9, 9]);
        let p = Packet::new_checked(&h[..]).unwrap();
        assert_eq!(p.srr_slot(20, Ipv4Address::new(10, 9, 9, 9)), None);
    }

    #[test]
    fn repr_refuses_options_emit_cannot_write() {
        let r = Repr {
            tos: 0,
            id: 0,
            frag_off: 0,
            ttl: 1,
            protocol: IPPROTO_UDP,
            saddr: Ipv4Address::UNSPECIFIED,
            daddr: Ipv4Address::BROADCAST,
            options: &[IPOPT_NOOP],
            payload_len: 0,
        };
        let mut buf = [0u8; 60];
        let mut p = Packet::new_checked(&mut buf[..]).unwrap();
        assert_eq!(r.emit(&mut p), Err(WireError::Emit));
        let r = Repr {
            options: &[0; 44],
            ..r
        };
        assert_eq!(r.emit(&mut p), Err(WireError::Emit));
        let r = Repr {
            options: &[],
            payload_len: 65536 - 20,
            ..r
        };
        assert_eq!(r.emit(&mut p), Err(WireError::Emit));
        let r = Repr {
            payload_len: 65535 - 20,
            ..r
        };
        assert_eq!(r.emit(&mut p), Ok(()));
        assert_eq!(Packet::new_checked(&buf[..]).unwrap().tot_len(), 65535);
    }

    #[test]
    fn address_byte_order_is_fixed_by_type() {
        let a = Ipv4Address::new(10, 0, 0, 1);
        assert_eq!(a.octets(), [10, 0, 0, 1]);
        assert_eq!(a.to_bits(), 0x0a00_0001);
        assert_eq!(Ipv4Address::from_bits(0x0a00_0001), a);
        // A __be32 holds the wire bytes in memory order, whatever the host.
        assert_eq!(a.to_be32().to_ne_bytes(), [10, 0, 0, 1]);
        assert_eq!(Ipv4Address::from_be32(u32::from_ne_bytes([10, 0, 0, 1])), a);
        assert_eq!(format!("{a}"), "10.0.0.1");
    }

    #[test]
    fn address_classes() {
        assert!(Ipv4Address::new(224, 0, 0, 1).is_multicast());
        assert!(Ipv4Address::new(239, 255, 255, 255).is_multicast());
        assert!(!Ipv4Address::new(240, 0, 0, 1).is_multicast());
        assert!(!Ipv4Address::new(10, 0, 0, 1).is_multicast());
        assert!(Ipv4Address::BROADCAST.is_lbcast());
        assert!(Ipv4Address::new(0, 255, 0, 0).is_zeronet());
        assert!(Ipv4Address::new(127, 0, 0, 1).is_loopback());
        assert!(Ipv4Address::UNSPECIFIED.is_unspecified());
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
        assert!(ETH_P_IN_USE
            .iter()
            .all(|(v, _)| *v >= ETH_P_802_3_MIN && *v != ETH_P_802_EX1));
        // The takeover pseudo type is no wire ethertype and no parameter.
        assert!(OXIP_ETH_P_TAKEOVER < ETH_P_802_3_MIN);
        assert!(ethertype_param_check(OXIP_ETH_P_TAKEOVER).is_err());
    }
}
