#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the VM (root, host filesystem read-only, $OUT writable).
# Everything the host judges is written to files in $OUT.
set -u
MODE=$1; OUT=$2
TOP=$(cd "$(dirname "$0")/../.." && pwd)
exec > "$OUT/guest.log" 2>&1
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export OXIP_TOP=$TOP OXIP_OUT=$OUT
enable -f /usr/lib/bash/sleep sleep 2>/dev/null || true
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
mountpoint -q /sys/kernel/tracing || mount -t tracefs none /sys/kernel/tracing 2>/dev/null
dmesg -n 4
KML=/sys/kernel/debug/kmemleak
[ -w $KML ] && echo clear > $KML

dmesg > "$OUT/boot.log"
dmesg -C
# OXIP_KO, OXIP_KERNEL, ONLY, SHARD: from the VM command line (run.sh).
# shellcheck disable=SC2153
if ! insmod "$OXIP_KO"; then
  echo "FAIL insmod" >> "$OUT/results"
fi
# The KTAP of the suites that ran at insmod.
dmesg > "$OUT/ktap.log"

if [ "$MODE" = demo ]; then
  bash "$TOP/tests/vm/demo.sh" > "$OUT/demo.txt" 2>&1
elif [ "$MODE" = bench ]; then
  bash "$TOP/tests/vm/bench.sh" > "$OUT/bench.log" 2>&1
elif [ "$MODE" = selftests ]; then
  bash "$TOP/tests/vm/selftests_guest.sh" > "$OUT/selftests.log" 2>&1
else
  # The scenarios this run may take, in file order. Their "# oxip-..."
  # header lines are read by bash itself (an exec costs a second on the
  # debug kernel).
  todo=()
  for s in "$TOP"/tests/vm/scenarios/*.sh; do
    name=${s##*/}; name=${name%.sh}
    mapfile -n 12 -t hdr < "$s"
    marks=" " cost=60
    for l in "${hdr[@]}"; do
      [[ $l =~ ^#\ oxip-check:\ ([a-z-]+) ]] && marks+="${BASH_REMATCH[1]} "
      [[ $l =~ ^#\ oxip-cost:\ ([0-9]+) ]] && cost=${BASH_REMATCH[1]}
    done
    [ -n "${ONLY:-}" ] && ! [[ " $ONLY " == *" $name "* ]] && continue
    # A scenario marked "oxip-check: opt-in" runs only when named in ONLY
    # (make fuzz uses those).
    [ -z "${ONLY:-}" ] && [[ $marks == *" opt-in "* ]] && continue
    # One marked "oxip-check: not-debug" is left out of the debug kernel's
    # make check (the kernel's own selftests: 10-16 minutes each under
    # KASAN and TCG, a third of the debug run); the stock kernel runs it.
    [ -z "${ONLY:-}" ] && [ "${OXIP_KERNEL:-}" = debug ] && [[ $marks == *" not-debug "* ]] && continue
    # CHECK_SET=stock (make check's stock-kernel VM): only the scenarios
    # marked "oxip-check: stock" or "not-debug"; the debug kernel runs
    # every other one under KASAN, and make check-stock runs them all.
    [ -z "${ONLY:-}" ] && [ "${CHECK_SET:-}" = stock ] && ! [[ $marks == *" stock "* || $marks == *" not-debug "* ]] && continue
    # SHARD=i/n without a queue: the scenarios that remain are dealt
    # round-robin.
    if [ -n "${SHARD:-}" ] && [ -z "${QUEUE:-}" ]; then
      k=$(( ${k:--1} + 1 ))
      [ $(( k % ${SHARD#*/} )) = $(( ${SHARD%/*} - 1 )) ] || continue
    fi
    todo+=("$cost $name")
  done
  # QUEUE (a directory on the host that every VM of this kernel in make
  # check shares): the VMs take scenarios from one list, longest first (by
  # the "oxip-cost:" seconds each one states), each claiming the next one
  # not yet claimed with mkdir, which only one of them can win. So the VMs
  # end within a scenario of each other, whatever the scenarios cost.
  if [ -n "${QUEUE:-}" ]; then
    mapfile -t todo < <(printf '%s\n' "${todo[@]}" | sort -k1,1nr -k2)
  fi
  for item in "${todo[@]}"; do
    name=${item#* }
    s=$TOP/tests/vm/scenarios/$name.sh
    if [ -n "${QUEUE:-}" ]; then
      mkdir "$QUEUE/$name" 2>/dev/null || continue
    fi
    echo "=== $name"
    # Each scenario starts from no namespace: what an earlier one left
    # behind (a failed one, or the differential rig's a, b, c) is deleted.
    for n in $(ip netns list 2>/dev/null | awk '{print $1}'); do ip netns del "$n"; done
    t0=$SECONDS
    # TRACE=1: each command of the scenario with the time it started
    # (where a scenario's seconds go), in $OUT/NAME.trace.
    if [ -n "${TRACE:-}" ]; then
      # shellcheck disable=SC2016 # expanded by the inner bash
      timeout "${SCENARIO_TIMEOUT:-600}" bash -c 'exec 9> "$2"; BASH_XTRACEFD=9 PS4="+ \$EPOCHREALTIME "; set -x; . "$1"' \
        bash "$s" "$OUT/$name.trace" > "$OUT/$name.log" 2>&1
    else
      timeout "${SCENARIO_TIMEOUT:-600}" bash "$s" > "$OUT/$name.log" 2>&1
    fi
    rc=$?
    if [ $rc = 0 ]; then r=PASS; else r=FAIL; fi
    echo "$r $name ($((SECONDS - t0))s)" >> "$OUT/results"
    [ $rc = 0 ] || tail -20 "$OUT/$name.log"
  done
fi

# Unload, then look for leaks that name oxip.
for n in $(ip netns list 2>/dev/null | awk '{print $1}'); do ip netns del "$n"; done
sleep 1
echo "=== rmmod"
# A hung unload must fail the run, not hang it: show where it is stuck.
rmmod oxip &
rm_pid=$!
for _ in $(seq 60); do kill -0 $rm_pid 2>/dev/null || break; sleep 1; done
if kill -0 $rm_pid 2>/dev/null; then
  echo "FAIL rmmod (hung for 60 s)" >> "$OUT/results"
  { echo "rmmod stack:"; cat /proc/$rm_pid/stack; echo t > /proc/sysrq-trigger; } > "$OUT/rmmod-hang.txt" 2>&1
  dmesg > "$OUT/dmesg.log"
  sync; echo "done" > "$OUT/done"
  exit 0
fi
wait $rm_pid || echo "FAIL rmmod" >> "$OUT/results"
if [ -w $KML ]; then
  echo scan > $KML; sleep 1; echo scan > $KML
  cat $KML > "$OUT/kmemleak.log"
  # After rmmod the module's frames have no symbol left: an unresolved
  # module-space address (0xffffffffa...) in a backtrace is oxip's.
  if grep -qE 'oxip|^ +0xffffffffa[0-9a-f]+$' "$OUT/kmemleak.log"; then
    echo "FAIL kmemleak (a leak allocated by oxip; see kmemleak.log)" >> "$OUT/results"
  fi
fi
dmesg > "$OUT/dmesg.log"
sync
echo "done" > "$OUT/done"
