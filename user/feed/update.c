// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/feed/update.c - one received UPDATE -> route changes, with the error
 * handling of RFC 7606 (update.h has the outcome of each case).
 *
 * Per attribute, when it is malformed (RFC 7606 7, RFC 6793 6, RFC 8092 6):
 *   ORIGIN AS_PATH NEXT_HOP MED COMMUNITIES ORIGINATOR_ID CLUSTER_LIST
 *   EXTENDED_COMMUNITIES LARGE_COMMUNITIES, LOCAL_PREF from iBGP -> withdraw
 *   ATOMIC_AGGREGATE AGGREGATOR AS4_PATH AS4_AGGREGATOR, LOCAL_PREF from
 *   eBGP -> discard
 *   MP_REACH_NLRI MP_UNREACH_NLRI -> reset (their NLRI cannot be found)
 * Message-level: lengths that overrun the message and prefixes that cannot
 * be parsed reset; an attribute running past the block withdraws what can be
 * found (the NLRI field, MP attributes before it) and resets when nothing
 * can; a repeated MP attribute resets, other repeats are dropped; flags in
 * conflict withdraw (discard for the discard-only attributes); a missing
 * ORIGIN, AS_PATH or (with IPv4 NLRI) NEXT_HOP withdraws.  An attribute we
 * do not know that claims to be well-known withdraws too: RFC 4271 6.3
 * would reset, but its routes can be found and nothing else is at stake.
 * Must not: do I/O, log, or keep pointers into the message after return.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "feed/queue.h"
#include "feed/update.h"
#include "routes/rtable.h"

#define ATTR_OPTIONAL 0x80
#define ATTR_TRANSITIVE 0x40
#define ATTR_EXTLEN 0x10
#define ATTR_OT (ATTR_OPTIONAL | ATTR_TRANSITIVE)
#define MAX_ATTRS (BGP_MAX_LEN / 3) /* each attribute takes 3 bytes or more */

enum { MP_REACH, MP_UNREACH };

/* What a known attribute's flags must be, and what its fault costs. */
struct rule {
	const char *name;
	uint8_t flags; /* optional and transitive bits */
	enum update_action bad;
};

struct span {
	uint8_t flags, type;
	uint16_t off, len; /* the value, within the attribute block */
};

struct scan {
	unsigned int n;
	uint32_t seen[8], drop[8]; /* bitmaps over the 256 types */
	int mp[2];		   /* span index of MP_REACH / MP_UNREACH, or -1 */
	bool overrun, mp_before_overrun;
	size_t overrun_at;
	/* not cleared per message (8 KiB, where an UPDATE has a few
	 * attributes): only span[0..n) is ever read */
	struct span span[MAX_ATTRS];
	uint8_t clean[BGP_MAX_LEN];
	size_t clean_len;
};

struct parts {
	const uint8_t *wd, *attrs, *nlri;
	size_t wd_len, attrs_len, nlri_len;
};

/* The decoded message. */
struct decoded {
	struct bgp_attrs at;
	const struct mrt_prefix *wd4, *nlri4;
	uint32_t n_wd4, n_nlri4;
};

