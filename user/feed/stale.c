// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/feed/stale.c - a peer's routes at session changes, End-of-RIB and
 * route-refresh messages (stale.h).  Every session loss withdraws all the
 * peer's routes; nothing is kept as stale yet. */
#include "feed/stale.h"

void stale_session_lost(struct session *s, const struct sess_env *e, bool graceful)
{
	s->gr_at = s->stale_at = 0;
	session_event(s, e, FEED_EV_PEER_DOWN);
}

void stale_session_up(struct session *s, const struct sess_env *e)
{
	s->track = false;
}

void stale_eor(struct session *s, const struct sess_env *e, int fam)
{
	s->c.eor[fam]++;
	session_log(s, LOG_LVL_INFO, "End-of-RIB for %s", wire_family_name(fam));
}

void stale_refresh_msg(struct session *s, const struct sess_env *e, int fam, uint8_t subtype)
{
	switch (subtype) {
	case BGP_RR_REQUEST:
		if (s->nego.enhanced_rr)
			session_reply_refresh(s, e, fam);
		return;
	case BGP_RR_BORR:
		s->c.borr_in++;
		return;
	case BGP_RR_EORR:
		s->c.eorr_in++;
		return;
	default: /* RFC 7313 3: ignored */
		session_log(s, LOG_LVL_DEBUG, "ROUTE-REFRESH subtype %u ignored", subtype);
	}
}

void stale_track(struct session *s, const struct feed_batch *b)
{
}

void stale_timers(struct session *s, const struct sess_env *e)
{
}
