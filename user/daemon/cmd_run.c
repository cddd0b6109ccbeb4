// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/daemon/cmd_run.c - asclass run: the border-router daemon in the foreground.
 *
 * Start-up: read the config (all or nothing), create or re-use the pinned
 * maps, attach (or atomically replace) the programs on every link, load the
 * routing data, serve /metrics, drop capabilities.  Then: SIGHUP or a change
 * of a routing source (inotify) reloads in a background thread, building
 * aside and swapping; SIGTERM/SIGINT exit and leave the programs counting.
 * With a live source ([bgp], [bmp]), the first load of its RIB is whole;
 * after it, the prefixes each drain changed go into the active tables at
 * once, one by one (tables_update), and the routing-change events follow at
 * most every apply_interval.
 */
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <libgen.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <systemd/sd-daemon.h>

#include "cli/cmd.h"
#include "common/log.h"
#include "common/times.h"
#include "daemon/config.h"
#include "daemon/events_live.h"
#include "dataplane/attach.h"
#include "dataplane/maps.h"
#include "dataplane/tables.h"
#include "feed/bmp.h"
#include "feed/feed.h"
#include "output/httpd.h"
#include "output/json_out.h"
#include "output/metrics.h"

enum { RUN_CONFIG, RUN_CHECK };
static const struct opt run_opts[] = {
	[RUN_CONFIG] = { "config", 'c', "FILE", "/etc/asclass/asclass.conf",
			 "the configuration file (asclass.conf(5))" },
	[RUN_CHECK] = { "check-config", 0, NULL, NULL,
			"read and check the configuration, then exit" },
	{ NULL },
};

static const struct cmd_spec run_spec = {
	.name = "asclass run",
	.synopsis = "[--config FILE] [--check-config]",
	.desc = "Run as the border-router daemon, in the foreground (systemd style; logs to "
		"stderr).  Attaches to every configured link (replacing older programs of ours "
		"atomically, keeping every counter), loads the routing sources, serves Prometheus "
		"metrics on the configured listener, and reloads the routing data when a source "
		"file changes.  With [bgp], routes come from the router's BGP session instead: "
		"the first load is whole, then each changed prefix goes into the tables at once; "
		"routing changes are logged, counted and served on /events.  SIGHUP re-reads the "
		"configuration file: links added or "
		"changed are attached, links removed detached (counters stay), routing, [bgp] and "
		"metrics settings change; a file with an error is refused and the running "
		"configuration kept.  A failed reload keeps the active tables.  After start-up "
		"only CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON, CAP_SYS_ADMIN and CAP_NET_BIND_SERVICE "
		"are kept: attaching a link or restarting the BGP listener on SIGHUP needs them.",
	.opts = run_opts,
	.examples = "    asclass run --config /etc/asclass/asclass.conf\n"
		    "    asclass run --check-config --config asclass.conf\n",
};

struct daemon {
	struct asc_config cfg;
	struct asc_maps maps;
	pthread_mutex_t lock; /* the fields below */
	uint64_t load_errors;
	double load_duration;
	bool working;		      /* the work thread runs */
	unsigned int pending;	      /* enum work: what it does next */
	bool live_ready;	      /* single-prefix updates are possible (D.live) */
	bool live_loading;	      /* a whole load of the live RIB is asked for, not done */
	struct metrics_apply apply;   /* how the live changes reached the tables */
	char status[160];	      /* systemd's STATUS= after the last load */
	struct rib_transit *transits; /* of watched origins, from the last good load */
	size_t n_transits;
	/* The live feed ([bgp]): the main loop drains it into rib under
	 * rib_lock, a load reads rib under rib_lock.  feed changes only while
	 * the metrics server is stopped (it reads the feed's status). */
	struct feed *feed;
	struct bmp *bmp; /* the BMP station ([bmp]), into the same rib, as feed */
	struct rib *rib;
	uint64_t rib_epoch; /* +1 each time rib is replaced (under rib_lock) */
	/* The main loop's wait for the feed's initial tables: monotonic ns of
	 * the first change drained while no load of the live RIB is in (0:
	 * none), and whether the wait was logged. */
	uint64_t initial_since_ns;
	bool initial_logged;
	pthread_mutex_t rib_lock;
	/* Single-prefix updates: the state the last whole load of the live
	 * RIB left, for the columns it resolved with, of RIB rib_epoch
	 * live_epoch.  Only the work thread uses them. */
	struct tables_live *live;
	struct rt_upstreams live_ups;
	uint64_t live_epoch;
	size_t live_routes;
	struct attach_info attached[CFG_MAX_LINKS]; /* as attach left it */
	/* The previous scrape, for top-N by recent traffic.  Only
	 * libmicrohttpd's one polling thread renders metrics, so it needs no lock. */
	struct metrics_state *mstate;
};

static struct daemon D;

/* Whether c's routes come from a live source ([bgp], [bmp]): its RIB. */
static bool live_on(const struct asc_config *c)
{
	return c->bgp.on || c->bmp.on;
}

/* The live sources of c, for the log. */
static const char *live_name(const struct asc_config *c)
{
	if (c->bgp.on && c->bmp.on)
		return "the BGP feed and the BMP station";
	return c->bmp.on ? "the BMP station" : "the BGP feed";
}

/* Expands the configured sources (globs) into files, in order. */
static int expand_sources(const struct asc_config *c, glob_t *g)
{
	memset(g, 0, sizeof(*g));
	for (int i = 0; i < c->n_sources; i++) {
		int rc = glob(c->sources[i], GLOB_NOCHECK | (i ? GLOB_APPEND : 0), NULL, g);

		if (rc && rc != GLOB_NOMATCH)
			return -ENOMEM;
	}
	return 0;
}

/* The prefixes a whole load of the live RIB covers: their waits go into
 * the latency histogram once the load is in. */
struct taken {
	uint64_t *since; /* when each prefix changed first */
	size_t n;
	size_t packed;	/* since[] packed into this many bytes (times_pack()), 0: not */
	uint64_t epoch; /* of the RIB they were taken from */
};

/* Packs tk's times (1.2M for a full table: 9 MiB at 8 bytes, about 3 MiB
 * packed), held through the whole load. */
static void taken_pack(struct taken *tk)
{
	uint64_t *small;

	tk->packed = tk->since ? times_pack(tk->since, tk->n) : 0;
	small = tk->packed ? realloc(tk->since, tk->packed) : NULL;
	if (small)
		tk->since = small;
}

/* One prefix changed at `since`, written at *now (a uint64_t). */
static void observe_one(void *now, uint64_t since)
{
	metrics_apply_observe(&D.apply, (double)(*(const uint64_t *)now - since) / 1e9);
}

/* Each of tk's prefixes into the update-to-kernel histogram, written at
 * `now` (under D.lock). */
