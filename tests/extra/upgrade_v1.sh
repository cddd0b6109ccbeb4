#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/extra/upgrade_v1.sh - a pinned set of asclass 0.1 maps (asc_counts
# a per-CPU hash keyed by struct asc_count_key, asc_stats 13 per-CPU
# counters, 24-byte asc_upstreams, asc_links, the 16-byte fast-table route
# array), built here with bpftool in the 0.1 key and value formats and
# filled with known counts, is upgraded by the first `routes load` of this
# binary: every count shows in `stats --json`, the statistics and the
# upstream names are carried, and the old pins are gone; then the same
# through `asclass attach` on a veth pair in a namespace of its own.
set -u
cd "$(dirname "$0")/../.."
ASCLASS=${ASCLASS:-build/asclass}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (BPF maps)"; exit 77; }
command -v bpftool >/dev/null || { echo "FAIL: bpftool missing (make deps installs it)"; exit 1; }
dir=/sys/fs/bpf/asclass-upgrade-test-$$
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
asc() { "$ASCLASS" --pin-dir "$dir" "$@"; }

. tests/lib/upgrade.sh

# 0.1 counter keys: origin transit upstream dir family -> packets bytes (per CPU)
keys=(
	"131279 4837 1 0 4|5 500"
	"131279 20485 1 0 4|3 300"
	"64501 20485 1 0 6|4 480"
	"0 0 1 0 4|2 200"
	"64500 4837 1 1 4|7 700"
	"131279 20485 2 0 4|6 600"
	"0 0 0 0 4|9 900"
)
mk_v1() { # DIR: the 0.1 maps pinned there, filled
	local v1=$1
	mkdir -p "$v1"
	bpftool map create "$v1/asc_counts" type percpu_hash key 12 value 16 entries 131072 name asc_counts \
		|| fail "bpftool map create asc_counts"
	bpftool map create "$v1/asc_stats" type percpu_array key 4 value 8 entries 13 name asc_stats || fail "asc_stats"
	bpftool map create "$v1/asc_upstreams" type array key 4 value 24 entries 256 name asc_upstreams || fail "asc_upstreams"
	bpftool map create "$v1/asc_links" type hash key 8 value 4 entries 1024 name asc_links || fail "asc_links"
	bpftool map create "$v1/asc_fib_route" type array key 4 value 16 entries 524288 name asc_fib_route flags 1024 \
		|| fail "asc_fib_route"

	for k in "${keys[@]}"; do
		read -r o t u d f <<<"${k%|*}"
		read -r p b <<<"${k#*|}"
		bpftool map update pinned "$v1/asc_counts" key $(le32 "$o") $(le32 "$t") $((u & 255)) $((u >> 8)) "$d" "$f" \
			value $(le64 "$p") $(le64 "$b") || fail "fill asc_counts"
	done
	bpftool map update pinned "$v1/asc_stats" key 0 0 0 0 value $(le64 36) || fail "fill asc_stats"
	bpftool map update pinned "$v1/asc_stats" key 2 0 0 0 value $(le64 4) || fail "fill asc_stats"
	name() { printf '%s' "$1" | od -An -tu1 | xargs; }
	bpftool map update pinned "$v1/asc_upstreams" key 1 0 0 0 value $(name cu) $(printf '0 %.0s' $(seq $((16 - 2)))) $(le32 4837) 0 0 0 0 \
		|| fail "fill asc_upstreams"
	bpftool map update pinned "$v1/asc_upstreams" key 2 0 0 0 value $(name ttk) $(printf '0 %.0s' $(seq $((16 - 3)))) $(le32 20485) 0 0 0 0 \
		|| fail "fill asc_upstreams"
	bpftool map update pinned "$v1/asc_links" key 3 0 0 0 255 255 0 0 value 1 0 0 0 || fail "fill asc_links"
}

mk_v1 "$dir"
echo "198.51.100.0/24 64500 4837 4837" | asc routes load - || fail "routes load over a 0.1 set of maps"

