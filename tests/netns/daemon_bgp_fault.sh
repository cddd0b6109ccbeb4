#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/daemon_bgp_fault.sh - a malformed UPDATE on the daemon's live
# feed (RFC 7606): a raw speaker (bgp_raw_speaker.py, in its own namespace)
# announces 175.45.176.0/22, then sends it again with a malformed ORIGIN.
# Checked: the prefix reaches the pinned tables (with a burst of 300 more
# UPDATEs over 1.5 s: a whole load at most per apply_interval, the rest
# prefix by prefix; their new origins as events, at most once per
# apply_interval, logged 20 at a time and counted), then leaves them (treat-as-
# withdraw), asclass_feed_update_errors_total{action="treat_as_withdraw"} is 1,
# the log names the peer and the fault, and the session stays Established
# (no NOTIFICATION; the speaker's keepalives keep it up).
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/netns.sh
. tests/lib/daemon_bgp.sh
O=${O:-build}

raw_test_init
PORT=9752

raw_setup 1000

daemon_start "$DIR/asclass.conf" "$DIR/daemon.log"
wait_for 10 grep -q "listening on 203.0.113.2" "$DIR/daemon.log" || fail "the feed does not listen"
BULK=300 nsenter --net="/run/netns/$NS_RTR" /usr/bin/python3 tests/netns/bgp_raw_speaker.py 203.0.113.2 \
	64500 203.0.113.1 "$DIR/go" "$DIR/stop" >"$DIR/speaker.log" 2>&1 &
SPID=$!

wait_for 15 route_is 131279 20485 ||
	fail "the raw speaker's route did not reach the tables: $(route_of)"
echo "ok: the good UPDATE's route is in the tables"
# 301 UPDATEs over 1.5 s or more: at most a whole-table load per apply_interval (1 s), not per
# UPDATE; after the first, the changes go in prefix by prefix
wait_for 10 sh -c "'$ASCLASS' --pin-dir '$PIN' lookup 198.19.43.1 | grep -q 'origin AS64795'" ||
	fail "the burst's last prefix is not in the tables"
[ "$(metric 'asclass_feed_updates_received_total{peer="raw"}')" = 301 ] || fail "UPDATEs: want 301"
loads=$(grep -c "routing loaded: .* from the BGP feed" "$DIR/daemon.log")
# at most one load per started second of the burst, and the one after it
secs=$(sed -n 's/.*burst took \([0-9]*\) s/\1/p' "$DIR/speaker.log")
[ "$loads" -le $((secs + 1)) ] || fail "$loads table loads for a burst of $secs s"
"$ASCLASS" --pin-dir "$PIN" status | grep -q ' 301 IPv4 + 0 IPv6 prefixes' ||
	fail "the tables do not hold the whole burst: $("$ASCLASS" --pin-dir "$PIN" status)"
echo "ok: a burst of 301 UPDATEs over $secs s went into $loads table loads and" \
	"$(metric 'asclass_table_updates_total{kind="prefix"}') prefix updates"
# 300 new origins: after the first load (the baseline), each new pair is an
# event; a load logs 20 one by one and counts the rest in one line.  Events
# come on the apply_interval timer, after the prefixes went in.
gained_over() { [ "$(changes gained)" -gt "$1" ]; }
wait_for 5 gained_over 20 || true
wait_for 5 grep -q "routing change: [0-9]* more at once" "$DIR/daemon.log" || true
gained=$(changes gained)
logged=$(grep -c "routing change: origin AS[0-9]* gained" "$DIR/daemon.log")
[ "$gained" -gt 20 ] || fail "only $gained gained events for 300 new origins"
# events are computed at most once per apply_interval: per started second and the one after
[ "$logged" -le $((20 * (secs + 1))) ] || fail "$logged events logged one by one in $secs s"
grep -q "routing change: [0-9]* more at once, not logged one by one" "$DIR/daemon.log" ||
	fail "no count of the events not logged"
echo "ok: $gained gained events, $logged logged one by one, the rest counted"

touch "$DIR/go"
wait_for 10 grep -q "malformed UPDATE sent" "$DIR/speaker.log" || fail "the speaker sent nothing"
wait_for 10 no_route ||
	fail "the malformed UPDATE did not withdraw the prefix: $(route_of)"
[ "$(metric 'asclass_feed_update_errors_total{peer="raw",action="treat_as_withdraw"}')" = 1 ] ||
	fail "treat_as_withdraw not counted"
[ "$(metric 'asclass_feed_update_errors_total{peer="raw",action="session_reset"}')" = 0 ] ||
	fail "a session reset was counted"
grep -q "peer raw (203.0.113.1 AS64500): .*ORIGIN.*treated as withdraw" "$DIR/daemon.log" ||
	fail "the fault is not logged with the peer"
sleep 2 # keepalives: the session must outlive the fault
[ "$(metric 'asclass_feed_session_state{peer="raw",state="Established"}')" = 1 ] ||
	fail "the session is not Established after the fault"
grep -q NOTIFICATION "$DIR/speaker.log" && fail "asclass sent a NOTIFICATION"
echo "ok: malformed ORIGIN: treat-as-withdraw, counted, logged with the peer, session up"

touch "$DIR/stop"
wait "$SPID" 2>/dev/null
SPID=
stop_pid "$DPID"
echo "PASS"
