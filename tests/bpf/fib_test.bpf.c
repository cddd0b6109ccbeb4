// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/bpf/fib_test.bpf.c - looks a batch of addresses up in the fast
 * tables and in the LPM tries, with the data plane's own lookup code, and
 * stores both answers.  Run with BPF_PROG_TEST_RUN by tests/prog/test_fib.c;
 * the maps are the classifier's, shared through their pins. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "asclass.h"
#include "lib/maps.h"
#include "lib/lpm.h"
#include "lib/fib.h"
#include "fib_test.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FT_MAX);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct ft_addr);
} ft_addrs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FT_MAX);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct ft_res);
} ft_res SEC(".maps");

/* Set by the test before each run.  ft_gen 2: read the active generation
 * from asc_state for every address, as the classifier does per packet. */
__u32 ft_gen, ft_family, ft_start, ft_count, ft_skip_lpm;

static long one(__u32 i, void *ctx)
{
	const struct asc_route *fr, *lr;
	__u32 f, l = ASC_REC_NONE;
	__u32 k = ft_start + i;
	struct ft_addr *a;
	struct ft_res *r;
	__u32 gen = ft_gen, zero = 0;

	if (gen > 1) {
		const struct asc_state *st = bpf_map_lookup_elem(&asc_state, &zero);

		if (!st)
			return 1;
		gen = st->generation;
	}
	a = bpf_map_lookup_elem(&ft_addrs, &k);
	r = bpf_map_lookup_elem(&ft_res, &k);
	if (!a || !r)
		return 1;
	if (ft_family == 4) {
		f = fib_lookup_v4(gen & 1, a->addr);
		if (!ft_skip_lpm)
			l = lpm_lookup_v4(gen & 1, a->addr);
	} else {
		f = fib_lookup_v6(gen & 1, a->addr);
		if (!ft_skip_lpm)
			l = lpm_lookup_v6(gen & 1, a->addr);
	}
	/* Both yield a record index into asc_fib_route. */
	fr = f ? bpf_map_lookup_elem(&asc_fib_route, &f) : NULL;
	lr = l ? bpf_map_lookup_elem(&asc_fib_route, &l) : NULL;
	r->found = (fr ? 1 : 0) | (lr ? 2 : 0);
	r->fast_rec = f;
	r->lpm_rec = l;
	if (fr)
		r->fast = *fr;
	if (lr)
		r->lpm = *lr;
	return 0;
}

SEC("xdp")
int ft_run(struct xdp_md *ctx)
{
	bpf_loop(ft_count, one, NULL, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
