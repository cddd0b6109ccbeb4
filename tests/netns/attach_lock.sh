#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/attach_lock.sh - attach and detach change the upstreams'
# route-record columns and hand out counter slots (the no-route ones), as a
# table load does: they take the same lock, the flock on the pin directory,
# so that a daemon's load or live update never sees half a column or hands
# out a slot attach just took.  Another process holds that lock here; an
# attach and a detach wait for it, then go on.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/netns.sh
ns_test_init
command -v flock >/dev/null || fail "flock (util-linux) missing"
R=asc-lk-$id
hold=
unhold() { { pkill -P "$hold"; kill "$hold"; wait "$hold"; } 2>/dev/null; hold=; }
at_exit '[ -n "$hold" ] && unhold'
ns_add "$R"
veth "$R" lk-a "$R" lk-b

asc attach lk-a --upstream cu --asn 4837 --counters 1024 >/dev/null || fail "attach lk-a"

# hold_lock: another process holds the pin directory's lock until unhold;
# -o: its child (sleep) does not inherit the locked fd.
hold_lock() {
	flock -o "$PIN" sleep 60 &
	hold=$!
	wait_for 5 bash -c "! flock -n '$PIN' true" || fail "the holder did not take $PIN's lock"
}
# waits PID WHAT: PID is still running 1 s on (it waits for the lock)
waits() {
	sleep 1
	kill -0 "$1" 2>/dev/null || fail "$2 did not wait for the lock another process held"
}

hold_lock
asc attach lk-b --upstream ttk --asn 20485 >"$work/attach.out" 2>&1 &
waiter=$!
waits "$waiter" "attach lk-b"
ip -n "$R" link show lk-b | grep -q 'prog/xdp' && fail "attach lk-b went on under the lock"
unhold
wait "$waiter" || fail "attach lk-b failed once the lock was free: $(cat "$work/attach.out")"
ip -n "$R" link show lk-b | grep -q 'prog/xdp' || fail "lk-b not attached"
echo "ok: attach waits for the pin directory's lock, then goes on"

hold_lock
asc detach lk-b >"$work/detach.out" 2>&1 &
waiter=$!
waits "$waiter" "detach lk-b"
unhold
wait "$waiter" || fail "detach lk-b failed once the lock was free: $(cat "$work/detach.out")"
echo "ok: detach waits for the pin directory's lock, then goes on"
echo PASS
