// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/prog/test_fib.c - the fast tables in the kernel.
 *
 * 1. Equivalence: random tables (deep nesting with /0, /32 and /128, and
 *    the real length distributions), loaded into both the LPM tries and the
 *    fast tables; 10^6 addresses per family looked up by the data plane's
 *    own code (tests/bpf/fib_test.bpf.c) in both, and in the userspace
 *    reference (rt_lpm): all three agree on every address.
 * 2. Single-prefix updates in place (announce, change, withdraw,
 *    re-announce): the kernel's answers still match the reference.
 *    Another process's view: the route records a fresh fib finds the
 *    active generation using (fib_records_begin() walks its tables, the
 *    records a load must leave alone) include every record a lookup of
 *    any prefix reaches, and not many more.
 * 3. Under load: one thread runs lookups through BPF_PROG_TEST_RUN without
 *    pause while the main thread swaps whole tables and updates prefixes;
 *    every answer must be one that was valid at some moment of the run.
 * The tables hold route records; one upstream (column 0) is registered, so
 * a record's slot[0] names the counter slot whose identity (origin, transit)
 * is compared with the reference route.
 * Needs root (BPF) and a bpffs at /sys/fs/bpf.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "asclass.skel.h"
#include "fib_test.skel.h"
#include "dataplane/fib.h"
#include "dataplane/maps.h"
#include "dataplane/slots.h"
#include "dataplane/tables.h"
#include "fib_test.h"
#include "rt_lpm.h"
#include "rtgen.h"

#define BATCH 65536

static struct fib_test_bpf *ft;
static struct ft_addr *addrs;
static struct ft_res *res;
static int failures;

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		if (failures++ < 20)                                                               \
			printf(__VA_ARGS__);                                                       \
	} while (0)

/* ---- records: the counter slot identities of column 0 ------------------ */

#define UPSTREAM 1 /* the one upstream, column 0 */

static const struct asc_maps *maps;
static struct slots *slots;
static struct asc_count *ident; /* [counts_max]: each slot's identity */

static int ident_take(void *ctx, uint32_t slot, const struct asc_count *c)
{
	(void)ctx;
	ident[slot] = *c;
	return 0;
}

/* Rereads every slot's identity (after loads that may hand out slots). */
static void ident_refresh(void)
{
	if (counts_foreach(maps, ident_take, NULL))
		FAIL("read asc_counts\n");
}

/* The origin a record counts column 0 under (0: none). */
static uint32_t rec_origin(const struct asc_route *r)
{
	return r->slot[0] < maps->counts_max ? ident[r->slot[0]].origin_asn : 0;
}

static uint32_t rec_transit(const struct asc_route *r)
{
	return r->slot[0] < maps->counts_max ? ident[r->slot[0]].transit_asn : 0;
}

/* The record a load would give e's route in column 0 (as rt_link_of()
 * answers for a table without per-link paths: the consensus). */
static struct asc_route rec_of(const struct rt_entry *e)
{
	struct asc_slot_key id = { .origin_asn = e->route.origin_asn,
				   .transit_asn = e->route.transit_asn,
				   .upstream_id = UPSTREAM,
				   .family = e->family,
				   .path = ASC_PATH_CONSENSUS };
	struct asc_route r = { 0 };

	if (slots_get(slots, &id, "t", &r.slot[0]) || !r.slot[0] || slots_flush(slots))
		FAIL("no counter slot for origin %u\n", id.origin_asn);
	return r;
}

static void upd_check(struct fib *f, const struct rt_entry *e, bool withdraw)
{
	struct asc_route r = rec_of(e);
	int err = fib_update(f, e, &r, withdraw);

	if (err)
		FAIL("fib_update: %s\n", strerror(-err));
}

/* Registers the upstream of column 0 and opens the slot allocator. */
static int records_init(const struct asc_maps *m)
{
	struct asc_upstream u = { .name = "t", .column = 0, .asn = 64496 };
	__u32 id = UPSTREAM;

	maps = m;
	ident = calloc(m->counts_max, sizeof(*ident));
	if (!ident || bpf_map_update_elem(m->upstreams, &id, &u, BPF_ANY) || slots_open(m, &slots))
		return -1;
	slots_begin(slots, NULL, 0);
	return 0;
}

