// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_mrt.c - MRT record framing and record decoders
 * (user/bgp/mrt.c, user/bgp/mrtio.c): TABLE_DUMP, TABLE_DUMP_V2 with ADD-PATH and
 * RIB_GENERIC, BGP4MP / BGP4MP_ET, errors with file/record/offset,
 * keep_going, gzip and bzip2 input.  Records are built here field by field. */
#include <bzlib.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "rows.h"

#include "bgp/bgpdump_fmt.h"
#include "bgp/mrt.h"
#include "bgp/mrtbz2.h"
#include "bgp/mrtio.h"
#include "routes/rib.h"
#include "routes/routes_in.h"

/* ---- a byte buffer to build records in ---- */
struct b {
	uint8_t d[1U << 20]; /* a 65535-byte BGP message and then some */
	size_t n;
};
static void u8(struct b *b, unsigned int v)
{
	b->d[b->n++] = (uint8_t)v;
}
static void u16(struct b *b, unsigned int v)
{
	u8(b, v >> 8);
	u8(b, v);
}
static void u32(struct b *b, uint32_t v)
{
	u16(b, v >> 16);
	u16(b, v & 0xffff);
}
static void raw(struct b *b, const void *p, size_t n)
{
	if (n) /* p may be NULL then */
		memcpy(b->d + b->n, p, n);
	b->n += n;
}

/* MRT common header; the length is patched by end_rec() */
static size_t mrt_hdr(struct b *b, uint32_t ts, unsigned int type, unsigned int sub)
{
	u32(b, ts);
	u16(b, type);
	u16(b, sub);
	u32(b, 0);
	return b->n; /* body start */
}
static void end_rec(struct b *b, size_t body)
{
	uint32_t len = (uint32_t)(b->n - body);
	b->d[body - 4] = (uint8_t)(len >> 24);
	b->d[body - 3] = (uint8_t)(len >> 16);
	b->d[body - 2] = (uint8_t)(len >> 8);
	b->d[body - 1] = (uint8_t)len;
}
/* writes v big-endian at offset `at` (a length field written as 0 before) */
static void patch16(struct b *b, size_t at, size_t v)
{
	assert_true(v <= 0xffff);
	b->d[at] = (uint8_t)(v >> 8);
	b->d[at + 1] = (uint8_t)v;
}

#define T0 1506848880 /* 2017-10-01 09:08:00 UTC */

/* PEER_INDEX_TABLE: collector 198.51.100.250, view "v", two peers:
 * 0: IPv4 198.51.100.1 AS64496 (2-byte), 1: IPv6 2001:db8::1 AS4200000001 */
static void pit(struct b *b)
{
	size_t s = mrt_hdr(b, T0, MRT_TYPE_TABLE_DUMP_V2, MRT_TD2_PEER_INDEX_TABLE);
	raw(b, "\xc6\x33\x64\xfa", 4);				  /* collector BGP id */
	u16(b, 1);						  /* view name length */
	raw(b, "v", 1);						  /* view name */
	u16(b, 2);						  /* peer count */
	u8(b, 0);						  /* peer 0 type: IPv4, 2-byte AS */
	raw(b, "\xc6\x33\x64\x01", 4);				  /*   BGP id */
	raw(b, "\xc6\x33\x64\x01", 4);				  /*   198.51.100.1 */
	u16(b, 64496);						  /*   AS */
	u8(b, 3);						  /* peer 1 type: IPv6, 4-byte AS */
	raw(b, "\xc6\x33\x64\x02", 4);				  /*   BGP id */
	raw(b, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16); /* 2001:db8::1 */
	u32(b, 4200000001U);					  /*   AS */
	end_rec(b, s);
}

/* attributes: ORIGIN IGP, AS_PATH (4-byte) <peer_as> 4837 131279 */
static void attrs(struct b *b, uint32_t peer_as)
{
	u16(b, 4 + 3 + 2 + 12);	       /* attribute length */
	raw(b, "\x40\x01\x01\x00", 4); /* ORIGIN IGP */
	raw(b, "\x40\x02\x0e", 3);     /* AS_PATH, 14 bytes */
	u8(b, 2);		       /*   AS_SEQUENCE */
	u8(b, 3);		       /*   3 ASNs */
	u32(b, peer_as);
	u32(b, 4837);
	u32(b, 131279);
}

/* RIB_IPV4_UNICAST(_ADDPATH) 175.45.176.0/22 with one entry per peer index */
static void rib4(struct b *b, const uint16_t *peers, int n, int addpath)
{
	size_t s = mrt_hdr(b, T0, MRT_TYPE_TABLE_DUMP_V2,
			   addpath ? MRT_TD2_RIB_IPV4_UNICAST_ADDPATH : MRT_TD2_RIB_IPV4_UNICAST);
	u32(b, 7);		   /* sequence */
	u8(b, 22);		   /* prefix length */
	raw(b, "\xaf\x2d\xb0", 3); /* 175.45.176 */
	u16(b, n);		   /* entry count */
	for (int i = 0; i < n; i++) {
		u16(b, peers[i]); /* peer index */
		u32(b, T0 - 60);  /* originated */
		if (addpath)
			u32(b, 100 + i); /* path id */
		attrs(b, 64496 + i);
	}
	end_rec(b, s);
}

static struct mrt_reader *open_b(const struct b *b, bool keep_going)
{
	struct mrt_opts o = { .keep_going = keep_going };
	struct mrt_reader *r = mrt_open_mem(b->d, b->n, "rib.mrt", &o);
	assert_non_null(r);
	return r;
}

static void test_mrt_rejects_truncated_header(void **state)
{
	/* MRT header: time 2017-10-01 09:08:00 UTC | type 16 BGP4MP | subtype 4 | length cut off */
	static const uint8_t r0[] = { 0x59, 0xd0, 0xb0, 0x70, 0x00, 0x10, 0x00, 0x04, 0x00, 0x00 };
	struct mrt_reader *r = mrt_open_mem(r0, sizeof(r0), NULL, NULL);

	assert_null(mrt_next(r));
	assert_non_null(mrt_error(r));
	assert_int_equal(mrt_error(r)->offset, 0);
	assert_int_equal(mrt_error(r)->record_no, 1);
	assert_string_equal(mrt_error(r)->text,
			    "(memory): record 1 (offset 0): MRT header cut short: 10 of 12 bytes");
	mrt_close(r);
}

static void test_mrt_empty_input_is_clean_eof(void **state)
{
	struct mrt_reader *r = mrt_open_mem("", 0, NULL, NULL);

	assert_null(mrt_next(r));
	assert_null(mrt_error(r));
	assert_int_equal(mrt_stats(r)->records, 0);
	mrt_close(r);
}

static void test_mrt_peer_index_and_rib(void **state)
{
	static struct b b;
	uint16_t peers[] = { 0, 1 };
	const struct mrt_record *rec;

	b.n = 0;
	pit(&b);
	rib4(&b, peers, 2, 0);
	struct mrt_reader *r = open_b(&b, false);
	rec = mrt_next(r);
	assert_non_null(rec);
	assert_int_equal(rec->kind, MRT_REC_PEER_INDEX);
	assert_int_equal(rec->record_no, 1);
	assert_int_equal(rec->pit.n_peers, 2);
	assert_string_equal(rec->pit.view_name, "v");
	assert_int_equal(rec->pit.collector_id.a[3], 250);
	assert_int_equal(rec->pit.peers[0].asn, 64496);
	assert_int_equal(rec->pit.peers[0].asn_size, 2);
	assert_int_equal(rec->pit.peers[1].ip.family, 6);
	assert_int_equal(rec->pit.peers[1].asn, 4200000001U);

	rec = mrt_next(r);
	assert_non_null(rec);
	assert_int_equal(rec->kind, MRT_REC_RIB);
	assert_int_equal(rec->record_no, 2);
	assert_int_equal(rec->offset, 12 + 45); /* PIT record: header + 45-byte body */
	assert_int_equal(rec->timestamp, T0);
	assert_int_equal(rec->rib.seq, 7);
	assert_int_equal(rec->rib.prefix.len, 22);
	assert_int_equal(rec->rib.prefix.ip.a[2], 176);
	assert_int_equal(rec->rib.n_entries, 2);
	assert_false(rec->rib.addpath);
	assert_int_equal(rec->rib.entries[1].peer->asn, 4200000001U);
	assert_int_equal(rec->rib.entries[1].originated, T0 - 60);
	assert_int_equal(rec->rib.entries[0].attrs.as_path.asns[0], 64496);
	assert_int_equal(rec->rib.entries[1].attrs.as_path.asns[2], 131279);
	assert_null(mrt_next(r));
	assert_null(mrt_error(r));
	assert_int_equal(mrt_stats(r)->records, 2);
	mrt_close(r);
}

