#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/extra/deb.sh - the Debian packages: `make deb` builds them out of tree
# (mk/pkg.mk), lintian finds nothing in the source or the binary package
# (errors to pedantic and info; the one override says why), the binary holds exactly the binary, the man pages, the unit
# naming /usr/sbin/asclass, the config as a conffile, the example configs, the dashboard and rules,
# its maintainer scripts do not enable the service, and the binary extracted
# into a scratch root (dpkg -x; no maintainer script runs) answers --version
# and checks the shipped config.
set -eu
cd "$(dirname "$0")/../.."
O=${O:-build}
for t in dpkg-buildpackage dh lintian; do
	command -v $t >/dev/null || { echo "FAIL: $t missing (make deps)"; exit 1; }
done
fail() { echo "FAIL: $*"; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

version=$(cat VERSION)
[ "$(dpkg-parsechangelog -S Version)" = "$version" ] ||
	fail "debian/changelog is at $(dpkg-parsechangelog -S Version), VERSION says $version"
make -s --no-print-directory deb O="$O" >/dev/null || fail "make deb (log: $O/deb/build.log)"
deb=$O/deb/asclass_${version}_$(dpkg --print-architecture).deb
[ -f "$deb" ] || fail "no $deb"

# lintian, as nobody (it unpacks what it checks); fails on any tag
as_nobody=()
command -v setpriv >/dev/null && as_nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=/tmp)
"${as_nobody[@]}" lintian --fail-on error,warning,info,pedantic --pedantic --display-info \
	"$O/deb/asclass_${version}.dsc" "$O/deb/asclass_${version}_$(dpkg --print-architecture).changes" ||
	fail "lintian (above)"

diff <(printf '%s\n' ./etc/asclass/asclass.conf ./lib/systemd/system/asclass.service ./usr/sbin/asclass \
	./usr/share/asclass/asclass-dashboard.json ./usr/share/asclass/asclass-rules.yml \
	./usr/share/doc/asclass/changelog.gz ./usr/share/doc/asclass/copyright \
	./usr/share/doc/asclass/examples/asclass.conf ./usr/share/doc/asclass/examples/prometheus-asclass.yml \
	./usr/share/lintian/overrides/asclass \
	./usr/share/man/man5/asclass.conf.5.gz ./usr/share/man/man8/asclass.8.gz) \
	<(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {print $6}' | sort) || fail "the package holds other files (- want, + got)"
[ "$(dpkg-deb -f "$deb" Package)" = asclass ] || fail "package name"
[ "$(dpkg-deb --info "$deb" conffiles)" = /etc/asclass/asclass.conf ] ||
	fail "conffiles: '$(dpkg-deb --info "$deb" conffiles)'"
# Not enabled on install (dh_installsystemd --no-enable writes this guard,
# and no unconditional enable).
post=$(dpkg-deb --info "$deb" postinst)
echo "$post" | grep -q "deb-systemd-helper debian-installed 'asclass.service'" || fail "postinst enables the service:
$post"

dpkg -x "$deb" "$root"
sed 's|/usr/local/sbin/asclass|/usr/sbin/asclass|g' dist/asclass.service | diff - "$root/lib/systemd/system/asclass.service" ||
	fail "the unit differs from dist/asclass.service beyond the binary's path"
cmp -s dist/asclass.conf "$root/etc/asclass/asclass.conf" || fail "the conffile is not dist/asclass.conf"
v=$("$root/usr/sbin/asclass" --version) || fail "asclass --version"
case $v in "asclass $version "*) ;; *) fail "asclass --version says '$v'" ;; esac
out=$("$root/usr/sbin/asclass" run --check-config --config "$root/etc/asclass/asclass.conf") ||
	fail "asclass run --check-config on the shipped config"
echo "$out" | grep -q ": OK (2 links, 2 routing sources, metrics on 127.0.0.1:9742)$" || fail "check-config: $out"
echo "$deb: lintian clean, $(dpkg-deb -c "$deb" | grep -vc '^d') files, conffile, not enabled; $v; $out"
