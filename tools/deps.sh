#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tools/deps.sh - install the build and test packages asclass needs, with apt.
# Idempotent: installs only what is missing and prints what it installs.
# --quiet: say nothing when everything is present.
set -eu

PKGS="make gcc pkg-config clang-19 llvm-19 libclang-rt-19-dev
libbpf-dev libxdp-dev libelf-dev zlib1g-dev libbz2-dev libcmocka-dev
libmicrohttpd-dev libinih-dev libcap-dev libjansson-dev uthash-dev
bpftool xdp-tools iproute2 ethtool jq clang-format-19
bgpdump bird2 prometheus python3 python3-scapy
busybox-static qemu-system-x86 cpio kmod curl
iputils-ping netcat-openbsd time tcpreplay bird2 gobgpd frr nftables
libsystemd-dev systemd systemd-container debhelper dpkg-dev lintian"

quiet=0
[ "${1:-}" = "--quiet" ] && quiet=1

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: this is not a Debian or Ubuntu system (no dpkg/apt-get)." >&2
	echo "deps: install by hand the equivalents of: $(echo $PKGS)" >&2
	exit 1
fi

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -z "$missing" ]; then
	[ $quiet -eq 1 ] || echo "deps: all $(echo $PKGS | wc -w) packages present"
	exit 0
fi

echo "deps: installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: need root to install packages: run 'sudo make deps'" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists when they are missing or more than a day old.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -1)" ]; then
	apt-get update -qq
fi
# bird2, gobgpd and frr only serve the netns tests (feed_bird.sh, bmp_*.sh),
# which run their own daemons inside network namespaces: the packages' system
# services must neither start now nor at boot (they would speak BGP on this
# machine's own port 179).
POLICY=/usr/sbin/policy-rc.d
services=""
for p in $missing; do
	case $p in
	bird2) services="$services bird" ;;
	gobgpd | frr) services="$services $p" ;;
	esac
done
hold=""
if [ -n "$services" ]; then
	if [ -d /run/systemd/system ]; then
		for s in $services; do systemctl mask --quiet "$s.service"; done
		hold=systemd
	elif [ ! -e $POLICY ]; then
		printf '#!/bin/sh\nexit 101\n' >$POLICY && chmod 755 $POLICY && hold=policy
	fi
fi
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
for s in $services; do
	case $hold in
	systemd) systemctl unmask --quiet "$s.service"; systemctl disable --quiet "$s.service" ;;
	policy) update-rc.d "$s" disable >/dev/null 2>&1 || true ;;
	esac
done
[ "$hold" = policy ] && rm -f $POLICY
echo "deps: done"
