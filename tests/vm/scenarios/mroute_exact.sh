#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Forwarding where oxip must answer exactly as native, native pass then
# oxip pass (takeover on r's ports), smcroute forwarding (10.0.1.2, G)
# from veth-r1 to veth-r2:
#  - record route: h1 sends with an RR option (3 slots); the slot r fills
#    holds what native's ip_rt_get_source gives: for the multicast copy's
#    output route the packet's saddr; for unicast to h2 (input route) the
#    preferred source of the FIB route toward veth-r2, which has
#    `src 10.0.1.1`. h2 captures the option.
#  - ip mrule: a rule sends veth-r1's packets to table 100 (created by an
#    MRT socket, no entries): native forwards nothing; oxip, whose mirror
#    copies the default table, must hand the packets to native too.
set -eu -o pipefail
. "$OXIP_TOP/tests/vm/lib.sh"
G=239.1.1.1
for n in h1 r h2; do ip netns del $n 2>/dev/null || true; ip netns add $n; ip -n $n link set lo up
  ip netns exec $n sysctl -qw net.ipv6.conf.all.disable_ipv6=1; done
for i in 1 2; do
  ip link add veth-h$i netns h$i type veth peer name veth-r$i netns r
  ip -n h$i addr add 10.0.$i.2/24 dev veth-h$i
  ip -n r addr add 10.0.$i.1/24 dev veth-r$i
  ip -n h$i link set veth-h$i up; ip -n r link set veth-r$i up
  ip -n h$i route add default via 10.0.$i.1
done
ip netns exec r sysctl -qw net.ipv4.ip_forward=1
ip -n r route replace 10.0.2.0/24 dev veth-r2 proto kernel scope link src 10.0.1.1
conf=/tmp/oxip-smcroute-exact.conf sock=/tmp/oxip-smcroute-exact.sock
cat > $conf <<CONF
phyint veth-r1 enable
phyint veth-r2 enable
mroute from veth-r1 source 10.0.1.2 group $G to veth-r2
CONF

send_rr() {  # send_rr COUNT DST: UDP from h1 with a 3-slot record route option
  ip netns exec h1 python3 - "$1" "$2" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 10)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("10.0.1.2"))
s.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, bytes([7, 15, 4]) + bytes(12) + b"\0")
for i in range(int(sys.argv[1])):
    s.sendto(b"oxip-rr", (sys.argv[2], 5000))
    time.sleep(0.01)
PY
}
capture() {  # capture SECONDS OUT DST: UDP to DST seen on veth-h2 until OUT.stop -> "count rr-slots-of-the-first"
  rm -f "$2" "$2.ready" "$2.stop"
  ip netns exec h2 python3 - "$1" "$2" "$3" <<'PY' &
import os, socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
s.bind(("veth-h2", 0x0800))
s.settimeout(0.2)
open(sys.argv[2] + ".ready", "w").close()
n, rr = 0, "-"
end = time.time() + float(sys.argv[1])
while time.time() < end and not os.path.exists(sys.argv[2] + ".stop"):
    try:
        d, a = s.recvfrom(4096)
    except socket.timeout:
        continue
    if a[2] == socket.PACKET_OUTGOING or len(d) < 20 or d[9] != 17 or d[16:20] != socket.inet_aton(sys.argv[3]):
        continue
    n += 1
    ihl = (d[0] & 15) * 4
    o = d[20:ihl]
    if n == 1 and len(o) >= 3 and o[0] == 7:
        rr = ",".join(socket.inet_ntoa(o[i:i + 4]) for i in range(3, o[1] - 3, 4))
with open(sys.argv[2], "w") as f:
    f.write(f"{n} {rr}\n")
PY
  # Send only once the socket is bound (python starts slowly under TCG).
  for _ in $(seq 100); do [ -f "$2.ready" ] && break; sleep 0.2; done
}
stop() { sleep 1; touch "$1.stop"; wait "$2" || true; }  # stop OUT PID

