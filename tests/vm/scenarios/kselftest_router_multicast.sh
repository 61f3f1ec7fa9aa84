#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The kernel's tools/testing/selftests/net/forwarding/router_multicast.sh,
# unchanged, with the router ports (veth2, veth3, veth5) in oxip takeover mode.
# oxip-check: not-debug (make check runs it on the stock kernel; ONLY= runs it anywhere)
set -eu -o pipefail
. "$OXIP_TOP/tests/vm/selftest.sh"
run_forwarding_selftest router_multicast.sh 6 veth2 veth3 veth5