/* Looks up n addresses (already in `addrs` from index 0) of `family`. */
static int run_batch(unsigned int gen, int family, size_t n, int skip_lpm)
{
	for (size_t start = 0; start < n; start += BATCH) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .repeat = 1);
		static unsigned char pkt[64];

		o.data_in = pkt;
		o.data_size_in = sizeof(pkt);
		ft->bss->ft_gen = gen;
		ft->bss->ft_family = (__u32)family;
		ft->bss->ft_start = (__u32)start;
		ft->bss->ft_count = (__u32)(n - start < BATCH ? n - start : BATCH);
		ft->bss->ft_skip_lpm = (__u32)skip_lpm;
		if (bpf_prog_test_run_opts(bpf_program__fd(ft->progs.ft_run), &o)) {
			printf("BPF_PROG_TEST_RUN: %s\n", strerror(errno));
			return -1;
		}
	}
	return 0;
}

static const char *addr_str(int family, const uint8_t *a, char *buf)
{
	struct rt_entry e = { .family = (uint8_t)family, .plen = family == 4 ? 32 : 128 };

	memcpy(e.addr, a, 16);
	return prefix_fmt(&e, buf, 64);
}

/* The userspace walk (fib_lookup, what `asclass lookup` uses) yields the
 * record index the BPF walk did. */
static struct fib *walk_fib;

static void check_userspace(unsigned int gen, int family, const uint8_t *addr,
			    const struct ft_res *r, const char *what)
{
	uint32_t rid = 0;
	int err = fib_lookup(walk_fib, gen, family, addr, &rid, NULL);
	char buf[64];

	if ((err == 0) != (r->found & 1) || (!err && rid != r->fast_rec))
		FAIL("%s: %s: userspace walk: record %u (%s), BPF walk: record %u\n", what,
		     addr_str(family, addr, buf), rid, err ? "none" : "found", r->fast_rec);
}

/* n addresses per family through fast, LPM and the reference: the LPM
 * tries and the fast tables yield the same record, the userspace walk
 * too, and its slot counts the reference route's origin and transit. */
static void check_three_way(const struct rtable *t, unsigned int gen, size_t n, uint64_t seed,
			    int skip_lpm, const char *what)
{
	struct rt_lpm *ref = rt_lpm_build(t);
	size_t n4 = rtable_count(t, 4), bad0 = (size_t)failures;

	ident_refresh();
	for (int family = 4; family <= 6; family += 2) {
		const struct rt_entry *v = family == 4 ? t->v : t->v + n4;
		size_t nv = family == 4 ? n4 : t->n - n4;

		for (size_t i = 0; i < n; i++)
			rtgen_addr(&seed, v, nv, family, addrs[i].addr);
		if (run_batch(gen, family, n, skip_lpm)) {
			failures++;
			break;
		}
		for (size_t i = 0; i < n; i++) {
			const struct rt_entry *want = rt_lpm_lookup(ref, family, addrs[i].addr);
			const struct ft_res *r = &res[i];
			char buf[64];

			if (!!want != (r->found & 1) ||
			    (want && (rec_origin(&r->fast) != want->route.origin_asn ||
				      rec_transit(&r->fast) != want->route.transit_asn)))
				FAIL("%s: %s: fast tables: %s origin %u, reference: %s origin %u\n",
				     what, addr_str(family, addrs[i].addr, buf),
				     r->found & 1 ? "route" : "none", rec_origin(&r->fast),
				     want ? "route" : "none", want ? want->route.origin_asn : 0);
			if (!skip_lpm &&
			    (!!want != !!(r->found & 2) || (want && r->lpm_rec != r->fast_rec)))
				FAIL("%s: %s: LPM trie: %s record %u, fast tables: %s record %u\n",
				     what, addr_str(family, addrs[i].addr, buf),
				     r->found & 2 ? "route" : "none", r->lpm_rec,
				     r->found & 1 ? "route" : "none", r->fast_rec);
			check_userspace(gen, family, addrs[i].addr, r, what);
		}
	}
	rt_lpm_free(ref);
	printf("%-44s %zu addresses per family: %s\n", what, n,
	       (size_t)failures == bad0 ? "all agree" : "MISMATCH");
}

