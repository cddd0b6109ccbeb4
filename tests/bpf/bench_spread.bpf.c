// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/bpf/bench_spread.bpf.c - the bare program (no lookup), but counting
 * under as many keys as a full table's routes give (about 100k, derived from
 * the address), so that it does the classifier's counting work: the ratio
 * against it is the lookup's own cost. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "asclass.h"

struct asc_addr; /* bpf/lib/parse.h */
static __always_inline void spread_count(struct asc_count_key *k, const struct asc_addr *a,
					 __u64 bytes);

#define ASC_BENCH_BARE
#define ASC_BENCH_COUNT spread_count
#include "bench.bpf.c"

static __always_inline void spread_count(struct asc_count_key *k, const struct asc_addr *a,
					 __u64 bytes)
{
	k->origin_asn =
		(*(const __u32 *)&a->addr[a->family == ASC_FAMILY_V4 ? 0 : 4] * 2654435761U) %
		100000;
	count_packet(k, bytes);
}
