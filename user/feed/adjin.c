// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/feed/adjin.c - the keys a peer announced, with stale marks (adjin.h).
 * A key is packed as its family needs: path id, length, the stale mark, and
 * 4 or 16 address bytes; the array of one family is dense (a removal moves
 * the last key into the hole) and found through a hashidx.
 * Must not: log, or hold more than keys. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "feed/adjin.h"
#include "feed/queue.h"

/* A key as stored: the first 8 + alen(fam) bytes of this (12 for IPv4, 24
 * for IPv6); the bytes past a family's address are never read. */
struct akey {
	uint32_t path_id;
	uint8_t plen;
	uint8_t stale; /* not part of the key: hash and comparison skip it */
	uint8_t pad[2];
	uint8_t addr[16];
};

#define AKEY_HEAD offsetof(struct akey, addr)
#define ADJIN_MIN_KEYS 256

static size_t alen(int fam)
{
	return fam == FEED_IPV6 ? 16 : 4;
}

static uint32_t akey_hash(const struct akey *k, size_t len)
{
	uint8_t b[8 + 16] = { 0 };

	memcpy(b, &k->path_id, 4);
	b[4] = k->plen;
	memcpy(b + 8, k->addr, len);
	return hashidx_words(b, 8 + len);
}

static bool akey_eq(const struct akey *a, const struct akey *b, size_t len)
{
	return a->path_id == b->path_id && a->plen == b->plen && !memcmp(a->addr, b->addr, len);
}

static uint32_t hash4(const void *elem)
{
	return akey_hash(elem, 4);
}

static uint32_t hash6(const void *elem)
{
	return akey_hash(elem, 16);
}

static bool eq4(const void *elem, const void *key)
{
	return akey_eq(elem, key, 4);
}

static bool eq6(const void *elem, const void *key)
{
	return akey_eq(elem, key, 16);
}

static const struct hashidx_ops ops[FEED_NFAM] = {
	[FEED_IPV4] = { AKEY_HEAD + 4, hash4, eq4 },
	[FEED_IPV6] = { AKEY_HEAD + 16, hash6, eq6 },
};

static int fam_of(const struct feed_pfx *p)
{
	return p->family == 6 ? FEED_IPV6 : FEED_IPV4;
}

static struct akey *at(const struct adjin_fam *f, int fam, size_t i)
{
	return (struct akey *)((char *)f->v + i * ops[fam].size);
}

static struct akey key_of(const struct feed_pfx *p)
{
	struct akey k = { .path_id = p->path_id, .plen = p->plen };

	memcpy(k.addr, p->addr, alen(fam_of(p)));
	return k;
}

static struct feed_pfx pfx_of(const struct akey *k, int fam)
{
	struct feed_pfx p = { .family = fam == FEED_IPV6 ? 6 : 4,
			      .plen = k->plen,
			      .path_id = k->path_id };

	memcpy(p.addr, k->addr, alen(fam));
	return p;
}

/* The slot of key k in family fam: holding its index + 1, or empty. */
static uint32_t *slot_of(const struct adjin_fam *f, int fam, const struct akey *k)
{
	return hashidx_slot(&f->idx, &ops[fam], f->v, k);
}

static int room_for_one(struct adjin_fam *f, int fam)
{
	size_t cap = f->cap ? f->cap * 2 : ADJIN_MIN_KEYS;
	void *v;

	if (hashidx_reserve(&f->idx, &ops[fam], f->v))
		return -ENOMEM;
	if (f->n < f->cap)
		return 0;
	v = realloc(f->v, cap * ops[fam].size);
	if (!v)
		return -ENOMEM;
	f->v = v;
	f->cap = cap;
	return 0;
}

static void unstale(struct adjin_fam *f, struct akey *k)
{
	if (k->stale) {
		k->stale = 0;
		f->n_stale--;
	}
}

