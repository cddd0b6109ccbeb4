// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/cli/cmd_events.c - asclass events: routing changes (an origin AS gained
 * or lost a transit AS), replayed from routing files or read from the
 * daemon's GET /events.  Both use cli/events.h, the daemon's own rule. */
#include <errno.h>
#include <inttypes.h>
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
#ifndef EVENTS_FOLLOW_POLL_MS
#define EVENTS_FOLLOW_POLL_MS 100 /* --follow: between two GET /events?since= */
#endif

struct events_args {
	struct routes_opts ro;
	uint32_t origin; /* 0: every origin */
	char from[128];	 /* HOST:PORT of the daemon */
	bool follow;
	int json;
	struct rt_upstreams u; /* --upstream: the columns, as `rib --upstream` */
	char names[RT_COLUMNS][ASC_NAME_LEN];
	unsigned int n_up;
	bool header_done; /* text: the column names are out */
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
static const struct setting set_follow = {
	.name = "follow",
	.type = SETTING_BOOL,
	.short_name = 'F',
	.help = "without FILE: print the daemon's events, then each new one as it comes "
		"(GET /events?since=SEQ every 100 ms), until interrupted",
};

enum { E_JSON, E_FORMAT, E_KEEP_GOING, E_ORIGIN, E_FROM, E_FOLLOW, E_UPSTREAM };
static const struct opt events_opts[] = {
	[E_JSON] = { "json", 'j', NULL, NULL,
		     "print JSON lines: one object per event (see JSON OUTPUT in asclass(8))" },
	[E_FORMAT] = OPT_SETTING(set_format, struct events_args, ro.format),
	[E_KEEP_GOING] = OPT_SETTING(set_keep_going, struct events_args, ro.keep_going),
	[E_ORIGIN] = OPT_SETTING(set_origin, struct events_args, origin),
	[E_FROM] = OPT_SETTING(set_from, struct events_args, from),
	[E_FOLLOW] = OPT_SETTING(set_follow, struct events_args, follow),
	[E_UPSTREAM] = { "upstream", 'u', "NAME=ASN[@NEIGHBOR]", NULL,
			 "with FILEs: the events of upstream NAME's own paths (those of peer AS "
			 "ASN, and of peer address NEIGHBOR if given), as `asclass rib "
			 "--upstream` takes them; repeat for up to 8 upstreams; none: the "
			 "events of every path, upstream \"-\"" },
	{ NULL },
};

static const struct cmd_spec events_spec = {
	.name = "asclass events",
	.synopsis = "[FILE...] [--json] [--format FORMAT] [--keep-going] [--origin ASN] "
		    "[--upstream NAME=ASN[@NEIGHBOR]]... [--from HOST:PORT] [--follow]",
	.desc = "Print routing changes: an origin AS gained or lost a transit AS (the AS in front "
		"of it in some path) via an upstream, one line each: time (UTC), upstream, "
		"gained or lost, origin AS, transit AS, the number of prefixes that show (gained) "
		"or showed (lost) the pair via that upstream, and the first 16 of them.  The "
		"daemon's events are per attached upstream (its own paths); with no link "
		"attached, or input without paths (text, pfx2as), they are of every path, "
		"upstream \"-\".  With FILEs, they are replayed in order: the first is the "
		"starting state (a RIB dump), each later file (update dumps) is compared with the "
		"state before it, as the daemon compares two loads; a change is dated by the RIB "
		"(the first path that showed the pair, the withdrawal of the last one) when that "
		"is newer than the state before, else by the latest time its file shows.  Every "
		"file is read again for each later one: the cost grows with the square of their "
		"number.  Without FILE, the events the daemon (asclass run) recorded since it "
		"started are read from its metrics listener (GET /events; the daemon keeps the "
		"latest 1024), and with --follow each new one as it comes.",
	.opts = events_opts,
	.examples = "    asclass events rib.20171001.0800.mrt updates.20171001.0905.mrt\n"
		    "    asclass events --upstream cu=4837 --upstream ttk=20485 rib.mrt upd.mrt\n"
		    "    asclass events --json --follow --from 127.0.0.1:9742\n",
};

/* One event as the output asks (--origin, --json: a JSON line).  Returns 0
 * or a negative errno (logged). */
static int print_event(const struct events_args *a, const struct transit_event *e)
{
	struct json_out w;

	if (a->origin && e->origin != a->origin)
		return 0;
	if (!a->json) {
		event_print(stdout, e);
		return ferror(stdout) ? -EIO : 0;
	}
	json_out_init(&w, stdout);
	json_out_add(&w, event_json(e));
	return json_out_finish(&w);
}

/* Text output starts with the column names, once. */
static void print_header(struct events_args *a)
{
	if (!a->json && !a->header_done)
		event_print_header(stdout);
	a->header_done = true;
}

static int print_done(void)
{
	return fflush(stdout) || ferror(stdout) ? -EIO : 0;
}

/* The load of the first n files. */
static int load_of(char **files, int n, const struct events_args *a, struct event_load *l)
{
	struct routes_opts ro = a->ro;
	struct rtable t = { 0 };
	struct rib *rib = NULL;
	struct rib_transit *all = NULL;
	size_t n_all = 0;
	int err;

	ro.upstreams = &a->u;
	err = routes_read((const char *const *)files, n, &ro, &t, &rib, NULL);
	if (!err)
		err = transits_of(rib, &t, &all, &n_all);
	if (!err)
		err = event_load_collect(rib, &t, &a->u, (const char(*)[ASC_NAME_LEN])a->names, all,
					 n_all, l);
	free(all);
	rtable_free(&t);
	rib_free(rib);
	return err;
}

/* Every event of the files, one file after the other, printed as they come. */
static int replay(char **files, int n, const struct events_args *a)
{
	struct event_load prev = { 0 }, cur = { 0 };
	int err = load_of(files, 1, a, &prev);

	for (int k = 2; !err && k <= n; k++) {
		struct transit_event *ev = NULL;
		size_t nev = 0;

		err = load_of(files, k, a, &cur);
		if (!err)
			err = events_diff(&prev, &cur, cur.latest, &ev, &nev);
		for (size_t i = 0; !err && i < nev; i++)
			err = print_event(a, &ev[i]);
		free(ev);
		event_load_free(&prev);
		prev = cur;
		memset(&cur, 0, sizeof(cur));
	}
	event_load_free(&prev);
	event_load_free(&cur);
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

/* The body of GET /events?since=SEQ from the daemon (malloc'd), or NULL
 * (logged). */
static char *http_get_events(const char *from, uint64_t since)
{
	char req[128];
	size_t len = 0;
	char *buf = NULL, *body;
	FILE *f;
	int fd = dial(from);

	if (fd < 0)
		return NULL;
	snprintf(req, sizeof(req),
		 "GET /events?since=%" PRIu64 " HTTP/1.0\r\nAccept: application/json\r\n\r\n",
		 since);
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

/* What the follower saw last. */
struct cursor {
	uint64_t seq; /* of the last event printed; 0: none yet */
};

/* One event of the daemon's array: printed, and the cursor moved on (the
 * ring let events go that we did not see, or the daemon restarted: said). */
static int take_event(const struct events_args *a, json_t *o, size_t i, struct cursor *c)
{
	struct rt_entry pfx[EVENT_PREFIXES_MAX];
	struct transit_event e;

	if (event_from_json(o, &e, pfx)) {
		log_err("--from %s: GET /events: element %zu is not an event", a->from, i);
		return -EPROTO;
	}
	if (c->seq && e.seq <= c->seq)
		log_warn("--from %s: the daemon restarted: its events start again at %" PRIu64,
			 a->from, e.seq);
	else if (c->seq && e.seq > c->seq + 1)
		log_warn("--from %s: %" PRIu64 " events missed (the daemon keeps the latest "
			 "%d)",
			 a->from, e.seq - c->seq - 1, EVENTS_RING_DEFAULT);
	c->seq = e.seq;
	return print_event(a, &e);
}

/* The daemon's events after c->seq, printed.  Returns 0 or a negative
 * errno (logged). */
static int from_daemon(struct events_args *a, struct cursor *c)
{
	char *body = http_get_events(a->from, c->seq);
	json_error_t jerr;
	json_t *arr, *o;
	size_t i;
	int err = 0;

	if (!body)
		return -EIO;
	arr = json_loads(body, 0, &jerr);
	free(body);
	if (!json_is_array(arr)) {
		log_err("--from %s: GET /events: not a JSON array (%s)", a->from, jerr.text);
		json_decref(arr);
		return -EPROTO;
	}
	print_header(a);
	json_array_foreach(arr, i, o)
	{
		err = take_event(a, o, i, c);
		if (err)
			break;
	}
	json_decref(arr);
	return err ? err : print_done();
}

/* --follow: from_daemon() until interrupted; a daemon that does not answer
 * is asked again (said once per outage). */
static int follow(struct events_args *a)
{
	struct timespec pause = { .tv_sec = EVENTS_FOLLOW_POLL_MS / 1000,
				  .tv_nsec = EVENTS_FOLLOW_POLL_MS % 1000 * 1000000L };
	struct cursor c = { 0 };
	bool down = false;

	for (;;) {
		int err = from_daemon(a, &c);

		if (err == -EPIPE || (err && ferror(stdout)))
			return err;
		if (err && !down)
			log_warn("--follow: asking %s again every %d ms", a->from,
				 EVENTS_FOLLOW_POLL_MS);
		down = err != 0;
		nanosleep(&pause, NULL);
	}
}

/* --upstream NAME=ASN[@NEIGHBOR]: one more column.  0, or ASC_EXIT_USAGE
 * after printing why. */
static int upstream_arg(struct events_args *a, const char *arg)
{
	char name[ASC_NAME_LEN];
	struct rt_upstream up = { 0 };

	if (rt_upstream_parse(arg, name, &up))
		return usage_error(&events_spec,
				   "--upstream: '%s' is not NAME=ASN[@NEIGHBOR] (NAME at most %d "
				   "characters, NEIGHBOR an IPv4 or IPv6 address)",
				   arg, ASC_NAME_LEN - 1);
	for (unsigned int i = 0; i < a->n_up; i++)
		if (!strcmp(a->names[i], name))
			return usage_error(&events_spec, "upstream '%s' named twice", name);
	if (a->n_up == RT_COLUMNS)
		return usage_error(&events_spec, "more than %u upstreams", RT_COLUMNS);
	a->u.col[a->n_up] = up;
	snprintf(a->names[a->n_up++], ASC_NAME_LEN, "%s", name);
	return 0;
}

/* The options into a; 0 or ASC_EXIT_USAGE (printed). */
static int parse_args(struct events_args *a, int argc, char **argv)
{
	const char *arg;
	char why[256];
	int i;

	while ((i = opt_next(&events_spec, argc, argv, &arg)) != OPT_END) {
		if (i == E_JSON) {
			a->json = 1;
			continue;
		}
		if (i == E_UPSTREAM) {
			if (upstream_arg(a, arg))
				return ASC_EXIT_USAGE;
			continue;
		}
		if (i < 0)
			return ASC_EXIT_USAGE;
		if (setting_parse(&events_opts[i].bind, a, arg ? arg : "yes", why, sizeof(why)))
			return usage_error(&events_spec, "--%s: %s", opt_name(&events_opts[i]),
					   why);
	}
	if (optind < argc && a->follow)
		return usage_error(&events_spec, "--follow reads the daemon: no FILE with it");
	if (optind == argc && a->n_up)
		return usage_error(&events_spec,
				   "--upstream is for FILEs: the daemon's upstreams are its links");
	return 0;
}

int cmd_events(int argc, char **argv)
{
	struct events_args a = { .ro = { .format = ROUTES_AUTO, .allow_empty = true },
				 .from = "127.0.0.1:9742" };
	struct cursor c = { 0 };
	int err;

	if (parse_args(&a, argc, argv))
		return ASC_EXIT_USAGE;
	if (optind < argc) {
		print_header(&a);
		err = replay(argv + optind, argc - optind, &a);
		return exit_code(EXIT_READ, err ? err : print_done());
	}
	if (a.follow)
		return exit_code(EXIT_RUN, follow(&a));
	return from_daemon(&a, &c) ? ASC_EXIT_FAIL : ASC_EXIT_OK;
}
