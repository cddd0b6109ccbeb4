/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/routes/rib.h - routing state and its resolution into a route table.
 *
 * The RIB holds, per prefix, the paths that peers announced: one per
 * (peer, path id).  A path is kept only as what resolution needs from it
 * (origin, transit and first AS, and whether it ends in an AS_SET), interned
 * once however many prefixes use it, so a full collector RIB (~1M prefixes
 * x tens of peers) fits in modest memory.
 *
 * Resolution of one prefix:
 *   origin  = the most common origin among its paths (ties: the lower AS);
 *             a path whose last segment is an AS_SET has origin 0 (flag as_set)
 *   transit = the most common transit among the paths with that origin
 *   peer    = the most common first AS among the paths with that origin and
 *             transit
 *   flags   = moas (several non-zero origins), multi_transit (several transits
 *             behind the chosen origin), no_transit (transit 0), as_set.
 * Per path: prepending is removed first (repeated ASNs count once); origin =
 * the last AS, transit = the AS in front of it, first AS = the neighbour.  An
 * empty path (a route of the peer's own network, as in iBGP dumps) has origin
 * 0 and no transit.
 *
 * Alongside, for every (origin, transit) pair the RIB records when a path
 * first showed it, and when the last path showing it went away: that is how
 * "origin 131279 gained transit 20485 at 2017-10-01 09:08 UTC" is seen.
 */
#ifndef ASC_RIB_H
#define ASC_RIB_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "routes/rtable.h"

struct rib;

/* Paths one prefix holds: one per (peer, path id).  A collector's full
 * table has tens per prefix (hundreds with ADD-PATH); the count is 16 bits
 * to keep a prefix at 32 bytes, and resolution is quadratic in it. */
#define RIB_MAX_PATHS 65535U

struct rib_peer {
	uint32_t asn;
	uint8_t family; /* of ip; 0 if unknown */
	uint8_t ip[16];
	uint16_t source; /* who told us: 0 (files, BGP sessions) or a BMP router's index + 1,
			    so that two routers reporting the same peer keep their own paths */
};

struct rib *rib_new(void);
void rib_free(struct rib *r);

/* Adds or replaces the path of (peer, path_id) for prefix p (family, plen,
 * addr; host bits are cleared).  path: the AS path flattened, AS_SET members
 * last when ends_in_set.  `when` is the time (UNIX seconds) of the record.
 * Returns 0, -ENOMEM, or -ENOSPC when the prefix holds RIB_MAX_PATHS paths
 * already (the RIB is unchanged then). */
int rib_announce(struct rib *r, const struct rt_entry *p, const struct rib_peer *peer,
		 uint32_t path_id, const uint32_t *path, size_t n, bool ends_in_set, uint32_t when);
/* Removes the path of (peer, path_id) for p, if any.  Returns 0. */
int rib_withdraw(struct rib *r, const struct rt_entry *p, const struct rib_peer *peer,
		 uint32_t path_id, uint32_t when);
/* Removes every path of a peer (its session left Established). */
void rib_peer_down(struct rib *r, const struct rib_peer *peer, uint32_t when);

struct rib_row {
	struct rt_entry e; /* prefix and resolved route */
	uint32_t paths;	   /* paths for the prefix */
};

/* Resolves every prefix that has a path (the consensus only; the
 * per-column answers are in the table rib_to_rtable() makes).  *rows is
 * malloc'd, sorted by family, address, length.  Returns 0 or -ENOMEM. */
int rib_resolve(const struct rib *r, struct rib_row **rows, size_t *n);
/* The same, appended to a route table, with per-link resolution for the
 * columns u uses (u NULL or all zero: none, every entry has links 0).
 * For a prefix and a used column c, the paths of the peers that match
 * u->col[c] (peer AS == asn or the path starts with asn, and peer address
 * == nbr when nbr_family is set) give origin and transit by the consensus rules above restricted to
 * them: several paths from one upstream (ADD-PATH, or several sessions
 * when no neighbour is set) vote, ties to the lower AS.  A column none of
 * whose paths cover the prefix has no answer of its own: rt_link_of()
 * gives the consensus, marked ASC_PATH_CONSENSUS.  Distinct rt_links rows
 * are stored once in t->links (entries with the same per-column answers
 * share a row; rows numbered in the order of their first entry in the
 * table); e.links is 0 when no column has its own path.  The
 * entries are sorted by family, address, length, as rtable_sort_dedup()
 * sorts them (what tables_load() needs).  Returns 0 or -ENOMEM.
 * A RIB of RIB_PART_MIN prefixes or more is resolved on every CPU (up to
 * RIB_MAX_PARTS threads), each a range of the table. */
int rib_to_rtable(const struct rib *r, const struct rt_upstreams *u, struct rtable *t);
/* A RIB of fewer prefixes is resolved on one thread: a thread would cost
 * more than it saves. */
#ifndef RIB_PART_MIN
#define RIB_PART_MIN 65536
#endif
/* Threads one whole table is resolved on at most (the CPUs online, up to
 * this): a part's per-link rows are merged into the table's one by one. */
#ifndef RIB_MAX_PARTS
#define RIB_MAX_PARTS 4
#endif
/* The same, in `parts` ranges of the table on as many threads (1: this
 * thread alone; at most RIB_MAX_PARTS).  The table is the same whatever
 * the count: entries, their order and the numbers of the links rows (in
 * the order of their first entry). */
int rib_to_rtable_parts(const struct rib *r, const struct rt_upstreams *u, struct rtable *t,
			unsigned int parts);

/* One prefix as rib_to_rtable() gives it, without building the table: its
 * route into *e (prefix included) and its columns' own answers into *links
 * (every column ASC_PATH_CONSENSUS when none has one); e->links is 1 when
 * some column has its own path, else 0, so that rt_link_of() over a table
 * whose links[1] is *links answers as for the whole table's row.  Returns
 * 0, -ENOENT when no path covers p any more (a withdrawal), -ENOMEM. */
int rib_resolve_prefix(const struct rib *r, const struct rt_upstreams *u, const struct rt_entry *p,
		       struct rt_entry *e, struct rt_links *links);

/* ---- changes since the last apply (single-prefix updates) ----------------
 * With tracking on, every announce, withdraw or peer down that changes a
 * prefix's paths puts the prefix in the dirty set, once, stamped with the
 * CLOCK_MONOTONIC time of its earliest change not yet taken. */

struct rib_dirty {
	struct rt_entry p; /* family, plen and addr; the rest zero */
	uint64_t since_ns; /* CLOCK_MONOTONIC of its earliest change since the last take */
};

/* The clock of since_ns: CLOCK_MONOTONIC in nanoseconds. */
uint64_t rib_now_ns(void);
/* The time (rib_now_ns's clock) the changes from now on are stamped with
 * in the dirty set, e.g. their arrival from the network; 0: each change's
 * own rib_now_ns() (after rib_new()). */
void rib_stamp(struct rib *r, uint64_t now_ns);
/* Starts or stops recording the dirty set (off after rib_new(): readers of
 * files never take it). */
void rib_track(struct rib *r, bool on);
/* Prefixes in the dirty set now. */
size_t rib_dirty_count(const struct rib *r);
/* Prefixes the RIB has held (with or without paths now). */
size_t rib_prefix_count(const struct rib *r);
/* The dirty set, in the order of the first change (malloc'd into *out),
 * and clears it.  Returns 0, -ENOMEM (the set is kept), or -ENOBUFS when a
 * change could not be recorded (no memory at the time): *out is then
 * incomplete and the caller must resolve the whole RIB. */
int rib_take_dirty(struct rib *r, struct rib_dirty **out, size_t *n);

/* The same for a whole load, which needs only when each change came: the
 * dirty set's times (first change order) into *since (malloc'd, 8 bytes
 * a prefix: the set's own array, not a copy), and clears it.  Returns 0
 * or -ENOBUFS as rib_take_dirty(). */
int rib_take_dirty_since(struct rib *r, uint64_t **since, size_t *n);

struct rib_transit {
	uint32_t origin, transit;
	uint32_t first_seen; /* time of the first path that showed the pair */
	uint32_t gone_since; /* time the last such path went away; 0 while present */
	uint32_t prefixes;   /* prefixes that now have a path showing the pair */
	uint32_t paths;	     /* paths (prefix, peer, path id) now showing it */
};

/* Every (origin, transit) pair ever seen, sorted by origin then transit.
 * *out is malloc'd.  Returns 0 or -ENOMEM. */
int rib_transits(const struct rib *r, struct rib_transit **out, size_t *n);
/* Whether any prefix holds a path (r may be NULL): input that was text or
 * pfx2as only has none. */
bool rib_has_paths(const struct rib *r);
/* The pairs of one upstream's own paths (the peers that match up, as
 * rib_to_rtable() matches a column) that it announces now: prefixes and
 * paths count its paths only; first_seen is when any peer's path first
 * showed the pair (the RIB keeps no history per peer), gone_since 0.
 * Sorted as rib_transits.  *out is malloc'd.  Returns 0 or -ENOMEM. */
int rib_transits_upstream(const struct rib *r, const struct rt_upstream *up,
			  struct rib_transit **out, size_t *n);
/* For each of the n pairs of v (sorted as rib_transits, counted by it or
 * by rib_transits_upstream with the same up), up to max of the prefixes it
 * counts (those with a path showing the pair: every path when up is NULL,
 * else up's own), in RIB order: v[i]'s are (*pfx)[(*first)[i] ..
 * (*first)[i + 1]), entries with family, plen and addr only.  One pass
 * over the RIB.  *pfx and *first (n + 1) are malloc'd.  Returns 0 or
 * -ENOMEM. */
int rib_pair_prefixes(const struct rib *r, const struct rt_upstream *up,
		      const struct rib_transit *v, size_t n, unsigned int max,
		      struct rt_entry **pfx, uint32_t **first);
/* The same pairs counted in a resolved table instead, for input that has no
 * paths (text and pfx2as lines are routes as they are): prefixes per
 * (origin, transit) of the entries with an origin; paths = prefixes, no
 * times (0).  Sorted as rib_transits.  Returns 0 or -ENOMEM. */
int rtable_transits(const struct rtable *t, struct rib_transit **out, size_t *n);
/* The RIB's pairs when it has any (r may be NULL), else the table's: what
 * `rib --transits` and the daemon's per-origin transit gauge show. */
int transits_of(const struct rib *r, const struct rtable *t, struct rib_transit **out, size_t *n);

/* ---- pairs per upstream, kept up to date (routing-change events) --------
 * A tally holds, for every path (group 0) and for the paths of each used
 * column c of u (group 1, 2, ... in column order, as rib_transits_upstream
 * matches them), per (origin, transit) pair the prefixes with a path of the
 * group showing it (RIB order) and how many such paths there are.  It is
 * built by one pass over the RIB; from then on the RIB logs each route
 * that comes or goes, and rib_tally_step() applies them: time in
 * proportion to the changes, not to the table.  One tally per RIB (a new
 * one takes the log over). */
struct rib_tally;

/* A pair whose paths in a group went from none to some (gained) or from
 * some to none. */
struct rib_pair_change {
	unsigned int group; /* 0: every path; 1 + i: the i-th used column */
	/* the pair: first_seen and gone_since the RIB's (every path) now;
	 * prefixes and paths the group's, after (gained) or before (lost) */
	struct rib_transit t;
	bool gained;
	uint32_t pfx_first, n_pfx; /* its first prefixes, RIB order: of the step's pfx */
};

/* A tally of r for the columns u uses (u NULL: group 0 only).  One pass
 * over the RIB.  Returns 0 or -ENOMEM (*out NULL). */
int rib_tally_new(struct rib *r, const struct rt_upstreams *u, struct rib_tally **out);
void rib_tally_free(struct rib_tally *t);
/* The most route changes r logs between two steps (0: the default, 2^22,
 * enough for a full table's session reset); past it the next step gives
 * up (-ENOBUFS).  For tests. */
void rib_log_limit(struct rib *r, size_t max);
/* Whether t was made for u's columns. */
bool rib_tally_for(const struct rib_tally *t, const struct rt_upstreams *u);
/* Applies the routes that came or went since t was made or last stepped:
 * the pairs whose paths in a group crossed zero into *out (malloc'd, *n
 * of them, sorted by pair, then group), each with up to max prefixes (into
 * *pfx, malloc'd).  Returns 0, -ENOMEM or -ENOBUFS (the RIB's log gave
 * up: too many changes, or no memory), after which t is behind the RIB:
 * make a new one. */
int rib_tally_step(struct rib *r, struct rib_tally *t, unsigned int max,
		   struct rib_pair_change **out, size_t *n, struct rt_entry **pfx);
/* Group g of t as of its last step: its pairs as rib_transits() (g 0:
 * every pair the tally has) or rib_transits_upstream() (g > 0: those with
 * paths) give them, their first max prefixes as rib_pair_prefixes() gives
 * them.  A pass over the pairs, not the routes.  Returns 0 or -ENOMEM. */
int rib_tally_group(const struct rib *r, const struct rib_tally *t, unsigned int g,
		    unsigned int max, struct rib_transit **v, size_t *n, struct rt_entry **pfx,
		    uint32_t **first);
/* The pairs of group 0 (every path) whose origin is one of origins, as
 * rib_transits() gives them, as of the last step.  Returns 0 or -ENOMEM. */
int rib_tally_transits(const struct rib *r, const struct rib_tally *t, const uint32_t *origins,
		       size_t n_origins, struct rib_transit **out, size_t *n);
/* The RIB's latest time (first_seen, gone_since) over every pair: a pass
 * over the pairs, not the routes. */
uint32_t rib_latest(const struct rib *r);

/* Human-readable flags: "moas,multi_transit" or "-". */
const char *route_flags_str(uint32_t flags, char *buf, size_t len);

#endif
