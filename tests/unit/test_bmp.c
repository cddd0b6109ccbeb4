// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_bmp.c - the BMP station (user/feed/bmp*.c): framing
 * (version, lengths, messages split across reads), each message type, each
 * peer type (global, RD, local, Loc-RIB) and the Adj-RIB-Out flag, ADD-PATH
 * learnt from a Peer Up's OPENs, the pre-/post-policy choice, Peer Down and
 * Termination withdrawing, RFC 7606 inside Route Monitoring, statistics,
 * and the queue's backpressure.  The test plays the router over a
 * socketpair and steps the station's loop by hand; every message is built
 * field by field (tests/unit/test_feed.h for the BGP parts). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "bgp/bgp.h"
#include "feed/bmp.h"
#include "feed/wire.h"
#include "test_feed.h"

#define TS_0908 1506848880U /* 2017-10-01 09:08:00 UTC */

static const uint8_t CU[16] = { [12] = 198, 51, 100, 1 };  /* AS4837's session address */
static const uint8_t TTK[16] = { [12] = 198, 51, 100, 5 }; /* AS20485's */
static const uint8_t V6PEER[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }; /* 2001:db8::1 */
static const uint8_t ZERO[16];
static const uint8_t P22[4] = { 175, 45, 176, 0 };

struct h {
	struct bmp *b;
	int fd; /* the router's end */
	struct feed_batch *got[32];
	size_t n_got;
};

static struct h h;
static size_t sent_bytes; /* what the router's end wrote since setup */

static void open_station(const struct bmp_conf *c)
{
	int sv[2];

	h.b = bmp_new(c);
	assert_non_null(h.b);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(bmp_attach_fd(h.b, sv[0], "203.0.113.1"), 0);
	h.fd = sv[1];
}

static int setup(void **state)
{
	struct bmp_conf c = { 0 };

	memset(&h, 0, sizeof(h));
	sent_bytes = 0;
	open_station(&c);
	return 0;
}

static void drop_got(void)
{
	for (size_t i = 0; i < h.n_got; i++)
		feed_batch_free(h.got[i]);
	h.n_got = 0;
}

static int teardown(void **state)
{
	drop_got();
	if (h.fd >= 0)
		close(h.fd);
	bmp_free(h.b);
	return 0;
}

/* ---- the router's side ---- */

/* Sends n bytes (none: only steps the loop). */
static void send_raw(const uint8_t *p, size_t n)
{
	if (n)
		assert_int_equal(write(h.fd, p, n), (ssize_t)n);
	sent_bytes += n;
	for (int i = 0; i < 3; i++) /* read, then anything resumed */
		assert_int_equal(bmp_step(h.b, 0), 0);
}

/* The batches queued since the last call. */
static void collect(void)
{
	struct feed_batch *fb;

	drop_got();
	while ((fb = bmp_pop(h.b))) {
		assert_true(h.n_got < 32);
		h.got[h.n_got++] = fb;
	}
}

static struct bmp_router_status status_of(int slot)
{
	struct bmp_router_status st;

	assert_int_equal(bmp_router_status(h.b, (size_t)slot, &st), 0);
	return st;
}

static struct bmp_router_status status(void)
{
	return status_of(0);
}

/* Common header: version 3, length (patched by bmp_end), type. */
static void bmp_begin(struct mb *m, uint8_t type)
{
	m->n = 0;
	mb_u8(m, 3);
	mb_u32(m, 0);
	mb_u8(m, type);
}

static void bmp_end(struct mb *m)
{
	m->b[1] = (uint8_t)(m->n >> 24);
	m->b[2] = (uint8_t)(m->n >> 16);
	m->b[3] = (uint8_t)(m->n >> 8);
	m->b[4] = (uint8_t)m->n;
}

struct peer {
	uint8_t type, flags;
	const uint8_t *addr;
	uint32_t asn;
};

static void peer_hdr(struct mb *m, const struct peer *p)
{
	mb_u8(m, p->type);  /* peer type */
	mb_u8(m, p->flags); /* V L A O */
	mb_u32(m, 0);	    /* peer distinguisher */
	mb_u32(m, p->type == BMP_PEER_RD ? 64500 : 0);
	mb_raw(m, p->addr, 16); /* peer address */
	mb_u32(m, p->asn);	/* peer AS */
	mb_u32(m, 0xc6336401);	/* peer BGP ID 198.51.100.1 */
	mb_u32(m, TS_0908);	/* timestamp, seconds */
	mb_u32(m, 0);		/*   microseconds */
}

static const struct peer PEER_CU = { BMP_PEER_GLOBAL, 0, CU, 4837 };
static const struct peer PEER_CU_POST = { BMP_PEER_GLOBAL, BMP_F_L, CU, 4837 };
static const struct peer PEER_TTK = { BMP_PEER_GLOBAL, 0, TTK, 20485 };
static const struct peer LOC_RIB = { BMP_PEER_LOC_RIB, 0, ZERO, 64500 };

/* An UPDATE announcing 175.45.176.0/22 with AS_PATH `first` 131279 (4-byte
 * ASNs), the NLRI preceded by path id `path_id` when it is not 0. */
static void update_22(struct mb *u, uint32_t first, uint32_t path_id)
{
	size_t al;

	mb_hdr(u, BGP_MSG_UPDATE);
	mb_u16(u, 0);				  /* withdrawn routes length */
	al = mb_len16(u);			  /* total path attribute length */
	MB_BYTES(u, 0x40, 1, 1, 0);		  /* ORIGIN IGP */
	MB_BYTES(u, 0x40, 2, 10, 2, 2);		  /* AS_PATH: AS_SEQUENCE of 2 */
	mb_u32(u, first);			  /*   first */
	mb_u32(u, 131279);			  /*   131279 */
	MB_BYTES(u, 0x40, 3, 4, 198, 51, 100, 1); /* NEXT_HOP 198.51.100.1 */
	mb_fix16(u, al);
	if (path_id)
		mb_u32(u, path_id);    /* ADD-PATH path id */
	MB_BYTES(u, 22, 175, 45, 176); /* NLRI 175.45.176.0/22 */
	mb_end(u);
}

