// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/bpf/bench_bare.bpf.c - tests/bpf/bench.bpf.c without the route
 * lookup (bpf/lib/routes.h returns "no route"): the floor the benchmark
 * compares the classifier with. */
#define ASC_BENCH_BARE
#include "bench.bpf.c"
