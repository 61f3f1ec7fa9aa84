#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# oxip-cost: 156 (seconds under make check's debug kernel; its VMs take the costliest first)
# oxip-check: stock (make check runs it on the stock kernel too)
# Differential fuzzing (tests/vm/fuzz.py): seeded, mutated IPv4 packets
# through native and through oxip in ethertype and takeover modes, on the
# differential corpus's topology; fails on any divergence (saved to
# $OXIP_OUT/fuzz-divergences.txt as corpus cases). make check runs a fixed
# slice; `make fuzz` (tests/vm/fuzz.sh) sets FUZZ_SEED, FUZZ_PACKETS and
# FUZZ_SECS for longer runs.
set -eu -o pipefail
. "$OXIP_TOP/tests/vm/lib.sh"
diff_topology
echo "topology set up in ${SECONDS}s"
# ip_error's per-source rate limit (net.ipv4.route.error_cost, global, in
# jiffies) would let the first path through answer and the later ones not.
cost=$(cat /proc/sys/net/ipv4/route/error_cost)
trap 'echo "$cost" > /proc/sys/net/ipv4/route/error_cost' EXIT
echo 0 > /proc/sys/net/ipv4/route/error_cost
export FUZZ_SEED=${FUZZ_SEED:-1}
export FUZZ_PACKETS=${FUZZ_PACKETS:-2000}
# The guest kills a scenario after 600 s: sending stops in time for the
# set-up already spent, fuzz.py's own (~10 s), a divergence's narrowing (20 s
# more at most) and the checks below.
cap=$(( 540 - SECONDS - 40 ))
if [ -z "${FUZZ_SECS:-}" ]; then
  # The fixed slice: all of it must be sent in time.
  export FUZZ_SECS=$cap FUZZ_MIN_PACKETS=$FUZZ_PACKETS
elif [ "$FUZZ_SECS" -gt "$cap" ]; then
  echo "FUZZ_SECS=$FUZZ_SECS cut to $cap (the guest's 600 s per scenario)"
  export FUZZ_SECS=$cap
fi
pin=
if [ "${FUZZ_GRO:-off}" = on ]; then
  # b's veth runs NAPI/GRO, the sender and the NAPI thread on CPU 0: frames
  # arrive in batches, native and oxip take their list paths (as
  # differential_list.sh does).
  gro_on
  pin="taskset -c 0"
  export FUZZ_LIST=1
fi
$pin python3 -S "$OXIP_TOP/tests/vm/fuzz.py" | tee "$OXIP_OUT/fuzz-differential.txt"
echo "fuzz_differential: ${SECONDS}s in all"
# Nothing may have waited for ARP (it would make outcomes depend on time).
for n in a b c; do
  if ip -n $n neigh show | grep -vE 'PERMANENT|NOARP' | grep .; then
    echo "namespace $n resolved a neighbour: the fuzzer sent somewhere without a static one"; exit 1
  fi
done
