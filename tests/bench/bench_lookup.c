// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/bench/bench_lookup.c - `make bench-lookup`: the classifier per
 * packet with no lookup (bare: one counter slot; bare*: as many slots as
 * the routes give), with the LPM tries and with the fast tables, side by
 * side in one run; map memory; load, build, swap and update times;
 * equivalence of the fast tables with the reference on every table
 * measured.  Four upstreams are configured (four route-record columns),
 * the packets arrive on the first one's link.
 *
 *   bench_lookup [--quick] [--table FILE] [--memory]
 *
 * Tables are synthesised with the real prefix-length distributions
 * (tests/lib/rtgen.h) at 10k, 100k and full size (1.04M IPv4 + 223k IPv6),
 * or read from FILE (any format `asclass routes load` reads).  Addresses
 * are uniform over routed prefixes, or Zipf-skewed (s = 1) over them.  The
 * four configurations take turns over 5 rounds, one BPF_PROG_TEST_RUN call of
 * 2^20 packets each per round; each figure is the median over the rounds,
 * and each ratio the median of the ratios within a round, so that the
 * machine's drift between rounds does not enter them.  asc_counts is sized
 * to hold every slot a table hands out, so that counting is measured, not
 * the overflow path.
 * Needs root.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "asclass.skel.h"
#include "bench.skel.h"
#include "bench_bare.skel.h"
#include "bench_chase.skel.h"
#include "bench_spread.skel.h"
#include "bench.h"
#include "dataplane/fib.h"
#include "dataplane/maps.h"
#include "dataplane/tables.h"
#include "pkt.h"
#include "routes/routes_in.h"
#include "rt_lpm.h"
#include "rtgen.h"

static struct bench_bpf *full;
static struct bench_bare_bpf *bare;
static struct bench_spread_bpf *spread;
static struct bench_addr *addrs;
static struct asc_maps m;
static int quick, memory_only; /* --memory: the yardstick alone (bench-realpath) */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

#define ROUNDS 5

/* ns per packet over one BPF_PROG_TEST_RUN of BENCH_ADDRS packets. */
static double run(int prog_fd, int family)
{
	static uint8_t pkt[PKT_MAX];
	struct pkt_spec s = { .family = family,
			      .src = family == 4 ? "198.51.100.1" : "2001:db8::1",
			      .dst = family == 4 ? "203.0.113.1" : "2001:db8:1::1",
			      .payload = 18 };
	size_t len = pkt_build(&s, pkt);
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = (__u32)len,
		    .repeat = quick ? BENCH_ADDRS / 8 : BENCH_ADDRS);

	if (bpf_prog_test_run_opts(prog_fd, &o)) {
		fprintf(stderr, "BPF_PROG_TEST_RUN: %s\n", strerror(errno));
		exit(1);
	}
	return o.duration;
}

/* The bench's asc_counts holds every slot a table hands out (about 800k on
 * the full synthetic table: 100k routes per family, each its own (origin,
 * transit), in four columns), as `attach --counters 1048576` would, so that
 * no run measures the overflow path instead of counting.  Each table
 * checks that none overflowed. */
#define BENCH_COUNTERS (1U << 20)
#define BENCH_UPSTREAMS 4

/* Four upstreams in columns 0..3, the first one's link on lo (where
 * BPF_PROG_TEST_RUN runs), as attach writes them. */
static void upstreams_setup(void)
{
	for (__u32 id = 1; id <= BENCH_UPSTREAMS; id++) {
		struct asc_upstream u = { .asn = 64495 + id, .column = (__u8)(id - 1) };

		snprintf(u.name, sizeof(u.name), "up%u", id);
		if (bpf_map_update_elem(m.upstreams, &id, &u, BPF_ANY))
			exit(1);
	}
	{
		struct asc_iface lo = { .any = { .upstream_id = 1, .column = 0 } };
		__u32 ifindex = 1;

		if (bpf_map_update_elem(m.ifaces, &ifindex, &lo, BPF_ANY))
			exit(1);
	}
}

static uint64_t stat_of(unsigned int reason)
{
	uint64_t st[ASC_STAT_MAX];

	if (stats_read(&m, st))
		exit(1);
	return st[reason];
}

static double median(double *v)
{
	qsort(v, ROUNDS, sizeof(v[0]), cmp_d);
	return v[ROUNDS / 2];
}

