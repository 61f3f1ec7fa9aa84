#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Prepare a tree to build oxip for Debian's stock kernel (the release
# scripts/deps.sh recorded, or the running one with `stock.sh running`).
#
# Debian's headers ship no rust/ metadata, so an out-of-tree Rust module
# cannot be built against them as they are. This takes the matching
# linux-source with the headers' .config and runs `make modules_prepare`,
# which builds core, kernel, bindings, pin_init and the rest with the very
# toolchain the kernel was built with (CONFIG_RUSTC_VERSION_TEXT,
# CONFIG_BINDGEN_VERSION_TEXT), then takes the stock Module.symvers. A
# guard compares every Rust export of the prepared tree with the stock
# Module.symvers and stops on any drift: a module built on a drifted tree
# would not load. Prints the prepared tree (a KDIR) last; $CACHE/kernel-stock
# links to it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

rel=${STOCK_REL:-$(cat "$CACHE/stock-release" 2>/dev/null || true)}
[ -n "$rel" ] || die "no stock kernel recorded: run scripts/deps.sh"
root=$CACHE/stock/$rel/root
hdr=$root/usr/src/linux-headers-$rel
[ -f "$hdr/.config" ] || die "no $hdr/.config: run scripts/deps.sh"

config_text() { sed -nE "s/^CONFIG_$2=\"(.*)\"$/\\1/p" "$1"; }
rustc_text=$(config_text "$hdr/.config" RUSTC_VERSION_TEXT)
bindgen_text=$(config_text "$hdr/.config" BINDGEN_VERSION_TEXT)
[ -n "$rustc_text" ] || die "$rel was built without Rust (no CONFIG_RUSTC_VERSION_TEXT): oxip cannot be built for it"
want_rust=$(echo "$rustc_text" | awk '{print $2}')
want_bindgen=$(echo "$bindgen_text" | awk '{print $2}')
have_rust=$(rustc --version | awk '{print $2}')
have_bindgen=$(bindgen --version | awk '{print $2}')
[ "$have_rust" = "$want_rust" ] || die "$rel was built with rustc $want_rust, this is $have_rust: run scripts/deps.sh"
[ "$have_bindgen" = "$want_bindgen" ] || die "$rel was built with bindgen $want_bindgen, this is $have_bindgen: run scripts/deps.sh"

# rustc mixes its whole version text into every crate's hash; Debian's says
# "(built from a source tarball)". This (testing) variable makes rustup's
# 1.85.1 report Debian's text, so crate hashes, and with them every Rust
# symbol name, come out as Debian's. The export guard below proves it did.
export RUSTC_FORCE_RUSTC_VERSION=${rustc_text#rustc }

SRC=$(scripts_src)
srcver=$(dpkg-query -W -f='${Version}' "linux-source-$KVER")
key=stock-$rel-$(cat "$hdr/.config" "$hdr/Module.symvers" "$TOP/scripts/stock.sh" | { cat; echo "$srcver"; } | sha256sum | cut -c1-12)
B=$CACHE/build/$key

# export_guard TREE SYMVERS: every Rust export the tree's crates define is
# exported by the kernel, under the same name.
export_guard() {
  local tree=$1 symvers=$2 ours theirs missing n
  ours=$(mktemp); theirs=$(mktemp)
  cat "$tree"/rust/exports_*_generated.h 2>/dev/null | sed -nE 's/^EXPORT_SYMBOL_RUST_GPL\((_R[A-Za-z0-9_]+)\);$/\1/p' | sort -u > "$ours"
  awk '$2 ~ /^_R/ {print $2}' "$symvers" | sort -u > "$theirs"
  n=$(wc -l < "$ours")
  missing=$(comm -23 "$ours" "$theirs" | wc -l)
  if [ "$n" = 0 ]; then
    rm -f "$ours" "$theirs"
    die "export guard: $tree has no Rust exports (rust/exports_*_generated.h): modules_prepare did not build Rust"
  fi
  if [ "$missing" != 0 ]; then
    echo "export guard: $missing of $n Rust symbols of the prepared tree are not exported by $rel, e.g.:" >&2
    comm -23 "$ours" "$theirs" | head -5 | sed 's/^/    /' >&2
    rm -f "$ours" "$theirs"
    die "the prepared tree drifted from the kernel (compiler, bindgen or source version): a module built on it would not load"
  fi
  rm -f "$ours" "$theirs"
  ok "export guard: all $n Rust exports of the prepared tree match $rel's Module.symvers"
}

if [ "${1:-}" = guard ]; then
  # scripts/stock.sh guard TREE SYMVERS: run the guard alone (tested by make check).
  export_guard "$2" "$3"; exit 0
fi

if [ -f "$B/.oxip-done" ]; then
  ok "stock tree $key is cached"
  ln -sfn "$B" "$CACHE/kernel-stock"
  echo "$B"; exit 0
fi

step "preparing $rel for external Rust modules (modules_prepare, about a minute)"
start=$(date +%s)
rm -rf "$B"; mkdir -p "$B"
cp "$hdr/.config" "$B/.config"
kmake() { make -C "$SRC" O="$B" ARCH=x86_64 LLVM= KERNELRELEASE="$rel" "$@"; }
kmake -s olddefconfig >/dev/null 2>&1
grep -q '^CONFIG_RUST=y' "$B/.config" || { kmake rustavailable || true; die "CONFIG_RUST did not stick with this toolchain (above)"; }
if ! kmake -j"$(nproc)" modules_prepare > "$B/build.log" 2>&1; then
  tail -20 "$B/build.log" >&2
  die "modules_prepare failed: see $B/build.log"
fi
cp "$hdr/Module.symvers" "$B/Module.symvers"
# What building a module for this tree needs in its environment (scripts/module.sh).
printf 'export KERNELRELEASE=%q\nexport RUSTC_FORCE_RUSTC_VERSION=%q\nexport LLVM=\n' \
  "$rel" "$RUSTC_FORCE_RUSTC_VERSION" > "$B/.oxip-env"
export_guard "$B" "$B/Module.symvers"
echo "$(( $(date +%s) - start ))" > "$B/.oxip-build-seconds"
touch "$B/.oxip-done"
ln -sfn "$B" "$CACHE/kernel-stock"
ok "stock tree prepared in $(( $(date +%s) - start ))s"
echo "$B"
