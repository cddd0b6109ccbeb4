#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/bench/feed_full.sh - make bench-feed: asclass run's live BGP feed
# taking a full table from the border router (issue 15, "Speed and memory").
#
#   cu  (BIRD, AS4837)  --eBGP--+
#                               rtr (BIRD, AS64500) --iBGP, ADD-PATH tx--> asc (asclass run)
#   ttk (BIRD, AS20485) --eBGP--+
#
# Both upstreams announce every prefix of a synthetic full table (1M IPv4 +
# 200k IPv6; `realpath table`, tests/lib/rtgen.h: real prefix-length
# distributions, ~100k origins) as BIRD static routes with their own path
# (UPSTREAM TRANSIT ORIGIN), so the router holds about 2.4M paths and
# exports them all to asclass.  asclass's session to the router stays
# disabled until the router has every path; then it measures, in one run:
#   - session Established -> every path received, and -> the tables that
#     hold them swapped in (the daemon's "routing loaded" line);
#   - that the session never left Established (hold time FEED_HOLD, 9 s,
#     so that a stall of our keepalives would drop it);
#   - the daemon's CPU time (every thread) while the table comes;
#   - the daemon's and the router BIRD's VmRSS and VmHWM per million paths;
#     the daemon's VmRSS after the load, its own part of it (RssAnon: not
#     the BPF maps it maps) and its peak (VmHWM, the whole load), each
#     against the router's VmRSS;
#   - update-to-kernel latency p50/p99 from asclass_feed_update_kernel_seconds
#     at steady state (FEED_CHURN single path changes, birdc configure of a
#     small static set on the router) and during a full-table reset burst
#     (the router's session to cu restarted: withdrawals + re-announcements).
#     Without that histogram the figures are "not measured (no histogram)";
#   - the slowest of the /metrics scrapes made every 0.5 s through the burst
#     (Prometheus's default scrape_timeout is 10 s).
# Links cu and ttk are attached to veths in asc's namespace, so paths are
# attributed per link.  Everything lives in namespaces, a pin directory and
# a temp directory this script makes and removes, even when interrupted;
# every daemon is stopped by its pid.  The generated table stays in
# $O/bench-feed (reused by later runs).
# Variables: SCALE (table size divisor, default 1: develop with SCALE=20),
# FEED_MAX_SECONDS (each wait gives up after it, default 300), FEED_HOLD
# (default 9), FEED_CHURN (default 200), FEED_CHURN_GAP (seconds between
# changes, default 0.1), FEED_COUNTERS (counter slots, default 524288),
# FEED_LOOKUP ([routes] lookup, fast or lpm; default fast),
# FEED_APPLY_INTERVAL ([bgp] apply_interval in ms, default: the daemon's),
# FEED_POLL (seconds between polls while the table arrives, default 0.5),
# KEEP (keep the temp directory), ASCLASS_OPTS=-v (the daemon's debug lines:
# the whole load's phases), PERF=FILE (perf record -g of the daemon from the
# session's start to the tables holding every path, into FILE; PERF_OPTS
# more words for perf record, e.g. "-e page-faults -c 1" for every page
# fault instead of CPU samples), SINK=1 (the ceiling: no daemon; the
# router sends the table to tests/bench/bgp_sink, a collector that only
# reads, with the capabilities asclass offers: how long the router alone
# takes, session Established -> every End-of-RIB; then the bench ends).
set -eu
cd "$(dirname "$0")/../.."
. tests/lib/netns.sh
. tests/lib/daemon_bgp.sh
O=${O:-build}
SCALE=${SCALE:-1}
N4=$((1000000 / SCALE)) N6=$((200000 / SCALE))
MAX_SECONDS=${FEED_MAX_SECONDS:-300}
HOLD=${FEED_HOLD:-9}
CHURN=${FEED_CHURN:-200}
CHURN_GAP=${FEED_CHURN_GAP:-0.1}
# seconds between the polls (log greps, /metrics scrapes: processes on the
# cores the router and the daemon share) while the table arrives; the
# headline times come from the daemon's log, to the millisecond
POLL=${FEED_POLL:-0.5}
# counter slots: the table's 100k routes per family over 2 upstreams need
# up to 400k (the default 262144 would send the rest to overflow)
COUNTERS=${FEED_COUNTERS:-524288}
LOOKUP=${FEED_LOOKUP:-fast}
APPLY_S=$(awk -v ms="${FEED_APPLY_INTERVAL:-1000}" 'BEGIN {print ms / 1000}')
CHURN_SET=20 # prefixes 198.18.0.0/24 .. 198.18.19.0/24, on the router
GEN=$O/bench-feed
TABLE_TOOL=$O/tests/bench/realpath
HIST=asclass_feed_update_kernel_seconds

