/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/feed/stale.h - routes a peer may not send again: graceful restart as
 * the receiving speaker (RFC 4724 4.2) and enhanced route refresh (RFC 7313
 * 4).  Routes are marked stale when a graceful-restart session is lost
 * without a NOTIFICATION, or at a Beginning-of-RIB-Refresh; the ones not
 * announced again are withdrawn at the family's End-of-RIB / EoRR, when the
 * new session lacks the capability or the forwarding-state bit for the
 * family, when the peer's restart time passes with no session, or when
 * stale_time_s passes with no End-of-RIB.  Each flush is logged and counted.
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
