// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_feed_session.c - the speaker (user/feed/) driven over a
 * socketpair, the test playing the router: session set-up and what it
 * negotiates, bad OPEN and unexpected messages answered with a
 * NOTIFICATION, hold timer expiry and keepalive cadence (a fake clock, the
 * loop stepped by hand), keepalives while the consumer drains nothing (the
 * session thread, real time), UPDATEs into the RIB, RFC 7606 resets and
 * treat-as-withdraw, End-of-RIB, graceful restart (stale routes kept,
 * flushed at End-of-RIB, at the restart time, at the stale time, at once
 * without forwarding state) and route refresh (requests both ways, enhanced
 * refresh BoRR/EoRR).  Messages are built field by field (test_feed.h). */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "bgp/mrt.h"
#include "feed/feed.h"
#include "feed/wire.h"
#include "test_feed.h"

#define OUR_AS 64500
#define T0 1000000 /* fake clock start, ms */

/* The router as the tests play it: its OPEN's capabilities. */
struct router {
	uint32_t asn;  /* 0: OUR_AS (iBGP) */
	bool two_byte; /* no 4-octet AS capability */
	uint16_t hold_s;
	bool addpath;	  /* ADD-PATH send, both families */
	bool err;	  /* enhanced route refresh */
	uint16_t gr_time; /* 0: no graceful restart capability */
	bool gr_fwd;	  /* forwarding state kept (F bit), IPv4 */
	bool ipv6;	  /* MP IPv6 unicast too */
};

struct h {
	struct feed *f;
	struct rib *rib;
	int sock; /* the router's end */
	uint64_t ms;
	bool threaded; /* feed_start() ran: the loop is not ours to step */
};

static uint64_t clk(void *c)
{
	return ((struct h *)c)->ms;
}

static const struct feed_peer_conf ROUTER = {
	.name = "router",
	.addr = "198.51.100.1",
	.local_as = OUR_AS, /* remote_as 0: iBGP */
	.router_id = 0xc6336402,
	.hold_time_s = 90,
	.stale_time_s = 60,
};

static void h_open(struct h *h, size_t queue_limit, bool real_clock)
{
	struct feed_conf fc = { .queue_limit_bytes = queue_limit };
	int sv[2];

	memset(h, 0, sizeof(*h));
	h->ms = T0;
	if (!real_clock) {
		fc.clock_ms = clk;
		fc.clock_ctx = h;
	}
	h->f = feed_new(&fc);
	assert_non_null(h->f);
	assert_int_equal(feed_add_peer(h->f, &ROUTER), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(feed_attach_fd(h->f, 0, sv[0]), 0);
	h->sock = sv[1];
	h->rib = rib_new();
	assert_non_null(h->rib);
}

static void h_close(struct h *h)
{
	feed_free(h->f);
	rib_free(h->rib);
	if (h->sock >= 0)
		close(h->sock);
}

/* A new connection from the router (it restarted). */
static void h_reconnect(struct h *h)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(feed_attach_fd(h->f, 0, sv[0]), 0);
	h->sock = sv[1];
}

static void step(struct h *h)
{
	if (h->threaded)
		return;
	assert_int_equal(feed_step(h->f, 0), 0);
	assert_int_equal(feed_step(h->f, 0), 0);
}

static void advance(struct h *h, uint64_t ms)
{
	h->ms += ms;
	step(h);
}

static void send_msg(struct h *h, struct mb *m)
{
	mb_end(m);
	assert_int_equal(write(h->sock, m->b, m->n), (ssize_t)m->n);
	step(h);
}

static bool readable(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, timeout_ms) == 1;
}

static void read_n(int fd, uint8_t *b, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r;

		assert_true(readable(fd, 2000));
		r = read(fd, b + got, n - got);
		assert_true(r > 0);
		got += (size_t)r;
	}
}

/* The next message the feed sent; returns its type. */
static int recv_msg(struct h *h, struct mb *m)
{
	read_n(h->sock, m->b, 19);
	m->n = (size_t)(m->b[16] << 8 | m->b[17]);
	assert_true(m->n >= 19 && m->n <= 4096);
	read_n(h->sock, m->b + 19, m->n - 19);
	return m->b[18];
}

static void expect_msg(struct h *h, int type)
{
	struct mb m;

	assert_int_equal(recv_msg(h, &m), type);
}

static void expect_notification(struct h *h, int code, int sub)
{
	struct mb m;
	uint8_t b;

	assert_int_equal(recv_msg(h, &m), BGP_MSG_NOTIFICATION);
	assert_int_equal(m.b[19], code);
	assert_int_equal(m.b[20], sub);
	assert_true(readable(h->sock, 2000));
	assert_int_equal(read(h->sock, &b, 1), 0); /* and the connection closed */
}

static void expect_nothing(struct h *h)
{
	assert_false(readable(h->sock, 0));
}

static struct feed_peer_status status(struct h *h)
{
	struct feed_peer_status st;

	assert_int_equal(feed_peer_status(h->f, 0, &st), 0);
	return st;
}

/* The router's OPEN: version 4, AS 64500, its hold time, BGP identifier
 * 198.51.100.1, capabilities as r says. */
static void router_open(struct mb *m, const struct router *r)
{
	uint32_t asn = r->asn ? r->asn : OUR_AS;
	size_t ol, pl;

	mb_hdr(m, BGP_MSG_OPEN);
	mb_u8(m, 4);	       /* Version */
	mb_u16(m, asn);	       /* My Autonomous System */
	mb_u16(m, r->hold_s);  /* Hold Time */
	mb_u32(m, 0xc6336401); /* BGP Identifier */
	ol = mb_len8(m);       /* Opt Parm Len */
	mb_u8(m, 2);	       /* Capabilities */
	pl = mb_len8(m);
	MB_BYTES(m, 1, 4, 0, 1, 0, 1); /* MP IPv4 unicast */
	if (r->ipv6)
		MB_BYTES(m, 1, 4, 0, 2, 0, 1); /* MP IPv6 unicast */
	MB_BYTES(m, 2, 0);		       /* route refresh */
	if (!r->two_byte) {
		MB_BYTES(m, 65, 4); /* 4-octet AS */
		mb_u32(m, asn);
	}
	if (r->addpath)
		MB_BYTES(m, 69, 8, 0, 1, 1, 2, 0, 2, 1, 2); /* ADD-PATH send v4, v6 */
	if (r->err)
		MB_BYTES(m, 70, 0); /* enhanced route refresh */
	if (r->gr_time)		    /* GR: time, IPv4 unicast with the F bit */
		MB_BYTES(m, 64, 6, r->gr_time >> 8, r->gr_time & 0xff, 0, 1, 1,
			 r->gr_fwd ? 0x80 : 0);
	mb_fix8(m, pl);
	mb_fix8(m, ol);
}

static void send_keepalive(struct h *h)
{
	struct mb m;

	mb_hdr(&m, BGP_MSG_KEEPALIVE);
	send_msg(h, &m);
}

