// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_metrics.c - the Prometheus exposition: exact series,
 * top-N by recent traffic with "other", the watch list, complete
 * aggregates, label escaping. */
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

/* A snapshot of r (n rows) and the tables above, as snapshot_read fills it. */
static const struct snapshot *snap(const struct counter_row *r, size_t n, unsigned int counts_max,
				   const struct metrics_daemon *d)
{
	static struct snapshot s;

	memcpy(s.ups, ups, sizeof(ups));
	memcpy(s.ovf, ovf, sizeof(ovf));
	memcpy(s.stats, stats, sizeof(stats));
	s.state = st;
	s.rows = (struct counter_row *)r;
	s.n_rows = s.n_slots = n;
	s.counts_max = counts_max;
	s.daemon = d;
	return &s;
}

static char *render(unsigned int top_n, const uint32_t *watch, size_t n_watch)
{
	const struct snapshot *s = snap(rows, 4, 131072, NULL);
	struct metrics_opts o = { top_n, watch, n_watch };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(metrics_write(f, s, &o), 0);
	fclose(f);
	return buf;
}

static int setup(void **state)
{
	strcpy(ups[1].name, "cu");
	strcpy(ups[2].name, "t\"tk"); /* a quote to escape */
	stats[ASC_STAT_NOT_IP] = 4;
	stats[ASC_STAT_OVERFLOW] = 2;
	ovf[1].dir[ASC_DIR_TX] = (struct asc_count_val){ 2, 300 };
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
	assert_non_null(strstr(t, "asclass_overflow_packets_total{upstream=\"cu\",direction="
				  "\"out\"} 2\n"));
	assert_non_null(strstr(t, "asclass_overflow_bytes_total{upstream=\"cu\",direction="
				  "\"out\"} 300\n"));
	assert_non_null(strstr(t, "asclass_transit_bytes_total{upstream=\"cu\",direction=\"in\","
				  "family=\"ipv4\",transit_as=\"4837\"} 50000\n"));
	assert_non_null(strstr(t, "asclass_origin_bytes_total{upstream=\"cu\",direction=\"in\","
				  "family=\"ipv4\",origin_as=\"131279\"} 50500\n"));
	/* every key, not only the exported ones */
	assert_non_null(strstr(t, "asclass_count_map_entries 4\n"));
	assert_non_null(strstr(t, "asclass_count_map_capacity 131072\n"));
	assert_non_null(strstr(t, "asclass_routes{family=\"ipv4\"} 7\n"));
	assert_non_null(strstr(t, "asclass_fast_table_entries{array=\"leaves\"} 9\n"));
	assert_non_null(strstr(t, "asclass_fast_table_capacity{array=\"nodes\"} "));
	assert_non_null(strstr(t, "asclass_rib_load_timestamp_seconds 1506848880.123456789\n"));
	assert_null(strstr(t, "asclass_other_pairs_bytes{"));
	free(t);
}

static void test_metrics_top_n_and_other(void **state)
{
	char *t = render(1, NULL, 0);

	/* the biggest pair stays; the other two are summed */
	assert_non_null(strstr(t, "origin_as=\"131279\",transit_as=\"4837\"} 50000\n"));
	assert_null(strstr(t, "origin_as=\"64500\",transit_as"));
	assert_non_null(strstr(t, "asclass_other_pairs_bytes{upstream=\"cu\",direction=\"in\","
				  "family=\"ipv4\"} 1500\n"));
	assert_non_null(strstr(t, "asclass_other_pairs_packets{upstream=\"cu\",direction=\"in\","
				  "family=\"ipv4\"} 15\n"));
	free(t);
}

static void test_metrics_watch_list_always_exported(void **state)
{
	const uint32_t watch[] = { 64500 };
	char *t = render(1, watch, 1);

	/* watched, and not counted against top_n: 131279/4837 still shown */
	assert_non_null(strstr(t, "origin_as=\"64500\",transit_as=\"3356\"} 1000\n"));
	assert_non_null(strstr(t, "origin_as=\"131279\",transit_as=\"4837\"} 50000\n"));
	assert_non_null(strstr(t, "asclass_other_pairs_bytes{upstream=\"cu\",direction=\"in\","
				  "family=\"ipv4\"} 500\n"));
	free(t);
}

