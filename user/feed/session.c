// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/feed/session.c - one neighbour's session: socket I/O, the receive-side
 * state machine (Idle/Connect/Active -> OpenSent -> OpenConfirm ->
 * Established), keepalive and hold timers, and the handling of each message
 * type.  Stale routes (graceful restart, enhanced route refresh) are
 * stale.c's.  Must not: block, write a route to the peer, or touch the RIB
 * (changes go to the queue).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "common/log.h"
#include "feed/session.h"
#include "feed/stale.h"
#include "feed/update.h"

#define ERRORS_LOGGED_MAX 10 /* UPDATE errors logged at warning level per session */

/* FSM error subcodes (RFC 6608 3). */
enum { FSM_IN_OPENSENT = 1, FSM_IN_OPENCONFIRM = 2, FSM_IN_ESTABLISHED = 3 };

void session_log(const struct session *s, enum log_level lvl, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_msg(lvl, "feed: peer %s (%s AS%u): %s", s->name, s->addr_text, s->rib_peer.asn, msg);
}

void session_push(struct session *s, const struct sess_env *e, struct feed_batch *b)
{
	b->peer = s->idx;
	b->rib_peer = s->rib_peer;
	b->when = (uint32_t)time(NULL);
	b->recv_ns = s->read_ns ? s->read_ns : rib_now_ns();
	queue_stage(e->q, b); /* the feed's turn commits them together */
}

/* A batch without routes (PEER_UP, PEER_DOWN).  Out of memory is logged. */
void session_event(struct session *s, const struct sess_env *e, enum feed_event ev)
{
	struct feed_batch *b = queue_batch_new(ev, 0, 0, 0);

	if (!b) {
		session_log(s, LOG_LVL_ERR, "out of memory: the RIB misses a %s event",
			    ev == FEED_EV_PEER_UP ? "peer-up" : "peer-down");
		return;
	}
	session_push(s, e, b);
}

/* ---- configuration ---- */

static int parse_addr(struct session *s, const char *addr, uint16_t port)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)&s->sa;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&s->sa;

	memset(&s->sa, 0, sizeof(s->sa));
	if (inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(port);
		s->salen = sizeof(*v4);
		s->rib_peer.family = 4;
		memcpy(s->rib_peer.ip, &v4->sin_addr, 4);
	} else if (inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(port);
		s->salen = sizeof(*v6);
		s->rib_peer.family = 6;
		memcpy(s->rib_peer.ip, &v6->sin6_addr, 16);
	} else {
		return -EINVAL;
	}
	snprintf(s->addr_text, sizeof(s->addr_text), "%s", addr);
	return 0;
}

static uint16_t or_default(uint16_t v, uint16_t def)
{
	return v ? v : def;
}

int session_init(struct session *s, int idx, const struct feed_peer_conf *pc)
{
	const char *name = pc->name ? pc->name : pc->addr;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->idx = idx;
	snprintf(s->name, sizeof(s->name), "%s", name ? name : "?");
	if (!pc->addr || parse_addr(s, pc->addr, or_default(pc->port, 179))) {
		log_err("feed: peer %s: bad neighbour address '%s'", s->name,
			pc->addr ? pc->addr : "");
		return -EINVAL;
	}
	if (!pc->local_as || !pc->router_id || pc->hold_time_s == 1 || pc->hold_time_s == 2) {
		log_err("feed: peer %s: %s", s->name,
			!pc->local_as	 ? "local AS missing"
			: !pc->router_id ? "router id missing (0 is not allowed)"
					 : "hold time must be 0 or at least 3 s");
		return -EINVAL;
	}
	s->rib_peer.asn = pc->remote_as ? pc->remote_as : pc->local_as;
	s->local = (struct caps_local){ .local_as = pc->local_as,
					.router_id = pc->router_id,
					.hold_s = or_default(pc->hold_time_s, FEED_HOLD_DEFAULT_S),
					.gr_time_s =
						or_default(pc->gr_time_s, FEED_GR_TIME_DEFAULT_S) };
	s->expect = (struct caps_expect){ .peer_as = s->rib_peer.asn,
					  .router_id = pc->router_id,
					  .ibgp = s->rib_peer.asn == pc->local_as };
	s->active = pc->active;
	s->stale_s = or_default(pc->stale_time_s, FEED_STALE_DEFAULT_S);
	s->retry_s = or_default(pc->connect_retry_s, FEED_RETRY_DEFAULT_S);
	s->out.max = SESSION_OUT_BYTES;
	s->state = s->active ? FEED_ST_IDLE : FEED_ST_ACTIVE;
	s->up_since = 0;
	s->retry_at = 1; /* active peers connect on the first turn */
	return 0;
}

