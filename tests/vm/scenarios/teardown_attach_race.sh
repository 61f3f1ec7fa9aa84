#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# oxip-cost: 307 (seconds under make check's debug kernel; its VMs take the costliest first)
# Issue 8, defect 1: attach racing unload (and load). In three namespaces a
# loop writes `+veth` to /proc/net/oxip_takeover without pause while a flood
# crosses the veth, and the module is unloaded and loaded again, round after
# round. A `+dev` accepted after unload began (or before load finished) would
# leave an ingress hook into freed module text: the next frame executes it.
# The harness fails the run on any oops; here each round must find oxip
# loaded and attachable again.
set -eu -o pipefail
. "$OXIP_TOP/tests/vm/lib.sh"
ROUNDS=${ROUNDS:-30}
# TCG is slow (about 14 s a round on the stock kernel): stop early after BUDGET s.
BUDGET=${BUDGET:-150}
NS="p1 p2 p3"
ns_add p1s p1r p2s p2r p3s p3r
i=0
for n in $NS; do
  i=$((i + 1))
  veth "${n}s" veth-s "02:00:00:09:0$i:01" "${n}r" veth-r "02:00:00:09:0$i:02"
  printf 'addr add 10.9.%s.1/24 dev veth-s\nlink set veth-s up\n' $i | ip -n "${n}s" -batch -
  printf 'addr add 10.9.%s.2/24 dev veth-r\nlink set veth-r up\n' $i | ip -n "${n}r" -batch -
done
pids=()
i=0
for n in $NS; do
  i=$((i + 1))
  # The attach loop: errors (EEXIST, no file while unloaded) are expected.
  nsenter --net=/run/netns/"${n}r" bash -c 'while :; do echo +veth-r > /proc/net/oxip_takeover; done 2>/dev/null' &
  pids+=($!)
  # The flood: UDP to the receiver, one frame after another.
  m=$(mac "${n}r" veth-r)
  nsenter --net=/run/netns/"${n}s" python3 -S "$VM/flood.py" --ifname veth-s --dst-mac "$m" \
    --src 10.9.$i.1 --dst 10.9.$i.2 >/dev/null 2>&1 &
  pids+=($!)
done
stop() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; grep -q '^oxip ' /proc/modules || insmod "$OXIP_KO" || true; }
trap stop EXIT
sleep 1
t0=$SECONDS
done_rounds=0
for r in $(seq "$ROUNDS"); do
  [ $((SECONDS - t0)) -lt "$BUDGET" ] || break
  sleep 0.$((RANDOM % 5))
  rmmod oxip
  sleep 0.$((RANDOM % 3))
  insmod "$OXIP_KO"
  # Attached again by the loop, and taking frames.
  for _ in $(seq 50); do
    in_ns p1r grep -qx veth-r /proc/net/oxip_takeover && break
    sleep 0.1
  done
  in_ns p1r grep -qx veth-r /proc/net/oxip_takeover
  done_rounds=$r
  echo "round $r: unloaded and reloaded under attach writes and traffic"
done
t1=$SECONDS
rcv=$(oxip_counter p1r TakeoverRcv)
stop
trap - EXIT
echo "rounds $done_rounds in $((t1 - t0)) s; p1r TakeoverRcv since the last load: $rcv"
[ "$rcv" -gt 0 ]
# Attaching needs CAP_NET_ADMIN over the namespace (issue 8, item 10):
# root without it gets EPERM and nothing is attached.
release p1r veth-r
if in_ns p1r setpriv --bounding-set=-net_admin bash -c 'echo +veth-r > /proc/net/oxip_takeover' 2> "$OXIP_OUT/eperm.txt"; then
  echo "attached without CAP_NET_ADMIN"; exit 1
fi
grep -q "not permitted" "$OXIP_OUT/eperm.txt"
if in_ns p1r grep -qx veth-r /proc/net/oxip_takeover; then echo "listed"; exit 1; fi
echo "without CAP_NET_ADMIN: $(cat "$OXIP_OUT/eperm.txt")"
printf 'netns del %s\n' p1s p1r p2s p2r p3s p3r | ip -batch -
echo ok
