#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# oxip-cost: 213 (seconds under make check's debug kernel; its VMs take the costliest first)
# Multicast forwarding through r, configured by smcroute over the standard
# MRT_* API: once native, once with r's three ports in oxip takeover mode.
# Each pass: forwarding to two receivers, the per-VIF TTL threshold, the
# wrong-iif copy not forwarded, a receiver on r itself, and the route's
# deletion stopping it. Both passes must give the same deliveries and the
# same MFC counters (native's /proc/net/ip_mr_cache for the native pass,
# oxip's /proc/net/oxip_mr_cache plus native's for the oxip pass).
set -eu -o pipefail
. "$OXIP_TOP/tests/vm/lib.sh"
M=(python3 -S "$VM/mcast.py")
G=239.1.1.1
router_topology 3

cache_pkts() {  # cache_pkts FILE: Pkts and Wrong of the (10.0.1.2, G) entry
  in_ns r awk '$1 == "010101EF" && $2 == "0201000A" {print $4, $6}' "$1"
}
vif_pkts() {  # vif_pkts FILE: PktsIn of VIF 0, PktsOut of VIFs 1 and 2
  in_ns r awk 'NR>1 {in_[$1]=$4; out[$1]=$6} END {print in_[0]+0, out[1]+0, out[2]+0}' "$1"
}

pass() {  # pass native|oxip -> prints "h2 h3 r wrong-iif-to-h3 after-delete"
  local mode=$1
  smcroute_start r "fwd-$mode" "phyint veth-r1 enable" "phyint veth-r2 enable" \
    "phyint veth-r3 enable ttl-threshold 5" "mroute from veth-r1 source 10.0.1.2 group $G to veth-r2 veth-r3"
  mr_cache_wait r 10.0.1.2 "$G" || true
  if [ "$mode" = oxip ]; then takeover r veth-r1 veth-r2 veth-r3; fi
  local out=/tmp/oxip-mc-$mode; rm -rf "$out"; mkdir -p "$out"
  # TTL 10: both receivers (veth-r3's threshold is 5) and r itself.
  # Receivers run until the sends are done (stop file), 60 s at most, and
  # each writes its count file once it has joined: send only then.
  nsenter --net=/run/netns/h2 "${M[@]}" recv 10.0.2.2 "$G" 5000 60 "$out/h2" "$out/stop" & local r2=$!
  nsenter --net=/run/netns/h3 "${M[@]}" recv 10.0.3.2 "$G" 5000 60 "$out/h3" "$out/stop" & local r3=$!
  nsenter --net=/run/netns/r "${M[@]}" recv 10.0.1.1 "$G" 5000 60 "$out/r" "$out/stop" & local rr=$!
  for i in $(seq 100); do [ -f "$out/h2" ] && [ -f "$out/h3" ] && [ -f "$out/r" ] && break; sleep 0.2; done
  in_ns h1 "${M[@]}" send 10.0.1.2 "$G" 5000 10 20
  # TTL 4: h2 only.
  in_ns h1 "${M[@]}" send 10.0.1.2 "$G" 5000 4 10
  # Wrong iif: the same (S,G) arriving from h2's side must not be forwarded.
  send_ip h2 veth-h2 01:00:5e:01:01:01 0x0800 5 udp 10.0.1.2 "$G" 5000 --ttl 10
  sleep 1; touch "$out/stop"
  wait "$r2" "$r3" "$rr" 2>/dev/null || true
  local counts; counts="$(< "$out/h2") $(< "$out/h3") $(< "$out/r")"
  local mfc; mfc=$(cache_pkts /proc/net/ip_mr_cache)
  local omfc="0 0" vifs ovifs="0 0 0"
  [ "$mode" = oxip ] && omfc=$(cache_pkts /proc/net/oxip_mr_cache)
  vifs=$(vif_pkts /proc/net/ip_mr_vif)
  [ "$mode" = oxip ] && ovifs=$(vif_pkts /proc/net/oxip_mr_vif)
  echo "$vifs | $ovifs" > "$out/vifs"
  # Delete the route: nothing more reaches h2.
  in_ns r smcroutectl -u "$SMC_SOCK" del veth-r1 10.0.1.2 "$G"
  sleep 0.3
  nsenter --net=/run/netns/h2 "${M[@]}" recv 10.0.2.2 "$G" 5000 60 "$out/h2b" "$out/stop-b" & local rb=$!
  for i in $(seq 100); do [ -f "$out/h2b" ] && break; sleep 0.2; done
  in_ns h1 "${M[@]}" send 10.0.1.2 "$G" 5000 10 5
  sleep 1; touch "$out/stop-b"
  wait "$rb" 2>/dev/null || true
  if [ "$mode" = oxip ]; then release r veth-r1 veth-r2 veth-r3; fi
  smcroute_stop
  echo "$counts $(< "$out/h2b") | mfc native $mfc | mfc oxip $omfc | vifs native $(cut -d'|' -f1 "$out/vifs")| vifs oxip$(cut -d'|' -f2 "$out/vifs")"
}

two_passes "h2 h3 r h2-after-delete = "
native=$NATIVE oxip=$OXIP
read -r n2 n3 nr nd _ <<< "$native"
read -r o2 o3 or od _ <<< "$oxip"
# Expected: h2 gets all 30 (TTL 10 and TTL 4), h3 the 20 of TTL 10, r's own
# socket the 20+10 on veth-r1, nothing after the delete.
[ "$n2 $n3 $nr $nd" = "30 20 30 0" ] || { echo "native outcome unexpected"; exit 1; }
[ "$o2 $o3 $or $od" = "$n2 $n3 $nr $nd" ] || { echo "oxip differs from native"; exit 1; }
# The same counters: native's entry counted 30 packets and 5 wrong-iif in
# the native pass; in the oxip pass oxip counted the 30 it forwarded and
# the wrong-iif ones it handed on (which native counted too).
nm='' om=''
[[ $native =~ mfc\ native\ ([0-9]+\ [0-9]+) ]] && nm=${BASH_REMATCH[1]}
[[ $oxip =~ mfc\ oxip\ ([0-9]+\ [0-9]+) ]] && om=${BASH_REMATCH[1]}
echo "MFC (pkts wrong): native pass kernel $nm; oxip pass oxip $om"
[ "$nm" = "35 5" ] || { echo "native MFC counters unexpected"; exit 1; }
[ "$om" = "35 5" ] || { echo "oxip MFC counters differ"; exit 1; }
[ "$FWD_OXIP" -ge 50 ] || { echo "oxip forwarded too little"; exit 1; }
# VIF counters (PktsIn of the upstream VIF, PktsOut of the two oifs): the
# kernel's in the native pass, oxip's in the oxip pass.
nv=$(echo "$native" | sed 's/.*vifs native \([0-9 ]*\)|.*/\1/' | xargs)
ov=$(echo "$oxip" | sed 's/.*vifs oxip *\([0-9 ]*\)$/\1/' | xargs)
echo "VIF counters (in vif0, out vif1, out vif2): native pass kernel $nv; oxip pass oxip $ov"
[ "$nv" = "$ov" ] || { echo "VIF counters differ"; exit 1; }