void session_fini(struct session *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	wire_buf_free(&s->out);
	adjin_clear(&s->adj);
	mrt_arena_free(&s->arena);
}

bool session_matches(const struct session *s, const struct sockaddr_storage *from)
{
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)from;
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)from;
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (from->ss_family == AF_INET)
		return s->rib_peer.family == 4 && !memcmp(s->rib_peer.ip, &a4->sin_addr, 4);
	if (from->ss_family != AF_INET6)
		return false;
	if (s->rib_peer.family == 4) /* an IPv4 peer on a dual-stack listener */
		return !memcmp(&a6->sin6_addr, mapped, 12) &&
		       !memcmp(s->rib_peer.ip, (const uint8_t *)&a6->sin6_addr + 12, 4);
	return !memcmp(s->rib_peer.ip, &a6->sin6_addr, 16);
}

/* ---- output ---- */

static void down(struct session *s, const struct sess_env *e, bool graceful, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void flush(struct session *s, const struct sess_env *e)
{
	while (s->fd >= 0 && s->out.len) {
		ssize_t n = send(s->fd, s->out.p, s->out.len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n < 0) {
			down(s, e, true, "write: %s", strerror(errno));
			return;
		}
		wire_consume(&s->out, (size_t)n);
	}
}

/* After wire_*(): sends, or ends the session if the message did not fit. */
static void sent(struct session *s, const struct sess_env *e, int err, uint8_t type)
{
	if (err) {
		down(s, e, true, "cannot queue a message: %s (the peer reads nothing?)",
		     strerror(-err));
		return;
	}
	s->c.msgs_out[type <= BGP_MSG_ROUTE_REFRESH ? type : 0]++;
	flush(s, e);
}

static void notify(struct session *s, const struct sess_env *e, const struct wire_notif *n)
{
	char text[96];

	session_log(s, LOG_LVL_WARN, "sending NOTIFICATION %s",
		    wire_notif_str(n->code, n->subcode, text, sizeof(text)));
	s->c.notifications_out++;
	sent(s, e, wire_notification(&s->out, n), BGP_MSG_NOTIFICATION);
}

static void notify_code(struct session *s, const struct sess_env *e, uint8_t code, uint8_t sub)
{
	struct wire_notif n = { .code = code, .subcode = sub };

	notify(s, e, &n);
}

static void keepalive(struct session *s, const struct sess_env *e)
{
	sent(s, e, wire_keepalive(&s->out), BGP_MSG_KEEPALIVE);
}

/* ---- state changes ---- */

/* Leaves the session; its routes stay as stale (stale.c).  graceful: the
 * connection ended without a NOTIFICATION, so graceful restart's rules
 * apply where it was negotiated; otherwise the stale time's. */
static void down(struct session *s, const struct sess_env *e, bool graceful, const char *fmt, ...)
{
	bool was_up = s->state == FEED_ST_ESTABLISHED;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->last_error, sizeof(s->last_error), fmt, ap);
	va_end(ap);
	session_log(s, LOG_LVL_WARN, "session %s: %s", was_up ? "down" : "failed", s->last_error);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->in_len = s->out.len = 0;
	s->paused = false;
	s->hold_at = s->ka_at = 0;
	s->state = s->active ? FEED_ST_IDLE : FEED_ST_ACTIVE;
	s->up_since = 0;
	s->retry_at = s->active ? e->now_ms + s->retry_s * 1000ULL : 0;
	if (was_up) {
		s->c.down++;
		stale_session_lost(s, e, graceful);
	}
}

