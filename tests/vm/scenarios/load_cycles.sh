#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Issue 8: load/unload cycles under a flood. A router namespace forwards a
# unicast flood and multicast (smcroute adding and deleting routes all the
# while) with takeover attached on its ingress; oxip is unloaded and loaded
# again, attached again each time, $CYCLES times or until $BUDGET seconds
# have passed (TCG with KASAN is slow: the count reached and the time per
# cycle are printed). pktgen is not in the debug kernel: the flood comes
# from AF_PACKET senders (flood.py). The harness fails the run on any oops,
# KASAN or leak report.
set -eu -o pipefail
. "$OXIP_TOP/tests/vm/lib.sh"
CYCLES=${CYCLES:-100}
BUDGET=${BUDGET:-180}
for n in h1 r h2; do ip netns del $n 2>/dev/null || true; ip netns add $n; ip -n $n link set lo up; done
for i in 1 2; do
  ip link add veth-h$i netns h$i type veth peer name veth-r$i netns r
  ip -n h$i addr add 10.0.$i.2/24 dev veth-h$i; ip -n r addr add 10.0.$i.1/24 dev veth-r$i
  ip -n h$i link set veth-h$i up; ip -n r link set veth-r$i up
  ip -n h$i route add default via 10.0.$i.1
done
ip netns exec r sysctl -qw net.ipv4.ip_forward=1
ip -n r neigh replace 10.0.2.2 lladdr "$(mac h2 veth-h2)" dev veth-r2 nud permanent
conf=/tmp/oxip-lc.conf sock=/tmp/oxip-lc.sock
printf 'phyint veth-r1 enable\nphyint veth-r2 enable\n' > $conf
ip netns exec r smcrouted -n -N -f $conf -u $sock > "$OXIP_OUT/smcrouted-lc.log" 2>&1 &
smc=$!
sleep 1
pids=()
ip netns exec h1 python3 "$OXIP_TOP/tests/vm/flood.py" --ifname veth-h1 --dst-mac "$(mac r veth-r1)" \
  --src 10.0.1.2 --dst 10.0.2.2 >/dev/null 2>&1 &
pids+=($!)
ip netns exec h1 bash -c "while :; do python3 $OXIP_TOP/tests/vm/mcast.py send 10.0.1.2 239.3.3.\$((RANDOM % 4 + 1)) 5000 8 50; done" >/dev/null 2>&1 &
pids+=($!)
ip netns exec r bash -c "while :; do g=239.3.3.\$((RANDOM % 4 + 1)); smcroutectl -u $sock add veth-r1 10.0.1.2 \$g veth-r2; sleep 0.2; smcroutectl -u $sock del veth-r1 10.0.1.2 \$g; done" >/dev/null 2>&1 &
pids+=($!)
stop() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; kill $smc 2>/dev/null || true; wait 2>/dev/null || true; grep -q '^oxip ' /proc/modules || insmod "$OXIP_KO" || true; }
trap stop EXIT
t0=$(date +%s)
c=0 fwd=0
while [ $c -lt "$CYCLES" ] && [ $(( $(date +%s) - t0 )) -lt "$BUDGET" ]; do
  takeover r veth-r1
  sleep 0.$((RANDOM % 5))
  fwd=$((fwd + $(oxip_counter r Forwarded)))
  rmmod oxip
  insmod "$OXIP_KO"
  c=$((c + 1))
done
t1=$(date +%s)
takeover r veth-r1
sleep 1
[ "$(oxip_counter r TakeoverRcv)" -gt 0 ]
stop
trap - EXIT
release r veth-r1
echo "cycles $c in $((t1 - t0)) s ($(( (t1 - t0) * 1000 / (c > 0 ? c : 1) )) ms per cycle); forwarded by oxip over the cycles: $fwd"
[ "$fwd" -gt 0 ]
for n in h1 r h2; do ip netns del $n; done
echo ok
