#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/extra/harness_run.sh - negative controls for tests/run: a copy of it
# runs in scratch trees that hold a test file without its run bit, no test at
# all, a test that exits 1, only a skip, and only passing tests.  Each but the
# last must make it exit non-zero with a FAIL line (or "no test passed") that
# says why, and every run must end with the "N passed, N failed, N skipped"
# line CI reads.  The all-passing tree must exit 0, so this control can fail
# both ways.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/expect.sh
scratch=$(mktemp -d /tmp/asc-harness-run.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

# tree NAME: a scratch tree with a copy of tests/run and an empty tests/extra.
tree() {
	mkdir -p "$scratch/$1/tests/extra"
	cp tests/run "$scratch/$1/tests/run"
}

# script NAME FILE MODE BODY: a shell test in the scratch tree NAME.
script() {
	printf '#!/bin/sh\n%s\n' "$4" >"$scratch/$1/$2"
	chmod "$3" "$scratch/$1/$2"
}

# run_tree NAME WANT "SUITES" REGEX...: the tree's tests/run on SUITES (O is
# the tree's own build/), checked by expect.
run_tree() {
	local name=$1 want=$2 suites=$3 out rc
	shift 3
	out=$(O=build "$scratch/$name/tests/run" $suites 2>&1)
	rc=$?
	expect "$name" "$want" $rc "$out" "$@"
}

tree noexec
script noexec tests/extra/ok.sh 755 'exit 0'
script noexec tests/extra/noexec.sh 644 'exit 0'
run_tree noexec nonzero extra '^FAIL  extra/noexec .*tests/extra/noexec.sh is not executable' \
	'^1 passed, 1 failed, 0 skipped$'

tree nothing
run_tree nothing nonzero unit '^FAIL  unit .*no test found: build/tests/unit/test_\*' \
	'^no test passed' '^0 passed, 1 failed, 0 skipped$'

tree emptysuite
script emptysuite tests/extra/ok.sh 755 'exit 0'
run_tree emptysuite nonzero 'unit extra' '^FAIL  unit .*no test found' '^PASS  extra/ok ' \
	'^1 passed, 1 failed, 0 skipped$'

tree exit1
script exit1 tests/extra/ok.sh 755 'exit 0'
script exit1 tests/extra/bad.sh 755 'echo "bad: on purpose"; exit 1'
run_tree exit1 nonzero extra '^FAIL  extra/bad .*\(exit 1\) log: ' '      \| bad: on purpose' \
	'^1 passed, 1 failed, 0 skipped$'

tree onlyskip
script onlyskip tests/extra/skip.sh 755 'echo "SKIP: on purpose"; exit 77'
run_tree onlyskip nonzero extra '^SKIP  extra/skip .*SKIP: on purpose' '^no test passed' \
	'^0 passed, 0 failed, 1 skipped$'

tree allpass
script allpass tests/extra/ok.sh 755 'exit 0'
script allpass tests/extra/skip.sh 755 'echo "SKIP: on purpose"; exit 77'
mkdir -p "$scratch/allpass/build/tests/unit"
script allpass build/tests/unit/test_ok 755 'exit 0'
run_tree allpass 0 'unit extra' '^PASS  unit/test_ok ' '^PASS  extra/ok ' \
	'^2 passed, 0 failed, 1 skipped$'

[ $EXPECT_BAD -eq 0 ] || { echo "FAIL: tests/run hid a failure or failed a good run"; exit 1; }
echo "tests/run: every negative control failed, the good run passed"
