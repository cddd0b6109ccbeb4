#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/extra/map_layout.sh - a map pinned by an asclass with another layout
# (here asc_state as it was before it grew to 48 bytes) stops the load with
# an error that names the map and what differs, and replaces nothing; after
# the remedy the error gives, the load works.
set -u
cd "$(dirname "$0")/../.."
ASCLASS=${ASCLASS:-build/asclass}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (BPF maps)"; exit 77; }
command -v bpftool >/dev/null || { echo "FAIL: bpftool missing (make deps installs it)"; exit 1; }
dir=/sys/fs/bpf/asclass-layout-test-$$
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
routes='198.51.100.0/24 64500 4837 4837'

echo "$routes" | "$ASCLASS" --pin-dir "$dir" routes load - 2>/dev/null || fail "first load"
counts_id=$(bpftool -j map show pinned "$dir/asc_counts" | jq .id)
rm "$dir/asc_state"
bpftool map create "$dir/asc_state" type array key 4 value 32 entries 1 name asc_state \
	|| fail "bpftool map create"
if out=$(echo "$routes" | "$ASCLASS" --pin-dir "$dir" routes load - 2>&1); then
	fail "load went on over an asc_state of the old layout"
fi
echo "$out" | grep -q "$dir/asc_state was pinned by an asclass with another map layout (value size 32, this one needs 48)" \
	|| fail "error does not name the map and the difference: $out"
[ "$(bpftool -j map show pinned "$dir/asc_counts" | jq .id)" = "$counts_id" ] \
	|| fail "asc_counts was replaced"

rm "$dir/asc_state"
echo "$routes" | "$ASCLASS" --pin-dir "$dir" routes load - 2>/dev/null || fail "load after the remedy"
"$ASCLASS" --pin-dir "$dir" status | grep -q "1 IPv4 + 0 IPv6 prefixes" \
	|| fail "status after the remedy: $("$ASCLASS" --pin-dir "$dir" status)"
echo "stale asc_state named with its value size; asc_counts kept; load works after removing it"
