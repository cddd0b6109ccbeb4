// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_routes_in.c - format detection and the bgpdump text,
 * pfx2as and text readers of user/routes/routes_in.c, compressed and plain, with
 * their errors: each named by file and line, each limit tested at and past
 * it; FIFOs and standard input as streams; input without routes refused.
 * (MRT input is covered end to end by tests/extra/rib_resolve.sh against
 * bgpdump's own text of the same files; here only what routes_in adds.) */
#include <bzlib.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "routes/routes_in.h"
#include "routes/routes_text.h"

static char dir[] = "/tmp/asclass-test-routes-XXXXXX";

static int setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static const char *write_file(const char *name, const char *text, int gz)
{
	static char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (gz) {
		gzFile g = gzopen(path, "wb");

		assert_non_null(g);
		assert_int_equal(gzwrite(g, text, (unsigned)strlen(text)), (int)strlen(text));
		gzclose(g);
	} else {
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fputs(text, f);
		fclose(f);
	}
	return path;
}

/* Writes len bytes as they are (NUL bytes and all). */
static const char *write_raw(const char *name, const void *data, size_t len)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	return path;
}

/* gzip (level 6) of len bytes, in memory; *out_len set.  Caller frees. */
static uint8_t *gz_mem(const void *data, size_t len, size_t *out_len)
{
	z_stream z = { 0 };
	uint8_t *out = malloc(len + len / 2 + 1024);

	assert_non_null(out);
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
			 Z_OK);
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)(len + len / 2 + 1024);
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out_len = z.total_out;
	deflateEnd(&z);
	return out;
}

/* routes_read with stderr caught: the messages it logged are in log[]. */
static int read_logged(const char *const *files, int n, const struct routes_opts *o,
		       struct rtable *t, char *log, size_t loglen)
{
	char path[256];
	int saved, fd, err;
	ssize_t k;

	snprintf(path, sizeof(path), "%s/stderr", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	fflush(stderr);
	saved = dup(2);
	dup2(fd, 2);
	err = routes_read(files, n, o, t, NULL, NULL);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	k = pread(fd, log, loglen - 1, 0);
	log[k > 0 ? k : 0] = 0;
	close(fd);
	return err;
}

/* One file through read_logged: the error, and the log must contain `want`. */
static void expect_error(const char *path, const struct routes_opts *o, int err, const char *want)
{
	struct rtable t = { 0 };
	char log[1024];

	assert_int_equal(read_logged(&path, 1, o, &t, log, sizeof(log)), err);
	assert_int_equal(t.n, 0);
	if (!strstr(log, want))
		fail_msg("log lacks \"%s\": %s", want, log);
	rtable_free(&t);
}

static void test_routes_sniff(void **state)
{
	/* MRT header: 2017-10-01 09:08 | type 13 TABLE_DUMP_V2 | subtype 1 | length 42 */
	static const uint8_t mrt[] = {
		0x59, 0xd0, 0xb0, 0x70, 0x00, 0x0d, 0x00, 0x01, 0, 0, 0, 42
	};
	const char *bgpdump = "TABLE_DUMP2|1506848400|B|198.51.100.1|64496|175.45.176.0/22|64496 "
			      "4837 131279|IGP|198.51.100.1|0|0||NAG||\n";
	const char *pfx2as = "175.45.176.0\t22\t131279\n";
	const char *text = "175.45.176.0/22 131279 4837\n";

	assert_int_equal(routes_sniff(mrt, sizeof(mrt)), ROUTES_MRT);
	assert_int_equal(routes_sniff((const uint8_t *)bgpdump, strlen(bgpdump)), ROUTES_BGPDUMP);
	assert_int_equal(routes_sniff((const uint8_t *)pfx2as, strlen(pfx2as)), ROUTES_PFX2AS);
	assert_int_equal(routes_sniff((const uint8_t *)text, strlen(text)), ROUTES_TEXT);
	assert_int_equal(routes_sniff((const uint8_t *)"# c\n", 4), ROUTES_TEXT);
}

static const struct rt_entry *find(const struct rtable *t, const char *p)
{
	struct rt_entry want;

	assert_int_equal(prefix_parse(p, &want, 0), 0);
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].family == want.family && t->v[i].plen == want.plen &&
		    !memcmp(t->v[i].addr, want.addr, 16))
			return &t->v[i];
	fail_msg("%s not in the table", p);
	return NULL;
}

static void test_routes_bgpdump_text_gz(void **state)
{
	const char *text = "TABLE_DUMP2|1506848400|B|198.51.100.1|64496|175.45.176.0/22|64496 4837 "
			   "4837 131279|IGP|198.51.100.1|0|0||NAG||\n"
			   "TABLE_DUMP2|1506848400|B|198.51.100.2|64497|175.45.176.0/22|64497 4837 "
			   "131279|IGP|198.51.100.2|0|0||NAG||\n"
			   "TABLE_DUMP2|1506848400|B|198.51.100.2|64497|203.0.113.0/24|64497 3356 "
			   "{64500,64501}|IGP|198.51.100.2|0|0||AG|64497 198.51.100.2|\n"
			   "TABLE_DUMP2|1506848400|B|2001:db8::1|64498|2001:db8:100::/48|64498 "
			   "(65001 65002) 20485 64502|IGP|2001:db8::1|0|0||NAG||\n"
			   "BGP4MP|1506848880|A|198.51.100.1|64496|175.45.176.0/22|64496 20485 "
			   "131279|IGP|198.51.100.1|0|0||NAG||\n"
			   "BGP4MP|1506848880|A|198.51.100.3|64498|175.45.176.0/22|64498 20485 "
			   "131279|IGP|198.51.100.3|0|0||NAG||\n"
			   "BGP4MP|1506848900|STATE|2001:db8::1|64498|6|1\n";
	const char *path = write_file("dump.txt.gz", text, 1);
	struct routes_opts o = { .format = ROUTES_AUTO };
	struct routes_stats st;
	struct rtable t = { 0 };
	struct rib *rib = NULL;
	const struct rt_entry *e;

	assert_int_equal(routes_read(&path, 1, &o, &t, &rib, &st), 0);
	assert_int_equal(st.records, 7);
	assert_int_equal(st.announced, 6);
	assert_int_equal(t.n, 2); /* the IPv6 peer went down: its only prefix is gone */
	e = find(&t, "175.45.176.0/22");
	assert_int_equal(e->route.origin_asn, 131279);
	assert_int_equal(e->route.transit_asn, 20485); /* two of three paths */
	assert_int_equal(e->route.flags, ASC_RF_MULTI_TRANSIT);
	e = find(&t, "203.0.113.0/24");
	assert_int_equal(e->route.origin_asn, 0);
	assert_int_equal(e->route.flags, ASC_RF_AS_SET | ASC_RF_NO_TRANSIT);
	rtable_free(&t);
	rib_free(rib);
}

static void test_routes_confed_left_out(void **state)
{
	const char *text = "TABLE_DUMP2|1506848400|B|2001:db8::1|64498|2001:db8:100::/48|64498 "
			   "(65001 65002) 20485 64502|IGP|2001:db8::1|0|0||NAG||\n";
	const char *path = write_file("confed.txt", text, 0);
	struct routes_opts o = { .format = ROUTES_BGPDUMP };
	struct rtable t = { 0 };
	const struct rt_entry *e;

	assert_int_equal(routes_read(&path, 1, &o, &t, NULL, NULL), 0);
	e = find(&t, "2001:db8:100::/48");
	assert_int_equal(e->route.origin_asn, 64502);
	assert_int_equal(e->route.transit_asn, 20485);
	assert_int_equal(e->route.peer_asn, 64498);
	rtable_free(&t);
}

