#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Ethertype mode between two hosts: a sends IPv4 in frames of oxip's
# ethertype (0x88B5) to b, where oxip's packet_type receives them beside
# the native path, which keeps 0x0800. b's UDP socket gets the datagrams
# as if they came the usual way.
#   a (10.0.0.1, veth-a) -- b (10.0.0.2, veth-b)
set -eu -o pipefail
. "$(dirname "$0")/functions.sh"
root_check
N=${COUNT:-100}
two_hosts
cleanup_ns a b

SNMP_NAMES=(EthertypeRcv InReceives LocalDeliver)
c0=$(oxip_counters b "${SNMP_NAMES[@]}")
# A UDP socket on b counts what reaches it.
rm -f /tmp/oxip-s01.count
ip netns exec b python3 "$VM/mcast.py" recv 10.0.0.2 10.0.0.2 9 30 /tmp/oxip-s01.count /tmp/oxip-s01.stop &
rx=$!
for _ in $(seq 100); do [ -s /tmp/oxip-s01.count ] && break; sleep 0.1; done
info "a -> b: $N UDP datagrams in frames of ethertype 0x88b5"
send_ip a veth-a "$(mac b veth-b)" 0x88b5 "$N" udp 10.0.0.1 10.0.0.2 9
sleep 0.5
touch /tmp/oxip-s01.stop
wait $rx
c1=$(oxip_counters b "${SNMP_NAMES[@]}")
got=$(< /tmp/oxip-s01.count)
info "b's oxip counters that moved (/proc/net/oxip_snmp):"
snmp_delta b "$c0" "$c1"
read -r e0 _ <<< "$c0"
read -r e1 _ <<< "$c1"
check "oxip received all $N (EthertypeRcv +$((e1 - e0)))" [ $((e1 - e0)) = "$N" ]
check "b's socket got all $N ($got)" [ "$got" = "$N" ]
