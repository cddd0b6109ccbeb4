#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/extra/bgpdump_compare.sh - `asclass mrt` must print byte for byte what
# Debian's `bgpdump -m` prints: on the files tests/gen/mrtgen writes (every
# record type and attribute the reader decodes, and records at the sizes the
# formats allow: RFC 8654 extended messages, long AS paths, 65535 peers) and
# on the sample dumps in tests/data/mrt/ (see SOURCES.md there).  Also checks
# the documented --fix-* differences (bgpdump's cuts named on stderr and
# lifted by --fix-limits), stdin input, gzip/bzip2 detection, the scenario
# data the demo uses, and the errors for truncated, corrupt and zero input.
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
mkdir "$tmp/big"
"$MRTGEN" all "$tmp/gen" && "$MRTGEN" scenario "$tmp/gen" && "$MRTGEN" big "$tmp/big" ||
	{ echo "FAIL: mrtgen"; exit 1; }
# the largest also compressed: several bzip2 blocks, decoded in parallel
bzip2 -c "$tmp/big/rib-max-peers.mrt" >"$tmp/big/rib-max-peers.mrt.bz2"
gzip -c "$tmp/big/ext-max4.mrt" >"$tmp/big/ext-max4.mrt.gz"
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
for f in "$tmp"/gen/* "$tmp"/big/*; do
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
n1=$("$ASCLASS" mrt "$tmp/gen/two-streams.bz2" 2>/dev/null | wc -l)
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

ok() { echo "ok: $1"; pass=$((pass + 1)); }
bad() { echo "FAIL: $1"; fail=$((fail + 1)); }

# bgpdump's cuts: named on stderr per record, lifted by --fix-limits, whose
# output holds every line bgpdump prints
for f in ext-max4.mrt long-aspath.mrt ext-communities.mrt; do
	"$ASCLASS" mrt "$tmp/big/$f" >/dev/null 2>"$tmp/err"
	grep -q "^asclass: warning: $tmp/big/$f: record [0-9]* (offset [0-9]*): cut as bgpdump cuts it: " "$tmp/err" &&
		ok "$f: bgpdump's cut named: $(head -1 "$tmp/err" | sed 's/.*: cut/cut/')" ||
		bad "$f: no warning for bgpdump's cut: $(cat "$tmp/err")"
done
bgpdump -m "$tmp/big/ext-max4.mrt" 2>/dev/null >"$tmp/ref"
"$ASCLASS" mrt --fix-limits "$tmp/big/ext-max4.mrt" >"$tmp/out" 2>"$tmp/err"
n_ref=$(wc -l <"$tmp/ref") n_out=$(wc -l <"$tmp/out")
n_common=$(grep -cFxf "$tmp/ref" "$tmp/out")
n_w=$(grep -c '^BGP4MP|[0-9]*|W|198.51.100.1|4200000001|198\.18\.[0-9.]*/32$' "$tmp/out")
# mrtgen's four UPDATEs: 13103 withdrawals, 13097 announcements (bgpdump: 8192
# of each), and with ADD-PATH 7280 and 7276 (all printed)
if [ "$n_ref" -eq $((2 * 8192 + 7280 + 7276)) ] && [ "$n_common" -eq "$n_ref" ] && [ "$n_w" -eq 13102 ] &&
	[ "$n_out" -eq $((13103 + 13097 + 7280 + 7276)) ] && [ ! -s "$tmp/err" ]; then
	ok "65535-byte UPDATEs: bgpdump prints 8192 prefixes per list ($n_ref lines), --fix-limits all ($n_out)"
else
	bad "65535-byte UPDATEs: bgpdump $n_ref lines, --fix-limits $n_out ($n_common shared, $n_w of 13102 /32 withdrawals), stderr: $(head -2 "$tmp/err")"
fi
n=$("$ASCLASS" mrt --fix-limits "$tmp/big/long-aspath.mrt" | awk -F'|' 'NR == 1 {print split($7, a, " ")}')
[ "$n" = 3000 ] && ok "--fix-limits prints an AS path of 3000 ASNs whole" || bad "long AS path: $n ASNs printed, want 3000"
n=$("$ASCLASS" mrt --fix-limits "$tmp/big/ext-communities.mrt" | awk -F'|' '{print split($12, a, " ")}')
[ "$n" = 16369 ] && ok "--fix-limits prints 16369 communities" || bad "communities: $n printed, want 16369"

# a record with a prefix longer than /32: bgpdump's reading by default (and a
# warning for each list it ends early), an error naming it with --fix-nlri
"$ASCLASS" mrt --fix-nlri tests/data/mrt/bird_bgp >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 3 ] && grep -q "bird_bgp: record 8 (offset 390): NLRI: prefix at byte 5 of 24 has length 172 (at most 32)" "$tmp/err" &&
	ok "--fix-nlri: $(cat "$tmp/err")" || bad "--fix-nlri: rc=$rc $(cat "$tmp/err")"
"$ASCLASS" mrt --fix-nlri --keep-going tests/data/mrt/bird_bgp >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && grep -q "skipped [0-9]* malformed record" "$tmp/err" &&
	ok "--fix-nlri --keep-going: skipped and counted" || bad "--fix-nlri --keep-going: rc=$rc $(cat "$tmp/err")"

# the rest of a multi-stream bzip2 file is not left silently
"$ASCLASS" mrt "$tmp/gen/two-streams.bz2" >/dev/null 2>"$tmp/err"
grep -q "stopped after the first bzip2 stream, as bgpdump does: 1 more bzip2 stream(s) in [0-9]* bytes left unread (--fix-bzip2-streams reads them)" "$tmp/err" &&
	ok "two bzip2 streams: $(sed 's/.*: stopped/stopped/' "$tmp/err")" || bad "two bzip2 streams: no warning: $(cat "$tmp/err")"

# corrupt input is bad input (exit 3) named by record and compressed offset
head -c -1 "$tmp/big/rib-max-peers.mrt.bz2" >"$tmp/cut.bz2"
"$ASCLASS" mrt "$tmp/cut.bz2" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 3 ] && grep -q "cut.bz2: record [0-9]* (offset [0-9]*): bzip2 data cut short: the file ends at compressed byte [0-9]*" "$tmp/err" &&
	ok "bzip2 missing its last byte: $(sed 's/.*: record/record/' "$tmp/err")" || bad "bzip2 missing its last byte: rc=$rc $(cat "$tmp/err")"
head -c 300 "$tmp/big/ext-max4.mrt.gz" >"$tmp/cut.gz"
"$ASCLASS" mrt "$tmp/cut.gz" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 3 ] && grep -q "cut.gz: record 1 (offset 0): gzip data cut short: the file ends at compressed byte 300" "$tmp/err" &&
	ok "gzip cut short: $(sed 's/.*: record/record/' "$tmp/err")" || bad "gzip cut short: rc=$rc $(cat "$tmp/err")"
timeout 10 "$ASCLASS" mrt /dev/zero >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 3 ] && grep -q "/dev/zero: record 1 (offset 0): MRT header is all zeros" "$tmp/err" &&
	ok "/dev/zero: an error at once" || bad "/dev/zero: rc=$rc (124: still reading after 10 s) $(cat "$tmp/err")"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
