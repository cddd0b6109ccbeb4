/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/feed/stale.h - what happens to a peer's routes when its session
 * ends or comes up, at its End-of-RIB markers and route-refresh messages.
 * For now every session that leaves Established takes all the peer's
 * routes with it (one peer-down event); graceful restart (RFC 4724) and
 * enhanced route refresh (RFC 7313) will keep routes as stale here.
 */
#ifndef ASC_FEED_STALE_H
#define ASC_FEED_STALE_H
#include <stdbool.h>
#include <stdint.h>
#include "feed/session.h"

/* The session left Established; graceful: no NOTIFICATION either way. */
void stale_session_lost(struct session *s, const struct sess_env *e, bool graceful);
/* The session reached Established (the capabilities are negotiated). */
void stale_session_up(struct session *s, const struct sess_env *e);
/* An End-of-RIB marker for family fam. */
void stale_eor(struct session *s, const struct sess_env *e, int fam);
/* A ROUTE-REFRESH message (request, BoRR or EoRR) for family fam. */
void stale_refresh_msg(struct session *s, const struct sess_env *e, int fam, uint8_t subtype);
/* The keys of a batch about to be queued (only while tracking). */
void stale_track(struct session *s, const struct feed_batch *b);
void stale_timers(struct session *s, const struct sess_env *e);

#endif
