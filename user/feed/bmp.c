// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/feed/bmp.c - the BMP station: the listening socket, the routers, the
 * event loop (poll) and its thread, and the consumer side of the queue (see
 * bmp.h).  One turn of the loop: resume paused routers, poll, accept, read.
 * The loop holds the station's lock while it handles input, so the status
 * calls read consistent counters.
 * Must not: block anywhere but in poll(), or touch BPF.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "common/log.h"
#include "feed/bmp.h"
#include "feed/bmp_router.h"
#include "feed/loop.h"
#include "feed/queue.h"

struct bmp {
	struct bmp_conf conf;
	char listen_addr[48];
	struct bmp_router **r;
	size_t n;
	struct loop l;		/* listener, wake-up fd, queue, thread */
	pthread_mutex_t lock;	/* the routers, against the status calls */
	struct in6_addr *allow; /* conf.allow, IPv4 as IPv4-mapped */
	uint64_t refused;	/* connections from routers not allowed */
	uint64_t refused_limit; /* connections past max_routers */
};

/* A text address as IPv6 (IPv4 mapped).  0 or -EINVAL. */
static int addr_v6(const char *text, struct in6_addr *a)
{
	struct in_addr v4;

	if (inet_pton(AF_INET6, text, a) == 1)
		return 0;
	if (inet_pton(AF_INET, text, &v4) != 1)
		return -EINVAL;
	memset(a, 0, sizeof(*a));
	a->s6_addr[10] = a->s6_addr[11] = 0xff;
	memcpy(&a->s6_addr[12], &v4, 4);
	return 0;
}

/* conf.allow into b->allow.  0 or -errno. */
static int allow_copy(struct bmp *b)
{
	b->allow = calloc(b->conf.n_allow ? b->conf.n_allow : 1, sizeof(*b->allow));
	if (!b->allow)
		return -ENOMEM;
	for (size_t i = 0; i < b->conf.n_allow; i++)
		if (addr_v6(b->conf.allow[i], &b->allow[i]))
			return -EINVAL;
	b->conf.allow = NULL; /* the caller's strings: not kept */
	return 0;
}

static struct bmp_env env_of(struct bmp *b)
{
	struct bmp_env e = { .q = &b->l.q, .view = b->conf.view, .now = (uint32_t)time(NULL) };
	return e;
}

struct bmp *bmp_new(const struct bmp_conf *c)
{
	struct bmp *b = calloc(1, sizeof(*b));
	int err;

	if (!b)
		return NULL;
	b->conf = *c;
	if (c->listen_addr) {
		snprintf(b->listen_addr, sizeof(b->listen_addr), "%s", c->listen_addr);
		b->conf.listen_addr = b->listen_addr;
	}
	if (!b->conf.listen_port)
		b->conf.listen_port = BMP_PORT_DEFAULT;
	if (!b->conf.queue_limit_bytes)
		b->conf.queue_limit_bytes = FEED_QUEUE_DEFAULT_BYTES;
	if (!b->conf.max_routers || b->conf.max_routers > BMP_MAX_ROUTERS)
		b->conf.max_routers = BMP_MAX_ROUTERS;
	err = allow_copy(b);
	if (!err)
		err = loop_init(&b->l, "bmp", b->conf.queue_limit_bytes);
	if (err) {
		free(b->allow);
		free(b);
		errno = -err;
		return NULL;
	}
	pthread_mutex_init(&b->lock, NULL);
	return b;
}

/* ---- routers ---- */

static struct bmp_router *router_by_addr(struct bmp *b, const char *addr)
{
	for (size_t i = 0; i < b->n; i++)
		if (!strcmp(b->r[i]->st.addr, addr))
			return b->r[i];
	return NULL;
}

/* An idle slot (bmp_router_idle()) handed to the router at `addr`: the
 * last router's status goes, its paths have gone before (their
 * withdrawals are queued ahead).  NULL if addr is no address. */
static struct bmp_router *router_reuse(struct bmp *b, const char *addr)
{
	struct bmp_router fresh, *r;
	size_t i = 0;

	while (i < b->n && !bmp_router_idle(b->r[i]))
		i++;
	if (i == b->n)
		return NULL;
	r = b->r[i];
	if (bmp_router_init(&fresh, r->idx, addr))
		return NULL;
	log_info("bmp: router %s takes slot %d, free since router %s went", addr, r->idx,
		 r->st.addr);
	bmp_router_fini(r);
	*r = fresh;
	return r;
}

