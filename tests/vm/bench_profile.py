#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Where the instructions go, by function: `make bench-profile`'s report.

Reads what the guest and the insnprof plugin wrote (tests/vm/bench.sh with
BENCH_CLOCK=profile): snap-N.txt, the plugin's counters at the guest's Nth
marker (`vaddr insns i0 i1 i2 i3` per translated block of kernel text: the
instructions it executed on vCPUs 0-3);
profile-runs.txt, `PATH-DST first second r_frames h2_frames` per run; the kernel's
text symbols (profile-kernel.txt) and oxip's as loaded for each run
(profile-oxip-PATH-DST.txt). For each run it subtracts the two snapshots,
gives each block's instructions to the function its first instruction is
in, divides by the frames r received (h2 receives as many, or one copy
of each for multicast, unless some were lost: the report says so), and
prints per destination kind
the total, oxip's own share, and the functions whose instructions per
packet differ most from native's.

It counts vCPU 1 only (`--cpu all` counts all): there r receives (RPS),
forwards and h2 receives, while pktgen sends from vCPU 0 paced by a busy
wait whose instructions follow time, not frames. vCPU 1 does the same
per-frame work on every path but oxip's, plus its wake-up for each frame.

    bench_profile.py DIR [--top N] [--cpu N|all]
"""
import argparse
import bisect
import re
import sys
from collections import defaultdict
from pathlib import Path


def demangle(name: str) -> str:
    """A Rust v0 symbol (_R...) as its last two path segments, e.g.
    `rcv::ip_rcv_finish_core`: identifiers are `<length>[_]<bytes>`; the
    crate disambiguator (`s<base62>_`) and back-references (`B<base62>_`)
    are skipped, and so is every other tag letter. A generic instance
    (`_RI`) ends at its path's last identifier, before its arguments."""
    if not name.startswith("_R"):
        return name
    generic = name.startswith("_RI")
    segs, i, n = [], 2, len(name)
    while i < n:
        c = name[i]
        if c.isdigit():
            j = i
            while j < n and name[j].isdigit():
                j += 1
            length = int(name[i:j])
            if j < n and name[j] == "_":
                j += 1
            segs.append(name[j:j + length])
            i = j + length
            if generic and i < n and not name[i].isdigit():
                break
        elif c in "sB" and i + 1 < n and (name[i + 1].isalnum() or name[i + 1] == "_"):
            j = name.find("_", i + 1)
            i = n if j < 0 else j + 1
        else:
            i += 1
    segs = [x for x in segs if x and x not in ("oxip_main", "oxip_core", "glue", "sys")]
    return "::".join(segs[-2:]) if segs else name


def symbols(*files: Path):
    """Sorted (address, name, module) of text symbols from kallsyms lines."""
    syms = []
    for f in files:
        for line in f.read_text().splitlines():
            parts = line.split()
            if len(parts) < 3 or parts[1] not in ("t", "T"):
                continue
            mod = parts[3].strip("[]") if len(parts) > 3 else ""
            syms.append((int(parts[0], 16), parts[2], mod))
    syms.sort()
    return syms


def snapshot(path: Path, cpu):
    """vaddr -> instructions executed on vCPU `cpu` (None: all) (a block
    retranslated at another length has a counter of its own: they add up)."""
    out = defaultdict(int)
    for line in path.read_text().splitlines():
        f = line.split()
        counts = [int(x) for x in f[2:]]
        out[int(f[0], 16)] += sum(counts) if cpu is None else counts[cpu]
    return out


def profile(d: Path, first: int, second: int, syms, cpu):
    a, b = snapshot(d / f"snap-{first}.txt", cpu), snapshot(d / f"snap-{second}.txt", cpu)
    addrs = [s[0] for s in syms]
    funcs = defaultdict(int)
    for va, n in b.items():
        delta = n - a.get(va, 0)
        if delta <= 0:
            continue
        i = bisect.bisect_right(addrs, va) - 1
        if i < 0:
            funcs[("?", "")] += delta
            continue
        _, name, mod = syms[i]
        funcs[(demangle(name), mod)] += delta
    return funcs


# The flow dissector's part of the sender's work: computing skb->hash.
SENDER_HASH = {"__skb_flow_dissect", "skb_flow_get_ports", "__siphash_unaligned", "__skb_get_hash_net"}


