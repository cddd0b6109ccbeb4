/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/feed/bmp_router.h - one router's BMP connection: its read buffer,
 * the framing of its stream into messages, each message type, and the
 * peers it reports (which view of each goes into the RIB, see bmp.h).
 * Driven by bmp.c's loop as feed/session.c is by feed.c's.  Route changes
 * go to the queue in `env`.  Logs every connection, peer event and fault,
 * naming the router's address and the message's byte offset in its stream.
 */
#ifndef ASC_FEED_BMP_ROUTER_H
#define ASC_FEED_BMP_ROUTER_H
#include <stdbool.h>
#include <stdint.h>
#include "bgp/bgp.h"
#include "feed/bmp.h"
#include "feed/queue.h"

/* The read buffer holds the longest message and the start of the next. */
#define BMP_IN_BYTES (BMP_MAX_MSG_BYTES + (64U << 10))

struct bmp_env {
	struct queue *q;
	enum bmp_view view;
	uint32_t now; /* UNIX seconds, for messages with no timestamp */
};

struct bmp_peer {
	struct bmp_peer_status st; /* st.hdr keys the peer: type, rd, address */
	struct rib_peer rib_peer;  /* as the RIB keys its paths */
	bool addpath_out[FEED_NFAM];
	bool ibgp;
	uint32_t local_as; /* the router's AS in its sent OPEN; 0 before a Peer Up */
};

/* Routers a station keeps apart at once: a path's RIB key holds its
 * router's slot index + 1 (struct rib_peer.source, 16 bits).  A slot is
 * reused once idle (bmp_router_idle()). */
#define BMP_MAX_ROUTERS 65535

struct bmp_router {
	int idx;
	int fd;		      /* -1 while not connected */
	struct rib_peer self; /* the router's address: the Loc-RIB pseudo-peer */
	uint8_t *in;	      /* BMP_IN_BYTES */
	size_t in_len;
	uint64_t read_ns; /* rib_now_ns() of the read being processed (its messages' arrival); 0 */
	uint64_t in_off;  /* stream offset of in[0] */
	bool paused;	  /* the queue is full: not reading */
	bool adj_in_seen; /* Adj-RIB-In monitored: Loc-RIB not applied */
	unsigned int errors_logged;
	struct bmp_peer *peers;
	size_t n_peers, cap_peers;
	struct mrt_arena arena;
	struct bmp_router_status st;
};

/* addr: the router's address as text ("203.0.113.1").  0 or -EINVAL
 * (not an address); allocates nothing (the read buffer comes with a
 * connection). */
int bmp_router_init(struct bmp_router *r, int idx, const char *addr);
void bmp_router_fini(struct bmp_router *r);
/* A new connection (the previous one, if any, is closed first).  0, or
 * -ENOMEM (no read buffer): fd is the caller's to close then. */
int bmp_router_attach(struct bmp_router *r, int fd, const struct bmp_env *e);
/* Whether the slot is free for another router: not connected, and every
 * peer's withdrawal queued (ahead of anything a new router sends, so the
 * RIB has dropped the old router's paths before it sees the new one's). */
bool bmp_router_idle(const struct bmp_router *r);

short bmp_router_events(const struct bmp_router *r);
void bmp_router_io(struct bmp_router *r, short revents, const struct bmp_env *e);
/* Reads again if the queue has room; after a close, retries the
 * withdrawals that found no memory. */
void bmp_router_resume(struct bmp_router *r, const struct bmp_env *e);
/* Frames and handles the messages in r->in (fuzz target, tests). */
void bmp_router_process(struct bmp_router *r, const struct bmp_env *e);
/* Closes the connection: every path of its peers is withdrawn, and the
 * read buffer freed. */
void bmp_router_close(struct bmp_router *r, const struct bmp_env *e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
