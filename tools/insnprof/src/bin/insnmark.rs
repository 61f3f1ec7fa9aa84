// SPDX-License-Identifier: GPL-2.0
//! insnmark: executes insnprof's marker instruction once, so the plugin
//! writes a snapshot of its counters (see the plugin's documentation).

fn main() {
    // SAFETY: a multi-byte NOP (nopl with a 32-bit displacement): it reads
    // no memory and changes no register or flag.
    unsafe {
        core::arch::asm!(
            ".byte 0x0f, 0x1f, 0x80, 0x46, 0x58, 0x49, 0x50",
            options(nomem, nostack, preserves_flags)
        )
    };
}
