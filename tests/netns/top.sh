#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/top.sh - asclass top over real traffic: the classifier on a
# veth link (no daemon), pings from three origin prefixes at different
# rates, and `asclass top` reading the pinned maps meanwhile.  The top origin
# by rate is the one sent most, the totals per upstream and direction cover
# the rows, --by transit and --upstream select, and output that is not a
# terminal has no ANSI escapes.
set -eu
. "$(dirname "$0")/../lib/netns.sh"
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (BPF, network namespaces)"; exit 77; }
ASCLASS=${ASCLASS:-$PWD/build/asclass}
id=$$
R=asc-$id-tr U=asc-$id-tu
PIN=/sys/fs/bpf/asc-test-$id
work=$(mktemp -d)
cleanup() {
	kill $(jobs -p) 2>/dev/null || true
	wait 2>/dev/null
	ns_del_all
	rm -rf "$PIN" "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
asc() { in_ns $R "$ASCLASS" --pin-dir "$PIN" "$@"; }

ns_add $R $U
veth $R r-cu $U u-cu
ip -n $R addr add 198.51.100.1/30 dev r-cu
ip -n $U addr add 198.51.100.2/30 dev u-cu
for n in 1 2 3; do ip -n $U addr add 198.18.$n.2/24 dev u-cu; done
ip -n $R route add 198.18.0.0/15 via 198.51.100.2

cat >"$work/routes.txt" <<'ROUTES'
198.18.1.0/24 65001 4837 4837
198.18.2.0/24 65002 4837 4837
198.18.3.0/24 65003 174 174
ROUTES
asc attach r-cu --upstream cu --asn 4837 --mode skb >/dev/null 2>&1
asc routes load "$work/routes.txt" >/dev/null 2>&1

# 65002 sends most (50/s), then 65001 (20/s) and 65003 (10/s), for ~4 s
pinger() { in_ns $U ping -q -c "$2" -i "$3" -W 1 -I "$1" 198.51.100.1 >/dev/null 2>&1 || true; }
pinger 198.18.2.2 200 0.02 &
pinger 198.18.1.2 80 0.05 &
pinger 198.18.3.2 40 0.1 &
sleep 0.5
asc top -n 2 -d 1 --json >"$work/origin.json"
asc top --once --by transit --upstream cu --json >"$work/transit.json"
asc top --once --limit 2 >"$work/text"
# on a terminal (script(1) gives it one): the screen is cleared and redrawn
in_ns $R script -qec "$ASCLASS --pin-dir $PIN top -n 2 -d 0.5" /dev/null >"$work/tty" </dev/null
wait

[ "$(wc -l <"$work/origin.json")" = 2 ] || fail "-n 2 --json: want 2 lines: $(cat "$work/origin.json")"
jq -e . "$work/origin.json" >/dev/null || fail "top --json is not JSON"
last=$(tail -1 "$work/origin.json")
top=$(echo "$last" | jq '.rows[0].origin_as')
[ "$top" = 65002 ] || fail "top origin by rate is $top, want 65002: $last"
[ "$(echo "$last" | jq -r '[.rows[] | select(.direction == "in") | .origin_as] | join(",")')" = 65002,65001,65003 ] \
	|| fail "rows not sorted by bits/s: $last"
pps=$(echo "$last" | jq '.rows[0].packets_per_second')
echo "$pps" | awk '{exit !($1 > 25 && $1 < 75)}' || fail "65002 at $pps packets/s, want ~50"
echo "$last" | jq -e '.by == "origin" and (.seconds > 0.9) and (.rows[0] | has("transit_as") | not)' >/dev/null \
	|| fail "by origin: shape: $last"
echo "$last" | jq -e '(.totals[] | select(.upstream == "cu" and .direction == "in") | .bits_per_second)
	>= ([.rows[] | select(.upstream == "cu" and .direction == "in") | .bits_per_second] | add) - 0.001' >/dev/null \
	|| fail "cu in total below the sum of its rows: $last"
echo "$last" | jq -e '[.totals[] | select(.upstream == "cu")] | length == 2' >/dev/null \
	|| fail "totals: want cu in and out: $last"

t=$(cat "$work/transit.json")
[ "$(echo "$t" | jq '.rows[0].transit_as')" = 4837 ] || fail "top transit is not 4837: $t"
echo "$t" | jq -e '.by == "transit" and ([.rows[] | has("origin_as")] | any | not)' >/dev/null \
	|| fail "by transit: shape: $t"

grep -q "$(printf '\033')" "$work/text" && fail "ANSI escapes in output that is not a terminal"
[ "$(grep -c "$(printf '\033\\[H\033\\[2J')" "$work/tty")" = 2 ] || fail "a terminal did not get a clear per interval: $(od -c "$work/tty" | head -3)"
grep -q '^cu  *in  *total ' "$work/text" || fail "no cu in total line: $(cat "$work/text")"
[ "$(grep -c '^cu  *in  *650' "$work/text")" -le 2 ] || fail "--limit 2 printed more rows: $(cat "$work/text")"

asc top --once --sort bytes >/dev/null 2>&1 && fail "--sort bytes was taken"
# --sort: 65001 sends few large packets (10/s of 1428 bytes), 65003 many
# small ones (50/s of 44 bytes): first by bits, second by packets
big() { in_ns $U ping -q -c "$2" -i "$3" -s "$4" -W 1 -I "$1" 198.51.100.1 >/dev/null 2>&1 || true; }
big 198.18.1.2 30 0.1 1400 &
big 198.18.3.2 150 0.02 16 &
sleep 0.5
asc top --once --json >"$work/bits.json"
asc top --once --sort packets --json >"$work/pps.json" || fail "top --sort packets"
wait
first() { jq '[.rows[] | select(.direction == "in")][0].origin_as' "$1"; }
[ "$(first "$work/bits.json")" = 65001 ] || fail "by bits: $(cat "$work/bits.json")"
[ "$(first "$work/pps.json")" = 65003 ] || fail "--sort packets: $(cat "$work/pps.json")"
out=$(asc top --once --upstream nosuch 2>&1) && fail "--upstream nosuch succeeded"
echo "$out" | grep -q "no upstream named 'nosuch'" || fail "unknown upstream not named: $out"
echo "top: 65002 leads at ${pps} packets/s; totals, --by transit, --upstream, --limit, plain text checked"
