#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A router in takeover mode: r's two ports attached, so ordinary IPv4
# (0x0800) from unmodified hosts goes through oxip: ping and iperf3 across
# r, native first, then through oxip, in the same run.
#   h1 (10.0.1.2) -- r (10.0.1.1 | 10.0.2.1) -- h2 (10.0.2.2)
set -eu -o pipefail
. "$(dirname "$0")/functions.sh"
root_check
SECS=${SECS:-3}
router_topology 2
cleanup_ns h1 r h2
ip netns exec h2 iperf3 -s -D -p 5201 -I /tmp/oxip-s02.pid >/dev/null
trap 'kill "$(cat /tmp/oxip-s02.pid 2>/dev/null)" 2>/dev/null; printf "netns del %s\n" h1 r h2 | ip -force -batch - 2>/dev/null' EXIT
sleep 0.5
iperf() { ip netns exec h1 iperf3 -c 10.0.2.2 -p 5201 -t "$SECS" -J | jq '.end.sum_received.bits_per_second'; }

info "native: iperf3 TCP h1 -> h2 for $SECS s"
native=$(iperf)
SNMP_NAMES=(TakeoverRcv Forwarded HintHits FibLookups)
c0=$(oxip_counters r "${SNMP_NAMES[@]}")
info "echo +veth-r1 > /proc/net/oxip_takeover (and veth-r2), in r"
takeover r veth-r1 veth-r2
ip netns exec r cat /proc/net/oxip_takeover
info "ping h1 -> h2 through oxip"
ip netns exec h1 ping -c 3 -i 0.2 -W 2 10.0.2.2 | tail -2
info "oxip: iperf3 TCP h1 -> h2 for $SECS s"
oxip=$(iperf)
c1=$(oxip_counters r "${SNMP_NAMES[@]}")
release r veth-r1 veth-r2
awk -v n="$native" -v o="$oxip" 'BEGIN {
  printf "  %-28s%15s%13s%13s\n", "traffic", "native Mbit/s", "oxip Mbit/s", "oxip/native"
  printf "  %-28s%15.1f%13.1f%12.2fx\n", "h1 -> h2 (forwarded by r)", n / 1e6, o / 1e6, o / n }'
info "r's oxip counters that moved:"
snmp_delta r "$c0" "$c1"
read -r t0 f0 _ <<< "$c0"
read -r t1 f1 _ <<< "$c1"
check "r took frames over (TakeoverRcv +$((t1 - t0)))" [ $((t1 - t0)) -gt 0 ]
check "oxip forwarded them (Forwarded +$((f1 - f0)))" [ $((f1 - f0)) -gt 0 ]
check "iperf3 through oxip moved data ($oxip bit/s)" awk -v o="$oxip" 'BEGIN {exit !(o > 0)}'
