#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Network namespaces for the VM tests, from one process: entering one
(`with In("b")`), writing sysctls, and the one Python reader of the kernel's
two-line counter files (/proc/net/snmp, netstat, oxip_snmp). Its shell twin
is tests/vm/snmp.awk (same keys: `Group.Name`).

  netns.py sysctl NS KEY=VAL... [NS KEY=VAL...]   sysctls in several namespaces
  netns.py snmp NS [--nonzero] [NAME...]          oxip's counters in NS
      (NAME as in oxip_snmp, e.g. HintHits: its value, one a line;
       none: every `Group Name value`)

Each exec costs about a second on the debug kernel; one of these replaces
an `ip netns exec NS sysctl` pair per namespace.
"""
import ctypes
import os
import sys

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)

_root_fd = os.open("/proc/self/ns/net", os.O_RDONLY)
_ns_fds = {}


def setns(name):
    if name is None:
        fd = _root_fd
    else:
        if name not in _ns_fds:
            _ns_fds[name] = os.open(f"/run/netns/{name}", os.O_RDONLY)
        fd = _ns_fds[name]
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), f"setns {name}")


class In:
    """with In('b'): ... runs the block in namespace b."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        setns(self.name)

    def __exit__(self, *a):
        setns(None)


def sysctl(ns, key, val):
    with In(ns):
        with open("/proc/sys/" + key.replace(".", "/"), "w") as f:
            f.write(str(val))


def parse_mib(text, tag=""):
    """The kernel's two-line format (names line, values line per group) as
    {tag + 'Group.Name': value}."""
    out = {}
    lines = text.splitlines()
    for names, values in zip(lines[0::2], lines[1::2]):
        g = names.split(":")[0]
        for n, v in zip(names.split()[1:], values.split()[1:]):
            try:
                out[tag + g + "." + n] = int(v)
            except ValueError:
                pass
    return out


def read_mibs(ns):
    """All counters of ns as {'Group.Name': value}; oxip's as 'oxip:Group.Name'."""
    out = {}
    with In(ns):
        for path in ("/proc/net/snmp", "/proc/net/netstat", "/proc/net/oxip_snmp"):
            try:
                with open(path) as f:
                    text = f.read()
            except FileNotFoundError:
                continue
            out.update(parse_mib(text, "oxip:" if path.endswith("oxip_snmp") else ""))
    return out


def main(argv):
    if len(argv) >= 2 and argv[0] == "sysctl":
        ns = None
        for a in argv[1:]:
            if "=" in a:
                k, v = a.split("=", 1)
                sysctl(ns, k, v)
            else:
                ns = a
        return 0
    if len(argv) >= 2 and argv[0] == "snmp":
        nonzero = "--nonzero" in argv
        names = [a for a in argv[2:] if a != "--nonzero"]
        with In(argv[1]):
            with open("/proc/net/oxip_snmp") as f:
                mib = parse_mib(f.read())
        if names:
            for n in names:
                v = [val for k, val in mib.items() if k.split(".", 1)[1] == n]
                print(v[0] if v else "")
        else:
            for k, v in mib.items():
                if v or not nonzero:
                    g, n = k.split(".", 1)
                    print(f"  {g + ':':<8} {n:<22} {v}")
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
