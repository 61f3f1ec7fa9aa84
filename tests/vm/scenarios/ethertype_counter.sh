#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# oxip-cost: 27 (seconds under make check's debug kernel; its VMs take the costliest first)
# Frames with the oxip ethertype go over a veth pair between two namespaces;
# the receiver's oxip counters must count every one.
set -eu -o pipefail
. "$OXIP_TOP/tests/vm/lib.sh"
two_hosts
read -r before rx_before < <(oxip_counters b EthertypeRcv InReceives)
N=50
send_ip a veth-a "$(mac b veth-b)" 0x88b5 "$N" udp 10.0.0.1 10.0.0.2 9
read -r after rx_after < <(oxip_counters b EthertypeRcv InReceives)
echo "EthertypeRcv $before -> $after, InReceives $rx_before -> $rx_after"
[ $((after - before)) -eq $N ]
[ $((rx_after - rx_before)) -eq $N ]
