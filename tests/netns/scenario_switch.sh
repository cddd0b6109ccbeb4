#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/scenario_switch.sh - the scenario as a test (shared/SCENARIO.md):
# the path to 175.45.176.0/22 switches from "4837 131279" to "20485 131279"
# and asclass run, fed by the border router over iBGP (ADD-PATH), reports it
# on `asclass events --follow` and counts the next packets under the new
# transit.  BIRD 2 plays the routers, as in daemon_bird.sh:
#
#   cu  (BIRD, AS4837)  --eBGP--+                      +-- link cu  (traffic)
#                               rtr (BIRD, AS64500) --iBGP--> asc (asclass run)
#   ttk (BIRD, AS20485) --eBGP--+                      +-- link ttk (traffic)
#
# Links cu (AS4837) and ttk (AS20485) are attached on asc's veths to the cu
# and ttk namespaces, which send packets from 175.45.176.9 over them.  At
# first only cu exports the prefix; the switch is `birdc configure` of new
# export filters: ttk exports it, cu no longer.  Checked, measured from the
# switch: `asclass events --follow --json` prints "gained 20485 via ttk" and
# "lost 4837 via cu" with the prefix within 1 s, their time within 1 s of
# the switch; the next packets over ttk count under origin 131279, transit
# 20485 (stats --json); GET /events?since=SEQ and the counter by upstream
# agree.  apply_interval is 50 ms (the config allows 10) so
# that a load follows the change at once.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/netns.sh
. tests/lib/daemon_bgp.sh
O=${O:-build}

need_root
need_bird
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }

scenario_init
PORT=9752
DPID= FPID=
SRC=175.45.176.9 # a host of AS131279 behind either upstream

at_exit 'stop_pidfiles "$DIR"/rtr.pid "$DIR"/cu.pid "$DIR"/ttk.pid; stop_pid "$FPID"; stop_pid "$DPID"'
fail() {
	echo "FAIL: $*"
	for u in cu ttk; do echo "--- lookup via $u:"; UP=$u route_of; done
	echo "--- events --follow:"; cat "$DIR/follow.jsonl"
	echo "--- daemon log:"; tail -30 "$DIR/daemon.log"
	exit 1
}

# ---- topology: the scenario's, and a traffic link from each upstream -------

scenario_links "s${T}"
veth_ip "$NS_CU" "s${T}cx" 198.18.0.1/30 "$NS_ASC" "s${T}ca" 198.18.0.2/30
veth_ip "$NS_TTK" "s${T}tx" 198.18.0.5/30 "$NS_ASC" "s${T}ta" 198.18.0.6/30
ip -n "$NS_CU" addr add "$SRC/32" dev "s${T}cx"
ip -n "$NS_TTK" addr add "$SRC/32" dev "s${T}tx"

# ---- configurations -------------------------------------------------------

bird_upstream cu 4837 198.51.100.1 198.51.100.2
bird_upstream ttk 20485 198.51.100.5 198.51.100.6
bird_router ""
# exports NAME yes|no: whether upstream NAME's BIRD exports the prefix
exports() {
	local from=accept to=reject
	[ "$2" = yes ] && from=reject to=accept
	sed -i "s/bgp_path.prepend(131279); $from;/bgp_path.prepend(131279); $to;/" "$DIR/$1.conf"
}
exports ttk no
{
	cat <<-CONF
	[link cu]
	interface = s${T}ca
	asn = 4837

	[link ttk]
	interface = s${T}ta
	asn = 20485

	CONF
	feed_conf 50
} >"$DIR/asclass.conf"

# send NS DEV: 3 packets from SRC over an upstream's traffic link (no
# answer comes back: asc routes 175.45.176.0/22 to rtr)
send() { in_ns "$1" ping -q -c 3 -i 0.2 -W 1 -I "$SRC" "$2" >/dev/null 2>&1; true; }
# counted UPSTREAM TRANSIT: packets in over UPSTREAM from origin 131279 under TRANSIT
counted() {
	"$ASCLASS" --pin-dir "$PIN" stats --json | jq --arg u "$1" --argjson t "$2" \
		'[.counters[] | select(.upstream == $u and .origin_as == 131279 and
			.transit_as == $t and .direction == "in") | .packets] | add // 0'
}
# seen CHANGE UPSTREAM TRANSIT: the follower printed that event for the prefix
seen() {
	jq -s -e --arg c "$1" --arg u "$2" --argjson t "$3" \
		'any(.[]; .change == $c and .upstream == $u and .origin_as == 131279 and
			.transit_as == $t and any(.prefixes[]; . == "175.45.176.0/22"))' \
		"$DIR/follow.jsonl" >/dev/null
}
now() { date +%s.%N; }
# soon SECONDS CMD...: CMD succeeds within SECONDS, tried every 20 ms (finer
# than wait_for's 100 ms: the delays below are measured with it)
soon() {
	local end=$(($(date +%s%N) + $1 * 1000000000))
	shift
	until "$@"; do
		[ "$(date +%s%N)" -lt "$end" ] || return 1
		sleep 0.02
	done
}

