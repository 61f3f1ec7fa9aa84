#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# oxip-cost: 80 (seconds under make check's debug kernel; its VMs take the costliest first)
# Issue 8, defect 3, made deterministic: a device unregisters while the
# takeover backlog's poll holds frames of it between taking them off its
# queue and receiving them. The old poll took the whole queue under the
# lock, released it, kept its budget and spliced the rest back under the
# lock again: a flush in between missed every frame it held, and those
# were received after the device's unregistration had flushed it (after
# its free, had the poll stalled a little longer). The window is
# microseconds; the test hook fault_backlog_delay_us (fault-injection
# kernels only) busy-waits at that point in the poll, so the flush from
# the other CPU lands in it. CPU 0 receives (RPS); pktgen and the `ip
# link del` run on CPU 1. Each round: Q frames are queued when the delete
# starts; the polls during the unregistration receive 64 each (one poll
# per grace period it waits, 4 or 5), the flush must drop the rest, and
# nothing of the device is received after it. The fixed poll receives 192-256
# from the delete on; the old one, built with the same hook at the same
# point (tests/vm/teardown_backlog_window.prefix.patch on d9a4379^),
# received 723-936 in each of 4 rounds (every frame it held while the
# flush ran, after the flush) and fails here. KASAN and the kernel log
# are checked each round too.
set -eu -o pipefail
. "$OXIP_TOP/tests/vm/lib.sh"
hook=/sys/module/oxip/parameters/fault_backlog_delay_us
# The entry through oxip's backlog is takeover_retag=0 (a module from
# before retagging existed, such as the pre-fix one, has only that entry).
args=()
modinfo -F parm "$OXIP_KO" | grep -q '^takeover_retag:' && args=(takeover_retag=0)
rmmod oxip
insmod "$OXIP_KO" "${args[@]}"
trap 'rmmod oxip; insmod "$OXIP_KO"' EXIT
if [ ! -e "$hook" ]; then
  echo "SKIP: no $hook (the kernel lacks CONFIG_FAULT_INJECTION)"
  exit 0
