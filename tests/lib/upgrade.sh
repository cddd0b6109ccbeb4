# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/lib/upgrade.sh - what the upgrade tests (tests/extra/upgrade_v*.sh)
# share: bytes of old map values for bpftool, the CPU count bpftool writes a
# per-CPU value to, and the namespace with a quiet veth pair that `asclass
# attach` upgrades through.  Sourced; uses the caller's fail().

# bpftool writes one value to every possible CPU of a per-CPU map
cpus=$(awk -F- '{ print ($2 == "" ? $1 : $2) + 1 }' /sys/devices/system/cpu/possible)
le16() { printf '%d %d' $(($1 & 255)) $(($1 >> 8 & 255)); }
le32() { printf '%d %d %d %d' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
le64() { echo "$(le32 $(($1 & 0xffffffff))) $(le32 $(($1 >> 32)))"; }

# upgrade_ns NS: namespace NS with veth a0 <-> b0 up and no packet of the
# link's own on it (IPv6 router solicitations, MLD), so that the counts
# after an attach are the carried ones exactly.  The caller removes NS.
upgrade_ns() {
	ip netns add "$1" || fail "ip netns add $1"
	nsenter --net=/run/netns/"$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 || fail "disable IPv6 in $1"
	ip -n "$1" link add a0 type veth peer name b0
	ip -n "$1" link set a0 up
	ip -n "$1" link set b0 up
}
