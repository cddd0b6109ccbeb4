// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_metrics_live.c - the daemon's live section of the exposition
 * (metrics_write_live): routing-change counters always, the feed's series per
 * neighbour only with a feed, the update-to-kernel latency histogram and the
 * table updates by kind only with a live source, each exact line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "feed/feed.h"
#include "output/metrics.h"

static char *render(const struct metrics_live *l)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(metrics_write_live(f, l), 0);
	fclose(f);
	return buf;
}

static void has_line(const char *text, const char *line)
{
	char want[256];

	snprintf(want, sizeof(want), "\n%s\n", line);
	if (!strstr(text, want))
		fail_msg("no line \"%s\" in:\n%s", line, text);
}

static void test_metrics_live_without_feed(void **state)
{
	static const struct metrics_changes c[] = { { "ttk", 3, 1 }, { "c\"u", 0, 2 } };
	char *t = render(&(struct metrics_live){ .changes = c, .n_changes = 2 });

	(void)state;
	has_line(t, "asclass_transit_changes_total{change=\"gained\",upstream=\"ttk\"} 3");
	has_line(t, "asclass_transit_changes_total{change=\"lost\",upstream=\"ttk\"} 1");
	/* a label value is escaped */
	has_line(t, "asclass_transit_changes_total{change=\"lost\",upstream=\"c\\\"u\"} 2");
	assert_null(strstr(t, "asclass_feed_"));
	free(t);
}

static void test_metrics_live_peers(void **state)
{
	struct feed_peer_status p[2] = {
		{ .name = "rtr",
		  .state = FEED_ST_ESTABLISHED,
		  .up_since = 1000,
		  .routes_known = true,
		  .routes = 42,
		  .routes_family = { [FEED_IPV4] = 40, [FEED_IPV6] = 2 },
		  .stale = 2,
		  .last_eor = { [FEED_IPV4] = 1506848880 }, /* 2017-10-01 09:08 UTC */
		  .c = { .msgs_in = { [2] = 7 },
			 .announced = 50,
			 .withdrawn = 8,
			 .treat_as_withdraw = 1,
			 .attr_discard = 2 } },
		{ .name = "r\"2", .state = FEED_ST_ACTIVE },
	};
	char *t = render(&(struct metrics_live){
		.peers = p, .n_peers = 2, .queue_bytes = 4096, .now = 1060 });

	(void)state;
	has_line(t, "asclass_feed_queue_bytes 4096");
	has_line(t, "asclass_feed_session_state{peer=\"rtr\",state=\"Established\"} 1");
	has_line(t, "asclass_feed_session_uptime_seconds{peer=\"rtr\"} 60");
	has_line(t, "asclass_feed_updates_received_total{peer=\"rtr\"} 7");
	has_line(t, "asclass_feed_prefixes_announced_total{peer=\"rtr\"} 50");
	has_line(t, "asclass_feed_prefixes_withdrawn_total{peer=\"rtr\"} 8");
	has_line(t, "asclass_feed_routes{peer=\"rtr\"} 42");
	has_line(t, "asclass_feed_family_routes{peer=\"rtr\",family=\"ipv4\"} 40");
	has_line(t, "asclass_feed_family_routes{peer=\"rtr\",family=\"ipv6\"} 2");
	has_line(t, "asclass_feed_stale_routes{peer=\"rtr\"} 2");
	has_line(t,
		 "asclass_feed_update_errors_total{peer=\"rtr\",action=\"treat_as_withdraw\"} 1");
	has_line(t,
		 "asclass_feed_update_errors_total{peer=\"rtr\",action=\"attribute_discard\"} 2");
	has_line(t, "asclass_feed_update_errors_total{peer=\"rtr\",action=\"session_reset\"} 0");
	has_line(t, "asclass_feed_last_eor_timestamp_seconds{peer=\"rtr\",family=\"ipv4\"} "
		    "1506848880");
	/* no End-of-RIB yet: 0 */
	has_line(t, "asclass_feed_last_eor_timestamp_seconds{peer=\"rtr\",family=\"ipv6\"} 0");
	/* a session that is not up: uptime 0, no routes series (keys not kept) */
	has_line(t, "asclass_feed_session_state{peer=\"r\\\"2\",state=\"Active\"} 1");
	has_line(t, "asclass_feed_session_uptime_seconds{peer=\"r\\\"2\"} 0");
	assert_null(strstr(t, "asclass_feed_routes{peer=\"r\\\"2\"}"));
	free(t);
}

static void test_metrics_apply_histogram_and_kinds(void **state)
{
	struct metrics_apply a = { .prefixes = 3, .loads = 1 };
	char *t;

	(void)state;
	metrics_apply_observe(&a, 0.00005); /* an update in place: 50 us */
	metrics_apply_observe(&a, 0.003);   /* two waiting behind a batch: 3 ms */
	metrics_apply_observe(&a, 0.003);
	metrics_apply_observe(&a, 3.0);	 /* one that waited for a whole load: beyond 2.5 s */
	metrics_apply_observe(&a, 75.0); /* beyond the last bound, 60 s */
	t = render(&(struct metrics_live){ .apply = &a });
	has_line(t, "# TYPE asclass_feed_update_kernel_seconds histogram");
	has_line(t, "asclass_feed_update_kernel_seconds_bucket{le=\"0.0001\"} 1");
	has_line(t, "asclass_feed_update_kernel_seconds_bucket{le=\"0.001\"} 1");
	has_line(t, "asclass_feed_update_kernel_seconds_bucket{le=\"0.0025\"} 1");
	has_line(t, "asclass_feed_update_kernel_seconds_bucket{le=\"0.005\"} 3");
	has_line(t, "asclass_feed_update_kernel_seconds_bucket{le=\"2.5\"} 3");
	has_line(t, "asclass_feed_update_kernel_seconds_bucket{le=\"5\"} 4");
	has_line(t, "asclass_feed_update_kernel_seconds_bucket{le=\"60\"} 4");
	has_line(t, "asclass_feed_update_kernel_seconds_bucket{le=\"+Inf\"} 5");
	has_line(t, "asclass_feed_update_kernel_seconds_sum 78.006050000");
	has_line(t, "asclass_feed_update_kernel_seconds_count 5");
	has_line(t, "# TYPE asclass_table_updates_total counter");
	has_line(t, "asclass_table_updates_total{kind=\"prefix\"} 3");
	has_line(t, "asclass_table_updates_total{kind=\"load\"} 1");
	free(t);
}

static void test_metrics_apply_absent_without_live_source(void **state)
{
	static const struct metrics_changes c[] = { { "cu", 1, 0 } };
	char *t = render(&(struct metrics_live){ .changes = c, .n_changes = 1 });

	(void)state;
	assert_non_null(strstr(t, "asclass_transit_changes_total"));
	assert_null(strstr(t, "asclass_feed_update_kernel_seconds"));
	assert_null(strstr(t, "asclass_table_updates_total"));
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metrics_live_without_feed),
		cmocka_unit_test(test_metrics_live_peers),
		cmocka_unit_test(test_metrics_apply_histogram_and_kinds),
		cmocka_unit_test(test_metrics_apply_absent_without_live_source),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
