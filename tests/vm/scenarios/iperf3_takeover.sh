#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# iperf3 TCP from a to b, native and then with b's veth in takeover mode, in
# the same VM; oxip's counters must show the second run went through oxip:
# its InOctets grew by at least what iperf3 received (a packet count would
# depend on the kernel's speed: GRO super-packets on the debug kernel).
set -eu -o pipefail
. "$OXIP_TOP/tests/vm/lib.sh"
two_hosts
ip netns exec b iperf3 -s -D -1 -p 5201 >/dev/null
sleep 0.5
ip netns exec a iperf3 -c 10.0.0.2 -p 5201 -t "${IPERF_SECONDS:-4}" -J > "$OXIP_OUT/iperf3-native.json"
t0=$(oxip_counter b TakeoverRcv); b0=$(oxip_counter b InOctets)
takeover b veth-b
ip netns exec b iperf3 -s -D -1 -p 5202 >/dev/null
sleep 0.5
ip netns exec a iperf3 -c 10.0.0.2 -p 5202 -t "${IPERF_SECONDS:-4}" -J > "$OXIP_OUT/iperf3-oxip.json"
t1=$(oxip_counter b TakeoverRcv); b1=$(oxip_counter b InOctets)
release b veth-b
n=$(jq '.end.sum_received.bits_per_second' "$OXIP_OUT/iperf3-native.json")
o=$(jq '.end.sum_received.bits_per_second' "$OXIP_OUT/iperf3-oxip.json")
python3 - "$n" "$o" "$t0" "$t1" <<'PY' | tee "$OXIP_OUT/iperf3.txt"
import sys
n, o, t0, t1 = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
print(f"iperf3 TCP a->b  native {n/1e6:9.1f} Mbit/s   oxip (takeover) {o/1e6:9.1f} Mbit/s   ratio {o/n:.2f}")
print(f"oxip TakeoverRcv during the oxip run: {t1 - t0} packets")
PY
got=$(jq '.end.sum_received.bytes' "$OXIP_OUT/iperf3-oxip.json")
echo "oxip InOctets during the oxip run: $((b1 - b0)); iperf3 received $got bytes"
[ $((t1 - t0)) -gt 0 ] && [ "$((b1 - b0))" -ge "${got%.*}" ]
