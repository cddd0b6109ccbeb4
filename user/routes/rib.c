// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/routes/rib.c - routing state per prefix and peer, and its resolution.
 * The rules are in rib.h.  Storage: prefixes, peers, interned paths and
 * (origin, transit) pairs each live in one growing array, found through an
 * open-addressing index table; a prefix holds a small array of references
 * {peer, path id, path}. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "routes/rib.h"

/* ---- open-addressing index table (slots hold index + 1; 0 = empty) ---- */

struct itab {
	uint32_t *slot;
	uint32_t mask; /* size - 1, size a power of two */
	uint32_t used;
};

typedef uint64_t (*hash_fn)(const struct rib *r, uint32_t idx);

static uint64_t fnv1a(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325ULL;

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ULL;
	return h ^ (h >> 29);
}

struct pfx {
	uint8_t family, plen;
	uint16_t nrefs, cap;
	uint8_t addr[16];
	struct ref *refs;
};

struct ref {
	uint32_t peer, path_id, path;
};

struct path {
	uint32_t origin, transit, first;
	uint32_t as_set; /* 0 or 1; a full word so the key has no padding */
};

struct pair {
	struct rib_transit t;
	uint32_t refs;
};

struct rib {
	struct pfx *pfx;
	size_t npfx, cappfx;
	struct rib_peer *peer;
	size_t npeer, cappeer;
	struct path *path;
	size_t npath, cappath;
	struct pair *pair;
	size_t npair, cappair;
	struct itab tpfx, tpeer, tpath, tpair;
};

static uint64_t pfx_hash(const struct rib *r, uint32_t i)
{
	const struct pfx *p = &r->pfx[i];
	uint8_t k[18] = { p->family, p->plen };

	memcpy(k + 2, p->addr, 16);
	return fnv1a(k, sizeof(k));
}

static uint64_t peer_hash(const struct rib *r, uint32_t i)
{
	return fnv1a(&r->peer[i], sizeof(r->peer[i]));
}

static uint64_t path_hash(const struct rib *r, uint32_t i)
{
	return fnv1a(&r->path[i], sizeof(r->path[i]));
}

static uint64_t pair_hash(const struct rib *r, uint32_t i)
{
	uint32_t k[2] = { r->pair[i].t.origin, r->pair[i].t.transit };

	return fnv1a(k, sizeof(k));
}

static int itab_grow(const struct rib *r, struct itab *t, hash_fn h)
{
	uint32_t size = t->mask ? (t->mask + 1) * 2 : 1024, *s;

	s = calloc(size, sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (uint32_t i = 0; t->mask && i <= t->mask; i++) {
		uint32_t j;

		if (!t->slot[i])
			continue;
		j = (uint32_t)h(r, t->slot[i] - 1) & (size - 1);
		while (s[j])
			j = (j + 1) & (size - 1);
		s[j] = t->slot[i];
	}
	free(t->slot);
	t->slot = s;
	t->mask = size - 1;
	return 0;
}

/* Finds the slot for a key: the one holding an equal element, or the empty
 * one where it would go.  `eq` compares element idx with the key. */
static uint32_t *itab_slot(struct itab *t, uint64_t h, const struct rib *r,
			   int (*eq)(const struct rib *r, uint32_t idx, const void *key),
			   const void *key)
{
	uint32_t j = (uint32_t)h & t->mask;

	while (t->slot[j] && !eq(r, t->slot[j] - 1, key))
		j = (j + 1) & t->mask;
	return &t->slot[j];
}

static int grow_array(void **v, size_t *cap, size_t n, size_t elem)
{
	void *p;

	if (n < *cap)
		return 0;
	p = realloc(*v, (*cap ? *cap * 2 : 1024) * elem);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = *cap ? *cap * 2 : 1024;
	return 0;
}

static int pfx_eq(const struct rib *r, uint32_t i, const void *key)
{
	const struct rt_entry *e = key;
	const struct pfx *p = &r->pfx[i];

	return p->family == e->family && p->plen == e->plen && !memcmp(p->addr, e->addr, 16);
}

static int peer_eq(const struct rib *r, uint32_t i, const void *key)
{
	return !memcmp(&r->peer[i], key, sizeof(struct rib_peer));
}

static int path_eq(const struct rib *r, uint32_t i, const void *key)
{
	return !memcmp(&r->path[i], key, sizeof(struct path));
}

static int pair_eq(const struct rib *r, uint32_t i, const void *key)
{
	const uint32_t *k = key;

	return r->pair[i].t.origin == k[0] && r->pair[i].t.transit == k[1];
}

/* Returns the index of the element equal to key, adding it (copied from
 * `init`) when `add`; -1 when absent and !add; -ENOMEM-ish < -1 on failure. */
#define INTERN(r, tab, arr, n, cap, hashf, eqf, keyp, hval, init, add)                             \
	({                                                                                         \
		long res_ = -1;                                                                    \
		uint32_t *s_;                                                                      \
		if ((r)->tab.used * 2 >= (r)->tab.mask && itab_grow(r, &(r)->tab, hashf))          \
			res_ = -2;                                                                 \
		else {                                                                             \
			s_ = itab_slot(&(r)->tab, hval, r, eqf, keyp);                             \
			if (*s_)                                                                   \
				res_ = *s_ - 1;                                                    \
			else if (add) {                                                            \
				if (grow_array((void **)&(r)->arr, &(r)->cap, (r)->n,              \
					       sizeof(*(r)->arr)))                                 \
					res_ = -2;                                                 \
				else {                                                             \
					(r)->arr[(r)->n] = init;                                   \
					*s_ = (uint32_t)++(r)->n;                                  \
					(r)->tab.used++;                                           \
					res_ = (long)(r)->n - 1;                                   \
				}                                                                  \
			}                                                                          \
		}                                                                                  \
		res_;                                                                              \
	})

struct rib *rib_new(void)
{
	return calloc(1, sizeof(struct rib));
}

void rib_free(struct rib *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->npfx; i++)
		free(r->pfx[i].refs);
	free(r->pfx);
	free(r->peer);
	free(r->path);
	free(r->pair);
	free(r->tpfx.slot);
	free(r->tpeer.slot);
	free(r->tpath.slot);
	free(r->tpair.slot);
	free(r);
}

