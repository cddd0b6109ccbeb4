#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/daemon_faults.sh - asclass run with [bgp] through the faults of
# its feed session (issue 15).  BIRD 2 plays the border router, as in
# daemon_bird.sh (cu and ttk announce 175.45.176.0/22, rtr passes both paths
# to asclass over iBGP with ADD-PATH, graceful restart on, hold time 3 s on
# both ends); asclass runs with stale_time = $STALE.  Each case checks the
# routes stay in the pinned tables, marked stale (asclass_feed_stale_routes),
# and packets from the prefix are still counted under them, then that the
# table is the same as before once the session is back (stale count 0):
#   a. the router-asclass link set down: the session drops within the hold
#      time (3-4 s); link up: the session is back;
#   e. the asclass neighbour disabled on the router (birdc disable: Cease /
#      Administrative Shutdown), then enabled;
#   b. a silent router (nft drops its packets to asclass's BGP port): the hold
#      timer expires, and $STALE s later the stale routes are removed (logged)
#      and the prefix leaves the tables; the packets let through, it is back;
#   c. the router killed (SIGKILL, graceful restart): the routes kept through
#      its restart; after it the last End-of-RIB time has moved on;
#   d. asclass killed with kill -9: the pinned tables and program go on
#      serving (lookup, packets counted), asclass started again on the same
#      pinned maps: no packet count lost, the session and table back.
# FAULT_CASES="a b" runs only those cases, in that order.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/netns.sh
. tests/lib/daemon_bgp.sh
O=${O:-build}

need_root
command -v nft >/dev/null || { echo "SKIP: nft not installed (make deps installs nftables)"; exit 77; }
bird_test_init
P=f${T}
PORT=9753
STALE=25 # seconds: longer than a, e and c take to come back; case b waits it out
DPID=

at_exit 'stop_pidfiles "$DIR"/rtr.pid "$DIR"/cu.pid "$DIR"/ttk.pid; stop_pid "$DPID"'
fail() {
	echo "FAIL: $*"
	echo "--- lookup:"; "$ASCLASS" --pin-dir "$PIN" lookup 175.45.176.1 2>&1
	echo "--- feed metrics:"; scrape metrics 2>&1 | grep '^asclass_feed_.*peer="rtr"'
	for l in "$DIR"/daemon*.log; do echo "--- $l:"; tail -30 "$l"; done
	exit 1
}

# ---- topology and configurations -----------------------------------------

scenario_links "$P"
bird_upstream cu 4837 198.51.100.1 198.51.100.2
bird_upstream ttk 20485 198.51.100.5 198.51.100.6
bird_router "hold time 3; keepalive time 1; graceful restart on;"
bgp_conf "$DIR/asclass.conf" "${P}a" "hold_time = 3
stale_time = $STALE"

# ---- what is checked -------------------------------------------------------

