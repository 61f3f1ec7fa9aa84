#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turns the samples of tests/vm/bench.sh into a table (medians, oxip/native
ratio, every sample) and a PNG plot of the ratios (gnuplot)."""
import json
import statistics
import subprocess
import sys
from pathlib import Path

TARGETS = {"pktgen_64B_1flow": 1.2}
ORDER = ["iperf3_tcp", "iperf3_udp", "pktgen_64B_1flow", "pktgen_64B_256flow", "pktgen_mcast_2oif"]


def main(path):
    out = Path(path).parent
    rows = {}
    for line in open(path):
        s = json.loads(line)
        if s["test"] == "oxip_forwarded_check":
            continue
        rows.setdefault(s["test"], {"unit": s["unit"], "native": [], "oxip": []})[s["path"]].append(s["value"])
    tests = [t for t in ORDER if t in rows] + sorted(t for t in rows if t not in ORDER)
    lines = [
        "oxip forwarding benchmark: h1 -> r -> h2, native r vs oxip (takeover on both r ports), same VM, same run",
        "runs alternate native/oxip and repeat; medians shown, samples in brackets",
        "",
        f"{'test':<22}{'unit':>8}{'native':>12}{'oxip':>12}{'oxip/native':>13}{'target':>8}  samples native | oxip",
    ]
    plot = []
    for t in tests:
        r = rows[t]
        if not r["native"] or not r["oxip"]:
            continue
        n, o = statistics.median(r["native"]), statistics.median(r["oxip"])
        ratio = o / n if n else 0.0
        target = TARGETS.get(t, 1.0)
        lines.append(f"{t:<22}{r['unit']:>8}{n:>12.1f}{o:>12.1f}{ratio:>12.2f}x{target:>7.1f}x  "
                     f"{[round(v, 1) for v in r['native']]} | {[round(v, 1) for v in r['oxip']]}")
        plot.append((t, ratio, target))
    text = "\n".join(lines) + "\n"
    (out / "bench.txt").write_text(text)
    print(text)
    dat = out / "bench.dat"
    dat.write_text("".join(f"{i} \"{t}\" {r:.3f} {tg:.2f}\n" for i, (t, r, tg) in enumerate(plot)))
    gp = f"""
set terminal png size 900,480 noenhanced
set output '{out / "bench.png"}'
set title 'oxip / native, forwarding through r (medians; 1.0 = native)'
set style fill solid 0.6
set boxwidth 0.5
set yrange [0:*]
set grid ytics
set xtics rotate by -20
set ylabel 'ratio'
plot '{dat}' using 1:3:xtic(2) with boxes title 'oxip/native', \\
     '' using 1:4 with points pt 7 ps 1.5 title 'target', \\
     1 with lines lw 2 dt 2 title 'native'
"""
    try:
        subprocess.run(["gnuplot"], input=gp, text=True, check=True)
        print(f"plot: {out / 'bench.png'}")
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"no plot: {e}")


if __name__ == "__main__":
    main(sys.argv[1])
