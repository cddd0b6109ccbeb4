#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/daemon_http.sh - the /metrics exporter cannot be starved by
# slow clients: in a namespace this test makes, 300 idle connections and 40
# one-byte-per-second clients from 127.0.0.2..127.0.0.5 (the namespace's own
# loopback) hold on for 12 s while a scrape from 127.0.0.1 every half second
# must answer 200 within 2 s (tests/netns/daemon_http_starve.py).
set -eu
. "$(dirname "$0")/../lib/netns.sh"
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (BPF, network namespaces)"; exit 77; }
ASCLASS=${ASCLASS:-$PWD/build/asclass}
id=$$
R=asc-$id-hr
PIN=/sys/fs/bpf/asc-test-$id
work=$(mktemp -d)
dpid=
cleanup() {
	[ -n "$dpid" ] && kill -9 "$dpid" 2>/dev/null
	wait 2>/dev/null
	ns_del_all
	rm -rf "$PIN" "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$work/daemon.log" ] && tail -20 "$work/daemon.log"; exit 1; }

ns_add $R
echo "10.0.0.0/8 64500" >"$work/routes.txt"
cat >"$work/asclass.conf" <<EOF2
[routes]
source = $work/routes.txt
[metrics]
listen = 127.0.0.1:9742
[daemon]
pin_dir = $PIN
EOF2
nsenter --net=/run/netns/$R "$ASCLASS" run --config "$work/asclass.conf" >>"$work/daemon.log" 2>&1 &
dpid=$!
wait_for 10 in_ns $R curl -sf -o /dev/null http://127.0.0.1:9742/metrics || fail "daemon does not serve /metrics"
in_ns $R timeout 60 /usr/bin/python3 "$(dirname "$0")/daemon_http_starve.py" 9742 12 ||
	fail "slow clients of other addresses delayed or failed a scrape"
kill -0 "$dpid" || fail "daemon died"
echo "PASS: daemon_http"
