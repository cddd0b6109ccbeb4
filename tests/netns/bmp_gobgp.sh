#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/bmp_gobgp.sh - the BMP station (user/feed/bmp*) against GoBGP
# playing the border router, end to end in network namespaces:
#
#   cu  (BIRD, AS4837)  --eBGP--+
#                               rtr (gobgpd, AS64500) --BMP--> asc (bmp_dump, port 1790)
#   ttk (BIRD, AS20485) --eBGP--+
#
# cu and ttk announce 175.45.176.0/22 as "4837 131279" and "20485 131279".
# GoBGP monitors both peers with route-monitoring-policy "all": pre-policy,
# post-policy and Loc-RIB (peer type 3) messages.  Checked: the station gets
# both paths, each attributed to its peer (address and AS) from the per-peer
# header; the RIB holds two paths (post-policy chosen per peer, the Loc-RIB
# set aside: no double counting) resolved to origin 131279 with transits
# 4837 and 20485; ttk's session going down (GoBGP sends the withdrawal, then
# a Peer Down) leaves one path; gobgpd killed closes the BMP connection, and
# every path of the router goes.  Each daemon runs with its own config and
# state in /tmp, in its namespace, and is stopped by its pid.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/netns.sh
O=${O:-build}
DUMP=$PWD/$O/tests/feed/bmp_dump

