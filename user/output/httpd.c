// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/output/httpd.c - the HTTP endpoint of the exporter, on libmicrohttpd:
 * the caller's routes (path -> body), /metrics among them, and an index page
 * linking to them.  Nothing here reads the maps or formats metrics. */
#include <errno.h>
#include <microhttpd.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <utlist.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "common/log.h"
#include "output/httpd.h"

/* One connection as the guard sees it (libmicrohttpd's socket context). */
struct conn {
	struct conn *prev, *next; /* in guard.waiting, earliest deadline first */
	int fd;
	bool waiting;	      /* for a request (its line, headers and any body) */
	bool watched;	      /* its EPOLLRDHUP is in guard.ep */
	bool recheck;	      /* its client closed its side, input is still unread */
	uint64_t deadline_ns; /* CLOCK_MONOTONIC */
};

/* The header deadline and half-close watch.  libmicrohttpd resets a
 * connection's idle timer on every byte, so its timeout alone lets a client
 * that trickles a header byte a second hold a connection for ever; and in
 * epoll mode 0.9.75 loses the end of input that arrives with the last bytes
 * of an unfinished request (recv_param_adapter takes a short read to mean
 * "nothing more" and its edge-triggered epoll never reports the FIN again),
 * so a client that half-closed early stayed until the idle timeout.  The
 * guard's own thread watches each connection that waits for a request.
 * When the request is not complete by the deadline, the guard shuts the
 * socket down (both ways): libmicrohttpd wakes, reads the end and closes
 * the connection.  When the client has closed its side and libmicrohttpd
 * has read all there is, the guard shuts down the reading side:
 * libmicrohttpd wakes and reads the end of input it missed, as if the FIN
 * had come on its own (a complete request still gets its answer).
 * Connections are added and removed under the lock from libmicrohttpd's
 * callbacks, always before libmicrohttpd closes the socket, so the guard
 * never touches a descriptor that was reused. */
struct guard {
	pthread_mutex_t lock;
	pthread_t thread;
	int ep;			/* epoll: EPOLLRDHUP of waiting connections, and stop */
	int stop;		/* eventfd */
	struct conn *waiting;	/* by deadline: each is now + timeout_ns */
	unsigned int n_recheck; /* of them with recheck set */
	uint64_t timeout_ns;
};

/* How often the guard looks again at a half-closed connection whose input
 * libmicrohttpd has not read yet. */
#define GUARD_RECHECK_MS 10

/* The body buffer of the last reply sent, kept for the next one: a fresh
 * buffer faults in every page it is written to (40 MB of exposition: about
 * a third of the scrape's CPU here), one already written does not.  It
 * holds as much memory as the largest reply since. */
struct spare {
	pthread_mutex_t lock;
	char *p;
	size_t cap;
};

struct httpd {
	struct MHD_Daemon *mhd;
	struct httpd_opts o;
	struct guard g;
	struct spare spare;
};

/* ---- the request deadline and half-close guard ---- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Under the lock: no more EPOLLRDHUP of cn (level-triggered, it would
 * fire again at once). */
static void guard_unwatch(struct guard *g, struct conn *cn)
{
	if (cn->watched)
		epoll_ctl(g->ep, EPOLL_CTL_DEL, cn->fd, NULL);
	cn->watched = false;
}

/* Under the lock. */
static void guard_set_recheck(struct guard *g, struct conn *cn, bool on)
{
	if (cn->recheck != on)
		g->n_recheck += on ? 1 : -1;
	cn->recheck = on;
}

/* Under the lock: the connection waits no more. */
static void guard_forget(struct guard *g, struct conn *cn)
{
	if (!cn->waiting)
		return;
	guard_unwatch(g, cn);
	guard_set_recheck(g, cn, false);
	DL_DELETE(g->waiting, cn);
	cn->waiting = false;
}

/* The connection waits for a request (just opened, or its previous request
 * answered), due by now + the header timeout. */
