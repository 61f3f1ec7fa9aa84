#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`, inside the VM: oxip beside the native IPv4 path, on real
# traffic: the samples (samples/*.sh), one after another.
set -u
say() { printf '\n== %s\n' "$*"; }
say "kernel $(uname -r) ($OXIP_KERNEL); oxip.ko $(modinfo -F vermagic "$OXIP_KO" | cut -d' ' -f1), taint $(cat /proc/sys/kernel/tainted)"
for s in "$OXIP_TOP"/samples/[0-9]*.sh; do
  say "$(basename "$s"): $(sed -n '3s/^# //p' "$s")"
  bash "$s" 2>&1 | sed 's/^/  /'
  [ "${PIPESTATUS[0]}" = 0 ] || echo "  (this sample failed)"
done