static void set_lookup(unsigned int kind)
{
	struct asc_state st;
	__u32 zero = 0;

	state_read(&m, &st);
	st.lookup = kind;
	bpf_map_update_elem(m.state, &zero, &st, BPF_ANY);
}

/* Fills bench_addrs: uniform over the prefixes, or Zipf over them. */
static void fill_addrs(const struct rt_entry *v, size_t n, int family, int zipf, uint64_t seed)
{
	double *cdf = NULL, h = 0;
	size_t *perm = NULL;

	if (zipf) {
		cdf = malloc(n * sizeof(*cdf));
		perm = malloc(n * sizeof(*perm));
		for (size_t i = 0; i < n; i++) {
			h += 1.0 / (double)(i + 1);
			cdf[i] = h;
			perm[i] = i;
		}
		for (size_t i = n - 1; i > 0; i--) { /* popular prefixes anywhere */
			size_t j = rng_below(&seed, i + 1), t = perm[i];

			perm[i] = perm[j];
			perm[j] = t;
		}
	}
	for (uint32_t i = 0; i < BENCH_ADDRS; i++) {
		const struct rt_entry *p;

		if (zipf) {
			double u = (double)(rng_next(&seed) >> 11) / 9007199254740992.0 * h;
			size_t lo = 0, hi = n - 1;

			while (lo < hi) {
				size_t mid = (lo + hi) / 2;

				if (cdf[mid] < u)
					lo = mid + 1;
				else
					hi = mid;
			}
			p = &v[perm[lo]];
		} else {
			p = &v[rng_below(&seed, n)];
		}
		/* a random address inside p */
		rtgen_addr(&seed, p, 1, family, addrs[i].addr);
		{
			uint8_t a[16];

			memcpy(a, addrs[i].addr, 16);
			prefix_mask(a, family, p->plen);
			if (memcmp(a, p->addr, 16)) /* "last + 1" stepped outside: use the first */
				memcpy(addrs[i].addr, p->addr, 16);
		}
	}
	free(cdf);
	free(perm);
}

/* What one dependent read at a random place costs, by working-set size
 * (tests/bpf/bench_chase.bpf.c): the lookup figures below are read against
 * it.  Each figure is the median of ROUNDS runs of 8 reads per packet. */
static void memory_latency(void)
{
	static const unsigned int mib[] = { 4, 16, 32, 64, 128 };
	const uint32_t max = 128U << 17; /* 128 MiB of u64 */
	struct bench_chase_bpf *c = bench_chase_bpf__open();
	uint64_t *next, s = 99;
	uint32_t *keys, n;
	int fd;

	if (!c || bpf_map__set_max_entries(c->maps.chase_next, max) || bench_chase_bpf__load(c))
		exit(1);
	fd = bpf_map__fd(c->maps.chase_next);
	next = malloc((size_t)max * sizeof(*next));
	keys = malloc((size_t)max * sizeof(*keys));
	if (!next || !keys)
		exit(1);
	printf("memory: one dependent read at a random place, by working set:");
	for (size_t k = 0; k < sizeof(mib) / sizeof(mib[0]); k++) {
		LIBBPF_OPTS(bpf_map_batch_opts, bo);
		double ns[ROUNDS];

		n = mib[k] << 17;
		for (uint32_t i = 0; i < n; i++) {
			next[i] = i;
			keys[i] = i;
		}
		for (uint32_t i = n - 1; i > 0; i--) { /* Sattolo: one cycle through all n */
			uint32_t j = (uint32_t)rng_below(&s, i);
			uint64_t t = next[i];

			next[i] = next[j];
			next[j] = t;
		}
		if (bpf_map_update_batch(fd, keys, next, &n, &bo)) {
			fprintf(stderr, "chase_next: %s\n", strerror(errno));
			exit(1);
		}
		c->bss->chase_pos = 0;
		for (int r = 0; r < ROUNDS; r++)
			ns[r] = run(bpf_program__fd(c->progs.chase), 4) / 8;
		printf(" %u MiB %.0f ns%s", mib[k], median(ns),
		       k + 1 < sizeof(mib) / sizeof(mib[0]) ? "," : "\n");
	}
	free(next);
	free(keys);
	bench_chase_bpf__destroy(c);
}

/* Single-prefix updates: new /24 and /48 announcements, route changes and
 * withdrawals of existing prefixes, each undone later. Returns µs each. */
