// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/bench/feed_recv.c - make bench-recv: the live feed's cost per path
 * while a full table arrives, without the router.  A thread plays a router
 * that has the table ready: over a socketpair it opens an iBGP session with
 * ADD-PATH send and writes PREFIXES IPv4 /24s with two paths each (path
 * ids 1 and 2, one per upstream), one path per UPDATE as BIRD sends them
 * (72 bytes), then End-of-RIB, as fast as the feed reads.  The feed runs in
 * its own thread (feed_start()), and the main thread drains it into a RIB
 * as asclass run does (poll on feed_fd(), feed_drain()) until
 * feed_initial_done().  Printed: paths, wall time, and the CPU time of the
 * feed's and the draining threads (the process less the writer thread) per
 * path.  The process is alone with the writer, so the figure has no
 * router, metrics scrapes or whole load in it: what make bench-feed's
 * "daemon CPU meanwhile" would be for the receive path alone.
 *
 *   feed_recv [PREFIXES [UPDATES GAP_US]]
 *
 * PREFIXES: default 1000000 (2 million paths).  With UPDATES and GAP_US the
 * writer is paced like BIRD sending a full table to a reader that keeps up
 * (some 33 UPDATEs a read, a read every 0.15 ms or so in make bench-feed):
 * UPDATES UPDATEs' bytes at a time, one such write every GAP_US
 * microseconds on an absolute schedule.  The wall time is then the
 * writer's; what the feed spends per path is the figure.
 *
 * Built against one build's libasclass.a, so two builds compare back to
 * back (mk/bench-recv.mk: RECV_LIB, RECV_INC).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bgp/types.h"
#include "common/log.h"
#include "feed/feed.h"
#include "routes/rib.h"
#include "../unit/test_feed.h"

#define OUR_AS 64500

struct stream {
	uint8_t *b;
	size_t n, cap;
	int fd;
	size_t chunk;	 /* paced: bytes per write; 0: as fast as the feed reads */
	uint32_t gap_us; /* paced: microseconds from one write's start to the next */
	double cpu_s;	 /* the writer thread's own CPU time */
};

static void put(struct stream *s, struct mb *m)
{
	mb_end(m);
	if (s->n + m->n > s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1 << 20;
		s->b = realloc(s->b, s->cap);
		if (!s->b) {
			perror("feed_recv");
			exit(1);
		}
	}
	memcpy(s->b + s->n, m->b, m->n);
	s->n += m->n;
}

/* OPEN: AS 64500, hold 90 s, MP IPv4, 4-octet AS, ADD-PATH send IPv4,
 * graceful restart (so that End-of-RIB is awaited); then KEEPALIVE. */
static void router_hello(struct stream *s)
{
	struct mb m;
	size_t ol, pl;

	mb_hdr(&m, BGP_MSG_OPEN);
	mb_u8(&m, 4);
	mb_u16(&m, OUR_AS);
	mb_u16(&m, 90);
	mb_u32(&m, 0xc6336401); /* 198.51.100.1 */
	ol = mb_len8(&m);
	mb_u8(&m, 2);
	pl = mb_len8(&m);
	MB_BYTES(&m, 1, 4, 0, 1, 0, 1); /* MP IPv4 unicast */
	MB_BYTES(&m, 65, 4);		/* 4-octet AS */
	mb_u32(&m, OUR_AS);
	MB_BYTES(&m, 69, 4, 0, 1, 1, 2);	 /* ADD-PATH send IPv4 */
	MB_BYTES(&m, 64, 6, 0, 120, 0, 1, 1, 0); /* GR 120 s, IPv4 */
	mb_fix8(&m, pl);
	mb_fix8(&m, ol);
	put(s, &m);
	mb_hdr(&m, BGP_MSG_KEEPALIVE);
	put(s, &m);
}

/* One path: 1.0.0.0/24 + i, path id `id` via upstream `up`. */
static void router_path(struct stream *s, uint32_t i, uint32_t id, uint32_t up)
{
	uint32_t net = (1U << 24) + (i << 8);
	struct mb m;
	size_t al;

	mb_hdr(&m, BGP_MSG_UPDATE);
	mb_u16(&m, 0);
	al = mb_len16(&m);
	MB_BYTES(&m, 0x40, 1, 1, 0);	 /* ORIGIN IGP */
	MB_BYTES(&m, 0x40, 2, 14, 2, 3); /* AS_PATH: upstream, transit, origin */
	mb_u32(&m, up);
	mb_u32(&m, 3356 + i % 50);
	mb_u32(&m, 131072 + i % 100000);
	MB_BYTES(&m, 0x40, 3, 4, 198, 51, 100, (uint8_t)id); /* NEXT_HOP */
	MB_BYTES(&m, 0x40, 5, 4, 0, 0, 0, 100);		     /* LOCAL_PREF */
	mb_fix16(&m, al);
	mb_u32(&m, id);
	MB_BYTES(&m, 24, net >> 24, (net >> 16) & 0xff, (net >> 8) & 0xff);
	put(s, &m);
}

