#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Route churn: MFC entries and VIFs come and go in a loop while multicast
# flows through oxip; then oxip is unloaded. The harness checks the kernel
# log and kmemleak afterwards; here the mirror must end up equal to the
# kernel's table.
set -eu -o pipefail
. "$OXIP_TOP/tests/vm/lib.sh"
M="python3 $OXIP_TOP/tests/vm/mcast.py"
for n in h1 r h2; do ip netns del $n 2>/dev/null || true; ip netns add $n; ip -n $n link set lo up; done
for i in 1 2; do
  ip link add veth-h$i netns h$i type veth peer name veth-r$i netns r
  ip -n h$i addr add 10.0.$i.2/24 dev veth-h$i; ip -n r addr add 10.0.$i.1/24 dev veth-r$i
  ip -n h$i link set veth-h$i up; ip -n r link set veth-r$i up
done
ip netns exec r sysctl -qw net.ipv4.ip_forward=1
conf=/tmp/oxip-churn.conf sock=/tmp/oxip-churn.sock
printf 'phyint veth-r1 enable\nphyint veth-r2 enable\n' > $conf
ip netns exec r smcrouted -n -N -f $conf -u $sock > "$OXIP_OUT/smcrouted-churn.log" 2>&1 &
smc=$!
sleep 1
takeover r veth-r1; takeover r veth-r2
( for i in $(seq 15); do ip netns exec h1 $M send 10.0.1.2 239.1.1.$((i % 4 + 1)) 5000 10 20; done ) &
tx=$!
for i in $(seq 24); do
  g=239.1.1.$((i % 4 + 1))
  ip netns exec r smcroutectl -u $sock add veth-r1 10.0.1.2 $g veth-r2 || true
  [ $((i % 3)) = 0 ] && ip netns exec r smcroutectl -u $sock del veth-r1 10.0.1.2 $g || true
  if [ $((i % 10)) = 0 ]; then   # a VIF goes and comes back
    ip -n r link set veth-r2 down; ip -n r link set veth-r2 up
  fi
done
wait $tx || true
kernel=$(ip netns exec r awk 'NR>1 && $3 != 65535 {print $1, $2, $3}' /proc/net/ip_mr_cache | sort)
mirror=$(ip netns exec r awk 'NR>1 {print $1, $2, $3}' /proc/net/oxip_mr_cache | sort)
echo "kernel: $kernel"; echo "mirror: $mirror"
[ "$kernel" = "$mirror" ]
echo "forwarded by oxip: $(oxip_counter r Forwarded)"
rmmod oxip
insmod "$OXIP_KO"
kill $smc; wait $smc 2>/dev/null || true
echo ok
