#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/oracle_bird.sh - the router's own MRT dump as the oracle of the
# live tables.  BIRD 2 plays the border router (as in daemon_bird.sh):
#
#   cu  (BIRD, AS4837)  --eBGP--+
#                               rtr (BIRD, AS64500) --iBGP, ADD-PATH tx--> asc (asclass run)
#   ttk (BIRD, AS20485) --eBGP--+         |
#                                         +-- protocol mrt: its table, every 2 s
#
# cu and ttk announce 300 /24s of 198.18.0.0/15 as static routes with a
# bgp_path each (six kinds: cu only, ttk only, both with other transits, both
# with other origins (MOAS), cu prepending the origin, both the same path).
# asclass has the links cu (AS4837) and ttk (AS20485) attached.  Checked:
# for every prefix and both links, what `asclass lookup ADDR --upstream
# cu|ttk --json` gives from the pinned tables (origin, transit, own or
# consensus) equals the row `asclass rib --upstream cu=4837 --upstream
# ttk=20485` makes of the router's newest MRT dump; then ttk withdraws its
# routes (its session disabled) and the two agree again on the next dump.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/netns.sh
. tests/lib/daemon_bgp.sh
O=${O:-build}

bird_test_init
command -v jq >/dev/null || { echo "SKIP: jq not installed (make deps)"; exit 77; }
PORT=9755
N=300
# the tables' kind: fast (the default) or lpm (LOOKUP=lpm); a feed's table
# came out of the RIB unsorted once, which only the fast tables minded
LOOKUP=${LOOKUP:-fast}
DPID=

at_exit 'stop_pidfiles "$DIR"/rtr.pid "$DIR"/cu.pid "$DIR"/ttk.pid; stop_pid "$DPID"'
fail() {
	echo "FAIL: $*"; [ -z "${HOLD:-}" ] || { echo "held: $PIN"; sleep "$HOLD"; }
	echo "--- differences (oracle < > live):"; diff "$DIR/oracle.tsv" "$DIR/live.tsv" 2>&1 | head -20
	echo "--- lookup:"; cat "$DIR/lookup.err" 2>/dev/null
	echo "--- daemon log:"; tail -20 "$DIR/daemon.log"
	exit 1
}

# ---- topology: the scenario's, and a link each for cu and ttk in asc ------

scenario_links "o${T}"
veth "$NS_ASC" "o${T}xc" "$NS_CU" "o${T}yc"
veth "$NS_ASC" "o${T}xt" "$NS_TTK" "o${T}yt"

# ---- the upstreams' routes ---------------------------------------------------

# route_of_kind UPSTREAM I: the bgp_path (after the upstream's own AS) that
# UPSTREAM gives prefix I, or nothing when it does not announce it
path_of() {
	local o=$((65000 + $2 % 97))
	case $1:$(($2 % 6)) in
	cu:0) echo "$o" ;;
	ttk:1) echo "64700 $o" ;;
	cu:2) echo "64701 $o" ;;
	ttk:2) echo "64702 $o" ;;
	cu:3) echo "$o" ;;
	ttk:3) echo "64703 $((o + 1000))" ;;
	cu:4) echo "$o $o $o" ;;
	ttk:4) echo "$o" ;;
	*:5) echo "64704 $o" ;;
	esac
}
prefix_of() { echo "198.$((18 + $1 / 256)).$(($1 % 256)).0/24"; }

# upstream_conf NAME AS ADDR NEIGHBOUR: $DIR/NAME.conf; its route count in
# $DIR/NAME.count
upstream_conf() {
	local i path a pre n=0
	{
		echo "router id $3;"
		echo "protocol device {}"
		echo "protocol static announced { ipv4;"
		for ((i = 0; i < N; i++)); do
			path=$(path_of "$1" "$i")
			[ -n "$path" ] || continue
			pre=
			for a in $path; do pre="bgp_path.prepend($a); $pre"; done
			echo "	route $(prefix_of "$i") blackhole { $pre};"
			n=$((n + 1))
		done
		echo "}"
		echo "protocol bgp rtr { local $3 as $2; neighbor $4 as 64500; $BIRD_TIMERS"
		echo "	ipv4 { import none; export all; }; }"
	} >"$DIR/$1.conf"
	echo "$n" >"$DIR/$1.count"
}
upstream_conf cu 4837 198.51.100.1 198.51.100.2
upstream_conf ttk 20485 198.51.100.5 198.51.100.6
bird_router ""
mkdir "$DIR/dumps"
cat >>"$DIR/rtr.conf" <<BIRD
protocol mrt { table "master4"; filename "$DIR/dumps/rtr-%F-%H%M%S.mrt"; period 2; }
BIRD

cat >"$DIR/asclass.conf" <<CONF
[link cu]
interface = o${T}xc
asn = 4837

