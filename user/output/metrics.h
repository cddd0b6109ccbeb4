/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/output/metrics.h - the Prometheus text exposition of the pinned maps.
 *
 * Series are bounded: per upstream and direction only the top_n (origin,
 * transit) pairs by bytes are exported, plus every pair whose origin is on
 * the watch list; the rest is summed into origin_as="other".  Per-CPU values
 * are summed by user/dataplane/maps.c.  Pure formatting over a snapshot, so it is
 * unit-testable without BPF. */
#ifndef ASC_METRICS_H
#define ASC_METRICS_H
#include <stdint.h>
#include <stdio.h>
#include "dataplane/maps.h"

/* Which pairs a long-running exporter has shown, so that the set of
 * exported series only grows and "other" only grows: a pair is admitted the
 * first time it is seen while its group has room, and a pair first seen in
 * a full group stays in "other" for good.  Opaque; NULL = plain top-N. */
struct metrics_state;
struct metrics_state *metrics_state_new(void);
void metrics_state_free(struct metrics_state *st);

struct metrics_opts {
	unsigned int top_n;    /* pairs per upstream, direction and family; default 500 */
	const uint32_t *watch; /* origin ASes always exported */
	size_t n_watch;
	struct metrics_state *state; /* NULL: top-N by bytes at this moment */
};

/* Everything read from the maps at one moment. */
struct metrics_snapshot {
	const struct counter_row *rows;
	size_t n_rows;
	const struct asc_upstream *ups;	    /* ASC_MAX_UPSTREAMS entries */
	const struct asc_overflow_val *ovf; /* ASC_MAX_UPSTREAMS entries */
	const uint64_t *stats;		    /* ASC_STAT_MAX entries */
	const struct asc_state *state;
	unsigned int counts_max; /* keys asc_counts holds; 0: not shown */
};

/* Writes the exposition (text format 0.0.4).  Returns 0 or -errno. */
int metrics_write(FILE *f, const struct metrics_snapshot *s, const struct metrics_opts *o);

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
