#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# oxip-cost: 59 (seconds under make check's debug kernel; its VMs take the costliest first)
# iperf3 TCP from a to b, native and then with b's veth in takeover mode, in
# the same VM; oxip's counters must show the second run went through oxip:
# its InOctets grew by at least what iperf3 received (a packet count would
# depend on the kernel's speed: GRO super-packets on the debug kernel).
set -eu -o pipefail
. "$OXIP_TOP/tests/vm/lib.sh"
two_hosts
in_ns b iperf3 -s -D -1 -p 5201 >/dev/null
sleep 0.5
in_ns a iperf3 -c 10.0.0.2 -p 5201 -t "${IPERF_SECONDS:-4}" -J > "$OXIP_OUT/iperf3-native.json"
read -r t0 b0 < <(oxip_counters b TakeoverRcv InOctets)
takeover b veth-b
in_ns b iperf3 -s -D -1 -p 5202 >/dev/null
sleep 0.5
in_ns a iperf3 -c 10.0.0.2 -p 5202 -t "${IPERF_SECONDS:-4}" -J > "$OXIP_OUT/iperf3-oxip.json"
read -r t1 b1 < <(oxip_counters b TakeoverRcv InOctets)
release b veth-b
n=$(jq '.end.sum_received.bits_per_second' "$OXIP_OUT/iperf3-native.json")
o=$(jq '.end.sum_received.bits_per_second' "$OXIP_OUT/iperf3-oxip.json")
awk -v n="$n" -v o="$o" -v t="$((t1 - t0))" 'BEGIN {
  printf "iperf3 TCP a->b  native %9.1f Mbit/s   oxip (takeover) %9.1f Mbit/s   ratio %.2f\n", n / 1e6, o / 1e6, o / n
  printf "oxip TakeoverRcv during the oxip run: %d packets\n", t }' | tee "$OXIP_OUT/iperf3.txt"
got=$(jq '.end.sum_received.bytes' "$OXIP_OUT/iperf3-oxip.json")
echo "oxip InOctets during the oxip run: $((b1 - b0)); iperf3 received $got bytes"
[ $((t1 - t0)) -gt 0 ] && [ "$((b1 - b0))" -ge "${got%.*}" ]
