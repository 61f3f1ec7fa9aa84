# SPDX-License-Identifier: GPL-2.0
# Helpers for the VM scenarios, the demo, the bench and the samples
# (sourced). Test traffic stays inside namespaces these functions create.
#
# Under the debug kernel (KASAN, kmemleak, TCG) every exec costs about a
# second: these helpers build a topology with one `ip -batch` per
# namespace, one process for the sysctls of all namespaces and fixed MACs
# (so `mac` needs no process), and read several counters with one.
# shellcheck shell=bash

VM=$OXIP_TOP/tests/vm
# sleep as a bash builtin (Debian's bash-builtins): the polling loops and
# settle times of the scenarios then cost no process each.
enable -f /usr/lib/bash/sleep sleep 2>/dev/null || true
declare -gA TOPO_MAC=()

# in_ns NS CMD...: CMD in NS's network namespace only (nsenter --net).
# `ip netns exec` also unshares the mount namespace and mounts a sysfs of
# NS, a second of work per call on the debug kernel; what reads /proc/net,
# writes /proc/sys or opens sockets needs none of it (pkt.py asks the MAC
# by ioctl, not from /sys/class/net). What reads /sys/class/net of NS, or
# ethtool, still goes through `ip netns exec`. A shell function: for a
# background job write `nsenter --net=/run/netns/NS CMD... &` itself, so
# that $! is CMD's pid (a function in the background is a subshell that
# `kill $!` would end, leaving CMD running).
in_ns() { nsenter --net="/run/netns/$1" "${@:2}"; }

# ns_add NS...: fresh namespaces (an old one of the same name deleted
# first), with lo up and IPv6 off (no ND/MLD noise in the counters).
ns_add() {
  local n
  for n; do
    [ -e "/run/netns/$n" ] && echo "netns del $n"
    echo "netns add $n"
  done | ip -batch -
  for n; do ip -n "$n" link set lo up; done
  ns_sysctl "$@"
}

# ns_sysctl NS... [KEY=VAL...]: IPv6 off in each NS, plus the given
# sysctls in each, from one process (tests/vm/netns.py).
ns_sysctl() {
  local a args=() kv=()
  for a; do [[ $a == *=* ]] && kv+=("$a"); done
  for a; do
    [[ $a == *=* ]] && continue
    args+=("$a" net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 "${kv[@]}")
  done
  python3 -S "$VM/netns.py" sysctl "${args[@]}"
}

# veth NS1 DEV1 MAC1 NS2 DEV2 MAC2: a veth pair between two namespaces with
# fixed MACs, remembered for `mac`.
veth() {
  ip link add "$2" netns "$1" address "$3" type veth peer name "$5" netns "$4" address "$6"
  TOPO_MAC[$1/$2]=$3
  TOPO_MAC[$4/$5]=$6
}

# rps_pair A B N: fresh namespaces A and B joined by veth-a <-> veth-b,
# 10.N.0.1/24 and 10.N.0.2/24, MACs 02:00:00:NN:00:01 and :02 (N < 100),
# with veth-b's receive steered to CPU 0 by RPS (deep backlogs there). One
# `ip` for the namespaces and the veth, one for each side.
rps_pair() {
  local a=$1 b=$2 n=$3 x m
  m=$(printf '%02d' "$n")
  {
    for x in "$a" "$b"; do [ -e "/run/netns/$x" ] && echo "netns del $x"; echo "netns add $x"; done
    echo "link add veth-a netns $a address 02:00:00:$m:00:01 type veth peer name veth-b netns $b address 02:00:00:$m:00:02"
  } | ip -batch -
  printf '%s\n' "link set lo up" "addr add 10.$n.0.1/24 dev veth-a" "link set veth-a up" | ip -n "$a" -batch -
  printf '%s\n' "link set lo up" "addr add 10.$n.0.2/24 dev veth-b" "link set veth-b up" | ip -n "$b" -batch -
  ip netns exec "$b" sh -c 'echo 1 > /sys/class/net/veth-b/queues/rx-0/rps_cpus'
}

