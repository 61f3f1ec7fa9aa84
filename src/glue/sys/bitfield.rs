// SPDX-License-Identifier: GPL-2.0
//! Wide C bitfields read as one word.
//!
//! bindgen's accessors read a bitfield one bit at a time, in a loop over
//! its width: cheap for a flag, but a 31- or 32-bit field (`rt_pmtu`,
//! `priv_flags`) cost about 500 instructions per read on the packet path.

use super::bindings as b;

/// The first 32 bits of a bitfield unit, as a little-endian word: on
/// x86-64 (and every little-endian kernel ABI), the unit's first members
/// from bit 0 up.
#[cfg(target_endian = "little")]
#[inline]
pub(super) fn first_u32<const N: usize>(u: &b::__BindgenBitfieldUnit<[u8; N]>) -> u32 {
    const { assert!(N >= 4) };
    // SAFETY: `__BindgenBitfieldUnit` is `#[repr(C)]` with its byte array
    // as its only field, so `u` points to `N >= 4` readable bytes.
    let bytes = unsafe { core::ptr::from_ref(u).cast::<[u8; 4]>().read() };
    u32::from_le_bytes(bytes)
}