[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (network namespaces)"; exit 77; }
command -v gobgpd >/dev/null || { echo "SKIP: gobgpd not installed (make deps installs gobgpd)"; exit 77; }
command -v bird >/dev/null && command -v birdc >/dev/null ||
	{ echo "SKIP: BIRD 2 not installed (make deps installs bird2)"; exit 77; }
[ -x "$DUMP" ] || { echo "FAIL: $DUMP is not built (make)"; exit 1; }

T=$$
NS_CU=asc-$T-cu NS_TTK=asc-$T-ttk NS_RTR=asc-$T-rtr NS_ASC=asc-$T-asc
DIR=$(mktemp -d "/tmp/asc-bmp-$T.XXXXXX")
OUT=$DIR/dump.txt
LOG=$DIR/station.log
DUMP_PID= GOBGP_PID=

# stop_pid PID: TERM, then KILL if it is still there after 5 s.
stop_pid() {
	local pid=$1 i
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null
}

bird_pid() { cat "$DIR/$1.pid" 2>/dev/null; }

cleanup() {
	local b
	for b in cu ttk; do stop_pid "$(bird_pid $b)"; done
	stop_pid "$GOBGP_PID"
	stop_pid "$DUMP_PID"
	ns_del_all
	rm -rf "$DIR"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*"
	echo "--- station's dump:"; cat "$OUT" 2>/dev/null
	echo "--- station's output and log:"; tail -40 "$LOG"
	echo "--- gobgpd's log:"; tail -20 "$DIR/gobgpd.log"
	exit 1
}

# ---- topology ----------------------------------------------------------

ns_add "$NS_CU" "$NS_TTK" "$NS_RTR" "$NS_ASC"
veth "$NS_CU" "b${T}c" "$NS_RTR" "b${T}rc"
veth "$NS_TTK" "b${T}t" "$NS_RTR" "b${T}rt"
veth "$NS_RTR" "b${T}ra" "$NS_ASC" "b${T}a"
ip -n "$NS_CU" addr add 198.51.100.1/30 dev "b${T}c"
ip -n "$NS_RTR" addr add 198.51.100.2/30 dev "b${T}rc"
ip -n "$NS_TTK" addr add 198.51.100.5/30 dev "b${T}t"
ip -n "$NS_RTR" addr add 198.51.100.6/30 dev "b${T}rt"
ip -n "$NS_RTR" addr add 203.0.113.1/30 dev "b${T}ra"
ip -n "$NS_ASC" addr add 203.0.113.2/30 dev "b${T}a"

# ---- configurations ------------------------------------------------------

TIMERS="connect delay time 1; connect retry time 2; error wait time 1, 2;"

# upstream NAME AS ADDR NEIGHBOUR: BIRD originating the scenario's prefix on
# behalf of AS131279 (its own AS is prepended on export).
upstream() {
	cat >"$DIR/$1.conf" <<-EOF
	router id $3;
	protocol device {}
	protocol static as131279 { ipv4; route 175.45.176.0/22 blackhole; }
	protocol bgp rtr {
		local $3 as $2; neighbor $4 as 64500; $TIMERS
		ipv4 { import none; export filter { bgp_path.prepend(131279); accept; }; };
	}
	EOF
}
upstream cu 4837 198.51.100.1 198.51.100.2
upstream ttk 20485 198.51.100.5 198.51.100.6

cat >"$DIR/gobgpd.toml" <<EOF
[global.config]
  as = 64500
  router-id = "203.0.113.1"
[[neighbors]]
  [neighbors.config]
    neighbor-address = "198.51.100.1"
    peer-as = 4837
  [neighbors.timers.config]
    connect-retry = 1
[[neighbors]]
  [neighbors.config]
    neighbor-address = "198.51.100.5"
    peer-as = 20485
  [neighbors.timers.config]
    connect-retry = 1
[[bmp-servers]]
  [bmp-servers.config]
    address = "203.0.113.2"
    port = 1790
    route-monitoring-policy = "all"
EOF

bird_start() {
	rm -f "$DIR/$1.pid"
	in_ns "$2" bird -f -c "$DIR/$1.conf" -s "$DIR/$1.ctl" -P "$DIR/$1.pid" \
		>>"$DIR/$1.log" 2>&1 &
	wait_for 10 test -s "$DIR/$1.pid" || fail "BIRD $1 did not start: $(cat "$DIR/$1.log")"
}

# ---- checks ----------------------------------------------------------------

dump_now() {
	rm -f "$OUT"
	kill -USR1 "$DUMP_PID" && wait_for 5 test -s "$OUT"
}
rib_line() { dump_now && grep "^rib 175.45.176.0/22 " "$OUT"; }
rib_has() { rib_line | grep -q -- "$1"; }
# announced PEER AS PATH: the station printed that path from that peer
announced() { grep -q "^announce 175.45.176.0/22 peer $1 AS$2 id 0 path $3\$" "$LOG"; }

# ---- the run -------------------------------------------------------------

# nsenter itself, not in_ns: $! must be the process's pid, not a subshell's
nsenter --net="/run/netns/$NS_ASC" "$DUMP" --listen 203.0.113.2 --out "$OUT" >"$LOG" 2>&1 &
DUMP_PID=$!
bird_start cu "$NS_CU"
bird_start ttk "$NS_TTK"
# the gRPC API on the namespace's own loopback; no pprof listener
nsenter --net="/run/netns/$NS_RTR" gobgpd -f "$DIR/gobgpd.toml" -p -l info \
	--api-hosts 127.0.0.1:50051 --pprof-disable >"$DIR/gobgpd.log" 2>&1 &
GOBGP_PID=$!

wait_for 30 announced 198.51.100.1 4837 "4837 131279" || fail "no path 4837 131279 from cu"
wait_for 10 announced 198.51.100.5 20485 "20485 131279" || fail "no path 20485 131279 from ttk"
wait_for 10 rib_has "origin 131279 transit [0-9]* paths 2 flags multi_transit" ||
	fail "RIB: 175.45.176.0/22 not resolved to origin 131279 over exactly two paths"
grep -q "^router 203.0.113.1 connected 1 peers [0-9]* peer_ups 2 " "$OUT" ||
	fail "no two Peer Ups from the router"
grep -q "^peer 198.51.100.1 AS4837 type 0 .* up 1 view post applied 1" "$OUT" ||
	fail "cu's post-policy view not the one applied"
grep -q "^peer 198.51.100.5 AS20485 type 0 .* up 1 view post applied 1" "$OUT" ||
	fail "ttk's post-policy view not the one applied"
grep -q "Initiation: sysName" "$LOG" || fail "no Initiation logged"
echo "ok: both paths from the per-peer headers, one view each, origin 131279 via 4837 and 20485"

# ttk's BGP session goes down: GoBGP sends the withdrawal of its path, then
# a Peer Down (which withdraws whatever would be left: tests/unit/test_bmp.c
# and tests/netns/bmp_frr.sh check that part alone).
stop_pid "$(bird_pid ttk)"
wait_for 15 grep -q "peer 198.51.100.5 AS20485 down: " "$LOG" || fail "no Peer Down for ttk"
wait_for 5 rib_has "origin 131279 transit 4837 paths 1 " || fail "ttk's path still in the RIB"
grep -q "^withdraw 175.45.176.0/22 peer 198.51.100.5 AS20485 id 0\$" "$LOG" ||
	fail "no withdrawal of ttk's path"
grep -q "^router 203.0.113.1 connected 1 peers 2 .* peer_downs 1 " "$OUT" ||
	fail "the router's status does not show ttk gone"
echo "ok: ttk's session down: its path withdrawn, Peer Down seen"

# The router dies (SIGKILL: no Peer Down, no Termination; stopped with
# SIGTERM, GoBGP sends a Peer Down per peer first): its connection closes
# and its paths go with it.
kill -KILL "$GOBGP_PID"
wait_for 10 grep -q "router 203.0.113.1: connection closed" "$LOG" ||
	fail "the station did not see the connection close"
dump_now
grep -q "^rib " "$OUT" && fail "paths left after the router went away"
echo "ok: the router's paths went with its connection"

stop_pid "$DUMP_PID"
wait "$DUMP_PID" 2>/dev/null
echo "PASS"
