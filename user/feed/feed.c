// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/feed/feed.c - the speaker: its neighbours, the listening socket, the
 * event loop (poll) and its thread, and the consumer side of the queue (see
 * feed.h).  One turn of the loop: requests from the caller, timers, poll,
 * a status snapshot, socket I/O, then the snapshot again (the caller reads
 * it under the lock).
 * Must not: block anywhere but in poll(), or touch BPF.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "common/log.h"
#include "feed/feed.h"
#include "feed/loop.h"
#include "feed/queue.h"
#include "feed/session.h"

/* Read coalescing.  A router sending a full table (BIRD: one path per UPDATE)
 * fills a TCP segment of some 30 UPDATEs every 0.2 ms or so; read as they
 * come, each segment costs a wake-up of this thread, a read, a queue commit
 * and a wake-up of the daemon's thread, and on a VM those two thread
 * switches cost more than the segment's own work, on the cores the router
 * needs to send.  So a turn whose reads emptied the sockets of a burst
 * (some read brought at least COALESCE_MIN bytes, none COALESCE_MAX or
 * more) makes the next turn let COALESCE_MS pass before it polls: one read
 * then carries a millisecond of the peer's messages.  A turn that read more
 * (we are behind: read again at once) or less (steady state, a message at a
 * time: its latency matters) does not wait; nor does a turn with a request
 * of the caller (the wait ends on the wake-up fd). */
#define COALESCE_MIN (1U << 10)
#define COALESCE_MAX (SESSION_IN_BYTES / 2)
#define COALESCE_MS 1

struct feed {
	struct feed_conf conf;
	char listen_addr[48];
	struct session **s;
	size_t n;
	struct loop l;	      /* listener, wake-up fd, queue, thread */
	pthread_mutex_t lock; /* pub[] and refresh[] */
	struct feed_peer_status *pub;
	uint8_t *refresh; /* per peer: bit per family asked for */
	bool coalesce;	  /* the next turn waits COALESCE_MS before it polls */
};

