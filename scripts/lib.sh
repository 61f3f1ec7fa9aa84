# SPDX-License-Identifier: GPL-2.0
# Shared settings for oxip's scripts. Sourced, not run.
KVER=${KVER:-7.3}
CACHE=${OXIP_CACHE:-$HOME/.cache/oxip}
VENV=$CACHE/venv
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export LIBCLANG_PATH=${LIBCLANG_PATH:-/usr/lib/llvm-19/lib}
# SUDO: for the scripts that source this one.
# shellcheck disable=SC2034
if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
step() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
ok()   { printf '    ok: %s\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

# The Rust toolchain: one for every kernel oxip builds or prepares, the one
# Debian's stock kernel was built with (its headers' CONFIG_RUSTC_VERSION_TEXT
# and CONFIG_BINDGEN_VERSION_TEXT; scripts/deps.sh records them in
# $CACHE/toolchain). A stock module must match them exactly, and a single
# toolchain keeps the self-built kernels in step.
if [ -f "$CACHE/toolchain" ]; then
  # shellcheck disable=SC1091
  . "$CACHE/toolchain"
fi
if [ -n "${RUST_VER:-}" ]; then
  export RUSTUP_TOOLCHAIN=$RUST_VER
fi
export PATH="$HOME/.cargo/bin:$VENV/bin${BINDGEN_VER:+:$CACHE/tools/bindgen-$BINDGEN_VER/bin}:$PATH"

# Self-built kernels: `debug` (KASAN, lockdep, ..., for `make check`) and
# `bench` (no debugging, for `make bench`). Each is tinyconfig plus
# scripts/kernel.config, plus scripts/kernel-$variant.config if present.
kernel_fragments() {
  echo "$TOP/scripts/kernel.config"
  [ -f "$TOP/scripts/kernel-$1.config" ] && echo "$TOP/scripts/kernel-$1.config"
  return 0
}
# Extra make arguments a variant is built (and its modules are built) with.
kernel_make_args() {
  case "$1" in
    debug) echo "LLVM=-19" ;;   # RUST with KASAN needs clang in 7.3
    *) echo "LLVM=" ;;
  esac
}
# The kernel build key: variant, source version, hash of what decides the
# build (config fragments, compiler, Rust toolchain).
kernel_key() {
  local srcver
  srcver=$(dpkg-query -W -f='${Version}' "linux-source-$KVER" 2>/dev/null || echo none)
  # shellcheck disable=SC2046
  echo "$1-$KVER-$srcver-$( { cat $(kernel_fragments "$1"); kernel_make_args "$1"; echo "${RUST_VER:-}"; } | sha256sum | cut -c1-12)"
}
# The unpacked linux-source tree (unpacked once, shared by every variant and
# by the stock kernel's prepared tree). Prints its path.
scripts_src() {
  local tarball=/usr/src/linux-source-$KVER.tar.xz
  local src
  src=$CACHE/src/linux-source-$KVER-$(dpkg-query -W -f='${Version}' "linux-source-$KVER")
  if [ ! -f "$src/.oxip-unpacked" ]; then
    step "unpacking $tarball"
    rm -rf "$src.tmp"; mkdir -p "$src.tmp"
    tar -C "$src.tmp" --strip-components=1 -I "xz -T0" -xf "$tarball"
    touch "$src.tmp/.oxip-unpacked"
    rm -rf "$src"; mv "$src.tmp" "$src"
  fi
  echo "$src"
}
