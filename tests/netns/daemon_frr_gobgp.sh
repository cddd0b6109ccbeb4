#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/daemon_frr_gobgp.sh - asclass run's live feed with two other BGP
# implementations as the routers, each in its own namespace:
#
#   frr   (FRR 8 bgpd, AS64500, no zebra)  --iBGP-->  asc (asclass run, two [neighbor]s)
#   gobgp (gobgpd 3, AS64500)              --iBGP-->
#
# FRR originates 175.45.176.0/22 with the path "4837 131279" (a route-map
# prepends it); checked: the prefix reaches the pinned tables with origin
# 131279 and transit 4837.  SIGHUP with a [neighbor] added restarts the feed
# (FRR's session and route come back).  Then GoBGP starts and gets the same prefix with
# "20485 131279" from its CLI (`gobgp global rib add`); checked: both paths in
# the tables (multi_transit) and a "gained 131279/20485" event.  Last, SIGHUP
# with GoBGP's [neighbor] removed: its path leaves the tables ("lost" event).  Each daemon
# runs with its own config, sockets and pid file and is stopped by its pid.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/netns.sh
. tests/lib/daemon_bgp.sh
O=${O:-build}
BGPD=/usr/lib/frr/bgpd

need_root
[ -x "$BGPD" ] || { echo "SKIP: FRR not installed (make deps installs frr)"; exit 77; }
command -v gobgpd >/dev/null && command -v gobgp >/dev/null ||
	{ echo "SKIP: GoBGP not installed (make deps installs gobgpd)"; exit 77; }

ns_test_init
T=$id DIR=$work
NS_FRR=asc-$T-frr NS_GO=asc-$T-go NS_ASC=asc-$T-asc
PORT=9753
DPID= GPID=

at_exit 'stop_pidfiles "$DIR"/frr.pid; stop_pid "$GPID"; stop_pid "$DPID"'
fail() {
	echo "FAIL: $*"
	echo "--- lookup:"; "$ASCLASS" --pin-dir "$PIN" lookup 175.45.176.1 2>&1
	echo "--- frr:"; tail -10 "$DIR/frr.log"
	echo "--- gobgp:"; tail -5 "$DIR/gobgp.log"
	echo "--- daemon log:"; tail -20 "$DIR/daemon.log"
	exit 1
}

ns_add "$NS_FRR" "$NS_GO" "$NS_ASC"
veth "$NS_FRR" "p${T}f" "$NS_ASC" "p${T}af"
veth "$NS_GO" "p${T}g" "$NS_ASC" "p${T}ag"
ip -n "$NS_FRR" addr add 203.0.113.1/30 dev "p${T}f"
ip -n "$NS_ASC" addr add 203.0.113.2/30 dev "p${T}af"
ip -n "$NS_GO" addr add 203.0.113.5/30 dev "p${T}g"
ip -n "$NS_ASC" addr add 203.0.113.6/30 dev "p${T}ag"

cat >"$DIR/asclass.conf" <<CONF
[bgp]
listen = 0.0.0.0
local_as = 64500
router_id = 203.0.113.2
apply_interval = 200

[neighbor frr]
address = 203.0.113.1

# per-link attribution from the router's iBGP feed: a path is cu's or ttk's
# by its first AS (FRR and GoBGP are the same router here)
[link cu]
interface = p${T}af
asn = 4837

[link ttk]
interface = p${T}ag
asn = 20485

[metrics]
listen = 127.0.0.1:$PORT

[daemon]
pin_dir = $PIN
CONF
cat >"$DIR/frr.conf" <<FRR
frr defaults traditional
hostname rtr
router bgp 64500
 bgp router-id 203.0.113.1
 no bgp network import-check
 neighbor 203.0.113.2 remote-as 64500
 neighbor 203.0.113.2 timers connect 1
 address-family ipv4 unicast
  network 175.45.176.0/22 route-map scenario
 exit-address-family
!
route-map scenario permit 10
 set as-path prepend 4837 131279
!
FRR
cat >"$DIR/gobgp.toml" <<GOBGP
[global.config]
  as = 64500
  router-id = "203.0.113.5"
  port = -1
[[neighbors]]
  [neighbors.config]
    neighbor-address = "203.0.113.6"
    peer-as = 64500
  [neighbors.timers.config]
    connect-retry = 1
GOBGP


daemon_start "$DIR/asclass.conf" "$DIR/daemon.log"
wait_for 10 grep -q "listening on 0.0.0.0" "$DIR/daemon.log" || fail "the feed does not listen"