static uint64_t now_ms(const struct feed *f)
{
	struct timespec ts;

	if (f->conf.clock_ms)
		return f->conf.clock_ms(f->conf.clock_ctx);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static struct sess_env env_of(struct feed *f)
{
	struct sess_env e = { .q = &f->l.q,
			      .now_ms = now_ms(f),
			      .gr_restarting = f->conf.gr_restarting };
	return e;
}

struct feed *feed_new(const struct feed_conf *c)
{
	struct feed *f = calloc(1, sizeof(*f));
	int err;

	if (!f)
		return NULL;
	f->conf = *c;
	if (c->listen_addr) {
		snprintf(f->listen_addr, sizeof(f->listen_addr), "%s", c->listen_addr);
		f->conf.listen_addr = f->listen_addr;
	}
	if (!f->conf.listen_port)
		f->conf.listen_port = 179;
	if (!f->conf.queue_limit_bytes)
		f->conf.queue_limit_bytes = FEED_QUEUE_DEFAULT_BYTES;
	err = loop_init(&f->l, "feed", f->conf.queue_limit_bytes);
	if (err) {
		free(f);
		errno = -err;
		return NULL;
	}
	pthread_mutex_init(&f->lock, NULL);
	return f;
}

static int grow(struct feed *f)
{
	size_t n = f->n + 1;
	struct session **s = realloc(f->s, n * sizeof(*s));
	struct feed_peer_status *pub;
	uint8_t *rr;

	if (!s)
		return -ENOMEM;
	f->s = s;
	pub = realloc(f->pub, n * sizeof(*pub));
	if (!pub)
		return -ENOMEM;
	f->pub = pub;
	rr = realloc(f->refresh, n);
	if (!rr)
		return -ENOMEM;
	f->refresh = rr;
	f->refresh[f->n] = 0;
	return 0;
}

static bool same_neighbour(const struct session *a, const struct session *b)
{
	return a->rib_peer.family == b->rib_peer.family &&
	       !memcmp(a->rib_peer.ip, b->rib_peer.ip, 16);
}

int feed_add_peer(struct feed *f, const struct feed_peer_conf *pc)
{
	struct session *s;
	int idx = (int)f->n;

	if (f->l.started || grow(f))
		return f->l.started ? -EINVAL : -ENOMEM;
	s = malloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	if (session_init(s, idx, pc)) {
		free(s);
		return -EINVAL;
	}
	for (size_t i = 0; i < f->n; i++)
		if (same_neighbour(f->s[i], s)) {
			log_err("feed: peer %s: neighbour %s is also peer %s", s->name,
				s->addr_text, f->s[i]->name);
			session_fini(s);
			free(s);
			return -EINVAL;
		}
	f->s[f->n++] = s;
	session_status(s, &f->pub[idx]);
	return idx;
}

/* ---- listening ---- */

static struct session *find_neighbour(struct feed *f, const struct sockaddr_storage *from)
{
	for (size_t i = 0; i < f->n; i++)
		if (session_matches(f->s[i], from))
			return f->s[i];
	return NULL;
}

static void accept_all(struct feed *f, const struct sess_env *e)
{
	for (;;) {
		struct sockaddr_storage from;
		socklen_t len = sizeof(from);
		int fd = accept4(f->l.listen_fd, (struct sockaddr *)&from, &len,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct session *s;
		char text[64];

		if (fd < 0 && (errno == ECONNABORTED || errno == EINTR))
			continue;
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_warn("feed: accept: %s", strerror(errno));
			return;
		}
		s = find_neighbour(f, &from);
		if (!s) {
			inet_ntop(from.ss_family,
				  from.ss_family == AF_INET
					  ? (void *)&((struct sockaddr_in *)&from)->sin_addr
					  : (void *)&((struct sockaddr_in6 *)&from)->sin6_addr,
				  text, sizeof(text));
			log_warn("feed: connection from %s, which is no configured neighbour: "
				 "closed",
				 text);
			close(fd);
			continue;
		}
		session_accept(s, fd, e);
	}
}

/* ---- the loop ---- */

static void take_requests(struct feed *f, const struct sess_env *e)
{
	loop_woken(&f->l);
	for (size_t i = 0; i < f->n; i++) {
		uint8_t req;

		pthread_mutex_lock(&f->lock);
		req = f->refresh[i];
		f->refresh[i] = 0;
		pthread_mutex_unlock(&f->lock);
		for (int fam = 0; fam < FEED_NFAM; fam++)
			if (req & (1U << fam))
				session_refresh(f->s[i], fam, e);
	}
}

/* The batches the sessions staged go to the queue first: a published
 * End-of-RIB has its routes queued (feed_initial_done()). */
static void publish(struct feed *f)
{
	queue_commit(&f->l.q);
	pthread_mutex_lock(&f->lock);
	for (size_t i = 0; i < f->n; i++)
		session_status(f->s[i], &f->pub[i]);
	pthread_mutex_unlock(&f->lock);
}

/* Milliseconds poll() may wait: until the next timer, at most timeout_ms. */
static int wait_ms(const struct feed *f, const struct sess_env *e, int timeout_ms)
{
	uint64_t next = 0;

	for (size_t i = 0; i < f->n; i++) {
		uint64_t t = session_next_timer(f->s[i]);

		if (t && (!next || t < next))
			next = t;
	}
	if (!next)
		return timeout_ms;
	next = next > e->now_ms ? next - e->now_ms : 0;
	if (timeout_ms >= 0 && (uint64_t)timeout_ms < next)
		return timeout_ms;
	return next > INT32_MAX ? INT32_MAX : (int)next;
}

/* Whether the reads of the turn just made were a burst's (see COALESCE_MIN);
 * zeroes what they brought.  A read always had COALESCE_MAX within reach:
 * it finds at most a partial message in the buffer (under BGP_MAX_LEN; a
 * session paused with more unprocessed does not read). */
static bool burst_read(struct feed *f)
{
	bool mid = false, big = false;

	for (size_t i = 0; i < f->n; i++) {
		size_t n = f->s[i]->read_bytes;

		mid |= n >= COALESCE_MIN;
		big |= n >= COALESCE_MAX;
		f->s[i]->read_bytes = 0;
	}
	return mid && !big;
}

static int turn(void *arg, int timeout_ms)
{
	struct feed *f = arg;
	struct pollfd pfd[f->n + 2];
	struct sess_env e;
	nfds_t np = 0;
	int rc;

	if (f->coalesce) {
		struct pollfd w = { .fd = f->l.wake_fd, .events = POLLIN };

		if (poll(&w, 1, COALESCE_MS) < 0 && errno != EINTR)
			return -errno;
		f->coalesce = false;
	}
	e = env_of(f);
	take_requests(f, &e);
	for (size_t i = 0; i < f->n; i++) {
		session_resume(f->s[i], &e);
		session_timers(f->s[i], &e);
	}
	/* what the timers did (a hold expiry, a stale flush) is seen now, not
	 * after poll(), which may wait for the next timer */
	publish(f);
	pfd[np++] = (struct pollfd){ .fd = f->l.wake_fd, .events = POLLIN };
	pfd[np++] = (struct pollfd){ .fd = f->l.listen_fd, .events = POLLIN };
	for (size_t i = 0; i < f->n; i++) {
		short ev = session_events(f->s[i]);

		/* a paused session with nothing to write is left out: its
		 * POLLHUP would wake us in a loop */
		pfd[np++] = (struct pollfd){ .fd = ev ? f->s[i]->fd : -1, .events = ev };
	}
	rc = poll(pfd, np, wait_ms(f, &e, timeout_ms));
	if (rc < 0 && errno != EINTR)
		return -errno;
	e.now_ms = now_ms(f);
	for (size_t i = 0; rc > 0 && i < f->n; i++)
		if (pfd[2 + i].revents)
			session_io(f->s[i], pfd[2 + i].revents, &e);
	if (rc > 0 && pfd[1].revents)
		accept_all(f, &e);
	f->coalesce = burst_read(f);
	publish(f);
	return 0;
}

bool feed_coalescing(const struct feed *f)
{
	return f->coalesce;
}

int feed_step(struct feed *f, int timeout_ms)
{
	if (f->l.started)
		return -EINVAL;
	return turn(f, timeout_ms);
}

int feed_start(struct feed *f)
{
	if (f->l.started)
		return -EINVAL;
	return loop_start(&f->l, f->conf.listen_addr, f->conf.listen_port, turn, f);
}

int feed_attach_fd(struct feed *f, int peer, int fd)
{
	struct sess_env e = env_of(f);

	if (f->l.started || peer < 0 || (size_t)peer >= f->n || f->s[peer]->fd >= 0)
		return -EINVAL;
	session_accept(f->s[peer], fd, &e);
	publish(f);
	return 0;
}

/* ---- the caller's side ---- */

int feed_fd(const struct feed *f)
{
	return f->l.q.ready_fd;
}

struct feed_batch *feed_pop(struct feed *f)
{
	return queue_pop(&f->l.q);
}

void feed_batch_free(struct feed_batch *b)
{
	queue_batch_free(b);
}

static void rt_of(struct rt_entry *e, const struct feed_pfx *p)
{
	memset(e, 0, sizeof(*e));
	e->family = p->family;
	e->plen = p->plen;
	memcpy(e->addr, p->addr, sizeof(e->addr));
}

int feed_batch_apply(const struct feed_batch *b, struct rib *r)
{
	struct rt_entry e;
	int err = 0;

	rib_stamp(r, b->recv_ns); /* the latency histogram starts at arrival */
	if (b->ev == FEED_EV_PEER_DOWN)
		rib_peer_down(r, &b->rib_peer, b->when);
	for (uint32_t i = 0; i < b->n_withdraw && !err; i++) {
		rt_of(&e, &b->withdraw[i]);
		err = rib_withdraw(r, &e, &b->rib_peer, b->withdraw[i].path_id, b->when);
	}
	for (uint32_t i = 0; i < b->n_announce && !err; i++) {
		rt_of(&e, &b->announce[i]);
		err = rib_announce(r, &e, &b->rib_peer, b->announce[i].path_id, b->path, b->n_path,
				   b->ends_in_set, b->when);
	}
	rib_stamp(r, 0);
	return err;
}

int feed_drain(struct feed *f, struct rib *r, size_t max, size_t *applied)
{
	return loop_drain(&f->l, r, max, applied);
}

int feed_refresh(struct feed *f, int peer, enum feed_family fam)
{
	if (peer < 0 || (size_t)peer >= f->n || fam >= FEED_NFAM)
		return -EINVAL;
	pthread_mutex_lock(&f->lock);
	f->refresh[peer] |= (uint8_t)(1U << fam);
	pthread_mutex_unlock(&f->lock);
	loop_wake(&f->l);
	return 0;
}

size_t feed_peer_count(const struct feed *f)
{
	return f->n;
}

size_t feed_queue_bytes(struct feed *f)
{
	return queue_bytes(&f->l.q);
}

int feed_peer_status(struct feed *f, int peer, struct feed_peer_status *st)
{
	if (peer < 0 || (size_t)peer >= f->n)
		return -EINVAL;
	pthread_mutex_lock(&f->lock);
	*st = f->pub[peer];
	pthread_mutex_unlock(&f->lock);
	return 0;
}

/* Whether a peer's status says its initial table is all sent. */
static bool peer_initial_done(const struct feed_peer_status *st)
{
	if (st->state != FEED_ST_ESTABLISHED || !st->sends_eor)
		return true;
	for (int fam = 0; fam < FEED_NFAM; fam++)
		if (st->family[fam] && !st->eor_since_up[fam])
			return false;
	return true;
}

bool feed_initial_done(struct feed *f, char *who, size_t len)
{
	bool done = true;

	/* the status first: a published End-of-RIB has its routes queued */
	pthread_mutex_lock(&f->lock);
	for (size_t i = 0; done && i < f->n; i++)
		if (!peer_initial_done(&f->pub[i])) {
			done = false;
			if (who)
				snprintf(who, len, "%s", f->pub[i].name);
		}
	pthread_mutex_unlock(&f->lock);
	if (done && queue_bytes(&f->l.q)) {
		done = false;
		if (who && len)
			who[0] = '\0';
	}
	return done;
}

const char *feed_fault_name(enum feed_fault fault)
{
	static const char *const names[] = {
		[FEED_FAULT_LENGTHS] = "lengths",
		[FEED_FAULT_NLRI] = "nlri",
		[FEED_FAULT_MP_REPEATED] = "mp_repeated",
		[FEED_FAULT_MP_MALFORMED] = "mp_malformed",
		[FEED_FAULT_ATTR_OVERRUN] = "attr_overrun",
		[FEED_FAULT_ATTR_FLAGS] = "attr_flags",
		[FEED_FAULT_ATTR_MALFORMED] = "attr_malformed",
		[FEED_FAULT_ATTR_DISCARDED] = "attr_discarded",
		[FEED_FAULT_ATTR_REPEATED] = "attr_repeated",
		[FEED_FAULT_MISSING_WELLKNOWN] = "missing_wellknown",
		[FEED_FAULT_UNKNOWN_WELLKNOWN] = "unknown_wellknown",
		[FEED_FAULT_FAMILY] = "family_not_negotiated",
	};

	return fault < FEED_FAULT_MAX ? names[fault] : "?";
}

const char *feed_state_name(enum feed_state st)
{
	static const char *const names[] = {
		[FEED_ST_IDLE] = "Idle",
		[FEED_ST_CONNECT] = "Connect",
		[FEED_ST_ACTIVE] = "Active",
		[FEED_ST_OPENSENT] = "OpenSent",
		[FEED_ST_OPENCONFIRM] = "OpenConfirm",
		[FEED_ST_ESTABLISHED] = "Established",
	};

	return st <= FEED_ST_ESTABLISHED ? names[st] : "?";
}

void feed_free(struct feed *f)
{
	struct sess_env e;

	if (!f)
		return;
	loop_stop(&f->l);
	e = env_of(f);
	for (size_t i = 0; i < f->n; i++) {
		session_shutdown(f->s[i], &e);
		session_fini(f->s[i]);
		free(f->s[i]);
	}
	loop_fini(&f->l);
	pthread_mutex_destroy(&f->lock);
	free(f->s);
	free(f->pub);
	free(f->refresh);
	free(f);
}
