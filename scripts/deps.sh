#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install everything oxip needs on a Debian 12 machine, idempotently.
# Re-running is cheap: each step checks first and skips what is present.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

APT_PKGS=(build-essential flex bison bc cpio kmod libelf-dev libssl-dev dwarves
  python3-venv python3-pip libclang-19-dev llvm-19 lld-19 clang-19
  iproute2 iputils-ping iperf3 iperf jq netsniff-ng smcroute socat tcpdump python3-scapy
  ethtool busybox-static nftables iptables gnuplot-nox xz-utils)

need_apt=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need_apt+=("$p")
done
if ! dpkg-query -W -f='${Status}' "linux-source-$KVER" 2>/dev/null | grep -q 'install ok installed'; then
  need_src=1
else
  need_src=0
fi

need_qemu=0
command -v qemu-system-x86_64 >/dev/null || need_qemu=1
if [ ${#need_apt[@]} -gt 0 ] || [ "$need_src" = 1 ] || [ "$need_qemu" = 1 ]; then
  step "apt: adding trixie-backports (for linux-source-$KVER) with low pin priority"
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
  # Never let the newer suite replace the host's packages: only what we name.
  $SUDO tee /etc/apt/preferences.d/oxip-trixie-backports >/dev/null <<'EOS'
Package: *
Pin: release n=trixie-backports
Pin-Priority: 100
EOS
  # qemu-system-x86 must match the image's qemu-utils, which may come from
  # bookworm-backports: take it from there when the host already has that suite's qemu.
  if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    $SUDO tee /etc/apt/sources.list.d/oxip-bookworm-backports.sources >/dev/null <<'EOS'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
  fi
  $SUDO apt-get update -q
  if [ ${#need_apt[@]} -gt 0 ]; then
    step "apt: installing ${need_apt[*]}"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need_apt[@]}"
  fi
  if [ "$need_qemu" = 1 ]; then
    step "apt: installing qemu-system-x86 (matching qemu-utils)"
    qv=$(dpkg-query -W -f='${Version}' qemu-utils 2>/dev/null || true)
    if [ -n "$qv" ]; then
      $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        "qemu-system-x86=$qv" "qemu-system-common=$qv" "qemu-system-data=$qv" || \
      $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        -t bookworm-backports qemu-system-x86
    else
      $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends qemu-system-x86
    fi
  fi
  if [ "$need_src" = 1 ]; then
    step "apt: installing linux-source-$KVER from trixie-backports"
    if ! $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        -t trixie-backports "linux-source-$KVER"; then
      die "linux-source-$KVER cannot be had from the archive.
Point KDIR at another Rust-enabled 7.x kernel tree that has been built
(CONFIG_RUST=y, CONFIG_MODULES=y), e.g.:  make KDIR=/path/to/linux
and give the VM a kernel with  KERNEL=/path/to/bzImage make check"
    fi
  fi
fi

export PATH="$HOME/.cargo/bin:$PATH"
if ! rustup component list --installed 2>/dev/null | grep -q '^rust-src'; then
  step "rustup: adding rust-src"
  rustup component add rust-src
fi
if ! command -v bindgen >/dev/null || \
   ! bindgen --version | awk '{split($2,v,"."); exit !(v[1]>0 || v[2]>=71)}'; then
  step "cargo: installing bindgen-cli (a few minutes)"
  cargo install --locked bindgen-cli
fi
if [ ! -x "$VENV/bin/vng" ]; then
  step "pip: installing virtme-ng into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q virtme-ng
fi
ok "dependencies present"