static void hold_restart(struct session *s, const struct sess_env *e)
{
	if (s->state == FEED_ST_OPENSENT)
		s->hold_at = e->now_ms + SESSION_OPEN_HOLD_S * 1000ULL;
	else
		s->hold_at = s->nego.hold_s ? e->now_ms + s->nego.hold_s * 1000ULL : 0;
}

/* Keepalives every third of the hold time (RFC 4271 10), at least 1 s. */
static uint64_t ka_interval_ms(const struct session *s)
{
	uint64_t ms = s->nego.hold_s * 1000ULL / 3;

	return ms < 1000 ? 1000 : ms;
}

static void send_open(struct session *s, const struct sess_env *e)
{
	struct caps_local l = s->local;
	uint8_t body[128];
	size_t n;

	l.gr_restarting = e->gr_restarting && !s->r_bit_sent;
	s->r_bit_sent = true;
	n = caps_open_build(&l, body, sizeof(body));
	s->state = FEED_ST_OPENSENT;
	hold_restart(s, e);
	sent(s, e, wire_put(&s->out, BGP_MSG_OPEN, body, n), BGP_MSG_OPEN);
}

static void attach(struct session *s, int fd, const struct sess_env *e)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	s->fd = fd;
	s->in_len = s->out.len = 0;
	s->paused = false;
	s->retry_at = 0;
	s->errors_logged = 0;
	session_log(s, LOG_LVL_INFO, "connected; sending OPEN");
	send_open(s, e);
}

