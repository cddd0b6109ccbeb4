/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* bpf/lib/routes.h - the one route-lookup interface the classifier uses.
 * Which implementation answers is a runtime choice in asc_state.lookup;
 * each implementation lives in its own header. */
#ifndef ASC_BPF_ROUTES_H
#define ASC_BPF_ROUTES_H

#include "lib/lpm.h"

/* Returns the route covering the address, or NULL when no prefix does. */
static __always_inline const struct asc_route *route_lookup(const struct asc_state *st,
							    const struct asc_addr *a)
{
	if (a->family == ASC_FAMILY_V4)
		return lpm_lookup_v4(st->generation, a->addr);
	return lpm_lookup_v6(st->generation, a->addr);
}

#endif
