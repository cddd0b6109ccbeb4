/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/dataplane/tables.h - builds the data-plane route tables aside and swaps them in.
 *
 * tables_load() fills the inactive generation of every table from a resolved
 * table, then flips asc_state.generation in one map update: a packet sees the
 * old tables or the new ones, never a mixture.  On any failure the active
 * generation and every counter are untouched.  Serialised with other loaders
 * by an flock on /run/asclass.lock. */
#ifndef ASC_TABLES_H
#define ASC_TABLES_H
#include "dataplane/fib.h"
#include "dataplane/maps.h"
#include "routes/rtable.h"

enum tables_which {
	TABLES_LPM = 1U << 0,  /* the LPM tries (--lookup lpm) */
	TABLES_FAST = 1U << 1, /* the fast tables (--lookup fast, the default) */
};

struct tables_opts {
	unsigned int which; /* enum tables_which; 0 = TABLES_FAST.  The data
			       plane then uses the fast tables if written. */
	struct fib *fib;    /* a fib to build with (kept for fib_update()), or
			       NULL to open one for this load */
};

struct tables_result {
	size_t routes_v4, routes_v6;
	double build_seconds; /* filling the inactive generation: lpm + fast */
	double lpm_seconds, fast_seconds;
	double swap_seconds;	 /* the asc_state update that activates it */
	unsigned int generation; /* now active */
	unsigned int lookup;	 /* enum asc_lookup_kind now active */
	struct fib_usage fast;	 /* when the fast tables were written */
	size_t slots_used;	 /* counter slots holding an identity */
	size_t slots_folded;	 /* idle slots folded into asc_retired for new identities */
	size_t slots_missed;	 /* identities that found no slot: counted in overflow */
};

/* Returns 0 or a negative errno; logs what failed.  o may be NULL. */
int tables_load(const struct asc_maps *m, const struct rtable *t, const struct tables_opts *o,
		struct tables_result *res);

/* The upstream columns of the attached upstreams, as per-link resolution
 * takes them (routes_opts.upstreams, rib_to_rtable()): column c is the
 * upstream whose asc_upstreams entry holds column c, with its AS and
 * neighbor.  Returns 0 or a negative errno. */
int tables_upstreams(const struct asc_maps *m, struct rt_upstreams *u);

/* match->plen when the tables cannot tell the matched prefix: the fast
 * tables keep routes, not prefixes. */
#define TABLES_PLEN_UNKNOWN 255

/* Longest-prefix match in the active tables, as the data plane sees it.
 * Returns 0 and fills the route record *rec (and the matched prefix into
 * *match, with plen TABLES_PLEN_UNKNOWN under the fast tables), -ENOENT if
 * no prefix covers addr (*rec is then the family's no-route record). */
int tables_lookup(const struct asc_maps *m, int family, const uint8_t *addr, struct asc_route *rec,
		  struct rt_entry *match);

/* What column col of record *rec counts under: the identity in its slot.
 * -ENOENT when the column has no slot (slot 0: overflow). */
int tables_slot_identity(const struct asc_maps *m, const struct asc_route *rec, unsigned int col,
			 struct asc_count *id);

#endif
