/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/feed/update.h - one received UPDATE message -> a batch of route
 * changes, with RFC 7606 error handling.
 *
 * The attribute block is first walked here (lengths, flags, repeats: what
 * RFC 7606 tells apart but user/bgp folds into one "malformed" bit), then
 * decoded by user/bgp from a clean copy: repeats and discarded attributes
 * left out, wrong flags set right once counted.  ADD-PATH is negotiated per
 * family but user/bgp takes one flag per call, so the IPv4 fields and each
 * MP attribute are decoded with their own family's flag.
 *
 * Outcome (the strongest of all faults wins, RFC 7606 3(j)):
 *   UPD_OK        routes as sent
 *   UPD_DISCARD   routes as sent, an attribute left out (RFC 7606 2)
 *   UPD_WITHDRAW  every prefix of the message withdrawn ("treat-as-withdraw")
 *   UPD_RESET     nothing applied; the caller sends out->notif and closes
 * Nothing here does I/O or logs.
 */
#ifndef ASC_FEED_UPDATE_H
#define ASC_FEED_UPDATE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bgp/bgp.h"
#include "feed/caps.h"
#include "feed/wire.h"

struct queue;

enum update_action { UPD_OK, UPD_DISCARD, UPD_WITHDRAW, UPD_RESET };

struct update_ctx {
	const struct caps_nego *nego;
	bool ibgp;
	struct mrt_arena *arena; /* reset by the caller per message */
	struct queue *carve_q;	 /* batches carved for its producer (queue_batch_carve); NULL:
				  * allocated each (queue_batch_new) */
};

struct update_out {
	enum update_action action;
	int eor;		 /* family of an End-of-RIB marker, or -1 */
	struct wire_notif notif; /* UPD_RESET: the NOTIFICATION to send */
	uint32_t faults[FEED_FAULT_MAX];
	char why[192];		  /* the fault that decided the action */
	struct feed_batch *batch; /* changes to queue (NULL: none); the caller's */
};

/* Decodes one UPDATE (header included, framed by wire_frame()).  0 (see
 * out->action) or -ENOMEM. */
int update_decode(const uint8_t *msg, size_t len, const struct update_ctx *ctx,
		  struct update_out *out);

const char *update_action_name(enum update_action a);

#endif
