#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# oxip-cost: 247 (seconds under make check's debug kernel; its VMs take the costliest first)
# Issue 8: load/unload cycles under a flood. A router namespace forwards a
# unicast flood and multicast (smcroute adding and deleting routes all the
# while) with takeover attached on its ingress; oxip is unloaded and loaded
# again, attached again each time, $CYCLES times or until $BUDGET seconds
# have passed (TCG with KASAN is slow: the count reached and the time per
# cycle are printed). The flood comes from AF_PACKET senders (flood.py),
# which keep sending through a full backlog. The harness fails the run on any oops,
# KASAN or leak report.
set -eu -o pipefail
. "$OXIP_TOP/tests/vm/lib.sh"
CYCLES=${CYCLES:-100}
BUDGET=${BUDGET:-180}
router_topology 2
smcroute_start r lc "phyint veth-r1 enable" "phyint veth-r2 enable"
smc=$SMC_PID sock=$SMC_SOCK
sleep 1
pids=()
nsenter --net=/run/netns/h1 python3 -S "$VM/flood.py" --ifname veth-h1 --dst-mac "$(mac r veth-r1)" \
  --src 10.0.1.2 --dst 10.0.2.2 >/dev/null 2>&1 &
pids+=($!)
# Multicast to 239.3.3.1-4, one process for all of it.
nsenter --net=/run/netns/h1 python3 -S "$VM/mcast.py" send-loop 10.0.1.2 239.3.3 4 5000 8 50 >/dev/null 2>&1 &
pids+=($!)
# shellcheck disable=SC2016 # $g and $RANDOM are the inner shell's
nsenter --net=/run/netns/r bash -c 'while :; do g=239.3.3.$((RANDOM % 4 + 1)); smcroutectl -u "$1" add veth-r1 10.0.1.2 $g veth-r2; sleep 0.2; smcroutectl -u "$1" del veth-r1 10.0.1.2 $g; done' - "$sock" >/dev/null 2>&1 &
pids+=($!)
stop() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; kill $smc 2>/dev/null || true; wait 2>/dev/null || true; grep -q '^oxip ' /proc/modules || insmod "$OXIP_KO" || true; }
trap stop EXIT
t0=$SECONDS
c=0 fwd=0
while [ $c -lt "$CYCLES" ] && [ $((SECONDS - t0)) -lt "$BUDGET" ]; do
  takeover r veth-r1
  sleep 0.$((RANDOM % 5))
  fwd=$((fwd + $(oxip_counter r Forwarded)))
  rmmod oxip
  # Both takeover entries: retag (the default) and the backlog.
  insmod "$OXIP_KO" takeover_retag=$((c % 2))
  c=$((c + 1))
done
t1=$SECONDS
# Back to the defaults for the scenarios after this one.
rmmod oxip
insmod "$OXIP_KO"
takeover r veth-r1
sleep 1
[ "$(oxip_counter r TakeoverRcv)" -gt 0 ]
stop
trap - EXIT
release r veth-r1
echo "cycles $c in $((t1 - t0)) s ($(( (t1 - t0) * 1000 / (c > 0 ? c : 1) )) ms per cycle); forwarded by oxip over the cycles: $fwd"
[ "$fwd" -gt 0 ]
printf 'netns del %s\n' h1 r h2 | ip -batch -
echo ok
