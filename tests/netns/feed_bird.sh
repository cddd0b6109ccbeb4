#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/feed_bird.sh - the live feed (user/feed/) against BIRD 2 playing
# the border router, end to end in network namespaces:
#
#   cu  (BIRD, AS4837)  --eBGP--+
#                               rtr (BIRD, AS64500) --iBGP, ADD-PATH tx--> asc (feed_dump)
#   ttk (BIRD, AS20485) --eBGP--+
#
# cu and ttk announce 175.45.176.0/22 as "4837 131279" and "20485 131279";
# the router exports all paths to asclass's speaker (tests/feed/feed_dump).
# Checked: the routes the speaker holds equal BIRD's own table (`birdc show
# route all`, prefix and AS path of every path); the RIB resolves origin
# 131279 with transits 4837 and 20485; a withdrawal (ttk's session disabled)
# and the return; graceful restart: the router killed (no NOTIFICATION), its
# routes kept as stale, then the router back and the table equal again; the
# router killed and not back: the routes flushed after its restart time.
# Each BIRD runs with its own config, control socket and pid file, and is
# stopped by its pid; nothing is started system-wide.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/netns.sh
. tests/lib/daemon_bgp.sh
O=${O:-build}
DUMP=$PWD/$O/tests/feed/feed_dump

need_root
command -v bird >/dev/null && command -v birdc >/dev/null ||
	{ echo "SKIP: BIRD 2 not installed (make deps installs bird2)"; exit 77; }
[ -x "$DUMP" ] || { echo "FAIL: $DUMP is not built (make)"; exit 1; }

ns_test_init
T=$id DIR=$work
NS_CU=asc-$T-cu NS_TTK=asc-$T-ttk NS_RTR=asc-$T-rtr NS_ASC=asc-$T-asc
OUT=$DIR/dump.txt
GR_TIME=6 # the router's graceful restart time, s
DUMP_PID=
at_exit 'stop_pidfiles "$DIR"/rtr.pid "$DIR"/cu.pid "$DIR"/ttk.pid; stop_pid "$DUMP_PID"'

bird_pid() { cat "$DIR/$1.pid" 2>/dev/null; }

fail() {
	echo "FAIL: $*"
	echo "--- speaker's dump:"; cat "$OUT" 2>/dev/null
	echo "--- router's table:"; birdc -s "$DIR/rtr.ctl" show route all 2>&1 | head -40
	echo "--- speaker's log:"; tail -30 "$DIR/dump.log"
	exit 1
}

# ---- topology ----------------------------------------------------------

ns_add "$NS_CU" "$NS_TTK" "$NS_RTR" "$NS_ASC"
veth_ip "$NS_CU" "f${T}c" 198.51.100.1/30 "$NS_RTR" "f${T}rc" 198.51.100.2/30
veth_ip "$NS_TTK" "f${T}t" 198.51.100.5/30 "$NS_RTR" "f${T}rt" 198.51.100.6/30
veth_ip "$NS_RTR" "f${T}ra" 203.0.113.1/30 "$NS_ASC" "f${T}a" 203.0.113.2/30

# ---- BIRD configurations -------------------------------------------------

bird_upstream cu 4837 198.51.100.1 198.51.100.2
bird_upstream ttk 20485 198.51.100.5 198.51.100.6
bird_router "graceful restart on; graceful restart time $GR_TIME;"

# ---- comparisons ---------------------------------------------------------

# Every path of the router's table: "PREFIX AS_PATH", sorted.
bird_paths() {
	birdc -s "$DIR/rtr.ctl" show route all | awk '
		/^[0-9a-f.:]+\/[0-9]+ / { pfx = $1 }
		/BGP.as_path:/ { sub(/.*BGP.as_path: */, ""); print pfx " " $0 }' | sort
}

# The speaker's routes in the same form, from a fresh dump.
dump_now() {
	rm -f "$OUT"
	kill -USR1 "$DUMP_PID" && wait_for 5 test -s "$OUT"
}
dump_paths() { dump_now && awk '$1 == "route" { $1 = $3 = $4 = $5 = ""; print }' "$OUT" |
	sed 's/^ *//; s/  */ /g' | sort; }
# A field of the peer line of the last dump.
peer_field() { awk -v f="$1" '$1 == "peer" { for (i = 2; i < NF; i += 2) if ($i == f) print $(i + 1) }' "$OUT"; }

