/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/cli/events.h - routing-change events: an origin AS gained or lost a
 * transit AS via an upstream, with the prefixes concerned.
 *
 * One mechanism for every routing source: a load's (origin, transit) pairs
 * are compared with the previous load's, per group.  A group is one
 * attached upstream's own paths (rib_transits_upstream(), named by the
 * upstream), or, when no upstream is attached or the input has no paths
 * (text, pfx2as), every path (rib_transits(), or rtable_transits()), named
 * "-" as upstream 0 is everywhere.  A group seen for the first time (a link
 * just attached) is its own baseline: it has no events in that load.
 *
 * A pair with paths now that had none before is "gained"; a pair that had
 * paths and has none now is "lost".  The time is the RIB's when it has one
 * newer than the previous load's latest: the pair's first_seen for gained,
 * the gone_since of its last path (over every upstream) for lost; else the
 * load's time `now`.  A pair lost and regained between two loads is not
 * seen: loads are at most apply_interval apart for the live feed, one
 * update file apart in `asclass events FILES`.
 *
 * The prefixes concerned: those of the group that show the pair now
 * (gained) or showed it in the previous load (lost): their count, and the
 * first EVENT_PREFIXES_MAX of them (RIB order).  Each load keeps them for
 * every pair (rib_pair_prefixes(): one pass over the RIB per group), so a
 * pair lost in the next load still has them.
 *
 * The daemon keeps the latest events in a bounded ring, each with a
 * sequence number (1, 2, ... from the daemon's start; the oldest go first;
 * the counters count every event) and serves them as JSON on GET /events
 * (?since=SEQ: only the later ones).
 */
#ifndef ASC_EVENTS_H
#define ASC_EVENTS_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "asclass.h"
#include "routes/rib.h"

#ifndef EVENTS_RING_DEFAULT
#define EVENTS_RING_DEFAULT 1024 /* events the daemon keeps for GET /events */
#endif
#ifndef EVENTS_LOG_MAX
#define EVENTS_LOG_MAX 20 /* events of one load logged one by one; the rest as a count */
#endif
#ifndef EVENT_PREFIXES_MAX
#define EVENT_PREFIXES_MAX 16 /* prefixes an event lists; prefix_count has them all */
#endif
#define EVENT_NO_UPSTREAM "-" /* the group of every path */

enum event_change { EVENT_GAINED, EVENT_LOST, EVENT_NCHANGE };

struct transit_event {
	uint64_t seq;  /* in the daemon's ring, from 1; 0 elsewhere */
	uint32_t time; /* UNIX seconds */
	uint32_t origin, transit;
	uint32_t prefix_count; /* prefixes of the group that show (gained) or showed (lost) it */
	enum event_change change;
	char upstream[ASC_NAME_LEN];
	uint32_t n_pfx;		    /* of pfx: at most EVENT_PREFIXES_MAX */
	const struct rt_entry *pfx; /* family, plen, addr; not owned (see each producer) */
};

/* One group's pairs of one load, with each pair's prefixes. */
struct event_pairs {
	char upstream[ASC_NAME_LEN];
	struct rib_transit *v; /* sorted by origin, then transit */
	size_t n;
	struct rt_entry *pfx; /* v[i]'s: pfx[first[i] .. first[i + 1]) */
	uint32_t *first;
};

/* Every group of one load. */
struct event_load {
	struct event_pairs *g;
	size_t n;
	uint32_t latest; /* the RIB's latest time (first_seen, gone_since) over every path */
	struct rib_transit *all; /* every pair (transits_of()), for the times of lost pairs */
	size_t n_all;
};

/* The groups of a load: one per used column of u (names[c] its upstream's
 * name) when rib has paths or rib and t are empty (a feed that restarted:
 * its upstreams lost what they had), else the one "-" of every path (t's,
 * for input without paths; rib may be NULL).  all (n_all) are the load's transits_of() pairs,
 * copied.  Returns 0 or -ENOMEM (then out holds what was made: free it
 * with event_load_free). */
int event_load_collect(const struct rib *rib, const struct rtable *t, const struct rt_upstreams *u,
		       const char (*names)[ASC_NAME_LEN], const struct rib_transit *all,
		       size_t n_all, struct event_load *out);
void event_load_free(struct event_load *l);

