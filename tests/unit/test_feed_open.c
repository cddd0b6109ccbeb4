// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_feed_open.c - message framing (user/feed/wire.c) and the
 * OPEN message: ours, the checks on the peer's and what the capabilities
 * negotiate to (user/feed/caps.c), each capability alone, a 2-byte peer,
 * and every bad OPEN with the NOTIFICATION it gets.  Messages are built
 * field by field (tests/unit/test_feed.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bgp/mrt.h"
#include "feed/caps.h"
#include "feed/wire.h"
#include "test_feed.h"

#define OUR_AS 64500
#define OUR_ID 0xc6336402 /* 198.51.100.2 */

/* The neighbour we expect: iBGP, AS 64500. */
static const struct caps_expect IBGP = { .peer_as = OUR_AS, .router_id = OUR_ID, .ibgp = true };
static const struct caps_local LOCAL = {
	.local_as = OUR_AS, .router_id = OUR_ID, .hold_s = 90, .gr_time_s = 120
};

/* OPEN header fields: version 4, My AS, hold time, BGP identifier 198.51.100.1;
 * the optional parameters follow (length patched by open_end). */
static size_t open_begin(struct mb *m, unsigned int version, unsigned int my_as, unsigned int hold)
{
	mb_hdr(m, BGP_MSG_OPEN);
	mb_u8(m, version);     /* Version */
	mb_u16(m, my_as);      /* My Autonomous System */
	mb_u16(m, hold);       /* Hold Time */
	mb_u32(m, 0xc6336401); /* BGP Identifier 198.51.100.1 */
	return mb_len8(m);     /* Opt Parm Len */
}

static void open_end(struct mb *m, size_t at)
{
	mb_fix8(m, at);
	mb_end(m);
}

/* BIRD 2.0.12's OPEN, as measured: capabilities 1 (IPv4, IPv6 unicast), 2,
 * 64, 65, 69 (send, both families), 70, 71; hold time 240 s. */
static void bird_open(struct mb *m, uint32_t as)
{
	size_t at = open_begin(m, 4, as > 65535 ? 23456 : as, 240), p;

	mb_u8(m, 2); /* parameter: Capabilities */
	p = mb_len8(m);
	MB_BYTES(m, 1, 4, 0, 1, 0, 1); /* MP: AFI 1 IPv4, SAFI 1 unicast */
	MB_BYTES(m, 1, 4, 0, 2, 0, 1); /* MP: AFI 2 IPv6, SAFI 1 unicast */
	MB_BYTES(m, 2, 0);	       /* route refresh */
	MB_BYTES(m, 64, 10, 0x80, 120, /* GR: restarted (R), 120 s */
		 0, 1, 1, 0x80,	       /*   IPv4 unicast, forwarding kept */
		 0, 2, 1, 0x00);       /*   IPv6 unicast, not kept */
	mb_u8(m, 65);		       /* 4-octet AS */
	mb_u8(m, 4);
	mb_u32(m, as);
	MB_BYTES(m, 69, 8, 0, 1, 1, 2, 0, 2, 1, 2); /* ADD-PATH: send, IPv4 and IPv6 */
	MB_BYTES(m, 70, 0);			    /* enhanced route refresh */
	MB_BYTES(m, 71, 0);			    /* long-lived GR: not ours */
	mb_fix8(m, p);
	open_end(m, at);
}

static int check(const struct mb *m, const struct caps_expect *x, struct caps *c,
		 struct wire_notif *n)
{
	char why[160];

	memset(n, 0, sizeof(*n));
	return caps_open_check(m->b, m->n, x, c, n, why, sizeof(why));
}

/* ---- framing ---- */

static void test_feed_frame(void **state)
{
	struct mb m;
	struct wire_notif n;

	mb_hdr(&m, BGP_MSG_KEEPALIVE); /* 19 bytes */
	mb_end(&m);
	assert_int_equal(wire_frame(m.b, m.n, &n), 19);
	assert_int_equal(wire_frame(m.b, 18, &n), 0); /* cut: wait for more */
	m.b[3] = 0xfe;				      /* marker byte 3 not 0xff */
	assert_int_equal(wire_frame(m.b, m.n, &n), -EBADMSG);
	assert_int_equal(n.code, BGP_ERR_HEADER);
	assert_int_equal(n.subcode, BGP_HDR_SYNC);
	mb_hdr(&m, 6); /* type 6: none */
	mb_end(&m);
	assert_int_equal(wire_frame(m.b, m.n, &n), -EBADMSG);
	assert_int_equal(n.subcode, BGP_HDR_TYPE);
	assert_int_equal(n.data_len, 1);
	assert_int_equal(n.data[0], 6);
	mb_hdr(&m, BGP_MSG_KEEPALIVE);
	mb_u8(&m, 0); /* a KEEPALIVE of 20 bytes */
	mb_end(&m);
	assert_int_equal(wire_frame(m.b, m.n, &n), -EBADMSG);
	assert_int_equal(n.subcode, BGP_HDR_LENGTH);
	assert_int_equal(n.data[0] << 8 | n.data[1], 20);
	mb_hdr(&m, BGP_MSG_UPDATE);
	m.b[16] = 0x10; /* length 4097 */
	m.b[17] = 0x01;
	assert_int_equal(wire_frame(m.b, m.n, &n), -EBADMSG);
	assert_int_equal(n.subcode, BGP_HDR_LENGTH);
	m.b[16] = 0;
	m.b[17] = 22; /* an UPDATE of 22 bytes (23 at least) */
	assert_int_equal(wire_frame(m.b, 22, &n), -EBADMSG);
}

static void test_feed_wire_eor(void **state)
{
	struct wire_buf b = { .max = 4096 };
	static const uint8_t v6[] = { 0, 0, 0, 6, 0x80, 15, 3, 0, 2, 1 };

	assert_int_equal(wire_eor(&b, FEED_IPV4), 0);
	assert_int_equal(b.len, 23); /* header + two zero lengths */
	assert_int_equal(b.p[18], BGP_MSG_UPDATE);
	assert_memory_equal(b.p + 19, ((uint8_t[]){ 0, 0, 0, 0 }), 4);
	wire_consume(&b, 23);
	assert_int_equal(wire_eor(&b, FEED_IPV6), 0);
	assert_int_equal(b.len, 19 + sizeof(v6));
	assert_memory_equal(b.p + 19, v6, sizeof(v6));
	b.max = b.len + 18; /* full: the next message does not fit */
	assert_int_equal(wire_keepalive(&b), -ENOBUFS);
	wire_buf_free(&b);
}

/* ---- our OPEN ---- */

static void test_feed_open_ours(void **state)
{
	struct caps_local l = LOCAL;
	struct caps_expect x = { .peer_as = OUR_AS, .router_id = 1, .ibgp = true };
	uint8_t body[128];
	struct wire_buf b = { .max = 4096 };
	struct wire_notif n;
	struct caps c;
	char why[160];
	size_t len;

	l.gr_restarting = true;
	len = caps_open_build(&l, body, sizeof(body));
	assert_true(len <= sizeof(body));
	assert_int_equal(body[0], 4);			  /* version */
	assert_int_equal(body[1] << 8 | body[2], OUR_AS); /* My AS */
	assert_int_equal(body[3] << 8 | body[4], 90);	  /* hold */
	assert_int_equal(body[9], len - 10);		  /* opt parm len */
	assert_int_equal(wire_put(&b, BGP_MSG_OPEN, body, len), 0);
	/* read back by the same checks as a peer's OPEN */
	assert_int_equal(caps_open_check(b.p, b.len, &x, &c, &n, why, sizeof(why)), 0);
	assert_true(c.mp_seen && c.fam[FEED_IPV4] && c.fam[FEED_IPV6]);
	assert_true(c.as4);
	assert_int_equal(c.peer_as, OUR_AS);
	assert_int_equal(c.addpath[FEED_IPV4], BGP_ADDPATH_RECEIVE);
	assert_int_equal(c.addpath[FEED_IPV6], BGP_ADDPATH_RECEIVE);
	assert_true(c.route_refresh && c.enhanced_rr);
	assert_true(c.gr && c.gr_restarted);
	assert_int_equal(c.gr_time_s, 120);
	assert_false(c.gr_fam[FEED_IPV4] || c.gr_fam[FEED_IPV6]); /* no forwarding state */
	assert_int_equal(c.n_other, 0);
	wire_buf_free(&b);
}

static void test_feed_open_ours_4byte_as(void **state)
{
	struct caps_local l = LOCAL;
	uint8_t body[128];
	size_t len;

	l.local_as = 4200000001U;
	len = caps_open_build(&l, body, sizeof(body));
	assert_int_equal(body[1] << 8 | body[2], 23456); /* AS_TRANS */
	/* the 4-octet AS capability carries the real one */
	for (size_t i = 12; i + 6 <= len; i++)
		if (body[i] == 65 && body[i + 1] == 4) {
			assert_int_equal((uint32_t)body[i + 2] << 24 | body[i + 3] << 16 |
						 body[i + 4] << 8 | body[i + 5],
					 4200000001U);
			return;
		}
	fail_msg("no 4-octet AS capability");
}

/* ---- negotiation ---- */

static void test_feed_open_bird(void **state)
{
	struct mb m;
	struct caps c;
	struct caps_nego g;
	struct wire_notif n;
	char text[400];

	bird_open(&m, OUR_AS);
	assert_int_equal(check(&m, &IBGP, &c, &n), 0);
	caps_negotiate(&LOCAL, &c, &g);
	assert_int_equal(g.hold_s, 90); /* the smaller of 90 and 240 */
	assert_true(g.fam[FEED_IPV4] && g.fam[FEED_IPV6]);
	assert_true(g.addpath[FEED_IPV4] && g.addpath[FEED_IPV6]);
	assert_true(g.as4 && g.route_refresh && g.enhanced_rr && g.gr);
	assert_int_equal(g.gr_time_s, 120);
	assert_true(g.gr_fam[FEED_IPV4] && g.gr_fwd[FEED_IPV4]);
	assert_true(g.gr_fam[FEED_IPV6] && !g.gr_fwd[FEED_IPV6]);
	assert_int_equal(c.n_other, 1);
	assert_int_equal(c.other[0], 71);
	caps_describe(&g, &c, text, sizeof(text));
	assert_non_null(strstr(text, "ADD-PATH receive ipv4 ipv6"));
	assert_non_null(strstr(text, "not used: 71"));
}

static void test_feed_open_2byte_peer(void **state)
{
	struct caps_expect x = { .peer_as = 64496, .router_id = OUR_ID };
	struct mb m;
	struct caps c;
	struct caps_nego g;
	struct wire_notif n;
	size_t at = open_begin(&m, 4, 64496, 180), p;

	mb_u8(&m, 2); /* Capabilities: MP IPv4 only, nothing else */
	p = mb_len8(&m);
	MB_BYTES(&m, 1, 4, 0, 1, 0, 1);
	mb_fix8(&m, p);
	open_end(&m, at);
	assert_int_equal(check(&m, &x, &c, &n), 0);
	caps_negotiate(&LOCAL, &c, &g);
	assert_false(g.as4); /* AS_PATH in 2 bytes, AS4_PATH merged */
	assert_int_equal(c.peer_as, 64496);
	assert_true(g.fam[FEED_IPV4]);
	assert_false(g.fam[FEED_IPV6]);
	assert_false(g.addpath[FEED_IPV4] || g.route_refresh || g.enhanced_rr || g.gr);
}

static void test_feed_open_no_capabilities(void **state)
{
	struct mb m;
	struct caps c;
	struct caps_nego g;
	struct wire_notif n;
	size_t at = open_begin(&m, 4, OUR_AS, 0); /* hold 0: no keepalives */

	open_end(&m, at); /* no optional parameters */
	assert_int_equal(check(&m, &IBGP, &c, &n), 0);
	caps_negotiate(&LOCAL, &c, &g);
	assert_int_equal(g.hold_s, 0);
	assert_true(g.fam[FEED_IPV4]); /* RFC 4760: IPv4 unicast without MP */
	assert_false(g.fam[FEED_IPV6]);
}

/* Each capability alone, in an OPEN of its own. */
static void one_cap(struct mb *m, const uint8_t *cap, size_t len, struct caps *c,
		    struct caps_nego *g)
{
	struct wire_notif n;
	size_t at = open_begin(m, 4, OUR_AS, 90), p;

	mb_u8(m, 2); /* Capabilities */
	p = mb_len8(m);
	mb_raw(m, cap, len);
	mb_fix8(m, p);
	open_end(m, at);
	assert_int_equal(check(m, &IBGP, c, &n), 0);
	caps_negotiate(&LOCAL, c, g);
}

static void test_feed_open_each_capability(void **state)
{
	static const uint8_t mp6[] = { 1, 4, 0, 2, 0, 1 };	  /* MP IPv6 unicast */
	static const uint8_t rr[] = { 2, 0 };			  /* route refresh */
	static const uint8_t err[] = { 70, 0 };			  /* enhanced refresh */
	static const uint8_t gr0[] = { 64, 2, 0, 0 };		  /* GR, time 0 */
	static const uint8_t gr[] = { 64, 6, 0, 30, 0, 1, 1, 0 }; /* GR 30 s, IPv4 */
	static const uint8_t ap_rx[] = { 69, 4, 0, 1, 1, 1 };	  /* ADD-PATH receive */
	static const uint8_t ap_both[] = { 69, 4, 0, 1, 1, 3 };	  /* ADD-PATH both */
	static const uint8_t as4[] = { 65, 4, 0, 0, 0xfb, 0xf4 }; /* 4-octet AS 64500 */
	struct mb m;
	struct caps c;
	struct caps_nego g;

	one_cap(&m, mp6, sizeof(mp6), &c, &g);
	assert_true(g.fam[FEED_IPV6]);
	assert_false(g.fam[FEED_IPV4]); /* MP given: only what it lists */
	one_cap(&m, rr, sizeof(rr), &c, &g);
	assert_true(g.route_refresh && !g.enhanced_rr);
	one_cap(&m, err, sizeof(err), &c, &g);
	assert_true(g.enhanced_rr && !g.route_refresh);
	one_cap(&m, gr0, sizeof(gr0), &c, &g);
	assert_true(c.gr);
	assert_false(g.gr); /* restart time 0: nothing to wait for */
	one_cap(&m, gr, sizeof(gr), &c, &g);
	assert_true(g.gr && g.gr_fam[FEED_IPV4] && !g.gr_fwd[FEED_IPV4]);
	assert_int_equal(g.gr_time_s, 30);
	one_cap(&m, ap_rx, sizeof(ap_rx), &c, &g);
	assert_false(g.addpath[FEED_IPV4]); /* it receives, as we do: no path ids */
	one_cap(&m, ap_both, sizeof(ap_both), &c, &g);
	assert_true(g.addpath[FEED_IPV4]);
	one_cap(&m, as4, sizeof(as4), &c, &g);
	assert_true(g.as4);
}

/* ---- bad OPENs ---- */

static void bad(struct mb *m, const struct caps_expect *x, uint8_t code, uint8_t sub)
{
	struct caps c;
	struct wire_notif n;

	assert_int_equal(check(m, x, &c, &n), -EINVAL);
	assert_int_equal(n.code, code);
	assert_int_equal(n.subcode, sub);
}

static void test_feed_open_bad(void **state)
{
	struct caps_expect ebgp = { .peer_as = 4837, .router_id = 0xc6336401 };
	struct mb m;
	size_t at, p;
	struct caps c;
	struct wire_notif n;

	at = open_begin(&m, 3, OUR_AS, 90); /* version 3 */
	open_end(&m, at);
	assert_int_equal(check(&m, &IBGP, &c, &n), -EINVAL);
	assert_int_equal(n.subcode, BGP_OPEN_VERSION);
	assert_int_equal(n.data_len, 2); /* we support version 4 */
	assert_int_equal(n.data[0] << 8 | n.data[1], 4);

	bird_open(&m, 64501); /* AS 64501 where 64500 is expected */
	bad(&m, &IBGP, BGP_ERR_OPEN, BGP_OPEN_PEER_AS);
	at = open_begin(&m, 4, 23456, 90); /* AS_TRANS without the capability */
	open_end(&m, at);
	bad(&m, &IBGP, BGP_ERR_OPEN, BGP_OPEN_PEER_AS);
	at = open_begin(&m, 4, 64501, 90); /* 4-octet AS 64500 but My AS 64501 */
	MB_BYTES(&m, 2, 6, 65, 4, 0, 0, 0xfb, 0xf4);
	open_end(&m, at);
	bad(&m, &IBGP, BGP_ERR_OPEN, BGP_OPEN_PEER_AS);
	at = open_begin(&m, 4, OUR_AS, 2); /* hold time 2 */
	open_end(&m, at);
	bad(&m, &IBGP, BGP_ERR_OPEN, BGP_OPEN_HOLD);
	at = open_begin(&m, 4, OUR_AS, 90);
	open_end(&m, at);
	memset(m.b + 24, 0, 4); /* BGP identifier 0 */
	bad(&m, &IBGP, BGP_ERR_OPEN, BGP_OPEN_BGP_ID);
	at = open_begin(&m, 4, 4837, 90); /* an eBGP peer with our identifier: fine */
	open_end(&m, at);
	assert_int_equal(check(&m, &ebgp, &c, &n), 0);
	ebgp.peer_as = OUR_AS; /* the same, iBGP: refused (RFC 4271 6.2) */
	ebgp.ibgp = true;
	at = open_begin(&m, 4, OUR_AS, 90);
	open_end(&m, at);
	bad(&m, &ebgp, BGP_ERR_OPEN, BGP_OPEN_BGP_ID);
	at = open_begin(&m, 4, OUR_AS, 90);
	MB_BYTES(&m, 1, 2, 0, 0); /* parameter type 1 (authentication) */
	open_end(&m, at);
	bad(&m, &IBGP, BGP_ERR_OPEN, BGP_OPEN_OPT_PARAM);
	at = open_begin(&m, 4, OUR_AS, 90);
	mb_u8(&m, 2); /* Capabilities */
	p = mb_len8(&m);
	MB_BYTES(&m, 1, 3, 0, 1, 0); /* MP of 3 bytes */
	mb_fix8(&m, p);
	open_end(&m, at);
	bad(&m, &IBGP, BGP_ERR_OPEN, 0);
	at = open_begin(&m, 4, OUR_AS, 90);
	MB_BYTES(&m, 2, 8, 1, 4, 0, 1, 0, 1); /* parameter says 8, 6 follow */
	open_end(&m, at);
	bad(&m, &IBGP, BGP_ERR_OPEN, 0);
	at = open_begin(&m, 4, OUR_AS, 90);
	MB_BYTES(&m, 2, 6, 1, 4, 0, 1, 0, 1);
	open_end(&m, at);
	m.b[28] = 7; /* Opt Parm Len 7, 8 bytes follow */
	bad(&m, &IBGP, BGP_ERR_HEADER, BGP_HDR_LENGTH);
	m.b[28] = 9; /* 9: past the message */
	bad(&m, &IBGP, BGP_ERR_HEADER, BGP_HDR_LENGTH);
}

static void test_feed_notif_text(void **state)
{
	char b[96];

	assert_string_equal(wire_notif_str(2, 2, b, sizeof(b)), "OPEN Message Error / Bad Peer AS");
	assert_string_equal(wire_notif_str(6, 2, b, sizeof(b)), "Cease / Administrative Shutdown");
	assert_string_equal(wire_notif_str(4, 0, b, sizeof(b)), "Hold Timer Expired / subcode 0");
	assert_string_equal(wire_notif_str(9, 1, b, sizeof(b)), "code 9 / subcode 1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_feed_frame),
		cmocka_unit_test(test_feed_wire_eor),
		cmocka_unit_test(test_feed_open_ours),
		cmocka_unit_test(test_feed_open_ours_4byte_as),
		cmocka_unit_test(test_feed_open_bird),
		cmocka_unit_test(test_feed_open_2byte_peer),
		cmocka_unit_test(test_feed_open_no_capabilities),
		cmocka_unit_test(test_feed_open_each_capability),
		cmocka_unit_test(test_feed_open_bad),
		cmocka_unit_test(test_feed_notif_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
