// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_metrics.c - the Prometheus exposition: exact series,
 * top-N with "other", the watch list, label escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "output/metrics.h"

static struct asc_upstream ups[ASC_MAX_UPSTREAMS];
static struct asc_overflow_val ovf[ASC_MAX_UPSTREAMS];
static uint64_t stats[ASC_STAT_MAX];
static struct asc_state st = { .routes_v4 = 7,
			       .routes_v6 = 2,
			       .swaps = 3,
			       .load_time_ns = 1506848880123456789ULL,
			       .lookup = ASC_LOOKUP_FAST,
			       .fib_nodes = 5,
			       .fib_leaves = 9,
			       .fib_routes = 4 };

/* cu (id 1), in, ipv4: three pairs, as counters_read orders them */
static const struct counter_row rows[] = {
	{ { 64500, 3356, 1, ASC_DIR_RX, 4 }, { 10, 1000 } },
	{ { 131279, 4837, 1, ASC_DIR_RX, 4 }, { 50, 50000 } },
	{ { 131279, 20485, 1, ASC_DIR_RX, 4 }, { 5, 500 } },
	{ { 0, 0, 2, ASC_DIR_TX, 6 }, { 1, 90 } },
};

static char *render(unsigned int top_n, const uint32_t *watch, size_t n_watch)
{
	struct metrics_snapshot s = { rows, 4, ups, ovf, stats, &st, 131072 };
	struct metrics_opts o = { top_n, watch, n_watch };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(metrics_write(f, &s, &o), 0);
	fclose(f);
	return buf;
}

static int setup(void **state)
{
	strcpy(ups[1].name, "cu");
	strcpy(ups[2].name, "t\"tk"); /* a quote to escape */
	stats[ASC_STAT_NOT_IP] = 4;
	stats[ASC_STAT_OVERFLOW] = 2;
	return 0;
}

static void test_metrics_all_series(void **state)
{
	char *t = render(500, NULL, 0);

	assert_non_null(strstr(t, "# TYPE asclass_bytes_total counter\n"));
	assert_non_null(strstr(t, "asclass_bytes_total{upstream=\"cu\",direction=\"in\",family="
				  "\"ipv4\",origin_as=\"131279\",transit_as=\"4837\"} 50000\n"));
	assert_non_null(strstr(t, "asclass_packets_total{upstream=\"cu\",direction=\"in\",family="
				  "\"ipv4\",origin_as=\"131279\",transit_as=\"20485\"} 5\n"));
	assert_non_null(strstr(t, "asclass_packets_total{upstream=\"t\\\"tk\",direction=\"out\","
				  "family=\"ipv6\",origin_as=\"0\",transit_as=\"0\"} 1\n"));
	assert_non_null(strstr(t, "asclass_unclassified_packets_total{reason=\"not_ip\"} 4\n"));
	assert_null(strstr(t, "reason=\"no_route\""));
	assert_non_null(strstr(t, "asclass_overflow_packets_total 2\n"));
	/* every key, not only the exported ones */
	assert_non_null(strstr(t, "asclass_count_map_entries 4\n"));
	assert_non_null(strstr(t, "asclass_count_map_capacity 131072\n"));
	assert_non_null(strstr(t, "asclass_routes{family=\"ipv4\"} 7\n"));
	assert_non_null(strstr(t, "asclass_fast_table_entries{array=\"leaves\"} 9\n"));
	assert_non_null(strstr(t, "asclass_fast_table_capacity{array=\"nodes\"} "));
	assert_non_null(strstr(t, "asclass_rib_load_timestamp_seconds 1506848880.123456789\n"));
	assert_null(strstr(t, "other"));
	free(t);
}

static void test_metrics_top_n_and_other(void **state)
{
	char *t = render(1, NULL, 0);

	/* the biggest pair stays; the other two are summed */
	assert_non_null(strstr(t, "origin_as=\"131279\",transit_as=\"4837\"} 50000\n"));
	assert_null(strstr(t, "origin_as=\"64500\""));
	assert_non_null(strstr(t, "asclass_bytes_total{upstream=\"cu\",direction=\"in\",family="
				  "\"ipv4\",origin_as=\"other\",transit_as=\"other\"} 1500\n"));
	assert_non_null(strstr(t, "asclass_packets_total{upstream=\"cu\",direction=\"in\",family="
				  "\"ipv4\",origin_as=\"other\",transit_as=\"other\"} 15\n"));
	free(t);
}

static void test_metrics_watch_list_always_exported(void **state)
{
	const uint32_t watch[] = { 64500 };
	char *t = render(1, watch, 1);

	assert_non_null(strstr(t, "origin_as=\"64500\",transit_as=\"3356\"} 1000\n"));
	assert_non_null(strstr(t, "origin_as=\"other\",transit_as=\"other\"} 500\n"));
	free(t);
}

/* With state (the daemon), the exported set only grows and "other" never
 * goes down, even when a pair in "other" outgrows an exported one. */
static void test_metrics_sticky_other_is_monotonic(void **state)
{
	struct counter_row r[3] = {
		{ { 131279, 4837, 1, ASC_DIR_RX, 4 }, { 50, 50000 } },
		{ { 64500, 3356, 1, ASC_DIR_RX, 4 }, { 10, 1000 } },
	};
	struct metrics_snapshot s = { r, 2, ups, ovf, stats, &st };
	struct metrics_opts o = { .top_n = 2, .state = metrics_state_new() };
	char *buf = NULL;
	size_t len;
	FILE *f;

	/* scrape 1: both pairs fit and are admitted */
	f = open_memstream(&buf, &len);
	assert_int_equal(metrics_write(f, &s, &o), 0);
	fclose(f);
	assert_null(strstr(buf, "\"other\""));
	free(buf);
	/* scrape 2: a third pair arrives, bigger than both: the group is full,
	 * so it goes to other, and stays there */
	r[2] = (struct counter_row){ { 64501, 20485, 1, ASC_DIR_RX, 4 }, { 900, 900000 } };
	s.n_rows = 3;
	f = open_memstream(&buf, &len);
	assert_int_equal(metrics_write(f, &s, &o), 0);
	fclose(f);
	assert_non_null(strstr(buf, "origin_as=\"other\",transit_as=\"other\"} 900000\n"));
	assert_non_null(strstr(buf, "origin_as=\"64500\",transit_as=\"3356\"} 1000\n"));
	assert_null(strstr(buf, "origin_as=\"64501\""));
	free(buf);
	/* scrape 3: it grows further; other grows with it */
	r[2].val.bytes = 950000;
	f = open_memstream(&buf, &len);
	assert_int_equal(metrics_write(f, &s, &o), 0);
	fclose(f);
	assert_non_null(strstr(buf, "origin_as=\"other\",transit_as=\"other\"} 950000\n"));
	free(buf);
	metrics_state_free(o.state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metrics_all_series),
		cmocka_unit_test(test_metrics_top_n_and_other),
		cmocka_unit_test(test_metrics_watch_list_always_exported),
		cmocka_unit_test(test_metrics_sticky_other_is_monotonic),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
