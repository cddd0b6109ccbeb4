// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/feed/caps.c - our OPEN, the checks on the peer's OPEN and capability
 * negotiation (RFC 4271 4.2 and 6.2, RFC 5492, 4760, 6793, 7911, 2918, 7313,
 * 4724).  The fixed OPEN fields are decoded by user/bgp (bgp_msg_parse);
 * the capabilities here, because the MRT reader needs only the 4-octet AS.
 * Must not: do I/O or log. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bgp/bgp.h"
#include "feed/caps.h"

#define OPT_PARAM_CAPABILITIES 2 /* RFC 5492 4 */
#define GR_RESTART_STATE 0x8000	 /* RFC 4724 3: flags in the top 4 bits */
#define GR_TIME_MASK 0x0fff
#define GR_FORWARDING 0x80

/* ---- our OPEN ---- */

struct obuf {
	uint8_t *p;
	size_t len, cap;
};

static void put8(struct obuf *b, unsigned int v)
{
	if (b->len < b->cap)
		b->p[b->len] = (uint8_t)v;
	b->len++;
}

static void put16(struct obuf *b, unsigned int v)
{
	put8(b, v >> 8);
	put8(b, v);
}

static void put32(struct obuf *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b, v);
}

static void put_cap_hdr(struct obuf *b, uint8_t code, uint8_t len)
{
	put8(b, code);
	put8(b, len);
}

static void put_caps(struct obuf *b, const struct caps_local *l)
{
	for (int f = 0; f < FEED_NFAM; f++) { /* AFI | reserved | SAFI */
		put_cap_hdr(b, BGP_CAP_MP, 4);
		put16(b, wire_afi(f));
		put8(b, 0);
		put8(b, BGP_SAFI_UNICAST);
	}
	put_cap_hdr(b, BGP_CAP_ROUTE_REFRESH, 0);
	put_cap_hdr(b, BGP_CAP_ENHANCED_RR, 0);
	put_cap_hdr(b, BGP_CAP_AS4, 4);
	put32(b, l->local_as);
	put_cap_hdr(b, BGP_CAP_ADD_PATH, 4 * FEED_NFAM);
	for (int f = 0; f < FEED_NFAM; f++) { /* AFI | SAFI | send/receive */
		put16(b, wire_afi(f));
		put8(b, BGP_SAFI_UNICAST);
		put8(b, BGP_ADDPATH_RECEIVE);
	}
	/* restart flags and time, no AFI/SAFI: we keep no forwarding state
	 * but follow the receiving speaker's procedures (RFC 4724 3) */
	put_cap_hdr(b, BGP_CAP_GRACEFUL_RESTART, 2);
	put16(b, (l->gr_restarting ? GR_RESTART_STATE : 0) | (l->gr_time_s & GR_TIME_MASK));
}

size_t caps_open_build(const struct caps_local *l, uint8_t *out, size_t cap)
{
	struct obuf b = { .p = out, .cap = cap };
	size_t opt_len_at, caps_at;

	put8(&b, 4); /* version */
	put16(&b, l->local_as > UINT16_MAX ? BGP_AS_TRANS : l->local_as);
	put16(&b, l->hold_s);
	put32(&b, l->router_id);
	opt_len_at = b.len;
	put8(&b, 0); /* optional parameters length, set below */
	put8(&b, OPT_PARAM_CAPABILITIES);
	put8(&b, 0); /* parameter length, set below */
	caps_at = b.len;
	put_caps(&b, l);
	if (b.len <= cap) {
		out[opt_len_at] = (uint8_t)(b.len - opt_len_at - 1);
		out[caps_at - 1] = (uint8_t)(b.len - caps_at);
	}
	return b.len;
}

/* ---- the peer's OPEN ---- */

struct open_err {
	struct wire_notif *n;
	char *why;
	size_t whylen;
};

