// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_feed_update.c - received UPDATEs -> route changes
 * (user/feed/update.c): IPv4 and MP routes, AS4_PATH from a 2-byte peer,
 * ADD-PATH path ids negotiated per family, End-of-RIB markers, and each
 * RFC 7606 case with the action it must get (accepted, attribute discarded,
 * treat-as-withdraw, session reset) and the counter that must move.
 * Messages are built field by field (tests/unit/test_feed.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "feed/update.h"
#include "test_feed.h"

static struct mrt_arena arena;
static struct caps_nego nego;
static struct update_ctx uctx = { .nego = &nego, .ibgp = true, .arena = &arena };
static struct update_out o;

static int setup(void **state)
{
	memset(&nego, 0, sizeof(nego));
	nego.fam[FEED_IPV4] = nego.fam[FEED_IPV6] = true;
	nego.as4 = true;
	uctx.ibgp = true;
	memset(&o, 0, sizeof(o));
	return 0;
}

static int teardown(void **state)
{
	free(o.batch);
	o.batch = NULL;
	return 0;
}

/* Decodes m (its length patched) into o. */
static void decode(struct mb *m)
{
	mb_end(m);
	free(o.batch);
	mrt_arena_reset(&arena);
	assert_int_equal(update_decode(m->b, m->n, &uctx, &o), 0);
}

/* ORIGIN IGP, AS_PATH 4837 131279 (4-byte), NEXT_HOP 198.51.100.1, LOCAL_PREF 100 */
static void attrs_4837(struct mb *m)
{
	MB_BYTES(m, 0x40, 1, 1, 0);		   /* ORIGIN: IGP */
	MB_BYTES(m, 0x40, 2, 10, 2, 2,		   /* AS_PATH: AS_SEQUENCE of 2 */
		 0, 0, 0x12, 0xe5, 0, 2, 0, 0xcf); /*   4837 131279 */
	MB_BYTES(m, 0x40, 3, 4, 198, 51, 100, 1);  /* NEXT_HOP 198.51.100.1 */
	MB_BYTES(m, 0x40, 5, 4, 0, 0, 0, 100);	   /* LOCAL_PREF 100 */
}

/* UPDATE announcing 175.45.176.0/22 with attrs_4837 and `extra` attribute bytes. */
static void announce_22(struct mb *m, const uint8_t *extra, size_t n)
{
	size_t al;

	mb_hdr(m, BGP_MSG_UPDATE);
	mb_u16(m, 0);	  /* withdrawn routes length */
	al = mb_len16(m); /* total path attribute length */
	attrs_4837(m);
	if (n)
		mb_raw(m, extra, n);
	mb_fix16(m, al);
	MB_BYTES(m, 22, 175, 45, 176); /* NLRI 175.45.176.0/22 */
}

static void assert_pfx(const struct feed_pfx *p, int fam, const uint8_t *addr, int plen,
		       uint32_t path_id)
{
	assert_int_equal(p->family, fam);
	assert_int_equal(p->plen, plen);
	assert_memory_equal(p->addr, addr, fam == 4 ? 4 : 16);
	assert_int_equal(p->path_id, path_id);
}

static const uint8_t P22[4] = { 175, 45, 176, 0 };

/* ---- routes ---- */

static void test_feed_update_ipv4(void **state)
{
	struct mb m;

	announce_22(&m, NULL, 0);
	decode(&m);
	assert_int_equal(o.action, UPD_OK);
	assert_int_equal(o.eor, -1);
	assert_non_null(o.batch);
	assert_int_equal(o.batch->n_announce, 1);
	assert_int_equal(o.batch->n_withdraw, 0);
	assert_pfx(&o.batch->announce[0], 4, P22, 22, 0);
	assert_int_equal(o.batch->n_path, 2);
	assert_int_equal(o.batch->path[0], 4837);
	assert_int_equal(o.batch->path[1], 131279);
	assert_false(o.batch->ends_in_set);
}

static void test_feed_update_withdraw_and_host_bits(void **state)
{
	struct mb m;

	mb_hdr(&m, BGP_MSG_UPDATE);
	mb_u16(&m, 5);			/* withdrawn routes length */
	MB_BYTES(&m, 24, 175, 45, 177); /*   175.45.177.0/24 */
	MB_BYTES(&m, 0);		/*   0.0.0.0/0 */
	mb_u16(&m, 0);			/* total path attribute length */
	decode(&m);
	assert_int_equal(o.action, UPD_OK);
	assert_int_equal(o.batch->n_announce, 0);
	assert_int_equal(o.batch->n_withdraw, 2);
	assert_pfx(&o.batch->withdraw[0], 4, (uint8_t[]){ 175, 45, 177, 0 }, 24, 0);
	assert_pfx(&o.batch->withdraw[1], 4, (uint8_t[]){ 0, 0, 0, 0 }, 0, 0);

	announce_22(&m, NULL, 0);
	m.b[m.n - 1] = 177; /* 175.45.177.0/22: host bits set */
	decode(&m);
	assert_pfx(&o.batch->announce[0], 4, P22, 22, 0); /* cleared */
}

/* A 2-byte peer: AS_PATH 64496 4837 23456, AS4_PATH 4837 131279 -> the
 * path user/bgp merges (RFC 6793 4.2.3): 64496 4837 131279. */
static void test_feed_update_as4_path_merged(void **state)
{
	struct mb m;
	size_t al;

	nego.as4 = false;
	uctx.ibgp = false;
	mb_hdr(&m, BGP_MSG_UPDATE);
	mb_u16(&m, 0);				      /* withdrawn routes length */
	al = mb_len16(&m);			      /* total path attribute length */
	MB_BYTES(&m, 0x40, 1, 1, 0);		      /* ORIGIN IGP */
	MB_BYTES(&m, 0x40, 2, 8, 2, 3,		      /* AS_PATH, 2-byte: AS_SEQUENCE */
		 0xfb, 0xf0, 0x12, 0xe5, 0x5b, 0xa0); /*   64496 4837 23456 */
	MB_BYTES(&m, 0x40, 3, 4, 198, 51, 100, 1);    /* NEXT_HOP */
	MB_BYTES(&m, 0xc0, 17, 10, 2, 2,	      /* AS4_PATH: AS_SEQUENCE */
		 0, 0, 0x12, 0xe5, 0, 2, 0, 0xcf);    /*   4837 131279 */
	mb_fix16(&m, al);
	MB_BYTES(&m, 22, 175, 45, 176); /* NLRI 175.45.176.0/22 */
	decode(&m);
	assert_int_equal(o.action, UPD_OK);
	assert_int_equal(o.batch->n_path, 3);
	assert_int_equal(o.batch->path[0], 64496);
	assert_int_equal(o.batch->path[1], 4837);
	assert_int_equal(o.batch->path[2], 131279);
}

/* ADD-PATH for IPv4 only: NLRI field and MP_UNREACH IPv4 carry path ids,
 * MP_REACH IPv6 does not. */
static void test_feed_update_addpath_per_family(void **state)
{
	struct mb m;
	size_t al, ml;

	nego.addpath[FEED_IPV4] = true;
	mb_hdr(&m, BGP_MSG_UPDATE);
	mb_u16(&m, 0);		/* withdrawn routes length */
	al = mb_len16(&m);	/* total path attribute length */
	MB_BYTES(&m, 0x80, 14); /* MP_REACH_NLRI */
	ml = mb_len8(&m);
	MB_BYTES(&m, 0, 2, 1, 16,		     /* AFI 2 SAFI 1, next hop 16 bytes */
		 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, /*   2001:db8::1 */
		 0, 0, 0, 0, 0, 0, 0, 1, 0,	     /*   | reserved */
		 32, 0x20, 0x01, 0x0d, 0xb8);	     /* 2001:db8::/32, no path id */
	mb_fix8(&m, ml);
	MB_BYTES(&m, 0x80, 15); /* MP_UNREACH_NLRI */
	ml = mb_len8(&m);
	MB_BYTES(&m, 0, 1, 1,		      /* AFI 1 SAFI 1 */
		 0, 0, 0, 9, 24, 198, 18, 0); /* path id 9: 198.18.0.0/24 */
	mb_fix8(&m, ml);
	attrs_4837(&m);
	mb_fix16(&m, al);
	MB_BYTES(&m, 0, 0, 0, 7, 22, 175, 45, 176, /* path id 7: 175.45.176.0/22 */
		 0, 0, 0, 8, 22, 175, 45, 176);	   /* path id 8: the same prefix */
	decode(&m);
	assert_int_equal(o.action, UPD_OK);
	assert_int_equal(o.batch->n_announce, 3);
	assert_pfx(&o.batch->announce[0], 4, P22, 22, 7);
	assert_pfx(&o.batch->announce[1], 4, P22, 22, 8);
	assert_pfx(&o.batch->announce[2], 6, (uint8_t[]){ 0x20, 1, 0xd, 0xb8, [15] = 0 }, 32, 0);
	assert_int_equal(o.batch->n_withdraw, 1);
	assert_pfx(&o.batch->withdraw[0], 4, (uint8_t[]){ 198, 18, 0, 0 }, 24, 9);

	/* the same message when ADD-PATH is negotiated for IPv6 only: each
	 * list read with the other family's flag runs into a prefix longer
	 * than its family allows (IPv4 NLRI: /0 /0 /0 /7 then /175; MP_REACH:
	 * path id 0x2020010d, then /184; MP_UNREACH: /0 /0 /0 /9 then a /18
	 * cut), so nothing is applied */
	nego.addpath[FEED_IPV4] = false;
	nego.addpath[FEED_IPV6] = true;
	decode(&m);
	assert_int_equal(o.action, UPD_RESET);
	assert_int_equal(o.faults[FEED_FAULT_MP_MALFORMED], 2);
	assert_int_equal(o.faults[FEED_FAULT_NLRI], 1);
	assert_null(o.batch);
}

static void test_feed_update_eor(void **state)
{
	struct mb m;

	mb_hdr(&m, BGP_MSG_UPDATE);
	mb_u16(&m, 0); /* withdrawn routes length */
	mb_u16(&m, 0); /* total path attribute length: nothing else = IPv4 EoR */
	decode(&m);
	assert_int_equal(o.eor, FEED_IPV4);
	assert_null(o.batch);

	mb_hdr(&m, BGP_MSG_UPDATE);
	mb_u16(&m, 0);			    /* withdrawn routes length */
	mb_u16(&m, 6);			    /* total path attribute length */
	MB_BYTES(&m, 0x80, 15, 3, 0, 2, 1); /* MP_UNREACH_NLRI IPv6 unicast, empty */
	decode(&m);
	assert_int_equal(o.eor, FEED_IPV6);
	assert_null(o.batch);
	assert_int_equal(o.action, UPD_OK);

	m.b[m.n - 1] = 2; /* SAFI 2 (multicast): not ours */
	decode(&m);
	assert_int_equal(o.eor, -1);
}

/* ---- RFC 7606 ---- */

static void expect(enum update_action a, enum feed_fault f, uint32_t n)
{
	assert_int_equal(o.action, a);
	assert_int_equal(o.faults[f], n);
	assert_true(o.why[0]);
}

/* Treat-as-withdraw: the message's NLRI come out as withdrawals. */
static void expect_withdrawn_22(void)
{
	assert_non_null(o.batch);
	assert_int_equal(o.batch->n_announce, 0);
	assert_int_equal(o.batch->n_withdraw, 1);
	assert_pfx(&o.batch->withdraw[0], 4, P22, 22, 0);
}

static void expect_announced_22(void)
{
	assert_non_null(o.batch);
	assert_int_equal(o.batch->n_announce, 1);
	assert_int_equal(o.batch->n_path, 2);
}

static void test_feed_7606_lengths_reset(void **state)
{
	struct mb m;

	mb_hdr(&m, BGP_MSG_UPDATE);
	mb_u16(&m, 10); /* withdrawn routes length 10, 4 follow */
	MB_BYTES(&m, 24, 175, 45, 177);
	decode(&m);
	expect(UPD_RESET, FEED_FAULT_LENGTHS, 1);
	assert_int_equal(o.notif.code, 3);
	assert_int_equal(o.notif.subcode, 1); /* Malformed Attribute List */
	assert_null(o.batch);

	announce_22(&m, NULL, 0);
	m.b[22] = 200; /* total path attribute length 200: past the message */
	decode(&m);
	expect(UPD_RESET, FEED_FAULT_LENGTHS, 1);
}

static void test_feed_7606_nlri_reset(void **state)
{
	struct mb m;

	announce_22(&m, NULL, 0);
	m.b[m.n - 4] = 33; /* prefix length 33 */
	decode(&m);
	expect(UPD_RESET, FEED_FAULT_NLRI, 1);
	assert_int_equal(o.notif.subcode, 10); /* Invalid Network Field */
	announce_22(&m, NULL, 0);
	m.n--; /* the /22 cut short */
	decode(&m);
	expect(UPD_RESET, FEED_FAULT_NLRI, 1);
}

/* RFC 7606 5.3: a length past the family's (/33, /129) with all its bytes
 * there, in the NLRI field, the withdrawn routes and the MP attributes. */
static void test_feed_7606_prefix_too_long_reset(void **state)
{
	static const uint8_t reach[] = {
		0x80, 14,  15,		 /* MP_REACH_NLRI, 15 bytes */
		0,    1,   1,	4,	 /* AFI 1 SAFI 1, next hop of 4 bytes */
		198,  51,  100, 1, 0,	 /* 198.51.100.1, no SNPA */
		33,   198, 18,	0, 0, 0, /* 198.18.0.0/33 */
	};
	static const uint8_t unreach[] = {
		0x80, 15,   4 + 17, 0,	  2,	1, /* MP_UNREACH_NLRI IPv6 */
		129,  0x20, 1,	    0x0d, 0xb8, 0, 0, 0, 0,
		0,    0,    0,	    0,	  0,	0, 0, 0, 0, /* 2001:db8::/129, 17 bytes */
	};
	struct mb m;

	announce_22(&m, NULL, 0);
	m.n -= 4;			      /* the /22 out */
	MB_BYTES(&m, 33, 175, 45, 176, 0, 0); /* NLRI 175.45.176.0/33, 5 bytes */
	decode(&m);
	expect(UPD_RESET, FEED_FAULT_NLRI, 1);
	assert_int_equal(o.notif.subcode, 10); /* Invalid Network Field */
	assert_null(o.batch);

	mb_hdr(&m, BGP_MSG_UPDATE);
	mb_u16(&m, 6);
	MB_BYTES(&m, 33, 175, 45, 176, 0, 0); /* withdrawn 175.45.176.0/33 */
	mb_u16(&m, 0);
	decode(&m);
	expect(UPD_RESET, FEED_FAULT_NLRI, 1);

	announce_22(&m, reach, sizeof(reach));
	decode(&m);
	expect(UPD_RESET, FEED_FAULT_MP_MALFORMED, 1);
	assert_int_equal(o.notif.subcode, 9); /* Optional Attribute Error */
	assert_null(o.batch);

	announce_22(&m, unreach, sizeof(unreach));
	decode(&m);
	expect(UPD_RESET, FEED_FAULT_MP_MALFORMED, 1);
}

static void test_feed_7606_mp_repeated_reset(void **state)
{
	static const uint8_t two[] = {
		0x80, 15, 3, 0, 2, 1, /* MP_UNREACH_NLRI IPv6, empty */
		0x80, 15, 3, 0, 2, 1, /* and again */
	};
	struct mb m;

	announce_22(&m, two, sizeof(two));
	decode(&m);
	expect(UPD_RESET, FEED_FAULT_MP_REPEATED, 1);
	assert_int_equal(o.notif.subcode, 1);
	assert_null(o.batch);
}

static void test_feed_7606_mp_malformed_reset(void **state)
{
	static const uint8_t mp[] = {
		0x80, 14, 8,	 /* MP_REACH_NLRI, 8 bytes */
		0,    2,  1, 40, /* AFI 2 SAFI 1, next hop of 40 bytes */
		0,    0,  0, 0,	 /* ...only 4 of them */
	};
	struct mb m;

	announce_22(&m, mp, sizeof(mp));
	decode(&m);
	expect(UPD_RESET, FEED_FAULT_MP_MALFORMED, 1);
	assert_int_equal(o.notif.subcode, 9); /* Optional Attribute Error */
}

static void test_feed_7606_attr_overrun(void **state)
{
	static const uint8_t over[] = { 0xc0, 8, 40, 0, 0 }; /* COMMUNITIES of 40, 2 there */
	struct mb m;
	size_t al;

	/* with an NLRI field: the routes can be found, treat-as-withdraw */
	announce_22(&m, over, sizeof(over));
	decode(&m);
	expect(UPD_WITHDRAW, FEED_FAULT_ATTR_OVERRUN, 1);
	expect_withdrawn_22();

	/* no NLRI field and no MP attribute before the fault: reset */
	mb_hdr(&m, BGP_MSG_UPDATE);
	mb_u16(&m, 0);			/* withdrawn routes length */
	al = mb_len16(&m);		/* total path attribute length */
	MB_BYTES(&m, 0x40, 1, 1, 0);	/* ORIGIN IGP */
	mb_raw(&m, over, sizeof(over)); /* COMMUNITIES running past */
	mb_fix16(&m, al);
	decode(&m);
	expect(UPD_RESET, FEED_FAULT_ATTR_OVERRUN, 1);

	/* an attribute header cut (1 byte left) counts the same */
	announce_22(&m, (uint8_t[]){ 0x40 }, 1);
	decode(&m);
	expect(UPD_WITHDRAW, FEED_FAULT_ATTR_OVERRUN, 1);
}

static void test_feed_7606_flags(void **state)
{
	struct mb m;

	/* ORIGIN flagged optional: treat-as-withdraw */
	announce_22(&m, NULL, 0);
	m.b[23] = 0xc0;
	decode(&m);
	expect(UPD_WITHDRAW, FEED_FAULT_ATTR_FLAGS, 1);
	expect_withdrawn_22();

	/* AGGREGATOR flagged well-known: discarded, route kept */
	announce_22(&m, (uint8_t[]){ 0x40, 7, 8, 0, 0, 0x12, 0xe5, 198, 51, 100, 9 }, 11);
	decode(&m);
	expect(UPD_DISCARD, FEED_FAULT_ATTR_FLAGS, 1);
	expect_announced_22();
}

/* Values inside attrs_4837 made bad: ORIGIN 3, AS_PATH segment type 9, an
 * empty AS_PATH segment, LOCAL_PREF of 3 bytes from iBGP and from eBGP. */
static void test_feed_7606_route_attributes(void **state)
{
	struct mb m;

	announce_22(&m, NULL, 0);
	m.b[26] = 3; /* ORIGIN value 3 */
	decode(&m);
	expect(UPD_WITHDRAW, FEED_FAULT_ATTR_MALFORMED, 1);
	expect_withdrawn_22();

	announce_22(&m, NULL, 0);
	m.b[30] = 9; /* AS_PATH segment type 9 */
	decode(&m);
	expect(UPD_WITHDRAW, FEED_FAULT_ATTR_MALFORMED, 1);

	/* AS_PATH value (bytes 30..39) as three segments: AS_SEQUENCE of 1
	 * (4837), then AS_SEQUENCE of 0 twice: well-formed for user/bgp, but
	 * an empty segment is malformed (RFC 7606 7.2) */
	announce_22(&m, NULL, 0);
	m.b[31] = 1; /* first segment: 1 ASN */
	m.b[36] = 2; /* second: AS_SEQUENCE */
	m.b[37] = 0; /*   of 0 */
	m.b[38] = 2; /* third: AS_SEQUENCE */
	m.b[39] = 0; /*   of 0 */
	decode(&m);
	expect(UPD_WITHDRAW, FEED_FAULT_ATTR_MALFORMED, 1);

	announce_22(&m, NULL, 0);
	m.b[49] = 3; /* LOCAL_PREF (bytes 47..53) length 3: its last byte goes */
	memmove(m.b + 53, m.b + 54, m.n - 54);
	m.n--;
	m.b[22]--; /* total path attribute length */
	decode(&m);
	expect(UPD_WITHDRAW, FEED_FAULT_ATTR_MALFORMED, 1);
	uctx.ibgp = false; /* from eBGP LOCAL_PREF is discarded (RFC 7606 7.5) */
	decode(&m);
	expect(UPD_DISCARD, FEED_FAULT_ATTR_DISCARDED, 1);
	expect_announced_22();
}

/* One malformed attribute appended to attrs_4837: its action and counter. */
static void test_feed_7606_attribute_cases(void **state)
{
	static const struct {
		const char *what;
		uint8_t extra[12]; /* flags, type, length, value */
		size_t n;
		enum update_action action;
	} cases[] = {
		{ "COMMUNITIES of 5 bytes", { 0xc0, 8, 5, 0, 0, 0, 1, 2 }, 8, UPD_WITHDRAW },
		{ "COMMUNITIES of 0 bytes", { 0xc0, 8, 0 }, 3, UPD_WITHDRAW },
		{ "MED of 3 bytes", { 0x80, 4, 3, 0, 0, 1 }, 6, UPD_WITHDRAW },
		{ "ORIGINATOR_ID of 5 bytes", { 0x80, 9, 5, 1, 2, 3, 4, 5 }, 8, UPD_WITHDRAW },
		{ "CLUSTER_LIST of 3 bytes", { 0x80, 10, 3, 1, 2, 3 }, 6, UPD_WITHDRAW },
		{ "EXTENDED_COMMUNITIES of 7 bytes",
		  { 0xc0, 16, 7, 0, 2, 0, 0, 0, 0, 1 },
		  10,
		  UPD_WITHDRAW },
		{ "LARGE_COMMUNITIES of 9 bytes",
		  { 0xc0, 32, 9, 0, 0, 0, 1, 0, 0, 0, 2, 0 },
		  12,
		  UPD_WITHDRAW },
		{ "ATOMIC_AGGREGATE of 1 byte", { 0x40, 6, 1, 0 }, 4, UPD_DISCARD },
		{ "AGGREGATOR of 5 bytes", { 0xc0, 7, 5, 0, 0, 0x12, 0xe5, 1 }, 8, UPD_DISCARD },
		{ "AS4_AGGREGATOR of 7 bytes",
		  { 0xc0, 18, 7, 0, 0, 0x12, 0xe5, 1, 2, 3 },
		  10,
		  UPD_DISCARD },
		{ "AS4_PATH with segment type 0",
		  { 0xc0, 17, 6, 0, 1, 0, 0, 0x12, 0xe5 },
		  9,
		  UPD_DISCARD },
	};
	struct mb m;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("case: %s\n", cases[i].what);
		announce_22(&m, cases[i].extra, cases[i].n);
		decode(&m);
		if (cases[i].action == UPD_WITHDRAW) {
			expect(UPD_WITHDRAW, FEED_FAULT_ATTR_MALFORMED, 1);
			expect_withdrawn_22();
		} else {
			expect(UPD_DISCARD, FEED_FAULT_ATTR_DISCARDED, 1);
			expect_announced_22();
			assert_int_equal(o.batch->path[1], 131279);
		}
	}
}