static void reject(struct session *s, int fd)
{
	struct wire_buf b = { .max = BGP_MAX_LEN };
	struct wire_notif n = { .code = BGP_ERR_CEASE, .subcode = BGP_CEASE_REJECTED };

	s->c.rejected++;
	session_log(s, LOG_LVL_WARN,
		    "second connection while Established without graceful restart: refused "
		    "(RFC 4271 6.8)");
	if (!wire_notification(&b, &n) && send(fd, b.p, b.len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		session_log(s, LOG_LVL_DEBUG, "NOTIFICATION on the refused connection: %s",
			    strerror(errno));
	wire_buf_free(&b);
	close(fd);
}

void session_accept(struct session *s, int fd, const struct sess_env *e)
{
	if (s->fd >= 0 && s->state == FEED_ST_ESTABLISHED && !s->nego.gr) {
		reject(s, fd);
		return;
	}
	if (s->fd >= 0 && s->state == FEED_ST_ESTABLISHED) /* RFC 4724 4.2 */
		down(s, e, true, "the peer connected again: it restarted (graceful restart)");
	else if (s->fd >= 0) {
		/* receive-only: no routes to lose, so no BGP-identifier contest
		 * (RFC 4271 6.8); the newer connection wins */
		if (s->state != FEED_ST_CONNECT)
			notify_code(s, e, BGP_ERR_CEASE, BGP_CEASE_COLLISION);
		if (s->fd >= 0)
			down(s, e, false, "a new connection from the peer replaces this one");
	}
	attach(s, fd, e);
}

static void start_connect(struct session *s, const struct sess_env *e)
{
	int fd = socket(s->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	s->retry_at = e->now_ms + s->retry_s * 1000ULL; /* also the connect timeout */
	if (fd < 0) {
		session_log(s, LOG_LVL_ERR, "socket: %s", strerror(errno));
		return;
	}
	if (!connect(fd, (struct sockaddr *)&s->sa, s->salen)) {
		attach(s, fd, e);
		return;
	}
	if (errno != EINPROGRESS) {
		session_log(s, LOG_LVL_WARN, "connect: %s; retry in %u s", strerror(errno),
			    s->retry_s);
		close(fd);
		return;
	}
	s->fd = fd;
	s->state = FEED_ST_CONNECT;
}

static void connect_done(struct session *s, const struct sess_env *e)
{
	int err = 0, fd = s->fd;
	socklen_t l = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l) < 0)
		err = errno;
	if (err) {
		down(s, e, false, "connect: %s; retry in %u s", strerror(err), s->retry_s);
		return;
	}
	s->fd = -1;
	attach(s, fd, e);
}

static void established(struct session *s, const struct sess_env *e)
{
	char caps[400];

	s->state = FEED_ST_ESTABLISHED;
	s->up_since = (uint64_t)time(NULL);
	memset(s->eor_since_up, 0, sizeof(s->eor_since_up));
	s->c.established++;
	session_log(s, LOG_LVL_INFO, "Established: %s",
		    caps_describe(&s->nego, &s->peer, caps, sizeof(caps)));
	session_event(s, e, FEED_EV_PEER_UP);
	stale_session_up(s, e);
	/* We announce nothing; the markers tell a restarting peer so at once
	 * (RFC 4724 4.1 asks them of every graceful-restart speaker). */
	for (int f = 0; f < FEED_NFAM && s->fd >= 0; f++)
		if (s->nego.fam[f])
			sent(s, e, wire_eor(&s->out, f), BGP_MSG_UPDATE);
}

/* ---- received messages ---- */

static void on_open(struct session *s, const struct sess_env *e, const uint8_t *m, size_t len)
{
	struct wire_notif n;
	char why[160];

	if (caps_open_check(m, len, &s->expect, &s->peer, &n, why, sizeof(why))) {
		notify(s, e, &n);
		down(s, e, false, "bad OPEN: %s", why);
		return;
	}
	caps_negotiate(&s->local, &s->peer, &s->nego);
	s->state = FEED_ST_OPENCONFIRM;
	hold_restart(s, e);
	keepalive(s, e);
	s->ka_at = s->nego.hold_s ? e->now_ms + ka_interval_ms(s) : 0;
}

/* The text of an RFC 8203 shutdown communication, if any. */
static void shutdown_text(const uint8_t *d, size_t len, char *out, size_t cap)
{
	size_t n = len && d[0] < len ? d[0] : 0;

	out[0] = 0;
	if (!n)
		return;
	snprintf(out, cap, ": \"");
	for (size_t i = 1; i <= n && strlen(out) + 3 < cap; i++) {
		size_t at = strlen(out);

		out[at] = d[i] >= 0x20 && d[i] != 0x7f ? (char)d[i] : '?';
		out[at + 1] = 0;
	}
	strncat(out, "\"", cap - strlen(out) - 1);
}

static void on_notification(struct session *s, const struct sess_env *e, const uint8_t *m,
			    size_t len)
{
	uint8_t code = m[BGP_HDR_LEN], sub = m[BGP_HDR_LEN + 1];
	char text[96], msg[160] = "";

	s->c.notifications_in++;
	if (code == BGP_ERR_CEASE && (sub == 2 || sub == 4))
		shutdown_text(m + BGP_HDR_LEN + 2, len - BGP_HDR_LEN - 2, msg, sizeof(msg));
	down(s, e, false, "NOTIFICATION received: %s%s",
	     wire_notif_str(code, sub, text, sizeof(text)), msg);
}

static void log_update_fault(struct session *s, const struct update_out *o)
{
	enum log_level lvl = s->errors_logged < ERRORS_LOGGED_MAX ? LOG_LVL_WARN : LOG_LVL_DEBUG;

	if (o->action == UPD_OK) {
		session_log(s, LOG_LVL_DEBUG, "UPDATE: %s", o->why);
		return;
	}
	if (++s->errors_logged == ERRORS_LOGGED_MAX)
		session_log(s, LOG_LVL_WARN,
			    "%u UPDATE errors: further ones at debug level "
			    "(counters keep counting)",
			    ERRORS_LOGGED_MAX);
	session_log(s, lvl, "UPDATE error (RFC 7606): %s: %s", o->why,
		    update_action_name(o->action));
}

static void count_update(struct session *s, const struct update_out *o)
{
	for (int k = 0; k < FEED_FAULT_MAX; k++)
		s->c.faults[k] += o->faults[k];
	s->c.treat_as_withdraw += o->action == UPD_WITHDRAW;
	s->c.attr_discard += o->action == UPD_DISCARD;
	s->c.session_resets += o->action == UPD_RESET;
}

static void on_update(struct session *s, const struct sess_env *e, const uint8_t *m, size_t len)
{
	struct update_ctx uc = {
		.nego = &s->nego, .ibgp = s->expect.ibgp, .arena = &s->arena, .carve_q = e->q
	};
	struct update_out o;

	mrt_arena_reset(&s->arena);
	if (update_decode(m, len, &uc, &o)) {
		notify_code(s, e, BGP_ERR_CEASE, 8 /* Out of Resources */);
		down(s, e, false, "out of memory decoding an UPDATE");
		return;
	}
	count_update(s, &o);
	if (o.why[0])
		log_update_fault(s, &o);
	if (o.action == UPD_RESET) {
		notify(s, e, &o.notif);
		down(s, e, false, "UPDATE error: %s", o.why);
		return;
	}
	if (o.eor >= 0) {
		s->eor_since_up[o.eor] = true;
		stale_eor(s, e, o.eor);
	}
	if (o.batch) {
		s->c.announced += o.batch->n_announce;
		s->c.withdrawn += o.batch->n_withdraw;
		stale_track(s, o.batch);
		session_push(s, e, o.batch);
	}
}

static void on_route_refresh(struct session *s, const struct sess_env *e, const uint8_t *m,
			     size_t len)
{
	const uint8_t *b = m + BGP_HDR_LEN;
	int fam;

	if (len != BGP_HDR_LEN + 4) { /* RFC 7313 5 */
		struct wire_notif n = { .code = BGP_ERR_REFRESH, .subcode = BGP_REFRESH_LENGTH };

		notify(s, e, &n);
		down(s, e, false, "ROUTE-REFRESH of %zu bytes", len);
		return;
	}
	fam = wire_family((uint16_t)(b[0] << 8 | b[1]), b[3]);
	if (fam < 0 || !s->nego.fam[fam]) {
		session_log(s, LOG_LVL_DEBUG, "ROUTE-REFRESH for AFI %u SAFI %u ignored",
			    b[0] << 8 | b[1], b[3]);
		return;
	}
	stale_refresh_msg(s, e, fam, b[2]);
}

/* Message types each state accepts; anything else is an FSM error. */
static void handle(struct session *s, const struct sess_env *e, const uint8_t *m, size_t len)
{
	uint8_t type = m[18];

	s->c.msgs_in[type]++;
	hold_restart(s, e);
	if (type == BGP_MSG_NOTIFICATION)
		on_notification(s, e, m, len);
	else if (s->state == FEED_ST_OPENSENT && type == BGP_MSG_OPEN)
		on_open(s, e, m, len);
	else if (s->state == FEED_ST_OPENCONFIRM && type == BGP_MSG_KEEPALIVE)
		established(s, e);
	else if (s->state == FEED_ST_ESTABLISHED && type == BGP_MSG_UPDATE)
		on_update(s, e, m, len);
	else if (s->state == FEED_ST_ESTABLISHED && type == BGP_MSG_ROUTE_REFRESH)
		on_route_refresh(s, e, m, len);
	else if (s->state != FEED_ST_ESTABLISHED || type != BGP_MSG_KEEPALIVE) {
		uint8_t sub = s->state == FEED_ST_OPENSENT	? FSM_IN_OPENSENT
			      : s->state == FEED_ST_OPENCONFIRM ? FSM_IN_OPENCONFIRM
								: FSM_IN_ESTABLISHED;

		notify_code(s, e, BGP_ERR_FSM, sub);
		down(s, e, false, "message type %u unexpected in %s", type,
		     feed_state_name(s->state));
	}
}

static void pause_reading(struct session *s)
{
	if (s->paused)
		return;
	s->paused = true;
	s->c.queue_pauses++;
	session_log(s, LOG_LVL_DEBUG, "route queue full: reading paused, keepalives go on");
}

/* Handles the complete messages in the read buffer. */
static void process(struct session *s, const struct sess_env *e)
{
	size_t off = 0;

	while (s->fd >= 0 && !s->paused) {
		struct wire_notif n;
		char text[96];
		long len = wire_frame(s->in + off, s->in_len - off, &n);

		if (!len)
			break;
		if (len < 0) {
			notify(s, e, &n);
			down(s, e, false, "bad message header: %s",
			     wire_notif_str(n.code, n.subcode, text, sizeof(text)));
			return;
		}
		if (s->state == FEED_ST_ESTABLISHED && !queue_has_room(e->q)) {
			pause_reading(s);
			break;
		}
		handle(s, e, s->in + off, (size_t)len);
		off += (size_t)len;
	}
	if (s->fd >= 0 && off) {
		memmove(s->in, s->in + off, s->in_len - off);
		s->in_len -= off;
	}
}

static void on_readable(struct session *s, const struct sess_env *e)
{
	ssize_t n = recv(s->fd, s->in + s->in_len, sizeof(s->in) - s->in_len, MSG_DONTWAIT);

	if (n == 0) {
		down(s, e, true, "connection closed by the peer");
		return;
	}
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			down(s, e, true, "read: %s", strerror(errno));
		return;
	}
	s->in_len += (size_t)n;
	s->read_bytes = (size_t)n;
	s->read_ns = rib_now_ns();
	process(s, e);
	s->read_ns = 0; /* batches of timers (stale flushes) are stamped when made */
}

