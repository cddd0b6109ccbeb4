// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/feed/bmp_router.c - one router's BMP connection (see bmp_router.h):
 * reading, framing, each message type, the peers and which of their views
 * go into the RIB (bmp.h).  A broken framing (version, length) closes the
 * connection, because nothing after it can be trusted; a malformed message
 * whose length is sound is skipped and counted; an UPDATE is handled by
 * feed/update.c's RFC 7606 rules.
 * Must not: block, or drop a decoded change (the queue is asked for room
 * before each message, and reading stops when it has none).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <poll.h>

#include "common/log.h"
#include "feed/bmp_router.h"
#include "feed/update.h"
#include "feed/wire.h"

#define ERRORS_LOGGED_MAX 10 /* faults logged at warning level per connection */

enum { TERM_ADMIN = 0, TERM_UNSPEC, TERM_RESOURCES, TERM_REDUNDANT, TERM_PERM_ADMIN };

static void rlog(const struct bmp_router *r, enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void rlog(const struct bmp_router *r, enum log_level lvl, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_msg(lvl, "bmp: router %s: %s", r->st.addr, msg);
}

/* A fault in the message at stream offset `at`: logged (the first ones at
 * warning level) and kept as the router's last error. */
static void fault(struct bmp_router *r, uint64_t at, uint8_t type, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void fault(struct bmp_router *r, uint64_t at, uint8_t type, const char *fmt, ...)
{
	enum log_level lvl = r->errors_logged < ERRORS_LOGGED_MAX ? LOG_LVL_WARN : LOG_LVL_DEBUG;
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(r->st.last_error, sizeof(r->st.last_error), "byte %llu (%s): %s",
		 (unsigned long long)at, bmp_type_name(type), msg);
	if (++r->errors_logged == ERRORS_LOGGED_MAX)
		rlog(r, LOG_LVL_WARN, "%u faults: further ones at debug level", ERRORS_LOGGED_MAX);
	rlog(r, lvl, "%s", r->st.last_error);
}

static const char *peer_text(const struct rib_peer *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "-";

	if (p->family)
		inet_ntop(p->family == 6 ? AF_INET6 : AF_INET, p->ip, a, sizeof(a));
	snprintf(buf, len, "%s AS%u", a, p->asn);
	return buf;
}

/* ---- set-up ---- */

int bmp_router_init(struct bmp_router *r, int idx, const char *addr)
{
	memset(r, 0, sizeof(*r));
	r->idx = idx;
	r->fd = -1;
	if (inet_pton(AF_INET, addr, r->self.ip) == 1)
		r->self.family = 4;
	else if (inet_pton(AF_INET6, addr, r->self.ip) == 1)
		r->self.family = 6;
	else
		return -EINVAL;
	snprintf(r->st.addr, sizeof(r->st.addr), "%s", addr);
	return 0;
}

void bmp_router_fini(struct bmp_router *r)
{
	if (r->fd >= 0)
		close(r->fd);
	free(r->in);
	free(r->peers);
	mrt_arena_free(&r->arena);
}

int bmp_router_attach(struct bmp_router *r, int fd, const struct bmp_env *e)
{
	if (r->fd >= 0)
		bmp_router_close(r, e, "a new connection from the same address replaces this one");
	if (!r->in)
		r->in = malloc(BMP_IN_BYTES);
	if (!r->in)
		return -ENOMEM;
	r->fd = fd;
	r->in_len = 0;
	r->in_off = 0;
	r->paused = false;
	r->adj_in_seen = false;
	r->errors_logged = 0;
	r->st.connected = true;
	r->st.c.connections++;
	rlog(r, LOG_LVL_INFO, "connected");
	return 0;
}

bool bmp_router_idle(const struct bmp_router *r)
{
	return r->fd < 0 && !r->n_peers;
}

/* ---- peers ---- */

static bool same_peer(const struct bmp_peer_hdr *a, const struct bmp_peer_hdr *b)
{
	return a->type == b->type && a->rd == b->rd && a->peer.family == b->peer.family &&
	       !memcmp(a->peer.ip, b->peer.ip, sizeof(a->peer.ip));
}

static struct bmp_peer *find_peer(struct bmp_router *r, const struct bmp_peer_hdr *ph)
{
	for (size_t i = 0; i < r->n_peers; i++)
		if (same_peer(&r->peers[i].st.hdr, ph))
			return &r->peers[i];
	return NULL;
}

/* The peer of a per-peer header, added if new; NULL when out of memory. */
static struct bmp_peer *peer_of(struct bmp_router *r, const struct bmp_peer_hdr *ph)
{
	struct bmp_peer *p = find_peer(r, ph);

	if (!p && r->n_peers == r->cap_peers) {
		size_t cap = r->cap_peers ? r->cap_peers * 2 : 8;
		struct bmp_peer *v = realloc(r->peers, cap * sizeof(*v));

		if (!v)
			return NULL;
		r->peers = v;
		r->cap_peers = cap;
	}
	if (!p) {
		p = &r->peers[r->n_peers++];
		memset(p, 0, sizeof(*p));
		p->st.hdr = *ph;
	}
	p->st.hdr.flags = ph->flags;
	p->st.hdr.bgp_id = ph->bgp_id;
	p->st.hdr.ts_sec = ph->ts_sec;
	p->st.hdr.ts_usec = ph->ts_usec;
	p->st.hdr.peer.asn = ph->peer.asn;
	if (!p->st.applied) { /* the RIB's key changes only while it holds nothing */
		p->rib_peer = ph->type == BMP_PEER_LOC_RIB ? r->self : ph->peer;
		p->rib_peer.asn = ph->peer.asn;
		p->rib_peer.source = (uint16_t)(r->idx + 1); /* this router's paths */
	}
	r->st.peers = r->n_peers;
	return p;
}

static void push(struct bmp_router *r, const struct bmp_env *e, struct bmp_peer *p,
		 struct feed_batch *b)
{
	b->peer = r->idx;
	b->rib_peer = p->rib_peer;
	if (!b->when)
		b->when = p->st.hdr.ts_sec ? p->st.hdr.ts_sec : e->now;
	b->recv_ns = r->read_ns ? r->read_ns : rib_now_ns();
	queue_push(e->q, b);
}

/* Every path of the peer leaves the RIB (if it has any there).  0, or
 * -ENOMEM (logged): its paths stay, p->st.applied with them. */
static int peer_withdraw(struct bmp_router *r, const struct bmp_env *e, struct bmp_peer *p)
{
	struct feed_batch *b;
	char pt[80];

	if (!p->st.applied)
		return 0;
	b = queue_batch_new(FEED_EV_PEER_DOWN, 0, 0, 0);
	if (!b) {
		rlog(r, LOG_LVL_ERR, "out of memory: the paths of peer %s stay in the RIB",
		     peer_text(&p->rib_peer, pt, sizeof(pt)));
		return -ENOMEM;
	}
	p->st.applied = false;
	b->when = e->now;
	push(r, e, p, b);
	return 0;
}

/* After the connection: every peer's paths are withdrawn and the peer
 * forgotten; a peer whose withdrawal found no memory stays (with its
 * paths), for bmp_router_resume() to try again.  The slot is idle once none
 * is left. */
static void withdraw_all(struct bmp_router *r, const struct bmp_env *e)
{
	size_t kept = 0;

	for (size_t i = 0; i < r->n_peers; i++)
		if (peer_withdraw(r, e, &r->peers[i]))
			r->peers[kept++] = r->peers[i];
	r->n_peers = kept;
	r->st.peers = kept;
	if (kept)
		return;
	free(r->peers);
	r->peers = NULL;
	r->cap_peers = 0;
}

static void peer_remove(struct bmp_router *r, struct bmp_peer *p)
{
	size_t i = (size_t)(p - r->peers);

	r->peers[i] = r->peers[--r->n_peers];
	r->st.peers = r->n_peers;
}

/* Adj-RIB-In is monitored: the Loc-RIB pseudo-peers' paths go. */
static void drop_loc_rib(struct bmp_router *r, const struct bmp_env *e)
{
	for (size_t i = 0; i < r->n_peers; i++)
		if (r->peers[i].st.hdr.type == BMP_PEER_LOC_RIB && r->peers[i].st.applied) {
			rlog(r, LOG_LVL_INFO,
			     "Adj-RIB-In monitored: its Loc-RIB paths are withdrawn and "
			     "further Loc-RIB messages ignored");
			peer_withdraw(r, e, &r->peers[i]);
		}
}

/* Whether this Route Monitoring message's view of the peer goes into the
 * RIB (bmp.h); switching a peer from pre- to post-policy withdraws first. */
static bool use_view(struct bmp_router *r, const struct bmp_env *e, struct bmp_peer *p)
{
	uint8_t flags = p->st.hdr.flags;
	enum bmp_view v = flags & BMP_F_L ? BMP_VIEW_POST : BMP_VIEW_PRE;
	char pt[80];

	if (p->st.hdr.type == BMP_PEER_LOC_RIB) {
		r->st.c.ignored_loc_rib += r->adj_in_seen;
		return !r->adj_in_seen;
	}
	if (flags & BMP_F_O) {
		r->st.c.ignored_adj_out++;
		return false;
	}
	if (!r->adj_in_seen) {
		r->adj_in_seen = true;
		drop_loc_rib(r, e);
	}
	if (e->view != BMP_VIEW_AUTO ? v != e->view
				     : p->st.view == BMP_VIEW_POST && v == BMP_VIEW_PRE) {
		r->st.c.ignored_view++;
		return false;
	}
	if (p->st.view == BMP_VIEW_PRE && v == BMP_VIEW_POST) {
		rlog(r, LOG_LVL_INFO,
		     "peer %s: post-policy routes arrive: its pre-policy paths are withdrawn",
		     peer_text(&p->rib_peer, pt, sizeof(pt)));
		peer_withdraw(r, e, p);
	}
	p->st.view = v;
	return true;
}

/* ---- messages ---- */

static void count_update(struct bmp_router *r, struct bmp_peer *p, const struct update_out *o)
{
	for (int k = 0; k < FEED_FAULT_MAX; k++)
		r->st.c.faults[k] += o->faults[k];
	r->st.c.treat_as_withdraw += o->action == UPD_WITHDRAW;
	r->st.c.attr_discard += o->action == UPD_DISCARD;
	r->st.c.updates_skipped += o->action == UPD_RESET;
	r->st.c.eor += o->eor >= 0;
	if (o->batch) {
		r->st.c.announced += o->batch->n_announce;
		r->st.c.withdrawn += o->batch->n_withdraw;
		p->st.announced += o->batch->n_announce;
		p->st.withdrawn += o->batch->n_withdraw;
	}
}

/* FRR 8.4 reports eBGP peers' paths with its own AS in front (bmp.h). */
static void remove_own_as(struct bmp_router *r, const struct bmp_peer *p, struct feed_batch *b)
{
	if (p->ibgp || !p->local_as || b->n_path < 2 || b->path[0] != p->local_as ||
	    b->path[1] != p->rib_peer.asn)
		return;
	memmove(b->path, b->path + 1, (b->n_path - 1) * sizeof(b->path[0]));
	b->n_path--;
	r->st.c.own_as_removed++;
}

/* The BGP UPDATE a Route Monitoring message carries, at byte `at`. */
static void on_update(struct bmp_router *r, const struct bmp_env *e, struct bmp_peer *p,
		      const uint8_t *m, size_t len, uint64_t at)
{
	struct caps_nego nego = { .fam = { true, true }, .as4 = !(p->st.hdr.flags & BMP_F_A) };
	struct update_ctx uc = { .nego = &nego, .ibgp = p->ibgp, .arena = &r->arena };
	struct wire_notif n;
	struct update_out o;
	char pt[80];
	long blen = wire_frame(m, len, &n);

	if (blen != (long)len || m[18] != BGP_MSG_UPDATE) {
		r->st.c.malformed++;
		fault(r, at, BMP_ROUTE_MONITORING,
		      "the BGP message in it (%zu bytes) is no UPDATE of that length: skipped",
		      len);
		return;
	}
	memcpy(nego.addpath, p->st.addpath, sizeof(nego.addpath));
	mrt_arena_reset(&r->arena);
	if (update_decode(m, len, &uc, &o)) {
		r->st.c.updates_skipped++;
		fault(r, at, BMP_ROUTE_MONITORING, "out of memory decoding its UPDATE: skipped");
		return;
	}
	count_update(r, p, &o);
	if (o.action != UPD_OK)
		fault(r, at, BMP_ROUTE_MONITORING, "peer %s: UPDATE error (RFC 7606): %s: %s",
		      peer_text(&p->rib_peer, pt, sizeof(pt)), o.why,
		      o.action == UPD_RESET ? "UPDATE skipped" : update_action_name(o.action));
	if (o.batch) {
		remove_own_as(r, p, o.batch);
		p->st.applied = true;
		push(r, e, p, o.batch);
	}
}

static int peer_hdr(struct bmp_router *r, const uint8_t *m, size_t len, uint64_t at,
		    struct bmp_peer_hdr *ph)
{
	char why[160];

	if (!bmp_peer_hdr_parse(m, len, ph, why, sizeof(why)))
		return 0;
	r->st.c.malformed++;
	fault(r, at, m[5], "%s: skipped", why);
	return -1;
}

static struct bmp_peer *peer_at(struct bmp_router *r, const struct bmp_peer_hdr *ph)
{
	struct bmp_peer *p = peer_of(r, ph);

	if (!p)
		rlog(r, LOG_LVL_ERR, "out of memory: a message of a new peer is skipped");
	return p;
}

static void on_route_monitoring(struct bmp_router *r, const struct bmp_env *e, const uint8_t *m,
				size_t len, uint64_t at)
{
	struct bmp_peer_hdr ph;
	struct bmp_peer *p;

	if (peer_hdr(r, m, len, at, &ph))
		return;
	if (ph.type >= BMP_PEER_TYPE_MAX) {
		r->st.c.ignored_peer_type++;
		return;
	}
	p = peer_at(r, &ph);
	if (p && use_view(r, e, p))
		on_update(r, e, p, m + BMP_HDR_LEN + BMP_PEER_HDR_LEN,
			  len - BMP_HDR_LEN - BMP_PEER_HDR_LEN, at);
}

/* Path ids in the peer's Adj-RIB-In NLRI: it sends them and the router
 * receives them (RFC 7911 4); the reverse for its Adj-RIB-Out.  A Loc-RIB's
 * OPEN is made up (RFC 9069 5.2): ADD-PATH there in either direction. */
static void addpath_of(struct bmp_peer *p, const struct bmp_peer_up *up)
{
	for (int f = 0; f < FEED_NFAM; f++) {
		uint8_t s = up->sent.addpath[f], v = up->recv.addpath[f];

		p->st.addpath[f] = (v & BGP_ADDPATH_SEND) && (s & BGP_ADDPATH_RECEIVE);
		p->addpath_out[f] = (s & BGP_ADDPATH_SEND) && (v & BGP_ADDPATH_RECEIVE);
		if (p->st.hdr.type == BMP_PEER_LOC_RIB)
			p->st.addpath[f] = s || v;
	}
}

static void on_peer_up(struct bmp_router *r, const struct bmp_env *e, const uint8_t *m, size_t len,
		       uint64_t at)
{
	struct bmp_peer_hdr ph;
	struct bmp_peer_up up;
	struct bmp_peer *p;
	char why[192], pt[80];

	if (peer_hdr(r, m, len, at, &ph))
		return;
	if (bmp_peer_up_parse(m, len, &ph, &up, why, sizeof(why))) {
		r->st.c.malformed++;
		fault(r, at, BMP_PEER_UP, "%s: skipped", why);
		return;
	}
	p = peer_at(r, &ph);
	if (!p)
		return;
	if (p->st.up) /* a new session without a Peer Down for the old one */
		peer_withdraw(r, e, p);
	p->st.up = true;
	p->ibgp = up.sent.peer_as == up.recv.peer_as;
	p->local_as = up.sent.peer_as;
	addpath_of(p, &up);
	r->st.c.peer_ups++;
	rlog(r, LOG_LVL_INFO, "peer %s (type %u, BGP ID %08x) up%s%s%s",
	     peer_text(&p->rib_peer, pt, sizeof(pt)), ph.type, ph.bgp_id, p->ibgp ? ", iBGP" : "",
	     p->st.addpath[FEED_IPV4] ? ", ADD-PATH ipv4" : "",
	     p->st.addpath[FEED_IPV6] ? ", ADD-PATH ipv6" : "");
}

static void on_peer_down(struct bmp_router *r, const struct bmp_env *e, const uint8_t *m,
			 size_t len, uint64_t at)
{
	struct bmp_peer_hdr ph;
	struct bmp_peer *p;
	uint8_t reason = 0;
	char why[160], pt[80];

	if (peer_hdr(r, m, len, at, &ph))
		return;
	if (bmp_peer_down_reason(m, len, &reason, why, sizeof(why))) {
		/* the peer is gone all the same */
		r->st.c.malformed++;
		fault(r, at, BMP_PEER_DOWN, "%s: the peer is taken down anyway", why);
	}
	r->st.c.peer_downs++;
	p = find_peer(r, &ph);
	rlog(r, LOG_LVL_INFO, "peer %s down: %s%s", peer_text(&ph.peer, pt, sizeof(pt)),
	     bmp_peer_down_name(reason), p ? "" : " (not known)");
	if (!p)
		return;
	if (peer_withdraw(r, e, p))
		p->st.up = false; /* kept while its paths are: the close tries again */
	else
		peer_remove(r, p);
}

static void on_stats(struct bmp_router *r, const struct bmp_env *e, const uint8_t *m, size_t len,
		     uint64_t at)
{
	struct bmp_peer_hdr ph;
	struct bmp_stats st;
	struct bmp_peer *p;
	char why[160];

	if (peer_hdr(r, m, len, at, &ph))
		return;
	if (bmp_stats_parse(m, len, &st, why, sizeof(why))) {
		r->st.c.malformed++;
		fault(r, at, BMP_STATS, "%s: skipped", why);
		return;
	}
	p = peer_at(r, &ph);
	if (!p)
		return;
	p->st.stats = st;
	p->st.stats_at = ph.ts_sec ? ph.ts_sec : e->now;
}

static const char *term_reason(int reason)
{
	static const char *const names[] = { "administratively closed", "unspecified",
					     "out of resources", "redundant connection",
					     "permanently administratively closed" };

	return reason >= 0 && reason <= TERM_PERM_ADMIN ? names[reason] : "no reason given";
}

/* Initiation or Termination; returns true for a Termination. */
static bool on_info(struct bmp_router *r, const uint8_t *m, size_t len, uint64_t at)
{
	struct bmp_info in;
	char why[160];

	if (bmp_info_parse(m, len, &in, why, sizeof(why))) {
		r->st.c.malformed++;
		fault(r, at, m[5], "%s", why);
	}
	if (m[5] == BMP_TERMINATION) {
		rlog(r, LOG_LVL_INFO, "Termination: %s%s%s", term_reason(in.reason),
		     in.string[0] ? ": " : "", in.string);
		return true;
	}
	snprintf(r->st.sys_name, sizeof(r->st.sys_name), "%s", in.sys_name);
	snprintf(r->st.sys_descr, sizeof(r->st.sys_descr), "%s", in.sys_descr);
	rlog(r, LOG_LVL_INFO, "Initiation: sysName '%s', sysDescr '%s'%s%s", in.sys_name,
	     in.sys_descr, in.string[0] ? ", " : "", in.string);
	return false;
}

/* One framed message; returns false when the connection was closed. */
static bool handle(struct bmp_router *r, const struct bmp_env *e, const uint8_t *m, size_t len,
		   uint64_t at)
{
	uint8_t type = m[5];

	r->st.c.msgs[type < BMP_TYPE_MAX ? type : BMP_TYPE_MAX]++;
	r->st.c.bytes += len;
	switch (type) {
	case BMP_ROUTE_MONITORING:
		on_route_monitoring(r, e, m, len, at);
		break;
	case BMP_STATS:
		on_stats(r, e, m, len, at);
		break;
	case BMP_PEER_DOWN:
		on_peer_down(r, e, m, len, at);
		break;
	case BMP_PEER_UP:
		on_peer_up(r, e, m, len, at);
		break;
	case BMP_INITIATION:
	case BMP_TERMINATION:
		if (on_info(r, m, len, at)) {
			bmp_router_close(r, e, "closed after its Termination message");
			return false;
		}
		break;
	case BMP_ROUTE_MIRRORING: /* counted only */
		break;
	default:
		rlog(r, LOG_LVL_DEBUG, "byte %llu: message type %u ignored", (unsigned long long)at,
		     type);
	}
	return true;
}

void bmp_router_process(struct bmp_router *r, const struct bmp_env *e)
{
	size_t pos = 0;

	while (r->fd >= 0 && !r->paused) {
		struct bmp_hdr h;
		char why[128];
		uint64_t at = r->in_off + pos;
		long n = bmp_frame(r->in + pos, r->in_len - pos, &h, why, sizeof(why));

		if (n < 0) {
			r->st.c.framing_errors++;
			fault(r, at, h.type, "%s", why);
			bmp_router_close(r, e, "broken BMP framing at byte %llu",
					 (unsigned long long)at);
			return;
		}
		if (!n)
			break;
		if (!queue_has_room(e->q)) {
			r->paused = true;
			r->st.c.queue_pauses++;
			break;
		}
		if (!handle(r, e, r->in + pos, (size_t)n, at))
			return;
		pos += (size_t)n;
	}
	memmove(r->in, r->in + pos, r->in_len - pos);
	r->in_len -= pos;
	r->in_off += pos;
}

/* ---- I/O ---- */

void bmp_router_close(struct bmp_router *r, const struct bmp_env *e, const char *fmt, ...)
{
	char why[192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	rlog(r, LOG_LVL_INFO, "connection closed (%s): the paths of its %zu peers are withdrawn",
	     why, r->n_peers);
	withdraw_all(r, e);
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	free(r->in); /* a slot without a connection keeps only its status */
	r->in = NULL;
	r->in_len = 0;
	mrt_arena_free(&r->arena);
	r->paused = false;
	r->st.connected = false;
}

short bmp_router_events(const struct bmp_router *r)
{
	return r->fd >= 0 && !r->paused && r->in_len < BMP_IN_BYTES ? POLLIN : 0;
}

/* The connection is gone (how): where the stream stopped, kept as the
 * router's last error, and the connection closed. */
static void lost(struct bmp_router *r, const struct bmp_env *e, const char *how)
{
	unsigned long long end = r->in_off + r->in_len, at = r->in_off;
	char *buf = r->st.last_error, why[128];
	size_t len = sizeof(r->st.last_error);
	struct bmp_hdr h = { 0 };
	long n = r->in_len < BMP_HDR_LEN ? -1 : bmp_frame(r->in, r->in_len, &h, why, sizeof(why));

	if (!r->in_len)
		snprintf(buf, len, "%s at byte %llu, between messages", how, end);
	else if (n < 0)
		snprintf(buf, len, "%s at byte %llu, %zu bytes into the message at byte %llu", how,
			 end, r->in_len, at);
	else if (!n)
		snprintf(buf, len,
			 "%s at byte %llu, %zu of the %u bytes of the %s message at byte %llu", how,
			 end, r->in_len, h.len, bmp_type_name(h.type), at);
	else /* paused behind a full queue */
		snprintf(buf, len, "%s at byte %llu, %zu bytes from byte %llu not yet read", how,
			 end, r->in_len, at);
	bmp_router_close(r, e, "%s", buf);
}

static void on_readable(struct bmp_router *r, const struct bmp_env *e)
{
	ssize_t n = read(r->fd, r->in + r->in_len, BMP_IN_BYTES - r->in_len);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) {
		lost(r, e, n ? strerror(errno) : "closed by the router");
		return;
	}
	r->in_len += (size_t)n;
	r->read_ns = rib_now_ns();
	bmp_router_process(r, e);
	r->read_ns = 0; /* batches made outside a read are stamped when made */
}

void bmp_router_io(struct bmp_router *r, short revents, const struct bmp_env *e)
{
	if (revents & (POLLIN | POLLHUP | POLLERR))
		on_readable(r, e);
}

void bmp_router_resume(struct bmp_router *r, const struct bmp_env *e)
{
	if (r->fd < 0 && r->n_peers) /* withdrawals the close found no memory for */
		withdraw_all(r, e);
	if (!r->paused || !queue_has_room(e->q))
		return;
	r->paused = false;
	bmp_router_process(r, e);
}
