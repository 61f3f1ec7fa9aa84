# SPDX-License-Identifier: GPL-2.0
# Shared settings for oxip's scripts. Sourced, not run.
KVER=${KVER:-7.3}
CACHE=${OXIP_CACHE:-$HOME/.cache/oxip}
VENV=$CACHE/venv
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export LIBCLANG_PATH=${LIBCLANG_PATH:-/usr/lib/llvm-19/lib}
export PATH="$HOME/.cargo/bin:$VENV/bin:$PATH"
if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
step() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
ok()   { printf '    ok: %s\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }
# The kernel build key: version of the source package + hash of the config inputs.
kernel_key() {
  local srcver
  srcver=$(dpkg-query -W -f='${Version}' "linux-source-$KVER" 2>/dev/null || echo none)
  echo "$KVER-$srcver-$(cat "$TOP/scripts/kernel.config" "$TOP/scripts/kernel.sh" | sha256sum | cut -c1-12)"
}
