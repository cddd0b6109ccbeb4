#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/dashboard.sh - every panel of dist/asclass-dashboard.json
# shows data from a real Prometheus that scraped a real daemon.
#
# asclass run in a router namespace counts pings of a watched origin over
# two transits and a burst of UDP from 1100 origins, more keys than the
# counter map holds (so the overflow panel has data); Debian's prometheus, in
# the same namespace, scrapes it every second.  Each target's PromQL, with
# the template variables replaced by real values, must return a series, and
# so must each template variable's query.  Control: the same check over a
# copy of the dashboard with one metric name misspelt must fail.
set -eu
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/prom.sh"
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (BPF, network namespaces)"; exit 77; }
command -v prometheus >/dev/null || { echo "FAIL: prometheus missing (make deps)"; exit 1; }
PY=/usr/bin/python3
$PY -c 'import scapy' 2>/dev/null || { echo "SKIP: /usr/bin/python3 has no scapy (apt install python3-scapy)"; exit 77; }
ASCLASS=${ASCLASS:-$PWD/build/asclass}
DASH=${DASH:-$PWD/dist/asclass-dashboard.json}
id=$$
R=asc-$id-dr U=asc-$id-du
PIN=/sys/fs/bpf/asc-test-$id
work=$(mktemp -d)
dpid=
cleanup() {
	prom_stop
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null
	wait 2>/dev/null
	ns_del_all
	rm -rf "$PIN" "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$work/daemon.log" ] && tail -5 "$work/daemon.log"; exit 1; }

ns_add $R $U
veth $R r-cu $U u-cu
ip -n $R addr add 198.51.100.1/30 dev r-cu
ip -n $U addr add 198.51.100.2/30 dev u-cu
for n in 1 3; do ip -n $U addr add 198.18.$n.2/24 dev u-cu; done
ip -n $R route add 198.18.0.0/15 via 198.51.100.2

# 65001 over 4837 and over 174 (the scenario's view); 1100 single-address
# origins 80000.. behind 4837 to overflow a counter map of 1024 keys.
{
	echo "198.18.1.0/24 65001 4837 4837"
	echo "198.18.3.0/24 65001 174 174"
	for i in $(seq 0 1099); do echo "198.19.$((i / 256)).$((i % 256))/32 $((80000 + i)) 4837 4837"; done
} >"$work/routes.txt"
cat >"$work/asclass.conf" <<EOC
[link cu]
interface = r-cu
asn = 4837
[routes]
source = $work/routes.txt
lookup = fast
[metrics]
listen = 127.0.0.1:9743
watch = 65001
[daemon]
pin_dir = $PIN
mode = skb
counters = 1024
EOC
nsenter --net=/run/netns/$R "$ASCLASS" run --config "$work/asclass.conf" >"$work/daemon.log" 2>&1 &
dpid=$!
wait_for 20 grep -q "routing loaded" "$work/daemon.log" || fail "no routing load"
prom_start $R 9790 "$work/prom" 127.0.0.1:9743 || fail "prometheus not ready: $(tail -5 "$work/prom/prometheus.log")"

