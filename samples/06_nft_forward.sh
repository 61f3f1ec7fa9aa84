#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Netfilter sees oxip's packets: oxip's ip_forward passes them through the
# FORWARD hook (NF_HOOK(NFPROTO_IPV4, NF_INET_FORWARD, ...)) as native
# does, so an nftables rule in r's FORWARD chain applies to traffic oxip
# forwards. The rule drops UDP to port 7777; port 7778 passes.
#   h1 (10.0.1.2) -- r (takeover) -- h2 (10.0.2.2)
set -eu -o pipefail
. "$(dirname "$0")/functions.sh"
root_check
N=${COUNT:-20}
command -v nft >/dev/null || err "nftables is not installed"
router_topology 2
cleanup_ns h1 r h2
ip netns exec r nft -f - <<'NFT'
table inet oxipsample {
  chain forward {
    type filter hook forward priority 0; policy accept;
    udp dport 7777 counter drop
  }
}
NFT
info "r's FORWARD rule (nft list chain inet oxipsample forward):"
ip netns exec r nft list chain inet oxipsample forward | sed 's/^/  /'
takeover r veth-r1 veth-r2
SNMP_NAMES=(TakeoverRcv Forwarded)
c0=$(oxip_counters r "${SNMP_NAMES[@]}")
out=/tmp/oxip-s06
rm -f $out $out.ready $out.stop
ip netns exec h2 python3 "$VM/pkt.py" capture --ifname veth-h2 --dst 10.0.2.2 --seconds 60 $out &
cap=$!
for _ in $(seq 100); do [ -f $out.ready ] && break; sleep 0.2; done
info "h1 -> h2: $N UDP datagrams to port 7777, $N to port 7778, through oxip"
send_ip h1 veth-h1 "$(mac r veth-r1)" 0x0800 "$N" udp 10.0.1.2 10.0.2.2 7777
send_ip h1 veth-h1 "$(mac r veth-r1)" 0x0800 "$N" udp 10.0.1.2 10.0.2.2 7778
sleep 1
touch $out.stop
wait $cap
c1=$(oxip_counters r "${SNMP_NAMES[@]}")
release r veth-r1 veth-r2
dropped=$(ip netns exec r nft -j list chain inet oxipsample forward | jq '[.nftables[].rule? | select(.) | .expr[] | .counter? | select(.) | .packets] | add')
read -r got _ < $out
info "r's oxip counters that moved:"
snmp_delta r "$c0" "$c1"
read -r t0 _ <<< "$c0"
read -r t1 _ <<< "$c1"
check "oxip took the $((2 * N)) datagrams over (TakeoverRcv +$((t1 - t0)))" [ $((t1 - t0)) -ge $((2 * N)) ]
check "the FORWARD rule dropped the $N to port 7777 ($dropped)" [ "$dropped" = "$N" ]
check "h2 got only the $N to port 7778 ($got)" [ "$got" = "$N" ]