static void guard_wait(struct guard *g, struct conn *cn)
{
	struct epoll_event ev = { .events = EPOLLRDHUP, .data.fd = cn->fd };

	pthread_mutex_lock(&g->lock);
	guard_forget(g, cn);
	cn->deadline_ns = now_ns() + g->timeout_ns;
	cn->waiting = true;
	DL_APPEND(g->waiting, cn);
	/* without the watch (no memory) the deadline still holds */
	cn->watched = !epoll_ctl(g->ep, EPOLL_CTL_ADD, cn->fd, &ev);
	pthread_mutex_unlock(&g->lock);
}

static void guard_done(struct guard *g, struct conn *cn)
{
	pthread_mutex_lock(&g->lock);
	guard_forget(g, cn);
	pthread_mutex_unlock(&g->lock);
}

/* Under the lock: the request on cn is late.  libmicrohttpd closes the
 * connection when it sees the socket shut down. */
static void guard_cut(struct guard *g, struct conn *cn)
{
	log_debug("metrics http: connection %d closed: request not complete in time", cn->fd);
	shutdown(cn->fd, SHUT_RDWR);
	guard_forget(g, cn);
}

/* Under the lock: the client of cn closed its side.  Once libmicrohttpd has
 * read all input (else look again soon), wake it to read the end. */
static void guard_half_closed(struct guard *g, struct conn *cn)
{
	int unread = 0;
	bool later = !ioctl(cn->fd, FIONREAD, &unread) && unread > 0;

	guard_unwatch(g, cn);
	guard_set_recheck(g, cn, later);
	if (later)
		return;
	log_debug("metrics http: connection %d: the client closed its side", cn->fd);
	shutdown(cn->fd, SHUT_RD);
}

/* Under the lock: EPOLLRDHUP on fd.  The event may be stale (the connection
 * got its headers, or is gone and fd belongs to a newer one): poll says
 * whether it holds for the waiting connection on fd now. */
static void guard_hangup(struct guard *g, int fd)
{
	struct pollfd pf = { .fd = fd, .events = POLLRDHUP };
	struct conn *cn;

	DL_FOREACH(g->waiting, cn)
	{
		if (cn->fd == fd)
			break;
	}
	if (cn && cn->watched && poll(&pf, 1, 0) > 0 &&
	    (pf.revents & (POLLRDHUP | POLLHUP | POLLERR)))
		guard_half_closed(g, cn);
}

/* Under the lock: the half-closed connections whose input was unread. */
static void guard_recheck(struct guard *g)
{
	struct conn *cn, *tmp;

	DL_FOREACH_SAFE(g->waiting, cn, tmp)
	{
		if (cn->recheck)
			guard_half_closed(g, cn);
	}
}

/* Under the lock: cuts the connections past their deadline; returns the
 * milliseconds to the next one, or -1. */
static int guard_expire(struct guard *g)
{
	uint64_t now = now_ns();
	int ms;

	while (g->waiting && g->waiting->deadline_ns <= now)
		guard_cut(g, g->waiting);
	if (!g->waiting)
		return -1;
	ms = (int)((g->waiting->deadline_ns - now + 999999) / 1000000);
	return g->n_recheck && ms > GUARD_RECHECK_MS ? GUARD_RECHECK_MS : ms;
}

static void *guard_run(void *arg)
{
	struct guard *g = arg;
	struct epoll_event ev[64];
	int n, wait_ms;

	for (;;) {
		pthread_mutex_lock(&g->lock);
		wait_ms = guard_expire(g);
		pthread_mutex_unlock(&g->lock);
		n = epoll_wait(g->ep, ev, sizeof(ev) / sizeof(ev[0]), wait_ms);
		pthread_mutex_lock(&g->lock);
		for (int i = 0; i < n; i++)
			if (ev[i].data.fd != g->stop)
				guard_hangup(g, ev[i].data.fd);
		if (g->n_recheck)
			guard_recheck(g);
		pthread_mutex_unlock(&g->lock);
		for (int i = 0; i < n; i++)
			if (ev[i].data.fd == g->stop)
				return NULL;
	}
}