static int open_fail(const struct open_err *e, uint8_t code, uint8_t sub, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int open_fail(const struct open_err *e, uint8_t code, uint8_t sub, const char *fmt, ...)
{
	va_list ap;

	memset(e->n, 0, sizeof(*e->n));
	e->n->code = code;
	e->n->subcode = sub;
	va_start(ap, fmt);
	vsnprintf(e->why, e->whylen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static void cap_family_list(struct bgp_cur *v, struct caps *c, int code)
{
	uint16_t afi;
	uint8_t safi, flags;

	while (!bgp_get16(v, &afi) && !bgp_get8(v, &safi) && !bgp_get8(v, &flags)) {
		int f = wire_family(afi, safi);

		if (f < 0)
			continue;
		if (code == BGP_CAP_ADD_PATH) {
			c->addpath[f] = flags & (BGP_ADDPATH_RECEIVE | BGP_ADDPATH_SEND);
		} else {
			c->gr_fam[f] = true;
			c->gr_fwd[f] = flags & GR_FORWARDING;
		}
	}
}

static void note_other(struct caps *c, uint8_t code)
{
	for (uint8_t i = 0; i < c->n_other; i++)
		if (c->other[i] == code)
			return;
	if (c->n_other < sizeof(c->other))
		c->other[c->n_other++] = code;
}

/* Minimum value length of each capability we read, and whether it comes in
 * 4-byte tuples. */
static bool cap_len_ok(uint8_t code, size_t len)
{
	switch (code) {
	case BGP_CAP_MP:
	case BGP_CAP_AS4:
		return len == 4;
	case BGP_CAP_ADD_PATH:
		return len % 4 == 0;
	case BGP_CAP_GRACEFUL_RESTART:
		return len >= 2 && (len - 2) % 4 == 0;
	default:
		return true;
	}
}

static void cap_one(uint8_t code, struct bgp_cur *v, struct caps *c)
{
	uint16_t afi = 0, gr = 0;
	uint8_t res = 0, safi = 0;
	int f;

	switch (code) {
	case BGP_CAP_MP:
		bgp_get16(v, &afi);
		bgp_get8(v, &res);
		bgp_get8(v, &safi);
		c->mp_seen = true;
		f = wire_family(afi, safi);
		if (f >= 0)
			c->fam[f] = true;
		break;
	case BGP_CAP_ROUTE_REFRESH:
		c->route_refresh = true;
		break;
	case BGP_CAP_ENHANCED_RR:
		c->enhanced_rr = true;
		break;
	case BGP_CAP_AS4:
		c->as4 = true;
		bgp_get32(v, &c->peer_as);
		break;
	case BGP_CAP_ADD_PATH:
		cap_family_list(v, c, code);
		break;
	case BGP_CAP_GRACEFUL_RESTART:
		bgp_get16(v, &gr);
		c->gr = true;
		c->gr_restarted = gr & GR_RESTART_STATE;
		c->gr_time_s = gr & GR_TIME_MASK;
		cap_family_list(v, c, code);
		break;
	default:
		note_other(c, code);
	}
}

static int caps_param(struct bgp_cur *p, struct caps *c, const struct open_err *e)
{
	while (bgp_cur_left(p)) {
		uint8_t code, len;
		struct bgp_cur v;

		if (bgp_get8(p, &code) || bgp_get8(p, &len) || bgp_sub(p, len, &v))
			return open_fail(e, BGP_ERR_OPEN, 0, "capability runs past its parameter");
		if (!cap_len_ok(code, len))
			return open_fail(e, BGP_ERR_OPEN, 0, "capability %u has length %u", code,
					 len);
		cap_one(code, &v, c);
	}
	return 0;
}

static int opt_params(const uint8_t *opt, size_t len, struct caps *c, const struct open_err *e)
{
	struct bgp_cur p = bgp_cur_make(opt, len);

	while (bgp_cur_left(&p)) {
		uint8_t type, plen;
		struct bgp_cur v;
		int err;

		if (bgp_get8(&p, &type) || bgp_get8(&p, &plen) || bgp_sub(&p, plen, &v))
			return open_fail(e, BGP_ERR_OPEN, 0,
					 "optional parameter runs past the parameters");
		if (type != OPT_PARAM_CAPABILITIES) /* RFC 9072 extended params included */
			return open_fail(e, BGP_ERR_OPEN, BGP_OPEN_OPT_PARAM,
					 "optional parameter type %u is not supported", type);
		err = caps_param(&v, c, e);
		if (err)
			return err;
	}
	return 0;
}

static uint32_t id_of(const struct mrt_ip *ip)
{
	return (uint32_t)ip->a[0] << 24 | (uint32_t)ip->a[1] << 16 | (uint32_t)ip->a[2] << 8 |
	       ip->a[3];
}

static int open_fields(const struct bgp_open *o, const struct caps_expect *x, struct caps *c,
		       const struct open_err *e)
{
	if (o->version != 4) {
		open_fail(e, BGP_ERR_OPEN, BGP_OPEN_VERSION, "BGP version %u, not 4", o->version);
		e->n->data_len = 2; /* the largest version we support */
		e->n->data[1] = 4;
		return -EINVAL;
	}
	if (o->hold_time == 1 || o->hold_time == 2)
		return open_fail(e, BGP_ERR_OPEN, BGP_OPEN_HOLD, "hold time %u s (0 or >= 3)",
				 o->hold_time);
	if (!c->bgp_id || (x->ibgp && c->bgp_id == x->router_id))
		return open_fail(e, BGP_ERR_OPEN, BGP_OPEN_BGP_ID, "BGP identifier %u.%u.%u.%u%s",
				 o->bgp_id.a[0], o->bgp_id.a[1], o->bgp_id.a[2], o->bgp_id.a[3],
				 c->bgp_id ? " is ours" : "");
	/* RFC 6793 4.1: a 4-octet AS that fits two octets is also in "My AS",
	 * a larger one goes with AS_TRANS there */
	if (c->as4 && o->asn != (c->peer_as > UINT16_MAX ? BGP_AS_TRANS : c->peer_as))
		return open_fail(e, BGP_ERR_OPEN, BGP_OPEN_PEER_AS,
				 "My AS %u does not match its 4-octet AS %u", o->asn, c->peer_as);
	if (c->peer_as != x->peer_as)
		return open_fail(e, BGP_ERR_OPEN, BGP_OPEN_PEER_AS, "AS %u, expected AS %u",
				 c->peer_as, x->peer_as);
	return 0;
}

/* The OPEN's fields and capabilities into *c, *m keeping the message. */
static int open_decode(const uint8_t *msg, size_t len, struct caps *c, struct bgp_msg *m,
		       const struct open_err *e)
{
	struct bgp_ctx ctx = { .asn_size = 4 };

	memset(c, 0, sizeof(*c));
	/* the type first: bgp_msg_parse() would decode an UPDATE (in an arena) */
	if (len < BGP_HDR_LEN || msg[BGP_HDR_LEN - 1] != BGP_MSG_OPEN ||
	    bgp_msg_parse(msg, len, &ctx, m) || m->type != BGP_MSG_OPEN)
		return open_fail(e, BGP_ERR_HEADER, BGP_HDR_LENGTH, "not an OPEN message");
	/* the length byte as sent: bgp_msg_parse() shortens one that overruns */
	if (m->body_len < 10 || m->body_len != 10u + m->body[9]) {
		open_fail(e, BGP_ERR_HEADER, BGP_HDR_LENGTH,
			  "OPEN of %u bytes with %u bytes of optional parameters", m->len,
			  m->body_len < 10 ? 0 : m->body[9]);
		e->n->data_len = 2;
		e->n->data[0] = (uint8_t)(m->len >> 8);
		e->n->data[1] = (uint8_t)m->len;
		return -EINVAL;
	}
	c->peer_as = m->open.asn;
	c->bgp_id = id_of(&m->open.bgp_id);
	c->hold_s = m->open.hold_time;
	return opt_params(m->open.opt, m->open.opt_len, c, e);
}

int caps_open_check(const uint8_t *msg, size_t len, const struct caps_expect *x, struct caps *c,
		    struct wire_notif *n, char *why, size_t whylen)
{
	struct open_err e = { n, why, whylen };
	struct bgp_msg m;
	int err = open_decode(msg, len, c, &m, &e);

	return err ? err : open_fields(&m.open, x, c, &e);
}

int caps_open_decode(const uint8_t *msg, size_t len, struct caps *c, char *why, size_t whylen)
{
	struct wire_notif n;
	struct open_err e = { &n, why, whylen };
	struct bgp_msg m;

	return open_decode(msg, len, c, &m, &e);
}

/* ---- negotiation ---- */

void caps_negotiate(const struct caps_local *l, const struct caps *p, struct caps_nego *o)
{
	memset(o, 0, sizeof(*o));
	o->hold_s = p->hold_s < l->hold_s ? p->hold_s : l->hold_s;
	o->as4 = p->as4;
	o->route_refresh = p->route_refresh;
	o->enhanced_rr = p->enhanced_rr;
	/* RFC 4724 4.2: a restart time of 0 means nothing to wait for */
	o->gr = p->gr && p->gr_time_s;
	o->gr_time_s = p->gr_time_s;
	for (int f = 0; f < FEED_NFAM; f++) {
		/* RFC 4760 8: without the capability, IPv4 unicast only */
		o->fam[f] = p->mp_seen ? p->fam[f] : f == FEED_IPV4;
		/* we receive where the peer sends (RFC 7911 4) */
		o->addpath[f] = o->fam[f] && (p->addpath[f] & BGP_ADDPATH_SEND);
		o->gr_fam[f] = o->gr && o->fam[f] && p->gr_fam[f];
		o->gr_fwd[f] = o->gr_fam[f] && p->gr_fwd[f];
	}
}

struct sbuf {
	char *p;
	size_t len, at;
};

static void sadd(struct sbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sadd(struct sbuf *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (s->at >= s->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(s->p + s->at, s->len - s->at, fmt, ap);
	va_end(ap);
	if (n > 0)
		s->at += (size_t)n;
}

static void sadd_fams(struct sbuf *s, const bool *fam)
{
	bool any = false;

	for (int f = 0; f < FEED_NFAM; f++)
		if (fam[f]) {
			sadd(s, " %s", wire_family_name(f));
			any = true;
		}
	if (!any)
		sadd(s, " none");
}

const char *caps_describe(const struct caps_nego *n, const struct caps *p, char *buf, size_t len)
{
	struct sbuf s = { buf, len, 0 };

	buf[0] = 0;
	sadd(&s, "hold %u s; families", n->hold_s);
	sadd_fams(&s, n->fam);
	sadd(&s, "; %s AS numbers; ADD-PATH receive", n->as4 ? "4-octet" : "2-octet");
	sadd_fams(&s, n->addpath);
	sadd(&s, "; route refresh %s; enhanced route refresh %s", n->route_refresh ? "yes" : "no",
	     n->enhanced_rr ? "yes" : "no");
	if (n->gr) {
		sadd(&s, "; graceful restart: restart time %u s%s, families", n->gr_time_s,
		     p->gr_restarted ? ", peer restarted" : "");
		sadd_fams(&s, n->gr_fam);
		sadd(&s, ", forwarding kept");
		sadd_fams(&s, n->gr_fwd);
	} else {
		sadd(&s, "; graceful restart no");
	}
	if (p->n_other) {
		sadd(&s, "; not used:");
		for (uint8_t i = 0; i < p->n_other; i++)
			sadd(&s, " %u", p->other[i]);
	}
	return buf;
}
