// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/output/snapshot.c - the one place commands and the daemon read the
 * maps for output (see snapshot.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "output/snapshot.h"

const char *path_name(unsigned int path)
{
	static const char *const names[] = {
		[ASC_PATH_NONE] = "none",
		[ASC_PATH_OWN] = "own",
		[ASC_PATH_CONSENSUS] = "consensus",
	};

	return path < sizeof(names) / sizeof(names[0]) ? names[path] : "?";
}

const char *snap_link_ifname(const struct snap_link *l, char *buf, size_t len)
{
	if (l->here)
		snprintf(buf, len, "%s", l->ifname);
	else
		snprintf(buf, len, "#%u", l->row.key.ifindex);
	return buf;
}

unsigned int pct(uint64_t used, uint64_t cap)
{
	return cap ? (unsigned int)(used * 100 / cap) : 0;
}

void snapshot_free(struct snapshot *s)
{
	free(s->rows);
	free(s->links);
	s->rows = NULL;
	s->links = NULL;
	s->n_rows = s->n_links = 0;
}

/* asc_links with what of ours is attached to each link and, where that
 * shows its interface is here, its name. */
static int links_fill(const struct asc_maps *m, struct snapshot *s)
{
	struct link_row *rows;
	size_t n;
	int err = links_read(m, &rows, &n);

	if (err)
		return err;
	s->links = calloc(n ? n : 1, sizeof(*s->links));
	if (!s->links) {
		free(rows);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		struct snap_link *l = &s->links[i];

		l->row = rows[i];
		l->here = attach_query_own(m, (int)l->row.key.ifindex, &l->attach) &&
			  if_indextoname(l->row.key.ifindex, l->ifname);
		if (!l->here) {
			l->ifname[0] = 0;
			l->attach = (struct attach_info){ .xdp_mode = "-", .tc_hook = "-" };
		}
	}
	s->n_links = n;
	free(rows);
	return 0;
}

static uint64_t mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int snapshot_read(const struct asc_maps *m, unsigned int parts, struct snapshot *s)
{
	int err;

	snapshot_free(s);
	s->daemon = NULL;
	s->counts_max = m->counts_max;
	s->mono_ns = mono_now();
	if (parts & SNAP_ROWS) {
		err = counters_read(m, &s->rows, &s->n_rows);
		s->n_slots = s->n_rows;
	} else {
		err = counters_slots_used(m, &s->n_slots);
	}
	if (err || (err = upstreams_read(m, s->ups)) || (err = overflow_read(m, s->ovf)) ||
	    (err = stats_read(m, s->stats)) || (err = state_read(m, &s->state)) ||
	    (err = links_fill(m, s)))
		snapshot_free(s);
	return err;
}

int snapshot_load(const char *pin_dir, unsigned int parts, struct snapshot *s)
{
	struct asc_maps m;
	int err = maps_open(pin_dir, &m); /* logs */

	if (err)
		return err;
	err = snapshot_read(&m, parts, s);
	if (err)
		log_err("read the maps in %s: %s", pin_dir, errstr(err));
	maps_close(&m);
	return err;
}
