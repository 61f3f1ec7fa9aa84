#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`, inside the VM: forwarding through r by six paths in one
# boot, and every sample to $OXIP_OUT/bench.jsonl (the host makes the table
# and the plot: tests/vm/bench_report.py).
#   native    the kernel's own ip_rcv / ip_forward / ip_mr_input
#   ethertype oxip's packet_type (h1's egress rewrites the ethertype to
#             0x88B5; native and takeover runs rewrite it to 0x0800, so the
#             sender does the same work on every path): the Rust datapath
#             with no takeover cost, and its route cache (route_cache=1)
#   nocache   the same without the route cache (route_cache=0): route
#             hints within a batch only
#   takeover  oxip attached to r's ports, entry through oxip's backlog
#             (takeover_retag=0)
#   direct    the same, received one by one in the hook (takeover_retag=0
#             takeover_backlog=0)
#   retag     the same, the hook retags frames to oxip's pseudo type and
#             native receive batches them to oxip's packet_type, with no
#             queue of oxip's (takeover_retag=1, the default)
# Runs alternate between the paths and repeat.
#
# BENCH_CLOCK=icount (run.sh boots QEMU with -icount shift=0,sleep=off): one
# guest nanosecond is one guest instruction, so 1e9 / pps is the number of
# instructions per packet, both vCPUs (sender included) on one clock. The
# vCPUs then run round-robin, so packets reach r one per poll unless a row
# sets up batching (the *_napi rows: GRO on r's veth makes it a NAPI
# device, and threaded NAPI on the other CPU finds the ring filled by the
# sender, as a NIC's poll finds its RX ring, so packets arrive in lists).
#   h1 (10.0.1.2) --veth-- r (10.0.1.1 | 10.0.2.1 | 10.0.3.1) --veth-- h2 (10.0.2.2), h3 (10.0.3.2)
# Multicast: smcroute forwards (10.0.1.2, 239.1.1.1) from h1 to h2 and h3.
set -u
. "$OXIP_TOP/tests/vm/lib.sh"
CLOCK=${BENCH_CLOCK:-wall}
[ -n "$CLOCK" ] || CLOCK=wall
if [ "$CLOCK" = icount ]; then dreps=3; dsecs=0.5; else dreps=3; dsecs=3; fi
REPS=${BENCH_REPS:-$dreps}; [ -n "$REPS" ] || REPS=$dreps
SECS=${BENCH_SECS:-$dsecs}; [ -n "$SECS" ] || SECS=$dsecs
ROWS=${BENCH_ROWS:-}
[ -n "$ROWS" ] || ROWS="iperf3_tcp iperf3_udp pktgen_64B_1flow pktgen_64B_1flow_stop_ingress pktgen_64B_1flow_stop_forward pktgen_64B_256flow pktgen_mcast_2oif pktgen_64B_1flow_napi pktgen_64B_256flow_napi bigfib_1flow bigfib_rnd"
modprobe pktgen 2>/dev/null  # a module in Debian's kernel, built in elsewhere
OUT=$OXIP_OUT/bench.jsonl
: > "$OUT"
ETH_P_OXIP=0x88b5
echo "bench: clock $CLOCK, $REPS reps of $SECS s, rows: $ROWS"

router_topology 3
ip -n r route add 10.0.9.0/24 via 10.0.2.2
smcroute_start r bench "phyint veth-r1 enable" "phyint veth-r2 enable" "phyint veth-r3 enable" \
  "mroute from veth-r1 source 10.0.1.2 group 239.1.1.1 to veth-r2 veth-r3"
ip netns exec h3 tc qdisc add dev veth-h3 clsact
ip netns exec h2 tc qdisc add dev veth-h2 clsact
ip netns exec h1 tc qdisc add dev veth-h1 clsact
ip netns exec h2 iperf3 -s -D -p 5201 >/dev/null

