#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# oxip-cost: 241 (seconds under make check's debug kernel; its VMs take the costliest first)
# Issue 8, defect 3: devices vanish with frames in oxip's takeover backlog.
# Round after round a fresh pair of namespaces is joined by a veth whose
# receiving end is attached; a UDP flood crosses it, steered by RPS to one
# CPU with dev_weight 1000 so the backlog runs deep; then the receiving
# device goes: by `ip netns del`, by `ip link del`, or detached first and
# deleted right after (frames still queued). A frame left queued for a
# freed device is a use-after-free that KASAN reports; the harness fails
# the run on it. Each round also checks the frames went through oxip.
# The backlog is the takeover_retag=0 entry: oxip is loaded so here.
set -eu -o pipefail
. "$OXIP_TOP/tests/vm/lib.sh"
rmmod oxip
insmod "$OXIP_KO" takeover_retag=0
trap 'rmmod oxip; insmod "$OXIP_KO"' EXIT
ROUNDS=${ROUNDS:-50}
# TCG with KASAN is slow: stop after BUDGET s and print the rounds done.
BUDGET=${BUDGET:-180}
old_weight=$(sysctl -n net.core.dev_weight)
sysctl -qw net.core.dev_weight=1000
t0=$SECONDS
taken=0 done_rounds=0
for r in $(seq "$ROUNDS"); do
  [ $((SECONDS - t0)) -lt "$BUDGET" ] || break
  rps_pair ca cb 7
  takeover cb veth-b
  m=02:00:00:07:00:02
  for k in 1 2; do
    nsenter --net=/run/netns/ca python3 -S "$VM/flood.py" --ifname veth-a --dst-mac "$m" \
      --src 10.7.0.1 --dst 10.7.0.2 --dport $((9 + k)) >/dev/null 2>&1 &
  done
  # Wait until frames flow through oxip.
  for _ in $(seq 40); do
    c=$(oxip_counter cb TakeoverRcv)
    [ "${c:-0}" -gt 200 ] && break
    sleep 0.1
  done
  taken=$((taken + ${c:-0}))
  case $((r % 3)) in
    0) how="netns del"; ip netns del cb ;;
    1) how="link del"; ip -n cb link del veth-b ;;
    2) how="detach, then link del"; release cb veth-b; ip -n cb link del veth-b ;;
  esac
  # shellcheck disable=SC2046 # one pid a word
  kill $(jobs -p) 2>/dev/null || true
  wait 2>/dev/null || true
  ip netns del ca
  ip netns del cb 2>/dev/null || true
  done_rounds=$r
  echo "round $r ($how): frames taken over so far $taken"
done
t1=$SECONDS
sysctl -qw net.core.dev_weight="$old_weight"
echo "rounds $done_rounds in $((t1 - t0)) s; frames taken over before the deletes: $taken"
[ "$taken" -gt $((done_rounds * 100)) ]
echo ok