static char *scrape(const struct counter_row *r, size_t n, struct metrics_opts *o)
{
	const struct snapshot *s = snap(r, n, 0, NULL);
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(metrics_write(f, s, o), 0);
	fclose(f);
	return buf;
}

/* With state (the daemon), top-N goes by traffic since the previous
 * scrape: a new transit of an unwatched origin shows up at once, even when
 * top_n was full, and an old pair keeps its full count when it comes back. */
static void test_metrics_top_n_by_recent_traffic(void **state)
{
	struct counter_row r[3] = {
		{ { 64500, 3356, 1, ASC_DIR_RX, 4 }, { 10, 1000 } },
		{ { 131279, 4837, 1, ASC_DIR_RX, 4 }, { 50, 50000 } },
	};
	struct metrics_opts o = { .top_n = 2, .state = metrics_state_new() };
	char *t;

	free(scrape(r, 2, &o)); /* scrape 1: both pairs fit */
	/* scrape 2: 64500 gets a new transit, small next to 131279's total but
	 * the most bytes since scrape 1; 131279 sent nothing new */
	r[0].val = (struct asc_count_val){ 12, 1200 };
	r[2] = (struct counter_row){ { 64500, 20485, 1, ASC_DIR_RX, 4 }, { 3, 900 } };
	t = scrape(r, 3, &o);
	assert_non_null(strstr(t, "origin_as=\"64500\",transit_as=\"20485\"} 900\n"));
	assert_non_null(strstr(t, "origin_as=\"64500\",transit_as=\"3356\"} 1200\n"));
	assert_null(strstr(t, "origin_as=\"131279\",transit_as=\"4837\"}"));
	assert_non_null(strstr(t, "asclass_other_pairs_bytes{upstream=\"cu\",direction=\"in\","
				  "family=\"ipv4\"} 50000\n"));
	free(t);
	/* scrape 3: 131279 sends again and comes back with its full count */
	r[1].val = (struct asc_count_val){ 60, 60000 };
	t = scrape(r, 3, &o);
	assert_non_null(strstr(t, "origin_as=\"131279\",transit_as=\"4837\"} 60000\n"));
	free(t);
	metrics_state_free(o.state);
}

/* Sum of the series of metric whose labels contain sel. */
static uint64_t sum_of(const char *t, const char *metric, const char *sel)
{
	uint64_t sum = 0;
	size_t ml = strlen(metric);

	for (const char *l = t; *l; l = strchr(l, '\n') + 1) {
		const char *end = strchr(l, '\n');

		if (!strncmp(l, metric, ml) && l[ml] == '{' && strstr(l, sel) &&
		    strstr(l, sel) < end)
			sum += strtoull(strstr(l, "} ") + 2, NULL, 10);
	}
	return sum;
}

/* Many pairs on two groups: each aggregate sums to the group's total, and
 * the shown pairs plus "other" do too. */
static void test_metrics_aggregates_complete(void **state)
{
	enum { N = 3000 };
	struct counter_row *r = calloc(N, sizeof(*r));
	struct metrics_opts o = { .top_n = 7, .state = metrics_state_new() };
	uint64_t total[2] = { 0, 0 };
	char *t;

	for (unsigned int i = 0; i < N; i++) {
		unsigned int g = i >= N / 2;

		r[i] = (struct counter_row){ { 64500 + (i % (N / 2)) / 40, 100 + i % 40, 1, g, 4 },
					     { i % 13 + 1, (i * 7919) % 100000 + 60 } };
		total[g] += r[i].val.bytes;
	}
	free(scrape(r, N, &o));
	for (unsigned int i = 0; i < N; i += 3) {
		r[i].val.bytes += i * 11;
		total[i >= N / 2] += i * 11;
	}
	t = scrape(r, N, &o);
	for (unsigned int g = 0; g < 2; g++) {
		const char *sel = g ? "direction=\"out\"" : "direction=\"in\"";

		assert_int_equal(sum_of(t, "asclass_origin_bytes_total", sel), total[g]);
		assert_int_equal(sum_of(t, "asclass_transit_bytes_total", sel), total[g]);
		assert_int_equal(sum_of(t, "asclass_bytes_total", sel) +
					 sum_of(t, "asclass_other_pairs_bytes", sel),
				 total[g]);
	}
	free(t);
	free(r);
	metrics_state_free(o.state);
}

