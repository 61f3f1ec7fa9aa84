#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# oxip-check: opt-in (times out under TCG and leaves state behind; make selftests runs these)
# make check's share of `make selftests` (issue 10): a few fast kernel
# IPv4 selftests, unchanged, natively and then under takeover=all on the
# same boot (tests/vm/selftests_guest.sh). Each must reach native's
# verdict under oxip, with its traffic through oxip (TakeoverRcv > 0 in
# /proc/net/oxip_global) unless both runs skipped.
set -eu -o pipefail
. "$OXIP_TOP/tests/vm/lib.sh"
# Measured on the stock kernel under TCG (native + oxip seconds):
# route_localnet 18+29, router_nh 41+45, router_broadcast 114+84. The debug
# kernel is several times slower: it runs the first two (router.sh and
# router_multicast.sh have scenarios of their own).
if [ "${OXIP_KERNEL:-}" = debug ]; then quick="route_localnet router_nh"; else quick="route_localnet router_nh router_broadcast"; fi
export SELFTESTS=${KSELFTEST_QUICK:-$quick}
bash "$OXIP_TOP/tests/vm/selftests_guest.sh"
bad=0
for id in $SELFTESTS; do
  n=$(awk -v k="$id" '$1 == k && $2 == "native" { print $3 }' "$OXIP_OUT/selftests.tsv")
  read -r o t < <(awk -v k="$id" '$1 == k && $2 == "oxip" { print $3, $7 }' "$OXIP_OUT/selftests.tsv")
  echo "$id: native $n, oxip $o, TakeoverRcv $t"
  if [ "$n" != "$o" ]; then echo "  differs"; bad=1
  elif [ "$n" != SKIP ] && [ "${t:-0}" -le 0 ]; then echo "  no traffic through oxip"; bad=1; fi
  [ "$n" = OK ] || [ "$n" = SKIP ] || echo "  (fails natively on this kernel)"
done
[ $bad = 0 ]