static void test_mrt_rib_addpath(void **state)
{
	static struct b b;
	uint16_t peers[] = { 1, 0, 1 };
	const struct mrt_record *rec;

	b.n = 0;
	pit(&b);
	rib4(&b, peers, 3, 1);
	struct mrt_reader *r = open_b(&b, false);
	mrt_next(r);
	rec = mrt_next(r);
	assert_non_null(rec);
	assert_true(rec->rib.addpath);
	assert_int_equal(rec->subtype, MRT_TD2_RIB_IPV4_UNICAST_ADDPATH);
	assert_true(rec->rib.entries[2].has_path_id);
	assert_int_equal(rec->rib.entries[2].path_id, 102);
	assert_int_equal(rec->rib.entries[2].peer_index, 1);
	mrt_close(r);
}

static void test_mrt_peer_index_out_of_range_keep_going(void **state)
{
	static struct b b;
	uint16_t bad[] = { 0, 2 }; /* peer 2 of 2 */
	uint16_t good[] = { 1 };
	const struct mrt_record *rec;

	b.n = 0;
	pit(&b);
	rib4(&b, bad, 2, 0);
	rib4(&b, good, 1, 0);
	struct mrt_reader *r = open_b(&b, false);
	mrt_next(r);
	assert_null(mrt_next(r));
	assert_non_null(
		strstr(mrt_error(r)->text,
		       "record 2 (offset 57): RIB entry 1: peer index 2 out of range (2 peers)"));
	mrt_close(r);

	r = open_b(&b, true); /* keep going: the bad record is skipped, counted */
	mrt_next(r);
	rec = mrt_next(r);
	assert_non_null(rec);
	assert_int_equal(rec->record_no, 3);
	assert_int_equal(rec->rib.entries[0].peer->asn, 4200000001U);
	assert_int_equal(mrt_stats(r)->bad_records, 1);
	assert_int_equal(mrt_last_skipped(r)->record_no, 2);
	assert_null(mrt_next(r));
	assert_null(mrt_error(r));
	mrt_close(r);
}

static void test_mrt_peer_index_repeated_replaces(void **state)
{
	static struct b b;
	uint16_t peers[] = { 0 };
	const struct mrt_record *rec;

	b.n = 0;
	pit(&b);
	/* a second table with a single peer 203.0.113.9 AS64511 */
	size_t s = mrt_hdr(&b, T0, MRT_TYPE_TABLE_DUMP_V2, MRT_TD2_PEER_INDEX_TABLE);
	raw(&b, "\xc6\x33\x64\xfa", 4); /* collector BGP id */
	u16(&b, 0);			/* no view name */
	u16(&b, 1);			/* 1 peer */
	u8(&b, 0);			/* IPv4, 2-byte AS */
	raw(&b, "\xcb\x00\x71\x09", 4); /* BGP id */
	raw(&b, "\xcb\x00\x71\x09", 4); /* 203.0.113.9 */
	u16(&b, 64511);
	end_rec(&b, s);
	rib4(&b, peers, 1, 0);
	struct mrt_reader *r = open_b(&b, false);
	mrt_next(r);
	mrt_next(r);
	rec = mrt_next(r);
	assert_non_null(rec);
	assert_int_equal(rec->rib.entries[0].peer->asn, 64511);
	assert_int_equal(mrt_peer_index(r)->n_peers, 1);
	assert_string_equal(mrt_peer_index(r)->view_name, "");
	mrt_close(r);
}

static void test_mrt_rib_generic_non_unicast_skipped(void **state)
{
	static struct b b;
	const struct mrt_record *rec;

	b.n = 0;
	pit(&b);
	size_t s = mrt_hdr(&b, T0, MRT_TYPE_TABLE_DUMP_V2, MRT_TD2_RIB_GENERIC);
	u32(&b, 1);  /* sequence */
	u16(&b, 1);  /* AFI IPv4 */
	u8(&b, 128); /* SAFI 128: MPLS VPN */
	u8(&b, 0);   /* (NLRI, not decoded) */
	end_rec(&b, s);
	struct mrt_reader *r = open_b(&b, false);
	mrt_next(r);
	rec = mrt_next(r);
	assert_non_null(rec);
	assert_int_equal(rec->kind, MRT_REC_OTHER);
	assert_int_equal(mrt_stats(r)->rib_generic_skipped, 1);
	mrt_close(r);
}

static void test_mrt_table_dump_v1(void **state)
{
	static struct b b;
	const struct mrt_record *rec;

	b.n = 0;
	size_t s = mrt_hdr(&b, T0, MRT_TYPE_TABLE_DUMP, MRT_TD1_AFI_IPV4);
	u16(&b, 0);				    /* view */
	u16(&b, 5);				    /* sequence */
	raw(&b, "\xcb\x00\x71\x00", 4);		    /* prefix 203.0.113.0 */
	u8(&b, 24);				    /* length */
	u8(&b, 1);				    /* status */
	u32(&b, T0 - 5);			    /* originated */
	raw(&b, "\xc6\x33\x64\x01", 4);		    /* peer 198.51.100.1 */
	u16(&b, 64496);				    /* peer AS (2 bytes) */
	u16(&b, 8);				    /* attribute length */
	raw(&b, "\x40\x02\x04\x02\x01\xfb\xf0", 7); /* AS_PATH 64496 (2-byte) */
	u8(&b, 0);				    /* one stray byte: attribute header cut */
	end_rec(&b, s);
	struct mrt_reader *r = open_b(&b, false);
	rec = mrt_next(r);
	assert_non_null(rec);
	assert_int_equal(rec->kind, MRT_REC_RIB);
	assert_int_equal(rec->rib.seq, 5);
	assert_int_equal(rec->rib.prefix.len, 24);
	assert_int_equal(rec->rib.n_entries, 1);
	assert_int_equal(rec->rib.entries[0].peer->asn, 64496);
	assert_int_equal(rec->rib.entries[0].originated, T0 - 5);
	assert_int_equal(rec->rib.entries[0].attrs.as_path.asns[0], 64496);
	assert_true(rec->rib.entries[0].attrs.truncated);
	mrt_close(r);
}

/* BGP4MP(_ET) header: peer/local AS (2 or 4 bytes), ifindex, AFI IPv4,
 * peer 198.51.100.1, local 198.51.100.254 */
static void b4mp_head(struct b *b, int as4)
{
	if (as4) {
		u32(b, 4200000001U); /* peer AS */
		u32(b, 64511);	     /* local AS */
	} else {
		u16(b, 64496);
		u16(b, 64511);
	}
	u16(b, 3);		       /* ifindex */
	u16(b, 1);		       /* AFI IPv4 */
	raw(b, "\xc6\x33\x64\x01", 4); /* peer IP */
	raw(b, "\xc6\x33\x64\xfe", 4); /* local IP */
}

/* BGP4MP record (AS4 subtypes) and the BGP header of an UPDATE, up to its
 * withdrawn routes length; *rec: the record body start for end_rec().
 * Returns where the BGP length field is, for update_end(). */
static size_t update_start(struct b *b, unsigned int sub, size_t *rec)
{
	*rec = mrt_hdr(b, T0, MRT_TYPE_BGP4MP, sub);
	b4mp_head(b, sub == MRT_BGP4MP_MESSAGE_AS4 || sub == MRT_BGP4MP_MESSAGE_AS4_ADDPATH);
	for (int i = 0; i < 16; i++)
		u8(b, 0xff); /* marker */
	size_t at = b->n;
	u16(b, 0); /* BGP length, set by update_end() */
	u8(b, BGP_MSG_UPDATE);
	return at;
}
static void update_end(struct b *b, size_t rec, size_t at)
{
	patch16(b, at, b->n - (at - 16)); /* from the marker on */
	end_rec(b, rec);
}
/* An UPDATE with no withdrawn routes, up to its path attributes, which the
 * caller writes; returns where their length goes, for len_end() */
static size_t update_attrs(struct b *b, unsigned int sub, size_t *rec, size_t *at)
{
	*at = update_start(b, sub, rec);
	u16(b, 0); /* no withdrawn routes */
	u16(b, 0); /* path attribute length, set by len_end() */
	return b->n - 2;
}
/* sets the 2-byte length field at `at` to what follows it */
static void len_end(struct b *b, size_t at)
{
	patch16(b, at, b->n - at - 2);
}
/* an attribute header with the extended-length flag; attr_end() sets the length */
static size_t attr_start(struct b *b, unsigned int flags, unsigned int type)
{
	u8(b, flags | 0x10);
	u8(b, type);
	u16(b, 0);
	return b->n;
}
static void attr_end(struct b *b, size_t start)
{
	patch16(b, start - 2, b->n - start);
}
static const uint8_t origin_igp[] = { 0x40, 0x01, 0x01, 0x00 }; /* ORIGIN IGP */