# Receive regimes. `poll`: r receives on CPU 1 (RPS), senders run on CPU 0,
# as a NIC queue's interrupt would give it; one packet per poll under
# icount. `napi`: GRO on veth-r1 makes it a NAPI device (veth's ptr_ring),
# its poll a thread on CPU 1 (threaded NAPI), no RPS: the poll finds what
# the sender queued meanwhile, and packets reach r in lists.
regime() {
  if [ "$1" = napi ]; then
    ip netns exec r sh -c 'echo 0 > /sys/class/net/veth-r1/queues/rx-0/rps_cpus'
    ip netns exec r ethtool -K veth-r1 gro on >/dev/null
    ip netns exec r sh -c 'echo 1 > /sys/class/net/veth-r1/threaded'
    local t; for t in $(pgrep '^napi/veth-r1'); do taskset -p 2 "$t" >/dev/null; done
    [ -n "$(pgrep '^napi/veth-r1')" ] || echo "bench: no NAPI thread for veth-r1"
  else
    ip netns exec r sh -c 'echo 0 > /sys/class/net/veth-r1/threaded' 2>/dev/null
    ip netns exec r ethtool -K veth-r1 gro off >/dev/null
    ip netns exec r sh -c 'echo 2 > /sys/class/net/veth-r1/queues/rx-0/rps_cpus'
  fi
}
regime poll

rx_packets() { ip netns exec h2 cat /sys/class/net/veth-h2/statistics/rx_packets; }
r_rx_packets() { ip netns exec r cat /sys/class/net/veth-r1/statistics/rx_packets; }
# The oxip counters a sample reports: batch size and hint rate show the regime.
snap() { ip netns exec r awk '/^Oxip:/{n++; if (n==1) split($0,k); else for (i=2;i<=NF;i++) print k[i], $i}' /proc/net/oxip_snmp |
         awk '/^(ListBatches|EthertypeRcv|TakeoverRcv|HintHits|FibLookups|RouteCacheHits|Forwarded) /{printf "%s=%s ", $1, $2}'; }
sample() {  # sample TEST PATH REP VALUE UNIT [SNAP0 SNAP1]
  local extra=""
  if [ $# -ge 7 ]; then
    extra=$(python3 - "$6" "$7" <<'EOF'
import sys
a = dict(kv.split("=") for kv in sys.argv[1].split())
b = dict(kv.split("=") for kv in sys.argv[2].split())
d = {k: int(b.get(k, 0)) - int(a.get(k, 0)) for k in b}
rcv = d.get("EthertypeRcv", 0) + d.get("TakeoverRcv", 0)
lookups = d.get("HintHits", 0) + d.get("FibLookups", 0) + d.get("RouteCacheHits", 0)
out = {"oxip_rcv": rcv}
if d.get("ListBatches"):
    out["batch"] = round(rcv / d["ListBatches"], 2)
if lookups:
    out["hint_rate"] = round(d.get("HintHits", 0) / lookups, 4)
    out["cache_rate"] = round(d.get("RouteCacheHits", 0) / lookups, 4)
print("".join(f',"{k}":{v}' for k, v in out.items()))
EOF
)
  fi
  printf '{"clock":"%s","test":"%s","path":"%s","rep":%d,"value":%s,"unit":"%s"%s}\n' \
    "$CLOCK" "$1" "$2" "$3" "$4" "$5" "$extra" >> "$OUT"
}

# h1's egress rewrites the ethertype of every frame (also for native and
# takeover, to 0x0800, so that the sender's cost is the same on each path).
# The filter (cls_flow, key rxhash) computes the skb's flow hash first, from
# the IPv4 and UDP headers, and veth keeps it: RPS on veth-r1 then reads it
# on every path. Left to RPS, the hash would be computed after the rewrite,
# and the flow dissector stops at an ethertype it does not know: the
# ethertype path's sender would skip about 160 instructions per packet
# (ports, longer siphash) that native's and takeover's senders pay.
ethertype() {
  ip netns exec h1 tc filter del dev veth-h1 egress pref 1 2>/dev/null
  ip netns exec h1 tc filter add dev veth-h1 egress pref 1 handle 1 protocol ip flow hash keys rxhash \
    divisor 1 action pedit ex munge eth type set "$1" || echo "bench: pedit eth type $1 refused"
}

iperf() {  # iperf() PATH REP TCP|UDP
  local args=() t=tcp
  [ "$3" = UDP ] && { args=(-u -b 0 -l 1400); t=udp; }
  local bps
  bps=$(taskset -c 0 ip netns exec h1 iperf3 -c 10.0.2.2 -p 5201 -t "$SECS" "${args[@]}" -J 2>/dev/null |
        jq '.end.sum_received.bits_per_second // .end.sum.bits_per_second // 0')
  sample "iperf3_$t" "$1" "$2" "$(jq -n "$bps / 1e6")" "Mbit/s"
}

# pktgen_setup COUNT DST(1|256|mcast|rnd): h1's pktgen device for 64-byte
# UDP frames to r (COUNT 0: until stopped).
pktgen_setup() {
  local pg=/proc/net/pktgen
  local run="ip netns exec h1"
  $run sh -c "echo rem_device_all > $pg/kpktgend_0; echo add_device veth-h1 > $pg/kpktgend_0"
  local d=$pg/veth-h1 rmac; rmac=$(mac r veth-r1)
  for c in "xmit_mode queue_xmit" "count $1" "clone_skb 0" "pkt_size 60" "delay 0" "dst_mac $rmac" \
           "src_min 10.0.1.2" "src_max 10.0.1.2" \
           "udp_src_min 9" "udp_src_max 9" "udp_dst_min 9" "udp_dst_max 9"; do
    $run sh -c "echo '$c' > $d" || echo "pktgen: '$c' refused"
  done
  case "$2" in
    mcast) $run sh -c "echo 'dst 239.1.1.1' > $d; echo 'dst_mac 01:00:5e:01:01:01' > $d"
           ip netns exec h3 tc filter add dev veth-h3 ingress pref 1 matchall action drop;;
    1)     $run sh -c "echo 'dst 10.0.2.2' > $d";;
    256)   $run sh -c "echo 'dst_min 10.0.9.0' > $d; echo 'dst_max 10.0.9.255' > $d";;
    rnd)   $run sh -c "echo 'dst_min 11.0.0.0' > $d; echo 'dst_max 223.255.255.255' > $d; echo 'flag IPDST_RND' > $d";;
  esac
}

