#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/extra/rib_resolve.sh - resolution end to end: for every sample dump
# and the generated scenario, `asclass rib FILE` (MRT reader) and
# `bgpdump -m FILE | asclass rib --format bgpdump -` (text reader) must give
# the same table; and the scenario's facts must come out of it.
set -eu
cd "$(dirname "$0")/../.."
O=${O:-build}
ASCLASS=${ASCLASS:-$O/asclass}
MRTGEN=$O/tests/gen/mrtgen
command -v bgpdump >/dev/null || { echo "SKIP: bgpdump not installed (make deps)"; exit 77; }
[ -x "$MRTGEN" ] || { echo "FAIL: $MRTGEN not built"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$MRTGEN" scenario "$work" >/dev/null

fail=0 n=0
# Samples with a malformed prefix in an UPDATE (BIRD's ADD-PATH NLRI in plain
# BGP4MP records; a prefix cut by the end of its list): the MRT reader refuses
# the record, naming it, where bgpdump's text keeps what came before it.
malformed=" bird6_bgp bird_bgp updates.nlri_mask_trailing_bits.gz "
for f in tests/data/mrt/* "$work"/*.mrt; do
	case $f in *.md) continue ;; esac
	if [[ $malformed == *" $(basename "$f") "* ]]; then
		rc=0
		"$ASCLASS" rib "$f" >/dev/null 2>"$work/err" || rc=$?
		[ $rc -eq 3 ] && grep -q ": record [0-9]* (offset [0-9]*): .*prefix at byte" "$work/err" ||
			{ echo "FAIL: asclass rib $f: exit $rc, want 3 naming the record: $(cat "$work/err")"; fail=1; }
		continue
	fi
	"$ASCLASS" rib --merge-snapshots "$f" >"$work/mrt.out" 2>"$work/err" || { echo "FAIL: asclass rib $f: $(cat "$work/err")"; fail=1; continue; }
	bgpdump -m "$f" 2>/dev/null | "$ASCLASS" rib --format bgpdump - >"$work/text.out" 2>"$work/err" \
		|| { echo "FAIL: asclass rib of bgpdump text of $f: $(cat "$work/err")"; fail=1; continue; }
	if ! cmp -s "$work/mrt.out" "$work/text.out"; then
		echo "FAIL: $f: MRT and bgpdump-text resolution differ:"
		diff "$work/mrt.out" "$work/text.out" | head -10
		fail=1
	fi
	n=$((n + 1))
done
# RIB then updates, in order, both ways
rib=$work/rib.20171001.0800.mrt upd=$work/updates.20171001.0905.mrt
"$ASCLASS" rib "$rib" "$upd" >"$work/mrt.out"
bgpdump -m "$rib" 2>/dev/null >"$work/rib.txt"
bgpdump -m "$upd" 2>/dev/null >"$work/upd.txt"
"$ASCLASS" rib "$work/rib.txt" "$work/upd.txt" >"$work/text.out"
cmp -s "$work/mrt.out" "$work/text.out" || { echo "FAIL: RIB+updates: MRT and text differ"; fail=1; }

# The scenario: before 09:08 every AS131279 prefix is behind 4837, after it 20485.
before=$("$ASCLASS" rib "$rib" | awk -F'\t' '$2 == 131279 {print $3}' | sort -u)
after=$("$ASCLASS" rib "$rib" "$upd" | awk -F'\t' '$2 == 131279 {print $3}' | sort -u)
[ "$before" = 4837 ] || { echo "FAIL: transit of AS131279 before the updates: '$before', want 4837"; fail=1; }
[ "$after" = 20485 ] || { echo "FAIL: transit of AS131279 after the updates: '$after', want 20485"; fail=1; }
seen=$("$ASCLASS" rib --transits --origin 131279 "$rib" "$upd" | awk -F'\t' '$2 == 20485 {print $4}')
[ "$seen" = 2017-10-01T09:08:00Z ] || { echo "FAIL: 131279 via 20485 first seen '$seen', want 2017-10-01T09:08:00Z"; fail=1; }
# Loading refuses a corrupt file and names where.
head -c 100 "$rib" >"$work/cut.mrt"
if "$ASCLASS" rib "$work/cut.mrt" 2>"$work/err"; then
	echo "FAIL: a truncated MRT file was accepted"; fail=1
fi
grep -q "cut.mrt: record 2 (offset 73)" "$work/err" || { echo "FAIL: error does not name record and offset: $(cat "$work/err")"; fail=1; }
echo "$n files resolved identically from MRT and from bgpdump text; scenario transit change at 09:08 seen"
exit $fail
