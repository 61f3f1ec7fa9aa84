#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make selftests`: the kernel's own IPv4 selftests (tools/testing/selftests/
# net and net/forwarding of the booted kernel's source), unchanged, run in
# one VM boot natively and then with oxip loaded as takeover=all, and one
# table: test, native verdict, oxip verdict (sub-tests OK/FAIL in
# brackets), oxip's counters during the oxip run (/proc/net/oxip_global
# deltas, the test's deleted namespaces included), the two run times.
# A test passes when oxip's verdict is native's and, unless both skipped,
# oxip received the test's traffic (TakeoverRcv > 0).
#   tests/vm/selftests.sh [KERNEL]          default stock
#   SELFTESTS="router fib_tests" ...        some (ids: tests/vm/selftests_guest.sh)
#   SELFTESTS_BUDGET=s, SELFTEST_TIMEOUT=s  start no test after s seconds; per run limit
# The compiled helpers (nettest) are built here from the same source into
# the cache. Closing line: selftests: N passed, N failed.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/scripts/lib.sh"
NAME=${1:-stock}
KDIR=${KDIR:-$CACHE/kernel-$NAME}
SRC=$(readlink -f "$KDIR/source" 2>/dev/null || echo "$KDIR")
ST=$SRC/tools/testing/selftests
[ -d "$ST/net/forwarding" ] || die "no selftests in $ST: run 'make kernel KERNEL=$NAME'"
BIN=$CACHE/selftests-bin/$(basename "$SRC")
mkdir -p "$BIN"
# shellcheck disable=SC2043 # one helper today; the list is where others go
for p in nettest; do
  if [ ! -x "$BIN/$p" ] || [ "$ST/net/$p.c" -nt "$BIN/$p" ]; then
    step "building $p from $ST/net/$p.c"
    gcc -Wall -O2 -I"$ST" -I"$SRC/usr/include" -o "$BIN/$p" "$ST/net/$p.c" || die "building $p"
  fi
done
for c in jq mausezahn traceroute socat tcpdump ping arping smcrouted; do
  command -v "$c" >/dev/null || echo "warning: $c not found (scripts/deps.sh installs it); tests that need it skip" >&2
done
t0=$(date +%s)
SELFTESTS_BIN=$BIN "$TOP/tests/vm/run.sh" selftests "$NAME" || echo "the VM run did not finish: the table below is partial" >&2
OUT=$TOP/out/vm-selftests-$NAME
TSV=$OUT/selftests.tsv
[ -s "$TSV" ] || { tail -20 "$OUT/selftests.log" >&2; die "no results in $TSV"; }
awk '
  { k = $1; if (!(k in seen)) { seen[k] = 1; order[++n] = k }
    v[k, $2] = $3; sub_[k, $2] = "(" $4 "/" $5 ")"; secs[k, $2] = $6
    if ($2 == "oxip") { tk[k] = $7; rc[k] = $8; fw[k] = $9; ld[k] = $10; dr[k] = $11 } }
  END {
    printf "%-20s %-16s %-16s %11s %11s %10s %10s %8s %9s  %s\n", "test", "native (ok/fail)", "oxip (ok/fail)", "TakeoverRcv", "InReceives", "Forwarded", "LocalDeliv", "Drops", "secs n/o", "verdict"
    for (i = 1; i <= n; i++) {
      k = order[i]; a = v[k, "native"]; b = v[k, "oxip"]
      if (a == "") a = "-"; if (b == "") b = "-"
      if (a == "not-run") { r = "not run (budget)"; notrun++; printf "%-20s %s\n", k, r; continue }
      if (a == b && a == "SKIP") { r = "pass (skipped)"; skip++ }
      else if (a == b && tk[k] + 0 > 0) r = "pass"
      else if (a == b) r = "FAIL (no traffic through oxip)"
      else r = "FAIL (differs)"
      if (r ~ /^pass/) pass++; else fail++
      printf "%-20s %-16s %-16s %11s %11s %10s %10s %8s %4s/%-4s  %s\n", k, a " " sub_[k, "native"], b " " sub_[k, "oxip"], tk[k], rc[k], fw[k], ld[k], dr[k], secs[k, "native"], secs[k, "oxip"], r
    }
    printf "(%d of the passes skipped natively and under oxip alike; %d not run)\n", skip + 0, notrun + 0
    printf "selftests: %d passed, %d failed\n", pass + 0, fail + 0
  }' "$TSV" | tee "$OUT/selftests.txt"
echo "kernel $NAME, $(( $(date +%s) - t0 )) s in all; logs in $OUT/selftests/"
health=$(grep -E 'WARNING:|BUG:|Oops|general protection|kernel BUG|refcount_t|UBSAN|KASAN|KFENCE|unreferenced object|stall|blocked for more than|waiting for .* to become free' "$OUT/dmesg.log" || true)
if [ -n "$health" ]; then echo "$health"; echo "kernel log shows a problem (above)"; exit 1; fi
grep -q 'selftests: [0-9]* passed, 0 failed' "$OUT/selftests.txt"
