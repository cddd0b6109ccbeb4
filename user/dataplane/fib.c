// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/dataplane/fib.c - builds and updates the fast route tables.  See fib.h and
 * docs/LOOKUP.md.
 *
 * Keys are 128-bit numbers held as (hi, lo), left-aligned: an IPv4 address
 * sits in the top 32 bits of hi.  A node that starts at bit s covers the six
 * bits s..s+5 of the key; IPv4 keys are zero past bit 31, so the last IPv4
 * level simply repeats each leaf 16 times and run-length storage (leafvec)
 * stores it once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "common/array.h"
#include "common/hashidx.h"
#include "common/log.h"
#include "dataplane/fib.h"

#define STRIDE ASC_FIB_STRIDE
#define NPOS (1U << STRIDE)

/* A prefix as the builder sees it: key, length, route index. */
struct fent {
	uint64_t hi, lo;
	uint32_t rid;
	uint8_t len;
};

/* A block of memory replaced by an update, reusable after a grace period. */
struct blk {
	uint32_t off, size;
};

struct blist {
	struct blk *v;
	size_t n, cap;
};

/* Bump allocation in one generation's part of a map, plus free lists by
 * block size (1..64: a node's children or leaf runs). */
struct region {
	const char *what, *limit;
	uint32_t base, end, top;
	struct blist free[NPOS + 1];
};

/* The prefix set kept for updates: a path-compressed binary trie over
 * array slots (its section below). */
struct snode {
	uint32_t c[2];
	uint32_t rl; /* route << 8 | length; route 0: a branch, no prefix ends here */
};
_Static_assert(2ULL * ASC_FIB_ROUTES <= 1ULL << 24, "a route index fits in 24 bits of snode.rl");

struct k128 {
	uint64_t hi, lo;
};

struct strie {
	struct snode *v;
	uint32_t *k4;	 /* the IPv4 trie's keys, beside v */
	struct k128 *k6; /* the IPv6 trie's keys */
	size_t n, cap;
	size_t used; /* nodes in the trie (n less the free list) */
	uint32_t freelist;
	bool v6;
};

struct fib {
	int fd[4];
	void *mem[4]; /* the mmap'ed maps, by M_*; the typed views below */
	uint32_t *dir;
	struct asc_fib_node *node;
	uint32_t *leaf;
	struct asc_route *route; /* the route records */

	int sync_outer, sync_inner;
	bool updates, valid;
	uint8_t mapped[4]; /* by M_*: bit g set while generation g's half is mapped */
	unsigned int gen;
	struct region nodes, leaves;
	/* The route records are one pool for both generations: a bit per
	 * record, set when the active generation uses it (found by
	 * fib_records_begin()) or a build or update since took it.  rec_gen
	 * is the generation the records were last written for; it takes
	 * free records from rec_cursor on, within [rec_lo, rec_hi). */
	uint64_t *rec_used;
	uint32_t rec_gen, rec_lo, rec_hi, rec_cursor;
	size_t rec_count;	    /* records rec_gen holds for routes */
	bool rec_begun;		    /* fib_records_begin() for rec_gen, not yet used */
	struct hashidx routes;	    /* route indexes (into route[]) of this generation, by route */
	struct blist quarantine[2]; /* [0] nodes, [1] leaves */
	struct strie trie[2];	    /* [0] IPv4, [1] IPv6 */
};

enum { M_DIR, M_NODE, M_LEAF, M_ROUTE };

static int map_lookup(struct fib *f, unsigned int gen, bool map);
static int map_records(struct fib *f);

static const size_t map_len[4] = {
	[M_DIR] = 2 * (size_t)ASC_FIB_DIR_GEN * sizeof(uint32_t),
	[M_NODE] = 2 * (size_t)ASC_FIB_NODES * sizeof(struct asc_fib_node),
	[M_LEAF] = 2 * (size_t)ASC_FIB_LEAVES * sizeof(uint32_t),
	[M_ROUTE] = 2 * (size_t)ASC_FIB_ROUTES * sizeof(struct asc_route),
};

/* ---- small helpers ------------------------------------------------------ */

static inline unsigned int pop64(uint64_t x)
{
	return (unsigned int)__builtin_popcountll(x);
}

static inline uint64_t upto(unsigned int p)
{
	uint64_t bit = 1ULL << p;

	return bit | (bit - 1);
}

/* The six bits of the key at bit offset s; bits past 128 are zero (the last
 * IPv6 level starts at bit 124). */
static inline unsigned int bits6(uint64_t hi, uint64_t lo, unsigned int s)
{
	if (s + STRIDE <= 64)
		return (hi >> (64 - STRIDE - s)) & (NPOS - 1);
	if (s + STRIDE > 128)
		return (lo << (s + STRIDE - 128)) & (NPOS - 1);
	if (s >= 64)
		return (lo >> (128 - STRIDE - s)) & (NPOS - 1);
	return ((hi << (s + STRIDE - 64)) | (lo >> (128 - STRIDE - s))) & (NPOS - 1);
}

static inline unsigned int bit1(uint64_t hi, uint64_t lo, unsigned int i)
{
	return i < 64 ? (hi >> (63 - i)) & 1 : (lo >> (127 - i)) & 1;
}

/* The address bytes as a key (an rt_entry's IPv4 bytes 4..15 are zero). */
static void key_of(const uint8_t addr[16], uint64_t *hi, uint64_t *lo)
{
	uint64_t h = 0, l = 0;

	for (int i = 0; i < 8; i++) {
		h = h << 8 | addr[i];
		l = l << 8 | addr[8 + i];
	}
	*hi = h;
	*lo = l;
}

static inline unsigned int dir_bits(int v6)
{
	return v6 ? ASC_FIB_DIR6_BITS : ASC_FIB_DIR4_BITS;
}

static inline uint32_t dir_base(unsigned int gen, int v6)
{
	return gen * ASC_FIB_DIR_GEN + (v6 ? ASC_FIB_DIR4_SIZE : 0);
}

static int blist_push(struct blist *l, uint32_t off, uint32_t size)
{
	if (array_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v)))
		return -ENOMEM;
	l->v[l->n++] = (struct blk){ off, size };
	return 0;
}

/* ---- grace periods ------------------------------------------------------
 * Updating an ARRAY_OF_MAPS slot makes the kernel wait in synchronize_rcu()
 * before the syscall returns (maybe_wait_bpf_programs() in
 * kernel/bpf/syscall.c), and XDP and tc programs run inside RCU read-side
 * sections: after the update returns, every program run that could have
 * seen replaced memory has finished. */

static int grace_maps(int *outer, int *inner)
{
	LIBBPF_OPTS(bpf_map_create_opts, o);

	*inner = bpf_map_create(BPF_MAP_TYPE_ARRAY, "asc_grace_in", 4, 4, 1, NULL);
	if (*inner < 0)
		return -errno;
	o.inner_map_fd = *inner;
	*outer = bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "asc_grace", 4, 4, 1, &o);
	if (*outer < 0)
		return -errno;
	return 0;
}

static int grace_wait(int outer, int inner)
{
	__u32 zero = 0, fd = (__u32)inner;

	return bpf_map_update_elem(outer, &zero, &fd, BPF_ANY) ? -errno : 0;
}

int rcu_grace(void)
{
	int outer = -1, inner = -1, err;

	err = grace_maps(&outer, &inner);
	if (!err)
		err = grace_wait(outer, inner);
	if (outer >= 0)
		close(outer);
	if (inner >= 0)
		close(inner);
	return err;
}

