#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every sample in samples/ runs (with oxip loaded, as a user would run it)
# and must exit 0: each checks its own outcome (counters, deliveries,
# drop reasons, netfilter counters) and prints `ok: ...` for each check.
# The host example (samples/rust) runs under `cargo test`.
# oxip-check: not-debug (make check runs it on the stock kernel, where
# users run the samples; under KASAN their paths are the other scenarios')
set -u -o pipefail
fail=0
for s in "$OXIP_TOP"/samples/[0-9]*.sh; do
  name=$(basename "$s" .sh)
  t0=$SECONDS
  echo "=== $name"
  bash "$s" > "$OXIP_OUT/sample-$name.txt" 2>&1
  rc=$?
  sed 's/^/  /' "$OXIP_OUT/sample-$name.txt"
  nok=$(grep -c '^ok: ' "$OXIP_OUT/sample-$name.txt")
  if [ $rc = 0 ] && [ "$nok" -gt 0 ]; then
    echo "PASS $name ($((SECONDS - t0)) s, $nok checks)"
  else
    echo "FAIL $name (exit $rc, $nok checks passed)"
    fail=1
  fi
done
exit $fail
