#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# oxip-cost: 57 (seconds under make check's debug kernel; its VMs take the costliest first)
# oxip's multicast routing mirror follows the kernel's: smcroute installs
# (S,G) routes over the standard MRT_* API; /proc/net/oxip_mr_cache and
# oxip_mr_vif must show what /proc/net/ip_mr_cache and ip_mr_vif show, as
# routes are added and deleted and when the daemon exits.
set -eu -o pipefail
. "$OXIP_TOP/tests/vm/lib.sh"
router_topology 2
smcroute_start r mirror "phyint veth-r1 enable" "phyint veth-r2 enable" \
  "mroute from veth-r1 source 10.0.1.2 group 239.1.1.1 to veth-r2" \
  "mroute from veth-r1 source 10.0.1.2 group 239.1.1.2 to veth-r2"
smc=$SMC_PID sock=$SMC_SOCK
native() { in_ns r awk 'NR>1 && $3 != 65535 {s=$1" "$2" "$3; for(i=7;i<=NF;i++) s=s" "$i; print s}' /proc/net/ip_mr_cache | sort; }
mirror() { in_ns r awk 'NR>1 {s=$1" "$2" "$3; for(i=7;i<=NF;i++) s=s" "$i; print s}' /proc/net/oxip_mr_cache | sort; }
vifs() { in_ns r awk 'NR>1' "$1" | wc -l; }
same() {
  local n m
  n=$(native); m=$(mirror)
  echo "--- $1"; echo "native: ${n:-<none>}"; echo "oxip:   ${m:-<none>}"
  [ "$n" = "$m" ] || { echo "MISMATCH"; return 1; }
  [ "$(vifs /proc/net/ip_mr_vif)" = "$(vifs /proc/net/oxip_mr_vif)" ] || { echo "VIF count differs"; return 1; }
}
for i in $(seq 20); do [ -n "$(native)" ] && break; sleep 0.5; done
[ -n "$(native)" ] || { echo "smcroute installed nothing"; cat "$OXIP_OUT/smcrouted-mirror.log"; exit 1; }
same "two (S,G) routes from the config"
in_ns r smcroutectl -u "$sock" del veth-r1 10.0.1.2 239.1.1.2
sleep 0.5
same "one deleted"
in_ns r smcroutectl -u "$sock" add veth-r1 10.0.1.3 239.1.1.3 veth-r2
sleep 0.5
same "one added at run time"
n=$(native | wc -l)
[ "$n" = 2 ] || { echo "expected 2 routes, have $n"; exit 1; }
kill $smc; wait $smc 2>/dev/null || true
sleep 0.5
same "daemon gone: tables flushed"
[ -z "$(mirror)" ]
[ "$(vifs /proc/net/oxip_mr_vif)" = 0 ]
echo ok