fi
ROUNDS=${ROUNDS:-20}
BUDGET=${BUDGET:-120}
DELAY_US=${DELAY_US:-1000000}
# Everything here runs on CPU 1; CPU 0 is busy in the delayed polls.
taskset -pc 1 $$ >/dev/null
# CPU 0's own backlog (300 at most) moves its frames into oxip's in one
# poll (one poll a softirq round, since each round ends in a delayed poll).
old_weight=$(sysctl -n net.core.dev_weight) old_budget=$(sysctl -n net.core.netdev_budget)
old_max=$(sysctl -n net.core.netdev_max_backlog)
sysctl -qw net.core.dev_weight=1000 net.core.netdev_budget=1000 net.core.netdev_max_backlog=300
kasan0=$(dmesg | grep -c 'BUG: KASAN' || true)
t0=$SECONDS
taken=0 done_rounds=0 loaded=0
for r in $(seq "$ROUNDS"); do
  [ $((SECONDS - t0)) -lt "$BUDGET" ] || break
  {
    for n in wa wb; do [ -e "/run/netns/$n" ] && echo "netns del $n"; echo "netns add $n"; done
    echo "link add veth-a netns wa address 02:00:00:08:00:01 type veth peer name veth-b netns wb address 02:00:00:08:00:02"
  } | ip -batch -
  printf '%s\n' "link set lo up" "addr add 10.8.0.1/24 dev veth-a" "link set veth-a up" | ip -n wa -batch -
  printf '%s\n' "link set lo up" "addr add 10.8.0.2/24 dev veth-b" "link set veth-b up" | ip -n wb -batch -
  ip netns exec wb sh -c 'echo 1 > /sys/class/net/veth-b/queues/rx-0/rps_cpus'
  takeover wb veth-b
  echo 0 >"$hook"
  # pktgen (its thread on CPU 1) floods veth-a faster than a socket can:
  # the backlog on CPU 0 must run deep while the polls are delayed.
  # shellcheck disable=SC2016 # $pg is the inner shell's
  in_ns wa sh -c 'pg=/proc/net/pktgen
    echo rem_device_all > $pg/kpktgend_1; echo add_device veth-a > $pg/kpktgend_1
    for c in "xmit_mode queue_xmit" "count 0" "clone_skb 0" "pkt_size 60" "delay 0" \
      "dst_mac 02:00:00:08:00:02" "dst 10.8.0.2" "src_min 10.8.0.1" "src_max 10.8.0.1" \
      "udp_src_min 9" "udp_src_max 9" "udp_dst_min 9" "udp_dst_max 9"; do
      echo "$c" > $pg/veth-a
    done'
  in_ns wa sh -c 'echo start > /proc/net/pktgen/pgctrl' &
  for _ in $(seq 40); do
    c=$(oxip_counter wb TakeoverRcv)
    [ "${c:-0}" -gt 200 ] && break
    sleep 0.1
  done
  taken=$((taken + ${c:-0}))
  # From here each poll on CPU 0 holds its frames DELAY_US before
  # receiving its budget (64) of them: the queue runs hundreds deep
  # behind it, so that the frames the old poll held while the flush ran
  # outlast the grace periods the unregistration waits for (each needs
  # CPU 0 to leave its poll).
  echo "$DELAY_US" >"$hook"
  sleep 4
  # The flood stops first: CPU 0 then does nothing but the delayed polls,
  # and the unregistration's last grace period before its notifier (the
  # flush) ends just as CPU 0 starts the next one, which the flush then
  # meets inside its window.
  in_ns wa sh -c 'echo stop > /proc/net/pktgen/pgctrl'
  wait
  # CPU 0's own backlog empties into oxip's in its next polls (its length
  # is softnet_stat's 12th column); then every softirq round of CPU 0 is
  # one delayed poll of oxip's alone.
  for _ in $(seq 300); do
    read -r -a sn </proc/net/softnet_stat
    [ $((16#${sn[11]:-0})) -eq 0 ] && break
    sleep 0.1
  done
  sleep 1.5
  read -r at_del drops_del < <(oxip_counter wb TakeoverRcv Drops)
  ip -n wb link del veth-b
  # Whatever a poll still holds or spliced back is received now, 64
  # frames each DELAY_US, well after the device was freed.
  sleep 8
  read -r after drops_after < <(oxip_counter wb TakeoverRcv Drops)
  echo 0 >"$hook"
  ip netns del wa
  ip netns del wb
  done_rounds=$r
  kasan=$(dmesg | grep -c 'BUG: KASAN' || true)
  got=$((after - at_del)) flushed=$((drops_after - drops_del))
  q=$((got + flushed))
  echo "round $r: queued at the delete $q: received from the delete on $got, flushed $flushed; KASAN reports $((kasan - kasan0))"
  if [ "$kasan" -gt "$kasan0" ]; then
    dmesg | grep -A 30 'BUG: KASAN' | head -60
    echo "FAIL: KASAN report in round $r"
    exit 1
  fi
  # From the delete on, only the polls before the unregistration's flush
  # receive (64 frames each, one poll per grace period it waits: 4 or 5);
  # a frame the flush missed is received after it, 64 a poll, until none
  # is left. More than 8 polls' worth: the flush missed frames.
  if [ "$got" -gt 512 ]; then
    echo "FAIL: round $r: $got frames received from the delete on (more than 8 polls' worth): the flush (it dropped $flushed) missed frames the poll held"
    exit 1
  fi
  [ "$q" -gt 320 ] && loaded=$((loaded + 1))
done
t1=$SECONDS
sysctl -qw net.core.dev_weight="$old_weight" net.core.netdev_budget="$old_budget" \
  net.core.netdev_max_backlog="$old_max"
echo "rounds $done_rounds in $((t1 - t0)) s (poll delay ${DELAY_US} us), $loaded with a queue deeper than 320 at the delete; frames taken over before the deletes: $taken"
[ "$taken" -gt $((done_rounds * 100)) ] && [ "$loaded" -gt 0 ]
echo ok
