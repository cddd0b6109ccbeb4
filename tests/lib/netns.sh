# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/lib/netns.sh - shared by the network-namespace tests and the demo.
# Source it; it defines:
#   ns_add NS...             namespaces with lo up and no IPv6 of the kernel's
#                            own (no router solicitations or MLD: every counted
#                            packet is one the test sent); remembered for ns_del_all
#   veth NS1 IF1 NS2 IF2     a veth pair between two namespaces, both ends up
#   ns_del_all               removes every namespace ns_add made
#   in_ns NS CMD...          runs CMD in NS with nsenter, which keeps /sys/fs/bpf
#                            visible (ip netns exec remounts /sys)
#   wait_for SECONDS CMD...  polls CMD every 0.1 s until it succeeds; 1 on timeout
#
# and for a test's preamble and its end:
#   need_root                SKIP (exit 77) unless root (BPF, namespaces)
#   bench_need_root NAME     a bench's: "NAME: ... not measured", exit 0, unless root
#   ns_test_init             need_root, then the test's names: id ($$), ASCLASS
#                            (default $PWD/build/asclass), PIN (its own pin dir,
#                            /sys/fs/bpf/asc-test-$$), work (a temp dir, kept
#                            when KEEP is set); ns_cleanup runs on exit
#   at_exit CMD              one more command (a string, eval'd) for ns_cleanup
#   ns_cleanup               the at_exit commands in order, then kill -9 of this
#                            shell's background jobs still running, ns_del_all,
#                            and $PIN and $work removed
#   stop_pid PID             TERM, then KILL if it is still there after 5 s
#   stop_pidfiles FILE...    stop_pid of the pid each non-empty FILE holds
#   veth_ip NS1 IF1 ADDR1 NS2 IF2 ADDR2
#                            veth, then each ADDR (with its /len) on its end;
#                            "-" for none
#   in_r CMD...              in_ns $R CMD (R: the router namespace)
#   asc ARGS...              asclass --pin-dir $PIN ARGS in $R
#   fail MSG...              "FAIL: MSG", the end of $work/daemon.log if there
#                            is one, exit 1
#   jq_ok JQ-ARGS...         stdin's JSON makes the jq filter true (jq 1.6's -e
#                            passes empty input)
#   daemon_start CONF [PORT] asclass run --config CONF in $R, in the background,
#                            its output appended to $work/daemon.log, its pid in
#                            $dpid; waits (10 s each) for /metrics on
#                            127.0.0.1:PORT (9742) and a routing load of its
#                            own (the log holds earlier daemons' too), or fails
#   daemon_stop [SIGNAL]     sends SIGNAL (TERM) to $dpid, waits for it, dpid=

NS_MADE=()

ns_add() {
	local ns
	for ns in "$@"; do
		ip netns add "$ns"
		NS_MADE+=("$ns")
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
		ip -n "$ns" link set lo up
	done
}

veth() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}

ns_del_all() {
	local ns
	for ns in "${NS_MADE[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
	NS_MADE=()
}

in_ns() {
	local ns=$1
	shift
	nsenter --net=/run/netns/"$ns" "$@"
}

wait_for() {
	local t=$(($1 * 10))
	shift
	while ! "$@" >/dev/null 2>&1; do
		t=$((t - 1))
		[ $t -gt 0 ] || return 1
		sleep 0.1
	done
}

need_root() {
	[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (BPF, network namespaces)"; exit 77; }
}

bench_need_root() {
	[ "$(id -u)" -eq 0 ] || { echo "$1: needs root (BPF, network namespaces): not measured"; exit 0; }
}

NS_AT_EXIT=()

ns_test_init() {
	need_root
	id=$$
	ASCLASS=${ASCLASS:-$PWD/${O:-build}/asclass}
	PIN=/sys/fs/bpf/asc-test-$id
	work=$(mktemp -d "/tmp/asc-test-$id.XXXXXX")
	dpid=
	trap ns_cleanup EXIT
}

at_exit() {
	NS_AT_EXIT+=("$1")
}

ns_cleanup() {
	local cmd pid
	for cmd in "${NS_AT_EXIT[@]}"; do eval "$cmd" || true; done
	for pid in $(jobs -p); do kill -9 "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	ns_del_all
	rm -rf "$PIN"
	if [ -n "${KEEP:-}" ]; then echo "work dir kept: $work"; else rm -rf "$work"; fi
}

stop_pid() {
	local pid=$1 _
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null
}

stop_pidfiles() {
	local f
	for f in "$@"; do [ -s "$f" ] && stop_pid "$(cat "$f")"; done
	return 0
}

veth_ip() {
	veth "$1" "$2" "$4" "$5"
	[ "$3" = - ] || ip -n "$1" addr add "$3" dev "$2"
	[ "$6" = - ] || ip -n "$4" addr add "$6" dev "$5"
}

in_r() { in_ns "$R" "$@"; }

asc() { in_ns "$R" "$ASCLASS" --pin-dir "$PIN" "$@"; }

fail() {
	echo "FAIL: $*"
	[ -f "${work:-}/daemon.log" ] && tail -20 "$work/daemon.log"
	exit 1
}

jq_ok() { [ "$(jq "$@")" = true ]; }

# loads_over N: daemon.log holds more than N "routing loaded" lines
loads_over() { [ "$(grep -c "routing loaded" "$work/daemon.log")" -gt "$1" ]; }

daemon_start() {
	# the log is appended to across restarts: this daemon's own load is a
	# line more than before it (an earlier daemon's line is not its load)
	local n0
	n0=$(grep -c "routing loaded" "$work/daemon.log" 2>/dev/null || true)
	# nsenter execs: $! is the daemon itself (a function in the background
	# would be a subshell, and signals would hit that instead)
	nsenter --net=/run/netns/"$R" "$ASCLASS" run --config "$1" >>"$work/daemon.log" 2>&1 &
	dpid=$!
	wait_for 10 in_r curl -sf -o /dev/null "http://127.0.0.1:${2:-9742}/metrics" ||
		fail "daemon does not serve /metrics"
	wait_for 10 loads_over "${n0:-0}" || fail "no routing load"
}

daemon_stop() {
	kill -"${1:-TERM}" "$dpid"
	wait "$dpid" 2>/dev/null || true
	dpid=
}
