#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/attach_basic.sh - the classifier on two real veth links.
#
# A router namespace with two upstream links (cu: tcx egress hook, ttk:
# clsact egress hook), native XDP on both.  Frames of known sizes from
# several origin prefixes arrive from the upstream namespaces; pings leave
# the router.  Counters are checked exactly, through `asclass stats --json`
# and through `bpftool map dump` of the pinned maps; then detach removes the
# programs and keeps the counters.  Everything lives in namespaces this test
# creates and removes.
set -eu
. "$(dirname "$0")/../lib/netns.sh"
need_root
PY=/usr/bin/python3
$PY -c 'import scapy' 2>/dev/null || { echo "SKIP: /usr/bin/python3 has no scapy (apt install python3-scapy)"; exit 77; }
ns_test_init

R=asc-$id-r U1=asc-$id-cu U2=asc-$id-ttk
ns_add $R $U1 $U2
veth_ip $R r-cu 198.51.100.1/24 $U1 u-cu 198.51.100.2/24
veth_ip $R r-ttk 203.0.113.1/24 $U2 u-ttk -
# Static neighbours: no ARP in the counted traffic.
mac_u1=$(ip -n $U1 -j link show u-cu | jq -r '.[0].address')
mac_r=$(ip -n $R -j link show r-cu | jq -r '.[0].address')
mac_r2=$(ip -n $R -j link show r-ttk | jq -r '.[0].address')
ip -n $R neigh add 198.51.100.2 lladdr "$mac_u1" dev r-cu nud permanent
ip -n $U1 neigh add 198.51.100.1 lladdr "$mac_r" dev u-cu nud permanent

# The first attach creates the maps, asc_counts sized by --counters; a later
# attach asking for another size is refused before it changes anything, and
# one that asks for none takes the pinned map's size.
# One row per slot and possible CPU.
asc attach r-cu --upstream cu --asn 4837 --mode native --counters 4096
cpus=$(awk -F- '{ print ($2 == "" ? $1 : $2) + 1 }' /sys/devices/system/cpu/possible)
[ "$(bpftool -j map show pinned "$PIN/asc_counts" | jq .max_entries)" = $((4096 * cpus)) ] \
	|| fail "--counters 4096 did not size asc_counts to 4096 x $cpus rows: $(bpftool map show pinned "$PIN/asc_counts")"
if out=$(asc attach r-ttk --upstream ttk --asn 20485 --counters 8192 2>&1); then
	fail "attach with --counters 8192 went on over an asc_counts of 4096"
fi
echo "$out" | grep -q "$PIN/asc_counts holds 4096 counter slots and 8192 were asked for" \
	|| fail "the size mismatch is not named: $out"
ip -n $R -d link show r-ttk | grep -q "prog/xdp" && fail "the refused attach left XDP on r-ttk"
asc attach r-ttk --upstream ttk --asn 20485 --mode native --tc-hook clsact
asc status | grep -q "r-cu .* cu .* native .* tcx" || asc status | grep -q "r-cu .* cu .* native .* clsact" \
	|| fail "status does not show r-cu attached: $(asc status)"
asc status | grep -q "r-ttk .* ttk .* native .* clsact" || fail "status does not show r-ttk on clsact"
# The same through status --json: one link object per interface.
asc status --json | jq_ok '[.links[] | select(.interface == "r-cu")] | length == 1 and (.[0] |
	.upstream == "cu" and .upstream_as == 4837 and .vlan == null and .xdp_mode == "native" and
	(.tc_hook == "tcx" or .tc_hook == "clsact"))' || fail "status --json: r-cu: $(asc status --json)"
asc status --json | jq_ok '.links[] | select(.interface == "r-ttk") | .upstream == "ttk" and .tc_hook == "clsact"' \
	|| fail "status --json: r-ttk: $(asc status --json)"

