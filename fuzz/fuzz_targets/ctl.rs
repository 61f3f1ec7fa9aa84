// SPDX-License-Identifier: GPL-2.0
//! Fuzzes the takeover control language (src/core/ctl.rs): what a user
//! writes to /proc/net/oxip_takeover and the `takeover=` parameter.
//!
//! Input: any bytes, taken as the written text when they are UTF-8 (the
//! glue refuses the rest before parsing).
//!
//! Properties: no panic; `parse` equals a reference of the documented
//! language (`attach NAME`, `detach NAME`, `+NAME`, `-NAME`, surrounding
//! white space ignored) whose name check is net/core/dev.c
//! `dev_valid_name()` over the bytes the kernel would see -- non-empty,
//! shorter than IFNAMSIZ, not `.`/`..`, no `/`, `:` or `isspace()` byte
//! (lib/ctype.c: \t \n \v \f \r, space and 0xA0) -- and no NUL (the kernel
//! would see a shorter name than the one checked); the name `all` is the
//! keyword (`AttachAll`/`DetachAll`); an accepted name is a
//! sub-slice of the input; `param_names` yields exactly the non-empty
//! trimmed comma-separated fields.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxip_core::ctl;
use oxip_core::ctl::Command;
use oxip_core::ctl::CtlError;

fn c_isspace(b: u8) -> bool {
    matches!(b, 0x09..=0x0d | b' ' | 0xa0)
}

fn ref_valid(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b.len() < 16
        && name != "."
        && name != ".."
        && !b
            .iter()
            .any(|&c| c == b'/' || c == b':' || c == 0 || c_isspace(c))
}

fn ref_parse(s: &str) -> Result<(bool, &str), CtlError> {
    let s = s.trim();
    let (attach, rest) = match s.as_bytes().first() {
        Some(b'+') => (true, &s[1..]),
        Some(b'-') => (false, &s[1..]),
        _ if s.starts_with("attach ") => (true, &s[7..]),
        _ if s.starts_with("detach ") => (false, &s[7..]),
        _ => return Err(CtlError::Syntax),
    };
    let name = rest.trim();
    if ref_valid(name) {
        Ok((attach, name))
    } else {
        Err(CtlError::BadName)
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    let got = ctl::parse(text);
    let want = ref_parse(text);
    match (got, want) {
        (Ok(Command::AttachAll), Ok((true, w))) | (Ok(Command::DetachAll), Ok((false, w))) => {
            assert_eq!(w, ctl::ALL)
        }
        (Ok(Command::Attach(n)), Ok((true, w))) | (Ok(Command::Detach(n)), Ok((false, w))) => {
            assert_ne!(n, ctl::ALL);
            assert_eq!(n, w);
            let (t0, t1) = (text.as_ptr() as usize, text.as_ptr() as usize + text.len());
            assert!(n.as_ptr() as usize >= t0 && n.as_ptr() as usize + n.len() <= t1);
        }
        (g, w) => assert_eq!(g.map(|_| ()), w.map(|_| ()), "parse({text:?})"),
    }
    for name in [text, text.trim()] {
        assert_eq!(
            ctl::dev_valid_name(name),
            ref_valid(name),
            "dev_valid_name({name:?})"
        );
    }
    let names: Vec<&str> = ctl::param_names(text).collect();
    let want: Vec<&str> = text
        .split(',')
        .map(|f| f.trim())
        .filter(|f| !f.is_empty())
        .collect();
    assert_eq!(names, want);
});
