#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/bench/realpath.sh - make bench-realpath: the classifier the way a
# router runs it.  tcpreplay sends generated traffic over a veth pair into
# the XDP program attached in native mode; the cost per packet is the
# kernel's own run statistics of that program (kernel.bpf_stats_enabled,
# run_time_ns / run_cnt).  On the same link, in turn within each round, runs
# the bare program (tests/bpf/realpath_bare.bpf.c: the same entry point with
# the lookup compiled out), and the ratio of the two is the figure to read.
#
# Tables: the real RouteViews-derived tables in ../shared/data/tables (if
# there), a synthetic full-size one (tests/bench/realpath.c table), and a
# one-route table (0.0.0.0/0 and ::/0) for the fixed part.  Traffic per
# table and family: uniform over the routed prefixes and Zipf-skewed (s = 1).
# Four upstreams are attached (cu, the measured link, and three more on
# other veths), as on a border router.
#
# Everything lives in namespaces, a pin directory and a temp directory this
# script makes and removes; kernel.bpf_stats_enabled gets its old value back.
# Sends only between its own namespaces, bounded in count and time.
# Variables: REALPATH_PACKETS (frames per run, default 50000),
# REALPATH_ROUNDS (default 3), REALPATH_TABLES (folder of the real tables),
# REALPATH_N4 / REALPATH_N6 (synthetic table size), REALPATH_COUNTERS
# (attach --counters), REALPATH_MAX_SECONDS (give up after, default 600).
set -eu
cd "$(dirname "$0")/../.."
. tests/lib/netns.sh
O=${O:-build}
ASCLASS=${ASCLASS:-$O/asclass}
TOOL=$O/tests/bench/realpath
LOOKUP=$O/tests/bench/bench_lookup
PACKETS=${REALPATH_PACKETS:-50000}
ROUNDS=${REALPATH_ROUNDS:-3}
TABLES=${REALPATH_TABLES:-../shared/data/tables}
N4=${REALPATH_N4:-1040000}
N6=${REALPATH_N6:-223000}
COUNTERS=${REALPATH_COUNTERS:-524288}
MAX_SECONDS=${REALPATH_MAX_SECONDS:-600}

bench_need_root bench-realpath
command -v tcpreplay >/dev/null || { echo "bench-realpath: no tcpreplay (make deps)" >&2; exit 1; }