bench_need_root bench-feed
command -v bird >/dev/null && command -v birdc >/dev/null ||
	{ echo "bench-feed: BIRD 2 not installed (make deps installs bird2)" >&2; exit 1; }

ns_test_init
trap 'exit 130' INT TERM
DIR=$work P=f$id
NS_CU=asc-$id-cu NS_TTK=asc-$id-ttk NS_RTR=asc-$id-rtr NS_ASC=asc-$id-asc
PORT=9742
DPID= SPID= PPID_PERF= SCRAPES_PID=
SINK_TOOL=$O/tests/bench/bgp_sink
at_exit 'stop_pidfiles "$DIR"/rtr.pid "$DIR"/cu.pid "$DIR"/ttk.pid; stop_pid "$PPID_PERF"; stop_pid "$SCRAPES_PID"; stop_pid "$DPID"; stop_pid "$SPID"'
fail() {
	echo "bench-feed: $*" >&2
	[ -f "$DIR/daemon.log" ] && { echo "--- daemon log (end):" >&2; tail -20 "$DIR/daemon.log" >&2; }
	exit 1
}
# wait_wall SECONDS CMD...: CMD succeeds within SECONDS of wall-clock time
# (polled every 0.2 s; netns.sh's wait_for counts polls, and these CMDs
# take long), or 1
wait_wall() {
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.2
	done
}
# wait_or_fail WHAT CMD...: CMD within MAX_SECONDS, or a clear failure
wait_or_fail() {
	local what=$1
	shift
	wait_wall "$MAX_SECONDS" "$@" || fail "gave up after $MAX_SECONDS s (FEED_MAX_SECONDS) waiting for $what"
}
rtr() { birdc -s "$DIR/rtr.ctl" "$@"; }
note() { echo "bench-feed: ${SECONDS}s: $*" >&2; }

# ---- the table: generated once, as BIRD static routes ---------------------
mkdir -p "$GEN"
GEN=$(cd "$GEN" && pwd)
table=$GEN/table-$N4-$N6.txt
if [ ! -s "$table" ]; then
	"$TABLE_TOOL" table "$N4" "$N6" 2026 >"$table.tmp" || fail "$TABLE_TOOL table failed"
	mv "$table.tmp" "$table"
fi
# 198.18.0.0/15 is left to the router's own changing routes (CHURN_SET)
for fam in 4 6; do
	routes=$GEN/static$fam-$N4-$N6.conf
	[ -s "$routes" ] || {
		awk -v fam=$fam -f tests/gen/bird_static.awk "$table" | { grep -v '^route 198\.1[89]\.' || true; } \
			>"$routes.tmp" && mv "$routes.tmp" "$routes"
	} || fail "bird_static.awk failed"
done
n4=$(wc -l <"$GEN/static4-$N4-$N6.conf") n6=$(wc -l <"$GEN/static6-$N4-$N6.conf")

# ---- topology: scenario_links, plus IPv6 on the router's links -------------
scenario_links "$P"
for ns in "$NS_CU" "$NS_TTK" "$NS_RTR" "$NS_ASC"; do
	in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0
done
ip -n "$NS_CU" addr add 2001:db8:1::1/64 dev "${P}c" nodad
ip -n "$NS_RTR" addr add 2001:db8:1::2/64 dev "${P}rc" nodad
ip -n "$NS_TTK" addr add 2001:db8:2::1/64 dev "${P}t" nodad
ip -n "$NS_RTR" addr add 2001:db8:2::2/64 dev "${P}rt" nodad
ip -n "$NS_RTR" addr add 2001:db8:3::1/64 dev "${P}ra" nodad
ip -n "$NS_ASC" addr add 2001:db8:3::2/64 dev "${P}a" nodad
# the upstream links as the daemon sees them (a veth each, both ends in asc)
veth "$NS_ASC" "${P}lc" "$NS_ASC" "${P}lcx"
veth "$NS_ASC" "${P}lt" "$NS_ASC" "${P}ltx"

