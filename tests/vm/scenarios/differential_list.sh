#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# oxip-cost: 141 (seconds under make check's debug kernel; its VMs take the costliest first)
# The differential corpus again, through listified receive (veth NAPI/GRO).
GRO=on exec bash "$OXIP_TOP/tests/vm/scenarios/differential.sh"
