#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make install`: build oxip for the running Debian kernel and install it
# where `modprobe oxip` finds it (/lib/modules/RELEASE/updates/).
#   STOCK_REL=7.3.4+deb13-amd64  another release than `uname -r`
#   DESTDIR=/path                install under another root (packaging, tests)
# The module is not signed: see README ("Installing on a Debian machine")
# for the taint and for signing it with your own key (Secure Boot, MOK).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
rel=${STOCK_REL:-$(uname -r)}
DESTDIR=${DESTDIR:-}

# Only a Debian kernel built with Rust, of the series linux-source-$KVER
# carries, can be prepared: say which condition fails and what to do.
case "$rel" in
  *+deb*-amd64|*+bpo-amd64|*-amd64) ;;
  *) die "the running kernel $rel is not a Debian amd64 kernel: oxip prepares
Debian's own kernels only. Boot Debian's $KVER kernel (apt install -t
trixie-backports linux-image-amd64), or build against your own built
Rust-enabled tree: make KDIR=/path/to/linux" ;;
esac
series=$(echo "$rel" | sed -nE 's/^([0-9]+\.[0-9]+).*/\1/p')
[ "$series" = "$KVER" ] || die "the running kernel $rel is a $series kernel; oxip prepares $KVER
kernels (linux-source-$KVER). Boot Debian's $KVER kernel from trixie-backports
(apt install -t trixie-backports linux-image-amd64), or: make KDIR=/path/to/linux"
cfg=/boot/config-$rel
if [ -f "$cfg" ] && ! grep -q '^CONFIG_RUST=y' "$cfg"; then
  die "$rel was built without Rust support (CONFIG_RUST is not set in $cfg):
no Rust module can load into it. Debian's $KVER kernels from trixie-backports have it."
fi
export STOCK_REL=$rel
"$TOP/scripts/deps.sh" demo
"$TOP/scripts/stock.sh" >/dev/null
ko=$("$TOP/scripts/module.sh" stock)
dest=$DESTDIR/lib/modules/$rel/updates
$SUDO install -D -m 0644 "$ko" "$dest/oxip.ko"
if [ -z "$DESTDIR" ]; then
  $SUDO depmod -a "$rel"
else
  $SUDO depmod -a -b "$DESTDIR" "$rel" 2>/dev/null || true
fi
ok "installed $dest/oxip.ko: modprobe oxip (options: ethertype=, takeover=, takeover_backlog=)"
