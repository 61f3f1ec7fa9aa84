#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make fuzz: differential fuzzing in the VM (tests/vm/fuzz.py through the
# fuzz_differential scenario) for as long as asked.
#   tests/vm/fuzz.sh [KERNEL]                 15 minutes on the debug kernel
#   FUZZ_SECS=3600 FUZZ_SEED=7 tests/vm/fuzz.sh stock
#   FUZZ_PACKETS=100000 tests/vm/fuzz.sh
# The guest gives a scenario 600 s, so the run is cut into rounds of at most
# FUZZ_ROUND_SECS (480) of sending, each in a fresh VM whose kernel log is
# checked (KASAN, lockdep, ... on the debug kernel), round n with seed
# FUZZ_SEED+n, until FUZZ_SECS (wall clock, boots included) or FUZZ_PACKETS
# is used up. Rounds alternate between the single-packet receive paths
# (fuzz_differential) and listified receive (fuzz_differential_list);
# FUZZ_PATHS=single or FUZZ_PATHS=list keeps to one. Divergences are appended to tests/vm/fuzz_cases.txt (once
# each), which the differential corpus replays; the rounds' logs are kept in
# out/fuzz/. Prints packets/s and divergences per round and in total; exits
# non-zero on any divergence or failed round.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/scripts/lib.sh"
KERNEL=${1:-debug}
SEED=${FUZZ_SEED:-1}
ROUND=${FUZZ_ROUND_SECS:-480}
read -r -a PATHS <<<"${FUZZ_PATHS:-single list}"
if [ -z "${FUZZ_SECS:-}" ] && [ -z "${FUZZ_PACKETS:-}" ]; then FUZZ_SECS=900; fi
SECS=${FUZZ_SECS:-0}
PACKETS=${FUZZ_PACKETS:-0}
grep -q 'FUZZ_SECS=' "$TOP/tests/vm/run.sh" ||
  die "tests/vm/run.sh does not pass FUZZ_SEED, FUZZ_PACKETS and FUZZ_SECS into the guest"
CASES=$TOP/tests/vm/fuzz_cases.txt
OUT=$TOP/out/fuzz
rm -rf "$OUT"; mkdir -p "$OUT"
start=$(date +%s)
round=0 sent=0 frames=0 guest_secs=0 divs=0 failed=0 added=0
while :; do
  now=$(date +%s)
  left=$ROUND
  if [ "$SECS" -gt 0 ]; then
    # Keep a minute for the boot and the unload.
    left=$(( SECS - (now - start) - 60 ))
    [ "$left" -gt "$ROUND" ] && left=$ROUND
    [ "$left" -ge 30 ] || break
  fi
  want=1000000000
  if [ "$PACKETS" -gt 0 ]; then
    want=$(( PACKETS - sent ))
    [ "$want" -gt 0 ] || break
  fi
  seed=$(( SEED + round ))
  scen=fuzz_differential
  [ "${PATHS[round % ${#PATHS[@]}]}" = list ] && scen=fuzz_differential_list
  step "fuzz round $round ($scen): seed $seed, up to ${left}s"
  ONLY=$scen FUZZ_SEED=$seed FUZZ_SECS=$left FUZZ_PACKETS=$want \
    "$TOP/tests/vm/run.sh" check "$KERNEL" > "$OUT/round-$round.txt" 2>&1 || failed=$((failed + 1))
  vmout=$TOP/out/vm-check-$KERNEL
  cp "$vmout/$scen.log" "$OUT/round-$round.log" 2>/dev/null || true
  cp "$vmout/dmesg.log" "$OUT/round-$round.dmesg" 2>/dev/null || true
  line=$(grep '^fuzz: .* packets sent' "$OUT/round-$round.log" 2>/dev/null | tail -1)
  if [ -z "$line" ]; then
    echo "round $round: no fuzz summary (see $OUT/round-$round.txt)"; tail -15 "$OUT/round-$round.txt"
    failed=$((failed + 1)); round=$((round + 1))
    [ "$PACKETS" -gt 0 ] && [ "$SECS" = 0 ] && break
    continue
  fi
  echo "  $line"
  read -r s f t d < <(sed -E 's/^fuzz: ([0-9]+) packets sent \(([0-9]+) frames.* in ([0-9.]+) s:.*divergences ([0-9]+).*/\1 \2 \3 \4/' <<<"$line")
  sent=$((sent + s)); frames=$((frames + f)); divs=$((divs + d))
  guest_secs=$(awk -v a="$guest_secs" -v b="$t" 'BEGIN { print a + b }')
  if [ -s "$vmout/fuzz-divergences.txt" ]; then
    while read -r c; do
      p=${c##*pkts=}
      if ! grep -qF "pkts=$p" "$CASES"; then echo "$c" >> "$CASES"; added=$((added + 1)); fi
    done < "$vmout/fuzz-divergences.txt"
  fi
  round=$((round + 1))
done
el=$(( $(date +%s) - start ))
rate=$(awk -v s="$sent" -v t="$guest_secs" 'BEGIN { printf "%.1f", (t > 0 ? s / t : 0) }')
echo
echo "fuzz ($KERNEL kernel): $round round(s), seeds $SEED..$((SEED + round - 1)), $sent packets ($frames frames) in ${guest_secs}s of guest time ($el s wall): $rate packets/s; divergences $divs ($added new case(s) appended to tests/vm/fuzz_cases.txt); failed rounds $failed"
[ "$divs" = 0 ] && [ "$failed" = 0 ] && [ "$round" -gt 0 ]
