#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/status_netns.sh - status, status --json and metrics run outside
# the links' network namespace name no other interface as the link's.
#
# Links live in pinned maps keyed by ifindex, and an ifindex means another
# interface in every other namespace.  A router namespace holds the link
# (r-cu, upstream cu); there, status and metrics name it and show its
# programs.  A decoy namespace holds, at the same ifindex, an interface
# carrying asclass of another pin directory (the same program names):
# status run there must neither name it nor show its programs as the
# link's, but mark the link as not in this namespace, in text, JSON and
# the metrics' interface label.  The root namespace is only read (the CLI
# runs there; nothing is added): whatever interface has that ifindex there
# must not be named either.  `asclass detach` of the decoy's name with this
# pin directory, in the decoy's namespace, must touch nothing of cu's, and
# an attach there must not take cu's ifindex over.
# Everything else lives in namespaces this test creates and removes.
set -eu
. "$(dirname "$0")/../lib/netns.sh"
ns_test_init

R=asc-$id-sr U=asc-$id-su D=asc-$id-sd
PIN2=/sys/fs/bpf/asc-test-$id-decoy
at_exit "rm -rf $PIN2"
ns_add $R $U $D
veth_ip $R r-cu 198.51.100.1/24 $U u-cu 198.51.100.2/24
veth_ip $R r-ttk 203.0.113.1/24 $U u-ttk -
ifx=$(ip -n $R -j link show r-cu | jq '.[0].ifindex')
# The decoy: the same ifindex in another namespace, with a classifier of
# another pin directory on it.  The peer gets its index first: give it one
# that cannot be $ifx.
ip -n $D link add decoy index "$ifx" type veth peer name decoy-p index $((ifx + 100))
ip -n $D link set decoy up
ip -n $D link set decoy-p up
[ "$(ip -n $D -j link show decoy | jq '.[0].ifindex')" = "$ifx" ] || fail "decoy did not get ifindex $ifx"
in_ns $D "$ASCLASS" --pin-dir "$PIN2" attach decoy --upstream other --mode skb \
	|| fail "attach of the decoy (pin dir $PIN2)"

asc attach r-cu --upstream cu --asn 4837 --mode skb
# ttk's tc program on a clsact filter (found by netlink, not tcx); its
# ifindex has no interface in the decoy namespace.
asc attach r-ttk --upstream ttk --asn 20485 --mode skb --tc-hook clsact
ifx2=$(ip -n $R -j link show r-ttk | jq '.[0].ifindex')
in_ns $U ping -c 2 -i 0.2 -W 2 -q 198.51.100.1 >/dev/null || fail "ping over r-cu failed"

# In the links' namespace: the name and the programs.
asc status | grep -Eq "^  r-cu +any +cu +1 +4837 +skb +single program +(tcx|clsact)$" \
	|| fail "status in the links' namespace: $(asc status)"
asc status | grep -Eq "^  r-ttk +any +ttk +2 +20485 +skb +single program +clsact$" \
	|| fail "status in the links' namespace: $(asc status)"
asc status --json | jq_ok --argjson i "$ifx" '.links | length == 2 and (.[] | select(.upstream == "cu") |
	.interface == "r-cu" and .ifindex == $i and .netns == "this" and .xdp_mode == "skb" and
	(.tc_hook == "tcx" or .tc_hook == "clsact"))' \
	|| fail "status --json in the links' namespace: $(asc status --json | jq -c .links)"
asc metrics | grep -qx 'asclass_upstream_info{upstream="cu",asn="4837",interface="r-cu",vlan="any"} 1' \
	|| fail "metrics in the links' namespace: $(asc metrics | grep upstream_info)"
asc status --json | jq_ok '.links[] | select(.upstream == "ttk") | .interface == "r-ttk" and
	.netns == "this" and .tc_hook == "clsact"' || fail "status --json: r-ttk: $(asc status --json | jq -c .links)"