static void test_routes_pfx2as(void **state)
{
	const char *text = "175.45.176.0\t22\t131279\n"
			   "203.0.113.0\t24\t64501_64500\n"
			   "198.51.100.0\t24\t64500,64501\n"
			   "2001:db8::\t32\t64510\n";
	const char *path = write_file("rv.pfx2as", text, 0);
	struct routes_opts o = { .format = ROUTES_AUTO };
	struct rtable t = { 0 };
	const struct rt_entry *e;

	assert_int_equal(routes_read(&path, 1, &o, &t, NULL, NULL), 0);
	assert_int_equal(t.n, 4);
	e = find(&t, "175.45.176.0/22");
	assert_int_equal(e->route.origin_asn, 131279);
	assert_int_equal(e->route.flags, ASC_RF_NO_TRANSIT);
	e = find(&t, "203.0.113.0/24");
	assert_int_equal(e->route.origin_asn, 64500);
	assert_int_equal(e->route.flags, ASC_RF_MOAS | ASC_RF_NO_TRANSIT);
	e = find(&t, "198.51.100.0/24");
	assert_int_equal(e->route.origin_asn, 0);
	assert_int_equal(e->route.flags, ASC_RF_AS_SET | ASC_RF_NO_TRANSIT);
	e = find(&t, "2001:db8::/32");
	assert_int_equal(e->route.origin_asn, 64510);
	rtable_free(&t);
}

static void test_routes_text_overrides_resolved(void **state)
{
	const char *files[2];
	struct routes_opts o = { .format = ROUTES_AUTO };
	struct rtable t = { 0 };
	const struct rt_entry *e;

	files[0] = strdup(write_file("a.txt",
				     "TABLE_DUMP2|1506848400|B|198.51.100.1|64496|175.45.176.0/"
				     "22|64496 4837 131279|IGP|198.51.100.1|0|0||NAG||\n",
				     0));
	files[1] = strdup(write_file(
		"b.txt", "# operator override\n175.45.176.0/22 131279 20485 64496\n", 0));
	assert_int_equal(routes_read(files, 2, &o, &t, NULL, NULL), 0);
	assert_int_equal(t.n, 1);
	e = find(&t, "175.45.176.0/22");
	assert_int_equal(e->route.transit_asn, 20485);
	rtable_free(&t);
	free((void *)files[0]);
	free((void *)files[1]);
}

static void test_routes_bad_line_keeps_nothing(void **state)
{
	const char *text = "TABLE_DUMP2|1506848400|B|198.51.100.1|64496|175.45.176.0/22|64496 4837 "
			   "131279|IGP|198.51.100.1|0|0||NAG||\n"
			   "TABLE_DUMP2|1506848400|B|198.51.100.1|64496|175.45.177.0/33|64496 4837 "
			   "131279|IGP|198.51.100.1|0|0||NAG||\n"
			   "TABLE_DUMP2|1506848400|B|198.51.100.1|AS-x|175.45.178.0/24|64496 4837 "
			   "131279|IGP|198.51.100.1|0|0||NAG||\n";
	const char *path = write_file("bad.txt", text, 0);
	struct routes_opts o = { .format = ROUTES_AUTO };
	struct routes_stats st;
	struct rtable t = { 0 };

	assert_int_equal(routes_read(&path, 1, &o, &t, NULL, &st), -EINVAL);
	assert_int_equal(t.n, 0);
	rtable_free(&t);

	o.keep_going = true;
	assert_int_equal(routes_read(&path, 1, &o, &t, NULL, &st), 0);
	assert_int_equal(st.bad, 2);
	assert_int_equal(t.n, 1);
	rtable_free(&t);
}

static void test_routes_missing_file(void **state)
{
	const char *path = "/nonexistent/asclass/rib.mrt";
	struct routes_opts o = { .format = ROUTES_AUTO };
	struct rtable t = { 0 };

	assert_int_equal(routes_read(&path, 1, &o, &t, NULL, NULL), -ENOENT);
	rtable_free(&t);
}

static void test_routes_format_names(void **state)
{
	enum routes_format f;

	assert_int_equal(routes_format_parse("pfx2as", &f), 0);
	assert_int_equal(f, ROUTES_PFX2AS);
	assert_string_equal(routes_format_name(ROUTES_BGPDUMP), "bgpdump");
	assert_int_equal(routes_format_parse("csv", &f), -EINVAL);
}

/* A bgpdump -m B line for prefix p whose AS path has n ASNs: 64496 (the
 * peer), then n - 3 distinct ASNs 100000.., then 4837 131279.  Malloc'd. */
static char *long_path_line(const char *p, size_t n)
{
	size_t cap = 256 + 12 * n, o;
	char *s = malloc(cap);

	assert_non_null(s);
	o = (size_t)snprintf(s, cap, "TABLE_DUMP2|1506848400|B|198.51.100.1|64496|%s|64496", p);
	for (size_t i = 0; i + 3 < n; i++)
		o += (size_t)snprintf(s + o, cap - o, " %zu", 100000 + i);
	snprintf(s + o, cap - o, " 4837 131279|IGP|198.51.100.1|0|0||NAG||\n");
	return s;
}

static void test_routes_long_aspath_text(void **state)
{
	/* 1024 ASNs was the old limit: at it, just past it, far past it */
	char *l1 = long_path_line("175.45.176.0/24", 1024),
	     *l2 = long_path_line("175.45.177.0/24", 1025),
	     *l3 = long_path_line("175.45.178.0/24", 20000);
	size_t n = strlen(l1) + strlen(l2) + strlen(l3);
	char *text = malloc(n + 1);
	const char *path;
	struct routes_opts o = { .format = ROUTES_AUTO };
	struct rtable t = { 0 };
	static const char *const pfx[] = { "175.45.176.0/24", "175.45.177.0/24",
					   "175.45.178.0/24" };

	snprintf(text, n + 1, "%s%s%s", l1, l2, l3);
	path = write_file("longpath.txt", text, 0);
	assert_int_equal(routes_read(&path, 1, &o, &t, NULL, NULL), 0);
	assert_int_equal(t.n, 3);
	for (int i = 0; i < 3; i++) {
		const struct rt_entry *e = find(&t, pfx[i]);

		assert_int_equal(e->route.origin_asn, 131279);
		assert_int_equal(e->route.transit_asn, 4837);
		assert_int_equal(e->route.peer_asn, 64496);
	}
	rtable_free(&t);
	free(text);
	free(l1);
	free(l2);
	free(l3);
}

/* ---- MRT records, built field by field ---- */
struct mrtb {
	uint8_t *d;
	size_t n, cap;
};
static void b_u8(struct mrtb *b, unsigned int v)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 4096;
		b->d = realloc(b->d, b->cap);
		assert_non_null(b->d);
	}
	b->d[b->n++] = (uint8_t)v;
}
static void b_u16(struct mrtb *b, unsigned int v)
{
	b_u8(b, v >> 8);
	b_u8(b, v & 0xff);
}
static void b_u32(struct mrtb *b, uint32_t v)
{
	b_u16(b, v >> 16);
	b_u16(b, v & 0xffff);
}
/* MRT header of a TABLE_DUMP_V2 (type 13) record; body length follows */
static void b_td2(struct mrtb *b, unsigned int subtype, uint32_t body_len)
{
	b_u32(b, 1506848400); /* 2017-10-01 09:00:00 UTC */
	b_u16(b, 13);	      /* TABLE_DUMP_V2 */
	b_u16(b, subtype);
	b_u32(b, body_len);
}