/* A 2-byte peer's bad AS4_PATH is dropped before the merge: the path is
 * AS_PATH's, AS_TRANS included. */
static void test_feed_7606_bad_as4_path_not_merged(void **state)
{
	struct mb m;
	size_t al;

	nego.as4 = false;
	mb_hdr(&m, BGP_MSG_UPDATE);
	mb_u16(&m, 0);				   /* withdrawn routes length */
	al = mb_len16(&m);			   /* total path attribute length */
	MB_BYTES(&m, 0x40, 1, 1, 0);		   /* ORIGIN IGP */
	MB_BYTES(&m, 0x40, 2, 6, 2, 2, 0x12, 0xe5, /* AS_PATH 4837 23456 */
		 0x5b, 0xa0);
	MB_BYTES(&m, 0x40, 3, 4, 198, 51, 100, 1);     /* NEXT_HOP */
	MB_BYTES(&m, 0xc0, 17, 7, 2, 1, 0, 2, 0, 0xcf, /* AS4_PATH 131279 + 1 stray */
		 0);
	mb_fix16(&m, al);
	MB_BYTES(&m, 22, 175, 45, 176); /* NLRI 175.45.176.0/22 */
	decode(&m);
	expect(UPD_DISCARD, FEED_FAULT_ATTR_DISCARDED, 1);
	assert_int_equal(o.batch->n_path, 2);
	assert_int_equal(o.batch->path[1], 23456);
}