# elsewhere NS: asclass --pin-dir $PIN ARGS in NS ("-": the root namespace)
elsewhere() {
	local ns=$1
	shift
	if [ "$ns" = - ]; then "$ASCLASS" --pin-dir "$PIN" "$@"; else in_ns "$ns" "$ASCLASS" --pin-dir "$PIN" "$@"; fi
}
# check_elsewhere NS NAME: NAME (the interface with the link's ifindex in
# NS, "" if none) is not the link's, and the link is marked
check_elsewhere() {
	local ns=$1 name=$2 where=${1/#-/the root namespace} out
	out=$(elsewhere "$ns" status)
	echo "status in $where: $out"
	if [ -n "$name" ] && echo "$out" | grep -Eq "^  $name +any +cu"; then
		fail "status in $where names $name (ifindex $ifx there) as cu's interface"
	fi
	echo "$out" | grep -Eq "^  #$ifx +any +cu +1 +4837 +\? +\? +\?$" \
		|| fail "status in $where does not mark cu's link as elsewhere"
	echo "$out" | grep -q "#$ifx: not in this network namespace.*nsenter --net=" \
		|| fail "status in $where does not say where to run it"
	out=$(elsewhere "$ns" status --json)
	echo "$out" | jq_ok --argjson i "$ifx" '.links | length == 2 and all(.[]; .interface == null and
		.netns == "other" and .xdp_mode == null and .xdp_via == null and .tc_hook == null) and
		any(.[]; .upstream == "cu" and .ifindex == $i)' \
		|| fail "status --json in $where: $(echo "$out" | jq -c .links)"
	elsewhere "$ns" metrics | grep -qx "asclass_upstream_info{upstream=\"cu\",asn=\"4837\",interface=\"#$ifx\",vlan=\"any\"} 1" \
		|| fail "metrics in $where: $(elsewhere "$ns" metrics | grep upstream_info)"
	elsewhere "$ns" metrics | grep -qx "asclass_upstream_info{upstream=\"ttk\",asn=\"20485\",interface=\"#$ifx2\",vlan=\"any\"} 1" \
		|| fail "metrics in $where: $(elsewhere "$ns" metrics | grep upstream_info)"
}
check_elsewhere $D decoy
check_elsewhere - "$(ip -j link show | jq -r --argjson i "$ifx" '.[] | select(.ifindex == $i) | .ifname')"

# The decoy's own install, seen from its namespace, is its own.
in_ns $D "$ASCLASS" --pin-dir "$PIN2" status --json | jq_ok '.links[0] | .interface == "decoy" and
	.netns == "this" and .upstream == "other" and .xdp_mode == "skb"' \
	|| fail "the decoy's status in its namespace: $(in_ns $D "$ASCLASS" --pin-dir "$PIN2" status --json)"
# detach of the decoy's name with this pin directory, run in the decoy's
# namespace: the same ifindex as r-cu, no program of this install on it
# there.  Nothing of cu's may go (its link entries, its tcx link pinned by
# ifindex), nor the decoy's own programs.
out=$(elsewhere $D detach decoy 2>&1) && fail "detach in the decoy's namespace succeeded: $out"
echo "$out" | grep -q "decoy (ifindex $ifx) carries no program of this pin directory.*nothing was detached" \
	|| fail "detach in the decoy's namespace: $out"
asc status --json | jq_ok '.links[] | select(.upstream == "cu") | .interface == "r-cu" and
	.xdp_mode == "skb" and .tc_hook != null' \
	|| fail "cu's link after a detach in the decoy's namespace: $(asc status --json | jq -c .links)"
in_ns $D "$ASCLASS" --pin-dir "$PIN2" status --json | jq_ok '.links[0] | .xdp_mode == "skb" and .tc_hook != null' \
	|| fail "the decoy's programs after the detach: $(in_ns $D "$ASCLASS" --pin-dir "$PIN2" status --json)"
# Nor may an attach there take r-cu's ifindex over: its entry would count
# r-cu's traffic under the decoy's upstream from then on.
out=$(elsewhere $D attach decoy --upstream other2 --mode skb 2>&1) \
	&& fail "attach in the decoy's namespace with cu's pin directory succeeded: $out"
echo "$out" | grep -q "decoy (ifindex $ifx) carries no program of this pin directory.*nothing was attached" \
	|| fail "attach in the decoy's namespace: $out"
asc status --json | jq_ok '.links | length == 2 and (.[] | select(.upstream == "cu") | .interface == "r-cu")' \
	|| fail "cu's link after an attach in the decoy's namespace: $(asc status --json | jq -c .links)"
# In the links' namespace detach works as ever.
asc detach r-cu >/dev/null 2>&1 || fail "detach r-cu in its namespace"
asc status --json | jq_ok '.links | length == 1 and .[0].upstream == "ttk"' \
	|| fail "after detaching r-cu: $(asc status --json | jq -c .links)"
echo "status, status --json and metrics name cu's link only in its namespace; detach elsewhere touches nothing"

