#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make check`'s VM part: every scenario on the debug kernel (with KUnit)
# and a share of them on Debian's stock kernel, in VMs side by side. Under
# TCG a guest mostly keeps one host core busy, and the debug kernel
# (KASAN, lockdep, kmemleak) is about twice as slow as the stock one, so
# its scenarios go to two VMs (SHARD=1/2, 2/2) that take them from one
# queue (QUEUE, costliest first), beside the stock kernel's one.
# The stock kernel runs the scenarios marked "oxip-check: stock" (the
# differential corpus and the differential fuzz slice) and those the
# debug kernel leaves out ("not-debug"); STOCK_ALL=1, or make check-stock,
# runs every scenario there.
# The stress scenarios (load and unload cycles, namespace churn, attach
# against rmmod, takeover=all's churn) run CHECK_BUDGET seconds of rounds
# each here (default 60, at least one round); make stress runs them whole.
# Each run's report is printed whole, then one line:
#   vm: N passed, N failed   (scenarios over all runs; a run that failed
#   outside its scenarios, in KUnit, the kernel log or the unload, counts
#   as one more failure)
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${RUNS:-debug:1/2 debug:2/2 stock}
mkdir -p "$TOP/out"
# The sharded VMs of one kernel share a queue directory, fresh each run.
rm -rf "$TOP"/out/vm-check-queue-*
pids=()
for r in $RUNS; do
  k=${r%%:*}; s=; [ "$k" = "$r" ] || s=${r#*:}
  set=; [ "$k" = stock ] && [ -z "${STOCK_ALL:-}" ] && set=stock
  q=
  if [ -n "$s" ]; then q=$TOP/out/vm-check-queue-$k; mkdir -p "$q"; fi
  BUDGET=${BUDGET:-${CHECK_BUDGET:-60}} QUEUE=$q CHECK_SET=$set SHARD=$s \
    "$TOP/tests/vm/run.sh" check "$k" > "$TOP/out/check-$k${s:+-${s%/*}}.txt" 2>&1 &
  pids+=($!)
done
# HOST_WHILE_VMS="make targets": host-side checks that run beside the VMs
# (make check's host fuzzing: the VMs boot meanwhile), printed after them.
host_pid=
if [ -n "${HOST_WHILE_VMS:-}" ]; then
  # shellcheck disable=SC2086 # a list of make targets
  make -C "$TOP" --no-print-directory $HOST_WHILE_VMS > "$TOP/out/check-host.txt" 2>&1 &
  host_pid=$!
fi
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
if [ -n "$host_pid" ]; then
  wait "$host_pid" || { rc=1; echo "host checks beside the VMs failed: $HOST_WHILE_VMS"; }
  printf '\n==================== host, beside the VMs: %s ====================\n' "$HOST_WHILE_VMS"
  cat "$TOP/out/check-host.txt"
fi
echo
echo "vm: $pass passed, $fail failed"
exit $rc
