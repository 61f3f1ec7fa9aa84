#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Drop reasons: every packet oxip drops goes through kfree_skb_reason(), so
# the skb:kfree_skb tracepoint (perf trace, dropwatch, tracefs) sees oxip's
# drops with the kernel's own reasons, and /proc/net/oxip_drops counts
# them. a sends b frames of oxip's ethertype with a broken header
# checksum (IP_CSUM) and with an IP version of 6 in an IPv4 frame (IP_INHDR).
#   a (10.0.0.1) -- b (10.0.0.2)
set -eu -o pipefail
. "$(dirname "$0")/functions.sh"
root_check
T=/sys/kernel/tracing
[ -d $T/events/skb/kfree_skb ] || mount -t tracefs none $T 2>/dev/null || true
[ -d $T/events/skb/kfree_skb ] || err "no skb:kfree_skb tracepoint (tracefs at $T)"
two_hosts
cleanup_ns a b
# Tracing as it was is restored at the end.
on0=$(< $T/tracing_on) en0=$(< $T/events/skb/kfree_skb/enable)
echo > $T/trace
echo 1 > $T/events/skb/kfree_skb/enable
echo 1 > $T/tracing_on
info "a -> b, ethertype 0x88b5: 3 frames with a bad header checksum, 2 claiming version 6"
send_ip a veth-a "$(mac b veth-b)" 0x88b5 3 udp 10.0.0.1 10.0.0.2 9 --check 0xdead
send_ip a veth-a "$(mac b veth-b)" 0x88b5 2 udp 10.0.0.1 10.0.0.2 9 --version 6
sleep 0.5
echo "$on0" > $T/tracing_on
echo "$en0" > $T/events/skb/kfree_skb/enable
info "skb:kfree_skb events with oxip's reasons:"
grep -E 'reason: (IP_CSUM|IP_INHDR)' $T/trace | sed 's/^ */  /' | head -10 || true
csum=$(grep -c 'reason: IP_CSUM' $T/trace || true)
inhdr=$(grep -c 'reason: IP_INHDR' $T/trace || true)
info "b's /proc/net/oxip_drops:"
ip netns exec b cat /proc/net/oxip_drops | sed 's/^/  /'
dcsum=$(ip netns exec b awk '$1 == "IP_CSUM" {print $2}' /proc/net/oxip_drops)
dinhdr=$(ip netns exec b awk '$1 == "IP_INHDR" {print $2}' /proc/net/oxip_drops)
check "the tracepoint saw 3 IP_CSUM drops ($csum)" [ "$csum" = 3 ]
check "the tracepoint saw 2 IP_INHDR drops ($inhdr)" [ "$inhdr" = 2 ]
check "oxip_drops counts them (IP_CSUM ${dcsum:-0}, IP_INHDR ${dinhdr:-0})" [ "${dcsum:-0} ${dinhdr:-0}" = "3 2" ]
