/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/feed/bmp.h - the BMP station (RFC 7854): routers connect to it and
 * report their BGP peers' routes; the station keeps them in a struct rib,
 * each path attributed to the peer the per-peer header names (its AS and
 * address), so per-link attribution works as with the BGP feed.
 *
 * Like the feed (feed.h), the sockets are read in a thread of their own
 * after bmp_start(), into the same bounded queue of decoded changes (struct
 * feed_batch) that the caller drains into the RIB (bmp_drain()).  When the
 * queue is full the station stops reading the router whose next message
 * would add to it: TCP slows that router down, nothing is dropped, and the
 * pause is counted.  BMP has no keepalives, so a paused station is never
 * "stuck" to the router: its TCP window is.
 *
 * Which paths go into the RIB (docs/FEED.md, "BMP station"):
 *  - Adj-RIB-In of peer types 0, 1, 2: per peer one view, pre- or
 *    post-policy (bmp_conf.view; default: post-policy once the router sends
 *    it for that peer, pre-policy until then).  Switching from pre to post
 *    withdraws the pre-policy paths first: a peer's paths are never counted
 *    twice.
 *  - Loc-RIB (type 3, RFC 9069): the router's chosen paths, attributed to a
 *    pseudo-peer: the router's own address (its TCP connection) and the AS
 *    of the per-peer header.  Used only while the router sends no
 *    Adj-RIB-In: its paths would repeat one of the peers' paths.
 *  - Adj-RIB-Out (O flag, RFC 8671): what the router sends, not where
 *    traffic comes from: counted, not applied.
 * An eBGP peer's path that starts with the router's own AS (from the Peer
 * Up's sent OPEN) and then the peer's AS has the router's AS taken off:
 * FRR 8.4 prepends it to every path it reports, as if sending it on, and a
 * peer's first AS is always its own (RFC 4271 6.3).  Counted.
 * Route Monitoring carries BGP UPDATEs, decoded by feed/update.c with the
 * RFC 7606 rules of the feed; the "session reset" cases cannot reset
 * anything here: the UPDATE is skipped, logged and counted.
 *
 * Threads: as feed.h.  The station logs through user/common/log.h, naming
 * the router's address and the byte offset of the message in its stream.
 */
#ifndef ASC_FEED_BMP_H
#define ASC_FEED_BMP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "feed/bmp_msg.h"
#include "feed/feed.h"
#include "routes/rib.h"

#ifndef BMP_PORT_DEFAULT
#define BMP_PORT_DEFAULT 1790 /* no IANA port; FRR's and GoBGP's examples use it */
#endif

enum bmp_view {
	BMP_VIEW_AUTO, /* post-policy when the router sends it for the peer, else pre */
	BMP_VIEW_PRE,  /* pre-policy Adj-RIB-In only */
	BMP_VIEW_POST, /* post-policy Adj-RIB-In only */
};

struct bmp_conf {
	const char *listen_addr;  /* address to listen on; NULL: no listener (tests) */
	uint16_t listen_port;	  /* 0: BMP_PORT_DEFAULT */
	size_t queue_limit_bytes; /* 0: FEED_QUEUE_DEFAULT_BYTES */
	enum bmp_view view;
	/* Routers allowed to connect (IPv4 or IPv6 addresses as text, copied by
	 * bmp_new()); a connection from any other is closed, logged and counted
	 * (bmp_refused()).  n_allow 0: any router. */
	const char *const *allow;
	size_t n_allow;
	/* Routers kept apart at once, at most BMP_MAX_ROUTERS (0: that): each
	 * has a slot, its index in the RIB's key, while connected or while its
	 * paths' withdrawals are not yet queued; a new address takes a free
	 * slot (the last router's status goes with it).  A connection from a
	 * new address with every slot taken is refused with an error.  Below
	 * the maximum: tests. */
	uint32_t max_routers;
};

/* Per router: what happened, for metrics. */
struct bmp_router_counters {
	uint64_t msgs[BMP_TYPE_MAX + 1]; /* by type; [BMP_TYPE_MAX]: unknown types */
	uint64_t bytes;
	uint64_t announced, withdrawn; /* prefixes applied (per path id) */
	uint64_t ignored_view;	       /* Route Monitoring of the view not used */
	uint64_t ignored_adj_out;      /* Adj-RIB-Out Route Monitoring (not applied) */
	uint64_t ignored_loc_rib;      /* Loc-RIB while Adj-RIB-In is used */
	uint64_t ignored_peer_type;    /* unknown peer types */
	uint64_t eor;		       /* End-of-RIB markers */
	uint64_t own_as_removed;       /* paths with the router's AS in front (below) */
	uint64_t faults[FEED_FAULT_MAX];
	uint64_t treat_as_withdraw, attr_discard;
	uint64_t updates_skipped; /* UPDATEs that could not be used (a BGP reset case) */
	uint64_t malformed;	  /* other malformed messages, skipped */
	uint64_t framing_errors;  /* connections closed for broken framing */
	uint64_t queue_pauses;
	uint64_t connections, peer_ups, peer_downs;
};

struct bmp_router_status {
	char addr[48]; /* the router's address, as text */
	bool connected;
	char sys_name[64], sys_descr[128];
	char last_error[192];
	size_t peers; /* peers known now (Peer Up or routes seen, no Peer Down) */
	struct bmp_router_counters c;
};

struct bmp_peer_status {
	struct bmp_peer_hdr hdr; /* the last per-peer header seen */
	bool up;		 /* a Peer Up was seen */
	bool addpath[FEED_NFAM]; /* path ids in its Adj-RIB-In NLRI */
	enum bmp_view view;	 /* the view applied: AUTO while none yet */
	bool applied;		 /* its paths go into the RIB */
	uint64_t announced, withdrawn;
	struct bmp_stats stats; /* the last Statistics Report's values */
	uint32_t stats_at;	/* its timestamp, 0: none yet */
};

/* A station with no router.  NULL with errno set (EINVAL: an allow entry
 * that is not an address). */
struct bmp *bmp_new(const struct bmp_conf *c);
/* Opens the listener (if any) and starts the reading thread.  0 or a
 * negative errno (logged). */
int bmp_start(struct bmp *b);
/* One turn of the loop in the caller's thread (without bmp_start(); tests),
 * waiting at most timeout_ms.  0 or -errno. */
int bmp_step(struct bmp *b, int timeout_ms);
/* A connected socket from a router at `addr` (text; taken over), as if
 * accepted.  Not after bmp_start().  The router's slot index, or -EINVAL. */
int bmp_attach_fd(struct bmp *b, int fd, const char *addr);

/* Readable (POLLIN) while changes are queued. */
int bmp_fd(const struct bmp *b);
/* The oldest queued batch (feed_batch_apply(), feed_batch_free()), or NULL.
 * batch->peer is the router's index. */
struct feed_batch *bmp_pop(struct bmp *b);
/* Pops and applies up to `max` batches (0: all); as feed_drain(). */
int bmp_drain(struct bmp *b, struct rib *r, size_t max, size_t *applied);

/* Router slots: the routers connected, and routers gone whose slot no
 * other has taken yet (bmp_router_status(): not connected).  A router that
 * comes back while its slot is still its own gets it again (its counters
 * go on).  Never more than the routers once connected at the same time. */
size_t bmp_router_count(struct bmp *b);
/* 0 or -EINVAL. */
int bmp_router_status(struct bmp *b, size_t router, struct bmp_router_status *st);
/* The peers a router reports; *st gets peer i's status.  0 or -EINVAL. */
int bmp_peer_status(struct bmp *b, size_t router, size_t i, struct bmp_peer_status *st);
/* A router's status and every peer it reports, read at one moment (a
 * scrape never shows one router's peers under another's address after its
 * slot was reused): *peers malloc'd, *n_peers of them (st->peers).
 * 0, -EINVAL or -ENOMEM. */
int bmp_router_peers(struct bmp *b, size_t router, struct bmp_router_status *st,
		     struct bmp_peer_status **peers, size_t *n_peers);

/* Bytes of decoded changes queued for the caller. */
size_t bmp_queue_bytes(struct bmp *b);
/* Connections refused: from a router not in bmp_conf.allow (returned), and
 * from a new router while max_routers slots are busy (*limit). */
uint64_t bmp_refused(struct bmp *b, uint64_t *limit);

/* Stops the thread, closes the connections, frees what is queued. */
void bmp_free(struct bmp *b);

#endif
