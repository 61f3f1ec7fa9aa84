#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`, inside the VM: forwarding through r, native against oxip
# (takeover on both of r's ports), in one boot. Runs alternate between the
# two paths and repeat; every sample goes to $OXIP_OUT/bench.jsonl and the
# host makes the table and the plot (tests/vm/bench_report.py).
#   h1 (10.0.1.2) --veth-- r (10.0.1.1 | 10.0.2.1 | 10.0.3.1) --veth-- h2 (10.0.2.2), h3 (10.0.3.2)
# Multicast: smcroute forwards (10.0.1.2, 239.1.1.1) from h1 to h2 and h3.
set -u
. "$OXIP_TOP/tests/vm/lib.sh"
REPS=${BENCH_REPS:-3}
SECS=${BENCH_SECS:-3}
[ -n "$REPS" ] || REPS=3
[ -n "$SECS" ] || SECS=3
OUT=$OXIP_OUT/bench.jsonl
: > "$OUT"

for n in h1 r h2 h3; do ip netns del $n 2>/dev/null; ip netns add $n; ip -n $n link set lo up
  ip netns exec $n sysctl -qw net.ipv6.conf.all.disable_ipv6=1; done
ip link add veth-h1 netns h1 type veth peer name veth-r1 netns r
ip link add veth-h2 netns h2 type veth peer name veth-r2 netns r
ip link add veth-h3 netns h3 type veth peer name veth-r3 netns r
ip -n r addr add 10.0.3.1/24 dev veth-r3
ip -n h3 addr add 10.0.3.2/24 dev veth-h3
ip -n r link set veth-r3 up; ip -n h3 link set veth-h3 up
printf 'phyint veth-r1 enable\nphyint veth-r2 enable\nphyint veth-r3 enable\nmroute from veth-r1 source 10.0.1.2 group 239.1.1.1 to veth-r2 veth-r3\n' > /tmp/oxip-bench-smc.conf
ip netns exec r smcrouted -n -N -f /tmp/oxip-bench-smc.conf -u /tmp/oxip-bench-smc.sock > "$OXIP_OUT/bench-smcrouted.log" 2>&1 &
ip netns exec h3 tc qdisc add dev veth-h3 clsact
ip -n h1 addr add 10.0.1.2/24 dev veth-h1
ip -n r addr add 10.0.1.1/24 dev veth-r1
ip -n r addr add 10.0.2.1/24 dev veth-r2
ip -n h2 addr add 10.0.2.2/24 dev veth-h2
for l in "h1 veth-h1" "r veth-r1" "r veth-r2" "h2 veth-h2"; do set -- $l; ip -n $1 link set $2 up; done
ip -n h1 route add default via 10.0.1.1
ip -n h2 route add default via 10.0.2.1
ip -n r route add 10.0.9.0/24 via 10.0.2.2
ip netns exec r sysctl -qw net.ipv4.ip_forward=1
ip -n h1 neigh replace 10.0.1.1 lladdr "$(mac r veth-r1)" dev veth-h1 nud permanent
ip -n r neigh replace 10.0.1.2 lladdr "$(mac h1 veth-h1)" dev veth-r1 nud permanent
ip -n r neigh replace 10.0.2.2 lladdr "$(mac h2 veth-h2)" dev veth-r2 nud permanent
ip -n h2 neigh replace 10.0.2.1 lladdr "$(mac r veth-r2)" dev veth-h2 nud permanent
# r receives on CPU 1 (RPS), senders run on CPU 0: the receive side of a
# router with its own core, as a NIC queue's interrupt would give it.
ip netns exec r sh -c 'echo 2 > /sys/class/net/veth-r1/queues/rx-0/rps_cpus'
ip netns exec h2 tc qdisc add dev veth-h2 clsact
ip netns exec h2 iperf3 -s -D -p 5201 >/dev/null

rx_packets() { ip netns exec h2 cat /sys/class/net/veth-h2/statistics/rx_packets; }
sample() { printf '{"test":"%s","path":"%s","rep":%d,"value":%s,"unit":"%s"}\n' "$1" "$2" "$3" "$4" "$5" >> "$OUT"; }

