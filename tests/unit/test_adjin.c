// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_adjin.c - the keys a peer announced (user/feed/adjin.h):
 * what makes two keys different (family, length, path id, address), stale
 * marks per family, the flush's withdrawals (every stale key once, with its
 * family, length, path id and address as announced), and a large set with
 * removals checked against a list of what is in it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "feed/adjin.h"
#include "feed/queue.h"

/* A key: family 4 or 6, length, path id, and the first 4 address bytes. */
static struct feed_pfx key(uint8_t family, uint8_t plen, uint32_t path_id, uint32_t addr)
{
	struct feed_pfx p = { .family = family, .plen = plen, .path_id = path_id };

	memcpy(p.addr, &addr, 4);
	if (family == 6)
		p.addr[15] = 0x66; /* a byte past IPv4's four */
	return p;
}

static void batch_free(struct feed_batch *b)
{
	free(b); /* queue_batch_new: the arrays are in the same allocation */
}

static void test_adjin_keys_differ_by_every_field(void **state)
{
	struct adjin a = { 0 };
	const struct feed_pfx k[] = {
		key(4, 22, 0, 0x00b02daf), /* 175.45.176.0/22, no ADD-PATH */
		key(4, 22, 1, 0x00b02daf), /* the same prefix, path id 1 */
		key(4, 24, 0, 0x00b02daf), /* 175.45.176.0/24 */
		key(4, 22, 0, 0x00b42daf), /* 175.45.180.0/22 */
		key(6, 22, 0, 0x00b02daf), /* IPv6 with the same first bytes */
	};

	for (size_t i = 0; i < 5; i++)
		assert_int_equal(adjin_add(&a, &k[i]), 0);
	for (size_t i = 0; i < 5; i++) /* again: already there */
		assert_int_equal(adjin_add(&a, &k[i]), 0);
	assert_int_equal(adjin_count(&a), 5);
	assert_int_equal(adjin_count_family(&a, FEED_IPV4), 4);
	assert_int_equal(adjin_count_family(&a, FEED_IPV6), 1);
	adjin_del(&a, &k[1]);
	adjin_del(&a, &k[1]); /* not there any more: nothing */
	assert_int_equal(adjin_count_family(&a, FEED_IPV4), 3);
	adjin_del(&a, &k[4]);
	assert_int_equal(adjin_count_family(&a, FEED_IPV6), 0);
	adjin_clear(&a);
	assert_int_equal(adjin_count(&a), 0);
	for (uint32_t id = 0; id < 3000; id++) { /* one address: ids and lengths */
		struct feed_pfx p = key(4, (uint8_t)(8 + id % 25), id / 25, 0x00b02daf);

		assert_int_equal(adjin_add(&a, &p), 0);
	}
	assert_int_equal(adjin_count(&a), 3000);
	adjin_clear(&a);
}

/* Family marks, an announcement again clears its key's mark, and the flush
 * of a family withdraws exactly its stale keys. */
static void test_adjin_flush_withdraws_the_stale_keys(void **state)
{
	struct adjin a = { 0 };
	struct feed_pfx v4a = key(4, 24, 7, 0x000012c6), v4b = key(4, 24, 8, 0x000112c6);
	struct feed_pfx v6 = key(6, 48, 3, 0xb80d0120);
	struct feed_batch *b;

	assert_int_equal(adjin_add(&a, &v4a), 0);
	assert_int_equal(adjin_add(&a, &v4b), 0);
	assert_int_equal(adjin_add(&a, &v6), 0);
	assert_int_equal(adjin_mark_stale(&a, FEED_IPV4), 2);
	assert_int_equal(adjin_stale(&a, FEED_IPV6), 0);
	assert_int_equal(adjin_mark_stale(&a, -1), 3);
	assert_int_equal(adjin_add(&a, &v4b), 0); /* announced again */
	assert_int_equal(adjin_stale(&a, FEED_IPV4), 1);
	assert_int_equal(adjin_stale(&a, -1), 2);
	assert_int_equal(adjin_flush(&a, FEED_IPV4, &b), 0);
	assert_non_null(b);
	assert_int_equal(b->n_withdraw, 1);
	assert_memory_equal(&b->withdraw[0], &v4a, sizeof(v4a));
	batch_free(b);
	assert_int_equal(adjin_count_family(&a, FEED_IPV4), 1);
	assert_int_equal(adjin_stale(&a, -1), 1); /* the IPv6 key */
	assert_int_equal(adjin_flush(&a, -1, &b), 0);
	assert_int_equal(b->n_withdraw, 1);
	assert_memory_equal(&b->withdraw[0], &v6, sizeof(v6)); /* all 16 bytes back */
	batch_free(b);
	assert_int_equal(adjin_flush(&a, -1, &b), 0); /* none stale: no batch */
	assert_null(b);
	assert_int_equal(adjin_count(&a), 1);
	adjin_clear(&a);
}

/* 200k keys of both families, a third withdrawn, the rest marked stale and
 * half of those announced again: the flush gives every stale key once and
 * the set keeps the others. */
static void test_adjin_large_set_with_removals(void **state)
{
	enum { N = 200000 };
	static bool seen[N];
	struct adjin a = { 0 };
	struct feed_batch *b;
	size_t left = 0, stale = 0;

	for (uint32_t i = 0; i < N; i++) {
		struct feed_pfx p = key(i % 5 ? 4 : 6, 24, i % 3, i * 256);

		assert_int_equal(adjin_add(&a, &p), 0);
	}
	assert_int_equal(adjin_count(&a), N);
	for (uint32_t i = 0; i < N; i += 3) {
		struct feed_pfx p = key(i % 5 ? 4 : 6, 24, i % 3, i * 256);

		adjin_del(&a, &p);
	}
	adjin_mark_stale(&a, -1);
	for (uint32_t i = 0; i < N; i++) {
		struct feed_pfx p = key(i % 5 ? 4 : 6, 24, i % 3, i * 256);

		if (i % 3 == 0)
			continue;
		left++;
		if (i % 2) {
			stale++;
			continue;
		}
		assert_int_equal(adjin_add(&a, &p), 0);
	}
	assert_int_equal(adjin_count(&a), left);
	assert_int_equal(adjin_stale(&a, -1), stale);
	assert_int_equal(adjin_flush(&a, -1, &b), 0);
	assert_int_equal(b->n_withdraw, stale);
	for (uint32_t k = 0; k < b->n_withdraw; k++) { /* each a stale key, once */
		uint32_t i;
		struct feed_pfx p;

		memcpy(&i, b->withdraw[k].addr, 4);
		i /= 256;
		p = key(i % 5 ? 4 : 6, 24, i % 3, i * 256);
		assert_true(i < N && i % 3 && i % 2);
		assert_memory_equal(&b->withdraw[k], &p, sizeof(p));
		assert_false(seen[i]);
		seen[i] = true;
	}
	batch_free(b);
	assert_int_equal(adjin_count(&a), left - stale);
	for (uint32_t i = 0; i < N; i++) { /* the rest, found: removing counts */
		struct feed_pfx p = key(i % 5 ? 4 : 6, 24, i % 3, i * 256);
		size_t before = adjin_count(&a);

		adjin_del(&a, &p);
		assert_int_equal(before - adjin_count(&a), i % 3 && i % 2 == 0);
	}
	assert_int_equal(adjin_count(&a), 0);
	assert_null(a.f[FEED_IPV4].v); /* emptied: memory given back */
	adjin_clear(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_adjin_keys_differ_by_every_field),
		cmocka_unit_test(test_adjin_flush_withdraws_the_stale_keys),
		cmocka_unit_test(test_adjin_large_set_with_removals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
