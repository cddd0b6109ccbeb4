// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/feed/wire.c - BGP message framing and the messages a receive-only
 * speaker writes.  Must not: do I/O, log, or write a route. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/mrt.h"
#include "feed/wire.h"

static const uint8_t marker[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* Smallest length of each message type (RFC 4271 4, RFC 2918 3). */
static size_t min_len(uint8_t type)
{
	switch (type) {
	case BGP_MSG_OPEN:
		return 29;
	case BGP_MSG_UPDATE:
		return 23;
	case BGP_MSG_NOTIFICATION:
		return 21;
	default: /* ROUTE-REFRESH: its length is checked by the caller (RFC 7313 5) */
		return BGP_HDR_LEN;
	}
}

static long frame_error(struct wire_notif *n, uint8_t sub, const uint8_t *data, uint8_t len)
{
	memset(n, 0, sizeof(*n));
	n->code = BGP_ERR_HEADER;
	n->subcode = sub;
	n->data_len = len;
	if (len)
		memcpy(n->data, data, len);
	return -EBADMSG;
}

long wire_frame(const uint8_t *buf, size_t len, struct wire_notif *n)
{
	uint16_t mlen;
	uint8_t type;

	if (len < BGP_HDR_LEN)
		return 0;
	if (memcmp(buf, marker, sizeof(marker)))
		return frame_error(n, BGP_HDR_SYNC, NULL, 0);
	mlen = (uint16_t)(buf[16] << 8 | buf[17]);
	type = buf[18];
	if (type < BGP_MSG_OPEN || type > BGP_MSG_ROUTE_REFRESH)
		return frame_error(n, BGP_HDR_TYPE, &buf[18], 1);
	/* KEEPALIVE is exactly 19 bytes (RFC 4271 4.4) */
	if (mlen < min_len(type) || mlen > BGP_MAX_LEN ||
	    (type == BGP_MSG_KEEPALIVE && mlen != BGP_HDR_LEN))
		return frame_error(n, BGP_HDR_LENGTH, &buf[16], 2);
	return len < mlen ? 0 : (long)mlen;
}

static int reserve(struct wire_buf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 512;
	uint8_t *p;

	if (b->len + n > b->max)
		return -ENOBUFS;
	if (b->len + n <= b->cap)
		return 0;
	while (cap < b->len + n)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p)
		return -ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

int wire_put(struct wire_buf *b, uint8_t type, const void *body, size_t len)
{
	size_t total = BGP_HDR_LEN + len;
	uint8_t *h;
	int err;

	if (total > BGP_MAX_LEN)
		return -EMSGSIZE;
	err = reserve(b, total);
	if (err)
		return err;
	h = b->p + b->len;
	memcpy(h, marker, sizeof(marker));
	h[16] = (uint8_t)(total >> 8);
	h[17] = (uint8_t)total;
	h[18] = type;
	if (len)
		memcpy(h + BGP_HDR_LEN, body, len);
	b->len += total;
	return 0;
}

int wire_keepalive(struct wire_buf *b)
{
	return wire_put(b, BGP_MSG_KEEPALIVE, NULL, 0);
}

int wire_notification(struct wire_buf *b, const struct wire_notif *n)
{
	uint8_t body[2 + sizeof(n->data)] = { n->code, n->subcode };

	memcpy(body + 2, n->data, n->data_len);
	return wire_put(b, BGP_MSG_NOTIFICATION, body, 2u + n->data_len);
}

uint16_t wire_afi(enum feed_family fam)
{
	return fam == FEED_IPV6 ? BGP_AFI_IPV6 : BGP_AFI_IPV4;
}

int wire_family(uint16_t afi, uint8_t safi)
{
	if (safi != BGP_SAFI_UNICAST)
		return -1;
	return afi == BGP_AFI_IPV4 ? FEED_IPV4 : afi == BGP_AFI_IPV6 ? FEED_IPV6 : -1;
}

const char *wire_family_name(enum feed_family fam)
{
	return fam == FEED_IPV6 ? "ipv6" : "ipv4";
}

int wire_route_refresh(struct wire_buf *b, enum feed_family fam, uint8_t subtype)
{
	/* AFI (2) | subtype, "Reserved" before RFC 7313 (1) | SAFI (1) */
	uint8_t body[4] = { 0, (uint8_t)wire_afi(fam), subtype, BGP_SAFI_UNICAST };

	return wire_put(b, BGP_MSG_ROUTE_REFRESH, body, sizeof(body));
}

int wire_eor(struct wire_buf *b, enum feed_family fam)
{
	/* IPv4: an UPDATE with no withdrawn routes, attributes or NLRI.
	 * Others: only an empty MP_UNREACH_NLRI (RFC 4724 2). */
	static const uint8_t v4[4] = { 0, 0, 0, 0 };
	static const uint8_t v6[] = {
		0,
		0, /* withdrawn routes length */
		0,
		6, /* total path attribute length */
		0x80,
		BGP_ATTR_MP_UNREACH_NLRI, /* flags: optional | type 15 */
		3,			  /* attribute length */
		0,
		BGP_AFI_IPV6,	  /* AFI 2 */
		BGP_SAFI_UNICAST, /* SAFI 1, no withdrawn routes */
	};

	return fam == FEED_IPV4 ? wire_put(b, BGP_MSG_UPDATE, v4, sizeof(v4))
				: wire_put(b, BGP_MSG_UPDATE, v6, sizeof(v6));
}

void wire_consume(struct wire_buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
		return;
	}
	memmove(b->p, b->p + n, b->len - n);
	b->len -= n;
}