short session_events(const struct session *s)
{
	short ev;

	if (s->fd < 0)
		return 0;
	if (s->state == FEED_ST_CONNECT)
		return POLLOUT;
	ev = s->out.len ? POLLOUT : 0;
	if (!s->paused)
		ev |= POLLIN;
	return ev;
}

void session_io(struct session *s, short revents, const struct sess_env *e)
{
	if (s->fd < 0)
		return;
	if (s->state == FEED_ST_CONNECT) {
		if (revents & (POLLOUT | POLLERR | POLLHUP))
			connect_done(s, e);
		return;
	}
	if (revents & POLLOUT)
		flush(s, e);
	if (s->fd >= 0 && !s->paused && (revents & (POLLIN | POLLHUP | POLLERR)))
		on_readable(s, e);
}

void session_resume(struct session *s, const struct sess_env *e)
{
	if (!s->paused || s->fd < 0 || !queue_has_room(e->q))
		return;
	s->paused = false;
	/* the peer's messages waited in our buffers, by our choice */
	hold_restart(s, e);
	session_log(s, LOG_LVL_DEBUG, "route queue has room: reading again");
	process(s, e);
}

/* ---- timers ---- */

static bool due(uint64_t at, const struct sess_env *e)
{
	return at && e->now_ms >= at;
}

