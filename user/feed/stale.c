// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/feed/stale.c - stale routes of graceful restart (RFC 4724) and
 * enhanced route refresh (RFC 7313); stale.h has the rules.  Withdrawals go
 * to the queue like any UPDATE's; a flush of every route of the peer is one
 * peer-down event.  Must not: drop a flush silently (out of memory is logged
 * and the keys stay, to be flushed by the next timer or session loss). */
#include <string.h>

#include "feed/stale.h"

/* Withdraws the stale routes of fam (-1: all). */
static void flush(struct session *s, const struct sess_env *e, int fam, const char *why)
{
	size_t n = adjin_stale(&s->adj, fam);
	struct feed_batch *b;

	if (!n)
		return;
	if (fam < 0 && n == adjin_count(&s->adj)) {
		adjin_clear(&s->adj);
		session_event(s, e, FEED_EV_PEER_DOWN);
	} else if (adjin_flush(&s->adj, fam, &b)) {
		session_log(s, LOG_LVL_ERR,
			    "out of memory: %zu stale routes stay until the next "
			    "flush",
			    n);
		return;
	} else {
		session_push(s, e, b);
	}
	s->c.stale_flushed += n;
	session_log(s, LOG_LVL_INFO, "removed %zu stale %s routes: %s", n,
		    fam < 0 ? "" : wire_family_name(fam), why);
}

static void wait_done(struct session *s, int fam)
{
	bool any = false;

	s->stale_wait[fam] = false;
	for (int f = 0; f < FEED_NFAM; f++)
		any |= s->stale_wait[f];
	if (!any)
		s->stale_at = 0;
}

static void wait_for_eor(struct session *s, const struct sess_env *e, int fam)
{
	s->stale_wait[fam] = true;
	s->stale_at = e->now_ms + s->stale_s * 1000ULL;
}

void stale_session_lost(struct session *s, const struct sess_env *e, bool graceful)
{
	memset(s->stale_wait, 0, sizeof(s->stale_wait));
	s->stale_at = 0;
	if (!graceful || !s->nego.gr || !s->track) {
		adjin_clear(&s->adj);
		s->gr_at = 0;
		session_event(s, e, FEED_EV_PEER_DOWN);
		return;
	}
	for (int f = 0; f < FEED_NFAM; f++) {
		adjin_mark_stale(&s->adj, f);
		if (!s->nego.gr_fam[f])
			flush(s, e, f, "the peer's graceful restart does not cover the family");
	}
	if (!adjin_count(&s->adj))
		return;
	s->c.gr_retained++;
	s->gr_at = e->now_ms + s->nego.gr_time_s * 1000ULL;
	session_log(s, LOG_LVL_INFO,
		    "graceful restart: keeping %zu routes as stale for up to %u s (the peer's "
		    "restart time)",
		    adjin_count(&s->adj), s->nego.gr_time_s);
}

void stale_session_up(struct session *s, const struct sess_env *e)
{
	bool gr_pending = s->gr_at != 0;

	s->gr_at = 0;
	s->track = s->nego.gr || s->nego.enhanced_rr;
	if (!gr_pending || !adjin_stale(&s->adj, -1)) {
		if (!s->track)
			adjin_clear(&s->adj);
		return;
	}
	if (!s->nego.gr) {
		flush(s, e, -1, "the new session has no graceful restart");
		return;
	}
	for (int f = 0; f < FEED_NFAM; f++) {
		if (!adjin_stale(&s->adj, f))
			continue;
		if (s->nego.gr_fwd[f])
			wait_for_eor(s, e, f);
		else
			flush(s, e, f, "the peer kept no forwarding state for the family");
	}
}

void stale_eor(struct session *s, const struct sess_env *e, int fam)
{
	s->c.eor[fam]++;
	session_log(s, LOG_LVL_INFO, "End-of-RIB for %s", wire_family_name(fam));
	if (!s->stale_wait[fam])
		return;
	flush(s, e, fam, "not announced again before End-of-RIB");
	wait_done(s, fam);
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
		if (!s->nego.enhanced_rr || !s->track)
			return;
		session_log(s, LOG_LVL_INFO, "%s route refresh begins: %zu routes marked stale",
			    wire_family_name(fam), adjin_mark_stale(&s->adj, fam));
		wait_for_eor(s, e, fam);
		return;
	case BGP_RR_EORR:
		s->c.eorr_in++;
		if (!s->stale_wait[fam])
			return;
		flush(s, e, fam, "not announced again before the End-of-Route-Refresh");
		wait_done(s, fam);
		return;
	default: /* RFC 7313 3: ignored */
		session_log(s, LOG_LVL_DEBUG, "ROUTE-REFRESH subtype %u ignored", subtype);
	}
}

void stale_track(struct session *s, const struct feed_batch *b)
{
	if (!s->track)
		return;
	for (uint32_t i = 0; i < b->n_withdraw; i++)
		adjin_del(&s->adj, &b->withdraw[i]);
	for (uint32_t i = 0; i < b->n_announce; i++)
		if (adjin_add(&s->adj, &b->announce[i]))
			session_log(s, LOG_LVL_ERR,
				    "out of memory: a route will not be withdrawn "
				    "if the peer restarts without it");
}

void stale_timers(struct session *s, const struct sess_env *e)
{
	if (s->gr_at && e->now_ms >= s->gr_at) {
		s->gr_at = 0;
		flush(s, e, -1, "the peer's restart time passed without a new session");
	}
	if (s->stale_at && e->now_ms >= s->stale_at) {
		s->stale_at = 0;
		for (int f = 0; f < FEED_NFAM; f++)
			if (s->stale_wait[f]) {
				s->stale_wait[f] = false;
				flush(s, e, f, "no End-of-RIB within the stale time");
			}
	}
}
