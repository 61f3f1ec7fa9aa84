#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install everything oxip needs on a Debian 12 machine, idempotently.
#   scripts/deps.sh demo   what `make demo` needs (the stock kernel path)
#   scripts/deps.sh        everything (`make check`, `make bench`)
# Re-running is cheap: each step checks first and skips what is present.
# The independent steps (apt, the Rust toolchain, bindgen, virtme-ng) run
# in parallel: on a fresh machine that is most of `make demo`'s set-up time.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
WHAT=${1:-all}

# Enough for the stock kernel: prepare its tree, build oxip, run the VM.
APT_DEMO=(build-essential flex bison bc cpio kmod libelf-dev libssl-dev dwarves
  python3-venv libclang1-19 iproute2 iputils-ping iperf3 jq ethtool busybox-static xz-utils
  smcroute nftables bash-builtins)
# Everything else: clang/LLVM for the debug kernel, and the test tools.
APT_ALL=(libclang-19-dev llvm-19 lld-19 clang-19 python3-pip iperf netsniff-ng
  socat tcpdump python3-scapy iptables gnuplot-nox traceroute netcat-openbsd shellcheck iputils-arping)
pkgs=("${APT_DEMO[@]}")
[ "$WHAT" = demo ] || pkgs+=("${APT_ALL[@]}")

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

apt_sources() {
  # Never let the newer suite replace the host's packages: only what we name.
  if [ ! -f /etc/apt/sources.list.d/oxip-trixie-backports.sources ] && \
     ! grep -rqs 'trixie-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    $SUDO tee /etc/apt/sources.list.d/oxip-trixie-backports.sources >/dev/null <<'EOS'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
  fi
  $SUDO tee /etc/apt/preferences.d/oxip-trixie-backports >/dev/null <<'EOS'
Package: *
Pin: release n=trixie-backports
Pin-Priority: 100
EOS
  # qemu-system-x86 must match the image's qemu-utils, which may come from
  # bookworm-backports.
  if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    $SUDO tee /etc/apt/sources.list.d/oxip-bookworm-backports.sources >/dev/null <<'EOS'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
  fi
  $SUDO apt-get update -q >/dev/null
}

# The stock kernel's release: what trixie-backports' linux-headers-amd64
# points at (STOCK_REL= overrides).
stock_release() {
  [ -n "${STOCK_REL:-}" ] && { echo "$STOCK_REL"; return; }
  apt-cache depends linux-headers-amd64/trixie-backports 2>/dev/null | \
    sed -nE 's/^ *Depends: linux-headers-(.*-amd64)$/\1/p' | head -1
}

