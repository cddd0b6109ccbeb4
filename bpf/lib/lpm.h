/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* bpf/lib/lpm.h - route tables in BPF_MAP_TYPE_LPM_TRIE: the reference
 * implementation and test oracle for the fast tables.
 *
 * Two generations per family: userspace fills the inactive one, then flips
 * asc_state.generation.  The data path reads the generation once per packet,
 * so a packet sees one whole table, never a mixture.
 */
#ifndef ASC_BPF_LPM_H
#define ASC_BPF_LPM_H

#define ASC_LPM_MAP(name, keytype, size)                                                           \
	struct {                                                                                   \
		__uint(type, BPF_MAP_TYPE_LPM_TRIE);                                               \
		__uint(max_entries, size);                                                         \
		__uint(map_flags, BPF_F_NO_PREALLOC);                                              \
		__type(key, keytype);                                                              \
		__type(value, __u32); /* record index into asc_fib_route */                        \
		__uint(pinning, LIBBPF_PIN_BY_NAME);                                               \
	} name SEC(".maps")

ASC_LPM_MAP(asc_lpm4_0, struct asc_lpm_v4, ASC_MAX_PREFIXES_V4);
ASC_LPM_MAP(asc_lpm4_1, struct asc_lpm_v4, ASC_MAX_PREFIXES_V4);
ASC_LPM_MAP(asc_lpm6_0, struct asc_lpm_v6, ASC_MAX_PREFIXES_V6);
ASC_LPM_MAP(asc_lpm6_1, struct asc_lpm_v6, ASC_MAX_PREFIXES_V6);

/* The record index of the longest prefix covering addr; 0 when none. */
static __always_inline __u32 lpm_lookup_v4(__u32 gen, const __u8 *addr)
{
	struct asc_lpm_v4 key = { .prefixlen = 32 };
	__u32 *rec;

	__builtin_memcpy(key.addr, addr, 4);
	rec = bpf_map_lookup_elem(gen ? (void *)&asc_lpm4_1 : (void *)&asc_lpm4_0, &key);
	return rec ? *rec : ASC_REC_NONE;
}

static __always_inline __u32 lpm_lookup_v6(__u32 gen, const __u8 *addr)
{
	struct asc_lpm_v6 key = { .prefixlen = 128 };
	__u32 *rec;

	__builtin_memcpy(key.addr, addr, 16);
	rec = bpf_map_lookup_elem(gen ? (void *)&asc_lpm6_1 : (void *)&asc_lpm6_0, &key);
	return rec ? *rec : ASC_REC_NONE;
}

#endif
