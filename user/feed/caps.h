/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/feed/caps.h - the OPEN message: ours, the checks on the peer's
 * (RFC 4271 6.2), its capabilities (RFC 5492) and what both agreed on.
 *
 * We offer: Multiprotocol IPv4 and IPv6 unicast (code 1, RFC 4760), route
 * refresh (2, RFC 2918), graceful restart as a receiving speaker with no
 * AFI/SAFI of our own (64, RFC 4724 3), 4-octet AS (65, RFC 6793), ADD-PATH
 * receive for both families (69, RFC 7911) and enhanced route refresh
 * (70, RFC 7313).  Nothing here does I/O or logs.
 */
#ifndef ASC_FEED_CAPS_H
#define ASC_FEED_CAPS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "feed/feed.h"
#include "feed/wire.h"

enum bgp_cap {
	BGP_CAP_MP = 1,
	BGP_CAP_ROUTE_REFRESH = 2,
	BGP_CAP_GRACEFUL_RESTART = 64,
	BGP_CAP_AS4 = 65,
	BGP_CAP_ADD_PATH = 69,
	BGP_CAP_ENHANCED_RR = 70,
};
enum { BGP_ADDPATH_RECEIVE = 1, BGP_ADDPATH_SEND = 2 }; /* RFC 7911 4 */

/* What we put in our OPEN. */
struct caps_local {
	uint32_t local_as;
	uint32_t router_id; /* host order */
	uint16_t hold_s;
	uint16_t gr_time_s;
	bool gr_restarting; /* the Restart State bit */
};

/* What we expect of the peer's OPEN. */
struct caps_expect {
	uint32_t peer_as;
	uint32_t router_id; /* ours: an iBGP peer must not have it */
	bool ibgp;
};

/* The peer's OPEN, decoded. */
struct caps {
	uint32_t peer_as; /* 4-octet AS if offered, else "My Autonomous System" */
	uint32_t bgp_id;  /* host order */
	uint16_t hold_s;
	bool mp_seen; /* a Multiprotocol capability was there (else IPv4 only) */
	bool fam[FEED_NFAM];
	bool as4;
	uint8_t addpath[FEED_NFAM]; /* BGP_ADDPATH_* bits the peer offered */
	bool route_refresh, enhanced_rr;
	bool gr, gr_restarted;
	uint16_t gr_time_s;
	bool gr_fam[FEED_NFAM], gr_fwd[FEED_NFAM]; /* listed; forwarding state kept */
	uint8_t other[16];			   /* capability codes we do not use */
	uint8_t n_other;
};

/* What both sides agreed on. */
struct caps_nego {
	uint16_t hold_s;
	bool fam[FEED_NFAM];
	bool addpath[FEED_NFAM]; /* NLRI of this family carry path ids */
	bool as4;		 /* AS_PATH has 4-byte ASNs */
	bool route_refresh, enhanced_rr;
	bool gr; /* the peer is a graceful-restart speaker (we are the receiver) */
	uint16_t gr_time_s;
	bool gr_fam[FEED_NFAM], gr_fwd[FEED_NFAM];
};

/* Our OPEN message body into out (at least 64 bytes); returns its length. */
size_t caps_open_build(const struct caps_local *l, uint8_t *out, size_t cap);

/* Checks a whole OPEN message (header included) and decodes it into *c.
 * 0, or -EINVAL with the NOTIFICATION to send in *n and the reason in why. */
int caps_open_check(const uint8_t *msg, size_t len, const struct caps_expect *x, struct caps *c,
		    struct wire_notif *n, char *why, size_t whylen);

/* Decodes an OPEN message (header included) without the session's checks
 * (AS, identifier, hold time): the OPENs a BMP Peer Up carries.  0, or
 * -EINVAL with the reason in why. */
int caps_open_decode(const uint8_t *msg, size_t len, struct caps *c, char *why, size_t whylen);

/* Both OPENs -> what the session uses. */
void caps_negotiate(const struct caps_local *l, const struct caps *peer, struct caps_nego *out);

/* One line for the log: "hold 90 s; ipv4 ipv6; 4-octet AS; ...". */
const char *caps_describe(const struct caps_nego *n, const struct caps *peer, char *buf,
			  size_t len);

#endif
