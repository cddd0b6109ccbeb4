// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/routes/rib.c - routing state per prefix and peer, and its resolution.
 * The rules are in rib.h.  Storage: prefixes, peers, interned paths and
 * (origin, transit) pairs each live in one growing array, found through a
 * hash index of positions (common/hashidx.h: 4 bytes a slot, nothing per
 * element); a prefix holds its references {peer, path id, path}, the first
 * RIB_INLINE_REFS in itself and more in an array of their own. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/array.h"
#include "common/hashidx.h"
#include "routes/rib.h"

struct ref {
	uint32_t peer, path_id, path;
};

/* References a prefix keeps in itself: a border router's prefix has one
 * path per upstream, so most never need an allocation of their own (which
 * took 32 bytes from malloc for two, and a cache miss more per announce). */
#define RIB_INLINE_REFS 2

struct pfx {
	uint8_t family, plen;
	uint16_t nrefs;
	uint16_t cap;  /* references room on the heap (refs.heap); 0: refs.in */
	uint8_t dirty; /* in the dirty list */
	uint8_t pad;
	uint8_t addr[16];
	union {
		struct ref *heap;
		struct ref in[RIB_INLINE_REFS];
	} refs; /* use refs_of() */
};
_Static_assert(sizeof(struct pfx) == 48 || sizeof(void *) != 8, "a prefix is 48 bytes");

struct path {
	uint32_t origin, transit, first;
	uint32_t as_set; /* 0 or 1; a full word so the key has no padding */
};

struct pair {
	struct rib_transit t;
	uint32_t refs;
};

/* Elements of one kind in one growing array, found through a hash index. */
struct store {
	void *v;
	size_t n, cap;
	struct hashidx idx;
};

/* Dirty entries kept allocated across takes; a larger array is freed. */
#define RIB_DIRTY_KEEP 4096

/* A prefix changed since the dirty set was last taken. */
struct dirty {
	uint32_t pfx;
	uint64_t since_ns;
};

struct rib {
	struct store pfx, peer, path, pair;
	bool track;	     /* record changes (rib_track) */
	bool dirty_lost;     /* a change could not be recorded: take says so */
	struct dirty *dirty; /* in the order of the first change */
	size_t ndirty, dirty_cap;
	uint64_t stamp_ns;   /* rib_stamp(): the time of the changes now; 0: the clock */
	struct rib_log *log; /* the routes' changes for a tally (rib_tally_new); NULL: none */
	size_t log_max;	     /* changes it holds between two steps; 0: RIB_LOG_MAX */
	uint32_t *path_pair; /* per path: its pair + 1, PATH_NO_PAIR, or 0 (not looked up yet) */
	size_t path_pair_cap;
};

static void log_ref(struct rib *r, size_t pi, uint32_t peer, uint32_t path, int sign);
static void rib_log_free(struct rib *r);

static inline struct pfx *pfx_at(const struct rib *r, size_t i)
{
	return (struct pfx *)r->pfx.v + i;
}

/* The references of prefix x: nrefs of them. */
static inline struct ref *refs_of(const struct pfx *x)
{
	return x->cap ? x->refs.heap : (struct ref *)x->refs.in;
}

static inline struct path *path_at(const struct rib *r, size_t i)
{
	return (struct path *)r->path.v + i;
}

static inline struct pair *pair_at(const struct rib *r, size_t i)
{
	return (struct pair *)r->pair.v + i;
}

/* A prefix is its family, length and address; the key is a struct pfx too. */
static uint32_t pfx_hash(const void *elem)
{
	const struct pfx *p = elem;
	uint8_t k[24] = { p->family, p->plen };

	memcpy(k + 8, p->addr, 16);
	return hashidx_words(k, sizeof(k));
}

static bool pfx_eq(const void *elem, const void *key)
{
	const struct pfx *p = elem, *k = key;

	return p->family == k->family && p->plen == k->plen && !memcmp(p->addr, k->addr, 16);
}

/* Compared as bytes: a path has no padding, a peer key's is zeroed (peer_key). */
static uint32_t peer_hash(const void *elem)
{
	return hashidx_words(elem, sizeof(struct rib_peer));
}

static bool peer_eq(const void *elem, const void *key)
{
	return !memcmp(elem, key, sizeof(struct rib_peer));
}

static uint32_t path_hash(const void *elem)
{
	return hashidx_words(elem, sizeof(struct path));
}

static bool path_eq(const void *elem, const void *key)
{
	return !memcmp(elem, key, sizeof(struct path));
}

/* An (origin, transit) pair; the key is a struct pair too. */
static uint32_t pair_hash(const void *elem)
{
	const struct pair *p = elem;
	uint32_t k[2] = { p->t.origin, p->t.transit };

	return hashidx_words(k, sizeof(k));
}

static bool pair_eq(const void *elem, const void *key)
{
	const struct pair *p = elem, *k = key;

	return p->t.origin == k->t.origin && p->t.transit == k->t.transit;
}

static const struct hashidx_ops pfx_ops = { sizeof(struct pfx), pfx_hash, pfx_eq };
static const struct hashidx_ops peer_ops = { sizeof(struct rib_peer), peer_hash, peer_eq };
static const struct hashidx_ops path_ops = { sizeof(struct path), path_hash, path_eq };
static const struct hashidx_ops pair_ops = { sizeof(struct pair), pair_hash, pair_eq };

/* The index of the element equal to key, which is added (copied) when it is
 * not there yet.  Returns the index or -ENOMEM.  Always inlined: with the
 * constant ops of each call, the hash and the comparison are direct calls
 * the compiler inlines too, not two calls through pointers per lookup. */
static inline __attribute__((always_inline)) long
intern(struct store *s, const struct hashidx_ops *ops, const void *key)
{
	uint32_t *slot;

	if (hashidx_reserve(&s->idx, ops, s->v))
		return -ENOMEM;
	slot = hashidx_slot(&s->idx, ops, s->v, key);
	if (*slot)
		return (long)*slot - 1;
	if (array_grow(&s->v, &s->cap, s->n + 1, ops->size))
		return -ENOMEM;
	memcpy((char *)s->v + s->n * ops->size, key, ops->size);
	hashidx_put(&s->idx, slot, (uint32_t)s->n);
	return (long)s->n++;
}

static void store_free(struct store *s)
{
	free(s->v);
	hashidx_free(&s->idx);
}

struct rib *rib_new(void)
{
	return calloc(1, sizeof(struct rib));
}

void rib_free(struct rib *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->pfx.n; i++)
		if (pfx_at(r, i)->cap)
			free(pfx_at(r, i)->refs.heap);
	store_free(&r->pfx);
	store_free(&r->peer);
	store_free(&r->path);
	store_free(&r->pair);
	free(r->dirty);
	free(r->path_pair);
	rib_log_free(r);
	free(r);
}

uint64_t rib_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Records that prefix pi changed, once until the set is taken; a change
 * that cannot be recorded (no memory) marks the set lost instead. */
static void mark_dirty(struct rib *r, size_t pi)
{
	struct pfx *x = pfx_at(r, pi);

	if (!r->track || x->dirty)
		return;
	if (array_grow((void **)&r->dirty, &r->dirty_cap, r->ndirty + 1, sizeof(*r->dirty))) {
		r->dirty_lost = true;
		return;
	}
	x->dirty = 1;
	r->dirty[r->ndirty++] =
		(struct dirty){ (uint32_t)pi, r->stamp_ns ? r->stamp_ns : rib_now_ns() };
}

void rib_track(struct rib *r, bool on)
{
	r->track = on;
}

