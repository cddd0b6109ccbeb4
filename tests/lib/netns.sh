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
