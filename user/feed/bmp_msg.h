/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/feed/bmp_msg.h - BMP messages on the wire (RFC 7854, with RFC 8671
 * Adj-RIB-Out and RFC 9069 Loc-RIB): the common header and framing of a byte
 * stream, the per-peer header, and the bodies of Peer Up, Peer Down,
 * Statistics Report, Initiation and Termination.  Route Monitoring bodies
 * are BGP UPDATEs, decoded by feed/update.c.  Nothing here does I/O or logs;
 * errors come back as text naming the byte offset within the message.
 */
#ifndef ASC_FEED_BMP_MSG_H
#define ASC_FEED_BMP_MSG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "feed/caps.h"
#include "routes/rib.h"

#define BMP_VERSION 3
#define BMP_HDR_LEN 6	    /* version, length (4), type */
#define BMP_PEER_HDR_LEN 42 /* RFC 7854 4.2 */
/* The longest message accepted: a Peer Up with two OPENs of 65535 bytes
 * (RFC 8654 extended messages) and its TLVs fits; a longer length field is
 * a framing error (the stream cannot be trusted past it). */
#define BMP_MAX_MSG_BYTES (256U << 10)

enum bmp_type {
	BMP_ROUTE_MONITORING = 0,
	BMP_STATS = 1,
	BMP_PEER_DOWN = 2,
	BMP_PEER_UP = 3,
	BMP_INITIATION = 4,
	BMP_TERMINATION = 5,
	BMP_ROUTE_MIRRORING = 6,
	BMP_TYPE_MAX,
};

enum bmp_peer_type {
	BMP_PEER_GLOBAL = 0,   /* global instance peer */
	BMP_PEER_RD = 1,       /* RD instance peer (L3VPN) */
	BMP_PEER_LOCAL = 2,    /* local instance peer */
	BMP_PEER_LOC_RIB = 3,  /* RFC 9069: the router's own Loc-RIB, no peer */
	BMP_PEER_TYPE_MAX = 4, /* types above are counted and ignored */
};

/* Per-peer header flags (RFC 7854 4.2, RFC 8671 4; Loc-RIB: RFC 9069 4.2). */
#define BMP_F_V 0x80	    /* peer address is IPv6 */
#define BMP_F_L 0x40	    /* post-policy Adj-RIB-In */
#define BMP_F_A 0x20	    /* AS_PATH in the legacy 2-byte format */
#define BMP_F_O 0x10	    /* Adj-RIB-Out (RFC 8671) */
#define BMP_F_LOCRIB_F 0x80 /* Loc-RIB: filtered (RFC 9069) */

/* Statistics Report counter types kept (RFC 7854 4.8 and IANA: 0..17). */
#define BMP_STAT_MAX 18

struct bmp_hdr {
	uint8_t version, type;
	uint32_t len; /* the whole message, header included */
};

struct bmp_peer_hdr {
	uint8_t type, flags;
	uint64_t rd;	      /* route distinguisher, as sent */
	struct rib_peer peer; /* address (family 4/6; 0 for Loc-RIB) and AS */
	uint32_t bgp_id;      /* host order */
	uint32_t ts_sec, ts_usec;
};

struct bmp_peer_up {
	struct rib_peer local; /* the router's end of the session (AS from its OPEN) */
	uint16_t local_port, remote_port;
	struct caps sent, recv; /* the OPEN the router sent, the one it received */
};

struct bmp_stats {
	uint32_t count;		  /* TLVs the report announced */
	uint64_t v[BMP_STAT_MAX]; /* value of each type present; the per-AFI/SAFI
				   * types (9, 10, 16, 17) summed over AFI/SAFI */
	bool has[BMP_STAT_MAX];	  /* which types the report had */
	uint32_t unknown;	  /* TLVs of other types, skipped */
};

/* Initiation / Termination information TLVs. */
struct bmp_info {
	char sys_name[64], sys_descr[128], string[128];
	int reason; /* Termination reason, or -1 */
};

/* Frames the first message of buf[0..len).  Returns its length, 0 when more
 * bytes are needed, or -EBADMSG (why filled: version not 3, length below the
 * header or above BMP_MAX_MSG_BYTES). */
long bmp_frame(const uint8_t *buf, size_t len, struct bmp_hdr *h, char *why, size_t whylen);

/* The per-peer header at msg + BMP_HDR_LEN (msg_len: the whole message).
 * 0 or -EINVAL (why). */
int bmp_peer_hdr_parse(const uint8_t *msg, size_t msg_len, struct bmp_peer_hdr *ph, char *why,
		       size_t whylen);

/* A Peer Up notification (the whole message).  0 or -EINVAL (why names
 * the byte offset in the message). */
int bmp_peer_up_parse(const uint8_t *msg, size_t len, const struct bmp_peer_hdr *ph,
		      struct bmp_peer_up *up, char *why, size_t whylen);
/* A Peer Down's reason code, or -EINVAL. */
int bmp_peer_down_reason(const uint8_t *msg, size_t len, uint8_t *reason, char *why, size_t whylen);
int bmp_stats_parse(const uint8_t *msg, size_t len, struct bmp_stats *st, char *why, size_t whylen);
/* Initiation or Termination TLVs (from byte BMP_HDR_LEN).  0 or -EINVAL. */
int bmp_info_parse(const uint8_t *msg, size_t len, struct bmp_info *in, char *why, size_t whylen);

/* Names for logs and metrics ("Peer Down", "remote system closed ...",
 * "adj_rib_in_routes"); never NULL. */
const char *bmp_type_name(unsigned int type);
const char *bmp_peer_down_name(unsigned int reason);
const char *bmp_stat_name(unsigned int type);

#endif