# ---- configurations ----------------------------------------------------------
# feed_upstream NAME AS ADDR NEIGHBOUR: every prefix of the table, both
# families, to the router (AS64500) over one eBGP session
feed_upstream() {
	cat >"$DIR/$1.conf" <<-BIRD
	router id $3;
	protocol device {}
	protocol static table4 { ipv4;
	include "$GEN/static4-$N4-$N6.conf";
	}
	protocol static table6 { ipv6;
	include "$GEN/static6-$N4-$N6.conf";
	}
	protocol bgp rtr {
		local $3 as $2; neighbor $4 as 64500; $BIRD_TIMERS
		ipv4 { import none; export all; };
		ipv6 { import none; export all; };
	}
	BIRD
}
# churn_routes STEP: the router's changing static set after STEP changes:
# change i flips prefix i % CHURN_SET between transit 64496 and 64497
# (path "4837 TRANSIT 64510", a path of cu's)
churn_routes() {
	awk -v step="$1" -v n=$CHURN_SET 'BEGIN {
		for (k = 0; k < n; k++) {
			flips = int(step / n) + (k < step % n)
			printf "route 198.18.%d.0/24 blackhole { bgp_path.prepend(64510); bgp_path.prepend(%d); bgp_path.prepend(4837); };\n",
				k, 64496 + flips % 2
		}
	}' >"$DIR/churn.routes.tmp"
	mv "$DIR/churn.routes.tmp" "$DIR/churn.routes"
}
feed_upstream cu 4837 198.51.100.1 198.51.100.2
feed_upstream ttk 20485 198.51.100.5 198.51.100.6
churn_routes 0
# router_conf [disabled]: $DIR/rtr.conf, the session to asclass disabled or
# not (set by configure, so that the churn's configures keep it as it is)
router_conf() {
	cat >"$DIR/rtr.conf" <<-BIRD
	router id 203.0.113.1;
	protocol device {}
	protocol static churn { ipv4;
	include "$DIR/churn.routes";
	}
	protocol bgp cu { local 198.51.100.2 as 64500; neighbor 198.51.100.1 as 4837; $BIRD_TIMERS
		ipv4 { import all; export none; }; ipv6 { import all; export none; }; }
	protocol bgp ttk { local 198.51.100.6 as 64500; neighbor 198.51.100.5 as 20485; $BIRD_TIMERS
		ipv4 { import all; export none; }; ipv6 { import all; export none; }; }
	protocol bgp asclass { ${1:+$1;} local 203.0.113.1 as 64500; neighbor 203.0.113.2 as 64500; $BIRD_TIMERS
		ipv4 { import none; export all; add paths tx; };
		ipv6 { import none; export all; add paths tx; }; }
	BIRD
}
router_conf disabled
cat >"$DIR/asclass.conf" <<CONF
[link cu]
interface = ${P}lc
asn = 4837

[link ttk]
interface = ${P}lt
asn = 20485

[bgp]
listen = 203.0.113.2
local_as = 64500
router_id = 203.0.113.2
hold_time = $HOLD
${FEED_APPLY_INTERVAL:+apply_interval = $FEED_APPLY_INTERVAL}

[neighbor rtr]
address = 203.0.113.1

[metrics]
listen = 127.0.0.1:$PORT

[daemon]
pin_dir = $PIN
mode = skb
counters = $COUNTERS

[routes]
lookup = $LOOKUP
CONF

