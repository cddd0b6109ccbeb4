/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/feed/feed.h - the passive BGP speaker: live routes from the router.
 *
 * A feed holds one or several configured neighbours.  It receives their
 * routes and never sends one: its UPDATEs are only End-of-RIB markers.  The
 * sessions run in an event loop (poll) over non-blocking sockets, in a
 * thread of their own after feed_start(), so keepalives and hold timers never
 * wait for table work.  Decoded route changes go into a bounded queue that
 * the caller drains (feed_drain() applies them to a struct rib with
 * rib_announce / rib_withdraw / rib_peer_down).
 *
 * When the queue is full, the loop stops reading the sockets of the peers
 * whose next message would add to it (TCP then slows the router down): no
 * change is ever dropped.  Keepalives still go out on time, which is what
 * keeps the router's hold timer for us running; our own hold timer for a
 * paused peer restarts when reading resumes (its messages are waiting in the
 * socket, unread by our choice).  The queue holds at most queue_limit_bytes
 * plus the decoded form of one UPDATE (at most ~100 KiB for 4096 bytes).
 *
 * Negotiated: IPv4 and IPv6 unicast (RFC 4760), 4-octet AS (RFC 6793; a
 * 2-byte peer's AS4_PATH is merged by user/bgp), ADD-PATH receive (RFC 7911),
 * route refresh (RFC 2918) and enhanced route refresh (RFC 7313), graceful
 * restart as receiving speaker (RFC 4724).  UPDATE errors follow RFC 7606.
 * docs/FEED.md has the details.
 *
 * Threads: after feed_start(), the session state belongs to the feed's
 * thread; feed_fd(), feed_pop(), feed_drain(), feed_refresh() and
 * feed_peer_status() may be called from one other thread (the caller's event
 * loop).  Without feed_start(), feed_step() runs the loop in the caller's
 * thread (tests).  The feed logs through user/common/log.h, naming the peer.
 * It never touches BPF.
 */
#ifndef ASC_FEED_H
#define ASC_FEED_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "routes/rib.h"

enum feed_family { FEED_IPV4, FEED_IPV6, FEED_NFAM }; /* unicast SAFI only */

#ifndef FEED_HOLD_DEFAULT_S
#define FEED_HOLD_DEFAULT_S 90 /* RFC 4271 10, suggested value */
#endif
#ifndef FEED_GR_TIME_DEFAULT_S
#define FEED_GR_TIME_DEFAULT_S 120 /* our restart time, in our GR capability */
#endif
#ifndef FEED_STALE_DEFAULT_S
#define FEED_STALE_DEFAULT_S                                                                       \
	360 /* stale routes wait this long for a session, then for its End-of-RIB */
#endif
#ifndef FEED_RETRY_DEFAULT_S
#define FEED_RETRY_DEFAULT_S 30 /* active peers: connect retry (RFC 4271 10: 120) */
#endif
#ifndef FEED_QUEUE_DEFAULT_BYTES
#define FEED_QUEUE_DEFAULT_BYTES (16U << 20) /* 24 bytes a prefix: ~700k in flight */
#endif

struct feed_peer_conf {
	const char *name;	  /* for logs ("router"); copied */
	const char *addr;	  /* neighbour address, IPv4 or IPv6 text; copied */
	uint16_t port;		  /* active peers: port to connect to (0: 179) */
	bool active;		  /* connect to the neighbour (default: wait for it) */
	uint32_t local_as;	  /* our AS */
	uint32_t remote_as;	  /* the neighbour's AS; 0: the same as local_as (iBGP) */
	uint32_t router_id;	  /* our BGP identifier, host order; not 0 */
	uint16_t hold_time_s;	  /* offered hold time; 0: FEED_HOLD_DEFAULT_S; else >= 3 */
	uint16_t gr_time_s;	  /* restart time we advertise; 0: FEED_GR_TIME_DEFAULT_S */
	uint16_t stale_time_s;	  /* a lost session's routes wait as stale for a new
				   * session, then for its End-of-RIB; 0: default */
	uint16_t connect_retry_s; /* active peers; 0: FEED_RETRY_DEFAULT_S */
};

struct feed_conf {
	const char *listen_addr;  /* address to listen on; NULL: no listener */
	uint16_t listen_port;	  /* 0: 179 */
	size_t queue_limit_bytes; /* 0: FEED_QUEUE_DEFAULT_BYTES */
	bool gr_restarting;	  /* set the Restart State bit in the first OPEN to each
				   * peer (we restarted: do not wait for our End-of-RIB) */
	/* Monotonic clock in ms (tests); NULL: CLOCK_MONOTONIC. */
	uint64_t (*clock_ms)(void *ctx);
	void *clock_ctx;
};

/* ---- route changes, as the queue hands them over ---- */

enum feed_event {
	FEED_EV_ROUTES,	   /* withdraw[] then announce[] (one UPDATE, or a stale flush) */
	FEED_EV_PEER_UP,   /* the session reached Established */
	FEED_EV_PEER_DOWN, /* every route of the peer is gone (rib_peer_down) */
};

struct feed_pfx {
	uint8_t family; /* 4 or 6 */
	uint8_t plen;
	uint8_t pad[2];
	uint32_t path_id; /* ADD-PATH path id; 0 where ADD-PATH is not negotiated */
	uint8_t addr[16]; /* network order, host bits cleared */
};

struct batch_block;

struct feed_batch {
	struct feed_batch *next; /* queue link */
	enum feed_event ev;
	int peer;		  /* index from feed_add_peer() */
	struct rib_peer rib_peer; /* peer address and AS, as the RIB keys paths */
	uint32_t when;		  /* UNIX seconds of receipt */
	uint64_t recv_ns;	  /* CLOCK_MONOTONIC ns of the read that brought it (rib_now_ns) */
	bool ends_in_set;	  /* the AS path ends in an AS_SET */
	uint32_t n_path;	  /* ASNs in path (prepending kept, confederations left out) */
	uint32_t n_announce, n_withdraw;
	uint32_t *path; /* these three point into the batch's own allocation */
	struct feed_pfx *announce, *withdraw;
	size_t bytes;		   /* what the batch counts against the queue limit */
	struct batch_block *block; /* the block it was carved from (queue.c); NULL: malloc'd */
};

/* ---- per-peer status ---- */

/* RFC 7606 cases, each counted per peer (feed_fault_name() for text). */
enum feed_fault {
	FEED_FAULT_LENGTHS,	      /* withdrawn / attribute lengths overrun the message */
	FEED_FAULT_NLRI,	      /* a prefix that cannot be parsed */
	FEED_FAULT_MP_REPEATED,	      /* MP_REACH_NLRI or MP_UNREACH_NLRI twice */
	FEED_FAULT_MP_MALFORMED,      /* MP_(UN)REACH_NLRI that cannot be parsed */
	FEED_FAULT_ATTR_OVERRUN,      /* an attribute runs past the attribute block */
	FEED_FAULT_ATTR_FLAGS,	      /* optional / transitive bits wrong for the type */
	FEED_FAULT_ATTR_MALFORMED,    /* bad length or value of a route-bearing attribute */
	FEED_FAULT_ATTR_DISCARDED,    /* bad AGGREGATOR, ATOMIC_AGGREGATE, AS4_*, eBGP LOCAL_PREF */
	FEED_FAULT_ATTR_REPEATED,     /* an attribute other than MP_* twice: repeats dropped */
	FEED_FAULT_MISSING_WELLKNOWN, /* ORIGIN, AS_PATH or NEXT_HOP missing with routes */
	FEED_FAULT_UNKNOWN_WELLKNOWN, /* a type we do not know, sent as well-known */
	FEED_FAULT_FAMILY,	      /* routes of a family that was not negotiated: ignored */
	FEED_FAULT_MAX,
};

struct feed_counters {
	uint64_t msgs_in[6], msgs_out[6]; /* by message type 1..5; [0]: other */
	uint64_t announced, withdrawn;	  /* prefixes in UPDATEs, per (prefix, path id) */
	uint64_t eor[FEED_NFAM];	  /* End-of-RIB markers received */
	uint64_t faults[FEED_FAULT_MAX];
	uint64_t treat_as_withdraw; /* UPDATEs whose routes were withdrawn instead */
	uint64_t attr_discard;	    /* UPDATEs with an attribute discarded */
	uint64_t session_resets;    /* NOTIFICATIONs sent for UPDATE errors */
	uint64_t established, down;
	uint64_t hold_expired;
	uint64_t notifications_in, notifications_out;
	uint64_t gr_retained;	/* sessions lost with routes kept as stale (any rule) */
	uint64_t stale_flushed; /* stale routes removed (End-of-RIB, EoRR or a timer) */
	uint64_t queue_pauses;	/* times reading stopped because the queue was full */
	uint64_t refresh_out, borr_in, eorr_in;
	uint64_t rejected; /* connections refused (collision) */
};

enum feed_state {
	FEED_ST_IDLE,
	FEED_ST_CONNECT,
	FEED_ST_ACTIVE, /* waiting for the neighbour to connect */
	FEED_ST_OPENSENT,
	FEED_ST_OPENCONFIRM,
	FEED_ST_ESTABLISHED,
};

struct feed_peer_status {
	char name[64];
	enum feed_state state;
	uint32_t peer_as;
	uint16_t hold_s; /* negotiated */
	bool family[FEED_NFAM], addpath[FEED_NFAM];
	bool as4, route_refresh, enhanced_refresh, graceful_restart;
	size_t stale; /* routes now kept as stale */
	/* Routes (prefix, path id) the peer has now, stale ones included
	 * (always known since every session keeps the keys). */
	bool routes_known;
	size_t routes;
	size_t routes_family[FEED_NFAM]; /* the same, per family */
	uint64_t up_since;		 /* UNIX seconds it reached Established; 0: not up */
	uint64_t last_eor[FEED_NFAM];	 /* UNIX seconds of the last End-of-RIB; 0: none yet */
	bool sends_eor; /* its OPEN has the graceful restart capability (RFC 4724 2) */
	bool eor_since_up[FEED_NFAM]; /* an End-of-RIB came since it reached Established */
	char last_error[160];
	struct feed_counters c;
};

/* ---- API ---- */

/* A feed with no peers (the listen address is checked by feed_start()).
 * NULL with errno set. */
struct feed *feed_new(const struct feed_conf *c);
/* Adds a neighbour; returns its index (0, 1, ...) or -EINVAL (logged: bad
 * address, hold time 1 or 2, router id 0, the same address twice) or
 * -ENOMEM.  Only before feed_start(). */
int feed_add_peer(struct feed *f, const struct feed_peer_conf *pc);
/* Opens the listener (if any) and starts the session thread.  0 or a
 * negative errno (logged). */
int feed_start(struct feed *f);
/* One turn of the loop in the caller's thread, waiting at most timeout_ms
 * (-1: until the next timer).  Not after feed_start().  0 or -errno. */
int feed_step(struct feed *f, int timeout_ms);
/* A connected socket to peer `peer` (taken over; an accepted or socketpair
 * end): the session starts at once by sending OPEN.  Not after feed_start().
 * 0, or -EINVAL for an unknown peer / a peer with a session. */
int feed_attach_fd(struct feed *f, int peer, int fd);

/* Readable (POLLIN) while changes are queued; for the caller's poll loop. */
int feed_fd(const struct feed *f);
/* The oldest queued batch, or NULL.  Free it with feed_batch_free(). */
struct feed_batch *feed_pop(struct feed *f);
/* Applies a batch to the RIB.  0 or the RIB's negative errno. */
int feed_batch_apply(const struct feed_batch *b, struct rib *r);
void feed_batch_free(struct feed_batch *b);
/* Pops and applies up to `max` batches (0: all queued); *applied (may be
 * NULL) gets how many.  0, or the first RIB error (the batch is lost and
 * logged; the rest stay queued). */
int feed_drain(struct feed *f, struct rib *r, size_t max, size_t *applied);

/* Asks peer `peer` to send family `fam` again (ROUTE-REFRESH; with enhanced
 * route refresh, routes it does not send again are withdrawn at its EoRR).
 * The loop sends it, or logs why it cannot (not Established, not
 * negotiated).  0 or -EINVAL (unknown peer or family). */
int feed_refresh(struct feed *f, int peer, enum feed_family fam);

/* Whether the feed's initial tables are in the caller's RIB: every
 * Established peer that promises End-of-RIB (graceful restart capability)
 * sent it for each negotiated family in this session, and every change
 * queued before it was drained (the queue is empty).  Otherwise false,
 * with the first peer still awaited in who (may be NULL; "" for a
 * non-empty queue).  Peers that are not Established are not waited for. */
bool feed_initial_done(struct feed *f, char *who, size_t len);

size_t feed_peer_count(const struct feed *f);
/* Whether the loop's next turn lets a millisecond pass before it reads, for
 * more of a burst (feed.c, COALESCE_MIN: the last turn's reads emptied the
 * sockets, one brought 1 KiB or more and none half a read buffer). */
bool feed_coalescing(const struct feed *f);
/* Bytes the queue holds now (decoded changes not yet drained). */
size_t feed_queue_bytes(struct feed *f);
/* A peer's state and counters as the loop published them at the end of its
 * last turn.  0 or -EINVAL. */
int feed_peer_status(struct feed *f, int peer, struct feed_peer_status *st);
const char *feed_fault_name(enum feed_fault fault);
const char *feed_state_name(enum feed_state st);

/* Stops the thread, closes every session (NOTIFICATION Cease), frees what
 * is queued.  NULL is fine. */
void feed_free(struct feed *f);

#endif
