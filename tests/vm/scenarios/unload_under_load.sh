#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# oxip-cost: 227 (seconds under make check's debug kernel; its VMs take the costliest first)
# Detach an interface and unload the module while traffic flows through
# oxip (takeover TCP and a flood of ethertype frames); then reload. The
# harness checks the kernel log (no WARN/Oops) and kmemleak afterwards.
set -eu -o pipefail
. "$OXIP_TOP/tests/vm/lib.sh"
two_hosts
takeover b veth-b
in_ns b iperf3 -s -D -1 -p 5301 >/dev/null
sleep 0.3
nsenter --net=/run/netns/a iperf3 -c 10.0.0.2 -p 5301 -t 4 >/dev/null 2>&1 &
ip_pid=$!
# One sender process for the whole window (a process per burst costs
# seconds each on the debug kernel); it is stopped after the unload.
nsenter --net=/run/netns/a python3 -S "$VM/flood.py" --ifname veth-a --dst-mac "$(mac b veth-b)" --ethertype 0x88b5 \
  --src 10.0.0.1 --dst 10.0.0.2 --seconds 60 >/dev/null 2>&1 &
fl_pid=$!
sleep 1.5
release b veth-b
echo "detached under load"
takeover b veth-b
sleep 0.5
rmmod oxip
echo "unloaded under load"
sleep 0.5
kill $fl_pid 2>/dev/null || true
wait $fl_pid || true
wait $ip_pid || true
insmod "$OXIP_KO"
echo "reloaded"
# Load with takeover= naming an interface in the initial namespace, then a
# bad name must fail cleanly.
ip link add veth-x type veth peer name veth-y
rmmod oxip
insmod "$OXIP_KO" takeover=veth-x,veth-y
grep -qx veth-x /proc/net/oxip_takeover
rmmod oxip
if insmod "$OXIP_KO" takeover=nosuchif0 2>/dev/null; then echo "loaded with takeover=nosuchif0"; exit 1; fi
# A name of IFNAMSIZ (16) characters names no device.
if insmod "$OXIP_KO" takeover=abcdefghijklmnop 2>/dev/null; then echo "loaded with a 16-character name"; exit 1; fi
insmod "$OXIP_KO"
# A device that disappears while attached is detached by the notifier.
echo +veth-x > /proc/net/oxip_takeover
ip link del veth-x
if grep -q veth /proc/net/oxip_takeover; then echo "a deleted device is still attached"; exit 1; fi
# Bad control input gets an error, not a crash.
if sh -c 'echo "frob" > /proc/net/oxip_takeover' 2>/dev/null; then echo "frob accepted"; exit 1; fi
if sh -c 'echo "+nosuch" > /proc/net/oxip_takeover' 2>/dev/null; then echo "+nosuch accepted"; exit 1; fi
echo ok