size_t rib_dirty_count(const struct rib *r)
{
	return r->ndirty;
}

size_t rib_prefix_count(const struct rib *r)
{
	return r->pfx.n;
}

int rib_take_dirty(struct rib *r, struct rib_dirty **out, size_t *n)
{
	struct rib_dirty *v = malloc((r->ndirty ? r->ndirty : 1) * sizeof(*v));
	bool lost = r->dirty_lost;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < r->ndirty; i++) {
		struct pfx *x = pfx_at(r, r->dirty[i].pfx);

		memset(&v[i], 0, sizeof(v[i]));
		v[i].p.family = x->family;
		v[i].p.plen = x->plen;
		memcpy(v[i].p.addr, x->addr, 16);
		v[i].since_ns = r->dirty[i].since_ns;
		x->dirty = 0;
	}
	*out = v;
	*n = r->ndirty;
	r->ndirty = 0;
	r->dirty_lost = false;
	if (r->dirty_cap > RIB_DIRTY_KEEP) {
		/* a whole table went dirty (a first load, a session lost): its
		 * 16 bytes a prefix would stay resident for the few changes
		 * after it */
		free(r->dirty);
		r->dirty = NULL;
		r->dirty_cap = 0;
	}
	return lost ? -ENOBUFS : 0;
}

int rib_take_dirty_since(struct rib *r, uint64_t **since, size_t *n)
{
	uint64_t *v = (uint64_t *)r->dirty, *small;
	bool lost = r->dirty_lost;

	/* in place: time i goes to bytes 8i.., over entries already read */
	_Static_assert(sizeof(struct dirty) >= sizeof(uint64_t), "a time fits an entry");
	for (size_t i = 0; i < r->ndirty; i++) {
		uint64_t t = r->dirty[i].since_ns;

		pfx_at(r, r->dirty[i].pfx)->dirty = 0;
		v[i] = t;
	}
	small = r->ndirty ? realloc(v, r->ndirty * sizeof(*v)) : NULL;
	*since = small ? small : v;
	*n = r->ndirty;
	r->dirty = NULL;
	r->ndirty = r->dirty_cap = 0;
	r->dirty_lost = false;
	return lost ? -ENOBUFS : 0;
}

/* The prefix p as a key: host bits cleared. */
static struct pfx pfx_key(const struct rt_entry *p)
{
	struct pfx k = { .family = p->family, .plen = p->plen };

	memcpy(k.addr, p->addr, 16);
	prefix_mask(k.addr, p->family, p->plen);
	return k;
}

static struct rib_peer peer_key(const struct rib_peer *peer)
{
	struct rib_peer k;

	memset(&k, 0, sizeof(k)); /* the padding is hashed and compared too */
	k.asn = peer->asn;
	k.family = peer->family;
	memcpy(k.ip, peer->ip, 16);
	k.source = peer->source;
	return k;
}

