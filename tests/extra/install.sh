#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/extra/install.sh - make install and make uninstall into scratch
# DESTDIRs: the exact file list for PREFIX=/usr/local and PREFIX=/usr (the
# unit where that systemd looks for it, ExecStart naming the installed
# binary), a changed config kept by install and uninstall, an unchanged one
# removed, nothing of ours left after uninstall, and nothing written outside
# DESTDIR.
set -eu
cd "$(dirname "$0")/../.."
O=${O:-build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
mk() { make -s --no-print-directory O="$O" "$@"; }
files() { (cd "$1" && find . -type f -o -type l | sed 's|^\./||' | sort); }
want() { printf '%s\n' "$@" | sort; }

# Paths a wrong DESTDIR handling would write to on this machine.
outside=(/usr/local/sbin/asclass /usr/local/lib/systemd/system/asclass.service
	/usr/local/share/doc/asclass /usr/local/share/asclass /usr/local/share/man/man8/asclass.8 /etc/asclass/asclass.conf)
before=$(ls -d "${outside[@]}" 2>/dev/null || true)

# PREFIX=/usr/local: the local administrator's unit directory.
r=$work/local
mk install PREFIX=/usr/local DESTDIR="$r" >"$work/out"
diff <(want etc/asclass/asclass.conf usr/local/lib/systemd/system/asclass.service \
	usr/local/sbin/asclass usr/local/share/doc/asclass/examples/asclass.conf \
	usr/local/share/doc/asclass/examples/prometheus-asclass.yml \
	usr/local/share/asclass/asclass-dashboard.json usr/local/share/asclass/asclass-rules.yml \
	usr/local/share/man/man5/asclass.conf.5 usr/local/share/man/man8/asclass.8) <(files "$r") ||
	fail "PREFIX=/usr/local installed other files (- want, + got)"
[ -x "$r/usr/local/sbin/asclass" ] || fail "the binary is not executable"
[ "$(stat -c %a "$r/usr/local/lib/systemd/system/asclass.service")" = 644 ] || fail "unit mode"
grep -qx 'ExecStart=/usr/local/sbin/asclass run --config /etc/asclass/asclass.conf' \
	"$r/usr/local/lib/systemd/system/asclass.service" || fail "ExecStart does not name /usr/local/sbin/asclass"
cmp -s dist/asclass.conf "$r/etc/asclass/asclass.conf" || fail "the config is not the example"

# A changed config survives install and uninstall, and is said to.
echo "# changed by the operator" >>"$r/etc/asclass/asclass.conf"
cp "$r/etc/asclass/asclass.conf" "$work/changed.conf"
mk install PREFIX=/usr/local DESTDIR="$r" >"$work/out"
cmp -s "$work/changed.conf" "$r/etc/asclass/asclass.conf" || fail "install overwrote a changed config"
grep -q "kept $r/etc/asclass/asclass.conf" "$work/out" || fail "install did not say it kept the config: $(cat "$work/out")"
mk uninstall PREFIX=/usr/local DESTDIR="$r" >"$work/out"
diff <(want etc/asclass/asclass.conf) <(files "$r") || fail "uninstall left or removed other files (- want, + got)"
cmp -s "$work/changed.conf" "$r/etc/asclass/asclass.conf" || fail "uninstall touched a changed config"
grep -q "kept $r/etc/asclass/asclass.conf" "$work/out" || fail "uninstall did not say it kept the config"

# An unchanged config goes with uninstall, and so do our directories.
rm "$r/etc/asclass/asclass.conf"
mk install PREFIX=/usr/local DESTDIR="$r" >/dev/null
mk uninstall PREFIX=/usr/local DESTDIR="$r" >/dev/null
[ -z "$(files "$r")" ] || fail "uninstall left: $(files "$r")"
for d in etc/asclass usr/local/share/doc/asclass usr/local/share/asclass; do
	[ ! -e "$r/$d" ] || fail "uninstall left $d"
done

# PREFIX=/usr: the distribution's unit directory, as systemd.pc names it.
unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || echo /lib/systemd/system)
r=$work/usr
mk install PREFIX=/usr DESTDIR="$r" >/dev/null
diff <(want etc/asclass/asclass.conf "${unitdir#/}/asclass.service" usr/sbin/asclass \
	usr/share/doc/asclass/examples/asclass.conf usr/share/doc/asclass/examples/prometheus-asclass.yml \
	usr/share/asclass/asclass-dashboard.json usr/share/asclass/asclass-rules.yml usr/share/man/man5/asclass.conf.5 \
	usr/share/man/man8/asclass.8) <(files "$r") || fail "PREFIX=/usr installed other files (- want, + got)"
grep -qx 'ExecStart=/usr/sbin/asclass run --config /etc/asclass/asclass.conf' "$r$unitdir/asclass.service" ||
	fail "ExecStart does not name /usr/sbin/asclass"
mk uninstall PREFIX=/usr DESTDIR="$r" >/dev/null
[ -z "$(files "$r")" ] || fail "PREFIX=/usr uninstall left: $(files "$r")"

after=$(ls -d "${outside[@]}" 2>/dev/null || true)
[ "$before" = "$after" ] || fail "files outside DESTDIR appeared or went: '$before' -> '$after'"
echo "install/uninstall: PREFIX=/usr/local (unit in /usr/local/lib/systemd/system) and /usr (unit in $unitdir), changed config kept"
