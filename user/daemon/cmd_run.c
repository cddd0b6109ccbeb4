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
#include <microhttpd.h>
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
#include <arpa/inet.h>
#include <bpf/libbpf.h>

#include "cli/cmd.h"
#include "common/log.h"
#include "daemon/config.h"
#include "dataplane/attach.h"
#include "dataplane/maps.h"
#include "dataplane/tables.h"
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
		"metrics on the configured listener, and reloads the routing data on SIGHUP and "
		"when a source file changes.  A failed reload keeps the active tables.  After "
		"start-up only CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON are kept.",
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
	struct rib_transit *transits; /* of watched origins, from the last good load */
	size_t n_transits;
	struct attach_info attached[CFG_MAX_LINKS]; /* as attach left it */
	/* Which pairs /metrics has exported.  Only libmicrohttpd's one polling
	 * thread renders metrics, so it needs no lock. */
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
	struct routes_opts ro = { .format = D.cfg.format,
				  .keep_going = D.cfg.keep_going,
				  .allow_empty = D.cfg.allow_empty };
	struct tables_result res;
	struct rtable t = { 0 };
	struct rib *rib = NULL;
	struct rib_transit *tr = NULL;
	struct timespec a, b;
	size_t ntr = 0, keep = 0;
	glob_t g;
	int err;

	clock_gettime(CLOCK_MONOTONIC, &a);
	err = expand_sources(&D.cfg, &g);
	if (!err && g.gl_pathc)
		err = routes_read((const char *const *)g.gl_pathv, (int)g.gl_pathc, &ro, &t, &rib,
				  NULL);
	if (!err)
		err = tables_load(&D.maps, &t,
				  &(struct tables_opts){ .which = D.cfg.lookup == ASC_LOOKUP_LPM
									  ? TABLES_LPM
									  : TABLES_FAST },
				  &res);
	if (!err && rib && !rib_transits(rib, &tr, &ntr)) {
		for (size_t i = 0; i < ntr; i++)
			for (size_t w = 0; w < D.cfg.n_watch; w++)
				if (tr[i].origin == D.cfg.watch[w])
					tr[keep++] = tr[i];
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	pthread_mutex_lock(&D.lock);
	if (err) {
		D.load_errors++;
		log_err("routing reload failed: the active tables are unchanged");
		free(tr);
	} else {
		D.load_duration = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
		free(D.transits);
		D.transits = tr;
		D.n_transits = keep;
		log_info("routing loaded: %zu IPv4 + %zu IPv6 prefixes from %zu files in %.3f s",
			 res.routes_v4, res.routes_v6, g.gl_pathc, D.load_duration);
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

static void attach_links(void)
{
	for (int i = 0; i < D.cfg.n_links; i++) {
		const struct cfg_link *l = &D.cfg.links[i];
		struct attach_opts o = { .ifname = l->ifname,
					 .upstream = l->name,
					 .vlan = l->vlan,
					 .asn = l->asn,
					 .mode = D.cfg.mode,
					 .tc_hook = D.cfg.tc_hook,
					 .replace = true,
					 .counters = D.cfg.counters };
		struct attach_info *info = &D.attached[i];

		if (asc_attach(D.cfg.pin_dir, &o, info))
			memset(info, 0, sizeof(*info));
		if (!info->xdp)
			log_err("link %s (%s) not attached; fix it and send SIGHUP", l->name,
				l->ifname);
	}
}

/* ---- /metrics ----------------------------------------------------------- */

static void daemon_metrics(FILE *f)
{
	pthread_mutex_lock(&D.lock);
	fputs("# HELP asclass_rib_load_duration_seconds How long the last successful routing load "
	      "took.\n"
	      "# TYPE asclass_rib_load_duration_seconds gauge\n",
	      f);
	fprintf(f, "asclass_rib_load_duration_seconds %.6f\n", D.load_duration);
	fputs("# HELP asclass_rib_load_errors_total Routing reloads that failed (the active tables "
	      "were kept).\n"
	      "# TYPE asclass_rib_load_errors_total counter\n",
	      f);
	fprintf(f, "asclass_rib_load_errors_total %llu\n", (unsigned long long)D.load_errors);
	fputs("# HELP asclass_origin_transit_prefixes Prefixes of a watched origin AS that the "
	      "routing data shows behind a transit AS.\n"
	      "# TYPE asclass_origin_transit_prefixes gauge\n",
	      f);
	for (size_t i = 0; i < D.n_transits; i++)
		fprintf(f,
			"asclass_origin_transit_prefixes{origin_as=\"%u\",transit_as=\"%u\"} %u\n",
			D.transits[i].origin, D.transits[i].transit, D.transits[i].prefixes);
	pthread_mutex_unlock(&D.lock);
	fputs("# HELP asclass_program_attached Whether the classifier is attached to an upstream "
	      "link, by XDP mode.\n"
	      "# TYPE asclass_program_attached gauge\n",
	      f);
	for (int i = 0; i < D.cfg.n_links; i++) {
		const struct attach_info *ai = &D.attached[i];
		unsigned int ifindex = if_nametoindex(D.cfg.links[i].ifname);
		__u32 id = 0;

		/* What we attached, confirmed by a netlink query that needs no
		 * capability (the libxdp query needs CAP_SYS_ADMIN, dropped). */
		if (ifindex)
			bpf_xdp_query_id((int)ifindex, 0, &id);
		fprintf(f, "asclass_program_attached{upstream=\"%s\",mode=\"%s\",via=\"%s\"} %d\n",
			D.cfg.links[i].name, ai->xdp ? ai->xdp_mode : "none",
			ai->xdp ? (ai->dispatcher ? "dispatcher" : "single") : "none",
			ai->xdp && id != 0);
	}
}

static char *render_metrics(size_t *len)
{
	static struct asc_overflow_val ovf[ASC_MAX_UPSTREAMS];
	static struct asc_upstream ups[ASC_MAX_UPSTREAMS];
	struct metrics_opts mo = { .top_n = D.cfg.top_n,
				   .watch = D.cfg.watch,
				   .n_watch = D.cfg.n_watch,
				   .state = D.mstate };
	struct counter_row *rows = NULL;
	uint64_t stats[ASC_STAT_MAX];
	struct asc_state st;
	char *buf = NULL;
	size_t n;
	FILE *f;

	if (counters_read(&D.maps, &rows, &n) || upstreams_read(&D.maps, ups) ||
	    overflow_read(&D.maps, ovf) || stats_read(&D.maps, stats) || state_read(&D.maps, &st)) {
		free(rows);
		return NULL;
	}
	f = open_memstream(&buf, len);
	if (f) {
		struct metrics_snapshot s = { rows, n, ups, ovf, stats, &st, D.maps.counts_max };

		metrics_write(f, &s, &mo);
		daemon_metrics(f);
		fclose(f);
	}
	free(rows);
	return buf;
}

/* OpenMetrics 1.0 differs from the 0.0.4 text format, for what we write,
 * in two things: a counter's HELP and TYPE name the family without its
 * _total suffix, and the exposition ends with "# EOF". */
static char *to_openmetrics(const char *text, size_t *len)
{
	char *out = NULL;
	size_t olen = 0;
	FILE *f = open_memstream(&out, &olen);
	const char *line = text;

	if (!f)
		return NULL;
	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line + 1) : strlen(line);
		const char *sp = line + 7; /* after "# HELP " or "# TYPE " */
		const char *end = memchr(sp, ' ', n > 7 ? n - 7 : 0);

		if (n > 7 && (!strncmp(line, "# HELP ", 7) || !strncmp(line, "# TYPE ", 7)) &&
		    end && end - sp > 6 && !strncmp(end - 6, "_total", 6)) {
			fwrite(line, 1, (size_t)(end - 6 - line), f);
			fwrite(end, 1, n - (size_t)(end - line), f);
		} else {
			fwrite(line, 1, n, f);
		}
		line += n;
	}
	fputs("# EOF\n", f);
	fclose(f);
	*len = olen;
	return out;
}