static struct pair pair_key(const struct path *p)
{
	return (struct pair){ .t = { .origin = p->origin, .transit = p->transit } };
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

/* path_pair's mark of a path with no known origin: no pair */
#define PATH_NO_PAIR UINT32_MAX

/* The pair of path pa + 1 (interned the first time, then remembered in
 * r->path_pair: an announce or withdraw looks up no hash for it),
 * PATH_NO_PAIR, or 0 when out of memory. */
static uint32_t pair_of(struct rib *r, uint32_t pa)
{
	const struct path *p = path_at(r, pa);
	struct pair k = pair_key(p);
	long i;

	if (pa >= r->path_pair_cap) {
		size_t had = r->path_pair_cap;

		if (array_grow((void **)&r->path_pair, &r->path_pair_cap, (size_t)pa + 1,
			       sizeof(*r->path_pair)))
			return 0;
		memset(r->path_pair + had, 0, (r->path_pair_cap - had) * sizeof(*r->path_pair));
	}
	if (r->path_pair[pa])
		return r->path_pair[pa];
	if (p->as_set || !p->origin)
		return r->path_pair[pa] = PATH_NO_PAIR;
	i = intern(&r->pair, &pair_ops, &k);
	return i < 0 ? 0 : (r->path_pair[pa] = (uint32_t)i + 1);
}

static int pair_ref(struct rib *r, uint32_t pa, int delta, uint32_t when)
{
	uint32_t i = pair_of(r, pa);
	struct pair *q;

	if (!i)
		return -ENOMEM;
	if (i == PATH_NO_PAIR)
		return 0; /* no known origin: no pair */
	q = pair_at(r, i - 1);
	if (delta > 0) {
		if (!q->refs++) {
			if (!q->t.first_seen)
				q->t.first_seen = when;
			q->t.gone_since = 0;
		}
	} else if (q->refs && !--q->refs) {
		q->t.gone_since = when;
	}
	return 0;
}

/* Room for one more reference in x: the inline ones, then an array on the
 * heap that doubles.  0, or -1 (full at RIB_MAX_PATHS, or no memory). */
static int refs_room(struct pfx *x)
{
	uint16_t room = x->cap ? x->cap : RIB_INLINE_REFS, cap;
	struct ref *v;

	if (x->nrefs < room)
		return 0;
	if (x->nrefs == RIB_MAX_PATHS)
		return -1;
	cap = room >= 32768 ? RIB_MAX_PATHS : room * 2;
	v = realloc(x->cap ? x->refs.heap : NULL, cap * sizeof(*v));
	if (!v)
		return -1;
	if (!x->cap)
		memcpy(v, x->refs.in, sizeof(x->refs.in));
	x->refs.heap = v;
	x->cap = cap;
	return 0;
}

int rib_announce(struct rib *r, const struct rt_entry *p, const struct rib_peer *peer,
		 uint32_t path_id, const uint32_t *asn, size_t n, bool ends_in_set, uint32_t when)
{
	struct path sum = summarise(asn, n, ends_in_set);
	struct rib_peer pk = peer_key(peer);
	struct pfx xk = pfx_key(p);
	long pi, pe, pa;
	struct pfx *x;

	pi = intern(&r->pfx, &pfx_ops, &xk);
	pe = intern(&r->peer, &peer_ops, &pk);
	pa = intern(&r->path, &path_ops, &sum);
	if (pi < 0 || pe < 0 || pa < 0)
		return -ENOMEM;
	x = pfx_at(r, pi);
	for (uint16_t i = 0; i < x->nrefs; i++) {
		struct ref *f = &refs_of(x)[i];

		if (f->peer != (uint32_t)pe || f->path_id != path_id)
			continue;
		if (f->path == (uint32_t)pa)
			return 0; /* the same again */
		if (pair_ref(r, (uint32_t)pa, +1, when))
			return -ENOMEM;
		pair_ref(r, f->path, -1, when);
		log_ref(r, (size_t)pi, f->peer, f->path, -1);
		log_ref(r, (size_t)pi, (uint32_t)pe, (uint32_t)pa, +1);
		f->path = (uint32_t)pa;
		mark_dirty(r, (size_t)pi);
		return 0;
	}
	if (refs_room(x))
		return x->nrefs == RIB_MAX_PATHS ? -ENOSPC : -ENOMEM;
	if (pair_ref(r, (uint32_t)pa, +1, when))
		return -ENOMEM;
	refs_of(x)[x->nrefs++] = (struct ref){ (uint32_t)pe, path_id, (uint32_t)pa };
	log_ref(r, (size_t)pi, (uint32_t)pe, (uint32_t)pa, +1);
	mark_dirty(r, (size_t)pi);
	return 0;
}

static void drop_ref(struct rib *r, size_t pi, uint16_t i, uint32_t when)
{
	struct pfx *x = pfx_at(r, pi);

	pair_ref(r, refs_of(x)[i].path, -1, when);
	log_ref(r, pi, refs_of(x)[i].peer, refs_of(x)[i].path, -1);
	refs_of(x)[i] = refs_of(x)[--x->nrefs];
	mark_dirty(r, pi);
}

/* The index of a peer the RIB has seen, or -1. */
static long find_peer(const struct rib *r, const struct rib_peer *peer)
{
	struct rib_peer k = peer_key(peer);

	return hashidx_find(&r->peer.idx, &peer_ops, r->peer.v, &k);
}

int rib_withdraw(struct rib *r, const struct rt_entry *p, const struct rib_peer *peer,
		 uint32_t path_id, uint32_t when)
{
	struct pfx k = pfx_key(p);
	long pi = hashidx_find(&r->pfx.idx, &pfx_ops, r->pfx.v, &k);
	long pe = find_peer(r, peer);
	struct pfx *x;

	if (pi < 0 || pe < 0)
		return 0; /* a path the RIB does not hold */
	x = pfx_at(r, pi);
	for (uint16_t i = 0; i < x->nrefs; i++)
		if (refs_of(x)[i].peer == (uint32_t)pe && refs_of(x)[i].path_id == path_id) {
			drop_ref(r, (size_t)pi, i, when);
			break;
		}
	return 0;
}

void rib_peer_down(struct rib *r, const struct rib_peer *peer, uint32_t when)
{
	long pe = find_peer(r, peer);

	if (pe < 0)
		return;
	for (size_t p = 0; p < r->pfx.n; p++) {
		struct pfx *x = pfx_at(r, p);

		for (uint16_t i = 0; i < x->nrefs;)
			if (refs_of(x)[i].peer == (uint32_t)pe)
				drop_ref(r, p, i, when);
			else
				i++;
	}
}

/* Which of a prefix's paths a vote counts: those with want's origin
 * (match >= 1) and transit (match >= 2), and, when cols is not NULL, only
 * those of peers in the column `bit` (cols[peer] & bit). */
/* Whether peer p can carry u's paths: u is used, and p is the session u
 * names when it names one (its neighbor address). */
static bool peer_may_match(const struct rib_peer *p, const struct rt_upstream *u)
{
	if (!u->asn)
		return false;
	return !u->nbr_family ||
	       (p->family == u->nbr_family && !memcmp(p->ip, u->nbr, p->family == 4 ? 4 : 16));
}

/* Whether a path of the RIB is one of upstream asn's: its peer may carry
 * them (peer_ok), and the peer is that AS (an eBGP session with it, as in
 * collector dumps) or the path starts with it (the router's own iBGP feed
 * or BMP, where the session is the router and the path comes unprepended:
 * "4837 131279" over cu). */
static bool ref_is_upstreams(const struct rib *r, const struct ref *f, bool peer_ok, uint32_t asn)
{
	return peer_ok && (((const struct rib_peer *)r->peer.v)[f->peer].asn == asn ||
			   path_at(r, f->path)->first == asn);
}

struct sel {
	struct path want;
	int match;
	const uint8_t *cols; /* per peer, the columns it may carry (NULL: every path) */
	uint8_t bit;	     /* the column's bit in cols */
	uint32_t asn;	     /* the column's upstream AS */
};

static bool selected(const struct rib *r, const struct ref *f, const struct sel *s)
{
	const struct path *p = path_at(r, f->path);

	if (s->match >= 1 && p->origin != s->want.origin)
		return false;
	if (s->match >= 2 && p->transit != s->want.transit)
		return false;
	return !s->cols || ref_is_upstreams(r, f, s->cols[f->peer] & s->bit, s->asn);
}

enum field { F_ORIGIN, F_TRANSIT, F_FIRST };

static uint32_t field_of(const struct path *p, enum field f)
{
	return f == F_ORIGIN ? p->origin : f == F_TRANSIT ? p->transit : p->first;
}

/* The most common value of the field over the selected paths; ties go to
 * the lower value.  *distinct (if not NULL): how many values there are (for
 * the origin: non-zero ones).  Small n: quadratic is fine and allocation-free. */
static uint32_t vote(const struct rib *r, const struct pfx *x, enum field field,
		     const struct sel *s, uint32_t *distinct)
{
	uint32_t best = 0, best_n = 0, nd = 0;

	for (uint16_t i = 0; i < x->nrefs; i++) {
		uint32_t v = field_of(path_at(r, refs_of(x)[i].path), field), cnt = 0;
		int seen_before = 0;

		if (!selected(r, &refs_of(x)[i], s))
			continue;
		for (uint16_t j = 0; j < x->nrefs; j++) {
			if (!selected(r, &refs_of(x)[j], s) ||
			    field_of(path_at(r, refs_of(x)[j].path), field) != v)
				continue;
			cnt++;
			if (j < i)
				seen_before = 1;
		}
		if (!seen_before && (field != F_ORIGIN || v))
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
	struct sel s = { 0 };
	uint32_t norigins, ntransits, as_set = 0;

	memset(row, 0, sizeof(*row));
	row->e.family = x->family;
	row->e.plen = x->plen;
	memcpy(row->e.addr, x->addr, 16);
	row->paths = x->nrefs;
	s.want.origin = vote(r, x, F_ORIGIN, &s, &norigins);
	s.match = 1;
	s.want.transit = vote(r, x, F_TRANSIT, &s, &ntransits);
	s.match = 2;
	row->e.route.origin_asn = s.want.origin;
	row->e.route.transit_asn = s.want.transit;
	row->e.route.peer_asn = vote(r, x, F_FIRST, &s, NULL);
	for (uint16_t i = 0; i < x->nrefs; i++)
		if (path_at(r, refs_of(x)[i].path)->as_set &&
		    !path_at(r, refs_of(x)[i].path)->origin)
			as_set = 1;
	if (norigins > 1)
		row->e.route.flags |= ASC_RF_MOAS;
	if (ntransits > 1)
		row->e.route.flags |= ASC_RF_MULTI_TRANSIT;
	if (!s.want.transit)
		row->e.route.flags |= ASC_RF_NO_TRANSIT;
	if (as_set && !s.want.origin)
		row->e.route.flags |= ASC_RF_AS_SET;
}

static int cmp_row(const void *a, const void *b)
{
	return prefix_cmp(&((const struct rib_row *)a)->e, &((const struct rib_row *)b)->e);
}

int rib_resolve(const struct rib *r, struct rib_row **rows, size_t *n)
{
	struct rib_row *out = malloc((r->pfx.n ? r->pfx.n : 1) * sizeof(*out));
	size_t k = 0;

	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < r->pfx.n; i++)
		if (pfx_at(r, i)->nrefs)
			resolve_one(r, pfx_at(r, i), &out[k++]);
	qsort(out, k, sizeof(*out), cmp_row);
	*rows = out;
	*n = k;
	return 0;
}

/* ---- per-link resolution ---------------------------------------------- */

/* A peer's columns are the bits of one byte. */
_Static_assert(RT_COLUMNS <= 8, "peer column masks are uint8_t");

/* Per peer of the RIB, the columns of u whose paths it may carry (bit c
 * for column c; ref_is_upstreams() decides per path): malloc'd, or NULL
 * with *used 0 when no column is used. */
static int peer_columns(const struct rib *r, const struct rt_upstreams *u, uint8_t **cols,
			uint8_t *used)
{
	*cols = NULL;
	*used = 0;
	for (unsigned int c = 0; u && c < RT_COLUMNS; c++)
		if (u->col[c].asn)
			*used |= (uint8_t)(1U << c);
	if (!*used)
		return 0;
	*cols = calloc(r->peer.n ? r->peer.n : 1, 1);
	if (!*cols)
		return -ENOMEM;
	for (size_t i = 0; i < r->peer.n; i++)
		for (unsigned int c = 0; c < RT_COLUMNS; c++)
			if (peer_may_match((const struct rib_peer *)r->peer.v + i, &u->col[c]))
				(*cols)[i] |= (uint8_t)(1U << c);
	return 0;
}

/* Column c's own answer for x, from the paths of its peers alone, by the
 * consensus rules (origin, then transit behind it); ASC_PATH_CONSENSUS with
 * no ASes when none of x's paths are theirs. */
static struct rt_link resolve_link(const struct rib *r, const struct pfx *x, const uint8_t *cols,
				   unsigned int c, uint32_t asn)
{
	struct sel s = { .cols = cols, .bit = (uint8_t)(1U << c), .asn = asn };
	struct rt_link l = { .path = ASC_PATH_CONSENSUS };
	bool own = false;

	for (uint16_t i = 0; i < x->nrefs && !own; i++)
		own = selected(r, &refs_of(x)[i], &s);
	if (!own)
		return l;
	l.path = ASC_PATH_OWN;
	l.origin_asn = s.want.origin = vote(r, x, F_ORIGIN, &s, NULL);
	s.match = 1;
	l.transit_asn = vote(r, x, F_TRANSIT, &s, NULL);
	return l;
}

/* Distinct rt_links rows of a table, found through a hash index. */
static uint32_t links_hash(const void *elem)
{
	return hashidx_words(elem, sizeof(struct rt_links));
}

static bool links_eq(const void *elem, const void *key)
{
	return !memcmp(elem, key, sizeof(struct rt_links));
}

static const struct hashidx_ops links_ops = { sizeof(struct rt_links), links_hash, links_eq };

/* t->links as a store: row 0 (no column has its own path) is never in the
 * index; rows already there (from an earlier call) are indexed again. */
static int links_open(struct rtable *t, struct store *s)
{
	*s = (struct store){ .v = t->links, .n = t->nlinks, .cap = t->links_cap };
	if (!s->n) {
		if (array_grow(&s->v, &s->cap, 1, sizeof(struct rt_links)))
			return -ENOMEM;
		memset(s->v, 0, sizeof(struct rt_links));
		s->n = 1;
	}
	for (size_t i = 1; i < s->n; i++) {
		uint32_t *slot;

		if (hashidx_reserve(&s->idx, &links_ops, s->v))
			return -ENOMEM;
		slot = hashidx_slot(&s->idx, &links_ops, s->v, (struct rt_links *)s->v + i);
		if (!*slot)
			hashidx_put(&s->idx, slot, (uint32_t)i);
	}
	return 0;
}

static void links_close(struct rtable *t, struct store *s)
{
	t->links = s->v;
	t->nlinks = s->n;
	t->links_cap = s->cap;
	hashidx_free(&s->idx);
}

/* The row of x's columns' own answers into *row; false (and *row all
 * consensus) when no column has one. */
static bool links_of(const struct rib *r, const struct rt_upstreams *u, const struct pfx *x,
		     const uint8_t *cols, uint8_t used, struct rt_links *row)
{
	uint8_t may = 0;
	bool own = false;

	memset(row, 0, sizeof(*row));
	for (unsigned int c = 0; c < RT_COLUMNS; c++)
		row->col[c].path = ASC_PATH_CONSENSUS;
	for (uint16_t k = 0; used && k < x->nrefs; k++)
		may |= cols[refs_of(x)[k].peer];
	may &= used;
	for (unsigned int c = 0; may && c < RT_COLUMNS; c++) {
		if (may & (1U << c))
			row->col[c] = resolve_link(r, x, cols, c, u->col[c].asn);
		own |= row->col[c].path == ASC_PATH_OWN;
	}
	return own;
}

/* One prefix as rib_to_rtable() resolves it: its route into *row, and its
 * columns' own answers into *lr (*own: whether any column has one).  Both
 * the whole table and the single-prefix updates go through here. */
static void resolve_prefix(const struct rib *r, const struct rt_upstreams *u, const struct pfx *x,
			   const uint8_t *cols, uint8_t used, struct rib_row *row,
			   struct rt_links *lr, bool *own)
{
	resolve_one(r, x, row);
	*own = links_of(r, u, x, cols, used, lr);
}

/* The prefixes of r that have paths, in table order: their indexes in r
 * into *out (malloc'd). */
static int prefix_order(const struct rib *r, uint32_t **out, size_t *n)
{
	struct rt_sort_key *k = malloc((r->pfx.n ? r->pfx.n : 1) * sizeof(*k));
	uint32_t *order, *small;
	size_t m = 0;

	if (!k || r->pfx.n > UINT32_MAX) {
		free(k);
		return -ENOMEM;
	}
	for (size_t i = 0; i < r->pfx.n; i++)
		if (pfx_at(r, i)->nrefs)
			k[m++] = rt_sort_key_of(pfx_at(r, i)->family, pfx_at(r, i)->plen,
						pfx_at(r, i)->addr, i);
	if (rt_sort_keys(k, m)) {
		free(k);
		return -ENOMEM;
	}
	/* in place, 4 bytes a prefix instead of 24 while the table fills:
	 * position i goes to bytes 4i.., over keys already read */
	order = (uint32_t *)k;
	for (size_t i = 0; i < m; i++)
		order[i] = k[i].pos;
	small = realloc(order, (m ? m : 1) * sizeof(*order));
	*out = small ? small : order;
	*n = m;
	return 0;
}

/* One part of a whole table's resolution: the prefixes k[from..to) into
 * out[from..to), their per-link rows into a store of its own (part 0's is
 * the table's). */
struct part {
	const struct rib *r;
	const struct rt_upstreams *u;
	const uint8_t *cols;
	uint8_t used;
	const uint32_t *order; /* the RIB's prefixes in table order */
	size_t from, to;
	struct rt_entry *out;
	struct store links;
	int err;
	pthread_t th;
	bool started;
};

static void *part_run(void *arg)
{
	struct part *p = arg;
	struct rt_links lr;
	struct rib_row row;
	bool own;

	for (size_t i = p->from; i < p->to && !p->err; i++) {
		long k = 0;

		resolve_prefix(p->r, p->u, pfx_at(p->r, p->order[i]), p->cols, p->used, &row, &lr,
			       &own);
		/* neighbours in table order often share the row (one origin's
		 * blocks): the last entry's number without a lookup */
		if (own && i > p->from && p->out[i - 1].links &&
		    !memcmp(&lr, (struct rt_links *)p->links.v + p->out[i - 1].links, sizeof(lr)))
			k = p->out[i - 1].links;
		else if (own)
			k = intern(&p->links, &links_ops, &lr);
		p->err = k < 0 ? -ENOMEM : 0;
		row.e.links = (uint32_t)(k > 0 ? k : 0);
		p->out[i] = row.e;
	}
	return NULL;
}

/* Part p's rows into the table's store, each entry of p renumbered: in
 * part order, a row gets the number it would get from one pass (its first
 * entry's). */
static int links_merge(struct store *into, struct part *p)
{
	uint32_t *num = malloc(p->links.n * sizeof(*num));

	if (!num)
		return -ENOMEM;
	num[0] = 0;
	for (size_t i = 1; i < p->links.n; i++) {
		long k = intern(into, &links_ops, (struct rt_links *)p->links.v + i);

		if (k < 0) {
			free(num);
			return -ENOMEM;
		}
		num[i] = (uint32_t)k;
	}
	for (size_t i = p->from; i < p->to; i++)
		p->out[i].links = num[p->out[i].links];
	free(num);
	return 0;
}

/* Runs parts 1.. on threads of their own and part 0 here; a part whose
 * thread cannot be had runs here too.  The first error, or 0. */
static int parts_run(struct part *p, unsigned int n)
{
	int err = 0;

	for (unsigned int i = 1; i < n; i++)
		p[i].started = !pthread_create(&p[i].th, NULL, part_run, &p[i]);
	for (unsigned int i = 0; i < n; i++) {
		if (!p[i].started)
			part_run(&p[i]);
		else
			pthread_join(p[i].th, NULL);
		err = err ? err : p[i].err;
	}
	return err;
}

/* The parts' rows into the table (part 0's store is the table's), the
 * other parts' stores freed. */
static int parts_merge(struct rtable *t, struct part *p, unsigned int n, int err)
{
	for (unsigned int i = 1; i < n; i++) {
		if (!err && p[0].used)
			err = links_merge(&p[0].links, &p[i]);
		store_free(&p[i].links);
	}
	if (p[0].links.v) /* opened */
		links_close(t, &p[0].links);
	return err;
}

int rib_to_rtable_parts(const struct rib *r, const struct rt_upstreams *u, struct rtable *t,
			unsigned int parts)
{
	struct part p[RIB_MAX_PARTS] = { 0 };
	uint32_t *order = NULL;
	struct rtable empty = { 0 };
	size_t n = 0, base = t->n;
	uint8_t *cols, used;
	unsigned int np = parts < 1 ? 1 : parts > RIB_MAX_PARTS ? RIB_MAX_PARTS : parts;
	int err = peer_columns(r, u, &cols, &used);

	if (!err)
		err = prefix_order(r, &order, &n);
	if (!err)
		err = rtable_reserve(t, n);
	for (unsigned int i = 0; i < np; i++) {
		p[i] = (struct part){ .r = r,
				      .u = u,
				      .cols = cols,
				      .used = used,
				      .order = order,
				      .from = n * i / np,
				      .to = n * (i + 1) / np,
				      .out = t->v ? t->v + base
						  : NULL }; /* none: nothing to resolve */
		if (!err && used)
			err = links_open(i ? &empty : t, &p[i].links);
	}
	if (!err)
		err = parts_run(p, np);
	err = parts_merge(t, p, np, err);
	free(cols);
	free(order);
	if (err)
		return err;
	t->n = base + n;
	/* entries there before: the whole table in order again */
	if (base && rtable_sort_dedup(t) == (size_t)-1)
		return -ENOMEM;
	return 0;
}

int rib_to_rtable(const struct rib *r, const struct rt_upstreams *u, struct rtable *t)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	return rib_to_rtable_parts(r, u, t,
				   r->pfx.n < RIB_PART_MIN ? 1
				   : cpus > 1		   ? (unsigned int)cpus
							   : 1);
}

