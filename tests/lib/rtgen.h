/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* tests/lib/rtgen.h - random route tables and lookup addresses for the
 * lookup tests and benchmarks (header-only; deterministic from a seed).
 *
 * Full-size tables follow the prefix-length distributions of the IPv4 and
 * IPv6 default-free zone (approximate shares from public BGP table reports,
 * e.g. the weekly CIDR report and bgp.potaroo.net, 2024-2026): /24 about
 * 60 % of IPv4, /48 about half of IPv6; placement below (rtgen_table).
 */
#ifndef ASC_TEST_RTGEN_H
#define ASC_TEST_RTGEN_H
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "dataplane/fib.h"
#include "routes/rtable.h"

static inline uint64_t rng_next(uint64_t *s)
{
	/* splitmix64 */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t rng_below(uint64_t *s, uint64_t n)
{
	return n ? rng_next(s) % n : 0;
}

/* Share (per 10,000) of each prefix length. */
static const struct {
	int len, share;
} rtgen_dist4[] = {
	{ 8, 1 },     { 10, 1 },    { 11, 2 },   { 12, 3 },   { 13, 5 },  { 14, 10 }, { 15, 18 },
	{ 16, 130 },  { 17, 80 },   { 18, 140 }, { 19, 260 }, { 20, 390 }, { 21, 460 },
	{ 22, 1100 }, { 23, 1000 }, { 24, 6370 }, { 25, 8 },  { 26, 7 },   { 27, 4 },
	{ 28, 4 },    { 29, 3 },    { 30, 2 },   { 32, 2 },
}, rtgen_dist6[] = {
	{ 19, 5 },   { 20, 10 },  { 22, 10 },  { 24, 15 },  { 26, 10 }, { 28, 30 }, { 29, 300 },
	{ 30, 100 }, { 31, 50 },  { 32, 1200 }, { 33, 150 }, { 34, 150 }, { 35, 100 },
	{ 36, 300 }, { 37, 50 },  { 38, 100 }, { 39, 50 },  { 40, 600 }, { 41, 50 },
	{ 42, 150 }, { 43, 50 },  { 44, 800 }, { 45, 100 }, { 46, 300 }, { 47, 200 },
	{ 48, 4800 }, { 52, 20 }, { 56, 40 },  { 60, 10 },  { 64, 50 },
};

static inline int rtgen_len(uint64_t *s, int family)
{
	int n = family == 4 ? (int)(sizeof(rtgen_dist4) / sizeof(rtgen_dist4[0]))
			    : (int)(sizeof(rtgen_dist6) / sizeof(rtgen_dist6[0]));
	int total = 0, r;

	for (int i = 0; i < n; i++)
		total += family == 4 ? rtgen_dist4[i].share : rtgen_dist6[i].share;
	r = (int)rng_below(s, (uint64_t)total);
	for (int i = 0; i < n; i++) {
		r -= family == 4 ? rtgen_dist4[i].share : rtgen_dist6[i].share;
		if (r < 0)
			return family == 4 ? rtgen_dist4[i].len : rtgen_dist6[i].len;
	}
	return family == 4 ? 24 : 48;
}

static inline void rtgen_random_addr(uint64_t *s, int family, uint8_t *addr)
{
	uint64_t a = rng_next(s), b = rng_next(s);

	memset(addr, 0, 16);
	for (int i = 0; i < 8; i++) {
		addr[i] = (uint8_t)(a >> (56 - 8 * i));
		addr[8 + i] = (uint8_t)(b >> (56 - 8 * i));
	}
	if (family == 4) {
		addr[0] = (uint8_t)(1 + addr[0] % 223); /* 1.0.0.0 - 223.255.255.255 */
		memset(addr + 4, 0, 12);
	} else {
		addr[0] = (uint8_t)(0x20 | (addr[0] & 0x1f)); /* 2000::/3 */
	}
}

/* A route from a pool of `routes` distinct ones (small pools make adjacent
 * prefixes share routes, which the run-length leaves must get right). */
static inline struct rt_route rtgen_route(uint64_t *s, unsigned int routes)
{
	uint32_t k = (uint32_t)rng_below(s, routes);

	return (struct rt_route){ .origin_asn = 64512 + k,
				  .transit_asn = 100 + k % 97,
				  .peer_asn = 10 + k % 7,
				  .flags = k % 5 == 0 ? ASC_RF_MOAS : 0 };
}

/* Places e (length already set) inside `p` if p is shorter, keeping the
 * rest of e's address random. */
static inline void rtgen_inside(struct rt_entry *e, const struct rt_entry *p)
{
	int bytes;

	if (p->plen >= e->plen)
		return;
	bytes = (p->plen + 7) / 8;
	if (p->plen % 8) { /* keep the parent's bits of the last byte */
		uint8_t m = (uint8_t)(0xff << (8 - p->plen % 8));

		e->addr[bytes - 1] =
			(uint8_t)((p->addr[bytes - 1] & m) | (e->addr[bytes - 1] & ~m));
		bytes--;
	}
	memcpy(e->addr, p->addr, (size_t)bytes);
}

/* Appends n random prefixes of `family` to t (call rtable_sort_dedup after).
 *
 * Real mode: lengths from the real distribution, placed as address space is
 * handed out.  There are n/20 allocations (IPv4 /12 to /22, IPv6 /26 to /32,
 * the IPv6 ones inside 16 registry blocks); 80 % of the prefixes fall inside
 * an allocation, and half of those carry the allocation's route (an
 * organisation announcing its space in pieces).  The rest land anywhere in
 * 1.0.0.0-223.255.255.255 or 2000::/3.
 *
 * With `uniform_len`: lengths uniform over 0..32/128 and no allocations,
 * for deep, irregular nesting (/0 and host routes included).  In both modes
 * a third of the prefixes go inside an earlier, shorter one. */
static inline int rtgen_table(struct rtable *t, int family, size_t n, unsigned int routes,
			      int uniform_len, uint64_t *s)
{
	size_t first = t->n, nalloc = n / 20 + 1;
	int max = family == 4 ? 32 : 128;
	struct rt_entry *alloc = NULL, reg[16];

	if (!uniform_len) {
		alloc = calloc(nalloc, sizeof(*alloc));
		if (!alloc)
			return -1;
		for (int r = 0; r < 16; r++) { /* registry blocks: 2001::/16, 2400::/12 style */
			rtgen_random_addr(s, 6, reg[r].addr);
			reg[r].family = 6;
			reg[r].plen = 12;
			prefix_mask(reg[r].addr, 6, 12);
		}
		for (size_t i = 0; i < nalloc; i++) {
			struct rt_entry *a = &alloc[i];

			a->family = (uint8_t)family;
			rtgen_random_addr(s, family, a->addr);
			a->plen = (uint8_t)(family == 4 ? 12 + rng_below(s, 11)
							: 26 + rng_below(s, 7));
			if (family == 6)
				rtgen_inside(a, &reg[rng_below(s, 16)]);
			prefix_mask(a->addr, family, a->plen);
			a->route = rtgen_route(s, routes);
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct rt_entry e = { .family = (uint8_t)family };
		int len = uniform_len ? (int)rng_below(s, (uint64_t)max + 1) : rtgen_len(s, family);

		rtgen_random_addr(s, family, e.addr);
		e.plen = (uint8_t)len;
		e.route = rtgen_route(s, routes);
		if (alloc && rng_below(s, 5) != 0) {
			const struct rt_entry *a = &alloc[rng_below(s, nalloc)];

			rtgen_inside(&e, a);
			if (a->plen < len && rng_below(s, 2))
				e.route = a->route;
		} else if (t->n > first && rng_below(s, 3) == 0) {
			rtgen_inside(&e, &t->v[first + rng_below(s, t->n - first)]);
		}
		prefix_mask(e.addr, family, len);
		if (rtable_add(t, &e)) {
			free(alloc);
			return -1;
		}
	}
	free(alloc);
	return 0;
}

/* An address to look up: mostly inside a random prefix of the table
 * (uniform over routed prefixes), some at a prefix's first or last address
 * or just past it, some anywhere. */
static inline void rtgen_addr(uint64_t *s, const struct rt_entry *v, size_t n, int family,
			      uint8_t *addr)
{
	unsigned int kind = (unsigned int)rng_below(s, 8);
	int bytes = family == 4 ? 4 : 16;
	const struct rt_entry *p;
	uint8_t rnd[16];

	rtgen_random_addr(s, family, rnd);
	if (!n || kind == 0) {
		memcpy(addr, rnd, 16);
		return;
	}
	p = &v[rng_below(s, n)];
	memcpy(addr, p->addr, 16);
	for (int i = 0; i < bytes * 8; i++) {
		int inside = i >= p->plen, bit;

		if (!inside)
			continue;
		/* kind 1: first address, 2: last, 3: last + 1, else random */
		bit = kind == 1			 ? 0
		      : (kind == 2 || kind == 3) ? 1
						 : (rnd[i / 8] >> (7 - i % 8)) & 1;
		if (bit)
			addr[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	}
	if (kind == 3) /* add one: carry up from the last bit */
		for (int i = bytes - 1; i >= 0 && ++addr[i] == 0; i--)
			;
}

/* Update histories: a withdrawal is recorded as its prefix with flags
 * RTGEN_WITHDRAWN.  rtgen_replay() builds the table a history leaves: the
 * last word per prefix, withdrawn ones dropped, sorted.  0 or -1. */
#define RTGEN_WITHDRAWN 0xdeadbeefU

static inline int rtgen_replay(const struct rtable *hist, struct rtable *out)
{
	size_t kept = 0;

	for (size_t i = 0; i < hist->n; i++)
		if (rtable_add(out, &hist->v[i]))
			return -1;
	if (rtable_sort_dedup(out) == (size_t)-1)
		return -1;
	for (size_t i = 0; i < out->n; i++)
		if (out->v[i].route.flags != RTGEN_WITHDRAWN)
			out->v[kept++] = out->v[i];
	out->n = kept;
	return 0;
}

/* ---- the fast tables over route records ----------------------------------
 *
 * The lookup tests compare what a lookup yields with the route an entry
 * has.  The tables hold route records (struct asc_route: counter slots per
 * column), so the tests store each route as a record of its own fields:
 * equal routes share a record and different ones do not, as a real load
 * gives every distinct attribution its slots. */

static inline struct asc_route rtgen_record(const struct rt_route *r)
{
	struct asc_route x = { .slot = { r->origin_asn, r->transit_asn, r->peer_asn, r->flags } };

	return x;
}

static inline struct rt_route rtgen_route_of(const struct asc_route *x)
{
	struct rt_route r = { x->slot[0], x->slot[1], x->slot[2], x->slot[3] };

	return r;
}

/* fib_records() and fib_build() of t into gen, each entry's record made
 * of its route; the no-route records are zeros. */
static inline int rtgen_fib_build(struct fib *f, const struct rtable *t, unsigned int gen)
{
	struct asc_route *rec = calloc(t->n ? t->n : 1, sizeof(*rec));
	uint32_t *rid = calloc(t->n ? t->n : 1, sizeof(*rid));
	struct fib_recs r = { .entry = rec };
	int err = rec && rid ? 0 : -ENOMEM;

	for (size_t i = 0; !err && i < t->n; i++)
		rec[i] = rtgen_record(&t->v[i].route);
	if (!err)
		err = fib_records(f, &r, t->n, gen, rid);
	if (!err)
		err = fib_build(f, t, rid, gen);
	free(rec);
	free(rid);
	return err;
}

/* fib_lookup(), answering the route the record stands for. */
static inline int rtgen_fib_lookup(const struct fib *f, unsigned int gen, int family,
				   const uint8_t *addr, struct rt_route *rt)
{
	struct asc_route x;
	int err = fib_lookup(f, gen, family, addr, NULL, &x);

	if (!err)
		*rt = rtgen_route_of(&x);
	return err;
}

/* fib_update() of e with its route's record. */
static inline int rtgen_fib_update(struct fib *f, const struct rt_entry *e, bool withdraw)
{
	struct asc_route x = rtgen_record(&e->route);

	return fib_update(f, e, &x, withdraw);
}

#endif