/* Route Monitoring of peer p carrying BGP message u. */
static void route_monitoring(struct mb *m, const struct peer *p, const struct mb *u)
{
	bmp_begin(m, BMP_ROUTE_MONITORING);
	peer_hdr(m, p);
	mb_raw(m, u->b, u->n);
	bmp_end(m);
}

static void send_announce(const struct peer *p, uint32_t first, uint32_t path_id)
{
	struct mb u, m;

	update_22(&u, first, path_id);
	route_monitoring(&m, p, &u);
	send_raw(m.b, m.n);
}

/* An OPEN from AS `asn` with 4-octet AS and, if addpath, ADD-PATH for IPv4
 * unicast with the send/receive bits `addpath`. */
static void open_msg(struct mb *o, uint32_t asn, uint8_t addpath)
{
	size_t opt, cap;

	mb_hdr(o, BGP_MSG_OPEN);
	mb_u8(o, 4);	    /* version */
	mb_u16(o, 23456);   /* My AS: AS_TRANS */
	mb_u16(o, 90);	    /* hold time */
	mb_u32(o, asn);	    /* BGP identifier (any non-zero) */
	opt = mb_len8(o);   /* optional parameters length */
	mb_u8(o, 2);	    /* parameter: capabilities */
	cap = mb_len8(o);   /*   its length */
	MB_BYTES(o, 65, 4); /* 4-octet AS */
	mb_u32(o, asn);	    /*   the AS */
	if (addpath)	    /* ADD-PATH: AFI 1 SAFI 1 and the bits */
		MB_BYTES(o, 69, 4, 0, 1, 1, addpath);
	mb_fix8(o, cap);
	mb_fix8(o, opt);
	mb_end(o);
}

/* Peer Up of p: the router (AS64500) sent `sent`, received `recv`. */
static void peer_up(struct mb *m, const struct peer *p, uint8_t sent_ap, uint8_t recv_ap)
{
	struct mb o;

	bmp_begin(m, BMP_PEER_UP);
	peer_hdr(m, p);
	mb_raw(m, (uint8_t[16]){ [12] = 198, 51, 100, 2 }, 16); /* local address */
	mb_u16(m, 179);						/* local port */
	mb_u16(m, 40000);					/* remote port */
	open_msg(&o, 64500, sent_ap);				/* sent OPEN */
	mb_raw(m, o.b, o.n);
	open_msg(&o, p->asn, recv_ap); /* received OPEN */
	mb_raw(m, o.b, o.n);
	bmp_end(m);
}

static void send_peer_down(const struct peer *p, uint8_t reason)
{
	struct mb m;

	bmp_begin(&m, BMP_PEER_DOWN);
	peer_hdr(&m, p);
	mb_u8(&m, reason); /* reason */
	if (reason == 2)
		mb_u16(&m, 0); /* FSM event code */
	bmp_end(&m);
	send_raw(m.b, m.n);
}

/* Initiation: sysName and sysDescr TLVs (RFC 7854 4.4). */
static void send_initiation(const char *sys_name, const char *sys_descr)
{
	struct mb m;

	bmp_begin(&m, BMP_INITIATION);
	mb_u16(&m, 2);				  /* sysName */
	mb_u16(&m, (uint16_t)strlen(sys_name));	  /*   length */
	mb_raw(&m, sys_name, strlen(sys_name));	  /*   the name */
	mb_u16(&m, 1);				  /* sysDescr */
	mb_u16(&m, (uint16_t)strlen(sys_descr));  /*   length */
	mb_raw(&m, sys_descr, strlen(sys_descr)); /*   the description */
	bmp_end(&m);
	send_raw(m.b, m.n);
}

static void assert_rib_peer(const struct feed_batch *fb, const uint8_t *ip16, int family,
			    uint32_t asn)
{
	assert_int_equal(fb->rib_peer.family, family);
	assert_int_equal(fb->rib_peer.asn, asn);
	assert_memory_equal(fb->rib_peer.ip, family == 4 ? ip16 + 12 : ip16, family == 4 ? 4 : 16);
}

static void assert_announce_22(const struct feed_batch *fb, uint32_t first, uint32_t path_id)
{
	assert_int_equal(fb->ev, FEED_EV_ROUTES);
	assert_int_equal(fb->n_announce, 1);
	assert_int_equal(fb->announce[0].family, 4);
	assert_int_equal(fb->announce[0].plen, 22);
	assert_memory_equal(fb->announce[0].addr, P22, 4);
	assert_int_equal(fb->announce[0].path_id, path_id);
	assert_int_equal(fb->n_path, 2);
	assert_int_equal(fb->path[0], first);
	assert_int_equal(fb->path[1], 131279);
	assert_int_equal(fb->when, TS_0908);
}

/* ---- framing ---- */

struct frame_case {
	const char *name;
	uint8_t in[8];
	size_t len;
	long want; /* bmp_frame's result */
};

