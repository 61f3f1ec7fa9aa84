#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A multicast router: smcroute installs (10.0.1.2, 239.1.1.1) from veth-r1
# to veth-r2 and veth-r3 over the kernel's MRT_* API, as any multicast
# routing daemon would; oxip mirrors the kernel's MFC and, with r's ports
# in takeover mode, forwards the group itself. /proc/net/oxip_mr_cache
# stands beside /proc/net/ip_mr_cache with oxip's own counters.
#   h1 (10.0.1.2) -- r -- h2 (10.0.2.2), h3 (10.0.3.2)
set -eu -o pipefail
. "$(dirname "$0")/functions.sh"
root_check
N=${COUNT:-50}
G=239.1.1.1
command -v smcrouted >/dev/null || err "smcroute is not installed"
router_topology 3
smcroute_start r s04 "phyint veth-r1 enable" "phyint veth-r2 enable" "phyint veth-r3 enable" \
  "mroute from veth-r1 source 10.0.1.2 group $G to veth-r2 veth-r3"
trap 'smcroute_stop; printf "netns del %s\n" h1 r h2 h3 | ip -force -batch - 2>/dev/null' EXIT
mr_cache_wait r 10.0.1.2 $G || err "smcroute installed no route"
takeover r veth-r1 veth-r2 veth-r3
M=(python3 "$VM/mcast.py")
out=/tmp/oxip-s04
rm -rf $out
mkdir -p $out
ip netns exec h2 "${M[@]}" recv 10.0.2.2 $G 5000 60 $out/h2 $out/stop &
r2=$!
ip netns exec h3 "${M[@]}" recv 10.0.3.2 $G 5000 60 $out/h3 $out/stop &
r3=$!
for _ in $(seq 100); do [ -f $out/h2 ] && [ -f $out/h3 ] && break; sleep 0.2; done
info "h1 -> $G: $N datagrams, TTL 8"
f0=$(oxip_counter r Forwarded)
ip netns exec h1 "${M[@]}" send 10.0.1.2 $G 5000 8 "$N"
sleep 1
touch $out/stop
wait $r2 $r3
f1=$(oxip_counter r Forwarded)
release r veth-r1 veth-r2 veth-r3
info "the kernel's MFC (/proc/net/ip_mr_cache) and oxip's mirror (/proc/net/oxip_mr_cache), in r:"
ip netns exec r sh -c 'cat /proc/net/ip_mr_cache; echo; cat /proc/net/oxip_mr_cache' | sed 's/^/  /'
info "oxip's VIFs (/proc/net/oxip_mr_vif):"
ip netns exec r cat /proc/net/oxip_mr_vif | sed 's/^/  /'
got2=$(< $out/h2) got3=$(< $out/h3)
read -r opkts < <(ip netns exec r awk -v g="$(hexip $G)" -v s="$(hexip 10.0.1.2)" '$1 == g && $2 == s {print $4}' /proc/net/oxip_mr_cache)
check "h2 and h3 each got all $N ($got2, $got3)" [ "$got2 $got3" = "$N $N" ]
check "oxip forwarded the copies (Forwarded +$((f1 - f0)))" [ $((f1 - f0)) = $((2 * N)) ]
check "oxip_mr_cache counted the $N packets of the (S,G) entry ($opkts)" [ "${opkts:-0}" = "$N" ]