# ---- what the router and the daemon say -----------------------------------
# paths in the router's tables (every one is exported to asclass)
router_paths() { rtr show route count | awk '/ routes for / {n += $1} END {print n + 0}'; }
router_has_all() { [ "$(router_paths)" -ge "$want_paths" ]; }
peer_metric() { metric "$1{peer=\"rtr\"}"; }
# the feed holds every path and has handed every change to the daemon
# (one scrape: with the tables loaded a scrape reads every counter slot in
# use, and the polls are the bench's, not the load it measures)
feed_has_all() {
	scrape metrics | awk -v want="$want_paths" '
		$1 == "asclass_feed_routes{peer=\"rtr\"}" {paths = $2}
		$1 == "asclass_feed_queue_bytes" {queued = $2}
		END {exit !(paths == want && queued == "0")}'
}
loads() { grep -c "routing loaded:" "$DIR/daemon.log" || true; }
# "V4 V6 SECONDS" of the last "routing loaded" line
last_load() {
	grep "routing loaded:" "$DIR/daemon.log" | tail -1 |
		sed -n 's/.*routing loaded: \([0-9]*\) IPv4 + \([0-9]*\) IPv6 prefixes .* in \([0-9.]*\) s\($\|[,;].*\)/\1 \2 \3/p'
}
# the daemon's lines on the session after it was first Established, but
# for End-of-RIB (none while it stays up)
session_lines() {
	awk '/feed: peer rtr .*: Established: / {up = 1; next}
		up && /feed: peer rtr / && !/: End-of-RIB for / && !/ debug: / {print}' "$DIR/daemon.log"
}
established_count() { grep -c "feed: peer rtr .*: Established: " "$DIR/daemon.log" || true; }
# loads_ok: no load from the feed failed, or the bench ends with the error;
# from where FAILS_OK is set (the reset burst) failed loads are counted and
# shown instead (the daemon keeps its tables and tries again)
FAILS_OK=
# the route records of a generation's half of the pool (include/asclass.h)
ASC_REC_HALF=$(((1 << $(sed -n 's/^#define ASC_FIB_ROUTES (1U << \([0-9]*\)).*/\1/p' include/asclass.h)) - 3))
failed_loads() { grep -c "routing reload failed" "$DIR/daemon.log" || true; }
loads_ok() {
	[ -z "$FAILS_OK" ] || return 0
	! grep -q "routing reload failed" "$DIR/daemon.log" ||
		fail "a load from the feed failed: $(grep "error:" "$DIR/daemon.log" | sort -u | tr '\n' ' ')"
}
# wait_load_after T SEEN: waits up to MAX_SECONDS for the end of the whole
# load that holds every change up to T ($EPOCHREALTIME; SEEN: how many
# "routing loaded" lines there were then) and prints "WHEN V4 V6 SECONDS".
# That is the first load that began after T, or one with every prefix
# (n4 + CHURN_SET, n6) that began before and ended after T with no other
# load following within its own duration and apply_interval + 2 s (a
# change it missed would have made one), or 1.
wait_load_after() {
	local seen=$2 end=$((SECONDS + MAX_SECONDS)) cand='' until=0 n l4 l6 dur now
	while [ $SECONDS -lt $end ]; do
		loads_ok
		n=$(loads) now=$EPOCHREALTIME
		if [ "$n" -gt "$seen" ]; then
			seen=$n
			read -r l4 l6 dur <<<"$(last_load)"
			if awk -v s="$now" -v d="$dur" -v t="$1" 'BEGIN {exit !(s - d >= t)}'; then
				echo "$now $l4 $l6 $dur"
				return 0
			fi
			cand=''
			[ "$l4 $l6" = "$((n4 + CHURN_SET)) $n6" ] || continue
			cand="$now $l4 $l6 $dur"
			until=$(awk -v s="$now" -v d="$dur" -v a="$APPLY_S" 'BEGIN {print s + d + a + 2}')
		elif [ -n "$cand" ] && awk -v s="$now" -v u="$until" 'BEGIN {exit !(s > u)}'; then
			echo "$cand"
			return 0
		fi
		sleep 0.1
	done
	return 1
}
# wait_tables_full T: after T (every path at the feed), waits up to
# MAX_SECONDS until the tables hold every prefix (asclass_routes) and no
# change went into them (in place or by a whole load:
# asclass_table_updates_total) for apply_interval + 1 s; prints "WHEN V4 V6"
# with WHEN the time the last change was seen going in.  For a daemon that
# applies changes in place after its first load (no "routing loaded" line
# per change).
# Each poll is one scrape (see feed_has_all()): "UPDATES V4 V6".
tables_now() {
	scrape metrics | awk '$1 ~ /^asclass_table_updates_total[{]/ {n += $2}
		$1 == "asclass_routes{family=\"ipv4\"}" {v4 = $2}
		$1 == "asclass_routes{family=\"ipv6\"}" {v6 = $2}
		END {print n + 0, v4, v6}'
}
wait_tables_full() {
	local end=$((SECONDS + MAX_SECONDS)) last=-1 t_last=$1 u now v4 v6
	while [ $SECONDS -lt $end ]; do
		loads_ok
		now=$EPOCHREALTIME
		read -r u v4 v6 <<<"$(tables_now)"
		if [ "$u" != "$last" ]; then
			last=$u t_last=$now
		elif [ "$v4 $v6" = "$((n4 + CHURN_SET)) $n6" ] &&
			awk -v s="$now" -v l="$t_last" -v a="$APPLY_S" 'BEGIN {exit !(s - l > a + 1)}'; then
			echo "$t_last $v4 $v6"
			return 0
		fi
		sleep 0.1
	done
	return 1
}
# log_epoch first|last PATTERN: UNIX time (ms) of the daemon's first or last
# log line matching PATTERN, empty when none
log_epoch() {
	local l
	l=$(grep -- "$2" "$DIR/daemon.log" | { [ "$1" = first ] && head -1 || tail -1; } | cut -d' ' -f1)
	[ -z "$l" ] || date -d "$l" +%s.%3N
}
rss() { awk -v k="$2:" '$1 == k {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
# cpu_s PID: the process's CPU time so far (user + system, every thread), s
# waited_s PID: seconds the process's threads have waited for a CPU so far
# (run queue, /proc/PID/task/*/schedstat's second field)
waited_s() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{w += $2} END {printf "%.2f", w / 1e9}'; }
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz}' "/proc/$1/stat"; }
per_m() { awk -v m="$1" -v p="$want_paths" 'BEGIN {printf "%.0f", m / (p / 1e6)}'; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", b - a}'; }

# hist_snap: the histogram's buckets now ("LE COUNT", summed over labels),
# empty when the daemon has no such histogram
hist_snap() {
	scrape metrics | awk -v h="${HIST}_bucket" 'index($1, h "{") == 1 {
		match($1, /le="[^"]*"/); le = substr($1, RSTART + 4, RLENGTH - 5)
		n[le] += $2
	} END {for (le in n) print le, n[le]}'
}
# hist_quantiles BEFORE AFTER: "p50 ... ms, p99 ... ms (N updates)" over the
# buckets' increase between two snapshots, interpolated within a bucket as
# Prometheus' histogram_quantile() does; "not measured (no histogram)"
hist_quantiles() {
	[ -n "$2" ] || { echo "not measured (no histogram)"; return; }
	{ echo "$1" | sed 's/^/b /'; echo "$2" | sed 's/^/a /'; } | awk '
		{ le = $2 == "+Inf" ? 1e300 : $2 + 0; bound[le] = 1; c[$1, le] = $3 }
		END {
			k = 0
			for (le in bound) les[++k] = le + 0
			for (i = 2; i <= k; i++)
				for (j = i; j > 1 && les[j - 1] > les[j]; j--) { t = les[j]; les[j] = les[j - 1]; les[j - 1] = t }
			total = c["a", les[k]] - c["b", les[k]]
			if (total <= 0) { print "not measured (no update counted)"; exit }
			split("0.5 0.99", qs, " ")
			for (q = 1; q <= 2; q++) {
				rank = qs[q] * total; lo = 0; prev = 0
				for (i = 1; i <= k; i++) {
					cum = c["a", les[i]] - c["b", les[i]]
					if (cum >= rank) break
					lo = les[i]; prev = cum
				}
				if (les[i] >= 1e300) v[q] = sprintf("> %.3g", lo * 1000)
				else v[q] = sprintf("%.3g", (lo + (les[i] - lo) * (rank - prev) / (cum - prev)) * 1000)
			}
			printf "p50 %s ms, p99 %s ms (%d updates)\n", v[1], v[2], total
		}'
}

