/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* bpf/lib/routes.h - the one route-lookup interface the classifier uses.
 * Which implementation answers is a runtime choice in asc_state.lookup;
 * each implementation lives in its own header.  Both yield an index into
 * asc_fib_route, the route records. */
#ifndef ASC_BPF_ROUTES_H
#define ASC_BPF_ROUTES_H

#include "lib/lpm.h"
#include "lib/fib.h"

/* The record index of the route covering the address, ASC_REC_NONE when no
 * prefix does. */
static __always_inline __u32 route_lookup(const struct asc_state *st, const struct asc_addr *a)
{
	__u32 gen = st->generation & 1;

#ifdef ASC_BENCH_BARE /* tests/bench: parse and count without a lookup */
	return ASC_REC_NONE;
#endif
	if (st->lookup == ASC_LOOKUP_FAST) {
		if (a->family == ASC_FAMILY_V4)
			return fib_lookup_v4(gen, a->addr);
		return fib_lookup_v6(gen, a->addr);
	}
	if (a->family == ASC_FAMILY_V4)
		return lpm_lookup_v4(gen, a->addr);
	return lpm_lookup_v6(gen, a->addr);
}

/* The record of the route covering the address, else the generation's
 * no-route record of its family (*no_route set).  NULL only if a map
 * lookup that cannot fail did. */
static __always_inline const struct asc_route *
route_record(const struct asc_state *st, const struct asc_addr *a, bool *no_route)
{
	__u32 rec = route_lookup(st, a);

	*no_route = rec == ASC_REC_NONE;
	if (*no_route)
		rec = (st->generation & 1) * ASC_FIB_ROUTES +
		      (a->family == ASC_FAMILY_V4 ? ASC_REC_NOROUTE4 : ASC_REC_NOROUTE6);
	return bpf_map_lookup_elem(&asc_fib_route, &rec);
}

#endif