# mac NS DEV: the device's MAC (no process for a topology's own veths).
mac() {
  if [ -n "${TOPO_MAC[$1/$2]:-}" ]; then echo "${TOPO_MAC[$1/$2]}"; return; fi
  ip -n "$1" -j link show "$2" | jq -r '.[0].address'
}

# two_hosts: namespaces a and b joined by veth-a <-> veth-b, 10.0.0.1/24 and
# 10.0.0.2/24, static neighbours (no ARP in the measured windows).
two_hosts() {
  local amac=02:0a:00:00:00:01 bmac=02:0b:00:00:00:01
  ns_add a b
  veth a veth-a $amac b veth-b $bmac
  ip -n a -batch - <<EOF
addr add 10.0.0.1/24 dev veth-a
link set veth-a up
neigh replace 10.0.0.2 lladdr $bmac dev veth-a nud permanent
EOF
  ip -n b -batch - <<EOF
addr add 10.0.0.2/24 dev veth-b
link set veth-b up
neigh replace 10.0.0.1 lladdr $amac dev veth-b nud permanent
EOF
}

# router_topology N [KEY=VAL...]: a router r between hosts h1..hN (N <= 9):
#   hI  veth-hI 10.0.I.2/24, MAC 02:00:00:00:0I:02, default route via r
#   r   veth-rI 10.0.I.1/24, MAC 02:00:00:00:0I:01, forwarding on
# with static neighbours both ways and IPv6 off; the sysctls given apply to
# r. N + 4 processes in all.
router_topology() {
  local n=$1 i h nets=(r)
  shift
  for ((i = 1; i <= n; i++)); do
    nets+=("h$i")
    TOPO_MAC[h$i/veth-h$i]=02:00:00:00:0$i:02
    TOPO_MAC[r/veth-r$i]=02:00:00:00:0$i:01
  done
  {
    for h in "${nets[@]}"; do
      [ -e "/run/netns/$h" ] && echo "netns del $h"
      echo "netns add $h"
    done
    for ((i = 1; i <= n; i++)); do
      echo "link add veth-h$i netns h$i address 02:00:00:00:0$i:02 type veth peer name veth-r$i netns r address 02:00:00:00:0$i:01"
    done
  } | ip -batch -
  local args=()
  for h in "${nets[@]}"; do
    args+=("$h" net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1)
  done
  python3 -S "$VM/netns.py" sysctl "${args[@]}" r net.ipv4.ip_forward=1 "$@"
  for ((i = 1; i <= n; i++)); do
    ip -n "h$i" -batch - <<EOF
link set lo up
addr add 10.0.$i.2/24 dev veth-h$i
link set veth-h$i up
route add default via 10.0.$i.1
neigh replace 10.0.$i.1 lladdr 02:00:00:00:0$i:01 dev veth-h$i nud permanent
EOF
  done
  {
    echo "link set lo up"
    for ((i = 1; i <= n; i++)); do
      echo "addr add 10.0.$i.1/24 dev veth-r$i"
      echo "link set veth-r$i up"
      echo "neigh replace 10.0.$i.2 lladdr 02:00:00:00:0$i:02 dev veth-r$i nud permanent"
    done
  } | ip -n r -batch -
}

# oxip_counter NS NAME: one field of /proc/net/oxip_snmp in NS (tests/vm/snmp.awk).
# oxip_counters NS NAME...: several, on one line in that order, from one read.
oxip_counter() { oxip_counters "$@"; }
oxip_counters() {
  local ns=$1
  shift
  in_ns "$ns" awk -f "$VM/snmp.awk" -v want="$*" /proc/net/oxip_snmp
}
# oxip_snmp_show NS: oxip's non-zero counters in NS, a line each.
oxip_snmp_show() { in_ns "$1" awk -f "$VM/snmp.awk" -v nonzero=1 /proc/net/oxip_snmp; }

# oxip_counter_init NAME...: the same in the initial namespace.
oxip_counter_init() { awk -f "$VM/snmp.awk" -v want="$*" /proc/net/oxip_snmp; }

