#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install what the host fuzzers (fuzz/, scripts/fuzz-host.sh) need,
# idempotently: a nightly toolchain (libFuzzer's sanitizer flags are
# unstable) and cargo-fuzz, pinned. Each step checks first and skips what is
# present, so re-running costs a second.
#
# Where no nightly can be installed (a machine whose only toolchain is the
# stable one), scripts/fuzz-host.sh falls back to that toolchain with
# RUSTC_BOOTSTRAP=1, which unlocks the same flags; so a failed nightly
# install is a warning here, not an error.
set -euo pipefail
CARGO_FUZZ_VER=0.13.2
export PATH="$HOME/.cargo/bin:$PATH"
# lib.sh pins the kernel's toolchain through RUSTUP_TOOLCHAIN: not ours.
unset RUSTUP_TOOLCHAIN

command -v rustup >/dev/null || { echo "deps-fuzz: rustup not found (run scripts/deps.sh first)" >&2; exit 1; }

if rustup run nightly rustc --version >/dev/null 2>&1; then
  echo "deps-fuzz: ok: $(rustup run nightly rustc --version)"
elif rustup toolchain install nightly --profile minimal >&2; then
  echo "deps-fuzz: installed $(rustup run nightly rustc --version)"
else
  echo "deps-fuzz: warning: no nightly toolchain; fuzz-host.sh will use stable with RUSTC_BOOTSTRAP=1" >&2
fi

have=$(cargo fuzz --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" = "$CARGO_FUZZ_VER" ]; then
  echo "deps-fuzz: ok: cargo-fuzz $have"
else
  # Built with the default (stable) toolchain: cargo-fuzz itself needs no nightly.
  cargo install --locked --quiet cargo-fuzz --version "$CARGO_FUZZ_VER" >&2
  echo "deps-fuzz: installed cargo-fuzz $(cargo fuzz --version | awk '{print $2}')"
fi