/* PEER_INDEX_TABLE with one peer (198.51.100.1, AS64496), then
 * RIB_IPV4_UNICAST 175.45.176.0/22 whose one entry's AS_PATH has n ASNs:
 * 64496, n - 3 distinct ones from 100000, 4837, 131279. */
static void mrt_long_path(struct mrtb *b, uint32_t n)
{
	uint32_t segs = (n + 254) / 255, path_len = 2 * segs + 4 * n, attr_len = 4 + 4 + path_len;

	b_td2(b, 1, 4 + 2 + 2 + 1 + 4 + 4 + 4);		   /* PEER_INDEX_TABLE */
	b_u32(b, 0xc6336401);				   /* collector BGP id */
	b_u16(b, 0);					   /* view name length */
	b_u16(b, 1);					   /* peer count */
	b_u8(b, 2);					   /* peer type: IPv4, 4-byte AS */
	b_u32(b, 0xc6336401);				   /*   BGP id */
	b_u32(b, 0xc6336401);				   /*   198.51.100.1 */
	b_u32(b, 64496);				   /*   AS */
	b_td2(b, 2, 4 + 1 + 3 + 2 + 2 + 4 + 2 + attr_len); /* RIB_IPV4_UNICAST */
	b_u32(b, 0);					   /* sequence */
	b_u8(b, 22);					   /* prefix length */
	b_u8(b, 175);					   /* 175.45.176 */
	b_u8(b, 45);
	b_u8(b, 176);
	b_u16(b, 1);	      /* entry count */
	b_u16(b, 0);	      /*   peer index */
	b_u32(b, 1506848340); /*   originated */
	b_u16(b, attr_len);   /*   attribute length */
	b_u32(b, 0x40010100); /*   ORIGIN (well-known, 1 byte) IGP */
	b_u8(b, 0x50);	      /*   AS_PATH: transitive, extended length */
	b_u8(b, 2);
	b_u16(b, path_len);
	for (uint32_t i = 0; i < n; i++) {
		if (i % 255 == 0) {
			b_u8(b, 2); /* AS_SEQUENCE */
			b_u8(b, n - i < 255 ? n - i : 255);
		}
		b_u32(b, i == 0 ? 64496 : i == n - 2 ? 4837 : i == n - 1 ? 131279 : 99999 + i);
	}
}

static void test_routes_long_aspath_mrt(void **state)
{
	struct routes_opts o = { .format = ROUTES_AUTO };
	struct mrtb b = { 0 };
	struct rtable t = { 0 };
	const struct rt_entry *e;
	const char *path;

	mrt_long_path(&b, 1100); /* past the old limit of 1024 */
	path = write_raw("longpath.mrt", b.d, b.n);
	assert_int_equal(routes_read(&path, 1, &o, &t, NULL, NULL), 0);
	e = find(&t, "175.45.176.0/22");
	assert_int_equal(e->route.origin_asn, 131279);
	assert_int_equal(e->route.transit_asn, 4837);
	assert_int_equal(e->route.peer_asn, 64496);
	rtable_free(&t);
	free(b.d);
}

/* A last line without its newline is a file cut short (or caught while it
 * is written): an error naming it in every text format, plain or gzip,
 * --keep-going or not; the same line with its newline loads. */
static void test_routes_cut_last_line(void **state)
{
	static const struct {
		const char *name, *whole, *cut;
	} c[] = {
		{ "cut.bgpdump",
		  "TABLE_DUMP2|1506848400|B|198.51.100.1|64496|175.45.176.0/22|64496 4837 "
		  "131279|IGP|198.51.100.1|0|0||NAG||\n",
		  /* cut inside its AS path: origin 131 if it were read */
		  "TABLE_DUMP2|1506848400|B|198.51.100.1|64496|175.45.176.0/22|64496 4837 131" },
		{ "cut.pfx2as", "1.0.4.0\t22\t38803\n1.0.6.0\t24\t56203\n",
		  "1.0.4.0\t22\t38803\n1.0.6.0\t24\t56" },
		{ "cut.txt", "# routes\n175.45.176.0/22 131279 4837\n",
		  "# routes\n175.45.176.0/22 131279 48" },
	};
	struct routes_opts o = { .format = ROUTES_AUTO };

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char name[64], want[128];
		struct rtable t = { 0 };
		const char *path;
		int lines = 0;

		for (const char *p = c[i].cut; *p; p++)
			lines += *p == '\n';
		snprintf(want, sizeof(want), "%s:%d: no newline at the end of the last line",
			 c[i].name, lines + 1);
		path = write_file(c[i].name, c[i].whole, 0);
		assert_int_equal(routes_read(&path, 1, &o, &t, NULL, NULL), 0);
		assert_true(t.n > 0);
		rtable_free(&t);
		o.keep_going = false;
		expect_error(write_file(c[i].name, c[i].cut, 0), &o, -EINVAL, want);
		o.keep_going = true;
		expect_error(write_file(c[i].name, c[i].cut, 0), &o, -EINVAL, want);
		snprintf(name, sizeof(name), "%s", c[i].name);
		o.keep_going = false;
		expect_error(write_file(name, c[i].cut, 1), &o, -EINVAL, want);
	}
}

/* A bgpdump line needs all its fields: cut after the AS path but ended by a
 * newline, one too many, a W line with attributes, a STATE line short. */
static void test_routes_bgpdump_needs_all_fields(void **state)
{
	static const struct {
		const char *line, *want;
	} c[] = {
		{ "TABLE_DUMP2|1506848400|B|198.51.100.1|64496|175.45.176.0/22|64496 4837 131279\n",
		  "bad.bgpdump:1: 1 fields after the prefix, expected 8" },
		{ "TABLE_DUMP2|1506848400|B|198.51.100.1|64496|175.45.176.0/22|64496 4837 "
		  "131279|IGP|198.51.100.1|0|0||NAG\n",
		  "bad.bgpdump:1: 7 fields after the prefix, expected 8" },
		{ "TABLE_DUMP2|1506848400|B|198.51.100.1|64496|175.45.176.0/22|64496 4837 "
		  "131279|IGP|198.51.100.1|0|0||NAG||x\n",
		  "bad.bgpdump:1: 9 fields after the prefix, expected 8" },
		/* 17 fields: one past the most a line has (TABLE_DUMP2_AP with the final '|') */
		{ "TABLE_DUMP2_AP|1506848400|B|198.51.100.1|64496|175.45.176.0/22|1|64496 4837 "
		  "131279|IGP|198.51.100.1|0|0||NAG|||\n",
		  "bad.bgpdump:1: more than 16 fields" },
		{ "TABLE_DUMP2|1506848400|B|198.51.100.1|64496|175.45.176.0/22|64496 4837 "
		  "131279|198.51.100.1|0|0||NAG||\n", /* no origin: the final '|' makes up the count
						       */
		  "bad.bgpdump:1: bad origin '198.51.100.1'" },
		{ "TABLE_DUMP2|1506848400|B|198.51.100.1|64496|175.45.176.0/22|64496 4837 "
		  "131279|0|198.51.100.1|0||NAG||\n",
		  "bad.bgpdump:1: bad origin '0'" },
		{ "BGP4MP|1506848880|W|198.51.100.1|64496|175.45.176.0/22|64496 4837 131279\n",
		  "bad.bgpdump:1: a W line ends with the prefix" },
		{ "BGP4MP|1506848880|STATE|198.51.100.1|64496|6\n", "bad.bgpdump:1: a STATE line" },
		{ "BGP4MP|10/01/17 09:08:00|A|198.51.100.1|64496|175.45.176.0/22|64496 4837 "
		  "131279|IGP|198.51.100.1|0|0||NAG||\n",
		  "bad.bgpdump:1: bad time '10/01/17 09:08:00'" },
		{ "TABLE_DUMP2|1506848400|B|198.51.100.1|64496|175.45.176.0/22|64496 {4837 "
		  "131279|IGP|198.51.100.1|0|0||NAG||\n",
		  "bad.bgpdump:1: bad AS path '64496 {4837 131279'" },
		{ "TABLE_DUMP2|1506848400|B|198.51.100.1|64496|175.45.176.0/22|64496 4837} "
		  "131279|IGP|198.51.100.1|0|0||NAG||\n",
		  "bad.bgpdump:1: bad AS path" },
	};
	struct routes_opts o = { .format = ROUTES_BGPDUMP };

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		expect_error(write_file("bad.bgpdump", c[i].line, 0), &o, -EINVAL, c[i].want);
}