# global_counter NAME...: fields of /proc/net/oxip_global (initial
# namespace): oxip's counters summed over every namespace, gone ones
# included, and OxipNetns: Live Gone All Attached.
global_counter() { awk -f "$VM/snmp.awk" -v want="$*" /proc/net/oxip_global; }

# send_ip NS IF DSTMAC ETHERTYPE COUNT PROTO SRC DST DPORT [pkt.py send options]
send_ip() {
  ${BATCHED:+taskset -c 0} nsenter --net="/run/netns/$1" python3 -S "$VM/pkt.py" send --ifname "$2" --dst-mac "$3" \
    --ethertype "$4" --count "$5" --proto "$6" --src "$7" --dst "$8" --dport "$9" "${@:10}"
}

# takeover NS DEV...: attach the DEVs in NS (one process for all);
# release NS DEV...: detach them.
takeover() {
  local ns=$1
  shift
  # shellcheck disable=SC2016 # $d is the inner shell's
  in_ns "$ns" sh -c 'for d; do echo "+$d" > /proc/net/oxip_takeover; done' - "$@"
}
release() {
  local ns=$1
  shift
  # shellcheck disable=SC2016 # $d is the inner shell's
  in_ns "$ns" sh -c 'for d; do echo "-$d" > /proc/net/oxip_takeover; done' - "$@"
}

# smcroute_start NS NAME CONF-LINE...: smcrouted in NS with that
# configuration; sets SMC_PID, and SMC_SOCK for `smcroutectl -u`. Its log
# is $OXIP_OUT/smcrouted-NAME.log.
smcroute_start() {
  local ns=$1 name=$2 conf=/tmp/oxip-smc-$2.conf
  shift 2
  SMC_SOCK=/tmp/oxip-smc-$name.sock
  printf '%s\n' "$@" > "$conf"
  ip netns exec "$ns" smcrouted -n -N -f "$conf" -u "$SMC_SOCK" > "${OXIP_OUT:-/tmp}/smcrouted-$name.log" 2>&1 &
  SMC_PID=$!
}
# smcroute_stop: ends the daemon smcroute_start started.
smcroute_stop() { kill "$SMC_PID" 2>/dev/null || true; wait "$SMC_PID" 2>/dev/null || true; }

# mr_cache_has NS SRC GROUP [FILE]: whether the MFC (/proc/net/ip_mr_cache,
# or FILE) of NS has (SRC, GROUP).
mr_cache_has() {
  in_ns "$1" awk -v s="$(hexip "$2")" -v g="$(hexip "$3")" \
    '$1 == g && $2 == s {f = 1} END {exit !f}' "${4:-/proc/net/ip_mr_cache}"
}
# mr_cache_wait NS SRC GROUP: until the kernel's MFC has (SRC, GROUP), 10 s at most.
mr_cache_wait() {
  local i
  for ((i = 0; i < 50; i++)); do
    mr_cache_has "$@" && return 0
    sleep 0.2
  done
  return 1
}
# two_passes LABEL: the native-against-oxip scenarios' driver. Runs the
# scenario's `pass native`, then `pass oxip`; sets NATIVE and OXIP to what
# each printed and FWD_NATIVE, FWD_OXIP to r's oxip Forwarded over each.
two_passes() {
  local f0 f1 f2
  f0=$(oxip_counter r Forwarded)
  NATIVE=$(pass native)
  f1=$(oxip_counter r Forwarded)
  OXIP=$(pass oxip)
  f2=$(oxip_counter r Forwarded)
  FWD_NATIVE=$((f1 - f0)) FWD_OXIP=$((f2 - f1))
  echo "native pass: $1$NATIVE"
  echo "oxip pass:   $1$OXIP"
  echo "oxip Forwarded: native pass +$FWD_NATIVE, oxip pass +$FWD_OXIP"
}
# hexip A.B.C.D: the address as /proc/net/ip_mr_cache prints it (the
# big-endian word read as a little-endian integer).
hexip() {
  local IFS=.
  # shellcheck disable=SC2086 # split on the dots
  set -- $1
  printf '%02X%02X%02X%02X' "$4" "$3" "$2" "$1"
}