/* ORIGIN IGP and an AS_PATH of 4-byte ASNs: 4200000001 20485 131279 */
static void short_attrs(struct b *b)
{
	raw(b, origin_igp, sizeof(origin_igp));
	raw(b, "\x40\x02\x0e", 3); /* AS_PATH, 14 bytes */
	u8(b, 2);		   /*   AS_SEQUENCE */
	u8(b, 3);		   /*   3 ASNs */
	u32(b, 4200000001U);
	u32(b, 20485);
	u32(b, 131279);
	raw(b, "\x40\x03\x04\xc6\x33\x64\x01", 7); /* NEXT_HOP 198.51.100.1 */
}

/* Prints the records of b as `bgpdump -m` does; returns the text (free it),
 * its line count and what the last record's lines left out. */
static char *print_b(const struct b *b, bool compat, bool full, size_t *lines,
		     struct bgpdump_cuts *cuts)
{
	struct mrt_opts o = { .bgpdump_compat = compat };
	struct bgpdump_opts bo = { .full = full };
	struct mrt_reader *r = mrt_open_mem(b->d, b->n, "big.mrt", &o);
	const struct mrt_record *rec;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	struct bgpdump_fmt *f = bgpdump_fmt_new(out, &bo);

	assert_non_null(r);
	assert_non_null(f);
	memset(cuts, 0, sizeof(*cuts));
	while ((rec = mrt_next(r))) {
		assert_int_equal(bgpdump_fmt_record(f, rec), 0);
		*cuts = *bgpdump_fmt_cuts(f);
	}
	assert_null(mrt_error(r));
	assert_int_equal(bgpdump_fmt_free(f), 0);
	fclose(out);
	mrt_close(r);
	*lines = 0;
	for (size_t i = 0; i < len; i++)
		*lines += text[i] == '\n';
	return text;
}

/* 4096 IPv6 /64s withdrawn in MP_UNREACH_NLRI: an RFC 8654 extended UPDATE
 * of 36,894 bytes.  bgpdump -m prints 4096 W lines; so must the printer,
 * and the reader must return them all (a lost withdrawal is a stale route). */
static void test_mrt_extended_update_4096_withdrawals(void **state)
{
	static struct b b;
	const struct mrt_record *rec;
	struct bgpdump_cuts cuts;
	size_t s, at, al, a, lines;

	b.n = 0;
	al = update_attrs(&b, MRT_BGP4MP_MESSAGE_AS4, &s, &at);
	a = attr_start(&b, 0x80, BGP_ATTR_MP_UNREACH_NLRI);
	u16(&b, BGP_AFI_IPV6);
	u8(&b, BGP_SAFI_UNICAST);
	for (uint32_t i = 0; i < 4096; i++) {
		u8(&b, 64);	     /* /64 */
		u32(&b, 0x20010db8); /* 2001:db8: */
		u32(&b, i);	     /*   i>>16 : i&0xffff */
	}
	attr_end(&b, a);
	len_end(&b, al);
	update_end(&b, s, at);
	for (int compat = 0; compat < 2; compat++) {
		struct mrt_opts o = { .bgpdump_compat = compat };
		struct mrt_reader *r = mrt_open_mem(b.d, b.n, "ext.mrt", &o);
		rec = mrt_next(r);
		assert_non_null(rec);
		assert_int_equal(rec->bgp4mp.msg.len, 36894);
		assert_int_equal(rec->bgp4mp.msg.update.attrs.mp_unreach.n_withdrawn, 4096);
		assert_int_equal(rec->bgp4mp.msg.update.attrs.mp_unreach.withdrawn[4095].ip.a[7],
				 0xff);
		mrt_close(r);
	}
	char *text = print_b(&b, true, false, &lines, &cuts);
	assert_int_equal(lines, 4096);
	assert_int_equal(cuts.prefixes, 0);
	assert_non_null(strstr(text, "|W|198.51.100.1|4200000001|2001:db8:0:fff::/64\n"));
	free(text);
}

/* IPv4 withdrawn routes filling a 65535-byte UPDATE with n /32s: bgpdump
 * prints 8192 of a longer list (Debian's 1.6.2-2, measured), and so does
 * the printer, saying so; with opts.full it prints them all. */
static void prefix_list_update(struct b *b, uint32_t n)
{
	size_t s, at;

	b->n = 0;
	at = update_start(b, MRT_BGP4MP_MESSAGE_AS4, &s);
	u16(b, 5 * n); /* withdrawn routes length */
	for (uint32_t i = 0; i < n; i++) {
		u8(b, 32);		 /* /32 */
		u32(b, 0xc6120000U + i); /* in 198.18.0.0/15 */
	}
	u16(b, 0); /* no attributes, no NLRI */
	update_end(b, s, at);
}

static void test_mrt_print_prefix_list_cut_as_bgpdump(void **state)
{
	static struct b b;
	struct bgpdump_cuts cuts;
	size_t lines;
	char *text;

	prefix_list_update(&b, 8192); /* at the limit: all printed, no cut */
	free(print_b(&b, true, false, &lines, &cuts));
	assert_int_equal(lines, 8192);
	assert_int_equal(cuts.prefixes, 0);
	prefix_list_update(&b, 13100); /* past it: a 65519-byte message */
	text = print_b(&b, true, false, &lines, &cuts);
	assert_int_equal(lines, 8192);
	assert_int_equal(cuts.prefixes, 13100);
	assert_non_null(strstr(text, "|198.18.31.255/32\n")); /* prefix 8191 */
	assert_null(strstr(text, "|198.18.32.0/32\n"));	      /* prefix 8192 */
	free(text);
	text = print_b(&b, true, true, &lines, &cuts);
	assert_int_equal(lines, 13100);
	assert_int_equal(cuts.prefixes, 0);
	free(text);
}

/* Field k (0-based) of a '|'-separated line: its start; *len its length. */
static const char *field(const char *line, int k, size_t *len)
{
	for (; k; k--)
		line = strchr(line, '|') + 1;
	*len = strcspn(line, "|\n");
	return line;
}
static size_t count_str(const char *s, size_t len, const char *what)
{
	size_t n = 0, wl = strlen(what);

	for (const char *p = s; (p = memmem(p, len - (size_t)(p - s), what, wl)); p += wl)
		n++;
	return n;
}

/* A 2-byte-ASN UPDATE whose AS_PATH and AS4_PATH are longer than the 7900
 * characters bgpdump prints.  bgpdump counts a path's ASes while it builds
 * its text, so it counts only the segments its text reached: the AS4_PATH
 * of 900 ASNs counts 750 (three segments of 250), and its merge copies
 * AS_PATH's first segment (64496) 1500 - 750 times (Debian's bgpdump prints
 * 750 "64496", measured). */
static void test_mrt_print_as4_merge_of_long_paths(void **state)
{
	static struct b b;
	struct bgpdump_cuts cuts;
	size_t s, at, al, a, lines, n;
	const char *path;
	char *text;

	b.n = 0;
	al = update_attrs(&b, MRT_BGP4MP_MESSAGE, &s, &at);
	raw(&b, origin_igp, sizeof(origin_igp));
	a = attr_start(&b, 0x40, BGP_ATTR_AS_PATH);
	u8(&b, 2); /* AS_SEQUENCE of 1: 64496 */
	u8(&b, 1);
	u16(&b, 64496);
	for (int seg = 0; seg < 6; seg++) { /* 1499 AS_TRANS: 5 x 250 + 249 */
		u8(&b, 2);
		u8(&b, seg < 5 ? 250 : 249);
		for (int i = 0; i < (seg < 5 ? 250 : 249); i++)
			u16(&b, 23456);
	}
	attr_end(&b, a);
	a = attr_start(&b, 0xc0, BGP_ATTR_AS4_PATH);
	for (int seg = 0; seg < 4; seg++) { /* 900 ASNs: 250, 250, 250, 150 */
		u8(&b, 2);
		u8(&b, seg < 3 ? 250 : 150);
		for (int i = 0; i < (seg < 3 ? 250 : 150); i++)
			u32(&b, 4200000000U + (uint32_t)(250 * seg + i));
	}
	attr_end(&b, a);
	raw(&b, "\x40\x03\x04\xc6\x33\x64\x01", 7); /* NEXT_HOP 198.51.100.1 */
	len_end(&b, al);
	raw(&b, "\x16\xaf\x2d\xb0", 4); /* NLRI 175.45.176.0/22 */
	update_end(&b, s, at);

	text = print_b(&b, true, false, &lines, &cuts);
	assert_int_equal(lines, 1);
	path = field(text, 6, &n);
	assert_int_equal(count_str(path, n, "64496 "), 750);
	assert_memory_equal(path + 750 * 6, "4200000000 4200000001 ", 22);
	assert_memory_equal(path + n - 3, "...", 3);
	assert_true(n < 7920);
	assert_int_equal(cuts.aspath_asns, 750 + 900);
	free(text);
	/* whole: bgpdump's merge without its cut counts all 900 of AS4_PATH */
	text = print_b(&b, true, true, &lines, &cuts);
	path = field(text, 6, &n);
	assert_int_equal(count_str(path, n, "64496 "), 600);
	assert_int_equal(n, 600 * 6 + 900 * 11 - 1);
	assert_memory_equal(path + n - 10, "4200000899", 10);
	assert_int_equal(cuts.aspath_asns, 0);
	free(text);
}

