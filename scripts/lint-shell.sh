#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The non-Rust half of `make lint`: shellcheck on every shell script
# (.shellcheckrc holds the tree's settings) and the kernel's own
# scripts/checkpatch.pl on oxip's C files (src/glue/*.c, *.h), from the
# kernel source scripts/deps.sh unpacks. Zero findings pass; anything else
# is printed and the exit status is non-zero.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/scripts/lib.sh"
cd "$TOP" || exit 1
fail=0

command -v shellcheck >/dev/null || die "shellcheck not found: run 'make deps'"
# Every shell script git knows of (tracked, or new and not ignored): by
# name, and by a #! line naming a shell.
mapfile -t scripts < <(
  git ls-files -co --exclude-standard | while read -r f; do
    [ -f "$f" ] || continue
    case $f in
      *.sh) echo "$f" ;;
      *.*) ;;
      *) head -c 64 "$f" | grep -qE '^#!.*/(env )?(ba)?sh' && echo "$f" ;;
    esac
  done)
if shellcheck -x "${scripts[@]}"; then
  ok "shellcheck: ${#scripts[@]} scripts, no findings"
else
  echo "shellcheck: findings above" >&2
  fail=1
fi

# checkpatch.pl from the kernel source (any unpacked tree carries the same
# script); --no-tree: the files are checked on their own, not as a patch.
cp=
for f in "$CACHE"/src/linux-source-*/scripts/checkpatch.pl "$CACHE"/kernel-*/scripts/checkpatch.pl; do
  [ -f "$f" ] && { cp=$f; break; }
done
[ -n "$cp" ] || die "no kernel source with scripts/checkpatch.pl under $CACHE: run 'make deps'"
cfiles=(src/glue/*.c src/glue/*.h)
out=$(perl "$cp" --no-tree -f --terse --show-types --no-summary "${cfiles[@]}" 2>&1)
if [ -z "$out" ]; then
  ok "checkpatch.pl: ${#cfiles[@]} C files, no errors or warnings"
else
  echo "$out"
  echo "checkpatch.pl: findings above ($cp)" >&2
  fail=1
fi
exit $fail
