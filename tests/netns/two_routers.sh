#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/two_routers.sh - one asclass per border router, aggregated by
# Prometheus (docs/METRICS.md, "Many routers").
#
# Two router namespaces, each with its own daemon, pin dir, upstream link
# and traffic, and a monitoring namespace reaching both, where one
# Prometheus (job asclass, two targets) scrapes them with
# dist/asclass-rules.yml loaded.  Once the traffic has stopped and been
# scraped: per instance and summed over both, PromQL's packet counts equal
# what each daemon's own `asclass stats --json` says, and the recording
# rules carry both instances.
set -eu
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/prom.sh"
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (BPF, network namespaces)"; exit 77; }
command -v prometheus >/dev/null || { echo "FAIL: prometheus missing (make deps)"; exit 1; }
ASCLASS=${ASCLASS:-$PWD/build/asclass}
id=$$
M=asc-$id-m
work=$(mktemp -d)
dpids=()
cleanup() {
	prom_stop
	for p in "${dpids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	ns_del_all
	rm -rf "/sys/fs/bpf/asc-test-$id-1" "/sys/fs/bpf/asc-test-$id-2" "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; tail -n 3 "$work"/daemon*.log; exit 1; }

ns_add $M
# router N: upstream link r-up (net $2), monitoring link r-mon (198.51.100.$3/30)
router() {
	local n=$1 up=$2 mon=$3 R=asc-$id-r$1 U=asc-$id-u$1
	ns_add $R $U
	veth $R r-up $U u-up
	veth $R r-mon $M m-r$n
	ip -n $R addr add "$up.1/30" dev r-up
	ip -n $U addr add "$up.2/30" dev u-up
	ip -n $U addr add "198.18.$n.2/24" dev u-up
	ip -n $R route add 198.18.0.0/15 via "$up.2"
	ip -n $R addr add "198.51.100.$mon/30" dev r-mon
	ip -n $M addr add "198.51.100.$((mon + 1))/30" dev m-r$n
	printf '198.18.1.0/24 65001 4837 4837\n198.18.2.0/24 65002 174 174\n' >"$work/routes$n.txt"
	cat >"$work/asclass$n.conf" <<EOC
[link up$n]
interface = r-up
asn = 4837
[routes]
source = $work/routes$n.txt
[metrics]
listen = 198.51.100.$mon:9743
[daemon]
pin_dir = /sys/fs/bpf/asc-test-$id-$n
mode = skb
EOC
	nsenter --net=/run/netns/$R "$ASCLASS" run --config "$work/asclass$n.conf" >"$work/daemon$n.log" 2>&1 &
	dpids+=($!)
}
router 1 198.51.100 9
router 2 203.0.113 13
for n in 1 2; do
	wait_for 20 grep -q "routing loaded" "$work/daemon$n.log" || fail "router $n: no routing load"
done
PROM_RULES=$PWD/dist/asclass-rules.yml
prom_start $M 9790 "$work/prom" 198.51.100.9:9743 198.51.100.13:9743 \
	|| fail "prometheus not ready: $(tail -5 "$work/prom/prometheus.log")"
prom_wait 20 'count(up{job="asclass"} == 1) == 2' || fail "Prometheus does not scrape both: $(prom_query up)"

# different traffic on each router, bounded, ~3 s
in_ns asc-$id-u1 ping -q -c 30 -i 0.1 -I 198.18.1.2 198.51.100.1 >/dev/null &
in_ns asc-$id-u2 ping -q -c 20 -i 0.15 -I 198.18.2.2 203.0.113.1 >/dev/null &
wait_bg() { local p; for p in $(jobs -p); do case " ${dpids[*]} $PROM_PID " in *" $p "*) ;; *) wait "$p" ;; esac; done; }
wait_bg

# Each daemon's own counts, then wait until Prometheus has them (a scrape
# after the traffic stopped).
own() { in_ns asc-$id-r$1 "$ASCLASS" --pin-dir "/sys/fs/bpf/asc-test-$id-$1" stats --json | jq '[.counters[].packets] | add'; }
p1=$(own 1) p2=$(own 2)
[ "$p1" -ge 60 ] && [ "$p2" -ge 40 ] || fail "own counts $p1 and $p2, want at least 60 and 40"
total=$((p1 + p2))
prom_wait 20 "sum(asclass_origin_packets_total) == $total" \
	|| fail "PromQL sum over both: $(prom_query 'sum(asclass_origin_packets_total)'), want $p1 + $p2 = $total"
v() { prom_query "$1" | jq -r '.[0].value[1]'; }
[ "$(v 'sum(asclass_origin_packets_total{instance="198.51.100.9:9743"})')" = "$p1" ] || fail "router 1 in PromQL != its stats ($p1)"
[ "$(v 'sum(asclass_origin_packets_total{instance="198.51.100.13:9743"})')" = "$p2" ] || fail "router 2 in PromQL != its stats ($p2)"
[ "$(v 'sum(asclass_transit_packets_total)')" = "$total" ] || fail "per-transit sum over both != $total"
# The recording rules keep the instance: both routers, their own upstreams.
prom_wait 20 'count(count by (instance) (instance_upstream_direction:asclass_bits:rate5m > 0)) == 2' \
	|| fail "recording rule lacks a router: $(prom_query 'instance_upstream_direction:asclass_bits:rate5m')"
[ "$(prom_count 'instance_upstream_direction_origin:asclass_bits:rate5m{instance="198.51.100.13:9743",upstream="up2",origin_as="65002"}')" = 2 ] \
	|| fail "router 2's origin 65002 in and out: $(prom_query 'instance_upstream_direction_origin:asclass_bits:rate5m')"
echo "two routers: PromQL sums $p1 + $p2 = $total packets exactly, per instance and over both; recording rules per router"
