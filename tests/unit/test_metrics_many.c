// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_metrics_many.c - the traffic metrics of a state with many
 * counter rows, two scrapes in a row (top_n by recent bytes), against a
 * reference rendering written here the plain way: for each metric and each
 * (upstream, direction, family), the pairs found, ranked and summed afresh
 * by linear searches.  metrics.c ranks each group once per scrape and walks
 * the previous scrape's rows forward; the exposition must not differ by a
 * byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "output/metrics.h"

#define N_UPS 3	    /* upstream ids 1..3 */
#define N_PAIRS 400 /* (origin, transit) pairs per upstream, direction, family */
#define TOP_N 7

static const uint32_t watch[] = { 64512 + 11, 64512 + 250 };

/* ---- the state ---- */

/* Row i of a scrape: every upstream, direction, family and pair, each pair
 * under one or two paths; counts grow by scrape, faster for some pairs
 * than for the largest (so that recent bytes rank otherwise than all
 * bytes). */
static size_t rows_make(struct counter_row *v, unsigned int scrape)
{
	size_t n = 0;

	for (uint16_t up = 1; up <= N_UPS; up++)
		for (uint8_t dir = 0; dir < ASC_DIR_MAX; dir++)
			for (int fam = 0; fam < 2; fam++)
				for (uint32_t p = 0; p < N_PAIRS; p++)
					for (uint8_t path = 1; path <= 1 + p % 2; path++) {
						/* large but still for p % 7 == 0, growing
						 * fast for p % 13 == 0 */
						uint64_t b = (1000 + (p * 7919 + up * 31) % 5000) *
							     (p % 7 ? 1 : 1000);

						b += scrape * (p % 13 == 0 ? 100000 : 10) * (p % 5);
						v[n++] = (struct counter_row){
							.key = { .origin_asn = 64512 + p % 300,
								 .transit_asn = 174 + (p * 37) % 23,
								 .upstream_id = up,
								 .dir = dir,
								 .family = fam ? 6 : 4 },
							.val = { b / 100, b },
							.path = path,
						};
					}
	qsort(v, n, sizeof(*v), counter_row_cmp); /* as counters_read orders them */
	return n;
}

/* ---- the reference ---- */

struct ref_pair {
	struct asc_count_key key; /* path 0 */
	uint64_t packets, bytes, recent;
	int shown;
};

static uint64_t ref_prev_bytes(const struct counter_row *prev, size_t n_prev,
			       const struct counter_row *r, int *found)
{
	for (size_t i = 0; i < n_prev; i++)
		if (!counter_row_cmp(&prev[i], r)) {
			*found = 1;
			return prev[i].val.bytes;
		}
	*found = 0;
	return 0;
}

static int ref_watched(uint32_t as)
{
	return as == watch[0] || as == watch[1];
}

static int ref_by_rank(const void *a, const void *b)
{
	const struct ref_pair *x = a, *y = b;

	if (x->recent != y->recent)
		return x->recent > y->recent ? -1 : 1;
	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	if (x->key.origin_asn != y->key.origin_asn)
		return x->key.origin_asn < y->key.origin_asn ? -1 : 1;
	return x->key.transit_asn < y->key.transit_asn ? -1
						       : x->key.transit_asn > y->key.transit_asn;
}

/* The pairs of group (up, dir, fam), ranked, top_n and watched marked shown. */
static size_t ref_pairs(const struct counter_row *v, size_t n, const struct counter_row *prev,
			size_t n_prev, const struct asc_count_key *g, struct ref_pair *out)
{
	size_t np = 0, taken = 0;

	for (size_t i = 0; i < n; i++) {
		const struct counter_row *r = &v[i];
		struct ref_pair *p = NULL;
		uint64_t old;
		int found;

		if (r->key.upstream_id != g->upstream_id || r->key.dir != g->dir ||
		    r->key.family != g->family)
			continue;
		for (size_t j = 0; j < np && !p; j++)
			if (out[j].key.origin_asn == r->key.origin_asn &&
			    out[j].key.transit_asn == r->key.transit_asn)
				p = &out[j];
		if (!p) {
			p = &out[np++];
			*p = (struct ref_pair){ .key = r->key };
		}
		old = ref_prev_bytes(prev, n_prev, r, &found);
		p->packets += r->val.packets;
		p->bytes += r->val.bytes;
		p->recent += found && old <= r->val.bytes ? r->val.bytes - old : r->val.bytes;
	}
	for (size_t j = 0; j < np; j++)
		if (ref_watched(out[j].key.origin_asn))
			out[j].recent = UINT64_MAX;
	qsort(out, np, sizeof(*out), ref_by_rank);
	for (size_t j = 0; j < np; j++) {
		out[j].shown = out[j].recent == UINT64_MAX || taken < TOP_N;
		taken += out[j].recent != UINT64_MAX && taken < TOP_N;
	}
	return np;
}

