/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/cli/events.h - routing-change events: an origin AS gained or lost a
 * transit AS.
 *
 * One mechanism for every routing source: a load's (origin, transit) pairs
 * (rib_transits(), or rtable_transits() for input without paths) are compared
 * with the previous load's.  A pair with paths now that had none before is
 * "gained"; a pair that had paths and has none now is "lost".  The time is
 * the RIB's when it has one (the pair's first_seen, the gone_since of its
 * last path); a pair that comes back after it was lost, or input without
 * times, is dated `now` (the load's time).  A pair lost and regained between
 * two loads is not seen: loads are at most apply_interval apart for the live
 * feed, one update file apart in `asclass events FILES`.
 *
 * The daemon keeps the latest events in a bounded ring (the oldest go first;
 * the counters count every event) and serves them as JSON on GET /events.
 */
#ifndef ASC_EVENTS_H
#define ASC_EVENTS_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "routes/rib.h"

#ifndef EVENTS_RING_DEFAULT
#define EVENTS_RING_DEFAULT 1024 /* events the daemon keeps for GET /events */
#endif
#ifndef EVENTS_LOG_MAX
#define EVENTS_LOG_MAX 20 /* events of one load logged one by one; the rest as a count */
#endif

enum event_change { EVENT_GAINED, EVENT_LOST, EVENT_NCHANGE };

struct transit_event {
	uint32_t time; /* UNIX seconds */
	uint32_t origin, transit;
	uint32_t prefixes; /* gained: prefixes that show the pair now; lost: 0 */
	enum event_change change;
};

/* The events between prev and cur (both sorted by origin, then transit, as
 * rib_transits() gives them), appended to *out (realloc'd; *n counts them),
 * sorted by time, then origin and transit.  Returns 0 or -ENOMEM. */
int events_diff(const struct rib_transit *prev, size_t np, const struct rib_transit *cur, size_t nc,
		uint32_t now, struct transit_event **out, size_t *n);
/* "gained" or "lost". */
const char *event_change_name(enum event_change c);
/* {change, origin_as, transit_as, time, prefixes}: the field names of
 * `rib --transits --json`.  NULL when out of memory. */
json_t *event_json(const struct transit_event *e);
/* One line: "2017-10-01T09:08:00Z gained origin_as 131279 transit_as 20485
 * prefixes 5", newline included. */
void event_print(FILE *f, const struct transit_event *e);
/* Logs the event (info level), naming origin, transit and time. */
void event_log(const struct transit_event *e);

/* The latest events, oldest first; pushes never fail (the oldest goes). */
struct event_ring {
	struct transit_event *v;
	size_t cap, head, n;	       /* head: the oldest */
	uint64_t total[EVENT_NCHANGE]; /* every event pushed, by change */
};

/* 0 or -ENOMEM. */
int event_ring_init(struct event_ring *r, size_t cap);
void event_ring_free(struct event_ring *r);
void event_ring_push(struct event_ring *r, const struct transit_event *e);
/* The i-th event, oldest first (i < r->n). */
const struct transit_event *event_ring_at(const struct event_ring *r, size_t i);

#endif
