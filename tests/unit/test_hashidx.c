// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_hashidx.c - the hash index of user/common/hashidx.h: every
 * element found after the index grew, absent keys not found, colliding hashes,
 * clearing, and the size it grows to. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/hashidx.h"

/* Elements: a key and a payload the callbacks do not read. */
struct item {
	uint32_t key;
	uint32_t payload;
};

static uint32_t item_hash(const void *elem)
{
	uint32_t k = ((const struct item *)elem)->key;

	return k * 2654435761U;
}

/* Every key in one chain: probing alone must tell them apart. */
static uint32_t same_hash(const void *elem)
{
	return 7;
}

static bool item_eq(const void *elem, const void *key)
{
	return ((const struct item *)elem)->key == ((const struct item *)key)->key;
}

static const struct hashidx_ops ops = { sizeof(struct item), item_hash, item_eq };
static const struct hashidx_ops colliding = { sizeof(struct item), same_hash, item_eq };

/* Adds the key as the next element of v unless it is there; returns its index. */
static uint32_t add(struct hashidx *h, const struct hashidx_ops *o, struct item *v, uint32_t *n,
		    uint32_t key)
{
	struct item k = { .key = key, .payload = ~key };
	uint32_t *slot;

	assert_int_equal(hashidx_reserve(h, o, v), 0);
	slot = hashidx_slot(h, o, v, &k);
	if (*slot)
		return *slot - 1;
	v[*n] = k;
	hashidx_put(h, slot, *n);
	return (*n)++;
}

static int64_t find(const struct hashidx *h, const struct hashidx_ops *o, const struct item *v,
		    uint32_t key)
{
	struct item k = { .key = key };

	return hashidx_find(h, o, v, &k);
}

static void test_hashidx_finds_every_element_after_growing(void **state)
{
	enum { N = 100000 }; /* 1024 slots grow 8 times to 262144 */
	struct item *v = calloc(N, sizeof(*v));
	struct hashidx h = { 0 };
	uint32_t n = 0;

	assert_non_null(v);
	assert_int_equal(find(&h, &ops, v, 1), -1); /* empty: no slots yet */
	for (uint32_t i = 0; i < N; i++)
		assert_int_equal(add(&h, &ops, v, &n, 3 * i + 1), i);
	for (uint32_t i = 0; i < N; i++) /* again: found, not added */
		assert_int_equal(add(&h, &ops, v, &n, 3 * i + 1), i);
	assert_int_equal(n, N);
	assert_int_equal(h.used, N);
	assert_int_equal(h.mask + 1, 262144); /* the smallest power of two >= 2N */
	for (uint32_t i = 0; i < N; i++) {
		int64_t at = find(&h, &ops, v, 3 * i + 1);

		assert_int_equal(at, i);
		assert_int_equal(v[at].payload, ~(3 * i + 1));
		assert_int_equal(find(&h, &ops, v, 3 * i + 2), -1);
	}
	hashidx_free(&h);
	free(v);
}

static void test_hashidx_colliding_hashes(void **state)
{
	struct item v[3000];
	struct hashidx h = { 0 };
	uint32_t n = 0;

	for (uint32_t i = 0; i < 3000; i++)
		assert_int_equal(add(&h, &colliding, v, &n, i), i);
	for (uint32_t i = 0; i < 3000; i++)
		assert_int_equal(find(&h, &colliding, v, i), i);
	assert_int_equal(find(&h, &colliding, v, 3000), -1);
	hashidx_free(&h);
}

static void test_hashidx_clear_keeps_slots(void **state)
{
	struct item v[2000];
	struct hashidx h = { 0 };
	uint32_t n = 0, slots;

	for (uint32_t i = 0; i < 2000; i++)
		add(&h, &ops, v, &n, i);
	slots = h.mask + 1;
	hashidx_clear(&h);
	assert_int_equal(h.used, 0);
	assert_int_equal(h.mask + 1, slots);
	for (uint32_t i = 0; i < 2000; i++)
		assert_int_equal(find(&h, &ops, v, i), -1);
	n = 0;
	assert_int_equal(add(&h, &ops, v, &n, 1999), 0); /* a new element 0 */
	assert_int_equal(find(&h, &ops, v, 1999), 0);
	hashidx_free(&h);
	assert_null(h.slot);
	assert_int_equal(h.mask, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hashidx_finds_every_element_after_growing),
		cmocka_unit_test(test_hashidx_colliding_hashes),
		cmocka_unit_test(test_hashidx_clear_keeps_slots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
