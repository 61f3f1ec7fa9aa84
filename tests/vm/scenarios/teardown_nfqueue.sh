#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# oxip-cost: 72 (seconds under make check's debug kernel; its VMs take the costliest first)
# Issue 8, defect 2: NFQUEUE holds oxip's okfns across rmmod. oxip's
# NF_HOOK(PRE_ROUTING, ip_rcv_finish) and NF_HOOK(FORWARD, ip_forward_finish)
# queue packets to a userspace reader (nfq.py) that holds them; oxip is
# unloaded; then the reader gives its ACCEPT verdicts. Queued entries that
# still named oxip's functions would be reinjected into freed module text.
# After the fix the entries are dropped at unload and each verdict is
# answered ENOENT. Frames come on oxip's ethertype: dev_remove_pack drops no
# queue entries, whereas unregistering a takeover ingress hook already makes
# netfilter drop its namespace's queue (nf_unregister_net_hook), which would
# hide the defect.
set -eu -o pipefail
. "$OXIP_TOP/tests/vm/lib.sh"
ns_add qa qr qc
ns_sysctl qr net.ipv4.ip_forward=1
veth qa veth-a 02:00:00:08:01:02 qr veth-ra 02:00:00:08:01:01
veth qc veth-c 02:00:00:08:02:02 qr veth-rc 02:00:00:08:02:01
printf '%s\n' "addr add 10.8.1.2/24 dev veth-a" "link set veth-a up" "route add default via 10.8.1.1" | ip -n qa -batch -
printf '%s\n' "addr add 10.8.2.2/24 dev veth-c" "link set veth-c up" "route add default via 10.8.2.1" | ip -n qc -batch -
printf '%s\n' "addr add 10.8.1.1/24 dev veth-ra" "addr add 10.8.2.1/24 dev veth-rc" "link set veth-ra up" \
  "link set veth-rc up" "neigh replace 10.8.2.2 lladdr $(mac qc veth-c) dev veth-rc nud permanent" | ip -n qr -batch -
in_ns qr nft -f - <<'NFT'
table ip oxipq {
  chain qpre { type filter hook prerouting priority 0; ip daddr 10.8.1.1 udp dport 7 queue num 3; }
  chain qfwd { type filter hook forward priority 0; ip daddr 10.8.2.2 udp dport 7 queue num 3; }
}
NFT
rmac=$(mac qr veth-ra)

# round ETHERTYPE: queue, unload, verdict, reload.
round() {
  local et=$1 out=$OXIP_OUT/nfq-$1.txt
  rm -f /tmp/nfq-go /tmp/nfq-ready
  nsenter --net=/run/netns/qr python3 -S "$VM/nfq.py" --queue 3 --go /tmp/nfq-go --ready /tmp/nfq-ready > "$out" 2>&1 &
  local rd=$!
  for _ in $(seq 100); do [ -f /tmp/nfq-ready ] && break; sleep 0.1; done
  [ -f /tmp/nfq-ready ]
  local r0; r0=$(oxip_counter qr "$2")
  send_ip qa veth-a "$rmac" "$et" 5 udp 10.8.1.2 10.8.1.1 7
  send_ip qa veth-a "$rmac" "$et" 5 udp 10.8.1.2 10.8.2.2 7
  local held=0
  for _ in $(seq 50); do
    held=$(in_ns qr awk '$1 == 3 {print $3}' /proc/net/netfilter/nfnetlink_queue)
    [ "${held:-0}" -ge 10 ] && break
    sleep 0.1
  done
  echo "ethertype $et: $held packets queued by oxip's okfns ($2 +$(( $(oxip_counter qr "$2") - r0 )))"
  [ "${held:-0}" -ge 10 ]
  rmmod oxip
  echo "unloaded with packets queued"
  touch /tmp/nfq-go
  wait $rd
  cat "$out"
  sleep 0.5
  insmod "$OXIP_KO"
  grep -q "held 10 packets (hooks \[0, 2\])" "$out"
  # Every verdict found its entry gone.
  grep -q "verdict answers {'ENOENT': 10}" "$out"
}
# Leave oxip loaded whatever happened (the harness unloads it at the end).
trap 'grep -q "^oxip " /proc/modules || insmod "$OXIP_KO" || true' EXIT
modprobe nfnetlink_queue 2>/dev/null || true
round 0x88b5 EthertypeRcv
echo ok
