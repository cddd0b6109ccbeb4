// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/output/httpd.c - the HTTP endpoint of the exporter, on libmicrohttpd:
 * the caller's routes (path -> body), /metrics among them, and an index page
 * linking to them.  Nothing here reads the maps or formats metrics. */
#include <errno.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "common/log.h"
#include "output/httpd.h"

struct httpd {
	struct MHD_Daemon *mhd;
	struct httpd_opts o;
};

/* The exposition of one scrape, or NULL (render failed, or no memory). */
static char *render(const struct httpd_opts *o, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	int err;

	if (!f)
		return NULL;
	err = o->render(f, o->arg);
	if (fclose(f) || err) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* OpenMetrics 1.0 differs from the 0.0.4 text format, for what we write,
 * in two things: a counter's HELP and TYPE name the family without its
 * _total suffix, and the exposition ends with "# EOF". */
static void to_openmetrics(const char *text, FILE *f)
{
	const char *line = text;

	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line + 1) : strlen(line);
		const char *sp = line + 7; /* after "# HELP " or "# TYPE " */
		const char *end = memchr(sp, ' ', n > 7 ? n - 7 : 0);

		if (n > 7 && (!strncmp(line, "# HELP ", 7) || !strncmp(line, "# TYPE ", 7)) &&
		    end && end - sp > 6 && !strncmp(end - 6, "_total", 6)) {
			fwrite(line, 1, (size_t)(end - 6 - line), f);
			fwrite(end, 1, n - (size_t)(end - line), f);
		} else {
			fwrite(line, 1, n, f);
		}
		line += n;
	}
	fputs("# EOF\n", f);
}

int httpd_exposition(const struct httpd_request *rq, struct httpd_reply *r)
{
	size_t len = 0;
	char *text = render(rq->o, &len);

	if (!text) {
		r->status = 500;
		fputs("cannot read the asclass maps\n", r->body);
		return 0;
	}
	r->type = "text/plain; version=0.0.4; charset=utf-8";
	if (rq->accept && strstr(rq->accept, "application/openmetrics-text")) {
		r->type = "application/openmetrics-text; version=1.0.0; charset=utf-8";
		to_openmetrics(text, r->body);
	} else {
		fwrite(text, 1, len, r->body);
	}
	free(text);
	return 0;
}

/* "/": a page linking to every route. */
static void index_page(const struct httpd_opts *o, struct httpd_reply *r)
{
	fputs("<!DOCTYPE html><html><head><title>asclass</title></head><body><h1>asclass</h1>",
	      r->body);
	for (const struct httpd_route *rt = o->routes; rt->path; rt++)
		fprintf(r->body, "<p><a href=\"%s\">%s</a></p>", rt->path, rt->title);
	fputs("</body></html>\n", r->body);
	r->type = "text/html; charset=utf-8";
}

/* The reply to a GET or HEAD of url.  Returns 0, or -errno (no memory). */
static int route(const struct httpd_opts *o, struct MHD_Connection *c, const char *url,
		 struct httpd_reply *r)
{
	struct httpd_request rq = {
		.accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept"), .o = o
	};

	if (!strcmp(url, "/")) {
		index_page(o, r);
		return 0;
	}
	for (const struct httpd_route *rt = o->routes; rt->path; rt++)
		if (!strcmp(url, rt->path))
			return rt->get(&rq, r);
	r->status = MHD_HTTP_NOT_FOUND;
	fprintf(r->body, "not found: try %s\n", o->routes[0].path ? o->routes[0].path : "/");
	return 0;
}

/* Queues the reply: its body, Content-Type, and Allow on a 405. */
static enum MHD_Result queue(struct MHD_Connection *c, const struct httpd_reply *r, char *body,
			     size_t len)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", r->type);
	if (r->status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, "Allow", "GET, HEAD");
	ret = MHD_queue_response(c, r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_len, void **state)
{
	const struct httpd *h = cls;
	struct httpd_reply r = { .status = MHD_HTTP_OK, .type = "text/plain; charset=utf-8" };
	char *body = NULL;
	size_t len = 0;
	int err = 0;

	(void)version, (void)upload, (void)state;
	if (*upload_len)
		return MHD_NO; /* no bodies: close the connection */
	r.body = open_memstream(&body, &len);
	if (!r.body)
		return MHD_NO;
	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		r.status = MHD_HTTP_METHOD_NOT_ALLOWED;
		fputs("only GET\n", r.body);
	} else {
		err = route(&h->o, c, url, &r);
	}
	if (fclose(r.body) || err) {
		free(body);
		return MHD_NO;
	}
	return queue(c, &r, body, len);
}

/* The listening address, or NULL after logging why. */
static const struct sockaddr *listen_addr(const struct httpd_opts *o, struct sockaddr_storage *ss,
					  unsigned int *flags)
{
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, o->host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)o->port);
	} else if (inet_pton(AF_INET6, o->host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)o->port);
		/* "::" (listen = :PORT): every IPv4 and IPv6 address */
		*flags |=
			IN6_IS_ADDR_UNSPECIFIED(&a6->sin6_addr) ? MHD_USE_DUAL_STACK : MHD_USE_IPv6;
	} else {
		log_err("metrics listen address '%s' is not an IP address", o->host);
		return NULL;
	}
	return (const struct sockaddr *)ss;
}

/* libmicrohttpd's own messages, one line each, as warnings of ours. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = 0;
	log_warn("metrics http: %s", msg);
}

struct httpd *httpd_start(const struct httpd_opts *o)
{
	unsigned int flags = MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC;
	struct httpd *h = calloc(1, sizeof(*h));
	struct sockaddr_storage ss;
	const struct sockaddr *sa = NULL;

	if (!h)
		return NULL;
	h->o = *o;
	if (!o->host)
		flags |= MHD_USE_NO_LISTEN_SOCKET;
	else if (!(sa = listen_addr(o, &ss, &flags)))
		goto fail;
	/* poll(), not epoll: libmicrohttpd 0.9.75 with epoll never closes a
	 * connection whose client half-closed an unfinished request
	 * (tests/extra/fuzz_http.sh: "HEAD /metrics HTTP/" hung), and poll()
	 * has no select() limit either.
	 * Bounded: connections in all (many) and a
	 * few per client address, so that clients of one address cannot take
	 * the connections of another; an idle time limit per connection, and
	 * a memory limit that caps the request headers.  The logger comes
	 * first: libmicrohttpd uses its own for options before it.
	 * MHD_OPTION_SOCK_ADDR with a NULL address is ignored. */
	h->mhd = MHD_start_daemon(
		flags, (uint16_t)o->port, NULL, NULL, answer, h, MHD_OPTION_EXTERNAL_LOGGER,
		mhd_log, NULL, MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_CONNECTION_LIMIT,
		o->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->max_per_client,
		MHD_OPTION_CONNECTION_TIMEOUT, o->timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)32768, MHD_OPTION_END);
	if (h->mhd)
		return h;
	log_err("cannot serve metrics on %s:%u", o->host ? o->host : "(no socket)", o->port);
fail:
	free(h);
	return NULL;
}

int httpd_add_connection(struct httpd *h, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getpeername(fd, (struct sockaddr *)&ss, &len)) {
		int err = -errno;

		close(fd);
		return err;
	}
	/* libmicrohttpd closes fd when it fails */
	return MHD_add_connection(h->mhd, fd, (const struct sockaddr *)&ss, len) == MHD_YES
		       ? 0
		       : -(errno ? errno : EIO);
}

void httpd_stop(struct httpd *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->mhd);
	free(h);
}