id=$$
R=asc-$id-rtr U=asc-$id-cu X=asc-$id-other
PIN=/sys/fs/bpf/asc-realpath-$id
PROGS=/sys/fs/bpf/asc-realpath-$id-progs
tmp=$(mktemp -d /tmp/asc-realpath.XXXXXX)
stats_was=$(sysctl -n kernel.bpf_stats_enabled)
cleanup() {
	sysctl -qw kernel.bpf_stats_enabled="$stats_was"
	ns_del_all
	rm -rf "$PIN" "$PROGS" "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "bench-realpath: $*" >&2; exit 1; }
asc() { in_ns $R "$ASCLASS" --pin-dir "$PIN" "$@"; }
# Runs CMD quietly; on failure, fails with WHAT and what CMD printed.
quiet() {
	local what=$1 out
	shift
	out=$("$@" 2>&1) || fail "$what: $out"
}
deadline() { [ $SECONDS -le "$MAX_SECONDS" ] || fail "stopped after $SECONDS s (REALPATH_MAX_SECONDS=$MAX_SECONDS)"; }
# median of the numbers on stdin
median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

# ---- the yardstick: one dependent read at a random place ----------------
# (tests/bpf/bench_chase.bpf.c, run by bench_lookup; the largest working set
# is a read from memory, the cold read the lookup pays per level)
memline=$("$LOOKUP" --quick --memory 2>/dev/null | grep '^memory:') || fail "bench_lookup --quick --memory failed"
cold=$(echo "$memline" | sed -n 's/.* 128 MiB \([0-9.]*\) ns.*/\1/p')
[ -n "$cold" ] || fail "no 128 MiB figure in: $memline"

# ---- the router: 4 upstream links, cu measured --------------------------
ns_add $R $U $X
veth $R r-cu $U u-cu
veth $R r-ttk $X x-ttk
veth $R r-rt $X x-rt
veth $R r-he $X x-he
mkdir -p "$PROGS"
# Single programs, not libxdp's dispatcher: the kernel's statistics are
# then those of the classifier itself, and the bare program replaces it
# like for like.
export LIBXDP_SKIP_DISPATCHER=1
quiet "attach cu" asc attach r-cu --upstream cu --asn 4837 --mode native --counters "$COUNTERS"
quiet "attach ttk" asc attach r-ttk --upstream ttk --asn 20485 --mode native
quiet "attach rt" asc attach r-rt --upstream rt --asn 12389 --mode native
quiet "attach he" asc attach r-he --upstream he --asn 6939 --mode native
xdp_on() { ip -n $R -j link show r-cu | jq -r '.[0].xdp | "\(.mode) \(.prog.id)"'; }
read -r mode asc_id <<<"$(xdp_on)"
[ "$mode" = 1 ] || fail "asclass is not attached to r-cu in native mode (XDP mode $mode)"
bpftool prog pin id "$asc_id" "$PROGS/asclass"
quiet "load the bare program" "$TOOL" load "$PIN" "$PROGS/bare"
bare_id=$(bpftool -j prog show pinned "$PROGS/bare" | jq .id)

# Puts program NAME (asclass or bare) on r-cu in native mode.
use() {
	local want=$asc_id
	[ "$1" = bare ] && want=$bare_id
	in_ns $R bpftool net attach xdpdrv pinned "$PROGS/$1" dev r-cu overwrite
	[ "$(xdp_on)" = "1 $want" ] || fail "r-cu runs $(xdp_on) (mode, id), not $1 (1 $want)"
}
prog_stats() { bpftool -j prog show id "$1" | jq -r '"\(.run_time_ns // 0) \(.run_cnt // 0)"'; }
# Replays PCAP through r-cu with program NAME attached; prints ns per packet.
# Every frame must have run the program, once: else it did not take the
# native path (or someone turned kernel.bpf_stats_enabled off meanwhile).
replay() {
	local id=$asc_id t0 c0 t1 c1
	[ "$1" = bare ] && id=$bare_id
	use "$1"
	read -r t0 c0 <<<"$(prog_stats "$id")"
	in_ns $U timeout 120 tcpreplay -q -t -K -i u-cu "$2" >/dev/null 2>&1 || fail "tcpreplay $2 failed"
	read -r t1 c1 <<<"$(prog_stats "$id")"
	[ $((c1 - c0)) -eq "$PACKETS" ] ||
		fail "$1 ran $((c1 - c0)) times for $PACKETS frames of $2: not the native XDP path, or bpf stats went off"
	awk -v t=$((t1 - t0)) -v c=$((c1 - c0)) 'BEGIN {printf "%.1f\n", t / c}'
	deadline
}
reason() { asc status --json | jq ".packets.$1"; }

printf 'asclass real-path benchmark: kernel %s, %s CPUs, %s frames per run, %s rounds\n' \
	"$(uname -r)" "$(nproc)" "$PACKETS" "$ROUNDS"
echo "$memline"
echo "ns per packet = run_time_ns / run_cnt of the XDP program on r-cu (kernel.bpf_stats_enabled),"
echo "  tcpreplay over veth into native XDP; bare = the same program without the lookup;"
echo "  one cold read = $cold ns (the 128 MiB figure above); 4 upstreams attached, cu measured"
printf '%-34s %-6s %-8s %10s %8s %7s %-26s %s\n' table family addrs "asclass ns" "bare ns" ratio \
	"asclass = bare + N reads" "target"
sysctl -qw kernel.bpf_stats_enabled=1

# Measures one table: loads FILE, makes its traffic (or uses PCAPS, a
# folder), and prints one line per family and distribution.
bench_table() {
	local name=$1 file=$2 pcaps=${3:-} pcap fam dist ratios a b ra rb ovf nr
	if [ -z "$pcaps" ]; then
		pcaps=$tmp/pcaps
		rm -rf "$pcaps" && mkdir -p "$pcaps"
		"$TOOL" pcaps "$file" "$PACKETS" 2026 "$pcaps" >/dev/null || fail "$name: no traffic"
	fi
	quiet "$name: routes load" asc routes load "$file"
	asc status --json | jq -r --arg n "$name" '"\($n): \(.routes.ipv4) IPv4 + \(.routes.ipv6) IPv6 prefixes"'
	for pcap in "$pcaps"/*.pcap; do
		fam=$(basename "$pcap" .pcap)
		dist=${fam#*-} fam=${fam%%-*}
		# Untimed: gives the counter slots out, so that the timed runs count
		# (no insert, no overflow path); every frame must find a route.
		nr=$(reason no_route) ovf=$(reason overflow)
		replay asclass "$pcap" >/dev/null
		[ "$(reason no_route)" = "$nr" ] || fail "$name: $pcap: frames without a route"
		[ "$(reason overflow)" = "$ovf" ] || fail "$name: $pcap: asc_counts overflowed (REALPATH_COUNTERS=$COUNTERS)"
		a="" b="" ratios=""
		for _ in $(seq "$ROUNDS"); do
			ra=$(replay asclass "$pcap")
			rb=$(replay bare "$pcap")
			a="$a $ra" b="$b $rb"
			ratios="$ratios $(awk -v a="$ra" -v b="$rb" 'BEGIN {print a / b}')"
		done
		ra=$(echo "$a" | tr ' ' '\n' | sed '/^$/d' | median)
		rb=$(echo "$b" | tr ' ' '\n' | sed '/^$/d' | median)
		echo "$ratios" | tr ' ' '\n' | sed '/^$/d' | median |
			awk -v n="$name" -v f="IPv${fam#v}" -v d="$dist" -v a="$ra" -v b="$rb" -v c="$cold" '{
				t = d == "zipf" ? 2.5 : d == "uniform" ? 4 : 0
				printf "%-34s %-6s %-8s %10.1f %8.1f %6.2fx   bare + %5.2f cold reads      %s\n",
					n, f, d, a, b, $1, (a - b) / c,
					t ? sprintf("<= %.1fx: %s", t, $1 <= t ? "met" : "not met") : "-"
			}'
	done
	asc status --json | jq -r '"  counting: \(.counters.slots) slots in use in asc_counts, from this table and those before (capacity \(.counters.capacity))"'
}

# Real tables: pyasn format (PREFIX/LEN<TAB>ASN after ';' comment lines) is
# the text format once the comments are gone.
if [ -d "$TABLES" ]; then
	for gz in "$TABLES"/*.dat.gz; do
		base=$(basename "$gz" .dat.gz)
		zcat "$gz" | sed '/^;/d' >"$tmp/$base.txt"
		bench_table "$base (real)" "$tmp/$base.txt"
		rm -f "$tmp/$base.txt"
	done
else
	echo "(real tables: $TABLES not found, skipped)"
fi

"$TOOL" table "$N4" "$N6" 2026 >"$tmp/synthetic.txt"
bench_table "synthetic $N4+$N6" "$tmp/synthetic.txt"
# The fixed part: one route per family, one counter key per family; the
# synthetic table's uniform traffic.
mkdir -p "$tmp/any"
mv "$tmp"/pcaps/*-uniform.pcap "$tmp/any/"
for f in "$tmp"/any/*-uniform.pcap; do mv "$f" "${f%-uniform.pcap}-any.pcap"; done
printf '0.0.0.0/0 64496 64511\n::/0 64496 64511\n' >"$tmp/one.txt"
bench_table "one route per family" "$tmp/one.txt" "$tmp/any"
echo "done in $SECONDS s"