int rib_resolve_prefix(const struct rib *r, const struct rt_upstreams *u, const struct rt_entry *p,
		       struct rt_entry *e, struct rt_links *links)
{
	struct pfx k = pfx_key(p);
	long pi = hashidx_find(&r->pfx.idx, &pfx_ops, r->pfx.v, &k);
	struct rib_row row;
	uint8_t *cols, used;
	bool own;
	int err;

	if (pi < 0 || !pfx_at(r, pi)->nrefs)
		return -ENOENT;
	err = peer_columns(r, u, &cols, &used);
	if (err)
		return err;
	resolve_prefix(r, u, pfx_at(r, pi), cols, used, &row, links, &own);
	free(cols);
	*e = row.e;
	e->links = own ? 1 : 0;
	return 0;
}

static int cmp_transit(const void *a, const void *b)
{
	const struct rib_transit *x = a, *y = b;

	if (x->origin != y->origin)
		return x->origin < y->origin ? -1 : 1;
	return x->transit < y->transit ? -1 : x->transit > y->transit;
}

static long *path_pairs(const struct rib *r);

/* Prefixes and paths per pair, of every path (peer_ok NULL) or of the
 * paths of upstream asn (ref_is_upstreams(), with peer_ok[peer]), into v
 * (one per pair, in pair order): a
 * pair counts once per prefix however many of its paths show it. */
