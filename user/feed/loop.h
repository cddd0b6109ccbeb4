/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/feed/loop.h - what the BGP feed's and the BMP station's event loops
 * share: the listening socket, the wake-up eventfd, the queue of route
 * changes, the thread (which takes no signals) running the owner's turn
 * function, and the consumer's drain of the queue into the RIB.  Failures
 * are logged, prefixed with `who` ("feed", "bmp").
 */
#ifndef ASC_FEED_LOOP_H
#define ASC_FEED_LOOP_H
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "feed/queue.h"
#include "routes/rib.h"

/* One turn of the owner's loop, waiting at most timeout_ms (-1: as long as
 * it needs); 0 or a negative errno, which stops the thread. */
typedef int (*loop_turn_fn)(void *arg, int timeout_ms);

struct loop {
	const char *who;
	int listen_fd; /* -1: none */
	int wake_fd;   /* eventfd: the caller (or the queue) wakes the loop */
	struct queue q;
	pthread_t thread;
	bool started;
	atomic_bool stop;
	loop_turn_fn turn;
	void *arg;
};

/* The wake-up eventfd and a queue bounded by queue_limit bytes; no
 * listener, no thread.  0 or a negative errno. */
int loop_init(struct loop *l, const char *who, size_t queue_limit);
/* Opens a non-blocking listening TCP socket on addr (IPv4 or IPv6 text; NULL:
 * none) and port, then runs turn(arg, -1) in a thread with every signal
 * blocked until loop_stop().  0 or a negative errno (logged). */
int loop_start(struct loop *l, const char *addr, uint16_t port, loop_turn_fn turn, void *arg);
/* Wakes the loop from poll(); loop_woken() clears it (in the turn). */
void loop_wake(struct loop *l);
void loop_woken(struct loop *l);
/* Stops and joins the thread, if it runs. */
void loop_stop(struct loop *l);
/* Closes the listener and the eventfd, frees what is queued. */
void loop_fini(struct loop *l);
/* Pops and applies up to `max` batches (0: all) to r; *applied (may be
 * NULL) gets how many.  0, or the first RIB error (that batch is lost and
 * logged; the rest stay queued). */
int loop_drain(struct loop *l, struct rib *r, size_t max, size_t *applied);

#endif