static int cmp_blk(const void *a, const void *b)
{
	const struct blk *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* Puts the quarantined blocks with the free ones, merging neighbours (a run
 * that reaches the bump pointer goes back to it) so that freed memory
 * serves requests of any size. */
static void release_region(struct region *r, struct blist *q)
{
	struct blist all = { 0 };
	size_t out = 0;

	for (unsigned int k = 1; k <= NPOS; k++)
		for (size_t i = 0; i < r->free[k].n; i++)
			if (blist_push(&all, r->free[k].v[i].off, k))
				goto nomem;
	for (size_t i = 0; i < q->n; i++)
		if (blist_push(&all, q->v[i].off, q->v[i].size))
			goto nomem;
	q->n = 0;
	if (all.n)
		qsort(all.v, all.n, sizeof(*all.v), cmp_blk);
	for (size_t i = 0; i < all.n; i++) {
		if (out && all.v[out - 1].off + all.v[out - 1].size == all.v[i].off)
			all.v[out - 1].size += all.v[i].size;
		else
			all.v[out++] = all.v[i];
	}
	all.n = out;
	if (all.n && all.v[all.n - 1].off + all.v[all.n - 1].size == r->top)
		r->top = all.v[--all.n].off;
	for (unsigned int k = 1; k <= NPOS; k++)
		r->free[k].n = 0;
	for (size_t i = 0; i < all.n; i++)
		for (uint32_t off = all.v[i].off, left = all.v[i].size; left;) {
			uint32_t k = left < NPOS ? left : NPOS;

			blist_push(&r->free[k], off,
				   k); /* out of memory: lost till the next build */
			off += k;
			left -= k;
		}
nomem:
	free(all.v);
}

static void release_quarantine(struct fib *f)
{
	release_region(&f->nodes, &f->quarantine[0]);
	release_region(&f->leaves, &f->quarantine[1]);
}

/* Anonymous memory (tests) has no BPF reader to wait for. */
static int fib_grace(struct fib *f)
{
	return f->sync_outer < 0 ? 0 : grace_wait(f->sync_outer, f->sync_inner);
}

int fib_sync(struct fib *f)
{
	int err = fib_grace(f);

	if (!err)
		release_quarantine(f);
	return err;
}

/* ---- allocation --------------------------------------------------------- */

static void region_reset(struct region *r, uint32_t base, uint32_t size)
{
	r->base = r->top = base;
	r->end = base + size;
	for (unsigned int i = 0; i <= NPOS; i++)
		r->free[i].n = 0;
}

/* A free block of exactly `size`, else the first part of the smallest
 * larger one (the rest stays free). */
static int take_free(struct region *r, uint32_t size, uint32_t *off)
{
	for (uint32_t k = size; k <= NPOS; k++) {
		struct blist *fl = &r->free[k];

		if (!fl->n)
			continue;
		*off = fl->v[--fl->n].off;
		if (k > size) /* out of memory: the rest is lost until the next build */
			blist_push(&r->free[k - size], *off + size, k - size);
		return 0;
	}
	return -ENOSPC;
}

static int region_alloc(struct fib *f, struct region *r, uint32_t size, uint32_t *off)
{
	for (int tries = 0; tries < 2; tries++) {
		if (!take_free(r, size, off))
			return 0;
		if (r->end - r->top >= size) {
			*off = r->top;
			r->top += size;
			return 0;
		}
		/* What updates replaced becomes free after a grace period. */
		if (!f->quarantine[r == &f->leaves].n || fib_sync(f))
			break;
	}
	log_err("fast tables: %s full (%u per generation): raise %s", r->what, r->end - r->base,
		r->limit);
	return -ENOSPC;
}

static void retire(struct fib *f, int leaves, uint32_t off, uint32_t size)
{
	if (size)
		blist_push(&f->quarantine[leaves], off, size);
}

/* ---- route records: stored once each ----------------------------------- */

static uint32_t route_hash(const void *elem)
{
	const struct asc_route *r = elem;
	uint64_t h = 0;

	for (int c = 0; c < ASC_COLUMNS; c++)
		h = (h ^ r->slot[c]) * 0x9e3779b97f4a7c15ULL;
	return (uint32_t)(h ^ (h >> 32));
}

static bool route_eq(const void *elem, const void *key)
{
	return !memcmp(elem, key, sizeof(struct asc_route));
}

static const struct hashidx_ops route_ops = { sizeof(struct asc_route), route_hash, route_eq };

#define REC_POOL (2 * (size_t)ASC_FIB_ROUTES)

static inline bool rec_is_used(const struct fib *f, uint32_t i)
{
	return f->rec_used[i / 64] >> (i % 64) & 1;
}

static inline void rec_mark(struct fib *f, uint32_t i)
{
	f->rec_used[i / 64] |= 1ULL << (i % 64);
}

/* Records in use, the reserved ones left out. */
static size_t rec_used_count(const struct fib *f)
{
	size_t n = 0;

	for (size_t w = 0; w < REC_POOL / 64; w++)
		n += (size_t)__builtin_popcountll(f->rec_used[w]);
	return n - 2 * ASC_REC_FIRST;
}

/* The first free record in [from, to), or UINT32_MAX. */
static uint32_t rec_free_in(const struct fib *f, uint32_t from, uint32_t to)
{
	for (uint32_t w = from / 64; (size_t)w * 64 < to; w++) {
		uint64_t x = ~f->rec_used[w];

		if (w == from / 64)
			x &= ~0ULL << (from % 64);
		if (x) {
			uint32_t i = w * 64 + (uint32_t)__builtin_ctzll(x);

			return i < to ? i : UINT32_MAX;
		}
	}
	return UINT32_MAX;
}

/* A free record for generation rec_gen: its own half first, then the rest
 * of its range (the other half, when the tables leave room there). */
static int rec_take(struct fib *f, uint32_t *out)
{
	uint32_t i = rec_free_in(f, f->rec_cursor, f->rec_hi);

	if (i == UINT32_MAX)
		i = rec_free_in(f, f->rec_lo, f->rec_cursor);
	if (i == UINT32_MAX)
		return -ENOSPC;
	rec_mark(f, i);
	f->rec_cursor = i;
	*out = i;
	return 0;
}

/* Starts generation gen's records afresh: the no-route records in their
 * places, nothing else (fib_records_begin() said which are free). */
static void routes_reset(struct fib *f, unsigned int gen, const struct asc_route noroute[2])
{
	uint32_t base = gen * ASC_FIB_ROUTES;

	f->rec_gen = gen;
	f->rec_count = 0;
	f->route[base + ASC_REC_NONE] = (struct asc_route){ 0 };
	f->route[base + ASC_REC_NOROUTE4] = noroute[0];
	f->route[base + ASC_REC_NOROUTE6] = noroute[1];
	hashidx_clear(&f->routes);
}

static int route_intern(struct fib *f, const struct asc_route *r, uint32_t *rid)
{
	uint32_t *slot, i;

	if (!f->rec_used)
		return -EINVAL; /* fib_records() first */
	if (hashidx_reserve(&f->routes, &route_ops, f->route))
		return -ENOMEM;
	slot = hashidx_slot(&f->routes, &route_ops, f->route, r);
	if (*slot) {
		*rid = *slot - 1;
		return 0;
	}
	if (rec_take(f, &i)) {
		log_err("route records: no free one for record %zu of generation %u "
			"(%zu records for both generations, %zu in use): raise ASC_FIB_ROUTES",
			f->rec_count + 1, f->rec_gen, REC_POOL - 2 * ASC_REC_FIRST,
			rec_used_count(f));
		return -ENOSPC;
	}
	/* Written before any leaf can point at it. */
	f->route[i] = *r;
	hashidx_put(&f->routes, slot, i);
	f->rec_count++;
	*rid = i;
	return 0;
}

/* ---- building ----------------------------------------------------------- */

static void publish(uint32_t *slot, uint32_t v)
{
	/* Everything the new value points to was stored before this store. */
	__atomic_store_n(slot, v, __ATOMIC_RELEASE);
}

/* A skip node stands for a chain of nodes that each have one child and the
 * same route everywhere else, or for a range holding one longer prefix
 * (include/asclass.h). */
static inline bool is_skip(const struct asc_fib_node *n)
{
	return n->base0 & ASC_FIB_SKIP;
}

static inline unsigned int skip_levels(const struct asc_fib_node *n)
{
	return (unsigned int)(n->leafvec & ASC_FIB_SKIP_LEVELS);
}

/* A node's child nodes and leaves, as blocks in the node and leaf arrays. */
static inline unsigned int kids_of(const struct asc_fib_node *n)
{
	return is_skip(n) ? !!(n->base1 & ASC_FIB_NODE) : pop64(n->vector);
}

/* Where a node's children block starts (a skip node's base1 carries
 * ASC_FIB_NODE when it leads to a node). */
static inline uint32_t kids_base(const struct asc_fib_node *n)
{
	return n->base1 & ~ASC_FIB_NODE;
}

static inline uint64_t skip_mask(const struct asc_fib_node *n)
{
	return n->leafvec & ~ASC_FIB_SKIP_LEVELS;
}

static inline unsigned int leaves_of(const struct asc_fib_node *n)
{
	return is_skip(n) ? 0 : pop64(n->leafvec);
}

/* The 64 bits of the key from bit offset s on, left-aligned. */
static inline uint64_t key_from(uint64_t hi, uint64_t lo, unsigned int s)
{
	if (s >= 64)
		return s >= 128 ? 0 : lo << (s - 64);
	return s ? hi << s | lo >> (64 - s) : hi;
}

/* One step of a walk from node n at bit s: the next entry (a node index with
 * ASC_FIB_NODE, or a route index) and, for a node, the bits it consumed. */
static inline uint32_t step(const struct fib *f, const struct asc_fib_node *n, uint64_t hi,
			    uint64_t lo, unsigned int s, unsigned int *used)
{
	unsigned int p;
	uint32_t leaf;

	if (is_skip(n)) {
		*used = skip_levels(n) * STRIDE;
		if ((key_from(hi, lo, s) & skip_mask(n)) != n->vector)
			return n->base0 & ~ASC_FIB_SKIP;
		return n->base1;
	}
	*used = STRIDE;
	p = bits6(hi, lo, s);
	if (n->vector >> p & 1)
		return ASC_FIB_NODE | (n->base1 + pop64(n->vector & upto(p)) - 1);
	leaf = n->base0 + pop64(n->leafvec & upto(p)) - 1;
	/* Pinned maps can be written by anyone with the rights: a leaf index
	 * out of the array reads as a node index out of its array, which
	 * fib_lookup reports. */
	return leaf < 2 * ASC_FIB_LEAVES ? f->leaf[leaf] : UINT32_MAX;
}

/* The skip node for a node whose only child, at position p, is `kid` and
 * whose 63 other positions all hold route `rid`.  A kid that is itself a
 * skip node with the same route is absorbed while the bits fit: a fresh
 * build merges bottom up, and updates keep that form (update_one). */
static int build_skip(struct fib *f, unsigned int p, const struct asc_fib_node *kid, uint32_t rid,
		      struct asc_fib_node *out)
{
	uint64_t expect = (uint64_t)p << (64 - STRIDE);
	unsigned int bits = STRIDE, m = 1;
	uint32_t next;
	int err;

	if (is_skip(kid) && (kid->base0 & ~ASC_FIB_SKIP) == rid &&
	    STRIDE + pop64(skip_mask(kid)) <= ASC_FIB_SKIP_MAX * STRIDE) {
		bits += pop64(skip_mask(kid));
		m = (kid->base1 & ASC_FIB_NODE) ? 1 + skip_levels(kid) : 0;
		expect |= kid->vector >> STRIDE;
		next = kid->base1;
	} else {
		if ((err = region_alloc(f, &f->nodes, 1, &next)))
			return err;
		f->node[next] = *kid;
		next |= ASC_FIB_NODE;
	}
	*out = (struct asc_fib_node){ .vector = expect,
				      .leafvec = ~0ULL << (64 - bits) | m,
				      .base0 = ASC_FIB_SKIP | rid,
				      .base1 = next };
	return 0;
}

/* Builds the node that covers bits s..s+5 of the prefixes v[0..n) (all
 * longer than s and under the node's range, in table order: a covering
 * prefix before the ones it covers), below which addresses default to route
 * `inh`.  Children and leaves go to freshly allocated memory; the node itself
 * is returned in *out for the caller to place (0).  When one route covers
 * the whole range after all (longer prefixes that repeat the route they sit
 * in), nothing is allocated and the route is returned in *route (1). */
static int build_node(struct fib *f, const struct fent *v, size_t n, unsigned int s, uint32_t inh,
		      struct asc_fib_node *out, uint32_t *route)
{
	struct {
		size_t i, j;
	} grp[NPOS];
	struct asc_fib_node kid[NPOS];
	uint32_t val[NPOS], base1 = 0, base0 = 0, prev = 0;
	uint64_t vector = 0, leafvec = 0;
	unsigned int nchild, nleaf, k;
	int err;

	if (n == 1 && v[0].len - s <= ASC_FIB_SKIP_MAX * STRIDE) {
		/* One prefix: its bits from s on decide between two routes. */
		uint64_t mask = ~0ULL << (64 - (v[0].len - s));

		if (v[0].rid == inh) {
			*route = inh;
			return 1;
		}
		*out = (struct asc_fib_node){ .vector = key_from(v[0].hi, v[0].lo, s) & mask,
					      .leafvec = mask,
					      .base0 = ASC_FIB_SKIP | inh,
					      .base1 = v[0].rid };
		return 0;
	}
	for (unsigned int p = 0; p < NPOS; p++)
		val[p] = inh;
	for (size_t i = 0; i < n;) {
		unsigned int p = bits6(v[i].hi, v[i].lo, s);

		if (v[i].len <= s + STRIDE) {
			unsigned int span = 1U << (s + STRIDE - v[i].len);

			for (unsigned int q = p; q < p + span; q++)
				val[q] = v[i].rid;
			i++;
			continue;
		}
		grp[p].i = i;
		while (i < n && v[i].len > s + STRIDE && bits6(v[i].hi, v[i].lo, s) == p)
			i++;
		grp[p].j = i;
		vector |= 1ULL << p;
	}

	/* Children first: one that comes out as a single route is a leaf. */
	for (unsigned int p = 0; p < NPOS; p++) {
		if (!(vector >> p & 1))
			continue;
		err = build_node(f, v + grp[p].i, grp[p].j - grp[p].i, s + STRIDE, val[p], &kid[p],
				 &val[p]);
		if (err < 0)
			return err;
		if (err == 1)
			vector &= ~(1ULL << p);
	}

	for (unsigned int p = 0, first = 1; p < NPOS; p++) {
		if (vector >> p & 1)
			continue;
		if (first || val[p] != prev)
			leafvec |= 1ULL << p;
		prev = val[p];
		first = 0;
	}
	nchild = pop64(vector);
	nleaf = pop64(leafvec);
	if (!nchild) {
		if (nleaf == 1) {
			*route = val[0];
			return 1;
		}
	} else if (nchild == 1 && nleaf == 1) {
		unsigned int p = (unsigned int)__builtin_ctzll(vector);

		return build_skip(f, p, &kid[p], val[__builtin_ctzll(leafvec)], out);
	} else {
		if ((err = region_alloc(f, &f->nodes, nchild, &base1)))
			return err;
		k = 0;
		for (unsigned int p = 0; p < NPOS; p++)
			if (vector >> p & 1)
				f->node[base1 + k++] = kid[p];
	}
	if (nleaf) {
		if ((err = region_alloc(f, &f->leaves, nleaf, &base0)))
			return err;
		k = 0;
		for (unsigned int p = 0; p < NPOS; p++)
			if (leafvec >> p & 1)
				f->leaf[base0 + k++] = val[p];
	}
	*out = (struct asc_fib_node){
		.vector = vector, .leafvec = leafvec, .base0 = base0, .base1 = base1
	};
	return 0;
}

/* A node a direct entry points to stands alone: gives it a slot of its own
 * and returns the direct-entry value for it. */
static int place_top(struct fib *f, const struct asc_fib_node *nd, uint32_t *entry)
{
	uint32_t idx;
	int err = region_alloc(f, &f->nodes, 1, &idx);

	if (err)
		return err;
	f->node[idx] = *nd;
	*entry = ASC_FIB_NODE | idx;
	return 0;
}

static int build_family(struct fib *f, const struct fent *v, size_t n, unsigned int gen, int v6)
{
	unsigned int d = dir_bits(v6);
	uint32_t *dir = f->dir + dir_base(gen, v6);
	struct asc_fib_node nd;
	int err;

	memset(dir, 0, ((size_t)1 << d) * sizeof(*dir));
	for (size_t i = 0; i < n;) {
		uint32_t slot = (uint32_t)(v[i].hi >> (64 - d)), entry;
		size_t j;

		if (v[i].len <= d) {
			/* Covering prefixes come first in table order, so
			 * painting in order leaves each slot its longest match. */
			uint32_t span = 1U << (d - v[i].len);

			for (uint32_t k = slot; k < slot + span; k++)
				dir[k] = v[i].rid;
			i++;
			continue;
		}
		for (j = i; j < n && v[j].len > d && (uint32_t)(v[j].hi >> (64 - d)) == slot; j++)
			;
		err = build_node(f, v + i, j - i, d, dir[slot], &nd, &entry);
		if (!err)
			err = place_top(f, &nd, &entry);
		if (err < 0)
			return err;
		dir[slot] = entry;
		i = j;
	}
	return 0;
}

/* ---- the prefix set for updates -----------------------------------------
 * A path-compressed binary trie: a node is a prefix (rid != 0) or a branch
 * (rid 0, always two children), so there are fewer than two nodes per
 * prefix, and "has a child" still means "has a longer prefix below".  Each
 * node's key (masked to its length) is kept beside it: 4 bytes for IPv4,
 * 16 for IPv6.  Node 0 is the root (length 0); 0 as a child means none. */

/* The key's first len bits; the rest zero. */
static void key_mask(uint64_t *hi, uint64_t *lo, unsigned int s)
{
	if (s < 64) {
		*hi = s ? *hi & ~(~0ULL >> s) : 0;
		*lo = 0;
	} else if (s < 128) {
		*lo = s > 64 ? *lo & ~(~0ULL >> (s - 64)) : 0;
	}
}

/* The number of leading bits two keys share (128: equal). */
static unsigned int key_common(uint64_t h1, uint64_t l1, uint64_t h2, uint64_t l2)
{
	if (h1 != h2)
		return (unsigned int)__builtin_clzll(h1 ^ h2);
	if (l1 != l2)
		return 64 + (unsigned int)__builtin_clzll(l1 ^ l2);
	return 128;
}

static inline unsigned int snode_len(const struct strie *t, uint32_t x)
{
	return t->v[x].rl & 0xff;
}

static inline uint32_t snode_rid(const struct strie *t, uint32_t x)
{
	return t->v[x].rl >> 8;
}

static void snode_key(const struct strie *t, uint32_t x, uint64_t *hi, uint64_t *lo)
{
	if (t->v6) {
		*hi = t->k6[x].hi;
		*lo = t->k6[x].lo;
	} else {
		*hi = (uint64_t)t->k4[x] << 32;
		*lo = 0;
	}
}

/* Bits the key shares with node x's key, at most the node's length. */
static unsigned int snode_common(const struct strie *t, uint32_t x, uint64_t hi, uint64_t lo)
{
	uint64_t h, l;
	unsigned int c, len = snode_len(t, x);

	snode_key(t, x, &h, &l);
	c = key_common(hi, lo, h, l);
	return c < len ? c : len;
}

/* Makes room for one more node (key array beside). */
static int strie_grow(struct strie *t)
{
	size_t c = t->cap ? t->cap * 2 : 64;
	struct snode *v;
	void *k;

	if (t->n < t->cap)
		return 0;
	v = realloc(t->v, c * sizeof(*v));
	if (v)
		t->v = v;
	k = v ? realloc(t->v6 ? (void *)t->k6 : (void *)t->k4,
			c * (t->v6 ? sizeof(*t->k6) : sizeof(*t->k4)))
	      : NULL;
	if (!k)
		return -ENOMEM;
	if (t->v6)
		t->k6 = k;
	else
		t->k4 = k;
	t->cap = c;
	return 0;
}

/* A new node for hi:lo/len (masked here) with route rid, no children. */
static int strie_node(struct strie *t, uint64_t hi, uint64_t lo, unsigned int len, uint32_t rid,
		      uint32_t *out)
{
	if (t->freelist) {
		*out = t->freelist;
		t->freelist = t->v[*out].c[0];
	} else {
		if (strie_grow(t))
			return -ENOMEM;
		*out = (uint32_t)t->n++;
	}
	t->used++;
	key_mask(&hi, &lo, len);
	t->v[*out] = (struct snode){ { 0, 0 }, rid << 8 | len };
	if (t->v6)
		t->k6[*out] = (struct k128){ hi, lo };
	else
		t->k4[*out] = (uint32_t)(hi >> 32);
	return 0;
}

static void strie_free(struct strie *t, uint32_t x)
{
	t->v[x].c[0] = t->freelist;
	t->freelist = x;
	t->used--;
}

static int strie_reset(struct strie *t, bool v6)
{
	uint32_t root;

	t->n = t->used = 0;
	t->freelist = 0;
	if (t->v6 != v6) { /* the key array is per family */
		free(t->k4);
		free(t->k6);
		t->k4 = NULL;
		t->k6 = NULL;
		t->cap = 0;
		t->v6 = v6;
	}
	return strie_node(t, 0, 0, 0, 0, &root); /* the root: slot 0 */
}

/* Puts a new prefix node (or a branch and a new leaf) between parent p
 * (child side b) and its child nx, which does not lie on the key's path
 * down to len; m: the bits the key shares with nx. */
static int strie_split(struct strie *t, uint32_t p, unsigned int b, uint32_t nx, unsigned int m,
		       uint64_t hi, uint64_t lo, unsigned int len, uint32_t rid)
{
	uint64_t nh, nl;
	uint32_t n, leaf;
	int err;

	snode_key(t, nx, &nh, &nl);
	if (m == len) { /* the new prefix sits above nx */
		if ((err = strie_node(t, hi, lo, len, rid, &n)))
			return err;
		t->v[n].c[bit1(nh, nl, len)] = nx;
		t->v[p].c[b] = n;
		return 0;
	}
	if ((err = strie_node(t, hi, lo, m, 0, &n)) ||
	    (err = strie_node(t, hi, lo, len, rid, &leaf)))
		return err;
	t->v[n].c[bit1(nh, nl, m)] = nx;
	t->v[n].c[bit1(hi, lo, m)] = leaf;
	t->v[p].c[b] = n;
	return 0;
}

static int strie_add(struct strie *t, uint64_t hi, uint64_t lo, unsigned int len, uint32_t rid,
		     bool *changed)
{
	uint32_t cur = 0;

	while (snode_len(t, cur) < len) {
		unsigned int b = bit1(hi, lo, snode_len(t, cur)), m;
		uint32_t nx = t->v[cur].c[b], leaf;
		int err;

		*changed = true;
		if (!nx) {
			if ((err = strie_node(t, hi, lo, len, rid, &leaf)))
				return err;
			t->v[cur].c[b] = leaf;
			return 0;
		}
		m = snode_common(t, nx, hi, lo);
		if (m < snode_len(t, nx) || snode_len(t, nx) > len)
			return strie_split(t, cur, b, nx, m < len ? m : len, hi, lo, len, rid);
		cur = nx;
	}
	*changed = snode_rid(t, cur) != rid;
	t->v[cur].rl = rid << 8 | len;
	return 0;
}

/* Node x (parent p, side b; grandparent g, side gb) no longer holds a
 * prefix: it goes unless it still branches, and so does a branch parent
 * left with one child. */
static void strie_unlink(struct strie *t, uint32_t x, uint32_t p, unsigned int b, uint32_t g,
			 unsigned int gb)
{
	uint32_t c0 = t->v[x].c[0], c1 = t->v[x].c[1];

	if (c0 && c1)
		return;
	t->v[p].c[b] = c0 ? c0 : c1;
	strie_free(t, x);
	if (c0 || c1 || p == 0 || snode_rid(t, p))
		return;
	t->v[g].c[gb] = t->v[p].c[!b];
	strie_free(t, p);
}

static void strie_clear(struct strie *t, uint64_t hi, uint64_t lo, unsigned int len, bool *changed)
{
	uint32_t cur = 0, p = 0, g = 0;
	unsigned int b = 0, gb = 0;

	while (snode_len(t, cur) < len) {
		uint32_t nx = t->v[cur].c[bit1(hi, lo, snode_len(t, cur))];

		if (!nx || snode_common(t, nx, hi, lo) < snode_len(t, nx) || snode_len(t, nx) > len)
			return; /* withdrawing a prefix that is not there */
		g = p;
		gb = b;
		p = cur;
		b = bit1(hi, lo, snode_len(t, cur));
		cur = nx;
	}
	if (!snode_rid(t, cur))
		return;
	*changed = true;
	t->v[cur].rl = len;
	if (cur)
		strie_unlink(t, cur, p, b, g, gb);
}

/* Sets (rid != 0) or clears (rid == 0) a prefix.  *changed tells whether
 * the set changed. */
static int strie_set(struct strie *t, uint64_t hi, uint64_t lo, unsigned int len, uint32_t rid,
		     bool *changed)
{
	*changed = false;
	key_mask(&hi, &lo, len);
	if (!rid) {
		strie_clear(t, hi, lo, len, changed);
		return 0;
	}
	return strie_add(t, hi, lo, len, rid, changed);
}

/* Walks along the key (masked to s bits) to the node whose subtree holds
 * the prefixes longer than s in its range: returned (0 if none; the root
 * is never asked for below depth 0); its length may exceed s.  *inh: the
 * route of the longest prefix of length <= s on the way (its length in
 * *inh_len). */
static uint32_t strie_walk(const struct strie *t, uint64_t hi, uint64_t lo, unsigned int s,
			   uint32_t *inh, int *inh_len)
{
	uint32_t cur = 0;

	*inh = 0;
	*inh_len = -1;
	for (;;) {
		unsigned int len = snode_len(t, cur);
		uint32_t nx;

		if (snode_rid(t, cur)) {
			*inh = snode_rid(t, cur);
			*inh_len = (int)len;
		}
		if (len == s)
			return cur;
		nx = t->v[cur].c[bit1(hi, lo, len)];
		if (!nx)
			return 0;
		if (snode_len(t, nx) > s)
			return snode_common(t, nx, hi, lo) >= s ? nx : 0;
		if (snode_common(t, nx, hi, lo) < snode_len(t, nx))
			return 0;
		cur = nx;
	}
}

/* Whether anything longer than s lies in the subtree of x (from
 * strie_walk() with s). */
static bool strie_below(const struct strie *t, uint32_t x, unsigned int s)
{
	return x && (snode_len(t, x) > s || t->v[x].c[0] || t->v[x].c[1]);
}

struct fent_vec {
	struct fent *v;
	size_t n, cap;
};

/* Appends the prefixes longer than s in x's subtree in table order: each
 * node before its subtrees, 0-branch first. */
static int strie_collect(const struct strie *t, uint32_t x, unsigned int s, struct fent_vec *out)
{
	if (snode_len(t, x) > s && snode_rid(t, x)) {
		struct fent *e;

		if (array_grow((void **)&out->v, &out->cap, out->n + 1, sizeof(*out->v)))
			return -ENOMEM;
		e = &out->v[out->n++];
		snode_key(t, x, &e->hi, &e->lo);
		e->rid = snode_rid(t, x);
		e->len = (uint8_t)snode_len(t, x);
	}
	for (unsigned int b = 0; b < 2; b++)
		if (t->v[x].c[b] && strie_collect(t, t->v[x].c[b], s, out))
			return -ENOMEM;
	return 0;
}

/* Builds the node for the range of the first s bits of the key from the
 * prefix set (s = the direct bits for a slot, or a node's start bit).
 * *has is false when one route covers the whole range (nothing longer lies
 * below, or only prefixes that repeat the route they sit in): no node is
 * needed, and *inh is that route. */
static int rebuild_range(struct fib *f, int v6, uint64_t hi, uint64_t lo, unsigned int s, bool *has,
			 uint32_t *inh, struct asc_fib_node *out)
{
	const struct strie *t = &f->trie[v6];
	struct fent_vec fv = { 0 };
	uint32_t x;
	int inh_len, err;

	key_mask(&hi, &lo, s);
	x = strie_walk(t, hi, lo, s, inh, &inh_len);
	*has = strie_below(t, x, s);
	if (!*has)
		return 0;
	err = strie_collect(t, x, s, &fv);
	if (!err)
		err = build_node(f, fv.v, fv.n, s, *inh, out, inh);
	free(fv.v);
	if (err == 1) { /* the longer prefixes only repeat the route they sit in */
		*has = false;
		err = 0;
	}
	return err;
}

/* Retires everything below a node (its leaf runs and child nodes), not the
 * node's own slot. */
static void retire_below(struct fib *f, const struct asc_fib_node *n)
{
	unsigned int nc = kids_of(n);

	retire(f, 1, n->base0, leaves_of(n));
	retire(f, 0, kids_base(n), nc);
	for (unsigned int k = 0; k < nc; k++)
		retire_below(f, &f->node[kids_base(n) + k]);
}

static void retire_entry(struct fib *f, uint32_t entry)
{
	if (entry & ASC_FIB_NODE) {
		uint32_t idx = entry & ~ASC_FIB_NODE;

		retire_below(f, &f->node[idx]);
		retire(f, 0, idx, 1);
	}
}

/* Recomputes direct slot `slot` from the prefix set and publishes it. */
static int update_slot(struct fib *f, int v6, uint32_t slot)
{
	unsigned int d = dir_bits(v6);
	uint32_t *ent = &f->dir[dir_base(f->gen, v6) + slot], old = *ent, inh, entry;
	uint64_t hi = (uint64_t)slot << (64 - d);
	struct asc_fib_node nd;
	bool has;
	int err;

	err = rebuild_range(f, v6, hi, 0, d, &has, &inh, &nd);
	if (err)
		return err;
	entry = inh;
	if (has && (err = place_top(f, &nd, &entry)))
		return err;
	publish(ent, entry);
	retire_entry(f, old);
	return 0;
}

static int update_one(struct fib *f, const struct rt_entry *e, const struct asc_route *rec,
		      bool withdraw)
{
	int v6 = e->family == 6;
	unsigned int d = dir_bits(v6), len = e->plen, t;
	uint32_t rid = 0, slot, entry, idx[ASC_FIB_LEVELS6 + 1], rank[ASC_FIB_LEVELS6 + 1];
	unsigned int start[ASC_FIB_LEVELS6 + 1];
	struct strie *tr = &f->trie[v6];
	struct blk old_blocks[ASC_FIB_LEVELS6 + 1];
	struct asc_fib_node nv, old_nj;
	uint64_t hi, lo;
	bool changed, has;
	int err, j, inh_len;

	key_of(e->addr, &hi, &lo);
	key_mask(&hi, &lo, len);
	if (!withdraw && (err = route_intern(f, rec, &rid)))
		return err;
	err = strie_set(tr, hi, lo, len, rid, &changed);
	if (err || !changed)
		return err;

	slot = (uint32_t)(hi >> (64 - d));
	if (len <= d) {
		/* Every slot the prefix spans whose longest match of length
		 * <= d is this prefix (or was, before a withdrawal). */
		for (uint32_t k = slot; k < slot + (1U << (d - len)); k++) {
			uint64_t sh = (uint64_t)k << (64 - d);
			uint32_t inh;

			strie_walk(tr, sh, 0, d, &inh, &inh_len);
			if (inh_len > (int)len)
				continue;
			if ((err = update_slot(f, v6, k)))
				return err;
		}
		return 0;
	}

	/* Walk down to the deepest node whose range holds the prefix. */
	entry = f->dir[dir_base(f->gen, v6) + slot];
	t = 0;
	for (unsigned int s = d, used; entry & ASC_FIB_NODE; s += used) {
		const struct asc_fib_node *n;

		idx[t] = entry & ~ASC_FIB_NODE;
		start[t] = s;
		n = &f->node[idx[t]];
		entry = step(f, n, hi, lo, s, &used);
		rank[t] = (entry & ASC_FIB_NODE) ? (entry & ~ASC_FIB_NODE) - kids_base(n) : 0;
		t++;
		if (s + used >= len)
			break;
	}
	/* The node to rebuild: the deepest one under which something longer
	 * than its start bit still changes the answer (a withdrawal can empty
	 * deeper ones), and never the child of a skip node, which could merge
	 * into it now: then the whole run of skip nodes above it. */
	for (j = (int)t - 1; j >= 0; j--) {
		uint32_t inh;

		while (j > 0 && is_skip(&f->node[idx[j - 1]]))
			j--;
		err = rebuild_range(f, v6, hi, lo, start[j], &has, &inh, &nv);
		if (err)
			return err;
		if (has)
			break;
	}
	if (j < 0)
		return update_slot(f, v6, slot);

	/* Path copy: each ancestor gets a fresh copy of its children block
	 * with the rebuilt child in place; the top node gets a fresh slot. */
	old_nj = f->node[idx[j]];
	for (int i = j - 1; i >= 0; i--) {
		struct asc_fib_node parent = f->node[idx[i]];
		unsigned int nc = kids_of(&parent);
		uint32_t nb;

		if ((err = region_alloc(f, &f->nodes, nc, &nb)))
			return err;
		memcpy(&f->node[nb], &f->node[kids_base(&parent)], nc * sizeof(*f->node));
		f->node[nb + rank[i]] = nv;
		old_blocks[i] = (struct blk){ kids_base(&parent), nc };
		parent.base1 = nb | (parent.base1 & ASC_FIB_NODE);
		nv = parent;
	}
	if ((err = place_top(f, &nv, &entry)))
		return err;
	publish(&f->dir[dir_base(f->gen, v6) + slot], entry);
	/* Published: what the old path held can go once no reader has it. */
	retire_below(f, &old_nj);
	for (int i = 0; i < j; i++)
		retire(f, 0, old_blocks[i].off, old_blocks[i].size);
	retire(f, 0, idx[0], 1);
	return 0;
}

bool fib_has(const struct fib *f, const struct rt_entry *e)
{
	uint64_t hi, lo;
	uint32_t inh;
	int inh_len;

	if (!f->updates || !f->valid || e->plen > (e->family == 6 ? 128 : 32))
		return false;
	key_of(e->addr, &hi, &lo);
	key_mask(&hi, &lo, e->plen);
	strie_walk(&f->trie[e->family == 6], hi, lo, e->plen, &inh, &inh_len);
	return inh_len == (int)e->plen; /* a prefix ends exactly there */
}

int fib_intern(struct fib *f, const struct asc_route *rec, uint32_t *rid)
{
	return route_intern(f, rec, rid);
}

int fib_update(struct fib *f, const struct rt_entry *e, const struct asc_route *rec, bool withdraw)
{
	int err;

	if (!f->updates || !f->valid)
		return -EINVAL;
	if ((e->family != 4 && e->family != 6) || e->plen > (e->family == 6 ? 128 : 32))
		return -EINVAL;
	err = update_one(f, e, rec, withdraw);
	if (err) {
		/* What the data plane sees is whole (every store was a
		 * complete subtree), but it may lag the prefix set: refuse
		 * further updates until the next fib_build(). */
		f->valid = false;
		log_err("fast tables: update failed (%s): the next whole load resynchronises them",
			errstr(err));
	}
	return err;
}

/* ---- whole builds ------------------------------------------------------- */

/* The records generation gen's fast tables lead to, marked in rec_used.
 * Pinned maps can be written by anyone with the rights, so every index is
 * checked and the walk is bounded: -EIO when the tables are not a tree of
 * valid indexes. */
struct rec_walk {
	struct fib *f;
	size_t budget; /* nodes and leaves left to visit */
};

static int walk_entry(struct rec_walk *w, uint32_t e);

static int walk_node(struct rec_walk *w, uint32_t idx)
{
	const struct asc_fib_node *n;
	int err = 0;

	if (idx >= 2 * ASC_FIB_NODES || !w->budget--)
		return -EIO;
	n = &w->f->node[idx];
	if (is_skip(n)) {
		err = walk_entry(w, n->base0 & ~ASC_FIB_SKIP);
		return err ? err : walk_entry(w, n->base1);
	}
	for (unsigned int k = 0; !err && k < kids_of(n); k++)
		err = walk_node(w, kids_base(n) + k);
	for (unsigned int l = 0; !err && l < leaves_of(n); l++) {
		uint32_t leaf = n->base0 + l;

		if (leaf >= 2 * ASC_FIB_LEAVES || !w->budget--)
			return -EIO;
		err = walk_entry(w, w->f->leaf[leaf]);
	}
	return err;
}

static int walk_entry(struct rec_walk *w, uint32_t e)
{
	if (e & ASC_FIB_NODE)
		return walk_node(w, e & ~ASC_FIB_NODE);
	if (e >= REC_POOL)
		return -EIO;
	rec_mark(w->f, e);
	return 0;
}

static int walk_generation(struct fib *f, unsigned int gen)
{
	struct rec_walk w = { f, 2 * ((size_t)ASC_FIB_NODES + ASC_FIB_LEAVES) };
	int err = 0;

	for (int v6 = 0; !err && v6 < 2; v6++) {
		const uint32_t *dir = f->dir + dir_base(gen, v6);

		for (size_t i = 0; !err && i < (size_t)1 << dir_bits(v6); i++)
			err = dir[i] && (i == 0 || dir[i] != dir[i - 1]) ? walk_entry(&w, dir[i])
									 : 0;
	}
	return err;
}

static void mark_half(struct fib *f, unsigned int gen)
{
	for (uint32_t i = gen * ASC_FIB_ROUTES; i < (gen + 1) * ASC_FIB_ROUTES; i++)
		rec_mark(f, i);
}

int fib_records_begin(struct fib *f, unsigned int gen, unsigned int flags)
{
	unsigned int active = !(gen & 1);
	bool half = flags & FIB_NEW_LPM;

	gen &= 1;
	/* the walk reads the active generation's lookup arrays: mapped if they
	 * are not (a live state maps only what it needs; a load by another
	 * process may have flipped the generations) */
	if (!(flags & (FIB_ACTIVE_LPM | FIB_ACTIVE_NONE)) && map_lookup(f, active, true))
		return -EIO;
	/* the active generation's records are read by fib_each_active(); with
	 * none in use they are mapped only when the load writes its own */
	if (!(flags & FIB_ACTIVE_NONE) && map_records(f))
		return -EIO;
	if (!f->rec_used && !(f->rec_used = malloc(REC_POOL / 8)))
		return -ENOMEM;
	memset(f->rec_used, 0, REC_POOL / 8);
	for (uint32_t g = 0; g < 2; g++)
		for (uint32_t i = 0; i < ASC_REC_FIRST; i++)
			rec_mark(f, g * ASC_FIB_ROUTES + i);
	if (flags & FIB_ACTIVE_NONE) {
		/* no load yet: neither generation uses a record */
	} else if (flags & FIB_ACTIVE_LPM) {
		mark_half(f, active);
	} else if (walk_generation(f, active)) {
		log_warn("fast tables: generation %u does not walk as a tree: its half of the "
			 "route records is kept whole, and generation %u's records stay in its own",
			 active, gen);
		mark_half(f, active);
		half = true;
	}
	f->rec_lo = half ? gen * ASC_FIB_ROUTES : 0;
	f->rec_hi = half ? (gen + 1) * ASC_FIB_ROUTES : REC_POOL;
	f->rec_cursor = gen * ASC_FIB_ROUTES;
	f->rec_gen = gen;
	f->rec_begun = true;
	return 0;
}

void fib_each_active(const struct fib *f, void (*fn)(void *arg, const struct asc_route *rec),
		     void *arg)
{
	for (uint32_t i = 0; f->rec_used && i < REC_POOL; i++)
		if (rec_is_used(f, i) && i % ASC_FIB_ROUTES >= ASC_REC_FIRST)
			fn(arg, &f->route[i]);
}

/* Waits until no packet can still read generation gen (it may have been
 * active a moment ago), then starts its records afresh. */
static int generation_begin(struct fib *f, unsigned int gen, const struct asc_route noroute[2])
{
	int err;

	f->valid = false;
	if (f->fd[M_DIR] >= 0 && f->sync_outer < 0 &&
	    (err = grace_maps(&f->sync_outer, &f->sync_inner))) {
		log_err("fast tables: create the grace-period map: %s", errstr(err));
		return err;
	}
	err = fib_grace(f);
	if (err) {
		log_err("fast tables: wait for a grace period: %s", errstr(err));
		return err;
	}
	if ((!f->rec_begun || f->rec_gen != gen) && (err = fib_records_begin(f, gen, 0)))
		return err;
	f->rec_begun = false;
	if ((err = map_records(f)))
		return err;
	region_reset(&f->nodes, gen * ASC_FIB_NODES, ASC_FIB_NODES);
	region_reset(&f->leaves, gen * ASC_FIB_LEAVES, ASC_FIB_LEAVES);
	f->quarantine[0].n = f->quarantine[1].n = 0;
	routes_reset(f, gen, noroute);
	return 0;
}

int fib_records(struct fib *f, const struct fib_recs *r, size_t n, unsigned int gen, uint32_t *rid)
{
	int err;

	gen &= 1;
	err = generation_begin(f, gen, r->noroute);
	for (size_t i = 0; !err && i < n; i++)
		err = route_intern(f, &r->entry[i], &rid[i]);
	return err;
}

/* The builder's input from n entries of tv and their records rid[] into
 * v, which may be tv's own memory (an entry is read whole before its
 * input, 24 bytes at most as far in, is written); nf[] counts each family.
 * -EINVAL (logged) when tv is not sorted. */
static int fents_of(const struct rt_entry *tv, size_t n, const uint32_t *rid, struct fent *v,
		    size_t nf[2])
{
	struct rt_entry prev, e;

	for (size_t i = 0; i < n; i++) {
		e = tv[i];
		if (i && prefix_cmp(&prev, &e) >= 0) {
			/* build_family() paints in table order */
			log_err("fast tables: the route table is not sorted (entry %zu of %zu); "
				"nothing written",
				i, n);
			return -EINVAL;
		}
		v[i] = (struct fent){ .rid = rid[i], .len = e.plen };
		key_of(e.addr, &v[i].hi, &v[i].lo);
		nf[e.family == 6]++;
		prev = e;
	}
	return 0;
}

/* Gives the whole pages of [*from, to) back to the kernel (their contents
 * are not read again; the memory stays the caller's to free) and moves
 * *from to the first page not given back. */
static void give_back(uintptr_t *from, uintptr_t to)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = (*from + page - 1) & ~(page - 1), b = to & ~(page - 1);

	if (b > a && !madvise((void *)a, b - a, MADV_DONTNEED))
		*from = b;
}

