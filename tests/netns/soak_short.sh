#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/soak_short.sh - the soak test (tests/soak/soak.sh), shortened
# for make check: 16 reloads (some with SIGHUP too, a burst, a bad file),
# 3 kill -9 restarts (idle, in the middle of a reload, during start-up), 1
# upgrade to another build, 2 ASan/LSan runs, under traffic on both links in
# both directions; every packet accounted for, no counter going backwards, no
# key outside the route sets, flat RSS.  `make soak` runs the full one
# (docs/RELIABILITY.md).
set -eu
cd "$(dirname "$0")/../.."
. tests/lib/netns.sh
need_root
O=${O:-build}
# The upgrade build and the ASan build; up to date after make check, so this
# is a no-op there.  Not under the caller's make (no jobserver to share).
env -u MAKEFLAGS -u MAKELEVEL make -s --no-print-directory O="$O" soak-bins >/dev/null
exec tests/soak/soak.sh --short