static void test_bmp_frame_table(void **state)
{
	static const struct frame_case cases[] = {
		/* name                 ver  length          type   bytes  result */
		{ "Initiation, 6 B", { 3, 0, 0, 0, 6, 4 }, 6, 6 },
		{ "header cut at 5 B", { 3, 0, 0, 0, 6, 4 }, 5, 0 },
		{ "body still to come", { 3, 0, 0, 0, 8, 0 }, 6, 0 },
		{ "version 1", { 1, 0, 0, 0, 6, 4 }, 6, -EBADMSG },
		{ "version 4", { 4, 0, 0, 0, 6, 4 }, 6, -EBADMSG },
		{ "length 5 < header", { 3, 0, 0, 0, 5, 4 }, 6, -EBADMSG },
		{ "length 0", { 3, 0, 0, 0, 0, 0 }, 6, -EBADMSG },
		{ "length 256 KiB + 1", { 3, 0, 4, 0, 1, 0 }, 6, -EBADMSG },
		{ "length 4 GiB - 1", { 3, 0xff, 0xff, 0xff, 0xff, 0 }, 6, -EBADMSG },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bmp_hdr hd;
		char why[128] = "";
		long got = bmp_frame(cases[i].in, cases[i].len, &hd, why, sizeof(why));

		if (got != cases[i].want)
			fail_msg("case \"%s\": got %ld, want %ld (%s)", cases[i].name, got,
				 cases[i].want, why);
		if (got < 0 && !why[0])
			fail_msg("case \"%s\": no reason given", cases[i].name);
	}
}

/* A message split across reads, and two in one read. */
static void test_bmp_split_and_joined_reads(void **state)
{
	struct mb u, m, two;

	update_22(&u, 4837, 0);
	route_monitoring(&m, &PEER_CU, &u);
	send_raw(m.b, 10);
	collect();
	assert_int_equal(h.n_got, 0);
	send_raw(m.b + 10, m.n - 10);
	collect();
	assert_int_equal(h.n_got, 1);
	assert_announce_22(h.got[0], 4837, 0);

	two.n = 0;
	mb_raw(&two, m.b, m.n);
	update_22(&u, 20485, 0);
	route_monitoring(&m, &PEER_TTK, &u);
	mb_raw(&two, m.b, m.n);
	send_raw(two.b, two.n);
	collect();
	assert_int_equal(h.n_got, 2);
	assert_rib_peer(h.got[1], TTK, 4, 20485);
	assert_int_equal(status().c.msgs[BMP_ROUTE_MONITORING], 3);
}

/* ---- peer types and flags ---- */

struct peer_case {
	const char *name;
	struct peer p;
	bool applied;
	const uint8_t *rib_ip; /* the RIB's peer address (16 bytes) */
	int rib_family;
	size_t counter; /* offsetof the router counter that must be 1, or 0 */
};

#define CTR(f) offsetof(struct bmp_router_counters, f)

static void test_bmp_peer_types(void **state)
{
	static const uint8_t ROUTER[16] = { [12] = 203, 0, 113, 1 };
	static const struct peer_case cases[] = {
		{ "global, pre-policy", PEER_CU, true, CU, 4, CTR(announced) },
		{ "global, post-policy", PEER_CU_POST, true, CU, 4, CTR(announced) },
		{ "RD instance", { BMP_PEER_RD, 0, CU, 4837 }, true, CU, 4, CTR(announced) },
		{ "local instance", { BMP_PEER_LOCAL, 0, CU, 4837 }, true, CU, 4, CTR(announced) },
		{ "IPv6 peer",
		  { BMP_PEER_GLOBAL, BMP_F_V, V6PEER, 4837 },
		  true,
		  V6PEER,
		  6,
		  CTR(announced) },
		{ "Loc-RIB: the router as pseudo-peer", LOC_RIB, true, ROUTER, 4, CTR(announced) },
		{ "Adj-RIB-Out (RFC 8671)",
		  { BMP_PEER_GLOBAL, BMP_F_O, CU, 4837 },
		  false,
		  NULL,
		  0,
		  CTR(ignored_adj_out) },
		{ "unknown peer type 4",
		  { 4, 0, CU, 4837 },
		  false,
		  NULL,
		  0,
		  CTR(ignored_peer_type) },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct peer_case *c = &cases[i];
		struct bmp_router_status st;

		teardown(state);
		setup(state);
		send_announce(&c->p, 4837, 0);
		collect();
		st = status();
		if (h.n_got != (c->applied ? 1U : 0U))
			fail_msg("case \"%s\": %zu batches, want %d", c->name, h.n_got, c->applied);
		if (c->applied) {
			assert_announce_22(h.got[0], 4837, 0);
			assert_rib_peer(h.got[0], c->rib_ip, c->rib_family, c->p.asn);
		}
		if (*(const uint64_t *)((const char *)&st.c + c->counter) != 1)
			fail_msg("case \"%s\": counter at %zu is not 1", c->name, c->counter);
	}
}

/* The A flag: AS_PATH in 2-byte ASNs. */
static void test_bmp_two_byte_as_path(void **state)
{
	struct mb u, m;
	size_t al;

	mb_hdr(&u, BGP_MSG_UPDATE);
	mb_u16(&u, 0);				   /* withdrawn routes length */
	al = mb_len16(&u);			   /* total path attribute length */
	MB_BYTES(&u, 0x40, 1, 1, 0);		   /* ORIGIN IGP */
	MB_BYTES(&u, 0x40, 2, 6, 2, 2,		   /* AS_PATH: AS_SEQUENCE of 2, */
		 0x12, 0xe5, 0x0d, 0x1c);	   /*   2-byte: 4837 3356 */
	MB_BYTES(&u, 0x40, 3, 4, 198, 51, 100, 1); /* NEXT_HOP */
	mb_fix16(&u, al);
	MB_BYTES(&u, 22, 175, 45, 176); /* NLRI 175.45.176.0/22 */
	mb_end(&u);
	route_monitoring(&m, &(struct peer){ BMP_PEER_GLOBAL, BMP_F_A, CU, 4837 }, &u);
	send_raw(m.b, m.n);
	collect();
	assert_int_equal(h.n_got, 1);
	assert_int_equal(h.got[0]->n_path, 2);
	assert_int_equal(h.got[0]->path[0], 4837);
	assert_int_equal(h.got[0]->path[1], 3356);
}

