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
 *
 * In batches: a producer that makes many batches in one turn (the UPDATEs
 * of one read: BIRD sends one path per UPDATE) stages them with
 * queue_stage(), which takes no lock, and hands them over with one
 * queue_commit(): one lock round trip and at most one wake-up of the
 * consumer for all of them, in their order.  Staged batches count against
 * the limit.  The consumer likewise takes a chain with queue_take() and
 * gives its bytes back with queue_release() as it applies them, so the
 * bound holds for what it holds too.
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
	size_t bytes; /* queued, and taken but not released; read without the lock */
	size_t limit, count;
	int ready_fd; /* owned */
	int wake_fd;  /* not owned: the loop's */
	bool starved; /* a producer found no room */
	/* the producer's own, no lock: staged, not yet committed */
	struct feed_batch *stage_head, *stage_tail;
	size_t stage_bytes;
	struct batch_block *carve; /* the block queue_batch_carve() fills */
};

/* 0 or -errno. */
int queue_init(struct queue *q, size_t limit, int wake_fd);
void queue_destroy(struct queue *q); /* frees what is left */

/* A batch with room for the arrays, zeroed; NULL when out of memory. */
struct feed_batch *queue_batch_new(enum feed_event ev, uint32_t n_path, uint32_t n_announce,
				   uint32_t n_withdraw);
/* The same for the producer of q, carved from a block of some hundred
 * batches (one allocation, freed by the consumer when its last batch is),
 * where one malloc a batch cost an allocation, a free from the other
 * thread and the arena's trimming and growing again per one-path UPDATE.
 * The header is zeroed; the arrays are the caller's to fill.  A large batch
 * gets an allocation of its own.  NULL when out of memory. */
struct feed_batch *queue_batch_carve(struct queue *q, enum feed_event ev, uint32_t n_path,
				     uint32_t n_announce, uint32_t n_withdraw);
/* Frees a batch of either kind. */
void queue_batch_free(struct feed_batch *b);
/* Queues b at once (after whatever is staged). */
void queue_push(struct queue *q, struct feed_batch *b);
/* Appends b to the producer's staged batches (no lock, no wake-up). */
void queue_stage(struct queue *q, struct feed_batch *b);
/* Queues the staged batches, in order, under one lock. */
void queue_commit(struct queue *q);
/* Whether queued + staged + taken-unreleased bytes are under the limit
 * (producer side; without the lock while there is room). */
bool queue_has_room(struct queue *q);
/* The bytes queued, or taken and not released, now. */
size_t queue_bytes(struct queue *q);
/* The oldest batch, its bytes released at once; NULL when empty. */
struct feed_batch *queue_pop(struct queue *q);
/* The oldest `max` batches (0: all) as a chain linked by ->next; *n gets how
 * many.  Their bytes stay counted until queue_release(). */
struct feed_batch *queue_take(struct queue *q, size_t max, size_t *n);
/* Gives back bytes of taken batches (applied or freed); wakes a starved
 * producer when that makes room. */
void queue_release(struct queue *q, size_t bytes);
/* Puts a taken chain back at the head (a consumer that stopped early); its
 * bytes were never released. */
void queue_untake(struct queue *q, struct feed_batch *chain);

#endif