/* Quotes, backslashes, newlines escaped; invalid UTF-8 replaced. */
static void test_metrics_label_escaping(void **state)
{
	struct asc_upstream keep = ups[2];
	char *t;

	strcpy(ups[2].name, "a\\b\"c\nd\xff\xc3\xa9");
	t = render(500, NULL, 0);
	assert_non_null(strstr(t, "upstream=\"a\\\\b\\\"c\\nd\xef\xbf\xbd\xc3\xa9\""));
	assert_null(strstr(t, "\xff"));
	free(t);
	ups[2] = keep;
}

/* The daemon's series are written here too, escaped. */
static void test_metrics_daemon_series(void **state)
{
	const struct metrics_link l = { "x\"y", "native", false, true };
	const struct metrics_daemon d = { .load_duration = 1.5, .links = &l, .n_links = 1 };
	const struct snapshot *s = snap(rows, 4, 0, &d);
	struct metrics_opts o = { 500 };
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	assert_int_equal(metrics_write(f, s, &o), 0);
	fclose(f);
	assert_non_null(strstr(buf, "# TYPE asclass_program_attached gauge\n"));
	assert_non_null(strstr(buf, "asclass_program_attached{upstream=\"x\\\"y\",mode=\"native\","
				    "via=\"single\"} 1\n"));
	assert_non_null(strstr(buf, "asclass_rib_load_duration_seconds 1.500000\n"));
	free(buf);
}

/* A pair counted under two paths is one pair series and one term of each
 * aggregate; asclass_path_*_total splits the link by path. */
static void test_metrics_path_split(void **state)
{
	static const struct counter_row split[] = {
		{ { 0, 0, 1, ASC_DIR_RX, 4 }, { 1, 60 }, ASC_PATH_NONE },
		{ { 131279, 4837, 1, ASC_DIR_RX, 4 }, { 3, 300 }, ASC_PATH_OWN },
		{ { 131279, 4837, 1, ASC_DIR_RX, 4 }, { 2, 200 }, ASC_PATH_CONSENSUS },
		{ { 131279, 20485, 1, ASC_DIR_RX, 4 }, { 1, 100 }, ASC_PATH_CONSENSUS },
	};
	struct metrics_opts o = { 500 };
	char *t = scrape(split, 4, &o);
	const char *sel = "{upstream=\"cu\",direction=\"in\",family=\"ipv4\"";
	char want[256];

	snprintf(want, sizeof(want),
		 "asclass_bytes_total%s,origin_as=\"131279\",transit_as=\"4837\"} 500\n", sel);
	assert_non_null(strstr(t, want));
	assert_null(strstr(strstr(t, want) + 1, "transit_as=\"4837\"} 300\n"));
	snprintf(want, sizeof(want), "asclass_origin_bytes_total%s,origin_as=\"131279\"} 600\n",
		 sel);
	assert_non_null(strstr(t, want));
	snprintf(want, sizeof(want), "asclass_path_bytes_total%s,path=\"own\"} 300\n", sel);
	assert_non_null(strstr(t, want));
	snprintf(want, sizeof(want), "asclass_path_bytes_total%s,path=\"consensus\"} 300\n", sel);
	assert_non_null(strstr(t, want));
	snprintf(want, sizeof(want), "asclass_path_packets_total%s,path=\"none\"} 1\n", sel);
	assert_non_null(strstr(t, want));
	assert_non_null(strstr(t, "# TYPE asclass_path_bytes_total counter\n"));
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metrics_all_series),
		cmocka_unit_test(test_metrics_top_n_and_other),
		cmocka_unit_test(test_metrics_watch_list_always_exported),
		cmocka_unit_test(test_metrics_top_n_by_recent_traffic),
		cmocka_unit_test(test_metrics_aggregates_complete),
		cmocka_unit_test(test_metrics_label_escaping),
		cmocka_unit_test(test_metrics_daemon_series),
		cmocka_unit_test(test_metrics_path_split),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
