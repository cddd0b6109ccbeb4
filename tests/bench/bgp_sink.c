// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/bench/bgp_sink.c - the ceiling for `make bench-feed SINK=1`
 * (tests/bench/feed_full.sh): a BGP collector that only reads.
 *
 *   bgp_sink ADDR LOCAL_AS ROUTER_ID [MAX_SECONDS]
 *
 * Waits for one connection on ADDR port 179, answers the peer's OPEN with
 * the OPEN asclass sends (user/feed/caps.c: MP IPv4 + IPv6, 4-octet AS,
 * ADD-PATH receive, ...), sends keepalives every 3 s, and reads everything
 * into one growing buffer until an End-of-RIB has come for every family
 * both sides agreed on (or the peer closes, or MAX_SECONDS, default 300).
 * Only the message framing is looked at while the table comes (and the
 * UPDATEs short enough to be an End-of-RIB are decoded); the whole stream is
 * decoded afterwards, untimed, with the feed's own decoder to count the
 * paths.  Prints one line:
 *   sink: established->first UPDATE S s, ->last UPDATE before End-of-RIB S s,
 *   ->every End-of-RIB S s; BYTES bytes, MSGS UPDATEs, PATHS paths announced
 * Exit 0, or 1 with a message (no connection, a bad message, timeout).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bgp/bgp.h"
#include "feed/caps.h"
#include "feed/queue.h"
#include "feed/update.h"
#include "feed/wire.h"

#define SINK_KEEPALIVE_S 3
#define SINK_RCVBUF (8 << 20)
#define SINK_EOR_MAX_LEN 32 /* an End-of-RIB is 23 (IPv4) or 30 bytes (MP) */

struct sink {
	int fd;
	uint8_t *buf; /* every byte read */
	size_t len, cap;
	size_t done;	  /* bytes framed so far */
	size_t upd_start; /* offset of the first UPDATE */
	struct caps_local local;
	struct caps peer;
	struct caps_nego nego;
	bool up;
	bool eor[FEED_NFAM];
	double t_up, t_first, t_last, t_eor;
	unsigned long updates;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int die(const char *what)
{
	fprintf(stderr, "bgp_sink: %s%s%s\n", what, errno ? ": " : "",
		errno ? strerror(errno) : "");
	exit(1);
}

static void send_msg(struct sink *s, uint8_t type, const void *body, size_t n)
{
	struct wire_buf b = { .max = BGP_MAX_LEN };

	if (wire_put(&b, type, body, n) || write(s->fd, b.p, b.len) != (ssize_t)b.len)
		die("write");
	wire_buf_free(&b);
}

static int accept_one(const char *addr)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(179) };
	int one = 1, rcv = SINK_RCVBUF, l = socket(AF_INET, SOCK_STREAM, 0), fd;

	if (l < 0 || inet_pton(AF_INET, addr, &a.sin_addr) != 1)
		die("bad listen address");
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(l, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1))
		die("bind/listen");
	fd = accept(l, NULL, NULL);
	if (fd < 0)
		die("accept");
	close(l);
	return fd;
}

/* Whether every agreed family has had its End-of-RIB. */
static bool all_eor(const struct sink *s)
{
	for (int f = 0; f < FEED_NFAM; f++)
		if (s->nego.fam[f] && !s->eor[f])
			return false;
	return s->up;
}

/* The family of an End-of-RIB UPDATE, or -1 (only short messages decoded). */
static int eor_of(struct sink *s, const uint8_t *m, size_t len)
{
	struct mrt_arena arena = { 0 };
	struct update_ctx uc = { .nego = &s->nego, .ibgp = true, .arena = &arena };
	struct update_out o;
	int fam = -1;

	if (len > SINK_EOR_MAX_LEN)
		return -1;
	if (!update_decode(m, len, &uc, &o)) {
		fam = o.eor;
		free(o.batch);
	}
	mrt_arena_free(&arena);
	return fam;
}

static void on_open(struct sink *s, const uint8_t *m, size_t len)
{
	uint8_t body[128];
	char why[160];

	if (caps_open_decode(m, len, &s->peer, why, sizeof(why))) {
		fprintf(stderr, "bgp_sink: the peer's OPEN: %s\n", why);
		exit(1);
	}
	caps_negotiate(&s->local, &s->peer, &s->nego);
	send_msg(s, BGP_MSG_OPEN, body, caps_open_build(&s->local, body, sizeof(body)));
	send_msg(s, BGP_MSG_KEEPALIVE, NULL, 0);
}

