#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/daemon_bmp_fault.sh - BMP routers that go away mid-dump, to
# asclass run with [bmp]: bmp_fault_sender.py plays two routers, A
# (203.0.113.1: 198.18.1-6.0/24) and B (203.0.113.5: 198.18.101-104.0/24),
# each with the peers cu and ttk (A's at 198.51.100.1 and .5, B's at
# 198.51.101.1 and .5: the RIB keys paths by peer address and AS, not by
# router, so two routers reporting the same peer would share its paths).
# Checked, in the pinned tables (asclass
# lookup) and the metrics:
#   A sends half of a Route Monitoring message and closes: A's paths leave
#     the tables, B's stay; the log names A and the byte where its stream
#     stopped and the message cut there, as the sender counted them; A is
#     down in the metrics, B up
#   A again (a new connection works: its paths come back), then half a
#     message and a stall: A stays connected with its paths; then RST: the
#     paths go, the log says the connection was reset and where
#   A a third time: its paths come back; B's were there throughout.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/netns.sh
. tests/lib/daemon_bgp.sh
O=${O:-build}

need_root
ns_test_init
T=$id DIR=$work
NS_RTR=asc-$T-rtr NS_ASC=asc-$T-asc
PORT=9754
DPID= APID= BPID=

at_exit 'stop_pid "$APID"; stop_pid "$BPID"; stop_pid "$DPID"'
fail() {
	echo "FAIL: $*"
	echo "--- router A:"; cat "$DIR"/a*.log
	echo "--- daemon log:"; tail -30 "$DIR/daemon.log"
	exit 1
}

ns_add "$NS_RTR" "$NS_ASC"
veth "$NS_RTR" "b${T}r" "$NS_ASC" "b${T}a"
ip -n "$NS_RTR" addr add 203.0.113.1/29 dev "b${T}r"
ip -n "$NS_RTR" addr add 203.0.113.5/29 dev "b${T}r"
ip -n "$NS_ASC" addr add 203.0.113.2/29 dev "b${T}a"
cat >"$DIR/asclass.conf" <<CONF
[link rtr]
interface = b${T}a
asn = 20485

[bmp]
listen = 203.0.113.2
allow = 203.0.113.1
allow = 203.0.113.5
apply_interval = 200

[metrics]
listen = 127.0.0.1:$PORT

[daemon]
pin_dir = $PIN
mode = skb
CONF