/* Every complete form loads: with and without bgpdump's final '|', with a
 * path id (16 fields, the most), W and STATE lines. */
static void test_routes_bgpdump_complete_forms(void **state)
{
	const char *text = "TABLE_DUMP2|1506848400|B|198.51.100.1|64496|175.45.176.0/24|64496 4837 "
			   "131279|IGP|198.51.100.1|0|0||NAG||\n"
			   "TABLE_DUMP2|1506848400|B|198.51.100.1|64496|175.45.177.0/24|64496 4837 "
			   "131279|IGP|198.51.100.1|0|0||NAG|\n"
			   "TABLE_DUMP2_AP|1506848400|B|198.51.100.1|64496|175.45.178.0/24|7|64496 "
			   "4837 131279|IGP|198.51.100.1|0|0|4837:1|AG|4837 10.0.0.1|\n"
			   "BGP4MP_AP|1506848880|W|198.51.100.1|64496|175.45.178.0/24|7\n"
			   "BGP4MP|1506848880|A|198.51.100.2|64497|175.45.179.0/24|64497 20485 "
			   "131279|INCOMPLETE|198.51.100.2|0|0||NAG||\n"
			   "BGP4MP|1506848890|STATE|198.51.100.3|64498|6|1\n";
	const char *path = write_file("forms.bgpdump", text, 0);
	struct routes_opts o = { .format = ROUTES_AUTO };
	struct routes_stats st;
	struct rtable t = { 0 };

	assert_int_equal(routes_read(&path, 1, &o, &t, NULL, &st), 0);
	assert_int_equal(st.announced, 4);
	assert_int_equal(st.withdrawn, 1);
	assert_int_equal(t.n, 3); /* 175.45.178.0/24 was withdrawn */
	assert_int_equal(find(&t, "175.45.177.0/24")->route.origin_asn, 131279);
	assert_int_equal(find(&t, "175.45.179.0/24")->route.transit_asn, 20485);
	rtable_free(&t);
}

/* A NUL byte ends no line early: the line and its column are named. */
static void test_routes_nul_byte(void **state)
{
	static const char first[] = "175.45.176.0/22 131279\0 4837\n";
	static const char third[] = "# routes\n175.45.176.0/22 131279 4837\n198.5\0.100.0/24 1\n";
	struct routes_opts o = { .format = ROUTES_AUTO };

	expect_error(write_raw("nul.txt", first, sizeof(first) - 1), &o, -EINVAL,
		     "nul.txt:1: NUL byte at column 23");
	expect_error(write_raw("nul.txt", third, sizeof(third) - 1), &o, -EINVAL,
		     "nul.txt:3: NUL byte at column 6");
	o.keep_going = true;
	expect_error(write_raw("nul.txt", third, sizeof(third) - 1), &o, -EINVAL,
		     "nul.txt:3: NUL byte at column 6");
}

/* Lines up to ROUTES_LINE_MAX bytes load whole; one byte more is an error
 * naming the line, however much follows (no line grows without bound). */
static void test_routes_line_limit(void **state)
{
	const char *route = "175.45.176.0/22 131279", *tail = " 4837\n";
	size_t len = ROUTES_LINE_MAX + 1 + 1 + 1000; /* past the limit, then more text */
	char *text = malloc(len + 1);
	struct routes_opts o = { .format = ROUTES_TEXT };
	struct rtable t = { 0 };
	const char *path;

	/* "# x\n" then a line of exactly ROUTES_LINE_MAX bytes: route, blanks, transit */
	memset(text, ' ', len);
	memcpy(text, "# x\n", 4);
	memcpy(text + 4, route, strlen(route));
	memcpy(text + 4 + ROUTES_LINE_MAX - (strlen(tail) - 1), tail, strlen(tail));
	path = write_raw("long.txt", text, 4 + ROUTES_LINE_MAX + 1);
	assert_int_equal(routes_read(&path, 1, &o, &t, NULL, NULL), 0);
	assert_int_equal(find(&t, "175.45.176.0/22")->route.transit_asn, 4837);
	rtable_free(&t);

	/* the same line one blank longer */
	memset(text + 4 + strlen(route), ' ', ROUTES_LINE_MAX);
	memcpy(text + 4 + ROUTES_LINE_MAX + 1 - (strlen(tail) - 1), tail, strlen(tail));
	expect_error(write_raw("long.txt", text, 4 + ROUTES_LINE_MAX + 2), &o, -EINVAL,
		     "long.txt:2: line longer than 1048576 bytes");
	/* no newline at all for far longer: stops at the limit */
	memset(text, 'x', len);
	expect_error(write_raw("long.txt", text, len), &o, -EINVAL,
		     "long.txt:1: line longer than 1048576 bytes");
	free(text);
}

/* A field of the text format is never cut to fit a buffer (it was at 511
 * bytes of line: "56203" became 56), and limits of fields are errors. */
static void test_routes_text_fields_not_cut(void **state)
{
	char line[1200], field[80];
	struct routes_opts o = { .format = ROUTES_TEXT };
	struct rtable t = { 0 };
	const char *path;

	snprintf(line, sizeof(line), "1.0.6.0/24%500s56203\n", "");
	path = write_file("wide.txt", line, 0);
	assert_int_equal(routes_read(&path, 1, &o, &t, NULL, NULL), 0);
	assert_int_equal(find(&t, "1.0.6.0/24")->route.origin_asn, 56203);
	rtable_free(&t);

	/* an AS number field of 63 bytes (leading zeros) is read; of 64, refused */
	snprintf(field, sizeof(field), "%063u", 56203);
	snprintf(line, sizeof(line), "1.0.6.0/24 %s\n", field);
	path = write_file("wide.txt", line, 0);
	assert_int_equal(routes_read(&path, 1, &o, &t, NULL, NULL), 0);
	assert_int_equal(find(&t, "1.0.6.0/24")->route.origin_asn, 56203);
	rtable_free(&t);
	snprintf(field, sizeof(field), "%064u", 56203);
	snprintf(line, sizeof(line), "1.0.6.0/24 %s\n", field);
	expect_error(write_file("wide.txt", line, 0), &o, -EINVAL,
		     "wide.txt:1: field 2 is 64 bytes long");
}

