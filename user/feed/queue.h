/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/feed/queue.h - the bounded queue of route changes between the session
 * thread (producer) and the caller (consumer), and the batches it holds.
 *
 * Bounded by bytes: the producer asks queue_has_room() before it decodes a
 * message and stops reading that peer when the answer is no; a push never
 * fails and never drops.  So the queue holds at most `limit` plus one
 * message's batch.  Two eventfds: `ready` is readable while the queue is not
 * empty (the consumer polls it), `wake` is written when a pop makes room
 * after a producer found none (the session loop polls it).
 */
#ifndef ASC_FEED_QUEUE_H
#define ASC_FEED_QUEUE_H
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include "feed/feed.h"

struct queue {
	pthread_mutex_t lock;
	struct feed_batch *head, *tail;
	size_t bytes, limit, count;
	int ready_fd; /* owned */
	int wake_fd;  /* not owned: the loop's */
	bool starved; /* a producer found no room */
};

/* 0 or -errno. */
int queue_init(struct queue *q, size_t limit, int wake_fd);
void queue_destroy(struct queue *q); /* frees what is left */

/* A batch with room for the arrays, zeroed; NULL when out of memory. */
struct feed_batch *queue_batch_new(enum feed_event ev, uint32_t n_path, uint32_t n_announce,
				   uint32_t n_withdraw);
void queue_push(struct queue *q, struct feed_batch *b);
bool queue_has_room(struct queue *q);
/* The bytes queued now. */
size_t queue_bytes(struct queue *q);
struct feed_batch *queue_pop(struct queue *q);

#endif