static void taken_observe(const struct taken *tk, uint64_t now)
{
	if (tk->packed)
		times_each((const uint8_t *)tk->since, tk->n, observe_one, &now);
	for (size_t i = 0; !tk->packed && i < tk->n; i++)
		observe_one(&now, tk->since[i]);
}

/* The daemon's peak memory so far (VmHWM, MiB), 0 when unknown. */
static unsigned long vmhwm_mib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	unsigned long kib = 0;
	char line[128];

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %lu kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib >> 10;
}

/* Logs (debug) the time since *t0 as the whole load's phase `what`, with
 * the peak memory at its end (the phase in which it grows holds the load's
 * peak), and restarts the clock. */
static void phase_done(uint64_t *t0, const char *what)
{
	uint64_t t = rib_now_ns();

	log_debug("whole load: %s %.3f s (VmHWM %lu MiB)", what, (double)(t - *t0) / 1e9,
		  vmhwm_mib());
	*t0 = t;
}

/* The routing-change events of the RIB the whole load reads, on the
 * second core while the load resolves the same RIB (both only read its
 * prefixes, paths and pairs; the events' tally writes only its own log). */
struct events_job {
	const struct rt_upstreams *u;
	uint64_t epoch;
	pthread_t th;
	bool started;
	/* the first load of a RIB: the events only make their baseline (no
	 * load before to compare with, nothing to report), after the tables
	 * are in, so that the load has both cores */
	bool after;
};

static void *events_thread(void *arg)
{
	struct events_job *j = arg;
	uint64_t t0 = rib_now_ns();

	events_live_rib(&D.maps, D.rib, j->epoch, j->u, 0);
	phase_done(&t0, j->after ? "routing-change events' baseline (after the tables)"
				 : "routing-change events (on a thread of their own)");
	return NULL;
}

/* Starts the events job, or runs it here when no thread can be had. */
static void events_start(struct events_job *j)
{
	j->started = !pthread_create(&j->th, NULL, events_thread, j);
	if (!j->started)
		events_thread(j);
}

/* rib_to_rtable() and rib_transits() of D.rib while the events job runs.
 * Under rib_lock. */
static int routes_beside_events(const struct rt_upstreams *u, struct rtable *t,
				struct rib_transit **pairs, size_t *n, struct events_job *ev,
				uint64_t *t0)
{
	int err;

	if (!ev->after)
		events_start(ev);
	if (!(err = rib_to_rtable(D.rib, u, t)))
		phase_done(t0, "RIB -> route table");
	if (!err && !(err = rib_transits(D.rib, pairs, n)))
		phase_done(t0, "(origin, transit) pairs");
	return err;
}

/* The routes of the live feed's RIB, and every (origin, transit) pair it
 * holds; its dirty set is taken (cleared) with them, so a change after
 * this is applied by the next update.  Returns with rib_lock held and the
 * events job (ev) perhaps still reading the RIB: the tables load needs
 * neither, so it goes ahead beside them; feed_release() ends both (the
 * main loop drains into the RIB after it), or feed_release_early() before
 * the tables load when the events are done by then.  -ENOTCONN when the feed did
 * not start (SIGHUP with a bad [bgp]). */
static int routes_from_feed(const struct rt_upstreams *u, struct rtable *t,
			    struct rib_transit **pairs, size_t *n, struct taken *tk,
			    struct events_job *ev)
{
	uint64_t t0 = rib_now_ns();
	int err = -ENOTCONN;

	pthread_mutex_lock(&D.rib_lock);
	phase_done(&t0, "wait for the RIB's lock");
	*ev = (struct events_job){ .u = u, .epoch = D.rib_epoch };
	if (!D.rib)
		log_err("the live feed is not running (see above): nothing to load");
	else {
		/* -ENOBUFS (a change went unrecorded) does not matter here: the
		 * whole load covers every prefix */
		rib_take_dirty_since(D.rib, &tk->since, &tk->n);
		taken_pack(tk);
		ev->after = events_live_first();
		err = routes_beside_events(u, t, pairs, n, ev, &t0);
	}
	tk->epoch = D.rib_epoch;
	return err;
}

/* After routes_from_feed(): releases the RIB at once when the events job
 * is done already (the main loop drains into it during the tables load
 * then); true when it did. */
static bool feed_release_early(struct events_job *ev)
{
	if (ev->after || (ev->started && pthread_tryjoin_np(ev->th, NULL)))
		return false;
	ev->started = false;
	pthread_mutex_unlock(&D.rib_lock);
	return true;
}

/* After routes_from_feed() and the tables load: waits for the events job
 * (or, for the first load of a RIB, runs it: the RIB's lock was held
 * since, so its baseline is the RIB the tables were built from) and
 * releases the RIB. */
static void feed_release(struct events_job *ev)
{
	uint64_t t0 = rib_now_ns();

	if (ev->after)
		events_thread(ev);
	if (ev->started) {
		pthread_join(ev->th, NULL);
		phase_done(&t0, "wait for the events (after the tables load)");
	}
	pthread_mutex_unlock(&D.rib_lock);
}

/* The routes of the configured files, and their pairs. */
static int routes_from_files(const struct routes_opts *ro, glob_t *g, struct rtable *t,
			     struct rib_transit **pairs, size_t *n)
{
	struct event_load ev = { 0 };
	struct rib *rib = NULL;
	uint64_t t0 = rib_now_ns();
	int err = 0;

	if (g->gl_pathc)
		err = routes_read((const char *const *)g->gl_pathv, (int)g->gl_pathc, ro, t, &rib,
				  NULL);
	if (!err)
		phase_done(&t0, "read the files, RIB -> route table");
	if (!err && !(err = transits_of(rib, t, pairs, n)))
		phase_done(&t0, "(origin, transit) pairs");
	if (!err) {
		events_live_record(
			&ev, events_live_collect(&D.maps, rib, t, ro->upstreams, *pairs, *n, &ev));
		phase_done(&t0, "routing-change events");
	}
	rib_free(rib);
	return err;
}

/* The pairs of watched origins, copied out of pairs (malloc'd). */
static struct rib_transit *watched_pairs(const struct rib_transit *pairs, size_t n,
					 const uint32_t *watch, size_t n_watch, size_t *keep)
{
	struct rib_transit *tr = malloc((n ? n : 1) * sizeof(*tr));

	*keep = 0;
	for (size_t i = 0; tr && i < n; i++)
		for (size_t w = 0; w < n_watch; w++)
			if (pairs[i].origin == watch[w])
				tr[(*keep)++] = pairs[i];
	return tr;
}

/* Closes D.live before a whole load of the live feed, into *nl, the state
 * for the load: the load replaces it whether it works or not (a failed
 * load leaves none: the slots it handed out are unknown to the old one),
 * and until then nothing uses it: only the work thread does, and it is
 * busy loading (D.live_ready stays as it is, so changes drained meanwhile
 * still ask for updates after the load).  Its update tries and its
 * mapping of the fast tables are freed before the load makes its own; its
 * counter slot allocator goes to *nl (tables_live_renew()). */