/* COMMUNITIES filling most of a 65535-byte UPDATE: bgpdump builds their
 * text in an 8192-byte buffer and drops what does not fit */
static void test_mrt_print_communities_past_bgpdump_buffer(void **state)
{
	static struct b b;
	struct bgpdump_cuts cuts;
	size_t s, at, al, a, lines, n;
	const char *comm;
	char *text;

	b.n = 0;
	al = update_attrs(&b, MRT_BGP4MP_MESSAGE_AS4, &s, &at);
	short_attrs(&b);
	a = attr_start(&b, 0xc0, BGP_ATTR_COMMUNITIES);
	for (uint32_t i = 0; i < 16000; i++)
		u32(&b, (64496U + i % 16) << 16 | (i & 0xffff)); /* 64496+i%16 : i */
	attr_end(&b, a);
	len_end(&b, al);
	raw(&b, "\x16\xaf\x2d\xb0", 4); /* NLRI 175.45.176.0/22 */
	update_end(&b, s, at);

	text = print_b(&b, true, false, &lines, &cuts);
	comm = field(text, 11, &n);
	assert_int_equal(n, 8191 - 1); /* bgpdump's buffer less its leading space */
	assert_memory_equal(comm, "64496:0 64497:1 ", 16);
	assert_int_equal(cuts.communities, 16000);
	free(text);
	text = print_b(&b, true, true, &lines, &cuts);
	comm = field(text, 11, &n);
	assert_int_equal(count_str(comm, n, " ") + 1, 16000);
	assert_memory_equal(comm + n - 11, "64511:15999", 11); /* the last */
	assert_int_equal(cuts.communities, 0);
	free(text);
}

/* A BGP4MP_MESSAGE_AS4 UPDATE of the given fields (withdrawn routes, path
 * attributes, NLRI), each given as bytes */
static void update(struct b *b, const void *wd, size_t wdlen, const void *attrs, size_t alen,
		   const void *nlri, size_t nlen)
{
	size_t s, at = update_start(b, MRT_BGP4MP_MESSAGE_AS4, &s);

	u16(b, wdlen);
	raw(b, wd, wdlen);
	u16(b, alen);
	raw(b, attrs, alen);
	raw(b, nlri, nlen);
	update_end(b, s, at);
}

/* A prefix longer than its family allows inside an UPDATE: as in a
 * TABLE_DUMP_V2 RIB record, an error naming the record (it and every prefix
 * after it would be lost), skipped and counted under keep_going.  Only the
 * bgpdump-compatible reading keeps it, as bgpdump prints it. */
static void test_mrt_bgp4mp_prefix_too_long_is_error(void **state)
{
	static struct b b;
	static const uint8_t nlri[] = {
		22, 175, 45, 176,	/* 175.45.176.0/22 */
		33, 198, 51, 100, 7, 0, /* /33: too long for IPv4 */
		24, 175, 45, 177,	/* 175.45.177.0/24 */
	};
	static const uint8_t good[] = { 24, 175, 45, 178 }; /* 175.45.178.0/24 */
	const struct mrt_record *rec;
	struct mrt_reader *r;

	b.n = 0;
	update(&b, NULL, 0, origin_igp, sizeof(origin_igp), nlri, sizeof(nlri));
	update(&b, NULL, 0, origin_igp, sizeof(origin_igp), good, sizeof(good));
	r = open_b(&b, false);
	assert_null(mrt_next(r));
	assert_string_equal(mrt_error(r)->text,
			    "rib.mrt: record 1 (offset 0): NLRI: prefix at byte 4 "
			    "of 14 has length 33 (at most 32)");
	assert_int_equal(mrt_stats(r)->bad_records, 1);
	mrt_close(r);
	r = open_b(&b, true);
	rec = mrt_next(r);
	assert_non_null(rec);
	assert_int_equal(rec->record_no, 2);
	assert_int_equal(rec->bgp4mp.msg.update.n_nlri, 1);
	assert_int_equal(mrt_stats(r)->bad_records, 1);
	assert_int_equal(mrt_last_skipped(r)->record_no, 1);
	mrt_close(r);
	struct mrt_opts o = { .bgpdump_compat = true };
	r = mrt_open_mem(b.d, b.n, "rib.mrt", &o);
	rec = mrt_next(r);
	assert_non_null(rec);
	assert_int_equal(rec->bgp4mp.msg.update.n_nlri, 3);
	assert_int_equal(rec->bgp4mp.msg.update.nlri[1].len, 33);
	mrt_close(r);
}

/* Other faults that would lose prefixes, each an error naming the record:
 * a cut prefix in MP_UNREACH_NLRI, an MP_REACH_NLRI cut in its next hop,
 * an attribute running past the attribute block (what follows it, here an
 * MP_UNREACH_NLRI, is never read). */
static void test_mrt_bgp4mp_faults_that_lose_prefixes(void **state)
{
	static const uint8_t unreach[] = {
		0x80, 15,   9,		      /* MP_UNREACH_NLRI, 9 bytes */
		0,    2,    1,		      /*   AFI IPv6, SAFI unicast */
		32,   0x20, 0x01, 0x0d, 0xb8, /*   2001:db8::/32 */
		64,			      /*   a /64 with no bytes */
	};
	static const uint8_t reach[] = {
		0x80, 14,   8,		/* MP_REACH_NLRI, 8 bytes */
		0,    2,    1,		/*   AFI IPv6, SAFI unicast */
		16,			/*   next hop of 16 bytes ... */
		0x20, 0x01, 0x0d, 0xb8, /*   ... 4 of them there */
	};
	static const uint8_t past[] = {
		0x40, 1,  5, 0, /* ORIGIN claiming 5 bytes, 4 left in the block */
		0x80, 15, 0,	/* (the MP_UNREACH_NLRI it hides) */
	};
	static const struct {
		const uint8_t *attrs;
		size_t len;
		const char *msg;
	} cases[] = {
		{ unreach, sizeof(unreach),
		  "MP_UNREACH_NLRI: prefix at byte 5 of 6 is cut: /64 needs 8 bytes, 0 left" },
		{ reach, sizeof(reach), "MP_REACH_NLRI of 8 bytes is cut in its next hop" },
		{ past, sizeof(past),
		  "path attribute at byte 0 of 7 (type 1) runs past the block" },
	};
	const size_t n = sizeof(cases) / sizeof(cases[0]);
	struct mrt_opts compat = { .bgpdump_compat = true };
	struct rows rs = { 0 };
	static struct b b;

	for (size_t i = 0; i < n; i++) {
		struct mrt_reader *r;
		const struct mrt_error *e;

		b.n = 0;
		update(&b, NULL, 0, cases[i].attrs, cases[i].len, NULL, 0);
		r = open_b(&b, false);
		if (mrt_next(r) || !(e = mrt_error(r)))
			row_wrong(&rs, i, cases[i].msg, "read without an error");
		else if (strcmp(e->msg, cases[i].msg) || e->record_no != 1)
			row_wrong(&rs, i, cases[i].msg, "error \"%s\" in record %llu", e->msg,
				  (unsigned long long)e->record_no);
		mrt_close(r);
		/* bgpdump's reading returns the record */
		r = mrt_open_mem(b.d, b.n, "x", &compat);
		if (!mrt_next(r))
			row_wrong(&rs, i, cases[i].msg, "bgpdump's reading: no record");
		mrt_close(r);
	}
	rows_done(&rs, n);
}

/* An AS_PATH attribute (extended length) of n 4-byte ASNs in AS_SEQUENCEs of
 * 250: `first`, then 4200000000 + i, and `transit` `origin` last. */
static void long_aspath(struct b *b, uint32_t n, uint32_t first, uint32_t transit, uint32_t origin)
{
	size_t a = attr_start(b, 0x40, BGP_ATTR_AS_PATH);

	for (uint32_t i = 0; i < n; i += 250) {
		uint32_t k = n - i < 250 ? n - i : 250;
		u8(b, 2); /* AS_SEQUENCE */
		u8(b, k); /* of k ASNs */
		for (uint32_t j = i; j < i + k; j++)
			u32(b, j == 0	    ? first
			       : j == n - 2 ? transit
			       : j == n - 1 ? origin
					    : 4200000000U + j);
	}
	attr_end(b, a);
}

static const struct rt_entry *find_route(const struct rtable *t, uint8_t plen, uint8_t third)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].plen == plen && t->v[i].addr[0] == 175 && t->v[i].addr[2] == third)
			return &t->v[i];
	fail_msg("no route for 175.45.%u.0/%u", third, plen);
	return NULL;
}

