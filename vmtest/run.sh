#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# vmtest/run.sh [KERNEL] - boot a kernel under QEMU with a busybox initramfs
# holding the asclass binary, the BPF_PROG_TEST_RUN tests and the guest
# network tests (vmtest/guest/*.sh), run them, and exit with the guest's
# status.  KERNEL: a Debian package name (fetched with apt-get download into
# vmtest/cache/), a bzImage path, or "debian-6.1-newest"; default: the first
# line of vmtest/kernels.conf.  TCG by default; VMTEST_KVM=1 tries KVM first.
#
# Failures are failures: a kernel that cannot be found or fetched, a missing
# kernel option, a test that is not built, no test at all, a boot that does
# not reach the test runner, and any test that does not pass in the guest
# (vmtest/verdict.sh reads the console) all exit non-zero.
set -eu
cd "$(dirname "$0")/.."
O=${O:-build}
KERNEL=${1:-${KERNEL:-}}
[ -n "$KERNEL" ] || KERNEL=$(grep -v '^#' vmtest/kernels.conf | grep . | head -1)
CACHE=vmtest/cache
TIMEOUT=${VMTEST_TIMEOUT:-900}
WORK=$O/vmtest
die() { echo "vmtest: $*" >&2; exit 1; }

[ -x "$O/asclass" ] || die "$O/asclass not built (make)"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing (make deps)"
mkdir -p "$CACHE" "$WORK"

# ---- the tests -------------------------------------------------------------
# Every tests/prog/test_*.c, built, and every vmtest/guest/*.sh.  MANIFEST
# names them for /init, and the verdict wants one PASS from each; a test that
# is not built, or no test at all, stops the run here, before any boot.
manifest=$WORK/MANIFEST
prog_tests=()
shopt -s nullglob
for src in tests/prog/test_*.c; do
	t=$O/tests/prog/$(basename "$src" .c)
	[ -x "$t" ] || die "$t not built (make tests-build)"
	prog_tests+=("$t")
