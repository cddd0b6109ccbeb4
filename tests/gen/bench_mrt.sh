#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/gen/bench_mrt.sh - `make bench` part "MRT reading": asclass mrt and
# bgpdump -m side by side on the same files, best of $RUNS runs each, both
# writing to /dev/null (outputs are first checked to be identical).  Prints
# routes (output lines) per second and the speed ratio.
#   O=build tests/gen/bench_mrt.sh      (make bench runs it)
set -u
cd "$(dirname "$0")/../.."
O=${O:-build}
ASCLASS=${ASCLASS:-$O/asclass}
MRTGEN=$O/tests/gen/mrtgen
RUNS=${RUNS:-5}
ENTRIES=${BENCH_RIB_ENTRIES:-1000000}
PEERS=${BENCH_RIB_PEERS:-64}
dir=$O/bench
mkdir -p "$dir"
command -v bgpdump >/dev/null || { echo "bench-mrt: bgpdump not installed (make deps)"; exit 1; }

rib=$dir/rib-$ENTRIES-$PEERS.mrt
if [ ! -s "$rib" ]; then
	echo "generating $rib ($ENTRIES RIB entries over $PEERS peers)..."
	"$MRTGEN" bigrib "$rib" "$ENTRIES" "$PEERS" || exit 1
fi
# default levels, as RIS (gzip) and RouteViews (bzip2) publish their dumps
[ -s "$rib.gz" ] || gzip -c "$rib" >"$rib.gz"
[ -s "$rib.bz2" ] || bzip2 -c "$rib" >"$rib.bz2"

best() { # CMD... -> best wall seconds over $RUNS runs
	local b= t0 t1 t
	for _ in $(seq "$RUNS"); do
		t0=$(date +%s.%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s.%N)
		t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
		if [ -z "$b" ] || awk -v t="$t" -v b="$b" 'BEGIN { exit !(t < b) }'; then b=$t; fi
	done
	echo "$b"
}

printf '%-34s %9s %10s %12s %10s %12s %7s\n' file routes "bgpdump s" "bgpdump r/s" "asclass s" "asclass r/s" ratio
for f in "$rib" "$rib.gz" "$rib.bz2" tests/data/mrt/updates.20160811.1600.gz tests/data/mrt/ris.rrc06.updates.1427846400.gz; do
	n=$(bgpdump -m "$f" 2>/dev/null | wc -l)
	if ! cmp -s <(bgpdump -m "$f" 2>/dev/null) <("$ASCLASS" mrt "$f"); then
		echo "bench-mrt: outputs differ on $f" >&2
		exit 1
	fi
	tb=$(best bgpdump -m "$f")
	ta=$(best "$ASCLASS" mrt "$f")
	awk -v f="$(basename "$f")" -v n="$n" -v tb="$tb" -v ta="$ta" \
		'BEGIN { printf "%-34s %9d %10.3f %12.0f %10.3f %12.0f %6.1fx\n", f, n, tb, n / tb, ta, n / ta, tb / ta }'
done

# The bzip2 floor: CPU seconds (user + sys) that decoding alone costs, which
# both tools pay, and what asclass spends in all on the same file.
cpu() { # CMD... -> user + sys seconds of one run
	/usr/bin/time -f '%U %S' -o "$dir/cpu" "$@" >/dev/null 2>&1
	awk '{ printf "%.2f", $1 + $2 }' "$dir/cpu"
}
printf '\nbzip2 CPU seconds on %s: bzip2 -dc %s' "$(basename "$rib.bz2")" "$(cpu bzip2 -dc "$rib.bz2")"
command -v lbzip2 >/dev/null && printf ', lbzip2 -dc %s' "$(cpu lbzip2 -dc "$rib.bz2")"
printf ', asclass mrt %s (%s cores)\n' "$(cpu "$ASCLASS" mrt "$rib.bz2")" "$(nproc)"
