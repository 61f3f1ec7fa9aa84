#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The stock tree's export guard (scripts/stock.sh) accepts the prepared
# tree with the kernel's own Module.symvers, and refuses one where a Rust
# symbol drifted (renamed as a different compiler's crate hash would) with
# a message that says so.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/scripts/lib.sh"
T=$(readlink -f "$CACHE/kernel-stock")
[ -f "$T/.oxip-done" ] || "$TOP/scripts/stock.sh" >/dev/null || exit 1
pass=0; fail=0
check() { if [ "$1" = 0 ]; then pass=$((pass+1)); echo "ok: $2"; else fail=$((fail+1)); echo "FAILED: $2"; fi; }

out=$("$TOP/scripts/stock.sh" guard "$T" "$T/Module.symvers" 2>&1); rc=$?
[ $rc = 0 ] && [[ "$out" == *"match"* ]]; check $? "matching Module.symvers accepted ($out)"

bad=$(mktemp)
# One kernel-crate symbol with another crate hash: what a different rustc
# version text or bindgen produces.
awk 'BEGIN{OFS="\t"} !done && $2 ~ /^_RNvNtCs/ {sub(/^_RNvNtCs[0-9a-zA-Z]+_/, "_RNvNtCs0000000000_", $2); done=1} {print}' \
  "$T/Module.symvers" > "$bad"
cmp -s "$bad" "$T/Module.symvers" && { echo "FAILED: could not make a drifted Module.symvers"; exit 1; }
out=$("$TOP/scripts/stock.sh" guard "$T" "$bad" 2>&1); rc=$?
[ $rc != 0 ] && [[ "$out" == *"not exported by"* ]] && [[ "$out" == *"would not load"* ]]; check $? "drifted Module.symvers refused: $(echo "$out" | tail -1)"

: > "$bad"
out=$("$TOP/scripts/stock.sh" guard "$T" "$bad" 2>&1); rc=$?
[ $rc != 0 ]; check $? "empty Module.symvers refused"
rm -f "$bad"
echo "guard: $pass passed, $fail failed"
[ $fail = 0 ]
