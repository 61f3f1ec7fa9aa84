// SPDX-License-Identifier: GPL-2.0
//! insnprof: a QEMU TCG plugin that counts the guest kernel's executed
//! instructions by translation block, for `make bench-profile`.
//!
//! Every translated block that starts in the kernel's half of the address
//! space gets an execution callback that adds the block's instruction count
//! to its counter. A marker, the otherwise meaningless instruction
//! `nopl 0x50495846(%rax)` (bytes `0f 1f 80 46 58 49 50`, "FXIP"), executed
//! anywhere in the guest (tests/vm/insnmark), writes a snapshot of every
//! counter to `OUT/snap-N.txt` (N = 0, 1, ...): lines `vaddr insns executions`
//! of the blocks that ran. The host subtracts two snapshots to get what ran
//! between two markers, and maps the blocks to the guest's symbols
//! (tests/vm/bench_profile.py). Counters are atomic, so the vCPU threads of
//! multi-threaded TCG can share them; QEMU's `-icount` is not used (a plugin
//! and icount together crashed guests here).
//!
//! Arguments: `out=DIR` (required).

use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_uint, c_void, CStr};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

use qemu_plugin_sys::*;

/// The plugin API version this plugin was built against; QEMU checks it.
#[no_mangle]
pub static qemu_plugin_version: c_int = QEMU_PLUGIN_VERSION as c_int;

/// Marker instruction: `nopl 0x50495846(%rax)`.
const MARKER: [u8; 7] = [0x0f, 0x1f, 0x80, 0x46, 0x58, 0x49, 0x50];
/// The lowest kernel address on x86-64 (the canonical upper half).
const KERNEL_START: u64 = 0xffff_8000_0000_0000;

/// vCPUs counted apart; the rest share the last counter.
const VCPUS: usize = 4;

/// One translated block's instructions executed, per vCPU. Leaked: a
/// block's callback may run for as long as QEMU keeps the translation.
struct Block {
    vaddr: u64,
    insns: u64,
    runs: [AtomicU64; VCPUS],
}

struct State {
    out: String,
    /// (start, instructions) -> counter; a retranslation reuses its counter.
    blocks: Mutex<HashMap<(u64, u64), &'static Block>>,
    snaps: Mutex<u32>,
}

static STATE: OnceLock<State> = OnceLock::new();

fn state() -> &'static State {
    // Set in qemu_plugin_install before any callback is registered.
    STATE.get().expect("insnprof: installed")
}

unsafe extern "C" fn on_block(vcpu: c_uint, udata: *mut c_void) {
    // SAFETY: udata is the &'static Block registered with this callback.
    let block = unsafe { &*(udata as *const Block) };
    let i = (vcpu as usize).min(VCPUS - 1);
    block.runs[i].fetch_add(block.insns, Ordering::Relaxed);
}

unsafe extern "C" fn on_marker(_vcpu: c_uint, _udata: *mut c_void) {
    let st = state();
    let mut n = st.snaps.lock().unwrap_or_else(|e| e.into_inner());
    let path = format!("{}/snap-{}.txt", st.out, *n);
    *n += 1;
    let blocks = st.blocks.lock().unwrap_or_else(|e| e.into_inner());
    let write = || -> std::io::Result<()> {
        let mut w = BufWriter::new(File::create(&path)?);
        for b in blocks.values() {
            let r = b.runs.each_ref().map(|c| c.load(Ordering::Relaxed));
            if r.iter().any(|&n| n != 0) {
                writeln!(
                    w,
                    "{:x} {} {} {} {} {}",
                    b.vaddr, b.insns, r[0], r[1], r[2], r[3]
                )?;
            }
        }
        w.flush()
    };
    if let Err(e) = write() {
        eprintln!("insnprof: {path}: {e}");
    }
}

unsafe extern "C" fn on_translate(_id: qemu_plugin_id_t, tb: *mut qemu_plugin_tb) {
    // SAFETY: tb is the block QEMU is translating, valid during this callback.
    let n = unsafe { qemu_plugin_tb_n_insns(tb) };
    for i in 0..n {
        // SAFETY: i < n, the block's instruction count.
        let insn = unsafe { qemu_plugin_tb_get_insn(tb, i) };
        let mut buf = [0u8; 7];
        // SAFETY: insn is valid during this callback; buf holds 7 bytes.
        let got = unsafe { qemu_plugin_insn_data(insn, buf.as_mut_ptr().cast(), buf.len()) };
        if got == MARKER.len() && buf == MARKER {
            // SAFETY: as above; the callback takes no user data.
            unsafe {
                qemu_plugin_register_vcpu_insn_exec_cb(
                    insn,
                    Some(on_marker),
                    qemu_plugin_cb_flags::QEMU_PLUGIN_CB_NO_REGS,
                    std::ptr::null_mut(),
                )
            };
        }
    }
    // SAFETY: tb is valid during this callback.
    let vaddr = unsafe { qemu_plugin_tb_vaddr(tb) };
    if vaddr < KERNEL_START || n == 0 {
        return;
    }
    let block: &'static Block = {
        let mut blocks = state().blocks.lock().unwrap_or_else(|e| e.into_inner());
        blocks.entry((vaddr, n as u64)).or_insert_with(|| {
            Box::leak(Box::new(Block {
                vaddr,
                insns: n as u64,
                runs: Default::default(),
            }))
        })
    };
    // SAFETY: block lives forever, as the callback's user data must.
    unsafe {
        qemu_plugin_register_vcpu_tb_exec_cb(
            tb,
            Some(on_block),
            qemu_plugin_cb_flags::QEMU_PLUGIN_CB_NO_REGS,
            block as *const Block as *mut c_void,
        )
    };
}

/// QEMU's entry point: parse `out=DIR` and register the translation callback.
///
/// # Safety
///
/// Called by QEMU only, with `argv` holding `argc` NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn qemu_plugin_install(
    id: qemu_plugin_id_t,
    _info: *const qemu_info_t,
    argc: c_int,
    argv: *mut *mut c_char,
) -> c_int {
    let mut out = None;
    for i in 0..argc.max(0) as usize {
        // SAFETY: QEMU passes argc NUL-terminated strings in argv.
        let arg = unsafe { CStr::from_ptr(*argv.add(i)) }.to_string_lossy();
        if let Some(dir) = arg.strip_prefix("out=") {
            out = Some(dir.to_string());
        } else {
            eprintln!("insnprof: unknown argument {arg}");
            return -1;
        }
    }
    let Some(out) = out else {
        eprintln!("insnprof: out=DIR is required");
        return -1;
    };
    if STATE
        .set(State {
            out,
            blocks: Mutex::new(HashMap::new()),
            snaps: Mutex::new(0),
        })
        .is_err()
    {
        return -1;
    }
    // SAFETY: id is this plugin's, as QEMU passed it.
    unsafe { qemu_plugin_register_vcpu_tb_trans_cb(id, Some(on_translate)) };
    0
}
