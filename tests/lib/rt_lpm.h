/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* tests/lib/rt_lpm.h - longest-prefix match over a route table in userspace:
 * the reference the lookup tests and benchmarks check the BPF tables and the
 * fast-table builder against (header-only, like rtgen.h).
 *
 * Deliberately plain, so that it is obviously right: one sorted array of
 * prefixes per prefix length, searched from the longest length down,
 * O(log n) per length present.  Not for production: nothing in user/ needs it.
 */
#ifndef ASC_TEST_RT_LPM_H
#define ASC_TEST_RT_LPM_H
#include <stdlib.h>
#include <string.h>
#include "routes/rtable.h"

struct rt_lpm_level {
	int plen;
	size_t n;
	const struct rt_entry **v; /* sorted by address */
};

struct rt_lpm {
	struct rt_lpm_level lv[2][129]; /* [v6?][plen] */
	int lens[2][129];		/* prefix lengths present, longest first */
	int nlens[2];
};

static inline int rt_lpm_cmp(const void *a, const void *b)
{
	return memcmp((*(const struct rt_entry *const *)a)->addr,
		      (*(const struct rt_entry *const *)b)->addr, 16);
}

static inline void rt_lpm_free(struct rt_lpm *l);

/* The reference over t, which must outlive it; NULL when out of memory. */
static inline struct rt_lpm *rt_lpm_build(const struct rtable *t)
{
	struct rt_lpm *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	for (size_t i = 0; i < t->n; i++)
		l->lv[t->v[i].family == 6][t->v[i].plen].n++;
	for (int f = 0; f < 2; f++)
		for (int p = 0; p <= 128; p++) {
			struct rt_lpm_level *lv = &l->lv[f][p];

			lv->plen = p;
			if (lv->n && !(lv->v = calloc(lv->n, sizeof(*lv->v)))) {
				rt_lpm_free(l);
				return NULL;
			}
			lv->n = 0;
		}
	for (size_t i = 0; i < t->n; i++) {
		struct rt_lpm_level *lv = &l->lv[t->v[i].family == 6][t->v[i].plen];

		lv->v[lv->n++] = &t->v[i];
	}
	for (int f = 0; f < 2; f++)
		for (int p = 128; p >= 0; p--) {
			struct rt_lpm_level *lv = &l->lv[f][p];

			if (!lv->n)
				continue;
			qsort(lv->v, lv->n, sizeof(*lv->v), rt_lpm_cmp);
			l->lens[f][l->nlens[f]++] = p;
		}
	return l;
}

/* The longest prefix of t covering addr, or NULL. */
static inline const struct rt_entry *rt_lpm_lookup(const struct rt_lpm *l, int family,
						   const uint8_t *addr)
{
	int f = family == 6;

	for (int i = 0; i < l->nlens[f]; i++) {
		const struct rt_lpm_level *lv = &l->lv[f][l->lens[f][i]];
		struct rt_entry key = { 0 };
		const struct rt_entry *kp = &key, *const * hit;

		memcpy(key.addr, addr, family == 4 ? 4 : 16);
		prefix_mask(key.addr, family, lv->plen);
		hit = bsearch(&kp, lv->v, lv->n, sizeof(*lv->v), rt_lpm_cmp);
		if (hit)
			return *hit;
	}
	return NULL;
}

static inline void rt_lpm_free(struct rt_lpm *l)
{
	if (!l)
		return;
	for (int f = 0; f < 2; f++)
		for (int p = 0; p <= 128; p++)
			free(l->lv[f][p].v);
	free(l);
}

#endif