static const char index_html[] =
	"<!DOCTYPE html><html><head><title>asclass</title></head><body><h1>asclass</h1>"
	"<p><a href=\"/metrics\">Metrics</a></p></body></html>\n";

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_len, void **state)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	unsigned int code = MHD_HTTP_OK;
	const char *type = "text/plain; version=0.0.4; charset=utf-8";
	char *body = NULL;
	size_t len = 0;

	(void)cls, (void)version, (void)upload, (void)state;
	if (*upload_len)
		return MHD_NO; /* no bodies: close the connection */
	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		code = MHD_HTTP_METHOD_NOT_ALLOWED;
		body = strdup("only GET\n");
	} else if (!strcmp(url, "/metrics")) {
		const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept");

		body = render_metrics(&len);
		if (!body) {
			code = MHD_HTTP_INTERNAL_SERVER_ERROR;
			body = strdup("cannot read the asclass maps\n");
			len = 0;
		} else if (accept && strstr(accept, "application/openmetrics-text")) {
			char *om = to_openmetrics(body, &len);

			free(body);
			body = om;
			type = "application/openmetrics-text; version=1.0.0; charset=utf-8";
		}
	} else if (!strcmp(url, "/")) {
		body = strdup(index_html);
		type = "text/html; charset=utf-8";
	} else {
		code = MHD_HTTP_NOT_FOUND;
		body = strdup("not found: try /metrics\n");
	}
	if (!body)
		return MHD_NO;
	if (!len)
		len = strlen(body);
	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type);
	if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, "Allow", "GET, HEAD");
	ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

