#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# oxip-cost: 309 (seconds under make check's debug kernel; its VMs take the costliest first)
# Issue 10: takeover=all. oxip is loaded with takeover=all and must own the
# IPv4 receive path of every eligible interface of every namespace, from
# the first frame: namespaces and veths made after the load carry their
# first ping through oxip (native's Ip InReceives stays 0 there), loopback
# stays native, a bridge port is detached when enslaved (the bridge device
# takes its traffic) and re-attached when released, `-all`/`+all` leave and
# re-enter the mode per namespace. Namespaces and veths are made and
# deleted while a flood runs; the kernel-wide /proc/net/oxip_global keeps
# the counters of the deleted namespaces. Last, an unload under traffic and
# a reload with takeover=all, which attaches what exists at load; it ends
# with oxip loaded as usual (no takeover) for the scenarios after it.
set -eu -o pipefail
. "$OXIP_TOP/tests/vm/lib.sh"
BUDGET=${BUDGET:-120}

reload_all() {
  rmmod oxip
  insmod "$OXIP_KO" takeover=all
}
# However it ends, the scenarios after this one find no namespace of its
# and oxip loaded as usual (not with takeover=all).
cleanup() {
  for n in a b c r h1 h2; do ip netns del "$n" 2>/dev/null || true; done
  rmmod oxip 2>/dev/null || true
  insmod "$OXIP_KO" || true
}
trap cleanup EXIT
reload_all

fail() { echo "FAIL: $*"; cat /proc/net/oxip_global_takeover; exit 1; }
inum() { if [ "$1" = init ]; then stat -L -c %i /proc/self/ns/net; else stat -L -c %i "/run/netns/$1"; fi; }
# attached NS IF: IF is in NS's line of /proc/net/oxip_global_takeover.
attached() {
  awk -v i="$(inum "$1")" -v d="$2" '$1 == i { for (k = 3; k <= NF; k++) if ($k == d) f = 1 } END { exit !f }' \
    /proc/net/oxip_global_takeover
}
mode() { awk -v i="$(inum "$1")" '$1 == i { print $2 }' /proc/net/oxip_global_takeover; }
native_rcv() { in_ns "$1" awk '/^Ip: [0-9]/ { print $4 }' /proc/net/snmp; }
ping_ok() { in_ns "$1" ping -q -c "${3:-5}" -i 0.05 -W 2 "$2" >/dev/null; }

echo "== load: every namespace in all mode, loopback left alone"
cat /proc/net/oxip_global_takeover
[ "$(mode init)" = all ] || fail "init netns not in all mode"
attached init lo && fail "lo of init netns attached"
[ "$(global_counter Live)" -ge 1 ] || fail "no live namespace in oxip_global"

echo "== new namespaces and veths: the first frames go through oxip"
two_hosts
attached a veth-a || fail "veth-a not attached"
attached b veth-b || fail "veth-b not attached"
attached a lo && fail "lo attached in a"
ping_ok a 10.0.0.2 20 || fail "ping a -> b"
ta=$(oxip_counter a TakeoverRcv) tb=$(oxip_counter b TakeoverRcv)
echo "TakeoverRcv a=$ta b=$tb; native Ip InReceives a=$(native_rcv a) b=$(native_rcv b)"
{ [ "$tb" -ge 20 ] && [ "$ta" -ge 20 ]; } || fail "pings not through oxip"
{ [ "$(native_rcv a)" = 0 ] && [ "$(native_rcv b)" = 0 ]; } || fail "frames reached native before oxip"
# Loopback is native's: a ping to a's own address travels over lo.
ping_ok a 10.0.0.1 3 || fail "ping over lo"
[ "$(native_rcv a)" -ge 3 ] || fail "lo traffic not native"
[ "$(oxip_counter a TakeoverRcv)" = "$ta" ] || fail "lo traffic went through oxip"

