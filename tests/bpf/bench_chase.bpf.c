// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/bpf/bench_chase.bpf.c - what one dependent read at a random place
 * costs on this machine, by working-set size: `make bench-lookup` fills
 * chase_next with one random cycle over the first N entries (each value is
 * the index of the next read), and each run follows it CHASE_READS steps
 * from where the last run stopped.  The lookup tables' figures depend on
 * it: a read that misses the last-level cache costs many times one that
 * hits it. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define CHASE_READS 8

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* set by bench_lookup before loading */
	__type(key, __u32);
	__type(value, __u64);
} chase_next SEC(".maps");

__u32 chase_pos;

SEC("xdp")
int chase(struct xdp_md *ctx)
{
	__u32 p = chase_pos;

	for (int i = 0; i < CHASE_READS; i++) {
		__u64 *v = bpf_map_lookup_elem(&chase_next, &p);

		if (!v)
			return XDP_PASS;
		p = (__u32)*v;
	}
	chase_pos = p;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
