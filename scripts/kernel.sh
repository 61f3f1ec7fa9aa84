#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the oxip test kernel (tinyconfig + scripts/kernel.config) into a cache
# outside the repo, keyed by source version and config hash. A second run with
# the same inputs does nothing. Prints the build directory (the KDIR) last.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tarball=/usr/src/linux-source-$KVER.tar.xz
[ -f "$tarball" ] || die "no $tarball: run scripts/deps.sh first.
If Debian no longer carries linux-source-$KVER, point KDIR at another
Rust-enabled 7.x tree you have built:  make KDIR=/path/to/linux"

key=$(kernel_key)
SRC=$CACHE/src/linux-source-$KVER-$(dpkg-query -W -f='${Version}' "linux-source-$KVER")
B=$CACHE/build/$key

if [ -f "$B/.oxip-done" ]; then
  ok "kernel $key is cached"
  ln -sfn "$B" "$CACHE/kernel"
  echo "$B"; exit 0
fi

if [ ! -f "$SRC/.oxip-unpacked" ]; then
  step "unpacking $tarball"
  rm -rf "$SRC.tmp"; mkdir -p "$SRC.tmp"
  tar -C "$SRC.tmp" --strip-components=1 -xf "$tarball"
  touch "$SRC.tmp/.oxip-unpacked"
  rm -rf "$SRC"; mv "$SRC.tmp" "$SRC"
fi

step "configuring kernel $key (tinyconfig + scripts/kernel.config)"
mkdir -p "$B"
kmake() { make -C "$SRC" O="$B" ARCH=x86_64 LLVM= "$@"; }
kmake -s tinyconfig >/dev/null
"$SRC/scripts/kconfig/merge_config.sh" -m -O "$B" "$B/.config" "$TOP/scripts/kernel.config" >/dev/null
kmake -s olddefconfig >/dev/null
if ! grep -q '^CONFIG_RUST=y' "$B/.config"; then
  kmake rustavailable || true
  die "CONFIG_RUST did not stick: the Rust toolchain is not usable for this tree (see above)"
fi
missing=$(grep -E '^CONFIG_[A-Z0-9_]+=y' "$TOP/scripts/kernel.config" | while read -r l; do
  grep -qx "$l" "$B/.config" || echo "${l%%=*}"; done | tr '\n' ' ')
[ -z "$missing" ] || printf '    note: options not set (dependencies): %s\n' "$missing" >&2

step "building bzImage and Module.symvers ($(nproc) jobs; about 10 minutes on 2 cores)"
start=$(date +%s)
if ! kmake -j"$(nproc)" all 2>&1 | tee "$B/build.log" | \
   awk '/^ +(CC|RUSTC|LD|AR|AS)/{n++; if (n%250==0) {printf "    ... %d objects, %s\n", n, $2; fflush()}} /error|Error/{print; fflush()}'; then
  die "kernel build failed: see $B/build.log"
fi
[ -f "$B/arch/x86/boot/bzImage" ] || die "kernel build produced no bzImage: see $B/build.log"
touch "$B/.oxip-done"
ln -sfn "$B" "$CACHE/kernel"
ok "kernel built in $(( $(date +%s) - start ))s: $B/arch/x86/boot/bzImage"
echo "$B"