[ -e "$dir/upgrade-0_1" ] && fail "the old pins are still there: $(ls -A "$dir/upgrade-0_1")"
[ "$(bpftool -j map show pinned "$dir/asc_counts" | jq -r .type)" = array ] || fail "asc_counts is not the 0.3 array"
json=$(asc stats --json) || fail "stats --json"
echo "stats --json after the upgrade: $(echo "$json" | jq -c .counters)"
for k in "${keys[@]}"; do
	read -r o t u d f <<<"${k%|*}"
	read -r p b <<<"${k#*|}"
	want="$((p * cpus)) $((b * cpus))"
	got=$(echo "$json" | jq -r --argjson u "$u" --arg d "$([ "$d" = 0 ] && echo in || echo out)" \
		--arg f "ipv$f" --argjson o "$o" --argjson t "$t" \
		'[.counters[] | select(.upstream_id == $u and .direction == $d and .family == $f and
			.origin_as == $o and .transit_as == $t)] | if length == 1 then "\(.[0].packets) \(.[0].bytes)" else "none" end')
	[ "$got" = "$want" ] || fail "0.1 key ${k%|*}: got '$got', want '$want'"
done
[ "$(echo "$json" | jq '.counters | length')" = 7 ] || fail "not 7 counter rows: $(echo "$json" | jq -c .counters)"
echo "$json" | jq -e '[.counters[] | select(.upstream_id == 1)][0].upstream == "cu"' >/dev/null \
	|| fail "upstream names not carried: $(echo "$json" | jq -c .counters)"
[ "$(echo "$json" | jq .packets.seen)" = $((36 * cpus)) ] || fail "stats seen: $(echo "$json" | jq -c .packets)"
[ "$(echo "$json" | jq .packets.not_ip)" = $((4 * cpus)) ] || fail "stats not_ip: $(echo "$json" | jq -c .packets)"
[ "$(bpftool -j map dump pinned "$dir/asc_links" | jq length)" = 0 ] || fail "0.1 link entries left in asc_links"
bpftool -j map dump pinned "$dir/asc_retired" | jq -e 'length == 7' >/dev/null \
	|| fail "asc_retired does not hold the 7 0.1 keys: $(bpftool -j map dump pinned "$dir/asc_retired")"
echo "0.1 maps upgraded: 7 counter keys in asc_retired ($cpus CPUs), statistics and names carried, old pins gone"

# Interrupted after the old pins were moved aside: the next run finishes.
rm -rf "$dir"
mk_v1 "$dir/upgrade-0_1"
echo "198.51.100.0/24 64500 4837 4837" | asc routes load - || fail "routes load finishing an interrupted upgrade"
[ -e "$dir/upgrade-0_1" ] && fail "the interrupted upgrade left its pins"
[ "$(asc stats --json | jq '[.counters[].packets] | add')" = $((36 * cpus)) ] \
	|| fail "interrupted upgrade: counts: $(asc stats --json | jq -c .counters)"
echo "an upgrade interrupted after moving the 0.1 pins aside is finished by the next run"

# Through attach (which replaces the programs, then folds): in a namespace
# of this test's own, on a veth pair.
rm -rf "$dir"
mk_v1 "$dir"
ns=asc-$$-up
trap 'ip netns del $ns 2>/dev/null; rm -rf "$dir"' EXIT
upgrade_ns $ns
nsenter --net=/run/netns/$ns "$ASCLASS" --pin-dir "$dir" attach a0 --upstream cu --mode skb \
	|| fail "attach over a 0.1 set of maps"
[ -e "$dir/upgrade-0_1" ] && fail "attach left the 0.1 pins"
[ "$(asc stats --json | jq '[.counters[].packets] | add')" = $((36 * cpus)) ] \
	|| fail "upgrade by attach: counts: $(asc stats --json | jq -c .counters)"
nsenter --net=/run/netns/$ns "$ASCLASS" --pin-dir "$dir" detach a0 2>/dev/null
echo "attach over a 0.1 set upgrades it too, every count kept"