/* OPEN, KEEPALIVE both ways; then our End-of-RIB markers. */
static void establish(struct h *h, const struct router *r)
{
	struct mb m;

	assert_int_equal(recv_msg(h, &m), BGP_MSG_OPEN);
	router_open(&m, r);
	send_msg(h, &m);
	expect_msg(h, BGP_MSG_KEEPALIVE);
	assert_int_equal(status(h).state, FEED_ST_OPENCONFIRM);
	send_keepalive(h);
	assert_int_equal(status(h).state, FEED_ST_ESTABLISHED);
	expect_msg(h, BGP_MSG_UPDATE); /* End-of-RIB IPv4 */
	if (r->ipv6)
		expect_msg(h, BGP_MSG_UPDATE); /* End-of-RIB IPv6 */
}

/* A feed with the router's session established. */
static void h_up(struct h *h, const struct router *r)
{
	h_open(h, 0, false);
	establish(h, r);
}

static void drain(struct h *h)
{
	assert_int_equal(feed_drain(h->f, h->rib, 0, NULL), 0);
}

static size_t rib_rows(struct h *h)
{
	struct rib_row *rows;
	size_t n;

	drain(h);
	assert_int_equal(rib_resolve(h->rib, &rows, &n), 0);
	free(rows);
	return n;
}

/* UPDATE announcing 175.45.N.0/24 with AS_PATH 4837 131279 (path id if
 * ADD-PATH). */
static void announce(struct h *h, uint8_t n, const uint32_t *path_id)
{
	struct mb m;
	size_t al;

	mb_hdr(&m, BGP_MSG_UPDATE);
	mb_u16(&m, 0);				    /* withdrawn routes length */
	al = mb_len16(&m);			    /* total path attribute length */
	MB_BYTES(&m, 0x40, 1, 1, 0);		    /* ORIGIN IGP */
	MB_BYTES(&m, 0x40, 2, 10, 2, 2, 0, 0, 0x12, /* AS_PATH 4837 131279 */
		 0xe5, 0, 2, 0, 0xcf);
	MB_BYTES(&m, 0x40, 3, 4, 198, 51, 100, 1); /* NEXT_HOP */
	MB_BYTES(&m, 0x40, 5, 4, 0, 0, 0, 100);	   /* LOCAL_PREF 100 */
	mb_fix16(&m, al);
	if (path_id)
		mb_u32(&m, *path_id); /* ADD-PATH path id */
	MB_BYTES(&m, 24, 175, 45, n); /* 175.45.n.0/24 */
	send_msg(h, &m);
}

static void eor_v4(struct h *h)
{
	struct mb m;

	mb_hdr(&m, BGP_MSG_UPDATE);
	mb_u16(&m, 0); /* withdrawn routes length */
	mb_u16(&m, 0); /* total path attribute length */
	send_msg(h, &m);
}

/* End-of-RIB for IPv6: an UPDATE with an empty MP_UNREACH_NLRI. */
static void send_mp_unreach_eor_v6(struct h *h)
{
	struct mb m;

	mb_hdr(&m, BGP_MSG_UPDATE);
	mb_u16(&m, 0);			    /* withdrawn routes length */
	mb_u16(&m, 6);			    /* total path attribute length */
	MB_BYTES(&m, 0x80, 15, 3, 0, 2, 1); /* MP_UNREACH_NLRI IPv6, empty */
	send_msg(h, &m);
}

/* Pops every queued batch; counts peer-down events. */
static int pop_peer_downs(struct h *h)
{
	struct feed_batch *b;
	int n = 0;

	while ((b = feed_pop(h->f))) {
		n += b->ev == FEED_EV_PEER_DOWN;
		assert_int_equal(feed_batch_apply(b, h->rib), 0);
		feed_batch_free(b);
	}
	return n;
}

/* An UPDATE with MP_UNREACH_NLRI twice: RFC 7606 says reset the session. */
static void send_mp_unreach_twice(struct h *h)
{
	struct mb m;

	mb_hdr(&m, BGP_MSG_UPDATE);
	mb_u16(&m, 0);			    /* withdrawn routes length */
	mb_u16(&m, 12);			    /* total path attribute length */
	MB_BYTES(&m, 0x80, 15, 3, 0, 1, 1); /* MP_UNREACH_NLRI IPv4, empty */
	MB_BYTES(&m, 0x80, 15, 3, 0, 1, 1); /* again */
	send_msg(h, &m);
}

/* A KEEPALIVE with a broken marker. */
static void send_bad_marker(struct h *h)
{
	struct mb m;

	mb_hdr(&m, BGP_MSG_KEEPALIVE);
	m.b[0] = 0; /* marker */
	send_msg(h, &m);
}

/* ---- set-up ---- */

static void test_feed_session_establish(void **state)
{
	struct router r = {
		.hold_s = 240, .addpath = true, .err = true, .gr_time = 120, .ipv6 = true
	};
	struct feed_peer_status st;
	struct feed_batch *b;
	struct h h;
	struct mb m;

	h_open(&h, 0, false);
	assert_int_equal(status(&h).state, FEED_ST_OPENSENT);
	assert_int_equal(recv_msg(&h, &m), BGP_MSG_OPEN);
	assert_int_equal(m.b[20] << 8 | m.b[21], OUR_AS); /* My AS */
	assert_int_equal(m.b[22] << 8 | m.b[23], 90);	  /* hold time */
	assert_int_equal(m.b[24], 198);			  /* BGP id 198.51.100.2 */
	router_open(&m, &r);
	send_msg(&h, &m);
	expect_msg(&h, BGP_MSG_KEEPALIVE);
	send_keepalive(&h);
	expect_msg(&h, BGP_MSG_UPDATE); /* End-of-RIB IPv4 */
	assert_int_equal(recv_msg(&h, &m), BGP_MSG_UPDATE);
	assert_int_equal(m.n, 29); /* End-of-RIB IPv6: MP_UNREACH_NLRI only */
	st = status(&h);
	assert_int_equal(st.state, FEED_ST_ESTABLISHED);
	assert_int_equal(st.hold_s, 90);
	assert_true(st.family[FEED_IPV4] && st.family[FEED_IPV6]);
	assert_true(st.addpath[FEED_IPV4] && st.addpath[FEED_IPV6]);
	assert_true(st.as4 && st.route_refresh && st.enhanced_refresh && st.graceful_restart);
	assert_int_equal(st.c.established, 1);
	b = feed_pop(h.f);
	assert_non_null(b);
	assert_int_equal(b->ev, FEED_EV_PEER_UP);
	assert_int_equal(b->rib_peer.asn, OUR_AS);
	assert_memory_equal(b->rib_peer.ip, ((uint8_t[]){ 198, 51, 100, 1 }), 4);
	feed_batch_free(b);
	h_close(&h);
}

static void test_feed_session_bad_open(void **state)
{
	struct router r = { .asn = 64501, .hold_s = 90 }; /* not the AS configured */
	struct h h;
	struct mb m;

	h_open(&h, 0, false);
	expect_msg(&h, BGP_MSG_OPEN);
	router_open(&m, &r);
	send_msg(&h, &m);
	expect_notification(&h, BGP_ERR_OPEN, 2); /* Bad Peer AS */
	assert_int_equal(status(&h).state, FEED_ST_ACTIVE);
	assert_non_null(strstr(status(&h).last_error, "expected AS 64500"));
	assert_int_equal(status(&h).c.notifications_out, 1);
	h_close(&h);
}