/* AS paths longer than 1024 ASNs (legal: AS_PATH segments repeat), in a
 * TABLE_DUMP_V2 entry and an UPDATE, loaded as `asclass rib` and `routes
 * load` load MRT: the origin is the path's last AS, the transit the one
 * before (not the 1024th AS). */
static void test_mrt_long_as_path_origin_in_routes(void **state)
{
	static struct b b;
	char path[] = "/tmp/test_mrt_XXXXXX";
	const char *files[] = { path };
	struct routes_opts o = { .format = ROUTES_MRT };
	struct rtable t = { 0 };
	size_t s, at, al;
	int fd;

	b.n = 0;
	pit(&b);
	s = mrt_hdr(&b, T0, MRT_TYPE_TABLE_DUMP_V2, MRT_TD2_RIB_IPV4_UNICAST);
	u32(&b, 1);		    /* sequence */
	u8(&b, 22);		    /* 175.45.176.0/22 */
	raw(&b, "\xaf\x2d\xb0", 3); /*   175.45.176 */
	u16(&b, 1);		    /* one entry */
	u16(&b, 0);		    /*   peer 0 */
	u32(&b, T0 - 60);	    /*   originated */
	al = b.n;
	u16(&b, 0); /*   attribute length, set below */
	raw(&b, origin_igp, sizeof(origin_igp));
	long_aspath(&b, 1100, 64496, 20485, 131279);
	len_end(&b, al);
	end_rec(&b, s);
	al = update_attrs(&b, MRT_BGP4MP_MESSAGE_AS4, &s, &at);
	raw(&b, origin_igp, sizeof(origin_igp));
	long_aspath(&b, 3000, 4200000001U, 3356, 64500);
	raw(&b, "\x40\x03\x04\xc6\x33\x64\x01", 7); /* NEXT_HOP 198.51.100.1 */
	len_end(&b, al);
	raw(&b, "\x18\xaf\x2d\xb1", 4); /* NLRI 175.45.177.0/24 */
	update_end(&b, s, at);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b.d, b.n), (ssize_t)b.n);
	close(fd);

	assert_int_equal(routes_read(files, 1, &o, &t, NULL, NULL), 0);
	assert_int_equal(t.n, 2);
	assert_int_equal(find_route(&t, 22, 176)->route.origin_asn, 131279);
	assert_int_equal(find_route(&t, 22, 176)->route.transit_asn, 20485);
	assert_int_equal(find_route(&t, 22, 176)->route.peer_asn, 64496);
	assert_int_equal(find_route(&t, 24, 177)->route.origin_asn, 64500);
	assert_int_equal(find_route(&t, 24, 177)->route.transit_asn, 3356);
	rtable_free(&t);
	unlink(path);
}

static void test_mrt_bgp4mp_et_state_change(void **state)
{
	static struct b b;
	const struct mrt_record *rec;

	b.n = 0;
	size_t s = mrt_hdr(&b, T0, MRT_TYPE_BGP4MP_ET, MRT_BGP4MP_STATE_CHANGE_AS4);
	u32(&b, 123456); /* microseconds */
	b4mp_head(&b, 1);
	u16(&b, BGP_STATE_OPENCONFIRM); /* old state */
	u16(&b, BGP_STATE_ESTABLISHED); /* new state */
	end_rec(&b, s);
	struct mrt_reader *r = open_b(&b, false);
	rec = mrt_next(r);
	assert_non_null(rec);
	assert_int_equal(rec->kind, MRT_REC_BGP4MP_STATE);
	assert_int_equal(rec->microseconds, 123456);
	assert_int_equal(rec->body_len, 24);
	assert_int_equal(rec->bgp4mp.peer_asn, 4200000001U);
	assert_int_equal(rec->bgp4mp.local_asn, 64511);
	assert_int_equal(rec->bgp4mp.ifindex, 3);
	assert_int_equal(rec->bgp4mp.peer_ip.a[3], 1);
	assert_int_equal(rec->bgp4mp.old_state, 5);
	assert_int_equal(rec->bgp4mp.new_state, 6);
	mrt_close(r);
}

static void test_mrt_bgp4mp_update_addpath(void **state)
{
	static struct b b;
	const struct mrt_record *rec;

	b.n = 0;
	size_t s = mrt_hdr(&b, T0, MRT_TYPE_BGP4MP, MRT_BGP4MP_MESSAGE_AS4_ADDPATH);
	b4mp_head(&b, 1);
	for (int i = 0; i < 16; i++)
		u8(&b, 0xff);	     /* marker */
	u16(&b, 19 + 2 + 2 + 4 + 8); /* BGP length */
	u8(&b, BGP_MSG_UPDATE);
	u16(&b, 0);			/* no withdrawn routes */
	u16(&b, 4);			/* attribute length */
	raw(&b, "\x40\x01\x01\x00", 4); /* ORIGIN IGP */
	u32(&b, 9);			/* path id 9 */
	raw(&b, "\x16\xaf\x2d\xb0", 4); /* 175.45.176.0/22 */
	end_rec(&b, s);
	struct mrt_reader *r = open_b(&b, false);
	rec = mrt_next(r);
	assert_non_null(rec);
	assert_int_equal(rec->kind, MRT_REC_BGP4MP_MESSAGE);
	assert_true(rec->bgp4mp.addpath);
	assert_false(rec->bgp4mp.local);
	assert_int_equal(rec->bgp4mp.asn_size, 4);
	assert_int_equal(rec->bgp4mp.msg.type, BGP_MSG_UPDATE);
	assert_int_equal(rec->bgp4mp.msg.update.n_nlri, 1);
	assert_int_equal(rec->bgp4mp.msg.update.nlri[0].path_id, 9);
	assert_int_equal(rec->bgp4mp.msg.update.nlri[0].len, 22);
	mrt_close(r);
}

/* ---- records that are errors, one per row ---- */

static void rib_without_pit(struct b *b)
{
	uint16_t peers[] = { 0 };

	rib4(b, peers, 1, 0); /* no PEER_INDEX_TABLE before it */
}

static void pit_cut(struct b *b)
{
	pit(b);
	b->d[11] -= 10; /* record length 10 bytes short: the second peer is cut */
	b->n -= 10;
}

static void bgp4mp_past_record(struct b *b)
{
	size_t s = mrt_hdr(b, T0, MRT_TYPE_BGP4MP, MRT_BGP4MP_MESSAGE);

	b4mp_head(b, 0);
	for (int i = 0; i < 16; i++)
		u8(b, 0xff); /* marker */
	u16(b, 4096);	     /* BGP length 4096, far past the record */
	u8(b, BGP_MSG_KEEPALIVE);
	end_rec(b, s);
}

static void bgp4mp_bad_afi(struct b *b)
{
	size_t s = mrt_hdr(b, T0, MRT_TYPE_BGP4MP, MRT_BGP4MP_MESSAGE);

	u16(b, 64496); /* peer AS */
	u16(b, 64511); /* local AS */
	u16(b, 0);     /* ifindex */
	u16(b, 7);     /* AFI 7: unknown */
	end_rec(b, s);
}

/* Each input ends the stream with an error naming its record. */
static const struct decode_row {
	void (*build)(struct b *b);
	const char *text; /* mrt_error()->text */
} decode_rows[] = {
	{ rib_without_pit, "rib.mrt: record 1 (offset 0): RIB record before any PEER_INDEX_TABLE" },
	{ pit_cut, "rib.mrt: record 1 (offset 0): PEER_INDEX_TABLE cut in peer 1 of 2" },
	{ bgp4mp_past_record,
	  "rib.mrt: record 1 (offset 0): BGP4MP length 4096 exceeds record length 19" },
	{ bgp4mp_bad_afi,
	  "rib.mrt: record 1 (offset 0): BGP4MP address family 7 is not IPv4 (1) or IPv6 (2)" },
};

static void test_mrt_decode_errors(void **state)
{
	const size_t n = sizeof(decode_rows) / sizeof(decode_rows[0]);
	struct rows rs = { 0 };
	static struct b b;

	for (size_t i = 0; i < n; i++) {
		const struct decode_row *row = &decode_rows[i];
		struct mrt_reader *r;

		b.n = 0;
		row->build(&b);
		r = open_b(&b, false);
		if (mrt_next(r) || !mrt_error(r))
			row_wrong(&rs, i, row->text, "read without an error");
		else if (strcmp(mrt_error(r)->text, row->text))
			row_wrong(&rs, i, row->text, "error \"%s\"", mrt_error(r)->text);
		else if (mrt_stats(r)->bad_records != 1)
			row_wrong(&rs, i, row->text, "%llu bad records, want 1",
				  (unsigned long long)mrt_stats(r)->bad_records);
		mrt_close(r);
	}
	rows_done(&rs, n);
}