static struct bmp_router *router_add(struct bmp *b, const char *addr)
{
	struct bmp_router **v;
	struct bmp_router *r;

	if (b->n >= b->conf.max_routers) { /* past BMP_MAX_ROUTERS, paths would share a RIB key */
		b->refused_limit++;
		log_err("bmp: connection from %s: %zu routers are connected (or their paths not "
			"yet withdrawn), the most the station keeps apart at once "
			"(BMP_MAX_ROUTERS is %d)",
			addr, b->n, BMP_MAX_ROUTERS);
		return NULL;
	}
	v = realloc(b->r, (b->n + 1) * sizeof(*v));
	if (!v)
		return NULL;
	b->r = v;
	r = malloc(sizeof(*r));
	if (!r)
		return NULL;
	if (bmp_router_init(r, (int)b->n, addr)) {
		free(r);
		return NULL;
	}
	b->r[b->n++] = r;
	return r;
}

/* The slot of a connection from `addr`: its own while it has one (kept
 * while the router is away, for its status, until another takes it), else
 * an idle one, else a new one below max_routers.  NULL: logged below. */
static struct bmp_router *router_slot(struct bmp *b, const char *addr)
{
	struct bmp_router *r = router_by_addr(b, addr);

	if (!r)
		r = router_reuse(b, addr);
	if (!r)
		r = router_add(b, addr);
	return r;
}

/* A connection from `addr` into its slot. */
static int take(struct bmp *b, int fd, const char *addr)
{
	struct bmp_env e = env_of(b);
	struct bmp_router *r;

	pthread_mutex_lock(&b->lock);
	r = router_slot(b, addr);
	if (r && bmp_router_attach(r, fd, &e))
		r = NULL;
	pthread_mutex_unlock(&b->lock);
	if (!r) {
		log_err("bmp: connection from %s: not taken (a bad address, out of memory, or the "
			"limit above): closed",
			addr);
		close(fd);
		return -EINVAL;
	}
	return r->idx;
}

int bmp_attach_fd(struct bmp *b, int fd, const char *addr)
{
	return b->l.started ? -EINVAL : take(b, fd, addr);
}

/* ---- listening ---- */

/* The peer address of an accepted socket as text (IPv4-mapped made IPv4). */
static void addr_text(const struct sockaddr_storage *sa, char *buf, size_t len)
{
	const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)sa;

	if (sa->ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, len);
	else if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr))
		inet_ntop(AF_INET, (const uint8_t *)&v6->sin6_addr + 12, buf, len);
	else
		inet_ntop(AF_INET6, &v6->sin6_addr, buf, len);
}

/* Whether a connection from `text` may stay (else logged and counted). */
static bool allowed(struct bmp *b, const char *text)
{
	struct in6_addr a;

	if (!b->conf.n_allow)
		return true;
	if (!addr_v6(text, &a))
		for (size_t i = 0; i < b->conf.n_allow; i++)
			if (!memcmp(&a, &b->allow[i], sizeof(a)))
				return true;
	pthread_mutex_lock(&b->lock);
	b->refused++;
	pthread_mutex_unlock(&b->lock);
	log_warn("bmp: connection from %s refused: not an allowed router", text);
	return false;
}

size_t bmp_queue_bytes(struct bmp *b)
{
	return queue_bytes(&b->l.q);
}

uint64_t bmp_refused(struct bmp *b, uint64_t *limit)
{
	uint64_t n;

	pthread_mutex_lock(&b->lock);
	n = b->refused;
	*limit = b->refused_limit;
	pthread_mutex_unlock(&b->lock);
	return n;
}

static void accept_all(struct bmp *b)
{
	for (;;) {
		struct sockaddr_storage from;
		socklen_t len = sizeof(from);
		int fd = accept4(b->l.listen_fd, (struct sockaddr *)&from, &len,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		char text[INET6_ADDRSTRLEN];

		if (fd < 0 && (errno == ECONNABORTED || errno == EINTR))
			continue;
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_warn("bmp: accept: %s", strerror(errno));
			return;
		}
		addr_text(&from, text, sizeof(text));
		if (allowed(b, text))
			take(b, fd, text);
		else
			close(fd);
	}
}

