// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/cli/cmd_events.c - asclass events: routing changes (an origin AS gained
 * or lost a transit AS), replayed from routing files or read from the
 * daemon's GET /events.  Both use cli/events.h, the daemon's own rule. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "cli/cmd.h"
#include "cli/events.h"
#include "common/log.h"
#include "output/json_out.h"
#include "routes/routes_in.h"

#define EVENTS_REPLY_MAX (64U << 20) /* bytes of a daemon's reply we read */

struct events_args {
	struct routes_opts ro;
	uint32_t origin; /* 0: every origin */
	char from[128];	 /* HOST:PORT of the daemon */
};

static const struct setting set_origin = {
	.name = "origin",
	.type = SETTING_ASN,
	.min = 1,
	.max = UINT32_MAX,
	.what = "an AS number",
	.short_name = 'o',
	.metavar = "ASN",
	.def = "every origin",
	.help = "only the events of this origin AS",
};
static const struct setting set_from = {
	.name = "from",
	.type = SETTING_STRING,
	.min = 3,
	.what = "HOST:PORT",
	.metavar = "HOST:PORT",
	.def = "127.0.0.1:9742",
	.help = "without FILE: the daemon's metrics listener to ask (GET /events)",
};

enum { E_JSON, E_FORMAT, E_KEEP_GOING, E_ORIGIN, E_FROM };
static const struct opt events_opts[] = {
	[E_JSON] = OPT_JSON,
	[E_FORMAT] = OPT_SETTING(set_format, struct events_args, ro.format),
	[E_KEEP_GOING] = OPT_SETTING(set_keep_going, struct events_args, ro.keep_going),
	[E_ORIGIN] = OPT_SETTING(set_origin, struct events_args, origin),
	[E_FROM] = OPT_SETTING(set_from, struct events_args, from),
	{ NULL },
};

static const struct cmd_spec events_spec = {
	.name = "asclass events",
	.synopsis = "[FILE...] [--json] [--format FORMAT] [--keep-going] [--origin ASN] "
		    "[--from HOST:PORT]",
	.desc = "Print routing changes: an origin AS gained or lost a transit AS (the AS in front "
		"of it in some path), one line each: time (UTC), gained or lost, origin AS, "
		"transit "
		"AS, prefixes that show the pair (0 for lost).  With FILEs, they are replayed in "
		"order: the first is the starting state (a RIB dump), each later file (update "
		"dumps) is compared with the state before it, as the daemon compares two loads; a "
		"change is dated by the RIB (the first path that showed the pair, the withdrawal "
		"of the last one), a pair that comes back after it was lost by the latest time "
		"its file shows.  Every file is read again for each later one: the cost grows "
		"with the square of their number.  Without FILE, the events the daemon (asclass "
		"run) recorded since it started are read from its metrics listener (GET /events; "
		"the daemon keeps the latest 1024).",
	.opts = events_opts,
	.examples = "    asclass events rib.20171001.0800.mrt updates.20171001.0905.mrt\n"
		    "    asclass events --json --from 127.0.0.1:9742\n",
};

/* The latest time the pairs show, to date what the RIB does not. */
static uint32_t latest_time(const struct rib_transit *v, size_t n)
{
	uint32_t t = 0;

	for (size_t i = 0; i < n; i++) {
		if (v[i].first_seen > t)
			t = v[i].first_seen;
		if (v[i].gone_since > t)
			t = v[i].gone_since;
	}
	return t;
}

/* The pairs of the first n files. */
static int pairs_of(char **files, int n, const struct routes_opts *ro, struct rib_transit **out,
		    size_t *nout)
{
	struct rtable t = { 0 };
	struct rib *rib = NULL;
	int err = routes_read((const char *const *)files, n, ro, &t, &rib, NULL);

	if (!err)
		err = transits_of(rib, &t, out, nout);
	rtable_free(&t);
	rib_free(rib);
	return err;
}

/* Every event of the files, one file after the other, into *ev. */
static int replay(char **files, int n, const struct routes_opts *ro, struct transit_event **ev,
		  size_t *nev)
{
	struct rib_transit *prev = NULL, *cur = NULL;
	size_t np = 0, nc = 0;
	int err = pairs_of(files, 1, ro, &prev, &np);

	for (int k = 2; !err && k <= n; k++) {
		err = pairs_of(files, k, ro, &cur, &nc);
		if (!err)
			err = events_diff(prev, np, cur, nc, latest_time(cur, nc), ev, nev);
		free(prev);
		prev = cur, np = nc;
		cur = NULL;
	}
	free(prev);
	return err;
}

/* ---- from the daemon ---- */

/* A connected socket to HOST:PORT ([IPv6]:PORT too), or -1 (logged). */
static int dial(const char *from)
{
	char host[128];
	const char *colon = strrchr(from, ':');
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai, *a;
	size_t len = colon ? (size_t)(colon - from) : 0;
	int fd = -1, rc;

	if (!colon || len >= sizeof(host)) {
		log_err("--from: '%s' is not HOST:PORT", from);
		return -1;
	}
	if (*from == '[' && len >= 2 && from[len - 1] == ']')
		from++, len -= 2;
	memcpy(host, from, len);
	host[len] = 0;
	rc = getaddrinfo(host, colon + 1, &hints, &ai);
	if (rc) {
		log_err("--from: %s: %s", host, gai_strerror(rc));
		return -1;
	}
	for (a = ai; a && fd < 0; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen)) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(ai);
	if (fd < 0)
		log_err("--from: cannot connect to %s port %s: %s", host, colon + 1,
			strerror(errno));
	return fd;
}

