/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/output/httpd.h - the exporter's HTTP server (libmicrohttpd in a thread
 * of its own).  It serves what the caller renders; it reads no maps. */
#ifndef ASC_HTTPD_H
#define ASC_HTTPD_H
#include <stdio.h>

struct httpd_opts;

/* One GET or HEAD as a route sees it. */
struct httpd_request {
	const char *accept;	    /* the Accept header, or NULL */
	const struct httpd_opts *o; /* the server's (render, arg) */
	void *conn;		    /* libmicrohttpd's connection, for httpd_arg() */
};

/* The value of the query-string argument name of the request, or NULL. */
const char *httpd_arg(const struct httpd_request *rq, const char *name);

/* What a route answers.  The server presets status 200 and type
 * "text/plain; charset=utf-8". */
struct httpd_sink;
struct httpd_reply {
	FILE *body;		 /* the route writes the body here */
	struct httpd_sink *sink; /* the buffer under body (httpd.c's) */
	const char *type;	 /* Content-Type: a string that outlives the request */
	unsigned int status;	 /* HTTP status code */
};

/* A path the server answers (exact match, query strings are not part of
 * it) with the body get writes, from libmicrohttpd's thread.  get returns
 * 0, or -errno (no memory): the connection is closed without an answer. */
struct httpd_route {
	const char *path;  /* "/metrics" */
	const char *title; /* the link text on the index page */
	int (*get)(const struct httpd_request *rq, struct httpd_reply *r);
};

/* The /metrics route: the exposition o->render writes, as text format 0.0.4
 * or as OpenMetrics 1.0 when the Accept header asks for it; a 500 when
 * render fails. */
int httpd_exposition(const struct httpd_request *rq, struct httpd_reply *r);

/* GET or HEAD of a route's path gets what the route writes, / a page linking
 * to every route; other paths 404, other methods 405, request bodies a
 * closed connection.  Bounded: connections in all and per client, a
 * deadline for each request, an idle time limit per connection, and 32 KiB
 * per connection for the request line and headers.  Connections are kept
 * alive between requests (HTTP/1.1). */
struct httpd_opts {
	const char *host; /* an IPv4 or IPv6 address; NULL: no listening socket
			   * (connections come from httpd_add_connection) */
	unsigned int port;
	unsigned int max_connections; /* in all */
	unsigned int max_per_client;  /* from one client address */
	unsigned int timeout_s;	      /* idle time before a connection is closed */
	/* A request (line, headers, any body) is due within this many seconds
	 * of the connection opening or of the previous answer; the connection
	 * is closed when it is late, or when the client closes its side before
	 * it is complete. */
	unsigned int header_timeout_s;
	const struct httpd_route *routes; /* ended by { NULL }; kept by the caller */
	/* Writes the exposition for one scrape (httpd_exposition), from
	 * libmicrohttpd's thread.  Returns 0, or -errno and the client gets a 500. */
	int (*render)(FILE *f, void *arg);
	void *arg;
};

struct httpd;
/* Starts serving in a thread of libmicrohttpd's (epoll), with a thread of its
 * own for the header deadline.  Returns NULL after logging why. */
struct httpd *httpd_start(const struct httpd_opts *o);
/* Hands a connected stream socket to the server, which takes it over (and
 * closes it, also on failure).  Returns 0 or -errno. */
int httpd_add_connection(struct httpd *h, int fd);
void httpd_stop(struct httpd *h);

#endif