# sender NAME SRC BASE N MODE [NET]: a router in the background, its pid in
# SENDER_PID, its output in $DIR/NAME.log, stopped by $DIR/NAME.stop
sender() {
	rm -f "$DIR/$1.stop" "$DIR/$1.stop.rst"
	nsenter --net="/run/netns/$NS_RTR" /usr/bin/python3 tests/netns/bmp_fault_sender.py \
		203.0.113.2 "$2" "$1" "$3" "$4" "$5" "$DIR/$1.stop" ${6:-} >"$DIR/$1.log" 2>&1 &
	SENDER_PID=$!
}
pfx_route() { addr_route "198.18.$1.1"; }
# has_paths FIRST N: 198.18.FIRST.. hold the sender's paths (cu's on even
# offsets, ttk's on odd); no_paths FIRST N: none of them is routed
has_paths() {
	local i want
	for ((i = 0; i < $2; i++)); do
		want="origin AS131279 transit AS4837"
		((i % 2)) && want="origin AS64496 transit AS20485"
		[ "$(pfx_route $(($1 + i)))" = "$want" ] || return 1
	done
}
no_paths() {
	local i
	for ((i = 0; i < $2; i++)); do
		[ "$(pfx_route $(($1 + i)))" = "no route" ] || return 1
	done
}
router_up() { [ "$(metric "asclass_bmp_router_up{router=\"$1\"}")" = "$2" ]; }
# the daemon's log since line FROM holds TEXT
logged_since() { tail -n +"$(($1 + 1))" "$DIR/daemon.log" | grep -qF "$2"; }
# cut_of LOG: "at byte E, H of the L bytes of the Route Monitoring message
# at byte M", as the sender printed it
cut_of() { sed -n 's/^cut \(at byte [0-9]*\): /\1, /p' "$1"; }

# a_gone NAME HOW: router A (its sender NAME) went away (HOW, as the log
# says it) where its sender says it cut: A's paths leave the tables, B's
# stay, the log (since line $from) names A and the byte; cut gets the place
a_gone() {
	wait_for 10 grep -q "^closed" "$DIR/$1.log" || fail "$1: router A did not go away"
	wait "$APID"
	APID=
	wait_for 10 no_paths 1 6 || fail "$1: router A's paths stayed: $(pfx_route 1)"
	has_paths 101 4 || fail "$1: router B's paths went with A's"
	cut=$(cut_of "$DIR/$1.log")
	wait_for 5 logged_since "$from" "bmp: router 203.0.113.1: connection closed ($2 $cut)" ||
		fail "$1: the log does not say '$2 $cut'"
	router_up 203.0.113.1 0 || fail "$1: router A still up in the metrics"
}

daemon_start "$DIR/asclass.conf" "$DIR/daemon.log"
wait_for 10 grep -q "BMP station: listening on 203.0.113.2 port 1790" "$DIR/daemon.log" ||
	fail "the station did not start"

sender b 203.0.113.5 101 4 full 198.51.101
BPID=$SENDER_PID
wait_for 15 has_paths 101 4 || fail "router B's paths are not in the tables: $(pfx_route 101)"
echo "ok: router B's 4 paths in the tables"

# ---- A closes in the middle of a message ----
sender a1 203.0.113.1 1 6 half
APID=$SENDER_PID
wait_for 15 has_paths 1 6 || fail "router A's paths are not in the tables: $(pfx_route 1)"
router_up 203.0.113.1 1 || fail "router A not up in the metrics"
from=$(wc -l <"$DIR/daemon.log")
touch "$DIR/a1.stop"
a_gone a1 "closed by the router"
router_up 203.0.113.5 1 || fail "router B not up in the metrics"
[ "$(metric 'asclass_bmp_prefixes_announced_total{router="203.0.113.1"}')" = 6 ] ||
	fail "the cut message was applied: $(metric 'asclass_bmp_prefixes_announced_total{router="203.0.113.1"}') announced"
[ "$(metric 'asclass_bmp_framing_errors_total{router="203.0.113.1"}')" = 0 ] ||
	fail "a close counted as a framing error"
echo "ok: A closed mid-message ($cut): its paths gone, B's kept, logged"

# ---- A again: half a message, a stall, then RST ----
sender a2 203.0.113.1 1 6 rst
APID=$SENDER_PID
wait_for 15 has_paths 1 6 || fail "router A's new connection did not bring its paths back"
router_up 203.0.113.1 1 || fail "router A not up again"
echo "ok: a new connection from A works: its paths are back"
from=$(wc -l <"$DIR/daemon.log")
touch "$DIR/a2.stop"
wait_for 10 grep -q "^cut at" "$DIR/a2.log" || fail "router A did not stall"
sleep 1 # stalled mid-message: nothing is lost yet
has_paths 1 6 || fail "A's paths went while its connection stalls"
router_up 203.0.113.1 1 || fail "router A down while its connection stalls"
touch "$DIR/a2.stop.rst"
a_gone a2 "Connection reset by peer"
echo "ok: A stalled mid-message (paths kept), then RST ($cut): its paths gone, B's kept, logged"

# ---- A a third time ----
sender a3 203.0.113.1 1 6 full
APID=$SENDER_PID
wait_for 15 has_paths 1 6 || fail "router A's third connection did not bring its paths back"
has_paths 101 4 || fail "router B's paths are gone"
echo "ok: A's third connection: its paths are back, B's kept"

touch "$DIR/a3.stop" "$DIR/b.stop"
wait "$APID" "$BPID" 2>/dev/null
APID= BPID=
stop_pid "$DPID"
echo "PASS"
