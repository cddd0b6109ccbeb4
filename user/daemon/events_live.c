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
	pthread_mutex_t lock; /* everything below */
	struct event_load prev;
	bool have_prev; /* a load happened: the next one has events */
	struct event_ring ring;
} E = { .lock = PTHREAD_MUTEX_INITIALIZER };

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
	E.have_prev = false;
	pthread_mutex_unlock(&E.lock);
}

int events_live_collect(const struct asc_maps *m, const struct rib *rib, const struct rtable *t,
			const struct rt_upstreams *u, const struct rib_transit *all, size_t n_all,
			struct event_load *out)
{
	struct asc_upstream ups[ASC_MAX_UPSTREAMS];
	char names[RT_COLUMNS][ASC_NAME_LEN] = { { 0 } };
	int err = upstreams_read(m, ups);

	memset(out, 0, sizeof(*out));
	for (unsigned int i = 1; !err && i < ASC_MAX_UPSTREAMS; i++)
		if (ups[i].name[0] && ups[i].column < RT_COLUMNS)
			snprintf(names[ups[i].column], ASC_NAME_LEN, "%s", ups[i].name);
	if (!err)
		err = event_load_collect(rib, t, u, (const char(*)[ASC_NAME_LEN])names, all, n_all,
					 out);
	if (err)
		event_load_free(out);
	return err;
}

/* Logs the events of one load: the first EVENTS_LOG_MAX one by one. */
static void log_events(const struct transit_event *ev, size_t n)
{
	for (size_t i = 0; i < n && i < EVENTS_LOG_MAX; i++)
		event_log(&ev[i]);
	if (n > EVENTS_LOG_MAX)
		log_info("routing change: %zu more in this load, not logged one by one (a session "
			 "lost or a table resent?); 'asclass events' lists the latest %zu",
			 n - EVENTS_LOG_MAX, E.ring.cap);
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
	log_events(ev, nev);
	for (size_t i = 0; i < nev; i++)
		event_ring_push(&E.ring, &ev[i]);
	free(ev); /* its prefixes point into prev and l: freed after */
	event_load_free(&E.prev);
	E.prev = *l;
	E.have_prev = true;
	memset(l, 0, sizeof(*l));
	pthread_mutex_unlock(&E.lock);
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
