#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/daemon_bmp.sh - asclass run with [bmp]: the BMP station drives
# the data plane.  GoBGP plays the border router and reports its peers over
# BMP, as in bmp_routers.sh:
#
#   cu  (BIRD, AS4837)  --eBGP--+
#                               rtr (gobgpd, AS64500) --BMP--> asc (asclass run, [bmp])
#   ttk (BIRD, AS20485) --eBGP--+
#
# cu and ttk announce 175.45.176.0/22 as "4837 131279" and "20485 131279".
# Checked: cu's path alone reaches the data plane first (the first load is
# the events' baseline), then ttk's: `asclass lookup` of the pinned tables
# over the link (configured as ttk's, AS20485) gives the consensus 131279/4837
# while only cu announces, then ttk's own path 131279/20485; the "gained" event of transit 20485
# (GET /events, the counter); packets from the prefix are counted under
# origin 131279 (stats --json); the station's metrics (router up, sysName,
# messages, peers up); gobgpd killed with SIGKILL (no Peer Down, no
# Termination): its connection's close withdraws every path, the prefix
# leaves the tables and the link's "lost" event comes; a connection from an
# address not in `allow` is refused, logged and counted.  Each daemon runs
# with its own config and state, and is stopped by its pid.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/netns.sh
. tests/lib/daemon_bgp.sh
O=${O:-build}

need_root
command -v bird >/dev/null && command -v birdc >/dev/null ||
	{ echo "SKIP: BIRD 2 not installed (make deps installs bird2)"; exit 77; }
command -v gobgpd >/dev/null || { echo "SKIP: gobgpd not installed (make deps installs gobgpd)"; exit 77; }

ns_test_init
T=$id DIR=$work
NS_CU=asc-$T-cu NS_TTK=asc-$T-ttk NS_RTR=asc-$T-rtr NS_ASC=asc-$T-asc
PORT=9753
DPID= RTR_PID=

at_exit 'stop_pidfiles "$DIR"/cu.pid "$DIR"/ttk.pid; stop_pid "$RTR_PID"; stop_pid "$DPID"'
fail() {
	echo "FAIL: $*"
	echo "--- lookup:"; "$ASCLASS" --pin-dir "$PIN" lookup 175.45.176.1 2>&1
	echo "--- daemon log:"; tail -30 "$DIR/daemon.log"
	echo "--- gobgpd log:"; tail -10 "$DIR/gobgp.log"
	exit 1
}

# ---- topology ----------------------------------------------------------

scenario_links "m${T}"
ip -n "$NS_RTR" addr add 198.18.0.1/32 dev "m${T}ra" # a router not allowed
ip -n "$NS_ASC" route add 198.18.0.1/32 via 203.0.113.1

# ---- configurations -------------------------------------------------------

bird_upstream cu 4837 198.51.100.1 198.51.100.2
bird_upstream ttk 20485 198.51.100.5 198.51.100.6
gobgp_bmp_toml "$DIR/gobgp.toml" 203.0.113.2
cat >"$DIR/asclass.conf" <<CONF
[link rtr]
interface = m${T}a
asn = 20485

[bmp]
listen = 203.0.113.2
allow = 203.0.113.1
apply_interval = 200

[metrics]
listen = 127.0.0.1:$PORT

[daemon]
pin_dir = $PIN
mode = skb
CONF

# the gRPC API on the namespace's own loopback; nsenter itself: $! is gobgpd
router_start() {
	nsenter --net="/run/netns/$NS_RTR" gobgpd -f "$DIR/gobgp.toml" -p -l info \
		--api-hosts 127.0.0.1:50051 --pprof-disable >"$DIR/gobgp.log" 2>&1 &
	RTR_PID=$!
}

logged() { grep -c "$1" "$DIR/daemon.log"; }
logged_more() { [ "$(logged "$1")" -gt "$2" ]; }
has_json_event() { scrape events | jq -e --arg c "$1" --argjson t "$2" \
	'any(.[]; .change == $c and .origin_as == 131279 and .transit_as == $t)' >/dev/null; }

# ---- the run -------------------------------------------------------------

"$ASCLASS" run --config "$DIR/asclass.conf" --check-config | grep -q "BMP station on 203.0.113.2 port 1790 (1 allowed routers)" ||
	fail "--check-config does not show the station"
daemon_start "$DIR/asclass.conf" "$DIR/daemon.log"
wait_for 10 scrape metrics >/dev/null || fail "the daemon does not serve /metrics"
grep -q "BMP station: listening on 203.0.113.2 port 1790" "$DIR/daemon.log" ||
	fail "the station did not start"

# cu first: its path alone is the events' baseline
bird_start cu "$NS_CU"
router_start
wait_for 30 route_is 131279 4837 consensus || fail "cu's path did not reach the data plane"
# a whole load first (with cu's path, or before it, which then came in place)
grep -q "routing loaded: .* from the BMP station" "$DIR/daemon.log" ||
	fail "no load from the BMP station in the log"
"$ASCLASS" --pin-dir "$PIN" status | grep -q ' 1 IPv4 + 0 IPv6 prefixes' ||
	fail "the tables: $("$ASCLASS" --pin-dir "$PIN" status)"
echo "ok: GoBGP's path from cu in the data plane: $(route_of)"

g0=$(changes gained)
bird_start ttk "$NS_TTK"
wait_for 30 route_is 131279 20485 || fail "ttk's path is not the link's own: $(route_of)"
wait_for 5 has_json_event gained 20485 || fail "no gained event 131279/20485 on /events: $(scrape events)"
[ "$(changes gained)" -gt "$g0" ] || fail "gained counter $(changes gained), was $g0"
echo "ok: both paths, ttk's the link's own; event gained 131279/20485"