int adjin_add(struct adjin *a, const struct feed_pfx *p)
{
	int fam = fam_of(p);
	struct adjin_fam *f = &a->f[fam];
	struct akey k = key_of(p);
	uint32_t *slot;

	if (room_for_one(f, fam))
		return -ENOMEM;
	slot = slot_of(f, fam, &k);
	if (*slot) {
		unstale(f, at(f, fam, *slot - 1));
		return 0;
	}
	memcpy(at(f, fam, f->n), &k, ops[fam].size);
	hashidx_put(&f->idx, slot, (uint32_t)f->n++);
	return 0;
}

static void fam_free(struct adjin_fam *f)
{
	free(f->v);
	hashidx_free(&f->idx);
	memset(f, 0, sizeof(*f));
}

/* Removes the key of slot; the last key moves into its place. */
static void drop(struct adjin_fam *f, int fam, uint32_t *slot)
{
	size_t i = *slot - 1, last = f->n - 1;

	unstale(f, at(f, fam, i));
	hashidx_del(&f->idx, &ops[fam], f->v, slot);
	if (i != last) {
		hashidx_renumber(slot_of(f, fam, at(f, fam, last)), (uint32_t)i);
		memcpy(at(f, fam, i), at(f, fam, last), ops[fam].size);
	}
	if (!--f->n)
		fam_free(f); /* a family gone (a flush, a withdrawn table) gives its memory back */
}

void adjin_del(struct adjin *a, const struct feed_pfx *p)
{
	int fam = fam_of(p);
	struct adjin_fam *f = &a->f[fam];
	struct akey k = key_of(p);
	uint32_t *slot;

	if (!f->n)
		return;
	slot = slot_of(f, fam, &k);
	if (*slot)
		drop(f, fam, slot);
}

size_t adjin_count(const struct adjin *a)
{
	return a->f[FEED_IPV4].n + a->f[FEED_IPV6].n;
}

size_t adjin_count_family(const struct adjin *a, int fam)
{
	return a->f[fam].n;
}

size_t adjin_mark_stale(struct adjin *a, int fam)
{
	for (int m = 0; m < FEED_NFAM; m++) {
		struct adjin_fam *f = &a->f[m];

		if (fam >= 0 && m != fam)
			continue;
		for (size_t i = 0; i < f->n; i++)
			at(f, m, i)->stale = 1;
		f->n_stale = f->n;
	}
	return adjin_stale(a, fam);
}

size_t adjin_stale(const struct adjin *a, int fam)
{
	if (fam >= 0)
		return a->f[fam].n_stale;
	return a->f[FEED_IPV4].n_stale + a->f[FEED_IPV6].n_stale;
}

/* Moves the stale keys of family fam into b's withdrawals from *k on.
 * Downwards: the key a removal moves into the hole was seen already. */
static void flush_fam(struct adjin *a, int fam, struct feed_batch *b, uint32_t *k)
{
	struct adjin_fam *f = &a->f[fam];

	for (size_t i = f->n; i-- > 0 && f->n_stale;) {
		struct akey *key = at(f, fam, i);

		if (!key->stale)
			continue;
		b->withdraw[(*k)++] = pfx_of(key, fam);
		drop(f, fam, slot_of(f, fam, key));
	}
}

int adjin_flush(struct adjin *a, int fam, struct feed_batch **out)
{
	size_t n = adjin_stale(a, fam);
	struct feed_batch *b;
	uint32_t k = 0;

	*out = NULL;
	if (!n)
		return 0;
	if (n > UINT32_MAX)
		return -ENOMEM;
	b = queue_batch_new(FEED_EV_ROUTES, 0, 0, (uint32_t)n);
	if (!b)
		return -ENOMEM;
	for (int m = 0; m < FEED_NFAM; m++)
		if (fam < 0 || m == fam)
			flush_fam(a, m, b, &k);
	*out = b;
	return 0;
}

void adjin_clear(struct adjin *a)
{
	for (int m = 0; m < FEED_NFAM; m++)
		fam_free(&a->f[m]);
}
