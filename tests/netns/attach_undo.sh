#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/attach_undo.sh - an attach that fails half-way leaves the link
# as it found it.
#
# `attach --replace` swaps the XDP program first, then the tc program.  When
# the tc step fails (here: a foreign u32 filter holds asclass's clsact
# priority, and tc refuses a filter of another kind there), the XDP
# program stays attached, so the link's entry in asc_links must stay too:
# without it every packet on the link would count under no upstream.
set -eu
. "$(dirname "$0")/../lib/netns.sh"
ns_test_init
R=asc-$id-r U=asc-$id-u
# The interface-wide links live in asc_ifaces (by ifindex), the others in asc_links.
links() {
	{ bpftool -j map dump pinned "$PIN/asc_ifaces"; bpftool -j map dump pinned "$PIN/asc_links"; } |
		jq -sc '[(.[0][].formatted.value.any.upstream_id | select(. != 0)), .[1][].formatted.value.upstream_id]'
}

ns_add $R $U
veth $R r-cu $U u-cu
asc attach r-cu --upstream cu --asn 4837 --mode native --tc-hook clsact
[ "$(links)" = "[1]" ] || fail "after the first attach asc_links holds $(links), want [1]"

# Our filter out, a foreign one in at our priority (ASC_TC_PRIORITY).
ip netns exec $R tc filter del dev r-cu egress pref 42433
ip netns exec $R tc filter add dev r-cu egress pref 42433 protocol all u32 match u32 0 0 classid 1:1
if out=$(asc attach r-cu --upstream cu --asn 4837 --tc-hook clsact --replace 2>&1); then
	fail "attach went on although the tc filter could not be attached: $out"
fi
echo "attach failed as it must: $(echo "$out" | tail -1)"
ip -n $R -d link show r-cu | grep -q "prog/xdp" || fail "the XDP program is gone"
[ "$(links)" = "[1]" ] || fail "XDP is still attached but asc_links holds $(links), want [1]"
echo "a failed tc step kept the link entry of the XDP program still attached"
