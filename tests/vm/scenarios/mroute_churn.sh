#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# oxip-cost: 71 (seconds under make check's debug kernel; its VMs take the costliest first)
# Route churn: MFC entries and VIFs come and go in a loop while multicast
# flows through oxip; then oxip is unloaded. The harness checks the kernel
# log and kmemleak afterwards; here the mirror must end up equal to the
# kernel's table.
set -eu -o pipefail
. "$OXIP_TOP/tests/vm/lib.sh"
router_topology 2
smcroute_start r churn "phyint veth-r1 enable" "phyint veth-r2 enable"
sleep 1
takeover r veth-r1 veth-r2
# 15 rounds of 20 datagrams to 239.1.1.(i % 4 + 1), one process.
nsenter --net=/run/netns/h1 python3 -S "$VM/mcast.py" send-loop 10.0.1.2 239.1.1 4 5000 10 20 15 &
tx=$!
# The churn, in one shell in r: routes added, every third deleted, and
# every tenth round a VIF goes down and comes back.
# shellcheck disable=SC2016 # the inner shell's variables
in_ns r bash -c 'for i in $(seq 24); do
  g=239.1.1.$((i % 4 + 1))
  smcroutectl -u "$1" add veth-r1 10.0.1.2 $g veth-r2 || true
  [ $((i % 3)) = 0 ] && smcroutectl -u "$1" del veth-r1 10.0.1.2 $g || true
  if [ $((i % 10)) = 0 ]; then ip link set veth-r2 down; ip link set veth-r2 up; fi
done' - "$SMC_SOCK"
wait $tx || true
kernel=$(in_ns r awk 'NR>1 && $3 != 65535 {print $1, $2, $3}' /proc/net/ip_mr_cache | sort)
mirror=$(in_ns r awk 'NR>1 {print $1, $2, $3}' /proc/net/oxip_mr_cache | sort)
echo "kernel: $kernel"; echo "mirror: $mirror"
[ "$kernel" = "$mirror" ]
echo "forwarded by oxip: $(oxip_counter r Forwarded)"
rmmod oxip
insmod "$OXIP_KO"
smcroute_stop
echo ok