static long find_pfx(struct rib *r, const struct rt_entry *p, int add)
{
	struct rt_entry k = { .family = p->family, .plen = p->plen };
	struct pfx init = { .family = p->family, .plen = p->plen };
	uint8_t hk[18] = { p->family, p->plen };

	memcpy(k.addr, p->addr, 16);
	prefix_mask(k.addr, p->family, p->plen);
	memcpy(init.addr, k.addr, 16);
	memcpy(hk + 2, k.addr, 16);
	return INTERN(r, tpfx, pfx, npfx, cappfx, pfx_hash, pfx_eq, &k, fnv1a(hk, sizeof(hk)), init,
		      add);
}

static long find_peer(struct rib *r, const struct rib_peer *peer)
{
	struct rib_peer k = { .asn = peer->asn, .family = peer->family };

	memcpy(k.ip, peer->ip, 16);
	return INTERN(r, tpeer, peer, npeer, cappeer, peer_hash, peer_eq, &k, fnv1a(&k, sizeof(k)),
		      k, 1);
}

static long find_pair(struct rib *r, uint32_t origin, uint32_t transit)
{
	uint32_t k[2] = { origin, transit };
	struct pair init = { .t = { .origin = origin, .transit = transit } };

	return INTERN(r, tpair, pair, npair, cappair, pair_hash, pair_eq, k, fnv1a(k, sizeof(k)),
		      init, 1);
}

/* Path -> (origin, transit, first AS, as_set), prepending removed. */
static struct path summarise(const uint32_t *asn, size_t n, bool ends_in_set)
{
	struct path p = { 0 };
	uint32_t last = 0, prev = 0;
	size_t i;

	if (!n)
		return p;
	p.first = asn[0];
	if (ends_in_set) {
		/* The origin is one of the set's members, nobody knows which:
		 * origin 0, and no transit in front of an unknown origin. */
		p.as_set = 1;
		return p;
	}
	for (i = 0; i < n; i++) {
		if (asn[i] == last)
			continue;
		prev = last;
		last = asn[i];
	}
	p.origin = last;
	p.transit = prev;
	return p;
}

static int pair_ref(struct rib *r, const struct path *p, int delta, uint32_t when)
{
	long i;

	if (p->as_set || !p->origin)
		return 0; /* no known origin: no pair */
	i = find_pair(r, p->origin, p->transit);
	if (i < 0)
		return -ENOMEM;
	if (delta > 0) {
		if (!r->pair[i].refs++) {
			if (!r->pair[i].t.first_seen)
				r->pair[i].t.first_seen = when;
			r->pair[i].t.gone_since = 0;
		}
	} else if (r->pair[i].refs && !--r->pair[i].refs) {
		r->pair[i].t.gone_since = when;
	}
	return 0;
}

