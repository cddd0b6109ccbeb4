/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* tests/feed/serve.h - the serve loop the live-feed test drivers
 * (bmp_dump.c, feed_dump.c) share: poll the speaker's fd and the signals,
 * drain what came in after every wake-up, write the dump on SIGUSR1 and once
 * more on SIGTERM or SIGINT before returning.  Each driver passes its own
 * drain and dump as callbacks on its context.
 */
#ifndef ASC_TEST_FEED_SERVE_H
#define ASC_TEST_FEED_SERVE_H
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

struct serve_ops {
	int (*drain)(void *ctx); /* nonzero: out of memory, stop */
	void (*dump)(void *ctx); /* writes the dump, reports its own errors */
};

/* A signalfd for SIGUSR1, SIGTERM and SIGINT, now blocked; -errno if none. */
static inline int serve_signalfd(void)
{
	sigset_t set;
	int sfd;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	return sfd < 0 ? -errno : sfd;
}

/* Serves FD until SIGTERM or SIGINT (0) or an error (-errno); SIGUSR1 dumps. */
static inline int serve(int fd, const struct serve_ops *ops, void *ctx)
{
	struct pollfd p[2];
	int sfd = serve_signalfd();

	if (sfd < 0)
		return sfd;
	p[0] = (struct pollfd){ .fd = fd, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	for (;;) {
		struct signalfd_siginfo si;

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return -errno;
		if (ops->drain(ctx))
			return -ENOMEM;
		if (!(p[1].revents & POLLIN) || read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		ops->dump(ctx);
		if (si.ssi_signo != SIGUSR1)
			return 0;
	}
}
#endif