static int live_renew(struct tables_live **nl)
{
	int err = tables_live_renew(&D.maps, D.live, nl);

	D.live = NULL;
	return err;
}

/* After a whole load: in live mode its state becomes D.live (a failed
 * load leaves none: the slots it handed out are unknown to the old one)
 * and the wait of each prefix it covered goes into the histogram. */
static void live_loaded(struct tables_live *nl, const struct rt_upstreams *ups, size_t routes,
			struct taken *tk, bool ok)
{
	uint64_t now = rib_now_ns();

	tables_live_close(D.live);
	D.live = ok ? nl : NULL;
	if (!ok)
		tables_live_close(nl);
	if (D.live) {
		D.live_ups = *ups;
		D.live_epoch = tk->epoch;
		D.live_routes = routes;
	}
	pthread_mutex_lock(&D.lock);
	D.live_ready = D.live != NULL;
	if (D.live)
		taken_observe(tk, now);
	D.apply.loads += D.live != NULL;
	pthread_mutex_unlock(&D.lock);
	free(tk->since);
}

static void reload_once(void)
{
	struct routes_opts ro;
	struct rt_upstreams ups;
	struct tables_result res;
	struct rtable t = { 0 };
	struct rib_transit *pairs = NULL, *tr = NULL;
	struct tables_live *nl = NULL;
	struct taken tk = { 0 };
	struct events_job ev = { 0 };
	uint32_t watch[CFG_MAX_WATCH];
	struct timespec a, b;
	uint64_t swapped;
	size_t npairs = 0, keep = 0, n_watch, routes;
	enum tables_which which;
	bool feed, held;
	const char *live;
	glob_t g;
	int err;

	clock_gettime(CLOCK_MONOTONIC, &a);
	/* what the load needs of the config, which SIGHUP may replace meanwhile */
	pthread_mutex_lock(&D.lock);
	ro = (struct routes_opts){ .format = D.cfg.format,
				   .keep_going = D.cfg.keep_going,
				   .allow_empty = D.cfg.allow_empty };
	which = D.cfg.lookup == ASC_LOOKUP_LPM ? TABLES_LPM : TABLES_FAST;
	n_watch = D.cfg.n_watch;
	memcpy(watch, D.cfg.watch, sizeof(watch));
	feed = live_on(&D.cfg);
	live = live_name(&D.cfg);
	err = expand_sources(&D.cfg, &g);
	pthread_mutex_unlock(&D.lock);
	/* each attached upstream's own paths (per-link attribution) */
	if (!err)
		err = tables_upstreams(&D.maps, &ups);
	ro.upstreams = &ups;
	/* the live feed's load keeps what single-prefix updates need; the
	 * last load's state goes first, so two are never held at once (its
	 * counter slot allocator stays for the load: tables_live_renew()) */
	if (!err && feed)
		err = live_renew(&nl);
	held = !err && feed;
	if (!err)
		err = feed ? routes_from_feed(&ups, &t, &pairs, &npairs, &tk, &ev)
			   : routes_from_files(&ro, &g, &t, &pairs, &npairs);
	if (held && feed_release_early(&ev))
		held = false;
	routes = t.n;
	/* the table goes into the fast tables' build: not held beside it */
	if (!err)
		err = tables_load_take(&D.maps, &t,
				       &(struct tables_opts){ .which = which, .live = nl }, &res);
	swapped = rib_now_ns();
	if (held && !ev.after)
		feed_release(&ev);
	if (!err) {
		tr = watched_pairs(pairs, npairs, watch, n_watch, &keep);
		err = tr ? 0 : -ENOMEM;
	}
	live_loaded(nl, &ups, routes, &tk, !err);
	clock_gettime(CLOCK_MONOTONIC, &b);
	phase_done(&swapped, "after the swap");
	pthread_mutex_lock(&D.lock);
	D.live_loading = false;
	if (err) {
		D.load_errors++;
		log_err("routing reload failed: the active tables are unchanged");
		snprintf(D.status, sizeof(D.status),
			 "routing load failed (%llu in all); serving the previous tables",
			 (unsigned long long)D.load_errors);
		free(tr);
	} else {
		D.load_duration = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
		free(D.transits);
		D.transits = tr;
		D.n_transits = keep;
		log_info("routing loaded: %zu IPv4 + %zu IPv6 prefixes from %s in %.3f s, "
			 "%zu distinct route records%s",
			 res.routes_v4, res.routes_v6, feed ? live : "the files", D.load_duration,
			 res.fast.routes, feed ? "; changes now go in prefix by prefix" : "");
		snprintf(D.status, sizeof(D.status), "routing: %zu IPv4 + %zu IPv6 prefixes",
			 res.routes_v4, res.routes_v6);
	}
	pthread_mutex_unlock(&D.lock);
	if (held && ev.after)
		feed_release(&ev); /* the events' baseline, after the tables */
	free(pairs);
	globfree(&g);
	rtable_free(&t);
	/* the table, pairs and the fast tables' builder were freed in this
	 * thread's arena, which glibc keeps: give the pages back */
	malloc_trim(0);
}

/* ---- single-prefix updates from the live RIB ------------------------------ */

/* A dirty set larger than this goes in by a whole load (a table resent by
 * a peer, a session lost): 1/8 of the last load's table, within these. */
#define UPDATE_MIN_WHOLE 1024
#define UPDATE_MAX_WHOLE 65536

/* One changed prefix as the RIB resolves it now. */
struct change {
	struct rt_entry e;
	struct rt_links links;
	bool withdraw;
	uint64_t since_ns;
};

/* Whether the dirty set is small enough for updates in place (under
 * rib_lock).  -E2BIG (logged) when not. */
static int changes_fit(void)
{
	size_t limit = D.live_routes / 8, n = rib_dirty_count(D.rib);

	limit = limit < UPDATE_MIN_WHOLE ? UPDATE_MIN_WHOLE : limit;
	limit = limit > UPDATE_MAX_WHOLE ? UPDATE_MAX_WHOLE : limit;
	if (n <= limit)
		return 0;
	log_info("%zu prefixes changed at once (more than %zu): a whole load", n, limit);
	return -E2BIG;
}

/* The RIB's dirty set, each prefix resolved for D.live's columns (*out
 * malloc'd).  Under rib_lock.  Returns 0, or a negative errno when a whole
 * load is due: -ESTALE when the RIB is not the one of D.live's load. */
