#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/extra/exit_status.sh - every command that reads a file gives the same
# exit status for the same trouble (asclass(8), EXIT STATUS): a file that is
# not there or is a directory is 1, bad input is 3.  Nothing here gets as far
# as the maps: routes load stops at its input, before it opens them.
set -u
cd "$(dirname "$0")/../.." || exit 1
O=${O:-build}
ASCLASS=${ASCLASS:-$O/asclass}
[ -x "$ASCLASS" ] || { echo "FAIL: $ASCLASS not built"; exit 1; }
work=$(mktemp -d)
pin=/sys/fs/bpf/asc-test-$$
trap 'rm -rf "$work" "$pin"' EXIT
printf '175.45.176.0/22 131279 4837\nnot a route\n' >"$work/bad.txt"
printf '[nonsense\n' >"$work/bad.conf"
mkdir "$work/dir"

fail=0 n=0
# want STATUS WHAT COMMAND...: runs the command and checks its exit status.
want() {
	local status=$1 what=$2 rc=0
	shift 2
	"$@" >/dev/null 2>"$work/err" || rc=$?
	n=$((n + 1))
	if [ "$rc" -ne "$status" ]; then
		echo "FAIL: $what: '$*' exited $rc, want $status: $(head -2 "$work/err")"
		fail=1
	fi
}

for cmd in "mrt" "rib" "routes load"; do
	# shellcheck disable=SC2086 # the command is words
	{
		want 1 "missing file" "$ASCLASS" --pin-dir "$pin" $cmd "$work/missing"
		want 1 "directory" "$ASCLASS" --pin-dir "$pin" $cmd "$work/dir"
		want 3 "bad input" "$ASCLASS" --pin-dir "$pin" $cmd "$work/bad.txt"
	}
done
want 1 "missing file" "$ASCLASS" run --check-config --config "$work/missing"
want 1 "directory" "$ASCLASS" run --check-config --config "$work/dir"
grep -q "$work/dir: Is a directory" "$work/err" ||
	{ echo "FAIL: --config DIR: the error does not name the path: $(head -2 "$work/err")"; fail=1; }
want 3 "bad input" "$ASCLASS" run --check-config --config "$work/bad.conf"
[ -e "$pin" ] && { echo "FAIL: a failed command created $pin"; fail=1; }
[ $fail -eq 0 ] && echo "ok: $n exit statuses"
exit $fail