/* The update tries of both families from v (IPv4 first: n[0], then n[1]),
 * as fib_update() needs them; with `consume`, v's pages are given back as
 * they are read, so the tries grow in the memory the input leaves. */
static int strie_fill(struct fib *f, const struct fent *v, const size_t n[2], bool consume)
{
	uintptr_t from = (uintptr_t)v;
	int err = 0;

	for (int fam = 0; !err && fam < 2; fam++) {
		err = strie_reset(&f->trie[fam], fam);
		for (size_t i = fam ? n[0] : 0; !err && i < (fam ? n[0] + n[1] : n[0]); i++) {
			bool changed;

			err = strie_set(&f->trie[fam], v[i].hi, v[i].lo, v[i].len, v[i].rid,
					&changed);
			if (consume && i % 16384 == 16383)
				give_back(&from, (uintptr_t)&v[i + 1]);
		}
	}
	return err;
}

/* Generation gen's fast tables and the update tries from v (read for the
 * last time by the tries: with `consume`, given back as they go). */
static int build_fents(struct fib *f, const struct fent *v, const size_t n[2], unsigned int gen,
		       bool consume)
{
	int err = build_family(f, v, n[0], gen, 0);

	if (!err)
		err = build_family(f, v + n[0], n[1], gen, 1);
	if (err)
		return err;
	f->gen = gen;
	if (f->updates && (err = strie_fill(f, v, n, consume)))
		return err;
	f->valid = true;
	return 0;
}

