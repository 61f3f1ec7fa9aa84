#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot the cached test kernel with virtme-ng, load oxip, run the scenarios,
# and judge from the files the guest writes (never from vng's exit status or
# stdout, which are not reliable here).
#   tests/vm/run.sh check   KUnit + every scenario; non-zero exit on any failure
#   tests/vm/run.sh demo    load oxip, send traffic, show the counters
#   tests/vm/run.sh bench   forwarding benchmark, native vs oxip (table + PNG)
#   ONLY=name tests/vm/run.sh check   one scenario
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/scripts/lib.sh"
MODE=${1:-check}
KDIR=${KDIR:-$CACHE/kernel}
KERNEL=${KERNEL:-$KDIR/arch/x86/boot/bzImage}
[ -f "$KERNEL" ] || die "no kernel at $KERNEL: run 'make kernel' (or set KERNEL=/path/to/bzImage)"
[ -f "$TOP/oxip.ko" ] || die "no oxip.ko: run 'make'"
command -v vng >/dev/null || die "vng (virtme-ng) not found: run 'make deps'"

OUT=$TOP/out/vm-$MODE
rm -rf "$OUT"; mkdir -p "$OUT"

# KVM if it works here, TCG otherwise. The probe boots once per machine and
# its answer is cached (KVM on nested hosts can exist and still fail).
accel_opts() {
  local f=$CACHE/accel
  if [ ! -f "$f" ]; then
    local a=tcg
    if [ -w /dev/kvm ]; then
      local p; p=$(mktemp -d)
      timeout 60 vng --run "$KERNEL" --force-9p --rwdir "$p" --memory 512M \
        --exec "echo ok > $p/probe" >/dev/null 2>&1 </dev/null
      [ -f "$p/probe" ] && a=kvm
      rm -rf "$p"
    fi
    echo "$a" > "$f"
  fi
  if [ "$(cat "$f")" = kvm ]; then echo ""; else echo "--disable-kvm"; fi
}
ACCEL=$(accel_opts)
if [ -n "$ACCEL" ]; then how="TCG (no usable KVM)"; else how=KVM; fi
step "booting $KERNEL with $how, mode $MODE"
start=$(date +%s)
# Bounded: a hung guest must not hang CI.
timeout "${VM_TIMEOUT:-1500}" vng --run "$KERNEL" --force-9p $ACCEL --cpus 2 --memory 2G \
  --rwdir "$OUT" --cwd "$TOP" \
  --exec "ONLY=${ONLY:-} BENCH_REPS=${BENCH_REPS:-} BENCH_SECS=${BENCH_SECS:-} bash $TOP/tests/vm/guest.sh $MODE $OUT" \
  > "$OUT/vng.log" 2>&1 </dev/null
echo "vng exit $? (not used for the verdict)" >> "$OUT/vng.log"
ok "guest ran $(( $(date +%s) - start ))s; results in $OUT"

[ -f "$OUT/done" ] || { tail -30 "$OUT/vng.log" >&2; tail -30 "$OUT/guest.log" 2>/dev/null >&2; die "the guest did not finish (no $OUT/done)"; }

if [ "$MODE" = demo ]; then
  cat "$OUT/demo.txt"
  exit 0
fi
if [ "$MODE" = bench ]; then
  tail -3 "$OUT/bench.log"
  python3 "$TOP/tests/vm/bench_report.py" "$OUT/bench.jsonl"
  exit 0
fi

fail=0
# KUnit: the KTAP the module's suites printed at insmod.
SRC=$(readlink -f "$KDIR/source" 2>/dev/null || echo "$KDIR")
if [ -f "$OUT/ktap.log" ]; then
  printf '\n== KUnit (oxip suites) ==\n'
  if [ -x "$SRC/tools/testing/kunit/kunit.py" ]; then
    python3 "$SRC/tools/testing/kunit/kunit.py" parse < "$OUT/ktap.log" | grep -vE '^\s*$' | tail -25 || true
  fi
  # dmesg prefixes each line with a timestamp; KTAP follows it.
  kok=$(grep -cE '^(\[[ 0-9.]+\])? *ok [0-9]+ ' "$OUT/ktap.log" || true)
  knok=$(grep -cE '^(\[[ 0-9.]+\])? *not ok [0-9]+ ' "$OUT/ktap.log" || true)
  echo "kunit: $kok ok lines, $knok not ok lines"
  [ "$knok" = 0 ] && [ "$kok" -gt 0 ] || fail=1
else
  echo "no KTAP output"; fail=1
fi

printf '\n== VM scenarios ==\n'
pass=$(grep -c '^PASS ' "$OUT/results" 2>/dev/null || true)
nfail=$(grep -c '^FAIL ' "$OUT/results" 2>/dev/null || true)
cat "$OUT/results" 2>/dev/null
[ "${nfail:-0}" = 0 ] && [ "${pass:-0}" -gt 0 ] || fail=1

printf '\n== kernel log health ==\n'
if grep -E 'WARNING:|BUG:|Oops|general protection|kernel BUG|refcount_t|UBSAN|KASAN|unreferenced object' "$OUT/dmesg.log"; then
  echo "kernel log shows a problem (above)"; fail=1
else
  echo "no WARN/BUG/Oops/leak in the kernel log"
fi
echo
echo "vm: ${pass:-0} passed, ${nfail:-0} failed"
exit $fail