/* Loads t, or with `take` a copy of it through tables_load_take(), which
 * must leave the copy empty. */
static int load(const struct asc_maps *m, struct fib *f, const struct rtable *t, unsigned int which,
		bool take, unsigned int *gen)
{
	const struct tables_opts o = { .which = which, .fib = f };
	struct rtable copy = { 0 };
	struct tables_result r;
	int err = 0;

	for (size_t i = 0; take && !err && i < t->n; i++)
		err = rtable_add(&copy, &t->v[i]);
	if (!err)
		err = take ? tables_load_take(m, &copy, &o, &r) : tables_load(m, t, &o, &r);
	if (take && (copy.v || copy.n || copy.links)) {
		printf("tables_load_take: the table it took still holds %zu entries\n", copy.n);
		err = err ? err : -EINVAL;
	}

	if (err)
		printf("tables_load: %s\n", strerror(-err));
	/* the load handed out slots: the test's allocator must know them */
	slots_close(slots);
	slots = NULL; /* a failed load opens none: no second close of it */
	if (!err && (err = slots_open(m, &slots)))
		printf("slots_open: %s\n", strerror(-err));
	if (!err)
		slots_begin(slots, NULL, 0);
	*gen = r.generation;
	if (!err && getenv("VERBOSE"))
		printf("loaded %zu + %zu prefixes: %zu nodes, %zu leaves, %zu routes, %.1f MiB\n",
		       r.routes_v4, r.routes_v6, r.fast.nodes, r.fast.leaves, r.fast.routes,
		       r.fast.bytes / 1048576.0);
	return err;
}

/* ---- 1 and 2 ------------------------------------------------------------ */

/* What a fresh fib (another process) finds the active generation `gen`
 * using, against the records lookups of t's prefixes reach there. */
static unsigned char *walked;

static void walked_mark(void *arg, const struct asc_route *rec)
{
	walked[rec - (const struct asc_route *)arg] = 1;
}

static void records_walked(const struct asc_maps *m, const struct rtable *t, unsigned int gen)
{
	size_t nwalked = 0, reached = 0, missed = 0;
	unsigned char *hit = calloc(2 * (size_t)ASC_FIB_ROUTES, 1);
	struct fib *g = NULL;

	walked = calloc(2 * (size_t)ASC_FIB_ROUTES, 1);
	if (!walked || !hit || fib_open(m, false, &g) || fib_records_begin(g, !gen, 0)) {
		FAIL("records walked: no fresh fib\n");
		goto out;
	}
	fib_each_active(g, walked_mark, (void *)fib_routes(g));
	for (size_t i = 0; i < t->n; i++) {
		uint32_t rid;

		if (fib_lookup(g, gen, t->v[i].family, t->v[i].addr, &rid, NULL))
			continue;
		reached += !hit[rid];
		hit[rid] = 1;
		missed += !walked[rid];
	}
	for (size_t i = 0; i < 2 * (size_t)ASC_FIB_ROUTES; i++)
		nwalked += walked[i];
	/* a walk that marked everything would be safe and useless */
	if (missed || !reached || nwalked > reached + reached / 4)
		FAIL("records walked: %zu records, %zu reached by the prefixes' lookups, "
		     "%zu of them not walked\n",
		     nwalked, reached, missed);
	else
		printf("records the active generation uses, walked by another fib: %zu, "
		       "every one of the %zu the prefixes reach\n",
		       nwalked, reached);
out:
	fib_close(g);
	free(walked);
	free(hit);
}

