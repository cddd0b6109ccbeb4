#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/bmp_routers.sh - the BMP station (user/feed/bmp*) against real
# routers, GoBGP and FRR in turn, end to end in network namespaces:
#
#   cu  (BIRD, AS4837)  --eBGP--+
#                               rtr (gobgpd or FRR bgpd, AS64500) --BMP--> asc (bmp_dump, port 1790)
#   ttk (BIRD, AS20485) --eBGP--+
#
# cu and ttk announce 175.45.176.0/22 as "4837 131279" and "20485 131279".
# For each router, a fresh station (build/tests/feed/bmp_dump) must get both
# paths, each attributed to its peer (address and AS) from the per-peer
# header, one view per peer (post-policy) so that the RIB holds exactly two
# paths, resolved to origin 131279 with transits 4837 and 20485.  Then:
#
#   GoBGP 3.10 (route-monitoring-policy "all": pre-policy, post-policy and
#     Loc-RIB): the Loc-RIB is set aside (no double counting); ttk's session
#     down (GoBGP sends the withdrawal, then a Peer Down) leaves one path;
#     gobgpd killed (no Peer Down, no Termination): the connection's close
#     withdraws every path of the router.  Then with "local-rib" alone: the
#     best path, attributed to the Loc-RIB pseudo-peer (the router's address
#     and AS).
#   FRR 8.4 (bgpd -M bmp, pre- and post-policy): it reports every eBGP path
#     with its own AS in front ("64500 4837 131279"), which the station takes
#     off (counted); ttk's session down: FRR sends no withdrawal, only a Peer
#     Down, which must withdraw the path by itself.
#
# A router that is not installed is skipped (both missing: SKIP).  Each
# daemon runs with its own config and state in /tmp, in its namespace, and
# is stopped by its pid.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/netns.sh
. tests/lib/daemon_bgp.sh
O=${O:-build}
DUMP=$PWD/$O/tests/feed/bmp_dump
BGPD=/usr/lib/frr/bgpd

[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (network namespaces)"; exit 77; }
command -v bird >/dev/null && command -v birdc >/dev/null ||
	{ echo "SKIP: BIRD 2 not installed (make deps installs bird2)"; exit 77; }
HAVE_GOBGP=0 HAVE_FRR=0
command -v gobgpd >/dev/null && HAVE_GOBGP=1
[ -x "$BGPD" ] && HAVE_FRR=1
[ $HAVE_GOBGP = 1 ] || [ $HAVE_FRR = 1 ] ||
	{ echo "SKIP: neither gobgpd nor FRR installed (make deps installs both)"; exit 77; }
[ -x "$DUMP" ] || { echo "FAIL: $DUMP is not built (make)"; exit 1; }

T=$$
NS_CU=asc-$T-cu NS_TTK=asc-$T-ttk NS_RTR=asc-$T-rtr NS_ASC=asc-$T-asc
DIR=$(mktemp -d "/tmp/asc-bmp-$T.XXXXXX")
OUT=$DIR/dump.txt
LOG=$DIR/station.log
DUMP_PID= RTR_PID= RTR=

cleanup() {
	local b
	for b in cu ttk; do stop_pid "$(bird_pid $b)"; done
	stop_pid "$RTR_PID"
	stop_pid "$DUMP_PID"
	ns_del_all
	rm -rf "$DIR"
}
trap cleanup EXIT

fail() {
	echo "FAIL ($RTR): $*"
	echo "--- station's dump:"; cat "$OUT" 2>/dev/null
	echo "--- station's output and log:"; tail -40 "$LOG"
	echo "--- $RTR's log:"; tail -20 "$DIR/$RTR.log"
	exit 1
}

# ---- topology ----------------------------------------------------------

scenario_links "b${T}"

# ---- configurations ------------------------------------------------------

bird_upstream cu 4837 198.51.100.1 198.51.100.2
bird_upstream ttk 20485 198.51.100.5 198.51.100.6

gobgp_bmp_toml "$DIR/gobgp.toml" 203.0.113.2

sed 's/"all"/"local-rib"/' "$DIR/gobgp.toml" >"$DIR/gobgp-locrib.toml"

# soft-reconfiguration inbound: without it FRR reports pre-policy
# announcements as withdrawals
cat >"$DIR/frr.conf" <<EOF
frr defaults traditional
hostname rtr
log stdout informational
router bgp 64500
 bgp router-id 203.0.113.1
 no bgp ebgp-requires-policy
 neighbor 198.51.100.1 remote-as 4837
 neighbor 198.51.100.1 timers connect 1
 neighbor 198.51.100.5 remote-as 20485
 neighbor 198.51.100.5 timers connect 1
 address-family ipv4 unicast
  neighbor 198.51.100.1 soft-reconfiguration inbound
  neighbor 198.51.100.5 soft-reconfiguration inbound
 exit-address-family
 bmp targets asc
  bmp connect 203.0.113.2 port 1790 min-retry 100 max-retry 2000
  bmp monitor ipv4 unicast pre-policy
  bmp monitor ipv4 unicast post-policy
 exit
EOF
# bgpd runs as the frr user: it reads its config and writes its vty socket here
mkdir -p "$DIR/vty"
chown frr:frr "$DIR/vty" 2>/dev/null
chmod 755 "$DIR"
chmod 644 "$DIR/frr.conf"

# nsenter itself, not in_ns: $! must be the process's pid, not a subshell's
station_start() {
	nsenter --net="/run/netns/$NS_ASC" "$DUMP" --listen 203.0.113.2 --out "$OUT" >"$LOG" 2>&1 &
	DUMP_PID=$!
}

# router_start gobgp|gobgp-locrib|frr
router_start() {
	RTR=$1
	case $RTR in
	gobgp*) # the gRPC API on the namespace's own loopback; no pprof listener
		nsenter --net="/run/netns/$NS_RTR" gobgpd -f "$DIR/$RTR.toml" -p -l info \
			--api-hosts 127.0.0.1:50051 --pprof-disable >"$DIR/gobgp.log" 2>&1 & ;;
	frr) # -Z: no zebra; -n: no netlink VRFs; -S: no capabilities; -P 0: no vty port
		nsenter --net="/run/netns/$NS_RTR" "$BGPD" -M bmp -Z -n -S -f "$DIR/frr.conf" \
			-i "$DIR/frr.pid" --vty_socket "$DIR/vty" -P 0 >"$DIR/frr.log" 2>&1 & ;;
	esac
	RTR_PID=$!
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

