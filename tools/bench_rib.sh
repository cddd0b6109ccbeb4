#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tools/bench_rib.sh - make bench-rib: the time to resolve a full-size table
# from an MRT RIB and to load it into the data plane (fast tables, then the
# LPM reference tables).
# Prints one table; figures go to docs/BENCHMARKS.md, "Route resolution".
#   PREFIXES (default 1000000) prefixes seen by PEERS (default 4) peers.
set -eu
cd "$(dirname "$0")/.."
O=${O:-build}
ASCLASS=${ASCLASS:-$O/asclass}
MRTGEN=$O/tests/gen/mrtgen
PREFIXES=${PREFIXES:-1000000}
PEERS=${PEERS:-4}
dir=$O/bench
mkdir -p "$dir"
rib=$dir/rib-$PREFIXES-$PEERS.mrt
[ -s "$rib" ] || "$MRTGEN" bigrib "$rib" $((PREFIXES * PEERS)) "$PEERS" >/dev/null
entries=$((PREFIXES * PEERS))

tf=$(mktemp)
best() { # best wall seconds of 3 runs of "$@"
	local b=999 t
	for _ in 1 2 3; do
		/usr/bin/time -f %e -o "$tf" "$@" >/dev/null 2>&1
		t=$(tail -1 "$tf")
		b=$(echo "$t $b" | awk '{print ($1 < $2) ? $1 : $2}')
	done
	echo "$b"
}
/usr/bin/time -f %M -o "$tf" "$ASCLASS" rib "$rib" >/dev/null
rss=$(tail -1 "$tf")
n=$("$ASCLASS" rib "$rib" | wc -l)
t_rib=$(best "$ASCLASS" rib "$rib")
printf '%-44s %12s %10s %14s %10s\n' "step" "prefixes" "seconds" "prefixes/s" "max RSS"
printf '%-44s %12d %10.3f %14.0f %8d MB\n' "asclass rib ($entries RIB entries, $PEERS peers)" "$n" "$t_rib" \
	"$(echo "$n $t_rib" | awk '{print $1 / $2}')" $((rss / 1024))

if [ "$(id -u)" -eq 0 ]; then
	pin=/sys/fs/bpf/asclass-bench-$$
	trap 'rm -rf "$pin" "$tf"' EXIT
	for kind in fast lpm; do
		for i in 1 2 3; do
			start=$(date +%s.%N)
			msg=$("$ASCLASS" --pin-dir "$pin" routes load --lookup "$kind" "$rib" 2>&1)
			end=$(date +%s.%N)
			fill=$(echo "$msg" | sed -n 's/.* in \([0-9.]*\) s.*/\1/p')
			printf '%-44s %12d %10.3f %14.0f\n' "routes load --lookup $kind #$i" "$n" \
				"$(echo "$start $end" | awk '{print $2 - $1}')" \
				"$(echo "$n $start $end" | awk '{print $1 / ($3 - $2)}')"
			printf '%-44s %12d %10.3f %14.0f\n' "  of which building the $kind tables" "$n" \
				"$fill" "$(echo "$n $fill" | awk '{print $1 / $2}')"
		done
	done
else
	echo "(routes load needs root: not measured)"
	rm -f "$tf"
fi
