// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/daemon/events_live.c - the daemon's routing-change events: the
 * previous good load, the ring, the counters, GET /events.  See
 * daemon/events_live.h; the rules of an event are cli/events.h's. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "daemon/events_live.h"
#include "output/json_out.h"
#include "output/metrics.h"

static struct {
	/* Everything below; the tally's fields (tally to stepped) are also
	 * the caller's rib_lock's: they change only under both, and rib_lock
	 * alone lets a step read and advance the tally while a scrape reads
	 * the ring. */
	pthread_mutex_t lock;
	struct event_load prev;
	bool have_prev; /* a load happened: the next one has events */
	struct event_ring ring;
	/* The live RIB's tally (rib.h), of RIB epoch tally_epoch, for the
	 * upstreams tally_u named tally_names: prev as of its last step is
	 * event_load_of_tally()'s (stepped: prev itself is older). */
	struct rib_tally *tally;
	uint64_t tally_epoch;
	struct rt_upstreams tally_u;
	char tally_names[RT_COLUMNS][ASC_NAME_LEN];
	uint32_t latest; /* the RIB's latest time at the last step */
	bool stepped;
} E = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* Called between a step and its recording (events_live_step_hook()). */
static void (*step_hook)(void);

int events_live_init(size_t ring_cap)
{
	int err = event_ring_init(&E.ring, ring_cap);

	if (err)
		log_err("routing-change events: %s", strerror(-err));
	return err;
}

void events_live_free(void)
{
	pthread_mutex_lock(&E.lock);
	event_load_free(&E.prev);
	event_ring_free(&E.ring);
	rib_tally_free(E.tally);
	E.tally = NULL;
	E.have_prev = false;
	pthread_mutex_unlock(&E.lock);
}

/* The attached upstreams' names by column (m's asc_upstreams). */
static int upstream_names(const struct asc_maps *m, char (*names)[ASC_NAME_LEN])
{
	struct asc_upstream ups[ASC_MAX_UPSTREAMS];
	int err = upstreams_read(m, ups);

	memset(names, 0, RT_COLUMNS * ASC_NAME_LEN);
	for (unsigned int i = 1; !err && i < ASC_MAX_UPSTREAMS; i++)
		if (ups[i].name[0] && ups[i].column < RT_COLUMNS)
			snprintf(names[ups[i].column], ASC_NAME_LEN, "%s", ups[i].name);
	return err;
}

int events_live_collect(const struct asc_maps *m, const struct rib *rib, const struct rtable *t,
			const struct rt_upstreams *u, const struct rib_transit *all, size_t n_all,
			struct event_load *out)
{
	char names[RT_COLUMNS][ASC_NAME_LEN];
	int err = upstream_names(m, names);

	memset(out, 0, sizeof(*out));
	if (!err)
		err = event_load_collect(rib, t, u, (const char(*)[ASC_NAME_LEN])names, all, n_all,
					 out);
	if (err)
		event_load_free(out);
	return err;
}

/* Logs the events of one load or step: the first EVENTS_LOG_MAX one by one. */
static void log_events(const struct transit_event *ev, size_t n)
{
	for (size_t i = 0; i < n && i < EVENTS_LOG_MAX; i++)
		event_log(&ev[i]);
	if (n > EVENTS_LOG_MAX)
		log_info("routing change: %zu more at once, not logged one by one (a session "
			 "lost or a table resent?); 'asclass events' lists the latest %zu",
			 n - EVENTS_LOG_MAX, E.ring.cap);
}

/* Logs the events of a load or step and puts them in the ring (E.lock held). */
static void record_events(const struct transit_event *ev, size_t nev)
{
	log_events(ev, nev);
	for (size_t i = 0; i < nev; i++)
		event_ring_push(&E.ring, &ev[i]);
}

void events_live_record(struct event_load *l, int collect_err)
{
	struct transit_event *ev = NULL;
	size_t nev = 0;

	if (collect_err) {
		log_err("routing changes: %s; this load is not compared (the next one is, with "
			"the one before)",
			strerror(-collect_err));
		event_load_free(l);
		return;
	}
	pthread_mutex_lock(&E.lock);
	if (E.have_prev && events_diff(&E.prev, l, (uint32_t)time(NULL), &ev, &nev))
		log_err("routing changes: %s; events of this load not recorded", strerror(ENOMEM));
	record_events(ev, nev);
	free(ev); /* its prefixes point into prev and l: freed after */
	event_load_free(&E.prev);
	E.prev = *l;
	E.have_prev = true;
	memset(l, 0, sizeof(*l));
	pthread_mutex_unlock(&E.lock);
}

/* ---- the live RIB: a tally's steps ---- */

/* Drops the tally (E.lock held); prev, when steps came after it, becomes
 * the load as of the last step (rib: the tally's RIB), or no load when
 * that fails (the next load is then the baseline). */
