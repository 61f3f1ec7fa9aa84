#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`, inside the VM: oxip beside the native IPv4 path, on real traffic.
#   h1 (10.0.1.2) --veth-- r (10.0.1.1 | 10.0.2.1) --veth-- h2 (10.0.2.2)
set -u
. "$OXIP_TOP/tests/vm/lib.sh"
say() { printf '\n== %s\n' "$*"; }
show() {
  ip netns exec r awk 'NR%2==1{split($0,n," ");next}{split($0,v," ");for(i=2;i<=length(v);i++) if (v[i]!=0) printf "  %-8s %-22s %s\n", n[1], n[i], v[i]}' /proc/net/oxip_snmp
}
for n in h1 r h2; do ip netns del $n 2>/dev/null; ip netns add $n; ip -n $n link set lo up; done
ip link add veth-h1 netns h1 type veth peer name veth-r1 netns r
ip link add veth-h2 netns h2 type veth peer name veth-r2 netns r
ip -n h1 addr add 10.0.1.2/24 dev veth-h1; ip -n r addr add 10.0.1.1/24 dev veth-r1
ip -n r addr add 10.0.2.1/24 dev veth-r2; ip -n h2 addr add 10.0.2.2/24 dev veth-h2
for l in "h1 veth-h1" "r veth-r1" "r veth-r2" "h2 veth-h2"; do set -- $l; ip -n $1 link set $2 up; done
ip -n h1 route add default via 10.0.1.1; ip -n h2 route add default via 10.0.2.1
ip netns exec r sysctl -qw net.ipv4.ip_forward=1
ip netns exec r iperf3 -s -D -p 5201 >/dev/null; ip netns exec h2 iperf3 -s -D -p 5201 >/dev/null
ip netns exec h1 ping -c 1 -W 2 10.0.2.2 >/dev/null   # resolve neighbours

say "kernel $(uname -r) ($OXIP_KERNEL); oxip.ko $(modinfo -F vermagic "$OXIP_KO" | cut -d' ' -f1), taint $(cat /proc/sys/kernel/tainted)"
say "h1 (10.0.1.2) -- r (10.0.1.1 | 10.0.2.1) -- h2 (10.0.2.2), veth pairs; oxip loaded"
say "1. ethertype mode: 1000 UDP packets h1 -> r under ethertype 0x88b5, and 3 with a bad checksum"
send_ip h1 veth-h1 "$(mac r veth-r1)" 0x88b5 1000 udp 10.0.1.2 10.0.1.1 9
ip netns exec h1 python3 - "$(mac r veth-r1)" <<'PY'
import sys; sys.path.insert(0, "tests/vm")
import pkt
l4 = pkt.udp("10.0.1.2", "10.0.1.1", 40000, 9)
bad = pkt.iphdr("10.0.1.2", "10.0.1.1", 17, len(l4), check=0xdead) + l4
pkt.send_frames("veth-h1", [pkt.frame(sys.argv[1], pkt.if_mac("veth-h1"), 0x88b5, bad)] * 3)
PY
show
echo "  drops by reason (/proc/net/oxip_drops):"; ip netns exec r sed 's/^/    /' /proc/net/oxip_drops

iperf() { ip netns exec h1 iperf3 -c "$1" -p 5201 -t 3 -J | jq '.end.sum_received.bits_per_second'; }
say "2. iperf3 TCP, 3 s each, native then with r's ports taken over (echo +veth-r1 > /proc/net/oxip_takeover)"
local_n=$(iperf 10.0.1.1); fwd_n=$(iperf 10.0.2.2)
takeover r veth-r1; takeover r veth-r2
ip netns exec h1 ping -c 3 -i 0.2 10.0.2.2 | tail -2
local_o=$(iperf 10.0.1.1); fwd_o=$(iperf 10.0.2.2)
release r veth-r1; release r veth-r2
python3 - "$local_n" "$local_o" "$fwd_n" "$fwd_o" <<'PY'
import sys
ln, lo, fn, fo = (float(x) for x in sys.argv[1:])
print("  same VM, same run (under TCG absolute numbers are low; the ratio is the point)")
print(f"  {'traffic':<28}{'native Mbit/s':>15}{'oxip Mbit/s':>13}{'oxip/native':>13}")
print(f"  {'h1 -> r (local delivery)':<28}{ln/1e6:>15.1f}{lo/1e6:>13.1f}{lo/ln:>12.2f}x")
print(f"  {'h1 -> h2 (forwarded by r)':<28}{fn/1e6:>15.1f}{fo/1e6:>13.1f}{fo/fn:>12.2f}x")
PY
say "oxip's counters in r after all of it (/proc/net/oxip_snmp, non-zero)"
show