static void test_mrt_record_length_limit(void **state)
{
	static struct b b;
	struct mrt_opts o = { .max_record_len = 100 };

	b.n = 0;
	mrt_hdr(&b, T0, MRT_TYPE_BGP4MP, MRT_BGP4MP_MESSAGE);
	b.d[8] = 0x10; /* length 0x10000000 */
	struct mrt_reader *r = mrt_open_mem(b.d, b.n, "big.mrt", &o);
	assert_null(mrt_next(r));
	assert_non_null(strstr(mrt_error(r)->msg, "exceeds the limit of 100 bytes"));
	mrt_close(r);
	/* at the limit a record reads; one byte past it is an error naming it */
	b.n = 0;
	size_t s = mrt_hdr(&b, T0, 99, 0); /* type 99: not decoded */
	b.n += 100;
	end_rec(&b, s);
	s = mrt_hdr(&b, T0, 99, 0);
	b.n += 101;
	end_rec(&b, s);
	r = mrt_open_mem(b.d, b.n, "big.mrt", &o);
	assert_non_null(mrt_next(r));
	assert_null(mrt_next(r));
	assert_string_equal(mrt_error(r)->text, "big.mrt: record 2 (offset 112): MRT length 101 "
						"exceeds the limit of 100 bytes");
	mrt_close(r);
}

/* The counts TABLE_DUMP_V2 allows, at their limits: 65535 peers (the
 * last, index 65534, named by an entry), and 65535 entries in one RIB
 * record.  Nothing in the reader is smaller. */
static void test_mrt_peer_and_entry_counts_at_limit(void **state)
{
	static struct b b;
	const struct mrt_record *rec;
	struct mrt_reader *r;
	size_t s;

	b.n = 0;
	s = mrt_hdr(&b, T0, MRT_TYPE_TABLE_DUMP_V2, MRT_TD2_PEER_INDEX_TABLE);
	raw(&b, "\xc6\x33\x64\xfa", 4); /* collector BGP id */
	u16(&b, 0);			/* no view name */
	u16(&b, 65535);			/* peer count */
	for (uint32_t i = 0; i < 65535; i++) {
		u8(&b, 0);		  /* IPv4, 2-byte AS */
		u32(&b, 0xc6120000U + i); /*   BGP id */
		u32(&b, 0xc6120000U + i); /*   198.18.x.y */
		u16(&b, 64496 + i % 16);  /*   AS */
	}
	end_rec(&b, s);
	uint16_t peers[] = { 0, 65534 };
	rib4(&b, peers, 2, 0);
	r = open_b(&b, false);
	rec = mrt_next(r);
	assert_non_null(rec);
	assert_int_equal(rec->pit.n_peers, 65535);
	rec = mrt_next(r);
	assert_non_null(rec);
	assert_int_equal(rec->rib.entries[1].peer_index, 65534);
	assert_int_equal(rec->rib.entries[1].peer->ip.a[2], 0xff); /* 198.18.255.254 */
	assert_int_equal(rec->rib.entries[1].peer->ip.a[3], 0xfe);
	assert_int_equal(rec->rib.entries[1].peer->asn, 64496 + 65534 % 16);
	mrt_close(r);

	b.n = 0;
	pit(&b);
	s = mrt_hdr(&b, T0, MRT_TYPE_TABLE_DUMP_V2, MRT_TD2_RIB_IPV4_UNICAST);
	u32(&b, 1);		    /* sequence */
	u8(&b, 22);		    /* 175.45.176.0/22 */
	raw(&b, "\xaf\x2d\xb0", 3); /*   175.45.176 */
	u16(&b, 65535);		    /* entry count */
	for (uint32_t i = 0; i < 65535; i++) {
		u16(&b, i & 1);	 /* peer index */
		u32(&b, T0 - i); /* originated */
		u16(&b, 4);	 /* attribute length */
		raw(&b, origin_igp, sizeof(origin_igp));
	}
	end_rec(&b, s);
	r = open_b(&b, false);
	mrt_next(r);
	rec = mrt_next(r);
	assert_non_null(rec);
	assert_int_equal(rec->rib.n_entries, 65535);
	assert_int_equal(rec->rib.entries[65534].originated, T0 - 65534);
	assert_int_equal(rec->rib.entries[65534].peer->asn, 64496);
	mrt_close(r);
}

/* An UPDATE of 65535 bytes, the most RFC 8654 allows: a withdrawn routes
 * field of 13102 /32s and a /8 (65512 bytes).  The reader returns all
 * 13103; the printer prints 8192 as bgpdump does, and all with full. */
static void test_mrt_update_of_65535_bytes(void **state)
{
	static struct b b;
	const struct mrt_record *rec;
	struct bgpdump_cuts cuts;
	size_t lines;

	size_t s, at;

	b.n = 0;
	at = update_start(&b, MRT_BGP4MP_MESSAGE_AS4, &s);
	u16(&b, 65512); /* withdrawn routes length */
	for (uint32_t i = 0; i < 13102; i++) {
		u8(&b, 32);		  /* /32 */
		u32(&b, 0xc6120000U + i); /* in 198.18.0.0/15 */
	}
	u8(&b, 8);  /* 10.0.0.0/8 */
	u8(&b, 10); /*   10 */
	u16(&b, 0); /* no attributes, no NLRI */
	update_end(&b, s, at);
	struct mrt_reader *r = open_b(&b, false);
	rec = mrt_next(r);
	assert_non_null(rec);
	assert_int_equal(rec->bgp4mp.msg.len, 65535);
	assert_int_equal(rec->bgp4mp.msg.update.n_withdrawn, 13103);
	assert_int_equal(rec->bgp4mp.msg.update.withdrawn[13102].len, 8);
	mrt_close(r);
	free(print_b(&b, true, false, &lines, &cuts));
	assert_int_equal(lines, 8192);
	assert_int_equal(cuts.prefixes, 13103);
	free(print_b(&b, true, true, &lines, &cuts));
	assert_int_equal(lines, 13103);
}

/* An error names the file whatever its name's length: a name mrt_open()
 * can open (PATH_MAX) whole; a longer one given to mrt_open_mem() by its
 * start and end, the place and message never cut. */
static void test_mrt_error_text_keeps_place(void **state)
{
	static const uint8_t r0[] = { 0x59, 0xd0, 0xb0, 0x70, 0x00, 0x10 }; /* header cut */
	static char name[6000];
	char want[300];

	for (size_t len = 4095; len <= 5000; len += 905) {
		memset(name, 'a', len);
		name[len] = 0;
		name[len - 1] = 'z';
		struct mrt_reader *r = mrt_open_mem(r0, sizeof(r0), name, NULL);
		assert_null(mrt_next(r));
		const char *t = mrt_error(r)->text;
		snprintf(want, sizeof(want),
			 "z: record 1 (offset 0): MRT header cut short: 6 of 12 bytes");
		assert_string_equal(t + strlen(t) - strlen(want), want);
		assert_int_equal(strlen(t), (len < 4096 ? len : 4096 - 3) + strlen(want) - 1);
		mrt_close(r);
	}
}

static void test_mrt_unknown_type_is_other(void **state)
{
	static struct b b;
	const struct mrt_record *rec;

	b.n = 0;
	size_t s = mrt_hdr(&b, T0, 99, 1); /* type 99 */
	u32(&b, 0);
	end_rec(&b, s);
	struct mrt_reader *r = open_b(&b, false);
	rec = mrt_next(r);
	assert_non_null(rec);
	assert_int_equal(rec->kind, MRT_REC_OTHER);
	assert_int_equal(rec->type, 99);
	assert_int_equal(mrt_stats(r)->other_records, 1);
	mrt_close(r);
}

static void read_all_ribs(struct mrt_reader *r, int want)
{
	const struct mrt_record *rec;
	int n = 0;

	while ((rec = mrt_next(r)))
		if (rec->kind == MRT_REC_RIB)
			n += rec->rib.n_entries;
	assert_null(mrt_error(r));
	assert_int_equal(n, want);
}

static void test_mrt_gzip_and_bzip2(void **state)
{
	static struct b b;
	static uint8_t z[8192];
	static char bz[8192];
	uint16_t peers[] = { 0, 1, 0 };
	z_stream zs = { 0 };
	unsigned int bzlen = sizeof(bz);

	b.n = 0;
	pit(&b);
	for (int i = 0; i < 20; i++)
		rib4(&b, peers, 3, i & 1);
	/* gzip (zlib with a gzip wrapper) */
	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
			 Z_OK);
	zs.next_in = b.d;
	zs.avail_in = (uInt)b.n;
	zs.next_out = z;
	zs.avail_out = sizeof(z);
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	size_t zlen = sizeof(z) - zs.avail_out;
	deflateEnd(&zs);
	assert_int_equal(z[0], 0x1f);
	struct mrt_reader *r = mrt_open_mem(z, zlen, "x.gz", NULL);
	read_all_ribs(r, 60);
	mrt_close(r);
	/* a gzip stream cut in the middle: an error, not a crash */
	r = mrt_open_mem(z, zlen / 2, "cut.gz", NULL);
	while (mrt_next(r))
		;
	assert_non_null(mrt_error(r));
	mrt_close(r);
	/* bzip2 */
	assert_int_equal(
		BZ2_bzBuffToBuffCompress(bz, &bzlen, (char *)b.d, (unsigned int)b.n, 9, 0, 0),
		BZ_OK);
	assert_memory_equal(bz, "BZh", 3);
	r = mrt_open_mem(bz, bzlen, "x.bz2", NULL);
	read_all_ribs(r, 60);
	mrt_close(r);
}