static void test_feed_7606_repeated_kept_first(void **state)
{
	static const uint8_t again[] = { 0x40, 1, 1, 2 }; /* ORIGIN again (INCOMPLETE) */
	struct mb m;

	announce_22(&m, again, sizeof(again));
	decode(&m);
	expect(UPD_DISCARD, FEED_FAULT_ATTR_REPEATED, 1);
	expect_announced_22();
}

static void test_feed_7606_missing_wellknown(void **state)
{
	struct mb m;
	size_t al, ml;

	/* no NEXT_HOP with IPv4 NLRI */
	mb_hdr(&m, BGP_MSG_UPDATE);
	mb_u16(&m, 0);					  /* withdrawn routes length */
	al = mb_len16(&m);				  /* total path attribute length */
	MB_BYTES(&m, 0x40, 1, 1, 0);			  /* ORIGIN IGP */
	MB_BYTES(&m, 0x40, 2, 6, 2, 1, 0, 0, 0x12, 0xe5); /* AS_PATH 4837 */
	mb_fix16(&m, al);
	MB_BYTES(&m, 22, 175, 45, 176); /* NLRI 175.45.176.0/22 */
	decode(&m);
	expect(UPD_WITHDRAW, FEED_FAULT_MISSING_WELLKNOWN, 1);
	expect_withdrawn_22();

	/* IPv6 in MP_REACH_NLRI needs no NEXT_HOP, but AS_PATH */
	mb_hdr(&m, BGP_MSG_UPDATE);
	mb_u16(&m, 0);	   /* withdrawn routes length */
	al = mb_len16(&m); /* total path attribute length */
	MB_BYTES(&m, 0x80, 14);
	ml = mb_len8(&m);
	MB_BYTES(&m, 0, 2, 1, 16,		 /* MP_REACH IPv6, next hop: */
		 0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, /*   2001:db8::1 */
		 0, 0, 0, 0, 0, 0, 0, 1, 0,	 /*   | reserved */
		 32, 0x20, 1, 0xd, 0xb8);	 /* 2001:db8::/32 */
	mb_fix8(&m, ml);
	MB_BYTES(&m, 0x40, 1, 1, 0);			  /* ORIGIN IGP */
	MB_BYTES(&m, 0x40, 2, 6, 2, 1, 0, 0, 0x12, 0xe5); /* AS_PATH 4837 */
	mb_fix16(&m, al);
	decode(&m);
	assert_int_equal(o.action, UPD_OK);
	assert_int_equal(o.batch->n_announce, 1);
	m.b[m.n - 9] = 0xc0; /* AS_PATH (last 9 bytes) made an unknown optional */
	m.b[m.n - 8] = 99;   /*   attribute 99: AS_PATH now missing */
	decode(&m);
	assert_int_equal(o.faults[FEED_FAULT_MISSING_WELLKNOWN], 1);
	assert_int_equal(o.action, UPD_WITHDRAW);
	assert_int_equal(o.batch->n_withdraw, 1);
	assert_int_equal(o.batch->withdraw[0].family, 6);
}

