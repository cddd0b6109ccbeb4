#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/json_names.sh - upstream names that hand-written JSON breaks.
#
# attach takes names with a quote, a backslash, spaces and other punctuation,
# and non-ASCII UTF-8; `asclass stats --json` and `asclass status --json`
# give each back exactly (checked with jq, and with Python's strict parser,
# which refuses raw control characters and bytes that are not UTF-8).
# attach refuses control characters and bytes that are not UTF-8, naming the
# byte, and leaves nothing behind.  A name attach would refuse, written
# straight into asc_upstreams (as bpftool or an older asclass could), still
# gives valid JSON: escaped control characters, U+FFFD for each bad byte.
# Traffic is pings between namespaces this test creates and removes.
set -eu
. "$(dirname "$0")/../lib/netns.sh"
ns_test_init
PY=/usr/bin/python3
R=asc-$id-jr U=asc-$id-ju
# stdin is one JSON text, valid by RFC 8259: UTF-8, no raw control characters
strict_json() { $PY -c 'import json, sys; json.loads(sys.stdin.buffer.read().decode("utf-8"))'; }

ns_add $R $U
for i in 0 1 2; do veth_ip $R r$i 198.18.$i.1/24 $U u$i 198.18.$i.2/24; done

# Accepted: quote and backslash (then 't', which a bad escaper makes a tab),
# punctuation and a space, and "Čú€" (2 + 2 + 3 bytes of UTF-8).
names=('q"uo\te' 'a b/<&>'"'" $'\xc4\x8c\xc3\xba\xe2\x82\xac')
for i in 0 1 2; do
	asc attach r$i --upstream "${names[$i]}" --asn $((64500 + i)) --mode skb \
		|| fail "attach refused the name '${names[$i]}'"
	in_ns $U ping -c 2 -i 0.2 -W 2 -q 198.18.$i.1 >/dev/null || fail "ping over r$i failed"
done

# Each name is in both directions of its link's counters (the echo requests
# in, the replies out), exactly as given to attach.
counted() { # name dir
	asc stats --json | jq_ok --arg n "$1" --arg d "$2" \
		'[.counters[] | select(.upstream == $n and .direction == $d) | .packets] | add == 2'
}
for i in 0 1 2; do
	wait_for 5 counted "${names[$i]}" out || fail "stats --json: no 2 packets out under '${names[$i]}': $(asc stats --json)"
	counted "${names[$i]}" in || fail "stats --json: no 2 packets in under '${names[$i]}': $(asc stats --json)"
done
asc stats --json | strict_json || fail "stats --json is not strict JSON: $(asc stats --json | od -c | head)"

# status --json: one link per interface, its name, id and AS as attached.
asc status --json | strict_json || fail "status --json is not strict JSON: $(asc status --json)"
for i in 0 1 2; do
	asc status --json | jq_ok --arg n "${names[$i]}" --arg ifn r$i --argjson asn $((64500 + i)) '
		[.links[] | select(.interface == $ifn)] | length == 1 and
		(.[0] | .upstream == $n and .upstream_as == $asn and (.upstream_id | type) == "number"
		 and .vlan == null and .xdp_mode == "skb")' \
		|| fail "status --json: r$i is not '${names[$i]}' AS$((64500 + i)): $(asc status --json | jq -c .links)"
done

# Refused: control characters (C0, DEL, C1) and bytes that are not UTF-8.
# The message names the byte; nothing is attached, no link is added.
veth $R spare $U uspare
bad=($'new\nline' $'tab\tx' $'ctl\x01' $'del\x7f' $'c1\xc2\x85' $'bad\xff' $'cut\xc4')
where=("byte 3 is a control character" "byte 3 is a control character"
	"byte 3 is a control character" "byte 3 is a control character"
	"byte 2 is a control character" "byte 3 (0xff) is not UTF-8" "byte 3 (0xc4) is not UTF-8")
for k in "${!bad[@]}"; do
	rc=0
	out=$(asc attach spare --upstream "${bad[$k]}" --mode skb 2>&1) || rc=$?
	[ $rc -eq 2 ] || fail "attach of name #$k: exit $rc, want 2 (usage): $out"
	echo "$out" | grep -qF -- "--upstream: ${where[$k]}" || fail "attach of name #$k: '${where[$k]}' not said: $out"
done
[ "$(asc status --json | jq '.links | length')" = 3 ] || fail "a refused attach added a link: $(asc status --json | jq -c .links)"
ip -n $R -d link show spare | grep -q "prog/xdp" && fail "a refused attach left XDP on spare"

# A name attach refuses, written into the map: n, newline, l, 0x01, 0xff,
# DEL.  JSON escapes what it must, U+FFFD stands for the 0xff.
uid=$(asc status --json | jq --arg n "${names[2]}" '.links[] | select(.upstream == $n) | .upstream_id')
col=$(bpftool -j map lookup pinned "$PIN/asc_upstreams" key $uid 0 0 0 | jq .formatted.value.column)
bpftool map update pinned "$PIN/asc_upstreams" key $uid 0 0 0 \
	value 0x6e 0x0a 0x6c 0x01 0xff 0x7f 0 0 0 0 0 0 0 0 0 0 0xf6 0xfb 0 0 "$col" 0 0 0 \
	0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 \
	|| fail "bpftool could not write asc_upstreams[$uid]"
want=$'n\nl\x01\xef\xbf\xbd\x7f'
for cmd in stats status; do
	asc $cmd --json | strict_json || fail "$cmd --json with a raw name in the map is not strict JSON: $(asc $cmd --json | od -c | head -20)"
done
asc stats --json | jq_ok --arg n "$want" '[.counters[] | select(.upstream == $n)] | length == 2' \
	|| fail "stats --json: the map's raw name is not escaped as expected: $(asc stats --json | jq -c .counters)"
asc status --json | jq_ok --arg n "$want" '[.links[] | select(.upstream == $n and .interface == "r2")] | length == 1' \
	|| fail "status --json: the map's raw name is not escaped as expected: $(asc status --json | jq -c .links)"

for i in 0 1 2; do asc detach r$i; done
echo "3 names round-trip through stats --json and status --json, ${#bad[@]} refused, a raw map name escaped"
