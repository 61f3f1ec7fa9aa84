#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# oxip-cost: 193 (seconds under make check's debug kernel; its VMs take the costliest first)
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
router_topology 2
ip -n r route replace 10.0.2.0/24 dev veth-r2 proto kernel scope link src 10.0.1.1
P=(python3 -S "$VM/pkt.py")
M=(python3 -S "$VM/mcast.py")

send_rr() {  # send_rr COUNT DST: UDP from h1 with a 3-slot record route option
  in_ns h1 "${P[@]}" sock-send "$2" 5000 --count "$1" --ttl 10 --mcast-if 10.0.1.2 --rr 3 --interval 0.01
}
capture() {  # capture OUT DST: UDP to DST seen on veth-h2 until OUT.stop -> "count rr-slots-of-the-first"
  rm -f "$1" "$1.ready" "$1.stop"
  nsenter --net=/run/netns/h2 "${P[@]}" capture --ifname veth-h2 --dst "$2" --seconds 60 "$1" &
  CAP=$!
  # Send only once the socket is bound (python starts slowly under TCG).
  for _ in $(seq 100); do [ -f "$1.ready" ] && break; sleep 0.2; done
}
stop() { sleep 1; touch "$1.stop"; wait "$2" || true; }  # stop OUT PID

pass() {  # pass native|oxip -> "rr: COUNT SLOTS | mrule: COUNT"
  local mode=$1 out=/tmp/oxip-mx-$1
  smcroute_start r "exact-$mode" "phyint veth-r1 enable" "phyint veth-r2 enable" \
    "mroute from veth-r1 source 10.0.1.2 group $G to veth-r2"
  mr_cache_wait r 10.0.1.2 "$G" || true
  if [ "$mode" = oxip ]; then takeover r veth-r1 veth-r2; fi
  capture "$out.rr" "$G"
  send_rr 5 "$G"
  stop "$out.rr" "$CAP"
  capture "$out.urr" 10.0.2.2
  send_rr 5 10.0.2.2
  stop "$out.urr" "$CAP"
  # Table 100 and a rule that sends veth-r1's multicast there.
  rm -f "$out.tbl"
  nsenter --net=/run/netns/r "${M[@]}" mrt-table 100 "$out.tbl" 60 &
  local tbl=$!
  for _ in $(seq 100); do [ -f "$out.tbl" ] && break; sleep 0.2; done
  ip -n r mrule add iif veth-r1 lookup 100
  local n0; n0=$(oxip_counter r NativeInput)
  capture "$out.rule" "$G"
  in_ns h1 "${M[@]}" send 10.0.1.2 "$G" 5000 10 10
  stop "$out.rule" "$CAP"
  local n1; n1=$(oxip_counter r NativeInput)
  ip -n r mrule del iif veth-r1 lookup 100
  kill "$tbl" 2>/dev/null; wait "$tbl" 2>/dev/null || true
  if [ "$mode" = oxip ]; then release r veth-r1 veth-r2; fi
  smcroute_stop
  echo "rr: $(< "$out.rr") | urr: $(< "$out.urr") | mrule: $(cut -d' ' -f1 "$out.rule") | NativeInput +$((n1 - n0))"
}

two_passes ""
native=$NATIVE oxip=$OXIP
fail=0
# part TEXT REGEX: the first group of REGEX in TEXT (no process).
part() { [[ $1 =~ $2 ]] && echo "${BASH_REMATCH[1]}"; return 0; }
nrr=$(part "$native" '^rr: ([^|]*[^ |])')
orr=$(part "$oxip" '^rr: ([^|]*[^ |])')
nur=$(part "$native" 'urr: ([^|]*[^ |])')
our=$(part "$oxip" 'urr: ([^|]*[^ |])')
nru=$(part "$native" 'mrule: ([0-9]*)')
oru=$(part "$oxip" 'mrule: ([0-9]*)')
oni=$(part "$oxip" 'NativeInput \+([0-9]*)')
[ "$nrr" = "5 10.0.1.2,10.0.1.2,0.0.0.0" ] || { echo "FAIL: native record route outcome unexpected"; fail=1; }
[ "$orr" = "$nrr" ] || { echo "FAIL: oxip's record route differs from native"; fail=1; }
[ "$nur" = "5 10.0.1.2,10.0.1.1,0.0.0.0" ] || { echo "FAIL: native unicast record route outcome unexpected"; fail=1; }
[ "$our" = "$nur" ] || { echo "FAIL: oxip's unicast record route differs from native (route src)"; fail=1; }
[ "$FWD_OXIP" -ge 10 ] || { echo "FAIL: oxip did not forward the record-route packets itself"; fail=1; }
[ "$nru" = 0 ] || { echo "FAIL: native mrule outcome unexpected"; fail=1; }
[ "$oru" = "$nru" ] || { echo "FAIL: with an ip mrule oxip forwards where native does not"; fail=1; }
[ "$oni" -ge 10 ] || { echo "FAIL: the mrule packets were not handed to native"; fail=1; }
exit $fail
