#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot one of oxip's kernels with virtme-ng, load the oxip.ko built for it,
# run the scenarios, and judge from the files the guest writes (never from
# vng's exit status or stdout, which are not reliable here).
#   tests/vm/run.sh check [KERNEL]   KUnit + every scenario; non-zero exit on any failure
#   tests/vm/run.sh demo  [KERNEL]   load oxip, send traffic, show the counters
#   tests/vm/run.sh bench [KERNEL]   forwarding benchmark, native vs oxip (table + PNG);
#                                    BENCH_CLOCK=icount boots with -icount shift=0,sleep=off;
#                                    BENCH_CLOCK=calls counts function entries per packet instead;
#                                    BENCH_CLOCK=profile instructions per packet by function
#                                    (QEMU's insnprof plugin, tools/insnprof)
#   tests/vm/run.sh selftests [KERNEL]  the kernel's IPv4 selftests, native then takeover=all
#                                    (tests/vm/selftests.sh builds the helpers and prints the table)
#   ONLY=name tests/vm/run.sh check   one scenario (a space-separated list works too)
# KERNEL: debug (default for check), stock (Debian's, default for demo and
# bench) or bench (oxip's tinyconfig kernel); its module is out/build/KERNEL/oxip.ko
# (scripts/module.sh). BZIMAGE=/path boots another image of that tree.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/scripts/lib.sh"
MODE=${1:-check}
case "$MODE" in check) d=debug;; demo|selftests|bench) d=stock;; *) die "run.sh: mode check, demo, bench or selftests";; esac
NAME=${2:-$d}
KDIR=${KDIR:-$CACHE/kernel-$NAME}
if [ "$NAME" = stock ]; then
  rel=$(cat "$CACHE/stock-release" 2>/dev/null || true)
  # Debian's image, in its modules directory: vng finds the modules beside it.
  KERNEL=${BZIMAGE:-$CACHE/stock/$rel/root/usr/lib/modules/$rel/vmlinuz}
else
  KERNEL=${BZIMAGE:-$KDIR/arch/x86/boot/bzImage}
fi
[ -f "$KERNEL" ] || die "no kernel at $KERNEL: run 'make kernel KERNEL=$NAME' (or set BZIMAGE=/path/to/bzImage)"
KO=$TOP/out/build/$NAME/oxip.ko
[ -f "$KO" ] || die "no $KO: run 'make KERNEL=$NAME'"
command -v vng >/dev/null || die "vng (virtme-ng) not found: run 'make deps'"
has_kunit=0
grep -q '^CONFIG_KUNIT=y' "$KDIR/.config" 2>/dev/null && has_kunit=1

