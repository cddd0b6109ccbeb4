// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_events_live.c - the daemon's routing-change events
 * (user/daemon/events_live.c) from a live RIB: the first load is the
 * baseline, a step of the tally records what changed per upstream, and
 * while a step runs the events' lock is free, so that a /metrics scrape
 * (events_live_counts()) does not wait behind a session reset's step. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "daemon/events_live.h"

#define T0 1506848880U /* 2017-10-01 09:08:00 UTC */

static const struct rib_peer cu = { .asn = 4837, .family = 4, .ip = { 198, 51, 100, 1 } };
static const struct rib_peer ttk = { .asn = 20485, .family = 4, .ip = { 198, 51, 100, 5 } };
static const struct rt_entry star = { .family = 4, .plen = 22, .addr = { 175, 45, 176, 0 } };

/* What the scrape saw from inside the hook. */
static struct {
	unsigned int calls;
	bool returned;	     /* events_live_counts() returned while the step ran */
	uint64_t ttk_gained; /* as it saw them: the step's events not yet recorded */
} H;

/* An upstream's events gained (or lost), from events_live_counts(). */
static uint64_t count_of(const char *upstream, bool gained)
{
	struct metrics_changes *c = NULL;
	uint64_t k = 0;
	size_t n = 0;

	assert_int_equal(events_live_counts(&c, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(c[i].upstream, upstream))
			k = gained ? c[i].gained : c[i].lost;
	free(c);
	return k;
}

static uint64_t gained_of(const char *upstream)
{
	return count_of(upstream, true);
}

static void *scrape(void *arg)
{
	(void)arg;
	H.ttk_gained = gained_of("ttk");
	return NULL;
}

/* Runs on the thread that steps: a scrape on another thread must return
 * (within 5 s: it takes microseconds unless it waits for the lock). */
static void during_step(void)
{
	struct timespec until;
	pthread_t th;

	H.calls++;
	assert_int_equal(pthread_create(&th, NULL, scrape, NULL), 0);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 5;
	H.returned = !pthread_timedjoin_np(th, NULL, &until);
	if (!H.returned) {
		pthread_cancel(th);
		fail_msg("a scrape waited for the events' lock while a step ran");
	}
}

static void test_events_live_step_leaves_the_lock(void **state)
{
	const uint32_t via_cu[] = { 4837, 131279 }, via_ttk[] = { 20485, 131279 };
	char names[RT_COLUMNS][ASC_NAME_LEN] = { "cu", "ttk" };
	struct rt_upstreams u = { 0 };
	struct rib *rib = rib_new();

	(void)state;
	u.col[0].asn = 4837;
	u.col[1].asn = 20485;
	assert_int_equal(events_live_init(16), 0);
	assert_int_equal(rib_announce(rib, &star, &cu, 0, via_cu, 2, false, T0 - 60), 0);
	/* the first load: the baseline, no step, no event */
	events_live_step_hook(during_step);
	events_live_rib_named(rib, 1, &u, (const char(*)[ASC_NAME_LEN])names);
	assert_int_equal(H.calls, 0);
	assert_int_equal(gained_of("ttk"), 0);

	/* TransTeleCom appears: a step, with the scrape inside it */
	assert_int_equal(rib_announce(rib, &star, &ttk, 0, via_ttk, 2, false, T0), 0);
	events_live_rib_named(rib, 1, &u, (const char(*)[ASC_NAME_LEN])names);
	assert_int_equal(H.calls, 1);
	assert_true(H.returned);
	assert_int_equal(H.ttk_gained, 0); /* the hook comes before the recording */
	assert_int_equal(gained_of("ttk"), 1);
	assert_int_equal(gained_of("cu"), 0);

	/* and it goes again: a loss on ttk, cu unchanged */
	assert_int_equal(rib_withdraw(rib, &star, &ttk, 0, T0 + 60), 0);
	events_live_rib_named(rib, 1, &u, (const char(*)[ASC_NAME_LEN])names);
	assert_int_equal(H.calls, 2);
	assert_true(H.returned);
	assert_int_equal(gained_of("ttk"), 1);
	assert_int_equal(count_of("ttk", false), 1);
	assert_int_equal(count_of("cu", false), 0);

	events_live_step_hook(NULL);
	events_live_free();
	rib_free(rib);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events_live_step_leaves_the_lock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
