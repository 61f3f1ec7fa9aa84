// SPDX-License-Identifier: GPL-2.0
//! The takeover control language written to /proc/net/oxip_takeover.
//!
//! `attach IFNAME` starts stealing that interface's `ETH_P_IP` frames into
//! oxip; `detach IFNAME` stops; `+IFNAME`/`-IFNAME` are short forms. One
//! command a write. `+all` (`attach all`) takes over every eligible
//! interface of the namespace, present and future; `-all` stops that and
//! detaches the namespace's interfaces. The load-time parameter `takeover=`
//! takes a comma list, where `all` means every namespace.

/// The keyword for every interface (a device cannot be named so usefully:
/// `conf/all` is taken in sysctl, so `register_netdevice` of "all" fails).
pub const ALL: &str = "all";

/// `IFNAMSIZ` (include/uapi/linux/if.h), the terminating NUL included.
pub const IFNAMSIZ: usize = 16;

/// A parsed command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command<'a> {
    /// Start taking over `ifname`.
    Attach(&'a str),
    /// Stop taking over `ifname`.
    Detach(&'a str),
    /// Take over every eligible interface of the namespace, now and later.
    AttachAll,
    /// Leave `all` mode and detach every interface of the namespace.
    DetachAll,
}

/// Why a command was refused (the write returns `-EINVAL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CtlError {
    /// Not `attach`/`detach`/`+`/`-` followed by a name.
    Syntax,
    /// The name is empty, too long or has `/`, `:` or white space, as
    /// `dev_valid_name()` refuses, or a NUL.
    BadName,
}

/// `isspace()` of the kernel's ctype table (lib/ctype.c): \t \n \v \f \r,
/// space and 0xA0 (Latin-1 no-break space).
const fn isspace(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' | 0xa0)
}

/// `dev_valid_name()` (net/core/dev.c). Differs: a NUL is refused (C
/// stops there, so the kernel would look up a shorter name than this one).
pub fn dev_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() < IFNAMSIZ
        && name != "."
        && name != ".."
        && !name
            .bytes()
            .any(|b| b == b'/' || b == b':' || b == 0 || isspace(b))
}

/// Parses one command.
pub fn parse(input: &str) -> Result<Command<'_>, CtlError> {
    let s = input.trim();
    let (attach, name) = if let Some(n) = s.strip_prefix('+') {
        (true, n)
    } else if let Some(n) = s.strip_prefix('-') {
        (false, n)
    } else if let Some(n) = s.strip_prefix("attach ") {
        (true, n)
    } else if let Some(n) = s.strip_prefix("detach ") {
        (false, n)
    } else {
        return Err(CtlError::Syntax);
    };
    let name = name.trim();
    if !dev_valid_name(name) {
        return Err(CtlError::BadName);
    }
    Ok(match (attach, name == ALL) {
        (true, true) => Command::AttachAll,
        (false, true) => Command::DetachAll,
        (true, false) => Command::Attach(name),
        (false, false) => Command::Detach(name),
    })
}

/// The names in the `takeover=` parameter: comma separated, empty ones skipped.
pub fn param_names(param: &str) -> impl Iterator<Item = &str> {
    param.split(',').map(str::trim).filter(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_and_short_forms() {
        assert_eq!(parse("attach veth0\n"), Ok(Command::Attach("veth0")));
        assert_eq!(parse("detach veth0"), Ok(Command::Detach("veth0")));
        assert_eq!(parse("+eth1"), Ok(Command::Attach("eth1")));
        assert_eq!(parse("-eth1\n"), Ok(Command::Detach("eth1")));
    }

    #[test]
    fn refuses_garbage() {
        assert_eq!(parse("frob veth0"), Err(CtlError::Syntax));
        assert_eq!(parse(""), Err(CtlError::Syntax));
        assert_eq!(parse("+"), Err(CtlError::BadName));
        assert_eq!(parse("+a/b"), Err(CtlError::BadName));
        assert_eq!(parse("+0123456789abcdef"), Err(CtlError::BadName));
        assert_eq!(parse("attach a b"), Err(CtlError::BadName));
    }

    /// Found by the host fuzzer (fuzz/seeds/ctl/nul.hex): a NUL makes the
    /// kernel look up a shorter name than the one checked, and the kernel's
    /// `isspace()` also takes \v and 0xA0 (here the second byte of "\u{e0}").
    #[test]
    fn nul_and_kernel_isspace_are_refused() {
        assert_eq!(
            parse("+et\0\0\0\0\0\0\0\0d\u{11}\u{11}"),
            Err(CtlError::BadName)
        );
        assert_eq!(parse("+eth\u{0b}0"), Err(CtlError::BadName));
        assert_eq!(parse("+\u{e0}"), Err(CtlError::BadName));
        assert!(!dev_valid_name("a\0"));
        assert!(dev_valid_name("veth-0.1_x"));
    }

    #[test]
    fn all_keyword() {
        assert_eq!(parse("+all\n"), Ok(Command::AttachAll));
        assert_eq!(parse("attach all"), Ok(Command::AttachAll));
        assert_eq!(parse("-all"), Ok(Command::DetachAll));
        assert_eq!(parse("detach all"), Ok(Command::DetachAll));
        assert_eq!(parse("+allx"), Ok(Command::Attach("allx")));
    }

    #[test]
    fn param_list() {
        let v: Vec<&str> = param_names("veth0, veth1,,").collect();
        assert_eq!(v, ["veth0", "veth1"]);
    }
}