static void test_feed_session_unexpected_message(void **state)
{
	struct router r = { .hold_s = 90 };
	struct h h;
	struct mb m;

	h_open(&h, 0, false);
	expect_msg(&h, BGP_MSG_OPEN);
	router_open(&m, &r);
	send_msg(&h, &m);
	expect_msg(&h, BGP_MSG_KEEPALIVE);
	eor_v4(&h); /* an UPDATE in OpenConfirm */
	expect_notification(&h, BGP_ERR_FSM, 2);
	h_close(&h);
}

static void test_feed_session_bad_header(void **state)
{
	struct router r = { .hold_s = 90 };
	struct h h;

	h_up(&h, &r);
	send_bad_marker(&h);
	expect_notification(&h, BGP_ERR_HEADER, 1);
	assert_int_equal(pop_peer_downs(&h), 0); /* routes stay stale: no peer-down */
	h_close(&h);
}

/* ---- timers ---- */

static void test_feed_session_hold_timer_expires(void **state)
{
	struct router r = { .hold_s = 3 };
	struct h h;

	h_up(&h, &r);
	advance(&h, 1000);
	expect_msg(&h, BGP_MSG_KEEPALIVE); /* ours, every second */
	send_keepalive(&h);		   /* theirs at 1 s: hold runs to 4 s */
	advance(&h, 1000);
	expect_msg(&h, BGP_MSG_KEEPALIVE);
	advance(&h, 1000);
	expect_msg(&h, BGP_MSG_KEEPALIVE);
	advance(&h, 999); /* 3.999 s */
	assert_int_equal(status(&h).state, FEED_ST_ESTABLISHED);
	expect_nothing(&h);
	advance(&h, 1); /* 3 s after the router's last message */
	expect_notification(&h, BGP_ERR_HOLD, 0);
	assert_int_equal(status(&h).c.hold_expired, 1);
	assert_int_equal(status(&h).state, FEED_ST_ACTIVE);
	assert_int_equal(pop_peer_downs(&h), 0); /* routes stay stale: no peer-down */
	h_close(&h);
}

static void test_feed_session_keepalive_cadence(void **state)
{
	struct router r = { .hold_s = 30 };
	struct h h;
	int n = 0;

	h_up(&h, &r);
	for (int s = 1; s <= 35; s++) {
		advance(&h, 1000);
		if (readable(h.sock, 0)) {
			expect_msg(&h, BGP_MSG_KEEPALIVE);
			assert_int_equal(s % 10, 0); /* at 10, 20, 30 s */
			n++;
		}
		if (s % 5 == 0)
			send_keepalive(&h);
	}
	assert_int_equal(n, 3);
	assert_int_equal(status(&h).c.msgs_out[BGP_MSG_KEEPALIVE], 4); /* +1 in OpenConfirm */
	h_close(&h);
}

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static uint64_t mono_ms(void)
{
	return mono_us() / 1000;
}

/* The session thread with a queue that one batch fills and a consumer that
 * drains nothing while four keepalives go out: each comes well inside the
 * router's hold time after the one before (the cadence is 1 s, the hold
 * time 3 s), the session stays up (our hold timer waits while we do not
 * read), and once drained every route arrives. */
static void test_feed_session_keepalives_while_consumer_blocked(void **state)
{
	struct router r = { .hold_s = 3 };
	struct feed_peer_status st;
	uint64_t last, end, gap, max_gap = 0;
	int ka = 0;
	struct h h;

	h_open(&h, 1, true); /* queue limit: 1 byte */
	establish(&h, &r);
	last = mono_ms();		/* our KEEPALIVE in OpenConfirm went out before this */
	feed_batch_free(feed_pop(h.f)); /* PEER_UP: the queue is empty */
	assert_int_equal(feed_start(h.f), 0);
	h.threaded = true;
	for (int i = 0; i < 50; i++)
		announce(&h, (uint8_t)i, NULL);
	end = last + 10000;
	while (ka < 4 && mono_ms() < end) {
		struct mb m;

		if (!readable(h.sock, (int)(end - mono_ms())))
			continue;
		assert_int_equal(recv_msg(&h, &m), BGP_MSG_KEEPALIVE);
		gap = mono_ms() - last;
		last += gap;
		max_gap = gap > max_gap ? gap : max_gap;
		ka++;
	}
	print_message("keepalives: %d, longest gap %llu ms\n", ka, (unsigned long long)max_gap);
	assert_int_equal(ka, 4);
	assert_true(max_gap < 3000);
	st = status(&h);
	assert_int_equal(st.state, FEED_ST_ESTABLISHED);
	assert_true(st.c.queue_pauses >= 1);
	assert_int_equal(st.c.announced, 1); /* the rest waits in the socket */
	end = mono_ms() + 5000;
	while (rib_rows(&h) < 50 && mono_ms() < end)
		usleep(1000);
	assert_int_equal(rib_rows(&h), 50);
	/* the status is a snapshot taken at the end of each loop turn */
	while (status(&h).c.announced < 50 && mono_ms() < end)
		usleep(1000);
	assert_int_equal(status(&h).c.announced, 50);
	h_close(&h);
}

/* ---- routes ---- */