static int count_pairs(const struct rib *r, const uint8_t *peer_ok, uint32_t asn,
		       struct rib_transit *v)
{
	size_t *last = malloc((r->pair.n ? r->pair.n : 1) * sizeof(*last)); /* prefix + 1 */
	long *pp = path_pairs(r);

	if (!last || !pp) {
		free(last);
		free(pp);
		return -ENOMEM;
	}
	for (size_t i = 0; i < r->pair.n; i++) {
		v[i] = pair_at(r, i)->t;
		v[i].paths = v[i].prefixes = 0;
		last[i] = 0;
	}
	for (size_t p = 0; p < r->pfx.n; p++) {
		const struct pfx *x = pfx_at(r, p);

		for (uint16_t i = 0; i < x->nrefs; i++) {
			long k = pp[refs_of(x)[i].path];

			if (k < 0 ||
			    (peer_ok && !ref_is_upstreams(r, &refs_of(x)[i],
							  peer_ok[refs_of(x)[i].peer], asn)))
				continue;
			v[k].paths++;
			if (last[k] != p + 1)
				v[k].prefixes++;
			last[k] = p + 1;
		}
	}
	free(last);
	free(pp);
	return 0;
}

int rib_transits(const struct rib *r, struct rib_transit **out, size_t *n)
{
	struct rib_transit *v = malloc((r->pair.n ? r->pair.n : 1) * sizeof(*v));

	if (!v || count_pairs(r, NULL, 0, v)) {
		free(v);
		return -ENOMEM;
	}
	qsort(v, r->pair.n, sizeof(*v), cmp_transit);
	*out = v;
	*n = r->pair.n;
	return 0;
}

bool rib_has_paths(const struct rib *r)
{
	for (size_t i = 0; r && i < r->pfx.n; i++)
		if (pfx_at(r, i)->nrefs)
			return true;
	return false;
}

int rib_transits_upstream(const struct rib *r, const struct rt_upstream *up,
			  struct rib_transit **out, size_t *n)
{
	struct rib_transit *v = malloc((r->pair.n ? r->pair.n : 1) * sizeof(*v));
	uint8_t *ok = calloc(r->peer.n ? r->peer.n : 1, 1);
	size_t k = 0;
	int err = v && ok ? 0 : -ENOMEM;

	for (size_t i = 0; !err && i < r->peer.n; i++)
		ok[i] = peer_may_match((const struct rib_peer *)r->peer.v + i, up);
	if (!err)
		err = count_pairs(r, ok, up->asn, v);
	free(ok);
	if (err) {
		free(v);
		return err;
	}
	for (size_t i = 0; i < r->pair.n; i++)
		if (v[i].paths)
			v[k++] = v[i];
	qsort(v, k, sizeof(*v), cmp_transit);
	*out = v;
	*n = k;
	return 0;
}

/* Where each pair of the RIB (store order) sits in v, or -1. */
static long *pair_positions(const struct rib *r, const struct rib_transit *v, size_t n)
{
	long *pos = malloc((r->pair.n ? r->pair.n : 1) * sizeof(*pos));

	for (size_t k = 0; pos && k < r->pair.n; k++)
		pos[k] = -1;
	for (size_t i = 0; pos && i < n; i++) {
		struct pair key = { .t = { .origin = v[i].origin, .transit = v[i].transit } };
		long k = hashidx_find(&r->pair.idx, &pair_ops, r->pair.v, &key);

		if (k >= 0)
			pos[k] = (long)i;
	}
	return pos;
}

