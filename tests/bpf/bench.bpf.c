// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/bpf/bench.bpf.c - the classifier for `make bench`: before each run
 * the frame's source address is replaced by the next one of bench_addrs, so
 * one BPF_PROG_TEST_RUN with repeat=N classifies N different addresses.
 * tests/bpf/bench_bare.bpf.c is the same with the route lookup compiled out
 * ("bare": parse and count).  Both share the classifier's maps by pin. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "asclass.h"
#include "lib/classify.h"
#include "bench.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BENCH_ADDRS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct bench_addr);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} bench_addrs SEC(".maps");

__u32 bench_next;

SEC("xdp")
int bench_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct bench_addr *a;
	__u32 k = bench_next++ & (BENCH_ADDRS - 1);
	struct cursor c;

	a = bpf_map_lookup_elem(&bench_addrs, &k);
	if (!a || (void *)(eth + 1) > end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > end)
			return XDP_PASS;
		__builtin_memcpy(&ip->saddr, a->addr, 4);
	} else {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > end)
			return XDP_PASS;
		__builtin_memcpy(&ip6->saddr, a->addr, 16);
	}
	c.pos = data;
	c.end = end;
	classify(&c, ASC_DIR_RX, ctx->ingress_ifindex, 0, end - data);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
