#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/daemon_sighup.sh - SIGHUP re-reads asclass.conf, in namespaces
# this test makes: a link added is attached and counts, a link removed is
# detached and its counters stay in /metrics, and a broken file is refused
# (named by file and line) with everything as before.
set -eu
. "$(dirname "$0")/../lib/netns.sh"
ns_test_init
R=asc-$id-sr U1=asc-$id-sa U2=asc-$id-sb
metric() { in_r curl -sf http://127.0.0.1:9742/metrics | awk -v k="$1" '$1 == k {print $2}'; }
xdp_on() { ip -n $R link show "$1" | grep -q 'prog/xdp'; }

ns_add $R $U1 $U2
veth_ip $R r-a 198.51.100.1/30 $U1 u-a 198.51.100.2/30
veth_ip $R r-b 203.0.113.1/30 $U2 u-b 203.0.113.2/30
printf '198.51.100.0/24 64500 4837 4837\n203.0.113.0/24 64501 20485 20485\n' >"$work/routes.txt"
conf() { # conf LINK...: the config with these links
	for l in "$@"; do printf '[link %s]\ninterface = r-%s\n\n' "$l" "$l"; done
	printf '[routes]\nsource = %s\n[metrics]\nlisten = 127.0.0.1:9742\n[daemon]\npin_dir = %s\n' \
		"$work/routes.txt" "$PIN"
}
ka='asclass_packets_total{upstream="a",direction="in",family="ipv4",origin_as="64500",transit_as="4837"}'
kb='asclass_packets_total{upstream="b",direction="in",family="ipv4",origin_as="64501",transit_as="20485"}'
reloads() { grep -c "routing loaded" "$work/daemon.log" || true; }
hup() { # hup: SIGHUP, then wait for what it logs last
	local n=$(reloads) r=$(grep -c "refused" "$work/daemon.log" || true)
	kill -HUP "$dpid"
	wait_for 10 sh -c "[ \$(grep -c 'routing loaded' $work/daemon.log) -gt $n ] ||
		[ \$(grep -c refused $work/daemon.log) -gt $r ]" || fail "SIGHUP did nothing"
	wait_for 5 in_r curl -sf -o /dev/null http://127.0.0.1:9742/metrics || fail "no metrics after SIGHUP"
}

conf a >"$work/asclass.conf"
daemon_start "$work/asclass.conf"
ip netns exec $U1 ping -q -c 4 -i 0.1 -W 1 198.51.100.1 >/dev/null || fail "ping over a"
[ "$(metric "$ka")" = 4 ] || fail "a: got '$(metric "$ka")', want 4"
xdp_on r-b && fail "b attached before it is configured"

# a second link: attached and counting, a's counters as they were
conf a b >"$work/asclass.conf"
hup
xdp_on r-b || fail "b not attached after SIGHUP"
in_r curl -sf http://127.0.0.1:9742/metrics | grep -q '^asclass_program_attached{upstream="b",mode="native",.*} 1$' ||
	fail "b not 1 in asclass_program_attached"
ip netns exec $U2 ping -q -c 3 -i 0.1 -W 1 203.0.113.1 >/dev/null || fail "ping over b"
[ "$(metric "$kb")" = 3 ] || fail "b: got '$(metric "$kb")', want 3"
[ "$(metric "$ka")" = 4 ] || fail "a after adding b: got '$(metric "$ka")', want 4"

# a removed: detached, its counters stay
conf b >"$work/asclass.conf"
hup
xdp_on r-a && fail "a still attached after it was removed"
xdp_on r-b || fail "b detached when a was removed"
ip netns exec $U1 ping -q -c 2 -i 0.1 -W 1 198.51.100.1 >/dev/null || fail "ping over a (detached)"
[ "$(metric "$ka")" = 4 ] || fail "a's counters after removal: got '$(metric "$ka")', want 4"
[ "$(metric "$kb")" = 3 ] || fail "b after removing a: got '$(metric "$kb")', want 3"

# a broken file: refused with its place, everything as before
cp "$work/asclass.conf" "$work/good.conf"
printf '[link c]\ninterface = r-a\nvlan = 5000\n' >>"$work/asclass.conf"
hup
grep -q "asclass.conf:$(($(wc -l <"$work/good.conf") + 3)): \[link c\] vlan" "$work/daemon.log" ||
	fail "the broken line is not named"
grep -q "asclass.conf refused: the running configuration is kept" "$work/daemon.log" || fail "no refusal"
xdp_on r-a && fail "a attached by a refused config"
xdp_on r-b || fail "b detached by a refused config"
ip netns exec $U2 ping -q -c 2 -i 0.1 -W 1 203.0.113.1 >/dev/null || fail "ping over b"
[ "$(metric "$kb")" = 5 ] || fail "b after the refused config: got '$(metric "$kb")', want 5"
kill -0 "$dpid" || fail "daemon died"
echo "PASS: daemon_sighup"
