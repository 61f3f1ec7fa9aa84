#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# oxip-cost: 181 (seconds under make check's debug kernel; its VMs take the costliest first)
# oxip-check: stock (make check runs it on the stock kernel too)
# The differential corpus (tests/vm/corpus.py): native vs oxip in ethertype
# and takeover modes, every case must match. With GRO=on the receiving veth
# runs NAPI/GRO, so frames arrive in batches: oxip's .list_func path
# (ip_list_rcv with route hints) against native ip_list_rcv.
set -eu -o pipefail
. "$OXIP_TOP/tests/vm/lib.sh"
diff_topology
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
$pin python3 -S "$OXIP_TOP/tests/vm/diff.py" | tee "$OXIP_OUT/differential-$tag.txt"
batches1=$(oxip_counter b ListBatches)
echo "ListBatches $batches0 -> $batches1"
if [ "$tag" = list ]; then
  [ "$batches1" -gt "$batches0" ] || { echo "the list path was not used"; exit 1; }
fi