# ---- the run ----------------------------------------------------------------
printf 'asclass live-feed full-table bench: kernel %s, %s CPUs, load average %s, SCALE=%s, lookup %s\n' \
	"$(uname -r)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$SCALE" "$LOOKUP"
# the yardstick for the loads' page faults: 64 MiB of fresh memory written
# once, on small and on huge pages (the last of tests/bench/touch.c's passes)
if [ -x "$O/tests/bench/touch" ]; then
	"$O/tests/bench/touch" 64 | awk '$1 == "small" || $1 == "huge" {t[$1] = $2; f[$1] = $4}
		END {printf "fresh memory, 64 MiB written once: %.3f s, %d faults on small pages; %.3f s, %d faults on huge pages\n",
			t["small"], f["small"], t["huge"], f["huge"]}'
fi
want_paths=$((2 * (n4 + n6) + CHURN_SET))
echo "table: $n4 IPv4 + $n6 IPv6 prefixes from each of cu and ttk, $CHURN_SET of the router's own:" \
	"$want_paths paths to asclass"

if [ -z "${SINK:-}" ]; then
	daemon_start "$DIR/asclass.conf" "$DIR/daemon.log"
	wait_or_fail "the daemon's /metrics" scrape metrics
fi
# BIRD writes its pid file once it has read its configuration (a full table
# takes it some 30 s)
for b in cu:$NS_CU ttk:$NS_TTK rtr:$NS_RTR; do bird_start "${b%%:*}" "${b#*:}" "$MAX_SECONDS"; done
t=$SECONDS
wait_or_fail "the router to hold $want_paths paths" router_has_all
echo "setup: the router has its $want_paths paths ${SECONDS}s into the run ($((SECONDS - t)) s after its start)"

# -- SINK=1: the router alone, to a collector that only reads ---------------
# sink_run: the sink's line, and that it counted every path
sink_run() {
	in_ns "$NS_ASC" "$SINK_TOOL" 203.0.113.2 64500 203.0.113.2 "$MAX_SECONDS" >"$DIR/sink.out" &
	SPID=$!
	sleep 0.5
	r_cpu0=$(cpu_s "$(bird_pid rtr)")
	router_conf
	rtr configure >/dev/null || fail "birdc configure of the router failed"
	wait "$SPID" || fail "the sink failed: $(cat "$DIR/sink.out")"
	SPID=
	cat "$DIR/sink.out"
	echo "router BIRD CPU from enabling the session to the sink's end: $(secs "$r_cpu0" "$(cpu_s "$(bird_pid rtr)")") s"
	grep -q ", $want_paths paths announced" "$DIR/sink.out" ||
		fail "the sink did not count the $want_paths paths the router has"
	echo "done in $SECONDS s"
	exit 0
}
[ -z "${SINK:-}" ] || sink_run