/* FRR 8.4 puts the router's own AS in front of eBGP peers' paths: taken
 * off once the Peer Up has told the router's AS, left alone before. */
static void test_bmp_own_as_removed(void **state)
{
	struct mb u, m;
	size_t al;

	mb_hdr(&u, BGP_MSG_UPDATE);
	mb_u16(&u, 0);				   /* withdrawn routes length */
	al = mb_len16(&u);			   /* total path attribute length */
	MB_BYTES(&u, 0x40, 1, 1, 0);		   /* ORIGIN IGP */
	MB_BYTES(&u, 0x40, 2, 14, 2, 3);	   /* AS_PATH: AS_SEQUENCE of 3 */
	mb_u32(&u, 64500);			   /*   the router's own AS */
	mb_u32(&u, 4837);			   /*   the peer */
	mb_u32(&u, 131279);			   /*   the origin */
	MB_BYTES(&u, 0x40, 3, 4, 198, 51, 100, 1); /* NEXT_HOP */
	mb_fix16(&u, al);
	MB_BYTES(&u, 22, 175, 45, 176); /* NLRI 175.45.176.0/22 */
	mb_end(&u);
	route_monitoring(&m, &PEER_CU, &u);
	send_raw(m.b, m.n); /* no Peer Up yet: the router's AS is not known */
	collect();
	assert_int_equal(h.n_got, 1);
	assert_int_equal(h.got[0]->n_path, 3);

	peer_up(&m, &PEER_CU, 0, 0); /* sent OPEN: AS64500 */
	send_raw(m.b, m.n);
	route_monitoring(&m, &PEER_CU, &u);
	send_raw(m.b, m.n);
	collect();
	assert_int_equal(h.n_got, 1);
	assert_announce_22(h.got[0], 4837, 0);
	assert_int_equal(status().c.own_as_removed, 1);
}

/* ---- Peer Up: ADD-PATH ---- */

/* Router 0 and its two peers (cu with ADD-PATH for IPv4, ttk without) at
 * one moment, as a scrape reads them; no router 1. */
static void assert_peers_at_once(void)
{
	struct bmp_router_status st;
	struct bmp_peer_status *all;
	size_t n;

	assert_int_equal(bmp_router_peers(h.b, 0, &st, &all, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(st.peers, 2);
	assert_true(all[0].up && all[0].addpath[FEED_IPV4]);
	assert_true(all[1].up && !all[1].addpath[FEED_IPV4]);
	free(all);
	assert_int_equal(bmp_router_peers(h.b, 1, &st, &all, &n), -EINVAL);
	assert_int_equal(n, 0);
}

static void test_bmp_peer_up_addpath(void **state)
{
	struct bmp_peer_status ps;
	struct mb m;

	/* the router receives (1), the peer sends (2): path ids in its routes */
	peer_up(&m, &PEER_CU, BGP_ADDPATH_RECEIVE, BGP_ADDPATH_SEND);
	send_raw(m.b, m.n);
	assert_int_equal(status().c.peer_ups, 1);
	assert_int_equal(bmp_peer_status(h.b, 0, 0, &ps), 0);
	assert_true(ps.up);
	assert_true(ps.addpath[FEED_IPV4]);
	assert_false(ps.addpath[FEED_IPV6]);
	send_announce(&PEER_CU, 4837, 7);
	collect();
	assert_int_equal(h.n_got, 1);
	assert_announce_22(h.got[0], 4837, 7);

	/* a peer that only receives: no path ids */
	peer_up(&m, &PEER_TTK, BGP_ADDPATH_SEND, BGP_ADDPATH_RECEIVE);
	send_raw(m.b, m.n);
	assert_int_equal(bmp_peer_status(h.b, 0, 1, &ps), 0);
	assert_false(ps.addpath[FEED_IPV4]);
	assert_peers_at_once();
	send_announce(&PEER_TTK, 20485, 0);
	collect();
	assert_int_equal(h.n_got, 1);
	assert_announce_22(h.got[0], 20485, 0);
	assert_int_equal(status().c.malformed, 0);
}

static void test_bmp_peer_up_cut_open(void **state)
{
	struct mb m;

	peer_up(&m, &PEER_CU, 0, 0);
	m.n -= 3; /* the received OPEN loses its last capability bytes */
	bmp_end(&m);
	send_raw(m.b, m.n);
	assert_int_equal(status().c.malformed, 1);
	assert_int_equal(status().c.peer_ups, 0);
	assert_true(status().connected); /* the framing was sound */
	assert_non_null(strstr(status().last_error, "received OPEN at byte"));
}

/* ---- withdrawals: Peer Down, Termination, broken framing ---- */

/* Two peers' paths, as the scenario has them, applied to a RIB; returns it. */
static struct rib *two_paths(void)
{
	struct rib *r = rib_new();
	struct rib_row *rows;
	size_t n, applied;

	send_announce(&PEER_CU, 4837, 0);
	send_announce(&PEER_TTK, 20485, 0);
	assert_int_equal(bmp_drain(h.b, r, 0, &applied), 0);
	assert_int_equal(applied, 2);
	assert_int_equal(rib_resolve(r, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].paths, 2);
	assert_int_equal(rows[0].e.route.origin_asn, 131279);
	free(rows);
	return r;
}

static size_t paths_of_22(const struct rib *r)
{
	struct rib_row *rows;
	size_t n, paths;

	assert_int_equal(rib_resolve(r, &rows, &n), 0);
	paths = n ? rows[0].paths : 0;
	free(rows);
	return paths;
}

static void test_bmp_peer_down_withdraws(void **state)
{
	struct rib *r = two_paths();
	struct rib_row *rows;
	size_t n;

	send_peer_down(&PEER_TTK, 3);
	assert_int_equal(bmp_drain(h.b, r, 0, NULL), 0);
	assert_int_equal(paths_of_22(r), 1);
	assert_int_equal(rib_resolve(r, &rows, &n), 0);
	assert_int_equal(rows[0].e.route.transit_asn, 4837); /* TTK's path is gone */
	free(rows);
	assert_int_equal(status().c.peer_downs, 1);
	assert_int_equal(status().peers, 1);
	send_peer_down(&PEER_CU, 2);
	assert_int_equal(bmp_drain(h.b, r, 0, NULL), 0);
	assert_int_equal(paths_of_22(r), 0);
	rib_free(r);
}

/* Two routers report the same peer (a route server both see, or the
 * same upstream): each router's paths are its own in the RIB; one
 * router's Peer Down withdraws only what that router reported. */
static void test_bmp_two_routers_same_peer(void **state)
{
	struct rib *r = two_paths(); /* router 203.0.113.1: cu's and ttk's */
	int sv[2], first = h.fd;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), 0);
	assert_true(bmp_attach_fd(h.b, sv[0], "203.0.113.9") >= 0);
	h.fd = sv[1]; /* the second router's end */
	send_announce(&PEER_TTK, 20485, 0);
	assert_int_equal(bmp_drain(h.b, r, 0, NULL), 0);
	assert_int_equal(paths_of_22(r), 3);
	send_peer_down(&PEER_TTK, 3);
	assert_int_equal(bmp_drain(h.b, r, 0, NULL), 0);
	assert_int_equal(paths_of_22(r), 2); /* the first router's ttk path stays */
	close(h.fd);
	h.fd = first;
	send_peer_down(&PEER_TTK, 3);
	assert_int_equal(bmp_drain(h.b, r, 0, NULL), 0);
	assert_int_equal(paths_of_22(r), 1);
	rib_free(r);
}