void wire_buf_free(struct wire_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

static const char *const code_names[] = {
	[BGP_ERR_HEADER] = "Message Header Error",	   [BGP_ERR_OPEN] = "OPEN Message Error",
	[BGP_ERR_UPDATE] = "UPDATE Message Error",	   [BGP_ERR_HOLD] = "Hold Timer Expired",
	[BGP_ERR_FSM] = "Finite State Machine Error",	   [BGP_ERR_CEASE] = "Cease",
	[BGP_ERR_REFRESH] = "ROUTE-REFRESH Message Error",
};

/* Subcode names of RFC 4271 6.x, RFC 4486 (Cease), RFC 5492 (OPEN 7). */
static const char *sub_name(uint8_t code, uint8_t sub)
{
	static const char *const hdr[] = { NULL, "Connection Not Synchronized",
					   "Bad Message Length", "Bad Message Type" };
	static const char *const open[] = { NULL,
					    "Unsupported Version Number",
					    "Bad Peer AS",
					    "Bad BGP Identifier",
					    "Unsupported Optional Parameter",
					    NULL,
					    "Unacceptable Hold Time",
					    "Unsupported Capability" };
	static const char *const upd[] = { NULL,
					   "Malformed Attribute List",
					   "Unrecognized Well-known Attribute",
					   "Missing Well-known Attribute",
					   "Attribute Flags Error",
					   "Attribute Length Error",
					   "Invalid ORIGIN Attribute",
					   NULL,
					   "Invalid NEXT_HOP Attribute",
					   "Optional Attribute Error",
					   "Invalid Network Field",
					   "Malformed AS_PATH" };
	static const char *const cease[] = { NULL,
					     "Maximum Number of Prefixes Reached",
					     "Administrative Shutdown",
					     "Peer De-configured",
					     "Administrative Reset",
					     "Connection Rejected",
					     "Other Configuration Change",
					     "Connection Collision Resolution",
					     "Out of Resources",
					     "Hard Reset" };
#define PICK(t) (sub < sizeof(t) / sizeof(t[0]) ? t[sub] : NULL)
	switch (code) {
	case BGP_ERR_HEADER:
		return PICK(hdr);
	case BGP_ERR_OPEN:
		return PICK(open);
	case BGP_ERR_UPDATE:
		return PICK(upd);
	case BGP_ERR_CEASE:
		return PICK(cease);
	case BGP_ERR_REFRESH:
		return sub == BGP_REFRESH_LENGTH ? "Invalid Message Length" : NULL;
	default:
		return NULL;
	}
#undef PICK
}

const char *wire_notif_str(uint8_t code, uint8_t subcode, char *buf, size_t len)
{
	const char *c = code < sizeof(code_names) / sizeof(code_names[0]) ? code_names[code] : NULL;
	const char *s = sub_name(code, subcode);

	if (c && s)
		snprintf(buf, len, "%s / %s", c, s);
	else if (c)
		snprintf(buf, len, "%s / subcode %u", c, subcode);
	else
		snprintf(buf, len, "code %u / subcode %u", code, subcode);
	return buf;
}