static int changes_take(struct change **out, size_t *n)
{
	struct rib_dirty *d = NULL;
	int err = 0;

	*out = NULL;
	*n = 0;
	pthread_mutex_lock(&D.rib_lock);
	if (!D.rib || D.rib_epoch != D.live_epoch)
		err = -ESTALE;
	if (!err)
		err = changes_fit();
	if (!err)
		err = rib_take_dirty(D.rib, &d, n);
	if (!err && !(*out = calloc(*n ? *n : 1, sizeof(**out))))
		err = -ENOMEM;
	for (size_t i = 0; !err && i < *n; i++) {
		struct change *c = &(*out)[i];

		err = rib_resolve_prefix(D.rib, &D.live_ups, &d[i].p, &c->e, &c->links);
		c->withdraw = err == -ENOENT;
		if (c->withdraw) {
			c->e = d[i].p;
			err = 0;
		}
		c->since_ns = d[i].since_ns;
	}
	pthread_mutex_unlock(&D.rib_lock);
	free(d);
	if (err) {
		free(*out);
		*out = NULL;
	}
	return err;
}

/* Applies the live RIB's changes since the last apply to the active
 * tables, prefix by prefix.  Returns 0, or a negative errno when a whole
 * load is due. */
static int update_once(void)
{
	struct change *c = NULL;
	size_t n = 0, done = 0;
	uint64_t now;
	int err = tables_live_ready(D.live) ? changes_take(&c, &n) : -EINVAL;

	if (!err && n && !(err = tables_live_begin(D.live))) {
		while (!err && done < n) {
			err = tables_update(D.live, &c[done].e, &c[done].links, c[done].withdraw);
			done += !err;
		}
		if (tables_live_end(D.live, false) && !err)
			err = -EIO;
	}
	now = rib_now_ns();
	pthread_mutex_lock(&D.lock);
	for (size_t i = 0; i < done; i++)
		metrics_apply_observe(&D.apply, (double)(now - c[i].since_ns) / 1e9);
	D.apply.prefixes += done;
	D.live_ready = !err;
	pthread_mutex_unlock(&D.lock);
	if (err && err != -E2BIG && err != -ESTALE)
		log_info("single-prefix update failed (%s): a whole load follows", strerror(-err));
	free(c);
	return err;
}

/* The watched origins' pairs of the live RIB (under rib_lock): from the
 * events' tally, else a pass over every route. */
static struct rib_transit *watched_live(const uint32_t *watch, size_t n_watch, size_t *keep)
{
	struct rib_transit *pairs = NULL, *tr = NULL;
	size_t n = 0;
	int err = events_live_watched(D.rib, D.rib_epoch, watch, n_watch, &tr, keep);

	if (err != -ESTALE)
		return err ? NULL : tr;
	if (!rib_transits(D.rib, &pairs, &n))
		tr = watched_pairs(pairs, n, watch, n_watch, keep);
	free(pairs);
	return tr;
}

/* The routing-change events and the watched origins' transits from the
 * live RIB (every apply_interval while its changes go in prefix by
 * prefix: in time proportional to the changes, see events_live_rib), and
 * a grace period that frees the fast tables' replaced memory for reuse. */
static void events_once(void)
{
	struct rib_transit *tr = NULL;
	struct rt_upstreams ups;
	uint32_t watch[CFG_MAX_WATCH];
	size_t keep = 0, n_watch;
	int ups_err;

	pthread_mutex_lock(&D.lock);
	n_watch = D.cfg.n_watch;
	memcpy(watch, D.cfg.watch, sizeof(watch));
	pthread_mutex_unlock(&D.lock);
	ups_err = tables_upstreams(&D.maps, &ups);
	pthread_mutex_lock(&D.rib_lock);
	if (D.rib) {
		events_live_rib(&D.maps, D.rib, D.rib_epoch, &ups, ups_err);
		tr = watched_live(watch, n_watch, &keep);
	}
	pthread_mutex_unlock(&D.rib_lock);
	pthread_mutex_lock(&D.lock);
	if (tr) {
		free(D.transits);
		D.transits = tr;
		D.n_transits = keep;
	}
	pthread_mutex_unlock(&D.lock);
	if (tables_live_ready(D.live) && !tables_live_begin(D.live))
		tables_live_end(D.live, true);
}

/* What the work thread does next (bits of D.pending). */
enum work {
	WORK_LOAD = 1U << 0,   /* a whole load (start-up, a file, SIGHUP, a failed update) */
	WORK_UPDATE = 1U << 1, /* the live RIB's changes, prefix by prefix */
	WORK_EVENTS = 1U << 2, /* the live RIB's routing-change events */
};

static void *work_thread(void *arg)
{
	(void)arg;
	for (;;) {
		unsigned int w;

		pthread_mutex_lock(&D.lock);
		w = D.pending;
		D.pending = 0;
		if (!w)
			D.working = false;
		pthread_mutex_unlock(&D.lock);
		if (!w)
			return NULL;
		if ((w & WORK_UPDATE) && !(w & WORK_LOAD) && update_once())
			w |= WORK_LOAD;
		if (w & WORK_LOAD) {
			pthread_mutex_lock(&D.lock);
			D.live_loading = true; /* reload_once() clears it */
			pthread_mutex_unlock(&D.lock);
			reload_once();
			pthread_mutex_lock(&D.lock);
			/* changes drained during the load wait for no other
			 * drain: in place now */
			if (D.live_ready)
				D.pending |= WORK_UPDATE;
			/* systemd: started (the first load) or reloaded
			 * (SIGHUP's RELOADING=1), whether the load worked or
			 * not, so that a bad routing file holds neither
			 * forever; STATUS= says which. */
			sd_notifyf(0, "READY=1\nSTATUS=%s", D.status);
			pthread_mutex_unlock(&D.lock);
		} else if (w & WORK_EVENTS) {
			events_once();
		}
	}
}

/* Queues work for the work thread, starting it if it is not running. */
static void request_work(unsigned int w)
{
	pthread_t th;

	pthread_mutex_lock(&D.lock);
	D.pending |= w;
	if (!D.working) {
		D.working = true;
		if (pthread_create(&th, NULL, work_thread, NULL)) {
			D.working = false;
			log_err("start the work thread: %s", strerror(errno));
		} else {
			pthread_detach(th);
		}
	}
	pthread_mutex_unlock(&D.lock);
}

static void request_reload(void)
{
	request_work(WORK_LOAD);
}

static void attach_link(const struct asc_config *c, const struct cfg_link *l,
			struct attach_info *info)
{
	struct attach_opts o = { .ifname = l->ifname,
				 .upstream = l->name,
				 .vlan = l->vlan,
				 .asn = l->asn,
				 .neighbor = l->neighbor,
				 .mode = c->mode,
				 .tc_hook = c->tc_hook,
				 .replace = true,
				 .counters = c->counters };

	if (asc_attach(c->pin_dir, &o, info))
		memset(info, 0, sizeof(*info));
	if (!info->xdp)
		log_err("link %s (%s) not attached; fix it and send SIGHUP", l->name, l->ifname);
}

static void attach_links(void)
{
	for (int i = 0; i < D.cfg.n_links; i++)
		attach_link(&D.cfg, &D.cfg.links[i], &D.attached[i]);
}