pktgen() {  # pktgen NAME PATH REP DST(1|256|mcast|rnd) [STOP(ingress|forward)]
  # pktgen in h1 (kpktgend_0, CPU 0) sends 64-byte UDP frames to r, which
  # forwards them to h2; we count what reaches h2. queue_xmit: through h1's
  # qdisc and tc egress (the ethertype rewrite). With STOP, r drops every
  # frame on the way and we count what reaches r: `ingress` at its tc
  # ingress (before any of oxip's entries: the cost up to r's receive,
  # the same for every path), `forward` in an nft chain on the FORWARD
  # hook (native's or oxip's: received, routed, TTL decremented).
  local pg=/proc/net/pktgen
  local run="ip netns exec h1" count=rx_packets
  pktgen_setup 0 "$4"
  # h2 counts and drops them at ingress, so no ICMP errors flow back.
  ip netns exec h2 tc filter add dev veth-h2 ingress pref 1 matchall action drop
  case "${5:-}" in
    ingress) ip netns exec r tc qdisc add dev veth-r1 clsact
             ip netns exec r tc filter add dev veth-r1 ingress pref 1 matchall action drop
             count=r_rx_packets;;
    forward) ip netns exec r nft add table ip oxbench
             ip netns exec r nft add chain ip oxbench oxforward '{ type filter hook forward priority 0; policy drop; }' ||
               echo "bench: nft FORWARD drop refused"
             count=r_rx_packets;;
  esac
  $run sh -c "echo start > $pg/pgctrl" &
  local ctl=$!
  sleep 0.2
  local p0 t0 p1 t1 s0 s1
  s0=$(snap); p0=$($count); t0=$(date +%s.%N)
  sleep "$SECS"
  p1=$($count); t1=$(date +%s.%N); s1=$(snap)
  $run sh -c "echo stop > $pg/pgctrl"
  wait $ctl 2>/dev/null
  ip netns exec h2 tc filter del dev veth-h2 ingress pref 1
  [ "$4" = mcast ] && ip netns exec h3 tc filter del dev veth-h3 ingress pref 1
  case "${5:-}" in
    ingress) ip netns exec r tc qdisc del dev veth-r1 clsact;;
    forward) ip netns exec r nft delete table ip oxbench;;
  esac
  local pps; pps=$(echo "($p1 - $p0) / ($t1 - $t0)" | bc -l)
  sample "$1" "$2" "$3" "$pps" "pps" "$s0" "$s1"
}