/* A socketpair's station end for bmp_attach_fd(); *peer gets the other. */
static int router_end(int *peer)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), 0);
	*peer = sv[1];
	return sv[0];
}

/* Past max_routers (BMP_MAX_ROUTERS, lowered here) a new router's connection
 * is refused and closed; the routers it keeps still reconnect. */
static void test_bmp_router_limit(void **state)
{
	struct bmp_conf c = { .max_routers = 2 };
	uint64_t limit = 7;
	int peer, fd;
	char byte;

	bmp_free(h.b);
	close(h.fd);
	open_station(&c); /* router 0: 203.0.113.1 */
	assert_int_equal(bmp_attach_fd(h.b, router_end(&peer), "203.0.113.9"), 1);
	close(peer);
	assert_int_equal(bmp_refused(h.b, &limit), 0);
	assert_int_equal(limit, 0);
	fd = router_end(&peer);
	assert_int_equal(bmp_attach_fd(h.b, fd, "203.0.113.10"), -EINVAL);
	assert_int_equal(read(peer, &byte, 1), 0); /* closed by the station */
	close(peer);
	assert_int_equal(bmp_refused(h.b, &limit), 0); /* not an allow refusal */
	assert_int_equal(limit, 1);		       /* counted for the metrics */
	assert_int_equal(bmp_attach_fd(h.b, router_end(&peer), "203.0.113.9"), 1);
	close(peer);
}

/* A station with no router yet, at most `max` at once. */
static void open_empty_station(uint32_t max)
{
	struct bmp_conf c = { .max_routers = max };

	bmp_free(h.b);
	close(h.fd);
	h.fd = -1;
	h.b = bmp_new(&c);
	assert_non_null(h.b);
}

/* A router at `addr` connects (h.fd its end), names itself (sysName: its
 * address) and reports a Peer Up and the /22 of each of the n peers p, the
 * AS path starting with the peer's AS.  Its slot, or -EINVAL if refused. */
static int router_comes(const char *addr, const struct peer *p, size_t n)
{
	int slot = bmp_attach_fd(h.b, router_end(&h.fd), addr);
	struct mb m;

	if (slot < 0) {
		close(h.fd);
		h.fd = -1;
		return slot;
	}
	send_initiation(addr, "test router");
	for (size_t i = 0; i < n; i++) {
		peer_up(&m, &p[i], 0, 0);
		send_raw(m.b, m.n);
		send_announce(&p[i], p[i].asn, 0);
	}
	return slot;
}

/* The router on h.fd goes away (no Termination); the station sees it. */
static void router_goes(void)
{
	close(h.fd);
	h.fd = -1;
	send_raw(NULL, 0);
}

/* The RIB's one prefix (175.45.176.0/22): its paths and the first one's
 * transit. */
static void assert_rib_22(const struct rib *r, size_t paths, uint32_t transit)
{
	struct rib_row *rows;
	size_t n;

	assert_int_equal(rib_resolve(r, &rows, &n), 0);
	assert_int_equal(n, paths ? 1 : 0);
	if (paths) {
		assert_int_equal(rows[0].paths, paths);
		assert_int_equal(rows[0].e.route.transit_asn, transit);
	}
	free(rows);
}

/* The status of a slot a router has had from its first connection: its
 * address and name, nothing of an earlier router's. */
static void assert_fresh_slot(int slot, const char *addr, size_t peers, uint64_t announced)
{
	struct bmp_router_status st = status_of(slot);

	assert_string_equal(st.addr, addr);
	assert_string_equal(st.sys_name, addr);
	assert_true(st.connected);
	assert_int_equal(st.peers, peers);
	assert_int_equal(st.c.connections, 1);
	assert_int_equal(st.c.peer_ups, peers);
	assert_int_equal(st.c.announced, announced);
}

/* With max_routers 2, three routers from three addresses one after the
 * other: each is taken (the slot of the router gone before), the RIB holds
 * the live router's paths only, the station one slot. */
