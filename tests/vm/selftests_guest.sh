#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs in the VM: the kernel's own IPv4 selftests, unchanged, first
# natively (oxip unloaded), then with oxip loaded as takeover=all, on the
# same boot (per test: native, then loaded for its oxip run). Each test runs from a writable copy of
# tools/testing/selftests/{net,kselftest} of the booted kernel's source.
#   SELFTESTS="id ..."  the tests to run (default: all below)
#   SELFTESTS_BIN=dir   compiled helpers (nettest), built on the host
#   SELFTEST_TIMEOUT=s  per run (default 900)
#   SELFTESTS_BUDGET=s  start no test after this many seconds (default: no limit)
# Writes $OXIP_OUT/selftests.tsv, a row per test and mode:
#   id mode verdict sub_ok sub_fail secs TakeoverRcv InReceives Forwarded LocalDeliver Drops
# (the counters are /proc/net/oxip_global deltas: every namespace, the
# test's own deleted ones included; "-" natively), and each run's output
# in $OXIP_OUT/selftests/ID.MODE.log. Leaves oxip loaded (plain insmod).
set -u
. "$OXIP_TOP/tests/vm/lib.sh"

# id, directory under net/, command line. IPv4 cases only where the script
# can choose (fib_tests -t, fib_rule_tests -t, fib_nexthops -4, pmtu names).
declare -A DIR CMD
add() { DIR[$1]=$2; CMD[$1]=$3; ORDER+=("$1"); }
ORDER=()
for t in router router_multicast router_mpath_nh router_multipath router_broadcast router_nh \
  router_vid_1 router_bridge router_bridge_vlan router_bridge_1d; do
  add "$t" forwarding "./$t.sh"
done
add fib_tests . "./fib_tests.sh -t 'unregister down carrier nexthop suppress ipv4_notify ipv4_rt ipv4_addr_metric ipv4_route_metrics ipv4_route_v6_gw rp_filter ipv4_del_addr ipv4_mangle ipv4_bcast_neigh ipv4_mpath_list ipv4_mpath_balance ipv4_mpath_balance_preferred ipv4_mpath_oif ipv4_mpath_oif_nh ipv4_mpath_oif_vrf'"
add fib_rule_tests . "./fib_rule_tests.sh -t 'fib_rule4 fib_rule4_connect fib_rule4_vrf'"
add fib_nexthops . "./fib_nexthops.sh -4"
add route_localnet . ./route_localnet.sh
add traceroute . ./traceroute.sh
for t in ipip_hier_gre ipip_flat_gre gre_multipath vxlan_bridge_1d vxlan_asymmetric; do
  add "$t" forwarding "./$t.sh"
done
add pmtu . "./pmtu.sh pmtu_ipv4_exception pmtu_ipv4_dscp_icmp_exception pmtu_ipv4_dscp_udp_exception pmtu_ipv4_vxlan4_exception pmtu_ipv4_geneve4_exception pmtu_ipv4_br_vxlan4_exception pmtu_ipv4_br_geneve4_exception pmtu_ipv4_fou4_exception pmtu_ipv4_gue4_exception pmtu_ipv4_ipv4_exception pmtu_vti4_exception pmtu_vti4_udp_exception pmtu_vti4_udp_routed_exception pmtu_vti4_default_mtu pmtu_vti4_link_add_mtu cleanup_ipv4_exception list_flush_ipv4_exception pmtu_ipv4_route_change pmtu_ipv4_mp_exceptions"

SEL=${SELFTESTS:-${ORDER[*]}}
TMO=${SELFTEST_TIMEOUT:-900}
SRC=$(readlink -f "$OXIP_KDIR/source")
W=/tmp/kselftests
rm -rf "$W"; mkdir -p "$W"
# What the listed scripts use: net/*.sh, net/lib, net/forwarding, kselftest.
mkdir -p "$W/net"
cp "$SRC"/tools/testing/selftests/net/*.sh "$SRC/tools/testing/selftests/net/settings" "$W/net/"
cp -r "$SRC/tools/testing/selftests/net/lib" "$SRC/tools/testing/selftests/net/forwarding" "$W/net/"
cp -r "$SRC/tools/testing/selftests/kselftest" "$W/"
[ -n "${SELFTESTS_BIN:-}" ] && export PATH="$SELFTESTS_BIN:$PATH"
mkdir -p "$OXIP_OUT/selftests"
TSV=$OXIP_OUT/selftests.tsv
: > "$TSV"
CTRS="TakeoverRcv InReceives Forwarded LocalDeliver Drops"

counters() {
  local c
  for c in $CTRS; do
    if [ -r /proc/net/oxip_global ]; then echo -n "$(global_counter "$c") "; else echo -n "- "; fi
  done
}

# What a test leaves behind must not meet the next one.
tidy() {
  local n i
  for n in $(ip netns list 2>/dev/null | awk '{print $1}'); do ip netns del "$n" 2>/dev/null; done
  for i in $(seq 0 11); do ip link del "veth$i" 2>/dev/null; done
  ip -o link show | awk -F': ' '$2 ~ /^(vrf-|br|gre|tunl|vx|h[0-9]|rp?[0-9])/ { sub(/@.*/, "", $2); print $2 }' |
    while read -r l; do ip link del "$l" 2>/dev/null; done
  return 0
}

run_one() {
  local id=$1 mode=$2 log=$OXIP_OUT/selftests/$1.$2.log
  local t0 rc v before after ok nf i d
  tidy
  read -r -a before < <(counters)
  t0=$(date +%s)
  (cd "$W/net/${DIR[$id]}" && timeout "$TMO" bash -c "${CMD[$id]}") > "$log" 2>&1 </dev/null
  rc=$?
  read -r -a after < <(counters)
  case $rc in 0) v=OK;; 4) v=SKIP;; 124) v=TIMEOUT;; *) v=FAIL;; esac
  ok=$(grep -cE '\[ ?OK ?\]' "$log")
  nf=$(grep -cE '\[ ?FAIL ?\]' "$log")
  d=""
  for i in 0 1 2 3 4; do
    if [ "${before[$i]}" = - ] || [ "${after[$i]}" = - ]; then d+=" -"; else d+=" $((after[i] - before[i]))"; fi
  done
  echo "$id $mode $v $ok $nf $(( $(date +%s) - t0 ))$d" | tee -a "$TSV"
}

# Each test native, then under takeover=all (loaded for that run only, so
# a partial run still pairs its rows and no state of one oxip run leaks
# into the next native one).
T0=$(date +%s)
for id in $SEL; do
  [ -n "${DIR[$id]:-}" ] || { echo "unknown selftest $id"; continue; }
  if [ -n "${SELFTESTS_BUDGET:-}" ] && [ $(( $(date +%s) - T0 )) -ge "$SELFTESTS_BUDGET" ]; then
    echo "$id native not-run 0 0 0 - - - - -" | tee -a "$TSV"
    continue
  fi
  grep -q '^oxip ' /proc/modules && rmmod oxip
  run_one "$id" native
  insmod "$OXIP_KO" takeover=all || { echo "insmod takeover=all failed"; exit 1; }
  run_one "$id" oxip
  tidy
  cat /proc/net/oxip_global > "$OXIP_OUT/selftests/$id.oxip_global"
done
grep -q '^oxip ' /proc/modules && rmmod oxip
insmod "$OXIP_KO"
