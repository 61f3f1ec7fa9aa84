#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The differential corpus (tests/vm/corpus.py): native vs oxip in ethertype
# and takeover modes, every case must match. With GRO=on the receiving veth
# runs NAPI/GRO, so frames arrive in batches: oxip's .list_func path
# (ip_list_rcv with route hints) against native ip_list_rcv.
set -eu -o pipefail
. "$OXIP_TOP/tests/vm/lib.sh"
two_hosts
ip -n b route add unreachable 198.51.100.0/24
# 10.0.0.3 is a second address "behind" a, for the forwarding cases.
# a owns it too, so whatever b sends there is a's, deterministically (no ARP).
ip -n b neigh replace 10.0.0.3 lladdr "$(mac a veth-a)" dev veth-b nud permanent
ip -n a addr add 10.0.0.3/32 dev veth-a
# c sits behind b on 10.0.1.0/24 (veth-bc MTU 1000, for the MTU cases).
ip netns del c 2>/dev/null || true
ip netns add c
ip -n c link set lo up
ip netns exec c sysctl -qw net.ipv6.conf.all.disable_ipv6=1
ip link add veth-bc netns b mtu 1000 type veth peer name veth-cb netns c mtu 1000
ip -n b addr add 10.0.1.1/24 dev veth-bc
ip -n c addr add 10.0.1.2/24 dev veth-cb
ip -n b link set veth-bc up
ip -n c link set veth-cb up
ip -n c route add default via 10.0.1.1
ip -n a route add 10.0.1.0/24 via 10.0.0.2
ip -n b neigh replace 10.0.1.2 lladdr "$(mac c veth-cb)" dev veth-bc nud permanent
ip -n c neigh replace 10.0.1.1 lladdr "$(mac b veth-bc)" dev veth-cb nud permanent
# The FORWARD hook: nftables drops UDP to port 7777 (the nft_forward_drop case).
ip netns exec b nft -f - <<'NFT'
table inet oxiptest {
  chain oxipforward {
    type filter hook forward priority 0; policy accept;
    udp dport 7777 counter drop
  }
}
NFT
tag=single
pin=
if [ "${GRO:-off}" = on ]; then
  gro_on
  tag=list
  pin="taskset -c 0"
  # Takeover frames always take oxip's list path (the backlog), so the
  # single-path run covers them; here the ethertype frames arrive in batches.
  export DIFF_MODES=ethertype
fi
batches0=$(oxip_counter b ListBatches)
$pin python3 "$OXIP_TOP/tests/vm/diff.py" | tee "$OXIP_OUT/differential-$tag.txt"
batches1=$(oxip_counter b ListBatches)
echo "ListBatches $batches0 -> $batches1"
if [ "$tag" = list ]; then
  [ "$batches1" -gt "$batches0" ] || { echo "the list path was not used"; exit 1; }
fi
