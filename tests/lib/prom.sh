# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/lib/prom.sh - a real Prometheus for the tests that check what the
# dashboard and rules see.  Source it after netns.sh; it defines:
#   prom_start NS PORT DIR TARGET...  Prometheus (Debian's) in namespace NS
#                            on 127.0.0.1:PORT, its TSDB and config in DIR,
#                            scraping job "asclass" every second from TARGET
#                            (host:port) ...; waits until it is ready.
#                            Sets PROM_PID; stop it with prom_stop.  With
#                            PROM_RULES set, loads that rule file too.
#   prom_query EXPR          prints the instant query's result (JSON array)
#   prom_count EXPR          prints how many series the instant query returns
#   prom_wait SECONDS EXPR   waits until EXPR returns a series
#   prom_stop
PROM_PID= PROM_NS= PROM_PORT=

prom_start() {
	local ns=$1 port=$2 dir=$3 t targets=
	shift 3
	for t in "$@"; do targets="$targets\"$t\","; done
	mkdir -p "$dir/data"
	cat >"$dir/prometheus.yml" <<EOC
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [${PROM_RULES:+"$PROM_RULES"}]
scrape_configs:
  - job_name: asclass
    static_configs:
      - targets: [${targets%,}]
EOC
	PROM_NS=$ns PROM_PORT=$port
	# nsenter execs prometheus: PROM_PID is prometheus itself
	nsenter --net=/run/netns/"$ns" prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
		--storage.tsdb.retention.time=1h --web.listen-address=127.0.0.1:"$port" \
		>"$dir/prometheus.log" 2>&1 &
	PROM_PID=$!
	wait_for 30 in_ns "$ns" curl -sf "http://127.0.0.1:$port/-/ready"
}

prom_query() {
	in_ns "$PROM_NS" curl -sf "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode "query=$1" |
		jq -c '.data.result'
}

prom_count() {
	local r
	r=$(prom_query "$1") || { echo -1; return; }
	echo "$r" | jq length
}

prom_wait() {
	local t=$(($1 * 2))
	while [ "$(prom_count "$2")" -lt 1 ]; do
		t=$((t - 1))
		[ $t -gt 0 ] || return 1
		sleep 0.5
	done
}

prom_stop() {
	[ -n "$PROM_PID" ] && kill "$PROM_PID" 2>/dev/null
	[ -n "$PROM_PID" ] && wait "$PROM_PID" 2>/dev/null
	PROM_PID=
	return 0
}