/* Returns 0 or -errno, after logging why. */
static int guard_start(struct guard *g, unsigned int timeout_s)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int err;

	g->timeout_ns = (uint64_t)timeout_s * 1000000000ULL;
	g->ep = epoll_create1(EPOLL_CLOEXEC);
	g->stop = eventfd(0, EFD_CLOEXEC);
	ev.data.fd = g->stop;
	if (g->ep < 0 || g->stop < 0 || epoll_ctl(g->ep, EPOLL_CTL_ADD, g->stop, &ev)) {
		err = -errno;
		goto fail;
	}
	pthread_mutex_init(&g->lock, NULL);
	err = -pthread_create(&g->thread, NULL, guard_run, g);
	if (!err)
		return 0;
	pthread_mutex_destroy(&g->lock);
fail:
	log_err("metrics http: cannot start the request deadline guard: %s", strerror(-err));
	if (g->ep >= 0)
		close(g->ep);
	if (g->stop >= 0)
		close(g->stop);
	return err;
}

static void guard_stop(struct guard *g)
{
	uint64_t one = 1;

	if (write(g->stop, &one, sizeof(one)) == sizeof(one))
		pthread_join(g->thread, NULL);
	pthread_mutex_destroy(&g->lock);
	close(g->ep);
	close(g->stop);
}

/* libmicrohttpd: a connection opened or closed (MHD_OPTION_NOTIFY_CONNECTION). */
static void on_connection(void *cls, struct MHD_Connection *c, void **ctx,
			  enum MHD_ConnectionNotificationCode what)
{
	struct httpd *h = cls;
	struct conn *cn = *ctx;

	if (what == MHD_CONNECTION_NOTIFY_CLOSED) {
		if (cn)
			guard_done(&h->g, cn);
		free(cn);
		*ctx = NULL;
		return;
	}
	cn = calloc(1, sizeof(*cn));
	if (!cn) { /* unguarded, it would outlive the deadline: refuse it */
		shutdown(MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD)->connect_fd,
			 SHUT_RDWR);
		return;
	}
	cn->fd = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD)->connect_fd;
	*ctx = cn;
	guard_wait(&h->g, cn);
}

/* libmicrohttpd: a request ended (MHD_OPTION_NOTIFY_COMPLETED).  After an
 * answer the connection may carry another request, due like the first. */
static void on_completed(void *cls, struct MHD_Connection *c, void **state,
			 enum MHD_RequestTerminationCode how)
{
	struct httpd *h = cls;
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	(void)state;
	if (how == MHD_REQUEST_TERMINATED_COMPLETED_OK && ci && ci->socket_context)
		guard_wait(&h->g, ci->socket_context);
}

/* The request on c is complete (libmicrohttpd calls the access handler
 * again after the headers and any body). */
static void request_done(struct httpd *h, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	if (ci && ci->socket_context)
		guard_done(&h->g, ci->socket_context);
}

/* ---- the body: a buffer grown by realloc ---- */

/* A reply's body as a FILE over a buffer of ours.  glibc's open_memstream
 * grows its buffer by a new allocation, a copy and a clearing of the new
 * part each time: most of a large scrape's CPU (40 MB of exposition: 2.4 of
 * 4 s).  realloc moves a large buffer by remapping its pages instead. */
struct httpd_sink {
	char *p;
	size_t len, cap;
};

static ssize_t sink_write(void *cookie, const char *buf, size_t n)
{
	struct httpd_sink *b = cookie;

	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 65536;
		char *p;

		while (b->len + n + 1 > cap)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p)
			return 0; /* an error (never negative): ferror() and fclose() fail */
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, buf, n);
	b->len += n;
	b->p[b->len] = 0;
	return (ssize_t)n;
}

/* Takes the spare buffer into b, if there is one. */
static void spare_take(struct spare *sp, struct httpd_sink *b)
{
	pthread_mutex_lock(&sp->lock);
	*b = (struct httpd_sink){ .p = sp->p, .cap = sp->cap };
	sp->p = NULL;
	pthread_mutex_unlock(&sp->lock);
}

