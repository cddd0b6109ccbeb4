#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# vmtest/init.sh - /init of the vmtest guest: mount what the tests need,
# load the modules, run every test, print ASCLASS_VMTEST_EXIT=<failures>
# last on the console, and power off.
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
pass=0 fail=0 skip=0
for t in /tests/test_* /tests/*.sh; do
	[ -x "$t" ] || continue
	"$t" >/tmp/out 2>&1
	sed "s/^/      [$(basename "$t")] /" /tmp/out >>/tmp/all.log
	rc=$?
	name=$(basename "$t")
	case $rc in
	0) pass=$((pass + 1)); echo "PASS  $name" ;;
	77) skip=$((skip + 1)); echo "SKIP  $name: $(grep -m1 SKIP /tmp/out)" ;;
	*) fail=$((fail + 1)); echo "FAIL  $name (exit $rc)"; tail -n 30 /tmp/out | sed 's/^/      | /' ;;
	esac
done
echo "---- test output ----"
cat /tmp/all.log
echo "vmtest guest: $pass passed, $fail failed, $skip skipped"
# A skip inside the VM is a failure of the VM run: the kernel was chosen to
# have everything.
echo "ASCLASS_VMTEST_EXIT=$((fail + skip))"
poweroff -f
