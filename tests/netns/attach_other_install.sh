#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/attach_other_install.sh - an attach decides by ownership: a
# program of another asclass install (another pin directory) on the
# interface is not this install's.
#
# Install A (its own pin directory) is on r-cu and r-tt.  Install B ($PIN)
# then attaches the same interfaces.  B must either count its traffic in
# its own maps (XDP beside A's under libxdp's dispatcher, tc beside A's on
# tcx) or fail with an error that names the interface, the program there
# (name and id) and --replace, and leave no link entry and no program of
# its own behind: it must never report success while counting nothing.
# The old attach asked for programs by name: it found A's asclass_xdp,
# said "[XDP program was already attached]", and B counted nothing.
# Then B --replace takes r-cu over: B counts both directions (its tc
# program beside A's on tcx: A's must let it run), A's tc program keeps
# counting; B's detach takes only B's programs off.  On r-tt A's tc
# program is a clsact filter at asclass's handle and priority, which
# cannot hold two: the refusal names it too, and --replace takes it over.
# Last, A's daemon (it attaches with replace) takes nothing of B's over.
# Pings are the traffic: each ping from the upstream side is one packet
# in (the echo request) and one out (the reply), with static neighbours
# (no ARP).  Everything lives in namespaces this test creates and removes.
set -eu
. "$(dirname "$0")/../lib/netns.sh"
ns_test_init

R=asc-$id-r U=asc-$id-u
PINA=/sys/fs/bpf/asc-test-$id-a
at_exit "rm -rf $PINA"
ns_add $R $U
veth_ip $R r-cu 198.51.100.1/24 $U u-cu 198.51.100.2/24
veth_ip $R r-tt 203.0.113.1/24 $U u-tt 203.0.113.2/24
for i in cu tt; do
	ip -n $R neigh add "$([ $i = cu ] && echo 198.51.100.2 || echo 203.0.113.2)" \
		lladdr "$(ip -n $U -j link show u-$i | jq -r '.[0].address')" dev r-$i nud permanent
	ip -n $U neigh add "$([ $i = cu ] && echo 198.51.100.1 || echo 203.0.113.1)" \
		lladdr "$(ip -n $R -j link show r-$i | jq -r '.[0].address')" dev u-$i nud permanent
done

A() { in_ns $R "$ASCLASS" --pin-dir "$PINA" "$@"; }
# count A|B UPSTREAM in|out: the packets an install counted for the upstream
count() {
	local pin=$PINA
	[ "$1" = B ] && pin=$PIN
	in_ns $R "$ASCLASS" --pin-dir "$pin" stats --json | jq --arg u "$2" --arg d "$3" \
		'[.counters[] | select(.upstream == $u and .direction == $d) | .packets] | add // 0'
}
# pings N IF: N pings from the upstream side over IF's link
pings() {
	local dst=198.51.100.1
	[ "$2" = tt ] && dst=203.0.113.1
	in_ns $U ping -c "$1" -i 0.2 -W 2 -q "$dst" >/dev/null || fail "ping over r-$2 failed"
}
# expect WHO UPSTREAM IN OUT: the install's counts reach IN and OUT (the
# last reply may still be on its way), and are exactly that
expect() {
	local got
	wait_for 3 test "$(count "$1" "$2" in) $(count "$1" "$2" out)" = "$3 $4" || true
	got="$(count "$1" "$2" in) $(count "$1" "$2" out)"
	[ "$got" = "$3 $4" ] || fail "install $1, upstream $2: counted in/out '$got', want '$3 $4'"
}
xdp_id() { ip -n $R -j link show "$1" | jq '.[0].xdp.prog.id // .[0].xdp.prog[0].id // 0'; }
# links_b: B's link entries, as its status --json lists them
links_b() { asc status --json | jq -c '[.links[] | .upstream]'; }

A attach r-cu --upstream a --mode skb
A attach r-tt --upstream at --mode skb --tc-hook clsact
pings 3 cu
expect A a 3 3

# B on r-cu, no --replace.
if out=$(asc attach r-cu --upstream b --mode skb 2>&1); then
	echo "B's attach succeeded: $out"
	# then it must count: beside A's through the dispatcher
	pings 3 cu
	expect B b 3 3
	expect A a 6 6
	beside=1
else
	echo "B's attach failed: $out"
	id_a=$(xdp_id r-cu)
	echo "$out" | grep -q "r-cu.*asclass_xdp (id $id_a)" \
		|| fail "the refusal does not name r-cu and the program there (asclass_xdp, id $id_a): $out"
	echo "$out" | grep -q -- "--replace" || fail "the refusal does not say what to do: $out"
	[ "$(links_b)" = "[]" ] || fail "the refused attach left link entries: $(links_b)"
	[ "$(xdp_id r-cu)" = "$id_a" ] || fail "the refused attach changed r-cu's XDP program"
	ls "$PIN"/tcx_egress_* >/dev/null 2>&1 && fail "the refused attach left a tcx link: $(ls "$PIN")"
	pings 3 cu
	expect A a 6 6
	expect B b 0 0
	beside=0
fi

# --replace: takes r-cu over where it cannot go beside.  A's tcx program
# stays (tcx runs both); B's counts.
asc attach r-cu --upstream b --mode skb --replace
pings 3 cu
if [ $beside = 1 ]; then
	expect B b 6 6
	expect A a 9 9
else
	[ "$(xdp_id r-cu)" != "$id_a" ] || fail "--replace left A's XDP program on r-cu"
	expect B b 3 3
	expect A a 6 9