static void test_bmp_router_slots_reused(void **state)
{
	static const char *const addr[] = { "203.0.113.1", "203.0.113.9", "203.0.113.10" };
	static const struct peer *const peer[] = { &PEER_CU, &PEER_TTK, &PEER_CU };
	struct rib *r = rib_new();

	open_empty_station(2);
	for (size_t i = 0; i < 3; i++) {
		int slot = router_comes(addr[i], peer[i], 1);

		assert_int_equal(slot, 0);
		assert_int_equal(bmp_router_count(h.b), 1);
		assert_fresh_slot(slot, addr[i], 1, 1);
		assert_int_equal(bmp_drain(h.b, r, 0, NULL), 0);
		assert_rib_22(r, 1, peer[i]->asn);
		router_goes();
		assert_false(status_of(slot).connected);
		assert_string_equal(status_of(slot).addr, addr[i]); /* shown until taken */
		assert_int_equal(bmp_drain(h.b, r, 0, NULL), 0);
		assert_rib_22(r, 0, 0);
	}
	rib_free(r);
}

/* A new router takes the slot of one gone whose withdrawals are still
 * queued: the RIB applies them before the new router's paths, which share
 * the slot's RIB key (same peer, same slot); none of the old router's
 * peers is left, in the RIB or in the slot's status. */
static void test_bmp_router_slot_reused_before_drain(void **state)
{
	const struct peer two[] = { PEER_CU, PEER_TTK };
	struct bmp_peer_status ps;
	struct rib *r = rib_new();

	open_empty_station(1);
	assert_int_equal(router_comes("203.0.113.1", two, 2), 0);
	assert_int_equal(bmp_drain(h.b, r, 0, NULL), 0);
	assert_int_equal(paths_of_22(r), 2);
	router_goes();
	assert_int_equal(router_comes("203.0.113.9", &PEER_CU, 1), 0);
	assert_fresh_slot(0, "203.0.113.9", 1, 1);
	assert_int_equal(bmp_peer_status(h.b, 0, 0, &ps), 0);
	assert_int_equal(ps.hdr.peer.asn, 4837);
	assert_int_equal(bmp_peer_status(h.b, 0, 1, &ps), -EINVAL);
	assert_int_equal(bmp_drain(h.b, r, 0, NULL), 0); /* old peer downs, then the new path */
	assert_rib_22(r, 1, 4837);
	rib_free(r);
}

/* A router that comes back while its slot is still its own gets it again,
 * its counters going on, even with another slot free; the limit counts
 * routers at once. */
static void test_bmp_router_slot_kept_for_return(void **state)
{
	int a_end, b_end;

	open_empty_station(2);
	assert_int_equal(router_comes("203.0.113.1", &PEER_CU, 1), 0);
	a_end = h.fd;
	assert_int_equal(router_comes("203.0.113.9", &PEER_TTK, 1), 1);
	b_end = h.fd;
	assert_int_equal(router_comes("203.0.113.10", &PEER_CU, 1), -EINVAL); /* 2 at once */
	h.fd = a_end;
	router_goes();
	h.fd = b_end;
	router_goes();
	assert_int_equal(router_comes("203.0.113.9", &PEER_TTK, 1), 1); /* not 0, the first free */
	assert_int_equal(status_of(1).c.connections, 2);
	assert_int_equal(status_of(1).c.announced, 2);
	b_end = h.fd;
	assert_int_equal(router_comes("203.0.113.10", &PEER_CU, 1), 0); /* 203.0.113.1's slot */
	assert_fresh_slot(0, "203.0.113.10", 1, 1);
	assert_int_equal(bmp_router_count(h.b), 2);
	close(b_end);
}

static void test_bmp_termination_withdraws(void **state)
{
	struct rib *r = two_paths();
	struct mb m;

	bmp_begin(&m, BMP_TERMINATION);
	mb_u16(&m, 1); /* TLV: reason */
	mb_u16(&m, 2); /*   length */
	mb_u16(&m, 0); /*   administratively closed */
	bmp_end(&m);
	send_raw(m.b, m.n);
	assert_false(status().connected);
	assert_int_equal(bmp_drain(h.b, r, 0, NULL), 0);
	assert_int_equal(paths_of_22(r), 0);
	rib_free(r);
}

/* The station's last error after the router closed `part` bytes into a
 * Route Monitoring message of `len`, the last thing it sent. */
static void expect_lost_at(size_t part, size_t len)
{
	char want[160];

	snprintf(want, sizeof(want),
		 "closed by the router at byte %zu, %zu of the %zu bytes of the Route "
		 "Monitoring message at byte %zu",
		 sent_bytes, part, len, sent_bytes - part);
	assert_string_equal(status().last_error, want);
}

/* The router goes away in the middle of a message: its peers' paths go. */
static void test_bmp_disconnect_mid_message(void **state)
{
	struct rib *r = two_paths();
	struct mb u, m;

	update_22(&u, 4837, 0);
	route_monitoring(&m, &PEER_CU, &u);
	send_raw(m.b, m.n / 2);
	close(h.fd);
	h.fd = -1;
	send_raw(NULL, 0);
	assert_false(status().connected);
	assert_int_equal(status().c.framing_errors, 0);
	expect_lost_at(m.n / 2, m.n);
	assert_int_equal(bmp_drain(h.b, r, 0, NULL), 0);
	assert_int_equal(paths_of_22(r), 0);
	rib_free(r);
}

/* ... or between two messages, or in a header. */
static void test_bmp_disconnect_between_messages(void **state)
{
	struct rib *r = two_paths();
	char want[64];

	close(h.fd);
	h.fd = -1;
	send_raw(NULL, 0);
	assert_false(status().connected);
	snprintf(want, sizeof(want), "closed by the router at byte %llu, between messages",
		 (unsigned long long)sent_bytes);
	assert_string_equal(status().last_error, want);
	assert_int_equal(bmp_drain(h.b, r, 0, NULL), 0);
	assert_int_equal(paths_of_22(r), 0);
	rib_free(r);
}