/* A reply's body, sent: kept as the spare unless there is one. */
struct sent {
	struct spare *sp;
	char *p;
	size_t cap;
};

static void spare_give(void *cls)
{
	struct sent *s = cls;

	pthread_mutex_lock(&s->sp->lock);
	if (!s->sp->p) {
		s->sp->p = s->p;
		s->sp->cap = s->cap;
		s->p = NULL;
	}
	pthread_mutex_unlock(&s->sp->lock);
	free(s->p);
	free(s);
}

/* A stream appending to b (empty; the spare's buffer when sp has one);
 * NULL when out of memory. */
static FILE *sink_open(struct httpd_sink *b, struct spare *sp)
{
	cookie_io_functions_t io = { .write = sink_write };
	FILE *f;

	*b = (struct httpd_sink){ 0 };
	if (sp)
		spare_take(sp, b);
	if (!b->p)
		*b = (struct httpd_sink){ .p = malloc(1), .cap = 1 };
	if (!b->p)
		return NULL;
	b->p[0] = 0;
	f = fopencookie(b, "w", io);
	if (f)
		setvbuf(f, NULL, _IOFBF, 65536); /* fewer, larger appends */
	else
		free(b->p);
	return f;
}

/* Drops what the stream f over b holds so far. */
static void sink_reset(FILE *f, struct httpd_sink *b)
{
	fflush(f);
	clearerr(f);
	b->len = 0;
	b->p[0] = 0;
}

/* ---- the server ---- */

/* OpenMetrics: the exposition written apart, then converted; NULL (render
 * failed, or no memory) or the text (malloc'd). */
