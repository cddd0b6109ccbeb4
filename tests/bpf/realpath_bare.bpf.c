// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/bpf/realpath_bare.bpf.c - the classifier's own entry points
 * (bpf/asclass.bpf.c) with the route lookup compiled out, for `make
 * bench-realpath`: the bare program it attaches to the same link in turn
 * with asclass_xdp.  Unlike tests/bpf/bench_bare.bpf.c it leaves the frame
 * alone (real traffic carries its own addresses), so the two programs differ
 * only by the lookup: same parsing, same maps (the loader reuses the pinned
 * ones), every packet counted under one key per family. */
#define ASC_BENCH_BARE
#include "asclass.bpf.c"