/* A PEER_INDEX_TABLE and `reps` RIB records of 4 entries (*n bytes),
 * bzip2-compressed at level 1 (100k blocks), twice: two streams of *bzlen
 * bytes each, in a buffer to free. */
static char *two_bzip2_streams(size_t reps, size_t *n, unsigned int *bzlen)
{
	static struct b b;
	uint16_t peers[] = { 0, 1, 0, 1 };
	size_t rib_len, pit_len;
	uint8_t *plain;
	char *bz;

	b.n = 0;
	pit(&b);
	pit_len = b.n;
	rib4(&b, peers, 4, 0);
	rib_len = b.n - pit_len;
	*n = pit_len + reps * rib_len;
	plain = malloc(*n);
	*bzlen = (unsigned int)(*n + *n / 100 + 600);
	bz = malloc(2 * (size_t)*bzlen);
	assert_non_null(plain);
	assert_non_null(bz);
	memcpy(plain, b.d, pit_len);
	for (size_t i = 0; i < reps; i++)
		memcpy(plain + pit_len + i * rib_len, b.d + pit_len, rib_len);
	assert_int_equal(
		BZ2_bzBuffToBuffCompress(bz, bzlen, (char *)plain, (unsigned int)*n, 1, 0, 0),
		BZ_OK);
	memcpy(bz + *bzlen, bz, *bzlen); /* the second stream: the same again */
	free(plain);
	return bz;
}

/* A file of two bzip2 streams, each of several 100k blocks, read through
 * the block-parallel decoder (regular file) and sequentially (pipe-like
 * memory input): same records; bzip2_first_stream_only stops after one. */
static void test_mrt_bzip2_blocks_and_streams(void **state)
{
	size_t reps = 3000, n;
	unsigned int bzlen;
	char *bz = two_bzip2_streams(reps, &n, &bzlen);
	char path[] = "/tmp/test_mrt_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bz, 2 * (size_t)bzlen), (ssize_t)(2 * (size_t)bzlen));
	close(fd);

	struct mrt_reader *r = mrt_open(path, NULL);
	assert_non_null(r);
	read_all_ribs(r, (int)(2 * reps * 4));
	mrt_close(r);
	struct mrt_opts o = { .bzip2_first_stream_only = true };
	r = mrt_open(path, &o);
	read_all_ribs(r, (int)(reps * 4));
	mrt_close(r);
	r = mrt_open_mem(bz, 2 * (size_t)bzlen, "mem.bz2", NULL);
	read_all_ribs(r, (int)(2 * reps * 4));
	mrt_close(r);
	/* cut inside the second stream: all of the first, then an error */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, bz, bzlen + bzlen / 2), (ssize_t)(bzlen + bzlen / 2));
	close(fd);
	r = mrt_open(path, NULL);
	while (mrt_next(r))
		;
	assert_non_null(mrt_error(r));
	assert_true(mrt_stats(r)->records > reps);
	mrt_close(r);
	unlink(path);
	free(bz);
}

/* /dev/zero reads as endless 12-byte headers of time 0, type 0, length 0:
 * an error at the first one (even with keep_going), not endless records.
 * Bounded: at most 1000 calls. */
static void test_mrt_dev_zero_ends_with_error(void **state)
{
	for (int keep_going = 0; keep_going < 2; keep_going++) {
		struct mrt_opts o = { .keep_going = keep_going };
		struct mrt_reader *r = mrt_open("/dev/zero", &o);
		int n = 0;

		assert_non_null(r);
		while (n < 1000 && mrt_next(r))
			n++;
		assert_int_equal(n, 0);
		assert_non_null(mrt_error(r));
		assert_string_equal(
			mrt_error(r)->text,
			"/dev/zero: record 1 (offset 0): MRT header is all zeros: not MRT "
			"data (a zero-filled region?)");
		mrt_close(r);
	}
}

/* b as gzip into z (one member); returns its length */
static size_t gzip_b(const struct b *b, uint8_t *z, size_t cap)
{
	z_stream zs = { 0 };
	size_t n;

	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
			 Z_OK);
	zs.next_in = (Bytef *)b->d;
	zs.avail_in = (uInt)b->n;
	zs.next_out = z;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	n = cap - zs.avail_out;
	deflateEnd(&zs);
	return n;
}

static const char *write_tmp(char *path, const void *p, size_t n)
{
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
	return path;
}

/* Reads all of a file (through the decompression thread) or of memory
 * (in the caller's thread): the RIB entries before the error (-1: any; the
 * count is returned), and the error, which must be bad input (-EINVAL) with
 * `want` in its text. */
static int expect_bad_input(struct mrt_reader *r, int entries, const char *want)
{
	const struct mrt_record *rec;
	int n = 0;

	assert_non_null(r);
	while ((rec = mrt_next(r)))
		if (rec->kind == MRT_REC_RIB)
			n += rec->rib.n_entries;
	if (entries >= 0)
		assert_int_equal(n, entries);
	assert_non_null(mrt_error(r));
	assert_int_equal(mrt_error(r)->err, -EINVAL);
	if (!strstr(mrt_error(r)->text, want))
		fail_msg("error '%s' does not say '%s'", mrt_error(r)->text, want);
	mrt_close(r);
	return n;
}

/* Corrupt or cut-short gzip input: an error that is bad input (exit status
 * 3, not an I/O error), naming the record reached and the compressed byte
 * offset; the records before it are read. */
static void test_mrt_corrupt_gzip_names_place(void **state)
{
	static struct b b;
	static uint8_t z[8192];
	uint16_t peers[] = { 0, 1, 0 };
	char path[] = "/tmp/test_mrt_XXXXXX";
	char want[160];
	size_t zlen;

	b.n = 0;
	pit(&b);
	for (int i = 0; i < 20; i++)
		rib4(&b, peers, 3, 0); /* 20 records of 3 entries, 109 bytes each */
	zlen = gzip_b(&b, z, sizeof(z));
	/* the gzip trailer's CRC-32 (8 bytes from the end) wrong: every record
	 * reads, then the check fails where record 22 would start */
	z[zlen - 8] ^= 0xff;
	snprintf(want, sizeof(want),
		 "record 22 (offset %zu): gzip data corrupt at compressed byte %zu: incorrect "
		 "data check",
		 b.n, zlen - 4);
	expect_bad_input(mrt_open_mem(z, zlen, "x.gz", NULL), 60, want);
	expect_bad_input(mrt_open(write_tmp(path, z, zlen), NULL), 60, want);
	unlink(path);
	z[zlen - 8] ^= 0xff;
	/* the last 20 bytes missing: cut inside the deflate data; the error
	 * names the record after the last whole one (the PIT is record 1) */
	snprintf(want, sizeof(want), "gzip data cut short: the file ends at compressed byte %zu",
		 zlen - 20);
	int n = expect_bad_input(mrt_open_mem(z, zlen - 20, "x.gz", NULL), -1, want);
	assert_true(n > 0 && n < 60);
	snprintf(want, sizeof(want), "x.gz: record %d (offset %d): gzip data cut short", n / 3 + 2,
		 45 + 12 + (n / 3) * 109);
	expect_bad_input(mrt_open_mem(z, zlen - 20, "x.gz", NULL), n, want);
	strcpy(path, "/tmp/test_mrt_XXXXXX");
	expect_bad_input(mrt_open(write_tmp(path, z, zlen - 20), NULL), n,
			 "gzip data cut short: the file ends at compressed byte");
	unlink(path);

	/* mrtio_read: the data, then -EIO as before, from then on; mrtio_error
	 * tells bad input */
	z[zlen - 8] ^= 0xff;
	snprintf(want, sizeof(want),
		 "gzip data corrupt at compressed byte %zu: incorrect data check", zlen - 4);
	struct mrtio *io = mrtio_open_mem(z, zlen, 0);
	static uint8_t out[8192];
	assert_int_equal(mrtio_read(io, out, sizeof(out)), (long)b.n);
	assert_int_equal(mrtio_read(io, out, sizeof(out)), -EIO);
	assert_int_equal(mrtio_read(io, out, sizeof(out)), -EIO);
	assert_non_null(mrtio_error(io));
	assert_string_equal(mrtio_error(io), want);
	mrtio_close(io);
}

/* A read error of the system (here EIO from /proc/self/mem past a mapping)
 * is not bad input: its own errno, "read error", and exit status 1 in
 * asclass mrt; mrtio_error() is NULL for it. */