int rib_announce(struct rib *r, const struct rt_entry *p, const struct rib_peer *peer,
		 uint32_t path_id, const uint32_t *asn, size_t n, bool ends_in_set, uint32_t when)
{
	struct path sum = summarise(asn, n, ends_in_set);
	long pi, pe, pa;
	struct pfx *x;

	pi = find_pfx(r, p, 1);
	pe = find_peer(r, peer);
	pa = INTERN(r, tpath, path, npath, cappath, path_hash, path_eq, &sum,
		    fnv1a(&sum, sizeof(sum)), sum, 1);
	if (pi < 0 || pe < 0 || pa < 0)
		return -ENOMEM;
	x = &r->pfx[pi];
	for (uint16_t i = 0; i < x->nrefs; i++) {
		struct ref *f = &x->refs[i];

		if (f->peer != (uint32_t)pe || f->path_id != path_id)
			continue;
		if (f->path == (uint32_t)pa)
			return 0; /* the same again */
		if (pair_ref(r, &r->path[pa], +1, when))
			return -ENOMEM;
		pair_ref(r, &r->path[f->path], -1, when);
		f->path = (uint32_t)pa;
		return 0;
	}
	if (x->nrefs == x->cap) {
		uint16_t cap = x->cap ? (x->cap >= 32768 ? RIB_MAX_PATHS : x->cap * 2) : 2;
		void *v;

		if (x->nrefs == RIB_MAX_PATHS)
			return -ENOSPC;
		v = realloc(x->refs, cap * sizeof(*x->refs));
		if (!v)
			return -ENOMEM;
		x->refs = v;
		x->cap = cap;
	}
	if (pair_ref(r, &r->path[pa], +1, when))
		return -ENOMEM;
	x->refs[x->nrefs++] = (struct ref){ (uint32_t)pe, path_id, (uint32_t)pa };
	return 0;
}

static void drop_ref(struct rib *r, struct pfx *x, uint16_t i, uint32_t when)
{
	pair_ref(r, &r->path[x->refs[i].path], -1, when);
	x->refs[i] = x->refs[--x->nrefs];
}

int rib_withdraw(struct rib *r, const struct rt_entry *p, const struct rib_peer *peer,
		 uint32_t path_id, uint32_t when)
{
	long pi = find_pfx(r, p, 0), pe;
	struct pfx *x;

	if (pi == -2)
		return -ENOMEM;
	if (pi < 0)
		return 0;
	pe = find_peer(r, peer);
	if (pe < 0)
		return -ENOMEM;
	x = &r->pfx[pi];
	for (uint16_t i = 0; i < x->nrefs; i++)
		if (x->refs[i].peer == (uint32_t)pe && x->refs[i].path_id == path_id) {
			drop_ref(r, x, i, when);
			break;
		}
	return 0;
}

void rib_peer_down(struct rib *r, const struct rib_peer *peer, uint32_t when)
{
	long pe = find_peer(r, peer);

	if (pe < 0)
		return;
	for (size_t p = 0; p < r->npfx; p++) {
		struct pfx *x = &r->pfx[p];

		for (uint16_t i = 0; i < x->nrefs;)
			if (x->refs[i].peer == (uint32_t)pe)
				drop_ref(r, x, i, when);
			else
				i++;
	}
}

/* The most common value of f(path) over the refs that pass `keep`; ties go
 * to the lower value.  Small n: quadratic is fine and allocation-free. */
static uint32_t vote(const struct rib *r, const struct pfx *x, int field, const struct path *want,
		     int match, uint32_t *distinct)
{
	uint32_t best = 0, best_n = 0, nd = 0;

	for (uint16_t i = 0; i < x->nrefs; i++) {
		const struct path *pi = &r->path[x->refs[i].path];
		uint32_t v = field == 0	  ? pi->origin
			     : field == 1 ? pi->transit
					  : pi->first,
			 cnt = 0;
		int seen_before = 0;

		if (match >= 1 && pi->origin != want->origin)
			continue;
		if (match >= 2 && pi->transit != want->transit)
			continue;
		for (uint16_t j = 0; j < x->nrefs; j++) {
			const struct path *pj = &r->path[x->refs[j].path];
			uint32_t w = field == 0 ? pj->origin : field == 1 ? pj->transit : pj->first;

			if (match >= 1 && pj->origin != want->origin)
				continue;
			if (match >= 2 && pj->transit != want->transit)
				continue;
			if (w == v) {
				cnt++;
				if (j < i)
					seen_before = 1;
			}
		}
		if (!seen_before && (field != 0 || v))
			nd++;
		if (cnt > best_n || (cnt == best_n && v < best)) {
			best = v;
			best_n = cnt;
		}
	}
	if (distinct)
		*distinct = nd;
	return best;
}

