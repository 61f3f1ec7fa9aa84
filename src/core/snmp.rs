// SPDX-License-Identifier: GPL-2.0
//! The text of /proc/net/oxip_snmp and /proc/net/oxip_drops.
//!
//! C: net/ipv4/proc.c, `snmp_seq_show_ipstats()`/`netstat_seq_show()`: a
//! names line and a values line per group, each starting `Group:`.

use core::fmt;
use core::fmt::Write;

use super::mib::IpMib;
use super::mib::MibArray;
use super::mib::MibLine;

fn group<W: Write>(w: &mut W, prefix: &str, line: MibLine, m: &MibArray) -> fmt::Result {
    w.write_str(prefix)?;
    for c in IpMib::ALL.iter().filter(|c| c.line() == line) {
        write!(w, " {}", c.name())?;
    }
    w.write_str("\n")?;
    w.write_str(prefix)?;
    for c in IpMib::ALL.iter().filter(|c| c.line() == line) {
        write!(w, " {}", m.get(*c))?;
    }
    w.write_str("\n")
}

/// Writes the four groups (`Ip:`, `IpExt:`, `TcpExt:`, `Oxip:`), two lines each.
pub fn write_snmp<W: Write>(w: &mut W, m: &MibArray) -> fmt::Result {
    group(w, "Ip:", MibLine::Ip, m)?;
    group(w, "IpExt:", MibLine::IpExt, m)?;
    group(w, "TcpExt:", MibLine::TcpExt, m)?;
    group(w, "Oxip:", MibLine::Oxip, m)
}

/// Writes one `REASON count` line per drop reason that has a count.
pub fn write_drops<'a, W: Write, I: Iterator<Item = (&'a str, u64)>>(
    w: &mut W,
    it: I,
) -> fmt::Result {
    for (name, n) in it.filter(|(_, n)| *n != 0) {
        writeln!(w, "{name} {n}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mib::MibSink;

    #[test]
    fn two_line_format() {
        let mut m = MibArray::default();
        m.add(IpMib::InReceives, 3);
        m.add(IpMib::InOctets, 120);
        let mut s = String::new();
        write_snmp(&mut s, &m).unwrap();
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines.len(), 8);
        assert_eq!(
            lines[0],
            "Ip: InReceives InHdrErrors InDiscards InAddrErrors ForwDatagrams FragFails"
        );
        assert_eq!(lines[1], "Ip: 3 0 0 0 0 0");
        assert!(lines[2].starts_with("IpExt: InOctets"));
        assert!(lines[3].starts_with("IpExt: 120"));
        assert_eq!(lines[4], "TcpExt: IPReversePathFilter");
        for pair in lines.chunks(2) {
            assert_eq!(pair[0].split(' ').count(), pair[1].split(' ').count());
        }
    }

    #[test]
    fn drops_skip_zero() {
        let mut s = String::new();
        write_drops(&mut s, [("IP_CSUM", 2), ("IP_INHDR", 0)].into_iter()).unwrap();
        assert_eq!(s, "IP_CSUM 2\n");
    }
}