routes='# prefix            origin  transit peer
175.45.176.0/22     131279  4837    4837
175.45.178.0/24     131279  20485   20485
198.51.100.0/24     64500   4837    4837
2001:db8:100::/48   64501   20485   20485'
# The LPM tries name the matched prefix; the fast tables (the default, used
# for the traffic below) answer without it.
echo "$routes" | asc routes load --lookup lpm -
asc lookup --json 175.45.178.9 | jq -e '.[0] | .prefix == "175.45.178.0/24" and .origin_as == 131279' \
	| grep -qx true || fail "lookup under the lpm tables: $(asc lookup --json 175.45.178.9)"
echo "$routes" | asc routes load -
asc status | grep -q "lookup fast" || fail "fast tables are not the default: $(asc status)"
# Usage as loaded: one node for the two prefixes under 175.45.128.0/18 (5
# leaf runs), one skip node each for the lone /24 and /48; 4 distinct routes.
asc status | grep -Eq "^fast: +3 of [0-9]+ nodes \(0%\), 5 of [0-9]+ leaves \(0%\), 4 of [0-9]+ routes" \
	|| fail "status does not show the fast tables' usage: $(asc status)"
asc lookup --json 175.45.178.9 | jq -e '.[0] | .found and .prefix == null and .origin_as == 131279 and .transit_as == 20485 and .flags == []' \
	| grep -qx true || fail "lookup under the fast tables: $(asc lookup --json 175.45.178.9)"
# Per upstream: what ttk's link counts the address under (text routes have
# no per-peer paths: the consensus); an upstream that is not attached is a
# usage error.
asc lookup --json --upstream ttk 175.45.178.9 | jq_ok '.[0] | .upstream == "ttk" and .origin_as == 131279 and
	.transit_as == 20485 and .path == "consensus" and .counted' || fail "lookup --upstream ttk: $(asc lookup --json --upstream ttk 175.45.178.9)"
rc=0
asc lookup --upstream nope 175.45.178.9 >/dev/null 2>&1 || rc=$?
[ $rc -eq 2 ] || fail "lookup --upstream of an unknown upstream: exit $rc, want 2"
# An address no prefix covers: found false, the route's fields empty, exit 1.
rc=0
out=$(asc lookup --json 203.0.113.9) || rc=$?
[ $rc -eq 1 ] || fail "lookup of an uncovered address: exit $rc, want 1"
echo "$out" | jq_ok '.[0] | .address == "203.0.113.9" and .found == false and .prefix == null and .origin_as == 0 and .flags == []' \
	|| fail "lookup --json of an uncovered address: $out"
asc status --json | jq_ok '.routes.lookup == "fast" and .routes.ipv4 == 3 and .routes.ipv6 == 1 and
	(.routes.loaded | test("^[0-9-]+T[0-9:]+Z$")) and .fast.nodes.used == 3 and .fast.leaves.used == 5 and
	.fast.routes.used == 4' || fail "status --json: tables: $(asc status --json | jq -c '.routes, .fast')"

# Frames: IPv4 100 bytes, IPv6 120 bytes on the wire (without FCS), sent to
# an address nobody owns (the router does not forward): no replies, no ARP.
send() { # ns iface dstmac count src family
	in_ns "$1" $PY - "$2" "$3" "$4" "$5" "$6" <<'PYEOF'
import logging, sys
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)  # no "No route found" noise
from scapy.all import Ether, IP, IPv6, UDP, Raw, ARP, sendp
iface, dmac, count, src, fam = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
if fam == "arp":
    f = Ether(dst="ff:ff:ff:ff:ff:ff") / ARP(pdst="198.51.100.1")
elif fam == "6":
    f = Ether(dst=dmac) / IPv6(src=src, dst="2001:db8:1::1") / UDP(sport=40000, dport=9) / Raw(b"x" * (120 - 14 - 40 - 8))
else:
    f = Ether(dst=dmac) / IP(src=src, dst="203.0.113.200") / UDP(sport=40000, dport=9) / Raw(b"x" * (100 - 14 - 20 - 8))
