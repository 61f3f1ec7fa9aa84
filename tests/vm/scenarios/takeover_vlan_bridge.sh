#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# oxip-cost: 103 (seconds under make check's debug kernel; its VMs take the costliest first)
# Takeover must not steal what native hands elsewhere before ip_rcv:
# VLAN-tagged frames (vlan_do_receive) and frames of a bridge port (the
# rx_handler). Each case runs native, then with takeover, and the outcomes
# must match:
#  - VLAN: b has veth-b.10 on the attached veth-b: ping over VLAN 10 (5/5
#    native); tagged echoes to VID 20, which has no VLAN device, are
#    dropped natively (PACKET_OTHERHOST): no echo reaches ICMP.
#  - bridge: br0 in ns br with ports veth-p1 (to h1) and veth-p2 (to h2).
#    Attaching a port is refused (EBUSY); veth-p2 is attached before it
#    becomes a port and its frames must still reach the bridge; takeover
#    on br0 itself works. Ping h1 -> br0 and h1 -> h2: 5/5 as native.
set -eu -o pipefail
. "$OXIP_TOP/tests/vm/lib.sh"
fail=0
pings() {  # pings NS ADDR -> replies received of 5
  { in_ns "$1" ping -c 5 -i 0.2 -W 1 -q "$2" 2>/dev/null || true; } | sed -n 's/.* \([0-9]*\) received.*/\1/p'
}
in_echos() {  # in_echos NS: Icmp InEchos
  in_ns "$1" awk '/^Icmp:/ { if (!h) { for (i = 1; i <= NF; i++) n[$i] = i; h = 1 } else print $n["InEchos"] }' /proc/net/snmp
}

# --- VLAN ---
two_hosts
i=0
for n in a b; do
  i=$((i + 1))
  printf '%s\n' "link add link veth-$n name veth-$n.10 type vlan id 10" "link set veth-$n.10 up" \
    "addr add 10.0.10.$i/24 dev veth-$n.10" | ip -n "$n" -batch -
done
tagged_echo() {  # 5 ICMP echoes to 10.0.0.2 tagged VID 20 -> InEchos delta in b
  local e0; e0=$(in_echos b)
  send_ip a veth-a "$(mac b veth-b)" 0x0800 5 icmp 10.0.0.1 10.0.0.2 0 --vlan 20
  sleep 0.5
  echo $(( $(in_echos b) - e0 ))
}
vlan_pass() {
  echo "$(pings a 10.0.10.2) $(tagged_echo)"
}
native=$(vlan_pass)
takeover b veth-b
t0=$(oxip_counter b TakeoverRcv)
oxip=$(vlan_pass)
t1=$(oxip_counter b TakeoverRcv)
# Untagged traffic on veth-b is still oxip's.
p=$(pings a 10.0.0.2)
t2=$(oxip_counter b TakeoverRcv)
release b veth-b
echo "VLAN (ping over VID 10, echoes reaching ICMP from VID 20): native $native, takeover on veth-b $oxip (TakeoverRcv +$((t1 - t0)))"
echo "untagged ping on veth-b under takeover: $p/5, TakeoverRcv +$((t2 - t1))"
[ "$native" = "5 0" ] || { echo "FAIL: native VLAN outcome unexpected"; fail=1; }
[ "$oxip" = "$native" ] || { echo "FAIL: takeover on the VLAN's lower device differs from native"; fail=1; }
{ [ "$p" = 5 ] && [ $((t2 - t1)) -ge 5 ]; } || { echo "FAIL: untagged frames not taken over"; fail=1; }

# --- bridge ---
ns_add h1 br h2
veth h1 veth-h1 02:00:00:20:01:01 br veth-p1 02:00:00:20:01:02
veth h2 veth-h2 02:00:00:20:02:01 br veth-p2 02:00:00:20:02:02
for i in 1 2; do
  printf '%s\n' "addr add 10.0.20.$i/24 dev veth-h$i" "link set veth-h$i up" | ip -n "h$i" -batch -
done
ip -n br -batch - <<EOF
link add br0 type bridge
link set br0 up
addr add 10.0.20.254/24 dev br0
link set veth-p1 up
link set veth-p2 up
link set veth-p1 master br0
link set veth-p2 master br0
EOF
sleep 1   # forwarding state
bridge_pass() { echo "$(pings h1 10.0.20.254) $(pings h1 10.0.20.2)"; }
native=$(bridge_pass)
# A port cannot be attached.
if in_ns br sh -c '/bin/echo +veth-p1 > /proc/net/oxip_takeover' 2>/tmp/oxip-tvb-err; then
  echo "FAIL: attaching bridge port veth-p1 was accepted"; fail=1
else
  echo "attach veth-p1 (a bridge port): refused: $(cat /tmp/oxip-tvb-err)"
  grep -q 'busy' /tmp/oxip-tvb-err || { echo "FAIL: not EBUSY"; fail=1; }
fi
# veth-p2 attached while not a port, then made one: passed to the bridge.
ip -n br link set veth-p2 nomaster
takeover br veth-p2
ip -n br link set veth-p2 master br0
takeover br br0
sleep 1
b0=$(oxip_counter br TakeoverRcv)
oxip=$(bridge_pass)
b1=$(oxip_counter br TakeoverRcv)
release br br0
release br veth-p2
lsmod | grep -q '^bridge' || true
echo "bridge (ping h1->br0, h1->h2): native $native, takeover on br0 and on veth-p2 (made a port after attach) $oxip (TakeoverRcv +$((b1 - b0)))"
[ "$native" = "5 5" ] || { echo "FAIL: native bridge outcome unexpected"; fail=1; }
[ "$oxip" = "$native" ] || { echo "FAIL: takeover breaks the bridge"; fail=1; }
[ $((b1 - b0)) -ge 5 ] || { echo "FAIL: br0's frames not taken over"; fail=1; }
exit $fail
