/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/bgp/bgp.h - BGP path attribute, NLRI and message decoding for the MRT
 * reader and live BGP sessions (needs no MRT type: values in bgp/types.h).
 *
 * Every read goes through struct bgp_cur, which never moves past its end.
 * Decoded arrays live in a struct mrt_arena that the caller resets per
 * record; nothing here calls malloc per record once the arena is warm.
 * Functions return 0 or a negative errno (-EINVAL: malformed input, with a
 * message in the caller's buffer; -ENOMEM).  They do not log.
 */
#ifndef ASC_BGP_H
#define ASC_BGP_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "bgp/be.h"
#include "bgp/types.h"

#define BGP_AS_TRANS 23456U

/* ---- bounds-checked cursor ---- */
struct bgp_cur {
	const uint8_t *p, *end;
};

static inline struct bgp_cur bgp_cur_make(const void *buf, size_t len)
{
	static const uint8_t empty[1];
	struct bgp_cur c;

	if (!buf) { /* a zero-length record has no buffer yet */
		buf = empty;
		len = 0;
	}
	c.p = (const uint8_t *)buf;
	c.end = c.p + len;
	return c;
}
static inline size_t bgp_cur_left(const struct bgp_cur *c)
{
	return (size_t)(c->end - c->p);
}
static inline int bgp_get8(struct bgp_cur *c, uint8_t *v)
{
	if (c->p >= c->end)
		return -1;
	*v = *c->p++;
	return 0;
}
static inline int bgp_get16(struct bgp_cur *c, uint16_t *v)
{
	if (bgp_cur_left(c) < 2)
		return -1;
	*v = be16_get(c->p);
	c->p += 2;
	return 0;
}
static inline int bgp_get32(struct bgp_cur *c, uint32_t *v)
{
	if (bgp_cur_left(c) < 4)
		return -1;
	*v = be32_get(c->p);
	c->p += 4;
	return 0;
}
static inline int bgp_getn(struct bgp_cur *c, void *dst, size_t n)
{
	if (bgp_cur_left(c) < n)
		return -1;
	memcpy(dst, c->p, n);
	c->p += n;
	return 0;
}
/* An AS number of asn_size (2 or 4) bytes. */
static inline int bgp_get_asn(struct bgp_cur *c, uint8_t asn_size, uint32_t *v)
{
	uint16_t v16;

	if (asn_size == 4)
		return bgp_get32(c, v);
	if (bgp_get16(c, &v16))
		return -1;
	*v = v16;
	return 0;
}
/* Takes n bytes as a sub-cursor. */
static inline int bgp_sub(struct bgp_cur *c, size_t n, struct bgp_cur *sub)
{
	if (bgp_cur_left(c) < n)
		return -1;
	sub->p = c->p;
	sub->end = c->p + n;
	c->p += n;
	return 0;
}

/* ---- arena: bump allocator reset per record, chunks kept ---- */
struct mrt_arena_chunk;
struct mrt_arena {
	struct mrt_arena_chunk *head, *cur;
	size_t limit; /* total bytes allowed (0 = unlimited) */
	size_t used_total;
};
void *mrt_arena_alloc(struct mrt_arena *a, size_t n); /* 8-aligned; NULL if no memory */
void mrt_arena_reset(struct mrt_arena *a);
void mrt_arena_free(struct mrt_arena *a);

/* ---- decoding ---- */
struct bgp_ctx {
	uint8_t asn_size;    /* 2 or 4: AS_PATH and AGGREGATOR encoding */
	bool addpath;	     /* NLRI carry 4-byte path ids */
	bool bgpdump_compat; /* prefix lists decoded as bgpdump 1.6.2 does */
	bool rib_entry;	     /* TABLE_DUMP_V2 entry: MP_(UN)REACH prefix lists are not
			      * meaningful there (RFC 6396 4.3.4) and are not decoded,
			      * which bounds the memory a record can take */
	struct mrt_arena *arena;
	struct mrt_stats *stats; /* may be NULL */
	char *err;		 /* message buffer for -EINVAL */
	size_t errlen;
};

/* Path attributes (the block after the "Total Path Attribute Length").
 * Framing faults inside the block (an attribute running past it) set
 * out->truncated (and a message in ctx->err saying where); bad values set
 * bits in out->malformed; neither is an error here.  Errors (unless
 * ctx->bgpdump_compat): -EINVAL for a malformed prefix in
 * MP_(UN)REACH_NLRI, or an MP_REACH_NLRI cut before its prefixes (outside
 * TABLE_DUMP_V2 entries); -ENOMEM. */
int bgp_attrs_parse(const uint8_t *buf, size_t len, const struct bgp_ctx *ctx,
		    struct bgp_attrs *out);

/* A prefix list (NLRI / withdrawn routes) of family 4 or 6; `list` names
 * it in messages ("NLRI", "MP_UNREACH_NLRI").  A prefix cut by the end of
 * the list, or longer than the family allows, is -EINVAL with a message
 * naming the list and the prefix's byte offset in it.  With
 * ctx->bgpdump_compat it ends the list as bgpdump ends it instead: the
 * prefixes before it are returned, *cut is set and stats->nlri_cut
 * counted.  -ENOMEM. */
int bgp_nlri_parse(const uint8_t *buf, size_t len, int family, const char *list,
		   const struct bgp_ctx *ctx, const struct mrt_prefix **out, uint32_t *n,
		   bool *cut);

/* One BGP message starting at its 16-byte marker; `len` is what the MRT
 * record holds.  -EINVAL if the length field exceeds `len` or is < 19, and
 * (unless ctx->bgpdump_compat) for an UPDATE with a malformed prefix or
 * whose attribute block is cut (an attribute running past it could hide
 * MP_(UN)REACH_NLRI). */
int bgp_msg_parse(const uint8_t *buf, size_t len, const struct bgp_ctx *ctx, struct bgp_msg *out);

/* An AS_PATH / AS4_PATH value with asn_size 2 or 4.  Never fails on bad
 * input: sets p->error and keeps the segments decoded up to the fault.
 * -ENOMEM only. */
int bgp_aspath_parse(const uint8_t *buf, size_t len, uint8_t asn_size, struct mrt_arena *a,
		     struct bgp_aspath *p);

/* RFC 6793 4.2.3: AS_PATH (2-byte) + AS4_PATH -> merged path in *out. */
int bgp_aspath_merge(const struct bgp_aspath *path, const struct bgp_aspath *as4,
		     struct mrt_arena *a, struct bgp_aspath *out);

/* Number of ASes in a path as RFC 4271 counts them (AS_SET counts 1,
 * confederation segments 0). */
uint32_t bgp_aspath_count(const struct bgp_aspath *p);

/* Plain AS path for origin resolution: the ASNs of AS_SEQUENCE segments and,
 * for AS_SET segments, their members in order; confederation segments are
 * left out.  Writes up to `max` ASNs to out and returns how many the path
 * has (may exceed max, like snprintf: call again with an `out` of that
 * size; p->nasns is never less).  There is no length limit: AS_PATH
 * segments repeat, so a path may hold thousands of ASNs.  *ends_in_set is set when the last
 * non-confederation segment is an AS_SET (the origin is then ambiguous).
 * *n_set_asns, if not NULL, receives the size of that final set (0 if none):
 * the final set's members are the last *n_set_asns entries of the list. */
uint32_t bgp_aspath_flat(const struct bgp_aspath *p, uint32_t *out, uint32_t max, bool *ends_in_set,
			 uint32_t *n_set_asns);

#endif