sendp(f, iface=iface, count=count, verbose=False)
PYEOF
}
send $U1 u-cu "$mac_r" 5 175.45.176.10 4
send $U1 u-cu "$mac_r" 3 175.45.178.9 4
send $U1 u-cu "$mac_r" 4 2001:db8:100::5 6
send $U1 u-cu "$mac_r" 2 203.0.113.50 4
send $U1 u-cu "$mac_r" 1 - arp
send $U2 u-ttk "$mac_r2" 6 175.45.178.1 4
# Through the router's stack and back: every packet must have passed.
in_ns $R ping -c 3 -i 0.2 -W 2 -q 198.51.100.2 >/dev/null || fail "ping through the XDP link failed: traffic was not passed"

# key: upstream dir family origin transit -> "packets bytes"
want=(
	"cu in ipv4 131279 4837|5 500"
	"cu in ipv4 131279 20485|3 300"
	"cu in ipv6 64501 20485|4 480"
	"cu in ipv4 0 0|2 200"
	"cu in ipv4 64500 4837|3 294"
	"cu out ipv4 64500 4837|3 294"
	"ttk in ipv4 131279 20485|6 600"
)
stats_line() { # the stats --json row for a key, as "packets bytes"
	asc stats --json | jq -r --arg u "$1" --arg d "$2" --arg f "$3" --argjson o "$4" --argjson t "$5" \
		'[.counters[] | select(.upstream == $u and .direction == $d and .family == $f and .origin_as == $o and .transit_as == $t)] | if length == 0 then "0 0" else "\(.[0].packets) \(.[0].bytes)" end'
}
# Wait (bounded) for the last frames to be counted.
last_counted() { [ "$(stats_line ttk in ipv4 131279 20485)" = "6 600" ] && [ "$(stats_line cu out ipv4 64500 4837)" = "3 294" ]; }
wait_for 5 last_counted || true # the exact checks below say what is missing
for w in "${want[@]}"; do
	got=$(stats_line ${w%|*})
	[ "$got" = "${w#*|}" ] || fail "asclass stats: ${w%|*}: got '$got', want '${w#*|}'"