# -- (a) session up -> tables swapped, (b) the session never drops ----------
# Polled every 0.1 s: Established (its log line), every path held by the
# feed (metrics), and the first "routing loaded" line of a load that began
# after that (its time less its own duration), with every prefix.
note "the router has every path; its session to asclass enabled"
if [ -n "${PERF:-}" ]; then
	# shellcheck disable=SC2086 # PERF_OPTS: words for perf record
	perf record -q -g ${PERF_OPTS:-} -p "$DPID" -o "$PERF" 2>"$DIR/perf.err" &
	PPID_PERF=$!
	sleep 0.5
fi
router_conf
rtr configure >/dev/null || fail "birdc configure of the router failed"
loads_before=$(loads)
t_est='' t_rib='' deadline=$((SECONDS + MAX_SECONDS))
while [ -z "$t_rib" ]; do
	[ $SECONDS -le $deadline ] || fail "gave up after $MAX_SECONDS s: Established ${t_est:+at $t_est}," \
		"feed has $(peer_metric asclass_feed_routes) of $want_paths paths, last load: $(last_load)"
	loads_ok
	now=$EPOCHREALTIME seen=$(loads)
	if [ -z "$t_est" ] && [ "$(established_count)" -ge 1 ]; then
		t_est=$now c_est=$(cpu_s "$DPID") r_est=$(cpu_s "$(bird_pid rtr)")
		w_est=$(waited_s "$DPID") rw_est=$(waited_s "$(bird_pid rtr)")
	fi
	if [ -n "$t_est" ] && feed_has_all; then
		t_rib=$now c_rib=$(cpu_s "$DPID") r_rib=$(cpu_s "$(bird_pid rtr)")
		w_rib=$(waited_s "$DPID") rw_rib=$(waited_s "$(bird_pid rtr)")
	fi
	sleep "$POLL"
done
if [ -n "$(hist_snap)" ]; then
	# changes go in prefix by prefix after the first whole load
	r=$(wait_tables_full "$t_rib") ||
		fail "the tables did not hold every prefix within $MAX_SECONDS s: $(metric 'asclass_routes{family="ipv4"}') IPv4 + $(metric 'asclass_routes{family="ipv6"}') IPv6"
	read -r t_swap l4 l6 <<<"$r"
	dur=$(last_load | cut -d' ' -f3)
else
	r=$(wait_load_after "$t_rib" "$seen") || fail "no load holding every path within $MAX_SECONDS s; last: $(last_load)"
	read -r t_swap l4 l6 dur <<<"$r"
fi
[ "$l4 $l6" = "$((n4 + CHURN_SET)) $n6" ] ||
	fail "the load after every path holds $l4 IPv4 + $l6 IPv6 prefixes, not $((n4 + CHURN_SET)) + $n6"
# Both ends by the daemon's own clock (its log lines, to the millisecond):
# each poll above sees a step up to one iteration late (greps, scrapes and
# their processes, on the 2 cores the router and the daemon share; seen
# 4 s late).  The start is the Established line; the end the load that
# holds every prefix, when nothing went in place after it (else the poll's).
p_est=$t_est p_swap=$t_swap
t_est=$(log_epoch first "feed: peer rtr .*: Established: ")
[ -n "$t_est" ] || fail "no Established line in the daemon's log"
if [ "$(metric 'asclass_table_updates_total{kind="prefix"}')" = 0 ]; then
	t_swap=$(log_epoch last "routing loaded: $((n4 + CHURN_SET)) IPv4 + $n6 IPv6 ")
	[ -n "$t_swap" ] || fail "no load of every prefix in the daemon's log"
fi
note "by the daemon's log: Established $(secs "$p_est" "$t_est") s from the poll's," \
	"tables swapped $(secs "$p_swap" "$t_swap") s from the poll's"
if [ -n "${PERF:-}" ]; then
	kill -INT "$PPID_PERF" && wait "$PPID_PERF" || true
	PPID_PERF=
	note "perf record of the daemon into $PERF"
fi
seen=$(loads)
n_loads=$((seen - loads_before))
drop_load=$(session_lines)
d_hwm=$(rss "$DPID" VmHWM) d_rss=$(rss "$DPID" VmRSS) d_anon=$(rss "$DPID" RssAnon)
r_pid=$(bird_pid rtr)
r_hwm=$(rss "$r_pid" VmHWM) r_rss=$(rss "$r_pid" VmRSS)