# The stock kernel's packages, downloaded (not installed: they are for the
# VM and for preparing a tree) and unpacked under $CACHE/stock/$rel.
stock_packages() {
  local rel=$1
  local d=$CACHE/stock/$rel
  [ -f "$d/.oxip-unpacked" ] && return 0
  step "apt: downloading Debian's $rel kernel (headers, image, modules)"
  rm -rf "$d.tmp"; mkdir -p "$d.tmp/debs"
  local ver
  ver=$(apt-cache show "linux-headers-$rel" | sed -n 's/^Version: //p' | head -1)
  (cd "$d.tmp/debs" && chmod 777 . && apt-get download -q \
     "linux-headers-$rel=$ver" "linux-binary-$rel=$ver" "linux-modules-$rel=$ver" >/dev/null 2>&1)
  for f in "$d.tmp"/debs/*.deb; do dpkg-deb -x "$f" "$d.tmp/root"; done
  rm -rf "$d.tmp/debs"
  touch "$d.tmp/.oxip-unpacked"
  rm -rf "$d"; mv "$d.tmp" "$d"
}

# "rustc 1.85.1 (4eb161250 2025-03-15) (...)" -> 1.85.1, from a .config.
config_text() { sed -nE "s/^CONFIG_$2=\"(.*)\"$/\\1/p" "$1"; }

rust_toolchain() {
  if ! rustup toolchain list | grep -q "^$RUST_VER-"; then
    step "rustup: installing Rust $RUST_VER (the stock kernel's compiler)"
    rustup toolchain install "$RUST_VER" --profile minimal -c rust-src -c rustfmt -c clippy >/dev/null 2>&1
  fi
  rustup component list --toolchain "$RUST_VER" --installed | grep -q '^rust-src' || \
    rustup component add --toolchain "$RUST_VER" rust-src rustfmt clippy >/dev/null 2>&1
}

bindgen_cli() {
  local root=$CACHE/tools/bindgen-$BINDGEN_VER
  [ -x "$root/bin/bindgen" ] && return 0
  step "cargo: building bindgen-cli $BINDGEN_VER (the stock kernel's bindgen)"
  # Built with whatever toolchain is the default: only its version matters.
  RUSTUP_TOOLCHAIN='' cargo install -q --locked bindgen-cli --version "$BINDGEN_VER" --root "$root" 2>&1 | tail -5
}

virtme_ng() {
  [ -x "$VENV/bin/vng" ] && return 0
  step "pip: installing virtme-ng into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q virtme-ng
}

apt_install() {
  local need=()
  for p in "${pkgs[@]}"; do installed "$p" || need+=("$p"); done
  installed "linux-source-$KVER" || need+=("linux-source-$KVER/trixie-backports")
  if [ ${#need[@]} -gt 0 ]; then
    step "apt: installing ${need[*]}"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
  fi
  if ! command -v qemu-system-x86_64 >/dev/null; then
    step "apt: installing qemu-system-x86 (matching qemu-utils)"
    local qv
    qv=$(dpkg-query -W -f='${Version}' qemu-utils 2>/dev/null || true)
    if [ -n "$qv" ]; then
      $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        "qemu-system-x86=$qv" "qemu-system-common=$qv" "qemu-system-data=$qv" >/dev/null || \
      $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        -t bookworm-backports qemu-system-x86 >/dev/null
    else
      $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends qemu-system-x86 >/dev/null
    fi
  fi
}

t0=$(date +%s)
mkdir -p "$CACHE"
rel=$(cat "$CACHE/stock-release" 2>/dev/null || true)
updated=0
if [ -z "$rel" ] || [ ! -f "$CACHE/stock/$rel/.oxip-unpacked" ] || [ -n "${STOCK_REL:-}" ]; then
  apt_sources; updated=1
  rel=$(stock_release)
  [ -n "$rel" ] || die "cannot find Debian's stock kernel (linux-headers-amd64 in trixie-backports)"
  echo "$rel" > "$CACHE/stock-release"
fi
# The downloads and the apt installs run beside the toolchain builds.
stock_packages "$rel" &
pid_stock=$!
virtme_ng > "$CACHE/deps-venv.log" 2>&1 &
pid_venv=$!

cfg=$CACHE/stock/$rel/root/usr/src/linux-headers-$rel/.config
wait $pid_stock || die "downloading the stock kernel $rel failed"
RUST_VER=$(config_text "$cfg" RUSTC_VERSION_TEXT | awk '{print $2}')
BINDGEN_VER=$(config_text "$cfg" BINDGEN_VERSION_TEXT | awk '{print $2}')
{ [ -n "$RUST_VER" ] && [ -n "$BINDGEN_VER" ]; } || die "$cfg names no Rust toolchain: is CONFIG_RUST set in $rel?"
printf 'RUST_VER=%s\nBINDGEN_VER=%s\n' "$RUST_VER" "$BINDGEN_VER" > "$CACHE/toolchain"
export RUSTUP_TOOLCHAIN=$RUST_VER
export PATH="$CACHE/tools/bindgen-$BINDGEN_VER/bin:$PATH"

bindgen_cli > "$CACHE/deps-bindgen.log" 2>&1 &
pid_bindgen=$!
rust_toolchain > "$CACHE/deps-rustup.log" 2>&1 &
pid_rustup=$!
need_apt=0
for p in "${pkgs[@]}" "linux-source-$KVER"; do installed "$p" || need_apt=1; done
command -v qemu-system-x86_64 >/dev/null || need_apt=1
if [ $need_apt = 1 ]; then
  [ "$updated" = 1 ] || apt_sources
  apt_install
fi
# The source tree every kernel is prepared or built from, unpacked while
# the toolchain is still being installed.
scripts_src >/dev/null
wait $pid_rustup || { cat "$CACHE/deps-rustup.log" >&2; die "rustup failed"; }
wait $pid_bindgen || { cat "$CACHE/deps-bindgen.log" >&2; die "building bindgen-cli failed"; }
wait $pid_venv || { cat "$CACHE/deps-venv.log" >&2; die "installing virtme-ng failed"; }
ok "dependencies present ($WHAT; Rust $RUST_VER, bindgen $BINDGEN_VER, stock $rel; $(( $(date +%s) - t0 ))s)"