feed() { metric "asclass_feed_$1{peer=\"rtr\"${2:-}}"; }
stale_is() { [ "$(feed stale_routes)" = "$1" ]; }
routes_are() { [ "$(feed routes)" = "$1" ]; }
session_down() { scrape metrics >/dev/null && ! established rtr; }
# The table as the pinned maps and the feed show it: the route traffic from
# the prefix gets, IPv4 prefixes loaded, the paths the router sent.
table() { printf '%s|%s|%s' "$(route_of)" "$(metric 'asclass_routes{family="ipv4"}')" "$(feed routes)"; }
table_is_before() { [ "$(table)" = "$BEFORE" ]; }
# Packets in from the prefix counted under origin 131279 and transit 4837.
counted() {
	"$ASCLASS" --pin-dir "$PIN" stats --json | jq '[.counters[] | select(.origin_as == 131279
		and .transit_as == 4837 and .direction == "in") | .packets] | add // 0'
}
counted_is() { [ "$(counted)" = "$1" ]; }
send3() { in_ns "$NS_RTR" ping -q -c 3 -i 0.2 -I 175.45.176.1 203.0.113.2 >/dev/null || fail "ping"; }
# send3, and the three packets counted under the same route
send3_counted() {
	local n0
	n0=$(counted)
	send3
	wait_for 5 counted_is $((n0 + 3)) ||
		fail "$1: 3 packets not counted under 131279/4837: $n0 -> $(counted)"
}
# log_time TEXT: UNIX seconds of the daemon's last log line holding TEXT (the
# daemon's own clock: polling the metrics is too slow to time seconds).
log_time() { date -d "$(grep "$1" "$LOG" | tail -1 | cut -d' ' -f1)" +%s; }
log_count() { grep -c "$1" "$LOG"; }
logged_more() { [ "$(log_count "$1")" -gt "$2" ]; }
# not_flushed CASE N: no more "no session within the stale time" lines than N
# (the count before the case): the session came back in time.
not_flushed() {
	[ "$(log_count "no session within the stale time")" = "$2" ] ||
		fail "$1: stale routes removed before the session was back"
}
# went_down CASE TEXT: the session is down and the log's count of TEXT grew.
went_down() {
	wait_for 10 session_down || fail "$1: the session is still up"
	wait_for 2 logged_more "$2" "$N_TEXT" || fail "$1: no \"$2\" logged"
}
# stale_kept CASE: the session went away; the routes stay, 2 stale paths.
stale_kept() {
	wait_for 5 stale_is 2 || fail "$1: stale routes $(feed stale_routes), want 2"
	table_is_before || fail "$1: the table changed while stale: $(table), was $BEFORE"
	send3_counted "$1 (stale)"
}
# back CASE: the session is up again, nothing stale, the same table.
back() {
	wait_for 30 established rtr || fail "$1: the session did not come back"
	wait_for 20 stale_is 0 || fail "$1: stale routes left: $(feed stale_routes)"
	wait_for 20 table_is_before || fail "$1: table $(table), was $BEFORE"
	send3_counted "$1 (back)"
}

# ---- the cases ---------------------------------------------------------------

# a. link down, hold time 3 s
case_a() {
	local t0 took n_flush=$(log_count "no session within the stale time")
	local text="session down: hold timer expired"

	N_TEXT=$(log_count "$text")
	t0=$(date +%s)
	ip -n "$NS_RTR" link set "${P}ra" down
	went_down a "$text"
	took=$(($(log_time "$text") - t0))
	# the log's whole seconds: 3-4 s after t0 is 2 to 5
	[ "$took" -ge 2 ] && [ "$took" -le 5 ] ||
		fail "a: the session dropped after $took s, want 3-4 s"
	wait_for 5 stale_is 2 || fail "a: stale routes $(feed stale_routes), want 2"
	table_is_before || fail "a: the table changed while stale: $(table), was $BEFORE"
	ip -n "$NS_RTR" link set "${P}ra" up
	back a
	not_flushed a "$n_flush"
	echo "ok: a. link down: the session dropped after $took s, routes kept stale, back"
}

# e. the neighbour disabled and enabled on the router
case_e() {
	local n_flush=$(log_count "no session within the stale time")

	N_TEXT=$(log_count "NOTIFICATION received: Cease / Administrative Shutdown")
	birdc -s "$DIR/rtr.ctl" disable asclass >/dev/null
	went_down e "NOTIFICATION received: Cease / Administrative Shutdown"
	stale_kept e
	birdc -s "$DIR/rtr.ctl" enable asclass >/dev/null
	back e
	not_flushed e "$n_flush"
	echo "ok: e. peer disabled: stale while down, then fresh"
}

