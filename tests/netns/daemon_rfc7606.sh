#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/daemon_rfc7606.sh - every RFC 7606 case on a live iBGP session
# to asclass run [bgp]: rfc7606_speaker.py (scapy, in its own namespace)
# announces 198.18.N.0/24 with path 20485 131279, then sends case N's
# malformed UPDATE for it (path 4837 131279 where the path counts).  Checked
# per case, in the pinned tables (asclass lookup 198.18.N.1): the prefix gone
# (treat-as-withdraw), kept on its old path as stale (session reset: a lost
# feed session keeps its routes for stale_time), or on the new path
# (attribute discarded, attribute not known and kept); the session up, or reset with a
# NOTIFICATION (UPDATE Message Error) and the next case's connection working;
# asclass_feed_update_errors_total{action} up by exactly one for the case's
# action and by none for the others; the log naming the peer and the fault.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/netns.sh
. tests/lib/daemon_bgp.sh
O=${O:-build}

/usr/bin/python3 -c 'import scapy.contrib.bgp' 2>/dev/null ||
	{ echo "SKIP: python3-scapy is not installed (make deps)"; exit 77; }
raw_test_init
PORT=9753

raw_setup 200

# -v: past 10 faults a session logs them at debug level
nsenter --net="/run/netns/$NS_ASC" "$ASCLASS" -v run --config "$DIR/asclass.conf" >"$DIR/daemon.log" 2>&1 &
DPID=$!
wait_for 10 grep -q "listening on 203.0.113.2" "$DIR/daemon.log" || fail "the feed does not listen"
mkfifo "$DIR/cmd"
nsenter --net="/run/netns/$NS_RTR" /usr/bin/python3 tests/netns/rfc7606_speaker.py 203.0.113.2 \
	64500 203.0.113.1 "$DIR/cmd" >"$DIR/speaker.log" 2>&1 &
SPID=$!
exec 7>"$DIR/cmd"

pfx_route() { addr_route "198.18.$1.1"; }
pfx_is() { [ "$(pfx_route "$1")" = "$2" ]; }
stale_routes() { metric 'asclass_feed_stale_routes{peer="raw"}'; }
stale_over() { [ "$(stale_routes)" -gt "$1" ]; }
errors() {
	local a
	for a in treat_as_withdraw attribute_discard session_reset; do
		printf '%s ' "$(metric "asclass_feed_update_errors_total{peer=\"raw\",action=\"$a\"}")"
	done
}
# the counters after one more of ACTION (none: no change)
errors_plus() {
	local -a v
	read -ra v <<<"$1"
	case $2 in
	treat_as_withdraw) v[0]=$((v[0] + 1)) ;;
	attribute_discard) v[1]=$((v[1] + 1)) ;;
	session_reset) v[2]=$((v[2] + 1)) ;;
	esac
	printf '%s ' "${v[@]}"
}
errors_are() { [ "$(errors)" = "$1" ]; }
# said FILE LINE TEXT: a line of FILE after line LINE holds TEXT
said() { tail -n +"$(($2 + 1))" "$1" | grep -q "$3"; }