/* The prefix of x as a table entry (no route). */
static void pfx_entry(const struct pfx *x, struct rt_entry *e)
{
	*e = (struct rt_entry){ .family = x->family, .plen = x->plen };
	memcpy(e->addr, x->addr, 16);
}

/* What a pass of rib_pair_prefixes() fills. */
struct sample {
	const uint8_t *ok; /* per peer: may carry the upstream's paths (NULL: every path) */
	uint32_t asn;	   /* the upstream's AS */
	const long *pos;   /* pair (store order) -> position in v, or -1 */
	const long *pp;	   /* path -> pair (store order), or -1 (path_pairs) */
	const uint32_t *first;
	uint32_t *fill; /* per pair of v: prefixes taken */
	size_t *last;	/* per pair of v: the prefix taken last, + 1 */
	struct rt_entry *pfx;
};

/* Prefix p into the room of the pair its path f shows, if it is one of
 * v's, has room, and does not have p yet. */
static void sample_ref(const struct rib *r, size_t p, const struct ref *f, struct sample *s)
{
	long k = s->pp[f->path], i;

	if (k < 0 || (s->ok && !ref_is_upstreams(r, f, s->ok[f->peer], s->asn)))
		return;
	i = s->pos[k];
	if (i < 0 || s->last[i] == p + 1 || s->first[i] + s->fill[i] == s->first[i + 1])
		return;
	s->last[i] = p + 1;
	pfx_entry(pfx_at(r, p), &s->pfx[s->first[i] + s->fill[i]++]);
}

int rib_pair_prefixes(const struct rib *r, const struct rt_upstream *up,
		      const struct rib_transit *v, size_t n, unsigned int max,
		      struct rt_entry **pfx, uint32_t **first)
{
	uint32_t *f = malloc((n + 1) * sizeof(*f));
	uint8_t *ok = up ? calloc(r->peer.n ? r->peer.n : 1, 1) : NULL;
	struct sample s = { .ok = ok,
			    .asn = up ? up->asn : 0,
			    .pos = pair_positions(r, v, n),
			    .pp = path_pairs(r),
			    .first = f,
			    .fill = calloc(n + 1, sizeof(uint32_t)),
			    .last = calloc(n + 1, sizeof(size_t)) };
	int err = f && s.pos && s.pp && s.fill && s.last && (ok || !up) ? 0 : -ENOMEM;

	for (size_t i = 0; !err && i <= n; i++)
		f[i] = i ? f[i - 1] + (v[i - 1].prefixes < max ? v[i - 1].prefixes : max) : 0;
	for (size_t i = 0; !err && up && i < r->peer.n; i++)
		ok[i] = peer_may_match((const struct rib_peer *)r->peer.v + i, up);
	if (!err) {
		s.pfx = calloc(f[n] ? f[n] : 1, sizeof(*s.pfx));
		err = s.pfx ? 0 : -ENOMEM;
	}
	for (size_t p = 0; !err && p < r->pfx.n; p++)
		for (uint16_t j = 0; j < pfx_at(r, p)->nrefs; j++)
			sample_ref(r, p, &refs_of(pfx_at(r, p))[j], &s);
	free(s.fill);
	free(s.last);
	free((void *)s.pos);
	free((void *)s.pp);
	free(ok);
	if (err) {
		free(f);
		free(s.pfx);
		return err;
	}
	*pfx = s.pfx;
	*first = f;
	return 0;
}

int rtable_transits(const struct rtable *t, struct rib_transit **out, size_t *n)
{
	struct rib_transit *v = malloc((t->n ? t->n : 1) * sizeof(*v));
	size_t k = 0, m = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++) {
		const struct rt_route *r = &t->v[i].route;

		if (!r->origin_asn)
			continue;
		v[k++] = (struct rib_transit){ .origin = r->origin_asn,
					       .transit = r->transit_asn,
					       .prefixes = 1,
					       .paths = 1 };
	}
	qsort(v, k, sizeof(*v), cmp_transit);
	/* equal pairs are now adjacent: fold them */
	for (size_t i = 0; i < k; i++) {
		if (m && v[m - 1].origin == v[i].origin && v[m - 1].transit == v[i].transit) {
			v[m - 1].prefixes++;
			v[m - 1].paths++;
		} else {
			v[m++] = v[i];
		}
	}
	*out = v;
	*n = m;
	return 0;
}

int transits_of(const struct rib *r, const struct rtable *t, struct rib_transit **out, size_t *n)
{
	int err = r ? rib_transits(r, out, n) : 0;

	if (err || (r && *n))
		return err;
	if (r)
		free(*out);
	return rtable_transits(t, out, n);
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

void rib_stamp(struct rib *r, uint64_t now_ns)
{
	r->stamp_ns = now_ns;
}

/* The pair of each path of the store (its index in r->pair; -1 for a path
 * with no pair: an AS_SET at the end, no origin), so that a pass over every
 * route looks its pair up by its path's index instead of hashing it:
 * paths are far fewer than routes.  malloc'd, or NULL. */
static long *path_pairs(const struct rib *r)
{
	long *pp = malloc((r->path.n ? r->path.n : 1) * sizeof(*pp));

	for (size_t i = 0; pp && i < r->path.n; i++) {
		const struct path *pi = path_at(r, i);
		uint32_t known = i < r->path_pair_cap ? r->path_pair[i] : 0;
		struct pair key = pair_key(pi);

		if (known) /* pair_of() looked it up when a route used the path */
			pp[i] = known == PATH_NO_PAIR ? -1 : (long)known - 1;
		else
			pp[i] = pi->as_set || !pi->origin
					? -1
					: hashidx_find(&r->pair.idx, &pair_ops, r->pair.v, &key);
	}
	return pp;
}

/* ---- pairs per group, kept up to date (rib_tally) -------------------- */

/* Changes a log holds between two steps; more and the log gives up: the
 * caller builds a new tally, one pass over the RIB, and compares the whole
 * load, which needs a snapshot of every pair with its first prefixes beside
 * the previous one (about 100 MiB at full size).  A session reset of a
 * full table (every path withdrawn and announced again: 2.4M changes) fits:
 * 16 bytes a change, 64 MiB at most, given back after the step that read
 * it (RIB_LOG_KEEP). */
#define RIB_LOG_MAX (1U << 22)
#define RIB_LOG_KEEP (1U << 16)

/* One route that came (sign +1) or went (-1). */
struct log_entry {
	uint32_t pfx, peer, path;
	int32_t sign;
};

struct rib_log {
	struct log_entry *v;
	size_t n, cap;
	bool lost; /* more changes than it holds, or no memory: v is dropped */
};

static void log_ref(struct rib *r, size_t pi, uint32_t peer, uint32_t path, int sign)
{
	struct rib_log *l = r->log;

	if (!l || l->lost)
		return;
	if (l->n == (r->log_max ? r->log_max : RIB_LOG_MAX) ||
	    array_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v))) {
		free(l->v);
		*l = (struct rib_log){ .lost = true };
		return;
	}
	l->v[l->n++] = (struct log_entry){ (uint32_t)pi, peer, path, sign };
}

void rib_log_limit(struct rib *r, size_t max)
{
	r->log_max = max;
}

static void rib_log_free(struct rib *r)
{
	if (r->log)
		free(r->log->v);
	free(r->log);
	r->log = NULL;
}

/* The prefixes (RIB order) of one group showing one pair, and its paths. */
struct tally_set {
	uint32_t *v;
	uint32_t n, cap;
	uint32_t paths;
};