/* The index of the link of b that is l of a with every setting alike, or -1. */
static int same_link(const struct asc_config *a, const struct cfg_link *l,
		     const struct asc_config *b)
{
	if (a->mode != b->mode || a->tc_hook != b->tc_hook)
		return -1;
	for (int i = 0; i < b->n_links; i++) {
		const struct cfg_link *m = &b->links[i];

		if (!strcmp(l->name, m->name) && !strcmp(l->ifname, m->ifname) &&
		    l->vlan == m->vlan && l->asn == m->asn)
			return i;
	}
	return -1;
}

static bool ifname_used(const struct asc_config *c, const char *ifname)
{
	for (int i = 0; i < c->n_links; i++)
		if (!strcmp(c->links[i].ifname, ifname))
			return true;
	return false;
}

/* Brings the links from D.cfg's to c's: detaches the interfaces c no longer
 * names, attaches new and changed links and those that were not attached;
 * counters stay.  info gets c's links as attach left them. */
static void relink(const struct asc_config *c, struct attach_info *info)
{
	for (int i = 0; i < D.cfg.n_links; i++) {
		const struct cfg_link *l = &D.cfg.links[i];

		if (!D.attached[i].xdp || same_link(&D.cfg, l, c) >= 0 || ifname_used(c, l->ifname))
			continue;
		log_info("link %s (%s) is no longer configured: detaching (its counters stay)",
			 l->name, l->ifname);
		asc_detach(D.cfg.pin_dir, l->ifname);
	}
	for (int i = 0; i < c->n_links; i++) {
		int old = same_link(c, &c->links[i], &D.cfg);

		if (old >= 0 && D.attached[old].xdp)
			info[i] = D.attached[old];
		else
			attach_link(c, &c->links[i], &info[i]);
	}
}

/* ---- the live feed ([bgp]) ---------------------------------------------- */

/* The BMP station of c's [bmp], started (NULL without [bmp]); *err gets
 * -errno when it could not start (logged). */
static struct bmp *station_open(const struct asc_config *c, int *err)
{
	const struct cfg_bmp *m = &c->bmp;
	const char *allow[CFG_MAX_BMP_ALLOW];
	struct bmp_conf bc = { .listen_addr = m->listen,
			       .listen_port = (uint16_t)m->port,
			       .view = (enum bmp_view)m->view,
			       .allow = allow,
			       .n_allow = m->n_allow };
	struct bmp *b;

	*err = 0;
	if (!m->on)
		return NULL;
	for (size_t i = 0; i < m->n_allow; i++)
		allow[i] = m->allow[i];
	b = bmp_new(&bc);
	*err = b ? bmp_start(b) : -errno;
	if (*err) {
		log_err("[bmp]: the BMP station did not start: %s", strerror(-*err));
		bmp_free(b);
		return NULL;
	}
	log_info("BMP station: listening on %s port %u, %zu allowed routers%s", m->listen, m->port,
		 m->n_allow, m->n_allow ? "" : " (any)");
	return b;
}

/* Drains the feed's and the station's queues into D.rib (under rib_lock);
 * *n gets the batches applied. */
static void live_drain(size_t *n)
{
	size_t m = 0;

	*n = 0;
	if (D.feed)
		feed_drain(D.feed, D.rib, 0, n);
	if (D.bmp)
		bmp_drain(D.bmp, D.rib, 0, &m);
	*n += m;
}

static struct feed_peer_conf peer_conf(const struct cfg_bgp *b, const struct cfg_neighbor *n)
{
	return (struct feed_peer_conf){ .name = n->name,
					.addr = n->addr,
					.port = (uint16_t)n->port,
					.active = n->active,
					.local_as = b->local_as,
					.remote_as = n->remote_as,
					.router_id = b->router_id,
					.hold_time_s = (uint16_t)b->hold_time,
					.stale_time_s = (uint16_t)n->stale_time };
}

/* The feed of c's [bgp], started (NULL without [bgp]); *err gets -errno
 * when it could not start (logged). */
static struct feed *feed_open(const struct asc_config *c, int *err)
{
	const struct cfg_bgp *b = &c->bgp;
	struct feed_conf fc = { .listen_addr = b->listen[0] ? b->listen : NULL,
				.listen_port = (uint16_t)b->port };
	struct feed *f;

	*err = 0;
	if (!b->on)
		return NULL;
	f = feed_new(&fc);
	if (!f) {
		*err = -errno;
		return NULL;
	}
	for (int i = 0; i < b->n_neighbors && !*err; i++) {
		struct feed_peer_conf pc = peer_conf(b, &b->neighbors[i]);
		int rc = feed_add_peer(f, &pc);

		*err = rc < 0 ? rc : 0;
	}
	if (!*err)
		*err = feed_start(f);
	if (*err) {
		log_err("[bgp]: the BGP feed did not start: %s", strerror(-*err));
		feed_free(f);
		return NULL;
	}
	log_info("BGP feed: %d neighbours, listening on %s port %u", b->n_neighbors,
		 b->listen[0] ? b->listen : "no address", b->port);
	return f;
}

/* Replaces the feed, the BMP station and their RIB by those of c (none
 * without [bgp] and [bmp], or when neither starts): every session and
 * router connection restarts, the RIB starts empty.
 * The tables keep the last load until the next one.  Only while the metrics
 * server is stopped. */
static int feed_replace(const struct asc_config *c)
{
	struct rib *rib = live_on(c) ? rib_new() : NULL;
	int err, bmp_err;

	if (live_on(c) && !rib)
		return -ENOMEM;
	feed_free(D.feed);
	bmp_free(D.bmp);
	D.feed = feed_open(c, &err);
	D.bmp = station_open(c, &bmp_err);
	err = err ? err : bmp_err;
	if (!D.feed && !D.bmp) { /* no RIB either: no load empties the tables meanwhile */
		rib_free(rib);
		rib = NULL;
	}
	if (rib)
		rib_track(rib, true); /* for single-prefix updates */
	pthread_mutex_lock(&D.rib_lock);
	if (D.rib)
		events_live_rib_gone(D.rib, D.rib_epoch);
	rib_free(D.rib);
	D.rib = rib;
	D.rib_epoch++; /* the next load of it is whole */
	pthread_mutex_unlock(&D.rib_lock);
	pthread_mutex_lock(&D.lock);
	D.live_ready = false;
	pthread_mutex_unlock(&D.lock);
	D.initial_since_ns = 0;
	D.initial_logged = false;
	return err;
}

/* ---- when the live RIB is loaded --------------------------------------- */

/* The first whole load of the live RIB waits for the feed's initial tables
 * (feed_initial_done: every session's End-of-RIB, its routes drained) rather
 * than loading, every apply_interval, the part of a full table that came so
 * far: each load holds rib_lock, so the feed would not be drained meanwhile.
 * It waits at most this long after the first change, so that a peer that
 * never sends End-of-RIB still gets tables. */