# FRR standalone: no zebra (-Z), no kernel routes (-n), as root (-S), no vty port
in_ns "$NS_FRR" "$BGPD" -Z -n -S -f "$DIR/frr.conf" -i "$DIR/frr.pid" --vty_socket "$DIR" \
	-P 0 --log "file:$DIR/frr.log" >>"$DIR/frr.out" 2>&1 &
wait_for 10 test -s "$DIR/frr.pid" || fail "bgpd did not start: $(cat "$DIR/frr.out")"
wait_for 30 established frr || fail "no session with FRR"
wait_for 15 route_is 131279 4837 ||
	fail "FRR's route is not in the tables"
up_route_is ttk 131279 4837 consensus || fail "ttk, which has no path yet: $(UP=ttk route_of)"
echo "ok: FRR: 175.45.176.0/22 via 4837 131279 in the tables"

# SIGHUP with a neighbour added: the feed restarts, FRR's session and route come back
sed -i 's/^\[metrics\]/[neighbor gobgp]\naddress = 203.0.113.5\n\n[metrics]/' "$DIR/asclass.conf"
n=$(grep -c "routing loaded: .* from the BGP feed" "$DIR/daemon.log")
kill -HUP "$DPID"
wait_for 10 grep -q "restarting the BGP feed" "$DIR/daemon.log" || fail "SIGHUP did not restart the feed"
wait_for 10 grep -q "BGP feed: 2 neighbours" "$DIR/daemon.log" || fail "the new neighbour is not configured"
wait_for 30 established frr || fail "FRR's session did not come back after SIGHUP"
# the restarted feed's first load is whole (FRR's route in it, or, when it
# came after FRR's End-of-RIB, put in place right after)
wait_for 15 sh -c "[ \$(grep -c 'routing loaded: .* from the BGP feed' '$DIR/daemon.log') -gt $n ]" ||
	fail "no load from the restarted feed"
wait_for 15 route_is 131279 4837 ||
	fail "FRR's route is not in the tables after SIGHUP"
"$ASCLASS" --pin-dir "$PIN" status | grep -q ' 1 IPv4 + 0 IPv6 prefixes' ||
	fail "the tables after SIGHUP: $("$ASCLASS" --pin-dir "$PIN" status)"
echo "ok: SIGHUP added a neighbour; FRR's session and route are back"

# GoBGP: gRPC API on its namespace's loopback, routes from its CLI
nsenter --net="/run/netns/$NS_GO" gobgpd -f "$DIR/gobgp.toml" --api-hosts 127.0.0.1:50051 \
	--pprof-disable -p >"$DIR/gobgp.log" 2>&1 &
GPID=$!
wait_for 30 established gobgp || fail "no session with GoBGP"
in_ns "$NS_GO" gobgp -u 127.0.0.1 -p 50051 global rib add 175.45.176.0/22 \
	aspath 20485,131279 nexthop 203.0.113.5 -a ipv4 || fail "gobgp global rib add"
wait_for 15 up_route_is ttk 131279 20485 ||
	fail "GoBGP's path is not ttk's in the tables: $(UP=ttk route_of)"
up_route_is cu 131279 4837 || fail "cu lost its own path to GoBGP's: $(UP=cu route_of)"
wait_for 5 has_event "gained	131279	20485" ||
	fail "no gained event for 131279/20485: $(in_ns "$NS_ASC" "$ASCLASS" events --from "127.0.0.1:$PORT")"
echo "ok: GoBGP: 20485 131279 beside FRR's path, event gained 131279/20485"

# SIGHUP with GoBGP's neighbour removed: only FRR's path is loaded again, an event says so
sed -i '/^\[neighbor gobgp\]/,/^address = 203.0.113.5/d' "$DIR/asclass.conf"
n=$(grep -c "BGP feed: 1 neighbours" "$DIR/daemon.log")
kill -HUP "$DPID"
wait_for 10 sh -c "[ \$(grep -c 'BGP feed: 1 neighbours' '$DIR/daemon.log') -gt $n ]" ||
	fail "SIGHUP did not remove the neighbour"
wait_for 30 up_route_is ttk 131279 4837 consensus ||
	fail "GoBGP's path is still in the tables"
wait_for 5 has_event "lost	131279	20485" || fail "no lost event for 131279/20485"
echo "ok: SIGHUP removed GoBGP's neighbour: its path left the tables, event lost 131279/20485"

stop_pid "$DPID"
wait "$DPID" 2>/dev/null
echo "PASS"
