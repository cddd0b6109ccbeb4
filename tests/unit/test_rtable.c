// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_rtable.c - prefix parsing and formatting, table sorting
 * and de-duplication, and the reference LPM against a brute-force scan. */
#include <errno.h>
#include <stdio.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "routes/rtable.h"
#include "rows.h"
#include "rt_lpm.h"

static void test_rtable_prefix_parse_table(void **state)
{
	static const struct {
		const char *text;
		int host_bits; /* allow_host_bits */
		int ret;
		const char *fmt; /* prefix_fmt of the result, when ret is 0 */
		int family;
		size_t len; /* of text, where it matters; 0 otherwise */
	} rows[] = {
		{ "175.45.176.0/22", 0, 0, "175.45.176.0/22", 4 },
		{ "2001:db8:ff00::/40", 0, 0, "2001:db8:ff00::/40", 6 },
		{ "0.0.0.0/0", 0, 0, "0.0.0.0/0", 4 },
		{ "198.51.100.7", 0, 0, "198.51.100.7/32", 4 }, /* host route */
		{ "::/0", 0, 0, "::/0", 6 },
		/* the longest text read whole is 53 bytes (INET6_ADDRSTRLEN + 7);
		 * 54 is refused, not cut */
		{ "1.0.6.0/000000000000000000000000000000000000000000024", 0, 0, "1.0.6.0/24", 4,
		  53 },
		{ "1.0.6.0/0000000000000000000000000000000000000000000024", 0, -EINVAL, .len = 54 },
		{ "175.45.176.0/33", 0, -EINVAL },
		{ "2001:db8::/129", 0, -EINVAL },
		{ "175.45.176.0/", 0, -EINVAL },
		{ "175.45.176.0/-1", 0, -EINVAL },
		{ "175.45.176/22", 0, -EINVAL },
		{ "", 0, -EINVAL },
		/* host bits: refused, or cleared on request (as some dumps need) */
		{ "11.13.0.0/13", 0, -EINVAL },
		{ "11.13.0.0/13", 1, 0, "11.8.0.0/13", 4 },
	};
	const size_t n = sizeof(rows) / sizeof(rows[0]);
	struct rows r = { 0 };

	for (size_t i = 0; i < n; i++) {
		struct rt_entry e;
		char buf[64];
		int ret = prefix_parse(rows[i].text, &e, rows[i].host_bits);

		if (rows[i].len && strlen(rows[i].text) != rows[i].len)
			row_wrong(&r, i, rows[i].text, "the row's text is %zu bytes, not %zu",
				  strlen(rows[i].text), rows[i].len);
		if (ret != rows[i].ret) {
			row_wrong(&r, i, rows[i].text, "returned %d, want %d", ret, rows[i].ret);
			continue;
		}
		if (ret)
			continue;
		if (e.family != rows[i].family)
			row_wrong(&r, i, rows[i].text, "family %d, want %d", e.family,
				  rows[i].family);
		if (strcmp(prefix_fmt(&e, buf, sizeof(buf)), rows[i].fmt))
			row_wrong(&r, i, rows[i].text, "read as %s, want %s", buf, rows[i].fmt);
	}
	rows_done(&r, n);
}

static void add(struct rtable *t, const char *pfx, uint32_t origin)
{
	struct rt_entry e;

	assert_int_equal(prefix_parse(pfx, &e, 0), 0);
	e.route.origin_asn = origin;
	assert_int_equal(rtable_add(t, &e), 0);
}

static void test_rtable_sort_dedup_keeps_the_last(void **state)
{
	struct rtable t = { 0 };
	char buf[64];

	add(&t, "2001:db8::/32", 1);
	add(&t, "198.51.100.0/24", 2);
	add(&t, "175.45.176.0/22", 3);
	add(&t, "198.51.100.0/24", 4); /* replaces origin 2 */
	add(&t, "175.45.176.0/24", 5);
	assert_int_equal(rtable_sort_dedup(&t), 4);
	assert_string_equal(prefix_fmt(&t.v[0], buf, sizeof(buf)), "175.45.176.0/22");
	assert_string_equal(prefix_fmt(&t.v[1], buf, sizeof(buf)), "175.45.176.0/24");
	assert_string_equal(prefix_fmt(&t.v[2], buf, sizeof(buf)), "198.51.100.0/24");
	assert_int_equal(t.v[2].route.origin_asn, 4);
	assert_int_equal(t.v[3].family, 6);
	assert_int_equal(rtable_count(&t, 4), 3);
	assert_int_equal(rtable_count(&t, 6), 1);
	rtable_free(&t);
}

