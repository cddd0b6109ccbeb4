#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/bench/sampled.sh - asclass, with the memory of `asclass run` sampled:
# a wrapper to give a bench as ASCLASS (tests/bench/feed_full.sh,
# load_full.sh).  For `run`, a background loop writes the daemon's VmHWM,
# VmRSS, RssAnon and RssFile, and its minor page faults so far (minflt=,
# every thread's, from /proc/PID/stat), every SAMPLE_MS (default 20) ms,
# with the wall clock, to ${SAMPLE_DIR:-/tmp}/asclass-rss.PID.log until the
# daemon exits
# (exec keeps the pid; bash builtins only, so a sample forks nothing).
# Every other command runs unsampled.  ASCLASS_REAL is the binary (default
# build/asclass beside this script's tree).
set -eu
real=${ASCLASS_REAL:-$(cd "$(dirname "$0")/../.." && pwd)/build/asclass}
case " $* " in
*" run "*) ;;
*) exec "$real" "$@" ;;
esac
pid=$$
period=$(awk -v ms="${SAMPLE_MS:-20}" 'BEGIN {printf "%.3f", ms / 1000}')
(
	exec 3<> <(:)
	while [ -d /proc/$pid ]; do
		s=
		while IFS= read -r l; do
			case "$l" in VmHWM* | VmRSS* | RssAnon* | RssFile*) s="$s ${l//[[:space:]]/}" ;; esac
		done </proc/$pid/status
		# minflt is field 10: the 8th after "(comm) "
		read -r st </proc/$pid/stat || break
		read -r _ _ _ _ _ _ _ f _ <<<"${st##*) }"
		echo "$EPOCHREALTIME$s minflt=$f"
		read -r -t "$period" -u 3 || true
	done
) >"${SAMPLE_DIR:-/tmp}/asclass-rss.$pid.log" 2>/dev/null &
exec "$real" "$@"