static bool rule_of(uint8_t type, bool ibgp, struct rule *r)
{
	static const struct rule rules[] = {
		[BGP_ATTR_ORIGIN] = { "ORIGIN", ATTR_TRANSITIVE, UPD_WITHDRAW },
		[BGP_ATTR_AS_PATH] = { "AS_PATH", ATTR_TRANSITIVE, UPD_WITHDRAW },
		[BGP_ATTR_NEXT_HOP] = { "NEXT_HOP", ATTR_TRANSITIVE, UPD_WITHDRAW },
		[BGP_ATTR_MED] = { "MULTI_EXIT_DISC", ATTR_OPTIONAL, UPD_WITHDRAW },
		[BGP_ATTR_LOCAL_PREF] = { "LOCAL_PREF", ATTR_TRANSITIVE, UPD_WITHDRAW },
		[BGP_ATTR_ATOMIC_AGGREGATE] = { "ATOMIC_AGGREGATE", ATTR_TRANSITIVE, UPD_DISCARD },
		[BGP_ATTR_AGGREGATOR] = { "AGGREGATOR", ATTR_OT, UPD_DISCARD },
		[BGP_ATTR_COMMUNITIES] = { "COMMUNITIES", ATTR_OT, UPD_WITHDRAW },
		[BGP_ATTR_ORIGINATOR_ID] = { "ORIGINATOR_ID", ATTR_OPTIONAL, UPD_WITHDRAW },
		[BGP_ATTR_CLUSTER_LIST] = { "CLUSTER_LIST", ATTR_OPTIONAL, UPD_WITHDRAW },
		[BGP_ATTR_MP_REACH_NLRI] = { "MP_REACH_NLRI", ATTR_OPTIONAL, UPD_RESET },
		[BGP_ATTR_MP_UNREACH_NLRI] = { "MP_UNREACH_NLRI", ATTR_OPTIONAL, UPD_RESET },
		[BGP_ATTR_EXT_COMMUNITIES] = { "EXTENDED_COMMUNITIES", ATTR_OT, UPD_WITHDRAW },
		[BGP_ATTR_AS4_PATH] = { "AS4_PATH", ATTR_OT, UPD_DISCARD },
		[BGP_ATTR_AS4_AGGREGATOR] = { "AS4_AGGREGATOR", ATTR_OT, UPD_DISCARD },
		[BGP_ATTR_LARGE_COMMUNITIES] = { "LARGE_COMMUNITIES", ATTR_OT, UPD_WITHDRAW },
	};

	if (type >= sizeof(rules) / sizeof(rules[0]) || !rules[type].name)
		return false;
	*r = rules[type];
	if (type == BGP_ATTR_LOCAL_PREF && !ibgp)
		r->bad = UPD_DISCARD; /* RFC 7606 7.5: ignored from eBGP anyway */
	return true;
}

static const char *attr_name(uint8_t type, char *buf, size_t len)
{
	struct rule r;

	if (rule_of(type, true, &r))
		return r.name;
	snprintf(buf, len, "attribute %u", type);
	return buf;
}

static bool bit(const uint32_t *map, uint8_t type)
{
	return map[type / 32] >> (type % 32) & 1U;
}

static void set_bit(uint32_t *map, uint8_t type)
{
	map[type / 32] |= 1U << (type % 32);
}

/* ---- faults ---- */

static void vfault(struct update_out *o, enum feed_fault f, enum update_action a, const char *fmt,
		   va_list ap)
{
	o->faults[f]++;
	if (a > o->action || !o->why[0])
		vsnprintf(o->why, sizeof(o->why), fmt, ap);
	if (a > o->action)
		o->action = a;
}

static void fault(struct update_out *o, enum feed_fault f, enum update_action a, const char *fmt,
		  ...) __attribute__((format(printf, 4, 5)));
static void fault(struct update_out *o, enum feed_fault f, enum update_action a, const char *fmt,
		  ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfault(o, f, a, fmt, ap);
	va_end(ap);
}