static void on_msg(struct sink *s, const uint8_t *m, size_t len, double t)
{
	int fam;

	switch (m[18]) {
	case BGP_MSG_OPEN:
		on_open(s, m, len);
		break;
	case BGP_MSG_KEEPALIVE:
		if (!s->up)
			s->t_up = t;
		s->up = true;
		break;
	case BGP_MSG_UPDATE:
		if (!s->updates++) {
			s->t_first = t;
			s->upd_start = (size_t)(m - s->buf);
		}
		fam = eor_of(s, m, len);
		if (fam >= 0 && !s->eor[fam]) {
			s->eor[fam] = true;
			s->t_eor = t;
		} else if (fam < 0 && !all_eor(s)) {
			s->t_last = t;
		}
		break;
	case BGP_MSG_NOTIFICATION:
		errno = 0;
		die("NOTIFICATION from the peer");
	}
}

/* Frames the new bytes; a message split over reads waits for the rest. */
static void frame(struct sink *s, double t)
{
	for (;;) {
		struct wire_notif n;
		long len = wire_frame(s->buf + s->done, s->len - s->done, &n);

		if (len < 0) {
			errno = 0;
			die("bad message header");
		}
		if (!len)
			return;
		on_msg(s, s->buf + s->done, (size_t)len, t);
		s->done += (size_t)len;
	}
}

static bool read_some(struct sink *s)
{
	ssize_t n;

	if (s->cap - s->len < (1 << 20)) {
		s->cap = s->cap ? s->cap * 2 : (64 << 20);
		s->buf = realloc(s->buf, s->cap);
		if (!s->buf)
			die("realloc");
	}
	n = recv(s->fd, s->buf + s->len, s->cap - s->len, MSG_DONTWAIT);
	if (n == 0)
		return false;
	if (n < 0)
		return errno == EAGAIN || errno == EINTR;
	s->len += (size_t)n;
	frame(s, now_s());
	return true;
}

/* Decodes every UPDATE read (untimed): the paths announced. */
static unsigned long count_paths(struct sink *s)
{
	struct mrt_arena arena = { 0 };
	struct update_ctx uc = { .nego = &s->nego, .ibgp = true, .arena = &arena };
	unsigned long paths = 0;
	struct wire_notif n;
	long len;

	for (size_t off = s->upd_start; off < s->done; off += (size_t)len) {
		struct update_out o;

		len = wire_frame(s->buf + off, s->done - off, &n);
		if (s->buf[off + 18] != BGP_MSG_UPDATE)
			continue;
		mrt_arena_reset(&arena);
		if (update_decode(s->buf + off, (size_t)len, &uc, &o))
			die("decoding an UPDATE: no memory");
		paths += o.batch ? o.batch->n_announce : 0;
		free(o.batch);
	}
	mrt_arena_free(&arena);
	return paths;
}

int main(int argc, char **argv)
{
	struct sink s = { 0 };
	double deadline, next_ka = 0;
	struct in_addr id;

	if (argc < 4 || inet_pton(AF_INET, argv[3], &id) != 1) {
		fprintf(stderr, "usage: bgp_sink ADDR LOCAL_AS ROUTER_ID [MAX_SECONDS]\n");
		return 2;
	}
	s.local = (struct caps_local){ .local_as = (uint32_t)strtoul(argv[2], NULL, 10),
				       .router_id = ntohl(id.s_addr),
				       .hold_s = 90 };
	deadline = now_s() + (argc > 4 ? atof(argv[4]) : 300);
	s.fd = accept_one(argv[1]);
	while (!all_eor(&s)) {
		struct pollfd p = { .fd = s.fd, .events = POLLIN };
		double t = now_s();

		if (t > deadline) {
			errno = 0;
			die("gave up waiting for every End-of-RIB");
		}
		if (s.up && t >= next_ka) {
			send_msg(&s, BGP_MSG_KEEPALIVE, NULL, 0);
			next_ka = t + SINK_KEEPALIVE_S;
		}
		if (poll(&p, 1, 500) > 0 && !read_some(&s))
			break; /* the peer closed */
	}
	printf("sink: established->first UPDATE %.2f s, ->last UPDATE before End-of-RIB %.2f s, "
	       "->every End-of-RIB %.2f s; %zu bytes, %lu UPDATEs, %lu paths announced\n",
	       s.t_first - s.t_up, s.t_last - s.t_up, s.t_eor - s.t_up, s.done, s.updates,
	       count_paths(&s));
	close(s.fd);
	free(s.buf);
	return 0;
}