static struct MHD_Daemon *http_start(void)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in a4 = { .sin_family = AF_INET };
	const struct sockaddr *sa;
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;

	if (inet_pton(AF_INET, D.cfg.listen_host, &a4.sin_addr) == 1) {
		a4.sin_port = htons(D.cfg.listen_port);
		sa = (const struct sockaddr *)&a4;
	} else if (inet_pton(AF_INET6, D.cfg.listen_host, &a6.sin6_addr) == 1) {
		a6.sin6_port = htons(D.cfg.listen_port);
		sa = (const struct sockaddr *)&a6;
		flags |= MHD_USE_IPv6;
	} else {
		log_err("metrics listen address '%s' is not an IP address", D.cfg.listen_host);
		return NULL;
	}
	/* Bounded: connections in all and per client, a time limit per
	 * connection, and a memory limit that caps the request headers. */
	return MHD_start_daemon(flags, (uint16_t)D.cfg.listen_port, NULL, NULL, answer, NULL,
				MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_CONNECTION_LIMIT,
				D.cfg.max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
				D.cfg.max_connections, MHD_OPTION_CONNECTION_TIMEOUT,
				D.cfg.timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768,
				MHD_OPTION_END);
}

/* ---- privileges ------------------------------------------------------------ */

/* Keeps CAP_BPF and CAP_PERFMON (map access, re-attach), CAP_NET_ADMIN
 * (netlink for tc/XDP on re-attach); drops every other capability. */
static int drop_caps(void)
{
	cap_value_t keep[] = { CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON };
	cap_t caps = cap_init();
	int err = 0;

	if (!caps)
		return -errno;
	if (cap_set_flag(caps, CAP_PERMITTED, 3, keep, CAP_SET) ||
	    cap_set_flag(caps, CAP_EFFECTIVE, 3, keep, CAP_SET) || cap_set_proc(caps))
		err = -errno;
	cap_free(caps);
	if (!err && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		err = -errno;
	return err;
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
	struct MHD_Daemon *http;
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
		printf("%s: OK (%d links, %d routing sources, metrics on %s:%u)\n", path,
		       D.cfg.n_links, D.cfg.n_sources, D.cfg.listen_host, D.cfg.listen_port);
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
	attach_links();
	http = http_start();
	if (!http) {
		log_err("cannot serve metrics on %s:%u", D.cfg.listen_host, D.cfg.listen_port);
		return ASC_EXIT_FAIL;
	}
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (sfd < 0 || ifd < 0 || watch_sources(ifd)) {
		log_err("signalfd/inotify: %s", strerror(errno));
		return ASC_EXIT_FAIL;
	}
	if (drop_caps())
		log_warn("could not drop capabilities: %s", strerror(errno));
	log_info("serving metrics on %s:%u; %d links, %d routing sources", D.cfg.listen_host,
		 D.cfg.listen_port, D.cfg.n_links, D.cfg.n_sources);
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
				request_reload();
				continue;
			}
			log_info("exiting on signal %u; the programs stay attached and counting "
				 "('asclass detach IFACE' removes them)",
				 si.ssi_signo);
			break;
		}
	}
	MHD_stop_daemon(http);
	return ASC_EXIT_OK;
}
