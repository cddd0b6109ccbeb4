// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/bpf/bench_tally.bpf.c - the classifier with the fast tables, but
 * counting in a per-CPU array (one read at a slot derived from the counter
 * key) instead of the asc_counts hash: what a dense counter index carried
 * in the route table would cost (docs/LOOKUP.md, next steps).  A what-if
 * for `make bench`, not a way asclass counts. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "asclass.h"

#define TALLY_SLOTS (1U << 17) /* ASC_MAX_COUNTERS */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TALLY_SLOTS);
	__type(key, __u32);
	__type(value, struct asc_count_val);
} bench_tally SEC(".maps");

struct asc_addr;

static __always_inline void tally(const struct asc_count_key *k, const struct asc_addr *a,
				  __u64 bytes)
{
	__u32 i = (k->origin_asn * 2654435761U ^ k->transit_asn * 40503U ^ k->upstream_id ^
		   (__u32)k->dir << 8 ^ (__u32)k->family << 9) &
		  (TALLY_SLOTS - 1);
	struct asc_count_val *v = bpf_map_lookup_elem(&bench_tally, &i);

	if (v) {
		v->packets += 1;
		v->bytes += bytes;
	}
}

#define ASC_BENCH_COUNT tally
#include "bench.bpf.c"