static void equivalence(const struct asc_maps *m, struct fib *f)
{
	struct {
		const char *what;
		size_t n4, n6;
		unsigned int routes;
		int uniform;
	} tabs[] = {
		{ "nested tables (uniform lengths, 3 routes)", 5000, 5000, 3, 1 },
		{ "nested tables (uniform lengths, 500 routes)", 20000, 20000, 500, 1 },
		{ "real length distribution, 100k + 50k", 100000, 50000, 20000, 0 },
	};
	uint64_t s = 7;
	unsigned int gen;

	for (size_t k = 0; k < sizeof(tabs) / sizeof(tabs[0]); k++) {
		struct rtable t = { 0 };

		if (rtgen_table(&t, 4, tabs[k].n4, tabs[k].routes, tabs[k].uniform, &s) ||
		    rtgen_table(&t, 6, tabs[k].n6, tabs[k].routes, tabs[k].uniform, &s) ||
		    rtable_sort_dedup(&t) == (size_t)-1 ||
		    /* the last two by tables_load_take(): the second for the fast
		     * tables alone (the table becomes their input before the
		     * slots), the last with the LPM tries (its updates check the
		     * update tries) */
		    load(m, f, &t, k == 1 ? TABLES_FAST : TABLES_LPM | TABLES_FAST, k >= 1, &gen)) {
			failures++;
			rtable_free(&t);
			return;
		}
		/* 10^6 per family over the three tables */
		check_three_way(&t, gen, k == 2 ? 600000 : 200000, s, k == 1, tabs[k].what);

		if (k == 2) { /* 2: updates in place, then the kernel against the reference */
			struct rtable hist = { 0 }, cur = { 0 };

			for (size_t i = 0; i < t.n; i++)
				rtable_add(&hist, &t.v[i]);
			for (int u = 0; u < 20000; u++) {
				struct rt_entry e = hist.v[rng_below(&s, hist.n)];
				unsigned int op = (unsigned int)rng_below(&s, 4);

				if (op == 0) { /* withdraw: the reference drops it below */
					upd_check(f, &e, true);
					e.route.flags = RTGEN_WITHDRAWN;
				} else if (op == 1) { /* a new prefix */
					struct rtable one = { 0 };

					rtgen_table(&one, e.family, 1, 1000, u % 2, &s);
					e = one.v[0];
					rtable_free(&one);
					e.route = rtgen_route(&s, 1000);
					upd_check(f, &e, false);
				} else { /* change, or re-announce if withdrawn earlier */
					e.route = rtgen_route(&s, 1000);
					upd_check(f, &e, false);
				}
				rtable_add(&hist, &e);
			}
			if (rtgen_replay(&hist, &cur))
				failures++;
			check_three_way(&cur, gen, 200000, s, 1,
					"after 20000 single-prefix updates");
			records_walked(m, &cur, gen);
			rtable_free(&cur);
			rtable_free(&hist);
		}
		rtable_free(&t);
	}
}

/* ---- 3: under load ------------------------------------------------------ */

#define PROBES 4096
#define NUPD 64

struct probe {
	int family;
	uint8_t addr[16];
	uint32_t valid[2 + NUPD]; /* origins that may be answered; 0 = "no route" allowed */
	int nvalid;
};

static struct probe probes[2][PROBES];
static atomic_int stop;
static atomic_long answers, wrong;

static void *reader(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		for (int fi = 0; fi < 2; fi++) {
			int family = fi ? 6 : 4;

			for (int i = 0; i < PROBES; i++)
				memcpy(addrs[i].addr, probes[fi][i].addr, 16);
			if (run_batch(2 /* the active generation, per lookup */, family, PROBES,
				      1)) {
				atomic_fetch_add(&wrong, 1);
				return NULL;
			}
			for (int i = 0; i < PROBES; i++) {
				const struct probe *p = &probes[fi][i];
				uint32_t got = res[i].found & 1 ? rec_origin(&res[i].fast) : 0;
				int ok = 0;

				for (int k = 0; k < p->nvalid && !ok; k++)
					ok = p->valid[k] == got;
				if (!ok && atomic_fetch_add(&wrong, 1) < 10) {
					char buf[64];

					printf("under load: %s answered origin %u, not one of the "
					       "%d valid\n",
					       addr_str(family, p->addr, buf), got, p->nvalid);
				}
			}
			atomic_fetch_add(&answers, PROBES);
		}
	}
	return NULL;
}

