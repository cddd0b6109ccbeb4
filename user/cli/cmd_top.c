// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/cli/cmd_top.c - asclass top: rates per upstream, direction, origin
 * and transit, like top(1) for a border link.  Reads a snapshot of the
 * pinned maps every interval (no daemon needed) and prints the rates since
 * the previous one: redrawn in place on a terminal, one block (or with
 * --json one object) per interval otherwise. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "common/log.h"
#include "common/parse.h"
#include "output/json_out.h"
#include "output/rates.h"
#include "output/snapshot.h"
#include "output/text_out.h"

enum { T_COUNT, T_DELAY, T_UPSTREAM, T_BY, T_SORT, T_LIMIT, T_ONCE, T_JSON };
static const struct opt top_opts[] = {
	[T_COUNT] = { "count", 'n', "COUNT", "until interrupted",
		      "print COUNT intervals, then exit" },
	[T_DELAY] = { "delay", 'd', "SECONDS", "1", "the interval, 0.1 to 3600 seconds" },
	[T_UPSTREAM] = { "upstream", 'u', "NAME", NULL, "only the upstream link NAME" },
	[T_BY] = { "by", 'b', "origin|transit|pair", "origin",
		   "a row per origin AS, per transit AS or per (origin, transit) pair" },
	[T_SORT] = { "sort", 's', "bits|packets", "bits",
		     "order the rows by bits or by packets per second" },
	[T_LIMIT] = { "limit", 'l', "N", "20", "at most N rows per interval" },
	[T_ONCE] = { "once", 0, NULL, NULL, "one interval, as --count 1" },
	[T_JSON] = { "json", 'j', NULL, NULL,
		     "one JSON object per interval, on one line (see JSON OUTPUT in asclass(8))" },
	{ NULL },
};

static const struct cmd_spec top_spec = {
	.name = "asclass top",
	.synopsis = "[-n COUNT] [-d SECONDS] [--upstream NAME] [--by origin|transit|pair] [--sort "
		    "bits|packets] [--limit N] [--once] [--json]",
	.desc = "Show current rates (packets and bits per second, since the previous read) of "
		"the upstream links' traffic: totals per upstream and direction, then the "
		"origins, transits or (origin, transit) pairs with the most bits (or packets) "
		"per second.  "
		"Reads the pinned maps every interval; the daemon need not run.  On a terminal "
		"the screen is redrawn; otherwise each interval is a block of its own.",
	.opts = top_opts,
	.examples = "    asclass top --upstream cu --by transit\n"
		    "    asclass top --once --json | jq '.rows[0]'\n",
};

struct top_opts {
	unsigned int count; /* 0: until interrupted */
	double delay;
	const char *upstream;
	enum rates_by by;
	int by_packets; /* --sort packets */
	unsigned int limit;
	int json;
};

static int parse_delay(const char *arg, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(arg, &end);
	if (errno || end == arg || *end || !(*out >= 0.1 && *out <= 3600))
		return usage_error(&top_spec, "--delay: '%s' is not 0.1 to 3600 seconds", arg);
	return 0;
}

static int parse_one(int i, const char *arg, struct top_opts *o)
{
	int by;

	switch (i) {
	case T_COUNT:
		if (parse_u32(arg, &o->count) || !o->count)
			return usage_error(&top_spec, "--count: '%s' is not a positive number",
					   arg);
		return 0;
	case T_DELAY:
		return parse_delay(arg, &o->delay);
	case T_UPSTREAM:
		o->upstream = arg;
		return 0;
	case T_BY:
		if ((by = rates_by_parse(arg)) < 0)
			return usage_error(&top_spec, "--by: '%s' is not origin, transit or pair",
					   arg);
		o->by = (enum rates_by)by;
		return 0;
	case T_SORT:
		if (strcmp(arg, "bits") && strcmp(arg, "packets"))
			return usage_error(&top_spec, "--sort: '%s' is not bits or packets", arg);
		o->by_packets = !strcmp(arg, "packets");
		return 0;
	case T_LIMIT:
		if (parse_u32(arg, &o->limit) || !o->limit)
			return usage_error(&top_spec, "--limit: '%s' is not a positive number",
					   arg);
		return 0;
	case T_ONCE:
		o->count = 1;
		return 0;
	case T_JSON:
		o->json = 1;
		return 0;
	}
	return ASC_EXIT_USAGE;
}

