#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/extra/events_replay.sh - `asclass events FILES`: the scenario's RIB dump
# then its update dump (tests/gen/mrtgen scenario) give, among others, the
# event the scenario is about: AS131279 gained transit AS20485 at
# 2017-10-01 09:08:00 UTC (and lost 4837 then), with its five prefixes; text
# and JSON lines agree; with --upstream, the same per link ("via ttk"); a cut
# file is refused naming the record, with exit status 3.
set -eu
cd "$(dirname "$0")/../.."
O=${O:-build}
ASCLASS=${ASCLASS:-$O/asclass}
MRTGEN=$O/tests/gen/mrtgen
[ -x "$MRTGEN" ] || { echo "FAIL: $MRTGEN not built"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$MRTGEN" scenario "$work" >/dev/null
rib=$work/rib.20171001.0800.mrt upd=$work/updates.20171001.0905.mrt
fail=0

P5=175.45.176.0/22,175.45.176.0/24,175.45.177.0/24,175.45.178.0/24,175.45.179.0/24
"$ASCLASS" events "$rib" "$upd" >"$work/text"
grep -qx "2017-10-01T09:08:00Z	-	gained	131279	20485	5	$P5" "$work/text" ||
	{ echo "FAIL: no 'gained 131279 20485' at 09:08:00 in:"; cat "$work/text"; fail=1; }
grep -qx "2017-10-01T09:08:00Z	-	lost	131279	4837	5	$P5" "$work/text" ||
	{ echo "FAIL: no 'lost 131279 4837' at 09:08:00"; fail=1; }
# the RIB dump alone is the starting state: no event
[ "$("$ASCLASS" events "$rib" | wc -l)" = 1 ] || { echo "FAIL: events from one file"; fail=1; }
json=$("$ASCLASS" events --json --origin 131279 "$rib" "$upd")
want='{"change":"gained","origin_as":131279,"transit_as":20485,"upstream":"-","time":"2017-10-01T09:08:00Z","prefix_count":5,"prefixes":["175.45.176.0/22","175.45.176.0/24","175.45.177.0/24","175.45.178.0/24","175.45.179.0/24"]}'
grep -qxF "$want" <<<"$json" || { echo "FAIL: JSON: $json"; fail=1; }
# JSON lines: one object per line, every line one
[ "$(grep -c . <<<"$json")" = 2 ] && jq -e . <<<"$json" >/dev/null ||
	{ echo "FAIL: --origin 131279 --json: not 2 JSON lines"; fail=1; }
# per link: the collector peer AS64497 plays ttk, AS64496 cu; each link's own
# paths switch from 4837 to 20485 at 09:08:00
"$ASCLASS" events --upstream ttk=64497 --upstream cu=64496@198.51.100.1 "$rib" "$upd" >"$work/links"
for l in "ttk	gained	131279	20485" "ttk	lost	131279	4837" "cu	gained	131279	20485" \
	"cu	lost	131279	4837"; do
	grep -qx "2017-10-01T09:08:00Z	$l	5	$P5" "$work/links" ||
		{ echo "FAIL: no '$l' at 09:08:00 via its link in:"; cat "$work/links"; fail=1; }
done
# a link's own paths only: AS64498 (not named) lost 6939 at 09:06, no link did
grep -q "	6939	" "$work/links" && { echo "FAIL: AS64498's pair under a link"; fail=1; }
rc=0
"$ASCLASS" events --upstream ttk "$rib" "$upd" >/dev/null 2>&1 || rc=$?
[ $rc -eq 2 ] || { echo "FAIL: --upstream ttk (no AS): exit $rc, want 2"; fail=1; }
head -c 100 "$upd" >"$work/cut.mrt"
rc=0
"$ASCLASS" events "$rib" "$work/cut.mrt" >/dev/null 2>"$work/err" || rc=$?
[ $rc -eq 3 ] && grep -q "cut.mrt: record 3 (offset 72)" "$work/err" ||
	{ echo "FAIL: a cut file: exit $rc, $(cat "$work/err")"; fail=1; }
[ $fail = 0 ] && echo "ok: scenario event 131279 gained 20485 at 09:08:00 replayed"
exit $fail
