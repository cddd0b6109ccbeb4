/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* bpf/lib/parse.h - packet parsers: cursor-based and bounds-checked.
 *
 * Each parser checks that the whole header it reads lies before c->end,
 * advances the cursor past it on success, and on failure returns a negative
 * enum asc_stat naming the reason (so the caller counts it) without moving
 * the cursor.  Nothing here writes to the packet.
 */
#ifndef ASC_BPF_PARSE_H
#define ASC_BPF_PARSE_H

#include "lib/consts.h"

struct cursor {
	void *pos;
	void *end;
};

struct asc_vlan_hdr {
	__be16 tci;
	__be16 encap_proto;
};

/* The remote address of a packet: IPv4 in the first 4 bytes of addr. */
struct asc_addr {
	__u8 addr[16] __attribute__((aligned(8))); /* read as words by the fast tables */
	__u8 family;				   /* enum asc_family */
};

/* Ethernet plus up to ASC_VLAN_MAX 802.1Q/802.1ad tags.  Returns the inner
 * EtherType (network order) and sets *vlan_id to the outer tag's VID (0 when
 * untagged), or returns -ASC_STAT_*. */
static __always_inline int parse_eth(struct cursor *c, __u16 *vlan_id)
{
	struct ethhdr *eth = c->pos;
	struct asc_vlan_hdr *vh;
	__be16 proto;
	int i;

	if ((void *)(eth + 1) > c->end)
		return -ASC_STAT_TRUNC_ETH;
	proto = eth->h_proto;
	vh = (void *)(eth + 1);
	*vlan_id = 0;
#pragma unroll
	for (i = 0; i < ASC_VLAN_MAX; i++) {
		if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD))
			break;
		if ((void *)(vh + 1) > c->end)
			return -ASC_STAT_TRUNC_VLAN;
		if (i == 0)
			*vlan_id = bpf_ntohs(vh->tci) & VLAN_VID_MASK;
		proto = vh->encap_proto;
		vh++;
	}
	if (proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD))
		return -ASC_STAT_VLAN_DEPTH;
	c->pos = vh;
	return proto;
}

/* IPv4 header including options (IHL).  Fragments are fine: the addresses
 * are in every fragment.  `remote_is_src` picks the address to return. */
static __always_inline int parse_ipv4(struct cursor *c, int remote_is_src, struct asc_addr *a)
{
	struct iphdr *ip = c->pos;
	__u32 hlen;

	if ((void *)(ip + 1) > c->end)
		return -ASC_STAT_TRUNC_IPV4;
	if (ip->version != 4 || ip->ihl < 5)
		return -ASC_STAT_BAD_IPV4;
	hlen = ip->ihl * 4;
	if (c->pos + hlen > c->end)
		return -ASC_STAT_TRUNC_IPV4;
	a->family = ASC_FAMILY_V4;
	__builtin_memcpy(a->addr, remote_is_src ? (void *)&ip->saddr : (void *)&ip->daddr, 4);
	c->pos += hlen;
	return 0;
}

/* IPv6 fixed header.  Extension headers are not walked: only the addresses
 * matter, and they are in the fixed header. */
static __always_inline int parse_ipv6(struct cursor *c, int remote_is_src, struct asc_addr *a)
{
	struct ipv6hdr *ip6 = c->pos;

	if ((void *)(ip6 + 1) > c->end)
		return -ASC_STAT_TRUNC_IPV6;
	if (ip6->version != 6)
		return -ASC_STAT_BAD_IPV6;
	a->family = ASC_FAMILY_V6;
	__builtin_memcpy(a->addr, remote_is_src ? (void *)&ip6->saddr : (void *)&ip6->daddr, 16);
	c->pos = ip6 + 1;
	return 0;
}

#endif