same_tables() {
	local b d
	b=$(bird_paths) d=$(dump_paths)
	[ -n "$b" ] && [ "$b" = "$d" ]
}
paths_are() { [ "$(dump_paths)" = "$(printf '%s\n' "$@")" ]; }

# ---- the run -------------------------------------------------------------

# nsenter itself, not in_ns: $! must be the driver's pid, not a subshell's
nsenter --net="/run/netns/$NS_ASC" "$DUMP" --listen 203.0.113.2 --peer 203.0.113.1 --local-as 64500 \
	--router-id 203.0.113.2 --out "$OUT" >"$DIR/dump.log" 2>&1 &
DUMP_PID=$!
for b in cu:$NS_CU ttk:$NS_TTK rtr:$NS_RTR; do bird_start "${b%%:*}" "${b#*:}"; done

TWO=("175.45.176.0/22 20485 131279" "175.45.176.0/22 4837 131279")
wait_for 30 paths_are "${TWO[@]}" || fail "the speaker did not get both paths"
same_tables || fail "the speaker's paths differ from BIRD's table"
grep -q "^rib 175.45.176.0/22 origin 131279 transit [0-9]* paths 2 flags multi_transit" "$OUT" ||
	fail "RIB: 175.45.176.0/22 not resolved to origin 131279 over two paths"
grep -q "^transit 131279 4837 prefixes 1 paths 1 gone 0" "$OUT" || fail "no transit 4837"
grep -q "^transit 131279 20485 prefixes 1 paths 1 gone 0" "$OUT" || fail "no transit 20485"
[ "$(peer_field addpath_ipv4)" = 1 ] || fail "ADD-PATH not negotiated"
[ "$(peer_field gr)" = 1 ] || fail "graceful restart not negotiated"
[ "$(peer_field eor_ipv4)" -ge 1 ] || fail "no End-of-RIB"
grep -q "Established: .*not used: 71" "$DIR/dump.log" || fail "no negotiation line in the log"
echo "ok: both paths, equal to BIRD's table, resolved to 131279 via 4837 and 20485"

birdc -s "$DIR/ttk.ctl" disable rtr >/dev/null
wait_for 15 paths_are "175.45.176.0/22 4837 131279" || fail "ttk's path not withdrawn"
same_tables || fail "after the withdrawal, the tables differ"
grep -q "^transit 131279 20485 prefixes 0 paths 0 gone 1" "$OUT" || fail "20485 not gone"
birdc -s "$DIR/ttk.ctl" enable rtr >/dev/null
wait_for 15 paths_are "${TWO[@]}" || fail "ttk's path did not come back"
echo "ok: withdrawal and return"

# Graceful restart: the router dies without a NOTIFICATION and comes back.
kill -KILL "$(bird_pid rtr)"
wait_for 5 sh -c "kill -USR1 $DUMP_PID; sleep 0.2; grep -q 'state Active' '$OUT'" ||
	fail "the session did not go down"
dump_now
[ "$(peer_field gr_retained)" = 1 ] || fail "routes not retained"
[ "$(peer_field stale)" = 2 ] || fail "expected 2 stale routes, got $(peer_field stale)"
paths_are "${TWO[@]}" || fail "stale routes not kept"
bird_start rtr "$NS_RTR"
established_again() { dump_now && [ "$(peer_field established)" = 2 ] &&
	[ "$(peer_field state)" = Established ]; }
wait_for 30 established_again || fail "the session did not come back"
wait_for 30 paths_are "${TWO[@]}" || fail "the routes did not come back"
same_tables || fail "after the restart, the tables differ"
dump_now
[ "$(peer_field stale)" = 0 ] || fail "stale routes left: $(peer_field stale)"
# BIRD restarted this way keeps no forwarding state (F bit 0): the stale
# routes go when the session is back (RFC 4724 4.2), the new ones follow
[ "$(peer_field stale_flushed)" = 2 ] || fail "stale_flushed $(peer_field stale_flushed), want 2"
echo "ok: graceful restart, routes kept as stale and the table equal again"

# ...and dies for good: the stale routes go after its restart time.
kill -KILL "$(bird_pid rtr)"
sleep 1
paths_are "${TWO[@]}" || fail "stale routes gone before the restart time"
wait_for $((GR_TIME + 10)) paths_are "" || fail "stale routes not flushed after ${GR_TIME} s"
grep -q "restart time passed" "$DIR/dump.log" || fail "no log line for the flush"
echo "ok: stale routes flushed after the restart time"

stop_pid "$DUMP_PID"
wait "$DUMP_PID" 2>/dev/null
echo "PASS"