static const char *const names[] = { "-", "cu", "ttk", "l3" };

static void ref_labels(FILE *f, const struct asc_count_key *g)
{
	fprintf(f, "{upstream=\"%s\",direction=\"%s\",family=\"%s\"", names[g->upstream_id],
		g->dir == ASC_DIR_RX ? "in" : "out", g->family == 6 ? "ipv6" : "ipv4");
}

/* One metric's series of one group: kind 0 pairs, 1 other, 2 origin,
 * 3 transit, 4 path. */
static void ref_series(FILE *f, int kind, int bytes, const char *name, const struct ref_pair *p,
		       size_t np, const struct counter_row *v, size_t n,
		       const struct asc_count_key *g)
{
	static const char *const paths[] = { "none", "own", "consensus" };
	uint64_t sum = 0;
	int any = 0;

	if (kind == 0 || kind == 1) {
		for (size_t j = 0; j < np; j++) {
			uint64_t x = bytes ? p[j].bytes : p[j].packets;

			if (kind == 0 && p[j].shown) {
				fputs(name, f);
				ref_labels(f, g);
				fprintf(f, ",origin_as=\"%u\",transit_as=\"%u\"} %llu\n",
					p[j].key.origin_asn, p[j].key.transit_asn,
					(unsigned long long)x);
			}
			sum += p[j].shown ? 0 : x;
			any |= !p[j].shown;
		}
		if (kind == 1 && any) {
			fputs(name, f);
			ref_labels(f, g);
			fprintf(f, "} %llu\n", (unsigned long long)sum);
		}
		return;
	}
	if (kind == 4) {
		for (uint8_t path = 0; path < 3; path++) {
			sum = any = 0;
			for (size_t i = 0; i < n; i++)
				if (v[i].path == path && v[i].key.upstream_id == g->upstream_id &&
				    v[i].key.dir == g->dir && v[i].key.family == g->family) {
					sum += bytes ? v[i].val.bytes : v[i].val.packets;
					any = 1;
				}
			if (!any)
				continue;
			fputs(name, f);
			ref_labels(f, g);
			fprintf(f, ",path=\"%s\"} %llu\n", paths[path], (unsigned long long)sum);
		}
		return;
	}
	/* origin or transit: each distinct AS, ascending */
	for (uint32_t last = 0, first = 1;;) {
		uint32_t as = UINT32_MAX;
		int found = 0;

		for (size_t j = 0; j < np; j++) {
			uint32_t x = kind == 2 ? p[j].key.origin_asn : p[j].key.transit_asn;

			if ((first || x > last) && x <= as) {
				as = x;
				found = 1;
			}
		}
		if (!found)
			break;
		sum = 0;
		for (size_t j = 0; j < np; j++)
			if ((kind == 2 ? p[j].key.origin_asn : p[j].key.transit_asn) == as)
				sum += bytes ? p[j].bytes : p[j].packets;
		fputs(name, f);
		ref_labels(f, g);
		fprintf(f, ",%s=\"%u\"} %llu\n", kind == 2 ? "origin_as" : "transit_as", as,
			(unsigned long long)sum);
		last = as;
		first = 0;
	}
}

