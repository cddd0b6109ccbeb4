#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# vmtest/guest/multiprog.sh - inside the VM: asclass next to xdp-filter on one
# interface through libxdp's dispatcher; both programs see every packet.
set -eu
. /tests/lib/veth.sh
PIN=/sys/fs/bpf/asclass-vm-mp
R=mp-r U=mp-u
veth_pair $R $U 203.0.113
inr() { nsenter --net=/run/netns/$R "$@"; }
# xdp-filter first (it allows everything but a port nobody uses), then asclass
inr xdp-filter load -m native -p allow r0 || fail "xdp-filter load failed"
inr xdp-filter port -m dst 9999 || true
inr asclass --pin-dir $PIN attach r0 --upstream ttk --asn 20485 2>&1 | tee /tmp/attach
grep -q "via dispatcher" /tmp/attach || fail "asclass did not attach through the dispatcher"
inr asclass --pin-dir $PIN status | tee /tmp/status
grep -q "r0 .* ttk .* native .* dispatcher" /tmp/status || fail "status does not show the dispatcher"
echo "203.0.113.0/24 64501 20485" | inr asclass --pin-dir $PIN routes load -
ip netns exec $U ping -c 4 -W 2 203.0.113.1 >/dev/null || fail "ping through the dispatcher failed"
inr asclass --pin-dir $PIN stats --json >/tmp/stats
grep -q '"direction":"in","family":"ipv4","origin_as":64501,"transit_as":20485,"path":"consensus","packets":4,' /tmp/stats \
	|| { cat /tmp/stats; fail "asclass did not count the 4 echo replies' requests"; }
inr xdp-filter status | tee /tmp/xf
# xdp-filter counts every packet it saw under XDP_PASS
passed=$(awk '/XDP_PASS/ {print $2; exit}' /tmp/xf)
[ -n "$passed" ] && [ "$passed" -ge 4 ] || fail "xdp-filter saw $passed packets, want at least 4"
inr asclass --pin-dir $PIN detach r0
inr xdp-filter unload r0 || true
ip netns del $R
ip netns del $U
rm -rf $PIN
echo "asclass and xdp-filter both saw every packet through the dispatcher"
