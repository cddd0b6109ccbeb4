#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/daemon.sh - asclass run end to end, in namespaces this test
# creates: config checking, attach on start, /metrics (promtool-valid, exact
# values), a real Prometheus server scraping it every second and a PromQL
# query, routing reloads by inotify and SIGHUP, a corrupt routing file (kept
# tables, error metric), a source caught empty, binary or cut mid-line while
# it is rewritten (kept tables, traffic classified by them) and allow_empty,
# hostile HTTP clients, a missing interface, kill -9 plus restart without any
# counter going backwards, and routes load refusing input without routes.
set -eu
. "$(dirname "$0")/../lib/netns.sh"
need_root
command -v prometheus >/dev/null || { echo "FAIL: prometheus missing (make deps)"; exit 1; }
ns_test_init
R=asc-$id-dr U1=asc-$id-dcu U2=asc-$id-dttk

ns_add $R $U1 $U2
veth_ip $R r-cu 198.51.100.1/30 $U1 u-cu 198.51.100.2/30
veth_ip $R r-ttk 203.0.113.1/30 $U2 u-ttk 203.0.113.2/30

# MRT first (the scenario: AS131279 moves from 4837 to 20485 at 09:08), then
# text routes, which override resolved ones for the same prefix.
mkdir -p "$work/mrt"
"${O:-build}/tests/gen/mrtgen" scenario "$work/mrt" >/dev/null || fail "mrtgen scenario"
cat >"$work/routes.txt" <<'ROUTES'
198.51.100.0/24 64500 4837 4837
203.0.113.0/24 64501 20485 20485
ROUTES
cat >"$work/asclass.conf" <<EOF2
# asclass test configuration
[link cu]
interface = r-cu
asn = 4837

[link ttk]
interface = r-ttk
asn = 20485

[link gone]
interface = asc-$id-nope

[routes]
source = $work/mrt/rib.*.mrt
source = $work/mrt/updates.*.mrt
source = $work/routes*.txt

[metrics]
listen = 127.0.0.1:9742
top_n = 10
watch = 64500 131279

[daemon]
pin_dir = $PIN
counters = 2048
EOF2

# --check-config: good, then a bad key named by file and line
"$ASCLASS" run --check-config --config "$work/asclass.conf" | grep -q "OK (3 links, 3 routing sources" || fail "check-config"
sed 's/^asn = 20485/asm = 20485/' "$work/asclass.conf" >"$work/bad.conf"
if "$ASCLASS" run --check-config --config "$work/bad.conf" 2>"$work/err"; then fail "a bad key was accepted"; fi
grep -q "bad.conf:8: \[link ttk\]: unknown key \"asm\"" "$work/err" || fail "bad key error: $(cat "$work/err")"

