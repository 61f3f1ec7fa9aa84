# SPDX-License-Identifier: GPL-2.0
# Run one of the kernel's own tools/testing/selftests/net/forwarding scripts,
# unchanged, from the source tree of the kernel under test, with oxip in
# takeover mode on the router ports. Sourced by the kselftest_* scenarios.
#   run_forwarding_selftest SCRIPT NUM_NETIFS ROUTER_PORT...
run_forwarding_selftest() {
  local script=$1 n=$2; shift 2
  local src; src=$(readlink -f "$OXIP_KDIR/source")
  local dir=$src/tools/testing/selftests/net/forwarding
  [ -f "$dir/$script" ] || { echo "no $dir/$script"; return 1; }
  local ifs=() i
  for ((i = 1; i <= n; i += 2)); do
    ip link add "veth$i" type veth peer name "veth$((i + 1))"
    ifs+=("veth$i" "veth$((i + 1))")
  done
  for p in "$@"; do echo "+$p" > /proc/net/oxip_takeover; done
  ctr() { awk -v k="$1" 'NR%2==1{for(i=2;i<=NF;i++)n[i]=$i;next}{for(i=2;i<=NF;i++)if(n[i]==k)print $i}' /proc/net/oxip_snmp | head -1; }
  local before; before=$(ctr TakeoverRcv)
  local fwd0; fwd0=$(ctr Forwarded)
  # The tree is read-only in the VM; the scripts write only under /tmp.
  (cd "$dir" && NETIF_CREATE=no bash "./$script" "${ifs[@]}") 2>&1 | tee "$OXIP_OUT/$script.out"
  local rc=${PIPESTATUS[0]}
  local after; after=$(ctr TakeoverRcv)
  local fwd1; fwd1=$(ctr Forwarded)
  echo "oxip during $script: TakeoverRcv +$((after - before)), Forwarded (unicast + multicast copies) +$((fwd1 - fwd0)); exit $rc"
  for p in "$@"; do echo "-$p" > /proc/net/oxip_takeover 2>/dev/null || true; done
  for ((i = 1; i <= n; i += 2)); do ip link del "veth$i" 2>/dev/null || true; done
  [ "$rc" = 0 ] || return 1
  ! grep -q '\[FAIL\]' "$OXIP_OUT/$script.out" || return 1
  [ $((after - before)) -gt 0 ] || { echo "no traffic went through oxip"; return 1; }
}