[link ttk]
interface = o${T}xt
asn = 20485

[bgp]
listen = 203.0.113.2
local_as = 64500
router_id = 203.0.113.2
apply_interval = 200

[neighbor rtr]
address = 203.0.113.1

[routes]
lookup = $LOOKUP

[metrics]
listen = 127.0.0.1:$PORT

[daemon]
pin_dir = $PIN
mode = skb
CONF

# ---- the comparison ----------------------------------------------------------

# router_paths: the paths in the router's table
router_paths() { birdc -s "$DIR/rtr.ctl" show route count | sed -n 's/^\([0-9]*\) of .* table master4$/\1/p'; }
router_has() { [ "$(router_paths)" = "$1" ]; }
# dumps_since: the router's dumps begun after $DIR/mark was touched, oldest first
dumps_since() { find "$DIR/dumps" -name 'rtr-*.mrt' -newer "$DIR/mark" | sort; }
two_dumps_since() { [ "$(dumps_since | wc -l)" -ge 2 ]; }
# oracle: "prefix upstream origin transit own|consensus" of the dump, one a line
oracle() {
	"$ASCLASS" rib --json --upstream cu=4837 --upstream ttk=20485 "$1" |
		jq -r '.[] | .prefix as $p | .upstreams[] |
			[$p, .upstream, .origin_as, .transit_as, .path] | @tsv' | sort >"$DIR/oracle.tsv"
}
# live: the same from the pinned tables, for every prefix either upstream
# ever announced (one no longer routed gives no row)
live() {
	local up i
	for ((i = 0; i < N; i++)); do prefix_of "$i"; done | sed 's|\.0/24$|.1|' >"$DIR/addrs"
	for up in cu ttk; do
		"$ASCLASS" --pin-dir "$PIN" lookup --upstream "$up" --json $(cat "$DIR/addrs") 2>"$DIR/lookup.err" |
			jq -r --arg up "$up" '.[] | select(.found) |
				[(.address | sub("\\.1$"; ".0/24")), $up, .origin_as, .transit_as, .path] | @tsv'
	done | sort >"$DIR/live.tsv"
}
agree() { live && cmp -s "$DIR/oracle.tsv" "$DIR/live.tsv"; }

# compare WHAT ROUTES PREFIXES: once the router holds ROUTES paths, a dump
# it writes after that has PREFIXES prefixes, and the live tables agree with it
compare() {
	wait_for 60 router_has "$2" || fail "$1: the router has $(router_paths) paths, not $2"
	touch "$DIR/mark"
	sleep 1 # the mtime's resolution: a dump begun before the mark is not newer
	# the first of two dumps begun since: BIRD has moved on to the second
	wait_for 10 two_dumps_since || fail "$1: the router wrote no dump"
	dump=$(dumps_since | head -1)
	oracle "$dump" || fail "$1: asclass rib failed on $dump"
	[ "$(cut -f1 "$DIR/oracle.tsv" | sort -u | wc -l)" = "$3" ] ||
		fail "$1: the dump has $(cut -f1 "$DIR/oracle.tsv" | sort -u | wc -l) prefixes, not $3"
	local until=$((SECONDS + 60)) # wall time: a comparison, or a table load, can take long on a busy machine
	until agree; do
		[ "$SECONDS" -lt "$until" ] || fail "$1: the live tables differ from the router's dump"
		sleep 1
	done
	echo "ok: $1: $(wc -l <"$DIR/live.tsv") rows (prefix x link) of the live tables equal the dump's"
}

# ---- the run -------------------------------------------------------------

daemon_start "$DIR/asclass.conf" "$DIR/daemon.log"
wait_for 10 scrape metrics >/dev/null || fail "the daemon does not serve /metrics"
for b in cu:$NS_CU ttk:$NS_TTK rtr:$NS_RTR; do bird_start "${b%%:*}" "${b#*:}"; done

ncu=$(cat "$DIR/cu.count") nttk=$(cat "$DIR/ttk.count")
compare "both upstreams" $((ncu + nttk)) "$N"
# every kind is there: each link has own and consensus rows, and MOAS
for up in cu ttk; do
	for p in own consensus; do
		grep -qP "\t$up\t.*\t$p\$" "$DIR/live.tsv" || fail "no $p row for $up"
	done
done
[ "$(awk -F'\t' '$2 == "cu" && $5 == "own"' "$DIR/live.tsv" | wc -l)" = "$ncu" ] ||
	fail "cu's own rows are not its $ncu routes"

birdc -s "$DIR/ttk.ctl" disable rtr >/dev/null
compare "ttk withdrawn" "$ncu" "$ncu"
grep -qP "\tttk\t.*\town\$" "$DIR/live.tsv" && fail "ttk still has own rows"

stop_pid "$DPID"
wait "$DPID" 2>/dev/null
echo "PASS"