fi
asc status --json | jq_ok '.links[0] | .interface == "r-cu" and .upstream == "b" and .xdp_mode == "skb" and
	.tc_hook == "tcx"' || fail "B's status after --replace: $(asc status --json | jq -c .links)"
A status --json | jq_ok '.links[] | select(.upstream == "a") | .interface == "r-cu" and .tc_hook == "tcx"' \
	|| fail "A's tc program went with B's --replace: $(A status --json | jq -c .links)"

# B's detach takes B's programs off, never A's.
asc detach r-cu
A status --json | jq_ok '.links[] | select(.upstream == "a") | .interface == "r-cu" and .tc_hook == "tcx"' \
	|| fail "B's detach took A's tc program: $(A status --json | jq -c .links)"
pings 2 cu
expect B b $((beside ? 6 : 3)) $((beside ? 6 : 3))

# r-tt: A's tc program is a clsact filter at asclass's handle and priority.
# Detach with B's pin directory (maps, none of them A's), or with one that
# holds no maps, touches none of A's programs.
PINX=/sys/fs/bpf/asc-test-$id-none
at_exit "rm -rf $PINX"
xa=$(xdp_id r-tt)
asc detach r-tt >/dev/null 2>&1 && fail "B's detach of r-tt (nothing of B's there) succeeded"
in_ns $R "$ASCLASS" --pin-dir "$PINX" detach r-tt >/dev/null 2>&1 \
	&& fail "a detach of r-tt with a pin directory without maps succeeded"
[ "$(xdp_id r-tt)" = "$xa" ] || fail "a detach with another pin directory took A's XDP program off r-tt"
A status --json | jq_ok '.links[] | select(.upstream == "at") | .interface == "r-tt" and .tc_hook == "clsact"' \
	|| fail "a detach with another pin directory took A's clsact filter: $(A status --json | jq -c .links)"
if out=$(asc attach r-tt --upstream bt --mode skb --tc-hook clsact 2>&1); then
	fail "B's attach on r-tt (A's clsact filter at asclass's priority) succeeded: $out"
fi
echo "B's attach on r-tt failed: $out"
tc_id=$(in_ns $R bpftool -j net show dev r-tt | jq '.[0].tc[] | select(.name | startswith("asclass_tc")) | .id')
echo "$out" | grep -q "r-tt.*asclass_tc (id $tc_id)" \
	|| fail "the refusal does not name the clsact filter's program (asclass_tc, id $tc_id): $out"
[ "$(links_b)" = "[]" ] || fail "the refused attach on r-tt left link entries: $(links_b)"
pings 2 tt
expect A at 2 2
asc attach r-tt --upstream bt --mode skb --tc-hook clsact --replace
pings 2 tt
expect B bt 2 2
expect A at $((beside ? 4 : 2)) 2

# The daemon of A's pin directory attaches with replace, which replaces
# only its own programs: on r-tt (B's single XDP program now) it takes
# nothing over, logs the link as not attached, and B counts on; on r-cu
# (no XDP; A's tcx program still there) it attaches, A's tcx program
# replaced in place, and counts; when B takes r-cu over, the daemon's
# metric says its program is gone.
xb=$(xdp_id r-tt)
in_a=$(count A a in) out_a=$(count A a out)
printf '198.51.100.0/24 64500 4837 4837\n' >"$work/routes.txt"
printf '[link at]\ninterface = r-tt\n\n[link a]\ninterface = r-cu\n\n[routes]\nsource = %s\n[metrics]\nlisten = 127.0.0.1:9742\n[daemon]\npin_dir = %s\nmode = skb\n' \
	"$work/routes.txt" "$PINA" >"$work/asclass.conf"
daemon_start "$work/asclass.conf"
grep -q "r-tt: XDP .* is held by asclass_xdp (id $xb), another asclass install's" "$work/daemon.log" \
	|| fail "the daemon does not say what holds r-tt"
grep -q "link at (r-tt) not attached" "$work/daemon.log" || fail "the daemon does not log at as not attached"
[ "$(xdp_id r-tt)" = "$xb" ] || fail "the daemon took r-tt's XDP program over"
A status --json | jq_ok '.links[] | select(.upstream == "a") | .interface == "r-cu" and .xdp_mode == "skb" and
	.tc_hook == "tcx"' || fail "the daemon's r-cu: $(A status --json | jq -c .links)"
pings 2 tt
expect B bt 4 4
# exactly once each way: a second tc program of A's would count twice
pings 2 cu
expect A a $((in_a + 2)) $((out_a + 2))
metrics=$(in_r curl -sf http://127.0.0.1:9742/metrics)
echo "$metrics" | grep -Eq '^asclass_program_attached\{upstream="at",.*\} 0$' || fail "at: $(echo "$metrics" | grep program_attached)"
echo "$metrics" | grep -Eq '^asclass_program_attached\{upstream="a",mode="skb",via="single"\} 1$' \
	|| fail "a: $(echo "$metrics" | grep program_attached)"
# B takes r-cu over from the daemon: its link is no longer attached, and
# its metric says so (an XDP program is there, not the one it attached).
asc attach r-cu --upstream b --mode skb --replace
metrics=$(in_r curl -sf http://127.0.0.1:9742/metrics)
echo "$metrics" | grep -Eq '^asclass_program_attached\{upstream="a",mode="skb",via="single"\} 0$' \
	|| fail "a after B took r-cu over: $(echo "$metrics" | grep program_attached)"
daemon_stop
echo "B counts its own traffic beside A, or refuses and leaves nothing; --replace takes over only what cannot be shared; the daemon replaces only its own"
