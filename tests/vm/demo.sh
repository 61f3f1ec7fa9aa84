#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`, inside the VM: oxip beside the native IPv4 path, on real traffic.
set -u
. "$OXIP_TOP/tests/vm/lib.sh"
two_hosts
say() { printf '\n== %s\n' "$*"; }
show() {
  ip netns exec b awk 'NR%2==1{split($0,n," ");next}{split($0,v," ");for(i=2;i<=length(v);i++) if (v[i]!=0) printf "  %-8s %-22s %s\n", n[1], n[i], v[i]}' /proc/net/oxip_snmp
}

say "namespaces a (10.0.0.1) and b (10.0.0.2), veth-a <-> veth-b; oxip loaded"
say "1. ethertype mode: 1000 UDP packets a -> b under ethertype 0x88b5 (and 3 with a bad checksum)"
send_ip a veth-a "$(mac b veth-b)" 0x88b5 1000 udp 10.0.0.1 10.0.0.2 9
ip netns exec a python3 - "$(mac b veth-b)" <<'PY'
import sys; sys.path.insert(0, "tests/vm")
import pkt
l4 = pkt.udp("10.0.0.1", "10.0.0.2", 40000, 9)
bad = pkt.iphdr("10.0.0.1", "10.0.0.2", 17, len(l4), check=0xdead) + l4
pkt.send_frames("veth-a", [pkt.frame(sys.argv[1], pkt.if_mac("veth-a"), 0x88b5, bad)] * 3)
PY
show
echo "  drops by reason (/proc/net/oxip_drops):"; ip netns exec b sed 's/^/    /' /proc/net/oxip_drops

say "2. takeover mode: b's veth-b hands ordinary IPv4 to oxip (echo +veth-b > /proc/net/oxip_takeover)"
ip netns exec b iperf3 -s -D -1 -p 5201 >/dev/null; sleep 0.3
ip netns exec a iperf3 -c 10.0.0.2 -p 5201 -t 5 -J > /tmp/native.json
takeover b veth-b
ip netns exec a ping -c 3 -i 0.2 10.0.0.2 | tail -2
ip netns exec b iperf3 -s -D -1 -p 5202 >/dev/null; sleep 0.3
ip netns exec a iperf3 -c 10.0.0.2 -p 5202 -t 5 -J > /tmp/oxip.json
release b veth-b
python3 - <<'PY'
import json
n = json.load(open("/tmp/native.json"))["end"]["sum_received"]["bits_per_second"]
o = json.load(open("/tmp/oxip.json"))["end"]["sum_received"]["bits_per_second"]
print(f"  iperf3 TCP a -> b, 5 s each, same VM, same run (TCG: absolute numbers are low)")
print(f"  {'path':<18}{'Mbit/s':>10}{'ratio':>8}")
print(f"  {'native ip_rcv':<18}{n/1e6:>10.1f}{1.0:>8.2f}")
print(f"  {'oxip (takeover)':<18}{o/1e6:>10.1f}{o/n:>8.2f}")
PY
say "oxip's counters in b after all of it (/proc/net/oxip_snmp, non-zero)"
show
