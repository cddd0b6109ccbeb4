#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/extra/unit_boot.sh - the installed asclass.service on a booted systemd.
#
# `make install DESTDIR=<scratch> PREFIX=/usr/local` (the unit in
# /usr/local/lib/systemd/system), then systemd-nspawn boots this machine's own
# systemd in a container: /usr read-only from the host, an empty tmpfs for
# everything else (so /var/lib/asclass does not exist: a fresh install), its
# own network namespace (veths made inside it) and its own bpffs instance
# (mounted in a private mount namespace, so no pin reaches the host's
# /sys/fs/bpf).  A driver unit in the container (this script, --guest) starts
# asclass.service, sends pings, scrapes /metrics, reloads, restarts and stops
# it, and copies what it saw to /out; then the container powers off and the
# host checks the results.  Nothing outlives the container but $work, which
# is removed.
set -eu
cd "$(dirname "$0")/../.."
O=${O:-build}

# ---- inside the container ---------------------------------------------------

metric() { curl -sf http://127.0.0.1:9742/metrics | awk -v k="$1" '$1 == k {print $2}'; }
in_journal() { journalctl -q -u asclass.service -o cat | grep -q -- "$1"; }
# in_journal_n N PATTERN: PATTERN is in N lines or more
in_journal_n() { [ "$(journalctl -q -u asclass.service -o cat | grep -c -- "$2")" -ge "$1" ]; }

guest_steps() {
	# links: asc-cu exists, asc-ttk does not
	sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip netns add peer
	ip link add asc-cu type veth peer name asc-cu-p netns peer
	ip addr add 198.51.100.1/30 dev asc-cu
	ip link set asc-cu up
	nsenter --net=/run/netns/peer sh -c 'ip addr add 198.51.100.2/30 dev asc-cu-p &&
		ip link set asc-cu-p up && ip link set lo up'

	[ -e /var/lib/asclass ] && echo "fresh=no" >/out/state || echo "fresh=yes" >/out/state
	systemctl start asclass.service || true
	# Type=notify: start returns once the daemon said READY=1, after the
	# first routing load; what the journal holds at that moment
	journalctl -q -u asclass.service -o cat >/out/journal-at-start
	systemctl show asclass.service -p ActiveState -p SubState -p Result -p ExecMainStatus \
		-p StatusText >>/out/state
	wait_for 15 curl -sf -o /dev/null http://127.0.0.1:9742/metrics || return 1
	# The first load finds /var/lib/asclass empty (systemd just made it);
	# routes written there are loaded by inotify.
	wait_for 15 in_journal "routing reload failed" || return 1
	ls -ld /var/lib/asclass /run/asclass >/out/dirs
	printf '198.51.100.0/24 64500 4837 4837\n' >/var/lib/asclass/routes.txt
	wait_for 15 in_journal_n 1 "routing loaded" || return 1
	nsenter --net=/run/netns/peer ping -q -c 5 -i 0.1 -W 1 198.51.100.1
	curl -sf http://127.0.0.1:9742/metrics >/out/metrics
	pid=$(systemctl show -P MainPID asclass.service)
	grep Cap /proc/"$pid"/status >/out/caps
	# the daemon's view of the file system, from inside its mount namespace
	for f in /var/lib/asclass/.w /etc/asclass/.w /usr/.w /run/.w /run/asclass/.w \
		/run/lock/.w /tmp/.w; do
		nsenter -t "$pid" -m sh -c "(: >>$f) 2>/dev/null && echo '$f rw' || echo '$f ro'"
	done >/out/fs
	# (bpffs takes no dots in names)
	nsenter -t "$pid" -m sh -c 'mkdir /sys/fs/bpf/w && rmdir /sys/fs/bpf/w && echo "/sys/fs/bpf rw" || echo "/sys/fs/bpf ro"' >>/out/fs
	nsenter -t "$pid" -m sh -c '[ -e /proc/sys/kernel ] && echo "/proc/sys seen" || echo "/proc/sys hidden"' >>/out/fs
	systemd-analyze security asclass.service >/out/security 2>&1 || true

	systemctl reload asclass.service
	wait_for 15 in_journal_n 2 "routing loaded" || return 1
	in_journal "SIGHUP: reloading"
	# stop and start again: the programs stayed attached, so this start
	# replaces them (libxdp opens them by id) and keeps the counters
	systemctl stop asclass.service
	systemctl show asclass.service -p Result -p ExecMainStatus >/out/stopped
	systemctl start asclass.service
	wait_for 15 curl -sf -o /dev/null http://127.0.0.1:9742/metrics || return 1
	wait_for 15 in_journal_n 3 "routing loaded" || return 1
	curl -sf http://127.0.0.1:9742/metrics >/out/metrics2
	systemctl show asclass.service -p ActiveState -p NRestarts >/out/state2
	systemctl stop asclass.service
	touch /out/done
}

# What the journal and systemd say is saved whether the steps got through or
# not (set -e: the first failing step ends them).
guest_collect() {
	systemctl status --no-pager asclass.service >/out/status 2>&1 || true
	journalctl -q -u asclass.service -o cat >/out/journal
	journalctl -q -u asclass.service -o cat -p err >/out/journal-err
	journalctl -q -o short-monotonic >/out/journal-all
}

guest() {
	. /asc/lib/netns.sh # wait_for
	exec >/out/guest.log 2>&1
	set -x
	trap guest_collect EXIT
	guest_steps
}

if [ "${1:-}" = --guest ]; then
	guest
	exit
fi

# ---- on the host --------------------------------------------------------------

[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (systemd-nspawn, BPF)"; exit 77; }
command -v systemd-nspawn >/dev/null || { echo "SKIP: no systemd-nspawn (apt-get install systemd-container)"; exit 77; }
[ -x /lib/systemd/systemd ] || { echo "SKIP: systemd is not installed"; exit 77; }
command -v curl >/dev/null || { echo "FAIL: curl missing (make deps)"; exit 1; }

id=$$
machine=asc-unit-$id
work=$(mktemp -d /tmp/asc-unit-XXXXXX)
cleanup() {
	rm -rf "/run/systemd/nspawn/propagate/$machine"
	if [ -n "${KEEP:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*"
	for f in guest.log status journal; do
		[ -f "$work/out/$f" ] && { echo "--- $f"; tail -30 "$work/out/$f"; }
	done
	[ -f "$work/console.log" ] && { echo "--- console"; tail -20 "$work/console.log"; }
	exit 1
}

make -s --no-print-directory install O="$O" PREFIX=/usr/local DESTDIR="$work/root" >/dev/null
# The shipped example, with this container's links: cu on asc-cu, ttk on an
# interface that does not exist (an error the journal must show at err).
conf=$work/root/etc/asclass/asclass.conf
sed -i -e 's/^interface = eth1$/interface = asc-cu/' -e 's/^interface = eth2$/interface = asc-ttk/' \
	-e 's|^source = /var/lib/asclass/rib\..*|source = /var/lib/asclass/routes*.txt|' \
	-e '\|^source = /var/lib/asclass/updates|d' -e "s|^pin_dir = .*|pin_dir = /sys/fs/bpf/asc-test-$id|" "$conf"
for l in 'interface = asc-cu' 'interface = asc-ttk' 'source = /var/lib/asclass/routes*.txt' \
	'listen = 127.0.0.1:9742' "pin_dir = /sys/fs/bpf/asc-test-$id"; do
	grep -qxF "$l" "$conf" || fail "the example config changed: no '$l' after editing it"
done
[ "$(grep -c '^source' "$conf")" = 1 ] || fail "the example config changed: sources $(grep '^source' "$conf")"
mkdir -p "$work/units" "$work/out" "$work/bpffs"
cat >"$work/units/asc-test.target" <<'EOF'
[Unit]
Description=asclass unit test
Requires=basic.target asc-test.service
After=basic.target
EOF
cat >"$work/units/asc-test.service" <<'EOF'
[Unit]
Description=asclass unit test driver
After=basic.target
SuccessAction=poweroff-force
FailureAction=poweroff-force

[Service]
Type=oneshot
ExecStart=/asc/extra/unit_boot.sh --guest
TimeoutStartSec=90
EOF

# --volatile=yes: /usr from the host, read-only, in an empty tmpfs root.
# --keep-unit --register=no: no systemd or machined on the host to ask.
# The container gets CAP_BPF and CAP_PERFMON and the bpf() system call, which
# nspawn leaves out by default; CAP_NET_ADMIN comes with --private-network.
start=$(date +%s)
rc=0
timeout 120 unshare -m --propagation private sh -c 'mount -t bpf bpf "$1" && shift && exec "$@"' _ "$work/bpffs" \
	systemd-nspawn -q -D / --volatile=yes --keep-unit --register=no -M "$machine" \
	--private-network --capability=CAP_BPF,CAP_PERFMON --system-call-filter=bpf --console=pipe \
	--bind="$work/bpffs":/sys/fs/bpf \
	--bind-ro="$work/root/usr/local":/usr/local \
	--bind-ro="$work/root/etc/asclass":/etc/asclass \
	--bind-ro="$work/units":/etc/systemd/system \
	--bind-ro="$PWD/tests":/asc \
	--bind="$work/out":/out \
	-b systemd.unit=asc-test.target systemd.firstboot=off >"$work/console.log" 2>&1 || rc=$?
echo "container ran $(($(date +%s) - start)) s (exit $rc)"
[ -f "$work/out/done" ] || fail "the driver in the container did not finish"

o=$work/out
# A fresh install starts: no 226/NAMESPACE, systemd made /var/lib/asclass.
grep -qx "fresh=yes" "$o/state" || fail "/var/lib/asclass existed before the first start"
grep -qx "ActiveState=active" "$o/state" || fail "asclass.service did not start: $(cat "$o/state")"
# Active only after the first load (it fails: /var/lib/asclass is empty), and
# the daemon's STATUS= says so.
grep -q "routing reload failed" "$o/journal-at-start" ||
	fail "systemctl start returned before the first routing load: $(cat "$o/journal-at-start")"
grep -qx "StatusText=routing load failed (1 in all); serving the previous tables" "$o/state" ||
	fail "STATUS= after the first load: $(grep StatusText "$o/state")"
grep -q '^drwxr-xr-x .* /var/lib/asclass$' "$o/dirs" || fail "StateDirectory: $(cat "$o/dirs")"
grep -q '^drwx------ .* /run/asclass$' "$o/dirs" || fail "RuntimeDirectory: $(cat "$o/dirs")"
# What the daemon may write: bpffs (its maps, and the pin directory it locks
# for table loads), its runtime directory and its own /tmp; nothing else, its
# routing data included.
printf '%s\n' '/var/lib/asclass/.w ro' '/etc/asclass/.w ro' '/usr/.w ro' '/run/.w ro' \
	'/run/asclass/.w rw' '/run/lock/.w ro' '/tmp/.w rw' \
	'/sys/fs/bpf rw' '/proc/sys hidden' | diff - "$o/fs" || fail "the daemon's file system view differs (- want, + got)"
# The daemon attached, counted and serves; ttk's missing link is reported, not fatal.
m() { awk -v k="$1" '$1 == k {print $2}' "$2"; }
[ "$(m 'asclass_program_attached{upstream="cu",mode="native",via="dispatcher"}' "$o/metrics")" = 1 ] ||
	[ "$(m 'asclass_program_attached{upstream="cu",mode="native",via="single"}' "$o/metrics")" = 1 ] ||
	fail "cu not attached: $(grep 'attached{' "$o/metrics")"
[ "$(m 'asclass_program_attached{upstream="ttk",mode="none",via="none"}' "$o/metrics")" = 0 ] || fail "ttk is not 0"
k='asclass_packets_total{upstream="cu",direction="in",family="ipv4",origin_as="64500",transit_as="4837"}'
[ "$(m "$k" "$o/metrics")" = 5 ] || fail "$k: got '$(m "$k" "$o/metrics")', want 5"
# After start-up the daemon holds CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON and
# CAP_SYS_ADMIN (bits 39, 12, 38, 21: what attaching a link on SIGHUP
# needs), its whole bounding set.
grep -q '^CapEff:[[:space:]]*000000c000201000$' "$o/caps" || fail "effective capabilities: $(cat "$o/caps")"
grep -q '^CapBnd:[[:space:]]*000000c000201000$' "$o/caps" || fail "bounding set: $(cat "$o/caps")"
# The journal: errors at priority err, warnings at warning, info not at err,
# and no timestamp of our own.
grep -q "link ttk (asc-ttk) not attached" "$o/journal-err" || fail "journalctl -p err lacks the missing link"
grep -q "routing reload failed" "$o/journal-err" || fail "journalctl -p err lacks the failed load"
grep -q "serving metrics" "$o/journal" || fail "no info lines in the journal"
! grep -q "serving metrics" "$o/journal-err" || fail "an info line has priority err"
! grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T|asclass\[[0-9]+\]:' "$o/journal" || fail "journal lines carry our timestamp or pid"
! grep -q '^<[0-9]>' "$o/journal" || fail "a priority prefix reached the journal text"
# reload (ExecReload under the system call filter), restart, stop
grep -qx "Result=success" "$o/stopped" || fail "stop: $(cat "$o/stopped")"
grep -qx "ActiveState=active" "$o/state2" || fail "restart: $(cat "$o/state2")"
grep -qx "NRestarts=0" "$o/state2" || fail "the daemon failed and was restarted: $(cat "$o/state2")"
[ "$(m "$k" "$o/metrics2")" = 5 ] || fail "after a restart $k is '$(m "$k" "$o/metrics2")', want 5 (kept)"
score=$(sed -n 's/.*Overall exposure level for asclass.service: \([0-9.]*\).*/\1/p' "$o/security")
[ -n "$score" ] || fail "systemd-analyze security: $(tail -3 "$o/security")"
awk -v s="$score" 'BEGIN { exit !(s <= 2.5) }' || fail "systemd-analyze security scores $score (> 2.5)"
echo "asclass.service on a booted systemd: fresh start, attach, 5 packets counted, journal priorities, reload, restart, stop; exposure $score"