static void router_eor(struct stream *s)
{
	struct mb m;

	mb_hdr(&m, BGP_MSG_UPDATE);
	mb_u16(&m, 0);
	mb_u16(&m, 0);
	put(s, &m);
}

static double thread_cpu_s(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
	       ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
}

static void *writer(void *arg)
{
	struct stream *s = arg;
	double t0 = thread_cpu_s(RUSAGE_THREAD);
	struct timespec next;

	clock_gettime(CLOCK_MONOTONIC, &next);
	for (size_t at = 0; at < s->n;) {
		size_t want = s->chunk && s->n - at > s->chunk ? s->chunk : s->n - at;
		ssize_t w = write(s->fd, s->b + at, want);

		if (w < 0 && errno != EINTR) {
			perror("feed_recv: write");
			break;
		}
		at += w > 0 ? (size_t)w : 0;
		if (!s->chunk || at >= s->n)
			continue;
		next.tv_nsec += (long)s->gap_us * 1000;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_sec += next.tv_nsec / 1000000000L;
			next.tv_nsec %= 1000000000L;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
	}
	s->cpu_s = thread_cpu_s(RUSAGE_THREAD) - t0;
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Whether the session is up, its End-of-RIB came and every change before
 * it is in the RIB. */
static bool table_in(struct feed *f)
{
	struct feed_peer_status st;

	feed_peer_status(f, 0, &st);
	return st.state == FEED_ST_ESTABLISHED && st.eor_since_up[FEED_IPV4] &&
	       feed_initial_done(f, NULL, 0);
}

/* Drains the feed into the RIB until its initial table is in. */
static void drain_all(struct feed *f, struct rib *rib)
{
	struct pollfd p = { .fd = feed_fd(f), .events = POLLIN };

	while (!table_in(f)) {
		poll(&p, 1, 100);
		if (feed_drain(f, rib, 0, NULL)) {
			fprintf(stderr, "feed_recv: RIB error\n");
			exit(1);
		}
	}
}

int main(int argc, char **argv)
{
	uint32_t prefixes = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 1000000;
	uint32_t per_write = argc > 3 ? (uint32_t)strtoul(argv[2], NULL, 10) : 0;
	uint32_t gap_us = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 10) : 0;
	struct feed_conf fc = { 0 };
	struct feed_peer_conf pc = { .name = "router",
				     .addr = "198.51.100.1",
				     .local_as = OUR_AS,
				     .router_id = 0xc6336402 };
	struct stream s = { 0 };
	struct feed_peer_status st;
	double t0, c0, wall, cpu;
	struct feed *f;
	struct rib *rib;
	pthread_t th;
	int sv[2];

	if (!prefixes || prefixes > (1U << 23) || argc == 3 || argc > 4 ||
	    (argc == 4 && (!per_write || per_write > 1000 || !gap_us || gap_us > 1000000))) {
		fprintf(stderr, "usage: feed_recv [PREFIXES: 1 .. 8388608 [UPDATES: 1 .. 1000 "
				"GAP_US: 1 .. 1000000]]\n");
		return 2;
	}
	log_level = LOG_LVL_ERR;
	router_hello(&s);
	for (uint32_t i = 0; i < prefixes; i++) {
		size_t at = s.n;

		router_path(&s, i, 1, 4837);
		/* the paths' UPDATEs are all one size */
		s.chunk = per_write ? (s.n - at) * per_write : 0;
		router_path(&s, i, 2, 20485);
	}
	router_eor(&s);
	s.gap_us = gap_us;
	f = feed_new(&fc);
	rib = rib_new();
	if (!f || !rib || feed_add_peer(f, &pc) != 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) || feed_attach_fd(f, 0, sv[0]) ||
	    feed_start(f)) {
		fprintf(stderr, "feed_recv: set-up failed\n");
		return 1;
	}
	s.fd = sv[1];
	t0 = now_s();
	c0 = thread_cpu_s(RUSAGE_SELF);
	pthread_create(&th, NULL, writer, &s);
	drain_all(f, rib);
	wall = now_s() - t0;
	cpu = thread_cpu_s(RUSAGE_SELF) - c0;
	pthread_join(th, NULL);
	cpu -= s.cpu_s;
	feed_peer_status(f, 0, &st);
	if (per_write)
		printf("feed_recv: paced, %u UPDATEs every %u us: ", per_write, gap_us);
	else
		printf("feed_recv: as fast as the feed reads: ");
	printf("%llu paths in %llu UPDATEs (%zu bytes): %.2f s, feed + drain CPU %.2f s, "
	       "%.2f us per path (writer %.2f s)\n",
	       (unsigned long long)st.c.announced, (unsigned long long)st.c.msgs_in[2], s.n, wall,
	       cpu, cpu * 1e6 / (double)st.c.announced, s.cpu_s);
	feed_free(f);
	rib_free(rib);
	close(sv[1]);
	free(s.b);
	return st.c.announced == 2ULL * prefixes ? 0 : 1;
}
