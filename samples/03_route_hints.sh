#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Route hints under 64-byte multi-flow traffic. Frames that arrive
# together go through oxip's list receive (ip_list_rcv): a packet whose
# destination and TOS match the previous one's reuses its route (HintHits)
# instead of a FIB lookup (FibLookups), as ip_extract_route_hint allows.
# 64 UDP flows (source ports) to one destination share one route; the
# same frames to 64 destinations need a lookup each time the destination
# changes. Across batches, oxip's per-CPU route cache (route_cache=1, the
# default) serves what a hint does not: RouteCacheHits. h1 sends in oxip's
# ethertype to r, whose veth receives through NAPI/GRO so frames reach
# oxip in batches.
#   h1 (10.0.1.2) -- r (10.0.1.1 | 10.0.2.1) -- h2 (10.0.2.2), 10.0.9.0/24 via h2
set -eu -o pipefail
. "$(dirname "$0")/functions.sh"
root_check
N=${COUNT:-1000}
router_topology 2 net.ipv4.conf.all.send_redirects=0
cleanup_ns h1 r h2
ip -n r route add 10.0.9.0/24 via 10.0.2.2
# r's veth-r1 receives through NAPI (GRO on, the sender without TSO), the
# NAPI thread and the sender on CPU 0: a poll finds many frames waiting.
ip netns exec h1 ethtool -K veth-h1 tso off >/dev/null
ip netns exec r ethtool -K veth-r1 gro on >/dev/null
ip netns exec r sh -c 'echo 1 > /sys/class/net/veth-r1/threaded'
for p in $(pgrep '^napi/veth-r1'); do taskset -pc 0 "$p" >/dev/null; done
export BATCHED=1
SNMP_NAMES=(ListBatches HintHits RouteCacheHits FibLookups Forwarded)
# 64-byte frames: 14 Ethernet + 20 IP + 8 UDP + 18 payload, + 4 FCS.
run() {  # run pkt.py-options...: "batches hints cache-hits lookups forwarded" deltas
  local c0 c1
  c0=$(oxip_counters r "${SNMP_NAMES[@]}")
  send_ip h1 veth-h1 "$(mac r veth-r1)" 0x88b5 "$N" udp 10.0.1.2 10.0.9.1 9 --payload-len 18 "$@"
  sleep 0.5
  c1=$(oxip_counters r "${SNMP_NAMES[@]}")
  local -a b a
  read -r -a b <<< "$c0"
  read -r -a a <<< "$c1"
  echo $((a[0] - b[0])) $((a[1] - b[1])) $((a[2] - b[2])) $((a[3] - b[3])) $((a[4] - b[4]))
}
read -r b1 h1 c1 f1 w1 < <(run --flows 64)
read -r b2 h2 c2 f2 w2 < <(run --flows 64 --dst-range 64)
printf '  %-36s %8s %9s %15s %11s %10s\n' "$N frames of 64 bytes" ListBatches HintHits RouteCacheHits FibLookups Forwarded
printf '  %-36s %8s %9s %15s %11s %10s\n' "64 flows, one destination" "$b1" "$h1" "$c1" "$f1" "$w1"
printf '  %-36s %8s %9s %15s %11s %10s\n' "64 flows, 64 destinations in turn" "$b2" "$h2" "$c2" "$f2" "$w2"
check "one destination: every frame routed once, by hint, cache or lookup" [ $((h1 + c1 + f1)) = "$N" ]
check "destinations in turn: every frame routed once" [ $((h2 + c2 + f2)) = "$N" ]
check "one destination: batch-mates reuse the route ($h1 hint hits)" [ "$h1" -gt 0 ]
check "destinations in turn: no hint applies ($h2 hint hits)" [ "$h2" = 0 ]
check "destinations in turn: the route cache serves them across batches ($c2 cache hits)" [ "$c2" -gt 0 ]