void session_timers(struct session *s, const struct sess_env *e)
{
	if (s->fd >= 0 && !s->paused && due(s->hold_at, e)) {
		s->c.hold_expired++;
		notify_code(s, e, BGP_ERR_HOLD, 0);
		down(s, e, false, "hold timer expired (%u s without a message)",
		     s->state == FEED_ST_OPENSENT ? SESSION_OPEN_HOLD_S : s->nego.hold_s);
	}
	if (s->fd >= 0 && due(s->ka_at, e)) {
		keepalive(s, e);
		s->ka_at = e->now_ms + ka_interval_ms(s);
	}
	stale_timers(s, e);
	if (s->state == FEED_ST_CONNECT && due(s->retry_at, e))
		down(s, e, false, "connect: no answer in %u s", s->retry_s);
	if (s->active && s->fd < 0 && due(s->retry_at, e))
		start_connect(s, e);
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
	return !a ? b : !b ? a : a < b ? a : b;
}

uint64_t session_next_timer(const struct session *s)
{
	uint64_t t = earliest(s->ka_at, earliest(s->gr_at, s->stale_at));

	if (!s->paused)
		t = earliest(t, s->hold_at);
	if (s->active && (s->fd < 0 || s->state == FEED_ST_CONNECT))
		t = earliest(t, s->retry_at);
	return t;
}