struct rib_tally {
	struct rt_upstreams u;
	unsigned int ngroups; /* 1 + the used columns of u */
	unsigned int col[RT_COLUMNS];
	struct tally_set *set; /* pair k, group g: set[k * ngroups + g] */
	size_t npairs;	       /* pairs set has room for */
};

/* Whether the route (peer, path) is one of group g's. */
static bool in_group(const struct rib *r, const struct rib_tally *t, unsigned int g, uint32_t peer,
		     uint32_t path)
{
	const struct rt_upstream *up;
	struct ref f = { .peer = peer, .path = path };

	if (!g)
		return true;
	up = &t->u.col[t->col[g - 1]];
	return ref_is_upstreams(
		r, &f, peer_may_match((const struct rib_peer *)r->peer.v + peer, up), up->asn);
}

/* Room for every pair of the RIB (new ones empty). */
static int tally_grow(const struct rib *r, struct rib_tally *t)
{
	struct tally_set *s;

	if (r->pair.n <= t->npairs)
		return 0;
	s = realloc(t->set, r->pair.n * t->ngroups * sizeof(*s));
	if (!s)
		return -ENOMEM;
	memset(s + t->npairs * t->ngroups, 0, (r->pair.n - t->npairs) * t->ngroups * sizeof(*s));
	t->set = s;
	t->npairs = r->pair.n;
	return 0;
}

/* The pair of a path (index in r->pair), or -1: remembered in
 * r->path_pair by the announce that used the path (no hash), else looked
 * up. */
static long pair_of_path(const struct rib *r, uint32_t path)
{
	const struct path *p = path_at(r, path);
	uint32_t known = path < r->path_pair_cap ? r->path_pair[path] : 0;
	struct pair key;

	if (known)
		return known == PATH_NO_PAIR ? -1 : (long)known - 1;
	key = pair_key(p);
	return p->as_set || !p->origin ? -1
				       : hashidx_find(&r->pair.idx, &pair_ops, r->pair.v, &key);
}

