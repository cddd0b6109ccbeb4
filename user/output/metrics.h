/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/output/metrics.h - the Prometheus text exposition of the pinned maps.
 *
 * Every packet lands in exactly one series of each complete aggregate
 * (per origin AS, per transit AS, per upstream link, direction and family;
 * plus the overflow bucket).  (origin, transit) pairs are bounded: per
 * upstream, direction and family the top_n by bytes since the previous
 * scrape, plus every pair whose origin is on the watch list (not counted
 * against top_n); the rest is a gauge, asclass_other_pairs_*.  The daemon's
 * own series (load, attach, transits of watched origins) are written here
 * too.  Rows that differ only in path (enum asc_path) are one pair and add
 * up in every aggregate; asclass_path_*_total splits each link by path.
 * Per-CPU values are summed by user/dataplane/maps.c.  Pure formatting
 * over a snapshot (output/snapshot.h), so it is unit-testable without BPF.  docs/METRICS.md has
 * the semantics. */
#ifndef ASC_METRICS_H
#define ASC_METRICS_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "feed/bmp.h"
#include "output/snapshot.h"

struct rib_transit;

/* The previous scrape's counters, so that top-N goes by recent traffic.
 * Opaque; NULL = top-N by all bytes so far. */
struct metrics_state;
struct metrics_state *metrics_state_new(void);
void metrics_state_free(struct metrics_state *st);

struct metrics_opts {
	unsigned int top_n;    /* pairs per upstream, direction and family; default 500 */
	const uint32_t *watch; /* origin ASes always exported */
	size_t n_watch;
	struct metrics_state *state; /* NULL: top-N by all bytes so far */
};

/* One configured link as the daemon attached it. */
struct metrics_link {
	const char *upstream;
	const char *xdp_mode; /* NULL: XDP not attached */
	bool dispatcher;      /* attached through libxdp's dispatcher */
	bool confirmed;	      /* the kernel reports an XDP program on it */
};

/* What only the daemon knows. */
struct metrics_daemon {
	double load_duration; /* seconds, of the last good routing load */
	uint64_t load_errors;
	const struct rib_transit *transits; /* of watched origins */
	size_t n_transits;
	const struct metrics_link *links;
	size_t n_links;
};

/* Writes the exposition of s (text format 0.0.4); s needs SNAP_ROWS, and
 * s->daemon adds the daemon's own series.  Returns 0 or -errno. */
int metrics_write(FILE *f, const struct snapshot *s, const struct metrics_opts *o);

/* Routing-change events of one upstream so far (cli/events.h). */
struct metrics_changes {
	char upstream[ASC_NAME_LEN];
	uint64_t gained, lost;
};
/* Upper bounds (seconds) of asclass_feed_update_kernel_seconds' buckets,
 * +Inf aside: 100 us (a single-prefix update takes a few) to 60 s (a full
 * table's first path waits for the rest and the whole load: 20-30 s on a
 * small machine, as does a prefix caught in a session reset's burst). */
#define METRICS_APPLY_BUCKETS 18
extern const double metrics_apply_bounds[METRICS_APPLY_BUCKETS];

/* How the live feed's changes reach the tables: a latency histogram (from a
 * change's arrival in asclass to its map write done, per prefix applied)
 * and how they were applied. */
struct metrics_apply {
	uint64_t bucket[METRICS_APPLY_BUCKETS]; /* observations <= bound, not cumulative */
	uint64_t count;
	double sum;	   /* seconds */
	uint64_t prefixes; /* prefixes applied in place (tables_update) */
	uint64_t loads;	   /* whole loads of the live feed's RIB */
};
/* Adds one observation of `seconds` to a's histogram. */
void metrics_apply_observe(struct metrics_apply *a, double seconds);

struct feed_peer_status;
/* The daemon's live feed and routing-change events (docs/METRICS.md). */
struct metrics_live {
	const struct metrics_apply *apply;    /* NULL: no live source ([bgp], [bmp]) */
	const struct feed_peer_status *peers; /* per neighbour; NULL: no [bgp] feed */
	size_t n_peers;
	size_t queue_bytes; /* the feed's queue (one for all neighbours) */
	uint64_t now;	    /* UNIX seconds, for uptimes */
	/* routing-change events so far, per upstream ("-": every path) */
	const struct metrics_changes *changes;
	size_t n_changes;
};
/* Writes the live section, to follow metrics_write().  Returns 0 or -EIO. */
int metrics_write_live(FILE *f, const struct metrics_live *l);

/* One router of the daemon's BMP station and the peers it reports. */
struct metrics_bmp_router {
	struct bmp_router_status st;
	const struct bmp_peer_status *peers;
	size_t n_peers;
};

/* The daemon's BMP station ([bmp]; docs/METRICS.md). */
struct metrics_bmp {
	const struct metrics_bmp_router *routers;
	size_t n_routers;
	uint64_t refused;	/* connections from routers not allowed */
	uint64_t refused_limit; /* connections past the routers kept at once */
	size_t queue_bytes;	/* the station's queue */
};

/* Writes the BMP station's series, to follow metrics_write_live().
 * Returns 0 or -EIO. */
int metrics_write_bmp(FILE *f, const struct metrics_bmp *m);

#endif
