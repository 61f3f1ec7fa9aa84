#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make check`'s VM part: every scenario on the debug kernel (with KUnit)
# and on Debian's stock kernel, in VMs side by side. Under TCG a guest
# mostly keeps one host core busy, and the debug kernel (KASAN, lockdep,
# kmemleak) is several times slower than the stock one, so its scenarios
# are dealt over two VMs (SHARD=1/2, 2/2) beside the stock kernel's one.
# The stock kernel runs the scenarios marked "oxip-check: stock" (the
# differential corpus, takeover=all, multicast forwarding) and those the
# debug kernel leaves out ("not-debug"); STOCK_ALL=1, or make check-stock,
# runs every scenario there.
# Each run's report is printed whole, then one line:
#   vm: N passed, N failed   (scenarios over all runs; a run that failed
#   outside its scenarios, in KUnit, the kernel log or the unload, counts
#   as one more failure)
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${RUNS:-debug:1/2 debug:2/2 stock}
mkdir -p "$TOP/out"
pids=()
for r in $RUNS; do
  k=${r%%:*}; s=; [ "$k" = "$r" ] || s=${r#*:}
  set=; [ "$k" = stock ] && [ -z "${STOCK_ALL:-}" ] && set=stock
  CHECK_SET=$set SHARD=$s "$TOP/tests/vm/run.sh" check "$k" > "$TOP/out/check-$k${s:+-${s%/*}}.txt" 2>&1 &
  pids+=($!)
done
rc=0; i=0; pass=0; fail=0
for r in $RUNS; do
  k=${r%%:*}; s=; [ "$k" = "$r" ] || s=${r#*:}
  name=$k${s:+-${s%/*}}
  wait "${pids[$i]}"; st=$?
  i=$((i + 1))
  printf '\n==================== %s kernel%s ====================\n' "$k" "${s:+, shard $s}"
  cat "$TOP/out/check-$name.txt"
  p=$(grep -c '^PASS ' "$TOP/out/vm-check-$name/results" 2>/dev/null || true)
  f=$(grep -c '^FAIL ' "$TOP/out/vm-check-$name/results" 2>/dev/null || true)
  pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0}))
  if [ $st != 0 ]; then
    rc=1
    [ "${f:-0}" != 0 ] || fail=$((fail + 1))
  fi
done
echo
echo "vm: $pass passed, $fail failed"
exit $rc
