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
#include "rt_lpm.h"

static void test_rtable_prefix_parse_and_fmt(void **state)
{
	struct rt_entry e;
	char buf[64];

	assert_int_equal(prefix_parse("175.45.176.0/22", &e, 0), 0);
	assert_int_equal(e.family, 4);
	assert_int_equal(e.plen, 22);
	assert_string_equal(prefix_fmt(&e, buf, sizeof(buf)), "175.45.176.0/22");
	assert_int_equal(prefix_parse("2001:db8:ff00::/40", &e, 0), 0);
	assert_int_equal(e.family, 6);
	assert_string_equal(prefix_fmt(&e, buf, sizeof(buf)), "2001:db8:ff00::/40");
	assert_int_equal(prefix_parse("0.0.0.0/0", &e, 0), 0);
	assert_int_equal(e.plen, 0);
	assert_int_equal(prefix_parse("198.51.100.7", &e, 0), 0); /* host route */
	assert_int_equal(e.plen, 32);
	assert_int_equal(prefix_parse("::/0", &e, 0), 0);
	assert_int_equal(e.plen, 0);
}

static void test_rtable_prefix_parse_rejects(void **state)
{
	struct rt_entry e;
	char buf[64];

	assert_int_equal(prefix_parse("175.45.176.0/33", &e, 0), -EINVAL);
	assert_int_equal(prefix_parse("2001:db8::/129", &e, 0), -EINVAL);
	assert_int_equal(prefix_parse("175.45.176.0/", &e, 0), -EINVAL);
	assert_int_equal(prefix_parse("175.45.176.0/-1", &e, 0), -EINVAL);
	assert_int_equal(prefix_parse("175.45.176/22", &e, 0), -EINVAL);
	assert_int_equal(prefix_parse("", &e, 0), -EINVAL);
	/* text of 53 bytes (INET6_ADDRSTRLEN + 7) is read whole; 54 refused, not cut */
	snprintf(buf, sizeof(buf), "1.0.6.0/%045u", 24);
	assert_int_equal(strlen(buf), 53);
	assert_int_equal(prefix_parse(buf, &e, 0), 0);
	assert_int_equal(e.plen, 24);
	snprintf(buf, sizeof(buf), "1.0.6.0/%046u", 24);
	assert_int_equal(prefix_parse(buf, &e, 0), -EINVAL);
	/* host bits: refused, or cleared on request (as some dumps need) */
	assert_int_equal(prefix_parse("11.13.0.0/13", &e, 0), -EINVAL);
	assert_int_equal(prefix_parse("11.13.0.0/13", &e, 1), 0);
	assert_string_equal(prefix_fmt(&e, buf, sizeof(buf)), "11.8.0.0/13");
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rtable_prefix_parse_and_fmt),
		cmocka_unit_test(test_rtable_prefix_parse_rejects),
		cmocka_unit_test(test_rtable_sort_dedup_keeps_the_last),
		cmocka_unit_test(test_rtable_lpm_matches_brute_force),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
