# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# mk/vmtest.mk - make vmtest [KERNEL=<Debian package | bzImage | debian-6.1-newest>]:
# the BPF_PROG_TEST_RUN tests and the guest network tests (vmtest/guest/)
# inside QEMU.  make check runs it through tests/extra/vmtest.sh.
.PHONY: vmtest
vmtest: tests-build
	$(Q)O=$(O) vmtest/run.sh $(KERNEL)

CLEAN_EXTRA += vmtest-clean
.PHONY: vmtest-clean
vmtest-clean:
	$(Q)rm -rf vmtest/cache
