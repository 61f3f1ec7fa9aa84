#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build one of oxip's own kernels, `debug` (default) or `bench`, into a cache
# outside the repo, keyed by variant, source version and config hash. A
# second run with the same inputs does nothing. Prints the build directory
# (the KDIR) last; $CACHE/kernel-$variant links to it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
VARIANT=${1:-debug}
case "$VARIANT" in debug|bench) ;; *) die "kernel.sh: unknown variant '$VARIANT' (debug, bench)";; esac

tarball=/usr/src/linux-source-$KVER.tar.xz
[ -f "$tarball" ] || die "no $tarball: run scripts/deps.sh first.
If Debian no longer carries linux-source-$KVER, point KDIR at another
Rust-enabled 7.x tree you have built:  make KDIR=/path/to/linux"

key=$(kernel_key "$VARIANT")
SRC=$(scripts_src)
B=$CACHE/build/$key

if [ -f "$B/.oxip-done" ]; then
  ok "kernel $key is cached"
  ln -sfn "$B" "$CACHE/kernel-$VARIANT"
  echo "$B"; exit 0
fi

step "configuring kernel $key (tinyconfig + $(kernel_fragments "$VARIANT" | xargs -n1 basename | tr '\n' ' '))"
rm -rf "$B"; mkdir -p "$B"
# shellcheck disable=SC2046
kmake() { make -C "$SRC" O="$B" ARCH=x86_64 $(kernel_make_args "$VARIANT") "$@"; }
kmake -s tinyconfig >/dev/null
# shellcheck disable=SC2046
"$SRC/scripts/kconfig/merge_config.sh" -m -O "$B" "$B/.config" $(kernel_fragments "$VARIANT") >/dev/null
kmake -s olddefconfig >/dev/null
if ! grep -q '^CONFIG_RUST=y' "$B/.config"; then
  kmake rustavailable || true
  die "CONFIG_RUST did not stick: the Rust toolchain is not usable for this tree (see above)"
fi
# shellcheck disable=SC2046
missing=$(grep -hE '^CONFIG_[A-Z0-9_]+=y' $(kernel_fragments "$VARIANT") | while read -r l; do
  grep -qx "$l" "$B/.config" || echo "${l%%=*}"; done | tr '\n' ' ')
[ -z "$missing" ] || printf '    note: options not set (dependencies): %s\n' "$missing" >&2
# What building a module for this tree needs in its environment (scripts/module.sh).
for a in $(kernel_make_args "$VARIANT"); do echo "export $a"; done > "$B/.oxip-env"

step "building the $VARIANT kernel ($(nproc) jobs)"
start=$(date +%s)
if ! kmake -j"$(nproc)" all 2>&1 | tee "$B/build.log" | \
   awk '/^ +(CC|RUSTC|LD|AR|AS)/{n++; if (n%500==0) {printf "    ... %d objects, %s\n", n, $2; fflush()}} /error:|Error [0-9]/{print; fflush()}'; then
  die "kernel build failed: see $B/build.log"
fi
[ -f "$B/arch/x86/boot/bzImage" ] || die "kernel build produced no bzImage: see $B/build.log"
echo "$(( $(date +%s) - start ))" > "$B/.oxip-build-seconds"
touch "$B/.oxip-done"
ln -sfn "$B" "$CACHE/kernel-$VARIANT"
ok "$VARIANT kernel built in $(( $(date +%s) - start ))s: $B/arch/x86/boot/bzImage"
echo "$B"