def replaced(nat, f) -> float:
    """Native's instructions in the functions a path (nearly) never runs:
    the kernel code oxip's own replaces (ip_rcv_core, the FIB lookup,
    ip_forward, early demux, ...)."""
    return sum(v for k, v in nat.items() if f.get(k, 0) < 0.05 * v)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("dir", type=Path)
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--cpu", default="1", help="a vCPU number, or all")
    a = ap.parse_args()
    top = a.top
    cpu = None if a.cpu == "all" else int(a.cpu)
    d = a.dir
    runs = {}
    for line in (d / "profile-runs.txt").read_text().splitlines():
        tag, first, second, packets, h2 = line.split()
        runs[tag] = (int(first), int(second), int(packets))
        if int(h2) != int(packets):
            print(f"{tag}: r received {packets} frames, h2 {h2}")
    kernel = d / "profile-kernel.txt"
    per = {}
    # The sender's flow hash (vCPU 0, where h1 sends and RPS hashes for
    # r): every path must pay the same, or the comparison is not one of
    # r's paths alone (bench.sh's ethertype(): the hash is computed before
    # the ethertype rewrite).
    sender = {}
    for tag, (first, second, packets) in runs.items():
        if packets <= 0:
            print(f"{tag}: no frames reached r")
            continue
        syms = symbols(kernel, d / f"profile-oxip-{tag}.txt")
        funcs = profile(d, first, second, syms, cpu)
        per[tag] = ({k: v / packets for k, v in funcs.items()}, packets)
        hashing = profile(d, first, second, syms, 0)
        sender[tag] = sum(v for (name, _), v in hashing.items() if name in SENDER_HASH) / packets

    dsts = []
    for tag in runs:
        dst = tag.split("-", 1)[1]
        if dst not in dsts:
            dsts.append(dst)
    for dst in dsts:
        base = per.get(f"native-{dst}")
        if not base:
            continue
        nat, _ = base
        where = "all vCPUs" if cpu is None else f"vCPU {cpu}"
        print(f"\n== destination {dst}: kernel instructions per frame r received, {where} ==")
        print(f"{'path':<10} {'frames':>8} {'total':>9} {'vs native':>9} {'oxip own':>9} {'replaced':>9} {'repl/own':>9}")
        for tag, (f, packets) in per.items():
            if not tag.endswith(f"-{dst}"):
                continue
            total = sum(f.values())
            own = sum(v for (name, mod), v in f.items() if mod == "oxip")
            repl = replaced(nat, f)
            ratio = sum(nat.values()) / total if total else 0
            rr = f"{repl / own:>8.3f}x" if own else f"{'-':>9}"
            print(f"{tag.split('-')[0]:<10} {packets:>8} {total:>9.0f} {ratio:>8.3f}x {own:>9.0f} {repl:>9.0f} {rr}")
        for tag, (f, _) in per.items():
            if not tag.endswith(f"-{dst}") or tag.startswith("native-"):
                continue
            keys = set(f) | set(nat)
            diff = sorted(keys, key=lambda k: -abs(f.get(k, 0) - nat.get(k, 0)))
            print(f"\n-- {tag} vs native: functions by difference (instructions per packet) --")
            print(f"{'function':<58} {'native':>8} {'path':>8} {'diff':>8}")
            for k in diff[:top]:
                name = k[0] + (f" [{k[1]}]" if k[1] else "")
                n, p = nat.get(k, 0), f.get(k, 0)
                print(f"{name[:58]:<58} {n:>8.1f} {p:>8.1f} {p - n:>+8.1f}")
        base_hash = sender.get(f"native-{dst}", 0)
        hashes = []
        for tag, v in sender.items():
            if tag.endswith(f"-{dst}"):
                off = base_hash and abs(v - base_hash) > 0.1 * base_hash
                hashes.append(f"{tag.split('-')[0]} {v:.0f}{' (!)' if off else ''}")
        print(f"\nsender's flow hash per frame (vCPU 0; (!) differs from native's by more than 10%): {', '.join(hashes)}")
        print(f"\n-- native-{dst}: the {top} costliest functions --")
        for k, v in sorted(nat.items(), key=lambda kv: -kv[1])[:top]:
            name = k[0] + (f" [{k[1]}]" if k[1] else "")
            print(f"{name[:58]:<58} {v:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
