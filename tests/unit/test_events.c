// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_events.c - routing-change events (user/cli/events.c):
 * the pairs of two loads compared, each change dated as events.h says, and
 * the ring the daemon keeps them in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "cli/events.h"

#define T0 1506848880U /* 2017-10-01 09:08:00 UTC */
#define NOW 1506849000U

static struct rib_transit pair(uint32_t origin, uint32_t transit, uint32_t first, uint32_t gone,
			       uint32_t paths)
{
	return (struct rib_transit){ .origin = origin,
				     .transit = transit,
				     .first_seen = first,
				     .gone_since = gone,
				     .prefixes = paths,
				     .paths = paths };
}

/* The scenario: 131279 gains 20485 at T0; 64496 loses 3356 at T0 + 5;
 * 64497 (only in the old load, as text input has no history) is lost now. */
static void test_events_gained_and_lost(void **state)
{
	struct rib_transit prev[] = { pair(64496, 3356, 1, 0, 1), pair(64497, 174, 0, 0, 2),
				      pair(131279, 4837, 1, 0, 5) };
	struct rib_transit cur[] = { pair(64496, 3356, 1, T0 + 5, 0), pair(131279, 4837, 1, 0, 5),
				     pair(131279, 20485, T0, 0, 5) };
	struct transit_event *ev = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(events_diff(prev, 3, cur, 3, NOW, &ev, &n), 0);
	assert_int_equal(n, 3); /* sorted by time */
	assert_int_equal(ev[0].change, EVENT_GAINED);
	assert_int_equal(ev[0].origin, 131279);
	assert_int_equal(ev[0].transit, 20485);
	assert_int_equal(ev[0].time, T0);
	assert_int_equal(ev[0].prefixes, 5);
	assert_int_equal(ev[1].change, EVENT_LOST);
	assert_int_equal(ev[1].origin, 64496);
	assert_int_equal(ev[1].time, T0 + 5);
	assert_int_equal(ev[2].change, EVENT_LOST);
	assert_int_equal(ev[2].origin, 64497);
	assert_int_equal(ev[2].time, NOW);
	free(ev);
}

/* A pair that comes back keeps its first_seen: it is dated by the load. */
static void test_events_regained_is_dated_now(void **state)
{
	struct rib_transit prev[] = { pair(131279, 20485, T0, T0 + 60, 0) };
	struct rib_transit cur[] = { pair(131279, 20485, T0, 0, 1) };
	struct transit_event *ev = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(events_diff(prev, 1, cur, 1, NOW, &ev, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].change, EVENT_GAINED);
	assert_int_equal(ev[0].time, NOW);
	free(ev);
	/* unchanged pairs give nothing */
	ev = NULL, n = 0;
	assert_int_equal(events_diff(cur, 1, cur, 1, NOW, &ev, &n), 0);
	assert_int_equal(n, 0);
	free(ev);
}

static void test_events_ring_keeps_the_latest(void **state)
{
	struct event_ring r;

	(void)state;
	assert_int_equal(event_ring_init(&r, 3), 0);
	for (uint32_t i = 1; i <= 5; i++)
		event_ring_push(
			&r, &(struct transit_event){ .time = i,
						     .change = i % 2 ? EVENT_GAINED : EVENT_LOST });
	assert_int_equal(r.n, 3);
	assert_int_equal(event_ring_at(&r, 0)->time, 3);
	assert_int_equal(event_ring_at(&r, 2)->time, 5);
	assert_int_equal(r.total[EVENT_GAINED], 3);
	assert_int_equal(r.total[EVENT_LOST], 2);
	event_ring_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events_gained_and_lost),
		cmocka_unit_test(test_events_regained_is_dated_now),
		cmocka_unit_test(test_events_ring_keeps_the_latest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
