// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/feed/adjin.c - the keys a peer announced, with stale marks (adjin.h).
 * Must not: log, or hold more than keys. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "feed/adjin.h"
#include "feed/queue.h"

struct adjin_ent {
	struct feed_pfx k; /* the hash key: every byte set, pad zero */
	bool stale;
	UT_hash_handle hh;
};

static int fam_of(const struct feed_pfx *p)
{
	return p->family == 6 ? FEED_IPV6 : FEED_IPV4;
}

static struct adjin_ent *find(const struct adjin *a, const struct feed_pfx *p)
{
	struct adjin_ent *e;

	HASH_FIND(hh, a->h, p, sizeof(*p), e);
	return e;
}

static void unstale(struct adjin *a, struct adjin_ent *e)
{
	if (e->stale) {
		e->stale = false;
		a->n_stale[fam_of(&e->k)]--;
	}
}

int adjin_add(struct adjin *a, const struct feed_pfx *p)
{
	struct adjin_ent *e = find(a, p);

	if (e) {
		unstale(a, e);
		return 0;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->k = *p;
	HASH_ADD(hh, a->h, k, sizeof(e->k), e);
	a->n[fam_of(p)]++;
	return 0;
}

static void drop(struct adjin *a, struct adjin_ent *e)
{
	unstale(a, e);
	a->n[fam_of(&e->k)]--;
	HASH_DEL(a->h, e);
	free(e);
}

void adjin_del(struct adjin *a, const struct feed_pfx *p)
{
	struct adjin_ent *e = find(a, p);

	if (e)
		drop(a, e);
}

size_t adjin_count(const struct adjin *a)
{
	return HASH_COUNT(a->h);
}

size_t adjin_count_family(const struct adjin *a, int fam)
{
	return a->n[fam];
}

size_t adjin_mark_stale(struct adjin *a, int fam)
{
	struct adjin_ent *e, *t;

	HASH_ITER(hh, a->h, e, t)
	{
		if (e->stale || (fam >= 0 && fam_of(&e->k) != fam))
			continue;
		e->stale = true;
		a->n_stale[fam_of(&e->k)]++;
	}
	return adjin_stale(a, fam);
}

size_t adjin_stale(const struct adjin *a, int fam)
{
	if (fam >= 0)
		return a->n_stale[fam];
	return a->n_stale[FEED_IPV4] + a->n_stale[FEED_IPV6];
}

int adjin_flush(struct adjin *a, int fam, struct feed_batch **out)
{
	size_t n = adjin_stale(a, fam), i = 0;
	struct adjin_ent *e, *t;
	struct feed_batch *b;

	*out = NULL;
	if (!n)
		return 0;
	if (n > UINT32_MAX)
		return -ENOMEM;
	b = queue_batch_new(FEED_EV_ROUTES, 0, 0, (uint32_t)n);
	if (!b)
		return -ENOMEM;
	HASH_ITER(hh, a->h, e, t)
	{
		if (!e->stale || (fam >= 0 && fam_of(&e->k) != fam))
			continue;
		b->withdraw[i++] = e->k;
		drop(a, e);
	}
	*out = b;
	return 0;
}

void adjin_clear(struct adjin *a)
{
	struct adjin_ent *e, *t;

	HASH_ITER(hh, a->h, e, t)
	{
		HASH_DEL(a->h, e);
		free(e);
	}
	memset(a, 0, sizeof(*a));
}