static int parse_args(int argc, char **argv, struct top_opts *o)
{
	const char *arg;
	int i, err;

	*o = (struct top_opts){ .delay = 1, .by = RATES_BY_ORIGIN, .limit = 20 };
	while ((i = opt_next(&top_spec, argc, argv, &arg)) != OPT_END)
		if ((err = parse_one(i, arg, o)))
			return err;
	if (optind != argc)
		return usage_error(&top_spec, "takes no arguments");
	return 0;
}

/* The id of upstream `name` in s, or -1 for every upstream (name NULL);
 * -2 after saying there is none of that name. */
static int upstream_id(const struct snapshot *s, const char *name)
{
	if (!name)
		return -1;
	for (int id = 1; id < ASC_MAX_UPSTREAMS; id++)
		if (s->ups[id].name[0] && !strncmp(s->ups[id].name, name, ASC_NAME_LEN) &&
		    strlen(name) <= ASC_NAME_LEN)
			return id;
	log_err("no upstream named '%s' in the maps under %s (see asclass status)", name,
		asc_pin_dir);
	return -2;
}

static void pause_for(double seconds)
{
	struct timespec ts = { (time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9) };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* One interval: the rates from prev to cur, printed. */
static int show(const struct snapshot *prev, const struct snapshot *cur, const struct top_opts *o,
		int upstream)
{
	struct rates r;
	int err = rates_compute(prev, cur, o->by, upstream, &r);

	if (err) {
		log_err("rates: %s", errstr(err));
		return err;
	}
	if (o->by_packets)
		rates_sort_packets(&r);
	if (o->json) {
		err = json_out_rates(stdout, cur, &r, o->limit);
	} else {
		if (isatty(STDOUT_FILENO))
			fputs("\033[H\033[2J", stdout); /* home, clear */
		err = text_out_rates(stdout, cur, &r, o->limit);
		if (!err && !isatty(STDOUT_FILENO))
			putchar('\n');
	}
	rates_free(&r);
	return err;
}

static int top_loop(const struct asc_maps *m, const struct top_opts *o)
{
	static struct snapshot a, b;
	struct snapshot *prev = &a, *cur = &b, *t;
	int upstream, err;

	if ((err = snapshot_read(m, SNAP_ROWS, prev)))
		goto read_failed;
	if ((upstream = upstream_id(prev, o->upstream)) == -2) {
		err = -ENOENT;
		goto out;
	}
	for (unsigned int i = 0; !o->count || i < o->count; i++) {
		pause_for(o->delay);
		if ((err = snapshot_read(m, SNAP_ROWS, cur)))
			goto read_failed;
		if ((err = show(prev, cur, o, upstream)))
			goto out;
		t = prev, prev = cur, cur = t;
	}
	goto out;
read_failed:
	log_err("read the maps in %s: %s", asc_pin_dir, errstr(err));
	err = ASC_EXIT_BPF;
out:
	snapshot_free(&a);
	snapshot_free(&b);
	return err == ASC_EXIT_BPF ? err : exit_code(EXIT_RUN, err);
}

int cmd_top(int argc, char **argv)
{
	struct top_opts o;
	struct asc_maps m;
	int err;

	if ((err = parse_args(argc, argv, &o)))
		return err;
	if (maps_open(asc_pin_dir, &m)) /* logs */
		return ASC_EXIT_BPF;
	err = top_loop(&m, &o);
	maps_close(&m);
	return err;
}