/* pfx2as: exactly three fields, every AS number checked, and a prefix text
 * too long for its buffer refused rather than cut (0.0.0.0/0 out of
 * 0.0.0.0/000...024). */
static void test_routes_pfx2as_strict(void **state)
{
	char line[200];
	struct routes_opts o = { .format = ROUTES_PFX2AS };

	expect_error(write_file("bad.pfx2as", "1.0.6.0\t24\t56203\t9\n", 0), &o, -EINVAL,
		     "bad.pfx2as:1: expected PREFIX<TAB>LENGTH<TAB>ASN, got a fourth field '9'");
	expect_error(write_file("bad.pfx2as", "1.0.6.0\t24\t64500,6450x\n", 0), &o, -EINVAL,
		     "bad.pfx2as:1: bad AS number '6450x'");
	expect_error(write_file("bad.pfx2as", "1.0.6.0\t24\t_\n", 0), &o, -EINVAL,
		     "bad.pfx2as:1: no AS number in '_'");
	snprintf(line, sizeof(line), "0.0.0.0\t%060u\t64500\n", 24);
	expect_error(write_file("bad.pfx2as", line, 0), &o, -EINVAL, "bad.pfx2as:1: bad prefix");
}

/* Binary data is no routing file: "unrecognised format" with its first
 * bytes in hex, plain or compressed; a text file with a stray NUL is text. */
static void test_routes_binary_unrecognised(void **state)
{
	uint8_t zeros[1000] = { 0 }, *gz;
	struct routes_opts o = { .format = ROUTES_AUTO };
	static const char stray[] = "175.45.176.0/22 131279\0 4837\n";
	size_t n;

	assert_int_equal(routes_sniff(zeros, sizeof(zeros)), ROUTES_UNKNOWN);
	assert_int_equal(routes_sniff((const uint8_t *)stray, sizeof(stray) - 1), ROUTES_TEXT);
	expect_error(write_raw("zeros", zeros, sizeof(zeros)), &o, -EINVAL,
		     "zeros: unrecognised format: not MRT, bgpdump -m, pfx2as or text (first "
		     "bytes: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00)");
	gz = gz_mem(zeros, sizeof(zeros), &n);
	expect_error(write_raw("zeros.gz", gz, n), &o, -EINVAL,
		     "zeros.gz: unrecognised format: not MRT, bgpdump -m, pfx2as or text (first "
		     "bytes decompressed: 00 00");
	free(gz);
	/* asked to read it as text: the first line's NUL */
	o.format = ROUTES_TEXT;
	expect_error(write_raw("zeros", zeros, sizeof(zeros)), &o, -EINVAL,
		     "zeros:1: NUL byte at column 1");
}

/* Text of n lines "10.x.y.0/24 ASN", distinct enough to compress poorly. */
static char *many_lines(size_t n, size_t *len)
{
	char *s = malloc(n * 40);
	size_t o = 0;

	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		o += (size_t)sprintf(s + o, "10.%zu.%zu.0/24 %zu\n", i >> 8 & 255, i & 255,
				     (i * 2654435761U) % 4000000000U + 1);
	*len = o;
	return s;
}

/* Corrupt or cut gzip and bzip2 data past the first block of text: bad
 * input (-EINVAL, exit 3), named by file and the line reached. */
static void test_routes_corrupt_compressed_named(void **state)
{
	size_t len, n;
	char *text = many_lines(60000, &len); /* about 1.5 MB */
	uint8_t *gz = gz_mem(text, len, &n), *bz;
	unsigned int bzn = (unsigned int)(len + len / 100 + 600);
	struct routes_opts o = { .format = ROUTES_AUTO };

	/* gzip whose CRC (the trailer's first 4 bytes) does not match: found at
	 * the end, named at the line the decompressed text reached (mrtio
	 * drops what the failing read decoded, so not always line 60001) */
	gz[n - 8] ^= 0xff;
	expect_error(write_raw("bad.txt.gz", gz, n), &o, -EINVAL, "bad.txt.gz:");
	expect_error(write_raw("bad.txt.gz", gz, n), &o, -EINVAL,
		     ": corrupt or truncated gzip data after byte");
	/* cut in the middle: the line reached is named */
	expect_error(write_raw("cut.txt.gz", gz, n / 2), &o, -EINVAL, "cut.txt.gz:");
	expect_error(write_raw("cut.txt.gz", gz, n / 2), &o, -EINVAL,
		     ": corrupt or truncated gzip data after byte");
	/* bytes changed in the middle: whatever fails first (the inflater, or
	 * a line of garbage it let through) names the file and a line */
	gz[n - 8] ^= 0xff;
	memset(gz + n / 2, 0xa5, 64);
	expect_error(write_raw("bad.txt.gz", gz, n), &o, -EINVAL, "bad.txt.gz:");
	free(gz);

	/* bzip2 in 100k blocks, cut in its fifth block */
	bz = malloc(bzn);
	assert_int_equal(
		BZ2_bzBuffToBuffCompress((char *)bz, &bzn, text, (unsigned int)len, 1, 0, 0),
		BZ_OK);
	expect_error(write_raw("cut.txt.bz2", bz, bzn / 3), &o, -EINVAL,
		     "corrupt or truncated bzip2 data after byte");
	free(bz);
	free(text);
}

static void test_routes_directory(void **state)
{
	struct routes_opts o = { .format = ROUTES_AUTO };

	expect_error(dir, &o, -EISDIR, "is a directory");
}

/* A writer process feeding `path` (a FIFO, or a pipe on fd 0) with len bytes. */
static pid_t feed(const char *path, int fd, const void *data, size_t len)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		if (path)
			fd = open(path, O_WRONLY);
		_exit(fd >= 0 && write(fd, data, len) == (ssize_t)len ? 0 : 1);
	}
	return pid;
}

