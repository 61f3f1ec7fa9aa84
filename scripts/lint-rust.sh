#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The Rust half of `make lint`, against one of oxip's kernels (default
# stock):
#   - the kernel's own `CLIPPY=1` build of the module (clippy-driver with the
#     kernel's lint set), into out/lint/NAME so the ordinary build is left
#     alone; any warning in oxip's sources fails;
#   - rustfmt with the kernel's .rustfmt.toml over every .rs file of the
#     tree (FIX=1 rewrites them instead of failing).
# Zero findings pass; anything else is printed and the exit status is
# non-zero.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/scripts/lib.sh"
cd "$TOP" || exit 1
NAME=${1:-stock}
KDIR=${KDIR:-$CACHE/kernel-$NAME}
[ -d "$KDIR" ] || die "no kernel tree at $KDIR (make kernel KERNEL=$NAME)"
KDIR=$(readlink -f "$KDIR")
fail=0

# clippy: a fresh output directory, so every file is compiled (and linted).
lint_out=$TOP/out/lint/$NAME
rm -rf "$lint_out"
log=$(mktemp)
if OXIP_OUTD=$lint_out KBUILD_CLIPPY=1 "$TOP/scripts/module.sh" "$NAME" >"$log" 2>&1; then
  # Findings come as rustc diagnostics: "warning: ..." then " --> file:line".
  if grep -qE '^(warning|error)(\[|:)' "$log"; then
    grep -E -A12 '^(warning|error)(\[|:)' "$log"
    echo "clippy: findings above" >&2
    fail=1
  else
    ok "clippy (kernel CLIPPY=1 build, $NAME): no warnings"
  fi
else
  cat "$log"
  echo "clippy: the CLIPPY=1 build failed" >&2
  fail=1
fi
rm -f "$log"

# rustfmt with the kernel's settings.
cfg=$KDIR/.rustfmt.toml
if [ ! -f "$cfg" ]; then
  for cfg in "$CACHE"/src/linux-source-*/.rustfmt.toml; do [ -f "$cfg" ] && break; done
fi
[ -f "$cfg" ] || die "no .rustfmt.toml in $KDIR or the unpacked kernel source"
if [ -f "$KDIR/.oxip-env" ]; then
  # shellcheck disable=SC1091
  . "$KDIR/.oxip-env"
fi
mapfile -t rs < <(git ls-files -co --exclude-standard '*.rs' | grep -v '^out/')
if [ "${FIX:-0}" = 1 ]; then
  rustfmt --edition 2021 --config-path "$cfg" "${rs[@]}"
  ok "rustfmt: ${#rs[@]} files formatted"
elif diff=$(rustfmt --edition 2021 --config-path "$cfg" --check "${rs[@]}" 2>&1); then
  ok "rustfmt (kernel .rustfmt.toml): ${#rs[@]} files, no diff"
else
  echo "$diff" | head -80
  echo "rustfmt: diff above (FIX=1 scripts/lint-rust.sh $NAME rewrites)" >&2
  fail=1
fi
exit $fail
