# SPDX-License-Identifier: GPL-2.0
# The one shell reader of the kernel's two-line counter files
# (/proc/net/oxip_snmp, and /proc/net/snmp and netstat in the same format):
# a names line then a values line per group. Its Python twin is
# tests/vm/netns.py (parse_mib), with the same `Group.Name` keys.
#   awk -f snmp.awk -v want="HintHits FibLookups" FILE   values in that order, on one line
#   awk -f snmp.awk -v nonzero=1 FILE                  every non-zero counter, a line each
#   awk -f snmp.awk FILE                               every counter, a line each
# A name in `want` may be `Name` or `Group.Name`; one not found prints as `?`
# (shell arithmetic on it fails, so a misspelt name cannot pass as 0).
NR % 2 == 1 { g = $1; sub(":", "", g); for (i = 2; i <= NF; i++) name[i] = $i; next }
{
  for (i = 2; i <= NF; i++) { val[g "." name[i]] = $i; val[name[i]] = $i; key[++k] = g "." name[i] }
}
END {
  if (want != "") {
    n = split(want, w, " ")
    for (j = 1; j <= n; j++) printf "%s%s", (w[j] in val ? val[w[j]] : "?"), (j < n ? " " : "\n")
    exit
  }
  for (j = 1; j <= k; j++) {
    split(key[j], p, ".")
    if (!nonzero || val[key[j]] != 0) printf "  %-8s %-22s %s\n", p[1] ":", p[2], val[key[j]]
  }
}