echo "== bridge ports: detached when enslaved, re-attached when released"
for n in r h1 h2; do ip netns del $n 2>/dev/null || true; ip netns add $n; ip -n $n link set lo up; done
ip -n r link add br0 type bridge
ip link add p1 netns r type veth peer name e1 netns h1
ip link add p2 netns r type veth peer name e2 netns h2
attached r p1 || fail "p1 not attached before it is a port"
ip -n r link set p1 master br0
ip -n r link set p2 master br0
attached r p1 && fail "p1 still attached as a bridge port"
attached r p2 && fail "p2 still attached as a bridge port"
attached r br0 || fail "br0 not attached"
ip -n r addr add 10.1.0.1/24 dev br0
ip -n h1 addr add 10.1.0.2/24 dev e1
ip -n h2 addr add 10.1.0.3/24 dev e2
for l in br0 p1 p2; do ip -n r link set $l up; done
ip -n h1 link set e1 up; ip -n h2 link set e2 up
sleep 1
r0=$(oxip_counter r TakeoverRcv)
ping_ok h1 10.1.0.1 10 || fail "ping h1 -> br0"
r1=$(oxip_counter r TakeoverRcv)
[ $((r1 - r0)) -ge 10 ] || fail "traffic to the bridge not through oxip (TakeoverRcv +$((r1 - r0)))"
# Frames the bridge forwards between its ports never reach IPv4 in r.
ping_ok h1 10.1.0.3 10 || fail "ping across the bridge"
r2=$(oxip_counter r TakeoverRcv)
echo "r: TakeoverRcv +$((r1 - r0)) to br0, +$((r2 - r1)) while h1 pinged h2 across it; native Ip InReceives $(native_rcv r)"
[ $((r2 - r1)) -le 2 ] || fail "bridged frames went through oxip in r"
[ "$(native_rcv r)" = 0 ] || fail "r received IPv4 natively"
ip -n r link set p1 nomaster
attached r p1 || fail "p1 not re-attached after leaving the bridge"
# A port coming and going while the bridge carries traffic.
nsenter --net=/run/netns/h1 ping -q -i 0.02 10.1.0.3 >/dev/null 2>&1 &
pp=$!
ip -n r link set p1 master br0
for _ in 1 2 3; do ip -n r link set p1 nomaster; ip -n r link set p1 master br0; done
attached r p1 && fail "p1 attached as a port after churn"
ip -n r link set p1 nomaster
attached r p1 || fail "p1 not re-attached after churn"
ip -n r link set p1 master br0
kill $pp; wait $pp 2>/dev/null || true

echo "== -all / +all in one namespace"
in_ns a sh -c 'echo -all > /proc/net/oxip_takeover'
[ "$(mode a)" = some ] || fail "a still in all mode"
attached a veth-a && fail "veth-a attached after -all"
ip link add x1 netns a type veth peer name x2 netns a
attached a x1 && fail "x1 attached while a is not in all mode"
in_ns a sh -c 'echo +all > /proc/net/oxip_takeover'
{ attached a veth-a && attached a x1 && attached a x2; } || fail "+all did not attach a's devices"
attached a lo && fail "+all attached lo"
ip -n a link del x1

echo "== namespaces and veths come and go under a flood"
nsenter --net=/run/netns/a python3 -S "$OXIP_TOP/tests/vm/flood.py" --ifname veth-a --dst-mac "$(mac b veth-b)" \
  --src 10.0.0.1 --dst 10.0.0.2 --dport 9 >/dev/null 2>&1 &
fl=$!
gone0=$(global_counter Gone)
t0=$SECONDS rounds=0 dead=0
while [ $((SECONDS - t0)) -lt "$BUDGET" ] && [ $rounds -lt 20 ]; do
  rounds=$((rounds + 1))
  ip netns add c
  ip link add vc netns c type veth peer name va netns b
  ip -n c addr add 10.2.0.2/24 dev vc; ip -n b addr add 10.2.0.1/24 dev va
  ip -n c link set vc up; ip -n b link set va up; ip -n c link set lo up
  ping_ok c 10.2.0.1 5 || fail "ping from a new namespace (round $rounds)"
  n=$(oxip_counter c TakeoverRcv)
  { [ "$(native_rcv c)" = 0 ] && [ "$n" -ge 5 ]; } || fail "round $rounds: c TakeoverRcv $n, native $(native_rcv c)"
  dead=$((dead + n))
  if [ $((rounds % 2)) = 0 ]; then ip -n b link del va; fi
  ip netns del c
done
kill $fl; wait $fl 2>/dev/null || true
# The deleted namespaces' counters must stay in the kernel-wide total.
for _ in $(seq 50); do [ $(( $(global_counter Gone) - gone0 )) -ge $rounds ] && break; sleep 0.2; done
live=$(( $(oxip_counter_init TakeoverRcv) ))
for n in $(ip netns list | awk '{print $1}'); do live=$((live + $(oxip_counter "$n" TakeoverRcv))); done
total=$(global_counter TakeoverRcv)
echo "rounds $rounds in $((SECONDS - t0)) s; namespaces gone +$(( $(global_counter Gone) - gone0 ));" \
  "TakeoverRcv: global $total, live namespaces $live, deleted ones (at least) $dead"
[ $(( $(global_counter Gone) - gone0 )) -ge $rounds ] || fail "gone namespaces not counted"
[ "$total" -ge $((live + dead)) ] || fail "the global total lost the deleted namespaces' counters"
grep OxipNetns /proc/net/oxip_global

echo "== unload under traffic, reload with takeover=all"
nsenter --net=/run/netns/a python3 -S "$OXIP_TOP/tests/vm/flood.py" --ifname veth-a --dst-mac "$(mac b veth-b)" \
  --src 10.0.0.1 --dst 10.0.0.2 --dport 9 >/dev/null 2>&1 &
fl=$!
sleep 1
reload_all
{ attached a veth-a && attached b veth-b && attached r br0; } || fail "existing devices not attached at load"
attached r p1 && fail "bridge port attached at load"
sleep 1
[ "$(oxip_counter b TakeoverRcv)" -gt 0 ] || fail "flood not through oxip after the reload"
kill $fl; wait $fl 2>/dev/null || true
ping_ok a 10.0.0.2 5 || fail "ping after the reload"
echo ok
