#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/daemon_eor_wait.sh - the daemon's first whole load of the live
# feed waits for End-of-RIB: a raw speaker (bgp_raw_speaker.py, in its own
# namespace) that promises End-of-RIB (graceful restart capability)
# announces 175.45.176.0/22 and 50 more /24s and holds its End-of-RIB back.
# Checked: while it does, over many apply_intervals, no whole load happens
# (the log says what it waits for, the tables stay empty); once End-of-RIB
# comes, exactly one whole load takes all 51 prefixes, and none follows.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/netns.sh
. tests/lib/daemon_bgp.sh
O=${O:-build}

raw_test_init
PORT=9753
APPLY_MS=100
QUIET_TICKS=20 # apply_intervals without a load while End-of-RIB is held back
loads() { grep -c "routing loaded: .* from the BGP feed" "$DIR/daemon.log"; }

raw_setup "$APPLY_MS"

daemon_start "$DIR/asclass.conf" "$DIR/daemon.log"
wait_for 10 grep -q "listening on 203.0.113.2" "$DIR/daemon.log" || fail "the feed does not listen"
GR=1 EOR="$DIR/eor" BULK=50 nsenter --net="/run/netns/$NS_RTR" /usr/bin/python3 \
	tests/netns/bgp_raw_speaker.py 203.0.113.2 64500 203.0.113.1 "$DIR/go" "$DIR/stop" \
	>"$DIR/speaker.log" 2>&1 &
SPID=$!

wait_for 20 grep -q "burst took" "$DIR/speaker.log" || fail "the speaker did not send its routes"
wait_for 20 grep -q "waiting for End-of-RIB from raw before the whole load" "$DIR/daemon.log" ||
	fail "the daemon does not say it waits for End-of-RIB"
# every route received; no load over QUIET_TICKS apply_intervals
updates_are() { [ "$(metric 'asclass_feed_updates_received_total{peer="raw"}')" = "$1" ]; }
wait_for 10 updates_are 51 || fail "UPDATEs received: want 51"
sleep "$(awk -v n=$QUIET_TICKS -v ms=$APPLY_MS 'BEGIN {print n * ms / 1000}')"
[ "$(loads)" = 0 ] || fail "$(loads) whole loads before End-of-RIB"
no_route || fail "the tables have a route before End-of-RIB: $(route_of)"
echo "ok: 51 routes received, no whole load over $QUIET_TICKS apply_intervals without End-of-RIB"

touch "$DIR/eor"
wait_for 10 grep -q "End-of-RIB sent" "$DIR/speaker.log" || fail "the speaker sent no End-of-RIB"
wait_for 20 grep -q "routing loaded: 51 IPv4 + 0 IPv6 prefixes from the BGP feed" "$DIR/daemon.log" ||
	fail "no whole load of the 51 prefixes after End-of-RIB"
grep -q "End-of-RIB from every BGP session, its routes in the RIB: the whole load" \
	"$DIR/daemon.log" || fail "the load after End-of-RIB is not logged as such"
route_is 131279 20485 || fail "175.45.176.0/22 not in the tables: $(route_of)"
sleep "$(awk -v n=$QUIET_TICKS -v ms=$APPLY_MS 'BEGIN {print n * ms / 1000}')"
[ "$(loads)" = 1 ] || fail "$(loads) whole loads after End-of-RIB, want 1"
echo "ok: End-of-RIB: exactly one whole load, with all 51 prefixes"

touch "$DIR/stop"
wait "$SPID" 2>/dev/null
SPID=
stop_pid "$DPID"
echo "PASS"
