#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/fuzz/run.sh NAME SECONDS [WORKDIR] - one libFuzzer run of
# $O/tests/fuzz/fuzz_NAME for SECONDS, seeded from tests/fuzz/corpus-NAME/
# (never written: new inputs go to WORKDIR, by default a temporary directory
# removed afterwards), with tests/fuzz/NAME.dict if there is one.  Used by
# make fuzz, make fuzz-long and tests/extra/fuzz_*.sh.
#
# Exit 0: no finding; prints the inputs run, execs/s and coverage.  Exit 1:
# a crash, sanitizer report, leak, timeout (10 s per input) or out-of-memory
# (2 GiB): prints the report and the reproducer, kept as
# $O/tests/fuzz/findings/NAME-<kind>-<sha1>, and how to replay it.
set -u
cd "$(dirname "$0")/../.." || exit 1
O=${O:-build}
name=${1:?usage: tests/fuzz/run.sh NAME SECONDS [WORKDIR]}
secs=${2:?usage: tests/fuzz/run.sh NAME SECONDS [WORKDIR]}
bin=$O/tests/fuzz/fuzz_$name
seeds=tests/fuzz/corpus-$name
findings=$O/tests/fuzz/findings
[ -x "$bin" ] || { echo "FAIL: $bin not built (make check builds it; or make O=$O $bin)"; exit 1; }
[ -d "$seeds" ] || { echo "FAIL: no seed corpus $seeds"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
work=${3:-$tmp/work}
mkdir -p "$work" "$findings"
dict=()
[ -f "tests/fuzz/$name.dict" ] && dict=(-dict="tests/fuzz/$name.dict")

start=$(date +%s)
"$bin" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 -artifact_prefix="$findings/$name-" "${dict[@]}" \
	"$work" "$seeds" >"$tmp/log" 2>&1
rc=$?
took=$(($(date +%s) - start))
if [ $rc -ne 0 ]; then
	# the report: from the first alarm (sanitizer, libFuzzer, the target's
	# own checks) on, or the end of the log
	first=$(grep -n -m1 -E '^==[0-9]+== ?ERROR|runtime error|ALARM|out-of-memory|^fuzz_' \
		"$tmp/log" | cut -d: -f1)
	if [ -n "$first" ]; then # up to the sanitizer's summary line, at most 60 lines
		tail -n +"$first" "$tmp/log" | sed '/^SUMMARY: /q' | head -n 60
	else
		tail -n 60 "$tmp/log"
	fi
	found=0
	for f in $(sed -n 's/.*Test unit written to //p' "$tmp/log"); do
		found=1
		echo "reproducer $f ($(stat -c %s "$f") bytes; replay: $bin $f):"
		xxd "$f" | head -n 16
	done
	[ $found -eq 1 ] || echo "(libFuzzer wrote no reproducer; the log's end is above)"
	echo "FAIL: fuzz_$name exited $rc after ${took}s"
	exit 1
fi
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/log")
eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$tmp/log")
rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$tmp/log")
cov=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*/[0-9a-zA-Z]*' "$tmp/log" | tail -n 1)
echo "ok: fuzz_$name ${runs:-?} inputs in ${secs}s (${eps:-?}/s, peak RSS ${rss:-?} MB), $cov, no finding"
[ -n "$runs" ] && [ "$runs" -gt 0 ]