/* A fault that resets the session with UPDATE Message Error / subcode. */
static void reset(struct update_out *o, enum feed_fault f, uint8_t subcode, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void reset(struct update_out *o, enum feed_fault f, uint8_t subcode, const char *fmt, ...)
{
	bool first = o->action < UPD_RESET;
	va_list ap;

	va_start(ap, fmt);
	vfault(o, f, UPD_RESET, fmt, ap);
	va_end(ap);
	if (first) {
		memset(&o->notif, 0, sizeof(o->notif));
		o->notif.code = BGP_ERR_UPDATE;
		o->notif.subcode = subcode;
	}
}

/* ---- the attribute block, walked ---- */

static int split(const uint8_t *b, size_t n, struct parts *p)
{
	struct bgp_cur c = bgp_cur_make(b, n), w, a;
	uint16_t wl, al;

	if (bgp_get16(&c, &wl) || bgp_sub(&c, wl, &w) || bgp_get16(&c, &al) || bgp_sub(&c, al, &a))
		return -1;
	p->wd = w.p;
	p->wd_len = wl;
	p->attrs = a.p;
	p->attrs_len = al;
	p->nlri = c.p;
	p->nlri_len = bgp_cur_left(&c);
	return 0;
}

static int attr_header(struct bgp_cur *c, uint8_t *flags, uint8_t *type, uint16_t *len)
{
	uint8_t l8;

	if (bgp_get8(c, flags) || bgp_get8(c, type))
		return -1;
	if (*flags & ATTR_EXTLEN)
		return bgp_get16(c, len);
	if (bgp_get8(c, &l8))
		return -1;
	*len = l8;
	return 0;
}

/* Lengths user/bgp does not check (RFC 4456 8, RFC 7606 7.10 and 7.14). */
static bool length_ok(uint8_t type, uint16_t len)
{
	if (type == BGP_ATTR_CLUSTER_LIST)
		return len && len % 4 == 0;
	if (type == BGP_ATTR_EXT_COMMUNITIES)
		return len && len % 8 == 0;
	return true;
}

/* Checks one attribute and keeps it (a span), or not. */
static void scan_one(struct scan *s, const struct update_ctx *ctx, struct update_out *o,
		     struct span sp)
{
	char nb[24];
	const char *name = attr_name(sp.type, nb, sizeof(nb));
	bool mp = sp.type == BGP_ATTR_MP_REACH_NLRI || sp.type == BGP_ATTR_MP_UNREACH_NLRI;
	bool known;
	struct rule r;

	if (bit(s->seen, sp.type)) {
		if (mp)
			reset(o, FEED_FAULT_MP_REPEATED, BGP_UPD_ATTR_LIST, "%s twice", name);
		else
			fault(o, FEED_FAULT_ATTR_REPEATED, UPD_DISCARD,
			      "%s repeated: the first one kept", name);
		return;
	}
	set_bit(s->seen, sp.type);
	known = rule_of(sp.type, ctx->ibgp, &r);
	if (!known && !(sp.flags & ATTR_OPTIONAL))
		fault(o, FEED_FAULT_UNKNOWN_WELLKNOWN, UPD_WITHDRAW,
		      "%s is not known but flagged well-known", name);
	if (known && (sp.flags & ATTR_OT) != r.flags) {
		enum update_action a = r.bad == UPD_RESET ? UPD_WITHDRAW : r.bad;

		fault(o, FEED_FAULT_ATTR_FLAGS, a, "%s has flags 0x%02x, not 0x%02x", name,
		      sp.flags & ATTR_OT, r.flags);
		if (a == UPD_DISCARD)
			set_bit(s->drop, sp.type);
		sp.flags = (uint8_t)((sp.flags & ~ATTR_OT) | r.flags);
	}
	if (known && !length_ok(sp.type, sp.len))
		fault(o, FEED_FAULT_ATTR_MALFORMED, r.bad, "%s has length %u", name, sp.len);
	if (mp)
		s->mp[sp.type == BGP_ATTR_MP_UNREACH_NLRI] = (int)s->n;
	s->span[s->n++] = sp;
}

static void scan(const struct parts *p, const struct update_ctx *ctx, struct scan *s,
		 struct update_out *o)
{
	struct bgp_cur c = bgp_cur_make(p->attrs, p->attrs_len);

	s->mp[MP_REACH] = s->mp[MP_UNREACH] = -1;
	while (bgp_cur_left(&c)) {
		size_t at = (size_t)(c.p - p->attrs);
		struct span sp;

		if (attr_header(&c, &sp.flags, &sp.type, &sp.len) || bgp_cur_left(&c) < sp.len) {
			s->overrun = true;
			s->overrun_at = at;
			s->mp_before_overrun = s->mp[MP_REACH] >= 0 || s->mp[MP_UNREACH] >= 0;
			return;
		}
		sp.off = (uint16_t)(c.p - p->attrs);
		c.p += sp.len;
		scan_one(s, ctx, o, sp);
	}
}

/* RFC 7606 4: withdraw what can be found; nothing can when no MP attribute
 * came before the fault and the NLRI field is empty. */
static void check_overrun(const struct parts *p, const struct scan *s, struct update_out *o)
{
	if (!s->overrun)
		return;
	if (s->mp_before_overrun || p->nlri_len)
		fault(o, FEED_FAULT_ATTR_OVERRUN, UPD_WITHDRAW,
		      "the attribute at offset %zu runs past the attribute block (%zu bytes)",
		      s->overrun_at, p->attrs_len);
	else
		reset(o, FEED_FAULT_ATTR_OVERRUN, BGP_UPD_ATTR_LIST,
		      "the attribute at offset %zu runs past the attribute block (%zu bytes) "
		      "and no NLRI can be found",
		      s->overrun_at, p->attrs_len);
}

/* ---- decoding through user/bgp ---- */

static void put_span(const struct parts *p, const struct span *sp, uint8_t *out, size_t *n)
{
	out[(*n)++] = sp->flags;
	out[(*n)++] = sp->type;
	if (sp->flags & ATTR_EXTLEN)
		out[(*n)++] = (uint8_t)(sp->len >> 8);
	out[(*n)++] = (uint8_t)sp->len;
	memcpy(out + *n, p->attrs + sp->off, sp->len);
	*n += sp->len;
}

/* The attribute block without repeats, dropped attributes and type skip
 * (-1: none). */
static void assemble(const struct parts *p, struct scan *s, int skip)
{
	s->clean_len = 0;
	for (unsigned int i = 0; i < s->n; i++)
		if (!bit(s->drop, s->span[i].type) && s->span[i].type != skip)
			put_span(p, &s->span[i], s->clean, &s->clean_len);
}

/* Family of MP attribute `which` (its first 3 bytes), or -1. */
static int mp_family(const struct parts *p, const struct scan *s, int which)
{
	const struct span *sp;
	const uint8_t *v;

	if (s->mp[which] < 0)
		return -1;
	sp = &s->span[s->mp[which]];
	v = p->attrs + sp->off;
	return sp->len < 3 ? -1 : wire_family((uint16_t)(v[0] << 8 | v[1]), v[2]);
}

static bool mp_addpath(const struct parts *p, const struct scan *s, const struct update_ctx *ctx,
		       int which)
{
	int f = mp_family(p, s, which);

	return f >= 0 && ctx->nego->addpath[f];
}

/* What user/bgp found wrong with a prefix list (-EINVAL), where it is. */
static __thread char parse_err[160];

static struct bgp_ctx bgp_ctx_of(const struct update_ctx *ctx, bool addpath)
{
	/* Strict prefix lists (not bgpdump_compat, which has no maximum
	 * length and keeps a /129's length byte from the prefix): a prefix cut
	 * or longer than its family allows fails the list, and both are
	 * session resets (RFC 7606 5.3, 7.11). */
	struct bgp_ctx c = { .asn_size = ctx->nego->as4 ? 4 : 2,
			     .addpath = addpath,
			     .arena = ctx->arena,
			     .err = parse_err,
			     .errlen = sizeof(parse_err) };
	return c;
}

/* MP_UNREACH_NLRI alone, when its family's ADD-PATH flag differs from the
 * one the rest of the block is decoded with. */
static int parse_unreach(const struct parts *p, struct scan *s, const struct update_ctx *ctx,
			 struct bgp_attrs *at)
{
	bool ap = mp_addpath(p, s, ctx, MP_UNREACH);
	struct bgp_ctx c = bgp_ctx_of(ctx, ap);
	struct bgp_attrs one;
	uint8_t buf[BGP_MAX_LEN];
	size_t n = 0;
	int err;

	put_span(p, &s->span[s->mp[MP_UNREACH]], buf, &n);
	err = bgp_attrs_parse(buf, n, &c, &one);
	if (err)
		return err;
	at->mp_unreach = one.mp_unreach;
	at->present |= one.present & (1U << BGP_ATTR_MP_UNREACH_NLRI);
	at->malformed |= one.malformed & (1U << BGP_ATTR_MP_UNREACH_NLRI);
	return 0;
}

/* An MP attribute's prefixes that user/bgp cannot read: session reset. */
static int mp_unreadable(int err, bool *failed, struct update_out *o)
{
	if (err != -EINVAL)
		return err;
	reset(o, FEED_FAULT_MP_MALFORMED, BGP_UPD_OPTIONAL, "%s", parse_err);
	*failed = true;
	return 0;
}

/* The block into at; *failed if an MP attribute cannot be read (each such
 * attribute counted). */
static int parse_attrs(const struct parts *p, struct scan *s, const struct update_ctx *ctx,
		       struct bgp_attrs *at, bool *failed, struct update_out *o)
{
	int lead = s->mp[MP_REACH] >= 0 ? MP_REACH : MP_UNREACH;
	bool ap = mp_addpath(p, s, ctx, lead);
	bool apart = s->mp[MP_UNREACH] >= 0 && !bit(s->drop, BGP_ATTR_MP_UNREACH_NLRI) &&
		     mp_addpath(p, s, ctx, MP_UNREACH) != ap;
	struct bgp_ctx c = bgp_ctx_of(ctx, ap);
	int err;

	assemble(p, s, apart ? BGP_ATTR_MP_UNREACH_NLRI : -1);
	err = mp_unreadable(bgp_attrs_parse(s->clean, s->clean_len, &c, at), failed, o);
	if (!err && apart)
		err = mp_unreadable(parse_unreach(p, s, ctx, at), failed, o);
	return err;
}

static bool has_empty_segment(const struct bgp_aspath *a)
{
	for (uint32_t i = 0; i < a->nsegs; i++)
		if (!a->segs[i].count)
			return true;
	return false;
}

/* The types user/bgp found malformed (bit 0 stands for LARGE_COMMUNITIES),
 * plus empty AS path segments (RFC 7606 7.2); returns true if one is to be
 * discarded (then the block is decoded again without it). */
static bool check_malformed(struct bgp_attrs *at, struct scan *s, const struct update_ctx *ctx,
			    struct update_out *o)
{
	bool again = false;

	if (has_empty_segment(&at->as_path_raw))
		at->malformed |= 1U << BGP_ATTR_AS_PATH;
	if (has_empty_segment(&at->as4_path))
		at->malformed |= 1U << BGP_ATTR_AS4_PATH;
	for (unsigned int t = 0; t < 32; t++) {
		uint8_t type = t ? (uint8_t)t : BGP_ATTR_LARGE_COMMUNITIES;
		struct rule r;

		if (!(at->malformed >> t & 1U) || !rule_of(type, ctx->ibgp, &r))
			continue;
		if (r.bad == UPD_RESET) {
			reset(o, FEED_FAULT_MP_MALFORMED, BGP_UPD_OPTIONAL, "%s cannot be parsed",
			      r.name);
		} else if (r.bad == UPD_DISCARD) {
			fault(o, FEED_FAULT_ATTR_DISCARDED, UPD_DISCARD, "%s malformed: discarded",
			      r.name);
			set_bit(s->drop, type);
			again = true;
		} else {
			fault(o, FEED_FAULT_ATTR_MALFORMED, UPD_WITHDRAW,
			      "%s malformed (length or value)", r.name);
		}
	}
	return again;
}

static int decode_attrs(const struct parts *p, struct scan *s, const struct update_ctx *ctx,
			struct decoded *d, struct update_out *o)
{
	bool failed = false;
	int err = parse_attrs(p, s, ctx, &d->at, &failed, o);

	if (err || failed || !check_malformed(&d->at, s, ctx, o))
		return err;
	return parse_attrs(p, s, ctx, &d->at, &failed, o);
}

static int decode_v4_field(const uint8_t *b, size_t len, const struct update_ctx *ctx,
			   const char *what, const struct mrt_prefix **v, uint32_t *n,
			   struct update_out *o)
{
	struct bgp_ctx c = bgp_ctx_of(ctx, ctx->nego->addpath[FEED_IPV4]);
	bool cut;
	int err = bgp_nlri_parse(b, len, 4, what, &c, v, n, &cut);

	if (err != -EINVAL)
		return err;
	reset(o, FEED_FAULT_NLRI, BGP_UPD_NETWORK, "%s%s", parse_err,
	      ctx->nego->addpath[FEED_IPV4] ? " (with ADD-PATH path ids)" : "");
	return 0;
}

/* ---- what the message means ---- */

static int eor_family(const struct parts *p, const struct scan *s, const struct decoded *d)
{
	const struct bgp_mp_unreach *u = &d->at.mp_unreach;

	if (p->wd_len || p->nlri_len)
		return -1;
	if (!p->attrs_len)
		return FEED_IPV4;
	if (s->n != 1 || s->mp[MP_UNREACH] != 0 || !u->present || u->n_withdrawn || d->at.malformed)
		return -1;
	return wire_family(u->afi, u->safi);
}

static void check_mandatory(const struct decoded *d, struct update_out *o)
{
	bool routes = d->n_nlri4 || d->at.mp_reach.n_nlri;

	if (!routes)
		return;
	if (!BGP_HAS(&d->at, BGP_ATTR_ORIGIN))
		fault(o, FEED_FAULT_MISSING_WELLKNOWN, UPD_WITHDRAW, "ORIGIN missing");
	if (!BGP_HAS(&d->at, BGP_ATTR_AS_PATH))
		fault(o, FEED_FAULT_MISSING_WELLKNOWN, UPD_WITHDRAW, "AS_PATH missing");
	if (d->n_nlri4 && !BGP_HAS(&d->at, BGP_ATTR_NEXT_HOP))
		fault(o, FEED_FAULT_MISSING_WELLKNOWN, UPD_WITHDRAW, "NEXT_HOP missing");
}

/* ---- the batch ---- */

struct plist {
	const struct mrt_prefix *v[2];
	uint32_t n[2];
};

static uint32_t plist_total(const struct plist *l)
{
	return l->n[0] + l->n[1];
}

/* Keeps a list only if its family was negotiated (counts it otherwise). */
static void plist_set(struct plist *l, int i, int fam, const struct mrt_prefix *v, uint32_t n,
		      const struct update_ctx *ctx, struct update_out *o)
{
	if (n && (fam < 0 || !ctx->nego->fam[fam])) {
		fault(o, FEED_FAULT_FAMILY, UPD_OK, "%u prefixes of a family not negotiated", n);
		n = 0;
	}
	l->v[i] = v;
	l->n[i] = n;
}

static void pfx_copy(struct feed_pfx *out, const struct mrt_prefix *p)
{
	memset(out, 0, sizeof(*out));
	out->family = p->ip.family;
	out->plen = p->len;
	out->path_id = p->has_path_id ? p->path_id : 0;
	memcpy(out->addr, p->ip.a, sizeof(out->addr));
	prefix_mask(out->addr, out->family, out->plen);
}

static void plist_copy(const struct plist *l, struct feed_pfx *out)
{
	for (int i = 0; i < 2; i++)
		for (uint32_t j = 0; j < l->n[i]; j++)
			pfx_copy(out++, &l->v[i][j]);
}

static struct feed_batch *batch_new(const struct update_ctx *ctx, uint32_t n_path,
				    uint32_t n_announce, uint32_t n_withdraw)
{
	if (ctx->carve_q)
		return queue_batch_carve(ctx->carve_q, FEED_EV_ROUTES, n_path, n_announce,
					 n_withdraw);
	return queue_batch_new(FEED_EV_ROUTES, n_path, n_announce, n_withdraw);
}

static int build_batch(const struct decoded *d, const struct update_ctx *ctx, struct update_out *o)
{
	const struct bgp_mp_reach *r = &d->at.mp_reach;
	const struct bgp_mp_unreach *u = &d->at.mp_unreach;
	struct plist ann, wd;
	uint32_t n_path = 0;
	bool set = false;
	struct feed_batch *b;

	plist_set(&ann, 0, FEED_IPV4, d->nlri4, d->n_nlri4, ctx, o);
	plist_set(&ann, 1, wire_family(r->afi, r->safi), r->nlri, r->present ? r->n_nlri : 0, ctx,
		  o);
	plist_set(&wd, 0, FEED_IPV4, d->wd4, d->n_wd4, ctx, o);
	plist_set(&wd, 1, wire_family(u->afi, u->safi), u->withdrawn,
		  u->present ? u->n_withdrawn : 0, ctx, o);
	if ((r->present && r->skipped) || (u->present && u->skipped))
		fault(o, FEED_FAULT_FAMILY, UPD_OK, "MP attribute of AFI %u SAFI %u ignored",
		      r->skipped ? r->afi : u->afi, r->skipped ? r->safi : u->safi);
	if (!plist_total(&ann) && !plist_total(&wd))
		return 0;
	if (o->action == UPD_WITHDRAW) { /* "treat-as-withdraw" */
		b = batch_new(ctx, 0, 0, plist_total(&wd) + plist_total(&ann));
		if (!b)
			return -ENOMEM;
		plist_copy(&wd, b->withdraw);
		plist_copy(&ann, b->withdraw + plist_total(&wd));
		o->batch = b;
		return 0;
	}
	if (plist_total(&ann))
		n_path = bgp_aspath_flat(&d->at.as_path, NULL, 0, &set, NULL);
	b = batch_new(ctx, n_path, plist_total(&ann), plist_total(&wd));
	if (!b)
		return -ENOMEM;
	bgp_aspath_flat(&d->at.as_path, b->path, n_path, &b->ends_in_set, NULL);
	plist_copy(&ann, b->announce);
	plist_copy(&wd, b->withdraw);
	o->batch = b;
	return 0;
}

/* ---- the whole message ---- */

static int decode_body(const struct parts *p, struct scan *s, const struct update_ctx *ctx,
		       struct update_out *o)
{
	struct decoded d = { 0 };
	int err;

	scan(p, ctx, s, o);
	check_overrun(p, s, o);
	err = decode_attrs(p, s, ctx, &d, o);
	if (!err)
		err = decode_v4_field(p->wd, p->wd_len, ctx, "withdrawn routes", &d.wd4, &d.n_wd4,
				      o);
	if (!err)
		err = decode_v4_field(p->nlri, p->nlri_len, ctx, "NLRI", &d.nlri4, &d.n_nlri4, o);
	if (err || o->action == UPD_RESET)
		return err;
	o->eor = eor_family(p, s, &d);
	if (o->eor >= 0)
		return 0;
	check_mandatory(&d, o);
	return build_batch(&d, ctx, o);
}

int update_decode(const uint8_t *msg, size_t len, const struct update_ctx *ctx,
		  struct update_out *o)
{
	static __thread struct scan s; /* 20 KiB: kept off the stack */
	struct parts p;

	memset(o, 0, sizeof(*o));
	o->eor = -1;
	if (len < BGP_HDR_LEN || split(msg + BGP_HDR_LEN, len - BGP_HDR_LEN, &p)) {
		reset(o, FEED_FAULT_LENGTHS, BGP_UPD_ATTR_LIST,
		      "withdrawn routes or attribute length overruns the message (%zu bytes)", len);
		return 0;
	}
	memset(&s, 0, offsetof(struct scan, span));
	return decode_body(&p, &s, ctx, o);
}

const char *update_action_name(enum update_action a)
{
	static const char *const names[] = { "accepted", "attribute discarded",
					     "treated as withdraw", "session reset" };

	return a <= UPD_RESET ? names[a] : "?";
}