static double updates(struct fib *f, const struct rtable *t, unsigned int gen, size_t nrec,
		      int count, double *worst)
{
	/* a fresh fib puts a generation's records in its own half first */
	const struct asc_route *rec = fib_routes(f) + gen * ASC_FIB_ROUTES + ASC_REC_FIRST;
	uint64_t s = 5;
	double total = 0;

	*worst = 0;
	for (int i = 0; i < count; i++) {
		struct rt_entry e = t->v[rng_below(&s, t->n)];
		unsigned int op = (unsigned int)rng_below(&s, 3);
		double a, b;
		bool withdraw = false;

		if (op == 0) { /* a new more-specific inside a routed prefix */
			int max = e.family == 4 ? 24 : 48;

			rtgen_addr(&s, &e, 1, e.family, e.addr);
			e.plen = (uint8_t)(e.plen < max ? max : e.plen);
			prefix_mask(e.addr, e.family, e.plen);
			e.route = rtgen_route(&s, 1000);
		} else if (op == 1) {
			e.route = rtgen_route(&s, 1000);
		} else {
			withdraw = true;
		}
		a = now();
		/* any record of the table: only the time matters */
		if (fib_update(f, &e, &rec[i % nrec], withdraw)) {
			fprintf(stderr, "update failed\n");
			exit(1);
		}
		b = now();
		total += b - a;
		if (b - a > *worst)
			*worst = b - a;
		/* put it back, untimed, so the table keeps its size */
		if (withdraw)
			fib_update(f, &e, &rec[i % nrec], false);
	}
	*worst *= 1e6;
	return total / count * 1e6;
}

/* Nodes and leaves each family takes when built alone (anonymous memory):
 * where the memory goes. */
static void per_family(const struct rtable *t, size_t n4)
{
	printf("  per family:");
	for (int fam = 4; fam <= 6; fam += 2) {
		struct rtable one = { .v = fam == 4 ? t->v : t->v + n4,
				      .n = fam == 4 ? n4 : t->n - n4 };
		struct fib_usage u;
		struct fib *g;

		if (fib_open(NULL, false, &g) || rtgen_fib_build(g, &one, 0))
			exit(1);
		fib_usage(g, &u);
		fib_close(g);
		printf(" IPv%d %zu nodes, %zu leaves (%.1f MiB)%s", fam, u.nodes, u.leaves,
		       (u.nodes * sizeof(struct asc_fib_node) + u.leaves * sizeof(uint32_t)) /
			       1048576.0,
		       fam == 4 ? ";" : "\n");
	}
}

