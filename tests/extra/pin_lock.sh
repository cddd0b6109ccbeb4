#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/extra/pin_lock.sh - table loads take turns per pin directory: a load
# into a directory whose flock another process holds waits for it, and a
# load into another pin directory does not; the waiting load names the
# process that holds the lock.  (Until 0.3 every asclass
# process on the machine shared one lock file, /run/asclass.lock, so a
# daemon's single-prefix updates waited behind a whole load into unrelated
# maps.)  Then the fold lock on asc_retired's pin: a read of the counters
# waits for its holder, silently for a short hold, naming the holder past
# 2 s.  No network: `routes load` creates the maps in each directory.
set -u
cd "$(dirname "$0")/../.."
ASCLASS=${ASCLASS:-build/asclass}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (BPF maps)"; exit 77; }
command -v flock >/dev/null || { echo "FAIL: flock (util-linux) missing"; exit 1; }
a=/sys/fs/bpf/asc-test-$$-lock-a
b=/sys/fs/bpf/asc-test-$$-lock-b
t=$(mktemp) w=$(mktemp)
hold=
unhold() { pkill -P "$hold"; kill "$hold"; wait "$hold"; hold=; } 2>/dev/null
trap '[ -n "$hold" ] && unhold; rm -rf "$a" "$b" "$t" "$w"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
printf '%s\n' '175.45.176.0/22 131279 4837 4837' '198.51.100.0/24 64500 4837 4837' >"$t"
load() { timeout 20 "$ASCLASS" --pin-dir "$1" routes load "$t" >/dev/null 2>&1; }

load "$a" || fail "routes load into $a"
load "$b" || fail "routes load into $b"

# hold_lock FILE SECONDS: another process holds FILE's flock for SECONDS (or
# until unhold), in $hold; back once it holds it (-o: its child, sleep,
# does not inherit the locked fd).
hold_lock() {
	flock -o "$1" sleep "$2" &
	hold=$!
	for _ in $(seq 50); do
		flock -n "$1" true || return 0
		sleep 0.1
	done
	fail "the holder did not take $1's lock"
}

# Another process holds a's lock (as a load into a would) until killed.
hold_lock "$a" 60

load "$b" ||
	fail "a load into $b waited for (or failed under) the lock of $a"
echo "ok: a load into another pin directory went ahead"

timeout 20 "$ASCLASS" --pin-dir "$a" routes load "$t" >/dev/null 2>"$w" &
waiter=$!
sleep 1
kill -0 "$waiter" 2>/dev/null || fail "a load into $a did not wait for the lock another process held"
echo "ok: a load into the locked pin directory waits"
# and says so, naming the holder (from /proc/locks)
grep -qF "$a: another process holds the loaders' lock (pid $hold, flock): waiting for it" "$w" ||
	fail "the waiting load did not name the holder (pid $hold, flock); it said: $(cat "$w")"
echo "ok: it says which process holds the lock"
unhold
wait "$waiter" || fail "the load into $a did not go on once the lock was free (timeout 20 s) or failed"
echo "ok: it went on once the lock was free"

# The fold lock (an flock on asc_retired's pin): a read of the counters waits
# for a process that holds it; a short hold passes without a word, and one
# over 2 s is named in the log.
r=$a/asc_retired
stats() { timeout 20 "$ASCLASS" --pin-dir "$a" stats >/dev/null 2>"$w"; }
hold_lock "$r" 0.5
stats || fail "asclass stats under a fold lock held for 0.5 s failed: $(cat "$w")"
wait "$hold"
hold=
grep -q "fold lock" "$w" && fail "a wait of under 2 s for the fold lock was logged: $(cat "$w")"
echo "ok: a read that waited for a short hold of the fold lock said nothing"
hold_lock "$r" 60
stats &
waiter=$!
sleep 3
kill -0 "$waiter" 2>/dev/null || fail "asclass stats did not wait for the fold lock another process held"
grep -qF "$r: another process has held the fold lock for 2 s (pid $hold, flock): waiting for it" "$w" ||
	fail "the read waiting for the fold lock did not name the holder (pid $hold, flock); it said: $(cat "$w")"
echo "ok: a read that waits over 2 s for the fold lock names the holder"
unhold
wait "$waiter" || fail "asclass stats did not go on once the fold lock was free: $(cat "$w")"
echo "ok: it went on once the fold lock was free"
