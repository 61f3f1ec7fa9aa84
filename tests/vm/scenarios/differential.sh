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
ip -n b neigh replace 10.0.0.3 lladdr "$(mac a veth-a)" dev veth-b nud permanent
tag=single
if [ "${GRO:-off}" = on ]; then
  ip netns exec b ethtool -K veth-b gro on
  tag=list
fi
batches0=$(oxip_counter b ListBatches)
python3 "$OXIP_TOP/tests/vm/diff.py" | tee "$OXIP_OUT/differential-$tag.txt"
batches1=$(oxip_counter b ListBatches)
echo "ListBatches $batches0 -> $batches1"
if [ "$tag" = list ]; then
  [ "$batches1" -gt "$batches0" ] || { echo "the list path was not used"; exit 1; }
fi