static void test_feed_7606_unknown_attributes(void **state)
{
	static const uint8_t optional[] = { 0xc0, 99, 2, 1, 2 };  /* type 99, optional */
	static const uint8_t wellknown[] = { 0x40, 99, 2, 1, 2 }; /* type 99, "well-known" */
	struct mb m;

	announce_22(&m, optional, sizeof(optional));
	decode(&m);
	assert_int_equal(o.action, UPD_OK);
	assert_false(o.why[0]);
	expect_announced_22();
	announce_22(&m, wellknown, sizeof(wellknown));
	decode(&m);
	expect(UPD_WITHDRAW, FEED_FAULT_UNKNOWN_WELLKNOWN, 1);
}

static void test_feed_7606_strongest_wins(void **state)
{
	static const uint8_t two[] = {
		0x40, 6, 1, 0,		   /* ATOMIC_AGGREGATE of 1 byte: discard */
		0xc0, 8, 5, 0, 0, 0, 1, 2, /* COMMUNITIES of 5: withdraw */
	};
	struct mb m;

	announce_22(&m, two, sizeof(two));
	decode(&m);
	assert_int_equal(o.action, UPD_WITHDRAW);
	assert_int_equal(o.faults[FEED_FAULT_ATTR_DISCARDED], 1);
	assert_int_equal(o.faults[FEED_FAULT_ATTR_MALFORMED], 1);
	assert_non_null(strstr(o.why, "COMMUNITIES"));
	expect_withdrawn_22();
}