static void tally_drop(const struct rib *rib)
{
	struct event_load l;
	int err;

	if (E.tally && E.stepped) {
		err = event_load_of_tally(rib, E.tally, &E.tally_u,
					  (const char(*)[ASC_NAME_LEN])E.tally_names, E.latest, &l);
		event_load_free(&E.prev);
		if (err) {
			log_err("routing changes: %s; the next load is not compared",
				strerror(-err));
			event_load_free(&l);
			E.have_prev = false;
		} else {
			E.prev = l;
		}
	}
	rib_tally_free(E.tally);
	E.tally = NULL;
	E.stepped = false;
}

/* Whether the tally serves the RIB of epoch with upstreams u named names. */
static bool tally_serves(uint64_t epoch, const struct rt_upstreams *u,
			 const char (*names)[ASC_NAME_LEN])
{
	return E.tally && E.tally_epoch == epoch && rib_tally_for(E.tally, u) &&
	       !memcmp(names, E.tally_names, sizeof(E.tally_names));
}

/* One step of the tally, its events recorded.  Under the caller's rib_lock,
 * which guards the tally (every change to it is made under both locks), and
 * without E.lock until the events are recorded: a burst's step (a session
 * reset: seconds) does not keep /metrics and /events waiting.  0, or the
 * step's error: -ENOBUFS (the tally is as of its last step), -ENOMEM (the
 * tally is dropped, and the previous load). */
static int step_record(struct rib *rib, const struct rt_upstreams *u,
		       const char (*names)[ASC_NAME_LEN])
{
	struct rib_pair_change *ch = NULL;
	struct transit_event *ev = NULL;
	struct rt_entry *pfx = NULL;
	size_t nch = 0, nev = 0;
	uint64_t t0 = rib_now_ns();
	int err = rib_tally_step(rib, E.tally, EVENT_PREFIXES_MAX, &ch, &nch, &pfx);

	if (err == -ENOMEM) {
		log_err("routing changes: %s; the next load is not compared", strerror(ENOMEM));
		pthread_mutex_lock(&E.lock);
		rib_tally_free(E.tally);
		E.tally = NULL;
		event_load_free(&E.prev);
		E.have_prev = false;
		pthread_mutex_unlock(&E.lock);
	}
	if (err)
		return err;
	if (events_of_step(ch, nch, pfx, u, names, E.latest, (uint32_t)time(NULL), &ev, &nev))
		log_err("routing changes: %s; events of this load not recorded", strerror(ENOMEM));
	log_debug("routing changes: a step of the tally: %zu pairs crossed zero, %zu events, in "
		  "%.2f ms",
		  nch, nev, (double)(rib_now_ns() - t0) / 1e6);
	if (step_hook)
		step_hook();
	pthread_mutex_lock(&E.lock);
	E.latest = rib_latest(rib);
	E.stepped = true;
	record_events(ev, nev);
	pthread_mutex_unlock(&E.lock);
	free(ev);
	free(ch);
	free(pfx);
	return 0;
}

/* The load just recorded is the new tally's too: prev is dropped and
 * rebuilt from the tally (tally_drop()) only if a whole comparison comes
 * again, so that a full table's pairs and prefix samples are not held
 * twice (E.lock held). */
static void prev_to_tally(void)
{
	event_load_free(&E.prev);
	E.stepped = true;
}

/* A new tally of rib, which the next loads are compared with: built
 * without E.lock (one pass over the RIB: a second or two for a full table,
 * which /metrics and /events would wait for; the caller holds the RIB's
 * lock), then installed under it.  0 or rib_tally_new()'s error (logged). */
static int tally_start(struct rib *rib, uint64_t epoch, const struct rt_upstreams *u,
		       const char (*names)[ASC_NAME_LEN])
{
	struct rib_tally *t;
	int err = rib_tally_new(rib, u, &t);

	if (err)
		log_err("routing changes: %s; each load is compared whole", strerror(-err));
	pthread_mutex_lock(&E.lock);
	rib_tally_free(E.tally); /* none: events_live_rib() dropped it */
	E.tally = t;
	if (!err) {
		prev_to_tally();
		E.have_prev = true; /* the first load: the tally is its baseline */
	}
	E.tally_epoch = epoch;
	E.tally_u = *u;
	memcpy(E.tally_names, names, sizeof(E.tally_names));
	E.latest = rib_latest(rib);
	pthread_mutex_unlock(&E.lock);
	return err;
}

/* A whole load of rib: collected, compared, recorded; a new tally.  With
 * no load before it (the first, or after a failure) there is nothing to
 * compare: the tally alone becomes the baseline, without collecting the
 * load that it would replace at once (a full table: ~2 s and ~90 MiB of
 * prefix samples, on the whole load's critical path). */
