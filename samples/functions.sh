# SPDX-License-Identifier: GPL-2.0
# Shared functions of the oxip samples (sourced), as samples/pktgen has its
# functions.sh. The namespaces, veths and counters come from the test
# library (tests/vm/lib.sh): the samples build the same topologies the VM
# scenarios do.
# shellcheck shell=bash

OXIP_TOP=${OXIP_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
export OXIP_TOP
# shellcheck source=tests/vm/lib.sh
. "$OXIP_TOP/tests/vm/lib.sh"

# info TEXT...: a line of what the sample does.
info() { echo "## $*"; }
# err TEXT...: the sample failed; exits non-zero.
err() { echo "ERROR: $*" >&2; exit 1; }
# check CONDITION-TEXT TEST...: runs TEST; fails the sample with the text if false.
check() {
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else err "$what"; fi
}

# root_check: the samples need root, and oxip loaded.
root_check() {
  [ "$(id -u)" = 0 ] || err "run as root"
  [ -e /proc/net/oxip_snmp ] || err "oxip is not loaded (insmod oxip.ko)"
}

# snmp_delta NS BEFORE AFTER: the counters that moved between two
# `oxip_counters NS "${SNMP_NAMES[@]}"` lines, NAME +N each.
snmp_delta() {
  local -a n=("${SNMP_NAMES[@]}") b a
  read -r -a b <<< "$2"
  read -r -a a <<< "$3"
  local i
  for i in "${!n[@]}"; do
    [ "${a[i]}" = "${b[i]}" ] || printf '  %-16s +%s\n' "${n[i]}" $((a[i] - b[i]))
  done
}

# cleanup NS...: deletes the sample's namespaces at exit.
cleanup_ns() {
  # shellcheck disable=SC2064 # the names now
  trap "printf 'netns del %s\n' $* | ip -force -batch - 2>/dev/null" EXIT
}
