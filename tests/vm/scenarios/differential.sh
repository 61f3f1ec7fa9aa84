#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The differential corpus (tests/vm/corpus.py): native vs oxip in ethertype
# and takeover modes, every case must match. With GRO=on the receiving veth
# runs NAPI/GRO, so frames arrive in batches: oxip's .list_func path
# (ip_list_rcv with route hints) against native ip_list_rcv.
set -eu
. "$OXIP_TOP/tests/vm/lib.sh"
two_hosts
ip -n b route add unreachable 198.51.100.0/24
# 10.0.0.3 is a second address "behind" a, for the forwarding cases.
# a owns it too, so whatever b sends there is a's, deterministically (no ARP).
ip -n b neigh replace 10.0.0.3 lladdr "$(mac a veth-a)" dev veth-b nud permanent
ip -n a addr add 10.0.0.3/32 dev veth-a
tag=single
pin=
if [ "${GRO:-off}" = on ]; then
  gro_on
  tag=list
  pin="taskset -c 0"
fi
batches0=$(oxip_counter b ListBatches)
$pin python3 "$OXIP_TOP/tests/vm/diff.py" | tee "$OXIP_OUT/differential-$tag.txt"
batches1=$(oxip_counter b ListBatches)
echo "ListBatches $batches0 -> $batches1"
if [ "$tag" = list ]; then
  [ "$batches1" -gt "$batches0" ] || { echo "the list path was not used"; exit 1; }
fi
