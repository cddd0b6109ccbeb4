// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/feed/loop.c - the listening socket, the wake-up eventfd, the queue,
 * the signal-free thread and the drain that the feed (feed.c) and the BMP
 * station (bmp.c) share (see loop.h).  Must not: block anywhere but in
 * the owner's poll() and pthread_join().
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "common/log.h"
#include "feed/feed.h"
#include "feed/loop.h"

static int sockaddr_of(const char *addr, uint16_t port, struct sockaddr_storage *sa, socklen_t *len)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)sa;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)sa;

	memset(sa, 0, sizeof(*sa));
	if (inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(port);
		*len = sizeof(*v4);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(port);
		*len = sizeof(*v6);
		return 0;
	}
	return -EINVAL;
}

static int listen_on(const char *who, const char *addr, uint16_t port)
{
	struct sockaddr_storage sa;
	socklen_t len;
	int one = 1, fd, err;

	if (sockaddr_of(addr, port, &sa, &len)) {
		log_err("%s: bad listen address '%s'", who, addr);
		return -EINVAL;
	}
	fd = socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, len) || listen(fd, 16)) {
		err = -errno;
		log_err("%s: listen on %s port %u: %s", who, addr, port, strerror(-err));
		close(fd);
		return err;
	}
	log_info("%s: listening on %s port %u", who, addr, port);
	return fd;
}

int loop_init(struct loop *l, const char *who, size_t queue_limit)
{
	int err;

	memset(l, 0, sizeof(*l));
	l->who = who;
	l->listen_fd = -1;
	l->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (l->wake_fd < 0)
		return -errno;
	err = queue_init(&l->q, queue_limit, l->wake_fd);
	if (err)
		close(l->wake_fd);
	return err;
}

static void *run(void *arg)
{
	struct loop *l = arg;
	int err;

	while (!atomic_load(&l->stop))
		if ((err = l->turn(l->arg, -1))) {
			log_err("%s: poll: %s; its thread stops", l->who, strerror(-err));
			break;
		}
	return NULL;
}

int loop_start(struct loop *l, const char *addr, uint16_t port, loop_turn_fn turn, void *arg)
{
	sigset_t all, old;
	int fd, err;

	if (addr && l->listen_fd < 0) {
		fd = listen_on(l->who, addr, port);
		if (fd < 0)
			return fd;
		l->listen_fd = fd;
	}
	l->turn = turn;
	l->arg = arg;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&l->thread, NULL, run, l);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		log_err("%s: cannot start its thread: %s", l->who, strerror(err));
		return -err;
	}
	l->started = true;
	return 0;
}

void loop_wake(struct loop *l)
{
	uint64_t one = 1;

	if (write(l->wake_fd, &one, sizeof(one)) < 0)
		log_debug("%s: wake-up write: %s", l->who, strerror(errno));
}

void loop_woken(struct loop *l)
{
	uint64_t v;

	if (read(l->wake_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		log_debug("%s: wake-up read: %s", l->who, strerror(errno));
}

void loop_stop(struct loop *l)
{
	if (!l->started)
		return;
	atomic_store(&l->stop, true);
	loop_wake(l);
	pthread_join(l->thread, NULL);
	l->started = false;
}

void loop_fini(struct loop *l)
{
	if (l->listen_fd >= 0)
		close(l->listen_fd);
	l->listen_fd = -1;
	queue_destroy(&l->q);
	close(l->wake_fd);
}

/* Bytes applied between two queue_release() calls of a drain: a starved
 * session reads again while the rest of a long chain is applied, at one
 * lock round trip per some hundreds of one-path UPDATEs. */
#define LOOP_RELEASE_BYTES (64U << 10)

static void log_apply_error(const struct loop *l, const struct feed_batch *b, int err)
{
	log_err("%s: applying %u announcements and %u withdrawals of %s %d to the RIB: %s", l->who,
		b->n_announce, b->n_withdraw, strcmp(l->who, "bmp") ? "peer" : "router", b->peer,
		strerror(-err));
}

int loop_drain(struct loop *l, struct rib *r, size_t max, size_t *applied)
{
	size_t n = 0, taken, held = 0;
	struct feed_batch *b = queue_take(&l->q, max, &taken), *next;
	int err = 0;

	for (; b && !err; b = next) {
		next = b->next;
		err = feed_batch_apply(b, r);
		if (err)
			log_apply_error(l, b, err);
		held += b->bytes;
		feed_batch_free(b);
		n += !err;
		if (held >= LOOP_RELEASE_BYTES) {
			queue_release(&l->q, held);
			held = 0;
		}
	}
	queue_release(&l->q, held);
	queue_untake(&l->q, b); /* after an error: the rest stay queued */
	if (applied)
		*applied = n;
	return err;
}
