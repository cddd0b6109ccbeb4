#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# vmtest/init.sh - /init of the vmtest guest: mount what the tests need,
# load the modules, run the tests /tests/MANIFEST names (one per line, put
# there by vmtest/run.sh), print one PASS/FAIL/SKIP line per test, their
# output, and last the marker
#   ASCLASS_VMTEST_EXIT=<failures + skips> tests=<tests run>
# then power off.  vmtest/verdict.sh reads the console on the host.
#
# Everything a test prints goes to the console prefixed ("      [name] " or
# "      | "), so no test output can look like a result line or the marker.
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mount -t tmpfs tmp /tmp
mount -t tmpfs run /run
mount -t bpf bpf /sys/fs/bpf
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mkdir -p /run/netns
if [ -f /lib/modules/load.order ]; then
	while read -r m; do insmod "/lib/modules/$m" 2>/dev/null; done </lib/modules/load.order
fi
/usr/sbin/ip link set lo up
echo "vmtest guest: kernel $(uname -r), $(nproc) CPUs"
export ASCLASS=/bin/asclass
pass=0 fail=0 skip=0 ran=0
: >/tmp/all.log

# run_test NAME: runs /tests/NAME, prints its result line; sets rc.
run_test() {
	t=/tests/$1
	if [ ! -f "$t" ] || [ ! -x "$t" ]; then
		rc=127
		echo "$t: missing from the initramfs or not executable" >/tmp/out
	else
		"$t" >/tmp/out 2>&1 </dev/null
		rc=$? # the test's own status: nothing may run between the test and this
	fi
	sed "s/^/      [$1] /" /tmp/out >>/tmp/all.log
	case $rc in
	0) pass=$((pass + 1)); echo "PASS  $1" ;;
	77) skip=$((skip + 1)); echo "SKIP  $1: $(grep -m1 SKIP /tmp/out)" ;;
	*) fail=$((fail + 1)); echo "FAIL  $1 (exit $rc)"; tail -n 30 /tmp/out | sed 's/^/      | /' ;;
	esac
}

if [ -f /tests/MANIFEST ]; then
	while IFS= read -r name || [ -n "$name" ]; do
		[ -n "$name" ] || continue
		ran=$((ran + 1))
		run_test "$name"
	done </tests/MANIFEST
fi
if [ $ran -eq 0 ]; then
	fail=$((fail + 1))
	echo "FAIL  (no tests: /tests/MANIFEST is missing or empty)"
fi
echo "---- test output ----"
cat /tmp/all.log
echo "vmtest guest: $pass passed, $fail failed, $skip skipped"
# A skip inside the VM is a failure of the VM run: the kernel was chosen to
# have everything.
echo "ASCLASS_VMTEST_EXIT=$((fail + skip)) tests=$ran"
poweroff -f