# SHARD=i/n: this run is the i-th of n VMs of one kernel. Alone it takes
# every n-th scenario from the i-th; with QUEUE=DIR (a host directory the
# n VMs share, as check_all.sh gives the debug kernel's two) each VM takes
# the next scenario no other has claimed, the costliest first.
SHARD=${SHARD:-}
QUEUE=${QUEUE:-}
queue_opts=()
[ -n "$QUEUE" ] && queue_opts=(--rwdir "$QUEUE")
# BENCH_CLOCK=icount: guest time counts instructions (one per nanosecond),
# so the bench's rates repeat to a fraction of a percent under TCG.
CLOCK=${BENCH_CLOCK:-}
qemu_opts=()
[ "$MODE" = bench ] && [ "$CLOCK" = icount ] && qemu_opts=("--qemu-opts=-icount shift=0,sleep=off")
OUT=$TOP/out/vm-$MODE-$NAME${SHARD:+-${SHARD%/*}}${CLOCK:+-$CLOCK}
rm -rf "$OUT"; mkdir -p "$OUT"
# BENCH_CLOCK=profile: QEMU counts the kernel's instructions by translated
# block (tools/insnprof, a TCG plugin) and snapshots them at the guest's
# markers (its insnmark, from the same crate).
if [ "$MODE" = bench ] && [ "$CLOCK" = profile ]; then
  step "cargo: building the insnprof plugin (tools/insnprof)"
  # The host's default toolchain (qemu-plugin-sys needs a newer rustc than the
  # stock kernel's 1.85.1).
  RUSTUP_TOOLCHAIN='' cargo build -q --release --manifest-path "$TOP/tools/insnprof/Cargo.toml" --target-dir "$TOP/out/insnprof" ||
    die "insnprof did not build"
  qemu_opts=("--qemu-opts=-plugin $TOP/out/insnprof/release/libinsnprof.so,out=$OUT")
fi

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
step "booting the $NAME kernel ($KERNEL) with $how, mode $MODE"
start=$(date +%s)
# Bounded: a hung guest must not hang CI. The debug kernel (KASAN, lockdep,
# kmemleak under TCG) runs the same scenarios several times slower.
if [ "$NAME" = debug ]; then tmo=4500; per=1200; else tmo=2400; per=600; fi
[ "$MODE" = selftests ] && tmo=$((tmo * 4))
# The root is the host's filesystem over 9p, which vng mounts uncached:
# then every exec reads its binary and libraries again through 9p, about
# 0.5 s under TCG on the debug kernel. Nothing on the host changes under
# a running guest (the output directory is its own, uncached mount), so
# the root is mounted cache=loose (the kernel takes the last rootflags=):
# exec costs half, and a debug scenario 25-30% less.
root_flags=rootflags=version=9p2000.L,trans=virtio,access=any,msize=524288,cache=loose
# shellcheck disable=SC2086 # ACCEL: no option or one
timeout "${VM_TIMEOUT:-$tmo}" vng --run "$KERNEL" --force-9p --append "$root_flags" $ACCEL --cpus 2 --memory 2G "${qemu_opts[@]}" \
  --rwdir "$OUT" "${queue_opts[@]}" --cwd "$TOP" \
  --exec "OXIP_KO=$KO OXIP_KERNEL=$NAME OXIP_KDIR=$KDIR SCENARIO_TIMEOUT=${SCENARIO_TIMEOUT:-$per} SHARD=$SHARD QUEUE=$QUEUE TRACE=${TRACE:-} CHECK_SET=${CHECK_SET:-} ONLY='${ONLY:-}' BENCH_REPS=${BENCH_REPS:-} BENCH_SECS=${BENCH_SECS:-} BENCH_CLOCK=$CLOCK BENCH_ROWS='${BENCH_ROWS:-}' PROFILE_DSTS='${PROFILE_DSTS:-}' PROFILE_PATHS='${PROFILE_PATHS:-}' PROFILE_PACKETS=${PROFILE_PACKETS:-} PROFILE_DELAY=${PROFILE_DELAY:-} FUZZ_SEED=${FUZZ_SEED:-} FUZZ_PACKETS=${FUZZ_PACKETS:-} FUZZ_SECS=${FUZZ_SECS:-} BUDGET=${BUDGET:-} ROUNDS=${ROUNDS:-} CYCLES=${CYCLES:-} STEPS=${STEPS:-} SELFTESTS='${SELFTESTS:-}' SELFTESTS_BIN=${SELFTESTS_BIN:-} SELFTEST_TIMEOUT=${SELFTEST_TIMEOUT:-} SELFTESTS_BUDGET=${SELFTESTS_BUDGET:-} bash $TOP/tests/vm/guest.sh $MODE $OUT" \
  > "$OUT/vng.log" 2>&1 </dev/null
echo "vng exit $? (not used for the verdict)" >> "$OUT/vng.log"
ok "guest ran $(( $(date +%s) - start ))s; results in $OUT"

[ -f "$OUT/done" ] || { tail -30 "$OUT/vng.log" >&2; tail -30 "$OUT/guest.log" 2>/dev/null >&2; die "the guest did not finish (no $OUT/done)"; }

if [ "$MODE" = demo ]; then
  cat "$OUT/demo.txt"
  exit 0
fi
if [ "$MODE" = selftests ]; then
  # tests/vm/selftests.sh formats the table from selftests.tsv.
  exit 0
fi
if [ "$MODE" = bench ] && [ "$CLOCK" = profile ]; then
  tail -4 "$OUT/bench.log"
  python3 "$TOP/tests/vm/bench_profile.py" "$OUT" | tee "$OUT/profile.txt"
  exit 0
fi
if [ "$MODE" = bench ] && [ "$CLOCK" = calls ]; then
  tail -8 "$OUT/bench.log"
  python3 "$TOP/tests/vm/bench_calls.py" "$OUT"
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
if [ "$has_kunit" = 0 ]; then
  echo "kunit: the $NAME kernel has no KUnit (suites not built)"
elif [ -f "$OUT/ktap.log" ]; then
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
# WARNING: covers WARN_ON, lockdep ("possible circular locking", "inconsistent
# lock state", ...) and "suspicious RCU usage"; BUG: covers KASAN, KFENCE,
# "sleeping function called from invalid context" and "scheduling while atomic".
if grep -E 'WARNING:|BUG:|Oops|general protection|kernel BUG|refcount_t|UBSAN|KASAN|KFENCE|unreferenced object|tried to execute|stall|blocked for more than|waiting for .* to become free' "$OUT/dmesg.log" | grep -vE 'fault_inject|FAULT_INJECTION' ; then
  echo "kernel log shows a problem (above)"; fail=1
else
  echo "no WARN/BUG/Oops/KASAN/lockdep/RCU/UBSAN/leak report in the kernel log"
fi
echo
echo "vm ($NAME kernel${SHARD:+, shard $SHARD}): ${pass:-0} passed, ${nfail:-0} failed"
exit $fail