/* Random prefixes of both families from a small space (many duplicates;
 * IPv6 ones differing in the address's second half too): sorted, the
 * table is strictly in prefix_cmp() order, and each prefix kept carries
 * the origin of the last entry added with it (origin = 1 + its position). */
static void test_rtable_sort_dedup_matches_prefix_cmp(void **state)
{
	enum { N = 4000 };
	struct rt_entry *in = calloc(N, sizeof(*in));
	struct rtable t = { 0 };
	unsigned int seed = 4837;

	assert_non_null(in);
	for (int i = 0; i < N; i++) {
		struct rt_entry *e = &in[i];

		e->family = (rand_r(&seed) & 1) ? 6 : 4;
		e->addr[0] = e->family == 6 ? 0x20 : 175;
		e->addr[2] = (uint8_t)(rand_r(&seed) & 15);
		e->addr[3] = (uint8_t)(rand_r(&seed) & 7);
		if (e->family == 6)
			e->addr[9 + rand_r(&seed) % 7] = (uint8_t)(rand_r(&seed) & 3);
		e->plen = (uint8_t)(e->family == 4 ? 24 + rand_r(&seed) % 9
						   : 120 + rand_r(&seed) % 9);
		prefix_mask(e->addr, e->family, e->plen);
		e->route.origin_asn = (uint32_t)i + 1;
		assert_int_equal(rtable_add(&t, e), 0);
	}
	assert_int_not_equal(rtable_sort_dedup(&t), (size_t)-1);
	assert_true(t.n < N); /* the space is small: there were duplicates */
	for (size_t k = 1; k < t.n; k++)
		assert_true(prefix_cmp(&t.v[k - 1], &t.v[k]) < 0);
	for (int i = 0; i < N; i++) {
		const struct rt_entry *f = bsearch(&in[i], t.v, t.n, sizeof(*t.v),
						   (int (*)(const void *, const void *))prefix_cmp);
		uint32_t last = 0;

		assert_non_null(f);
		for (int j = i; j < N; j++)
			if (!prefix_cmp(&in[j], &in[i]))
				last = in[j].route.origin_asn;
		assert_int_equal(f->route.origin_asn, last);
	}
	rtable_free(&t);
	free(in);
}

/* Brute force: the longest prefix of the right family covering addr. */
static const struct rt_entry *scan(const struct rtable *t, int family, const uint8_t *addr)
{
	const struct rt_entry *best = NULL;

	for (size_t i = 0; i < t->n; i++) {
		uint8_t a[16] = { 0 };

		if (t->v[i].family != family)
			continue;
		memcpy(a, addr, family == 4 ? 4 : 16);
		prefix_mask(a, family, t->v[i].plen);
		if (!memcmp(a, t->v[i].addr, 16) && (!best || t->v[i].plen > best->plen))
			best = &t->v[i];
	}
	return best;
}

