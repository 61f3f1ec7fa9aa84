#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turns the samples of tests/vm/bench.sh into a table and a PNG plot.

  bench_report.py BENCH.jsonl [MORE.jsonl ...] [--out DIR]

Per clock (icount first: its numbers are the ones targets are judged by),
per test: the median of each path (native, ethertype, nocache, takeover, direct, retag), each oxip
path's ratio to native, the spread (max/min - 1 over the repetitions), the
batch size (packets per ListBatches), the route-hint and route-cache hit
rates. Under
icount, packet rates are also shown as guest instructions per packet
(1e9 / pps: one guest nanosecond is one instruction). Ratios are "higher is
better": pps or Mbit/s of oxip over native, which under icount is native's
instructions per packet over oxip's."""
import json
import statistics
import subprocess
import sys
from pathlib import Path

PATHS = ["native", "ethertype", "nocache", "takeover", "direct", "retag"]
OXIP = PATHS[1:]
ABBR = {"ethertype": "eth", "nocache": "noc", "takeover": "tko", "direct": "dir", "retag": "rtg"}
# Issue 11's targets (icount): takeover >= 1.00 in every row (whichever
# entry: the backlog, or retagged frames through native batching), the pure
# datapath (ethertype without the route cache: nocache) >= 1.10, multicast
# >= 1.00; with the route cache (ethertype) >= 1.25 for one and few flows,
# >= 0.98 for random destinations.
TARGETS = {"ethertype": 1.25, "nocache": 1.10, "takeover": 1.00, "direct": 1.00, "retag": 1.00}


def target(path, test):
    if "_stop_" in test:  # a part of a packet's way, not a target
        return 0.0
    if path == "ethertype" and ("rnd" in test or "mcast" in test or "iperf" in test):
        return 0.98 if "rnd" in test else 1.00
    return TARGETS[path]
ORDER = ["iperf3_tcp", "iperf3_udp", "pktgen_64B_1flow", "pktgen_64B_1flow_stop_ingress",
         "pktgen_64B_1flow_stop_forward", "pktgen_64B_256flow", "pktgen_mcast_2oif",
         "pktgen_64B_1flow_napi", "pktgen_64B_256flow_napi", "bigfib_1flow", "bigfib_rnd"]


STOPS = ("pktgen_64B_1flow_stop_ingress", "pktgen_64B_1flow_stop_forward", "pktgen_64B_1flow")


def segments(rows):
    """Where the instructions go (icount, one flow): the stop rows split a
    forwarded packet's instructions at r's tc ingress (everything before
    any of oxip's entries: the sender, h1's egress, the veth, r's driver
    receive; the same for every path) and at the FORWARD hook (received,
    routed, TTL decremented, dropped by nft). Each segment per path, in
    instructions per packet, and native's over the path's; the ceiling is
    the ratio a path would reach if its receive and routing cost nothing."""
    if not all(("icount", t) in rows for t in STOPS):
        return []
    med = {}
    for t in STOPS:
        for p, v in rows[("icount", t)]["v"].items():
            med.setdefault(p, {})[t] = 1e9 / statistics.median(v)
    if not all(t in med.get("native", {}) for t in STOPS):
        return []
    out = ["== where the instructions go (icount, pktgen 64 B, one flow; ins/pkt, medians; native/path in brackets)",
           f"{'path':<11}{'to r ingress':>14}{'receive+route':>22}{'forward+output':>22}{'total':>20}"]
    seg = {}
    for p in PATHS:
        m = med.get(p, {})
        if not all(t in m for t in STOPS):
            continue
        b, f, t = (m[x] for x in STOPS)
        seg[p] = (b, f - b, t - f, t)
    for p, v in seg.items():
        n = seg["native"]
        cells = [f"{v[0]:>14.0f}"]
        for i in (1, 2, 3):
            r = n[i] / v[i] if v[i] > 0 else 0.0
            cells.append(f"{v[i]:>12.0f} ({r:.3f}x)" if p != "native" else f"{v[i]:>12.0f}         ")
        out.append(f"{p:<11}" + "".join(cells))
    n = seg["native"]
    ceiling = n[3] / (n[3] - n[1]) if n[3] > n[1] else 0.0
    out.append(f"ceiling: a path whose receive and routing cost nothing would forward at {ceiling:.3f}x native "
               f"({n[3]:.0f} / {n[3] - n[1]:.0f} ins/pkt)")
    return out + [""]


def spread(v):
    return (max(v) / min(v) - 1) * 100 if v and min(v) > 0 else 0.0


def load(paths):
    rows = {}
    for p in paths:
        for line in open(p):
            s = json.loads(line)
            path = {"oxip": "takeover"}.get(s["path"], s["path"])
            key = (s.get("clock", "wall"), s["test"])
            r = rows.setdefault(key, {"unit": s["unit"], "v": {}, "batch": {}, "hint": {}, "cache": {}, "rcv": {}})
            r["v"].setdefault(path, []).append(s["value"])
            for k, dst in (("batch", "batch"), ("hint_rate", "hint"), ("cache_rate", "cache"), ("oxip_rcv", "rcv")):
                if k in s:
                    r[dst].setdefault(path, []).append(s[k])
    return rows