static void test_feed_update_family_not_negotiated(void **state)
{
	struct mb m;

	nego.fam[FEED_IPV4] = false;
	announce_22(&m, NULL, 0);
	decode(&m);
	assert_int_equal(o.action, UPD_OK);
	assert_int_equal(o.faults[FEED_FAULT_FAMILY], 1);
	assert_null(o.batch);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_feed_update_ipv4),
		T(test_feed_update_withdraw_and_host_bits),
		T(test_feed_update_as4_path_merged),
		T(test_feed_update_addpath_per_family),
		T(test_feed_update_eor),
		T(test_feed_7606_lengths_reset),
		T(test_feed_7606_nlri_reset),
		T(test_feed_7606_prefix_too_long_reset),
		T(test_feed_7606_mp_repeated_reset),
		T(test_feed_7606_mp_malformed_reset),
		T(test_feed_7606_attr_overrun),
		T(test_feed_7606_flags),
		T(test_feed_7606_attribute_cases),
		T(test_feed_7606_route_attributes),
		T(test_feed_7606_bad_as4_path_not_merged),
		T(test_feed_7606_repeated_kept_first),
		T(test_feed_7606_missing_wellknown),
		T(test_feed_7606_unknown_attributes),
		T(test_feed_7606_strongest_wins),
		T(test_feed_update_family_not_negotiated),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	mrt_arena_free(&arena);
	return rc;
}
