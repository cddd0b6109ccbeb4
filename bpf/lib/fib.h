/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* bpf/lib/fib.h - the fast route tables: a Poptrie-style multibit trie in
 * four BPF arrays (layout in include/asclass.h, reasons in docs/LOOKUP.md).
 *
 * Userspace builds a new table into the inactive generation and flips
 * asc_state.generation, or replaces one subtree of the active generation by
 * writing fresh nodes and then one direct entry.  Either way a lookup reads
 * the generation once and follows indexes written before it could see them,
 * so it sees one whole table.
 */
#ifndef ASC_BPF_FIB_H
#define ASC_BPF_FIB_H

#define ASC_FIB_ARRAY(name, vtype, size)                                                           \
	struct {                                                                                   \
		__uint(type, BPF_MAP_TYPE_ARRAY);                                                  \
		__uint(max_entries, size);                                                         \
		__uint(map_flags, BPF_F_MMAPABLE);                                                 \
		__type(key, __u32);                                                                \
		__type(value, vtype);                                                              \
		__uint(pinning, LIBBPF_PIN_BY_NAME);                                               \
	} name SEC(".maps")

ASC_FIB_ARRAY(asc_fib_dir, struct asc_fib_pack, 2 * ASC_FIB_DIR_GEN / ASC_FIB_PACK);
ASC_FIB_ARRAY(asc_fib_node, struct asc_fib_node, 2 * ASC_FIB_NODES);
ASC_FIB_ARRAY(asc_fib_leaf, struct asc_fib_pack, 2 * ASC_FIB_LEAVES / ASC_FIB_PACK);
/* Route records of both lookup kinds (the LPM tries hold indexes into it). */
ASC_FIB_ARRAY(asc_fib_route, struct asc_route, 2 * ASC_FIB_ROUTES);

/* The BPF instruction set has no popcount: the usual SWAR reduction. */
static __always_inline __u64 fib_popcount(__u64 x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (x * 0x0101010101010101ULL) >> 56;
}

static __always_inline __u32 fib_pack_get(void *map, __u32 i)
{
	__u32 k = i / ASC_FIB_PACK;
	struct asc_fib_pack *p = bpf_map_lookup_elem(map, &k);

	return p ? p->v[i & (ASC_FIB_PACK - 1)] : 0;
}

/* hi:lo is the address as a 128-bit number, left-aligned (IPv4 in the top
 * 32 bits of hi).  Returns the record index, 0 when no prefix covers it. */
static __always_inline __u32 fib_walk(__u32 entry, __u64 hi, __u64 lo)
{
	struct asc_fib_node *n;
	__u64 bit, mask;
	__u32 idx, i, shift;

	for (i = 0; i < ASC_FIB_LEVELS6 && (entry & ASC_FIB_NODE); i++) {
		idx = entry & ~ASC_FIB_NODE;
		n = bpf_map_lookup_elem(&asc_fib_node, &idx);
		if (!n)
			return ASC_REC_NONE;
		if (n->base0 & ASC_FIB_SKIP) {
			mask = n->leafvec & ~ASC_FIB_SKIP_LEVELS;
			if ((hi & mask) != n->vector) {
				entry = n->base0 & ~ASC_FIB_SKIP;
				break;
			}
			entry = n->base1;
			if (!(entry & ASC_FIB_NODE))
				break;
			/* a node further on: 6 to 60 bits, never 0 or 64 */
			shift = (__u32)(n->leafvec & ASC_FIB_SKIP_LEVELS) * ASC_FIB_STRIDE;
			hi = hi << shift | lo >> (64 - shift);
			lo <<= shift;
			continue;
		}
		bit = 1ULL << (hi >> (64 - ASC_FIB_STRIDE));
		hi = hi << ASC_FIB_STRIDE | lo >> (64 - ASC_FIB_STRIDE);
		lo <<= ASC_FIB_STRIDE;
		mask = bit | (bit - 1);
		if (n->vector & bit)
			entry = ASC_FIB_NODE |
				(n->base1 + (__u32)fib_popcount(n->vector & mask) - 1);
		else
			entry = fib_pack_get(&asc_fib_leaf,
					     n->base0 + (__u32)fib_popcount(n->leafvec & mask) - 1);
	}
	return entry & ASC_FIB_NODE ? ASC_REC_NONE : entry;
}

static __always_inline __u32 fib_lookup_v4(__u32 gen, const __u8 *addr)
{
	__u32 a = bpf_ntohl(*(const __u32 *)addr);
	__u32 entry =
		fib_pack_get(&asc_fib_dir, gen * ASC_FIB_DIR_GEN + (a >> (32 - ASC_FIB_DIR4_BITS)));

	return fib_walk(entry, (__u64)a << (32 + ASC_FIB_DIR4_BITS), 0);
}

static __always_inline __u32 fib_lookup_v6(__u32 gen, const __u8 *addr)
{
	__u64 hi = bpf_be64_to_cpu(*(const __u64 *)addr);
	__u64 lo = bpf_be64_to_cpu(*(const __u64 *)(addr + 8));
	__u32 entry = fib_pack_get(&asc_fib_dir, gen * ASC_FIB_DIR_GEN + ASC_FIB_DIR4_SIZE +
							 (__u32)(hi >> (64 - ASC_FIB_DIR6_BITS)));

	return fib_walk(entry, hi << ASC_FIB_DIR6_BITS | lo >> (64 - ASC_FIB_DIR6_BITS),
			lo << ASC_FIB_DIR6_BITS);
}

#endif
