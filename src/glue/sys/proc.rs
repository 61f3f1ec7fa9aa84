// SPDX-License-Identifier: GPL-2.0
//! /proc/net files of a namespace, shown through `kernel::seq_file`, and
//! removed when their [`ProcEntry`] is dropped.
//!
//! C: include/linux/proc_fs.h (`proc_create_net_single`,
//! `proc_create_net_single_write`, `remove_proc_entry`).

use core::ffi::c_char;
use core::ffi::c_int;
use core::ffi::c_void;
use core::ffi::CStr;
use core::marker::PhantomData;

use kernel::prelude::*;
use kernel::seq_file::SeqFile;

use super::bindings as b;
use super::net::Net;

/// What a /proc/net file shows, for its namespace.
pub(crate) trait Show: 'static {
    /// Writes the file's text.
    fn show(net: &Net, w: &mut SeqWriter<'_>) -> Result;
}

/// What writing a /proc/net file does.
pub(crate) trait Write: 'static {
    /// Handles one write of `bytes`: `Ok` or the errno to return.
    fn write(net: &Net, bytes: &[u8]) -> Result;
}

/// `core::fmt::Write` into a `seq_file`.
pub(crate) struct SeqWriter<'a>(&'a SeqFile);

impl core::fmt::Write for SeqWriter<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.0.call_printf(format_args!("{s}"));
        Ok(())
    }
}

/// # Safety
///
/// Only a seq_file `show`, called by the kernel with the seq_file of a /proc file made here.
unsafe extern "C" fn show_callback<T: Show>(seq: *mut b::seq_file, _v: *mut c_void) -> c_int {
    // SAFETY: a proc_create_net_single file: the seq_file carries its live net.
    let net = unsafe { b::oxip_seq_file_single_net(seq) };
    // SAFETY: the namespace lives while its /proc file is being read.
    let net = unsafe { Net::from_raw(net) };
    // SAFETY: the seq_file of the show callback we are in, accessed by this
    // thread only for the call.
    let f = unsafe { SeqFile::from_raw(seq.cast()) };
    match T::show(net, &mut SeqWriter(f)) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// # Safety
///
/// Only a /proc `write`, called by the kernel with the file of a /proc file made here and a buffer of `size` bytes.
unsafe extern "C" fn write_callback<T: Write>(
    file: *mut b::file,
    buf: *mut c_char,
    size: usize,
) -> c_int {
    // SAFETY: proc_create_net_single_write files are single_open_net'd: the
    // private data is their seq_file.
    let seq = unsafe { (*file).private_data }.cast::<b::seq_file>();
    // SAFETY: the seq_file carries the file's live namespace.
    let net = unsafe { b::oxip_seq_file_single_net(seq) };
    // SAFETY: the namespace lives while its /proc file is open.
    let net = unsafe { Net::from_raw(net) };
    // SAFETY: `buf` holds `size` bytes copied from user space by procfs.
    let bytes = unsafe { core::slice::from_raw_parts(buf.cast::<u8>(), size) };
    match T::write(net, bytes) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// A /proc/net file of one namespace.
///
/// # Invariants
///
/// `name` is an entry of `net`'s /proc/net directory, made by this value
/// and removed in drop; `net` lives until then (the entry is dropped in the
/// namespace's exit at the latest).
pub(crate) struct ProcEntry {
    name: &'static CStr,
    net: *mut b::net,
    _not_sync: PhantomData<*mut ()>,
}

// SAFETY: the entry is made and removed in process context; the pointer is
// only used to find the namespace's /proc/net directory at removal.
unsafe impl Send for ProcEntry {}
// SAFETY: no shared-reference method.
unsafe impl Sync for ProcEntry {}

impl ProcEntry {
    fn made(p: *mut b::proc_dir_entry, name: &'static CStr, net: &Net) -> Result<Self> {
        if p.is_null() {
            return Err(ENOMEM);
        }
        // INVARIANT: made above in `net`'s directory.
        Ok(ProcEntry {
            name,
            net: net.as_ptr(),
            _not_sync: PhantomData,
        })
    }

    fn dir(net: &Net) -> *mut b::proc_dir_entry {
        // SAFETY: `net` is live (Net invariant); `proc_net` is its directory.
        unsafe { (*net.as_ptr()).proc_net }
    }

    /// A read-only file showing `T` (`proc_create_net_single`).
    pub(crate) fn single<T: Show>(net: &Net, name: &'static CStr) -> Result<Self> {
        let dir = ProcEntry::dir(net);
        // SAFETY: `name` is a NUL-terminated static; `dir` is live; the
        // callback matches the seq_file signature; removed in drop.
        let p = unsafe {
            b::proc_create_net_single(
                name.as_char_ptr().cast(),
                0o444,
                dir,
                Some(show_callback::<T>),
                core::ptr::null_mut(),
            )
        };
        ProcEntry::made(p, name, net)
    }

    /// A file showing and written by `T` (`proc_create_net_single_write`), mode 0644.
    pub(crate) fn single_write<T: Show + Write>(net: &Net, name: &'static CStr) -> Result<Self> {
        let dir = ProcEntry::dir(net);
        // SAFETY: as in `single`; the write callback matches proc_write_t.
        let p = unsafe {
            b::proc_create_net_single_write(
                name.as_char_ptr().cast(),
                0o644,
                dir,
                Some(show_callback::<T>),
                Some(write_callback::<T>),
                core::ptr::null_mut(),
            )
        };
        ProcEntry::made(p, name, net)
    }
}

impl Drop for ProcEntry {
    fn drop(&mut self) {
        // SAFETY: `net` lives until the entry is removed (ProcEntry invariant).
        let net = unsafe { Net::from_raw(self.net) };
        let dir = ProcEntry::dir(net);
        // SAFETY: made by this value in `dir` (ProcEntry invariant), removed once.
        unsafe { b::remove_proc_entry(self.name.as_char_ptr().cast(), dir) };
    }
}
