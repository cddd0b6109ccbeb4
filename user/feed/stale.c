// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/feed/stale.c - stale routes of a lost session (the stale time or
 * graceful restart, RFC 4724) and of enhanced route refresh (RFC 7313);
 * stale.h has the rules.  Withdrawals go to the queue like any UPDATE's; a
 * flush of every route of the peer is one peer-down event.  Must not: drop
 * a flush silently (out of memory is logged and the keys stay, to be
 * flushed by the next timer or session loss). */
#include <string.h>
#include <time.h>

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

/* at, or the cap of the stale routes' waits if that comes first. */
static uint64_t capped(const struct session *s, uint64_t at)
{
	return s->stale_cap_at && at > s->stale_cap_at ? s->stale_cap_at : at;
}

/* No wait running: the next loss starts a new cap. */
static void cap_done(struct session *s)
{
	if (!s->stale_at && !s->gr_at)
		s->stale_cap_at = 0;
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
	s->stale_at = capped(s, e->now_ms + s->stale_s * 1000ULL);
}

/* The feed's own rule: the session with us went away, the router's
 * forwarding did not, so the routes of fam stay for stale_s (then wait for
 * End-of-RIB as long again once a session is back). */
static void keep_for_stale_time(struct session *s, const struct sess_env *e, int fam)
{
	if (adjin_mark_stale(&s->adj, fam))
		wait_for_eor(s, e, fam);
}

/* secs: the rule's time; the cap may make the wait shorter (until). */
static void log_kept(struct session *s, const struct sess_env *e, const char *rule,
		     unsigned int secs, uint64_t until)
{
	if (until - e->now_ms < secs * 1000ULL)
		secs = (unsigned int)((until - e->now_ms) / 1000);
	s->c.gr_retained++;
	session_log(s, LOG_LVL_INFO, "keeping %zu routes as stale for up to %u s (%s)",
		    adjin_count(&s->adj), secs, rule);
}

/* The first loss with no wait running caps every wait that follows until
 * none runs: its own time (the restart time or the stale time) and one
 * stale time more for End-of-RIB.  A session that comes and goes before
 * End-of-RIB (a flapping peer) would otherwise keep the routes it stopped
 * announcing for ever. */
static void cap_start(struct session *s, const struct sess_env *e, bool gr)
{
	unsigned int first = gr && s->nego.gr_time_s > s->stale_s ? s->nego.gr_time_s : s->stale_s;

	if (!s->stale_cap_at)
		s->stale_cap_at = e->now_ms + ((uint64_t)first + s->stale_s) * 1000ULL;
}

void stale_session_lost(struct session *s, const struct sess_env *e, bool graceful)
{
	bool gr = graceful && s->nego.gr;

	cap_start(s, e, gr);
	memset(s->stale_wait, 0, sizeof(s->stale_wait));
	s->stale_at = 0;
	s->gr_at = 0;
	for (int f = 0; f < FEED_NFAM; f++)
		if (gr && s->nego.gr_fam[f])
			adjin_mark_stale(&s->adj, f); /* RFC 4724 4.2: the restart time */
		else
			keep_for_stale_time(s, e, f);
	if (!adjin_count(&s->adj)) {
		cap_done(s);
		return;
	}
	if (gr) {
		s->gr_at = capped(s, e->now_ms + s->nego.gr_time_s * 1000ULL);
		log_kept(s, e, "graceful restart: the peer's restart time", s->nego.gr_time_s,
			 s->gr_at);
	} else {
		log_kept(s, e, "stale-time: the session with us is not the router's forwarding",
			 s->stale_s, s->stale_at);
	}
}

/* Why the stale routes of fam go at once when a session is up, or NULL:
 * they wait for its End-of-RIB.  gr: they were kept by graceful restart. */
static const char *flush_at_up(const struct session *s, int fam, bool gr)
{
	if (!s->nego.fam[fam])
		return "the new session does not carry the family";
	if (!gr || s->stale_wait[fam])
		return NULL;
	if (!s->nego.gr)
		return "the new session has no graceful restart";
	if (!s->nego.gr_fwd[fam])
		return "the peer kept no forwarding state for the family";
	return NULL;
}

void stale_session_up(struct session *s, const struct sess_env *e)
{
	bool gr_pending = s->gr_at != 0;

	s->gr_at = 0;
	for (int f = 0; f < FEED_NFAM; f++) {
		const char *why;

		if (!adjin_stale(&s->adj, f))
			continue;
		why = flush_at_up(s, f, gr_pending);
		if (why) {
			flush(s, e, f, why);
			wait_done(s, f);
		} else {
			wait_for_eor(s, e, f);
		}
	}
	cap_done(s);
}

void stale_eor(struct session *s, const struct sess_env *e, int fam)
{
	s->c.eor[fam]++;
	s->last_eor[fam] = (uint64_t)time(NULL);
	session_log(s, LOG_LVL_INFO, "End-of-RIB for %s", wire_family_name(fam));
	if (!s->stale_wait[fam])
		return;
	flush(s, e, fam, "not announced again before End-of-RIB");
	wait_done(s, fam);
	cap_done(s);
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
		if (!s->nego.enhanced_rr)
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
		cap_done(s);
		return;
	default: /* RFC 7313 3: ignored */
		session_log(s, LOG_LVL_DEBUG, "ROUTE-REFRESH subtype %u ignored", subtype);
	}
}

void stale_track(struct session *s, const struct feed_batch *b)
{
	for (uint32_t i = 0; i < b->n_withdraw; i++)
		adjin_del(&s->adj, &b->withdraw[i]);
	for (uint32_t i = 0; i < b->n_announce; i++)
		if (adjin_add(&s->adj, &b->announce[i]))
			session_log(s, LOG_LVL_ERR,
				    "out of memory: a route will not be withdrawn "
				    "if the peer restarts without it");
}

/* The restart time passed: the routes graceful restart kept go (not the
 * families kept by stale-time, which wait on stale_at). */
static void gr_expired(struct session *s, const struct sess_env *e)
{
	const char *why = "the peer's restart time passed without a new session";

	s->gr_at = 0;
	if (!s->stale_wait[FEED_IPV4] && !s->stale_wait[FEED_IPV6]) {
		flush(s, e, -1, why);
		return;
	}
	for (int f = 0; f < FEED_NFAM; f++)
		if (!s->stale_wait[f])
			flush(s, e, f, why);
}

void stale_timers(struct session *s, const struct sess_env *e)
{
	const char *why = s->state == FEED_ST_ESTABLISHED ? "no End-of-RIB within the stale time"
							  : "no session within the stale time";

	if (s->gr_at && e->now_ms >= s->gr_at)
		gr_expired(s, e);
	if (s->stale_at && e->now_ms >= s->stale_at) {
		s->stale_at = 0;
		for (int f = 0; f < FEED_NFAM; f++)
			if (s->stale_wait[f]) {
				s->stale_wait[f] = false;
				flush(s, e, f, why);
			}
	}
	cap_done(s);
}
