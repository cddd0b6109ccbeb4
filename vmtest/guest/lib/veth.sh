# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# vmtest/guest/lib/veth.sh - sourced by the guest tests (vmtest/guest/*.sh,
# from /tests/lib in the VM; not a test itself): fail, the real iproute2,
# and one veth pair between two network namespaces.
# busybox sh prefers its applets: the real iproute2 (netns, veth) by path
ip() { /usr/sbin/ip "$@"; }
fail() { echo "FAIL: $*"; exit 1; }
# veth_pair R U NET: namespaces R and U joined by r0 (in R, NET.1/24) and u0
# (in U, NET.2/24), both up, and R's loopback up.
veth_pair() {
	ip netns add "$1"
	ip netns add "$2"
	ip link add r0 netns "$1" type veth peer name u0 netns "$2"
	ip -n "$1" addr add "$3.1/24" dev r0
	ip -n "$2" addr add "$3.2/24" dev u0
	ip -n "$1" link set r0 up
	ip -n "$2" link set u0 up
	ip -n "$1" link set lo up
}
