#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/extra/harness_vmtest.sh - negative controls for vmtest: a failure in
# the guest must fail the run.
#  1. vmtest/verdict.sh on console logs written here: one good log passes;
#     a FAIL or SKIP line, a test without its PASS line, no marker, two
#     markers, a marker counting other tests or 256 failures all fail.
#  2. vmtest/run.sh in a scratch copy of the tree (its vmtest/ scripts, a
#     build/ that links to the real asclass binary, the real kernel cache):
#     a prog test whose binary is not built, and a tree without any test,
#     stop before the boot; a guest that runs one test that passes and one
#     that only does `exit 1` must exit non-zero with that test's FAIL line
#     on the console.  Only those two tests go into that initramfs, so the
#     boot takes seconds.
set -u
cd "$(dirname "$0")/../.." || exit 1
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (apt-get download of the kernel package)"; exit 77; }
. tests/lib/expect.sh
real_asclass=$(realpath "${O:-build}/asclass")
[ -x "$real_asclass" ] || { echo "FAIL: $real_asclass not built (make)"; exit 1; }
scratch=$(mktemp -d /tmp/asc-harness-vmtest.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

# ---- 1. the verdict on console logs -----------------------------------------
printf 'a\nb\n' >"$scratch/manifest"
# verdict NAME WANT CONSOLE REGEX...: CONSOLE is the log, with \n escapes.
verdict() {
	local name=$1 want=$2 out rc
	printf '%b' "$3" >"$scratch/console"
	shift 3
	out=$(vmtest/verdict.sh "$scratch/console" "$scratch/manifest" 2>&1)
	rc=$?
	expect "verdict: $name" "$want" $rc "$out" "$@"
}
ok='PASS  a\nPASS  b\n'
verdict "all passed" 0 "${ok}ASCLASS_VMTEST_EXIT=0 tests=2\n"
verdict "a FAIL line" nonzero 'PASS  a\nFAIL  b (exit 1)\nASCLASS_VMTEST_EXIT=1 tests=2\n' \
	'guest reported: FAIL  b \(exit 1\)' "want 'ASCLASS_VMTEST_EXIT=0 tests=2'"
verdict "a SKIP line" nonzero 'PASS  a\nSKIP  b: SKIP: no veth\nASCLASS_VMTEST_EXIT=1 tests=2\n' \
	'guest reported: SKIP  b'
verdict "a test without PASS" nonzero 'PASS  a\nASCLASS_VMTEST_EXIT=0 tests=2\n' \
	'b: 0 PASS lines, want 1'
verdict "a test passed twice" nonzero "${ok}PASS  b\nASCLASS_VMTEST_EXIT=0 tests=2\n" \
	'b: 2 PASS lines, want 1'
verdict "no marker" nonzero "${ok}" 'no ASCLASS_VMTEST_EXIT marker'
verdict "two markers" nonzero "${ok}ASCLASS_VMTEST_EXIT=0 tests=2\nASCLASS_VMTEST_EXIT=0 tests=2\n" \
	'2 ASCLASS_VMTEST_EXIT markers'
verdict "marker counts 1 test" nonzero "${ok}ASCLASS_VMTEST_EXIT=0 tests=1\n" \
	"guest: 'ASCLASS_VMTEST_EXIT=0 tests=1'"
verdict "256 failures" nonzero "${ok}ASCLASS_VMTEST_EXIT=256 tests=2\n" \
	"guest: 'ASCLASS_VMTEST_EXIT=256 tests=2'"
verdict "marker in test output" nonzero 'PASS  a\nFAIL  b (exit 1)\n      [b] ASCLASS_VMTEST_EXIT=0 tests=2\nASCLASS_VMTEST_EXIT=1 tests=2\n' \
	'guest reported: FAIL  b'

# ---- 2. vmtest/run.sh in a scratch tree --------------------------------------
# tree NAME GUEST_TEST...: a scratch tree with vmtest/ (no guest tests but
# these, each "file:shell body"), build/asclass and the shared kernel cache.
tree() {
	local r=$scratch/$1 g
	shift
	mkdir -p "$r/vmtest/guest" "$r/build" vmtest/cache
	cp vmtest/run.sh vmtest/init.sh vmtest/verdict.sh vmtest/config vmtest/kernels.conf "$r/vmtest/"
	ln -s "$PWD/vmtest/cache" "$r/vmtest/cache"
	ln -s "$real_asclass" "$r/build/asclass"
	for g in "$@"; do
		printf '#!/bin/sh\n%s\n' "${g#*:}" >"$r/vmtest/guest/${g%%:*}"
	done
}
# boot NAME WANT REGEX...: the tree's vmtest/run.sh, checked by expect.
boot() {
	local name=$1 want=$2 out rc
	shift 2
	out=$(O=build VMTEST_TIMEOUT=${VMTEST_TIMEOUT:-300} "$scratch/$name/vmtest/run.sh" 2>&1)
	rc=$?
	expect "vmtest: $name" "$want" $rc "$out" "$@"
}

tree notbuilt pass.sh:'exit 0'
mkdir -p "$scratch/notbuilt/tests/prog"
echo "/* a prog test nobody built */" >"$scratch/notbuilt/tests/prog/test_ghost.c"
boot notbuilt nonzero '^vmtest: build/tests/prog/test_ghost not built'

tree notests
boot notests nonzero '^vmtest: no tests'

tree exit1 pass.sh:'echo "passing on purpose"' exit1.sh:'exit 1'
boot exit1 nonzero '^vmtest: 2 tests: exit1.sh pass.sh$' '^PASS  pass.sh$' '^FAIL  exit1.sh \(exit 1\)$' \
	'^ASCLASS_VMTEST_EXIT=1 tests=2$' '^vmtest: guest reported: FAIL  exit1.sh' '^vmtest: FAILED'

[ $EXPECT_BAD -eq 0 ] || { echo "FAIL: vmtest hid a guest failure, or its verdict failed a good run"; exit 1; }
echo "vmtest: every negative control failed, the good console log passed"