# traffic from the prefix is counted under it
in_ns "$NS_RTR" ping -q -c 3 -i 0.2 -I 175.45.176.1 203.0.113.2 >/dev/null || fail "ping"
"$ASCLASS" --pin-dir "$PIN" stats --json |
	jq -e '[.counters[] | select(.origin_as == 131279 and .direction == "in") | .packets] |
		add == 3' >/dev/null ||
	fail "3 packets not counted under 131279: $("$ASCLASS" --pin-dir "$PIN" stats)"
echo "ok: packets counted under origin 131279"

# the station's series
[ "$(metric 'asclass_bmp_router_up{router="203.0.113.1"}')" = 1 ] || fail "router not up in the metrics"
scrape metrics | grep -q '^asclass_bmp_router_info{router="203.0.113.1",sys_name="[^"]\+"} 1$' ||
	fail "no sysName in the metrics"
[ "$(metric 'asclass_bmp_messages_total{router="203.0.113.1",type="route_monitoring"}')" -ge 2 ] ||
	fail "Route Monitoring messages not counted"
[ "$(metric 'asclass_bmp_prefixes_announced_total{router="203.0.113.1"}')" -ge 2 ] ||
	fail "announced prefixes not counted"
for p in 198.51.100.1:4837 198.51.100.5:20485; do
	[ "$(metric "asclass_bmp_peer_up{router=\"203.0.113.1\",peer=\"${p%:*}\",peer_as=\"${p#*:}\"}")" = 1 ] ||
		fail "peer $p not up in the metrics"
done
scrape metrics | promtool check metrics || fail "promtool check metrics"
echo "ok: the station's metrics"

# a router not allowed: refused, logged, counted
CONNECT_AS_198_18_0_1='import socket, time
s = socket.create_connection(("203.0.113.2", 1790), 5, ("198.18.0.1", 0))
time.sleep(0.3)'
in_ns "$NS_RTR" /usr/bin/python3 -c "$CONNECT_AS_198_18_0_1" || fail "no TCP connection from 198.18.0.1"
wait_for 5 grep -q "bmp: connection from 198.18.0.1 refused: not an allowed router" "$DIR/daemon.log" ||
	fail "the connection from 198.18.0.1 was not refused"
[ "$(metric 'asclass_bmp_connections_refused_total{reason="not_allowed"}')" = 1 ] ||
	fail "refused connection not counted"
[ "$(metric 'asclass_bmp_connections_refused_total{reason="limit"}')" = 0 ] ||
	fail "a refusal not at the limit counted as one"
scrape metrics | grep -q 'router="198.18.0.1"' && fail "198.18.0.1 is a router of the station"
echo "ok: a router not in allow refused"

# SIGHUP with 198.18.0.1 allowed: the station restarts (empty RIB, the
# router reconnects), the paths come back, 198.18.0.1 is now taken
conn0=$(logged 'router 203.0.113.1: connected') load0=$(logged 'prefixes from the BMP station')
sed -i 's/^allow = 203.0.113.1$/&\nallow = 198.18.0.1/' "$DIR/asclass.conf"
kill -HUP "$DPID"
wait_for 10 grep -q "\[bmp\] changed: restarting the BMP station" "$DIR/daemon.log" ||
	fail "SIGHUP did not restart the station"
# the same lines again, from the restarted station
wait_for 30 logged_more 'router 203.0.113.1: connected' "$conn0" ||
	fail "gobgpd did not connect to the restarted station"
wait_for 30 logged_more 'prefixes from the BMP station' "$load0" ||
	fail "no load from the restarted station"
wait_for 10 route_is 131279 20485 || fail "the paths did not come back after the restart"
in_ns "$NS_RTR" /usr/bin/python3 -c "$CONNECT_AS_198_18_0_1" || fail "no TCP connection from 198.18.0.1"
router_known() { scrape metrics | grep -q 'asclass_bmp_router_up{router="198.18.0.1"}'; }
wait_for 5 router_known ||
	fail "198.18.0.1 not taken after SIGHUP allowed it"
# GoBGP's Statistics Report (every 15 s): cu's Adj-RIB-In holds the prefix
adj_in() { [ "$(metric 'asclass_bmp_peer_adj_rib_in_routes{router="203.0.113.1",peer="198.51.100.1",peer_as="4837"}')" = 1 ]; }
wait_for 20 adj_in || fail "no Statistics Report count of cu's Adj-RIB-In: $(scrape metrics | grep _rib_)"
echo "ok: SIGHUP with a changed [bmp] restarts the station; the paths and the statistics come back"

# gobgpd killed: no Peer Down, no Termination; the close withdraws its paths
l0=$(changes lost)
{ kill -KILL "$RTR_PID" && wait "$RTR_PID"; } 2>/dev/null
wait_for 15 no_route || fail "the prefix did not leave the tables"
# events are per attached upstream: the link's (ttk's) own paths lost 20485;
# cu's 4837 was never the link's
wait_for 5 has_json_event lost 20485 || fail "no lost event 131279/20485: $(scrape events)"
[ "$(changes lost)" -ge $((l0 + 1)) ] || fail "lost counter $(changes lost), want $((l0 + 1))"
[ "$(metric 'asclass_bmp_router_up{router="203.0.113.1"}')" = 0 ] || fail "router still up in the metrics"
echo "ok: gobgpd killed: no route, event lost 131279/20485 via the link"

stop_pid "$DPID"
wait "$DPID" 2>/dev/null
echo "PASS"