static void test_feed_session_routes_into_rib(void **state)
{
	struct router r = { .hold_s = 90, .addpath = true };
	const uint32_t id1 = 1, id2 = 2;
	struct rib_transit *tr;
	struct rib_row *rows;
	size_t n;
	struct h h;
	struct mb m;
	size_t al;

	h_up(&h, &r);
	announce(&h, 176, &id1); /* 175.45.176.0/24 via 4837, path id 1 */
	mb_hdr(&m, BGP_MSG_UPDATE);
	mb_u16(&m, 0);				    /* withdrawn routes length */
	al = mb_len16(&m);			    /* total path attribute length */
	MB_BYTES(&m, 0x40, 1, 1, 0);		    /* ORIGIN IGP */
	MB_BYTES(&m, 0x40, 2, 10, 2, 2, 0, 0, 0x50, /* AS_PATH 20485 131279 */
		 0x05, 0, 2, 0, 0xcf);
	MB_BYTES(&m, 0x40, 3, 4, 198, 51, 100, 5); /* NEXT_HOP */
	MB_BYTES(&m, 0x40, 5, 4, 0, 0, 0, 100);	   /* LOCAL_PREF 100 */
	mb_fix16(&m, al);
	mb_u32(&m, id2);		/* path id 2 */
	MB_BYTES(&m, 24, 175, 45, 176); /* 175.45.176.0/24 */
	send_msg(&h, &m);
	drain(&h);
	assert_int_equal(rib_resolve(h.rib, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].paths, 2);
	assert_int_equal(rows[0].e.route.origin_asn, 131279);
	free(rows);
	assert_int_equal(rib_transits(h.rib, &tr, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(tr[0].transit, 4837);
	assert_int_equal(tr[1].transit, 20485);
	free(tr);

	mb_hdr(&m, BGP_MSG_UPDATE);
	mb_u16(&m, 8);			/* withdrawn routes length */
	mb_u32(&m, id2);		/* path id 2 */
	MB_BYTES(&m, 24, 175, 45, 176); /* 175.45.176.0/24 */
	mb_u16(&m, 0);			/* total path attribute length */
	send_msg(&h, &m);
	drain(&h);
	assert_int_equal(rib_resolve(h.rib, &rows, &n), 0);
	assert_int_equal(rows[0].paths, 1);
	free(rows);
	assert_int_equal(status(&h).c.announced, 2);
	assert_int_equal(status(&h).c.withdrawn, 1);
	h_close(&h);
}

/* A router without the 4-octet AS capability: AS_PATH in 2 bytes with
 * AS_TRANS, the real path in AS4_PATH; the RIB gets the merged path. */
static void test_feed_session_2byte_peer_as4_path(void **state)
{
	struct router r = { .hold_s = 90, .two_byte = true };
	struct rib_transit *tr;
	struct h h;
	struct mb m;
	size_t al, n;

	h_up(&h, &r);
	assert_false(status(&h).as4);
	mb_hdr(&m, BGP_MSG_UPDATE);
	mb_u16(&m, 0);				   /* withdrawn routes length */
	al = mb_len16(&m);			   /* total path attribute length */
	MB_BYTES(&m, 0x40, 1, 1, 0);		   /* ORIGIN IGP */
	MB_BYTES(&m, 0x40, 2, 6, 2, 2, 0x50, 0x05, /* AS_PATH 20485 23456 */
		 0x5b, 0xa0);
	MB_BYTES(&m, 0x40, 3, 4, 198, 51, 100, 5); /* NEXT_HOP */
	MB_BYTES(&m, 0x40, 5, 4, 0, 0, 0, 100);	   /* LOCAL_PREF 100 */
	MB_BYTES(&m, 0xc0, 17, 10, 2, 2, 0, 0,	   /* AS4_PATH 20485 131279 */
		 0x50, 0x05, 0, 2, 0, 0xcf);
	mb_fix16(&m, al);
	MB_BYTES(&m, 22, 175, 45, 176); /* 175.45.176.0/22 */
	send_msg(&h, &m);
	drain(&h);
	assert_int_equal(rib_transits(h.rib, &tr, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(tr[0].origin, 131279);
	assert_int_equal(tr[0].transit, 20485);
	free(tr);
	h_close(&h);
}

static void test_feed_session_7606_reset(void **state)
{
	struct router r = { .hold_s = 90 };
	struct feed_peer_status st;
	struct h h;

	h_up(&h, &r);
	announce(&h, 176, NULL);
	assert_int_equal(rib_rows(&h), 1);
	send_mp_unreach_twice(&h);
	expect_notification(&h, BGP_ERR_UPDATE, 1); /* Malformed Attribute List */
	st = status(&h);
	assert_int_equal(st.c.session_resets, 1);
	assert_int_equal(st.c.faults[FEED_FAULT_MP_REPEATED], 1);
	assert_int_equal(rib_rows(&h), 1); /* kept as stale (stale_time_s) */
	assert_int_equal(st.stale, 1);
	h_close(&h);
}

static void test_feed_session_7606_treat_as_withdraw(void **state)
{
	struct router r = { .hold_s = 90 };
	struct h h;
	struct mb m;
	size_t al;

	h_up(&h, &r);
	announce(&h, 176, NULL);
	announce(&h, 177, NULL);
	assert_int_equal(rib_rows(&h), 2);
	mb_hdr(&m, BGP_MSG_UPDATE);
	mb_u16(&m, 0);				    /* withdrawn routes length */
	al = mb_len16(&m);			    /* total path attribute length */
	MB_BYTES(&m, 0x40, 1, 1, 0);		    /* ORIGIN IGP */
	MB_BYTES(&m, 0x40, 2, 10, 2, 2, 0, 0, 0x12, /* AS_PATH 4837 131279 */
		 0xe5, 0, 2, 0, 0xcf);
	MB_BYTES(&m, 0x40, 3, 4, 198, 51, 100, 1); /* NEXT_HOP */
	MB_BYTES(&m, 0xc0, 8, 5, 0, 0, 0, 1, 2);   /* COMMUNITIES of 5 bytes */
	mb_fix16(&m, al);
	MB_BYTES(&m, 24, 175, 45, 176); /* 175.45.176.0/24 */
	send_msg(&h, &m);
	assert_int_equal(rib_rows(&h), 1); /* 176 withdrawn, 177 stays */
	assert_int_equal(status(&h).c.treat_as_withdraw, 1);
	assert_int_equal(status(&h).c.faults[FEED_FAULT_ATTR_MALFORMED], 1);
	assert_int_equal(status(&h).state, FEED_ST_ESTABLISHED);
	send_keepalive(&h);
	expect_nothing(&h);
	h_close(&h);
}

static void test_feed_session_eor_counted(void **state)
{
	struct router r = { .hold_s = 90, .ipv6 = true };
	uint64_t before;
	struct h h;

	h_up(&h, &r);
	assert_int_equal(status(&h).last_eor[FEED_IPV4], 0);
	before = (uint64_t)time(NULL);
	eor_v4(&h);
	assert_in_range(status(&h).last_eor[FEED_IPV4], before, (uint64_t)time(NULL));
	assert_int_equal(status(&h).last_eor[FEED_IPV6], 0);
	send_mp_unreach_eor_v6(&h);
	assert_int_equal(status(&h).c.eor[FEED_IPV4], 1);
	assert_int_equal(status(&h).c.eor[FEED_IPV6], 1);
	assert_true(status(&h).last_eor[FEED_IPV6] >= before);
	assert_int_equal(rib_rows(&h), 0);
	h_close(&h);
}

/* ---- graceful restart ---- */

/* A router with graceful restart: restart time 120 s, IPv4 forwarding kept. */
static const struct router GR = { .hold_s = 90, .gr_time = 120, .gr_fwd = true };

/* Established with GR, routes 176 and 177 announced, then the connection
 * drops without a NOTIFICATION. */
static void gr_lost(struct h *h)
{
	h_up(h, &GR);
	announce(h, 176, NULL);
	announce(h, 177, NULL);
	assert_int_equal(rib_rows(h), 2);
	close(h->sock);
	h->sock = -1;
	step(h);
}

static void test_feed_session_gr_stale_until_eor(void **state)
{
	struct feed_peer_status st;
	struct h h;

	gr_lost(&h);
	st = status(&h);
	assert_int_equal(st.state, FEED_ST_ACTIVE);
	assert_int_equal(st.stale, 2);
	assert_int_equal(st.c.gr_retained, 1);
	assert_int_equal(pop_peer_downs(&h), 0);
	assert_int_equal(rib_rows(&h), 2); /* kept */
	advance(&h, 30000);
	h_reconnect(&h);
	establish(&h, &GR);
	announce(&h, 176, NULL);
	assert_int_equal(rib_rows(&h), 2); /* 177 still stale */
	assert_int_equal(status(&h).stale, 1);
	eor_v4(&h);
	assert_int_equal(rib_rows(&h), 1);
	st = status(&h);
	assert_int_equal(st.stale, 0);
	assert_int_equal(st.c.stale_flushed, 1);
	assert_int_equal(st.c.eor[FEED_IPV4], 1);
	h_close(&h);
}

static void test_feed_session_gr_restart_time_passes(void **state)
{
	struct h h;

	gr_lost(&h);
	advance(&h, 119999);
	assert_int_equal(rib_rows(&h), 2);
	advance(&h, 1);
	assert_int_equal(pop_peer_downs(&h), 1);
	assert_int_equal(rib_rows(&h), 0);
	assert_int_equal(status(&h).c.stale_flushed, 2);
	h_close(&h);
}

static void test_feed_session_gr_no_forwarding_state(void **state)
{
	struct router r = GR;
	struct h h;

	gr_lost(&h);
	h_reconnect(&h);
	r.gr_fwd = false; /* the router restarted without keeping forwarding state */
	establish(&h, &r);
	assert_int_equal(rib_rows(&h), 0); /* flushed at once (RFC 4724 4.2) */
	assert_int_equal(status(&h).c.stale_flushed, 2);
	h_close(&h);
}

static void test_feed_session_gr_stale_time_passes(void **state)
{
	struct h h;

	gr_lost(&h);
	h_reconnect(&h);
	establish(&h, &GR);
	announce(&h, 176, NULL);
	advance(&h, 59000);
	send_keepalive(&h);
	assert_int_equal(rib_rows(&h), 2); /* no End-of-RIB yet */
	advance(&h, 1000);		   /* stale_time_s = 60 */
	assert_int_equal(rib_rows(&h), 1);
	h_close(&h);
}

static void test_feed_session_notification_keeps_stale(void **state)
{
	struct h h;
	struct mb m;

	h_up(&h, &GR);
	announce(&h, 176, NULL);
	assert_int_equal(rib_rows(&h), 1);
	mb_hdr(&m, BGP_MSG_NOTIFICATION);
	MB_BYTES(&m, 6, 2, 5, 'm', 'a', 'i', 'n', 't'); /* Cease / Shutdown, "maint" */
	send_msg(&h, &m);
	assert_non_null(strstr(status(&h).last_error, "Administrative Shutdown: \"maint\""));
	assert_int_equal(status(&h).c.notifications_in, 1);
	assert_int_equal(pop_peer_downs(&h), 0);
	assert_int_equal(rib_rows(&h), 1); /* not graceful restart's: the stale time's */
	assert_int_equal(status(&h).stale, 1);
	h_close(&h);
}

/* ---- any loss of the session: stale routes ---- */

enum loss {
	LOSS_CLOSE,	   /* the router's end closes, no NOTIFICATION */
	LOSS_HOLD,	   /* nothing from the router for its hold time */
	LOSS_CEASE_ADMIN,  /* NOTIFICATION Cease / Administrative Shutdown received */
	LOSS_CEASE_RESET,  /* NOTIFICATION Cease / Administrative Reset received */
	LOSS_UPDATE_RESET, /* we reset: MP_UNREACH_NLRI twice (RFC 7606 session reset) */
	LOSS_BAD_HEADER,   /* we reset: a message with a broken marker */
};

struct loss_case {
	const char *name;
	const struct router *r;
	enum loss how;
	uint64_t kept_ms; /* the routes stay this long with no session */
};

static const struct router PLAIN = { .hold_s = 90 };
static const struct router GR30 = { .hold_s = 90, .gr_time = 30, .gr_fwd = true };

/* stale_time_s is 60 (ROUTER); GR's restart time only where it applies */
static const struct loss_case LOSSES[] = {
	/* name                              router  how                kept_ms */
	{ "TCP close, no GR", &PLAIN, LOSS_CLOSE, 60000 },
	{ "TCP close, GR 120 s", &GR, LOSS_CLOSE, 120000 },
	{ "TCP close, GR 30 s", &GR30, LOSS_CLOSE, 30000 },
	{ "hold timer, no GR", &PLAIN, LOSS_HOLD, 60000 },
	{ "hold timer, GR", &GR, LOSS_HOLD, 60000 },
	{ "Cease/Admin Shutdown, GR", &GR, LOSS_CEASE_ADMIN, 60000 },
	{ "Cease/Admin Reset, no GR", &PLAIN, LOSS_CEASE_RESET, 60000 },
	{ "RFC 7606 reset, GR", &GR, LOSS_UPDATE_RESET, 60000 },
	{ "bad header, no GR", &PLAIN, LOSS_BAD_HEADER, 60000 },
};

static void send_cease(struct h *h, uint8_t sub)
{
	struct mb m;

	mb_hdr(&m, BGP_MSG_NOTIFICATION);
	MB_BYTES(&m, BGP_ERR_CEASE, sub); /* error code, subcode; no data */
	send_msg(h, &m);
}

static void lose(struct h *h, const struct loss_case *c)
{
	switch (c->how) {
	case LOSS_CLOSE:
		break;
	case LOSS_HOLD:
		advance(h, c->r->hold_s * 1000ULL);
		break;
	case LOSS_CEASE_ADMIN:
		send_cease(h, BGP_CEASE_SHUTDOWN);
		break;
	case LOSS_CEASE_RESET:
		send_cease(h, 4); /* Administrative Reset (RFC 4486) */
		break;
	case LOSS_UPDATE_RESET:
		send_mp_unreach_twice(h);
		break;
	case LOSS_BAD_HEADER:
		send_bad_marker(h);
		break;
	}
	close(h->sock);
	h->sock = -1;
	step(h);
}

/* Up with c's router, 176 and 177 announced, then lost as c says: both
 * routes stay in the RIB, stale, with no peer-down event. */
static void up_then_lose(struct h *h, const struct loss_case *c)
{
	struct feed_peer_status st;

	print_message("case \"%s\"\n", c->name);
	h_up(h, c->r);
	announce(h, 176, NULL);
	announce(h, 177, NULL);
	assert_int_equal(rib_rows(h), 2);
	lose(h, c);
	st = status(h);
	assert_int_not_equal(st.state, FEED_ST_ESTABLISHED);
	assert_int_equal(st.stale, 2);
	assert_int_equal(st.c.gr_retained, 1);
	assert_int_equal(pop_peer_downs(h), 0);
	assert_int_equal(rib_rows(h), 2);
}

/* No new session: the routes go when kept_ms has passed, not before. */
static void test_feed_session_loss_kept_then_flushed(void **state)
{
	for (size_t i = 0; i < sizeof(LOSSES) / sizeof(LOSSES[0]); i++) {
		const struct loss_case *c = &LOSSES[i];
		struct h h;

		up_then_lose(&h, c);
		advance(&h, c->kept_ms - 1);
		assert_int_equal(rib_rows(&h), 2);
		advance(&h, 1);
		assert_int_equal(rib_rows(&h), 0);
		assert_int_equal(status(&h).stale, 0);
		assert_int_equal(status(&h).c.stale_flushed, 2);
		h_close(&h);
	}
}

/* A new session within the time: the routes stay stale until its
 * End-of-RIB, which removes the one not announced again (177). */
static void test_feed_session_loss_replaced_at_eor(void **state)
{
	for (size_t i = 0; i < sizeof(LOSSES) / sizeof(LOSSES[0]); i++) {
		const struct loss_case *c = &LOSSES[i];
		struct h h;

		up_then_lose(&h, c);
		advance(&h, c->kept_ms - 1000);
		h_reconnect(&h);
		establish(&h, c->r);
		advance(&h, 2000); /* past the time kept with no session */
		send_keepalive(&h);
		assert_int_equal(status(&h).stale, 2);
		announce(&h, 176, NULL);
		assert_int_equal(status(&h).stale, 1);
		assert_int_equal(rib_rows(&h), 2);
		eor_v4(&h);
		assert_int_equal(rib_rows(&h), 1);
		assert_int_equal(status(&h).stale, 0);
		assert_int_equal(status(&h).c.stale_flushed, 1);
		assert_int_equal(pop_peer_downs(&h), 0);
		h_close(&h);
	}
}

/* A session without End-of-RIB: the stale routes go stale_time_s after it
 * came up. */
static void test_feed_session_loss_no_eor(void **state)
{
	struct h h;

	up_then_lose(&h, &LOSSES[0]);
	advance(&h, 10000);
	h_reconnect(&h);
	establish(&h, &PLAIN);
	advance(&h, 59000);
	send_keepalive(&h);
	assert_int_equal(rib_rows(&h), 2);
	advance(&h, 1000); /* stale_time_s = 60 after the session came up */
	assert_int_equal(rib_rows(&h), 0);
	h_close(&h);
}

/* A peer that comes and goes without ever sending End-of-RIB: the routes
 * it stopped announcing go when the first loss's time and one stale time
 * more have passed (cap_ms), however often it comes back. */
static void flapping(const struct loss_case *c, uint64_t cap_ms)
{
	uint64_t t = 0;
	struct h h;

	print_message("case \"%s\"\n", c->name);
	up_then_lose(&h, c);
	while (t + 35000 < cap_ms) { /* back 25 s after each loss, lost 10 s later */
		advance(&h, 25000);
		h_reconnect(&h);
		establish(&h, c->r);
		advance(&h, 10000);
		lose(&h, c);
		t += 35000;
		assert_int_equal(rib_rows(&h), 2);
	}
	advance(&h, cap_ms - t - 1);
	assert_int_equal(rib_rows(&h), 2);
	advance(&h, 1);
	assert_int_equal(rib_rows(&h), 0);
	assert_int_equal(status(&h).stale, 0);
	h_close(&h);
}

static void test_feed_session_loss_flapping(void **state)
{
	flapping(&LOSSES[0], 120000); /* no GR: stale_time_s 60, then 60 for End-of-RIB */
	flapping(&LOSSES[1], 180000); /* GR: restart time 120, then 60 */
}

/* ---- route refresh ---- */

static void route_refresh(struct h *h, uint8_t subtype)
{
	struct mb m;

	mb_hdr(&m, BGP_MSG_ROUTE_REFRESH);
	mb_u16(&m, 1);	    /* AFI IPv4 */
	mb_u8(&m, subtype); /* 0 request, 1 BoRR, 2 EoRR */
	mb_u8(&m, 1);	    /* SAFI unicast */
	send_msg(h, &m);
}

static void test_feed_session_enhanced_refresh(void **state)
{
	struct router r = { .hold_s = 90, .err = true };
	struct h h;

	h_up(&h, &r);
	announce(&h, 176, NULL);
	announce(&h, 177, NULL);
	route_refresh(&h, 1); /* BoRR */
	assert_int_equal(status(&h).stale, 2);
	announce(&h, 176, NULL);
	assert_int_equal(rib_rows(&h), 2);
	route_refresh(&h, 2); /* EoRR */
	assert_int_equal(rib_rows(&h), 1);
	assert_int_equal(status(&h).c.borr_in, 1);
	assert_int_equal(status(&h).c.eorr_in, 1);
	assert_int_equal(status(&h).c.stale_flushed, 1);
	h_close(&h);
}

static void test_feed_session_refresh_requests(void **state)
{
	struct router r = { .hold_s = 90, .err = true };
	struct h h;
	struct mb m;

	h_up(&h, &r);
	assert_int_equal(feed_refresh(h.f, 0, FEED_IPV4), 0);
	step(&h);
	assert_int_equal(recv_msg(&h, &m), BGP_MSG_ROUTE_REFRESH);
	assert_memory_equal(m.b + 19, ((uint8_t[]){ 0, 1, 0, 1 }), 4); /* AFI 1, request, SAFI 1 */
	assert_int_equal(status(&h).c.refresh_out, 1);
	assert_int_equal(feed_refresh(h.f, 1, FEED_IPV4), -EINVAL); /* no such peer */
	route_refresh(&h, 0); /* the router asks us: we have nothing, BoRR + EoRR */
	assert_int_equal(recv_msg(&h, &m), BGP_MSG_ROUTE_REFRESH);
	assert_int_equal(m.b[21], 1);
	assert_int_equal(recv_msg(&h, &m), BGP_MSG_ROUTE_REFRESH);
	assert_int_equal(m.b[21], 2);
	mb_hdr(&m, BGP_MSG_ROUTE_REFRESH);
	mb_u16(&m, 1); /* AFI, then nothing */
	send_msg(&h, &m);
	expect_notification(&h, BGP_ERR_REFRESH, 1); /* Invalid Message Length */
	h_close(&h);
}

/* 2001:db8::/32 with AS_PATH 4837 131279, in MP_REACH_NLRI. */
static void announce_v6(struct h *h)
{
	struct mb m;
	size_t al, ml;

	mb_hdr(&m, BGP_MSG_UPDATE);
	mb_u16(&m, 0);		/* withdrawn routes length */
	al = mb_len16(&m);	/* total path attribute length */
	MB_BYTES(&m, 0x80, 14); /* MP_REACH_NLRI */
	ml = mb_len8(&m);
	MB_BYTES(&m, 0, 2, 1, 16,		     /* AFI 2 SAFI 1, next hop 16 bytes */
		 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, /*   2001:db8::1 */
		 0, 0, 0, 0, 0, 0, 0, 1, 0,	     /*   | reserved */
		 32, 0x20, 0x01, 0x0d, 0xb8);	     /* 2001:db8::/32 */
	mb_fix8(&m, ml);
	MB_BYTES(&m, 0x40, 1, 1, 0);		    /* ORIGIN IGP */
	MB_BYTES(&m, 0x40, 2, 10, 2, 2, 0, 0, 0x12, /* AS_PATH 4837 131279 */
		 0xe5, 0, 2, 0, 0xcf);
	MB_BYTES(&m, 0x40, 5, 4, 0, 0, 0, 100); /* LOCAL_PREF 100 */
	mb_fix16(&m, al);
	send_msg(h, &m);
}

/* The new session does not carry IPv6: its stale routes go at once, the
 * IPv4 ones wait for End-of-RIB. */
static void test_feed_session_loss_family_gone(void **state)
{
	const struct router V6 = { .hold_s = 90, .ipv6 = true };
	struct h h;

	h_up(&h, &V6);
	announce(&h, 176, NULL);
	announce_v6(&h);
	assert_int_equal(rib_rows(&h), 2);
	assert_int_equal(status(&h).routes_family[FEED_IPV4], 1);
	assert_int_equal(status(&h).routes_family[FEED_IPV6], 1);
	close(h.sock);
	h.sock = -1;
	step(&h);
	assert_int_equal(status(&h).stale, 2);
	h_reconnect(&h);
	establish(&h, &PLAIN); /* IPv4 only */
	assert_int_equal(rib_rows(&h), 1);
	assert_int_equal(status(&h).stale, 1);
	assert_int_equal(status(&h).routes_family[FEED_IPV6], 0);
	assert_int_equal(status(&h).routes_family[FEED_IPV4], 1);
	eor_v4(&h);
	assert_int_equal(rib_rows(&h), 0);
	assert_int_equal(status(&h).routes_family[FEED_IPV4], 0);
	assert_int_equal(status(&h).c.stale_flushed, 2);
	h_close(&h);
}

/* The initial tables are in once a graceful-restart router sent End-of-RIB
 * for each family and the queue is drained; again only after the next
 * End-of-RIB when the session comes back. */
static void test_feed_session_initial_done_at_eor(void **state)
{
	struct router r = { .hold_s = 90, .gr_time = 120, .gr_fwd = true, .ipv6 = true };
	char who[64] = "";
	struct h h;

	h_open(&h, 0, false);
	assert_true(feed_initial_done(h.f, who, sizeof(who))); /* not Established */
	establish(&h, &r);
	drain(&h);
	assert_false(feed_initial_done(h.f, who, sizeof(who)));
	assert_string_equal(who, "router");
	announce(&h, 176, NULL);
	eor_v4(&h);
	assert_false(feed_initial_done(h.f, who, sizeof(who))); /* IPv6 still to come */
	announce_v6(&h);
	send_mp_unreach_eor_v6(&h);
	assert_false(feed_initial_done(h.f, who, sizeof(who))); /* routes still queued */
	assert_string_equal(who, "");
	assert_int_equal(rib_rows(&h), 2);
	assert_true(feed_initial_done(h.f, NULL, 0));
	close(h.sock); /* the session comes back: its End-of-RIB again */
	h.sock = -1;
	step(&h);
	drain(&h);
	h_reconnect(&h);
	establish(&h, &r);
	drain(&h);
	assert_false(feed_initial_done(h.f, who, sizeof(who)));
	assert_string_equal(who, "router");
	h_close(&h);
}

/* A router without graceful restart promises no End-of-RIB: not waited for. */
static void test_feed_session_initial_done_without_gr(void **state)
{
	struct router r = { .hold_s = 90 };
	struct h h;

	h_up(&h, &r);
	announce(&h, 176, NULL);
	assert_false(feed_initial_done(h.f, NULL, 0)); /* queued */
	drain(&h);
	assert_true(feed_initial_done(h.f, NULL, 0));
	h_close(&h);
}

/* A change's wait starts when its message was read, not when the caller
 * drains it into the RIB. */
static void test_feed_session_stamped_at_read(void **state)
{
	struct router r = { .hold_s = 90 };
	struct rib_dirty *d;
	uint64_t before, after;
	size_t n;
	struct h h;

	h_up(&h, &r);
	rib_track(h.rib, true);
	before = rib_now_ns();
	announce(&h, 176, NULL); /* read by the loop's step */
	after = rib_now_ns();
	drain(&h);
	assert_int_equal(rib_take_dirty(h.rib, &d, &n), 0);
	assert_int_equal(n, 1);
	assert_in_range(d[0].since_ns, before, after);
	free(d);
	h_close(&h);
}

/* ---- several UPDATEs in one read ---- */

/* An UPDATE withdrawing 175.45.wd.0/24 (wd != 0) and announcing
 * 175.45.ann.0/24 (ann != 0) with AS_PATH `transit` `origin`; appended to
 * m, so that several go out in one write. */
static void mb_update(struct mb *m, uint8_t wd, uint8_t ann, uint32_t transit, uint32_t origin)
{
	struct mb u;
	size_t al;

	mb_hdr(&u, BGP_MSG_UPDATE);
	mb_u16(&u, wd ? 4 : 0); /* withdrawn routes length */
	if (wd)
		MB_BYTES(&u, 24, 175, 45, wd);
	al = mb_len16(&u); /* total path attribute length */
	if (ann) {
		MB_BYTES(&u, 0x40, 1, 1, 0);	 /* ORIGIN IGP */
		MB_BYTES(&u, 0x40, 2, 10, 2, 2); /* AS_PATH, one AS_SEQUENCE of 2 */
		mb_u32(&u, transit);		 /* 4-octet ASNs */
		mb_u32(&u, origin);
		MB_BYTES(&u, 0x40, 3, 4, 198, 51, 100, 1); /* NEXT_HOP */
		MB_BYTES(&u, 0x40, 5, 4, 0, 0, 0, 100);	   /* LOCAL_PREF 100 */
	}
	mb_fix16(&u, al);
	if (ann)
		MB_BYTES(&u, 24, 175, 45, ann);
	mb_end(&u);
	assert_true(m->n + u.n <= sizeof(m->b));
	memcpy(m->b + m->n, u.b, u.n);
	m->n += u.n;
}

/* The UPDATEs of the test below: (withdraw, announce, transit, origin). */
static const uint32_t BURST[][4] = {
	{ 0, 176, 4837, 131279 },  /* 175.45.176.0/24 */
	{ 0, 177, 20485, 131279 }, /* another prefix, other attributes */
	{ 176, 0, 0, 0 },	   /* 176 withdrawn right after */
	{ 0, 176, 20485, 9808 },   /* and announced again, another path */
	{ 0, 178, 4837, 4808 },	   /* 178 announced ... */
	{ 178, 0, 0, 0 },	   /* ... and withdrawn */
	{ 177, 179, 4837, 17622 }, /* 177 withdrawn, 179 announced: one UPDATE */
	{ 0, 177, 4837, 4134 },	   /* 177 back with yet another path */
};
#define N_BURST (sizeof(BURST) / sizeof(BURST[0]))

static void burst_msg(struct mb *m, size_t i)
{
	m->n = 0;
	mb_update(m, (uint8_t)BURST[i][0], (uint8_t)BURST[i][1], BURST[i][2], BURST[i][3]);
}

static void expect_row(const struct rib_row *r, uint8_t third, uint32_t origin, uint32_t transit)
{
	assert_int_equal(r->e.addr[2], third);
	assert_int_equal(r->e.route.origin_asn, origin);
	assert_int_equal(r->e.route.transit_asn, transit);
	assert_int_equal(r->paths, 1);
}

/* The UPDATEs one read brings go to the queue together, and the RIB ends as
 * if each had been applied on its own: announce-withdraw-announce of one
 * prefix in consecutive UPDATEs in order, each UPDATE's own AS path. */
static void test_feed_session_burst_in_one_read(void **state)
{
	struct rib_row *one, *all;
	size_t n_one, n_all, applied;
	struct h h1, h2;
	struct mb m, burst = { .n = 0 };

	h_up(&h1, &(struct router){ .hold_s = 90 });
	for (size_t i = 0; i < N_BURST; i++) { /* one by one: a step each */
		burst_msg(&m, i);
		assert_int_equal(write(h1.sock, m.b, m.n), (ssize_t)m.n);
		step(&h1);
		drain(&h1);
	}
	assert_int_equal(rib_resolve(h1.rib, &one, &n_one), 0);

	h_up(&h2, &(struct router){ .hold_s = 90 });
	drain(&h2); /* the peer-up event */
	for (size_t i = 0; i < N_BURST; i++) {
		burst_msg(&m, i);
		memcpy(burst.b + burst.n, m.b, m.n);
		burst.n += m.n;
	}
	assert_int_equal(write(h2.sock, burst.b, burst.n), (ssize_t)burst.n);
	assert_int_equal(feed_step(h2.f, 0), 0); /* one read, one turn */
	assert_true(readable(feed_fd(h2.f), 0));
	assert_int_equal(feed_drain(h2.f, h2.rib, 0, &applied), 0);
	assert_int_equal(applied, N_BURST); /* a batch per UPDATE, none lost */
	assert_false(readable(feed_fd(h2.f), 0));
	assert_int_equal(feed_queue_bytes(h2.f), 0);
	assert_int_equal(rib_resolve(h2.rib, &all, &n_all), 0);

	assert_int_equal(n_all, 3); /* 176, 177, 179: 178 came and went */
	expect_row(&all[0], 176, 9808, 20485);
	expect_row(&all[1], 177, 4134, 4837);
	expect_row(&all[2], 179, 17622, 4837);
	assert_int_equal(n_one, n_all);
	for (size_t i = 0; i < n_all; i++)
		expect_row(&one[i], all[i].e.addr[2], all[i].e.route.origin_asn,
			   all[i].e.route.transit_asn);
	assert_int_equal(status(&h2).c.announced, 6);
	assert_int_equal(status(&h2).c.withdrawn, 3);
	free(one);
	free(all);
	h_close(&h1);
	h_close(&h2);
}

/* n UPDATEs, each announcing one of 255 prefixes (175.45.1-255.0/24),
 * written in one go. */
static size_t write_updates(struct h *h, size_t n)
{
	static uint8_t b[64 << 10];
	size_t len = 0;
	struct mb m;

	for (size_t i = 0; i < n; i++) {
		m.n = 0;
		mb_update(&m, 0, (uint8_t)(1 + i % 255), 4837, 131279 + (uint32_t)(i % 7));
		assert_true(len + m.n <= sizeof(b));
		memcpy(b + len, m.b, m.n);
		len += m.n;
	}
	assert_int_equal(write(h->sock, b, len), (ssize_t)len);
	return len;
}

/* Read coalescing: a turn whose read brought a burst's worth (1 KiB or
 * more, not half the read buffer) makes the next turn wait a millisecond
 * before it reads; a keepalive alone, or a read that found the buffer's
 * worth waiting (we are behind), does not.  Nothing read is lost either
 * way. */
static void test_feed_session_read_coalescing(void **state)
{
	struct h h;
	struct mb m;
	uint64_t t0;
	size_t len;

	h_up(&h, &(struct router){ .hold_s = 90 });
	drain(&h);
	assert_false(feed_coalescing(h.f));

	len = write_updates(&h, 40); /* a TCP segment's worth of one-path UPDATEs */
	assert_true(len >= 1024 && len < 16384);
	assert_int_equal(feed_step(h.f, 0), 0);
	assert_true(feed_coalescing(h.f));
	len = write_updates(&h, 40);
	t0 = mono_us();
	assert_int_equal(feed_step(h.f, 0), 0); /* waits, then reads the next 40 */
	assert_true(mono_us() - t0 >= 1000);
	assert_true(feed_coalescing(h.f));
	assert_int_equal(feed_step(h.f, 0), 0); /* waits, reads nothing */
	assert_false(feed_coalescing(h.f));
	drain(&h);
	assert_int_equal(status(&h).c.announced, 80);

	mb_hdr(&m, BGP_MSG_KEEPALIVE); /* steady state: a message at a time */
	mb_end(&m);
	assert_int_equal(write(h.sock, m.b, m.n), (ssize_t)m.n);
	assert_int_equal(feed_step(h.f, 0), 0); /* one turn: it read the keepalive */
	assert_false(feed_coalescing(h.f));

	len = write_updates(&h, 700); /* over half the read buffer at once */
	assert_true(len >= 32768);
	assert_int_equal(feed_step(h.f, 0), 0);
	assert_false(feed_coalescing(h.f));
	for (int i = 0; i < 100 && status(&h).c.announced < 780; i++) {
		assert_int_equal(feed_step(h.f, 0), 0);
		drain(&h);
	}
	assert_int_equal(status(&h).c.announced, 780);
	assert_int_equal(rib_rows(&h), 255);
	h_close(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_feed_session_establish),
		cmocka_unit_test(test_feed_session_bad_open),
		cmocka_unit_test(test_feed_session_unexpected_message),
		cmocka_unit_test(test_feed_session_bad_header),
		cmocka_unit_test(test_feed_session_hold_timer_expires),
		cmocka_unit_test(test_feed_session_keepalive_cadence),
		cmocka_unit_test(test_feed_session_keepalives_while_consumer_blocked),
		cmocka_unit_test(test_feed_session_routes_into_rib),
		cmocka_unit_test(test_feed_session_2byte_peer_as4_path),
		cmocka_unit_test(test_feed_session_7606_reset),
		cmocka_unit_test(test_feed_session_7606_treat_as_withdraw),
		cmocka_unit_test(test_feed_session_eor_counted),
		cmocka_unit_test(test_feed_session_initial_done_at_eor),
		cmocka_unit_test(test_feed_session_initial_done_without_gr),
		cmocka_unit_test(test_feed_session_stamped_at_read),
		cmocka_unit_test(test_feed_session_burst_in_one_read),
		cmocka_unit_test(test_feed_session_gr_stale_until_eor),
		cmocka_unit_test(test_feed_session_gr_restart_time_passes),
		cmocka_unit_test(test_feed_session_gr_no_forwarding_state),
		cmocka_unit_test(test_feed_session_gr_stale_time_passes),
		cmocka_unit_test(test_feed_session_notification_keeps_stale),
		cmocka_unit_test(test_feed_session_loss_kept_then_flushed),
		cmocka_unit_test(test_feed_session_loss_replaced_at_eor),
		cmocka_unit_test(test_feed_session_loss_no_eor),
		cmocka_unit_test(test_feed_session_loss_flapping),
		cmocka_unit_test(test_feed_session_loss_family_gone),
		cmocka_unit_test(test_feed_session_enhanced_refresh),
		cmocka_unit_test(test_feed_session_refresh_requests),
		cmocka_unit_test(test_feed_session_read_coalescing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