# oxip as loaded for a path: the takeover entry it measures (a reload only
# when that changes; native and ethertype runs take oxip as it is).
LOADED=default
load_for() {
  local want
  case $1 in
    takeover) want="takeover_retag=0";;
    direct) want="takeover_retag=0 takeover_backlog=0";;
    retag) want="takeover_retag=1";;
    ethertype) want="route_cache=1";;
    nocache) want="route_cache=0";;
    *) return 0;;
  esac
  [ "$LOADED" = "$want" ] && return
  rmmod oxip
  # shellcheck disable=SC2086 # the parameters, one word each
  insmod "$OXIP_KO" $want
  LOADED=$want
}

path() {  # path native|ethertype|nocache|takeover|direct|retag
  load_for "$1"
  release r veth-r1 veth-r2 veth-r3 2>/dev/null
  case $1 in takeover|direct|retag) takeover r veth-r1 veth-r2 veth-r3;; esac
  case $1 in ethertype|nocache) ethertype $ETH_P_OXIP;; *) ethertype 0x0800;; esac
}

# An Internet-like FIB: 100k prefixes with the prefix-length mix of a BGP
# table (about 60% /24), all via h2, and a default route so that random
# destinations all forward.
bigfib() {
  python3 - > /tmp/oxip-bigfib.batch <<'EOF'
import random
random.seed(7)
mix = [(24, 58), (23, 10), (22, 12), (21, 5), (20, 5), (19, 3), (18, 2), (17, 1.5), (16, 2), (15, 0.5), (14, 0.4), (13, 0.3), (12, 0.2), (11, 0.1)]
lens = [l for l, _ in mix]
weights = [w for _, w in mix]
seen = set()
while len(seen) < 100000:
    plen = random.choices(lens, weights)[0]
    a = random.randrange(11 << 24, 224 << 24)
    if a >> 24 == 127:
        continue
    a &= ~((1 << (32 - plen)) - 1) & 0xffffffff
    if (a, plen) in seen:
        continue
    seen.add((a, plen))
    print(f"route add {a >> 24}.{a >> 16 & 255}.{a >> 8 & 255}.{a & 255}/{plen} via 10.0.2.2")
EOF
  local t0; t0=$(date +%s)
  ip -n r -force -batch /tmp/oxip-bigfib.batch 2>&1 | tail -2
  ip -n r route add default via 10.0.2.2
  echo "bench: $(ip -n r route show | wc -l) routes in r (installed in $(( $(date +%s) - t0 ))s guest time)"
}

run_row() {  # run_row ROW PATH REP
  case "$1" in
    iperf3_tcp) [ "$2" = ethertype ] || iperf "$2" "$3" TCP;;
    iperf3_udp) [ "$2" = ethertype ] || iperf "$2" "$3" UDP;;
    pktgen_64B_1flow) pktgen "$1" "$2" "$3" 1;;
    pktgen_64B_1flow_stop_ingress) pktgen "$1" "$2" "$3" 1 ingress;;
    pktgen_64B_1flow_stop_forward) pktgen "$1" "$2" "$3" 1 forward;;
    pktgen_64B_256flow) pktgen "$1" "$2" "$3" 256;;
    pktgen_mcast_2oif) pktgen "$1" "$2" "$3" mcast;;
    pktgen_64B_1flow_napi) pktgen "$1" "$2" "$3" 1;;
    pktgen_64B_256flow_napi) pktgen "$1" "$2" "$3" 256;;
    bigfib_1flow) pktgen "$1" "$2" "$3" 1;;
    bigfib_rnd) pktgen "$1" "$2" "$3" rnd;;
  esac
}

