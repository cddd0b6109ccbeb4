// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/feed/queue.c - the bounded queue of route changes (see queue.h).
 * Must not: block the producer, drop a batch, or log. */
#include <errno.h>
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

void queue_destroy(struct queue *q)
{
	struct feed_batch *b;

	while ((b = queue_pop(q)))
		free(b);
	if (q->ready_fd >= 0)
		close(q->ready_fd);
	q->ready_fd = -1;
	pthread_mutex_destroy(&q->lock);
}

struct feed_batch *queue_batch_new(enum feed_event ev, uint32_t n_path, uint32_t n_announce,
				   uint32_t n_withdraw)
{
	size_t pfx = sizeof(struct feed_pfx);
	size_t bytes = sizeof(struct feed_batch) + ((size_t)n_announce + n_withdraw) * pfx +
		       (size_t)n_path * sizeof(uint32_t);
	struct feed_batch *b = calloc(1, bytes);

	if (!b)
		return NULL;
	b->ev = ev;
	b->bytes = bytes;
	b->announce = (struct feed_pfx *)(b + 1);
	b->withdraw = b->announce + n_announce;
	b->path = (uint32_t *)(b->withdraw + n_withdraw);
	b->n_path = n_path;
	b->n_announce = n_announce;
	b->n_withdraw = n_withdraw;
	return b;
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

void queue_push(struct queue *q, struct feed_batch *b)
{
	b->next = NULL;
	pthread_mutex_lock(&q->lock);
	if (q->tail)
		q->tail->next = b;
	else
		q->head = b;
	q->tail = b;
	q->bytes += b->bytes;
	if (!q->count++)
		signal_fd(q->ready_fd);
	pthread_mutex_unlock(&q->lock);
}

size_t queue_bytes(struct queue *q)
{
	size_t n;

	pthread_mutex_lock(&q->lock);
	n = q->bytes;
	pthread_mutex_unlock(&q->lock);
	return n;
}

bool queue_has_room(struct queue *q)
{
	bool room;

	pthread_mutex_lock(&q->lock);
	room = q->bytes < q->limit;
	if (!room)
		q->starved = true;
	pthread_mutex_unlock(&q->lock);
	return room;
}

struct feed_batch *queue_pop(struct queue *q)
{
	struct feed_batch *b;

	pthread_mutex_lock(&q->lock);
	b = q->head;
	if (b) {
		q->head = b->next;
		if (!q->head)
			q->tail = NULL;
		q->bytes -= b->bytes;
		if (!--q->count)
			clear_fd(q->ready_fd);
		if (q->starved && q->bytes < q->limit) {
			q->starved = false;
			signal_fd(q->wake_fd);
		}
		b->next = NULL;
	}
	pthread_mutex_unlock(&q->lock);
	return b;
}