# gro_on: b's veth runs NAPI/GRO, so frames reach packet_type handlers in
# batches (netif_receive_skb_list). veth only takes the NAPI path for skbs
# from a sender without TSO (veth_skb_is_eligible_for_gro), hence tso off on
# a. The NAPI runs threaded and pinned to CPU 0, where `batched` runs the
# sender, so a poll finds several frames waiting instead of one.
gro_on() {
  ip netns exec a ethtool -K veth-a tso off >/dev/null
  ip netns exec b ethtool -K veth-b gro on >/dev/null
  ip netns exec b sh -c 'echo 1 > /sys/class/net/veth-b/threaded'
  for p in $(pgrep '^napi/veth-b'); do taskset -pc 0 "$p" >/dev/null; done
}
batched() { taskset -c 0 "$@"; }

# diff_topology: the differential tests' network (diff.py, fuzz.py):
# a (10.0.0.1, and 10.0.0.3 "behind" it) -- b (10.0.0.2 | 10.0.1.1) -- c
# (10.0.1.2) on veth-bc/veth-cb with MTU 1000, static neighbours, b's
# 198.51.100.0/24 unreachable, and an nftables FORWARD rule in b dropping
# UDP to port 7777.
diff_topology() {
  two_hosts
  local amac bcmac=02:0b:0c:00:00:01 cbmac=02:0c:0b:00:00:01
  amac=$(mac a veth-a)
  # c sits behind b on 10.0.1.0/24 (veth-bc MTU 1000, for the MTU cases).
  ns_add c
  ip link add veth-bc netns b mtu 1000 address $bcmac type veth peer name veth-cb netns c mtu 1000 address $cbmac
  TOPO_MAC[b/veth-bc]=$bcmac
  TOPO_MAC[c/veth-cb]=$cbmac
  # One `ip` per namespace (each exec costs seconds on the debug kernel).
  # 10.0.0.3 is a second address "behind" a, for the forwarding cases.
  # a owns it too, so whatever b sends there is a's, deterministically (no
  # ARP). 10.0.0.9 and 10.0.1.9 (and the subnets' zero addresses, unicast
  # too) are on-link hosts nobody is, as static neighbours with MACs no one
  # has, for the fuzzer's "other host" addresses: nothing waits for ARP.
  ip -n b -batch - <<EOF
route add unreachable 198.51.100.0/24
neigh replace 10.0.0.3 lladdr $amac dev veth-b nud permanent
addr add 10.0.1.1/24 dev veth-bc
link set veth-bc up
neigh replace 10.0.1.2 lladdr $cbmac dev veth-bc nud permanent
neigh replace 10.0.0.9 lladdr 02:00:00:00:00:99 dev veth-b nud permanent
neigh replace 10.0.0.0 lladdr 02:00:00:00:00:99 dev veth-b nud permanent
neigh replace 10.0.1.9 lladdr 02:00:00:00:01:99 dev veth-bc nud permanent
neigh replace 10.0.1.0 lladdr 02:00:00:00:01:99 dev veth-bc nud permanent
EOF
  ip -n a -batch - <<EOF
addr add 10.0.0.3/32 dev veth-a
route add 10.0.1.0/24 via 10.0.0.2
neigh replace 10.0.0.9 lladdr 02:00:00:00:00:99 dev veth-a nud permanent
neigh replace 10.0.0.0 lladdr 02:00:00:00:00:99 dev veth-a nud permanent
EOF
  ip -n c -batch - <<EOF
addr add 10.0.1.2/24 dev veth-cb
link set veth-cb up
route add default via 10.0.1.1
neigh replace 10.0.1.1 lladdr $bcmac dev veth-cb nud permanent
neigh replace 10.0.1.9 lladdr 02:00:00:00:01:99 dev veth-cb nud permanent
neigh replace 10.0.1.0 lladdr 02:00:00:00:01:99 dev veth-cb nud permanent
EOF
  # The FORWARD hook: nftables drops UDP to port 7777 (the nft_forward_drop case).
  ip netns exec b nft -f - <<'NFT'
table inet oxiptest {
  chain oxipforward {
    type filter hook forward priority 0; policy accept;
    udp dport 7777 counter drop
  }
}
NFT
}