static void add_valid(struct probe *p, uint32_t origin)
{
	for (int k = 0; k < p->nvalid; k++)
		if (p->valid[k] == origin)
			return;
	p->valid[p->nvalid++] = origin;
}

static int covers(const struct rt_entry *e, const uint8_t *addr)
{
	uint8_t a[16];

	memcpy(a, addr, 16);
	prefix_mask(a, e->family, e->plen);
	return !memcmp(a, e->addr, 16);
}

static void under_load(const struct asc_maps *m, struct fib *f)
{
	static struct asc_route upd_rec[NUPD];
	struct rtable ta = { 0 }, tb = { 0 }, upd = { 0 };
	struct rt_lpm *ra, *rb;
	uint64_t s = 99;
	unsigned int gen;
	pthread_t th;
	long swaps = 0, updates = 0;
	struct timespec t0, t1;

	/* A and B: the same prefixes, every prefix its own origin in each. */
	rtgen_table(&ta, 4, 20000, 1, 0, &s);
	rtgen_table(&ta, 6, 10000, 1, 0, &s);
	rtable_sort_dedup(&ta);
	for (size_t i = 0; i < ta.n; i++) {
		ta.v[i].route = (struct rt_route){ .origin_asn = 100000 + (uint32_t)i };
		rtable_add(&tb, &ta.v[i]);
		tb.v[i].route.origin_asn = 200000 + (uint32_t)i;
	}
	/* Prefixes the updates toggle: inside table prefixes, /24 and /48 or longer. */
	for (int k = 0; k < NUPD; k++) {
		const struct rt_entry *p = &ta.v[rng_below(&s, ta.n)];
		struct rt_entry e = *p;
		int max = p->family == 4 ? 32 : 128;

		rtgen_addr(&s, p, 1, p->family, e.addr);
		e.plen = (uint8_t)(p->plen + (max - p->plen) / 2);
		prefix_mask(e.addr, e.family, e.plen);
		e.route = (struct rt_route){ .origin_asn = 300000 + (uint32_t)k };
		rtable_add(&upd, &e);
	}
	ra = rt_lpm_build(&ta);
	rb = rt_lpm_build(&tb);
	for (int fi = 0; fi < 2; fi++) {
		int family = fi ? 6 : 4;
		size_t n4 = rtable_count(&ta, 4);
		const struct rt_entry *v = fi ? ta.v + n4 : ta.v;
		size_t nv = fi ? ta.n - n4 : n4;

		for (int i = 0; i < PROBES; i++) {
			struct probe *p = &probes[fi][i];
			const struct rt_entry *a, *b;

			p->family = family;
			p->nvalid = 0;
			/* a quarter of the probes inside an update prefix */
			if (i % 4 == 0) {
				const struct rt_entry *u = &upd.v[rng_below(&s, NUPD)];

				if (u->family == family)
					rtgen_addr(&s, u, 1, family, p->addr);
				else
					rtgen_addr(&s, v, nv, family, p->addr);
			} else {
				rtgen_addr(&s, v, nv, family, p->addr);
			}
			a = rt_lpm_lookup(ra, family, p->addr);
			b = rt_lpm_lookup(rb, family, p->addr);
			add_valid(p, a ? a->route.origin_asn : 0);
			add_valid(p, b ? b->route.origin_asn : 0);
			for (int k = 0; k < NUPD; k++)
				if (upd.v[k].family == family && covers(&upd.v[k], p->addr))
					add_valid(p, upd.v[k].route.origin_asn);
		}
	}
	rt_lpm_free(ra);
	rt_lpm_free(rb);

	/* Every slot the run needs, handed out before the reader starts
	 * decoding them. */
	if (load(m, f, &tb, TABLES_FAST, false, &gen) ||
	    load(m, f, &ta, TABLES_FAST, false, &gen)) {
		failures++;
		goto out;
	}
	for (int k = 0; k < NUPD; k++)
		upd_rec[k] = rec_of(&upd.v[k]);
	ident_refresh();
	pthread_create(&th, NULL, reader, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		const struct rtable *t = swaps % 2 ? &ta : &tb;

		if (load(m, f, t, TABLES_FAST, false, &gen))
			break;
		swaps++;
		for (int r = 0; r < 500; r++) {
			uint64_t k = rng_below(&s, NUPD);

			if (fib_update(f, &upd.v[k], &upd_rec[k], rng_below(&s, 2)))
				FAIL("fib_update under load\n");
			updates++;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
	} while (t1.tv_sec - t0.tv_sec < 3);
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
	if (atomic_load(&wrong))
		failures++;
	printf("under load: %ld whole-table swaps and %ld single-prefix updates while %ld lookups "
	       "ran: %ld wrong answers\n",
	       swaps, updates, atomic_load(&answers), atomic_load(&wrong));
	if (atomic_load(&answers) < 10 * PROBES) {
		printf("under load: too few lookups ran to mean anything\n");
		failures++;
	}
out:
	rtable_free(&ta);
	rtable_free(&tb);
	rtable_free(&upd);
}

/* Pinned maps can be written by anyone with the rights: `asclass lookup`
 * walking a node whose leaf index points past the leaf array reports an
 * error instead of reading past it. */
static void count_one(void *arg, const struct asc_route *rec)
{
	(void)rec;
	++*(size_t *)arg;
}

/* A load beside damaged tables in generation gen (they do not walk)
 * leaves that generation's whole half of the route records alone. */
static void walked_count(const struct asc_maps *m, unsigned int gen)
{
	struct fib *g = NULL;
	size_t n = 0;

	if (fib_open(m, false, &g) || fib_records_begin(g, !gen, 0))
		FAIL("corrupt node: no fresh fib\n");
	else
		fib_each_active(g, count_one, &n);
	if (n != ASC_FIB_ROUTES - ASC_REC_FIRST)
		FAIL("corrupt node: a load beside the damage keeps %zu records, want the half's "
		     "%u\n",
		     n, ASC_FIB_ROUTES - ASC_REC_FIRST);
	else
		printf("a load beside the damage keeps its whole half of the route records\n");
	fib_close(g);
}

static void corrupt_node(const struct asc_maps *m, struct fib *f)
{
	static const char *const pfx[] = { "10.0.0.0/8", "10.1.0.0/24", "10.1.1.0/24" };
	struct rtable t = { 0 };
	struct asc_fib_pack pack;
	struct asc_fib_node n;
	struct rt_route rt;
	uint8_t a[16] = { 10, 1, 0, 1 };
	__u32 slot = (10U << 24 | 1U << 16) >> (32 - ASC_FIB_DIR4_BITS), k = slot / ASC_FIB_PACK,
	      idx;

	for (unsigned int i = 0; i < 3; i++) {
		struct rt_entry e;

		prefix_parse(pfx[i], &e, 0);
		e.route = (struct rt_route){ 64500 + i, 1, 1, 0 };
		rtable_add(&t, &e);
	}
	rtable_sort_dedup(&t);
	if (rtgen_fib_build(f, &t, 0) || rtgen_fib_lookup(f, 0, 4, a, &rt) ||
	    rt.origin_asn != 64501)
		FAIL("corrupt node: the table before the damage does not answer 10.1.0.1\n");
	if (bpf_map_lookup_elem(m->fib_dir, &k, &pack) ||
	    !(pack.v[slot % ASC_FIB_PACK] & ASC_FIB_NODE))
		FAIL("corrupt node: no node under 10.1.0.0/18\n");
	idx = pack.v[slot % ASC_FIB_PACK] & ~ASC_FIB_NODE;
	bpf_map_lookup_elem(m->fib_node, &idx, &n);
	n.base0 = 2 * ASC_FIB_LEAVES; /* just past the leaf array */
	bpf_map_update_elem(m->fib_node, &idx, &n, BPF_ANY);
	if (rtgen_fib_lookup(f, 0, 4, a, &rt) != -EIO)
		FAIL("corrupt node: a leaf index past the array was not reported\n");
	else
		printf("a node whose leaves lie past the leaf array: lookup reports EIO\n");
	walked_count(m, 0);
	rtable_free(&t);
}

/* This process's resident pages of shared and file mappings (the BPF
 * maps it maps among them), in bytes. */
static size_t rss_mapped_bytes(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t sum = 0, kib, len = 256 * (size_t)pg;
	char line[128],
		*p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	FILE *fp;

	/* Kernels before 6.2 keep a thread's RSS changes in a cache of its own
	 * and fold it into the process's counts only every 64 page faults
	 * (SPLIT_RSS_COUNTING): a map's pages inserted at mmap() may show up
	 * one step late.  256 faults on fresh anonymous pages (not counted
	 * here) make the counts current. */
	for (size_t i = 0; p != MAP_FAILED && i < len; i += (size_t)pg)
		p[i] = 1;
	if (p != MAP_FAILED)
		munmap(p, len);
	fp = fopen("/proc/self/status", "r");

	while (fp && fgets(line, sizeof(line), fp))
		if (sscanf(line, "RssFile: %zu kB", &kib) == 1 ||
		    sscanf(line, "RssShmem: %zu kB", &kib) == 1)
			sum += kib << 10;
	if (fp)
		fclose(fp);
	return sum;
}

/* Before a whole build the live state maps the generation to build and,
 * of the other, only its route records (one pool for both generations, and
 * what the slots' scan reads): its directory, nodes and leaves (about 25
 * MiB) are not mapped until the flip; fib_trim() keeps them so. */
static void map_for_build(struct fib *f)
{
	const size_t lookup = ASC_FIB_DIR_GEN * sizeof(uint32_t) +
			      ASC_FIB_NODES * sizeof(struct asc_fib_node) +
			      ASC_FIB_LEAVES * sizeof(uint32_t),
		     records = ASC_FIB_ROUTES * sizeof(struct asc_route);
	struct fib_usage u;
	size_t rss;

	fib_usage(f, &u);
	if (u.mapped_bytes != 2 * (lookup + records))
		FAIL("map for build: %zu bytes mapped before, want both generations' %zu\n",
		     u.mapped_bytes, 2 * (lookup + records));
	rss = rss_mapped_bytes();
	if (fib_map_for_build(f, 1))
		FAIL("map for build: fib_map_for_build() failed\n");
	/* the pages really go: the process's resident mapped memory drops */
	if (rss_mapped_bytes() + lookup * 9 / 10 > rss)
		FAIL("map for build: resident mapped memory %zu -> %zu bytes, want %zu less\n", rss,
		     rss_mapped_bytes(), lookup);
	fib_usage(f, &u);
	if (u.mapped_bytes != 2 * lookup + 2 * records - lookup)
		FAIL("map for build: %zu bytes mapped, want %zu (generation 0's records only)\n",
		     u.mapped_bytes, lookup + 2 * records);
	fib_trim(f, 1);
	fib_usage(f, &u);
	if (u.mapped_bytes != lookup + 2 * records)
		FAIL("map for build, trimmed after: %zu bytes mapped, want %zu\n", u.mapped_bytes,
		     lookup + 2 * records);
	printf("map for build: the other generation's lookup arrays (%zu bytes) unmapped, the "
	       "records mapped\n",
	       lookup);
}

/* A fib opened for a live state maps nothing until a load needs it: the
 * walk of the active generation maps its lookup arrays and the records,
 * fib_map_for_build() unmaps the walked arrays again, and the build maps
 * the generation it writes.  Checked by the process's resident mapped
 * memory, not only by what the fib says it maps. */
static void open_unmapped(const struct asc_maps *m)
{
	const size_t lookup = ASC_FIB_DIR_GEN * sizeof(uint32_t) +
			      ASC_FIB_NODES * sizeof(struct asc_fib_node) +
			      ASC_FIB_LEAVES * sizeof(uint32_t),
		     records = 2 * (size_t)ASC_FIB_ROUTES * sizeof(struct asc_route);
	size_t rss = rss_mapped_bytes(), slack = 1 << 20;
	struct fib_usage u;
	struct fib *f;

	if (fib_open_unmapped(m, true, &f)) {
		FAIL("open unmapped: fib_open_unmapped() failed\n");
		return;
	}
	fib_usage(f, &u);
	if (u.mapped_bytes || rss_mapped_bytes() > rss + slack)
		FAIL("open unmapped: %zu bytes mapped, resident mapped memory %zu -> %zu bytes\n",
		     u.mapped_bytes, rss, rss_mapped_bytes());
	/* generation 0 is active (the loads above): its walk maps it */
	if (fib_records_begin(f, 1, 0))
		FAIL("open unmapped: fib_records_begin() failed\n");
	fib_usage(f, &u);
	if (u.mapped_bytes != lookup + records ||
	    rss_mapped_bytes() + slack < rss + lookup + records)
		FAIL("open unmapped, walked: %zu bytes mapped (want %zu), resident %zu -> %zu\n",
		     u.mapped_bytes, lookup + records, rss, rss_mapped_bytes());
	if (fib_map_for_build(f, 1))
		FAIL("open unmapped: fib_map_for_build() failed\n");
	fib_usage(f, &u);
	if (u.mapped_bytes != records || rss_mapped_bytes() > rss + records + slack)
		FAIL("open unmapped, for the build: %zu bytes mapped (want %zu), resident %zu -> "
		     "%zu\n",
		     u.mapped_bytes, records, rss, rss_mapped_bytes());
	fib_close(f);
	printf("open unmapped: nothing mapped until the walk, then the walked generation and the "
	       "records, then the records only\n");
}

int main(void)
{
	char pin[64];
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = pin);
	struct asclass_bpf *skel = NULL;
	struct asc_maps m;
	struct fib *f = NULL;
	int err = 1;

	if (geteuid() != 0) {
		printf("SKIP: needs root (BPF_PROG_TEST_RUN)\n");
		return 77;
	}
	snprintf(pin, sizeof(pin), "/sys/fs/bpf/asclass-fibtest-%d", (int)getpid());
	if (bpffs_prepare(pin))
		return 1;
	skel = asclass_bpf__open_opts(&oo);
	if (!skel || asclass_bpf__load(skel)) {
		printf("load BPF object: %s\n", strerror(errno));
		goto out;
	}
	ft = fib_test_bpf__open_opts(&oo);
	if (!ft || fib_test_bpf__load(ft)) {
		printf("load test BPF object: %s\n", strerror(errno));
		goto out;
	}
	addrs = mmap(NULL, FT_MAX * sizeof(*addrs), PROT_READ | PROT_WRITE, MAP_SHARED,
		     bpf_map__fd(ft->maps.ft_addrs), 0);
	res = mmap(NULL, FT_MAX * sizeof(*res), PROT_READ | PROT_WRITE, MAP_SHARED,
		   bpf_map__fd(ft->maps.ft_res), 0);
	if (addrs == MAP_FAILED || res == MAP_FAILED) {
		printf("mmap test maps: %s\n", strerror(errno));
		goto out;
	}
	if (maps_open(pin, &m) || fib_open(&m, true, &f) || records_init(&m))
		goto out;
	walk_fib = f;
	equivalence(&m, f);
	under_load(&m, f);
	corrupt_node(&m, f);
	map_for_build(f);
	open_unmapped(&m);
	fib_close(f);
	slots_close(slots);
	free(ident);
	maps_close(&m);
	err = failures ? 1 : 0;
	printf("%s\n", err ? "FAILED" : "ok");
out:
	fib_test_bpf__destroy(ft);
	asclass_bpf__destroy(skel);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", pin);
		if (system(cmd))
			printf("could not remove %s\n", pin);
	}
	return err;
}
