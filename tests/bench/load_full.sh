#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/bench/load_full.sh - make bench-load: one whole table load of a
# full-size RIB by the daemon, phase by phase, without BIRD (issue 15).
#
# The synthetic full table of make bench-feed (`realpath table`: LOAD_PREFIXES
# IPv4, default 1M, and a fifth of that IPv6; ~100k (origin, transit) routes
# per family) as both upstreams announce it, in text form (PREFIX ORIGIN
# TRANSIT UPSTREAM: 2 paths a prefix), and `asclass -v run` loads it with
# links cu and ttk attached (veths in a namespace this script makes), so
# every prefix gets per-link counter slots as from the live feed (up to
# 400k identities).  The daemon loads at start, then once more on SIGHUP (the
# counter slots then exist: the load of a changed table).  Printed: each
# load's phases as the daemon's debug lines give them, and its total.
# Variables: LOAD_PREFIXES, LOAD_COUNTERS (counter slots, default 524288).
# Everything lives in a namespace, a pin directory and a temp directory this
# script makes and removes; the daemon is stopped by its pid.
set -eu
cd "$(dirname "$0")/../.."
. tests/lib/netns.sh
O=${O:-build}
PREFIXES=${LOAD_PREFIXES:-1000000}
COUNTERS=${LOAD_COUNTERS:-524288}
bench_need_root bench-load
ns_test_init
trap 'exit 130' INT TERM
R=asc-$id-ld
at_exit 'stop_pid "$dpid"'
fail() {
	echo "bench-load: $*" >&2
	[ -f "$work/daemon.log" ] && tail -20 "$work/daemon.log" >&2
	exit 1
}
N4=$PREFIXES N6=$((PREFIXES / 5))
table=$O/bench/table-$N4-$N6.txt
mkdir -p "$O/bench"
[ -s "$table" ] || "$O/tests/bench/realpath" table "$N4" "$N6" 2026 >"$table" ||
	fail "realpath table failed"
# the table as each upstream announces it: PREFIX ORIGIN TRANSIT UPSTREAM
for up in 4837 20485; do
	awk -v up=$up '{ print $1, $2, $3, up }' "$table" >"$work/routes-$up.txt"
done

ns_add "$R"
veth "$R" "l$id" "$R" "lx$id"
veth "$R" "m$id" "$R" "mx$id"
cat >"$work/asclass.conf" <<CONF
[link cu]
interface = l$id
asn = 4837

[link ttk]
interface = m$id
asn = 20485

[routes]
source = $work/routes-*.txt

[metrics]
listen = 127.0.0.1:9743

[daemon]
pin_dir = $PIN
counters = $COUNTERS
CONF
loads() { grep -c "routing loaded:" "$work/daemon.log" || true; }
# wait_load N: the daemon's Nth load within 600 s, or a failure
wait_load() {
	local _
	for _ in $(seq 6000); do
		[ "$(loads)" -ge "$1" ] && return 0
		kill -0 "$dpid" 2>/dev/null || fail "the daemon exited"
		sleep 0.1
	done
	fail "no load $1 within 600 s"
}
in_ns "$R" ip link set lo up
nsenter --net=/run/netns/"$R" "$ASCLASS" -v run --config "$work/asclass.conf" >"$work/daemon.log" 2>&1 &
dpid=$!
wait_load 1
kill -HUP "$dpid"
wait_load 2
grep -q "routing reload failed" "$work/daemon.log" && fail "a load failed"

echo "asclass whole-load bench: kernel $(uname -r), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "table: realpath table $N4 $N6 2026, as announced by each of cu (AS4837) and ttk (AS20485); both links attached, $COUNTERS counter slots"
awk '/debug: (whole|tables) load: |routing loaded:/ {
	sub(/^[^ ]* [^ ]* (debug: )?/, "")
	if (/^routing loaded/) { n++; print "load " n ": " $0; print "" } else print "  " $0
}' "$work/daemon.log"