static const struct {
	int kind, bytes;
	const char *name;
} ref_metrics[] = {
	{ 0, 0, "asclass_packets_total" },	   { 0, 1, "asclass_bytes_total" },
	{ 1, 0, "asclass_other_pairs_packets" },   { 1, 1, "asclass_other_pairs_bytes" },
	{ 2, 0, "asclass_origin_packets_total" },  { 2, 1, "asclass_origin_bytes_total" },
	{ 3, 0, "asclass_transit_packets_total" }, { 3, 1, "asclass_transit_bytes_total" },
	{ 4, 0, "asclass_path_packets_total" },	   { 4, 1, "asclass_path_bytes_total" },
};

/* The series lines (no HELP or TYPE) of the traffic metrics. */
static char *ref_render(const struct counter_row *v, size_t n, const struct counter_row *prev,
			size_t n_prev)
{
	struct ref_pair *p = calloc(N_PAIRS, sizeof(*p));
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(p);
	assert_non_null(f);
	for (size_t m = 0; m < sizeof(ref_metrics) / sizeof(ref_metrics[0]); m++)
		for (uint16_t up = 1; up <= N_UPS; up++)
			for (uint8_t dir = 0; dir < ASC_DIR_MAX; dir++)
				for (int fam = 0; fam < 2; fam++) {
					struct asc_count_key g = { .upstream_id = up,
								   .dir = dir,
								   .family = fam ? 6 : 4 };
					size_t np = ref_pairs(v, n, prev, n_prev, &g, p);

					ref_series(f, ref_metrics[m].kind, ref_metrics[m].bytes,
						   ref_metrics[m].name, p, np, v, n, &g);
				}
	fclose(f);
	free(p);
	return buf;
}

/* ---- metrics.c's rendering ---- */

/* The series lines of metrics_write's traffic metrics (up to the overflow
 * metric), comments left out. */
static char *traffic_lines(struct counter_row *v, size_t n, struct metrics_state *st)
{
	static struct snapshot s;
	struct metrics_opts o = { TOP_N, watch, 2, st };
	char *buf = NULL, *out = NULL, *end;
	size_t len = 0, olen = 0;
	FILE *f = open_memstream(&buf, &len), *g = open_memstream(&out, &olen);

	assert_non_null(f);
	assert_non_null(g);
	for (int i = 1; i <= N_UPS; i++)
		strcpy(s.ups[i].name, names[i]);
	s.rows = v;
	s.n_rows = s.n_slots = n;
	assert_int_equal(metrics_write(f, &s, &o), 0);
	fclose(f);
	end = strstr(buf, "# HELP asclass_overflow_packets_total");
	assert_non_null(end);
	*end = 0;
	for (char *line = buf, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		assert_non_null(nl);
		if (*line != '#')
			fwrite(line, 1, (size_t)(nl - line + 1), g);
	}
	fclose(g);
	free(buf);
	return out;
}

static void test_metrics_many_rows_as_reference(void **state)
{
	size_t max = (size_t)N_UPS * ASC_DIR_MAX * 2 * N_PAIRS * 2;
	struct counter_row *v[2] = { calloc(max, sizeof(*v[0])), calloc(max, sizeof(*v[1])) };
	struct metrics_state *st = metrics_state_new();
	size_t n[2];

	(void)state;
	assert_non_null(v[0]);
	assert_non_null(v[1]);
	assert_non_null(st);
	for (unsigned int k = 0; k < 2; k++) {
		char *got, *want;

		n[k] = rows_make(v[k], k);
		want = k ? ref_render(v[1], n[1], v[0], n[0]) : ref_render(v[0], n[0], NULL, 0);
		got = traffic_lines(v[k], n[k], st);
		/* a few thousand lines; the first difference is what to read */
		for (size_t i = 0; got[i] || want[i]; i++)
			if (got[i] != want[i]) {
				fprintf(stderr,
					"scrape %u: differs at byte %zu:\ngot:  %.120s\nwant: "
					"%.120s\n",
					k, i, got + i, want + i);
				fail();
			}
		assert_true(strlen(got) > 100000); /* many series, not none */
		free(got);
		free(want);
	}
	metrics_state_free(st);
	free(v[0]);
	free(v[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metrics_many_rows_as_reference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