static void test_bmp_disconnect_in_header(void **state)
{
	static const uint8_t hdr[3] = { 3, 0, 0 };
	char want[96];

	send_raw(hdr, sizeof(hdr));
	close(h.fd);
	h.fd = -1;
	send_raw(NULL, 0);
	snprintf(want, sizeof(want),
		 "closed by the router at byte 3, 3 bytes into the message at byte 0");
	assert_string_equal(status().last_error, want);
}

struct broken_case {
	const char *name;
	uint8_t hdr[6];
};

/* Broken framing closes the connection: the peers' paths go. */
static void test_bmp_broken_framing_withdraws(void **state)
{
	static const struct broken_case cases[] = {
		{ "version 2", { 2, 0, 0, 0, 6, 4 } },
		{ "length 3", { 3, 0, 0, 0, 3, 4 } },
		{ "length 16 MiB", { 3, 1, 0, 0, 0, 0 } },
	};

	struct mb u, m;
	char at[32];

	update_22(&u, 4837, 0);
	route_monitoring(&m, &PEER_CU, &u);
	snprintf(at, sizeof(at), "byte %zu ", 2 * m.n); /* after two_paths()' messages */
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rib *r;

		teardown(state);
		setup(state);
		r = two_paths();
		send_raw(cases[i].hdr, sizeof(cases[i].hdr));
		if (status().connected || status().c.framing_errors != 1)
			fail_msg("case \"%s\": still connected", cases[i].name);
		if (!strstr(status().last_error, at))
			fail_msg("case \"%s\": error \"%s\" does not say \"%s\"", cases[i].name,
				 status().last_error, at);
		assert_int_equal(bmp_drain(h.b, r, 0, NULL), 0);
		if (paths_of_22(r))
			fail_msg("case \"%s\": paths kept", cases[i].name);
		rib_free(r);
	}
}

/* A per-peer header cut by the message length: skipped, connection kept. */
static void test_bmp_truncated_peer_header(void **state)
{
	struct mb m;

	bmp_begin(&m, BMP_ROUTE_MONITORING);
	peer_hdr(&m, &PEER_CU);
	m.n = 30; /* 24 of the 42 bytes */
	bmp_end(&m);
	send_raw(m.b, m.n);
	assert_true(status().connected);
	assert_int_equal(status().c.malformed, 1);
	send_announce(&PEER_CU, 4837, 0); /* the next message is read */
	collect();
	assert_int_equal(h.n_got, 1);
}

/* ---- views ---- */

static void test_bmp_post_policy_replaces_pre(void **state)
{
	send_announce(&PEER_CU, 4837, 0);      /* pre-policy: applied */
	send_announce(&PEER_CU_POST, 4837, 0); /* post: pre withdrawn, post applied */
	send_announce(&PEER_CU, 4837, 0);      /* pre again: ignored */
	collect();
	assert_int_equal(h.n_got, 3);
	assert_int_equal(h.got[0]->ev, FEED_EV_ROUTES);
	assert_int_equal(h.got[1]->ev, FEED_EV_PEER_DOWN);
	assert_rib_peer(h.got[1], CU, 4, 4837);
	assert_int_equal(h.got[2]->ev, FEED_EV_ROUTES);
	assert_int_equal(status().c.ignored_view, 1);
}

static void test_bmp_view_pre_configured(void **state)
{
	struct bmp_conf c = { .view = BMP_VIEW_PRE };

	teardown(state);
	memset(&h, 0, sizeof(h));
	sent_bytes = 0;
	open_station(&c);
	send_announce(&PEER_CU_POST, 4837, 0);
	send_announce(&PEER_CU, 4837, 0);
	collect();
	assert_int_equal(h.n_got, 1);
	assert_int_equal(h.got[0]->ev, FEED_EV_ROUTES);
	assert_int_equal(status().c.ignored_view, 1);
}

/* Loc-RIB until Adj-RIB-In arrives, then the Loc-RIB's paths go. */
static void test_bmp_loc_rib_gives_way(void **state)
{
	send_announce(&LOC_RIB, 4837, 0);
	send_announce(&PEER_CU, 4837, 0);
	send_announce(&LOC_RIB, 4837, 0);
	collect();
	assert_int_equal(h.n_got, 3);
	assert_int_equal(h.got[0]->ev, FEED_EV_ROUTES);
	assert_int_equal(h.got[1]->ev, FEED_EV_PEER_DOWN);
	assert_rib_peer(h.got[1], (uint8_t[16]){ [12] = 203, 0, 113, 1 }, 4, 64500);
	assert_int_equal(h.got[2]->ev, FEED_EV_ROUTES);
	assert_rib_peer(h.got[2], CU, 4, 4837);
	assert_int_equal(status().c.ignored_loc_rib, 1);
}

/* ---- RFC 7606 in Route Monitoring ---- */

static void test_bmp_update_treat_as_withdraw(void **state)
{
	struct mb u, m;

	update_22(&u, 4837, 0);
	u.b[BGP_HDR_LEN + 4 + 3] = 7; /* ORIGIN value 7 (0..2): malformed */
	route_monitoring(&m, &PEER_CU, &u);
	send_raw(m.b, m.n);
	collect();
	assert_int_equal(h.n_got, 1);
	assert_int_equal(h.got[0]->n_announce, 0);
	assert_int_equal(h.got[0]->n_withdraw, 1);
	assert_memory_equal(h.got[0]->withdraw[0].addr, P22, 4);
	assert_int_equal(status().c.treat_as_withdraw, 1);
	assert_int_equal(status().c.faults[FEED_FAULT_ATTR_MALFORMED], 1);
}