# ---- before: cu alone ------------------------------------------------------

daemon_start "$DIR/asclass.conf" "$DIR/daemon.log"
wait_for 10 scrape metrics >/dev/null || fail "the daemon does not serve /metrics"
for b in cu:$NS_CU ttk:$NS_TTK rtr:$NS_RTR; do bird_start "${b%%:*}" "${b#*:}"; done
wait_for 30 up_route_is cu 131279 4837 || fail "cu's path did not reach the data plane"
UP=ttk route_is 131279 4837 consensus || fail "ttk has a path of its own before the switch"
send "$NS_CU" 198.18.0.2
[ "$(counted cu 4837)" = 3 ] || fail "3 packets over cu not under 131279/4837: $(counted cu 4837)"
echo "ok: before: 175.45.176.0/22 via cu (4837 131279), packets counted under 4837"

nsenter --net="/run/netns/$NS_ASC" "$ASCLASS" events --follow --json \
	--from "127.0.0.1:$PORT" >"$DIR/follow.jsonl" 2>"$DIR/follow.err" &
FPID=$!
wait_for 5 test -e "$DIR/follow.jsonl" || fail "events --follow did not start"

# ---- the switch ------------------------------------------------------------

exports ttk yes
exports cu no
# both at once, as one upstream's path replacing the other's
t0=$(now)
birdc -s "$DIR/ttk.ctl" configure >"$DIR/ttk.configure" &
birdc -s "$DIR/cu.ctl" configure >"$DIR/cu.configure"
wait $! || fail "birdc configure ttk: $(cat "$DIR/ttk.configure")"
grep -q "Reconfigured" "$DIR/cu.configure" || fail "birdc configure cu: $(cat "$DIR/cu.configure")"
soon 2 seen gained ttk 20485 || fail "no 'gained 20485 via ttk' on events --follow"
t_gained=$(now)
soon 2 seen lost cu 4837 || fail "no 'lost 4837 via cu' on events --follow"
t_lost=$(now)
delay=$(echo "$t_gained $t_lost $t0" | awk '{d = ($1 > $2 ? $1 : $2) - $3; printf "%.3f", d}')
echo "ok: events on --follow $delay s after the switch (gained" \
	"$(echo "$t_gained $t0" | awk '{printf "%.3f", $1 - $2}') s)"
awk -v d="$delay" 'BEGIN { exit !(d <= 1.0) }' || fail "events came $delay s after the switch"

# their time (whole seconds, UTC) is the switch's, within 1 s
for c in "gained ttk 20485" "lost cu 4837"; do
	set -- $c
	ts=$(jq -r --arg c "$1" --arg u "$2" 'select(.change == $c and .upstream == $u) | .time' \
		"$DIR/follow.jsonl" | tail -1)
	te=$(date -u -d "$ts" +%s) || fail "event time '$ts'"
	awk -v e="$te" -v t="$t0" 'BEGIN { d = e - t; exit !(d > -1.0 && d <= 1.0) }' ||
		fail "event $c dated $ts, the switch was at $(date -u -d "@${t0%.*}" +%FT%TZ)"
done
echo "ok: events dated $ts, the switch at $(date -u -d "@${t0%.*}" +%FT%TZ)"

# the next packets over ttk count under the new transit
soon 5 up_route_is ttk 131279 20485 || fail "ttk's path did not reach the data plane"
t_table=$(now)
send "$NS_TTK" 198.18.0.6
[ "$(counted ttk 20485)" = 3 ] ||
	fail "3 packets over ttk not under 131279/20485: $("$ASCLASS" --pin-dir "$PIN" stats)"
echo "ok: packets over ttk counted under 20485; the data plane had it" \
	"$(echo "$t_table $t0" | awk '{printf "%.3f", $1 - $2}') s after the switch"
[ "$(counted cu 20485)" = 0 ] || fail "packets over cu under 20485"

# the follower printed each event once (it asks for those after the last)
jq -s -e '[.[].seq] | length == (unique | length)' "$DIR/follow.jsonl" >/dev/null ||
	fail "events --follow printed an event twice"
# GET /events?since=SEQ: only the later events; a bad SEQ is a 400
last=$(scrape events | jq 'map(.seq) | max')
[ "$(scrape "events?since=$((last - 1))" | jq 'map(.seq)')" = "$(jq -n "[$last]")" ] ||
	fail "events?since=$((last - 1)): $(scrape "events?since=$((last - 1))")"
code=$(in_ns "$NS_ASC" curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/events?since=x")
[ "$code" = 400 ] || fail "events?since=x: HTTP $code, want 400"
# the counter, per upstream
[ "$(metric 'asclass_transit_changes_total{change="gained",upstream="ttk"}')" -ge 1 ] &&
	[ "$(metric 'asclass_transit_changes_total{change="lost",upstream="cu"}')" -ge 1 ] ||
	fail "asclass_transit_changes_total: $(scrape metrics | grep transit_changes)"
echo "ok: events?since=SEQ, the counter by upstream"

stop_pid "$FPID"
stop_pid "$DPID"
echo "PASS"