done
guest_tests=(vmtest/guest/*.sh)
shopt -u nullglob
for t in "${prog_tests[@]}" "${guest_tests[@]}"; do
	basename "$t"
done >"$manifest"
[ -s "$manifest" ] || die "no tests: no tests/prog/test_*.c and no vmtest/guest/*.sh"
echo "vmtest: $(wc -l <"$manifest") tests: $(paste -sd' ' "$manifest")"

# ---- the kernel ----------------------------------------------------------
moddir=
if [ -f "$KERNEL" ]; then
	vmlinuz=$KERNEL
	echo "vmtest: kernel $vmlinuz (modules: none; the options in vmtest/config must be built in)"
else
	pkg=$KERNEL
	if [ "$pkg" = debian-6.1-newest ]; then
		newest() { apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64$' | awk '{print $1}' | sort -V | tail -1; }
		pkg=$(newest)
		[ -n "$pkg" ] || { apt-get update -qq && pkg=$(newest); }
		[ -n "$pkg" ] || die "no linux-image-6.1.0-N-amd64 package known to apt (apt-get update?)"
	fi
	deb=$(ls "$CACHE"/"${pkg}"_*.deb 2>/dev/null | head -1 || true)
	if [ -z "$deb" ]; then
		echo "vmtest: fetching $pkg"
		(cd "$CACHE" && apt-get download "$pkg" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
		deb=$(ls "$CACHE"/"${pkg}"_*.deb 2>/dev/null | head -1 || true)
		[ -n "$deb" ] || die "apt-get download $pkg produced no .deb"
	fi
	x=$CACHE/$pkg
	[ -d "$x/boot" ] || { rm -rf "$x"; dpkg-deb -x "$deb" "$x"; }
	vmlinuz=$(ls "$x"/boot/vmlinuz-* | head -1)
	config=$(ls "$x"/boot/config-* | head -1)
	moddir=$(ls -d "$x"/lib/modules/* | head -1)
	while read -r opt; do
		case $opt in ''|\#*) continue ;; esac
		name=${opt%%=*} want=${opt#*=}
		have=$(grep "^$name=" "$config" | cut -d= -f2 || true)
		[ "$have" = y ] || [ "$have" = "$want" ] || die "$pkg: $name=$have, the tests need $want"
	done <vmtest/config
	echo "vmtest: kernel $pkg ($(basename "$vmlinuz"))"
fi

# ---- the initramfs -------------------------------------------------------
root=$WORK/root
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,run,etc,lib/modules,tests,usr/lib}
cp /bin/busybox "$root/bin/busybox"
for a in $("$root/bin/busybox" --list); do
	[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done
# Real binaries where busybox's applets are too small (ip netns, tc, veth).
copy_bin() { # copy a binary and the shared libraries it needs
	local src=$1 dst=$2 lib
	mkdir -p "$(dirname "$root/$dst")"
	cp -L "$src" "$root/$dst"
	for lib in $(ldd "$src" 2>/dev/null | awk '/=> \//{print $3} /^\t\/lib/{print $1}'); do
		[ -e "$root/$lib" ] || { mkdir -p "$root/$(dirname "$lib")"; cp -L "$lib" "$root/$lib"; }
	done
}
# busybox sh runs its own applets for bare names, so the guest scripts call
# these by path (see vmtest/guest/*.sh).
copy_bin "$(command -v ip)" usr/sbin/ip
copy_bin "$(command -v tc)" usr/sbin/tc
copy_bin "$(command -v bpftool)" bin/bpftool
copy_bin "$(command -v xdp-filter)" bin/xdp-filter
copy_bin "$O/asclass" bin/asclass
# libxdp's dispatcher and xdp-filter's programs are BPF objects on disk.
mkdir -p "$root/usr/lib/x86_64-linux-gnu"
cp -r /usr/lib/x86_64-linux-gnu/bpf "$root/usr/lib/x86_64-linux-gnu/"
for t in "${prog_tests[@]}"; do
	copy_bin "$t" "tests/$(basename "$t")"
done
for t in "${guest_tests[@]}"; do
	install -m 755 "$t" "$root/tests/"
done
# what the guest tests source (/tests/lib: not in MANIFEST, never run)
mkdir -p "$root/tests/lib"
for l in vmtest/guest/lib/*.sh; do
	if [ -f "$l" ]; then cp "$l" "$root/tests/lib/"; fi
done
cp "$manifest" "$root/tests/MANIFEST"
cp vmtest/init.sh "$root/init"
chmod +x "$root/init"
if [ -n "$moddir" ]; then
	kver=$(basename "$moddir")
	# The package leaves modules.dep to depmod at install time.
	[ -s "$moddir/modules.dep" ] || depmod -b "$(dirname "$(dirname "$(dirname "$moddir")")")" "$kver" \
		|| die "depmod for $kver failed"
	for m in veth sch_ingress cls_bpf; do
		f=$(grep -E "/$m\.ko(\.xz|\.zst)?:" "$moddir/modules.dep" | cut -d: -f1)
		[ -n "$f" ] || die "module $m not in $pkg"
		deps=$(grep -E "/$m\.ko(\.xz|\.zst)?:" "$moddir/modules.dep" | cut -d: -f2)
		for d in $deps $f; do # dependencies first
			mkdir -p "$root/lib/modules"
			cp "$moddir/$d" "$root/lib/modules/"
			echo "$(basename "$d")" >>"$root/lib/modules/load.order"
		done
	done
fi
initrd=$WORK/initramfs.cpio.gz
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$initrd"
echo "vmtest: initramfs $(du -h "$initrd" | cut -f1)"

# ---- boot ------------------------------------------------------------------
# TCG always works; KVM only where asked for (on the build machines /dev/kvm
# exists but refuses to run guests, so probing it is no guide).
accel="-accel tcg"
[ "${VMTEST_KVM:-0}" = 1 ] && accel="-accel kvm -accel tcg"
log=$WORK/console.log
start=$(date +%s)
set +e
timeout "$TIMEOUT" qemu-system-x86_64 $accel -m 1024 -smp 2 -cpu max \
	-kernel "$vmlinuz" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 loglevel=4 rdinit=/init" \
	-nographic -no-reboot -serial mon:stdio -nic none </dev/null 2>&1 | tr -d '\r' | tee "$log"
set -e
end=$(date +%s)
echo "vmtest: guest ran $((end - start)) s"
vmtest/verdict.sh "$log" "$manifest" || die "FAILED (console: $log)"
echo "vmtest: all $(wc -l <"$manifest") tests passed"
