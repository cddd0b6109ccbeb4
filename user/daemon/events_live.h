/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/daemon/events_live.h - the daemon's routing-change events: each
 * load's groups (cli/events.h) compared with the previous good load's,
 * logged, counted per upstream and change, kept in a ring and served on
 * GET /events[?since=SEQ].  Its own lock: the reload thread records, the
 * metrics thread reads; a step of the live RIB's tally runs under the
 * caller's rib_lock without it.  No other state of the daemon is touched
 * here.
 */
#ifndef ASC_EVENTS_LIVE_H
#define ASC_EVENTS_LIVE_H
#include <stdio.h>
#include "cli/events.h"
#include "dataplane/maps.h"
#include "output/metrics.h"
#include "output/httpd.h"

/* 0 or -ENOMEM (logged). */
int events_live_init(size_t ring_cap);
void events_live_free(void);
/* A load's groups while its RIB and table are at hand: per attached
 * upstream (m's asc_upstreams names the columns of u), or "-".  all (n_all):
 * the load's transits_of() pairs, copied.  Returns 0 or a negative errno
 * (out is then empty). */
int events_live_collect(const struct asc_maps *m, const struct rib *rib, const struct rtable *t,
			const struct rt_upstreams *u, const struct rib_transit *all, size_t n_all,
			struct event_load *out);
/* As soon as a load's routing data is read (before its tables are built:
 * events are of the routing data): its events against the previous load's
 * (the first load of the process is the baseline), dated now at the latest;
 * the load is kept as the next one's previous (l is taken over and
 * emptied).  Logs the first EVENTS_LOG_MAX events of a load one by one,
 * then how many more.  collect_err: events_live_collect()'s; when not 0
 * the load is logged as not compared and the previous one stays the
 * baseline. */
void events_live_record(struct event_load *l, int collect_err);
/* The live RIB's events since its last load (or since the last call), for
 * the upstreams u (ups_err: tables_upstreams()'s error, when not 0 the load
 * is logged as not compared), recorded as events_live_record() records
 * them.  Under the caller's rib_lock: rib is the live RIB, of epoch (+1
 * each time it is replaced).  In time proportional to the changes when a
 * tally (rib.h) of this RIB for the same upstreams and names is at hand;
 * else whole: the load collected and compared, a new tally made (passes
 * over every route: the first load of a RIB, other upstreams attached,
 * more changes than the RIB's log holds). */
void events_live_rib(const struct asc_maps *m, struct rib *rib, uint64_t epoch,
		     const struct rt_upstreams *u, int ups_err);
/* The same with the attached upstreams' names by column given (for tests:
 * no maps).  A step of the tally holds rib_lock only; the ring's lock is
 * taken to record its events. */
void events_live_rib_named(struct rib *rib, uint64_t epoch, const struct rt_upstreams *u,
			   const char (*names)[ASC_NAME_LEN]);
/* For tests: fn is called after each step of the tally, before its events
 * are recorded (NULL: none). */
void events_live_step_hook(void (*fn)(void));
/* Whether the next events_live_rib() only makes a baseline: no load was
 * recorded before it, so it has nothing to compare with or report. */
bool events_live_first(void);
/* rib (of epoch) is about to be freed (under rib_lock): the load as of its
 * tally's last step becomes the previous load. */
void events_live_rib_gone(const struct rib *rib, uint64_t epoch);
/* The watched origins' pairs as rib_transits() gives them, from the tally
 * of rib (of epoch) as of its last step: right after events_live_rib(),
 * under the same rib_lock.  0, -ENOMEM, or -ESTALE when there is no tally
 * of rib (the caller asks rib_transits()). */
int events_live_watched(const struct rib *rib, uint64_t epoch, const uint32_t *watch,
			size_t n_watch, struct rib_transit **out, size_t *n);
/* The events so far per upstream, for asclass_transit_changes_total
 * (struct metrics_live): *out malloc'd.  0 or -ENOMEM. */
int events_live_counts(struct metrics_changes **out, size_t *n);
/* GET /events: the ring's events after ?since=SEQ (default 0: all), oldest
 * first, as a JSON array; a bad since is a 400. */
int events_live_render(const struct httpd_request *rq, struct httpd_reply *r);

#endif
