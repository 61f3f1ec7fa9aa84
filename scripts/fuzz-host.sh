#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fuzz oxip's pure core on the host: build every target in fuzz/ and run
# each for a bounded time, one libFuzzer worker at a time.
#   scripts/fuzz-host.sh [SECONDS_PER_TARGET [TARGET...]]   (default 20 s, all)
# Seeds: fuzz/seeds/TARGET/*.hex (hex text, '#' comments), converted to
# binary under out/fuzz/seeds each run. The corpus a run grows is kept in
# out/fuzz/corpus/TARGET for the next run; crashes go to
# out/fuzz/artifacts/TARGET/ with the log in out/fuzz/TARGET.log.
# Exits non-zero if any target crashes (or does not build); the last line
# is `fuzz-host: N passed, N failed`.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
SECS=${1:-20}
shift $(( $# > 0 ? 1 : 0 ))
OUT=$TOP/out/fuzz
export PATH="$HOME/.cargo/bin:$PATH"
# scripts/lib.sh pins the kernel's toolchain through RUSTUP_TOOLCHAIN: not ours.
unset RUSTUP_TOOLCHAIN

case "$SECS" in ''|*[!0-9]*) echo "usage: $0 [SECONDS_PER_TARGET [TARGET...]]" >&2; exit 2 ;; esac

if ! cargo fuzz --version >/dev/null 2>&1; then
  "$TOP/scripts/deps-fuzz.sh" >&2 || { echo "fuzz-host: 0 passed, 1 failed"; exit 1; }
fi
# libFuzzer's flags (-Zsanitizer, sancov) are unstable: nightly if there is
# one, else the stable toolchain with its unstable flags unlocked.
if rustup run nightly rustc --version >/dev/null 2>&1; then
  TC=(+nightly)
else
  TC=()
  export RUSTC_BOOTSTRAP=1
fi

cd "$TOP/fuzz" || exit 1
if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo "${TC[@]}" fuzz list)
fi
mkdir -p "$OUT"

echo "fuzz-host: building ${#targets[@]} targets ($(cargo "${TC[@]}" --version))"
if ! cargo "${TC[@]}" fuzz build -O >"$OUT/build.log" 2>&1; then
  tail -30 "$OUT/build.log" >&2
  echo "fuzz-host: 0 passed, ${#targets[@]} failed"
  exit 1
fi

# hex text -> one binary seed per file.
seeds() {
  local t=$1 f
  rm -rf "$OUT/seeds/$t"
  mkdir -p "$OUT/seeds/$t"
  for f in "$TOP/fuzz/seeds/$t"/*.hex; do
    [ -e "$f" ] || continue
    perl -ne 's/#.*//; s/\s+//g; print pack("H*", $_)' "$f" >"$OUT/seeds/$t/$(basename "$f" .hex)"
  done
}

pass=0
fail=0
start=$SECONDS
for t in "${targets[@]}"; do
  seeds "$t"
  mkdir -p "$OUT/corpus/$t" "$OUT/artifacts/$t"
  log=$OUT/$t.log
  # One worker; a unit that runs 10 s is a hang; the seeds directory is
  # read, never written (libFuzzer adds new units to the first one).
  cargo "${TC[@]}" fuzz run -O "$t" "$OUT/corpus/$t" "$OUT/seeds/$t" -- \
    -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$OUT/artifacts/$t/" >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  if [ "$rc" = 0 ]; then
    pass=$((pass + 1))
    printf 'fuzz-host: %-16s ok     %10s execs %8s exec/s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "${cov:-}"
  else
    fail=$((fail + 1))
    # shellcheck disable=SC2012 # the newest artifact; libFuzzer names them crash-<sha1>
    art=$(ls -t "$OUT/artifacts/$t"/ 2>/dev/null | head -1)
    printf 'fuzz-host: %-16s FAILED %10s execs %8s exec/s  (exit %s)\n' "$t" "${execs:-?}" "${rate:-?}" "$rc"
    grep -m1 -A3 -E 'panicked at|ERROR: (AddressSanitizer|libFuzzer)' "$log" | sed 's/^/    /'
    [ -n "$art" ] && echo "    input: $OUT/artifacts/$t/$art (reproduce: cd fuzz && cargo ${TC[*]} fuzz run -O $t $OUT/artifacts/$t/$art)"
    echo "    log: $log"
  fi
done
echo "fuzz-host: ${#targets[@]} targets x ${SECS} s in $((SECONDS - start)) s"
echo "fuzz-host: $pass passed, $fail failed"
[ "$fail" = 0 ]
