#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/bench/chain_whatif.sh - what the per-packet chain (docs/LOOKUP.md,
# "Cache lines per packet") would cost with one or two reads fewer.  Builds
# three what-ifs of this tree's classifier from a copy of it with
# tests/bench/chain_whatif.patch applied, then runs tests/bench/realpath.sh
# (make bench-realpath) for this tree's classifier and each what-if in turn,
# round after round, and prints every case's ratio side by side:
#
#   asclass   this tree: dir -> node -> leaf -> record -> row
#   no-leaf   the leaf not read: dir -> node -> record -> row
#             (the records touched are WHATIF_RECORDS of the generation's)
#   no-record the record not read: dir -> node -> leaf -> row
#   neither   dir -> node -> row
#
# The what-ifs count under wrong slots on purpose: only their cost means
# anything.  Root; about 75 s per table set, variant and round.
# Variables: WHATIF_ROUNDS (3), WHATIF_RECORDS (20000; must not exceed the
# records of any table the bench loads, or frames count in overflow and
# realpath.sh stops), WHATIF_SLOTS (240000), those of realpath.sh.
# make bench-whatif runs it.
set -eu
cd "$(dirname "$0")/../.."
O=${O:-build}
ROUNDS=${WHATIF_ROUNDS:-3}
RECORDS=${WHATIF_RECORDS:-20000}
SLOTS=${WHATIF_SLOTS:-240000}

[ "$(id -u)" = 0 ] || { echo "chain_whatif: needs root (make bench-realpath)" >&2; exit 1; }
for f in "$O/asclass" "$O/tests/bench/realpath" "$O/tests/bench/bench_lookup"; do
	[ -x "$f" ] || { echo "chain_whatif: no $f (make all $O/tests/bench/realpath $O/tests/bench/bench_lookup)" >&2; exit 1; }
done

tmp=$(mktemp -d /tmp/asc-whatif.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# The tree as it is (tracked files, changes included), patched.
mkdir "$tmp/src"
git ls-files -z | tar --null -T - -cf - | tar -C "$tmp/src" -xf -
(cd "$tmp/src" && git apply "$OLDPWD/tests/bench/chain_whatif.patch")

variants="asclass no-leaf no-record neither"
defs() {
	case $1 in
	no-leaf) echo "-DASC_WHATIF_NOLEAF -DASC_WHATIF_RECORDS=$RECORDS" ;;
	no-record) echo "-DASC_WHATIF_NOREC -DASC_WHATIF_SLOTS=$SLOTS" ;;
	neither) echo "-DASC_WHATIF_NOLEAF -DASC_WHATIF_NOREC -DASC_WHATIF_RECORDS=262000 -DASC_WHATIF_SLOTS=$SLOTS" ;;
	esac
}
case $O in /*) here=$O ;; *) here=$PWD/$O ;; esac
binary() { [ "$1" = asclass ] && echo "$here/asclass" || echo "$tmp/src/build-$1/asclass"; }
for v in $variants; do
	[ "$v" = asclass ] && continue
	echo "chain_whatif: building $v ($(defs $v))"
	make -s -j"$(nproc)" -C "$tmp/src" O="build-$v" BPF_DEFS="$(defs $v)" "build-$v/asclass" >"$tmp/build-$v.log" 2>&1 ||
		{ cat "$tmp/build-$v.log" >&2; exit 1; }
done

failed=0
for r in $(seq "$ROUNDS"); do
	for v in $variants; do
		log=$tmp/run.$v.$r
		if O=$O ASCLASS=$(binary "$v") tests/bench/realpath.sh >"$log" 2>&1; then
			echo "chain_whatif: round $r, $v: done ($(sed -n 's/^memory:.*128 MiB \([0-9]*\) ns$/one cold read \1 ns/p' "$log"))"
		else
			echo "chain_whatif: round $r, $v: failed:" >&2
			tail -3 "$log" >&2
			failed=$((failed + 1))
			rm -f "$log"
		fi
	done
done

# Every case: ratio / bare + N cold reads, one column per variant, the
# rounds in order.
echo
echo "ratio to bare / bare + N cold reads, rounds 1-$ROUNDS in order"
for v in $variants; do
	for r in $(seq "$ROUNDS"); do
		[ -f "$tmp/run.$v.$r" ] && awk -v v="$v" '
			match($0, / (IPv4|IPv6) +(uniform|zipf|any) +[0-9.]+ +[0-9.]+ +[0-9.]+x +bare \+ +[0-9.]+/) {
				name = substr($0, 1, RSTART - 1); sub(/ +$/, "", name)
				split(substr($0, RSTART, RLENGTH), f, / +/)
				printf "%s %s %s\t%s\t%s/%.1f\n", name, f[2], f[3], v, f[6], f[9]
			}' "$tmp/run.$v.$r"
	done
done | awk -F'\t' -v vs="$variants" '
	!($1 in seen) { seen[$1] = 1; order[++n] = $1 }
	{ cell[$1, $2] = cell[$1, $2] (cell[$1, $2] == "" ? "" : " ") $3 }
	END {
		nv = split(vs, v, " ")
		printf "%-38s", "case"
		for (j = 1; j <= nv; j++)
			printf " | %-26s", v[j]
		printf "\n"
		for (i = 1; i <= n; i++) {
			printf "%-38s", order[i]
			for (j = 1; j <= nv; j++)
				printf " | %-26s", cell[order[i], v[j]]
			printf "\n"
		}
	}'
[ $failed = 0 ] || { echo "chain_whatif: runs that failed: $failed (their cells are empty)" >&2; exit 1; }
