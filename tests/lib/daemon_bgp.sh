# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/lib/daemon_bgp.sh - helpers for the tests of asclass run's live feed
# (tests/netns/daemon_*.sh): the scenario's namespaces and routers (BIRD
# upstreams, GoBGP reporting over BMP), the route the pinned tables give, the
# daemon's metrics and events.  Source it after tests/lib/netns.sh (its
# stop_pid stops what a test started); the tests set ASCLASS, PIN, PORT and
# NS_ASC.

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
# addr_route ADDR: what traffic from ADDR counts under over the first
# attached link, "origin AS.. transit AS..", or "no route"
addr_route() {
	"$ASCLASS" --pin-dir "$PIN" lookup "$1" 2>/dev/null |
		awk -F'\t' '/no route/ {print "no route"; exit} {print $4 " " $5}'
}
no_route() { "$ASCLASS" --pin-dir "$PIN" lookup 175.45.176.1 2>/dev/null | grep -q 'no route'; }

# GET /PATH of the daemon's listener, from its namespace.
scrape() { in_ns "$NS_ASC" curl -sf "http://127.0.0.1:$PORT/$1"; }
# The value of one series (its name and labels exactly as written).
metric() { scrape metrics | awk -v k="$1" '$1 == k {print $2}'; }
# changes CHANGE: asclass_transit_changes_total{change=CHANGE} summed over
# upstreams; changes_are CHANGE N: it is N.
changes() {
	scrape metrics | awk -v c="change=\"$1\"" '
		index($1, "asclass_transit_changes_total{") == 1 && index($1, c) { s += $2 }
		END { print s + 0 }'
}
changes_are() { [ "$(changes "$1")" = "$2" ]; }
established() { [ "$(metric "asclass_feed_session_state{peer=\"$1\",state=\"Established\"}")" = 1 ]; }
# has_event TEXT: a line of `asclass events --from` holds TEXT.
has_event() { in_ns "$NS_ASC" "$ASCLASS" events --from "127.0.0.1:$PORT" | grep -q "$1"; }

# daemon_start CONF LOG: asclass run in NS_ASC, in the background; DPID gets
# its pid (nsenter itself, not in_ns: $! must be the daemon's).
# ASCLASS_OPTS: global options before `run` (e.g. -v), none by default.
daemon_start() {
	# shellcheck disable=SC2086 # options, split on purpose
	nsenter --net="/run/netns/$NS_ASC" "$ASCLASS" ${ASCLASS_OPTS:-} run --config "$1" >"$2" 2>&1 &
	DPID=$!
}

# need_bird: SKIP (exit 77) without BIRD 2.
need_bird() {
	command -v bird >/dev/null && command -v birdc >/dev/null ||
		{ echo "SKIP: BIRD 2 not installed (make deps installs bird2)"; exit 77; }
}
# scenario_init: ns_test_init, then T and DIR (its id and work dir) and the
# names of the scenario's namespaces (NS_CU, NS_TTK, NS_RTR, NS_ASC).
scenario_init() {
	ns_test_init
	T=$id DIR=$work
	NS_CU=asc-$T-cu NS_TTK=asc-$T-ttk NS_RTR=asc-$T-rtr NS_ASC=asc-$T-asc
}
# bird_test_init: a BIRD test's preamble: SKIP (77) without root or BIRD 2,
# then scenario_init.
bird_test_init() {
	need_root
	need_bird
	scenario_init
}

# raw_test_init: a scripted speaker's test preamble (root, then
# ns_test_init): T and DIR, NS_RTR and NS_ASC, DPID and SPID (the daemon's
# and the speaker's pids, stopped on exit) and fail MESSAGE (prints it, the
# speaker's output and the end of the daemon's log, exits 1).
raw_test_init() {
	need_root
	ns_test_init
	T=$id DIR=$work
	NS_RTR=asc-$T-raw NS_ASC=asc-$T-asc
	DPID= SPID=
	at_exit 'stop_pid "$SPID"; stop_pid "$DPID"'
	fail() {
		echo "FAIL: $*"
		echo "--- speaker:"; cat "$DIR/speaker.log"
		echo "--- daemon log:"; tail -30 "$DIR/daemon.log"
		exit 1
	}
}

# raw_setup APPLY_MS: for a scripted speaker (tests/netns/*_speaker.py):
# namespaces NS_RTR and NS_ASC joined by a veth (r${T}r 203.0.113.1/30,
# r${T}a 203.0.113.2/30) and $DIR/asclass.conf: the BGP feed on 203.0.113.2
# (AS64500, loaded every APPLY_MS) with the speaker as neighbour "raw", a
# link on the veth (a column for lookups), metrics on PORT, maps in PIN.
raw_setup() {
	ns_add "$NS_RTR" "$NS_ASC"
	veth "$NS_RTR" "r${T}r" "$NS_ASC" "r${T}a"
	ip -n "$NS_RTR" addr add 203.0.113.1/30 dev "r${T}r"
	ip -n "$NS_ASC" addr add 203.0.113.2/30 dev "r${T}a"
	cat >"$DIR/asclass.conf" <<CONF
[bgp]
listen = 203.0.113.2
local_as = 64500
router_id = 203.0.113.2
apply_interval = $1

[neighbor raw]
address = 203.0.113.1

[link raw]
interface = r${T}a
asn = 64500

[metrics]
listen = 127.0.0.1:$PORT

[daemon]
pin_dir = $PIN
CONF
}

# feed_conf APPLY_MS [BGP_KEYS]: the end of asclass.conf for the BIRD
# router's iBGP feed (asc 203.0.113.2, rtr 203.0.113.1, AS64500) loaded every
# APPLY_MS (and BGP_KEYS, lines, in [bgp]), metrics on PORT, maps in PIN,
# skb mode.
feed_conf() {
	cat <<-CONF
	[bgp]
	listen = 203.0.113.2
	local_as = 64500
	router_id = 203.0.113.2
	apply_interval = $1
	${2:-}

	[neighbor rtr]
	address = 203.0.113.1

	[metrics]
	listen = 127.0.0.1:$PORT

	[daemon]
	pin_dir = $PIN
	mode = skb
	CONF
}

# bgp_conf FILE IFACE [BGP_KEYS]: an asclass.conf for the scenario: link rtr
# on IFACE, then feed_conf 200 BGP_KEYS.
bgp_conf() {
	{
		printf '[link rtr]\ninterface = %s\nasn = 64500\n\n' "$2"
		feed_conf 200 "${3:-}"
	} >"$1"
}

# ---- the scenario's routers (BIRD upstreams, GoBGP with BMP) ----------------
# The tests set DIR (configs, sockets, pid files) and define fail().

# scenario_links P: the namespaces NS_CU, NS_TTK, NS_RTR and NS_ASC and
# their links (interface names start with P): cu 198.51.100.1 - .2 rtr,
# ttk 198.51.100.5 - .6 rtr, rtr 203.0.113.1 - .2 asc (asc's interface:
# ${P}a); rtr also holds 175.45.176.1 (packets from the scenario's prefix),
# which asc routes to it.
scenario_links() {
	ns_add "$NS_CU" "$NS_TTK" "$NS_RTR" "$NS_ASC"
	veth "$NS_CU" "${1}c" "$NS_RTR" "${1}rc"
	veth "$NS_TTK" "${1}t" "$NS_RTR" "${1}rt"
	veth "$NS_RTR" "${1}ra" "$NS_ASC" "${1}a"
	ip -n "$NS_CU" addr add 198.51.100.1/30 dev "${1}c"
	ip -n "$NS_RTR" addr add 198.51.100.2/30 dev "${1}rc"
	ip -n "$NS_TTK" addr add 198.51.100.5/30 dev "${1}t"
	ip -n "$NS_RTR" addr add 198.51.100.6/30 dev "${1}rt"
	ip -n "$NS_RTR" addr add 203.0.113.1/30 dev "${1}ra"
	ip -n "$NS_RTR" addr add 175.45.176.1/32 dev "${1}ra"
	ip -n "$NS_ASC" addr add 203.0.113.2/30 dev "${1}a"
	ip -n "$NS_ASC" route add 175.45.176.0/22 via 203.0.113.1
}

# BIRD timers short enough for tests.
BIRD_TIMERS="connect delay time 1; connect retry time 2; error wait time 1, 2;"
bird_pid() { cat "$DIR/$1.pid" 2>/dev/null; }

# bird_upstream NAME AS ADDR NEIGHBOUR: $DIR/NAME.conf, a BIRD upstream
# originating the scenario's prefix 175.45.176.0/22 on behalf of AS131279
# (its own AS is prepended on export) to AS64500 at NEIGHBOUR.
bird_upstream() {
	cat >"$DIR/$1.conf" <<-BIRD
	router id $3;
	protocol device {}
	protocol static as131279 { ipv4; route 175.45.176.0/22 blackhole; }
	protocol bgp rtr {
		local $3 as $2; neighbor $4 as 64500; $BIRD_TIMERS
		ipv4 { import none; export filter { bgp_path.prepend(131279); accept; }; };
	}
	BIRD
}

# bird_router GR: $DIR/rtr.conf, the border router (BIRD, AS64500) with cu
# and ttk as eBGP neighbours, passing all their paths to asclass
# (203.0.113.2) over iBGP with ADD-PATH tx; GR: its graceful restart options.
bird_router() {
	cat >"$DIR/rtr.conf" <<-BIRD
	router id 203.0.113.1;
	protocol device {}
	protocol bgp cu { local 198.51.100.2 as 64500; neighbor 198.51.100.1 as 4837; $BIRD_TIMERS
		ipv4 { import all; export none; }; }
	protocol bgp ttk { local 198.51.100.6 as 64500; neighbor 198.51.100.5 as 20485; $BIRD_TIMERS
		ipv4 { import all; export none; }; }
	protocol bgp asclass { local 203.0.113.1 as 64500; neighbor 203.0.113.2 as 64500; $BIRD_TIMERS
		$1
		ipv4 { import none; export all; add paths tx; }; }
	BIRD
}

# bird_start NAME NS [SECONDS]: BIRD with $DIR/NAME.conf in NS, in the
# background; fails unless it has written its pid file (after reading its
# configuration) within SECONDS (default 10).
bird_start() {
	rm -f "$DIR/$1.pid"
	in_ns "$2" bird -f -c "$DIR/$1.conf" -s "$DIR/$1.ctl" -P "$DIR/$1.pid" \
		>>"$DIR/$1.log" 2>&1 &
	wait_for "${3:-10}" test -s "$DIR/$1.pid" || fail "BIRD $1 did not start: $(cat "$DIR/$1.log")"
}

# gobgp_bmp_toml FILE STATION: gobgpd as AS64500 (203.0.113.1) with cu
# (198.51.100.1, AS4837) and ttk (198.51.100.5, AS20485) as neighbours,
# reporting every view over BMP to STATION port 1790, with a Statistics
# Report every 15 s, its least (GoBGP notices a closed station only when it
# writes).
gobgp_bmp_toml() {
	cat >"$1" <<-TOML
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
	    address = "$2"
	    port = 1790
	    route-monitoring-policy = "all"
	    statistics-timeout = 15
	TOML
}
