// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/daemon/cmd_run.c - asclass run: the border-router daemon in the foreground.
 *
 * Start-up: read the config (all or nothing), create or re-use the pinned
 * maps, attach (or atomically replace) the programs on every link, load the
 * routing data, serve /metrics, drop capabilities.  Then: SIGHUP or a change
 * of a routing source (inotify) reloads in a background thread, building
 * aside and swapping; SIGTERM/SIGINT exit and leave the programs counting.
 */
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <libgen.h>
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
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <systemd/sd-daemon.h>

#include "cli/cmd.h"
#include "common/log.h"
#include "daemon/config.h"
#include "dataplane/attach.h"
#include "dataplane/maps.h"
#include "dataplane/tables.h"
#include "output/httpd.h"
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
		"file changes.  SIGHUP re-reads the configuration file: links added or changed are "
		"attached, links removed detached (counters stay), routing and metrics settings "
		"change; a file with an error is refused and the running configuration kept.  A "
		"failed reload keeps the active tables.  After start-up only CAP_BPF, "
		"CAP_NET_ADMIN, CAP_PERFMON and CAP_SYS_ADMIN are kept: attaching a link on SIGHUP "
		"needs them.",
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
	bool reloading, reload_pending;
	char status[160];	      /* systemd's STATUS= after the last load */
	struct rib_transit *transits; /* of watched origins, from the last good load */
	size_t n_transits;
	struct attach_info attached[CFG_MAX_LINKS]; /* as attach left it */
	/* The previous scrape, for top-N by recent traffic.  Only
	 * libmicrohttpd's one polling thread renders metrics, so it needs no lock. */
	struct metrics_state *mstate;
};

static struct daemon D;

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

static void reload_once(void)
{
	struct routes_opts ro;
	struct tables_result res;
	struct rtable t = { 0 };
	struct rib *rib = NULL;
	struct rib_transit *tr = NULL;
	uint32_t watch[CFG_MAX_WATCH];
	struct timespec a, b;
	size_t ntr = 0, keep = 0, n_watch;
	enum tables_which which;
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
	err = expand_sources(&D.cfg, &g);
	pthread_mutex_unlock(&D.lock);
	if (!err && g.gl_pathc)
		err = routes_read((const char *const *)g.gl_pathv, (int)g.gl_pathc, &ro, &t, &rib,
				  NULL);
	if (!err)
		err = tables_load(&D.maps, &t, &(struct tables_opts){ .which = which }, &res);
	if (!err && !transits_of(rib, &t, &tr, &ntr)) {
		for (size_t i = 0; i < ntr; i++)
			for (size_t w = 0; w < n_watch; w++)
				if (tr[i].origin == watch[w])
					tr[keep++] = tr[i];
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	pthread_mutex_lock(&D.lock);
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
		log_info("routing loaded: %zu IPv4 + %zu IPv6 prefixes from %zu files in %.3f s",
			 res.routes_v4, res.routes_v6, g.gl_pathc, D.load_duration);
		snprintf(D.status, sizeof(D.status), "routing: %zu IPv4 + %zu IPv6 prefixes",
			 res.routes_v4, res.routes_v6);
	}
	pthread_mutex_unlock(&D.lock);
	globfree(&g);
	rtable_free(&t);
	rib_free(rib);
}

static void *reload_thread(void *arg)
{
	(void)arg;
	for (;;) {
		reload_once();
		pthread_mutex_lock(&D.lock);
		/* systemd: started (the first load) or reloaded (SIGHUP's
		 * RELOADING=1), whether the load worked or not, so that a bad
		 * routing file holds neither forever; STATUS= says which. */
		sd_notifyf(0, "READY=1\nSTATUS=%s", D.status);
		if (!D.reload_pending) {
			D.reloading = false;
			pthread_mutex_unlock(&D.lock);
			return NULL;
		}
		D.reload_pending = false;
		pthread_mutex_unlock(&D.lock);
	}
}

/* Starts a reload, or queues one if a reload is running. */
static void request_reload(void)
{
	pthread_t th;

	pthread_mutex_lock(&D.lock);
	if (D.reloading) {
		D.reload_pending = true;
	} else {
		D.reloading = true;
		if (pthread_create(&th, NULL, reload_thread, NULL)) {
			D.reloading = false;
			log_err("start reload thread: %s", strerror(errno));
		} else {
			pthread_detach(th);
		}
	}
	pthread_mutex_unlock(&D.lock);
}