start_daemon() { daemon_start "$work/asclass.conf"; }
metric() { in_r curl -sf http://127.0.0.1:9742/metrics | awk -v k="$1" '$1 == k {print $2}'; }
start_daemon
grep -q "link gone (asc-$id-nope) not attached" "$work/daemon.log" || fail "missing interface not reported"
[ "$(metric 'asclass_program_attached{upstream="gone",mode="none",via="none"}')" = 0 ] || fail "missing link not 0 in metrics"

ip netns exec $U1 ping -q -c 5 -i 0.1 -W 1 198.51.100.1 >/dev/null || fail "ping over cu"
ip netns exec $U2 ping -q -c 3 -i 0.1 -W 1 203.0.113.1 >/dev/null || fail "ping over ttk"
in_r curl -sf http://127.0.0.1:9742/metrics >"$work/scrape"
promtool check metrics <"$work/scrape" || fail "promtool check metrics"
[ "$(metric asclass_count_map_capacity)" = 2048 ] || fail "counters = 2048 did not size asc_counts"
k='asclass_packets_total{upstream="cu",direction="in",family="ipv4",origin_as="64500",transit_as="4837"}'
[ "$(metric "$k")" = 5 ] || fail "$k: got $(metric "$k"), want 5"
k2='asclass_packets_total{upstream="ttk",direction="out",family="ipv4",origin_as="64501",transit_as="20485"}'
[ "$(metric "$k2")" = 3 ] || fail "$k2: got $(metric "$k2"), want 3"
# the watched origin's transits, from the MRT paths: all 5 prefixes behind 20485 now
[ "$(metric 'asclass_origin_transit_prefixes{origin_as="131279",transit_as="20485"}')" = 5 ] || fail "131279 behind 20485: want 5 prefixes"
[ "$(metric 'asclass_origin_transit_prefixes{origin_as="131279",transit_as="4837"}')" = 0 ] || fail "131279 behind 4837: want 0 prefixes"

# OpenMetrics when asked for: counter families without _total, and # EOF.
in_r curl -sf -H 'Accept: application/openmetrics-text; version=1.0.0' -D "$work/hdr" http://127.0.0.1:9742/metrics >"$work/om"
grep -qi '^content-type: application/openmetrics-text; version=1.0.0' "$work/hdr" || fail "OpenMetrics content type"
grep -qx '# TYPE asclass_packets counter' "$work/om" || fail "OpenMetrics TYPE line"
grep -q '^asclass_packets_total{' "$work/om" || fail "OpenMetrics samples"
[ "$(tail -1 "$work/om")" = "# EOF" ] || fail "OpenMetrics # EOF"

# A real Prometheus, scraping every second, inside the router namespace.
cat >"$work/prom.yml" <<'EOF2'
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: asclass
    static_configs: [{targets: ['127.0.0.1:9742']}]
EOF2
nsenter --net=/run/netns/$R prometheus --config.file="$work/prom.yml" --storage.tsdb.path="$work/prom/tsdb" \
	--web.listen-address=127.0.0.1:19090 >"$work/prom.log" 2>&1 &
q() { in_r curl -s --get http://127.0.0.1:19090/api/v1/query --data-urlencode "query=$1"; }
has_series() { q "$1" | jq '.data.result | length > 0' | grep -qx true; }
wait_for 30 has_series 'asclass_packets_total{upstream="cu",origin_as="64500",direction="in"}' || fail "Prometheus has no asclass series"
v=$(q 'sum by (upstream) (asclass_packets_total{origin_as="64500",direction="in"})' | tee "$work/q.json" | jq -r '.data.result[0].value[1]')
[ "$v" = 5 ] || fail "PromQL sum for AS64500 in over cu: got $v, want 5: $(cat "$work/q.json")"
# traffic keeps flowing: the rate over cu becomes positive
ip netns exec $U1 ping -q -c 20 -i 0.2 -W 1 198.51.100.1 >/dev/null &
pingpid=$!
rate_up() { q 'rate(asclass_packets_total{upstream="cu",origin_as="64500",direction="in"}[5s])' | jq '.data.result[0].value[1] | tonumber > 0' | grep -qx true; }
wait_for 20 rate_up || fail "PromQL rate() never rose"
wait $pingpid || true

# Reload under traffic: 20 swaps between two versions of the table while a
# ping flood runs.  Every echo request is counted under one of the two
# origins (never under origin 0: no packet saw a half-built or empty table),
# and the counters only grow.
printf '198.51.100.0/24 64500 4837 4837\n203.0.113.0/24 64501 20485 20485\n' >"$work/alt-a"
printf '198.51.100.0/24 64510 4837 4837\n203.0.113.0/24 64501 20485 20485\n' >"$work/alt-b"
sum_cu_in() { # packets in over cu per origin: "64500 64510 0"
	in_r curl -sf http://127.0.0.1:9742/metrics | awk '
		/^asclass_packets_total\{upstream="cu",direction="in"/ {
			match($0, /origin_as="[0-9]+"/); o = substr($0, RSTART + 11, RLENGTH - 12); s[o] += $2 }
		END { printf "%d %d %d\n", s["64500"], s["64510"], s["0"] }'
}
read -r a0 b0 z0 <<<"$(sum_cu_in)"
ip netns exec $U1 ping -q -c 200 -i 0.01 -W 1 198.51.100.1 >"$work/ping.out" &
pingpid=$!
last=0
for i in $(seq 20); do
	cp "$work/alt-$([ $((i % 2)) = 0 ] && echo a || echo b)" "$work/routes.txt.new"
	mv "$work/routes.txt.new" "$work/routes.txt"   # inotify IN_MOVED_TO: one reload
	now=$(sum_cu_in | awk '{print $1 + $2 + $3}')
	[ "$now" -ge "$last" ] || fail "counters went backwards during reloads: $last -> $now"
	last=$now
	sleep 0.1
done
wait $pingpid || true
sleep 0.5
read -r a1 b1 z1 <<<"$(sum_cu_in)"
sent=$(awk '/packets transmitted/ {print $1}' "$work/ping.out")
[ "$z1" = "$z0" ] || fail "packets under origin 0 during reloads: $z0 -> $z1"
[ $(( (a1 - a0) + (b1 - b0) )) -eq "$sent" ] || fail "reloads: $sent echo requests, $(( (a1 - a0) + (b1 - b0) )) counted under the two origins"
[ $((b1 - b0)) -gt 0 ] || fail "the second table never served a packet"
cp "$work/alt-a" "$work/routes.txt"
wait_for 10 sh -c "nsenter --net=/run/netns/$R $ASCLASS --pin-dir $PIN lookup 198.51.100.2 | grep -q AS64500" || fail "last reload"

# Reload by inotify: a new file matching the glob changes the origin.
printf '198.51.100.0/24 64999 4837 4837\n' >"$work/routes2.txt"
wait_for 10 sh -c "nsenter --net=/run/netns/$R $ASCLASS --pin-dir $PIN lookup 198.51.100.2 | grep -q AS64999" || fail "inotify reload"
# A corrupt routing file: reload fails, tables and counters stay.
before=$(metric "$k")
printf 'this is not a route\n' >"$work/routes3.txt"
wait_for 10 sh -c "curl -sf http://127.0.0.1:9742/metrics >/dev/null; nsenter --net=/run/netns/$R curl -sf http://127.0.0.1:9742/metrics | grep -qx 'asclass_rib_load_errors_total 1'" \
	|| fail "corrupt file did not count a load error"
grep -q "routes3.txt:1: " "$work/daemon.log" || fail "the error does not name file and line"
in_r "$ASCLASS" --pin-dir $PIN lookup 198.51.100.2 | grep -q AS64999 || fail "a failed reload changed the tables"
[ "$(metric "$k")" = "$before" ] || fail "a failed reload changed counters"
rm -f "$work/routes3.txt"

# A source rewritten in place is empty, binary or cut mid-line for a moment.
# Each reload that catches it fails and names the file; the tables stay, and
# the data plane keeps classifying with them (never under origin 0).
cu_origin() { # packets in over cu under one origin AS
	in_r curl -sf http://127.0.0.1:9742/metrics | awk -v o="origin_as=\"$1\"" '
		/^asclass_packets_total\{upstream="cu",direction="in"/ && index($0, o) {s += $2}
		END {print s + 0}'
}
errors_above() { [ "$(metric asclass_rib_load_errors_total)" -gt "$1" ]; }
source_caught() { # ERRORS_BEFORE WANT WHAT: routes2.txt was just rewritten to something bad
	local e0=$1 want=$2 what=$3 p0 z0
	wait_for 10 errors_above "$e0" || fail "$what: no failed reload counted"
	grep -qF "$want" "$work/daemon.log" || fail "$what: no error '$want' in the log"
	in_r "$ASCLASS" --pin-dir $PIN lookup 198.51.100.2 | grep -q AS64999 || fail "$what: the tables changed"
	p0=$(cu_origin 64999) z0=$(cu_origin 0)
	ip netns exec $U1 ping -q -c 3 -i 0.1 -W 1 198.51.100.1 >/dev/null || fail "$what: ping over cu"
	[ $(($(cu_origin 64999) - p0)) = 3 ] || fail "$what: 3 echo requests, $(($(cu_origin 64999) - p0)) under AS64999"
	[ "$(cu_origin 0)" = "$z0" ] || fail "$what: packets under origin 0"
}
e=$(metric asclass_rib_load_errors_total)
: >"$work/routes2.txt"
source_caught "$e" "routes2.txt: no routes" "an emptied source"
e=$(metric asclass_rib_load_errors_total)
head -c 4096 /dev/zero >"$work/routes2.txt"
source_caught "$e" "routes2.txt: unrecognised format" "a source of zeros"
e=$(metric asclass_rib_load_errors_total)
printf '198.51.100.0/24 649' >"$work/routes2.txt"   # 64999 cut mid-write: origin 649 if read
source_caught "$e" "routes2.txt:1: no newline at the end of the last line" "a source cut mid-line"
n0=$(grep -c 'routing loaded' "$work/daemon.log")
printf '198.51.100.0/24 64999 4837 4837\n' >"$work/routes2.txt.new"
mv "$work/routes2.txt.new" "$work/routes2.txt"
wait_for 10 sh -c "[ \$(grep -c 'routing loaded' $work/daemon.log) -gt $n0 ]" || fail "the restored source did not load"
n0=$(grep -c 'SIGHUP: reloading' "$work/daemon.log" || true)
kill -HUP "$dpid"
wait_for 10 sh -c "grep -c 'SIGHUP: reloading' $work/daemon.log | grep -qx $((n0 + 1))" || fail "SIGHUP reload"

# Hostile HTTP: methods, paths, a huge header, many connections.
[ "$(in_r curl -s -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:9742/metrics)" = 405 ] || fail "POST not 405"
[ "$(in_r curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:9742/nope)" = 404 ] || fail "/nope not 404"
big=$(head -c 100000 /dev/zero | tr '\0' a)
code=$(in_r curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $big" http://127.0.0.1:9742/metrics || true)
[ "$code" != 200 ] || fail "a 100 kB header was served"
pids=
for i in $(seq 100); do in_r curl -s -m 3 -o /dev/null http://127.0.0.1:9742/metrics & pids="$pids $!"; done
wait $pids || true
# a slow client that never finishes its request is cut by the timeout
in_r bash -c 'exec 3<>/dev/tcp/127.0.0.1/9742; printf "GET /metrics HTTP/1.1\r\n" >&3; sleep 1' &
slowpid=$!
in_r curl -sf -m 5 -o /dev/null http://127.0.0.1:9742/metrics || fail "daemon stopped serving after hostile clients"
wait $slowpid || true

# kill -9 under traffic, restart: nothing goes backwards, the data plane counted meanwhile.
cu_in() { # every packet received over cu, whatever its class
	in_r curl -sf http://127.0.0.1:9742/metrics | awk '/^asclass_packets_total\{upstream="cu",direction="in"/ {s += $2} END {print s + 0}'
}
before=$(cu_in)
daemon_stop KILL
ip netns exec $U1 ping -q -c 4 -i 0.1 -W 1 198.51.100.1 >/dev/null || fail "traffic stopped with the daemon dead"
start_daemon
after=$(cu_in)
[ "$after" -ge $((before + 4)) ] || fail "after kill -9 and restart: packets in over cu went from $before to $after (want +4 at least)"
daemon_stop
in_r ip -d link show r-cu | grep -q prog/xdp || fail "programs were removed on exit"

# The operator's explicit way to let input without routes through:
# allow_empty = yes.  The emptied override file is then loaded (as no routes),
# and the MRT and routes.txt routes show through.
sed -i 's/^\[routes\]$/[routes]\nallow_empty = yes/' "$work/asclass.conf"
start_daemon
n0=$(grep -c 'routing loaded' "$work/daemon.log")
: >"$work/routes2.txt"
wait_for 10 sh -c "[ \$(grep -c 'routing loaded' $work/daemon.log) -gt $n0 ]" || fail "allow_empty: the emptied source was refused"
in_r "$ASCLASS" --pin-dir $PIN lookup 198.51.100.2 | grep -q AS64500 || fail "allow_empty: routes2.txt's empty table did not apply"
daemon_stop

# asclass routes load: input without routes, binary or cut is bad input
# (exit 3) and the active tables stay; --allow-empty loads an empty table.
printf '198.51.100.0/24 64777 4837\n' >"$work/one.txt"
in_r "$ASCLASS" --pin-dir $PIN routes load "$work/one.txt" 2>/dev/null || fail "routes load one.txt"
: >"$work/empty.txt"
printf '# nothing\n\n' >"$work/comments.txt"
head -c 1000 /dev/zero >"$work/zeros"
printf '198.51.100.0/24 64999 48' >"$work/cut.txt"
for f in empty.txt comments.txt zeros cut.txt; do
	rc=0
	in_r "$ASCLASS" --pin-dir $PIN routes load "$work/$f" 2>"$work/err" || rc=$?
	[ "$rc" = 3 ] || fail "routes load $f: exit $rc, want 3 ($(cat "$work/err"))"
	grep -q "$f" "$work/err" || fail "routes load $f: the error does not name the file: $(cat "$work/err")"
	in_r "$ASCLASS" --pin-dir $PIN lookup 198.51.100.2 | grep -q AS64777 || fail "routes load $f changed the tables"
	in_r "$ASCLASS" --pin-dir $PIN status | grep -q ' 1 IPv4 + 0 IPv6 prefixes' || fail "routes load $f: status changed"
done
in_r "$ASCLASS" --pin-dir $PIN routes load --allow-empty "$work/empty.txt" 2>/dev/null || fail "routes load --allow-empty"
in_r "$ASCLASS" --pin-dir $PIN lookup 198.51.100.2 | grep -q 'no route' || fail "--allow-empty did not empty the tables"
in_r "$ASCLASS" --pin-dir $PIN status | grep -q ' 0 IPv4 + 0 IPv6 prefixes' || fail "--allow-empty: status"
echo "daemon: config, attach, metrics, Prometheus, reloads, sources caught mid-rewrite, allow_empty, hostile clients, kill -9, routes load of empty input all as expected"
