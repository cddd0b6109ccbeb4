// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/output/rates.c - rates between two snapshots (see rates.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "output/rates.h"

static const char *const by_names[] = {
	[RATES_BY_ORIGIN] = "origin",
	[RATES_BY_TRANSIT] = "transit",
	[RATES_BY_PAIR] = "pair",
};

const char *rates_by_name(enum rates_by by)
{
	return by_names[by];
}

int rates_by_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(by_names) / sizeof(by_names[0]); i++)
		if (!strcmp(s, by_names[i]))
			return (int)i;
	return -1;
}

/* What a counter grew by; all of it when it went down (maps recreated). */
static uint64_t grown(uint64_t before, uint64_t now)
{
	return before <= now ? now - before : now;
}

static int cmp_key(const void *a, const void *b)
{
	const struct rate_row *x = a, *y = b;

	if (x->upstream_id != y->upstream_id)
		return x->upstream_id < y->upstream_id ? -1 : 1;
	if (x->dir != y->dir)
		return x->dir < y->dir ? -1 : 1;
	if (x->origin_asn != y->origin_asn)
		return x->origin_asn < y->origin_asn ? -1 : 1;
	if (x->transit_asn != y->transit_asn)
		return x->transit_asn < y->transit_asn ? -1 : 1;
	return 0;
}

static int cmp_bps(const void *a, const void *b)
{
	const struct rate_row *x = a, *y = b;

	if (x->bps != y->bps)
		return x->bps > y->bps ? -1 : 1;
	return cmp_key(a, b);
}

static int cmp_pps(const void *a, const void *b)
{
	const struct rate_row *x = a, *y = b;

	if (x->pps != y->pps)
		return x->pps > y->pps ? -1 : 1;
	return cmp_key(a, b);
}

void rates_sort_packets(struct rates *r)
{
	qsort(r->rows, r->n, sizeof(*r->rows), cmp_pps);
}

/* Sorts rows by key and adds up equal keys; returns how many are left. */
static size_t merge(struct rate_row *v, size_t n)
{
	size_t o = 0;

	qsort(v, n, sizeof(*v), cmp_key);
	for (size_t i = 0; i < n; i++) {
		if (o && !cmp_key(&v[o - 1], &v[i])) {
			v[o - 1].pps += v[i].pps;
			v[o - 1].bps += v[i].bps;
		} else {
			v[o++] = v[i];
		}
	}
	return o;
}

/* Drops the rows that did not move. */
static size_t moving(struct rate_row *v, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++)
		if (v[i].pps > 0)
			v[o++] = v[i];
	return o;
}

/* The row of c by `by`, as a rate over `sec` seconds. */
static struct rate_row row_of(const struct counter_row *c, const struct counter_row *p,
			      enum rates_by by, double sec)
{
	struct rate_row r = { .upstream_id = c->key.upstream_id, .dir = c->key.dir };

	if (by != RATES_BY_TRANSIT)
		r.origin_asn = c->key.origin_asn;
	if (by != RATES_BY_ORIGIN)
		r.transit_asn = c->key.transit_asn;
	r.pps = (double)grown(p ? p->val.packets : 0, c->val.packets) / sec;
	r.bps = (double)grown(p ? p->val.bytes : 0, c->val.bytes) * 8 / sec;
	return r;
}

/* Per upstream and direction: the rows (all of `by`'s rows, any key) plus
 * the overflow buckets.  rows: r->rows before merging by key. */
static int totals(const struct snapshot *prev, const struct snapshot *cur, int upstream,
		  const struct rate_row *rows, size_t n, struct rates *r)
{
	size_t cap = n + 2 * ASC_MAX_UPSTREAMS, k = 0;
	struct rate_row *t = calloc(cap, sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		t[k++] = (struct rate_row){ rows[i].upstream_id, rows[i].dir, 0, 0,
					    rows[i].pps,	 rows[i].bps };
	for (int u = 0; u < ASC_MAX_UPSTREAMS; u++)
		for (int d = 0; d < ASC_DIR_MAX; d++) {
			const struct asc_count_val *a = &prev->ovf[u].dir[d],
						   *b = &cur->ovf[u].dir[d];

			if (upstream >= 0 && u != upstream)
				continue;
			t[k++] = (struct rate_row){
				(uint16_t)u,
				(uint8_t)d,
				0,
				0,
				(double)grown(a->packets, b->packets) / r->seconds,
				(double)grown(a->bytes, b->bytes) * 8 / r->seconds
			};
		}
	r->n_totals = moving(t, merge(t, k));
	r->totals = t;
	return 0;
}

int rates_compute(const struct snapshot *prev, const struct snapshot *cur, enum rates_by by,
		  int upstream, struct rates *r)
{
	size_t n = 0;
	int err;

	memset(r, 0, sizeof(*r));
	r->by = by;
	if (cur->mono_ns <= prev->mono_ns)
		return -EINVAL;
	r->seconds = (double)(cur->mono_ns - prev->mono_ns) / 1e9;
	r->rows = calloc(cur->n_rows ? cur->n_rows : 1, sizeof(*r->rows));
	if (!r->rows)
		return -ENOMEM;
	for (size_t i = 0; i < cur->n_rows; i++) {
		const struct counter_row *c = &cur->rows[i];
		const struct counter_row *p = prev->n_rows ? bsearch(c, prev->rows, prev->n_rows,
								     sizeof(*c), counter_row_cmp)
							   : NULL;

		if (upstream < 0 || c->key.upstream_id == upstream)
			r->rows[n++] = row_of(c, p, by, r->seconds);
	}
	err = totals(prev, cur, upstream, r->rows, n, r);
	if (err) {
		rates_free(r);
		return err;
	}
	r->n = moving(r->rows, merge(r->rows, n));
	qsort(r->rows, r->n, sizeof(*r->rows), cmp_bps);
	return 0;
}

void rates_free(struct rates *r)
{
	free(r->rows);
	free(r->totals);
	memset(r, 0, sizeof(*r));
}
