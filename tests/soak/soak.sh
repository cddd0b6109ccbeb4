#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/soak/soak.sh - the soak test: nothing is lost under reloads, restarts
# and upgrades.  `make soak` runs it in full (minutes); tests/netns/soak_short.sh
# runs --short under make check.
#
#   tests/soak/soak.sh [--full | --short] [--break lost|backwards|key|stale] [-- SOAK.PY-OPTIONS]
#
# Options after -- go to soak.py and override the profile's (e.g. -- --reloads
# 300 --steady 300 --restarts 0 for a long look at the daemon's RSS).
#
# A router namespace with two upstream links (cu, ttk: veth pairs into two
# upstream namespaces) runs `asclass run` from a config file.  Paced raw
# frames flow in both directions on both links (tests/soak/sender.py) while
# tests/soak/soak.py rewrites the routing file (write + rename) between three
# route sets, kills the daemon with kill -9 and restarts it, replaces its
# binary by a second build ($O/soak/v2, another version string) and runs an
# ASan/LSan build ($O/soak/asan) with clean SIGTERM stops; then it checks
# counters against the senders and the interfaces (see soak.py).  --break
# injects one fault, to see the checks fail.  Everything (namespaces, pinned
# maps under its own pin dir, processes) is removed on exit, failed or not;
# on failure the logs are kept under $O/tests/log/.
set -eu
cd "$(dirname "$0")/../.."
. tests/lib/netns.sh
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (BPF, network namespaces)"; exit 77; }
O=${O:-build}
ASCLASS=${ASCLASS:-$PWD/$O/asclass}
V2=$PWD/$O/soak/v2/asclass ASAN=$PWD/$O/soak/asan/asclass
for b in "$ASCLASS" "$V2" "$ASAN"; do
	[ -x "$b" ] || { echo "FAIL: $b not built (make soak-bins O=$O)"; exit 1; }
done

profile=full brk=none
while [ $# -gt 0 ]; do
	case $1 in
	--full) profile=full ;;
	--short) profile=short ;;
	--break) brk=$2; shift ;;
	--) shift; break ;;
	*) echo "usage: $0 [--full | --short] [--break lost|backwards|key|stale] [-- SOAK.PY-OPTIONS]" >&2; exit 2 ;;
	esac
	shift
done
case $profile in
full) plan=(--reloads 100 --steady 40 --warmup 10 --restarts 10 --upgrades 1 --bursts 3
	--bad-reloads 3 --asan-runs 2 --asan-reloads 10 --interval 1.0 --deadline 900) ;;
short) plan=(--reloads 16 --steady 6 --warmup 3 --restarts 3 --upgrades 1 --bursts 1
	--bad-reloads 1 --asan-runs 1 --asan-reloads 3 --interval 0.2 --deadline 240) ;;
esac

id=$$
R=asc-$id-kr U1=asc-$id-kcu U2=asc-$id-kttk
PIN=/sys/fs/bpf/asc-soak-$id
work=$(mktemp -d /tmp/asc-soak-$id.XXXXXX)
rc=1
cleanup() {
	local p
	# what soak.py started and left (it stops its own on every exit it sees)
	for p in $(pgrep -f "$work" || true); do
		grep -qF "$work" /proc/"$p"/cmdline 2>/dev/null && kill -9 "$p" 2>/dev/null
	done
	ns_del_all
	rm -rf "$PIN"
	if [ "$rc" -ne 0 ] && [ -d "$work" ]; then
		mkdir -p "$O/tests/log/soak-$profile-$id"
		cp "$work"/*.log "$work"/*.json "$O/tests/log/soak-$profile-$id/" 2>/dev/null || true
		echo "soak: logs kept in $O/tests/log/soak-$profile-$id"
	fi
	[ -f "$work/summary.json" ] && cp "$work/summary.json" "$O/tests/soak-$profile.json"
	[ -f "$work/trace.json" ] && cp "$work/trace.json" "$O/tests/soak-$profile-trace.json"
	rm -rf "$work"
}
trap cleanup EXIT

ns_add $R $U1 $U2
veth $R r-cu $U1 u-cu
veth $R r-ttk $U2 u-ttk
mkdir -p "$work/bin" "$work/routes"
cp "$ASCLASS" "$work/bin/asclass"
cat >"$work/asclass.conf" <<EOF
# asclass soak configuration
[link cu]
interface = r-cu
asn = 4837

[link ttk]
interface = r-ttk
asn = 20485

[routes]
source = $work/routes/routes.txt

[metrics]
listen = 127.0.0.1:9742
top_n = 10

[daemon]
pin_dir = $PIN
mode = native
EOF

echo "soak ($profile): $("$ASCLASS" --version) -> $("$V2" --version), ASan build $ASAN"
/usr/bin/python3 tests/soak/soak.py --name "$profile" "${plan[@]}" --break "$brk" \
	--asclass "$ASCLASS" --install "$work/bin/asclass" --asclass-v2 "$V2" --asclass-asan "$ASAN" \
	--sender "$PWD/tests/soak/sender.py" --pin-dir "$PIN" --work "$work" \
	--config "$work/asclass.conf" --routes "$work/routes/routes.txt" --router-ns $R \
	--link cu:r-cu:$U1:u-cu --link ttk:r-ttk:$U2:u-ttk "$@" && rc=0 || rc=$?
exit $rc
