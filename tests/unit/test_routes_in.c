// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_routes_in.c - format detection and the bgpdump text,
 * pfx2as and text readers of user/routes_in.c, compressed and plain, with
 * their errors.  (MRT input is covered end to end by tests/extra/rib_resolve.sh
 * against bgpdump's own text of the same files.) */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "routes_in.h"

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
		cmocka_unit_test(test_routes_text_fields_not_cut),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
