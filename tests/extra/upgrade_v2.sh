#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/extra/upgrade_v2.sh - a pinned asclass 0.2 asc_counts (a per-CPU
# array of 64-byte struct asc_count, indexed by slot), made here with
# bpftool in the 0.2 format and filled with known counts, is upgraded by
# `asclass attach` (which replaces the programs, then carries the counts)
# into the 0.3 array of one row per slot and CPU: every count shows in
# `stats --json` and, summed by identity, in `bpftool map dump`; the old pin
# is gone.  tests/prog/test_upgrade.c checks each CPU's row with different
# counts per CPU; this is the path through the command, in a namespace of
# its own on a veth pair.
set -u
cd "$(dirname "$0")/../.."
ASCLASS=${ASCLASS:-build/asclass}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (BPF maps)"; exit 77; }
command -v bpftool >/dev/null || { echo "FAIL: bpftool missing (make deps installs it)"; exit 1; }
dir=/sys/fs/bpf/asclass-upgrade2-test-$$
ns=asc-$$-up
trap 'ip netns del $ns 2>/dev/null; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
asc() { "$ASCLASS" --pin-dir "$dir" "$@"; }

. tests/lib/upgrade.sh
name16() { printf '%s' "$1" | od -An -tu1 | xargs; printf ' 0%.0s' $(seq $((16 - ${#1}))); }

# 0.2 slots (1..N): slot upstream-name upstream-id family origin transit path | rx packets bytes tx packets bytes
slots=(
	"1 cu 1 4 131279 4837 1|5 500 2 120"
	"2 cu 1 4 131279 20485 2|3 300 0 0"
	"3 cu 1 6 64501 20485 1|4 480 1 90"
	"4 cu 1 4 0 0 0|2 200 0 0"
)
# A whole set of maps (no upstream yet, so no slot handed out), then its
# asc_counts replaced by one in the 0.2 layout: every other map of 0.2 has
# the layout of 0.3.
echo "198.51.100.0/24 64500 4837 4837" | asc routes load - 2>/dev/null || fail "create the maps"
rm "$dir/asc_counts"
bpftool map create "$dir/asc_counts" type percpu_array key 4 value 64 entries 2048 name asc_counts \
	|| fail "bpftool map create asc_counts"
for s in "${slots[@]}"; do
	read -r k up id f o t p <<<"${s%|*}"
	read -r rp rb tp tb <<<"${s#*|}"
	bpftool map update pinned "$dir/asc_counts" key $(le32 "$k") value $(name16 "$up") \
		$(le32 "$o") $(le32 "$t") $(le16 "$id") "$f" "$p" 0 0 0 0 \
		$(le64 "$rp") $(le64 "$rb") $(le64 "$tp") $(le64 "$tb") || fail "fill slot $k"
done

# Before the upgrade, stats reads the other maps and says why the 0.2
# counters do not show yet.
out=$(asc stats --json 2>&1 >/dev/null) || fail "stats --json over a 0.2 asc_counts: $out"
echo "$out" | grep -q "asc_counts was made by an older asclass: its counters show once" \
	|| fail "stats over a 0.2 asc_counts does not say why its counters do not show: $out"
upgrade_ns $ns
nsenter --net=/run/netns/$ns "$ASCLASS" --pin-dir "$dir" attach a0 --upstream cu --mode skb \
	|| fail "attach over a 0.2 asc_counts"
[ -e "$dir/upgrade-0_2" ] && fail "attach left the 0.2 pins: $(ls -A "$dir/upgrade-0_2")"
info=$(bpftool -j map show pinned "$dir/asc_counts")
[ "$(echo "$info" | jq -r .type)" = array ] || fail "asc_counts is not the 0.3 array: $info"
[ "$(echo "$info" | jq .max_entries)" = $((2048 * cpus)) ] \
	|| fail "asc_counts does not keep the 0.2 map's 2048 slots ($cpus CPUs): $info"

json=$(asc stats --json) || fail "stats --json"
echo "stats --json after the upgrade: $(echo "$json" | jq -c .counters)"
dump=$(bpftool map dump -j pinned "$dir/asc_counts")
for s in "${slots[@]}"; do
	read -r k up id f o t p <<<"${s%|*}"
	read -r rp rb tp tb <<<"${s#*|}"
	for d in in out; do
		if [ $d = in ]; then want="$((rp * cpus)) $((rb * cpus))"; else want="$((tp * cpus)) $((tb * cpus))"; fi
		[ "$want" = "0 0" ] && want=none # rows that counted nothing are not listed
		got=$(echo "$json" | jq -r --argjson u "$id" --arg d "$d" --arg f "ipv$f" \
			--argjson o "$o" --argjson t "$t" \
			'[.counters[] | select(.upstream_id == $u and .direction == $d and .family == $f and
				.origin_as == $o and .transit_as == $t)]
			| if length == 1 then "\(.[0].packets) \(.[0].bytes)" else "none" end')
		[ "$got" = "$want" ] || fail "0.2 slot $k $d: stats says '$got', want '$want'"
	done
	# the README's way: rows grouped by identity, summed
	got=$(echo "$dump" | jq -r --argjson f "$f" --argjson o "$o" --argjson t "$t" --argjson p "$p" '
		[.[].formatted.value | select(.family == $f and .origin_asn == $o and
			.transit_asn == $t and .path == $p)]
		| "\(length) \(map(.rx.packets) | add) \(map(.tx.bytes) | add)"')
	[ "$got" = "$cpus $((rp * cpus)) $((tb * cpus))" ] \
		|| fail "0.2 slot $k in bpftool: '$got' (rows, rx packets, tx bytes), want '$cpus $((rp * cpus)) $((tb * cpus))'"
done
nsenter --net=/run/netns/$ns "$ASCLASS" --pin-dir "$dir" detach a0 2>/dev/null
echo "attach over a 0.2 asc_counts: ${#slots[@]} slots carried into ${cpus} rows each, every count kept"