def main(argv):
    out = None
    if "--out" in argv:
        i = argv.index("--out")
        out = Path(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    rows = load(argv)
    out = out or Path(argv[0]).parent
    out.mkdir(parents=True, exist_ok=True)
    clocks = sorted({c for c, _ in rows}, key=lambda c: (c != "icount", c))
    lines = ["oxip forwarding benchmark: h1 -> r -> h2, in one VM boot per clock; paths alternate and repeat",
             "native: the kernel's path; ethertype: oxip's packet_type (pure datapath, route cache on); nocache: the same,",
             "  route_cache=0; takeover: oxip on r's ports",
             "  through oxip's backlog; direct: one by one in the hook; retag: retagged to oxip's packet_type (default)",
             "ratio = oxip/native rate (icount: native instr/pkt over oxip's); spread = max/min-1 over reps;",
             "batch = packets per list batch in oxip; hint = route-hint hit rate; cache = route-cache hit rate; ! = below target", ""]
    plot = []
    below = []
    for clock in clocks:
        lines.append(f"== clock: {clock}" + (" (guest instructions; targets judged here)" if clock == "icount" else " (wall clock under TCG: +-20-30%)"))
        hdr = f"{'test':<24}{'unit':>7}"
        for p in PATHS:
            hdr += f"{p:>11}"
        for p in OXIP:
            hdr += f"{ABBR[p] + '/nat':>9}"
        hdr += f"{'spread% n/e/c/t/d/r':>26}{'batch e/c/t/d/r':>26}{'hint e/c/t/d/r':>26}{'cache e/c/t/d/r':>26}"
        lines.append(hdr)
        tests = [t for t in ORDER if (clock, t) in rows] + sorted(t for c, t in rows if c == clock and t not in ORDER)
        for t in tests:
            r = rows[(clock, t)]
            med = {p: statistics.median(r["v"][p]) for p in PATHS if r["v"].get(p)}
            if "native" not in med:
                continue
            instr = clock == "icount" and r["unit"] == "pps"
            show = (lambda x: 1e9 / x if x else 0.0) if instr else (lambda x: x)
            unit = "ins/pkt" if instr else r["unit"]
            line = f"{t:<24}{unit:>7}"
            for p in PATHS:
                line += f"{show(med[p]):>11.1f}" if p in med else f"{'-':>11}"
            for p in OXIP:
                if p in med and med["native"]:
                    ratio = med[p] / med["native"]
                    flag = ""
                    if clock == "icount" and ratio < target(p, t):
                        flag = "!"
                        below.append(f"{t} {p} {ratio:.3f}x < {target(p, t):.2f}x")
                    line += f"{ratio:>8.3f}{flag or 'x'}"
                    plot.append((f"{clock}:{t}:{ABBR[p]}", ratio, target(p, t)))
                else:
                    line += f"{'-':>9}"
            spreads = "/".join(f"{spread(r['v'][p]):.1f}" if r["v"].get(p) else "-" for p in PATHS)
            line += f" {spreads:>25}"
            for k in ("batch", "hint", "cache"):
                vals = [f"{statistics.median(r[k][p]):.2f}" if r[k].get(p) else "-" for p in OXIP]
                line += f" {'/'.join(vals):>25}"
            lines.append(line)
            for p in OXIP:
                if r["rcv"].get(p) and min(r["rcv"][p]) <= 0 and not t.endswith("_stop_ingress"):
                    lines.append(f"    WARNING: {t} {p}: a run where oxip received nothing (a native run in disguise)")
        lines.append("")
    lines += segments(rows)
    lines.append("below target (icount): " + ("; ".join(below) if below else "none"))
    text = "\n".join(lines) + "\n"
    (out / "bench.txt").write_text(text)
    print(text)
    dat = out / "bench.dat"
    dat.write_text("".join(f"{i} \"{t}\" {r:.3f} {tg:.2f}\n" for i, (t, r, tg) in enumerate(plot)))
    gp = f"""
set terminal png size 1200,520 noenhanced
set output '{out / "bench.png"}'
set title 'oxip / native, forwarding through r (medians; 1.0 = native)'
set style fill solid 0.6
set boxwidth 0.5
set yrange [0:*]
set grid ytics
set xtics rotate by -45 font ',8'
set ylabel 'ratio'
plot '{dat}' using 1:3:xtic(2) with boxes title 'oxip/native', \\
     '' using 1:4 with points pt 7 ps 1.2 title 'target', \\
     1 with lines lw 2 dt 2 title 'native'
"""
    try:
        subprocess.run(["gnuplot"], input=gp, text=True, check=True)
        print(f"plot: {out / 'bench.png'}")
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"no plot: {e}")


if __name__ == "__main__":
    main(sys.argv[1:])
