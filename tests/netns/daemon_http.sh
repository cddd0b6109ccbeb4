#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/daemon_http.sh - the /metrics exporter cannot be starved by
# slow clients: in a namespace this test makes, for 12 s, 320 idle and 320
# trickling connections (one header byte every half second) from 80 other
# addresses of the namespace's loopback, 8 each, and clients that half-close
# an unfinished request; a scrape from 127.0.0.1 every quarter second must
# answer 200 within 1 s, idle and trickling connections must be closed at
# the header deadline (header_timeout, 2 s) and half-closed ones at once
# (tests/netns/daemon_http_starve.py prints what it measured).
# HTTP_HEADER_TIMEOUT and HTTP_MAX_CONNECTIONS override the config's values,
# to see the checks fail (e.g. 3600 and 600).
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
max_connections = ${HTTP_MAX_CONNECTIONS:-1024}
max_connections_per_client = 8
header_timeout = ${HTTP_HEADER_TIMEOUT:-2}
timeout = 5
[daemon]
pin_dir = $PIN
EOF2
ulimit -n 8192 # as the unit's LimitNOFILE
nsenter --net=/run/netns/$R "$ASCLASS" run --config "$work/asclass.conf" >>"$work/daemon.log" 2>&1 &
dpid=$!
wait_for 10 in_ns $R curl -sf -o /dev/null http://127.0.0.1:9742/metrics || fail "daemon does not serve /metrics"
in_ns $R timeout 60 /usr/bin/python3 "$(dirname "$0")/daemon_http_starve.py" 9742 12 "${HTTP_HEADER_TIMEOUT:-2}" ||
	fail "idle, slow or half-closing clients were not closed in time, or delayed a scrape"
kill -0 "$dpid" || fail "daemon died"
echo "PASS: daemon_http"
