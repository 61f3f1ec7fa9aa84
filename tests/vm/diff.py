#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Differential test: every packet of a corpus goes once through the native
IPv4 path and once through oxip (ethertype mode, takeover mode), and the
outcomes must match:

  - what the receiving sockets got (UDP datagrams),
  - what came back on the wire (ICMP errors and replies, TCP SYN-ACK/RST,
    forwarded copies),
  - the counters: native's /proc/net/snmp + /proc/net/netstat deltas must
    equal, name by name, the kernel's deltas plus oxip's own
    (/proc/net/oxip_snmp) in the oxip run,
  - the drop reasons seen by the skb:kfree_skb tracepoint.

Runs in the VM, as root, in the initial namespace; it enters the test
namespaces a (sender, 10.0.0.1), b (receiver and router, 10.0.0.2 and
10.0.1.1) and c (behind b, 10.0.1.2) with setns(2).
Prints one line per case and mode and ends with 'N passed, N failed'.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from diffrig import OXIP_ETHERTYPE  # noqa: E402
from diffrig import TRACE  # noqa: E402
from diffrig import Rig  # noqa: E402
from diffrig import mroute_daemon  # noqa: E402
from diffrig import sysctl  # noqa: E402
from diffrig import takeover  # noqa: E402


def main():
    from corpus import CASES, setup

    setup(sysctl)
    with open(f"{TRACE}/events/skb/kfree_skb/enable", "w") as f:
        f.write("1")
    rig = Rig()
    time.sleep(float(os.environ.get("DIFF_WARMUP", "3")))  # IGMP reports of the join
    passed = failed = 0
    only = os.environ.get("DIFF_ONLY")
    cases = [c for c in CASES if not only or c.name == only]

    def run_all(ethertype):
        out = {}
        for case in cases:
            case.prepare(sysctl)
            if case.sysctls:
                time.sleep(0.1)
            if case.mroute:
                mroute_daemon(True)
            try:
                out[case.name] = rig.run(case, ethertype)
            finally:
                if case.mroute:
                    mroute_daemon(False)
            case.restore(sysctl)
        return out

    # All cases native, then all through oxip's ethertype, then all with b's
    # veth taken over: one attach for the whole takeover pass.
    modes = os.environ.get("DIFF_MODES", "ethertype takeover").split()
    native = run_all(0x0800)
    results = {}
    if "ethertype" in modes:
        results["ethertype"] = run_all(OXIP_ETHERTYPE)
    if "takeover" in modes:
        takeover(True)
        try:
            results["takeover"] = run_all(0x0800)
        finally:
            takeover(False)
    for case in cases:
        nat = native[case.name]
        for mode in modes:
            res = results[mode][case.name]
            diffs = [f"{k}: native {nat[k]!r} oxip {res[k]!r}" for k in nat if nat[k] != res[k]]
            if case.expect and not case.expect(nat):
                diffs.append(f"native outcome not as the case expects: {nat!r}")
            if diffs:
                failed += 1
                print(f"FAIL {case.name} [{mode}]")
                for d in diffs:
                    print(f"     {d}")
            else:
                passed += 1
                print(f"ok   {case.name} [{mode}] delivered={res['delivered']} replies={res['replies']} "
                      f"drops={res['drops']}")
    print(f"diff: {passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