#ifndef LIVE_INITIAL_WAIT_S
#define LIVE_INITIAL_WAIT_S 120
#endif

/* Whether the whole load of the live RIB is due (main thread; logs the
 * wait once, and why the load goes ahead). */
static bool initial_load_due(void)
{
	char who[64] = "";
	uint64_t waited_ns = rib_now_ns() - D.initial_since_ns;

	if (!D.feed || feed_initial_done(D.feed, who, sizeof(who))) {
		if (D.initial_logged)
			log_info("End-of-RIB from every BGP session, its routes in the RIB: the "
				 "whole load");
		return true;
	}
	if (waited_ns >= LIVE_INITIAL_WAIT_S * 1000000000ULL) {
		log_warn("no End-of-RIB from %s after %u s: a whole load of the routes so far",
			 who[0] ? who : "the feed's queue", LIVE_INITIAL_WAIT_S);
		return true;
	}
	if (!D.initial_logged)
		log_info("waiting for End-of-RIB from %s before the whole load (at most %u s)",
			 who[0] ? who : "the feed's queue", LIVE_INITIAL_WAIT_S);
	D.initial_logged = true;
	return false;
}

/* What the live sources ask of the work thread now (main thread): the
 * events once changes go in prefix by prefix; else the whole load, once it
 * is due and none is under way; else nothing yet (0). */
static unsigned int live_tick(void)
{
	bool ready, loading;

	pthread_mutex_lock(&D.lock);
	ready = D.live_ready;
	loading = D.live_loading;
	pthread_mutex_unlock(&D.lock);
	if (ready)
		return WORK_EVENTS;
	if (loading || !initial_load_due())
		return 0;
	pthread_mutex_lock(&D.lock);
	D.live_loading = true;
	pthread_mutex_unlock(&D.lock);
	D.initial_since_ns = 0;
	D.initial_logged = false;
	return WORK_LOAD;
}

/* Starts the apply timer (apply_interval) unless it runs. */
static void apply_arm(int tfd, bool *armed)
{
	struct itimerspec its = { 0 };
	unsigned int ms;

	if (*armed)
		return;
	pthread_mutex_lock(&D.lock);
	ms = config_apply_interval(&D.cfg);
	pthread_mutex_unlock(&D.lock);
	its.it_value.tv_sec = ms / 1000;
	its.it_value.tv_nsec = (long)(ms % 1000) * 1000000L;
	if (timerfd_settime(tfd, 0, &its, NULL))
		log_err("apply timer: %s", strerror(errno));
	else
		*armed = true;
}

/* Drains the feed's and the station's queues into the RIB.  After the
 * first whole load, the changed prefixes go into the tables at once
 * (WORK_UPDATE); the apply timer then brings the events of one
 * apply_interval together.  Before it, the changes go into one whole load:
 * on the timer, or at once when the End-of-RIB it waited for is drained. */
static void feed_take(int tfd, bool *armed)
{
	unsigned int w = 0;
	size_t n = 0;
	bool ready;

	pthread_mutex_lock(&D.rib_lock);
	live_drain(&n);
	pthread_mutex_unlock(&D.rib_lock);
	if (!n)
		return;
	pthread_mutex_lock(&D.lock);
	ready = D.live_ready;
	pthread_mutex_unlock(&D.lock);
	if (ready)
		w = WORK_UPDATE;
	else if (!D.initial_since_ns)
		D.initial_since_ns = rib_now_ns();
	else if (D.feed && D.initial_logged && feed_initial_done(D.feed, NULL, 0))
		w = live_tick();
	if (w)
		request_work(w);
	apply_arm(tfd, armed);
}

/* ---- /metrics ----------------------------------------------------------- */

/* The attach state of each configured link, confirmed by a netlink query
 * that needs no capability (cheaper than libxdp's, which opens the program
 * by id): a single program must still be the one attach left (another
 * install's --replace takes the interface over); a dispatcher is not looked
 * into. */
static void attach_state(struct metrics_link *out)
{
	for (int i = 0; i < D.cfg.n_links; i++) {
		const struct attach_info *ai = &D.attached[i];
		unsigned int ifindex = if_nametoindex(D.cfg.links[i].ifname);
		__u32 id = 0;

		if (ifindex)
			bpf_xdp_query_id((int)ifindex, 0, &id);
		out[i] = (struct metrics_link){ .upstream = D.cfg.links[i].name,
						.xdp_mode = ai->xdp ? ai->xdp_mode : NULL,
						.dispatcher = ai->dispatcher,
						.confirmed = id && (ai->dispatcher ||
								    id == ai->xdp_prog_id) };
	}
}

/* The feed's and the events' series (metrics_write_live). */
static int render_live(FILE *f)
{
	struct feed_peer_status *peers = NULL;
	struct metrics_changes *changes = NULL;
	struct metrics_live l = { .now = (uint64_t)time(NULL) };
	struct metrics_apply apply;
	int err;

	if (D.feed) {
		l.n_peers = feed_peer_count(D.feed);
		peers = calloc(l.n_peers ? l.n_peers : 1, sizeof(*peers));
		if (!peers)
			return -ENOMEM;
		for (size_t i = 0; i < l.n_peers; i++)
			feed_peer_status(D.feed, (int)i, &peers[i]);
		l.peers = peers;
		l.queue_bytes = feed_queue_bytes(D.feed);
	}
	err = events_live_counts(&changes, &l.n_changes);
	l.changes = changes;
	pthread_mutex_lock(&D.lock);
	apply = D.apply;
	l.apply = live_on(&D.cfg) ? &apply : NULL;
	pthread_mutex_unlock(&D.lock);
	if (!err)
		err = metrics_write_live(f, &l);
	free(changes);
	free(peers);
	return err;
}

/* The status of one router of the station and of its peers (malloc'd). */
static int station_router(size_t i, struct metrics_bmp_router *r)
{
	struct bmp_peer_status *peers;
	int err = bmp_router_peers(D.bmp, i, &r->st, &peers, &r->n_peers);

	r->peers = peers;
	return err == -ENOMEM ? err : 0; /* -EINVAL: not there any more, no peers */
}

/* The BMP station's series (metrics_write_bmp); nothing without [bmp]. */
static int render_bmp(FILE *f)
{
	struct metrics_bmp m = { 0 };
	struct metrics_bmp_router *routers;
	int err = 0;

	if (!D.bmp)
		return 0;
	m.n_routers = bmp_router_count(D.bmp);
	routers = calloc(m.n_routers ? m.n_routers : 1, sizeof(*routers));
	for (size_t i = 0; routers && !err && i < m.n_routers; i++)
		err = station_router(i, &routers[i]);
	if (routers && !err) {
		m.routers = routers;
		m.refused = bmp_refused(D.bmp, &m.refused_limit);
		m.queue_bytes = bmp_queue_bytes(D.bmp);
		err = metrics_write_bmp(f, &m);
	}
	if (!routers)
		return -ENOMEM;
	for (size_t i = 0; i < m.n_routers; i++)
		free((void *)routers[i].peers);
	free(routers);
	return err;
}

