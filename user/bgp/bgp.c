// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/bgp/bgp.c - BGP path attributes, NLRI and messages (RFC 4271, 4760, 6793,
 * 7911, 8092), decoded from MRT records through a bounds-checked cursor.
 *
 * Attribute values that are too short are zero-filled (and flagged in
 * bgp_attrs.malformed), which is what route collectors' tools print; an
 * attribute that runs past its block ends attribute parsing (truncated).
 * Must not: read outside the buffer it is given, allocate per call outside
 * the arena, or log.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "bgp/bgp.h"

/* ---- arena ---- */

struct mrt_arena_chunk {
	struct mrt_arena_chunk *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

/* Smallest chunk the arena allocates (a larger request gets a chunk of its
 * own size): a granularity, not a limit.  A.limit is 0 (none) in the reader:
 * a record's decoded data is bounded by the record's size times a constant. */
#define ARENA_CHUNK_MIN (256U << 10)

void *mrt_arena_alloc(struct mrt_arena *a, size_t n)
{
	struct mrt_arena_chunk *c = a->cur;

	n = (n + 15) & ~(size_t)15;
	while (c) {
		if (c->size - c->used >= n) {
			void *p = c->data + c->used;
			c->used += n;
			a->cur = c;
			return p;
		}
		if (!c->next)
			break;
		c = c->next;
		c->used = 0;
	}
	if (a->limit && a->used_total + n > a->limit)
		return NULL;
	size_t sz = n > ARENA_CHUNK_MIN ? n : ARENA_CHUNK_MIN;
	struct mrt_arena_chunk *nc = malloc(sizeof(*nc) + sz);
	if (!nc)
		return NULL;
	nc->next = NULL;
	nc->size = sz;
	nc->used = n;
	a->used_total += sz;
	if (c)
		c->next = nc;
	else
		a->head = nc;
	a->cur = nc;
	return nc->data;
}

void mrt_arena_reset(struct mrt_arena *a)
{
	a->cur = a->head;
	if (a->cur)
		a->cur->used = 0;
}

void mrt_arena_free(struct mrt_arena *a)
{
	struct mrt_arena_chunk *c = a->head, *n;

	for (; c; c = n) {
		n = c->next;
		free(c);
	}
	a->head = a->cur = NULL;
	a->used_total = 0;
}

static int ctx_err(const struct bgp_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int ctx_err(const struct bgp_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->err && ctx->errlen) {
		va_start(ap, fmt);
		vsnprintf(ctx->err, ctx->errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* ---- NLRI ---- */

/* One prefix as bgpdump 1.6.2 stores it: pb holds its nb bytes; more than
 * 16 overwrite the length (byte 16) and the path id (bytes 20..23, host
 * order) of the entry they are copied into. */
static void compat_prefix(struct mrt_prefix *p, int family, const uint8_t pb[32], size_t nb,
			  uint8_t plen, uint32_t pid, bool addpath)
{
	memset(p, 0, sizeof(*p));
	p->ip.family = (uint8_t)family;
	memcpy(p->ip.a, pb, 16);
	p->len = nb > 16 ? pb[16] : plen;
	if (nb > 20) {
		uint8_t h[4] = { (uint8_t)pid, (uint8_t)(pid >> 8), (uint8_t)(pid >> 16),
				 (uint8_t)(pid >> 24) };
		for (size_t k = 0; k < 4 && 20 + k < nb; k++)
			h[k] = pb[20 + k];
		pid = (uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16 |
		      (uint32_t)h[3] << 24;
	}
	p->path_id = pid;
	p->has_path_id = addpath;
}

/* bgpdump 1.6.2's read_prefix_list(), reproduced for its printer: short
 * path ids and lengths read as zero-filled, no maximum length, and a prefix
 * of more than 16 bytes is stored as compat_prefix() says.  Pass 0 counts,
 * pass 1 fills. */
static int nlri_parse_compat(const uint8_t *buf, size_t len, int family, const struct bgp_ctx *ctx,
			     const struct mrt_prefix **out, uint32_t *n, bool *cut)
{
	struct bgp_cur c;
	uint32_t count = 0;
	struct mrt_prefix *v = NULL;

	for (int pass = 0; pass < 2; pass++) {
		c = bgp_cur_make(buf, len);
		uint32_t i = 0;
		while (bgp_cur_left(&c)) {
			/* pb: (255 + 7) / 8 = 32 bytes, the longest any length
			 * byte can ask for */
			uint8_t plen = 0, pb[32] = { 0 };
			uint32_t pid = 0;

			if (ctx->addpath) {
				size_t k = bgp_cur_left(&c) < 4 ? bgp_cur_left(&c) : 4;
				pid = be_get_zf(c.p, k, 4);
				c.p += k;
			}
			bgp_get8(&c, &plen);
			size_t nb = (plen + 7u) / 8u;
			if (bgp_cur_left(&c) < nb) {
				*cut = true;
				break;
			}
			memcpy(pb, c.p, nb);
			c.p += nb;
			if (pass == 1)
				compat_prefix(&v[i], family, pb, nb, plen, pid, ctx->addpath);
			i++;
		}
		if (pass == 0) {
			count = i;
			if (!count)
				return 0;
			v = mrt_arena_alloc(ctx->arena, (size_t)count * sizeof(*v));
			if (!v)
				return -ENOMEM;
		}
	}
	if (*cut && ctx->stats)
		ctx->stats->nlri_cut++;
	*out = v;
	*n = count;
	return 0;
}

/* Checks one prefix at the cursor and steps over it: 0, or -EINVAL naming
 * the list, where the prefix starts and what is wrong with it. */
static int nlri_next(struct bgp_cur *c, const uint8_t *buf, size_t len, unsigned int maxlen,
		     const struct bgp_ctx *ctx, const char *list)
{
	size_t at = (size_t)(c->p - buf);
	uint32_t pid;
	uint8_t plen;

	if (ctx->addpath && bgp_get32(c, &pid))
		return ctx_err(ctx, "%s: prefix at byte %zu of %zu is cut in its path id", list, at,
			       len);
	if (bgp_get8(c, &plen))
		return ctx_err(ctx, "%s: prefix at byte %zu of %zu is cut before its length", list,
			       at, len);
	if (plen > maxlen)
		return ctx_err(ctx, "%s: prefix at byte %zu of %zu has length %u (at most %u)",
			       list, at, len, plen, maxlen);
	if (bgp_cur_left(c) < (plen + 7u) / 8u)
		return ctx_err(ctx,
			       "%s: prefix at byte %zu of %zu is cut: /%u needs %u bytes, %zu left",
			       list, at, len, plen, (plen + 7u) / 8u, bgp_cur_left(c));
	c->p += (plen + 7u) / 8u;
	return 0;
}

int bgp_nlri_parse(const uint8_t *buf, size_t len, int family, const char *list,
		   const struct bgp_ctx *ctx, const struct mrt_prefix **out, uint32_t *n, bool *cut)
{
	struct bgp_cur c = bgp_cur_make(buf, len);
	unsigned int maxlen = family == 6 ? 128 : 32;
	uint32_t count = 0;
	struct mrt_prefix *v;
	int err;

	*out = NULL;
	*n = 0;
	*cut = false;
	if (ctx->bgpdump_compat)
		return nlri_parse_compat(buf, len, family, ctx, out, n, cut);
	/* pass 1: count the prefixes; a malformed one fails the list, since
	 * every prefix after it would be lost */
	while (bgp_cur_left(&c)) {
		err = nlri_next(&c, buf, len, maxlen, ctx, list);
		if (err)
			return err;
		count++;
	}
	if (!count)
		return 0;
	v = mrt_arena_alloc(ctx->arena, (size_t)count * sizeof(*v));
	if (!v)
		return -ENOMEM;
	c = bgp_cur_make(buf, len);
	for (uint32_t i = 0; i < count; i++) {
		struct mrt_prefix *p = &v[i];
		uint8_t plen = 0;

		memset(p, 0, sizeof(*p));
		if (ctx->addpath) {
			bgp_get32(&c, &p->path_id);
			p->has_path_id = true;
		}
		bgp_get8(&c, &plen);
		p->len = plen;
		p->ip.family = (uint8_t)family;
		bgp_getn(&c, p->ip.a, (plen + 7u) / 8u);
	}
	*out = v;
	*n = count;
	return 0;
}

/* ---- AS paths ---- */

int bgp_aspath_parse(const uint8_t *buf, size_t len, uint8_t asn_size, struct mrt_arena *a,
		     struct bgp_aspath *p)
{
	struct bgp_cur c = bgp_cur_make(buf, len);
	uint32_t nsegs = 0, nasns = 0;
	struct bgp_seg *segs;
	uint32_t *asns;

	memset(p, 0, sizeof(*p));
	p->present = true;
	p->asn_size = asn_size;
	/* pass 1: count what is well-formed */
	while (bgp_cur_left(&c)) {
		uint8_t type, cnt;

		if (bgp_get8(&c, &type) || bgp_get8(&c, &cnt)) {
			p->error = true;
			break;
		}
		if (type < BGP_SEG_AS_SET || type > BGP_SEG_AS_CONFED_SET ||
		    bgp_cur_left(&c) < (size_t)cnt * asn_size) {
			p->error = true;
			break;
		}
		c.p += (size_t)cnt * asn_size;
		nsegs++;
		nasns += cnt;
	}
	if (!nsegs)
		return 0;
	segs = mrt_arena_alloc(a, nsegs * sizeof(*segs));
	asns = mrt_arena_alloc(a, (nasns ? nasns : 1) * sizeof(*asns));
	if (!segs || !asns)
		return -ENOMEM;
	c = bgp_cur_make(buf, len);
	uint32_t k = 0;
	for (uint32_t i = 0; i < nsegs; i++) {
		uint8_t type = 0, cnt = 0;

		bgp_get8(&c, &type);
		bgp_get8(&c, &cnt);
		segs[i].type = type;
		segs[i].pad = 0;
		segs[i].count = cnt;
		segs[i].first = k;
		for (unsigned int j = 0; j < cnt; j++) /* pass 1 counted whole ones */
			bgp_get_asn(&c, asn_size, &asns[k++]);
	}
	p->segs = segs;
	p->asns = asns;
	p->nsegs = nsegs;
	p->nasns = nasns;
	return 0;
}

uint32_t bgp_aspath_count(const struct bgp_aspath *p)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < p->nsegs; i++) {
		if (p->segs[i].type == BGP_SEG_AS_SEQUENCE)
			n += p->segs[i].count;
		else if (p->segs[i].type == BGP_SEG_AS_SET)
			n += 1;
	}
	return n;
}

int bgp_aspath_merge(const struct bgp_aspath *path, const struct bgp_aspath *as4,
		     struct mrt_arena *a, struct bgp_aspath *out)
{
	uint32_t n2 = bgp_aspath_count(path), n4 = bgp_aspath_count(as4);
	struct bgp_seg *segs;
	uint32_t *asns;
	uint32_t ns = 0, na = 0, keep, got = 0;

	if (n2 < n4 || as4->error) {
		*out = *path;
		return 0;
	}
	keep = n2 - n4;
	segs = mrt_arena_alloc(a, (path->nsegs + as4->nsegs + 1) * sizeof(*segs));
	asns = mrt_arena_alloc(a, (path->nasns + as4->nasns + 1) * sizeof(*asns));
	if (!segs || !asns)
		return -ENOMEM;
	/* Leading part of AS_PATH: `keep` ASes as RFC 4271 counts them;
	 * confederation segments are copied through uncounted. */
	for (uint32_t i = 0; i < path->nsegs && got < keep; i++) {
		const struct bgp_seg *s = &path->segs[i];
		uint32_t take = s->count;

		if (s->type == BGP_SEG_AS_SEQUENCE) {
			if (take > keep - got)
				take = keep - got;
			got += take;
		} else if (s->type == BGP_SEG_AS_SET) {
			got += 1;
		}
		segs[ns] = *s;
		segs[ns].count = (uint16_t)take;
		segs[ns].first = na;
		memcpy(asns + na, path->asns + s->first, take * sizeof(*asns));
		na += take;
		ns++;
	}
	for (uint32_t i = 0; i < as4->nsegs; i++) {
		segs[ns] = as4->segs[i];
		segs[ns].first = na;
		memcpy(asns + na, as4->asns + as4->segs[i].first,
		       as4->segs[i].count * sizeof(*asns));
		na += as4->segs[i].count;
		ns++;
	}
	memset(out, 0, sizeof(*out));
	out->segs = segs;
	out->asns = asns;
	out->nsegs = ns;
	out->nasns = na;
	out->present = true;
	out->asn_size = 0;
	out->error = path->error;
	return 0;
}

uint32_t bgp_aspath_flat(const struct bgp_aspath *p, uint32_t *out, uint32_t max, bool *ends_in_set,
			 uint32_t *n_set_asns)
{
	uint32_t n = 0;
	bool set = false;
	uint32_t setn = 0;

	for (uint32_t i = 0; i < p->nsegs; i++) {
		const struct bgp_seg *s = &p->segs[i];

		if (s->type != BGP_SEG_AS_SEQUENCE && s->type != BGP_SEG_AS_SET)
			continue;
		for (uint32_t j = 0; j < s->count; j++, n++)
			if (n < max)
				out[n] = p->asns[s->first + j];
		set = s->type == BGP_SEG_AS_SET;
		setn = set ? s->count : 0;
	}
	if (ends_in_set)
		*ends_in_set = set;
	if (n_set_asns)
		*n_set_asns = setn;
	return n;
}

/* ---- attributes ---- */

static void ip4_zf(struct mrt_ip *ip, const uint8_t *p, size_t len)
{
	memset(ip, 0, sizeof(*ip));
	ip->family = 4;
	memcpy(ip->a, p, len < 4 ? len : 4);
}

static void mark(struct bgp_attrs *o, unsigned int type)
{
	o->malformed |= type < 32 ? 1U << type : 1U;
}

/* Next hop field of MP_REACH_NLRI: 4, 16 or 32 (global + link-local);
 * 24/48 (RFC 4659-style with RD) and others: kept as length only.  A field
 * cut by the end of the attribute is zero-filled (and flagged by the
 * caller), as route collectors' tools read it. */
static void mp_nexthop(struct bgp_mp_reach *m, const uint8_t *src, size_t avail, uint8_t nhlen)
{
	uint8_t p[32] = { 0 }; /* the longest next hop decoded; nh_len keeps the length */

	memcpy(p, src, avail < sizeof(p) ? avail : sizeof(p));
	m->nh_len = nhlen;
	if (nhlen == 4) {
		m->nexthop.family = 4;
		memcpy(m->nexthop.a, p, 4);
	} else if (nhlen == 16 || nhlen == 32) {
		m->nexthop.family = 6;
		memcpy(m->nexthop.a, p, 16);
		if (nhlen == 32) {
			m->nexthop_ll.family = 6;
			memcpy(m->nexthop_ll.a, p + 16, 16);
		}
	}
}

static bool afi_safi_ok(uint16_t afi, uint8_t safi)
{
	return (afi == BGP_AFI_IPV4 || afi == BGP_AFI_IPV6) && safi >= 1 && safi <= 3;
}

/* An MP_REACH_NLRI whose prefixes cannot be found: flagged; -EINVAL (they
 * would be lost) unless the reading is bgpdump's, the attribute is in a
 * TABLE_DUMP_V2 entry (no prefixes there) or of a family not decoded. */
static int mp_cut(const struct bgp_ctx *ctx, struct bgp_attrs *o, size_t len, const char *where)
{
	mark(o, BGP_ATTR_MP_REACH_NLRI);
	if (ctx->bgpdump_compat || ctx->rib_entry ||
	    !afi_safi_ok(o->mp_reach.afi, o->mp_reach.safi))
		return 0;
	return ctx_err(ctx, "MP_REACH_NLRI of %zu bytes is cut %s", len, where);
}

/* The prefixes at c that end an MP_REACH_NLRI or MP_UNREACH_NLRI (type):
 * none for a family not decoded (*skipped, counted) or in a TABLE_DUMP_V2
 * entry; a list cut short is flagged on the attribute. */
static int mp_prefixes(struct bgp_cur *c, unsigned int type, uint16_t afi, uint8_t safi,
		       const struct bgp_ctx *ctx, struct bgp_attrs *o, bool *skipped,
		       const struct mrt_prefix **out, uint32_t *n)
{
	bool cut;
	int err;

	if (!afi_safi_ok(afi, safi)) {
		*skipped = true;
		if (ctx->stats)
			ctx->stats->afi_skipped++;
		return 0;
	}
	if (ctx->rib_entry)
		return 0;
	err = bgp_nlri_parse(c->p, bgp_cur_left(c), afi == BGP_AFI_IPV6 ? 6 : 4,
			     type == BGP_ATTR_MP_REACH_NLRI ? "MP_REACH_NLRI" : "MP_UNREACH_NLRI",
			     ctx, out, n, &cut);
	if (cut)
		mark(o, type);
	return err;
}

static int mp_reach(const uint8_t *v, size_t len, const struct bgp_ctx *ctx, struct bgp_attrs *o)
{
	struct bgp_mp_reach *m = &o->mp_reach;
	struct bgp_cur c = bgp_cur_make(v, len);
	uint8_t nhlen = 0, snpa = 0;

	memset(m, 0, sizeof(*m));
	m->present = true;
	if (len && v[0] != 0) {
		/* RFC 6396 4.3.4: TABLE_DUMP_V2 keeps only the next hop. */
		m->abbreviated = true;
		bgp_get8(&c, &nhlen);
		mp_nexthop(m, c.p, bgp_cur_left(&c) < nhlen ? bgp_cur_left(&c) : nhlen, nhlen);
		if (bgp_cur_left(&c) < nhlen)
			mark(o, BGP_ATTR_MP_REACH_NLRI);
		return 0;
	}
	if (bgp_get16(&c, &m->afi) || bgp_get8(&c, &m->safi) || bgp_get8(&c, &nhlen))
		return mp_cut(ctx, o, len, "before its next hop");
	if (bgp_cur_left(&c) < nhlen) {
		mp_nexthop(m, c.p, bgp_cur_left(&c), nhlen);
		return mp_cut(ctx, o, len, "in its next hop");
	}
	mp_nexthop(m, c.p, nhlen, nhlen);
	/* bgpdump skips the next hop only for lengths 4, 16 and 32, and reads
	 * the SNPA count from the next hop otherwise */
	if (!ctx->bgpdump_compat || nhlen == 4 || nhlen == 16 || nhlen == 32)
		c.p += nhlen;
	if (bgp_get8(&c, &snpa))
		return mp_cut(ctx, o, len, "before its SNPA count");
	for (; snpa; snpa--) { /* SNPAs: obsolete, skipped */
		uint8_t l;
		if (bgp_get8(&c, &l) || bgp_cur_left(&c) < l)
			return mp_cut(ctx, o, len, "in its SNPAs");
		c.p += l;
	}
	return mp_prefixes(&c, BGP_ATTR_MP_REACH_NLRI, m->afi, m->safi, ctx, o, &m->skipped,
			   &m->nlri, &m->n_nlri);
}

static int mp_unreach(const uint8_t *v, size_t len, const struct bgp_ctx *ctx, struct bgp_attrs *o)
{
	struct bgp_mp_unreach *m = &o->mp_unreach;
	struct bgp_cur c = bgp_cur_make(v, len);

	memset(m, 0, sizeof(*m));
	m->present = true;
	if (bgp_get16(&c, &m->afi) || bgp_get8(&c, &m->safi)) {
		mark(o, BGP_ATTR_MP_UNREACH_NLRI);
		return 0;
	}
	return mp_prefixes(&c, BGP_ATTR_MP_UNREACH_NLRI, m->afi, m->safi, ctx, o, &m->skipped,
			   &m->withdrawn, &m->n_withdrawn);
}

/* Expected attribute flag bits (optional, transitive) per RFC 4271 5. */
static bool flags_ok(uint8_t type, uint8_t flags)
{
	uint8_t ot = flags & 0xC0;

	switch (type) {
	case BGP_ATTR_ORIGIN:
	case BGP_ATTR_AS_PATH:
	case BGP_ATTR_NEXT_HOP:
	case BGP_ATTR_LOCAL_PREF:
	case BGP_ATTR_ATOMIC_AGGREGATE:
		return ot == 0x40; /* well-known: transitive, not optional */
	case BGP_ATTR_MED:
	case BGP_ATTR_ORIGINATOR_ID:
	case BGP_ATTR_CLUSTER_LIST:
	case BGP_ATTR_MP_REACH_NLRI:
	case BGP_ATTR_MP_UNREACH_NLRI:
		return ot == 0x80; /* optional non-transitive */
	case BGP_ATTR_AGGREGATOR:
	case BGP_ATTR_COMMUNITIES:
	case BGP_ATTR_AS4_PATH:
	case BGP_ATTR_AS4_AGGREGATOR:
	case BGP_ATTR_LARGE_COMMUNITIES:
		return ot == 0xC0; /* optional transitive */
	default:
		return true;
	}
}

/* Flags, type and length (1 or 2 bytes, by the extended-length flag);
 * -1 when the header is cut. */
static int attr_header(struct bgp_cur *c, uint8_t *flags, uint8_t *type, uint16_t *alen)
{
	uint8_t l8;

	if (bgp_get8(c, flags) || bgp_get8(c, type))
		return -1;
	if (*flags & 0x10)
		return bgp_get16(c, alen);
	if (bgp_get8(c, &l8))
		return -1;
	*alen = l8;
	return 0;
}

/* AGGREGATOR: a 4-byte ASN when 8 bytes long, or when the session speaks
 * 4-byte ASNs and the length is not 6; otherwise a 2-byte one. */
static void attr_aggregator(const uint8_t *v, uint16_t alen, const struct bgp_ctx *ctx,
			    struct bgp_attrs *o)
{
	o->aggregator_raw = v;
	o->aggregator_raw_len = alen;
	if (alen == 8 || (alen != 6 && ctx->asn_size == 4)) {
		o->aggregator_asn = be_get_zf(v, alen, 4);
		ip4_zf(&o->aggregator_ip, alen > 4 ? v + 4 : v + alen, alen > 4 ? alen - 4u : 0);
		o->aggregator_asn_size = 4;
	} else {
		o->aggregator_asn = be_get_zf(v, alen, 2);
		ip4_zf(&o->aggregator_ip, alen > 2 ? v + 2 : v + alen, alen > 2 ? alen - 2u : 0);
		o->aggregator_asn_size = 2;
	}
	if (alen != 6 && alen != 8)
		mark(o, BGP_ATTR_AGGREGATOR);
}

static void attr_as4_aggregator(const uint8_t *v, uint16_t alen, struct bgp_attrs *o)
{
	o->as4_aggregator_raw = v;
	o->as4_aggregator_raw_len = alen;
	o->has_as4_aggregator = true;
	o->as4_aggregator_asn = be_get_zf(v, alen, 4);
	ip4_zf(&o->as4_aggregator_ip, alen > 4 ? v + 4 : v + alen, alen > 4 ? alen - 4u : 0);
	if (alen != 8)
		mark(o, BGP_ATTR_AS4_AGGREGATOR);
}

static int attr_communities(const uint8_t *v, uint16_t alen, const struct bgp_ctx *ctx,
			    struct bgp_attrs *o)
{
	uint32_t n = alen / 4;
	uint32_t *cv = n ? mrt_arena_alloc(ctx->arena, n * sizeof(*cv)) : NULL;

	if (n && !cv)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++)
		cv[i] = be32_get(v + 4 * i);
	o->communities = cv;
	o->n_communities = n;
	if (alen % 4 || !alen)
		mark(o, BGP_ATTR_COMMUNITIES);
	return 0;
}

static int attr_large_communities(const uint8_t *v, uint16_t alen, const struct bgp_ctx *ctx,
				  struct bgp_attrs *o)
{
	uint32_t n = alen / 12;
	struct bgp_large_community *lv = n ? mrt_arena_alloc(ctx->arena, n * sizeof(*lv)) : NULL;

	if (n && !lv)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		lv[i].global = be32_get(v + 12 * i);
		lv[i].local1 = be32_get(v + 12 * i + 4);
		lv[i].local2 = be32_get(v + 12 * i + 8);
	}
	o->has_large_communities = true;
	o->large_communities = lv;
	o->n_large_communities = n;
	if (alen % 12 || !alen)
		mark(o, BGP_ATTR_LARGE_COMMUNITIES);
	return 0;
}

/* AS_PATH (asn_size from the session) or AS4_PATH (always 4). */
static int attr_aspath(uint8_t type, const uint8_t *v, uint16_t alen, uint8_t asn_size,
		       const struct bgp_ctx *ctx, struct bgp_aspath *p, struct bgp_attrs *o)
{
	int err = bgp_aspath_parse(v, alen, asn_size, ctx->arena, p);

	if (err)
		return err;
	if (p->error)
		mark(o, type);
	return 0;
}

/* A 4-byte value (MED, LOCAL_PREF), zero-filled when short. */
static uint32_t attr_u32(uint8_t type, const uint8_t *v, uint16_t alen, struct bgp_attrs *o)
{
	if (alen != 4)
		mark(o, type);
	return be_get_zf(v, alen, 4);
}

/* An IPv4 address (NEXT_HOP, ORIGINATOR_ID), zero-filled when short. */
static void attr_ip4(uint8_t type, const uint8_t *v, uint16_t alen, struct mrt_ip *ip,
		     struct bgp_attrs *o)
{
	ip4_zf(ip, v, alen);
	if (alen != 4)
		mark(o, type);
}

/* One attribute's value into o: 0 or a negative errno. */
static int attr_value(uint8_t type, const uint8_t *v, uint16_t alen, const struct bgp_ctx *ctx,
		      struct bgp_attrs *o)
{
	switch (type) {
	case BGP_ATTR_ORIGIN:
		o->origin = alen ? v[0] : 0;
		if (alen != 1 || o->origin > 2)
			mark(o, type);
		return 0;
	case BGP_ATTR_AS_PATH:
		return attr_aspath(type, v, alen, ctx->asn_size, ctx, &o->as_path_raw, o);
	case BGP_ATTR_AS4_PATH:
		return attr_aspath(type, v, alen, 4, ctx, &o->as4_path, o);
	case BGP_ATTR_NEXT_HOP:
		attr_ip4(type, v, alen, &o->next_hop, o);
		return 0;
	case BGP_ATTR_MED:
		o->med = attr_u32(type, v, alen, o);
		return 0;
	case BGP_ATTR_LOCAL_PREF:
		o->local_pref = attr_u32(type, v, alen, o);
		return 0;
	case BGP_ATTR_ATOMIC_AGGREGATE:
		o->atomic_aggregate = true;
		if (alen != 0)
			mark(o, type);
		return 0;
	case BGP_ATTR_AGGREGATOR:
		attr_aggregator(v, alen, ctx, o);
		return 0;
	case BGP_ATTR_AS4_AGGREGATOR:
		attr_as4_aggregator(v, alen, o);
		return 0;
	case BGP_ATTR_COMMUNITIES:
		return attr_communities(v, alen, ctx, o);
	case BGP_ATTR_LARGE_COMMUNITIES:
		return attr_large_communities(v, alen, ctx, o);
	case BGP_ATTR_ORIGINATOR_ID:
		attr_ip4(type, v, alen, &o->originator_id, o);
		return 0;
	case BGP_ATTR_MP_REACH_NLRI:
		return mp_reach(v, alen, ctx, o);
	case BGP_ATTR_MP_UNREACH_NLRI:
		return mp_unreach(v, alen, ctx, o);
	default:
		o->n_unknown++;
		if (ctx->stats)
			ctx->stats->attrs_unknown++;
		return 0;
	}
}

/* Already seen: the first of a repeated attribute is kept. */
static bool attr_seen(const struct bgp_attrs *o, uint8_t type)
{
	if (type == BGP_ATTR_LARGE_COMMUNITIES)
		return o->has_large_communities;
	return type < 32 ? (o->present >> type) & 1U : false;
}

/* RFC 6793 4.2.3: merge AS4_PATH (and AS4_AGGREGATOR) into a 2-byte
 * AS_PATH, unless AGGREGATOR names an AS other than AS_TRANS. */
static int as4_merge(const struct bgp_ctx *ctx, struct bgp_attrs *o)
{
	o->as_path = o->as_path_raw;
	if (ctx->asn_size != 2)
		return 0;
	bool ignore = BGP_HAS(o, BGP_ATTR_AGGREGATOR) && o->aggregator_asn != BGP_AS_TRANS &&
		      o->has_as4_aggregator;
	if (!ignore && o->has_as4_aggregator && BGP_HAS(o, BGP_ATTR_AGGREGATOR)) {
		o->aggregator_asn = o->as4_aggregator_asn;
		o->aggregator_ip = o->as4_aggregator_ip;
	}
	if (!ignore && o->as4_path.present && o->as_path_raw.present)
		return bgp_aspath_merge(&o->as_path_raw, &o->as4_path, ctx->arena, &o->as_path);
	return 0;
}

int bgp_attrs_parse(const uint8_t *buf, size_t len, const struct bgp_ctx *ctx, struct bgp_attrs *o)
{
	struct bgp_cur c = bgp_cur_make(buf, len);
	int err;

	memset(o, 0, sizeof(*o));
	o->raw = buf;
	o->raw_len = (uint32_t)len;
	while (bgp_cur_left(&c)) {
		size_t at = len - bgp_cur_left(&c);
		uint8_t flags = 0, type = 0;
		uint16_t alen = 0;
		const uint8_t *v;

		if (attr_header(&c, &flags, &type, &alen) || bgp_cur_left(&c) < alen) {
			o->truncated = true;
			/* the message is for update_parse(), which fails on it */
			ctx_err(ctx,
				"path attribute at byte %zu of %zu (type %u) runs past the block",
				at, len, type);
			break;
		}
		v = c.p;
		c.p += alen;
		if (attr_seen(o, type) && type != 0) {
			mark(o, type); /* repeated: the first one is kept */
			continue;
		}
		if (!flags_ok(type, flags))
			mark(o, type);
		if (type < 32)
			o->present |= 1U << type;
		err = attr_value(type, v, alen, ctx, o);
		if (err)
			return err;
	}
	return as4_merge(ctx, o);
}

/* ---- messages ---- */

static int update_parse(const uint8_t *b, size_t len, const struct bgp_ctx *ctx,
			struct bgp_update *u)
{
	struct bgp_cur c = bgp_cur_make(b, len), wc, ac;
	uint16_t wlen, alen;
	int err;

