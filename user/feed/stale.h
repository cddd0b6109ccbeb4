/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/feed/stale.h - routes a peer may not send again.  Any loss of the
 * session keeps every route of the peer as stale: the session between the
 * router and us going away does not change the router's forwarding, so the
 * routes keep classifying.  Which rule times them:
 * - graceful restart as the receiving speaker (RFC 4724 4.2), for the
 *   families it covers, when the connection ended without a NOTIFICATION:
 *   the peer's restart time; at the new session, families without the
 *   capability or the forwarding-state bit are flushed at once;
 * - every other loss (hold timer expired, NOTIFICATION either way, Cease /
 *   Administrative Shutdown or Reset included, a reset for a malformed
 *   UPDATE, a TCP close without graceful restart): stale_time_s with no
 *   session.  A peer that is shut down on purpose still forwards as before;
 *   when its upstreams go, their withdrawals (or BMP's Peer Down) say so.
 * Once a session is back, the stale routes not announced again are withdrawn
 * at the family's End-of-RIB, or when stale_time_s passes without one.  A
 * session that comes and goes before End-of-RIB (a flapping peer) does not
 * prolong that: every wait ends at the latest the first loss's time (the
 * restart time or stale_time_s) and one stale_time_s more after that loss.
 * Enhanced route refresh (RFC 7313 4) marks a family stale at the
 * Beginning-of-RIB-Refresh and flushes what is left at the EoRR.  Each
 * flush is logged and counted.
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
/* The keys of a batch about to be queued. */
void stale_track(struct session *s, const struct feed_batch *b);
void stale_timers(struct session *s, const struct sess_env *e);

#endif