/* The exposition of one scrape (httpd_opts.render). */
static int render_metrics(FILE *f, void *arg)
{
	static struct metrics_link links[CFG_MAX_LINKS];
	static struct snapshot s;
	struct metrics_opts mo = { .top_n = D.cfg.top_n,
				   .watch = D.cfg.watch,
				   .n_watch = D.cfg.n_watch,
				   .state = D.mstate };
	struct metrics_daemon md = { .links = links, .n_links = (size_t)D.cfg.n_links };
	int err;

	(void)arg;
	if (snapshot_read(&D.maps, SNAP_ROWS, &s))
		return -EIO;
	attach_state(links);
	pthread_mutex_lock(&D.lock);
	md.load_duration = D.load_duration;
	md.load_errors = D.load_errors;
	md.transits = D.transits;
	md.n_transits = D.n_transits;
	s.daemon = &md;
	err = metrics_write(f, &s, &mo);
	pthread_mutex_unlock(&D.lock);
	if (!err)
		err = render_live(f);
	if (!err)
		err = render_bmp(f);
	snapshot_free(&s);
	return err;
}

/* What the exporter serves besides its index page. */
static const struct httpd_route http_routes[] = {
	{ "/metrics", "Metrics", httpd_exposition },
	{ "/events", "Routing-change events (JSON; ?since=SEQ: the later ones)",
	  events_live_render },
	{ NULL },
};

static struct httpd *http_start(const struct asc_config *c)
{
	struct httpd_opts o = { .host = c->listen_host,
				.port = c->listen_port,
				.max_connections = c->max_connections,
				.max_per_client = c->max_per_client,
				.timeout_s = c->timeout_s,
				.header_timeout_s = c->header_timeout_s,
				.routes = http_routes,
				.render = render_metrics };

	return httpd_start(&o);
}

/* The listener as a URL writes it: [IPv6]:PORT or IPv4:PORT. */
static const char *listen_str(void)
{
	static char buf[sizeof(D.cfg.listen_host) + 8];
	bool v6 = strchr(D.cfg.listen_host, ':');

	snprintf(buf, sizeof(buf), v6 ? "[%s]:%u" : "%s:%u", D.cfg.listen_host, D.cfg.listen_port);
	return buf;
}

/* ---- privileges ------------------------------------------------------------ */

/* Keeps what attaching a link on SIGHUP needs: CAP_BPF and CAP_PERFMON
 * (maps, loading the programs), CAP_NET_ADMIN (XDP and tc over netlink) and
 * CAP_SYS_ADMIN (libxdp opens the program already on a link by id,
 * BPF_PROG_GET_FD_BY_ID), and CAP_NET_BIND_SERVICE (the BGP listener on
 * port 179 when SIGHUP restarts the feed); drops every other capability. */
static int drop_caps(void)
{
	cap_value_t keep[] = { CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON, CAP_SYS_ADMIN,
			       CAP_NET_BIND_SERVICE };
	cap_t caps = cap_init();
	int err = 0;

	if (!caps)
		return -errno;
	if (cap_set_flag(caps, CAP_PERMITTED, 5, keep, CAP_SET) ||
	    cap_set_flag(caps, CAP_EFFECTIVE, 5, keep, CAP_SET) || cap_set_proc(caps))
		err = -errno;
	cap_free(caps);
	if (!err && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		err = -errno;
	return err;
}

/* ---- SIGHUP ----------------------------------------------------------------- */

/* A change of [bgp] or [bmp] restarts both live sources with an empty RIB
 * (they share it).  Whether the tables should be loaded now: not while the
 * restarted sources have no routes yet. */
static bool live_reconfigure(const struct asc_config *c, const char *path)
{
	bool same = config_bgp_same(c, &D.cfg) && config_bmp_same(c, &D.cfg);

	if (same)
		return true;
	log_info("%s changed: restarting %s (every BGP session, every BMP connection)",
		 config_bgp_same(c, &D.cfg) ? "[bmp]" : "[bgp]", live_name(c));
	if (feed_replace(c))
		log_err("the live feed is not fully running: fix [bgp] / [bmp] in %s and send "
			"SIGHUP",
			path);
	return !live_on(c);
}

/* Reads the config file again and applies it: links, routing sources and
 * metrics settings.  A file with an error is refused (config_load logged
 * where) and everything stays as it is; so is a change of pin_dir or
 * counters, which needs a restart.  The metrics server is stopped while
 * D.cfg changes (no scrape reads it half-changed) and started with the new
 * settings.  A change of [bgp] restarts the feed with an empty RIB: *reload
 * is then false (the tables keep the last load until the feed has routes).
 * Returns 0 if the new config is running. */
static int reconfigure(const char *path, struct httpd **http, bool *reload)
{
	static struct asc_config c;
	static struct attach_info info[CFG_MAX_LINKS];
	struct asc_config old;

	if (config_load(path, &c)) {
		log_err("%s refused: the running configuration is kept", path);
		return -EINVAL;
	}
	if (strcmp(c.pin_dir, D.cfg.pin_dir) || c.counters != D.cfg.counters) {
		log_err("%s refused: pin_dir and counters change only with a restart; the "
			"running configuration is kept",
			path);
		config_free(&c);
		return -EINVAL;
	}
	httpd_stop(*http);
	relink(&c, info);
	*reload = live_reconfigure(&c, path);
	pthread_mutex_lock(&D.lock);
	old = D.cfg;
	D.cfg = c;
	memcpy(D.attached, info, sizeof(info));
	pthread_mutex_unlock(&D.lock);
	config_free(&old);
	*http = http_start(&D.cfg);
	if (!*http)
		log_err("metrics not served: fix [metrics] in %s and send SIGHUP", path);
	log_info("%s re-read: %d links, %d routing sources, metrics on %s", path, D.cfg.n_links,
		 D.cfg.n_sources, listen_str());
	return 0;
}

/* ---- main loop ----------------------------------------------------------- */

static int watch_sources(int ifd)
{
	for (int i = 0; i < D.cfg.n_sources; i++) {
		char *copy = strdup(D.cfg.sources[i]);

		if (!copy)
			return -ENOMEM;
		if (inotify_add_watch(ifd, dirname(copy), IN_CLOSE_WRITE | IN_MOVED_TO) < 0)
			log_warn("cannot watch %s for changes: %s (SIGHUP still reloads)", copy,
				 strerror(errno));
		free(copy);
	}
	return 0;
}

/* Drains the inotify queue; true if a changed name matches a source
 * pattern (the directories also hold other files). */
static bool source_changed(int ifd)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool hit = false;
	ssize_t n;

	while ((n = read(ifd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const void *)p;

			for (int i = 0; ev->len && i < D.cfg.n_sources; i++) {
				const char *slash = strrchr(D.cfg.sources[i], '/');

				if (!fnmatch(slash ? slash + 1 : D.cfg.sources[i], ev->name, 0))
					hit = true;
			}
			p += sizeof(*ev) + ev->len;
		}
	}
	return hit;
}