static void reap(pid_t pid)
{
	int st;

	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* FIFOs and standard input are streams: text (gzip) and MRT (gzip, which
 * needs the bytes read to guess the format passed on) both load. */
static void test_routes_fifo_and_stdin(void **state)
{
	static const char text[] = "175.45.176.0/22 131279 4837\n";
	struct routes_opts o = { .format = ROUTES_AUTO };
	struct mrtb b = { 0 };
	struct rtable t = { 0 };
	char fifo[256];
	const char *path = fifo, *dash = "-";
	uint8_t *gz;
	int pfd[2], saved;
	size_t n;
	pid_t pid;

	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	gz = gz_mem(text, sizeof(text) - 1, &n);
	pid = feed(fifo, -1, gz, n);
	assert_int_equal(routes_read(&path, 1, &o, &t, NULL, NULL), 0);
	reap(pid);
	assert_int_equal(find(&t, "175.45.176.0/22")->route.transit_asn, 4837);
	rtable_free(&t);
	free(gz);

	mrt_long_path(&b, 5);
	gz = gz_mem(b.d, b.n, &n);
	pid = feed(fifo, -1, gz, n);
	assert_int_equal(routes_read(&path, 1, &o, &t, NULL, NULL), 0);
	reap(pid);
	assert_int_equal(find(&t, "175.45.176.0/22")->route.origin_asn, 131279);
	rtable_free(&t);
	unlink(fifo);

	/* "-": the same MRT on a pipe */
	assert_int_equal(pipe(pfd), 0);
	pid = feed(NULL, pfd[1], gz, n);
	close(pfd[1]);
	saved = dup(0);
	dup2(pfd[0], 0);
	close(pfd[0]);
	assert_int_equal(routes_read(&dash, 1, &o, &t, NULL, NULL), 0);
	dup2(saved, 0);
	close(saved);
	reap(pid);
	assert_int_equal(find(&t, "175.45.176.0/22")->route.origin_asn, 131279);
	rtable_free(&t);
	free(gz);
	free(b.d);
}

/* Input without routes never gives an empty table, unless allow_empty:
 * an empty file, comments only, /dev/null, empty gzip, an empty file after
 * a good one (a file being rewritten), all lines skipped as malformed, and
 * input whose every route is withdrawn. */
static void test_routes_empty_input_refused(void **state)
{
	struct routes_opts o = { .format = ROUTES_AUTO };
	const char *files[2];
	size_t n;
	/* before the table: write_raw's arguments are evaluated in no set order */
	uint8_t *gz = gz_mem("", 0, &n);
	struct {
		const char *path, *want;
		bool keep_going;
	} c[] = {
		{ strdup(write_file("empty.txt", "", 0)), "empty.txt: no routes" },
		{ strdup(write_file("comments.txt", "# nothing yet\n\n   \n# still nothing\n", 0)),
		  "comments.txt: no routes" },
		{ "/dev/null", "/dev/null: no routes" },
		{ strdup(write_raw("empty.gz", gz, n)), "empty.gz: no routes" },
		{ strdup(write_file("junk.txt", "junk\nmore junk\n", 0)), "junk.txt: no routes",
		  true },
		{ strdup(write_file("withdrawn.bgpdump",
				    "BGP4MP|1506848880|A|198.51.100.1|64496|175.45.176.0/22|64496 "
				    "4837 131279|IGP|198.51.100.1|0|0||NAG||\n"
				    "BGP4MP|1506848890|W|198.51.100.1|64496|175.45.176.0/22\n",
				    0)),
		  "no routes: every route in the input was withdrawn" },
	};

	free(gz);
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct rtable t = { 0 };

		o.keep_going = c[i].keep_going;
		o.allow_empty = false;
		expect_error(c[i].path, &o, -ENODATA, c[i].want);
		o.allow_empty = true;
		assert_int_equal(routes_read(&c[i].path, 1, &o, &t, NULL, NULL), 0);
		assert_int_equal(t.n, 0);
		rtable_free(&t);
	}
	/* a good file, then one being rewritten (empty for now) */
	files[0] = strdup(write_file("good.txt", "175.45.176.0/22 131279 4837\n", 0));
	files[1] = c[0].path;
	o.keep_going = false;
	o.allow_empty = false;
	{
		struct rtable t = { 0 };
		char log[1024];

		assert_int_equal(read_logged(files, 2, &o, &t, log, sizeof(log)), -ENODATA);
		assert_int_equal(t.n, 0);
		assert_non_null(strstr(log, "empty.txt: no routes"));
		rtable_free(&t);
	}
	free((void *)files[0]);
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (strcmp(c[i].path, "/dev/null"))
			free((void *)c[i].path);
}

/* ---- snapshots: the newest per collector, and the updates after it ---- */

#define PEER_P 0xc6336401U /* 198.51.100.1 AS64496: collector A's peer */
#define PEER_Q 0xc6336402U /* 198.51.100.2 AS64497: A's other peer */
#define PEER_R 0xc6336403U /* 198.51.100.3 AS64498: in no snapshot */
#define COLL_A 0xc6336401U
#define COLL_B 0xcb007101U /* 203.0.113.1 */
#define PFX_K 0xaf2db000U  /* 175.45.176.0/22 */
#define PFX_O 0xc6120000U  /* 198.18.0.0/15 */

static const uint32_t via_20485[] = { 64496, 20485, 131279 }, q_4837[] = { 64497, 4837, 131279 },
		      p_other[] = { 64496, 64510 }, r_other[] = { 64498, 64510 };

static void b_hdr(struct mrtb *b, uint32_t ts, unsigned int type, unsigned int sub, uint32_t len)
{
	b_u32(b, ts);
	b_u16(b, type);
	b_u16(b, sub);
	b_u32(b, len);
}

static uint32_t peer_asn(uint32_t peer)
{
	return 64495 + (peer & 0xff);
}

/* PEER_INDEX_TABLE of collector `id`, view `view`: peers P (index 0) and Q
 * (index 1), IPv4 with 4-byte ASes */
static void snap_pit(struct mrtb *b, uint32_t ts, uint32_t id, const char *view)
{
	size_t vl = strlen(view);

	b_hdr(b, ts, 13, 1, (uint32_t)(4 + 2 + vl + 2 + 2 * (1 + 4 + 4 + 4)));
	b_u32(b, id);
	b_u16(b, (unsigned int)vl);
	for (size_t i = 0; i < vl; i++)
		b_u8(b, (uint8_t)view[i]);
	b_u16(b, 2);
	for (uint32_t peer = PEER_P; peer <= PEER_Q; peer++) {
		b_u8(b, 2);
		b_u32(b, peer);
		b_u32(b, peer);
		b_u32(b, peer_asn(peer));
	}
}

static uint32_t attrs_len(size_t n)
{
	return (uint32_t)(4 + 3 + 2 + 4 * n);
}

/* ORIGIN IGP, AS_PATH of one AS_SEQUENCE */
static void b_attrs(struct mrtb *b, const uint32_t *path, size_t n)
{
	b_u32(b, 0x40010100);
	b_u8(b, 0x40);
	b_u8(b, 2);
	b_u8(b, (unsigned int)(2 + 4 * n));
	b_u8(b, 2);
	b_u8(b, (unsigned int)n);
	for (size_t i = 0; i < n; i++)
		b_u32(b, path[i]);
}

static void b_pfx(struct mrtb *b, uint32_t pfx, unsigned int plen)
{
	b_u8(b, plen);
	for (unsigned int i = 0; i < (plen + 7) / 8; i++)
		b_u8(b, (pfx >> (24 - 8 * i)) & 0xff);
}

/* RIB_IPV4_UNICAST: one entry, from the peer its path starts with */
static void snap_rib(struct mrtb *b, uint32_t ts, uint32_t pfx, unsigned int plen,
		     const uint32_t *path, size_t n)
{
	b_hdr(b, ts, 13, 2, 4 + 1 + (plen + 7) / 8 + 2 + 2 + 4 + 2 + attrs_len(n));
	b_u32(b, 0);
	b_pfx(b, pfx, plen);
	b_u16(b, 1);
	b_u16(b, path[0] - 64496);
	b_u32(b, ts);
	b_u16(b, attrs_len(n));
	b_attrs(b, path, n);
}

/* BGP4MP_MESSAGE_AS4 UPDATE from peer: announces pfx with path, or
 * withdraws it (path NULL) */
