/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* bpf/lib/classify.h - lookup and counting, shared by both entry points.
 *
 * classify() never fails and never touches the packet: every outcome is a
 * counter.  The callers pass every packet on.
 */
#ifndef ASC_BPF_CLASSIFY_H
#define ASC_BPF_CLASSIFY_H

#include "lib/parse.h"
#include "lib/maps.h"
#include "lib/routes.h"

static __always_inline void count_stat(__u32 stat)
{
	__u64 *v = bpf_map_lookup_elem(&asc_stats, &stat);

	if (v)
		*v += 1;
}

/* The upstream of a frame: the exact (ifindex, VLAN) entry, else the
 * interface-wide one, else 0. */
static __always_inline __u16 lookup_upstream(__u32 ifindex, __u16 vlan_id)
{
	struct asc_link_key k = { .ifindex = ifindex, .vlan_id = vlan_id };
	struct asc_link_val *l;

	l = bpf_map_lookup_elem(&asc_links, &k);
	if (!l) {
		k.vlan_id = ASC_VLAN_ANY;
		l = bpf_map_lookup_elem(&asc_links, &k);
	}
	return l ? l->upstream_id : 0;
}

static __always_inline void count_overflow(const struct asc_count_key *key, __u64 bytes)
{
	__u32 idx = key->upstream_id;
	struct asc_overflow_val *o;

	count_stat(ASC_STAT_OVERFLOW);
	o = bpf_map_lookup_elem(&asc_overflow, &idx);
	if (!o || key->dir >= ASC_DIR_MAX)
		return;
	o->dir[key->dir].packets += 1;
	o->dir[key->dir].bytes += bytes;
}

/* Per-CPU values: no atomics needed, each CPU owns its slot. */
static __always_inline void count_packet(const struct asc_count_key *key, __u64 bytes)
{
	struct asc_count_val *v, init = { .packets = 1, .bytes = bytes };

	v = bpf_map_lookup_elem(&asc_counts, key);
	if (!v) {
		if (!bpf_map_update_elem(&asc_counts, key, &init, BPF_NOEXIST))
			return;
		/* Another CPU may have created the key meanwhile; else the map is full. */
		v = bpf_map_lookup_elem(&asc_counts, key);
		if (!v) {
			count_overflow(key, bytes);
			return;
		}
	}
	v->packets += 1;
	v->bytes += bytes;
}

/*
 * c:        cursor over the frame (Ethernet header first)
 * dir:      ASC_DIR_RX (remote = source) or ASC_DIR_TX (remote = destination)
 * ifindex:  the border link's interface
 * hw_vlan:  VLAN id the driver took out of the frame (tc), 0 if none
 * bytes:    the frame length to count
 */
static __always_inline void classify(struct cursor *c, enum asc_dir dir, __u32 ifindex,
				     __u16 hw_vlan, __u64 bytes)
{
	struct asc_count_key key = {};
	const struct asc_route *rt;
	const struct asc_state *st;
	struct asc_addr a = {};
	__u32 zero = 0;
	__u16 vlan_id;
	int proto, err;

	count_stat(ASC_STAT_SEEN);
	proto = parse_eth(c, &vlan_id);
	if (proto < 0) {
		count_stat(-proto);
		return;
	}
	if (hw_vlan && !vlan_id)
		vlan_id = hw_vlan;

	if (proto == bpf_htons(ETH_P_IP)) {
		err = parse_ipv4(c, dir == ASC_DIR_RX, &a);
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		err = parse_ipv6(c, dir == ASC_DIR_RX, &a);
	} else {
		count_stat(ASC_STAT_NOT_IP);
		return;
	}
	if (err) {
		count_stat(-err);
		return;
	}

	st = bpf_map_lookup_elem(&asc_state, &zero);
	if (!st) {
		count_stat(ASC_STAT_INTERNAL);
		return;
	}
	rt = route_lookup(st, &a);
	if (rt) {
		key.origin_asn = rt->origin_asn;
		key.transit_asn = rt->transit_asn;
	} else {
		count_stat(ASC_STAT_NO_ROUTE);
	}
	key.upstream_id = lookup_upstream(ifindex, vlan_id);
	key.dir = dir;
	key.family = a.family;
	count_stat(ASC_STAT_CLASSIFIED);
#ifdef ASC_BENCH_COUNT /* tests/bpf/bench_*.bpf.c: counting done another way */
	ASC_BENCH_COUNT(&key, &a, bytes);
#else
	count_packet(&key, bytes);
#endif
}

#endif