/* The apply timer went off: the work it starts, or (the whole load not
 * due yet, or under way) the timer again. */
static void apply_tick(int tfd, bool *armed)
{
	unsigned int w = live_tick();

	if (w)
		request_work(w);
	else if (D.rib)
		apply_arm(tfd, armed);
}

/* The poll set of the main loop. */
enum { PF_SIGNAL, PF_INOTIFY, PF_FEED, PF_BMP, PF_APPLY, PF_N };

/* A signal: SIGHUP reconfigures and reloads; true for one that ends the
 * daemon. */
static bool on_signal(int sfd, int ifd, const char *path, struct httpd **http)
{
	struct signalfd_siginfo si;
	bool reload;

	if (read(sfd, &si, sizeof(si)) != sizeof(si))
		return false;
	if (si.ssi_signo == SIGHUP) {
		log_info("SIGHUP: reloading");
		sd_notify(0, "RELOADING=1\nSTATUS=reloading");
		if (reconfigure(path, http, &reload)) {
			sd_notify(0, "READY=1\nSTATUS=new configuration refused (see "
				     "the log); running the previous one");
			return false;
		}
		watch_sources(ifd);
		if (reload)
			request_reload();
		else
			sd_notify(0, "READY=1\nSTATUS=waiting for the restarted BGP feed");
		return false;
	}
	log_info("exiting on signal %u; the programs stay attached and counting "
		 "('asclass detach IFACE' removes them)",
		 si.ssi_signo);
	sd_notify(0, "STOPPING=1\nSTATUS=stopping; the programs stay attached");
	return true;
}

static void main_loop(int sfd, int ifd, int tfd, const char *path, struct httpd **http)
{
	struct pollfd pf[PF_N];
	bool armed = false;

	pf[PF_SIGNAL] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	pf[PF_INOTIFY] = (struct pollfd){ .fd = ifd, .events = POLLIN };
	pf[PF_APPLY] = (struct pollfd){ .fd = tfd, .events = POLLIN };
	for (;;) {
		pf[PF_FEED] =
			(struct pollfd){ .fd = D.feed ? feed_fd(D.feed) : -1, .events = POLLIN };
		pf[PF_BMP] = (struct pollfd){ .fd = D.bmp ? bmp_fd(D.bmp) : -1, .events = POLLIN };
		if (poll(pf, PF_N, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if ((pf[PF_INOTIFY].revents & POLLIN) && source_changed(ifd)) {
			log_info("a routing source changed: reloading");
			request_reload();
		}
		if ((pf[PF_FEED].revents | pf[PF_BMP].revents) & POLLIN)
			feed_take(tfd, &armed);
		if (pf[PF_APPLY].revents & POLLIN) {
			uint64_t ticks;

			armed = false;
			if (read(tfd, &ticks, sizeof(ticks)) > 0)
				apply_tick(tfd, &armed);
		}
		if ((pf[PF_SIGNAL].revents & POLLIN) && on_signal(sfd, ifd, path, http))
			break;
	}
}

/* --check-config's words on the live sources ("" without). */
static void check_live(char *buf, size_t len)
{
	const struct cfg_bmp *m = &D.cfg.bmp;
	int n = 0;

	if (D.cfg.bgp.on)
		n = snprintf(buf, len, ", %d BGP neighbours", D.cfg.bgp.n_neighbors);
	if (m->on && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n,
			 ", BMP station on %s port %u (%zu allowed routers%s)", m->listen, m->port,
			 m->n_allow, m->n_allow ? "" : ": any");
}

int cmd_run(int argc, char **argv)
{
	const char *path = "/etc/asclass/asclass.conf", *arg;
	struct httpd *http;
	sigset_t sigs;
	int i, err, check = 0, sfd, ifd, tfd;

	while ((i = opt_next(&run_spec, argc, argv, &arg)) != OPT_END) {
		if (i == RUN_CONFIG)
			path = arg;
		else if (i == RUN_CHECK)
			check = 1;
		else
			return ASC_EXIT_USAGE;
	}
	if (optind != argc)
		return usage_error(&run_spec, "takes no arguments");
	if ((err = config_load(path, &D.cfg)))
		return exit_code(EXIT_READ, err);
	if (check) {
		char nb[160] = "";

		check_live(nb, sizeof(nb));
		printf("%s: OK (%d links, %d routing sources%s, metrics on %s)\n", path,
		       D.cfg.n_links, D.cfg.n_sources, nb, listen_str());
		return ASC_EXIT_OK;
	}
	log_set_daemon(1);
	/* a fixed threshold: glibc's own rises to 32 MiB after the first large
	 * free, and a load's tables then stay in the arenas (bench-feed) */
	mallopt(M_MMAP_THRESHOLD, 256 << 10);
	pthread_mutex_init(&D.lock, NULL);
	pthread_mutex_init(&D.rib_lock, NULL);
	D.mstate = metrics_state_new();
	if (!D.mstate || events_live_init(EVENTS_RING_DEFAULT))
		return ASC_EXIT_FAIL;
	/* Block the signals we read from a signalfd before any thread (libmicrohttpd's,
	 * the reloads', the feed's) exists, so none of them gets the default action. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	if (maps_create(D.cfg.pin_dir, D.cfg.counters, &D.maps))
		return ASC_EXIT_BPF;
	sd_notify(0, "STATUS=attaching");
	attach_links();
	if (feed_replace(&D.cfg))
		return ASC_EXIT_FAIL;
	http = http_start(&D.cfg);
	if (!http)
		return ASC_EXIT_FAIL;
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (sfd < 0 || ifd < 0 || tfd < 0 || watch_sources(ifd)) {
		log_err("signalfd/inotify/timerfd: %s", strerror(errno));
		return ASC_EXIT_FAIL;
	}
	if (drop_caps())
		log_warn("could not drop capabilities: %s", strerror(errno));
	log_info("serving metrics on %s; %d links, %d routing sources, %d BGP neighbours",
		 listen_str(), D.cfg.n_links, D.cfg.n_sources, D.cfg.bgp.n_neighbors);
	if (D.feed || D.bmp) {
		/* the tables keep what they hold until the feed has routes */
		sd_notify(0, "READY=1\nSTATUS=waiting for the BGP feed");
	} else {
		sd_notify(0, "STATUS=loading the routing data");
		request_reload();
	}
	main_loop(sfd, ifd, tfd, path, &http);
	httpd_stop(http);
	feed_free(D.feed);
	bmp_free(D.bmp);
	return ASC_EXIT_OK;
}
