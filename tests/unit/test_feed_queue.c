// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_feed_queue.c - the bounded queue between the session
 * thread and the caller (user/feed/queue.h), used from one thread: staged
 * batches are invisible until committed and then arrive in order with one
 * readiness signal, they count against the limit while staged, a taken
 * chain keeps its bytes until released (the producer is woken only then),
 * a chain put back comes out first, in its order, and batches carved from
 * shared blocks stay apart and may outlive the queue. */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <cmocka.h>

#include "feed/queue.h"

struct qh {
	struct queue q;
	int wake_fd; /* the session loop's, as loop.c makes it */
};

static void qh_open(struct qh *h, size_t limit)
{
	h->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	assert_true(h->wake_fd >= 0);
	assert_int_equal(queue_init(&h->q, limit, h->wake_fd), 0);
}

static void qh_close(struct qh *h)
{
	queue_destroy(&h->q);
	close(h->wake_fd);
}

/* A batch that tells its place by its peer field. */
static struct feed_batch *nth(int i)
{
	struct feed_batch *b = queue_batch_new(FEED_EV_ROUTES, 0, 1, 0);

	assert_non_null(b);
	b->peer = i;
	return b;
}

/* How many times the eventfd was written since last read (0: not readable). */
static uint64_t signals(int fd)
{
	uint64_t v = 0;

	if (read(fd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

static bool readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1;
}

static void expect_pop(struct qh *h, int i)
{
	struct feed_batch *b = queue_pop(&h->q);

	assert_non_null(b);
	assert_int_equal(b->peer, i);
	free(b);
}

static void test_feed_queue_commit_in_order(void **state)
{
	struct qh h;

	qh_open(&h, 1 << 20);
	for (int i = 0; i < 5; i++)
		queue_stage(&h.q, nth(i));
	assert_null(queue_pop(&h.q)); /* staged: not the consumer's yet */
	assert_false(readable(h.q.ready_fd));
	queue_commit(&h.q);
	queue_push(&h.q, nth(5)); /* after what was committed */
	assert_true(readable(h.q.ready_fd));
	for (int i = 0; i < 6; i++)
		expect_pop(&h, i);
	assert_null(queue_pop(&h.q));
	assert_false(readable(h.q.ready_fd));
	assert_int_equal(queue_bytes(&h.q), 0);
	qh_close(&h);
}

static void test_feed_queue_staged_count_against_limit(void **state)
{
	struct feed_batch *b = nth(0);
	size_t one = b->bytes;
	struct qh h;

	qh_open(&h, 2 * one);
	assert_true(queue_has_room(&h.q));
	queue_stage(&h.q, b);
	assert_true(queue_has_room(&h.q));
	queue_stage(&h.q, nth(1));
	assert_false(queue_has_room(&h.q)); /* two staged fill it */
	queue_commit(&h.q);
	assert_false(queue_has_room(&h.q));
	assert_int_equal(queue_bytes(&h.q), 2 * one);
	qh_close(&h);
}

static void test_feed_queue_take_release_wakes(void **state)
{
	struct feed_batch *c, *next;
	size_t n, one;
	struct qh h;

	qh_open(&h, 1); /* full with one batch */
	for (int i = 0; i < 3; i++)
		queue_stage(&h.q, nth(i));
	queue_commit(&h.q);
	assert_false(queue_has_room(&h.q)); /* the producer is starved */
	c = queue_take(&h.q, 2, &n);
	assert_int_equal(n, 2);
	one = c->bytes;
	assert_int_equal(c->peer, 0);
	assert_int_equal(c->next->peer, 1);
	assert_null(c->next->next);
	assert_int_equal(queue_bytes(&h.q), 3 * one); /* taken, not released */
	assert_int_equal(signals(h.wake_fd), 0);
	for (; c; c = next) {
		next = c->next;
		free(c);
	}
	queue_release(&h.q, 2 * one);
	assert_int_equal(queue_bytes(&h.q), one);
	assert_int_equal(signals(h.wake_fd), 0); /* still no room: not woken */
	c = queue_take(&h.q, 0, &n);
	assert_int_equal(n, 1);
	assert_false(readable(h.q.ready_fd)); /* empty */
	free(c);
	queue_release(&h.q, one);
	assert_int_equal(signals(h.wake_fd), 1); /* room: woken once */
	assert_true(queue_has_room(&h.q));
	qh_close(&h);
}

static void test_feed_queue_untake_first(void **state)
{
	struct feed_batch *c;
	size_t n;
	struct qh h;

	qh_open(&h, 1 << 20);
	for (int i = 0; i < 4; i++)
		queue_stage(&h.q, nth(i));
	queue_commit(&h.q);
	c = queue_take(&h.q, 0, &n);
	assert_int_equal(n, 4);
	assert_false(readable(h.q.ready_fd));
	queue_push(&h.q, nth(4)); /* comes while the chain is out */
	expect_pop(&h, 4);
	queue_push(&h.q, nth(5));
	queue_untake(&h.q, c->next); /* 0 was applied, 1..3 go back */
	queue_release(&h.q, c->bytes);
	free(c);
	assert_true(readable(h.q.ready_fd));
	for (int i = 1; i < 4; i++)
		expect_pop(&h, i);
	expect_pop(&h, 5);
	assert_null(queue_pop(&h.q));
	assert_int_equal(queue_bytes(&h.q), 0);
	qh_close(&h);
}

/* Carved batches of mixed sizes (several blocks, and one too large for a
 * block) keep their contents apart, and outlive the queue: the last ones
 * are freed after queue_destroy() (ASan: no leak, no use after free). */
static void test_feed_queue_carved_batches(void **state)
{
	enum { N = 3000 };
	struct feed_batch **b = calloc(N, sizeof(*b));
	struct qh h;

	assert_non_null(b);
	qh_open(&h, 1 << 20);
	for (uint32_t i = 0; i < N; i++) {
		uint32_t n_ann = i == 7 ? 2000 : i % 5, n_path = i % 9;

		b[i] = queue_batch_carve(&h.q, FEED_EV_ROUTES, n_path, n_ann, 1);
		assert_non_null(b[i]);
		assert_int_equal(b[i]->n_announce, n_ann);
		memset(b[i]->announce, (int)(i & 0xff), n_ann * sizeof(struct feed_pfx));
		b[i]->withdraw[0].path_id = i;
		for (uint32_t k = 0; k < n_path; k++)
			b[i]->path[k] = i + k;
	}
	for (uint32_t i = 0; i < N; i++) {
		assert_int_equal(b[i]->withdraw[0].path_id, i);
		for (uint32_t k = 0; k < b[i]->n_announce; k++)
			assert_int_equal(b[i]->announce[k].plen, i & 0xff);
		for (uint32_t k = 0; k < b[i]->n_path; k++)
			assert_int_equal(b[i]->path[k], i + k);
	}
	for (uint32_t i = 0; i < N / 2; i++) /* half through the queue */
		queue_push(&h.q, b[i]);
	for (uint32_t i = 0; i < N / 2; i++)
		queue_batch_free(queue_pop(&h.q));
	qh_close(&h);
	for (uint32_t i = N / 2; i < N; i++) /* the rest after the queue */
		queue_batch_free(b[i]);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_feed_queue_commit_in_order),
		cmocka_unit_test(test_feed_queue_staged_count_against_limit),
		cmocka_unit_test(test_feed_queue_take_release_wakes),
		cmocka_unit_test(test_feed_queue_untake_first),
		cmocka_unit_test(test_feed_queue_carved_batches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
