#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Where the instructions go: `make bench-calls`' report.

Reads the calls-PATH.txt files the guest wrote (tests/vm/bench.sh with
BENCH_CLOCK=calls: function entries counted by the function tracer while
pktgen sent one flow through r) and prints, per path, the function entries
per forwarded packet, how many of them are oxip's own, and the functions
whose count per packet differs most from native's.

    bench_calls.py DIR [--top N]
"""
import re
import sys
from pathlib import Path

from bench_profile import demangle


def load(path: Path):
    head = path.read_text().splitlines()
    m = re.match(r"# path (\S+) packets (\d+) overrun (\d+)", head[0])
    if not m:
        raise SystemExit(f"{path}: no header")
    counts = {}
    for line in head[1:]:
        parts = line.split()
        if len(parts) == 2:
            counts[parts[1]] = int(parts[0])
    return m.group(1), int(m.group(2)), int(m.group(3)), counts


def main() -> int:
    args = sys.argv[1:]
    top = 25
    if "--top" in args:
        i = args.index("--top")
        top = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 1:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    d = Path(args[0])
    sym_file = d / "calls-oxip-symbols.txt"
    oxip_syms = set(sym_file.read_text().split()) if sym_file.exists() else set()
    runs = {}
    for f in sorted(d.glob("calls-*.txt")):
        if f.name == "calls-oxip-symbols.txt":
            continue
        name, pkts, overrun, counts = load(f)
        runs[name] = (pkts, overrun, counts)
    if "native" not in runs:
        print("no calls-native.txt", file=sys.stderr)
        return 1
    order = [p for p in ("native", "ethertype", "nocache", "retag", "takeover", "direct") if p in runs]

    def per_pkt(p):
        pkts, _, counts = runs[p]
        return {k: v / max(pkts, 1) for k, v in counts.items()}

    base = per_pkt("native")
    print("function entries per forwarded packet (function tracer, both CPUs, sender included)")
    print(f"{'path':<10} {'packets':>8} {'entries/pkt':>12} {'vs native':>10} {'oxip own':>9} {'overrun':>8}")
    for p in order:
        pkts, overrun, counts = runs[p]
        pp = per_pkt(p)
        total = sum(pp.values())
        own = sum(v for k, v in pp.items() if k in oxip_syms)
        print(f"{p:<10} {pkts:>8} {total:>12.1f} {total - sum(base.values()):>+10.1f} {own:>9.1f} {overrun:>8}")
    for p in order[1:]:
        pp = per_pkt(p)
        keys = set(pp) | set(base)
        deltas = sorted(((pp.get(k, 0) - base.get(k, 0), k) for k in keys), key=lambda t: -abs(t[0]))
        print(f"\n== {p} vs native: the {top} largest differences in entries per packet")
        for delta, k in deltas[:top]:
            if abs(delta) < 0.05:
                break
            tag = " [oxip]" if k in oxip_syms else ""
            print(f"  {delta:>+7.2f}  {pp.get(k, 0):>6.2f} vs {base.get(k, 0):>6.2f}  {demangle(k)}{tag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
