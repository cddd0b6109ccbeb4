/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/feed/session.h - one neighbour: its BGP finite state machine (RFC 4271
 * 8, receive side), timers, socket buffers, graceful-restart and
 * enhanced-route-refresh stale handling.  Driven by feed.c's loop: it asks
 * session_events() what to poll for, hands back session_io(), and calls
 * session_timers() every turn.  Route changes go to the queue in `env`.
 * Logs every state change and error, naming the peer.
 */
#ifndef ASC_FEED_SESSION_H
#define ASC_FEED_SESSION_H
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include "bgp/bgp.h"
#include "common/log.h"
#include "feed/adjin.h"
#include "feed/caps.h"
#include "feed/feed.h"
#include "feed/queue.h"
#include "feed/wire.h"

#define SESSION_IN_BYTES (64U << 10)  /* read buffer: 16 full-size messages */
#define SESSION_OUT_BYTES (64U << 10) /* unsent output: past this the peer is not reading */
#define SESSION_OPEN_HOLD_S 240	      /* hold time until the OPEN arrives (RFC 4271 8) */

/* What a turn of the loop passes to a session. */
struct sess_env {
	struct queue *q;
	uint64_t now_ms;
	bool gr_restarting;
};

struct session {
	int idx;
	char name[64];
	char addr_text[48];
	struct sockaddr_storage sa; /* the neighbour, with the port for active peers */
	socklen_t salen;
	struct rib_peer rib_peer;
	struct caps_local local;
	struct caps_expect expect;
	bool active;
	uint16_t stale_s, retry_s;

	enum feed_state state;
	int fd;
	uint8_t in[SESSION_IN_BYTES];
	size_t in_len;
	uint64_t read_ns;  /* rib_now_ns() of the read being processed (its messages' arrival); 0 */
	size_t read_bytes; /* what this turn's read brought (feed.c's coalescing); the turn zeroes
			      it */
	struct wire_buf out;
	uint64_t hold_at, ka_at, retry_at, gr_at, stale_at; /* ms; 0: not running */
	bool paused;					    /* the queue is full: not reading */
	bool r_bit_sent; /* the Restart State bit goes in the first OPEN only */
	unsigned int errors_logged;
	struct caps peer;
	struct caps_nego nego;
	bool stale_wait[FEED_NFAM]; /* stale routes wait for End-of-RIB / EoRR */
	uint64_t stale_cap_at;	    /* ms: no wait of stale routes lasts past it; 0: none */
	struct adjin adj;	    /* every route's key: stale routes of any session loss */
	struct mrt_arena arena;
	struct feed_counters c;
	char last_error[160];
	uint64_t up_since;	      /* UNIX seconds the session reached Established; 0: not up */
	uint64_t last_eor[FEED_NFAM]; /* UNIX seconds of the last End-of-RIB; 0: none */
	bool eor_since_up[FEED_NFAM]; /* an End-of-RIB came in this session */
};

/* Checks and copies the configuration.  0 or -EINVAL (logged). */
int session_init(struct session *s, int idx, const struct feed_peer_conf *pc);
void session_fini(struct session *s);

/* A connection to this neighbour: accepted, or given by the caller. */
void session_accept(struct session *s, int fd, const struct sess_env *e);
/* Whether an accepted connection comes from this neighbour. */
bool session_matches(const struct session *s, const struct sockaddr_storage *from);

short session_events(const struct session *s);
void session_io(struct session *s, short revents, const struct sess_env *e);
void session_timers(struct session *s, const struct sess_env *e);
/* The earliest running timer (ms), or 0. */
uint64_t session_next_timer(const struct session *s);
/* Reads again if the queue has room. */
void session_resume(struct session *s, const struct sess_env *e);
void session_refresh(struct session *s, enum feed_family fam, const struct sess_env *e);
/* NOTIFICATION Cease / Administrative Shutdown, then close. */
void session_shutdown(struct session *s, const struct sess_env *e);
void session_status(const struct session *s, struct feed_peer_status *st);

/* For stale.c: the log line prefix, queueing a batch as this peer's, a
 * batch with no routes, and the reply to a refresh request (BoRR, EoRR). */
void session_log(const struct session *s, enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void session_push(struct session *s, const struct sess_env *e, struct feed_batch *b);
void session_event(struct session *s, const struct sess_env *e, enum feed_event ev);
void session_reply_refresh(struct session *s, const struct sess_env *e, enum feed_family fam);

#endif
