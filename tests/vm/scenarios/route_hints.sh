#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# oxip-cost: 121 (seconds under make check's debug kernel; its VMs take the costliest first)
# A batch of forwarded packets to one destination through the list path:
# the first takes a FIB lookup, the rest reuse its route as a hint; a
# custom FIB rule turns hints off, as ip_extract_route_hint says. Local
# bursts take hints where native's source validation takes its fast path.
# Then the same burst as plain IPv4 under takeover with takeover_retag=1
# (the default): the hook retags the frames, native list receive batches
# them to oxip's packet_type, and they get batches and hints without a
# queue of oxip's; with takeover_retag=0 they go through oxip's backlog.
# The route cache is off here (route_cache=0): its own scenario is
# route_cache.sh.
set -eu -o pipefail
. "$OXIP_TOP/tests/vm/lib.sh"
rmmod oxip
insmod "$OXIP_KO" route_cache=0
trap 'rmmod oxip; insmod "$OXIP_KO"' EXIT
two_hosts
python3 -S "$VM/netns.py" sysctl b net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0 \
  net.ipv4.conf.veth-b.send_redirects=0
ip -n b neigh replace 10.0.0.3 lladdr "$(mac a veth-a)" dev veth-b nud permanent
gro_on
export BATCHED=1
N=200
# burst ETHERTYPE DST [pkt.py options]: N frames from a to b; sets h f bt t,
# what HintHits, FibLookups, ListBatches and TakeoverRcv in b grew by, and
# ls, the IP_LOCAL_SOURCE drops oxip counted.
drops() { in_ns b awk '$1 == "IP_LOCAL_SOURCE" { n = $2 } END { print n + 0 }' /proc/net/oxip_drops; }
burst() {
  local h0 f0 b0 t0 h1 f1 b1 t1 ls0
  ls0=$(drops)
  read -r h0 f0 b0 t0 < <(oxip_counters b HintHits FibLookups ListBatches TakeoverRcv)
  send_ip a veth-a "$(mac b veth-b)" "$1" $N udp 10.0.0.1 "$2" 9 "${@:3}"
  sleep 0.5
  read -r h1 f1 b1 t1 < <(oxip_counters b HintHits FibLookups ListBatches TakeoverRcv)
  h=$((h1 - h0)) f=$((f1 - f0)) bt=$((b1 - b0)) t=$((t1 - t0)) ls=$(($(drops) - ls0))
}
burst 0x88b5 10.0.0.3
echo "hints $h lookups $f batches $bt for $N packets"
[ $bt -gt 0 ]
[ $h -gt 0 ]
[ $((h + f)) -eq $N ]
# Local bursts: native's ip_route_use_hint reuses a local route too, after
# fib_validate_source's fast path (rp_filter off, no custom local routes
# or rules: the source must not be one of b's addresses); so does oxip.
burst 0x88b5 10.0.0.2
echo "local: hints $h lookups $f for $N packets"
[ $h -gt 0 ]
[ $((h + f)) -eq $N ]
# Every other frame from b's own address: each is dropped as
# IP_LOCAL_SOURCE, most of them on the hint path (no FIB lookup).
burst 0x88b5 10.0.0.2 --alt-src 10.0.0.2
echo "local, half from a local source: IP_LOCAL_SOURCE $ls hints $h lookups $f"
[ $ls -eq $((N / 2)) ]
[ $h -gt 0 ]
[ $f -lt $((N / 2)) ]
# rp_filter makes native validate with a reverse lookup, which oxip cannot
# call: it routes those packets in full instead (no hints, same outcome).
python3 -S "$VM/netns.py" sysctl b net.ipv4.conf.veth-b.rp_filter=1
burst 0x88b5 10.0.0.2
echo "local with rp_filter: hints $h lookups $f"
[ $h -eq 0 ]
[ $f -eq $N ]
python3 -S "$VM/netns.py" sysctl b net.ipv4.conf.veth-b.rp_filter=0

# Takeover, entered by retagging (takeover_retag=1, the default): batches
# and hints, TakeoverRcv counts them.
rmmod oxip
insmod "$OXIP_KO" takeover_retag=1 route_cache=0
takeover b veth-b
burst 0x0800 10.0.0.3
nat=$(in_ns b awk '/^Ip: [0-9]/ { print $4 }' /proc/net/snmp)
echo "takeover (retag): TakeoverRcv $t hints $h lookups $f batches $bt; native InReceives $nat"
[ $t -eq $N ]
[ $bt -gt 0 ] && [ $bt -lt $N ]
[ $h -gt 0 ]
[ $((h + f)) -eq $N ]
[ "$nat" = 0 ]
# The backlog entry (takeover_retag=0) batches them too, from its NAPI poll.
rmmod oxip
insmod "$OXIP_KO" takeover_retag=0 route_cache=0
takeover b veth-b
burst 0x0800 10.0.0.3
echo "takeover (backlog): TakeoverRcv $t hints $h lookups $f batches $bt"
[ $t -eq $N ]
[ $bt -gt 0 ]
[ $((h + f)) -eq $N ]

# Custom rules (fib_has_custom_rules stays set once a rule was added, so
# last): no hints.
ip -n b rule add from 192.0.2.0/24 table 100
burst 0x0800 10.0.0.3
echo "with a custom rule: hints $h lookups $f"
[ $h -eq 0 ]
[ $f -eq $N ]