/* The body of GET /events from the daemon (malloc'd), or NULL (logged). */
static char *http_get_events(const char *from)
{
	static const char req[] = "GET /events HTTP/1.0\r\nAccept: application/json\r\n\r\n";
	size_t len = 0;
	char *buf = NULL, *body;
	FILE *f;
	int fd = dial(from);

	if (fd < 0)
		return NULL;
	f = fdopen(fd, "r+");
	if (!f || fputs(req, f) < 0 || fflush(f)) {
		log_err("--from %s: %s", from, strerror(errno));
		f ? fclose(f) : close(fd);
		return NULL;
	}
	buf = malloc(EVENTS_REPLY_MAX + 1);
	if (buf)
		len = fread(buf, 1, EVENTS_REPLY_MAX, f);
	fclose(f);
	if (!buf || len == EVENTS_REPLY_MAX) {
		log_err("--from %s: %s", from, buf ? "reply larger than 64 MiB" : strerror(ENOMEM));
		free(buf);
		return NULL;
	}
	buf[len] = 0;
	body = strstr(buf, "\r\n\r\n");
	if (strncmp(buf, "HTTP/1.", 7) || strncmp(buf + 8, " 200", 4) || !body) {
		log_err("--from %s: GET /events: %.*s", from, (int)strcspn(buf, "\r\n"), buf);
		free(buf);
		return NULL;
	}
	memmove(buf, body + 4, strlen(body + 4) + 1);
	return buf;
}

/* One event of the daemon's JSON (event_json's fields) into e. */
static int event_of_json(json_t *o, struct transit_event *e)
{
	const char *change = NULL, *when = NULL;
	json_int_t origin, transit, prefixes;
	struct tm tm = { 0 };

	if (json_unpack(o, "{s:s, s:I, s:I, s:s, s:I}", "change", &change, "origin_as", &origin,
			"transit_as", &transit, "time", &when, "prefixes", &prefixes) ||
	    !strptime(when, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return -EINVAL;
	*e = (struct transit_event){ .time = (uint32_t)timegm(&tm),
				     .origin = (uint32_t)origin,
				     .transit = (uint32_t)transit,
				     .prefixes = (uint32_t)prefixes,
				     .change = strcmp(change, "lost") ? EVENT_GAINED : EVENT_LOST };
	return 0;
}

static int from_daemon(const char *from, struct transit_event **ev, size_t *nev)
{
	char *body = http_get_events(from);
	json_error_t jerr;
	json_t *arr, *o;
	size_t i;

	if (!body)
		return -EIO;
	arr = json_loads(body, 0, &jerr);
	free(body);
	if (!json_is_array(arr)) {
		log_err("--from %s: GET /events: not a JSON array (%s)", from, jerr.text);
		json_decref(arr);
		return -EPROTO;
	}
	*ev = calloc(json_array_size(arr) + 1, sizeof(**ev));
	json_array_foreach(arr, i, o)
	{
		if (!*ev || event_of_json(o, &(*ev)[*nev])) {
			log_err("--from %s: GET /events: element %zu is not an event", from, i);
			json_decref(arr);
			return -EPROTO;
		}
		++*nev;
	}
	json_decref(arr);
	return 0;
}

static int print_events(const struct transit_event *ev, size_t n, int json, uint32_t origin)
{
	struct json_out w;

	json_out_init(&w, stdout);
	if (json)
		json_out_array(&w);
	else
		printf("time\tchange\torigin_as\ttransit_as\tprefixes\n");
	for (size_t i = 0; i < n; i++) {
		if (origin && ev[i].origin != origin)
			continue;
		if (json)
			json_out_add(&w, event_json(&ev[i]));
		else
			event_print(stdout, &ev[i]);
	}
	if (json)
		return json_out_finish(&w);
	return fflush(stdout) || ferror(stdout) ? -EIO : 0;
}

int cmd_events(int argc, char **argv)
{
	struct events_args a = { .ro = { .format = ROUTES_AUTO, .allow_empty = true },
				 .from = "127.0.0.1:9742" };
	struct transit_event *ev = NULL;
	size_t nev = 0;
	const char *arg;
	char why[256];
	int i, json = 0, err;

	while ((i = opt_next(&events_spec, argc, argv, &arg)) != OPT_END) {
		if (i == E_JSON) {
			json = 1;
			continue;
		}
		if (i < 0)
			return ASC_EXIT_USAGE;
		if (setting_parse(&events_opts[i].bind, &a, arg ? arg : "yes", why, sizeof(why)))
			return usage_error(&events_spec, "--%s: %s", opt_name(&events_opts[i]),
					   why);
	}
	if (optind < argc) {
		err = replay(argv + optind, argc - optind, &a.ro, &ev, &nev);
		if (err) {
			free(ev);
			return exit_code(EXIT_READ, err);
		}
	} else if (from_daemon(a.from, &ev, &nev)) {
		free(ev);
		return ASC_EXIT_FAIL;
	}
	err = print_events(ev, nev, json, a.origin);
	free(ev);
	return exit_code(EXIT_RUN, err);
}
