// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/feed/loop.c - the listening socket, the signal-free thread and the
 * queue drain that the feed (feed.c) and the BMP station (bmp.c) share (see
 * loop.h).  Must not: block.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
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

static int thread_start(const char *who, pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int err;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		log_err("%s: cannot start its thread: %s", who, strerror(err));
	return -err;
}

int loop_start(const char *who, const char *addr, uint16_t port, int *listen_fd, pthread_t *t,
	       void *(*fn)(void *), void *arg)
{
	int fd;

	if (addr && *listen_fd < 0) {
		fd = listen_on(who, addr, port);
		if (fd < 0)
			return fd;
		*listen_fd = fd;
	}
	return thread_start(who, t, fn, arg);
}

int loop_drain(const char *who, struct queue *q, struct rib *r, size_t max, size_t *applied)
{
	struct feed_batch *b;
	size_t n = 0;
	int err = 0;

	while ((!max || n < max) && (b = queue_pop(q))) {
		err = feed_batch_apply(b, r);
		if (err)
			log_err("%s: applying %u announcements and %u withdrawals of %s %d to the "
				"RIB: %s",
				who, b->n_announce, b->n_withdraw,
				strcmp(who, "bmp") ? "peer" : "router", b->peer, strerror(-err));
		feed_batch_free(b);
		if (err)
			break;
		n++;
	}
	if (applied)
		*applied = n;
	return err;
}