# Both paths from their peers, one view each, resolved to 131279.
check_two_paths() {
	wait_for 30 announced 198.51.100.1 4837 "4837 131279" || fail "no path 4837 131279 from cu"
	wait_for 10 announced 198.51.100.5 20485 "20485 131279" ||
		fail "no path 20485 131279 from ttk"
	wait_for 10 rib_has "origin 131279 transit [0-9]* paths 2 flags multi_transit" ||
		fail "RIB: 175.45.176.0/22 not resolved to origin 131279 over exactly two paths"
	grep -q "^router 203.0.113.1 connected 1 peers [0-9]* peer_ups [1-9]" "$OUT" ||
		fail "no Peer Up from the router"
	grep -q "^peer 198.51.100.1 AS4837 type 0 .* up 1 view post applied 1" "$OUT" ||
		fail "cu's post-policy view not the one applied"
	grep -q "^peer 198.51.100.5 AS20485 type 0 .* up 1 view post applied 1" "$OUT" ||
		fail "ttk's post-policy view not the one applied"
	grep -q "Initiation: sysName" "$LOG" || fail "no Initiation logged"
}

# ttk's session goes down: its path must leave the RIB.
check_ttk_down() {
	stop_pid "$(bird_pid ttk)"
	wait_for 15 grep -q "peer 198.51.100.5 AS20485 down: " "$LOG" || fail "no Peer Down for ttk"
	wait_for 5 rib_has "origin 131279 transit 4837 paths 1 " || fail "ttk's path still in the RIB"
}

# After a router's part: the station and the router stopped, ttk back.
reset_run() {
	stop_pid "$RTR_PID"
	stop_pid "$DUMP_PID"
	wait "$DUMP_PID" 2>/dev/null
	kill -0 "$(bird_pid ttk)" 2>/dev/null || bird_start ttk "$NS_TTK"
}

bird_start cu "$NS_CU"
bird_start ttk "$NS_TTK"

if [ $HAVE_GOBGP = 1 ]; then
	station_start
	router_start gobgp
	check_two_paths
	grep -q "^router .* ignored_loc_rib [1-9]" "$OUT" || fail "GoBGP's Loc-RIB not set aside"
	echo "ok (gobgp): both paths from the per-peer headers, one view each, the Loc-RIB set aside"
	check_ttk_down
	grep -q "^withdraw 175.45.176.0/22 peer 198.51.100.5 AS20485 id 0\$" "$LOG" ||
		fail "no withdrawal of ttk's path"
	echo "ok (gobgp): ttk's session down: its path withdrawn, Peer Down seen"
	# SIGKILL: no Peer Down, no Termination (with SIGTERM GoBGP sends a
	# Peer Down per peer first): the close alone must withdraw the paths
	{ kill -KILL "$RTR_PID" && wait "$RTR_PID"; } 2>/dev/null
	wait_for 10 grep -q "router 203.0.113.1: connection closed" "$LOG" ||
		fail "the station did not see the connection close"
	dump_now
	grep -q "^rib " "$OUT" && fail "paths left after the router went away"
	echo "ok (gobgp): the router's paths went with its connection"
	reset_run
	# Loc-RIB only: the router's best path, attributed to the pseudo-peer
	# (the router's address, its AS)
	station_start
	router_start gobgp-locrib
	wait_for 30 grep -Eq "^announce 175.45.176.0/22 peer 203.0.113.1 AS64500 id 0 path (4837|20485) 131279\$" "$LOG" ||
		fail "no Loc-RIB path from the pseudo-peer 203.0.113.1 AS64500"
	wait_for 10 rib_has "origin 131279 transit [0-9]* paths 1 " || fail "not one Loc-RIB path"
	grep -q "^peer - AS64500 type 3 .* applied 1" "$OUT" || fail "Loc-RIB peer not applied"
	echo "ok (gobgp): Loc-RIB alone: the best path from the pseudo-peer"
	reset_run
else
	echo "skipped: gobgpd not installed"
fi

if [ $HAVE_FRR = 1 ]; then
	station_start
	router_start frr
	check_two_paths
	grep -q "^router .* own_as_removed [1-9]" "$OUT" || fail "FRR's own AS in front not counted"
	echo "ok (frr): both paths from the per-peer headers, one view each, FRR's own AS taken off"
	check_ttk_down
	grep -q "^withdraw 175.45.176.0/22 peer 198.51.100.5 " "$LOG" &&
		fail "FRR sent a withdrawal: this test no longer checks Peer Down alone"
	echo "ok (frr): Peer Down alone withdrew ttk's path"
	reset_run
else
	echo "skipped: FRR not installed"
fi
echo "PASS"
