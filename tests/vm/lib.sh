# SPDX-License-Identifier: GPL-2.0
# Helpers for the VM scenarios (sourced). Test traffic stays inside
# namespaces these functions create.

# two_hosts: namespaces a and b joined by veth-a <-> veth-b, 10.0.0.1/24 and
# 10.0.0.2/24, IPv6 off (no ND/MLD noise in counters).
two_hosts() {
  for n in a b; do ip netns del $n 2>/dev/null || true; ip netns add $n; done
  ip link add veth-a netns a type veth peer name veth-b netns b
  for n in a b; do
    ip -n $n link set lo up
    ip netns exec $n sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    ip netns exec $n sysctl -qw net.ipv6.conf.default.disable_ipv6=1
  done
  ip -n a addr add 10.0.0.1/24 dev veth-a
  ip -n b addr add 10.0.0.2/24 dev veth-b
  ip -n a link set veth-a up
  ip -n b link set veth-b up
  # Static neighbours: no ARP in the measured windows.
  ip -n a neigh replace 10.0.0.2 lladdr "$(mac b veth-b)" dev veth-a nud permanent
  ip -n b neigh replace 10.0.0.1 lladdr "$(mac a veth-a)" dev veth-b nud permanent
}

mac() { ip -n "$1" -j link show "$2" | jq -r '.[0].address'; }

# oxip_counter NS NAME: one field of /proc/net/oxip_snmp in NS.
oxip_counter() {
  ip netns exec "$1" awk -v k="$2" '
    NR % 2 == 1 { for (i = 2; i <= NF; i++) name[i] = $i; next }
    { for (i = 2; i <= NF; i++) if (name[i] == k) print $i }' /proc/net/oxip_snmp
}

# send_ip NS IF DSTMAC ETHERTYPE COUNT PROTO SRC DST DPORT
send_ip() {
  ${BATCHED:+taskset -c 0} ip netns exec "$1" python3 "$OXIP_TOP/tests/vm/pkt.py" send --ifname "$2" --dst-mac "$3" \
    --ethertype "$4" --count "$5" --proto "$6" --src "$7" --dst "$8" --dport "$9"
}

takeover() { ip netns exec "$1" sh -c "echo +$2 > /proc/net/oxip_takeover"; }
release() { ip netns exec "$1" sh -c "echo -$2 > /proc/net/oxip_takeover"; }

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
  ip netns del c 2>/dev/null || true
  ip netns add c
  ip netns exec c sysctl -qw net.ipv6.conf.all.disable_ipv6=1
  ip link add veth-bc netns b mtu 1000 address $bcmac type veth peer name veth-cb netns c mtu 1000 address $cbmac
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
link set lo up
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
