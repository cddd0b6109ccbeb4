#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/dumps_bird.sh - BIRD 2's own MRT table dumps as asclass's feed.
#
# A router namespace runs BIRD with two upstream BGP neighbours (ttk,
# AS20485 and cu, AS4837, each a BIRD of its own in its namespace) that both
# announce 175.45.176.0/22 (origin AS131279); the router's `protocol mrt`
# dumps master4 every 2 s into a temp dir.  `asclass routes load` of the
# glob of all dumps sees both transits (multi_transit).  Then ttk's session
# is disabled with birdc: within a few dump periods `asclass lookup
# 175.45.176.10` shows cu's path alone (with every snapshot added up, as
# before, ttk's path stayed: that is how this test was seen to fail).  The
# BIRDs run with their own config, socket and pid file and are
# stopped by pid; everything lives in namespaces and a temp dir this test
# makes and removes.  Bounded: every wait has a timeout.
set -eu
. "$(dirname "$0")/../lib/netns.sh"
need_root
command -v bird >/dev/null && command -v birdc >/dev/null \
	|| { echo "SKIP: no bird/birdc (apt install bird2)"; exit 77; }
ns_test_init
at_exit 'stop_pidfiles "$work"/*.pid'
R=asc-$id-r U1=asc-$id-ttk U2=asc-$id-cu

# bird NAME NS: BIRD with $work/NAME.conf, its own socket and pid file
bird_start() { in_ns "$2" bird -c "$work/$1.conf" -s "$work/$1.ctl" -P "$work/$1.pid"; }
birdc_r() { birdc -s "$work/r.ctl" "$@"; }

ns_add $R $U1 $U2
veth_ip $R r-ttk 198.51.100.1/24 $U1 u-ttk 198.51.100.2/24
veth_ip $R r-cu 203.0.113.1/24 $U2 u-cu 203.0.113.2/24

# upstream NAME ADDR ASN ROUTER_ADDR: announces 175.45.176.0/22 as
# "ASN 131279" and 198.18.0.0/15 as "ASN"
upstream() {
	cat >"$work/$1.conf" <<EOC
router id $2;
protocol device {}
protocol static announced {
	ipv4;
	route 175.45.176.0/22 unreachable { bgp_path.prepend(131279); };
	route 198.18.0.0/15 unreachable;
}
protocol bgp to_router {
	local $2 as $3;
	neighbor $4 as 64500;
	ipv4 { import none; export all; };
}
EOC
}
upstream ttk 198.51.100.2 20485 198.51.100.1
upstream cu 203.0.113.2 4837 203.0.113.1
cat >"$work/r.conf" <<EOC
router id 198.51.100.1;
protocol device {}
protocol bgp ttk {
	local 198.51.100.1 as 64500;
	neighbor 198.51.100.2 as 20485;
	ipv4 { import all; export none; };
}
protocol bgp cu {
	local 203.0.113.1 as 64500;
	neighbor 203.0.113.2 as 4837;
	ipv4 { import all; export none; };
}
protocol mrt {
	table "master4";
	filename "$work/dumps/master4-%F-%H%M%S.mrt";
	period 2;
}
EOC
mkdir "$work/dumps"
bird_start ttk $U1
bird_start cu $U2
bird_start r $R

# both sessions up, and a dump written after that
wait_for 30 sh -c "birdc -s '$work/r.ctl' show protocols | grep -E '^(ttk|cu) .* Established' | wc -l | grep -qx 2" \
	|| fail "BGP sessions did not come up: $(birdc_r show protocols)"
wait_for 20 sh -c "[ \"\$(birdc -s '$work/r.ctl' show route 175.45.176.0/22 all | grep -c -E 'BGP.as_path: (20485|4837) 131279\$')\" = 2 ]" \
	|| fail "the router lacks a path of 175.45.176.0/22: $(birdc_r show route 175.45.176.0/22 all)"

# the resolved route of 175.45.176.0/22 after loading every dump so far
# (since 0.2 the data plane keeps counter slots per upstream, not the
# route's flags: rib prints what the load resolved)
load_lookup() {
	asc routes load "$work"/dumps/master4-*.mrt >/dev/null 2>"$work/load.err" || return 1
	asc rib --json "$work"/dumps/master4-*.mrt 2>/dev/null | jq -c '[.[] | select(.prefix == "175.45.176.0/22")]'
}
both() { load_lookup | jq -e '.[0] | .origin_as == 131279 and (.flags | index("multi_transit"))' >/dev/null; }
wait_for 20 both || fail "the dumps never showed both transits: $(load_lookup) $(cat "$work/load.err")"

birdc_r disable ttk >/dev/null
gone() {
	load_lookup | jq -e '.[0] | .origin_as == 131279 and .transit_as == 4837 and .flags == []' >/dev/null
}
wait_for 10 gone || fail "ttk's path stayed after its session went down: $(load_lookup) $(cat "$work/load.err")"
# Several snapshots were written: a file each, or (when a dump comes in the
# same second as the one before) appended to one file.  Dumps go on every
# 2 s, so wait for the second if it is not there yet.
snapshots() {
	/usr/bin/python3 -c '
import struct, sys
n = 0
for f in sys.argv[1:]:
    b = open(f, "rb").read()
    i = 0
    while i + 12 <= len(b):
        _, t, st, ln = struct.unpack_from(">IHHI", b, i)
        n += (t, st) == (13, 1)  # TABLE_DUMP_V2 PEER_INDEX_TABLE: a snapshot starts
        i += 12 + ln
print(n)' "$work"/dumps/master4-*.mrt
}
several() { [ "$(snapshots)" -ge 2 ]; }
wait_for 10 several || fail "expected several snapshots, got $(snapshots) in $(ls "$work"/dumps | wc -l) files"
n=$(snapshots)
grep -q "snapshot of collector 198.51.100.1 view 'master4' at .* left out" "$work/load.err" \
	|| fail "no log line for the snapshots left out: $(cat "$work/load.err")"
echo "ok: $n BIRD dumps; after ttk went down 175.45.176.0/22 left asclass's tables within one load"