# -- (d) steady state: single path changes on the router ----------------------
note "the table is in (Established -> swapped: $(secs "$t_est" "$t_swap") s); $CHURN path changes"
h0=$(hist_snap)
a0=$(peer_metric asclass_feed_prefixes_announced_total)
for step in $(seq "$CHURN"); do
	churn_routes "$step"
	rtr configure >/dev/null || fail "birdc configure of the router failed"
	sleep "$CHURN_GAP"
done
churn_at_feed() { [ $(($(peer_metric asclass_feed_prefixes_announced_total) - a0)) -ge "$CHURN" ]; }
wait_or_fail "the $CHURN path changes at the feed" churn_at_feed
# How many churned prefixes the data plane has with their last path (over
# cu): "GOOD OVERFLOW FIRST-WRONG" (OVERFLOW: no counter slot; FIRST-WRONG:
# the first other answer, "PREFIX: LOOKUP")
churn_state() {
	local k flips good=0 ovf=0 want got wrong=''
	for k in $(seq 0 $((CHURN_SET - 1))); do
		flips=$((CHURN / CHURN_SET + (k < CHURN % CHURN_SET)))
		want=$(printf 'origin AS64510\ttransit AS%s' $((64496 + flips % 2)))
		got=$("$ASCLASS" --pin-dir "$PIN" lookup "198.18.$k.1" --upstream cu 2>&1 | cut -f4-5)
		case $got in
		"$want") good=$((good + 1)) ;;
		"no counter slot (overflow)") ovf=$((ovf + 1)) ;;
		*) [ -n "$wrong" ] || wrong="198.18.$k.0/24 (want ${want/	/ }): ${got/	/ }" ;;
		esac
	done
	echo "$good $ovf $wrong"
}
churn_all_good() { [ "$(churn_state)" = "$CHURN_SET 0 " ]; }
# whole loads: the first that began after the last change reached the feed
# (a load takes more than a minute at full size); single-prefix updates
# (the histogram is there): at most 15 s
if [ -z "$h0" ]; then
	wait_load_after "$EPOCHREALTIME" "$(loads)" >/dev/null || fail "no load began after the changes within $MAX_SECONDS s"
fi
wait_wall 15 churn_all_good || true
read -r churn_good churn_ovf churn_wrong <<<"$(churn_state)"
steady=$(hist_quantiles "$h0" "$(hist_snap)")
drop_churn=$(session_lines)

# -- (d) reset burst: the router's session to cu restarted --------------------
# scrape_times FILE: a /metrics scrape every 0.5 s, as a Prometheus would (its
# default scrape_timeout is 10 s), each one's seconds appended to FILE (or
# "failed"), until killed.
scrape_times() {
	while :; do
		in_ns "$NS_ASC" curl -s -o /dev/null -w '%{time_total}\n' --max-time 60 \
			"http://127.0.0.1:$PORT/metrics" >>"$1" || echo failed >>"$1"
		sleep 0.5
	done
}
note "the changes are in; the router's session to cu restarted"
: >"$DIR/burst-scrapes"
scrape_times "$DIR/burst-scrapes" &
SCRAPES_PID=$!
h0=$(hist_snap)
w0=$(peer_metric asclass_feed_prefixes_withdrawn_total)
t0=$EPOCHREALTIME
FAILS_OK=1 f0=$(failed_loads) l0=$(loads)
rtr restart cu >/dev/null
withdrawn() { [ $(($(peer_metric asclass_feed_prefixes_withdrawn_total) - w0)) -ge $((n4 + n6)) ]; }
wait_or_fail "cu's $((n4 + n6)) withdrawals at asclass" withdrawn
wait_or_fail "cu's paths back at asclass" feed_has_all
t1=$EPOCHREALTIME
t2=
if [ -z "$h0" ]; then
	r=$(wait_load_after "$t1" "$(loads)") || fail "no load after the burst within $MAX_SECONDS s"
else
	r=$(wait_tables_full "$t1") || fail "the tables did not hold every prefix again within $MAX_SECONDS s"
fi
t2=${r%% *}
stop_pid "$SCRAPES_PID"
SCRAPES_PID=
burst=$(hist_quantiles "$h0" "$(hist_snap)")
drop_burst=$(session_lines)
d_hwm_end=$(rss "$DPID" VmHWM) d_rss_end=$(rss "$DPID" VmRSS) r_hwm_end=$(rss "$r_pid" VmHWM)
rtr_state=$(rtr show protocols asclass | awk '$1 == "asclass" {print $6}')

