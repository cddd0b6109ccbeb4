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
 * too.  Per-CPU values are summed by user/dataplane/maps.c.  Pure formatting
 * over a snapshot, so it is unit-testable without BPF.  docs/METRICS.md has
 * the semantics. */
#ifndef ASC_METRICS_H
#define ASC_METRICS_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "dataplane/maps.h"

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

/* Everything read from the maps at one moment. */
struct metrics_snapshot {
	const struct counter_row *rows;
	size_t n_rows;
	const struct asc_upstream *ups;	    /* ASC_MAX_UPSTREAMS entries */
	const struct asc_overflow_val *ovf; /* ASC_MAX_UPSTREAMS entries */
	const uint64_t *stats;		    /* ASC_STAT_MAX entries */
	const struct asc_state *state;
	unsigned int counts_max;      /* keys asc_counts holds; 0: not shown */
	const struct link_row *links; /* asc_links, for asclass_upstream_info */
	size_t n_links;
	const struct metrics_daemon *daemon; /* NULL: not the daemon */
};

/* Writes the exposition (text format 0.0.4).  Returns 0 or -errno. */
int metrics_write(FILE *f, const struct metrics_snapshot *s, const struct metrics_opts *o);

struct feed_peer_status;
/* The daemon's live feed and routing-change events (docs/METRICS.md). */
struct metrics_live {
	const struct feed_peer_status *peers; /* per neighbour; NULL: no [bgp] feed */
	size_t n_peers;
	size_t queue_bytes;  /* the feed's queue (one for all neighbours) */
	uint64_t now;	     /* UNIX seconds, for uptimes */
	uint64_t changes[2]; /* transit pairs gained, lost */
};
/* Writes the live section, to follow metrics_write().  Returns 0 or -EIO. */
int metrics_write_live(FILE *f, const struct metrics_live *l);

/* ---- the HTTP endpoint (libmicrohttpd) ----
 * GET or HEAD of /metrics gets the exposition (OpenMetrics 1.0 when the
 * Accept header asks for it), / a page linking to it; other paths 404,
 * other methods 405, request bodies a closed connection.  Bounded:
 * connections in all and per client, an idle time limit per connection,
 * and 32 KiB per connection for the request line and headers. */
struct metrics_http_opts {
	const char *host; /* an IPv4 or IPv6 address; NULL: no listening socket
			   * (connections come from metrics_http_add_connection) */
	unsigned int port;
	unsigned int max_connections; /* in all */
	unsigned int max_per_client;  /* from one client address */
	unsigned int timeout_s;	      /* idle time before a connection is closed */
	/* Writes the exposition for one scrape, from libmicrohttpd's thread.
	 * Returns 0, or -errno and the client gets a 500. */
	int (*render)(FILE *f, void *arg);
	void *arg;
	/* GET /events: writes the routing-change events as JSON (NULL: 404). */
	int (*render_events)(FILE *f, void *arg);
};

struct metrics_http;
/* Starts serving in a thread of libmicrohttpd's.  Returns NULL after
 * logging why. */
struct metrics_http *metrics_http_start(const struct metrics_http_opts *o);
/* Hands a connected stream socket to the server, which takes it over (and
 * closes it, also on failure).  Returns 0 or -errno. */
int metrics_http_add_connection(struct metrics_http *h, int fd);
void metrics_http_stop(struct metrics_http *h);

#endif
