/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* bpf/lib/routes.h - the one route-lookup interface the classifier uses.
 * Which implementation answers is a runtime choice in asc_state.lookup;
 * each implementation lives in its own header. */
#ifndef ASC_BPF_ROUTES_H
#define ASC_BPF_ROUTES_H

#include "lib/lpm.h"
#include "lib/fib.h"

/* Returns the route covering the address, or NULL when no prefix does. */
static __always_inline const struct asc_route *route_lookup(const struct asc_state *st,
							    const struct asc_addr *a)
{
	__u32 gen = st->generation & 1;

#ifdef ASC_BENCH_BARE /* tests/bench: parse and count without a lookup */
	return NULL;
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

#endif
