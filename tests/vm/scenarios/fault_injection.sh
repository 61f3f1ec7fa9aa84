#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# oxip-cost: 225 (seconds under make check's debug kernel; its VMs take the costliest first)
# Issue 8, fault injection: allocations fail (failslab, fail_page_alloc)
# through oxip's load, per-netns init, attach, and its packet path.
#  1. insmod: with the stack filter set to the module area, each allocation
#     the loading task makes under module code (oxip's init: per-netns
#     state for each namespace, notifier, backlog, hooks, packet_type)
#     fails in turn (/proc/thread-self/fail-nth): the load fails cleanly,
#     or succeeds and unloads.
#  2. per-netns init and 3. attach: with the stack filter set to oxip's
#     module text, each allocation made under oxip's code fails in turn.
#  4. packets, one failure at a time (faultstep.py): a frame per step
#     from h1, unicast forwarded to h2 or multicast to h2 and h3 (two VIFs:
#     skb_clone), each a clone of what a packet tap kept (so forwarding
#     copies the header: skb_cow), with a single failure armed (failslab,
#     or fail_page_alloc one step in eight) under oxip's text. Each step
#     is accounted for: every copy it lost is a drop counted with a reason
#     (oxip's counters, or native's skb:kfree_skb tracepoint), or the
#     failure was absorbed and nothing was lost; the call that failed is
#     named from its stack (or, for a __GFP_NOWARN allocation, which logs
#     none, from the kmem tracepoints). make check steps for 30 s, make
#     stress for 600 s.
# Every injected failure is counted from the debugfs `times` counters. The
# harness fails the run on any oops, KASAN or leak report, and unloads at
# the end.
set -eu -o pipefail
. "$OXIP_TOP/tests/vm/lib.sh"
D=/sys/kernel/debug
# make check gives 60 s, make stress 100000 (full length).
BUDGET=${BUDGET:-60}
if [ ! -d $D/failslab ] || [ ! -e /proc/self/fail-nth ]; then
  echo "skip: this kernel has no failslab / fail-nth (fault injection is on the debug kernel)"
  exit 0
fi
F=(python3 -S "$VM/failnth.py")
fs=$D/failslab fp=$D/fail_page_alloc
for a in $fs $fp; do
  echo 0 > "$a/verbose"; echo N > "$a/ignore-gfp-wait"; echo 0 > "$a/probability"
  echo 0 > "$a/space"; echo 1 > "$a/interval"; echo -1 > "$a/times"
  echo 0 > "$a/require-start"; echo 18446744073709551615 > "$a/require-end"
done
echo N > "$fp/ignore-gfp-highmem"; echo 0 > "$fp/min-order"
cleanup() {
  # Leave oxip loaded whatever happened (the harness unloads it at the end).
  grep -q '^oxip ' /proc/modules || insmod "$OXIP_KO" || true
  for a in $fs $fp; do
    echo 0 > "$a/probability"; echo N > "$a/task-filter"; echo 0 > "$a/require-start"
    echo 18446744073709551615 > "$a/require-end"; echo 0 > "$a/reject-start"; echo 0 > "$a/reject-end"
    echo 32 > "$a/stacktrace-depth"
  done
}
trap cleanup EXIT
# text_range: oxip's executable sections in memory.
text_range() { "${F[@]}" text-range "$OXIP_KO"; }
filter_oxip() {
  read -r lo hi < <(text_range)
  for a in $fs $fp; do echo "$lo" > "$a/require-start"; echo "$hi" > "$a/require-end"; done
}
filter_none() {
  for a in $fs $fp; do echo 0 > "$a/require-start"; echo 18446744073709551615 > "$a/require-end"; done
}
# field NAME TEXT: the value of NAME=... in TEXT (no process).
field() { [[ $2 =~ (^| )$1=([^ ]*) ]] && echo "${BASH_REMATCH[2]}"; }
ns_add fa fb

# 1. insmod
# The module area: from oxip's text rounded down to 512 MiB (MODULES_VADDR
# with and without KASLR) to MODULES_END.
read -r lo _ < <(text_range)
ma_lo=$(python3 -S -c "print($lo & ~((1 << 29) - 1))")
rmmod oxip
for a in $fs $fp; do echo "$ma_lo" > "$a/require-start"; echo 18446744073709551615 > "$a/require-end"; done
# One process fails each allocation in turn, for 45 s at most (make
# check), 600 s (make stress).
out=$("${F[@]}" sweep-insmod "$OXIP_KO" "$((BUDGET < 600 ? 45 : 600))")
total=$(field calls "$out") inj1=$(field injected "$out")
loaded=$(field ok "$out") refused=$(field failed "$out")
echo "insmod: $total allocations under module code while loading; failed each of the first $((loaded + refused)) in turn: $inj1 injected, load refused $refused times, loaded anyway $loaded times"
filter_none
insmod "$OXIP_KO"