# ---- the figures ------------------------------------------------------------
met() { awk -v v="$1" -v t="$2" 'BEGIN {print v < t ? "met" : "not met"}'; }
up_s=$(secs "$t_est" "$t_swap")
row() { printf '%-50s %-40s %s\n' "$@"; }
row measure value target
row "session Established -> every path at the feed" "$(secs "$t_est" "$t_rib") s" -
row "  daemon CPU meanwhile (user + system)" "$(secs "$c_est" "$c_rib") s, $(awk -v a="$c_est" -v b="$c_rib" \
	-v p="$want_paths" 'BEGIN {printf "%.2f", (b - a) * 1e6 / p}') us per path" -
row "  router BIRD CPU meanwhile" "$(secs "$r_est" "$r_rib") s (SINK=1: the router alone)" -
row "  waiting for a CPU meanwhile (run queue)" "router $(secs "$rw_est" "$rw_rib") s, daemon's threads $(secs "$w_est" "$w_rib") s" -
row "session Established -> tables hold every path" "$up_s s ($n_loads whole loads, last $dur s)" \
	"< 15 s: $(met "$up_s" 15)"
row "session left Established (hold time $HOLD s)" \
	"$([ -z "$drop_load$drop_churn$drop_burst" ] && [ "$(established_count)" = 1 ] && echo never || echo YES)" \
	"never (the router says: $rtr_state)"
row "daemon VmRSS / VmHWM after the load" "$d_rss / $d_hwm MiB" -
row "  per million paths" "$(per_m "$d_rss") / $(per_m "$d_hwm") MiB" \
	"below the router's VmRSS: $(met "$(per_m "$d_rss")" "$(per_m "$r_rss")") / peak $(met "$(per_m "$d_hwm")" "$(per_m "$r_rss")")"
row "  of it the daemon's own (RssAnon), per million" "$d_anon MiB, $(per_m "$d_anon") MiB" \
	"below the router's VmRSS: $(met "$(per_m "$d_anon")" "$(per_m "$r_rss")")"
row "router BIRD VmRSS / VmHWM, same run" "$r_rss / $r_hwm MiB" -
row "  per million paths" "$(per_m "$r_rss") / $(per_m "$r_hwm") MiB" "(the issue: ~135)"
row "update-to-kernel, steady ($CHURN changes)" "$steady" "p99 < 10 ms"
row "  churned prefixes with their last path" "$churn_good of $CHURN_SET ($churn_ovf: no counter slot)" \
	"$CHURN_SET of $CHURN_SET: $([ "$churn_good" = $CHURN_SET ] && echo met || echo NOT MET)"
[ -z "$churn_wrong" ] || echo "  first other answer: $churn_wrong"
row "update-to-kernel, reset burst" "$burst" -
row "reset burst: restart -> paths back at the feed" "$(secs "$t0" "$t1") s ($((n4 + n6)) withdrawn + re-announced)" -
row "reset burst: restart -> tables hold every path again" "$(secs "$t0" "$t2") s" -
row "reset burst: /metrics every 0.5 s, the slowest" "$(awk '$1 == "failed" {f++; next} {n++; if ($1 > m) m = $1}
	END {printf "%.2f s of %d scrapes, %d failed", m, n, f}' "$DIR/burst-scrapes")" -
row "reset burst: whole loads, of them failed" "$(($(loads) + $(failed_loads) - l0 - f0)), $(($(failed_loads) - f0))" -
row "  most distinct route records in one" "$(grep "routing loaded:" "$DIR/daemon.log" | tail -n +$((l0 + 1)) |
	sed -n 's/.*s, \([0-9]*\) distinct route records.*/\1/p' | sort -n | tail -1) (a generation's half: $ASC_REC_HALF)" -
grep "error:" "$DIR/daemon.log" | grep -v "routing reload failed" | sed 's/^[^ ]* [^ ]* //' | sort | uniq -c |
	sed 's/^/  daemon: /'
row "daemon VmHWM at the end" "$d_hwm_end MiB, $(per_m "$d_hwm_end") MiB per million paths" -
row "daemon VmRSS at the end (after the burst)" "$d_rss_end MiB, $(per_m "$d_rss_end") MiB per million paths" -
row "router BIRD VmHWM at the end" "$r_hwm_end MiB, $(per_m "$r_hwm_end") MiB per million paths" -
for l in "$drop_load" "$drop_churn" "$drop_burst"; do [ -z "$l" ] || echo "$l"; done | sort -u |
	sed 's/^/session: /'
[ -z "$drop_load$drop_churn$drop_burst" ] || fail "the feed's session left Established (above)"
echo "done in $SECONDS s"
