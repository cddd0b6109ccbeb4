# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# shellcheck shell=bash
# tests/lib/expect.sh - for the negative controls of the test harness
# (tests/extra/harness_*.sh), which run a harness on a case made to pass or
# to fail and check what it said.  Source it; it defines:
#   expect NAME WANT RC OUTPUT REGEX...
#       WANT is 0 or nonzero; RC must be that, and every extended REGEX must
#       match a line of OUTPUT.  Prints "ok: NAME", or what is wrong and
#       OUTPUT, and then sets EXPECT_BAD=1.

EXPECT_BAD=0

expect() {
	local name=$1 want=$2 rc=$3 out=$4 re ok=1
	shift 4
	case $want in
	0) [ "$rc" -eq 0 ] || { echo "$name: exit $rc, want 0"; ok=0; } ;;
	nonzero) [ "$rc" -ne 0 ] || { echo "$name: exit 0, want non-zero"; ok=0; } ;;
	*) echo "$name: expect: WANT is 0 or nonzero, not '$want'"; ok=0 ;;
	esac
	for re in "$@"; do
		grep -qE -- "$re" <<<"$out" || { echo "$name: no line matches /$re/"; ok=0; }
	done
	if [ $ok -eq 1 ]; then
		echo "ok: $name (exit $rc)"
	else
		EXPECT_BAD=1
		sed 's/^/    | /' <<<"$out"
	fi
}