static char *render(const struct httpd_opts *o)
{
	struct httpd_sink b;
	FILE *f = sink_open(&b, NULL);
	int err;

	if (!f)
		return NULL;
	err = o->render(f, o->arg);
	if (fclose(f) || err) {
		free(b.p);
		return NULL;
	}
	return b.p;
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

/* 0.0.4 text: written straight into the body. */
static int exposition_text(const struct httpd_request *rq, struct httpd_reply *r)
{
	int err = rq->o->render(r->body, rq->o->arg);

	if (!err && (fflush(r->body) || ferror(r->body)))
		err = -EIO;
	if (err)
		sink_reset(r->body, r->sink);
	return err;
}

int httpd_exposition(const struct httpd_request *rq, struct httpd_reply *r)
{
	bool om = rq->accept && strstr(rq->accept, "application/openmetrics-text");
	char *text = NULL;
	int err = 0;

	if (om && (text = render(rq->o)))
		to_openmetrics(text, r->body);
	else if (om)
		err = -EIO;
	else
		err = exposition_text(rq, r);
	free(text);
	if (err) {
		r->status = 500;
		fputs("cannot read the asclass maps\n", r->body);
		return 0;
	}
	r->type = om ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
		     : "text/plain; version=0.0.4; charset=utf-8";
	return 0;
}

const char *httpd_arg(const struct httpd_request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
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
		.accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept"),
		.o = o,
		.conn = c,
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

/* Queues the reply: its body (taken over, given back to sp once sent),
 * Content-Type, and Allow on a 405. */
static enum MHD_Result queue(struct MHD_Connection *c, const struct httpd_reply *r,
			     const struct httpd_sink *body, struct spare *sp)
{
	struct sent *s = malloc(sizeof(*s));
	struct MHD_Response *resp = NULL;
	enum MHD_Result ret;

	if (s) {
		*s = (struct sent){ .sp = sp, .p = body->p, .cap = body->cap };
		resp = MHD_create_response_from_buffer_with_free_callback_cls(body->len, body->p,
									      spare_give, s);
	}
	if (!resp) {
		free(body->p);
		free(s);
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
	struct httpd *h = cls;
	struct httpd_reply r = { .status = MHD_HTTP_OK, .type = "text/plain; charset=utf-8" };
	struct httpd_sink body;
	int err = 0;

	(void)version, (void)upload;
	if (!*state) {
		/* The headers are in.  Answering in this first call would make
		 * libmicrohttpd 0.9.75 close the connection after the answer
		 * ("Connection: close"); the second call keeps it alive.  Until
		 * then the request is still due (a body, which is refused, may
		 * be trickled too). */
		*state = h;
		return MHD_YES;
	}
	request_done(h, c);
	if (*upload_len)
		return MHD_NO; /* no bodies: close the connection */
	r.body = sink_open(&body, &h->spare);
	if (!r.body)
		return MHD_NO;
	r.sink = &body;
	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		r.status = MHD_HTTP_METHOD_NOT_ALLOWED;
		fputs("only GET\n", r.body);
	} else {
		err = route(&h->o, c, url, &r);
	}
	if (fclose(r.body) || err) {
		free(body.p);
		return MHD_NO;
	}
	return queue(c, &r, &body, &h->spare);
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

/* libmicrohttpd's own messages, one line each, as warnings of ours; at most
 * MHD_LOG_BURST in MHD_LOG_WINDOW_S seconds, since clients cause most of them
 * ("closed by remote side with incomplete request" for each connection cut
 * at its deadline) and a flood of clients would flood the log. */
#define MHD_LOG_BURST 10
#define MHD_LOG_WINDOW_S 60
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static uint64_t window_end;
	static unsigned int logged, dropped;
	uint64_t now = now_ns();
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = 0;
	pthread_mutex_lock(&lock);
	if (now >= window_end) {
		if (dropped)
			log_warn("metrics http: %u more messages of libmicrohttpd not shown",
				 dropped);
		window_end = now + MHD_LOG_WINDOW_S * 1000000000ULL;
		logged = dropped = 0;
	}
	if (logged < MHD_LOG_BURST) {
		logged++;
		log_warn("metrics http: %s", msg);
	} else {
		dropped++;
	}
	pthread_mutex_unlock(&lock);
}

struct httpd *httpd_start(const struct httpd_opts *o)
{
	unsigned int flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC;
	struct httpd *h = calloc(1, sizeof(*h));
	struct sockaddr_storage ss;
	const struct sockaddr *sa = NULL;

	if (!h)
		return NULL;
	h->o = *o;
	pthread_mutex_init(&h->spare.lock, NULL);
	if (!o->host)
		flags |= MHD_USE_NO_LISTEN_SOCKET;
	else if (!(sa = listen_addr(o, &ss, &flags)))
		goto fail;
	if (guard_start(&h->g, o->header_timeout_s))
		goto fail;
	/* epoll, with the guard for what its epoll mode misses (struct guard).
	 * Bounded: connections in all (many) and a few per client address, so
	 * that clients of one address cannot take the connections of another;
	 * the request line and headers due within header_timeout_s (the
	 * guard), an idle time limit per connection, and a memory limit that
	 * caps the request headers.  The logger comes first: libmicrohttpd uses
	 * its own for options before it.  MHD_OPTION_SOCK_ADDR with a NULL
	 * address is ignored. */
	h->mhd = MHD_start_daemon(
		flags, (uint16_t)o->port, NULL, NULL, answer, h, MHD_OPTION_EXTERNAL_LOGGER,
		mhd_log, NULL, MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_CONNECTION_LIMIT,
		o->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->max_per_client,
		MHD_OPTION_CONNECTION_TIMEOUT, o->timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)32768, MHD_OPTION_NOTIFY_CONNECTION, on_connection, h,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, h, MHD_OPTION_END);
	if (h->mhd)
		return h;
	log_err("cannot serve metrics on %s:%u", o->host ? o->host : "(no socket)", o->port);
	guard_stop(&h->g);
fail:
	pthread_mutex_destroy(&h->spare.lock);
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
	MHD_stop_daemon(h->mhd); /* closes every connection: the guard has none left */
	guard_stop(&h->g);
	free(h->spare.p);
	pthread_mutex_destroy(&h->spare.lock);
	free(h);
}