/* The events between prev and cur (groups matched by upstream name),
 * appended to *out (realloc'd; *n counts them), sorted by time, then
 * upstream, origin and transit.  The events' pfx point into prev or cur:
 * valid while both live.  Returns 0 or -ENOMEM. */
int events_diff(const struct event_load *prev, const struct event_load *cur, uint32_t now,
		struct transit_event **out, size_t *n);
/* The events of one rib_tally_step() (its n changes c, their prefixes
 * pfx), the same as events_diff() gives between the load before the step
 * and the load after it: per attached upstream (u's used columns, names[c]
 * each), or "-" when none is; dated as events.h says against prev_latest,
 * the RIB's latest time at the step before (rib_latest()).  Appended to
 * *out (realloc'd; *nout counts them), sorted as events_diff() sorts; their
 * pfx point into pfx.  Returns 0 or -ENOMEM. */
int events_of_step(const struct rib_pair_change *c, size_t n, const struct rt_entry *pfx,
		   const struct rt_upstreams *u, const char (*names)[ASC_NAME_LEN],
		   uint32_t prev_latest, uint32_t now, struct transit_event **out, size_t *nout);
/* The load as of t's last step (or its making), as event_load_collect()
 * would have collected it then with the same u and names, but for `all`
 * (left empty: such a load serves as the previous one of a comparison
 * only) and latest (the RIB's then: given).  A pass over the pairs, not
 * the routes.  Returns 0 or -ENOMEM (free out with event_load_free). */
int event_load_of_tally(const struct rib *rib, const struct rib_tally *t,
			const struct rt_upstreams *u, const char (*names)[ASC_NAME_LEN],
			uint32_t latest, struct event_load *out);
/* "gained" or "lost". */
const char *event_change_name(enum event_change c);
/* {change, origin_as, transit_as, upstream, time, prefix_count, prefixes
 * (["175.45.176.0/22", ...]), seq (only when not 0)}.  NULL when out of
 * memory. */
json_t *event_json(const struct transit_event *e);
/* The reverse of event_json(): e's pfx point into pfx (EVENT_PREFIXES_MAX
 * entries, the caller's).  0, or -EINVAL naming nothing (the caller knows
 * where o came from). */
int event_from_json(json_t *o, struct transit_event *e, struct rt_entry *pfx);
/* Column names for event_print's lines, newline included. */
void event_print_header(FILE *f);
/* One line: "2017-10-01T09:08:00Z\tttk\tgained\t131279\t20485\t1\t175.45.176.0/22"
 * (prefixes joined by commas, "-" when none), newline included. */
void event_print(FILE *f, const struct transit_event *e);
/* Logs the event (info level), naming origin, transit, upstream, time and
 * the prefixes. */
void event_log(const struct transit_event *e);

/* Events of one upstream so far, by change (the Prometheus counter). */
struct event_count {
	char upstream[ASC_NAME_LEN];
	uint64_t n[EVENT_NCHANGE];
};

/* The latest events, oldest first; pushes never fail (the oldest goes). */
struct event_ring {
	struct transit_event *v;
	struct rt_entry *pfx;	       /* v[i]'s prefixes: pfx[i * EVENT_PREFIXES_MAX ...] */
	size_t cap, head, n;	       /* head: the oldest */
	uint64_t next_seq;	       /* of the next push; the newest has next_seq - 1 */
	uint64_t total[EVENT_NCHANGE]; /* every event pushed, by change */
	struct event_count *counts;    /* by upstream, in order of their first event */
	size_t n_counts;
	uint64_t uncounted; /* events of an upstream counts had no memory for */
};

/* 0 or -ENOMEM. */
int event_ring_init(struct event_ring *r, size_t cap);
void event_ring_free(struct event_ring *r);
/* Copies e (and its prefixes) in with the next sequence number. */
void event_ring_push(struct event_ring *r, const struct transit_event *e);
/* The i-th event, oldest first (i < r->n). */
const struct transit_event *event_ring_at(const struct event_ring *r, size_t i);
/* The index of the first event after sequence number since (r->n: none).
 * A since past the newest (a client of a daemon that restarted) gives 0:
 * every event. */
size_t event_ring_after(const struct event_ring *r, uint64_t since);

#endif
