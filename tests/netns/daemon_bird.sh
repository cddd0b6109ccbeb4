#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/daemon_bird.sh - asclass run with [bgp]: the live feed drives the
# data plane.  BIRD 2 plays the border router, as in feed_bird.sh:
#
#   cu  (BIRD, AS4837)  --eBGP--+
#                               rtr (BIRD, AS64500) --iBGP, ADD-PATH tx--> asc (asclass run)
#   ttk (BIRD, AS20485) --eBGP--+
#
# cu and ttk announce 175.45.176.0/22 as "4837 131279" and "20485 131279".
# Checked: both paths reach the data plane (`asclass lookup` of the pinned
# tables: origin 131279, multi_transit); packets from the prefix are counted
# under it; ttk's withdrawal (its session disabled) gives a "lost" event
# (counter, GET /events, `asclass events --from`, the log) and a table with transit 4837 alone; its
# return a "gained" event; both withdrawn, the prefix leaves the tables; the
# feed's session metrics.  Each BIRD and the daemon run with their own
# config, sockets and pid files, and are stopped by their pid.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/netns.sh
. tests/lib/daemon_bgp.sh
O=${O:-build}

bird_test_init
PORT=9751
DPID=

bird_pid() { cat "$DIR/$1.pid" 2>/dev/null; }
# transit_held T N: the watched origin 131279 has N prefixes behind transit T
# (a pair that had prefixes stays, at 0)
transit_held() {
	[ "$(metric "asclass_origin_transit_prefixes{origin_as=\"131279\",transit_as=\"$1\"}")" = "$2" ]
}
at_exit 'stop_pidfiles "$DIR"/rtr.pid "$DIR"/cu.pid "$DIR"/ttk.pid; stop_pid "$DPID"'
fail() {
	echo "FAIL: $*"
	echo "--- lookup:"; "$ASCLASS" --pin-dir "$PIN" lookup 175.45.176.1 2>&1
	echo "--- daemon log:"; tail -30 "$DIR/daemon.log"
	exit 1
}

# ---- topology ----------------------------------------------------------

scenario_links "d${T}"

# ---- configurations -------------------------------------------------------

bird_upstream cu 4837 198.51.100.1 198.51.100.2
bird_upstream ttk 20485 198.51.100.5 198.51.100.6
bird_router "graceful restart on;"
bgp_conf "$DIR/asclass.conf" "d${T}a"
sed -i 's/^\[metrics\]$/&\nwatch = 131279/' "$DIR/asclass.conf"

# ---- the run -------------------------------------------------------------

daemon_start "$DIR/asclass.conf" "$DIR/daemon.log"
wait_for 10 scrape metrics >/dev/null || fail "the daemon does not serve /metrics"
for b in cu:$NS_CU ttk:$NS_TTK rtr:$NS_RTR; do bird_start "${b%%:*}" "${b#*:}"; done

# both paths: origin 131279; rtr (AS64500, the router itself) has them all,
# and a tie between transits goes to the lower AS.  The watched origin's
# transits say both paths went through an events step: until then a path
# withdrawn is one the events never saw (no "lost" for it).
wait_for 30 route_is 131279 4837 || fail "the feed's routes did not reach the data plane"
wait_for 30 transit_held 20485 1 || fail "ttk's path not in the watched origin's transits"
wait_for 5 transit_held 4837 1 || fail "cu's path not in the watched origin's transits"
grep -q "routing loaded: 1 IPv4 + 0 IPv6 prefixes from the BGP feed" "$DIR/daemon.log" ||
	fail "no load from the feed in the log"
[ "$(metric 'asclass_feed_session_state{peer="rtr",state="Established"}')" = 1 ] ||
	fail "no Established session in the metrics"
[ "$(metric 'asclass_feed_updates_received_total{peer="rtr"}')" -ge 1 ] || fail "no UPDATE counted"
if command -v promtool >/dev/null; then
	scrape metrics | promtool check metrics || fail "promtool check metrics"
fi
echo "ok: BIRD's paths in the data plane: $(route_of)"

# traffic from the prefix is counted under it
in_ns "$NS_RTR" ping -q -c 3 -i 0.2 -I 175.45.176.1 203.0.113.2 >/dev/null || fail "ping"
"$ASCLASS" --pin-dir "$PIN" stats --json |
	jq -e '[.counters[] | select(.origin_as == 131279 and .transit_as == 4837 and
		.direction == "in") | .packets] | add == 3' >/dev/null ||
	fail "3 packets not counted under 131279/4837: $("$ASCLASS" --pin-dir "$PIN" stats)"
echo "ok: packets counted under origin 131279, transit 4837"

g0=$(changes gained) l0=$(changes lost)
birdc -s "$DIR/ttk.ctl" disable rtr >/dev/null
wait_for 15 transit_held 20485 0 || fail "ttk's path not withdrawn"
route_is 131279 4837 || fail "ttk's path withdrawn, the route: $(route_of)"
wait_for 5 changes_are lost $((l0 + 1)) || fail "lost counter $(changes lost), want $((l0 + 1))"
scrape events | grep -q '"change": *"lost", *"origin_as": *131279, *"transit_as": *20485' ||
	fail "no lost event on /events: $(scrape events)"
grep -q "routing change: origin AS131279 lost transit AS20485 via rtr at 20" "$DIR/daemon.log" ||
	fail "the lost event is not logged"
has_event "	rtr	lost	131279	20485	1	175.45.176.0/22$" ||
	fail "asclass events --from: $(in_ns "$NS_ASC" "$ASCLASS" events --from "127.0.0.1:$PORT" 2>&1)"
echo "ok: withdrawal: transit 4837 alone, event lost 131279/20485"

birdc -s "$DIR/ttk.ctl" enable rtr >/dev/null
wait_for 30 transit_held 20485 1 || fail "ttk's path did not come back"
route_is 131279 4837 || fail "ttk's path back, the route: $(route_of)"
wait_for 5 changes_are gained $((g0 + 1)) ||
	fail "gained counter $(changes gained), want $((g0 + 1))"
echo "ok: return: event gained 131279/20485"

birdc -s "$DIR/ttk.ctl" disable rtr >/dev/null
birdc -s "$DIR/cu.ctl" disable rtr >/dev/null
wait_for 15 no_route ||
	fail "the prefix did not leave the tables"
echo "ok: both withdrawn, no route"

stop_pid "$DPID"
wait "$DPID" 2>/dev/null
echo "PASS"
