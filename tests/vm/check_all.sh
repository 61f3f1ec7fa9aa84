#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make check`'s VM part: every scenario on the debug kernel (with KUnit)
# and on Debian's stock kernel, the two VMs side by side. Under TCG a guest
# mostly keeps one host core busy, so two at once finish in about the time
# of the longer one. Each run's report is printed whole, then one line:
#   vm: N passed, N failed   (scenarios over both kernels; KUnit, the kernel
#   log and the unload count as failures of their run)
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
KERNELS=${KERNELS:-debug stock}
pids=()
for k in $KERNELS; do
  mkdir -p "$TOP/out"
  "$TOP/tests/vm/run.sh" check "$k" > "$TOP/out/check-$k.txt" 2>&1 &
  pids+=($!)
done
rc=0; i=0; pass=0; fail=0
for k in $KERNELS; do
  wait "${pids[$i]}"; r=$?
  i=$((i + 1))
  printf '\n==================== %s kernel ====================\n' "$k"
  cat "$TOP/out/check-$k.txt"
  p=$(grep -c '^PASS ' "$TOP/out/vm-check-$k/results" 2>/dev/null || true)
  f=$(grep -c '^FAIL ' "$TOP/out/vm-check-$k/results" 2>/dev/null || true)
  pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0}))
  if [ $r != 0 ]; then
    rc=1
    # A run that failed outside its scenarios (KUnit, kernel log, boot).
    [ "${f:-0}" != 0 ] || fail=$((fail + 1))
  fi
done
echo
echo "vm: $pass passed, $fail failed"
exit $rc
