/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/dataplane/tables.h - builds the data-plane route tables aside and swaps them in.
 *
 * tables_load() fills the inactive generation of every table from a resolved
 * table, then flips asc_state.generation in one map update: a packet sees the
 * old tables or the new ones, never a mixture.  On any failure the active
 * generation and every counter are untouched.  Serialised with other loaders
 * of the same maps by an flock on their pin directory (maps_lock()). */
#ifndef ASC_TABLES_H
#define ASC_TABLES_H
#include "dataplane/fib.h"
#include "dataplane/maps.h"
#include "routes/rtable.h"

enum tables_which {
	TABLES_LPM = 1U << 0,  /* the LPM tries (--lookup lpm) */
	TABLES_FAST = 1U << 1, /* the fast tables (--lookup fast, the default) */
};

struct tables_live;

struct tables_opts {
	unsigned int which;	  /* enum tables_which; 0 = TABLES_FAST.  The data
				     plane then uses the fast tables if written. */
	struct fib *fib;	  /* a fib to build with (kept for fib_update()), or
				     NULL to open one for this load */
	struct tables_live *live; /* or: build with its fib and slot allocator,
				     and keep what tables_update() needs */
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
	bool slots_reused;	 /* the live state's allocator served: asc_counts not read */
};

/* Returns 0 or a negative errno; logs what failed.  o may be NULL. */
int tables_load(const struct asc_maps *m, const struct rtable *t, const struct tables_opts *o,
		struct tables_result *res);
/* tables_load() that takes t: its per-link rows are freed once the
 * records hold them and the fast tables build in its entries' memory
 * (fib_build_take()), so a whole load holds less at its peak.  t is empty
 * (as after rtable_free()) on return, whatever the result. */
int tables_load_take(const struct asc_maps *m, struct rtable *t, const struct tables_opts *o,
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

/* ---- single-prefix updates (the live feed) --------------------------------
 * A whole load with tables_opts.live keeps its fib (opened with updates),
 * its slot allocator and the upstream columns in the live state; then
 * tables_update() changes one prefix in place in the active generation:
 * the fast tables through fib_update(), the LPM tries by one element update
 * (each atomic for the data plane).  Updates run between
 * tables_live_begin() and tables_live_end(), under the flock of whole
 * loads.  Any error leaves the tables whole (each store is complete) but
 * the state not ready: the caller then does a whole load (with a fresh
 * state).  Slots of records an update replaced are never folded while the
 * state lives (they might still be counted in), only free or unused ones. */

/* A state for the next whole load (fib with updates, slots read from the
 * maps).  It maps the fast tables only as the load needs them
 * (fib_open_unmapped()), so it can be opened before the caller builds its
 * route table without holding them resident meanwhile.  Returns 0 or a
 * negative errno (logged). */
int tables_live_open(const struct asc_maps *m, struct tables_live **out);
/* tables_live_open() for the load after prev's, which is closed: the new
 * state takes prev's counter slot allocator, so that the load need not
 * read asc_counts again when no other allocator wrote a slot since
 * (prev may be NULL: as tables_live_open()). */
int tables_live_renew(const struct asc_maps *m, struct tables_live *prev, struct tables_live **out);
void tables_live_close(struct tables_live *l);
/* Whether a load filled l and no update failed since (l may be NULL). */
bool tables_live_ready(const struct tables_live *l);
/* Takes the loaders' lock and checks that the tables and the attached
 * upstreams' columns are still those of l's load, and that no other slot
 * allocator wrote a counter slot since (slots_current()).  Returns 0,
 * -ESTALE when not (logged: a whole load is due), -EINVAL when l is not ready, or
 * another negative errno; the lock is released on error. */
int tables_live_begin(struct tables_live *l);
/* Releases the lock; first waits for a grace period (which frees replaced
 * fast-table memory for reuse) when `sync` and an update happened since the
 * last, or every TABLES_SYNC_UPDATES updates anyway.  Returns 0 or a
 * negative errno (l is then not ready). */
int tables_live_end(struct tables_live *l, bool sync);
/* Announces e (route, prefix; e->links 1 when *links holds a column's own
 * path, 0 when none, as rib_resolve_prefix() gives them) in the active
 * generation, counter slots handed out as a whole load would, or withdraws
 * it when `withdraw` (links unused).  Returns 0 or a negative errno (l is
 * then not ready). */
int tables_update(struct tables_live *l, const struct rt_entry *e, const struct rt_links *links,
		  bool withdraw);
/* What the active generation uses now: route records, and for the fast
 * tables nodes and leaves (-EINVAL: not ready). */
int tables_live_usage(const struct tables_live *l, struct fib_usage *u);

#endif