static void bench_table(const char *name, struct rtable *t, struct fib *fib)
{
	struct tables_result r;
	size_t n4 = rtable_count(t, 4);
	int bare_fd = bpf_program__fd(bare->progs.bench_xdp),
	    full_fd = bpf_program__fd(full->progs.bench_xdp);
	int spread_fd = bpf_program__fd(spread->progs.bench_xdp);
	double load = 0, build = 0, flip = 0, upd, worst;
	uint64_t ovf;
	size_t keys;

	for (int i = 0; i < 3; i++) { /* a whole fast-table load, best of 3 */
		double t0 = now(), t1;

		if (tables_load(&m, t, &(struct tables_opts){ .which = TABLES_FAST, .fib = fib },
				&r))
			exit(1);
		t1 = now();
		if (!i || t1 - t0 < load) {
			load = t1 - t0;
			build = r.fast_seconds;
			flip = r.swap_seconds;
		}
	}
	/* both kinds into one generation, for the side-by-side runs (the LPM
	 * tries are slow to fill) */
	if (tables_load(&m, t,
			&(struct tables_opts){ .which = TABLES_FAST | TABLES_LPM, .fib = fib }, &r))
		exit(1);
	printf("\n%s: %zu IPv4 + %zu IPv6 prefixes, %zu distinct route records, %zu counter slots "
	       "in use (%zu folded to make room)\n",
	       name, n4, t->n - n4, r.fast.routes, r.slots_used, r.slots_folded);
	printf("  fast tables: %zu nodes, %zu leaves: %.1f MiB used per generation; "
	       "maps (both generations) %.1f MiB as bpftool reports\n",
	       r.fast.nodes, r.fast.leaves, r.fast.bytes / 1048576.0, r.fast.map_bytes / 1048576.0);
	per_family(t, n4);
	printf("  load %.0f ms end to end: build %.0f ms (after a grace period), swap %.3f ms "
	       "(the asc_state flip)\n",
	       load * 1e3, build * 1e3, flip * 1e3);
	ovf = stat_of(ASC_STAT_OVERFLOW);
	printf("  %-6s %-8s %8s %8s %8s %8s %10s %11s %9s\n", "family", "addrs", "bare ns",
	       "bare* ns", "lpm ns", "fast ns", "fast/bare", "fast/bare*", "lpm/fast");
	for (int fam = 4; fam <= 6; fam += 2) {
		const struct rt_entry *v = fam == 4 ? t->v : t->v + n4;
		size_t nv = fam == 4 ? n4 : t->n - n4;

		for (int zipf = 0; zipf < 2; zipf++) {
			/* ns: bare, bare*, lpm, fast; ratios: fast/bare,
			 * fast/bare*, lpm/fast */
			double ns[4][ROUNDS], x[3][ROUNDS];

			if (!nv)
				continue;
			fill_addrs(v, nv, fam, zipf, 11 + fam + zipf);
			/* untimed: warm up */
			run(spread_fd, fam);
			run(full_fd, fam);
			for (int r = 0; r < ROUNDS; r++) {
				ns[0][r] = run(bare_fd, fam);
				ns[1][r] = run(spread_fd, fam);
				set_lookup(ASC_LOOKUP_LPM);
				ns[2][r] = run(full_fd, fam);
				set_lookup(ASC_LOOKUP_FAST);
				ns[3][r] = run(full_fd, fam);
				x[0][r] = ns[3][r] / ns[0][r];
				x[1][r] = ns[3][r] / ns[1][r];
				x[2][r] = ns[2][r] / ns[3][r];
			}
			printf("  IPv%-3d %-8s %8.1f %8.1f %8.1f %8.1f %9.2fx %10.2fx %8.1fx\n",
			       fam, zipf ? "zipf" : "uniform", median(ns[0]), median(ns[1]),
			       median(ns[2]), median(ns[3]), median(x[0]), median(x[1]),
			       median(x[2]));
		}
	}
	ovf = stat_of(ASC_STAT_OVERFLOW) - ovf;
	if (counters_slots_used(&m, &keys))
		exit(1);
	printf("  counting: %zu slots in use in asc_counts (capacity %u, %.1f MiB as bpftool "
	       "reports), "
	       "%llu packets overflowed\n",
	       keys, m.counts_max, map_memlock(m.counts) / 1048576.0, (unsigned long long)ovf);
	if (ovf) {
		fprintf(stderr,
			"asc_counts overflowed: the figures above measure the overflow path\n");
		exit(1);
	}
	/* equivalence on this table too: the arrays the kernel reads, walked in
	 * userspace, find a route where the reference does, and the record the
	 * LPM tries hold for it (tests/prog/test_fib.c checks the BPF walk
	 * itself) */
	{
		struct rt_lpm *ref = rt_lpm_build(t);
		size_t bad = 0, n = quick ? 200000 : 2000000;
		uint64_t s = 77;

		for (size_t i = 0; i < 2 * n; i++) {
			int fam = i < n ? 4 : 6;
			const struct rt_entry *v = fam == 4 ? t->v : t->v + n4, *want;
			size_t nv = fam == 4 ? n4 : t->n - n4;
			struct asc_lpm_v6 k = { .prefixlen = fam == 4 ? 32 : 128 };
			uint32_t got, lpm = 0;
			uint8_t a[16];
			int err;

			rtgen_addr(&s, v, nv, fam, a);
			memcpy(k.addr, a, 16);
			want = rt_lpm_lookup(ref, fam, a);
			err = fib_lookup(fib, r.generation, fam, a, &got, NULL);
			/* the record the LPM trie of the same load holds for the
			 * longest match */
			bpf_map_lookup_elem(fam == 4 ? m.lpm4[r.generation] : m.lpm6[r.generation],
					    &k, &lpm);
			if (want ? err || got != lpm : err != -ENOENT)
				bad++;
		}
		rt_lpm_free(ref);
		printf("  equivalence: %zu addresses per family, fast tables vs reference and LPM "
		       "tries: %zu differ\n",
		       n, bad);
		if (bad)
			exit(1);
	}
	upd = updates(fib, t, r.generation, r.fast.routes, quick ? 2000 : 20000, &worst);
	printf("  single-prefix update: %.2f us on average, %.0f us at worst (%d updates)\n", upd,
	       worst, quick ? 2000 : 20000);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		size_t n4, n6;
	} sizes[] = {
		{ "10k table", 10000, 10000 },
		{ "100k table", 100000, 100000 },
		{ "full-size table", 1040000, 223000 },
	};
	const char *table = NULL;
	char pin[64];
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = pin);
	struct asclass_bpf *skel;
	struct fib *fib;
	__u32 rows;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			quick = 1;
		else if (!strcmp(argv[i], "--memory"))
			memory_only = 1;
		else if (!strcmp(argv[i], "--table") && i + 1 < argc)
			table = argv[++i];
		else {
			fprintf(stderr, "usage: %s [--quick] [--table FILE] [--memory]\n", argv[0]);
			return 2;
		}
	}
	snprintf(pin, sizeof(pin), "/sys/fs/bpf/asclass-bench-%d", (int)getpid());
	if (bpffs_prepare(pin))
		return 1;
	skel = asclass_bpf__open_opts(&oo);
	full = bench_bpf__open_opts(&oo);
	bare = bench_bare_bpf__open_opts(&oo);
	spread = bench_spread_bpf__open_opts(&oo);
	if (!skel || !full || !bare || !spread)
		return 1;
	/* all share the pinned asc_counts, so all must ask for one size (one
	 * row per slot and CPU) */
	if (counts_rows(BENCH_COUNTERS, libbpf_num_possible_cpus(), &rows))
		return 1;
	bpf_map__set_max_entries(skel->maps.asc_counts, rows);
	bpf_map__set_max_entries(full->maps.asc_counts, rows);
	bpf_map__set_max_entries(bare->maps.asc_counts, rows);
	bpf_map__set_max_entries(spread->maps.asc_counts, rows);
	if (asclass_bpf__load(skel))
		return 1;
	if (!full || bench_bpf__load(full) || !bare || bench_bare_bpf__load(bare) || !spread ||
	    bench_spread_bpf__load(spread))
		return 1;
	addrs = mmap(NULL, BENCH_ADDRS * sizeof(*addrs), PROT_READ | PROT_WRITE, MAP_SHARED,
		     bpf_map__fd(full->maps.bench_addrs), 0);
	if (addrs == MAP_FAILED || maps_open(pin, &m) || fib_open(&m, true, &fib))
		return 1;
	upstreams_setup();

	printf("asclass lookup benchmark: %s, %ld CPUs, kernel ", quick ? "quick" : "full",
	       sysconf(_SC_NPROCESSORS_ONLN));
	fflush(stdout);
	if (system("uname -r"))
		return 1;
	memory_latency();
	if (memory_only)
		goto done;
	printf("ns per packet = XDP program run time (BPF_PROG_TEST_RUN); bare = parse + link + "
	       "count without a lookup (the no-route record's slot); bare* = the same over ~100k "
	       "counter slots, as a full table's routes give; %d upstreams configured\n",
	       BENCH_UPSTREAMS);
	if (table) {
		struct routes_opts ro = { .format = ROUTES_AUTO };
		struct routes_stats rs;
		struct rtable t = { 0 };

		if (routes_read((const char *const *)&table, 1, &ro, &t, NULL, &rs))
			return 1;
		bench_table(table, &t, fib);
		rtable_free(&t);
	} else {
		/* --quick: without the full-size table */
		for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]) - (quick ? 1 : 0); k++) {
			struct rtable t = { 0 };
			uint64_t s = 2026 + k;

			/* top up until de-duplication leaves the size wanted */
			for (int fam = 4; fam <= 6; fam += 2) {
				size_t want = fam == 4 ? sizes[k].n4 : sizes[k].n6;

				while (rtable_count(&t, fam) < want) {
					rtgen_table(&t, fam, want - rtable_count(&t, fam), 100000,
						    0, &s);
					rtable_sort_dedup(&t);
				}
			}
			bench_table(sizes[k].name, &t, fib);
			rtable_free(&t);
		}
	}
done:
	fib_close(fib);
	maps_close(&m);
	bench_bpf__destroy(full);
	bench_bare_bpf__destroy(bare);
	bench_spread_bpf__destroy(spread);
	asclass_bpf__destroy(skel);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", pin);
		return system(cmd) ? 1 : 0;
	}
}
