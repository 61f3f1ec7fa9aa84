// SPDX-License-Identifier: GPL-2.0
//! Shared pieces of the host fuzz targets: an input cursor that never runs
//! out (missing bytes read as 0), and the independent reference helpers the
//! targets check the core against.
//!
//! The references here are written from the C sources (include/net/ip.h,
//! net/ipv4/ip_input.c, ...) and deliberately do not call the core: a
//! property holds when two independent readings of the C agree.

/// Reads the fuzz input front to back; past the end every read is 0.
pub struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    /// A cursor over `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Input { data }
    }
    /// One byte.
    pub fn u8(&mut self) -> u8 {
        match self.data.split_first() {
            Some((b, rest)) => {
                self.data = rest;
                *b
            }
            None => 0,
        }
    }
    /// A big-endian `u16`.
    pub fn u16(&mut self) -> u16 {
        u16::from_be_bytes([self.u8(), self.u8()])
    }
    /// A big-endian `u32`.
    pub fn u32(&mut self) -> u32 {
        u32::from_be_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }
    /// A big-endian `u64`.
    pub fn u64(&mut self) -> u64 {
        (u64::from(self.u32()) << 32) | u64::from(self.u32())
    }
    /// Up to `n` bytes (fewer at the end).
    pub fn bytes(&mut self, n: usize) -> &'a [u8] {
        let (a, b) = self.data.split_at(n.min(self.data.len()));
        self.data = b;
        a
    }
    /// Whatever is left.
    pub fn rest(&mut self) -> &'a [u8] {
        core::mem::take(&mut self.data)
    }
    /// Whether nothing is left.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

/// RFC 1071 one's-complement sum, written differently from the core's
/// `wire::checksum`: a u64 accumulator over big-endian words, the odd byte
/// padded with a zero, folded at the end. Returns the complemented sum.
pub fn ref_checksum(data: &[u8]) -> u16 {
    let mut sum: u64 = 0;
    let mut i = 0;
    while i < data.len() {
        let hi = u64::from(data[i]);
        let lo = if i + 1 < data.len() {
            u64::from(data[i + 1])
        } else {
            0
        };
        sum += (hi << 8) | lo;
        i += 2;
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// `ip_fast_csum(iph, ihl) == 0` over the first `ihl * 4` bytes of `p`, as
/// native reads them; `None` if `p` is shorter (native never gets there).
pub fn ref_header_csum_ok(p: &[u8]) -> Option<bool> {
    let hl = usize::from(p.first()? & 0xf) * 4;
    let h = p.get(..hl)?;
    Some(ref_checksum(h) == 0)
}

/// Writes a valid header checksum for the `ihl * 4` bytes at the front of
/// `p`, if `p` holds them (and at least the 12 bytes up to `check`).
pub fn fix_header_csum(p: &mut [u8]) {
    let hl = usize::from(p.first().copied().unwrap_or(0) & 0xf) * 4;
    if hl < 12 || p.len() < hl {
        return;
    }
    p[10] = 0;
    p[11] = 0;
    let c = ref_checksum(&p[..hl]).to_be_bytes();
    p[10] = c[0];
    p[11] = c[1];
}