static void snap_upd(struct mrtb *b, uint32_t ts, uint32_t peer, uint32_t pfx, unsigned int plen,
		     const uint32_t *path, size_t n)
{
	uint32_t pl = 1 + (plen + 7) / 8, wl = path ? 0 : pl, al = path ? attrs_len(n) : 0;
	uint32_t msg = 19 + 2 + wl + 2 + al + (path ? pl : 0);

	b_hdr(b, ts, 16, 4, 4 + 4 + 2 + 2 + 4 + 4 + msg);
	b_u32(b, peer_asn(peer));
	b_u32(b, 65000);
	b_u16(b, 0);
	b_u16(b, 1);
	b_u32(b, peer);
	b_u32(b, 0xc6336464);
	for (int i = 0; i < 16; i++)
		b_u8(b, 0xff);
	b_u16(b, msg);
	b_u8(b, 2);
	b_u16(b, wl);
	if (!path)
		b_pfx(b, pfx, plen);
	b_u16(b, al);
	if (path) {
		b_attrs(b, path, n);
		b_pfx(b, pfx, plen);
	}
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Writes b to dir/name, empties b; returns a copy of the path. */
static char *snap_file(const char *name, struct mrtb *b)
{
	char *p = strdup(write_raw(name, b->d, b->n));

	b->n = 0;
	return p;
}

/* Collector A at 1000: 175.45.176.0/22 from P via 20485 and from Q via
 * 4837, 198.18.0.0/15 from P */
static char *snap_a1000(const char *name, uint32_t id, const char *view)
{
	struct mrtb b = { 0 };
	char *p;

	snap_pit(&b, 1000, id, view);
	snap_rib(&b, 1000, PFX_K, 22, via_20485, N(via_20485));
	snap_rib(&b, 1000, PFX_K, 22, q_4837, N(q_4837));
	snap_rib(&b, 1000, PFX_O, 15, p_other, N(p_other));
	p = snap_file(name, &b);
	free(b.d);
	return p;
}

/* Collector A at 2000: P has dropped its routes; Q's 175.45.176.0/22 via 4837 */
static char *snap_a2000(const char *name)
{
	struct mrtb b = { 0 };
	char *p;

	snap_pit(&b, 2000, COLL_A, "");
	snap_rib(&b, 2000, PFX_K, 22, q_4837, N(q_4837));
	p = snap_file(name, &b);
	free(b.d);
	return p;
}

/* Reads files, expects n routes and 175.45.176.0/22 with transit/flag;
 * the log must have `want` (if not NULL). */
static void snap_expect(char **files, int nf, bool merge, size_t n, uint32_t transit, bool multi,
			const char *want)
{
	struct routes_opts o = { .format = ROUTES_AUTO, .merge_snapshots = merge };
	struct rtable t = { 0 };
	const struct rt_entry *e;
	char log[2048];

	assert_int_equal(read_logged((const char *const *)files, nf, &o, &t, log, sizeof(log)), 0);
	assert_int_equal(t.n, n);
	e = find(&t, "175.45.176.0/22");
	assert_int_equal(e->route.transit_asn, transit);
	assert_int_equal(!!(e->route.flags & ASC_RF_MULTI_TRANSIT), multi);
	if (want && !strstr(log, want))
		fail_msg("log lacks \"%s\": %s", want, log);
	rtable_free(&t);
}

static void snap_free(char **f, int n)
{
	for (int i = 0; i < n; i++)
		free(f[i]);
}

/* Two snapshots of one collector: the newer alone counts, whatever the
 * file order; --merge-snapshots adds both up as before. */
static void test_snap_newest_per_collector(void **state)
{
	char *f[2] = { snap_a1000("a1.mrt", COLL_A, ""), snap_a2000("a2.mrt") },
	     *r[2] = { f[1], f[0] };

	snap_expect(f, 2, false, 1, 4837, false,
		    "a1.mrt: record 1: snapshot of collector "
		    "198.51.100.1 view '' at 1970-01-01 00:16:40 UTC "
		    "left out");
	snap_expect(r, 2, false, 1, 4837, false, "a1.mrt: not read");
	snap_expect(f, 2, true, 2, 4837, true, NULL);
	snap_free(f, 2);
}

/* Two collectors (another BGP id, or the same one with another view): both count */
static void test_snap_two_collectors(void **state)
{
	char *f[2] = { snap_a1000("b1.mrt", COLL_B, ""), snap_a2000("a2.mrt") };
	char *v[2] = { snap_a1000("v1.mrt", COLL_A, "v6"), f[1] };

	snap_expect(f, 2, false, 2, 4837, true, NULL);
	snap_expect(v, 2, false, 2, 4837, true, NULL);
	free(v[0]);
	snap_free(f, 2);
}

/* Updates after the snapshot apply; those older than the snapshot of their
 * peer are skipped and logged, updates of a peer in no snapshot apply. */
static void test_snap_updates(void **state)
{
	struct mrtb b = { 0 };
	char *f[3] = { snap_a2000("a2.mrt") };

	snap_upd(&b, 2500, PEER_P, PFX_O, 15, p_other, N(p_other));
	f[1] = snap_file("u2500.mrt", &b);
	snap_expect(f, 2, false, 2, 4837, false, NULL);
	snap_upd(&b, 2600, PEER_P, PFX_K, 22, via_20485, N(via_20485));
	snap_upd(&b, 2700, PEER_Q, PFX_K, 22, NULL, 0);
	f[2] = snap_file("u2600.mrt", &b);
	snap_expect(f, 3, false, 2, 20485, false, NULL);
	free(f[1]);
	free(f[2]);

	snap_upd(&b, 1500, PEER_Q, PFX_K, 22, NULL, 0); /* older: the snapshot has it */
	snap_upd(&b, 1600, PEER_R, PFX_O, 15, r_other, N(r_other));
	f[1] = snap_file("u1500.mrt", &b);
	snap_expect(f, 2, false, 2, 4837, false,
		    "u1500.mrt: skipped 1 update records older than the snapshot of their peer "
		    "(the newest skipped: 1970-01-01 00:25:00 UTC)");
	free(f[1]);
	snap_upd(&b, 1500, PEER_Q, PFX_K, 22, NULL, 0);
	f[1] = snap_file("u1500only.mrt", &b);
	snap_expect(f, 2, false, 1, 4837, false, "u1500only.mrt: not read");
	snap_free(f, 2);
	free(b.d);
}

/* BIRD appends snapshots to one file when its name repeats: each
 * PEER_INDEX_TABLE starts a new one. */
static void test_snap_appended(void **state)
{
	struct mrtb b = { 0 };
	char *f[1];

	snap_pit(&b, 1000, COLL_A, "");
	snap_rib(&b, 1000, PFX_K, 22, via_20485, N(via_20485));
	snap_rib(&b, 1000, PFX_K, 22, q_4837, N(q_4837));
	snap_rib(&b, 1000, PFX_O, 15, p_other, N(p_other));
	snap_pit(&b, 2000, COLL_A, "");
	snap_rib(&b, 2000, PFX_K, 22, q_4837, N(q_4837));
	f[0] = snap_file("appended.mrt", &b);
	snap_expect(f, 1, false, 1, 4837, false, "appended.mrt: record 1: snapshot");
	snap_expect(f, 1, true, 2, 4837, true, NULL);
	snap_free(f, 1);
	free(b.d);
}

/* ---- per-link resolution: per-peer input -------------------------------- */

/* Columns: cu = AS4837, ttk = AS20485 (both sessions), ttk2 = AS20485 from
 * 203.0.113.2 only. */
static const struct rt_upstreams cu_ttk = { .col = {
						    { .asn = 4837 },
						    { .asn = 20485 },
						    { .asn = 20485,
						      .nbr_family = 4,
						      .nbr = { 203, 0, 113, 2 } },
					    } };

static void expect_col(const struct rtable *t, const char *p, unsigned int col, uint32_t origin,
		       uint32_t transit, unsigned int path)
{
	struct rt_link l = rt_link_of(t, find(t, p), col);

	if (l.origin_asn != origin || l.transit_asn != transit || l.path != path)
		fail_msg("%s column %u: got %u %u path %u, want %u %u path %u", p, col,
			 l.origin_asn, l.transit_asn, l.path, origin, transit, path);
}

/* bgpdump -m: peer address (field 4) and AS (field 5) pick the column. */
static void test_routes_per_link_bgpdump(void **state)
{
	const char *text =
		/* the prefix: cu and ttk each announce their own path */
		"TABLE_DUMP2|1506848400|B|203.0.113.1|4837|175.45.176.0/22|4837 131279|IGP|"
		"203.0.113.1|0|0||NAG||\n"
		"TABLE_DUMP2|1506848400|B|203.0.113.2|20485|175.45.176.0/22|20485 131279|IGP|"
		"203.0.113.2|0|0||NAG||\n"
		/* a second ttk session sees it through 9929 */
		"TABLE_DUMP2|1506848400|B|203.0.113.3|20485|175.45.176.0/22|20485 9929 131279|IGP|"
		"203.0.113.3|0|0||NAG||\n"
		/* only cu announces this one */
		"TABLE_DUMP2|1506848400|B|203.0.113.1|4837|198.51.100.0/24|4837 64500|IGP|"
		"203.0.113.1|0|0||NAG||\n";
	const char *path = write_file("perlink.bgpdump", text, 0);
	struct routes_opts o = { .format = ROUTES_AUTO, .upstreams = &cu_ttk };
	struct rtable t = { 0 };

	assert_int_equal(routes_read(&path, 1, &o, &t, NULL, NULL), 0);
	/* the consensus: three transits, one path each: the lower */
	assert_int_equal(find(&t, "175.45.176.0/22")->route.transit_asn, 4837);
	expect_col(&t, "175.45.176.0/22", 0, 131279, 4837, ASC_PATH_OWN);
	expect_col(&t, "175.45.176.0/22", 1, 131279, 9929, ASC_PATH_OWN); /* tie: lower */
	expect_col(&t, "175.45.176.0/22", 2, 131279, 20485, ASC_PATH_OWN);
	expect_col(&t, "198.51.100.0/24", 0, 64500, 4837, ASC_PATH_OWN);
	expect_col(&t, "198.51.100.0/24", 1, 64500, 4837, ASC_PATH_CONSENSUS);
	expect_col(&t, "198.51.100.0/24", 2, 64500, 4837, ASC_PATH_CONSENSUS);
	rtable_free(&t);
}

/* A real RIS TABLE_DUMP_V2 record (tests/data/mrt/SOURCES.md): 23 peers of
 * the PEER_INDEX_TABLE announce 2001:579:1040::/46, origin 22773; most
 * through 6939 (the consensus), AS3333 through 2914, AS7018 through 3356,
 * and AS202365 from two sessions, both through 6939. */
static void test_routes_per_link_mrt_peer_index(void **state)
{
	const char *path = "tests/data/mrt/bview.64k_stream_overflow.gz";
	const uint8_t ris365[16] = { 0x2a, 0x03, 0x3f, 0x40, 0, 0x32, [14] = 0x03, [15] = 0x65 };
	struct rt_upstreams u = { .col = { { .asn = 3333 }, { .asn = 7018 }, { .asn = 64500 } } };
	struct routes_opts o = { .format = ROUTES_AUTO, .upstreams = &u };
	struct rtable t = { 0 };

	assert_int_equal(rt_upstream_set(&u, 3, 202365, 6, ris365), 0);
	assert_int_equal(routes_read(&path, 1, &o, &t, NULL, NULL), 0);
	assert_int_equal(find(&t, "2001:579:1040::/46")->route.transit_asn, 6939);
	expect_col(&t, "2001:579:1040::/46", 0, 22773, 2914, ASC_PATH_OWN);
	expect_col(&t, "2001:579:1040::/46", 1, 22773, 3356, ASC_PATH_OWN);
	expect_col(&t, "2001:579:1040::/46", 2, 22773, 6939, ASC_PATH_CONSENSUS);
	expect_col(&t, "2001:579:1040::/46", 3, 22773, 6939, ASC_PATH_OWN);
	rtable_free(&t);
}

/* Text and pfx2as lines have no per-peer paths: every column is the
 * consensus, and a text route replaces the resolved one with its row. */
static void test_routes_per_link_text_is_consensus(void **state)
{
	char bgp[256], txt[256];
	const char *files[2] = { bgp, txt };
	struct routes_opts o = { .format = ROUTES_AUTO, .upstreams = &cu_ttk };
	struct rtable t = { 0 };

	strcpy(bgp, write_file("perlink-b.bgpdump",
			       "TABLE_DUMP2|1506848400|B|203.0.113.1|4837|175.45.176.0/22|4837 "
			       "131279|IGP|203.0.113.1|0|0||NAG||\n",
			       0));
	strcpy(txt, write_file("perlink.txt", "175.45.176.0/22 131279 20485\n", 0));
	assert_int_equal(routes_read(files, 2, &o, &t, NULL, NULL), 0);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.v[0].links, 0);
	expect_col(&t, "175.45.176.0/22", 0, 131279, 20485, ASC_PATH_CONSENSUS);
	rtable_free(&t);
	files[0] = write_file("perlink.pfx2as", "175.45.176.0\t22\t131279\n", 0);
	assert_int_equal(routes_read(files, 1, &o, &t, NULL, NULL), 0);
	expect_col(&t, "175.45.176.0/22", 1, 131279, 0, ASC_PATH_CONSENSUS);
	rtable_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_routes_sniff),
		cmocka_unit_test(test_routes_bgpdump_text_gz),
		cmocka_unit_test(test_routes_confed_left_out),
		cmocka_unit_test(test_routes_pfx2as),
		cmocka_unit_test(test_routes_text_overrides_resolved),
		cmocka_unit_test(test_routes_bad_line_keeps_nothing),
		cmocka_unit_test(test_routes_missing_file),
		cmocka_unit_test(test_routes_format_names),
		cmocka_unit_test(test_routes_long_aspath_text),
		cmocka_unit_test(test_routes_long_aspath_mrt),
		cmocka_unit_test(test_routes_cut_last_line),
		cmocka_unit_test(test_routes_bgpdump_needs_all_fields),
		cmocka_unit_test(test_routes_bgpdump_complete_forms),
		cmocka_unit_test(test_routes_nul_byte),
		cmocka_unit_test(test_routes_line_limit),
		cmocka_unit_test(test_routes_text_fields_not_cut),
		cmocka_unit_test(test_routes_pfx2as_strict),
		cmocka_unit_test(test_routes_binary_unrecognised),
		cmocka_unit_test(test_routes_corrupt_compressed_named),
		cmocka_unit_test(test_routes_directory),
		cmocka_unit_test(test_routes_fifo_and_stdin),
		cmocka_unit_test(test_routes_empty_input_refused),
		cmocka_unit_test(test_snap_newest_per_collector),
		cmocka_unit_test(test_snap_two_collectors),
		cmocka_unit_test(test_snap_updates),
		cmocka_unit_test(test_snap_appended),
		cmocka_unit_test(test_routes_per_link_bgpdump),
		cmocka_unit_test(test_routes_per_link_mrt_peer_index),
		cmocka_unit_test(test_routes_per_link_text_is_consensus),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
