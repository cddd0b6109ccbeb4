// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/feed/queue.c - the bounded queue of route changes (see queue.h).
 * Must not: block the producer, drop a batch, or log. */
#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "feed/queue.h"

int queue_init(struct queue *q, size_t limit, int wake_fd)
{
	memset(q, 0, sizeof(*q));
	q->limit = limit;
	q->wake_fd = wake_fd;
	q->ready_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->ready_fd < 0)
		return -errno;
	pthread_mutex_init(&q->lock, NULL);
	return 0;
}

/* A block of carved batches: freed when its last batch is, and the
 * producer has moved on to another block (its own reference). */
struct batch_block {
	atomic_uint refs;
	size_t used, cap;
	max_align_t data[];
};

#define BLOCK_BYTES (64U << 10)
#define BLOCK_CARVE_MAX (BLOCK_BYTES / 8) /* larger batches: an allocation each */

static size_t batch_bytes(uint32_t n_path, uint32_t n_announce, uint32_t n_withdraw)
{
	return sizeof(struct feed_batch) +
	       ((size_t)n_announce + n_withdraw) * sizeof(struct feed_pfx) +
	       (size_t)n_path * sizeof(uint32_t);
}

/* Sets the header of a batch of `bytes` at b (zeroed, as far as the header). */
static struct feed_batch *batch_init(struct feed_batch *b, size_t bytes, enum feed_event ev,
				     uint32_t n_path, uint32_t n_announce, uint32_t n_withdraw)
{
	*b = (struct feed_batch){ .ev = ev,
				  .bytes = bytes,
				  .n_path = n_path,
				  .n_announce = n_announce,
				  .n_withdraw = n_withdraw };
	b->announce = (struct feed_pfx *)(b + 1);
	b->withdraw = b->announce + n_announce;
	b->path = (uint32_t *)(b->withdraw + n_withdraw);
	return b;
}

struct feed_batch *queue_batch_new(enum feed_event ev, uint32_t n_path, uint32_t n_announce,
				   uint32_t n_withdraw)
{
	size_t bytes = batch_bytes(n_path, n_announce, n_withdraw);
	struct feed_batch *b = calloc(1, bytes);

	return b ? batch_init(b, bytes, ev, n_path, n_announce, n_withdraw) : NULL;
}

static void block_put(struct batch_block *k)
{
	if (k && atomic_fetch_sub_explicit(&k->refs, 1, memory_order_acq_rel) == 1)
		free(k);
}

/* The producer's block with room for `bytes`, a new one when it has none. */
static struct batch_block *block_with_room(struct queue *q, size_t bytes)
{
	struct batch_block *k = q->carve;

	if (k && k->cap - k->used >= bytes)
		return k;
	k = malloc(BLOCK_BYTES);
	if (!k)
		return NULL;
	atomic_init(&k->refs, 1); /* the producer's */
	k->used = 0;
	k->cap = BLOCK_BYTES - offsetof(struct batch_block, data);
	block_put(q->carve);
	q->carve = k;
	return k;
}