done
rows=$(asc stats --json | jq '.counters | length')
[ "$rows" -eq ${#want[@]} ] || fail "asclass stats: $rows counter rows, want ${#want[@]}: $(asc stats)"
# Counter slots: one per (upstream, family, origin, transit, path) the
# tables hand out: 2 upstreams x (4 routes + a no-route slot per family).
slots=12
asc status | grep -Eq "^counters: $slots of 4096 slots \(0%\)" || fail "status does not show the counter map's fill: $(asc status)"
asc status --json | jq_ok ".counters.slots == $slots and .counters.capacity == 4096" \
	|| fail "status --json: counter map fill: $(asc status --json | jq -c .counters)"
not_ip=$(asc stats --json | jq '.packets.not_ip')
[ "$not_ip" -eq 2 ] || fail "not_ip: got $not_ip, want 2 (the ARP request in, the router's reply out)"

# The same numbers straight from the pinned map, the rows of a slot (one
# per CPU) summed by identity: each row names its upstream, family,
# origin, transit and path (BTF), next to its rx and tx counts (the
# README's recipe).
for w in "${want[@]}"; do
	read -r up dir fam origin transit <<<"${w%|*}"
	d=$([ "$dir" = in ] && echo rx || echo tx)
	f=$([ "$fam" = ipv4 ] && echo 4 || echo 6)
	got=$(bpftool map dump -j pinned "$PIN/asc_counts" | jq -r --arg up "$up" \
		--arg d "$d" --argjson f "$f" --argjson o "$origin" --argjson t "$transit" '
		[.[].formatted.value | select(.upstream == $up and .family == $f and
			.origin_asn == $o and .transit_asn == $t)]
		| "\([.[][$d].packets] | add // 0) \([.[][$d].bytes] | add // 0)"')
	[ "$got" = "${w#*|}" ] || fail "bpftool asc_counts: ${w%|*}: got '$got', want '${w#*|}'"
done

# The README's recipe, and one element as bpftool shows it: every field by
# name, identity and counts together.  Every route has a slot per upstream,
# whether it saw traffic (ttk's 131279/4837) or not.
bpftool map dump -j pinned "$PIN/asc_counts" | jq -c '
  [.[].formatted.value | select(.origin_asn == 131279)]
  | group_by([.upstream, .family, .transit_asn, .path])
  | map({up: .[0].upstream, family: .[0].family, transit: .[0].transit_asn,
         path: .[0].path, rx_packets: (map(.rx.packets) | add),
         tx_packets: (map(.tx.packets) | add)})' >"$work/out"
echo "README recipe: $(cat "$work/out")"
[ "$(cat "$work/out")" = '[{"up":"cu","family":4,"transit":4837,"path":2,"rx_packets":5,"tx_packets":0},{"up":"cu","family":4,"transit":20485,"path":2,"rx_packets":3,"tx_packets":0},{"up":"ttk","family":4,"transit":4837,"path":2,"rx_packets":0,"tx_packets":0},{"up":"ttk","family":4,"transit":20485,"path":2,"rx_packets":6,"tx_packets":0}]' ] \
	|| fail "the README's bpftool recipe"
elem=$(bpftool map dump -j pinned "$PIN/asc_counts" | jq -c '[.[] | select(.formatted.value | .upstream == "ttk" and .origin_asn == 131279 and .transit_asn == 20485)][0].formatted')
echo "bpftool asc_counts element: $elem"
echo "$elem" | jq_ok '.value | (.upstream == "ttk" and .family == 4 and .origin_asn == 131279 and
	.transit_asn == 20485 and .path == 2 and (.rx | has("packets") and has("bytes")) and
	(.tx | has("packets") and has("bytes")))' || fail "a bpftool asc_counts element does not name every field: $elem"

# And as Prometheus sees them: a valid exposition with the same numbers.
if command -v promtool >/dev/null; then
	asc metrics --watch 131279 >"$work/metrics.prom"
	promtool check metrics <"$work/metrics.prom" || fail "promtool check metrics failed on asclass metrics"
	grep -qx 'asclass_bytes_total{upstream="ttk",direction="in",family="ipv4",origin_as="131279",transit_as="20485"} 600' "$work/metrics.prom" \
		|| fail "asclass metrics: ttk in ipv4 131279/20485 bytes not 600"
	grep -qx 'asclass_unclassified_packets_total{reason="not_ip"} 2' "$work/metrics.prom" || fail "asclass metrics: not_ip not 2"
	grep -qx 'asclass_fast_table_entries{array="routes"} 4' "$work/metrics.prom" || fail "asclass metrics: fast-table routes not 4"
	grep -qx "asclass_count_map_entries ${#want[@]}" "$work/metrics.prom" || fail "asclass metrics: counter map entries not ${#want[@]}"
	grep -qx 'asclass_count_map_capacity 4096' "$work/metrics.prom" || fail "asclass metrics: counter map capacity not 4096"
	rm -f "$work/metrics.prom"
else
	fail "promtool missing (make deps installs prometheus)"
fi

# A full counter map: 3000 more prefixes, each its own origin, need 6000
# more slots in asc_counts (4096, all referenced by the tables, so none can
# be folded): the load says how many found none and names the setting; cu's
# column (handed out first) has all of its slots, ttk's runs out, and a
# frame over ttk from the last prefix counts in ttk's overflow bucket.
awk 'BEGIN { for (i = 0; i < 3000; i++)
	printf "198.%d.%d.%d/28 %d 4837 4837\n", 18 + int(i / 4096), int(i / 16) % 256, (i % 16) * 16, 4200000 + i }' \
	>"$work/routes.batch"
{ echo "$routes"; cat "$work/routes.batch"; } | asc routes load - 2>"$work/out" || fail "routes load of 3004 prefixes"
grep -q "found no free slot.*raise the \`counters\` setting" "$work/out" || fail "the load did not say identities found no slot: $(cat "$work/out")"
asc status | grep -Eq "^counters: 4095 of 4096 slots \(99%\)" || fail "status does not show a full counter map: $(asc status)"
send $U2 u-ttk "$mac_r2" 1 198.18.187.113 4
overflowed() { [ "$(asc stats --json | jq '[.overflow[] | select(.upstream == "ttk" and .direction == "in") | .packets] | add // 0')" = 1 ]; }
wait_for 5 overflowed || fail "the frame without a slot did not reach ttk's overflow bucket: $(asc stats --json | jq -c .overflow)"
asc status | grep -Eq "^counters: 4095 of 4096 slots \(99%\), 1 packet found no slot" \
	|| fail "status does not say a packet found no slot: $(asc status)"
asc status --json | jq_ok '.counters.slots == 4095 and .packets.overflow == 1' \
	|| fail "status --json does not show the full map: $(asc status --json | jq -c '.counters, .packets')"

# Routing moves on while the map is full: 1000 of the prefixes change origin.
# A frame counted under an old pair first.  The first load of the new routing
# finds no free slot (the active tables still name every old pair); the
# second folds the old pairs' slots, idle now, into asc_retired and says so;
# the counted frame stays with its pair.
send $U1 u-cu "$mac_r" 1 198.18.0.1 4
wait_for 5 eval '[ "$(stats_line cu in ipv4 4200000 4837)" = "1 100" ]' \
	|| fail "the frame from 198.18.0.1 was not counted under (4200000, 4837): $(stats_line cu in ipv4 4200000 4837)"
awk 'BEGIN { for (i = 0; i < 1000; i++)
	printf "198.%d.%d.%d/28 %d 4837 4837\n", 18 + int(i / 4096), int(i / 16) % 256, (i % 16) * 16, 4300000 + i }' \
	>"$work/routes.batch"
