// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/feed/bmp_msg.c - BMP framing and message bodies (see bmp_msg.h).
 * Every read goes through user/bgp's bounds-checked cursor; the OPENs of a
 * Peer Up are decoded by feed/caps.c.
 * Must not: do I/O, log, or keep pointers into the message after return.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bgp/bgp.h"
#include "feed/bmp_msg.h"
#include "feed/wire.h"

enum { INFO_STRING = 0, INFO_SYS_DESCR = 1, INFO_SYS_NAME = 2 }; /* RFC 7854 4.4 */
enum { TERM_STRING = 0, TERM_REASON = 1 };			 /* RFC 7854 4.5 */

static int fail(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Byte offset of cursor position p in a message starting at msg. */
static size_t off(const uint8_t *msg, const struct bgp_cur *c)
{
	return (size_t)(c->p - msg);
}

long bmp_frame(const uint8_t *buf, size_t len, struct bmp_hdr *h, char *why, size_t whylen)
{
	if (len < BMP_HDR_LEN)
		return 0;
	h->version = buf[0];
	h->len = be32_get(buf + 1);
	h->type = buf[5];
	if (h->version != BMP_VERSION) {
		fail(why, whylen, "BMP version %u, not %u", h->version, BMP_VERSION);
		return -EBADMSG;
	}
	if (h->len < BMP_HDR_LEN || h->len > BMP_MAX_MSG_BYTES) {
		fail(why, whylen, "message length %u (%u to %u)", h->len, BMP_HDR_LEN,
		     BMP_MAX_MSG_BYTES);
		return -EBADMSG;
	}
	return len < h->len ? 0 : (long)h->len;
}

static void addr_of(const uint8_t a[16], bool v6, struct rib_peer *p)
{
	p->family = v6 ? 6 : 4;
	memset(p->ip, 0, sizeof(p->ip));
	memcpy(p->ip, v6 ? a : a + 12, v6 ? 16 : 4);
}

int bmp_peer_hdr_parse(const uint8_t *msg, size_t msg_len, struct bmp_peer_hdr *ph, char *why,
		       size_t whylen)
{
	struct bgp_cur c = bgp_cur_make(msg, msg_len);
	uint8_t addr[16];
	uint32_t rd_hi = 0, rd_lo = 0;

	memset(ph, 0, sizeof(*ph));
	c.p += BMP_HDR_LEN;
	if (bgp_cur_left(&c) < BMP_PEER_HDR_LEN)
		return fail(why, whylen, "per-peer header cut at byte %zu (%zu of %u bytes)",
			    msg_len, bgp_cur_left(&c), BMP_PEER_HDR_LEN);
	bgp_get8(&c, &ph->type);
	bgp_get8(&c, &ph->flags);
	bgp_get32(&c, &rd_hi);
	bgp_get32(&c, &rd_lo);
	ph->rd = (uint64_t)rd_hi << 32 | rd_lo;
	bgp_getn(&c, addr, sizeof(addr));
	bgp_get32(&c, &ph->peer.asn);
	bgp_get32(&c, &ph->bgp_id);
	bgp_get32(&c, &ph->ts_sec);
	bgp_get32(&c, &ph->ts_usec);
	if (ph->type == BMP_PEER_LOC_RIB)
		ph->peer.family = 0; /* RFC 9069 4.1: no peer; the address is zero */
	else
		addr_of(addr, ph->flags & BMP_F_V, &ph->peer);
	return 0;
}

/* One BGP OPEN message at the cursor, decoded into *c. */
static int open_at(const uint8_t *msg, struct bgp_cur *c, const char *which, struct caps *out,
		   char *why, size_t whylen)
{
	size_t at = off(msg, c);
	char sub[160];
	uint16_t blen;

	if (bgp_cur_left(c) < BGP_HDR_LEN)
		return fail(why, whylen, "%s OPEN at byte %zu: cut (%zu bytes left)", which, at,
			    bgp_cur_left(c));
	blen = be16_get(c->p + 16);
	if (blen < BGP_HDR_LEN || blen > bgp_cur_left(c))
		return fail(why, whylen, "%s OPEN at byte %zu: length %u, %zu bytes left", which,
			    at, blen, bgp_cur_left(c));
	if (caps_open_decode(c->p, blen, out, sub, sizeof(sub)))
		return fail(why, whylen, "%s OPEN at byte %zu: %s", which, at, sub);
	c->p += blen;
	return 0;
}

int bmp_peer_up_parse(const uint8_t *msg, size_t len, const struct bmp_peer_hdr *ph,
		      struct bmp_peer_up *up, char *why, size_t whylen)
{
	struct bgp_cur c = bgp_cur_make(msg, len);
	uint8_t addr[16];
	int err;

	memset(up, 0, sizeof(*up));
	c.p += BMP_HDR_LEN + BMP_PEER_HDR_LEN;
	if (bgp_getn(&c, addr, sizeof(addr)) || bgp_get16(&c, &up->local_port) ||
	    bgp_get16(&c, &up->remote_port))
		return fail(why, whylen, "Peer Up cut at byte %zu (local address and ports)",
			    off(msg, &c));
	addr_of(addr, ph->flags & BMP_F_V && ph->type != BMP_PEER_LOC_RIB, &up->local);
	err = open_at(msg, &c, "sent", &up->sent, why, whylen);
	if (!err)
		err = open_at(msg, &c, "received", &up->recv, why, whylen);
	up->local.asn = up->sent.peer_as;
	/* information TLVs may follow (RFC 7854 4.10): not needed */
	return err;
}

int bmp_peer_down_reason(const uint8_t *msg, size_t len, uint8_t *reason, char *why, size_t whylen)
{
	size_t at = BMP_HDR_LEN + BMP_PEER_HDR_LEN;

	if (len <= at)
		return fail(why, whylen, "Peer Down cut at byte %zu (no reason)", len);
	*reason = msg[at];
	return 0;
}

static bool per_afi(uint16_t type)
{
	return type == 9 || type == 10 || type == 16 || type == 17;
}

static int stat_value(struct bgp_cur *v, uint16_t type, uint64_t *out)
{
	uint32_t hi, lo;

	if (per_afi(type)) { /* AFI (2) | SAFI (1) | 64-bit gauge */
		if (bgp_cur_left(v) != 11)
			return -1;
		v->p += 3;
	}
	if (bgp_cur_left(v) == 4)
		return bgp_get32(v, &lo) ? -1 : (*out = lo, 0);
	if (bgp_cur_left(v) != 8 || bgp_get32(v, &hi) || bgp_get32(v, &lo))
		return -1;
	*out = (uint64_t)hi << 32 | lo;
	return 0;
}

int bmp_stats_parse(const uint8_t *msg, size_t len, struct bmp_stats *st, char *why, size_t whylen)
{
	struct bgp_cur c = bgp_cur_make(msg, len);

	memset(st, 0, sizeof(*st));
	c.p += BMP_HDR_LEN + BMP_PEER_HDR_LEN;
	if (bgp_get32(&c, &st->count))
		return fail(why, whylen, "Statistics Report cut at byte %zu (no count)",
			    off(msg, &c));
	for (uint32_t i = 0; i < st->count; i++) {
		size_t at = off(msg, &c);
		uint16_t type, vlen;
		struct bgp_cur v;
		uint64_t val;

		if (bgp_get16(&c, &type) || bgp_get16(&c, &vlen) || bgp_sub(&c, vlen, &v))
			return fail(why, whylen,
				    "statistic %u of %u at byte %zu runs past the message", i + 1,
				    st->count, at);
		if (type >= BMP_STAT_MAX) {
			st->unknown++;
			continue;
		}
		if (stat_value(&v, type, &val))
			return fail(why, whylen, "statistic %u (%s) at byte %zu has length %u",
				    type, bmp_stat_name(type), at, vlen);
		st->v[type] = st->has[type] ? st->v[type] + val : val;
		st->has[type] = true;
	}
	return 0;
}

static void copy_text(char *dst, size_t cap, const struct bgp_cur *v)
{
	size_t n = bgp_cur_left(v) < cap - 1 ? bgp_cur_left(v) : cap - 1;

	memcpy(dst, v->p, n);
	dst[n] = 0;
	for (size_t i = 0; i < n; i++) /* for the log: no control characters */
		if ((unsigned char)dst[i] < 0x20 || dst[i] == 0x7f)
			dst[i] = '?';
}

int bmp_info_parse(const uint8_t *msg, size_t len, struct bmp_info *in, char *why, size_t whylen)
{
	struct bgp_cur c = bgp_cur_make(msg, len);
	bool term = len > 5 && msg[5] == BMP_TERMINATION;

	memset(in, 0, sizeof(*in));
	in->reason = -1;
	c.p += BMP_HDR_LEN;
	while (bgp_cur_left(&c)) {
		size_t at = off(msg, &c);
		uint16_t type, vlen, reason;
		struct bgp_cur v;

		if (bgp_get16(&c, &type) || bgp_get16(&c, &vlen) || bgp_sub(&c, vlen, &v))
			return fail(why, whylen,
				    "information TLV at byte %zu runs past the message", at);
		if (type == INFO_STRING)
			copy_text(in->string, sizeof(in->string), &v);
		else if (term && type == TERM_REASON && !bgp_get16(&v, &reason))
			in->reason = reason;
		else if (!term && type == INFO_SYS_DESCR)
			copy_text(in->sys_descr, sizeof(in->sys_descr), &v);
		else if (!term && type == INFO_SYS_NAME)
			copy_text(in->sys_name, sizeof(in->sys_name), &v);
	}
	return 0;
}

const char *bmp_type_name(unsigned int type)
{
	static const char *const names[] = {
		[BMP_ROUTE_MONITORING] = "Route Monitoring",
		[BMP_STATS] = "Statistics Report",
		[BMP_PEER_DOWN] = "Peer Down",
		[BMP_PEER_UP] = "Peer Up",
		[BMP_INITIATION] = "Initiation",
		[BMP_TERMINATION] = "Termination",
		[BMP_ROUTE_MIRRORING] = "Route Mirroring",
	};

	return type < BMP_TYPE_MAX ? names[type] : "unknown type";
}

const char *bmp_peer_down_name(unsigned int reason)
{
	static const char *const names[] = {
		"reason 0",
		"local system closed the session with a NOTIFICATION",
		"local system closed the session without a NOTIFICATION",
		"remote system closed the session with a NOTIFICATION",
		"remote system closed the session without data",
		"peer de-configured",
		"local system closed (Loc-RIB no longer monitored)",
	};

	return reason < sizeof(names) / sizeof(names[0]) ? names[reason] : "unknown reason";
}

const char *bmp_stat_name(unsigned int type)
{
	static const char *const names[BMP_STAT_MAX] = {
		"rejected_prefixes",
		"duplicate_prefixes",
		"duplicate_withdraws",
		"cluster_list_loops",
		"as_path_loops",
		"originator_id_loops",
		"as_confed_loops",
		"adj_rib_in_routes",
		"loc_rib_routes",
		"adj_rib_in_routes_per_afi",
		"loc_rib_routes_per_afi",
		"updates_treat_as_withdraw",
		"prefixes_treat_as_withdraw",
		"duplicate_updates",
		"adj_rib_out_pre_routes",
		"adj_rib_out_post_routes",
		"adj_rib_out_pre_routes_per_afi",
		"adj_rib_out_post_routes_per_afi",
	};

	return type < BMP_STAT_MAX ? names[type] : "unknown";
}