struct feed_batch *queue_batch_carve(struct queue *q, enum feed_event ev, uint32_t n_path,
				     uint32_t n_announce, uint32_t n_withdraw)
{
	size_t bytes = batch_bytes(n_path, n_announce, n_withdraw);
	size_t room = (bytes + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	struct batch_block *k;
	struct feed_batch *b;

	if (bytes > BLOCK_CARVE_MAX || !(k = block_with_room(q, room)))
		return queue_batch_new(ev, n_path, n_announce, n_withdraw);
	b = (struct feed_batch *)((char *)k->data + k->used);
	k->used += room;
	atomic_fetch_add_explicit(&k->refs, 1, memory_order_relaxed);
	batch_init(b, bytes, ev, n_path, n_announce, n_withdraw);
	b->block = k;
	return b;
}

void queue_batch_free(struct feed_batch *b)
{
	if (b && b->block)
		block_put(b->block);
	else
		free(b);
}

void queue_destroy(struct queue *q)
{
	struct feed_batch *b;

	queue_commit(q);
	while ((b = queue_pop(q)))
		queue_batch_free(b);
	block_put(q->carve);
	q->carve = NULL;
	if (q->ready_fd >= 0)
		close(q->ready_fd);
	q->ready_fd = -1;
	pthread_mutex_destroy(&q->lock);
}

static void signal_fd(int fd)
{
	uint64_t one = 1;

	/* an eventfd write fails only when the counter would overflow */
	if (fd >= 0 && write(fd, &one, sizeof(one)) < 0)
		return;
}

static void clear_fd(int fd)
{
	uint64_t v;

	if (read(fd, &v, sizeof(v)) < 0)
		return; /* EAGAIN: already clear */
}

static size_t bytes_now(struct queue *q)
{
	return __atomic_load_n(&q->bytes, __ATOMIC_RELAXED);
}

/* Under the lock: the only writer of q->bytes, which queue_has_room()
 * reads without it. */
static void bytes_add(struct queue *q, size_t add, size_t sub)
{
	__atomic_store_n(&q->bytes, q->bytes + add - sub, __ATOMIC_RELAXED);
}

void queue_stage(struct queue *q, struct feed_batch *b)
{
	b->next = NULL;
	if (q->stage_tail)
		q->stage_tail->next = b;
	else
		q->stage_head = b;
	q->stage_tail = b;
	q->stage_bytes += b->bytes;
}

void queue_commit(struct queue *q)
{
	size_t n = 0;

	if (!q->stage_head)
		return;
	for (struct feed_batch *b = q->stage_head; b; b = b->next)
		n++;
	pthread_mutex_lock(&q->lock);
	if (q->tail)
		q->tail->next = q->stage_head;
	else
		q->head = q->stage_head;
	q->tail = q->stage_tail;
	bytes_add(q, q->stage_bytes, 0);
	if (!q->count)
		signal_fd(q->ready_fd);
	q->count += n;
	pthread_mutex_unlock(&q->lock);
	q->stage_head = q->stage_tail = NULL;
	q->stage_bytes = 0;
}

void queue_push(struct queue *q, struct feed_batch *b)
{
	queue_stage(q, b);
	queue_commit(q);
}

size_t queue_bytes(struct queue *q)
{
	return bytes_now(q);
}

bool queue_has_room(struct queue *q)
{
	bool room;

	/* bytes only fall behind our back: a stale value errs towards no room,
	 * which the locked check below corrects */
	if (bytes_now(q) + q->stage_bytes < q->limit)
		return true;
	pthread_mutex_lock(&q->lock);
	room = q->bytes + q->stage_bytes < q->limit;
	if (!room)
		q->starved = true;
	pthread_mutex_unlock(&q->lock);
	return room;
}

struct feed_batch *queue_take(struct queue *q, size_t max, size_t *n)
{
	struct feed_batch *first, *last;
	size_t k = 1;

	pthread_mutex_lock(&q->lock);
	first = last = q->head;
	if (!first) {
		pthread_mutex_unlock(&q->lock);
		*n = 0;
		return NULL;
	}
	for (; last->next && (!max || k < max); k++)
		last = last->next;
	q->head = last->next;
	if (!q->head)
		q->tail = NULL;
	q->count -= k;
	if (!q->count)
		clear_fd(q->ready_fd);
	pthread_mutex_unlock(&q->lock);
	last->next = NULL;
	*n = k;
	return first;
}

void queue_release(struct queue *q, size_t bytes)
{
	if (!bytes)
		return;
	pthread_mutex_lock(&q->lock);
	bytes_add(q, 0, bytes);
	if (q->starved && q->bytes < q->limit) { /* the producer checks its staged bytes */
		q->starved = false;
		signal_fd(q->wake_fd);
	}
	pthread_mutex_unlock(&q->lock);
}

void queue_untake(struct queue *q, struct feed_batch *chain)
{
	struct feed_batch *last = chain;
	size_t k = 1;

	if (!chain)
		return;
	for (; last->next; k++)
		last = last->next;
	pthread_mutex_lock(&q->lock);
	last->next = q->head;
	q->head = chain;
	if (!q->tail)
		q->tail = last;
	if (!q->count)
		signal_fd(q->ready_fd);
	q->count += k;
	pthread_mutex_unlock(&q->lock);
}

struct feed_batch *queue_pop(struct queue *q)
{
	size_t n;
	struct feed_batch *b = queue_take(q, 1, &n);

	if (b)
		queue_release(q, b->bytes);
	return b;
}