for load in 1 2; do
	{ echo "$routes"; cat "$work/routes.batch"; } | asc routes load - 2>"$work/out" || fail "routes load $load of the new origins"
done
grep -q "asc_counts is full (4096 slots): [0-9]* idle counter slots were folded into asc_retired" "$work/out" \
	|| fail "the second load did not say it folded idle slots: $(cat "$work/out")"
grep -q "found no free slot" "$work/out" && fail "identities still without a slot after the fold: $(cat "$work/out")"
[ "$(stats_line cu in ipv4 4200000 4837)" = "1 100" ] \
	|| fail "the folded pair (4200000, 4837) lost its count: $(stats_line cu in ipv4 4200000 4837)"
send $U1 u-cu "$mac_r" 2 198.18.0.1 4
wait_for 5 eval '[ "$(stats_line cu in ipv4 4300000 4837)" = "2 200" ]' \
	|| fail "198.18.0.1 after the fold is not counted under (4300000, 4837): $(stats_line cu in ipv4 4300000 4837)"
[ "$(stats_line cu in ipv4 4200000 4837)" = "1 100" ] || fail "the folded pair's count moved"

# Detach: programs gone, counters kept.
asc detach r-cu
asc detach r-ttk
ip -n $R -d link show r-cu | grep -q "prog/xdp" && fail "XDP program still on r-cu"
in_ns $R tc filter show dev r-ttk egress | grep -q asclass && fail "tc filter still on r-ttk"
[ -e "$PIN/tcx_egress_$(ip -n $R -j link show r-cu | jq '.[0].ifindex')" ] && fail "tcx link pin left behind"
[ "$(stats_line cu in ipv4 131279 4837)" = "5 500" ] || fail "counters changed by detach"
echo "all ${#want[@]} counter rows exact via asclass stats, bpftool and asclass metrics (promtool-valid); detach clean"