/* ---- the loop ---- */

static int turn(void *arg, int timeout_ms)
{
	struct bmp *b = arg;
	struct pollfd pfd[b->n + 2];
	struct bmp_env e = env_of(b);
	size_t n = b->n; /* routers polled this turn (accept may add some) */
	int rc;

	loop_woken(&b->l);
	pthread_mutex_lock(&b->lock);
	for (size_t i = 0; i < n; i++)
		bmp_router_resume(b->r[i], &e);
	pfd[0] = (struct pollfd){ .fd = b->l.wake_fd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = b->l.listen_fd, .events = POLLIN };
	for (size_t i = 0; i < n; i++) {
		short ev = bmp_router_events(b->r[i]);

		/* a paused router is left out: its POLLHUP would wake us in a loop */
		pfd[2 + i] = (struct pollfd){ .fd = ev ? b->r[i]->fd : -1, .events = ev };
	}
	pthread_mutex_unlock(&b->lock);
	rc = poll(pfd, n + 2, timeout_ms);
	if (rc < 0)
		return errno == EINTR ? 0 : -errno;
	e = env_of(b);
	pthread_mutex_lock(&b->lock);
	for (size_t i = 0; rc > 0 && i < n; i++)
		if (pfd[2 + i].revents)
			bmp_router_io(b->r[i], pfd[2 + i].revents, &e);
	pthread_mutex_unlock(&b->lock);
	if (rc > 0 && pfd[1].revents)
		accept_all(b);
	return 0;
}

int bmp_step(struct bmp *b, int timeout_ms)
{
	return b->l.started ? -EINVAL : turn(b, timeout_ms);
}

int bmp_start(struct bmp *b)
{
	if (b->l.started)
		return -EINVAL;
	return loop_start(&b->l, b->conf.listen_addr, b->conf.listen_port, turn, b);
}

/* ---- the caller's side ---- */

int bmp_fd(const struct bmp *b)
{
	return b->l.q.ready_fd;
}

struct feed_batch *bmp_pop(struct bmp *b)
{
	return queue_pop(&b->l.q);
}

int bmp_drain(struct bmp *b, struct rib *r, size_t max, size_t *applied)
{
	return loop_drain(&b->l, r, max, applied);
}

size_t bmp_router_count(struct bmp *b)
{
	size_t n;

	pthread_mutex_lock(&b->lock);
	n = b->n;
	pthread_mutex_unlock(&b->lock);
	return n;
}

int bmp_router_status(struct bmp *b, size_t router, struct bmp_router_status *st)
{
	int err = -EINVAL;

	pthread_mutex_lock(&b->lock);
	if (router < b->n) {
		*st = b->r[router]->st;
		err = 0;
	}
	pthread_mutex_unlock(&b->lock);
	return err;
}

int bmp_peer_status(struct bmp *b, size_t router, size_t i, struct bmp_peer_status *st)
{
	int err = -EINVAL;

	pthread_mutex_lock(&b->lock);
	if (router < b->n && i < b->r[router]->n_peers) {
		*st = b->r[router]->peers[i].st;
		err = 0;
	}
	pthread_mutex_unlock(&b->lock);
	return err;
}

int bmp_router_peers(struct bmp *b, size_t router, struct bmp_router_status *st,
		     struct bmp_peer_status **peers, size_t *n_peers)
{
	const struct bmp_router *r;
	int err = -EINVAL;

	*peers = NULL;
	*n_peers = 0;
	pthread_mutex_lock(&b->lock);
	if (router < b->n) {
		r = b->r[router];
		*st = r->st;
		*peers = malloc((r->n_peers ? r->n_peers : 1) * sizeof(**peers));
		err = *peers ? 0 : -ENOMEM;
		for (size_t i = 0; !err && i < r->n_peers; i++)
			(*peers)[i] = r->peers[i].st;
		*n_peers = err ? 0 : r->n_peers;
	}
	pthread_mutex_unlock(&b->lock);
	return err;
}

void bmp_free(struct bmp *b)
{
	if (!b)
		return;
	loop_stop(&b->l);
	for (size_t i = 0; i < b->n; i++) {
		bmp_router_fini(b->r[i]);
		free(b->r[i]);
	}
	loop_fini(&b->l);
	pthread_mutex_destroy(&b->lock);
	free(b->r);
	free(b->allow);
	free(b);
}