# c. the router killed, graceful restart.  BIRD started again without -R
# keeps no forwarding state: its new session flushes the stale paths at once
# and sends them again.
case_c() {
	local eor0 n_flush=$(log_count "no session within the stale time")

	eor0=$(feed last_eor_timestamp_seconds ',family="ipv4"')
	sleep 1 # the next End-of-RIB is at least a second later
	N_TEXT=$(log_count "graceful restart: the peer's restart time")
	kill -KILL "$(bird_pid rtr)"
	went_down c "graceful restart: the peer's restart time"
	stale_kept c
	bird_start rtr "$NS_RTR"
	back c
	[ "$(feed last_eor_timestamp_seconds ',family="ipv4"')" -gt "$eor0" ] ||
		fail "c: last End-of-RIB $(feed last_eor_timestamp_seconds ',family="ipv4"'), was $eor0"
	not_flushed c "$n_flush"
	echo "ok: c. router killed: routes kept through its restart, table equal after it"
}

# b. a silent router: its packets to asclass's BGP port dropped
case_b() {
	local took removed="removed 2 stale ipv4 routes: no session within the stale time"

	in_ns "$NS_RTR" nft -f - <<-NFT
	table inet asc_silent { chain out { type filter hook output priority 0;
		ip daddr 203.0.113.2 tcp dport 179 drop; }; }
	NFT
	N_TEXT=$(log_count "session down: hold timer expired")
	went_down b "session down: hold timer expired"
	stale_kept b
	wait_for $((STALE + 5)) no_route || fail "b: the stale routes were not removed"
	grep -q "$removed" "$LOG" || fail "b: the removal is not logged"
	took=$(($(log_time "$removed") - $(log_time "session down: hold timer expired")))
	[ "$took" -ge $((STALE - 1)) ] && [ "$took" -le $((STALE + 1)) ] ||
		fail "b: routes removed $took s after the session went, want $STALE s"
	stale_is 0 || fail "b: stale routes left: $(feed stale_routes)"
	in_ns "$NS_RTR" nft delete table inet asc_silent
	back b
	echo "ok: b. silent router: hold timer, stale, removed $took s after, back"
}

# d. asclass killed with kill -9, started again on its pinned maps
case_d() {
	local n0

	n0=$(counted)
	kill -KILL "$DPID"
	wait "$DPID" 2>/dev/null
	DPID=
	[ "$(route_of)" = "${BEFORE%%|*}" ] ||
		fail "d: the pinned tables changed with asclass down: $(route_of)"
	send3
	wait_for 5 counted_is $((n0 + 3)) ||
		fail "d: packets not counted with asclass down: $n0 -> $(counted)"
	LOG=$DIR/daemon2.log
	daemon_start "$DIR/asclass.conf" "$LOG"
	wait_for 10 scrape metrics >/dev/null || fail "d: the restarted daemon does not serve /metrics"
	[ "$(counted)" = $((n0 + 3)) ] || fail "d: counts after the restart: $(counted), want $((n0 + 3))"
	back d
	[ "$(counted)" = $((n0 + 6)) ] || fail "d: counts $(counted), want $((n0 + 6))"
	echo "ok: d. asclass killed: tables served while down, no count lost, session and table back"
}

# ---- the run ----------------------------------------------------------------

LOG=$DIR/daemon.log
daemon_start "$DIR/asclass.conf" "$LOG"
wait_for 10 scrape metrics >/dev/null || fail "the daemon does not serve /metrics"
for b in cu:$NS_CU ttk:$NS_TTK rtr:$NS_RTR; do bird_start "${b%%:*}" "${b#*:}"; done
wait_for 30 route_is 131279 4837 || fail "the feed's routes did not reach the data plane"
wait_for 20 routes_are 2 || fail "paths from the router: $(feed routes), want 2"
BEFORE=$(table)
stale_is 0 || fail "stale routes at the start: $(feed stale_routes)"
[ "$(feed last_eor_timestamp_seconds ',family="ipv4"')" -gt 0 ] || fail "no End-of-RIB time"
send3_counted start
echo "ok: start: $BEFORE"

# FAULT_CASES: the cases to run, in order (default: all)
for c in ${FAULT_CASES:-a e c b d}; do "case_$c"; done

stop_pid "$DPID"
wait "$DPID" 2>/dev/null
echo "PASS"