/* Where pfx is or would go in s. */
static uint32_t set_find(const struct tally_set *s, uint32_t pfx)
{
	uint32_t lo = 0, hi = s->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (s->v[mid] < pfx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Puts pfx in s (in) or takes it out. */
static int set_put(struct tally_set *s, uint32_t pfx, bool in)
{
	uint32_t i = set_find(s, pfx);
	bool has = i < s->n && s->v[i] == pfx;

	if (has == in)
		return 0;
	if (!in) {
		memmove(s->v + i, s->v + i + 1, (s->n - i - 1) * sizeof(*s->v));
		s->n--;
		return 0;
	}
	if (s->n == s->cap) {
		uint32_t cap = s->cap ? s->cap * 2 : 4;
		uint32_t *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	memmove(s->v + i + 1, s->v + i, (s->n - i) * sizeof(*s->v));
	s->v[i] = pfx;
	s->n++;
	return 0;
}

/* Every route of the RIB into t (empty, grown). */
static int tally_fill(const struct rib *r, struct rib_tally *t)
{
	long *pp = path_pairs(r);
	int err = pp ? 0 : -ENOMEM;

	for (size_t p = 0; !err && p < r->pfx.n; p++) {
		const struct pfx *x = pfx_at(r, p);

		for (uint16_t i = 0; !err && i < x->nrefs; i++) {
			long k = pp[refs_of(x)[i].path];

			for (unsigned int g = 0; k >= 0 && !err && g < t->ngroups; g++) {
				struct tally_set *s = &t->set[(size_t)k * t->ngroups + g];

				if (!in_group(r, t, g, refs_of(x)[i].peer, refs_of(x)[i].path))
					continue;
				s->paths++;
				err = set_put(s, (uint32_t)p, true);
			}
		}
	}
	free(pp);
	return err;
}

void rib_tally_free(struct rib_tally *t)
{
	for (size_t i = 0; t && i < t->npairs * t->ngroups; i++)
		free(t->set[i].v);
	if (t)
		free(t->set);
	free(t);
}

int rib_tally_new(struct rib *r, const struct rt_upstreams *u, struct rib_tally **out)
{
	struct rib_tally *t = calloc(1, sizeof(*t));
	int err = -ENOMEM;

	*out = NULL;
	rib_log_free(r);
	r->log = calloc(1, sizeof(*r->log));
	if (!t || !r->log)
		goto fail;
	if (u)
		t->u = *u;
	t->ngroups = 1;
	for (unsigned int c = 0; c < RT_COLUMNS; c++)
		if (t->u.col[c].asn)
			t->col[t->ngroups++ - 1] = c;
	err = tally_grow(r, t);
	if (!err)
		err = tally_fill(r, t);
	if (!err) {
		*out = t;
		return 0;
	}
fail:
	rib_tally_free(t);
	rib_log_free(r);
	return err;
}

bool rib_tally_for(const struct rib_tally *t, const struct rt_upstreams *u)
{
	static const struct rt_upstreams none;

	u = u ? u : &none;
	for (unsigned int c = 0; c < RT_COLUMNS; c++) {
		const struct rt_upstream *a = &t->u.col[c], *b = &u->col[c];

		/* field by field: the padding may differ */
		if (a->asn != b->asn || a->nbr_family != b->nbr_family ||
		    memcmp(a->nbr, b->nbr, sizeof(a->nbr)))
			return false;
	}
	return true;
}

/* A route of one group that changed: the log's, per group. */
struct touch {
	uint32_t pair, pfx;
	uint16_t group;
	int16_t sign;
};

static int touch_cmp(const void *a, const void *b)
{
	const struct touch *x = a, *y = b;

	if (x->pair != y->pair)
		return x->pair < y->pair ? -1 : 1;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return x->pfx < y->pfx ? -1 : x->pfx > y->pfx;
}

/* Empties the log; a burst's array is given back, not held for the next
 * few changes. */
static void log_clear(struct rib *r)
{
	if (!r->log)
		return;
	r->log->n = 0;
	if (r->log->cap > RIB_LOG_KEEP) {
		free(r->log->v);
		r->log->v = NULL;
		r->log->cap = 0;
	}
}

/* The log's routes per group they belong to, sorted by pair, group, prefix;
 * the log is emptied before the sort, so that a burst's log and its
 * touches are not both held through it. */
static int touches_of(struct rib *r, const struct rib_tally *t, struct touch **out, size_t *n)
{
	const struct rib_log *l = r->log;
	struct touch *v = malloc((l->n ? l->n : 1) * t->ngroups * sizeof(*v));

	*n = 0;
	if (!v)
		return -ENOMEM;
	_Static_assert(RT_COLUMNS + 1 <= UINT16_MAX, "a group fits a touch");
	for (size_t i = 0; i < l->n; i++) {
		long k = pair_of_path(r, l->v[i].path);

		for (unsigned int g = 0; k >= 0 && g < t->ngroups; g++)
			if (in_group(r, t, g, l->v[i].peer, l->v[i].path))
				v[(*n)++] = (struct touch){ (uint32_t)k, l->v[i].pfx, (uint16_t)g,
							    (int16_t)l->v[i].sign };
	}
	log_clear(r);
	qsort(v, *n, sizeof(*v), touch_cmp);
	*out = v;
	return 0;
}

/* Whether prefix p has a path of group g showing pair k now. */
static bool shows(const struct rib *r, const struct rib_tally *t, uint32_t p, unsigned int g,
		  long k)
{
	const struct pfx *x = pfx_at(r, p);

	for (uint16_t i = 0; i < x->nrefs; i++)
		if (pair_of_path(r, refs_of(x)[i].path) == k &&
		    in_group(r, t, g, refs_of(x)[i].peer, refs_of(x)[i].path))
			return true;
	return false;
}

/* What one step gives back. */
struct step_out {
	struct rib_pair_change *v;
	size_t n, cap_v;
	struct rt_entry *pfx;
	size_t npfx, cap_pfx;
	unsigned int max;
};

/* The first max prefixes of s appended to o's, as c's. */
static int take_prefixes(const struct rib *r, const struct tally_set *s, struct step_out *o,
			 struct rib_pair_change *c)
{
	uint32_t k = s->n < o->max ? s->n : o->max;

	/* doubling: a burst's step lists a million pairs' prefixes */
	if (array_grow((void **)&o->pfx, &o->cap_pfx, o->npfx + k + 1, sizeof(*o->pfx)))
		return -ENOMEM;
	c->pfx_first = (uint32_t)o->npfx;
	c->n_pfx = k;
	for (uint32_t i = 0; i < k; i++)
		pfx_entry(pfx_at(r, s->v[i]), &o->pfx[o->npfx++]);
	return 0;
}

/* One (pair, group)'s routes of the log (tc[0 .. n)) into its set; a
 * change when its paths went from none to some or back. */
static int step_set(const struct rib *r, struct rib_tally *t, const struct touch *tc, size_t n,
		    struct step_out *o)
{
	struct tally_set *s = &t->set[(size_t)tc->pair * t->ngroups + tc->group];
	struct rib_pair_change c = { .group = tc->group, .t = pair_at(r, tc->pair)->t };
	int64_t paths = s->paths;
	bool was = s->paths > 0;
	int err = 0;

	c.t.prefixes = s->n;
	c.t.paths = s->paths;
	for (size_t i = 0; i < n; i++)
		paths += tc[i].sign;
	if (was && !paths)
		err = take_prefixes(r, s, o, &c); /* lost: the prefixes before */
	for (size_t i = 0; !err && i < n; i++)
		if (!i || tc[i].pfx != tc[i - 1].pfx)
			err = set_put(s, tc[i].pfx, shows(r, t, tc[i].pfx, tc->group, tc->pair));
	s->paths = (uint32_t)paths;
	if (err || was == (paths > 0))
		return err;
	c.gained = !was;
	if (c.gained) {
		c.t.prefixes = s->n;
		c.t.paths = s->paths;
		err = take_prefixes(r, s, o, &c);
	}
	if (!err && array_grow((void **)&o->v, &o->cap_v, o->n + 1, sizeof(*o->v)))
		err = -ENOMEM;
	if (!err)
		o->v[o->n++] = c;
	return err;
}

int rib_tally_step(struct rib *r, struct rib_tally *t, unsigned int max,
		   struct rib_pair_change **out, size_t *n, struct rt_entry **pfx)
{
	struct step_out o = { .max = max };
	struct touch *tc = NULL;
	size_t ntc = 0;
	int err = r->log && !r->log->lost ? tally_grow(r, t) : -ENOBUFS;

	if (!err)
		err = touches_of(r, t, &tc, &ntc);
	for (size_t i = 0, j; !err && i < ntc; i = j) {
		for (j = i + 1; j < ntc && tc[j].pair == tc[i].pair && tc[j].group == tc[i].group;)
			j++;
		err = step_set(r, t, tc + i, j - i, &o);
	}
	free(tc);
	log_clear(r);
	if (err) {
		free(o.v);
		free(o.pfx);
		return err;
	}
	*out = o.v;
	*n = o.n;
	*pfx = o.pfx;
	return 0;
}

uint32_t rib_latest(const struct rib *r)
{
	uint32_t t = 0;

	for (size_t i = 0; i < r->pair.n; i++) {
		const struct rib_transit *p = &pair_at(r, i)->t;

		t = p->first_seen > t ? p->first_seen : t;
		t = p->gone_since > t ? p->gone_since : t;
	}
	return t;
}

/* Pair k of group g of t as a rib_transit (times: the RIB's now). */
static struct rib_transit tally_pair(const struct rib *r, const struct rib_tally *t, size_t k,
				     unsigned int g)
{
	struct rib_transit v = pair_at(r, k)->t;

	v.prefixes = t->set[k * t->ngroups + g].n;
	v.paths = t->set[k * t->ngroups + g].paths;
	return v;
}

/* The first max prefixes of each pair of v (positions pos in t's sets) in
 * the layout of rib_pair_prefixes(). */
static int tally_prefixes(const struct rib *r, const struct rib_tally *t, unsigned int g,
			  const size_t *pos, size_t n, unsigned int max, struct rt_entry **pfx,
			  uint32_t **first)
{
	uint32_t *f = malloc((n + 1) * sizeof(*f));

	*pfx = NULL;
	for (size_t i = 0; f && i <= n; i++) {
		uint32_t m = i ? t->set[pos[i - 1] * t->ngroups + g].n : 0;

		f[i] = i ? f[i - 1] + (m < max ? m : max) : 0;
	}
	if (f)
		*pfx = malloc((f[n] ? f[n] : 1) * sizeof(**pfx));
	if (!*pfx) {
		free(f);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		for (uint32_t j = 0; j < f[i + 1] - f[i]; j++)
			pfx_entry(pfx_at(r, t->set[pos[i] * t->ngroups + g].v[j]),
				  &(*pfx)[f[i] + j]);
	*first = f;
	return 0;
}

/* Positions of pairs (in the RIB r) by origin, then transit. */
static int cmp_pair_pos(const void *a, const void *b, void *r)
{
	return cmp_transit(&pair_at(r, *(const size_t *)a)->t, &pair_at(r, *(const size_t *)b)->t);
}

int rib_tally_group(const struct rib *r, const struct rib_tally *t, unsigned int g,
		    unsigned int max, struct rib_transit **v, size_t *n, struct rt_entry **pfx,
		    uint32_t **first)
{
	size_t *pos = malloc((t->npairs ? t->npairs : 1) * sizeof(*pos)), k = 0;
	int err = -ENOMEM;

	*v = malloc((t->npairs ? t->npairs : 1) * sizeof(**v));
	if (!pos || !*v)
		goto out;
	for (size_t i = 0; i < t->npairs; i++)
		if (!g || t->set[i * t->ngroups + g].paths)
			pos[k++] = i;
	qsort_r(pos, k, sizeof(*pos), cmp_pair_pos, (void *)r);
	for (size_t i = 0; i < k; i++)
		(*v)[i] = tally_pair(r, t, pos[i], g);
	*n = k;
	err = tally_prefixes(r, t, g, pos, k, max, pfx, first);
out:
	free(pos);
	if (err) {
		free(*v);
		*v = NULL;
	}
	return err;
}

int rib_tally_transits(const struct rib *r, const struct rib_tally *t, const uint32_t *origins,
		       size_t n_origins, struct rib_transit **out, size_t *n)
{
	struct rib_transit *v = malloc(sizeof(*v));
	size_t k = 0;

	for (size_t i = 0; v && i < t->npairs; i++) {
		struct rib_transit *w;
		size_t o = 0;

		while (o < n_origins && origins[o] != pair_at(r, i)->t.origin)
			o++;
		if (o == n_origins)
			continue;
		w = realloc(v, (k + 1) * sizeof(*v));
		if (!w)
			break;
		v = w;
		v[k++] = tally_pair(r, t, i, 0);
	}
	if (!v)
		return -ENOMEM;
	qsort(v, k, sizeof(*v), cmp_transit);
	*out = v;
	*n = k;
	return 0;
}
