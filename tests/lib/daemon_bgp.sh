# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/lib/daemon_bgp.sh - helpers for the tests of asclass run's live feed
# (tests/netns/daemon_*.sh): stopping what a test started by its pid, the
# route the pinned tables give, the daemon's metrics and events.  Source it
# after tests/lib/netns.sh; the tests set ASCLASS, PIN, PORT and NS_ASC.

# stop_pid PID: TERM, then KILL if it is still there after 5 s.
stop_pid() {
	local pid=$1 i
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null
}

# What traffic from 175.45.176.1 over upstream UP's link (default: the
# first attached) counts under in the pinned tables: "origin AS.. transit
# AS.. path own|consensus" (the data plane keeps no route flags).
route_of() {
	"$ASCLASS" --pin-dir "$PIN" lookup 175.45.176.1 ${UP:+--upstream "$UP"} 2>/dev/null | cut -f4-6
}
# route_is ORIGIN TRANSIT [PATH]: PATH defaults to own
route_is() {
	[ "$(route_of)" = "$(printf 'origin AS%s\ttransit AS%s\tpath %s' "$1" "$2" "${3:-own}")" ]
}
# up_route_is UPSTREAM ORIGIN TRANSIT [PATH]: route_is over that upstream's link
up_route_is() {
	local UP=$1
	shift
	route_is "$@"
}
no_route() { "$ASCLASS" --pin-dir "$PIN" lookup 175.45.176.1 2>/dev/null | grep -q 'no route'; }

# GET /PATH of the daemon's listener, from its namespace.
scrape() { in_ns "$NS_ASC" curl -sf "http://127.0.0.1:$PORT/$1"; }
# The value of one series (its name and labels exactly as written).
metric() { scrape metrics | awk -v k="$1" '$1 == k {print $2}'; }
established() { [ "$(metric "asclass_feed_session_state{peer=\"$1\",state=\"Established\"}")" = 1 ]; }
# has_event TEXT: a line of `asclass events --from` holds TEXT.
has_event() { in_ns "$NS_ASC" "$ASCLASS" events --from "127.0.0.1:$PORT" | grep -q "$1"; }

# daemon_start CONF LOG: asclass run in NS_ASC, in the background; DPID gets
# its pid (nsenter itself, not in_ns: $! must be the daemon's).
daemon_start() {
	nsenter --net="/run/netns/$NS_ASC" "$ASCLASS" run --config "$1" >"$2" 2>&1 &
	DPID=$!
}
