#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# vmtest/guest/classify_ping.sh - inside the VM: asclass on a veth link in a
# network namespace, native XDP and the egress hook this kernel offers (on
# 6.1: no tcx, so the clsact fallback), pings both ways, exact counters.
set -eu
. /tests/lib/veth.sh
PIN=/sys/fs/bpf/asclass-vm
R=vm-r U=vm-u
veth_pair $R $U 198.51.100
asc() { nsenter --net=/run/netns/$R asclass --pin-dir $PIN "$@"; }
# a counter map of its own size: the dispatcher's program object must take it
asc attach r0 --upstream cu --asn 4837 --mode native --counters 8192
asc status | tee /tmp/status
grep -q "^counters: [0-9]* of 8192 slots" /tmp/status || fail "--counters 8192 did not size asc_counts"
grep -q "r0 .* cu .* native .* single program .*clsact" /tmp/status || grep -q "r0 .* cu .* native .* .*clsact" /tmp/status \
	|| fail "expected native XDP and the clsact fallback for tc on this kernel"
echo "198.51.100.0/24 64500 4837" | asc routes load -
ip netns exec $U ping -c 5 -W 2 198.51.100.1 >/dev/null || fail "ping through the XDP link failed"
asc stats --json >/tmp/stats
cat /tmp/stats
grep -q '"upstream":"cu","upstream_id":1,"direction":"in","family":"ipv4","origin_as":64500,"transit_as":4837,"path":"consensus","packets":5,"bytes":490' /tmp/stats \
	|| fail "in: want 5 packets, 490 bytes from AS64500"
grep -q '"upstream":"cu","upstream_id":1,"direction":"out","family":"ipv4","origin_as":64500,"transit_as":4837,"path":"consensus","packets":5,"bytes":490' /tmp/stats \
	|| fail "out: want 5 packets, 490 bytes to AS64500"
asc detach r0
ip netns del $R
ip netns del $U
rm -rf $PIN
echo "exact counters on 6.1 with the clsact fallback"