OLD="origin AS131279 transit AS20485" NEW="origin AS131279 transit AS4837"
# case, action, route after it (gone / stale / new), session (up / reset), fault in the log
CASES="
origin_length treat_as_withdraw gone up ORIGIN.malformed
origin_value treat_as_withdraw gone up ORIGIN.malformed
as_path_segment treat_as_withdraw gone up AS_PATH.malformed
as4_path_malformed attribute_discard new up AS4_PATH.malformed:.discarded
next_hop_length treat_as_withdraw gone up NEXT_HOP.malformed
med_length treat_as_withdraw gone up MULTI_EXIT_DISC.malformed
local_pref_length treat_as_withdraw gone up LOCAL_PREF.malformed
atomic_aggregate_length attribute_discard new up ATOMIC_AGGREGATE.malformed:.discarded
aggregator_length attribute_discard new up AGGREGATOR.malformed:.discarded
missing_origin treat_as_withdraw gone up ORIGIN.missing
attr_repeated attribute_discard new up AS_PATH.repeated:.the.first.one.kept
mp_reach_repeated session_reset stale reset MP_REACH_NLRI.twice
mp_reach_malformed session_reset stale reset MP_REACH_NLRI:.prefix.at.byte.0.of.6.has.length.33
attr_flags treat_as_withdraw gone up ORIGIN.has.flags.0xc0,.not.0x40
attr_length_overrun session_reset stale reset attribute.length.overruns.the.message
attr_overrun_nlri treat_as_withdraw gone up runs.past.the.attribute.block
nlri_length_33 session_reset stale reset NLRI:.prefix.at.byte.0.of.6.has.length.33
unknown_optional none new up -
"
[ "$(echo "$CASES" | awk 'NF {print $1}')" = "$(/usr/bin/python3 tests/netns/rfc7606_speaker.py --cases 2>/dev/null)" ] ||
	fail "the case table and the speaker's cases differ"

n=0 ran=0
while read -r case action after session why; do
	[ -n "$case" ] || continue
	n=$((n + 1))
	[ -z "${ONLY:-}" ] || [[ " $ONLY " == *" $case "* ]] || continue
	ran=$((ran + 1))
	echo "announce $case $n" >&7
	wait_for 20 grep -q "^announced $case\$" "$DIR/speaker.log" || fail "$case: not announced"
	# 30 s: a table load can take long on a busy machine
	wait_for 30 pfx_is "$n" "$OLD" || fail "$case: the good UPDATE is not in the tables: $(pfx_route "$n")"
	established raw || fail "$case: the session is not Established"
	before=$(errors) stale0=$(stale_routes)
	from=$(wc -l <"$DIR/daemon.log") sfrom=$(wc -l <"$DIR/speaker.log")
	echo "bad $case $n" >&7
	if [ "$after" = gone ]; then
		wait_for 10 pfx_is "$n" "no route" || fail "$case: 198.18.$n.0/24 not withdrawn: $(pfx_route "$n")"
	elif [ "$after" = stale ]; then
		wait_for 10 stale_over "$stale0" || fail "$case: no route kept as stale ($stale0 -> $(stale_routes))"
		pfx_is "$n" "$OLD" || fail "$case: 198.18.$n.0/24 not kept on its old path: $(pfx_route "$n")"
	else
		wait_for 10 pfx_is "$n" "$NEW" || fail "$case: 198.18.$n.0/24 not on the new path: $(pfx_route "$n")"
	fi
	want=$(errors_plus "$before" "$action")
	wait_for 5 errors_are "$want" || fail "$case: errors (withdraw discard reset) $before -> $(errors), want $want"
	if [ "$session" = reset ]; then
		wait_for 10 said "$DIR/speaker.log" "$sfrom" "^NOTIFICATION 3/" ||
			fail "$case: no UPDATE Message Error NOTIFICATION"
		established raw && fail "$case: the session is still Established"
	else
		sleep 1.2 # a keepalive round: the session must outlive the fault
		established raw || fail "$case: the session went down"
		said "$DIR/speaker.log" "$sfrom" NOTIFICATION && fail "$case: NOTIFICATION"
	fi
	if [ "$why" = - ]; then
		said "$DIR/daemon.log" "$from" "UPDATE error" && fail "$case: an error was logged"
	else
		said "$DIR/daemon.log" "$from" "peer raw (203.0.113.1 AS64500): UPDATE error (RFC 7606): .*$why" ||
			fail "$case: the log does not name the peer and '$why'"
	fi
	echo "ok: $case: $action, 198.18.$n.0/24 $after, session $session"
done <<<"$CASES"

echo quit >&7
wait "$SPID" 2>/dev/null
SPID=
stop_pid "$DPID"
echo "PASS ($ran cases)"
