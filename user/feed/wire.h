/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/feed/wire.h - BGP messages on the wire: the 19-byte header, framing of
 * a byte stream into messages, and the few messages a receive-only speaker
 * writes (OPEN, KEEPALIVE, NOTIFICATION, ROUTE-REFRESH, End-of-RIB).
 * Decoding of message bodies is user/bgp's (and feed/update.c's).  Nothing
 * here does I/O or logs.
 */
#ifndef ASC_FEED_WIRE_H
#define ASC_FEED_WIRE_H
#include <stddef.h>
#include <stdint.h>
#include "feed/feed.h"

#define BGP_HDR_LEN 19
#define BGP_MAX_LEN 4096 /* RFC 4271 4.1; extended messages (RFC 8654) are not offered */

/* NOTIFICATION error codes (RFC 4271 4.5, RFC 7313 5) and the subcodes used. */
enum bgp_err {
	BGP_ERR_HEADER = 1,
	BGP_ERR_OPEN = 2,
	BGP_ERR_UPDATE = 3,
	BGP_ERR_HOLD = 4,
	BGP_ERR_FSM = 5,
	BGP_ERR_CEASE = 6,
	BGP_ERR_REFRESH = 7,
};
enum { BGP_HDR_SYNC = 1, BGP_HDR_LENGTH = 2, BGP_HDR_TYPE = 3 };
enum {
	BGP_OPEN_VERSION = 1,
	BGP_OPEN_PEER_AS = 2,
	BGP_OPEN_BGP_ID = 3,
	BGP_OPEN_OPT_PARAM = 4,
	BGP_OPEN_HOLD = 6,
};
enum {
	BGP_UPD_ATTR_LIST = 1,
	BGP_UPD_OPTIONAL = 9,
	BGP_UPD_NETWORK = 10,
};
enum { BGP_CEASE_SHUTDOWN = 2, BGP_CEASE_REJECTED = 5, BGP_CEASE_COLLISION = 7 };
enum { BGP_REFRESH_LENGTH = 1 };

/* ROUTE-REFRESH message subtypes (RFC 7313 3). */
enum { BGP_RR_REQUEST = 0, BGP_RR_BORR = 1, BGP_RR_EORR = 2 };

/* An output buffer that never grows past `max` bytes. */
struct wire_buf {
	uint8_t *p;
	size_t len, cap, max;
};

/* A NOTIFICATION to send: code, subcode and up to 8 bytes of data. */
struct wire_notif {
	uint8_t code, subcode;
	uint8_t data_len;
	uint8_t data[8];
};

/* Frames the first message of buf[0..len).  Returns its length, 0 when more
 * bytes are needed, or -EBADMSG with *n filled (bad marker, length or type:
 * RFC 4271 6.1). */
long wire_frame(const uint8_t *buf, size_t len, struct wire_notif *n);

/* Each appends one message to b: 0, or -ENOBUFS past b->max, -ENOMEM. */
int wire_put(struct wire_buf *b, uint8_t type, const void *body, size_t len);
int wire_keepalive(struct wire_buf *b);
int wire_notification(struct wire_buf *b, const struct wire_notif *n);
int wire_route_refresh(struct wire_buf *b, enum feed_family fam, uint8_t subtype);
int wire_eor(struct wire_buf *b, enum feed_family fam);
/* Drops the first n bytes (written out). */
void wire_consume(struct wire_buf *b, size_t n);
void wire_buf_free(struct wire_buf *b);

/* "OPEN Message Error / Bad Peer AS" for the log. */
const char *wire_notif_str(uint8_t code, uint8_t subcode, char *buf, size_t len);

/* AFI of a family, and the family of an AFI/SAFI (-1 if not unicast v4/v6). */
uint16_t wire_afi(enum feed_family fam);
int wire_family(uint16_t afi, uint8_t safi);
const char *wire_family_name(enum feed_family fam);

#endif
