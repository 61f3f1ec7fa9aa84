#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The differential fuzzer again, through listified receive (veth NAPI/GRO):
# native ip_list_rcv with route hints against oxip's .list_func and its
# takeover backlog in batches. A smaller fixed slice (FUZZ_PACKETS, 1000).
# oxip-check: opt-in (make fuzz alternates it with fuzz_differential; not
# yet part of make check: it has run on the stock kernel only)
FUZZ_GRO=on FUZZ_PACKETS=${FUZZ_PACKETS:-1000} exec bash "$OXIP_TOP/tests/vm/scenarios/fuzz_differential.sh"
