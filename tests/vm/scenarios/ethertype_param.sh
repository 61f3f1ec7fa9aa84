#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# oxip-cost: 112 (seconds under make check's debug kernel; its VMs take the costliest first)
# ethertype=: (1) a packet socket bound to veth-b for oxip's ethertype runs
# after oxip's packet_type (device-bound handlers come after the global
# ones) on the same, shared skb: it must still see the frame's own
# ethertype (oxip sets ETH_P_IP only on its unshared copy). (2) insmod with
# an ethertype the kernel uses (0x0800 would run every IPv4 packet twice),
# or an 802.3 length, is refused with EINVAL and a message; a normal load
# still works and counts.
set -eu -o pipefail
. "$OXIP_TOP/tests/vm/lib.sh"
two_hosts
fail=0

# (1) The shared skb's protocol.
out=/tmp/oxip-etp; rm -f $out $out.ready $out.stop
nsenter --net=/run/netns/b python3 -S "$VM/pkt.py" capture --ifname veth-b --ethertype 0x88b5 --seconds 60 $out &
lst=$!
# Send once the socket is bound (python starts slowly under TCG), stop it
# once the frames are in.
for _ in $(seq 100); do [ -f $out.ready ] && break; sleep 0.2; done
before=$(oxip_counter b EthertypeRcv)
send_ip a veth-a "$(mac b veth-b)" 0x88b5 10 udp 10.0.0.1 10.0.0.2 9
sleep 1
touch $out.stop
wait $lst || true
after=$(oxip_counter b EthertypeRcv)
echo "packet socket on veth-b saw (sll_protocol:frames): $(< $out); oxip EthertypeRcv +$((after - before))"
[ "$(< $out)" = "0x88b5:10" ] || { echo "FAIL: the packet socket saw another protocol than the frames carry"; fail=1; }
[ $((after - before)) -eq 10 ] || { echo "FAIL: oxip did not receive the 10 frames"; fail=1; }

# (2) Refused parameters; the module is loaded again normally at the end,
# whatever happens.
trap 'lsmod | grep -q "^oxip " || insmod "$OXIP_KO"' EXIT
rmmod oxip
for et in 0x0800 0x86dd 0x0806 0x8100 0x88a8 0x8847 0x0003 0x05dc; do
  dmesg -C
  if insmod "$OXIP_KO" ethertype=$et 2>/tmp/oxip-etp-err; then
    echo "FAIL: insmod ethertype=$et was accepted"
    fail=1
    rmmod oxip
  else
    msg=$(dmesg | grep -o 'oxip: ethertype=.*' | head -1 || true)
    echo "ethertype=$et refused: $(tr -d '\n' < /tmp/oxip-etp-err) | $msg"
    # kmod prints EINVAL as "Invalid parameters"
    grep -qE 'Invalid (argument|param)' /tmp/oxip-etp-err || { echo "FAIL: not EINVAL"; fail=1; }
    [ -n "$msg" ] || { echo "FAIL: no message in the kernel log"; fail=1; }
  fi
done
insmod "$OXIP_KO"
two_hosts
before=$(oxip_counter b EthertypeRcv)
send_ip a veth-a "$(mac b veth-b)" 0x88b5 5 udp 10.0.0.1 10.0.0.2 9
after=$(oxip_counter b EthertypeRcv)
echo "normal load: EthertypeRcv +$((after - before))"
[ $((after - before)) -eq 5 ] || { echo "FAIL: normal load does not receive"; fail=1; }
exit $fail
