# SPDX-License-Identifier: GPL-2.0
# Attributes each injected failure in a kernel log (fault injection with
# verbose=2: "FAULT_INJECTION: forcing a failure." and the stack) to the
# call oxip made: the frame just above the innermost frame in oxip's
# module ([oxip]), that is the kernel function oxip called (or oxip's own
# C forwarder's callee). Unreliable frames ("? ") are skipped. Prints
# "count callee" lines; a failure with no oxip frame prints as "-".
#   dmesg | awk -f faultsites.awk
/FAULT_INJECTION: forcing a failure/ { if (inblk) done(); inblk = 1; prev = ""; site = ""; next }
inblk && /<\/TASK>/ { done(); next }
inblk {
  line = $0
  sub(/^\[[^]]*\] */, "", line)
  sub(/^ +/, "", line)
  if (line ~ /^\? /) next
  fn = line
  sub(/\+0x.*/, "", fn)
  if (site == "" && line ~ /\[oxip\]/) site = (prev == "" ? "-" : prev)
  if (fn ~ /^[A-Za-z_][A-Za-z0-9_.]*$/) prev = fn
}
function done() { n[site == "" ? "-" : site]++; inblk = 0 }
END { if (inblk) done(); for (s in n) printf "%d %s\n", n[s], s }