# traffic: pings over both transits for 15 s (many scrapes), the UDP bursts
in_ns $U ping -q -c 150 -i 0.1 -I 198.18.1.2 198.51.100.1 >/dev/null 2>&1 &
in_ns $U ping -q -c 75 -i 0.2 -I 198.18.3.2 198.51.100.1 >/dev/null 2>&1 &
mac_r=$(ip -n $R -j link show r-cu | jq -r '.[0].address')
# twice: the overflow series exists in Prometheus, then grows (rate() > 0).
# The origins that found no slot are the table's last (slots are handed
# out in table order), so every frame must arrive, the last ones too.
burst() {
	in_ns $U $PY -c "
import time
from scapy.all import Ether, IP, UDP, sendp
burst = [Ether(dst='$mac_r')/IP(src='198.19.%d.%d' % (i // 256, i % 256), dst='198.51.100.1')/UDP(dport=9)
         for i in range(1100)]
for k in range(0, len(burst), 100):  # in chunks: generic XDP's backlog holds 1000 frames
    sendp(burst[k:k + 100], iface='u-cu', verbose=False)
    time.sleep(0.02)"
}
burst
prom_wait 30 'asclass_overflow_bytes_total > 0' || fail "Prometheus has no overflow: $(prom_query asclass_overflow_bytes_total)"
sleep 2
burst
prom_wait 30 'rate(asclass_overflow_bytes_total[1m]) > 0' || fail "Prometheus has no overflow rate: $(prom_query asclass_overflow_bytes_total)"
prom_wait 30 'rate(asclass_bytes_total{origin_as="65001",transit_as="174"}[1m]) > 0' || fail "no rate of 65001 via 174"

# Values for the template variables, as their own queries give them.
values() { in_ns $R curl -sfG "http://127.0.0.1:9790/api/v1/label/$1/values" --data-urlencode "match[]=$2" | jq -r '.data[]'; }
instances=$(values instance asclass_build_info)
upstreams=$(values upstream asclass_upstream_info)
origins=$(values origin_as 'asclass_origin_bytes_total{upstream="cu"}')
[ "$instances" = 127.0.0.1:9743 ] || fail "instance variable: '$instances'"
[ "$upstreams" = cu ] || fail "upstream variable: '$upstreams'"
echo "$origins" | grep -qx 65001 || fail "origin variable lacks 65001"
jq -r '.templating.list[] | select(.type == "query") | .name + " " + .query.query' "$DASH" >"$work/vars"
[ "$(wc -l <"$work/vars")" = 3 ] || fail "want the variables instance, upstream, origin: $(cat "$work/vars")"

# check_panels FILE: every target of FILE returns a series; prints the
# empty ones and fails if there is any.
check_panels() {
	local expr q n bad=0 total=0
	while IFS= read -r expr; do
		total=$((total + 1))
		q=${expr//'$__rate_interval'/1m}
		q=${q//'$instance'/.*}
		q=${q//'$upstream'/cu}
		q=${q//'$origin'/65001}
		case $q in *'$'*) echo "unknown variable in: $expr"; bad=$((bad + 1)); continue ;; esac
		n=$(prom_count "$q")
		[ "$n" -ge 1 ] || { echo "empty ($n): $q"; bad=$((bad + 1)); }
	done < <(jq -r '.panels[] | select(.targets) | .targets[].expr' "$1")
	echo "$total targets, $bad empty"
	[ "$total" -ge 10 ] && [ $bad -eq 0 ]
}
check_panels "$DASH" >"$work/check" || fail "dashboard: $(cat "$work/check")"
for p in $(jq -r '.panels[] | select(.type != "row") | .id' "$DASH"); do
	[ "$(jq --argjson p "$p" '[.panels[] | select(.id == $p) | .targets[]] | length' "$DASH")" -ge 1 ] || fail "panel $p has no target"
	[ "$(jq -r --argjson p "$p" '.panels[] | select(.id == $p) | .datasource.uid' "$DASH")" = '${DS_PROMETHEUS}' ] || fail "panel $p datasource"
done

# Control: a misspelt metric name must be caught.
jq '(.panels[] | select(.targets) | .targets[] | select(.expr | test("asclass_transit_bytes_total")) | .expr) |= sub("asclass_transit_bytes_total"; "asclass_transit_bytez_total")' \
	"$DASH" >"$work/broken.json"
cmp -s "$DASH" "$work/broken.json" && fail "control: nothing misspelt"
check_panels "$work/broken.json" >"$work/control" && fail "control: a misspelt metric passed: $(cat "$work/control")"
grep -q "asclass_transit_bytez_total" "$work/control" || fail "control failed for another reason: $(cat "$work/control")"
echo "dashboard: $(tail -1 "$work/check") against a real Prometheus; the variables resolve; a misspelt metric is caught"
