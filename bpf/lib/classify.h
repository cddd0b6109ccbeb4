/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* bpf/lib/classify.h - lookup and counting, shared by both entry points.
 *
 * classify() never fails and never touches the packet: every outcome is a
 * counter.  The callers pass every packet on.  Per packet (include/asclass.h):
 * the statistics line, the state, the link (asc_ifaces), the route record,
 * the counter slot's row of this CPU.  Per-CPU values and rows: no atomics
 * needed, each CPU owns its copy.
 */
#ifndef ASC_BPF_CLASSIFY_H
#define ASC_BPF_CLASSIFY_H

#include "lib/parse.h"
#include "lib/maps.h"
#include "lib/routes.h"

/* One more packet under reason `stat` (enum asc_stat). */
static __always_inline void count_stat(struct asc_stats *s, __u32 stat)
{
	if (stat < ASC_STAT_MAX)
		((__u64 *)s)[stat] += 1;
}

/* The link of a frame: the exact (ifindex, VLAN) entry, else the
 * interface-wide one, else upstream 0.  The array answers for most
 * interfaces; the hash only for VLAN-specific entries and large ifindexes. */
static __always_inline struct asc_link_val lookup_link(__u32 ifindex, __u16 vlan_id)
{
	struct asc_link_key k = { .ifindex = ifindex, .vlan_id = vlan_id };
	struct asc_link_val none = { .column = ASC_COLUMN_NONE }, *l;
	struct asc_iface *ifc = NULL;

	if (ifindex < ASC_MAX_IFINDEX) {
		ifc = bpf_map_lookup_elem(&asc_ifaces, &ifindex);
		if (!ifc)
			return none;
		if (!ifc->vlan_links)
			return ifc->any;
	}
	l = bpf_map_lookup_elem(&asc_links, &k);
	if (l)
		return *l;
	if (ifc)
		return ifc->any;
	k.vlan_id = ASC_VLAN_ANY;
	l = bpf_map_lookup_elem(&asc_links, &k);
	return l ? *l : none;
}

/* The upstream's overflow bucket (upstream 0: no link). */
static __always_inline void count_overflow(__u32 upstream_id, enum asc_dir dir, __u64 bytes)
{
	struct asc_overflow_val *o;

	o = bpf_map_lookup_elem(&asc_overflow, &upstream_id);
	if (!o || dir >= ASC_DIR_MAX)
		return;
	o->dir[dir].packets += 1;
	o->dir[dir].bytes += bytes;
}

/* This CPU's row of a slot (ncpus rows per slot, from asc_state); NULL
 * for slot 0 (no slot for the link) or before the loader wrote ncpus. */
static __always_inline struct asc_count *slot_row(__u32 slot, __u32 ncpus)
{
	__u32 cpu = bpf_get_smp_processor_id(), row = slot * ncpus + cpu;

	if (!slot || cpu >= ncpus)
		return NULL;
	return bpf_map_lookup_elem(&asc_counts, &row);
}

/* Adds the packet to slot's rx or tx; no row (slot 0: no slot for the
 * link) counts in the upstream's overflow bucket. */
static __always_inline void count_slot(struct asc_stats *s, __u32 slot, __u32 ncpus,
				       const struct asc_link_val *l, enum asc_dir dir, __u64 bytes)
{
	struct asc_count *c = slot_row(slot, ncpus);
	struct asc_count_val *v;

	if (!c) {
		s->overflow += 1;
		count_overflow(l->upstream_id, dir, bytes);
		return;
	}
	v = dir == ASC_DIR_RX ? &c->rx : &c->tx;
	v->packets += 1;
	v->bytes += bytes;
}

/* Finds the slot of a parsed packet and counts it. */
static __always_inline void count_packet(struct asc_stats *s, const struct asc_addr *a,
					 enum asc_dir dir, __u32 ifindex, __u16 vlan_id,
					 __u64 bytes)
{
	const struct asc_route *rec;
	const struct asc_state *st;
	struct asc_link_val l;
	bool no_route;
	__u32 zero = 0, slot = 0;

	l = lookup_link(ifindex, vlan_id);
	if (!l.upstream_id) {
		s->classified += 1;
		s->no_link += 1;
		count_overflow(0, dir, bytes);
		return;
	}
	st = bpf_map_lookup_elem(&asc_state, &zero);
	rec = st ? route_record(st, a, &no_route) : NULL;
	if (!st || !rec) { /* st: tells the verifier too */
		s->internal += 1;
		return;
	}
	s->classified += 1;
	if (no_route)
		s->no_route += 1;
	if (l.column < ASC_COLUMNS)
		slot = rec->slot[l.column];
#ifdef ASC_BENCH_COUNT /* tests/bpf/bench_*.bpf.c: the slot found another way */
	ASC_BENCH_COUNT(&slot, a, bytes);
#endif
	count_slot(s, slot, st->ncpus, &l, dir, bytes);
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
	struct asc_addr a = {};
	struct asc_stats *s;
	__u32 zero = 0;
	__u16 vlan_id;
	int proto, err;

	s = bpf_map_lookup_elem(&asc_stats, &zero);
	if (!s)
		return; /* cannot happen: a one-element array */
	s->seen += 1;
	proto = parse_eth(c, &vlan_id);
	if (proto < 0) {
		count_stat(s, -proto);
		return;
	}
	if (hw_vlan && !vlan_id)
		vlan_id = hw_vlan;

	if (proto == bpf_htons(ETH_P_IP)) {
		err = parse_ipv4(c, dir == ASC_DIR_RX, &a);
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		err = parse_ipv6(c, dir == ASC_DIR_RX, &a);
	} else {
		s->not_ip += 1;
		return;
	}
	if (err) {
		count_stat(s, -err);
		return;
	}
	count_packet(s, &a, dir, ifindex, vlan_id, bytes);
}

#endif
