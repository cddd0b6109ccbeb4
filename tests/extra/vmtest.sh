#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/extra/vmtest.sh - make check's run of vmtest on the default kernel
# (vmtest/kernels.conf): Debian's newest 6.1 LTS kernel under QEMU.
set -eu
cd "$(dirname "$0")/../.."
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (apt-get download of the kernel package)"; exit 77; }
exec vmtest/run.sh
