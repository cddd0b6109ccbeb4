#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# vmtest/verdict.sh CONSOLE MANIFEST - the host's verdict on a vmtest run,
# read from the guest's console log (vmtest/init.sh's lines) against the list
# of tests the host put into the initramfs.  Exits 0 only when all of these
# hold, and otherwise prints every one that does not and exits 1:
#   - the console has exactly one ASCLASS_VMTEST_EXIT marker line (none: the
#     guest did not finish; more: something besides /init printed one);
#   - the marker says 0 failures and skips, and as many tests run as the
#     manifest lists;
#   - every test of the manifest has exactly one "PASS  <name>" line, and no
#     line starts with FAIL or SKIP.
# Exit status is 0 or 1, never a count (a count of 256 would read as 0).
set -u
console=$1 manifest=$2
bad=0
no() { echo "vmtest: $*" >&2; bad=1; }

want=$(grep -c . "$manifest")
[ "$want" -gt 0 ] || no "the manifest $manifest lists no test"

markers=$(grep -c '^ASCLASS_VMTEST_EXIT=' "$console")
marker=$(grep '^ASCLASS_VMTEST_EXIT=' "$console" | tail -1)
if [ "$markers" -eq 0 ]; then
	no "no ASCLASS_VMTEST_EXIT marker: the guest did not finish (see $console)"
elif [ "$markers" -gt 1 ]; then
	no "$markers ASCLASS_VMTEST_EXIT markers on the console, /init prints one"
fi
if [ "$markers" -ge 1 ]; then
	case $marker in
	"ASCLASS_VMTEST_EXIT=0 tests=$want") ;;
	*) no "guest: '$marker', want 'ASCLASS_VMTEST_EXIT=0 tests=$want'" ;;
	esac
fi

while IFS= read -r name; do
	[ -n "$name" ] || continue
	n=$(grep -cxF "PASS  $name" "$console")
	[ "$n" -eq 1 ] || no "$name: $n PASS lines, want 1"
done <"$manifest"
grep -E '^(FAIL|SKIP)  ' "$console" | while IFS= read -r line; do
	echo "vmtest: guest reported: $line" >&2
done
grep -qE '^(FAIL|SKIP)  ' "$console" && bad=1
exit $bad
