#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/extra/rib_upstream.sh - `asclass rib --upstream` end to end: the
# issue's two-link scenario as text, JSON and --transits (exact output); text
# input is consensus in every column; bad --upstream values are usage
# errors; and on real dumps (BGP4MP updates, a TABLE_DUMP_V2 record, an
# ADD-PATH RIB), each upstream's own columns equal the plain resolution of
# that peer's lines alone (bgpdump -m text filtered by peer address and AS).
set -eu
cd "$(dirname "$0")/../.."
O=${O:-build}
ASCLASS=${ASCLASS:-$O/asclass}
command -v jq >/dev/null || { echo "SKIP: jq not installed (make deps)"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
tab=$'\t'

# want NAME FILE: FILE's content must be what stdin holds.
want() {
	if ! diff -u - "$2" >"$work/diff"; then
		echo "FAIL: $1:"
		sed 's/^/    /' "$work/diff"
		fail=1
	fi
}

# The issue's border: cu (AS4837) and ttk (AS20485) each announce their own
# path to 175.45.176.0/22; only cu announces 198.51.100.0/24.
cat >"$work/scenario.bgpdump" <<'EOF'
TABLE_DUMP2|1506848400|B|203.0.113.1|4837|175.45.176.0/22|4837 131279|IGP|203.0.113.1|0|0||NAG||
TABLE_DUMP2|1506848400|B|203.0.113.2|20485|175.45.176.0/22|20485 131279|IGP|203.0.113.2|0|0||NAG||
TABLE_DUMP2|1506848400|B|203.0.113.1|4837|198.51.100.0/24|4837 64500|IGP|203.0.113.1|0|0||NAG||
EOF
"$ASCLASS" rib --upstream cu=4837 --upstream ttk=20485@203.0.113.2 "$work/scenario.bgpdump" >"$work/out"
want "rib --upstream text" "$work/out" <<EOF
prefix${tab}origin_as${tab}transit_as${tab}peer_as${tab}paths${tab}flags${tab}cu:origin_as${tab}cu:transit_as${tab}cu:path${tab}ttk:origin_as${tab}ttk:transit_as${tab}ttk:path
175.45.176.0/22${tab}131279${tab}4837${tab}4837${tab}2${tab}multi_transit${tab}131279${tab}4837${tab}own${tab}131279${tab}20485${tab}own
198.51.100.0/24${tab}64500${tab}4837${tab}4837${tab}1${tab}-${tab}64500${tab}4837${tab}own${tab}64500${tab}4837${tab}consensus
EOF
# without upstreams the output is what it was: no header, no columns
"$ASCLASS" rib "$work/scenario.bgpdump" >"$work/out"
want "rib without --upstream" "$work/out" <<EOF
175.45.176.0/22${tab}131279${tab}4837${tab}4837${tab}2${tab}multi_transit
198.51.100.0/24${tab}64500${tab}4837${tab}4837${tab}1${tab}-
EOF
"$ASCLASS" rib --json --upstream cu=4837 --peer-as 20485 "$work/scenario.bgpdump" |
	jq -c '.[] | [.prefix, .transit_as, (.upstreams[] | [.upstream, .origin_as, .transit_as, .path])]' >"$work/out"
want "rib --upstream --json" "$work/out" <<'EOF'
["175.45.176.0/22",4837,["cu",131279,4837,"own"],["AS20485",131279,20485,"own"]]
["198.51.100.0/24",4837,["cu",64500,4837,"own"],["AS20485",64500,4837,"consensus"]]
EOF
"$ASCLASS" rib --json "$work/scenario.bgpdump" | jq -c '[.[] | has("upstreams")]' >"$work/out"
want "rib --json without --upstream has no upstreams" "$work/out" <<<'[false,false]'
"$ASCLASS" rib --transits --upstream cu=4837 --upstream ttk=20485 "$work/scenario.bgpdump" >"$work/out"
want "rib --transits --upstream" "$work/out" <<EOF
upstream${tab}origin_as${tab}transit_as${tab}prefixes${tab}first_seen${tab}gone_since
cu${tab}64500${tab}4837${tab}1${tab}2017-10-01T09:00:00Z${tab}-
cu${tab}131279${tab}4837${tab}1${tab}2017-10-01T09:00:00Z${tab}-
ttk${tab}131279${tab}20485${tab}1${tab}2017-10-01T09:00:00Z${tab}-
EOF
"$ASCLASS" rib --transits --json --upstream ttk=20485 "$work/scenario.bgpdump" | jq -c '.[]' >"$work/out"
want "rib --transits --upstream --json" "$work/out" <<'EOF'
{"origin_as":131279,"transit_as":20485,"prefixes":1,"paths":1,"first_seen":"2017-10-01T09:00:00Z","gone_since":null,"upstream":"ttk"}
EOF

# Text lines have no per-peer paths: every upstream is the consensus.
printf '175.45.176.0/22 131279 20485\n' >"$work/routes.txt"
"$ASCLASS" rib --upstream cu=4837 "$work/routes.txt" | tail -n +2 | cut -f7- >"$work/out"
want "text input is consensus" "$work/out" <<<"131279${tab}20485${tab}consensus"

# Bad values name themselves and exit 2 (usage).
for bad in cu cu= =4837 cu=0 cu=4837@203.0.113.300 cu=4837@ a-name-of-16-chr=1; do
	rc=0
	"$ASCLASS" rib --upstream "$bad" "$work/routes.txt" >/dev/null 2>"$work/err" || rc=$?
	[ $rc -eq 2 ] && grep -qF -- "--upstream: '$bad' is not NAME=ASN[@NEIGHBOR]" "$work/err" ||
		{ echo "FAIL: --upstream '$bad': exit $rc, want 2 naming it: $(cat "$work/err")"; fail=1; }
done
rc=0
"$ASCLASS" rib --upstream a=1 --upstream a=2 "$work/routes.txt" >/dev/null 2>"$work/err" || rc=$?
[ $rc -eq 2 ] && grep -q "upstream 'a' named twice" "$work/err" ||
	{ echo "FAIL: an upstream named twice: exit $rc: $(cat "$work/err")"; fail=1; }
args=()
for i in 1 2 3 4 5 6 7 8 9; do args+=(--peer-as "$i"); done
rc=0
"$ASCLASS" rib "${args[@]}" "$work/routes.txt" >/dev/null 2>"$work/err" || rc=$?
[ $rc -eq 2 ] && grep -q "more than 8 upstreams" "$work/err" ||
	{ echo "FAIL: nine upstreams: exit $rc: $(cat "$work/err")"; fail=1; }

# Real dumps: an upstream's own columns are the resolution of its lines alone.
# own FILE ASN IP: "prefix origin transit" of the prefixes ASN@IP announces.
own_of_columns() {
	"$ASCLASS" rib --upstream "p=$2@$3" "$1" | awk -F'\t' 'NR > 1 && $9 == "own" { print $1, $7, $8 }'
}
own_of_lines() {
	"$ASCLASS" mrt "$1" | awk -F'|' -v ip="$3" -v as="$2" '$4 == ip && $5 == as' >"$work/peer.txt"
	"$ASCLASS" rib --format bgpdump "$work/peer.txt" | awk -F'\t' '{ print $1, $2, $3 }'
}
n=0
while read -r f peers; do
	for p in $peers; do
		own_of_columns "tests/data/mrt/$f" "${p#*@}" "${p%@*}" >"$work/cols"
		own_of_lines "tests/data/mrt/$f" "${p#*@}" "${p%@*}" >"$work/lines"
		[ -s "$work/lines" ] || { echo "FAIL: $f: peer $p has no routes (test data?)"; fail=1; }
		want "$f: upstream $p, columns vs its lines alone" "$work/lines" <"$work/cols"
		n=$((n + 1))
	done
done <<'EOF'
updates.20160811.1600.gz 37.49.236.145@49463 37.49.232.7@8218 37.49.236.1@8218 37.49.236.71@34019
bview.64k_stream_overflow.gz 193.0.0.56@3333 2001:1890:111d:1::63@7018 2a03:3f40:32::365@202365
bview.ipv4_unicast_add_path.gz 10.0.15.1@65015
EOF
# AS8218's two sessions disagree somewhere: the neighbor tells them apart.
own_of_columns tests/data/mrt/updates.20160811.1600.gz 8218 37.49.232.7 >"$work/a"
own_of_columns tests/data/mrt/updates.20160811.1600.gz 8218 37.49.236.1 >"$work/b"
cmp -s "$work/a" "$work/b" && { echo "FAIL: AS8218's two sessions give the same columns"; fail=1; }
[ $fail -eq 0 ] && echo "PASS: scenario text, JSON, transits, errors; $n real upstreams match their own lines"
exit $fail