/* Before a build of generation gen: its records written, and its lookup
 * arrays mapped (a live state maps them only now, once the caller has
 * given back what it could). */
static int build_check(struct fib *f, unsigned int gen)
{
	if ((gen & 1) != f->rec_gen || f->valid)
		return -EINVAL; /* fib_records() first, for this generation */
	return map_lookup(f, gen, true);
}

int fib_build(struct fib *f, const struct rtable *t, const uint32_t *rid, unsigned int gen)
{
	size_t n[2] = { 0, 0 };
	struct fent *v;
	int err = build_check(f, gen);

	if (err)
		return err;
	v = malloc((t->n ? t->n : 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	err = fents_of(t->v, t->n, rid, v, n);
	if (!err)
		err = build_fents(f, v, n, gen & 1, false);
	free(v);
	return err;
}

struct fib_input {
	struct fent *v;
	size_t n, nf[2];
};

int fib_input_take(struct rtable *t, const uint32_t *rid, struct fib_input **out)
{
	struct fib_input *in = calloc(1, sizeof(*in));
	struct fent *small;
	int err;

	_Static_assert(sizeof(struct fent) <= sizeof(struct rt_entry), "fent fits an entry");
	if (!in)
		return -ENOMEM;
	/* the entries' memory becomes the input, the rest given back */
	in->v = (struct fent *)t->v;
	in->n = t->n;
	t->v = NULL;
	t->n = t->cap = 0;
	err = fents_of((const struct rt_entry *)in->v, in->n, rid, in->v, in->nf);
	small = err ? NULL : realloc(in->v, (in->n ? in->n : 1) * sizeof(*in->v));
	in->v = small ? small : in->v;
	if (err) {
		fib_input_free(in);
		return err;
	}
	*out = in;
	return 0;
}

void fib_input_remap(struct fib_input *in, const uint32_t *map)
{
	for (size_t i = 0; i < in->n; i++)
		in->v[i].rid = map[in->v[i].rid];
}

void fib_input_free(struct fib_input *in)
{
	if (!in)
		return;
	free(in->v);
	free(in);
}

int fib_build_input(struct fib *f, struct fib_input *in, unsigned int gen)
{
	int err = build_check(f, gen);

	if (!err)
		err = build_fents(f, in->v, in->nf, gen & 1, true);
	fib_input_free(in);
	return err;
}

int fib_build_take(struct fib *f, struct rtable *t, const uint32_t *rid, unsigned int gen)
{
	struct fib_input *in = NULL;
	int err = fib_input_take(t, rid, &in);

	rtable_free(t); /* its rows */
	return err ? err : fib_build_input(f, in, gen);
}

const struct asc_route *fib_routes(const struct fib *f)
{
	return f->route;
}

void fib_column_clear(struct fib *f, unsigned int col)
{
	for (size_t i = 0; col < ASC_COLUMNS && i < 2 * (size_t)ASC_FIB_ROUTES; i++)
		__atomic_store_n(&f->route[i].slot[col], 0, __ATOMIC_RELAXED);
}

void fib_noroute_set(struct fib *f, unsigned int col, const uint32_t slot[2])
{
	for (unsigned int g = 0; col < ASC_COLUMNS && g < 2; g++) {
		struct asc_route *r = &f->route[g * ASC_FIB_ROUTES];

		__atomic_store_n(&r[ASC_REC_NOROUTE4].slot[col], slot[0], __ATOMIC_RELEASE);
		__atomic_store_n(&r[ASC_REC_NOROUTE6].slot[col], slot[1], __ATOMIC_RELEASE);
	}
}

/* ---- lookup ------------------------------------------------------------- */

int fib_lookup(const struct fib *f, unsigned int gen, int family, const uint8_t *addr,
	       uint32_t *rid, struct asc_route *rec)
{
	uint8_t a[16] = { 0 };
	int v6 = family == 6;
	unsigned int d = dir_bits(v6);
	uint64_t hi, lo;
	uint32_t entry;

	gen &= 1;
	memcpy(a, addr, v6 ? 16 : 4);
	key_of(a, &hi, &lo);
	entry = f->dir[dir_base(gen, v6) + (uint32_t)(hi >> (64 - d))];
	for (unsigned int s = d, used; entry & ASC_FIB_NODE; s += used) {
		if (s >= 128 || (entry & ~ASC_FIB_NODE) >= 2 * ASC_FIB_NODES)
			return -EIO;
		entry = step(f, &f->node[entry & ~ASC_FIB_NODE], hi, lo, s, &used);
	}
	if (!entry)
		return -ENOENT;
	if (entry >= 2 * ASC_FIB_ROUTES)
		return -EIO;
	if (rid)
		*rid = entry;
	if (rec)
		*rec = f->route[entry];
	return 0;
}

int fib_record(const struct fib *f, uint32_t rid, struct asc_route *rec)
{
	if (rid >= 2 * ASC_FIB_ROUTES)
		return -ERANGE;
	*rec = f->route[rid];
	return 0;
}

/* ---- open, close, usage ------------------------------------------------- */

static size_t unused(const struct region *r, const struct blist *q)
{
	size_t n = 0;

	for (unsigned int i = 0; i <= NPOS; i++)
		n += r->free[i].n * i;
	for (size_t i = 0; i < q->n; i++)
		n += q->v[i].size;
	return n;
}

void fib_usage(const struct fib *f, struct fib_usage *u)
{
	u->nodes = f->nodes.top - f->nodes.base - unused(&f->nodes, &f->quarantine[0]);
	u->leaves = f->leaves.top - f->leaves.base - unused(&f->leaves, &f->quarantine[1]);
	u->routes = f->rec_count; /* records of routes */
	u->bytes = ASC_FIB_DIR_GEN * sizeof(uint32_t) + u->nodes * sizeof(struct asc_fib_node) +
		   u->leaves * sizeof(uint32_t) +
		   (u->routes + ASC_REC_FIRST) * sizeof(struct asc_route);
	u->prefix_nodes = f->trie[0].used + f->trie[1].used;
	u->prefix_bytes = f->trie[0].used * (sizeof(struct snode) + sizeof(*f->trie[0].k4)) +
			  f->trie[1].used * (sizeof(struct snode) + sizeof(*f->trie[1].k6));
	u->map_bytes = u->mapped_bytes = 0;
	for (int i = 0; i < 4; i++) {
		u->map_bytes += f->fd[i] >= 0 ? map_memlock(f->fd[i]) : map_len[i];
		u->mapped_bytes += map_len[i] / 2 * (size_t)__builtin_popcount(f->mapped[i]);
	}
}

/* Whether each array's generations are whole pages apart. */
static bool halves_paged(void)
{
	long page = sysconf(_SC_PAGESIZE);

	for (int i = 0; i < 4; i++)
		if (page <= 0 || (map_len[i] / 2) % (size_t)page)
			return false;
	return true;
}

/* The fib's four ranges: each map whole (all), or, for maps whose halves
 * can be mapped apart, an inaccessible reservation that holds no memory
 * (the halves are mapped into it as they are needed: a BPF array's pages
 * are resident in the process as soon as they are mapped). */
static int map_ranges(struct fib *f, const struct asc_maps *m, bool all)
{
	for (int i = 0; i < 4; i++) {
		bool whole = all || !m;
		void *p = whole ? mmap(NULL, map_len[i], PROT_READ | PROT_WRITE,
				       m ? MAP_SHARED : MAP_PRIVATE | MAP_ANONYMOUS, f->fd[i], 0)
				: mmap(NULL, map_len[i], PROT_NONE,
				       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

		if (p == MAP_FAILED) {
			int err = -errno;

			log_err("fast tables: mmap map %d: %s (maps from an older asclass? "
				"detach and attach again)",
				i, errstr(err));
			return err;
		}
		f->mem[i] = p;
		f->mapped[i] = whole ? 3 : 0;
	}
	return 0;
}

static int open_fib(const struct asc_maps *m, bool updates, bool all, struct fib **out)
{
	struct fib *f = calloc(1, sizeof(*f));
	int err;

	if (!f)
		return -ENOMEM;
	f->sync_outer = f->sync_inner = -1;
	f->fd[M_DIR] = m ? m->fib_dir : -1;
	f->fd[M_NODE] = m ? m->fib_node : -1;
	f->fd[M_LEAF] = m ? m->fib_leaf : -1;
	f->fd[M_ROUTE] = m ? m->fib_route : -1;
	err = map_ranges(f, m, all || !halves_paged());
	if (err) {
		fib_close(f);
		return err;
	}
	f->dir = f->mem[M_DIR];
	f->node = f->mem[M_NODE];
	f->leaf = f->mem[M_LEAF];
	f->route = f->mem[M_ROUTE];
	f->nodes.what = "node array";
	f->nodes.limit = "ASC_FIB_NODES";
	f->leaves.what = "leaf array";
	f->leaves.limit = "ASC_FIB_LEAVES";
	f->updates = updates;
	*out = f;
	return 0;
}

int fib_open(const struct asc_maps *m, bool updates, struct fib **out)
{
	return open_fib(m, updates, true, out);
}

int fib_open_unmapped(const struct asc_maps *m, bool updates, struct fib **out)
{
	return open_fib(m, updates, false, out);
}

/* Generation gen's half of array i: the map's pages (map), or an
 * inaccessible reservation that holds no memory.  MAP_FIXED within the
 * range open_fib() reserved: the addresses stay ours either way, so no
 * other mapping (a thread's stack, malloc's) can land in them and be
 * unmapped by fib_close().  Nothing to do when the half is so already. */
static int remap_half(struct fib *f, int i, unsigned int gen, bool map)
{
	size_t half = map_len[i] / 2, off = gen * half;
	char *want = (char *)f->mem[i] + off;
	uint8_t bit = (uint8_t)(1U << gen);
	void *p;

	if (!!(f->mapped[i] & bit) == map)
		return 0;
	p = map ? mmap(want, half, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, f->fd[i],
		       (off_t)off)
		: mmap(want, half, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		int err = -errno;

		log_err("fast tables: %s generation %u of map %d: %s", map ? "map" : "unmap", gen,
			i, errstr(err));
		return err;
	}
	f->mapped[i] = (uint8_t)(map ? f->mapped[i] | bit : f->mapped[i] & ~bit);
	return 0;
}

/* Whether the halves can be mapped apart at all (a BPF map's, whole pages
 * apart). */
static bool remappable(const struct fib *f)
{
	return f->fd[0] >= 0 && halves_paged();
}

/* Generation gen's lookup arrays (directory, nodes, leaves) mapped or not. */
static int map_lookup(struct fib *f, unsigned int gen, bool map)
{
	int err = 0;

	for (int i = M_DIR; !err && remappable(f) && i < M_ROUTE; i++)
		err = remap_half(f, i, gen & 1, map);
	return err;
}

/* The route records (both generations' pool) mapped. */
static int map_records(struct fib *f)
{
	int err = 0;

	for (unsigned int g = 0; !err && remappable(f) && g < 2; g++)
		err = remap_half(f, M_ROUTE, g, true);
	return err;
}

int fib_trim(struct fib *f, unsigned int keep_gen)
{
	return map_lookup(f, !(keep_gen & 1), false);
}

int fib_map_for_build(struct fib *f, unsigned int gen)
{
	return map_lookup(f, !(gen & 1), false);
}

void fib_close(struct fib *f)
{
	if (!f)
		return;
	for (int i = 0; i < 4; i++)
		if (f->mem[i])
			munmap(f->mem[i], map_len[i]);
	if (f->sync_outer >= 0)
		close(f->sync_outer);
	if (f->sync_inner >= 0)
		close(f->sync_inner);
	for (int r = 0; r < 2; r++) {
		free(f->quarantine[r].v);
		free(f->trie[r].v);
		free(f->trie[r].k4);
		free(f->trie[r].k6);
	}
	for (unsigned int i = 0; i <= NPOS; i++) {
		free(f->nodes.free[i].v);
		free(f->leaves.free[i].v);
	}
	hashidx_free(&f->routes);
	free(f->rec_used);
	free(f);
}
