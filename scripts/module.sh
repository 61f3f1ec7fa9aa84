#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build oxip.ko for one kernel into out/build/NAME/ (Kbuild's MO=), with
# bindings generated for that kernel, so modules for several kernels live
# side by side:
#   scripts/module.sh debug|bench|stock      one of oxip's kernels (cached)
#   KDIR=/path/to/linux scripts/module.sh custom   any built Rust-enabled tree
# Prints the module's path last.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
NAME=${1:?usage: module.sh debug|bench|stock|custom}
KDIR=${KDIR:-$CACHE/kernel-$NAME}
[ -d "$KDIR" ] || die "no kernel tree at $KDIR (make kernel KERNEL=$NAME, or KDIR=/path/to/linux)"
KDIR=$(readlink -f "$KDIR")
OUTD=${OXIP_OUTD:-$TOP/out/build/$NAME}
mkdir -p "$OUTD/gen"
# The tree's own build environment (compiler, release, rustc version text).
if [ -f "$KDIR/.oxip-env" ]; then
  # shellcheck disable=SC1091
  . "$KDIR/.oxip-env"
fi
export OXIP_GEN=$OUTD/gen
# Bindings: regenerated when the tree or the inputs change.
stamp=$OUTD/gen/.inputs
want=$( { echo "$KDIR"; cat "$TOP/src/glue/bindings.h" "$TOP/src/glue/helpers.h" "$TOP/scripts/bindgen.sh" "$KDIR/.config"; } | sha256sum)
if [ ! -f "$OUTD/gen/bindings_generated.rs" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  "$TOP/scripts/bindgen.sh" "$KDIR" "$OUTD/gen/bindings_generated.rs"
  echo "$want" > "$stamp"
fi
# The module's own sources, seen by Kbuild through M=; outputs under MO=.
make -C "$KDIR" M="$TOP" MO="$OUTD" "${MAKE_TARGET:-modules}" >&2
echo "$OUTD/oxip.ko"