iperf() {  # iperf() PATH REP TCP|UDP
  local args=() t=tcp
  [ "$3" = UDP ] && { args=(-u -b 0 -l 1400); t=udp; }
  local bps e0 e1
  e0=$(ip netns exec h2 awk '/^Udp:/{n++} /^Udp:/ && n==2{print $6}' /proc/net/snmp)
  bps=$(taskset -c 0 ip netns exec h1 iperf3 -c 10.0.2.2 -p 5201 -t "$SECS" "${args[@]}" -J 2>/dev/null |
        jq '.end.sum_received.bits_per_second // .end.sum.bits_per_second // 0')
  sample "iperf3_$t" "$1" "$2" "$(jq -n "$bps / 1e6")" "Mbit/s"
  e1=$(ip netns exec h2 awk '/^Udp:/{n++} /^Udp:/ && n==2{print $6}' /proc/net/snmp)
  [ "$t" = udp ] && echo "rep $2 path $1: h2 Udp RcvbufErrors +$((e1 - e0))"
}

pktgen() {  # pktgen PATH REP FLOWS
  # pktgen in h1 (kpktgend_0, CPU 0) sends 64-byte UDP frames to r, which
  # forwards them to h2; we count what reaches h2.
  local pg=/proc/net/pktgen
  local run="ip netns exec h1"
  $run sh -c "echo rem_device_all > $pg/kpktgend_0; echo add_device veth-h1 > $pg/kpktgend_0"
  local d=$pg/veth-h1 rmac; rmac=$(mac r veth-r1)
  for c in "count 0" "clone_skb 0" "pkt_size 60" "delay 0" "dst_mac $rmac" \
           "src_min 10.0.1.2" "src_max 10.0.1.2" \
           "udp_src_min 9" "udp_src_max 9" "udp_dst_min 9" "udp_dst_max 9"; do
    $run sh -c "echo '$c' > $d" || echo "pktgen: '$c' refused"
  done
  if [ "$3" = mcast ]; then
    $run sh -c "echo 'dst 239.1.1.1' > $d; echo 'dst_mac 01:00:5e:01:01:01' > $d"
    ip netns exec h3 tc filter add dev veth-h3 ingress pref 1 matchall action drop
  elif [ "$3" = 1 ]; then
    $run sh -c "echo 'dst 10.0.2.2' > $d"
  else
    $run sh -c "echo 'dst_min 10.0.9.0' > $d; echo 'dst_max 10.0.9.255' > $d"
  fi
  # h2 counts and drops them at ingress, so no ICMP errors flow back.
  ip netns exec h2 tc filter add dev veth-h2 ingress pref 1 matchall action drop
  $run sh -c "echo start > $pg/pgctrl" &
  local ctl=$!
  sleep 1
  local p0 t0 p1 t1
  p0=$(rx_packets); t0=$(date +%s.%N)
  sleep "$SECS"
  p1=$(rx_packets); t1=$(date +%s.%N)
  $run sh -c "echo stop > $pg/pgctrl"
  wait $ctl 2>/dev/null
  ip netns exec h2 tc filter del dev veth-h2 ingress pref 1
  local name="pktgen_64B_${3}flow"
  if [ "$3" = mcast ]; then
    ip netns exec h3 tc filter del dev veth-h3 ingress pref 1
    name=pktgen_mcast_2oif
  fi
  sample "$name" "$1" "$2" "$(echo "($p1 - $p0) / ($t1 - $t0)" | bc -l)" "pps"
}

path() {  # path native|oxip
  if [ "$1" = oxip ]; then takeover r veth-r1; takeover r veth-r2; takeover r veth-r3; else
    release r veth-r1 2>/dev/null; release r veth-r2 2>/dev/null; release r veth-r3 2>/dev/null; fi
  true
}

for rep in $(seq "$REPS"); do
  # Alternate which path goes first, so drift does not favour one.
  if [ $((rep % 2)) = 1 ]; then order="native oxip"; else order="oxip native"; fi
  for p in $order; do
    path "$p"
    f0=$(oxip_counter r Forwarded)
    iperf "$p" "$rep" TCP
    iperf "$p" "$rep" UDP
    pktgen "$p" "$rep" 1
    pktgen "$p" "$rep" 256
    pktgen "$p" "$rep" mcast
    f1=$(oxip_counter r Forwarded)
    echo "rep $rep path $p: oxip Forwarded +$((f1 - f0))"
    [ "$p" = oxip ] && sample "oxip_forwarded_check" "$p" "$rep" "$((f1 - f0))" "packets"
  done
done
path native
ip netns exec r cat /proc/net/oxip_snmp > "$OXIP_OUT/bench-oxip_snmp.txt"
echo "bench done: $(wc -l < "$OUT") samples"
