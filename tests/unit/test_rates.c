// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_rates.c - asclass top's arithmetic: rates between two
 * snapshots by origin, transit and pair, summed over family and path,
 * sorted by bits per second; totals with the overflow buckets; the upstream
 * filter; new keys and counters that went down. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "output/rates.h"

/* 2 s apart.  cu (1) in: 65001 via 4837 (ipv4 own + ipv4 consensus + ipv6),
 * 65002 via 174; ttk (2) out: 65001 via 4837, new in b. */
static const struct counter_row rows_a[] = {
	{ { 65001, 4837, 1, ASC_DIR_RX, 4 }, { 10, 1000 }, ASC_PATH_OWN },
	{ { 65001, 4837, 1, ASC_DIR_RX, 4 }, { 10, 1000 }, ASC_PATH_CONSENSUS },
	{ { 65002, 174, 1, ASC_DIR_RX, 4 }, { 100, 100000 }, ASC_PATH_OWN },
	{ { 65001, 4837, 1, ASC_DIR_RX, 6 }, { 0, 0 }, ASC_PATH_OWN },
};
static const struct counter_row rows_b[] = {
	{ { 65001, 4837, 1, ASC_DIR_RX, 4 }, { 30, 3000 }, ASC_PATH_OWN },	 /* +20 +2000 */
	{ { 65001, 4837, 1, ASC_DIR_RX, 4 }, { 20, 2000 }, ASC_PATH_CONSENSUS }, /* +10 +1000 */
	{ { 65002, 174, 1, ASC_DIR_RX, 4 }, { 50, 50000 }, ASC_PATH_OWN }, /* went down: +50 */
	{ { 65001, 4837, 1, ASC_DIR_RX, 6 }, { 2, 1000 }, ASC_PATH_OWN },  /* +2 +1000 */
	{ { 65001, 4837, 2, ASC_DIR_TX, 4 }, { 4, 400 }, ASC_PATH_OWN },   /* new */
};

static struct snapshot a, b;

static int setup(void **state)
{
	(void)state;
	a.rows = (struct counter_row *)rows_a;
	a.n_rows = 4;
	a.mono_ns = 1000000000ULL;
	b.rows = (struct counter_row *)rows_b;
	b.n_rows = 5;
	b.mono_ns = 3000000000ULL;
	b.ovf[1].dir[ASC_DIR_RX] = (struct asc_count_val){ 6, 600 };
	return 0;
}

static void test_rates_by_origin_sorted_and_summed(void **state)
{
	struct rates r;

	(void)state;
	assert_int_equal(rates_compute(&a, &b, RATES_BY_ORIGIN, -1, &r), 0);
	assert_true(r.seconds > 1.999 && r.seconds < 2.001);
	assert_int_equal(r.n, 3);
	/* 65002 on cu in: 50 packets, 50000 bytes (went down: from zero) */
	assert_int_equal(r.rows[0].origin_asn, 65002);
	assert_int_equal(r.rows[0].transit_asn, 0);
	assert_true(r.rows[0].pps == 25 && r.rows[0].bps == 200000);
	/* 65001 on cu in: both paths and both families: 32 packets, 4000 bytes */
	assert_int_equal(r.rows[1].origin_asn, 65001);
	assert_int_equal(r.rows[1].upstream_id, 1);
	assert_true(r.rows[1].pps == 16 && r.rows[1].bps == 16000);
	/* 65001 on ttk out, new since a */
	assert_int_equal(r.rows[2].upstream_id, 2);
	assert_true(r.rows[2].pps == 2 && r.rows[2].bps == 1600);
	/* totals: cu in = rows + overflow (6 packets, 600 bytes); ttk out */
	assert_int_equal(r.n_totals, 2);
	assert_int_equal(r.totals[0].upstream_id, 1);
	assert_true(r.totals[0].pps == 25 + 16 + 3 && r.totals[0].bps == 200000 + 16000 + 2400);
	assert_int_equal(r.totals[1].upstream_id, 2);
	rates_free(&r);
}

/* --sort packets: many small packets before few large ones, which lead by
 * bits. */
static void test_rates_sort_packets(void **state)
{
	static const struct counter_row p[] = {
		{ { 64501, 174, 1, ASC_DIR_RX, 4 }, { 0, 0 }, ASC_PATH_OWN },
		{ { 64502, 174, 1, ASC_DIR_RX, 4 }, { 0, 0 }, ASC_PATH_OWN },
	};
	static const struct counter_row c[] = {
		{ { 64501, 174, 1, ASC_DIR_RX, 4 }, { 100, 6400 }, ASC_PATH_OWN },
		{ { 64502, 174, 1, ASC_DIR_RX, 4 }, { 10, 15000 }, ASC_PATH_OWN },
	};
	struct snapshot x = { .rows = (struct counter_row *)p, .n_rows = 2, .mono_ns = 1 };
	struct snapshot y = { .rows = (struct counter_row *)c, .n_rows = 2, .mono_ns = 1000000001 };
	struct rates r;

	(void)state;
	assert_int_equal(rates_compute(&x, &y, RATES_BY_ORIGIN, -1, &r), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.rows[0].origin_asn, 64502); /* by bits: 120000 > 51200 */
	rates_sort_packets(&r);
	assert_int_equal(r.rows[0].origin_asn, 64501); /* by packets: 100 > 10 */
	assert_int_equal(r.rows[1].origin_asn, 64502);
	rates_free(&r);
}

static void test_rates_by_transit_and_pair(void **state)
{
	struct rates r;

	(void)state;
	assert_int_equal(rates_compute(&a, &b, RATES_BY_TRANSIT, -1, &r), 0);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.rows[0].transit_asn, 174);
	assert_int_equal(r.rows[0].origin_asn, 0);
	rates_free(&r);
	assert_int_equal(rates_compute(&a, &b, RATES_BY_PAIR, -1, &r), 0);
	assert_int_equal(r.rows[1].origin_asn, 65001);
	assert_int_equal(r.rows[1].transit_asn, 4837);
	rates_free(&r);
}

static void test_rates_upstream_filter(void **state)
{
	struct rates r;

	(void)state;
	assert_int_equal(rates_compute(&a, &b, RATES_BY_ORIGIN, 2, &r), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.rows[0].upstream_id, 2);
	assert_int_equal(r.n_totals, 1);
	assert_int_equal(r.totals[0].upstream_id, 2);
	rates_free(&r);
	/* no time between them: refused */
	assert_int_equal(rates_compute(&b, &b, RATES_BY_ORIGIN, -1, &r), -EINVAL);
	assert_int_equal(rates_by_parse("transit"), RATES_BY_TRANSIT);
	assert_int_equal(rates_by_parse("as"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rates_by_origin_sorted_and_summed),
		cmocka_unit_test(test_rates_sort_packets),
		cmocka_unit_test(test_rates_by_transit_and_pair),
		cmocka_unit_test(test_rates_upstream_filter),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