static void test_mrt_read_error_is_not_bad_input(void **state)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint8_t *m = mmap(NULL, 2 * (size_t)pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	/* MRT header: time, type 99 (not decoded), subtype 0, length 4; body */
	static const uint8_t rec[] = {
		0x59, 0xd0, 0xb0, 0x70, 0, 99, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4
	};
	int fd = open("/proc/self/mem", O_RDONLY);
	struct mrt_reader *r;

	assert_true(m != MAP_FAILED);
	assert_true(fd >= 0);
	assert_int_equal(munmap(m + pg, (size_t)pg), 0); /* reads past the page fail */
	memcpy(m + pg - sizeof(rec), rec, sizeof(rec));
	assert_true(lseek(fd, (off_t)(uintptr_t)(m + pg - sizeof(rec)), SEEK_SET) != -1);
	r = mrt_open_fd(fd, "mem", NULL);
	assert_non_null(r);
	assert_non_null(mrt_next(r));
	assert_null(mrt_next(r));
	assert_non_null(mrt_error(r));
	assert_int_equal(mrt_error(r)->err, -EIO);
	assert_string_equal(mrt_error(r)->text,
			    "mem: record 2 (offset 16): read error: Input/output error");
	mrt_close(r);
	munmap(m, (size_t)pg);
}

/* All the parallel bzip2 decoder gives for a file: the byte count, and in
 * *rc its last return (0 at a good end, -EAGAIN when it hands over to
 * sequential decoding). */
static size_t bz2par_all(const char *path, long *rc)
{
	static char out[1 << 20];
	int fd = open(path, O_RDONLY);
	struct mrtbz2 *z = mrtbz2_open(fd, 2, false);
	uint64_t delivered = 0;
	size_t n = 0;
	long k;

	assert_non_null(z);
	while ((k = mrtbz2_read(z, out, sizeof(out), &delivered)) > 0)
		n += (size_t)k;
	*rc = k;
	mrtbz2_close(z);
	close(fd);
	return n;
}

/* The block-parallel bzip2 decoder checks a stream's end as libbz2 does:
 * its combined CRC over the blocks, and that the file holds all of it.  A
 * file missing its last byte, or with a wrong stream CRC, goes to
 * sequential decoding, which reports it; good files of several blocks and
 * streams stay parallel. */
static void test_mrt_bzip2_parallel_checks_stream_end(void **state)
{
	size_t reps = 3000, n; /* ~450 KB a stream: 5 blocks */
	unsigned int bzlen;
	char *bz = two_bzip2_streams(reps, &n, &bzlen);
	char path[] = "/tmp/test_mrt_XXXXXX";
	long rc;

	write_tmp(path, bz, 2 * (size_t)bzlen); /* good: parallel to the end */
	assert_int_equal(bz2par_all(path, &rc), 2 * n);
	assert_int_equal(rc, 0);
	unlink(path);

	strcpy(path, "/tmp/test_mrt_XXXXXX"); /* the last byte missing */
	write_tmp(path, bz, bzlen - 1);
	assert_int_equal(bz2par_all(path, &rc), n);
	assert_int_equal(rc, -EAGAIN);
	expect_bad_input(mrt_open(path, NULL), (int)reps * 4,
			 "bzip2 data cut short: the file ends at compressed byte");
	unlink(path);

	strcpy(path, "/tmp/test_mrt_XXXXXX"); /* the stream CRC (last bits) wrong */
	bz[bzlen - 2] ^= 1;
	write_tmp(path, bz, bzlen);
	assert_int_equal(bz2par_all(path, &rc), n);
	assert_int_equal(rc, -EAGAIN);
	expect_bad_input(mrt_open(path, NULL), (int)reps * 4,
			 "bzip2 data corrupt at compressed byte");
	unlink(path);
	free(bz);
}

/* bgpdump reads only a file's first bzip2 stream; so does the reader with
 * bzip2_first_stream_only, but it says what it left: the bytes after the
 * first stream and the bzip2 streams in them (through the parallel
 * decoder, the decompression thread and memory input alike). */
static void test_mrt_bzip2_first_stream_says_what_is_left(void **state)
{
	static struct b b;
	static char bz[3 * 4096 + 16];
	uint16_t peers[] = { 0, 1 };
	unsigned int bzlen = 4096;
	struct mrt_opts o = { .bzip2_first_stream_only = true };
	char path[] = "/tmp/test_mrt_XXXXXX";
	uint64_t streams = 99;

	b.n = 0;
	pit(&b);
	rib4(&b, peers, 2, 0);
	assert_int_equal(
		BZ2_bzBuffToBuffCompress(bz, &bzlen, (char *)b.d, (unsigned int)b.n, 9, 0, 0),
		BZ_OK);
	memcpy(bz + bzlen, bz, bzlen); /* three streams, as pbzip2 writes */
	memcpy(bz + 2 * bzlen, bz, bzlen);
	write_tmp(path, bz, 3 * (size_t)bzlen);
	for (int way = 0; way < 3; way++) {
		struct mrt_reader *r;

		if (way == 2) {
			r = mrt_open_mem(bz, 3 * (size_t)bzlen, "mem.bz2", &o);
		} else {
			setenv("ASCLASS_NO_PARALLEL_BZIP2", "1", 1); /* the thread */
			if (!way)
				unsetenv("ASCLASS_NO_PARALLEL_BZIP2"); /* block-parallel */
			r = mrt_open(path, &o);
		}
		read_all_ribs(r, 2);
		assert_int_equal(mrt_unread(r, &streams), 2 * (uint64_t)bzlen);
		assert_int_equal(streams, 2);
		mrt_close(r);
	}
	unsetenv("ASCLASS_NO_PARALLEL_BZIP2");
	unlink(path);
	/* what follows is not bzip2: counted as bytes, no stream */
	memcpy(bz + bzlen, "garbage", 7);
	struct mrt_reader *r = mrt_open_mem(bz, bzlen + 7, "mem.bz2", &o);
	read_all_ribs(r, 2);
	assert_int_equal(mrt_unread(r, &streams), 7);
	assert_int_equal(streams, 0);
	mrt_close(r);
	/* a single stream: nothing left */
	r = mrt_open_mem(bz, bzlen, "mem.bz2", &o);
	read_all_ribs(r, 2);
	assert_int_equal(mrt_unread(r, &streams), 0);
	mrt_close(r);
}

static void test_mrt_open_missing_file(void **state)
{
	errno = 0;
	assert_null(mrt_open("/nonexistent/rib.mrt", NULL));
	assert_int_equal(errno, ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mrt_rejects_truncated_header),
		cmocka_unit_test(test_mrt_empty_input_is_clean_eof),
		cmocka_unit_test(test_mrt_peer_index_and_rib),
		cmocka_unit_test(test_mrt_rib_addpath),
		cmocka_unit_test(test_mrt_peer_index_out_of_range_keep_going),
		cmocka_unit_test(test_mrt_peer_index_repeated_replaces),
		cmocka_unit_test(test_mrt_rib_generic_non_unicast_skipped),
		cmocka_unit_test(test_mrt_table_dump_v1),
		cmocka_unit_test(test_mrt_bgp4mp_et_state_change),
		cmocka_unit_test(test_mrt_bgp4mp_update_addpath),
		cmocka_unit_test(test_mrt_decode_errors),
		cmocka_unit_test(test_mrt_record_length_limit),
		cmocka_unit_test(test_mrt_unknown_type_is_other),
		cmocka_unit_test(test_mrt_gzip_and_bzip2),
		cmocka_unit_test(test_mrt_bzip2_blocks_and_streams),
		cmocka_unit_test(test_mrt_open_missing_file),
		cmocka_unit_test(test_mrt_extended_update_4096_withdrawals),
		cmocka_unit_test(test_mrt_print_prefix_list_cut_as_bgpdump),
		cmocka_unit_test(test_mrt_print_as4_merge_of_long_paths),
		cmocka_unit_test(test_mrt_print_communities_past_bgpdump_buffer),
		cmocka_unit_test(test_mrt_bgp4mp_prefix_too_long_is_error),
		cmocka_unit_test(test_mrt_bgp4mp_faults_that_lose_prefixes),
		cmocka_unit_test(test_mrt_long_as_path_origin_in_routes),
		cmocka_unit_test(test_mrt_dev_zero_ends_with_error),
		cmocka_unit_test(test_mrt_corrupt_gzip_names_place),
		cmocka_unit_test(test_mrt_read_error_is_not_bad_input),
		cmocka_unit_test(test_mrt_bzip2_parallel_checks_stream_end),
		cmocka_unit_test(test_mrt_bzip2_first_stream_says_what_is_left),
		cmocka_unit_test(test_mrt_peer_and_entry_counts_at_limit),
		cmocka_unit_test(test_mrt_update_of_65535_bytes),
		cmocka_unit_test(test_mrt_error_text_keeps_place),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
