// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_times.c - packed time lists (user/common/times.h): every
 * time comes back exactly and in order after packing in place (nearly
 * ordered times as the live feed's dirty set holds them, unordered ones,
 * the extremes a difference may take), what such a list takes, and a list
 * left unpacked when a difference would not fit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/times.h"

struct seen {
	const uint64_t *want;
	size_t n;
};

static void check_one(void *arg, uint64_t t)
{
	struct seen *s = arg;

	assert_int_equal(t, s->want[s->n]);
	s->n++;
}

/* Packs a copy of want[0..n) and reads it back; returns the packed bytes. */
static size_t roundtrip(const uint64_t *want, size_t n)
{
	uint64_t *t = malloc(n * sizeof(*t));
	struct seen s = { want, 0 };
	size_t len;

	assert_non_null(t);
	memcpy(t, want, n * sizeof(*t));
	len = times_pack(t, n);
	assert_true(len > 0 && len <= 8 * n);
	times_each((const uint8_t *)t, n, check_one, &s);
	assert_int_equal(s.n, n);
	free(t);
	return len;
}

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A million changes over 20 s of monotonic time, after days of uptime,
 * mostly in order, some from a second queue a little behind. */
static void test_times_nearly_ordered(void **state)
{
	enum { N = 1000000 };
	uint64_t *want = malloc(N * sizeof(*want)), s = 42, t = 3ULL * 86400 * 1000000000;
	size_t len;

	(void)state;
	assert_non_null(want);
	for (size_t i = 0; i < N; i++) {
		t += rng(&s) % 40000; /* 20 us apart on average */
		want[i] = i % 50 ? t : t - rng(&s) % 5000000;
	}
	len = roundtrip(want, N);
	assert_true(len <= 3 * (size_t)N); /* 2-3 bytes a time, not 8 */
	free(want);
}

static void test_times_unordered_and_extremes(void **state)
{
	const uint64_t lim = 1ULL << 55;
	uint64_t want[] = {
		0, lim - 1, 0, lim - 1, lim - 2, 1, 1, 1, 127, 128, 0, 16383, 16384, 5
	};
	uint64_t s = 7, many[1000];

	(void)state;
	roundtrip(want, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < 1000; i++)
		many[i] = rng(&s) % lim;
	roundtrip(many, 1000);
	roundtrip(want, 1);
}

/* A difference of 2^55 ns or more (or a first time that large) would take
 * more than 8 bytes: the list stays as it was. */
static void test_times_left_unpacked(void **state)
{
	const uint64_t lim = 1ULL << 55;
	uint64_t a[] = { 10, 10 + lim, 20 }, b[] = { lim, lim + 1 }, c[] = { lim, 0 };
	uint64_t a0[3], b0[2];

	(void)state;
	memcpy(a0, a, sizeof(a));
	memcpy(b0, b, sizeof(b));
	assert_int_equal(times_pack(a, 3), 0);
	assert_memory_equal(a, a0, sizeof(a));
	assert_int_equal(times_pack(b, 2), 0);
	assert_memory_equal(b, b0, sizeof(b));
	c[0] = lim - 1; /* the largest first time that fits, then back to 0 */
	roundtrip(c, 2);
	assert_int_equal(times_pack(c, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_times_nearly_ordered),
		cmocka_unit_test(test_times_unordered_and_extremes),
		cmocka_unit_test(test_times_left_unpacked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
