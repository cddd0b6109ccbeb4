#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/extra/bgpdump_compare.sh - `asclass mrt` must print byte for byte what
# Debian's `bgpdump -m` prints: on the files tests/gen/mrtgen writes (every
# record type and attribute the reader decodes) and on the sample dumps in
# tests/data/mrt/ (see SOURCES.md there).  Also checks the documented
# --fix-as4-merge difference, stdin input, gzip/bzip2 detection, the
# scenario data the demo uses and the error for a truncated file.
set -u
cd "$(dirname "$0")/../.."
O=${O:-build}
ASCLASS=${ASCLASS:-$O/asclass}
MRTGEN=$O/tests/gen/mrtgen
[ -x "$ASCLASS" ] || { echo "FAIL: $ASCLASS not built"; exit 1; }
[ -x "$MRTGEN" ] || { echo "FAIL: $MRTGEN not built"; exit 1; }
command -v bgpdump >/dev/null || { echo "SKIP: bgpdump not installed (make deps)"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/gen"
"$MRTGEN" all "$tmp/gen" && "$MRTGEN" scenario "$tmp/gen" || { echo "FAIL: mrtgen"; exit 1; }
# the same data compressed, so detection by magic bytes is covered
gzip -c "$tmp/gen/bgp4mp.mrt" >"$tmp/gen/bgp4mp.mrt.gz"
bzip2 -c "$tmp/gen/td2.mrt" >"$tmp/gen/td2.mrt.bz2"
cat "$tmp/gen/bgp4mp.mrt.gz" "$tmp/gen/bgp4mp.mrt.gz" >"$tmp/gen/two-members.gz"
cat "$tmp/gen/td2.mrt.bz2" "$tmp/gen/td2.mrt.bz2" >"$tmp/gen/two-streams.bz2"

pass=0 fail=0
check() { # NAME FILE
	local ref=$tmp/ref out=$tmp/out
	bgpdump -m "$2" >"$ref" 2>/dev/null
	if ! "$ASCLASS" mrt "$2" >"$out" 2>"$tmp/err"; then
		echo "FAIL: $1: asclass mrt exited non-zero: $(head -3 "$tmp/err")"
		fail=$((fail + 1))
		return
	fi
	if cmp -s "$ref" "$out"; then
		echo "ok: $1 ($(wc -l <"$ref") lines)"
		pass=$((pass + 1))
	else
		echo "FAIL: $1 differs from bgpdump -m:"
		diff "$ref" "$out" | head -10
		fail=$((fail + 1))
	fi
}
for f in "$tmp"/gen/*; do
	check "generated $(basename "$f")" "$f"
done
for f in tests/data/mrt/*; do
	case $f in *.md) continue ;; esac
	check "sample $(basename "$f")" "$f"
done

# every generated file has lines (an empty comparison proves nothing)
for f in td1.mrt td2.mrt bgp4mp.mrt rib.20171001.0800.mrt updates.20171001.0905.mrt; do
	n=$("$ASCLASS" mrt "$tmp/gen/$f" | wc -l)
	[ "$n" -gt 0 ] || { echo "FAIL: $f printed nothing"; fail=$((fail + 1)); }
done

# standard input
if "$ASCLASS" mrt - <"$tmp/gen/bgp4mp.mrt.gz" | cmp -s - <(bgpdump -m "$tmp/gen/bgp4mp.mrt" 2>/dev/null); then
	echo "ok: '-' reads gzip from standard input"; pass=$((pass + 1))
else
	echo "FAIL: stdin"; fail=$((fail + 1))
fi

# --fix-as4-merge: the RFC 6793 merge where bgpdump repeats the first segment
want='64497 64498 4200000001'
got=$("$ASCLASS" mrt --fix-as4-merge "$tmp/gen/td1.mrt" | awk -F'|' '$6 == "2001:db8:0:1::/64" {print $7}')
bd=$(bgpdump -m "$tmp/gen/td1.mrt" 2>/dev/null | awk -F'|' '$6 == "2001:db8:0:1::/64" {print $7}')
if [ "$got" = "$want" ] && [ "$bd" = "64497 64497 4200000001" ]; then
	echo "ok: --fix-as4-merge gives '$want' where bgpdump gives '$bd'"; pass=$((pass + 1))
else
	echo "FAIL: --fix-as4-merge gave '$got' (want '$want'), bgpdump '$bd'"; fail=$((fail + 1))
fi

# --fix-bzip2-streams reads both streams, bgpdump and the default only the first
n1=$("$ASCLASS" mrt "$tmp/gen/two-streams.bz2" | wc -l)
n2=$("$ASCLASS" mrt --fix-bzip2-streams "$tmp/gen/two-streams.bz2" | wc -l)
if [ "$n1" -gt 0 ] && [ "$n2" -eq $((2 * n1)) ]; then
	echo "ok: two bzip2 streams: $n1 lines as bgpdump, $n2 with --fix-bzip2-streams"; pass=$((pass + 1))
else
	echo "FAIL: two bzip2 streams: $n1 and $n2 lines"; fail=$((fail + 1))
fi

# scenario content the demo relies on: 5 prefixes x 3 peers via AS20485 at 09:08:00
n=$("$ASCLASS" mrt "$tmp/gen/updates.20171001.0905.mrt" |
	grep -c '^BGP4MP|1506848880|A|[^|]*|[0-9]*|175\.45\.17[6-9]\.0/2[24]|[0-9]* 20485 131279|')
if [ "$n" -eq 15 ]; then
	echo "ok: scenario: 15 announcements via AS20485 at 09:08"; pass=$((pass + 1))
else
	echo "FAIL: scenario: $n announcements via AS20485 at 09:08, want 15"; fail=$((fail + 1))
fi

# a truncated file: an error naming file, record and offset, exit status 3
head -c 600 "$tmp/gen/td2.mrt" >"$tmp/cut.mrt"
"$ASCLASS" mrt "$tmp/cut.mrt" >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -eq 3 ] && grep -q "cut.mrt: record [0-9]* (offset [0-9]*): .*cut short" "$tmp/err"; then
	echo "ok: truncated file: $(head -1 "$tmp/err")"; pass=$((pass + 1))
else
	echo "FAIL: truncated file: rc=$rc $(cat "$tmp/err")"; fail=$((fail + 1))
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