static void resolve_one(const struct rib *r, const struct pfx *x, struct rib_row *row)
{
	struct path want = { 0 };
	uint32_t norigins, ntransits, as_set = 0;

	memset(row, 0, sizeof(*row));
	row->e.family = x->family;
	row->e.plen = x->plen;
	memcpy(row->e.addr, x->addr, 16);
	row->paths = x->nrefs;
	want.origin = vote(r, x, 0, NULL, 0, &norigins);
	want.transit = vote(r, x, 1, &want, 1, &ntransits);
	row->e.route.origin_asn = want.origin;
	row->e.route.transit_asn = want.transit;
	row->e.route.peer_asn = vote(r, x, 2, &want, 2, NULL);
	for (uint16_t i = 0; i < x->nrefs; i++)
		if (r->path[x->refs[i].path].as_set && !r->path[x->refs[i].path].origin)
			as_set = 1;
	if (norigins > 1)
		row->e.route.flags |= ASC_RF_MOAS;
	if (ntransits > 1)
		row->e.route.flags |= ASC_RF_MULTI_TRANSIT;
	if (!want.transit)
		row->e.route.flags |= ASC_RF_NO_TRANSIT;
	if (as_set && !want.origin)
		row->e.route.flags |= ASC_RF_AS_SET;
}

static int cmp_row(const void *a, const void *b)
{
	return prefix_cmp(&((const struct rib_row *)a)->e, &((const struct rib_row *)b)->e);
}

int rib_resolve(const struct rib *r, struct rib_row **rows, size_t *n)
{
	struct rib_row *out = malloc((r->npfx ? r->npfx : 1) * sizeof(*out));
	size_t k = 0;

	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < r->npfx; i++)
		if (r->pfx[i].nrefs)
			resolve_one(r, &r->pfx[i], &out[k++]);
	qsort(out, k, sizeof(*out), cmp_row);
	*rows = out;
	*n = k;
	return 0;
}

int rib_to_rtable(const struct rib *r, struct rtable *t)
{
	struct rib_row row;
	int err;

	for (size_t i = 0; i < r->npfx; i++) {
		if (!r->pfx[i].nrefs)
			continue;
		resolve_one(r, &r->pfx[i], &row);
		err = rtable_add(t, &row.e);
		if (err)
			return err;
	}
	return 0;
}

static int cmp_transit(const void *a, const void *b)
{
	const struct rib_transit *x = a, *y = b;

	if (x->origin != y->origin)
		return x->origin < y->origin ? -1 : 1;
	return x->transit < y->transit ? -1 : x->transit > y->transit;
}

int rib_transits(const struct rib *r, struct rib_transit **out, size_t *n)
{
	struct rib_transit *v = malloc((r->npair ? r->npair : 1) * sizeof(*v));
	struct rib *rw = (struct rib *)r; /* lookups only: find_pair on existing pairs */

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < r->npair; i++) {
		v[i] = r->pair[i].t;
		v[i].paths = r->pair[i].refs;
		v[i].prefixes = 0;
	}
	/* prefixes per pair: count each pair once per prefix */
	for (size_t p = 0; p < r->npfx; p++) {
		const struct pfx *x = &r->pfx[p];

		for (uint16_t i = 0; i < x->nrefs; i++) {
			const struct path *pi = &r->path[x->refs[i].path];
			int dup = 0;
			long k;

			if (pi->as_set || !pi->origin)
				continue;
			for (uint16_t j = 0; j < i && !dup; j++) {
				const struct path *pj = &r->path[x->refs[j].path];

				dup = pj->origin == pi->origin && pj->transit == pi->transit;
			}
			if (dup)
				continue;
			k = find_pair(rw, pi->origin, pi->transit);
			if (k >= 0)
				v[k].prefixes++;
		}
	}
	qsort(v, r->npair, sizeof(*v), cmp_transit);
	*out = v;
	*n = r->npair;
	return 0;
}

const char *route_flags_str(uint32_t flags, char *buf, size_t len)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ ASC_RF_AS_SET, "as_set" },
		{ ASC_RF_MOAS, "moas" },
		{ ASC_RF_MULTI_TRANSIT, "multi_transit" },
		{ ASC_RF_NO_TRANSIT, "no_transit" },
	};
	size_t o = 0;

	buf[0] = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & names[i].bit)
			o += snprintf(buf + o, o < len ? len - o : 0, "%s%s", o ? "," : "",
				      names[i].name);
	if (!o)
		snprintf(buf, len, "-");
	return buf;
}
