#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# oxip-cost: 255 (seconds under make check's debug kernel; its VMs take the costliest first)
# The per-CPU route cache (#11 item 4): packets to one destination are
# routed from the cache after the first lookup, one at a time as well as
# in batches; a route change, a link going down, rp_filter, a custom rule
# are each seen at once (no packet follows a cached route native would no
# longer use); devices and a namespace holding cached routes are deleted
# and the module unloaded with routes cached (the kernel log verdict
# catches a held device: "waiting for ... to become free").
set -eu -o pipefail
. "$OXIP_TOP/tests/vm/lib.sh"
router_topology 3 net.ipv4.conf.all.send_redirects=0
ip -n r route add 10.0.9.9/32 via 10.0.2.2
# 64 frames a burst: enough for the hit-rate checks below; each frame costs
# about 20 ms of guest time on the debug kernel, and there are 16 bursts
# (one of 192).
N=64
RMAC=02:00:00:00:01:01
# The sender on CPU 0, so r receives on CPU 0 too and each burst meets the
# same CPU's slots (the cache is per CPU).
export BATCHED=1
rx() { in_ns "$1" awk -v d="veth-$1:" '$1 == d { n = $3 } END { print n + 0 }' /proc/net/dev; }
# burst DST [pkt.py options]: N frames from h1 into r as oxip's ethertype;
# sets c m inv f h fw sk: what RouteCacheHits, RouteCacheMisses,
# RouteCacheInvalid, FibLookups, HintHits, Forwarded and RouteCacheSkipped
# in r grew by, and r2 r3: frames h2 and h3 received. BURST (default N)
# frames.
burst() {
  local c0 m0 i0 f0 h0 w0 s0 c1 m1 i1 f1 h1 w1 s1 a0 b0
  local names="RouteCacheHits RouteCacheMisses RouteCacheInvalid FibLookups HintHits Forwarded RouteCacheSkipped"
  # shellcheck disable=SC2086 # the names, one word each
  read -r c0 m0 i0 f0 h0 w0 s0 < <(oxip_counters r $names)
  a0=$(rx h2) b0=$(rx h3)
  send_ip h1 veth-h1 $RMAC 0x88b5 "${BURST:-$N}" udp 10.0.1.2 "$1" 9 "${@:2}"
  sleep 0.5
  # shellcheck disable=SC2086 # as above
  read -r c1 m1 i1 f1 h1 w1 s1 < <(oxip_counters r $names)
  c=$((c1 - c0)) m=$((m1 - m0)) inv=$((i1 - i0)) f=$((f1 - f0)) h=$((h1 - h0)) fw=$((w1 - w0)) sk=$((s1 - s0))
  r2=$(($(rx h2) - a0)) r3=$(($(rx h3) - b0))
  echo "$*: cache hits $c misses $m invalid $inv skipped $sk, lookups $f hints $h, forwarded $fw, h2 got $r2 h3 $r3"
}
burst 10.0.9.9
[ $r2 -eq $N ] && [ $fw -eq $N ]
[ $c -gt $((N / 2)) ]
[ $((c + f + h)) -eq $N ]
# A route change is seen by the next packet: every frame goes the new way.
ip -n r route replace 10.0.9.9/32 via 10.0.3.2
burst 10.0.9.9
[ $r2 -eq 0 ] && [ $r3 -eq $N ]
[ $inv -ge 1 ] && [ $c -gt $((N / 2)) ]
# A more specific route added elsewhere in the FIB: the same.
ip -n r route add 10.0.9.0/24 via 10.0.2.2
ip -n r route del 10.0.9.9/32
burst 10.0.9.9
[ $r2 -eq $N ] && [ $r3 -eq 0 ]
[ $inv -ge 1 ]
# The outgoing link down: no route natively; nothing follows the cached one.
ip -n r route replace 10.0.9.0/24 via 10.0.3.2
burst 10.0.9.9
[ $r3 -eq $N ]
ip -n r link set veth-r3 down
burst 10.0.9.9
[ $r3 -eq 0 ] && [ $fw -eq 0 ] && [ $c -eq 0 ]
ip -n r link set veth-r3 up
ip -n r route replace 10.0.9.0/24 via 10.0.3.2
ip -n r neigh replace 10.0.3.2 lladdr 02:00:00:00:03:02 dev veth-r3 nud permanent
# Local delivery: cached too (native's source check takes its fast path).
burst 10.0.1.1
[ $c -gt $((N / 2)) ]
# Every other frame from r's own address: those are checked and refused
# (the full lookup drops them, as native does), the others still hit
# (but for a first miss on each CPU the sender ran on, refused or not).
burst 10.0.9.9 --alt-src 10.0.2.1
[ $r3 -eq $((N / 2)) ] && [ $c -ge $((N / 2 - 4)) ]
# A run of misses: 192 frames to 192 destinations, none of which comes
# back. After 64 frames without a hit, frames skip the cache (counted,
# routed by the FIB like the others); a flow after them is cached again
# from its third packet.
BURST=192 burst 10.0.9.9 --dst-range 192
[ $r3 -eq 192 ] && [ $((c + f + h)) -eq 192 ] && [ $sk -gt 64 ] && [ $c -le 1 ]
burst 10.0.9.9
[ $r3 -eq $N ] && [ $c -ge $((N - 4)) ] && [ $sk -le 2 ]
# rp_filter: native validates every source with a reverse lookup; the
# cache stands aside.
python3 -S "$VM/netns.py" sysctl r net.ipv4.conf.veth-r1.rp_filter=1
burst 10.0.9.9
[ $c -eq 0 ] && [ $m -eq 0 ] && [ $r3 -eq $N ]
python3 -S "$VM/netns.py" sysctl r net.ipv4.conf.veth-r1.rp_filter=0
# Batches (GRO on, one sender CPU): hints within a batch, the cache across.
ip netns exec h1 ethtool -K veth-h1 tso off >/dev/null
ip netns exec r ethtool -K veth-r1 gro on >/dev/null
ip netns exec r sh -c 'echo 1 > /sys/class/net/veth-r1/threaded'
for p in $(pgrep '^napi/veth-r1'); do taskset -pc 0 "$p" >/dev/null; done
burst 10.0.9.9
[ $r3 -eq $N ] && [ $((c + f + h)) -eq $N ] && [ $c -gt 0 ]
# Unload with routes cached: the cache gives its dsts back.
burst 10.0.9.9
rmmod oxip
insmod "$OXIP_KO"
# Devices holding cached routes go: h3's link (the cached routes' output
# device), then r itself with routes cached.
burst 10.0.9.9
[ $c -gt 0 ]
ip -n h3 link del veth-h3
burst 10.0.9.9
[ $fw -eq 0 ] && [ $c -eq 0 ]
burst 10.0.1.1
[ $c -gt 0 ]
ip netns del r
# cleanup_net runs in a workqueue; a held device shows within 10 s.
sleep 12
if dmesg | grep -E 'waiting for .* to become free'; then exit 1; fi
echo "route cache: PASS"
