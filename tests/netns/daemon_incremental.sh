#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/daemon_incremental.sh - asclass run with [bgp]: after the first
# whole load, a path change goes into the pinned tables prefix by prefix.
# BIRD 2 plays the border router, as in daemon_bird.sh:
#
#   cu (BIRD, AS4837) --eBGP-- rtr (BIRD, AS64500) --iBGP, ADD-PATH tx--> asc (asclass run)
#
# cu announces 175.45.176.0/22 as "4837 131279", then (birdc configure with
# a changed export filter) as "4837 3356 131279", then as before.  Checked
# each time: `asclass lookup` of the pinned tables gives the new transit;
# asclass_table_updates_total{kind="prefix"} rises and {kind="load"} does
# not (and the log has one load); the count of
# asclass_feed_update_kernel_seconds rises; packets sent after the change
# count under the new transit.  Then another process attaches a new upstream
# and detaches it: the next change is a whole load, and counts right.  Each
# BIRD and the daemon run with their own config, sockets and pid files, and
# are stopped by their pid.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/netns.sh
. tests/lib/daemon_bgp.sh
O=${O:-build}

bird_test_init
PORT=9753
DPID=

at_exit 'stop_pidfiles "$DIR"/rtr.pid "$DIR"/cu.pid; stop_pid "$DPID"'
fail() {
	echo "FAIL: $*"
	echo "--- lookup:"; "$ASCLASS" --pin-dir "$PIN" lookup 175.45.176.1 2>&1
	echo "--- metrics:"; scrape metrics | grep -E '^asclass_(table_updates|feed_update_kernel_seconds_count)'
	echo "--- daemon log:"; tail -30 "$DIR/daemon.log"
	exit 1
}

scenario_links "i${T}"
bird_upstream cu 4837 198.51.100.1 198.51.100.2
bird_router ""
bgp_conf "$DIR/asclass.conf" "i${T}a"

updates() { metric "asclass_table_updates_total{kind=\"$1\"}"; }
latency_count() { metric asclass_feed_update_kernel_seconds_count; }
loads_logged() { grep -c "routing loaded: " "$DIR/daemon.log"; }
# packets_under TRANSIT: packets in from 131279 counted under that transit
packets_under() {
	"$ASCLASS" --pin-dir "$PIN" stats --json |
		jq "[.counters[] | select(.origin_as == 131279 and .transit_as == $1 and
			.direction == \"in\") | .packets] | add // 0"
}

# cu_path AS...: cu exports the prefix with these ASes in front of 131279
# (after its own 4837), applied by `birdc configure`.
cu_path() {
	local f="bgp_path.prepend(131279);" a
	for a in "$@"; do f="$f bgp_path.prepend($a);"; done
	sed -i "s/export filter {.*}; };/export filter { $f accept; }; };/" "$DIR/cu.conf"
	grep -q "prepend(131279); ${1:+bgp_path.prepend($1);} *accept" "$DIR/cu.conf" ||
		fail "cu.conf not rewritten: $(cat "$DIR/cu.conf")"
	birdc -s "$DIR/cu.ctl" configure >/dev/null || fail "birdc configure"
}

# change_to TRANSIT AS...: cu's path changes; the tables follow in place.
change_to() {
	local transit=$1 p0 l0 h0 n0
	shift
	p0=$(updates prefix) l0=$(updates load) h0=$(latency_count) n0=$(packets_under "$transit")
	cu_path "$@"
	wait_for 15 route_is 131279 "$transit" || fail "the path change did not reach the tables"
	[ "$(updates prefix)" -gt "$p0" ] || fail "table updates of kind prefix: $(updates prefix), were $p0"
	[ "$(updates load)" = "$l0" ] || fail "a whole load for one path change: $(updates load), were $l0"
	[ "$(latency_count)" -gt "$h0" ] || fail "latency histogram count $(latency_count), was $h0"
	[ "$(loads_logged)" = 1 ] || fail "$(loads_logged) loads in the log, want the first alone"
	in_ns "$NS_RTR" ping -q -c 3 -i 0.2 -I 175.45.176.1 203.0.113.2 >/dev/null || fail "ping"
	[ "$(packets_under "$transit")" = $((n0 + 3)) ] ||
		fail "packets under 131279/$transit: $(packets_under "$transit"), want $((n0 + 3))"
	echo "ok: transit $transit in place: $(updates prefix) prefix updates, $(updates load) load," \
		"$(latency_count) latencies observed, 3 packets under it"
}

daemon_start "$DIR/asclass.conf" "$DIR/daemon.log"
wait_for 10 scrape metrics >/dev/null || fail "the daemon does not serve /metrics"
bird_start cu "$NS_CU"
bird_start rtr "$NS_RTR"
wait_for 30 route_is 131279 4837 || fail "the feed's route did not reach the data plane"
wait_for 5 test "$(updates load)" = 1 || fail "first load: $(updates load) loads in the metrics"
[ "$(latency_count)" -ge 1 ] || fail "the first load observed no latency"
if command -v promtool >/dev/null; then
	scrape metrics | promtool check metrics || fail "promtool check metrics"
fi
echo "ok: first whole load: $(route_of)"

change_to 3356 3356
change_to 4837
change_to 3356 3356

# Another process attaches a new upstream (its no-route counter slots are
# written by an allocator that is not the daemon's) and detaches it: the
# next change is a whole load (the upstreams' table holds one more name
# now, and the daemon's kept allocator does not know those slots), not an
# update that could hand out one of them again.  (The case where the
# columns come back as they were, a known upstream attached again whose
# no-route slots were folded, is in tests/prog/test_live.c and
# test_slots.c: it needs a full asc_counts.)
ip -n "$NS_ASC" link add "x${T}" type veth peer name "y${T}"
ip -n "$NS_ASC" link set "x${T}" up
ip -n "$NS_ASC" link set "y${T}" up
in_ns "$NS_ASC" "$ASCLASS" --pin-dir "$PIN" attach "x${T}" --upstream other --mode skb >/dev/null ||
	fail "attach of another upstream"
in_ns "$NS_ASC" "$ASCLASS" --pin-dir "$PIN" detach "x${T}" >/dev/null || fail "detach"
l0=$(updates load) n0=$(packets_under 4837)
cu_path
wait_for 15 route_is 131279 4837 || fail "the path change after the attach did not reach the tables"
wait_for 5 test "$(updates load)" = $((l0 + 1)) ||
	fail "whole loads $(updates load) after the attach, want $((l0 + 1))"
grep -q "a whole load follows" "$DIR/daemon.log" ||
	fail "the daemon did not log why it loads whole"
in_ns "$NS_RTR" ping -q -c 3 -i 0.2 -I 175.45.176.1 203.0.113.2 >/dev/null || fail "ping"
[ "$(packets_under 4837)" = $((n0 + 3)) ] ||
	fail "packets under 131279/4837: $(packets_under 4837), want $((n0 + 3))"
echo "ok: after another process's attach and detach, a whole load: $(updates load) loads"

stop_pid "$DPID"
wait "$DPID" 2>/dev/null
echo "PASS"
