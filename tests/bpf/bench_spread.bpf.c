// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/bpf/bench_spread.bpf.c - the bare program (no lookup), but counting
 * under as many keys as a full table's routes give (about 100k, derived from
 * the address), so that it does the classifier's counting work: the ratio
 * against it is the lookup's own cost. */
#define ASC_BENCH_BARE
#define ASC_BENCH_SPREAD
#include "bench.bpf.c"
