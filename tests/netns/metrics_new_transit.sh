#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/metrics_new_transit.sh - asclass run's /metrics shows a new
# transit of an origin that is not watched even when top_n is already full
# (top-N goes by traffic since the previous scrape), the scrape passes
# promtool, and each complete aggregate sums to the same link total as the
# shown pairs plus asclass_other_pairs_packets.
set -eu
. "$(dirname "$0")/../lib/netns.sh"
need_root
command -v promtool >/dev/null || { echo "FAIL: promtool missing (make deps)"; exit 1; }
ns_test_init
R=asc-$id-mr U=asc-$id-mu

ns_add $R $U
veth_ip $R r-cu 198.51.100.1/30 $U u-cu 198.51.100.2/30
for n in 1 2 3; do ip -n $U addr add 198.18.$n.2/24 dev u-cu; done
ip -n $R route add 198.18.0.0/15 via 198.51.100.2

# 65001 reaches us over 4837 and (later) over 174; 65002 over 4837.  Only
# 64500 is watched, so 65001 competes for the one top_n slot.
cat >"$work/routes.txt" <<'ROUTES'
198.51.100.0/24 64500 4837 4837
198.18.1.0/24 65001 4837 4837
198.18.2.0/24 65002 4837 4837
198.18.3.0/24 65001 174 174
ROUTES
cat >"$work/asclass.conf" <<EOF2
[link cu]
interface = r-cu
asn = 4837

[routes]
source = $work/routes.txt

[metrics]
listen = 127.0.0.1:9743
top_n = 1
watch = 64500

[daemon]
pin_dir = $PIN
EOF2

daemon_start "$work/asclass.conf" 9743
scrape() { in_r curl -sf http://127.0.0.1:9743/metrics >"$work/scrape"; }
metric() { awk -v k="$1" '$1 == k {print $2}' "$work/scrape"; }
# sum of the series of metric $1 whose labels hold $2
sum() { awk -v m="$1" -v s="$2" 'index($1, m "{") == 1 && index($1, s) {t += $2} END {print t + 0}' "$work/scrape"; }
ping_from() { in_ns $U ping -q -c "$2" -i 0.1 -W 1 -I "$1" 198.51.100.1 >/dev/null || fail "ping from $1"; }

# fill top_n: 65002 has the most traffic, then two scrapes with nothing new
ping_from 198.18.1.2 3
ping_from 198.18.2.2 6
scrape
scrape
sel='upstream="cu",direction="in",family="ipv4"'
[ "$(metric "asclass_packets_total{$sel,origin_as=\"65002\",transit_as=\"4837\"}")" = 6 ] || fail "65002 not the top pair"
[ -z "$(metric "asclass_packets_total{$sel,origin_as=\"65001\",transit_as=\"4837\"}")" ] || fail "top_n = 1 showed two pairs"

# the new transit: 65001 over 174, fewer packets than any pair so far
ping_from 198.18.3.2 2
scrape
promtool check metrics <"$work/scrape" || fail "promtool check metrics"
k="asclass_packets_total{$sel,origin_as=\"65001\",transit_as=\"174\"}"
[ "$(metric "$k")" = 2 ] || fail "new transit of an unwatched origin: $k = '$(metric "$k")', want 2"
[ "$(metric "asclass_transit_packets_total{$sel,transit_as=\"174\"}")" = 2 ] || fail "transit 174 aggregate"
total=$(sum asclass_origin_packets_total "$sel")
[ "$total" -ge 11 ] || fail "link total $total, want at least 11"
[ "$(sum asclass_transit_packets_total "$sel")" = "$total" ] || fail "per-transit sum != per-origin sum"
[ "$(($(sum asclass_packets_total "$sel") + $(sum asclass_other_pairs_packets "$sel")))" = "$total" ] \
	|| fail "shown pairs + other != link total"
grep -q "^asclass_upstream_info{upstream=\"cu\",asn=\"4837\",interface=\"r-cu\",vlan=\"any\"} 1$" "$work/scrape" \
	|| fail "asclass_upstream_info: $(grep upstream_info "$work/scrape")"
echo "metrics: a new transit of an unwatched origin shown with top_n full; aggregates complete; promtool-valid"