# Rows in phases: the napi rows change r's receive regime, the bigfib rows
# r's FIB, so each phase runs all its rows, paths and reps together.
phase() {  # phase ROWS...
  local rows=() r
  for r in "$@"; do case " $ROWS " in *" $r "*) rows+=("$r");; esac; done
  [ ${#rows[@]} -gt 0 ] || return 0
  local rep p order=()
  for rep in $(seq "$REPS"); do
    # Rotate which path goes first, so drift does not favour one.
    local all=(native ethertype nocache takeover direct retag) n i
    n=${#all[@]}
    order=()
    for ((i = 0; i < n; i++)); do order+=("${all[$(((i + rep - 1) % n))]}"); done
    for p in "${order[@]}"; do
      path "$p"
      for r in "${rows[@]}"; do run_row "$r" "$p" "$rep"; done
      echo "rep $rep path $p: done (${rows[*]})"
    done
  done
}

# BENCH_CLOCK=calls: where the instructions go. The function tracer (every
# traceable kernel and module function, both CPUs) records while pktgen
# sends CALLS_PACKETS frames to one destination, once per path; the guest
# writes each path's function entries to calls-PATH.txt ("count name"),
# and tests/vm/bench_calls.py divides by the frames h2 received and prints
# what each path calls that native does not (and the reverse). Function
# entries are not instructions, but an extra entry is a call the other
# path does not make, and the list names it.
calls() {  # calls PATH
  local tr=/sys/kernel/tracing pg=/proc/net/pktgen run="ip netns exec h1"
  path "$1"
  pktgen_setup "${CALLS_PACKETS:-1000}" 1
  ip netns exec h2 tc filter add dev veth-h2 ingress pref 1 matchall action drop
  # A first burst warms the route cache, neighbours and the hint path.
  $run sh -c "echo start > $pg/pgctrl"
  echo 0 > $tr/tracing_on
  echo function > $tr/current_tracer
  echo > $tr/trace
  local p0 p1; p0=$(rx_packets)
  echo 1 > $tr/tracing_on
  $run sh -c "echo start > $pg/pgctrl"
  echo 0 > $tr/tracing_on
  p1=$(rx_packets)
  ip netns exec h2 tc filter del dev veth-h2 ingress pref 1
  {
    echo "# path $1 packets $((p1 - p0)) overrun $(awk '/^overrun/{s += $2} END {print s + 0}' $tr/per_cpu/cpu*/stats)"
    # "task-pid [cpu] flags time: function <-caller"
    awk '!/^#/ { for (i = 1; i < NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { print $(i + 1); break } }' $tr/trace |
      sort | uniq -c | sort -rn
  } > "$OXIP_OUT/calls-$1.txt"
  echo nop > $tr/current_tracer
  echo "calls: path $1, $((p1 - p0)) packets, $(sed 1d "$OXIP_OUT/calls-$1.txt" | awk '{s += $1} END {print s}') function entries"
}
if [ "$CLOCK" = calls ]; then
  echo 65536 > /sys/kernel/tracing/buffer_size_kb
  # The module's own functions, to tell them from the kernel's.
  awk '$4 == "[oxip]" {print $3}' /proc/kallsyms > "$OXIP_OUT/calls-oxip-symbols.txt"
  for p in native ethertype nocache retag takeover; do calls "$p"; done
  path native
  ethertype 0x0800
  echo "bench done: calls"
  exit 0
fi

# BENCH_CLOCK=profile: where the instructions go, by function. QEMU runs
# the insnprof plugin (tools/insnprof), which counts the kernel's executed
# instructions per translated block and writes a snapshot of its counters
# whenever the guest runs $INSNMARK. Per path and destination kind
# (PROFILE_DSTS: 1 flow, mcast, rnd) pktgen sends PROFILE_PACKETS frames
# between two markers; the guest writes which snapshots bracket which run
# and the module's symbols as loaded for it, and tests/vm/bench_profile.py
# maps the blocks to functions: instructions per forwarded packet by
# function, each path beside native.
profile() {  # profile PATH DST
  local pg=/proc/net/pktgen run="ip netns exec h1" tag=$1-$2
  path "$1"
  [ "$2" = rnd ] && ip -n r route add default via 10.0.2.2 2>/dev/null
  local n=${PROFILE_PACKETS:-}; [ -n "$n" ] || n=20000
  pktgen_setup "$n" "$2"
  # Paced, so that r keeps up on every path (without icount the sender is
  # faster than r's receive, and a frame dropped at r's backlog would be
  # counted against the frames that made it): 120 us between frames, which
  # pktgen sleeps (below 100 us it spins, which costs by time, not frame).
  local delay=${PROFILE_DELAY:-}; [ -n "$delay" ] || delay=120000
  $run sh -c "echo 'delay $delay' > $pg/veth-h1"
  ip netns exec h2 tc filter add dev veth-h2 ingress pref 1 matchall action drop
  # A first burst warms the route cache, neighbours and the hint path.
  $run sh -c "echo start > $pg/pgctrl"
  awk '$4 == "[oxip]"' /proc/kallsyms > "$OXIP_OUT/profile-oxip-$tag.txt"
  # vCPU 1 never idles meanwhile: a user-space loop (not counted) holds it,
  # so each frame's softirq runs on the interrupt's exit the same way on
  # every path, without an idle exit and tick restart that follow timing.
  taskset -c 1 sh -c 'while :; do :; done' &
  local spin=$!
  local p0 p1 r0 r1; p0=$(rx_packets); r0=$(r_rx_packets)
  "$INSNMARK"
  $run sh -c "echo start > $pg/pgctrl"
  "$INSNMARK"
  p1=$(rx_packets); r1=$(r_rx_packets)
  kill "$spin"; wait "$spin" 2>/dev/null
  [ $((p1 - p0)) = $((r1 - r0)) ] || echo "profile: $tag: r received $((r1 - r0)) frames, h2 $((p1 - p0))"
  ip netns exec h2 tc filter del dev veth-h2 ingress pref 1
  [ "$2" = mcast ] && ip netns exec h3 tc filter del dev veth-h3 ingress pref 1
  echo "$tag $MARKS $((MARKS + 1)) $((r1 - r0)) $((p1 - p0))" >> "$OXIP_OUT/profile-runs.txt"
  MARKS=$((MARKS + 2))
  echo "profile: $tag, $((p1 - p0)) packets"
}
if [ "$CLOCK" = profile ]; then
  INSNMARK=$OXIP_TOP/out/insnprof/release/insnmark
  [ -x "$INSNMARK" ] || { echo "bench: no $INSNMARK"; exit 1; }
  MARKS=0
  : > "$OXIP_OUT/profile-runs.txt"
  # PROFILE_DSTS (1, mcast, rnd) and PROFILE_PATHS narrow a run.
  dsts=${PROFILE_DSTS:-}; [ -n "$dsts" ] || dsts="1 mcast"
  paths=${PROFILE_PATHS:-}; [ -n "$paths" ] || paths="native ethertype nocache retag direct"
  for d in $dsts; do
    for p in $paths; do profile "$p" "$d"; done
  done
  # The text symbols of the kernel and of every module but oxip (taken per
  # run: a reload may move it), once all the runs have loaded theirs.
  awk '$2 ~ /^[tT]$/ && $4 != "[oxip]"' /proc/kallsyms > "$OXIP_OUT/profile-kernel.txt"
  path native
  ethertype 0x0800
  echo "bench done: profile"
  exit 0
fi

phase iperf3_tcp iperf3_udp pktgen_64B_1flow pktgen_64B_1flow_stop_ingress pktgen_64B_1flow_stop_forward \
  pktgen_64B_256flow pktgen_mcast_2oif
regime napi
phase pktgen_64B_1flow_napi pktgen_64B_256flow_napi
regime poll
case " $ROWS " in *" bigfib_"*) bigfib; phase bigfib_1flow bigfib_rnd;; esac
path native
ethertype 0x0800
ip netns exec r cat /proc/net/oxip_snmp > "$OXIP_OUT/bench-oxip_snmp.txt"
echo "bench done: $(wc -l < "$OUT") samples"
