#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A batch of forwarded packets to one destination through the list path:
# the first takes a FIB lookup, the rest reuse its route as a hint; a
# custom FIB rule turns hints off, as ip_extract_route_hint says. Local
# bursts take hints where native's source validation takes its fast path.
# Then the same burst as plain IPv4 under takeover with takeover_retag=1
# (the default): the hook retags the frames, native list receive batches
# them to oxip's packet_type, and they get batches and hints without a
# queue of oxip's; with takeover_retag=0 they go through oxip's backlog.
set -eu -o pipefail
. "$OXIP_TOP/tests/vm/lib.sh"
two_hosts
python3 "$VM/netns.py" sysctl b net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0 \
  net.ipv4.conf.veth-b.send_redirects=0
ip -n b neigh replace 10.0.0.3 lladdr "$(mac a veth-a)" dev veth-b nud permanent
gro_on
export BATCHED=1
N=200
read -r h0 f0 b0 < <(oxip_counters b HintHits FibLookups ListBatches)
send_ip a veth-a "$(mac b veth-b)" 0x88b5 $N udp 10.0.0.1 10.0.0.3 9
sleep 0.5
read -r h1 f1 b1 < <(oxip_counters b HintHits FibLookups ListBatches)
echo "hints $((h1-h0)) lookups $((f1-f0)) batches $((b1-b0)) for $N packets"
[ $((b1 - b0)) -gt 0 ]
[ $((h1 - h0)) -gt 0 ]
[ $((h1 - h0 + f1 - f0)) -eq $N ]
# Local bursts: native's ip_route_use_hint reuses a local route too, after
# fib_validate_source's fast path (rp_filter off, no custom local routes
# or rules: the source must not be one of b's addresses); so does oxip.
drop_count() { ip netns exec b awk -v r="$1" '$1 == r { n = $2 } END { print n + 0 }' /proc/net/oxip_drops; }
read -r h0 f0 < <(oxip_counters b HintHits FibLookups)
send_ip a veth-a "$(mac b veth-b)" 0x88b5 $N udp 10.0.0.1 10.0.0.2 9
sleep 0.5
read -r h1 f1 < <(oxip_counters b HintHits FibLookups)
echo "local: hints $((h1-h0)) lookups $((f1-f0)) for $N packets"
[ $((h1 - h0)) -gt 0 ]
[ $((h1 - h0 + f1 - f0)) -eq $N ]
# Every other frame from b's own address: each is dropped as
# IP_LOCAL_SOURCE, most of them on the hint path (no FIB lookup).
ls0=$(drop_count IP_LOCAL_SOURCE)
read -r h0 f0 < <(oxip_counters b HintHits FibLookups)
send_ip a veth-a "$(mac b veth-b)" 0x88b5 $N udp 10.0.0.1 10.0.0.2 9 --alt-src 10.0.0.2
sleep 0.5
ls1=$(drop_count IP_LOCAL_SOURCE)
read -r h1 f1 < <(oxip_counters b HintHits FibLookups)
echo "local, half from a local source: IP_LOCAL_SOURCE $((ls1-ls0)) hints $((h1-h0)) lookups $((f1-f0))"
[ $((ls1 - ls0)) -eq $((N / 2)) ]
[ $((h1 - h0)) -gt 0 ]
[ $((f1 - f0)) -lt $((N / 2)) ]
# rp_filter makes native validate with a reverse lookup, which oxip cannot
# call: it routes those packets in full instead (no hints, same outcome).
python3 "$VM/netns.py" sysctl b net.ipv4.conf.veth-b.rp_filter=1
read -r h0 f0 < <(oxip_counters b HintHits FibLookups)
send_ip a veth-a "$(mac b veth-b)" 0x88b5 $N udp 10.0.0.1 10.0.0.2 9
sleep 0.5
read -r h1 f1 < <(oxip_counters b HintHits FibLookups)
echo "local with rp_filter: hints $((h1-h0)) lookups $((f1-f0))"
[ $((h1 - h0)) -eq 0 ]
[ $((f1 - f0)) -eq $N ]
python3 "$VM/netns.py" sysctl b net.ipv4.conf.veth-b.rp_filter=0

# Takeover, entered by retagging (takeover_retag=1, the default): batches
# and hints, TakeoverRcv counts them.
rmmod oxip
insmod "$OXIP_KO" takeover_retag=1
trap 'rmmod oxip; insmod "$OXIP_KO"' EXIT
takeover b veth-b
read -r h0 f0 b0 t0 < <(oxip_counters b HintHits FibLookups ListBatches TakeoverRcv)
send_ip a veth-a "$(mac b veth-b)" 0x0800 $N udp 10.0.0.1 10.0.0.3 9
sleep 0.5
read -r h1 f1 b1 t1 < <(oxip_counters b HintHits FibLookups ListBatches TakeoverRcv)
nat=$(ip netns exec b awk '/^Ip: [0-9]/ { print $4 }' /proc/net/snmp)
echo "takeover (retag): TakeoverRcv $((t1-t0)) hints $((h1-h0)) lookups $((f1-f0)) batches $((b1-b0)); native InReceives $nat"
[ $((t1 - t0)) -eq $N ]
[ $((b1 - b0)) -gt 0 ] && [ $((b1 - b0)) -lt $N ]
[ $((h1 - h0)) -gt 0 ]
[ $((h1 - h0 + f1 - f0)) -eq $N ]
[ "$nat" = 0 ]
# The backlog entry (takeover_retag=0) batches them too, from its NAPI poll.
rmmod oxip
insmod "$OXIP_KO" takeover_retag=0
takeover b veth-b
read -r h0 f0 b0 t0 < <(oxip_counters b HintHits FibLookups ListBatches TakeoverRcv)
send_ip a veth-a "$(mac b veth-b)" 0x0800 $N udp 10.0.0.1 10.0.0.3 9
sleep 0.5
read -r h1 f1 b1 t1 < <(oxip_counters b HintHits FibLookups ListBatches TakeoverRcv)
echo "takeover (backlog): TakeoverRcv $((t1-t0)) hints $((h1-h0)) lookups $((f1-f0)) batches $((b1-b0))"
[ $((t1 - t0)) -eq $N ]
[ $((b1 - b0)) -gt 0 ]
[ $((h1 - h0 + f1 - f0)) -eq $N ]

# Custom rules (fib_has_custom_rules stays set once a rule was added, so
# last): no hints.
ip -n b rule add from 192.0.2.0/24 table 100
read -r h1 f1 < <(oxip_counters b HintHits FibLookups)
send_ip a veth-a "$(mac b veth-b)" 0x0800 $N udp 10.0.0.1 10.0.0.3 9
sleep 0.5
read -r h2 f2 < <(oxip_counters b HintHits FibLookups)
echo "with a custom rule: hints $((h2-h1)) lookups $((f2-f1))"
[ $((h2 - h1)) -eq 0 ]
[ $((f2 - f1)) -eq $N ]
