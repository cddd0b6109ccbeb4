/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/tables.h - builds the data-plane route tables aside and swaps them in.
 *
 * tables_load() fills the inactive generation of every table from a resolved
 * table, then flips asc_state.generation in one map update: a packet sees the
 * old tables or the new ones, never a mixture.  On any failure the active
 * generation and every counter are untouched.  Serialised with other loaders
 * by an flock on /run/asclass.lock. */
#ifndef ASC_TABLES_H
#define ASC_TABLES_H
#include "maps.h"
#include "rtable.h"

struct tables_result {
	size_t routes_v4, routes_v6;
	double build_seconds; /* filling the inactive generation */
	unsigned int generation; /* now active */
};

/* Returns 0 or a negative errno; logs what failed. */
int tables_load(const struct asc_maps *m, const struct rtable *t, struct tables_result *res);

/* Longest-prefix match in the active tables, as the data plane sees it.
 * Returns 0 and fills *rt (and the matched prefix into *match), -ENOENT if
 * no prefix covers addr. */
int tables_lookup(const struct asc_maps *m, int family, const uint8_t *addr,
		  struct asc_route *rt, struct rt_entry *match);

#endif
