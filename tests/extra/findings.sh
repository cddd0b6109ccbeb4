#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/extra/findings.sh - the fuzzers' findings stay fixed: every
# reproducer in tests/fuzz/findings/ (see its README) must give AS131279's
# route its real origin and transit (131279, 4837), not what a cut line or a
# cut AS path made of it.
set -u
cd "$(dirname "$0")/../.."
ASCLASS=${ASCLASS:-$PWD/build/asclass}
bad=0 n=0
for f in tests/fuzz/findings/*.txt tests/fuzz/findings/*.mrt; do
	n=$((n + 1))
	got=$("$ASCLASS" rib "$f" 2>&1 | awk '$1 == "175.45.176.0/22" { print $2, $3 }')
	if [ "$got" = "131279 4837" ]; then
		echo "ok   $f"
	else
		echo "FAIL $f: 175.45.176.0/22 has origin/transit '$got', want '131279 4837'"
		bad=$((bad + 1))
	fi
done
echo "$n reproducers, $bad wrong"
[ "$n" -gt 0 ] && [ $bad -eq 0 ]