pass() {  # pass native|oxip -> "rr: COUNT SLOTS | mrule: COUNT"
  local mode=$1 out=/tmp/oxip-mx-$1
  ip netns exec r smcrouted -n -N -f $conf -u $sock > "$OXIP_OUT/smcrouted-exact-$mode.log" 2>&1 &
  local smc=$!
  for i in $(seq 20); do ip netns exec r grep -q "^010101EF 0201000A" /proc/net/ip_mr_cache && break; sleep 0.3; done
  if [ "$mode" = oxip ]; then for i in 1 2; do takeover r veth-r$i; done; fi
  capture 60 $out.rr $G; local c=$!
  send_rr 5 $G
  stop $out.rr $c
  capture 60 $out.urr 10.0.2.2; c=$!
  send_rr 5 10.0.2.2
  stop $out.urr $c
  # Table 100 and a rule that sends veth-r1's multicast there.
  rm -f $out.tbl
  ip netns exec r python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_IGMP)
s.setsockopt(socket.IPPROTO_IP, 209, 100)  # MRT_TABLE
s.setsockopt(socket.IPPROTO_IP, 200, 1)    # MRT_INIT
open(sys.argv[1], "w").close()
time.sleep(60)' $out.tbl &
  local tbl=$!
  for _ in $(seq 100); do [ -f $out.tbl ] && break; sleep 0.2; done
  ip -n r mrule add iif veth-r1 lookup 100
  local n0; n0=$(oxip_counter r NativeInput)
  capture 60 $out.rule $G; c=$!
  ip netns exec h1 python3 "$OXIP_TOP/tests/vm/mcast.py" send 10.0.1.2 $G 5000 10 10
  stop $out.rule $c
  local n1; n1=$(oxip_counter r NativeInput)
  ip -n r mrule del iif veth-r1 lookup 100
  kill $tbl 2>/dev/null; wait $tbl 2>/dev/null || true
  if [ "$mode" = oxip ]; then for i in 1 2; do release r veth-r$i; done; fi
  kill $smc; wait $smc 2>/dev/null || true
  echo "rr: $(cat $out.rr) | urr: $(cat $out.urr) | mrule: $(cut -d' ' -f1 $out.rule) | NativeInput +$((n1 - n0))"
}

f0=$(oxip_counter r Forwarded)
native=$(pass native)
f1=$(oxip_counter r Forwarded)
oxip=$(pass oxip)
f2=$(oxip_counter r Forwarded)
echo "native pass: $native"
echo "oxip pass:   $oxip"
echo "oxip Forwarded: native pass +$((f1 - f0)), oxip pass +$((f2 - f1))"
fail=0
nrr=$(echo "$native" | sed 's/^rr: \([^|]*\) |.*/\1/' | xargs)
orr=$(echo "$oxip" | sed 's/^rr: \([^|]*\) |.*/\1/' | xargs)
nur=$(echo "$native" | sed 's/.*urr: \([^|]*\) |.*/\1/' | xargs)
our=$(echo "$oxip" | sed 's/.*urr: \([^|]*\) |.*/\1/' | xargs)
nru=$(echo "$native" | sed 's/.*mrule: \([0-9]*\).*/\1/')
oru=$(echo "$oxip" | sed 's/.*mrule: \([0-9]*\).*/\1/')
oni=$(echo "$oxip" | sed 's/.*NativeInput +\([0-9]*\).*/\1/')
[ "$nrr" = "5 10.0.1.2,10.0.1.2,0.0.0.0" ] || { echo "FAIL: native record route outcome unexpected"; fail=1; }
[ "$orr" = "$nrr" ] || { echo "FAIL: oxip's record route differs from native"; fail=1; }
[ "$nur" = "5 10.0.1.2,10.0.1.1,0.0.0.0" ] || { echo "FAIL: native unicast record route outcome unexpected"; fail=1; }
[ "$our" = "$nur" ] || { echo "FAIL: oxip's unicast record route differs from native (route src)"; fail=1; }
[ $((f2 - f1)) -ge 10 ] || { echo "FAIL: oxip did not forward the record-route packets itself"; fail=1; }
[ "$nru" = 0 ] || { echo "FAIL: native mrule outcome unexpected"; fail=1; }
[ "$oru" = "$nru" ] || { echo "FAIL: with an ip mrule oxip forwards where native does not"; fail=1; }
[ "$oni" -ge 10 ] || { echo "FAIL: the mrule packets were not handed to native"; fail=1; }
exit $fail