static void whole_record(struct rib *rib, uint64_t epoch, const struct rt_upstreams *u,
			 const char (*names)[ASC_NAME_LEN])
{
	struct rtable none = { 0 }; /* the live RIB has every path: no table needed */
	struct event_load l = { 0 };
	struct rib_transit *all = NULL;
	size_t n_all = 0;
	bool first;
	int err;

	pthread_mutex_lock(&E.lock);
	first = !E.have_prev;
	pthread_mutex_unlock(&E.lock);
	if (first && !tally_start(rib, epoch, u, names))
		return;
	err = rib_transits(rib, &all, &n_all);
	if (!err)
		err = event_load_collect(rib, &none, u, names, all, n_all, &l);
	free(all);
	if (err)
		event_load_free(&l);
	events_live_record(&l, err);
	if (!err)
		tally_start(rib, epoch, u, names);
}

void events_live_rib(const struct asc_maps *m, struct rib *rib, uint64_t epoch,
		     const struct rt_upstreams *u, int ups_err)
{
	char names[RT_COLUMNS][ASC_NAME_LEN];
	struct event_load none = { 0 };
	int err = ups_err ? ups_err : upstream_names(m, names);

	if (err) {
		events_live_record(&none, err);
		return;
	}
	events_live_rib_named(rib, epoch, u, (const char(*)[ASC_NAME_LEN])names);
}

void events_live_rib_named(struct rib *rib, uint64_t epoch, const struct rt_upstreams *u,
			   const char (*names)[ASC_NAME_LEN])
{
	/* the tally's fields change under both locks: rib_lock alone reads them */
	if (tally_serves(epoch, u, names)) {
		if (step_record(rib, u, names) != -ENOBUFS)
			return;
		log_info("routing changes: more than the tally logs since the last step: this "
			 "load is compared whole");
	}
	pthread_mutex_lock(&E.lock);
	if (E.tally_epoch != epoch)
		E.stepped = false; /* a tally of another RIB: events_live_rib_gone() saw to it */
	tally_drop(rib);
	pthread_mutex_unlock(&E.lock);
	whole_record(rib, epoch, u, names);
}

void events_live_step_hook(void (*fn)(void))
{
	step_hook = fn;
}

bool events_live_first(void)
{
	bool first;

	pthread_mutex_lock(&E.lock);
	first = !E.have_prev;
	pthread_mutex_unlock(&E.lock);
	return first;
}

void events_live_rib_gone(const struct rib *rib, uint64_t epoch)
{
	pthread_mutex_lock(&E.lock);
	if (E.tally && E.tally_epoch == epoch)
		tally_drop(rib);
	pthread_mutex_unlock(&E.lock);
}

int events_live_watched(const struct rib *rib, uint64_t epoch, const uint32_t *watch,
			size_t n_watch, struct rib_transit **out, size_t *n)
{
	int err = -ESTALE;

	pthread_mutex_lock(&E.lock);
	if (E.tally && E.tally_epoch == epoch)
		err = rib_tally_transits(rib, E.tally, watch, n_watch, out, n);
	pthread_mutex_unlock(&E.lock);
	return err;
}

int events_live_counts(struct metrics_changes **out, size_t *n)
{
	struct metrics_changes *c;

	pthread_mutex_lock(&E.lock);
	c = calloc(E.ring.n_counts ? E.ring.n_counts : 1, sizeof(*c));
	for (size_t i = 0; c && i < E.ring.n_counts; i++) {
		memcpy(c[i].upstream, E.ring.counts[i].upstream, ASC_NAME_LEN);
		c[i].gained = E.ring.counts[i].n[EVENT_GAINED];
		c[i].lost = E.ring.counts[i].n[EVENT_LOST];
	}
	*n = c ? E.ring.n_counts : 0;
	pthread_mutex_unlock(&E.lock);
	*out = c;
	return c ? 0 : -ENOMEM;
}

/* ?since=SEQ into *since: 0 when absent; -EINVAL when not a number. */
static int since_arg(const struct httpd_request *rq, uint64_t *since)
{
	const char *s = httpd_arg(rq, "since");
	char *end;

	*since = 0;
	if (!s)
		return 0;
	errno = 0;
	*since = strtoull(s, &end, 10);
	return !*s || *end || errno || *s == '-' ? -EINVAL : 0;
}

int events_live_render(const struct httpd_request *rq, struct httpd_reply *r)
{
	struct json_out w;
	uint64_t since;

	if (since_arg(rq, &since)) {
		r->status = 400;
		fprintf(r->body, "since: '%s' is not a sequence number (0, 1, ...)\n",
			httpd_arg(rq, "since"));
		return 0;
	}
	r->type = "application/json";
	json_out_init(&w, r->body);
	json_out_array(&w);
	pthread_mutex_lock(&E.lock);
	for (size_t i = event_ring_after(&E.ring, since); i < E.ring.n; i++)
		json_out_add(&w, event_json(event_ring_at(&E.ring, i)));
	pthread_mutex_unlock(&E.lock);
	return json_out_finish(&w);
}