static void attach_link(const struct asc_config *c, const struct cfg_link *l,
			struct attach_info *info)
{
	struct attach_opts o = { .ifname = l->ifname,
				 .upstream = l->name,
				 .vlan = l->vlan,
				 .asn = l->asn,
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

/* ---- /metrics ----------------------------------------------------------- */

/* The attach state of each configured link, confirmed by a netlink query
 * that needs no capability (the libxdp query needs CAP_SYS_ADMIN, dropped). */
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
						.confirmed = id != 0 };
	}
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
	snapshot_free(&s);
	return err;
}

/* What the exporter serves besides its index page. */
static const struct httpd_route http_routes[] = {
	{ "/metrics", "Metrics", httpd_exposition },
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
 * BPF_PROG_GET_FD_BY_ID); drops every other capability. */
static int drop_caps(void)
{
	cap_value_t keep[] = { CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON, CAP_SYS_ADMIN };
	cap_t caps = cap_init();
	int err = 0;

	if (!caps)
		return -errno;
	if (cap_set_flag(caps, CAP_PERMITTED, 4, keep, CAP_SET) ||
	    cap_set_flag(caps, CAP_EFFECTIVE, 4, keep, CAP_SET) || cap_set_proc(caps))
		err = -errno;
	cap_free(caps);
	if (!err && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		err = -errno;
	return err;
}

/* ---- SIGHUP ----------------------------------------------------------------- */

/* Reads the config file again and applies it: links, routing sources and
 * metrics settings.  A file with an error is refused (config_load logged
 * where) and everything stays as it is; so is a change of pin_dir or
 * counters, which needs a restart.  The metrics server is stopped while
 * D.cfg changes (no scrape reads it half-changed) and started with the new
 * settings.  Returns 0 if the new config is running. */
static int reconfigure(const char *path, struct httpd **http)
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

int cmd_run(int argc, char **argv)
{
	const char *path = "/etc/asclass/asclass.conf", *arg;
	struct httpd *http;
	struct pollfd pf[2];
	sigset_t sigs;
	int i, err, check = 0, sfd, ifd;

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
		printf("%s: OK (%d links, %d routing sources, metrics on %s)\n", path,
		       D.cfg.n_links, D.cfg.n_sources, listen_str());
		return ASC_EXIT_OK;
	}
	log_set_daemon(1);
	pthread_mutex_init(&D.lock, NULL);
	D.mstate = metrics_state_new();
	if (!D.mstate)
		return ASC_EXIT_FAIL;
	/* Block the signals we read from a signalfd before any thread (libmicrohttpd's,
	 * the reloads') exists, so none of them gets the default action. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	if (maps_create(D.cfg.pin_dir, D.cfg.counters, &D.maps))
		return ASC_EXIT_BPF;
	sd_notify(0, "STATUS=attaching");
	attach_links();
	http = http_start(&D.cfg);
	if (!http)
		return ASC_EXIT_FAIL;
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (sfd < 0 || ifd < 0 || watch_sources(ifd)) {
		log_err("signalfd/inotify: %s", strerror(errno));
		return ASC_EXIT_FAIL;
	}
	if (drop_caps())
		log_warn("could not drop capabilities: %s", strerror(errno));
	log_info("serving metrics on %s; %d links, %d routing sources", listen_str(), D.cfg.n_links,
		 D.cfg.n_sources);
	sd_notify(0, "STATUS=loading the routing data");
	request_reload();
	pf[0] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	pf[1] = (struct pollfd){ .fd = ifd, .events = POLLIN };
	for (;;) {
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if ((pf[1].revents & POLLIN) && source_changed(ifd)) {
			log_info("a routing source changed: reloading");
			request_reload();
		}
		if (pf[0].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) != sizeof(si))
				continue;
			if (si.ssi_signo == SIGHUP) {
				log_info("SIGHUP: reloading");
				sd_notify(0, "RELOADING=1\nSTATUS=reloading");
				if (reconfigure(path, &http)) {
					sd_notify(0,
						  "READY=1\nSTATUS=new configuration refused (see "
						  "the log); running the previous one");
					continue;
				}
				watch_sources(ifd);
				request_reload();
				continue;
			}
			log_info("exiting on signal %u; the programs stay attached and counting "
				 "('asclass detach IFACE' removes them)",
				 si.ssi_signo);
			sd_notify(0, "STOPPING=1\nSTATUS=stopping; the programs stay attached");
			break;
		}
	}
	httpd_stop(http);
	return ASC_EXIT_OK;
}