static void test_rtable_lpm_matches_brute_force(void **state)
{
	struct rtable t = { 0 };
	struct rt_lpm *l;
	unsigned int seed = 131279;

	/* nested and adjacent prefixes, /0, host routes, both families */
	add(&t, "0.0.0.0/0", 100);
	add(&t, "175.45.176.0/22", 131279);
	add(&t, "175.45.178.0/24", 20485);
	add(&t, "175.45.178.128/25", 4837);
	add(&t, "175.45.179.255/32", 7);
	add(&t, "2001:db8::/32", 64510);
	add(&t, "2001:db8:ff00::/40", 64520);
	add(&t, "2001:db8:ff00::1/128", 64521);
	for (int i = 0; i < 2000; i++) {
		struct rt_entry e = { .family = (i & 1) ? 6 : 4 };

		for (int b = 0; b < 16; b++)
			e.addr[b] = (uint8_t)rand_r(&seed);
		e.addr[0] = (i & 1) ? 0x20 : 175; /* keep them clustered */
		e.plen = (uint8_t)(rand_r(&seed) % (e.family == 4 ? 33 : 129));
		e.route.origin_asn = 1000 + i;
		assert_int_equal(rtable_add(&t, &e), 0);
	}
	rtable_sort_dedup(&t);
	l = rt_lpm_build(&t);
	assert_non_null(l);
	for (int i = 0; i < 100000; i++) {
		int family = (i & 1) ? 6 : 4;
		uint8_t a[16];

		for (int b = 0; b < 16; b++)
			a[b] = (uint8_t)rand_r(&seed);
		a[0] = family == 6 ? 0x20 : 175;
		if (i % 7 == 0)
			a[1] = family == 6 ? 0x01 : 45; /* inside the named prefixes */
		assert_ptr_equal(rt_lpm_lookup(l, family, a), scan(&t, family, a));
	}
	rt_lpm_free(l);
	rtable_free(&t);
}

/* rt_link_of(): a column's own row where it has one, else the entry's route
 * marked consensus; an index no row has (or links 0) is the consensus too.
 * Sorting keeps each entry's index, and a later duplicate's index wins. */
static void test_rtable_link_of_after_sort(void **state)
{
	struct rt_links rows[3] = { 0 };
	struct rtable t = { .links = rows, .nlinks = 3, .links_cap = 3 };
	struct rt_link l;

	rows[1].col[0] = (struct rt_link){ 131279, 4837, ASC_PATH_OWN };
	rows[1].col[1].path = ASC_PATH_CONSENSUS;
	rows[2].col[1] = (struct rt_link){ 131279, 20485, ASC_PATH_OWN };
	add(&t, "198.51.100.0/24", 2);
	add(&t, "175.45.176.0/22", 3);
	t.v[1].links = 1;
	add(&t, "175.45.176.0/22", 131279); /* replaces the one above */
	t.v[2].route.transit_asn = 9929;
	t.v[2].links = 2;
	add(&t, "2001:db8::/32", 1);
	t.v[3].links = 3; /* no such row: one past the last */
	assert_int_equal(rtable_sort_dedup(&t), 3);
	assert_int_equal(t.v[0].links, 2); /* 175.45.176.0/22, the later one */
	l = rt_link_of(&t, &t.v[0], 1);
	assert_int_equal(l.transit_asn, 20485);
	assert_int_equal(l.path, ASC_PATH_OWN);
	l = rt_link_of(&t, &t.v[0], 0); /* row 2 has nothing of its own in column 0 */
	assert_int_equal(l.origin_asn, 131279);
	assert_int_equal(l.transit_asn, 9929);
	assert_int_equal(l.path, ASC_PATH_CONSENSUS);
	l = rt_link_of(&t, &t.v[1], 0); /* 198.51.100.0/24: links 0 */
	assert_int_equal(l.origin_asn, 2);
	assert_int_equal(l.path, ASC_PATH_CONSENSUS);
	l = rt_link_of(&t, &t.v[2], 1);
	assert_int_equal(l.origin_asn, 1);
	assert_int_equal(l.path, ASC_PATH_CONSENSUS);
	l = rt_link_of(&t, &t.v[0], RT_COLUMNS); /* no such column */
	assert_int_equal(l.path, ASC_PATH_CONSENSUS);
	free(t.v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rtable_prefix_parse_table),
		cmocka_unit_test(test_rtable_sort_dedup_keeps_the_last),
		cmocka_unit_test(test_rtable_sort_dedup_matches_prefix_cmp),
		cmocka_unit_test(test_rtable_link_of_after_sort),
		cmocka_unit_test(test_rtable_lpm_matches_brute_force),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
