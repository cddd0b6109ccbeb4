/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/feed/loop.h - what the BGP feed's and the BMP station's event loops
 * share: the listening socket, a thread that takes no signals, and the
 * consumer's drain of the queue into the RIB.  Each function logs its
 * failures, prefixed with `who` ("feed", "bmp").
 */
#ifndef ASC_FEED_LOOP_H
#define ASC_FEED_LOOP_H
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include "feed/queue.h"
#include "routes/rib.h"

/* Opens a non-blocking listening TCP socket on addr (IPv4 or IPv6 text) and
 * port into *listen_fd, unless addr is NULL or *listen_fd is already open,
 * then starts fn(arg) in a thread with every signal blocked (signals stay
 * the caller's).  0 or a negative errno (logged; *listen_fd stays -1 if
 * the listener failed). */
int loop_start(const char *who, const char *addr, uint16_t port, int *listen_fd, pthread_t *t,
	       void *(*fn)(void *), void *arg);
/* Pops and applies up to `max` batches (0: all) to r; *applied (may be
 * NULL) gets how many.  0, or the first RIB error (that batch is lost and
 * logged; the rest stay queued). */
int loop_drain(const char *who, struct queue *q, struct rib *r, size_t max, size_t *applied);

#endif