# 2. per-netns init, each allocation under oxip's text in turn.
filter_oxip
out=$("${F[@]}" sweep-unshare)
k=$(field calls "$out") inj2=$(field injected "$out") nsfail=$(field failed "$out")
echo "netns init: $k allocations under oxip's text; $inj2 injected, namespace creation refused $nsfail times"

# 3. attach, each allocation under oxip's text in turn: an attach that
# fails leaves nothing listed, one that succeeds is listed (failnth.py).
veth fa veth-fa 02:00:00:00:fa:01 fb veth-fb 02:00:00:00:fb:01
ip -n fa -batch - <<EOF
addr add 10.6.0.1/24 dev veth-fa
link set veth-fa up
EOF
ip -n fb -batch - <<EOF
addr add 10.6.0.2/24 dev veth-fb
link set veth-fb up
EOF
out=$(in_ns fb "${F[@]}" sweep-write /proc/net/oxip_takeover +veth-fb -veth-fb veth-fb)
k=$(field calls "$out") inj3=$(field injected "$out") afail=$(field failed "$out")
echo "attach: $k allocations under oxip's text; $inj3 injected, attach refused $afail times (and then not attached)"
# Still attachable, and it works.
takeover fb veth-fb
in_ns fa ping -c 2 -W 2 10.6.0.2 >/dev/null
[ "$(oxip_counter fb TakeoverRcv)" -gt 0 ]
release fb veth-fb

# 4. packets: unicast forwarding and multicast to two VIFs in r.
router_topology 3
smcroute_start r faults "phyint veth-r1 enable" "phyint veth-r2 enable" "phyint veth-r3 enable" \
  "mroute from veth-r1 source 10.0.1.2 group 239.2.2.2 to veth-r2 veth-r3"
smc=$SMC_PID
mr_cache_wait r 10.0.1.2 239.2.2.2 || true
takeover r veth-r1
drops() { in_ns r awk '{s += $2} END {print s + 0}' /proc/net/oxip_drops; }
filter_oxip
# Only allocations oxip asks for (within 8 frames of its text), not the
# debug kernel's bookkeeping of them (kmemleak's object, KASAN's stack
# depot), whose failures lose no packet; kmemleak's text is also rejected.
# kmemleak's text: the run of kmemleak text symbols around kmemleak_alloc
# (mm/kmemleak.c; its init code lies elsewhere and is left out).
read -r klo khi < <("${F[@]}" kmemleak-range)
for a in $fs $fp; do
  echo 8 > "$a/stacktrace-depth"
  if [ "$klo" != 0 ]; then echo "$klo" > "$a/reject-start"; echo "$khi" > "$a/reject-end"; fi
done
echo "packet faults: oxip text $lo..$hi, kmemleak text rejected $klo..$khi, stack depth 8"
# 4. One failure at a time, each accounted for (faultstep.py): a frame
# per step, unicast or multicast, a single failure armed (times 1); the
# step's lost copies must each be a drop counted with a reason (by oxip,
# or by native: the skb:kfree_skb tracepoint), or the failure absorbed
# with nothing lost. Every step must be accounted for.
for a in $fs $fp; do echo N > "$a/task-filter"; echo 0 > "$a/probability"; echo 2 > "$a/verbose"; done
d0=$(drops)
rc=0
python3 -S "$VM/faultstep.py" "${STEPS:-2000}" "$((BUDGET < 600 ? BUDGET / 2 : 600))" "${FUZZ_SEED:-8}" \
  > /tmp/oxip-fi-steps.txt || rc=$?
cat /tmp/oxip-fi-steps.txt
[ "$rc" = 0 ]
inj4=$(awk '/^steps /{print $4}' /tmp/oxip-fi-steps.txt)
[ "$inj4" -gt 0 ]
for a in $fs $fp; do echo 0 > "$a/verbose"; done
d1=$(drops)
kill $smc 2>/dev/null || true; wait $smc 2>/dev/null || true
echo "oxip drops on the packet path: $((d1 - d0))"
in_ns r cat /proc/net/oxip_drops | sed 's/^/  drop reason /'
# Every drop oxip counted carries a reason (the reasons add up to Drops).
[ "$(oxip_counter r Drops)" = "$d1" ]
cleanup
trap - EXIT
printf 'netns del %s\n' h1 r h2 h3 fa fb | ip -batch -
echo "total injected: insmod $inj1, netns init $inj2, attach $inj3, packets $inj4"
echo ok