static void test_bmp_update_unusable_skipped(void **state)
{
	struct mb u, m;

	update_22(&u, 4837, 0);
	u.b[BGP_HDR_LEN + 1] = 200; /* withdrawn routes length overruns */
	route_monitoring(&m, &PEER_CU, &u);
	send_raw(m.b, m.n);
	collect();
	assert_int_equal(h.n_got, 0);
	assert_int_equal(status().c.updates_skipped, 1);
	assert_true(status().connected);

	bmp_begin(&m, BMP_ROUTE_MONITORING); /* a KEEPALIVE instead of an UPDATE */
	peer_hdr(&m, &PEER_CU);
	mb_hdr(&u, BGP_MSG_KEEPALIVE);
	mb_end(&u);
	mb_raw(&m, u.b, u.n);
	bmp_end(&m);
	send_raw(m.b, m.n);
	assert_int_equal(status().c.malformed, 1);
}

/* ---- Statistics, Initiation, Route Mirroring ---- */

static void test_bmp_stats_kept(void **state)
{
	struct bmp_peer_status ps;
	struct mb m;

	bmp_begin(&m, BMP_STATS);
	peer_hdr(&m, &PEER_CU);
	mb_u32(&m, 4);			   /* 4 counters */
	mb_u16(&m, 0);			   /* type 0: rejected prefixes */
	mb_u16(&m, 4);			   /*   length */
	mb_u32(&m, 3);			   /*   3 */
	mb_u16(&m, 7);			   /* type 7: routes in Adj-RIB-In */
	mb_u16(&m, 8);			   /*   length */
	mb_u32(&m, 1);			   /*   2^32 */
	mb_u32(&m, 2);			   /*   + 2 */
	mb_u16(&m, 9);			   /* type 9: per AFI/SAFI */
	mb_u16(&m, 11);			   /*   length */
	MB_BYTES(&m, 0, 1, 1, 0, 0, 0, 0); /*   IPv4 unicast, */
	mb_u32(&m, 900000);		   /*   900000 */
	mb_u16(&m, 65000);		   /* an unknown type */
	mb_u16(&m, 2);			   /*   length */
	mb_u16(&m, 0);			   /*   value */
	bmp_end(&m);
	send_raw(m.b, m.n);
	assert_int_equal(bmp_peer_status(h.b, 0, 0, &ps), 0);
	assert_true(ps.stats.has[0]);
	assert_int_equal(ps.stats.v[0], 3);
	assert_int_equal(ps.stats.v[7], (1ULL << 32) + 2);
	assert_int_equal(ps.stats.v[9], 900000);
	assert_false(ps.stats.has[1]);
	assert_int_equal(ps.stats.unknown, 1);
	assert_int_equal(ps.stats_at, TS_0908);

	m.b[BMP_HDR_LEN + BMP_PEER_HDR_LEN + 3] = 5; /* 5 counters announced, 4 there */
	send_raw(m.b, m.n);
	assert_int_equal(status().c.malformed, 1);
}

static void test_bmp_initiation_and_mirroring(void **state)
{
	struct mb m;

	send_initiation("rtr", "gobgp\n"); /* the newline shown as '?' */
	assert_string_equal(status().sys_name, "rtr");
	assert_string_equal(status().sys_descr, "gobgp?");

	bmp_begin(&m, BMP_ROUTE_MIRRORING);
	peer_hdr(&m, &PEER_CU);
	mb_u16(&m, 1); /* TLV: information */
	mb_u16(&m, 2); /*   length */
	mb_u16(&m, 0); /*   errored PDU */
	bmp_end(&m);
	send_raw(m.b, m.n);
	assert_int_equal(status().c.msgs[BMP_ROUTE_MIRRORING], 1);
	assert_true(status().connected);
}

/* ---- backpressure ---- */

/* A queue of 1 byte: one batch fills it; the station stops reading until
 * the consumer pops, and loses nothing. */
static void test_bmp_queue_full_pauses(void **state)
{
	struct bmp_conf c = { .queue_limit_bytes = 1 };
	struct feed_batch *fb;
	int n = 0;

	teardown(state);
	memset(&h, 0, sizeof(h));
	sent_bytes = 0;
	open_station(&c);
	send_announce(&PEER_CU, 4837, 0);
	send_announce(&PEER_TTK, 20485, 0);
	send_announce(&PEER_CU, 3356, 0);
	assert_true(status().c.queue_pauses >= 1);
	assert_int_equal(status().c.msgs[BMP_ROUTE_MONITORING], 1);
	while (n < 10 && (fb = bmp_pop(h.b))) {
		n++;
		feed_batch_free(fb);
		for (int i = 0; i < 2; i++)
			assert_int_equal(bmp_step(h.b, 0), 0);
	}
	assert_int_equal(n, 3);
	assert_int_equal(status().c.msgs[BMP_ROUTE_MONITORING], 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bmp_frame_table),
		cmocka_unit_test_setup_teardown(test_bmp_split_and_joined_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bmp_peer_types, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bmp_two_byte_as_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bmp_own_as_removed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bmp_peer_up_addpath, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bmp_peer_up_cut_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bmp_peer_down_withdraws, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bmp_two_routers_same_peer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bmp_router_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bmp_router_slots_reused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bmp_router_slot_reused_before_drain, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bmp_router_slot_kept_for_return, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bmp_termination_withdraws, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bmp_disconnect_mid_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bmp_disconnect_between_messages, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bmp_disconnect_in_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bmp_broken_framing_withdraws, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bmp_truncated_peer_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bmp_post_policy_replaces_pre, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bmp_view_pre_configured, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bmp_loc_rib_gives_way, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bmp_update_treat_as_withdraw, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bmp_update_unusable_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bmp_stats_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bmp_initiation_and_mirroring, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bmp_queue_full_pauses, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
