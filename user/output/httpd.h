/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/output/httpd.h - the exporter's HTTP server (libmicrohttpd in a thread
 * of its own).  It serves what the caller renders; it reads no maps. */
#ifndef ASC_HTTPD_H
#define ASC_HTTPD_H
#include <stdio.h>

/* GET or HEAD of /metrics gets the exposition (OpenMetrics 1.0 when the
 * Accept header asks for it), / a page linking to it; other paths 404,
 * other methods 405, request bodies a closed connection.  Bounded:
 * connections in all and per client, an idle time limit per connection,
 * and 32 KiB per connection for the request line and headers. */
struct httpd_opts {
	const char *host; /* an IPv4 or IPv6 address; NULL: no listening socket
			   * (connections come from httpd_add_connection) */
	unsigned int port;
	unsigned int max_connections; /* in all */
	unsigned int max_per_client;  /* from one client address */
	unsigned int timeout_s;	      /* idle time before a connection is closed */
	/* Writes the exposition for one scrape, from libmicrohttpd's thread.
	 * Returns 0, or -errno and the client gets a 500. */
	int (*render)(FILE *f, void *arg);
	void *arg;
};

struct httpd;
/* Starts serving in a thread of libmicrohttpd's.  Returns NULL after
 * logging why. */
struct httpd *httpd_start(const struct httpd_opts *o);
/* Hands a connected stream socket to the server, which takes it over (and
 * closes it, also on failure).  Returns 0 or -errno. */
int httpd_add_connection(struct httpd *h, int fd);
void httpd_stop(struct httpd *h);

#endif