	if (bgp_get16(&c, &wlen))
		return ctx_err(ctx, "UPDATE too short for withdrawn length (%zu bytes)", len);
	if (bgp_sub(&c, wlen, &wc))
		return ctx_err(ctx, "UPDATE withdrawn length %u exceeds message (%zu left)", wlen,
			       bgp_cur_left(&c));
	if (bgp_get16(&c, &alen))
		return ctx_err(ctx, "UPDATE too short for path attribute length");
	if (bgp_sub(&c, alen, &ac))
		return ctx_err(ctx, "UPDATE path attribute length %u exceeds message (%zu left)",
			       alen, bgp_cur_left(&c));
	err = bgp_nlri_parse(wc.p, bgp_cur_left(&wc), 4, "withdrawn routes", ctx, &u->withdrawn,
			     &u->n_withdrawn, &u->withdrawn_cut);
	if (err)
		return err;
	err = bgp_attrs_parse(ac.p, bgp_cur_left(&ac), ctx, &u->attrs);
	if (err)
		return err;
	/* the rest of the block, MP_(UN)REACH_NLRI included, was not read
	 * (bgp_attrs_parse left the message saying where) */
	if (u->attrs.truncated && !ctx->bgpdump_compat)
		return -EINVAL;
	return bgp_nlri_parse(c.p, bgp_cur_left(&c), 4, "NLRI", ctx, &u->nlri, &u->n_nlri,
			      &u->nlri_cut);
}

/* The 4-octet AS capability (65) among the capabilities of one optional
 * parameter of type 2, if there. */
static void open_caps(struct bgp_cur cc, struct bgp_open *o)
{
	while (bgp_cur_left(&cc) >= 2) {
		uint8_t code = 0, cl = 0;
		bgp_get8(&cc, &code);
		bgp_get8(&cc, &cl);
		if (bgp_cur_left(&cc) < cl)
			break;
		if (code == 65 && cl == 4)
			o->asn4 = be32_get(cc.p);
		cc.p += cl;
	}
}

static void open_parse(const uint8_t *b, size_t len, struct bgp_open *o)
{
	struct bgp_cur c = bgp_cur_make(b, len), pc;
	bool ext;

	bgp_get8(&c, &o->version);
	bgp_get16(&c, &o->asn);
	bgp_get16(&c, &o->hold_time);
	o->bgp_id.family = 4;
	bgp_getn(&c, o->bgp_id.a, 4);
	bgp_get8(&c, &o->opt_len);
	/* RFC 9072: optional parameters longer than 255 bytes (an RFC 8654
	 * OPEN may carry them) are marked by length 255 and type 255, then a
	 * 2-byte length; each parameter then has a 2-byte length */
	ext = o->opt_len == 255 && bgp_cur_left(&c) && c.p[0] == 255;
	/* raw, as far as the message holds them (the OPEN is not used to
	 * build routes: only its 4-octet AS is decoded) */
	if (o->opt_len > bgp_cur_left(&c))
		o->opt_len = (uint8_t)bgp_cur_left(&c);
	o->opt = c.p;
	o->asn4 = o->asn;
	if (ext) {
		uint16_t l16 = 0;
		c.p++;
		bgp_get16(&c, &l16);
		pc = bgp_cur_make(c.p, l16 < bgp_cur_left(&c) ? l16 : bgp_cur_left(&c));
	} else {
		pc = bgp_cur_make(c.p, o->opt_len);
	}
	while (bgp_cur_left(&pc) >= (ext ? 3u : 2u)) {
		uint8_t pt = 0, pl8 = 0;
		uint16_t pl = 0;
		struct bgp_cur cc;

		bgp_get8(&pc, &pt);
		if (ext)
			bgp_get16(&pc, &pl);
		else if (!bgp_get8(&pc, &pl8))
			pl = pl8;
		if (bgp_sub(&pc, pl, &cc))
			break;
		if (pt == 2) /* capabilities */
			open_caps(cc, o);
	}
}

int bgp_msg_parse(const uint8_t *buf, size_t len, const struct bgp_ctx *ctx, struct bgp_msg *m)
{
	struct bgp_cur c = bgp_cur_make(buf, len);
	static const uint8_t marker[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	memset(m, 0, sizeof(*m));
	if (len < 19)
		return ctx_err(ctx, "BGP message of %zu bytes is shorter than its 19-byte header",
			       len);
	if (memcmp(buf, marker, 16))
		return ctx_err(ctx, "BGP message marker is not all ones");
	c.p += 16;
	bgp_get16(&c, &m->len);
	bgp_get8(&c, &m->type);
	if (m->len < 19)
		return ctx_err(ctx, "BGP length %u is shorter than the 19-byte header", m->len);
	if (m->len > len)
		return ctx_err(ctx, "BGP4MP length %u exceeds record length %zu", m->len, len);
	/* RFC 6396: one message per record.  What follows it (a second message,
	 * or a message longer than 65535 bytes wrongly framed) would be lost;
	 * bgpdump ignores it */
	if (m->len < len && !ctx->bgpdump_compat)
		return ctx_err(ctx, "BGP4MP record holds %zu bytes after its BGP message of %u",
			       len - m->len, m->len);
	m->body = buf + 19;
	m->body_len = m->len - 19u;
	switch (m->type) {
	case BGP_MSG_UPDATE:
		return update_parse(m->body, m->body_len, ctx, &m->update);
	case BGP_MSG_OPEN:
		open_parse(m->body, m->body_len, &m->open);
		return 0;
	case BGP_MSG_NOTIFICATION: {
		struct bgp_cur nc = bgp_cur_make(m->body, m->body_len);
		bgp_get8(&nc, &m->notification.code);
		bgp_get8(&nc, &m->notification.subcode);
		m->notification.data = nc.p;
		m->notification.data_len = (uint32_t)bgp_cur_left(&nc);
		return 0;
	}
	default:
		return 0;
	}
}
