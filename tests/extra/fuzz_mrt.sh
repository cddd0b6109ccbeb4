#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/extra/fuzz_mrt.sh - a short libFuzzer run (FUZZ_SECONDS, default 60)
# of the MRT reader and bgpdump printer from tests/fuzz/corpus.  Any crash,
# sanitizer report, leak or timeout fails the test; the input that caused it
# is kept under $O/tests/fuzz/ and printed as hex.
set -u
cd "$(dirname "$0")/../.."
O=${O:-build}
BIN=$O/tests/fuzz/fuzz_mrt
SECS=${FUZZ_SECONDS:-60}
[ -x "$BIN" ] || { echo "FAIL: $BIN not built (make check builds it; or make O=$O $BIN)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$O/tests/fuzz"
"$BIN" -max_total_time="$SECS" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	-artifact_prefix="$O/tests/fuzz/" -print_final_stats=1 "$work" tests/fuzz/corpus >"$work.log" 2>&1
rc=$?
tail -n 25 "$work.log"
if [ $rc -ne 0 ]; then
	for f in $(grep -o "Test unit written to .*" "$work.log" | sed 's/Test unit written to //'); do
		echo "input $f:"
		xxd "$f" | head -20
	done
	rm -f "$work.log"
	echo "FAIL: fuzzer exited $rc"
	exit 1
fi
runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work.log" | grep -o '[0-9]*$')
rm -f "$work.log"
echo "ok: ${runs:-?} inputs in ${SECS}s, no crash"
[ -n "${runs:-}" ] && [ "$runs" -gt 0 ]
