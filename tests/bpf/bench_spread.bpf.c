// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/bpf/bench_spread.bpf.c - the bare program (no lookup), but counting
 * in as many asc_counts slots as a full table's routes give (about 100k,
 * derived from the address), so that it does the classifier's counting
 * work: the ratio against it is the lookup's own cost. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "asclass.h"

#define SPREAD_SLOTS 100000 /* below the bench's asc_counts capacity */

struct asc_addr; /* bpf/lib/parse.h */
static __always_inline void spread_count(__u32 *slot, const struct asc_addr *a, __u64 bytes);

#define ASC_BENCH_BARE
#define ASC_BENCH_COUNT spread_count
#include "bench.bpf.c"

static __always_inline void spread_count(__u32 *slot, const struct asc_addr *a, __u64 bytes)
{
	*slot = 1 + (*(const __u32 *)&a->addr[a->family == ASC_FAMILY_V4 ? 0 : 4] * 2654435761U) %
			    SPREAD_SLOTS;
}