/* ---- requests from the caller ---- */

void session_refresh(struct session *s, enum feed_family fam, const struct sess_env *e)
{
	const char *no = s->state != FEED_ST_ESTABLISHED ? "the session is not established"
			 : !s->nego.route_refresh	 ? "route refresh was not negotiated"
			 : !s->nego.fam[fam]		 ? "the family was not negotiated"
							 : NULL;

	if (no) {
		session_log(s, LOG_LVL_WARN, "cannot ask for %s routes: %s", wire_family_name(fam),
			    no);
		return;
	}
	session_log(s, LOG_LVL_INFO, "asking for %s routes again (ROUTE-REFRESH)",
		    wire_family_name(fam));
	s->c.refresh_out++;
	sent(s, e, wire_route_refresh(&s->out, fam, BGP_RR_REQUEST), BGP_MSG_ROUTE_REFRESH);
}

void session_reply_refresh(struct session *s, const struct sess_env *e, enum feed_family fam)
{
	/* our Adj-RIB-Out is empty: BoRR and EoRR with nothing between */
	sent(s, e, wire_route_refresh(&s->out, fam, BGP_RR_BORR), BGP_MSG_ROUTE_REFRESH);
	if (s->fd >= 0)
		sent(s, e, wire_route_refresh(&s->out, fam, BGP_RR_EORR), BGP_MSG_ROUTE_REFRESH);
}

void session_shutdown(struct session *s, const struct sess_env *e)
{
	if (s->fd < 0 || s->state == FEED_ST_CONNECT)
		return;
	notify_code(s, e, BGP_ERR_CEASE, BGP_CEASE_SHUTDOWN);
	if (s->fd >= 0)
		down(s, e, false, "shut down");
}

void session_status(const struct session *s, struct feed_peer_status *st)
{
	memset(st, 0, sizeof(*st));
	snprintf(st->name, sizeof(st->name), "%s", s->name);
	st->state = s->state;
	st->peer_as = s->rib_peer.asn;
	st->hold_s = s->nego.hold_s;
	memcpy(st->family, s->nego.fam, sizeof(st->family));
	memcpy(st->addpath, s->nego.addpath, sizeof(st->addpath));
	st->as4 = s->nego.as4;
	st->route_refresh = s->nego.route_refresh;
	st->enhanced_refresh = s->nego.enhanced_rr;
	st->graceful_restart = s->nego.gr;
	st->stale = adjin_stale(&s->adj, -1);
	st->routes_known = true;
	st->routes = adjin_count(&s->adj);
	for (int fam = 0; fam < FEED_NFAM; fam++)
		st->routes_family[fam] = adjin_count_family(&s->adj, fam);
	memcpy(st->last_eor, s->last_eor, sizeof(st->last_eor));
	st->up_since = s->up_since;
	st->sends_eor = s->peer.gr;
	memcpy(st->eor_since_up, s->eor_since_up, sizeof(st->eor_since_up));
	snprintf(st->last_error, sizeof(st->last_error), "%s", s->last_error);
	st->c = s->c;
}
