#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/extra/unit_verify.sh - the unit `make install` writes passes
# `systemd-analyze verify` without a word (it exits 0 on unknown keys and bad
# values, so any output fails), and `systemd-analyze security` scores it 2.5
# or lower.  The install goes to a scratch DESTDIR, which a private mount
# namespace shows at /usr/local, so verify finds the binary and man pages the
# unit names; this machine's /usr/local is not touched.
set -eu
cd "$(dirname "$0")/../.."
O=${O:-build}
command -v systemd-analyze >/dev/null || { echo "SKIP: no systemd-analyze (apt-get install systemd)"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (a private mount namespace)"; exit 77; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
make -s --no-print-directory install O="$O" PREFIX=/usr/local DESTDIR="$root" >/dev/null
unit=/usr/local/lib/systemd/system/asclass.service
grep -q '^ExecStart=/usr/local/sbin/asclass run ' "$root$unit" || { echo "FAIL: ExecStart in $unit:"; grep ^Exec "$root$unit"; exit 1; }

out=$(unshare -m --propagation private sh -c 'mount --bind "$1/usr/local" /usr/local && systemd-analyze verify "$2" 2>&1' _ "$root" "$unit") ||
	{ echo "FAIL: systemd-analyze verify $unit: $out"; exit 1; }
[ -z "$out" ] || { echo "FAIL: systemd-analyze verify $unit says:"; echo "$out"; exit 1; }

# --threshold counts in tenths: 25 is an exposure of 2.5
sec=$(systemd-analyze security --offline=yes --threshold=25 "$root$unit" 2>&1) && rc=0 || rc=$?
score=$(echo "$sec" | sed -n 's/.*Overall exposure level for asclass.service: \([0-9.]*\).*/\1/p')
[ -n "$score" ] || { echo "FAIL: systemd-analyze security: $sec"; exit 1; }
[ "$rc" -eq 0 ] || { echo "FAIL: systemd-analyze security scores $score, above 2.5:"; echo "$sec" | grep '✗'; exit 1; }
echo "$unit: verify clean, systemd-analyze security $score (at most 2.5)"
