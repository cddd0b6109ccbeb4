/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/output/snapshot.h - one reading of the pinned maps, the state every
 * output renders.
 *
 * `asclass stats`, `status`, `metrics`, `top` and the daemon's /metrics read
 * the maps only through snapshot_read(); the renderers (text_out.h,
 * json_out.h, metrics.h) only format a snapshot, so each can be tested
 * without BPF. */
#ifndef ASC_SNAPSHOT_H
#define ASC_SNAPSHOT_H
#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "dataplane/attach.h"
#include "dataplane/maps.h"

struct metrics_daemon;

/* What snapshot_read() reads beyond the always-read parts (upstreams,
 * overflow, stats, state, links and what is attached to them, the number
 * of counter keys). */
enum snapshot_part {
	SNAP_ROWS = 1, /* every counter row (asc_counts may hold millions) */
};

/* A configured link as the maps and the kernel show it.  Links are keyed by
 * ifindex, which names another interface (or none) in every other network
 * namespace: the link's interface is taken as here only when the interface
 * with that ifindex here carries a program of these maps
 * (attach_query_own()). */
struct snap_link {
	struct link_row row;
	bool here;		   /* its interface is in this network namespace */
	char ifname[IF_NAMESIZE];  /* its name when here, else "" */
	struct attach_info attach; /* what of ours is on it; all false unless here */
};

struct snapshot {
	struct counter_row *rows; /* SNAP_ROWS: sorted as counters_read sorts */
	size_t n_rows;
	size_t n_slots;		 /* slots in use in asc_counts */
	unsigned int counts_max; /* keys asc_counts holds; 0: unknown, not shown */
	struct asc_upstream ups[ASC_MAX_UPSTREAMS];
	struct asc_overflow_val ovf[ASC_MAX_UPSTREAMS];
	uint64_t stats[ASC_STAT_MAX];
	struct asc_state state;
	struct snap_link *links;
	size_t n_links;
	uint64_t mono_ns; /* CLOCK_MONOTONIC when read: rates divide by its steps */
	const struct metrics_daemon *daemon; /* set by the daemon; NULL elsewhere */
};

/* Reads the maps into s (whose old contents it frees) as parts (enum
 * snapshot_part bits) ask.  Returns 0 or -errno; logs nothing. */
int snapshot_read(const struct asc_maps *m, unsigned int parts, struct snapshot *s);
/* Opens the maps pinned under pin_dir, reads them and closes them.  Logs
 * what failed.  Returns 0 or -errno. */
int snapshot_load(const char *pin_dir, unsigned int parts, struct snapshot *s);
/* Frees what snapshot_read() allocated; s may be read again. */
void snapshot_free(struct snapshot *s);

/* The link's interface for output: its name when here, else "#IFINDEX"
 * (another namespace's, or gone: never this namespace's interface of that
 * index).  Returns buf. */
const char *snap_link_ifname(const struct snap_link *l, char *buf, size_t len);
/* "own", "consensus", "none" (enum asc_path); "?" for another value. */
const char *path_name(unsigned int path);
/* used as a percentage of cap (0 when cap is 0). */
unsigned int pct(uint64_t used, uint64_t cap);

#endif
