#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# vmtest/guest/two_installs.sh - inside the VM: two asclass installs (two pin
# directories) on one interface under libxdp's dispatcher.  B's XDP program
# goes beside A's, and both count every packet.  tc egress (6.1: no tcx, a
# clsact filter at asclass's place, which holds one) cannot take both: B's
# attach refuses, names A's program and leaves nothing behind; B --replace
# takes the filter over and keeps XDP beside A's.
set -eu
. /tests/lib/veth.sh
PA=/sys/fs/bpf/asclass-vm-a PB=/sys/fs/bpf/asclass-vm-b
R=two-r U=two-u
veth_pair $R $U 198.51.100
A() { nsenter --net=/run/netns/$R asclass --pin-dir $PA "$@"; }
B() { nsenter --net=/run/netns/$R asclass --pin-dir $PB "$@"; }
# has WHO UPSTREAM DIR PACKETS: the install counted PACKETS of 98 bytes (a
# ping) for the upstream in direction DIR
has() {
	"$1" stats --json >/tmp/stats
	grep -q "\"upstream\":\"$2\",\"upstream_id\":1,\"direction\":\"$3\",\"family\":\"ipv4\",\"origin_as\":64500,\"transit_as\":4837,\"path\":\"consensus\",\"packets\":$4,\"bytes\":$(($4 * 98))" /tmp/stats \
		|| { cat /tmp/stats; fail "install $1, upstream $2, $3: want $4 packets"; }
}
pings() { ip netns exec $U ping -c "$1" -W 2 198.51.100.1 >/dev/null || fail "ping failed"; }

A attach r0 --upstream a --asn 4837 --mode native 2>&1 | tee /tmp/attach
grep -q "via dispatcher" /tmp/attach || fail "A did not attach through the dispatcher"
echo "198.51.100.0/24 64500 4837" | A routes load -
pings 2
has A a in 2
has A a out 2

if B attach r0 --upstream b --asn 4837 --mode native >/tmp/attach 2>&1; then
	cat /tmp/attach
	fail "B's attach succeeded while A's clsact filter holds asclass's place"
fi
cat /tmp/attach
grep -q "r0: tc egress .* is held by asclass_tc (id [0-9]*), another asclass install's" /tmp/attach \
	|| fail "the refusal does not name A's clsact filter"
B status --json >/tmp/sb
grep -q '"links":\[\]' /tmp/sb || { cat /tmp/sb; fail "B's refused attach left link entries"; }
[ "$(bpftool prog show | grep -c 'name asclass_xdp')" = 1 ] || { bpftool prog show; fail "B's refused attach left its XDP program"; }

B attach r0 --upstream b --asn 4837 --mode native --replace 2>&1 | tee /tmp/attach
grep -q "via dispatcher" /tmp/attach || fail "B's XDP program is not beside A's under the dispatcher"
echo "198.51.100.0/24 64500 4837" | B routes load -
pings 4
has A a in 6
has A a out 2
has B b in 4
has B b out 4
B detach r0
pings 1
has A a in 7
A status | tee /tmp/status
grep -q "r0 .* a .* native .* dispatcher" /tmp/status || fail "A's XDP program went with B's detach"
A detach r0
ip netns del $R
ip netns del $U
rm -rf $PA $PB
echo "two installs under the dispatcher: XDP beside, each counts; clsact refused, then taken over"
