#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/bench/scrape.sh - make bench-scrape: the CPU time of one /metrics
# scrape on the daemon's HTTP thread (libmicrohttpd's "MHD-single"; its
# /proc/PID/task/TID/schedstat run time over SCRAPE_COUNT scrapes, divided),
# at three sizes:
#   empty  one link, a one-prefix routing source, no traffic
#   demo   two links, SCRAPE_DEMO_SLOTS (256) counter slots with traffic
#   large  four links, SCRAPE_LARGE_SLOTS (200000) slots with traffic in an
#          asc_counts of SCRAPE_COUNTERS (524288) slots (a full table's
#          per-link identities fill about 400k), SCRAPE_LARGE_COUNT (5)
#          scrapes
# SCRAPE_SIZES picks some of them.  Traffic is written into the pinned
# counters by tests/bench/scrape_fill.c (no packets).  A warm-up scrape
# comes first (the first has no previous one to rank top_n against).  With
# ASCLASS_BASE (another build's asclass) each size runs on both, back to
# back, and the ratio base/this is printed, and whether the two builds'
# expositions are the same (build and load-time series aside).  PERF=FILE (PERF_OPTS, default
# -g) records this build's HTTP thread over the large size's scrapes.
# Everything lives in a namespace, pin directories and a temp directory this
# script makes and removes; daemons are stopped by pid.  CPU time, not wall
# time: other work on the machine still slows it (caches, memory).
set -eu
cd "$(dirname "$0")/../.."
. tests/lib/netns.sh
O=${O:-build}
COUNT=${SCRAPE_COUNT:-20}
DEMO_SLOTS=${SCRAPE_DEMO_SLOTS:-256}
LARGE_SLOTS=${SCRAPE_LARGE_SLOTS:-200000}
LARGE_COUNT=${SCRAPE_LARGE_COUNT:-5}
COUNTERS=${SCRAPE_COUNTERS:-524288}
FILL=$PWD/$O/tests/bench/scrape_fill
bench_need_root bench-scrape
ns_test_init
trap 'exit 130' INT TERM
R=asc-$id-sc
PIN0=$PIN
at_exit 'stop_pid "$dpid"'
ns_add "$R"
for l in 1 2 3 4; do veth "$R" "l$l-$id" "$R" "lx$l-$id"; done
echo "175.45.176.0/22 131279" >"$work/routes.txt"

# conf LINKS: a daemon config with that many links (cu, ttk, l3, l4)
conf() {
	local names=(cu ttk l3 l4) asns=(4837 20485 64503 64504) l
	for ((l = 0; l < $1; l++)); do
		printf '[link %s]\ninterface = l%d-%s\nasn = %s\n\n' "${names[l]}" $((l + 1)) "$id" \
			"${asns[l]}"
	done
	printf '[routes]\nsource = %s\n\n[metrics]\nlisten = 127.0.0.1:9742\n\n' "$work/routes.txt"
	printf '[daemon]\npin_dir = %s\ncounters = %s\n' "$PIN" "$COUNTERS"
}

http_tid() {
	local t
	for t in /proc/"$dpid"/task/*; do
		[ "$(cat "$t/comm")" = MHD-single ] && { basename "$t"; return; }
	done
}
run_ns() { cut -d' ' -f1 /proc/"$dpid"/task/"$1"/schedstat; }
scrape() { in_r curl -sf -o "$work/scrape.txt" http://127.0.0.1:9742/metrics; }

# measure BINARY LINKS SLOTS SIZE: prints "us_per_scrape bytes series"
measure() {
	local tid t0 t1 i count=$COUNT
	# measure runs in a subshell (< <(...)), where the script's exit
	# handler does not run: a failure here must stop its daemon itself
	trap 'stop_pid "$dpid"; rm -rf "$PIN"' EXIT
	ASCLASS=$1
	PIN=$PIN0-$RANDOM
	conf "$2" >"$work/asclass.conf"
	daemon_start "$work/asclass.conf" >&2
	[ "$3" -eq 0 ] || "$FILL" "$PIN" "$3" "$2" 2>"$work/fill.log" ||
		fail "scrape_fill failed: $(cat "$work/fill.log")"
	scrape || fail "no scrape"
	tid=$(http_tid)
	[ -n "$tid" ] || fail "no MHD-single thread in the daemon"
	[ -n "${PERF:-}" ] && [ "$1" = "$this" ] && [ "$4" = large ] &&
		{ perf record -q ${PERF_OPTS:--g} -t "$tid" -o "$PERF" & ppid=$!; sleep 0.5; }
	[ "$4" = large ] && count=$LARGE_COUNT
	t0=$(run_ns "$tid")
	for ((i = 0; i < count; i++)); do scrape || fail "scrape $i failed"; done
	t1=$(run_ns "$tid")
	[ -n "${ppid:-}" ] && { kill -INT "$ppid"; wait "$ppid" || true; ppid=; }
	echo "$(((t1 - t0) / count / 1000)) $(wc -c <"$work/scrape.txt") $(grep -vc '^#' "$work/scrape.txt")"
	daemon_stop
	rm -rf "$PIN"
}

# the exposition without the series that differ by build or by run
steady() { grep -Ev '^asclass_(build_info|rib_load_duration_seconds|rib_load_timestamp_seconds)' "$1"; }

printf '%-6s %8s %12s %10s %9s' size slots bytes series "us/scrape"
[ -n "${ASCLASS_BASE:-}" ] && printf ' %9s %9s %s' "base us" "base/this" "exposition"
echo
this=$ASCLASS
for size in ${SCRAPE_SIZES:-empty demo large}; do
	case $size in
	empty) links=1 slots=0 ;;
	demo) links=2 slots=$DEMO_SLOTS ;;
	large) links=4 slots=$LARGE_SLOTS ;;
	esac
	read -r us bytes series < <(measure "$this" $links $slots $size)
	printf '%-6s %8s %12s %10s %9s' $size $slots "$bytes" "$series" "$us"
	if [ -n "${ASCLASS_BASE:-}" ]; then
		mv "$work/scrape.txt" "$work/this.txt"
		read -r bus _ < <(measure "$ASCLASS_BASE" $links $slots $size)
		same=same
		cmp -s <(steady "$work/this.txt") <(steady "$work/scrape.txt") || same=DIFFERS
		printf ' %9s %9s %s' "$bus" \
			"$(awk -v b="$bus" -v t="$us" 'BEGIN { printf "%.1f", b / (t ? t : 1) }')" $same
	fi
	echo
done
