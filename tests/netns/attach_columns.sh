#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/attach_columns.sh - every attached upstream has a column in
# the route records (ASC_COLUMNS = 8): eight upstreams attach, a ninth is a
# usage error (exit 2) naming the limit and attaches nothing; after
# one upstream's only link is detached its column is free again, and the
# ninth attaches.  Veth pairs inside one namespace this test creates.
set -eu
. "$(dirname "$0")/../lib/netns.sh"
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (BPF, network namespaces)"; exit 77; }
ASCLASS=${ASCLASS:-$PWD/build/asclass}
id=$$
R=asc-$id-r
PIN=/sys/fs/bpf/asclass-test-$id
cleanup() {
	ns_del_all
	rm -rf "$PIN"
}
trap cleanup EXIT
asc() { in_ns $R "$ASCLASS" --pin-dir "$PIN" "$@"; }
fail() { echo "FAIL: $*"; exit 1; }
columns() { bpftool -j map dump pinned "$PIN/asc_upstreams" | jq -c '[.[].formatted.value | select(.name != "") | .column] | sort'; }

ns_add $R
for i in 0 1 2 3 4 5 6 7 8; do
	ip -n $R link add "a$i" type veth peer name "b$i"
	ip -n $R link set "a$i" up
	ip -n $R link set "b$i" up
done
for i in 0 1 2 3 4 5 6 7; do
	asc attach "a$i" --upstream "up$i" --mode skb 2>/dev/null
done
[ "$(columns)" = "[0,1,2,3,4,5,6,7]" ] || fail "eight upstreams do not hold columns 0-7: $(columns)"
rc=0
out=$(asc attach a8 --upstream up8 --mode skb 2>&1) || rc=$?
echo "ninth upstream: exit $rc: $out"
[ $rc -eq 2 ] || fail "a ninth upstream attached at once: exit $rc, want 2"
echo "$out" | grep -q "8 upstreams are attached already" || fail "the error does not name the limit: $out"
ip -n $R -d link show a8 | grep -q "prog/xdp" && fail "the refused attach left XDP on a8"
asc detach a3 2>/dev/null
asc attach a8 --upstream up8 --mode skb 2>/dev/null || fail "the ninth upstream did not get the freed column"
bpftool -j map dump pinned "$PIN/asc_upstreams" | jq -e '[.[].formatted.value | select(.name == "up8")][0].column == 3 and
	([.[].formatted.value | select(.name == "up3")][0].column == 255)' >/dev/null \
	|| fail "columns after detach and attach: $(bpftool -j map dump pinned "$PIN/asc_upstreams" | jq -c '[.[].formatted.value | select(.name != "") | {name, column}]')"
echo "8 columns: a ninth upstream refused (exit 2); a detached upstream's column went to the next"
