// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/prog/test_live.c - single-prefix updates (tables_update) keep the
 * real maps equal to a whole build.
 *
 * For the fast tables and for the LPM tries: a RIB driven by random changes
 * (tests/lib/ribgen.h) is loaded whole once, then 20,000 changes go in
 * through the dirty set, rib_resolve_prefix() and tables_update(), in
 * batches as the daemon applies them.  Every 4,000 changes, and at the
 * end, every prefix of the pool and a sample of addresses are looked up in
 * the maps as the data plane sees them (tables_lookup): the counter slot
 * of each upstream column must name the identity (upstream, origin,
 * transit, path) that a whole table from the same RIB gives, and
 * asc_state must count its prefixes.  At the end a
 * real whole load of the same RIB must answer alike.  A whole load into
 * the live state reuses its counter slot allocator while no other
 * allocator wrote a slot, and after one did (as `asclass attach` does),
 * updates stop until a whole load has read asc_counts again.  Then a flap (one
 * prefix announced with two paths in turn, 10,000 times) must leave the
 * number of route records and the fast tables' memory where they were: no
 * leak per update.  Needs root (BPF) and a bpffs at /sys/fs/bpf.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "asclass.skel.h"
#include "dataplane/maps.h"
#include "dataplane/slots.h"
#include "dataplane/tables.h"
#include "ribgen.h"

#define CHANGES 20000
#define CHECK_EVERY 4000
#define FLAPS 10000
#define SAMPLE 32 /* random addresses per family and check, besides the pool's */

static int failures;

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		if (failures++ < 20)                                                               \
			printf(__VA_ARGS__);                                                       \
	} while (0)

/* Upstreams 1 "cu" (column 0) and 2 "ttk" (column 1). */
static int setup_links(const struct asc_maps *m)
{
	struct asc_upstream a = { .name = "cu", .column = 0 }, v = { .name = "ttk", .column = 1 };
	__u32 one = 1, two = 2;

	return bpf_map_update_elem(m->upstreams, &one, &a, BPF_ANY) ||
			       bpf_map_update_elem(m->upstreams, &two, &v, BPF_ANY)
		       ? -errno
		       : 0;
}

static bool covers(const struct rt_entry *e, int family, const uint8_t *addr)
{
	uint8_t a[16] = { 0 };

	if (e->family != family)
		return false;
	memcpy(a, addr, family == 4 ? 4 : 16);
	prefix_mask(a, family, e->plen);
	return !memcmp(a, e->addr, 16);
}

/* What column col of a whole table t says for addr: the identity its
 * longest match gives, or the no-route one. */
static struct asc_count want_of(const struct rtable *t, int family, const uint8_t *addr,
				unsigned int col)
{
	const struct rt_entry *best = NULL;
	struct asc_count w = { .upstream_id = (__u16)(col + 1), .path = ASC_PATH_NONE };

	for (size_t i = 0; i < t->n; i++)
		if (covers(&t->v[i], family, addr) && (!best || t->v[i].plen > best->plen))
			best = &t->v[i];
	if (best) {
		struct rt_link l = rt_link_of(t, best, col);

		w.origin_asn = l.origin_asn;
		w.transit_asn = l.transit_asn;
		w.path = l.path;
	}
	return w;
}

static void check_addr(const struct asc_maps *m, const struct rtable *t, int family,
		       const uint8_t *addr, const char *when)
{
	struct asc_route rec;
	int err = tables_lookup(m, family, addr, &rec, NULL);

	if (err && err != -ENOENT) {
		FAIL("%s: lookup: %s\n", when, strerror(-err));
		return;
	}
	for (unsigned int col = 0; col < 2; col++) {
		struct asc_count want = want_of(t, family, addr, col), got = { 0 };
		struct rt_entry a = { .family = (uint8_t)family, .plen = family == 4 ? 32 : 128 };
		char buf[64];

		memcpy(a.addr, addr, family == 4 ? 4 : 16);
		err = tables_slot_identity(m, &rec, col, &got);
		if (err || got.upstream_id != want.upstream_id ||
		    got.origin_asn != want.origin_asn || got.transit_asn != want.transit_asn ||
		    got.path != want.path)
			FAIL("%s: %s column %u: slot says upstream %u origin %u transit %u path %u "
			     "(%s); a whole table says origin %u transit %u path %u\n",
			     when, prefix_fmt(&a, buf, sizeof(buf)), col, got.upstream_id,
			     got.origin_asn, got.transit_asn, got.path, err ? strerror(-err) : "ok",
			     want.origin_asn, want.transit_asn, want.path);
	}
}

/* Every pool prefix (first and last address) and SAMPLE random
 * addresses, in the maps vs. a whole table of the RIB. */
static void check(const struct asc_maps *m, const struct rib *r, const struct rt_upstreams *u,
		  uint64_t *s, const char *when)
{
	struct rtable t = { 0 };
	struct asc_state st;

	if (rib_to_rtable(r, u, &t) || rtable_sort_dedup(&t) == (size_t)-1) {
		FAIL("%s: rib_to_rtable\n", when);
		return;
	}
	if (state_read(m, &st) || st.routes_v4 != rtable_count(&t, 4) ||
	    st.routes_v6 != rtable_count(&t, 6))
		FAIL("%s: asc_state counts %llu IPv4 + %llu IPv6 prefixes, a whole table %zu + "
		     "%zu\n",
		     when, (unsigned long long)st.routes_v4, (unsigned long long)st.routes_v6,
		     rtable_count(&t, 4), rtable_count(&t, 6));
	for (unsigned int n = 0; n < RIBGEN_PREFIXES; n++) {
		struct rt_entry p = ribgen_prefix(n);
		check_addr(m, &t, p.family, p.addr, when);
		for (int b = p.plen; b < (p.family == 4 ? 32 : 128); b++)
			p.addr[b / 8] |= (uint8_t)(0x80 >> (b % 8));
		check_addr(m, &t, p.family, p.addr, when);
	}
	for (int i = 0; i < SAMPLE; i++) {
		uint8_t a[16] = { 198, (uint8_t)(18 + rng_below(s, 2)), (uint8_t)rng_below(s, 64),
				  (uint8_t)rng_below(s, 256) };
		uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, (uint8_t)rng_below(s, 48) };

		a6[15] = (uint8_t)rng_below(s, 256);
		check_addr(m, &t, 4, a, when);
		check_addr(m, &t, 6, a6, when);
	}
	rtable_free(&t);
}

/* Takes the RIB's dirty set and applies it, between tables_live_begin()
 * and _end(), as the daemon does.  Returns the prefixes applied, or -1. */
static long apply_taken(struct tables_live *l, struct rib *r, const struct rt_upstreams *u)
{
	struct rib_dirty *d;
	size_t n;
	int err = rib_take_dirty(r, &d, &n);

	for (size_t i = 0; !err && i < n; i++) {
		struct rt_links links;
		struct rt_entry e;
		int rc = rib_resolve_prefix(r, u, &d[i].p, &e, &links);

		if (rc && rc != -ENOENT)
			err = rc;
		else
			err = tables_update(l, rc ? &d[i].p : &e, &links, rc == -ENOENT);
	}
	free(d);
	if (err)
		FAIL("apply the dirty set: %s\n", strerror(-err));
	return err ? -1 : (long)n;
}

static long apply_dirty(struct tables_live *l, struct rib *r, const struct rt_upstreams *u)
{
	long n;

	if (tables_live_begin(l)) {
		FAIL("tables_live_begin\n");
		return -1;
	}
	n = apply_taken(l, r, u);
	if (tables_live_end(l, false))
		FAIL("tables_live_end\n");
	return n;
}

/* A whole load; *reused: whether the live state's slot allocator served. */
static int whole_load_r(const struct asc_maps *m, struct rib *r, const struct rt_upstreams *u,
			unsigned int which, struct tables_live *l, bool *reused)
{
	struct tables_result res = { 0 };
	struct rtable t = { 0 };
	int err = rib_to_rtable(r, u, &t);

	if (!err && rtable_sort_dedup(&t) == (size_t)-1)
		err = -ENOMEM;
	if (!err)
		err = tables_load(m, &t, &(struct tables_opts){ .which = which, .live = l }, &res);
	rtable_free(&t);
	*reused = res.slots_reused;
	return err;
}

static int whole_load(const struct asc_maps *m, struct rib *r, const struct rt_upstreams *u,
		      unsigned int which, struct tables_live *l)
{
	bool reused;

	return whole_load_r(m, r, u, which, l, &reused);
}

/* Another process hands out a counter slot (as `asclass attach` gives a
 * new upstream its no-route slots): the live state must not hand out
 * slots from its allocator until a whole load read asc_counts again. */
static void other_writes_slot(const struct asc_maps *m, struct tables_live *l, struct rib *r,
			      const struct rt_upstreams *u, unsigned int which, const char *kind)
{
	static uint32_t origin = 64990; /* a new identity each call */
	struct asc_slot_key k = { .upstream_id = 3,
				  .family = ASC_FAMILY_V4,
				  .origin_asn = origin++ };
	struct slots *sl;
	uint32_t slot = 0;
	bool reused = true;
	int err;

	if (slots_open(m, &sl) || (slots_begin(sl, NULL, 0), 0) ||
	    slots_get(sl, &k, "other", &slot) || slots_flush(sl) || !slot) {
		FAIL("%s: another allocator's slot\n", kind);
		slots_close(sl);
		return;
	}
	slots_close(sl);
	err = tables_live_begin(l);
	if (err != -ESTALE) {
		FAIL("%s: updates went on after another process handed out slot %u (%s)\n", kind,
		     slot, strerror(-err));
		if (!err)
			tables_live_end(l, false);
	}
	err = whole_load_r(m, r, u, which, l, &reused);
	if (err || reused)
		FAIL("%s: the whole load after it: %s, the allocator %s\n", kind, strerror(-err),
		     reused ? "reused" : "read again");
}

/* One prefix announced with two paths in turn: the records and the fast
 * tables' memory must come back to where they were. */
static void flap(struct tables_live *l, struct rib *r, const struct rt_upstreams *u,
		 unsigned int which)
{
	static const uint32_t p1[] = { 4837, 131279 }, p2[] = { 20485, 131279 };
	struct rt_entry p = ribgen_prefix(5);
	struct fib_usage a, b;

	/* both paths seen once, memory freed: the baseline */
	for (int i = 0; i < 2; i++) {
		rib_announce(r, &p, &ribgen_peers[2], 7, i ? p1 : p2, 2, false, 0);
		apply_dirty(l, r, u);
	}
	if (tables_live_begin(l) || tables_live_end(l, true) || tables_live_usage(l, &a)) {
		FAIL("flap: baseline\n");
		return;
	}
	/* one lock for all: the loaders' lock is shared with every asclass
	 * on the machine */
	if (tables_live_begin(l)) {
		FAIL("flap: begin\n");
		return;
	}
	for (int i = 0; i < FLAPS; i++) {
		rib_announce(r, &p, &ribgen_peers[2], 7, i % 2 ? p1 : p2, 2, false, 0);
		if (apply_taken(l, r, u) < 0)
			break;
	}
	if (tables_live_end(l, true) || tables_live_usage(l, &b)) {
		FAIL("flap: after\n");
		return;
	}
	if (a.routes != b.routes)
		FAIL("%d flaps: %zu route records, %zu before\n", FLAPS, b.routes, a.routes);
	if ((which & TABLES_FAST) && (a.nodes != b.nodes || a.leaves != b.leaves))
		FAIL("%d flaps: fast tables %zu nodes %zu leaves, %zu / %zu before\n", FLAPS,
		     b.nodes, b.leaves, a.nodes, a.leaves);
	printf("  %d flaps of one prefix: %zu route records before, %zu after; %zu / %zu nodes, "
	       "%zu / %zu leaves\n",
	       FLAPS, a.routes, b.routes, a.nodes, b.nodes, a.leaves, b.leaves);
}

/* After a whole load the live state maps the active generation only (and
 * the route records, one pool for both): the updates that follow (and
 * check()) would fault on the other one. */
static void trimmed(const struct tables_live *l, const char *kind)
{
	const size_t records = 2 * (size_t)ASC_FIB_ROUTES * sizeof(struct asc_route);
	struct fib_usage u;

	if (tables_live_usage(l, &u)) {
		FAIL("%s: no usage of the live state\n", kind);
		return;
	}
	/* memlock: arrays and more */
	if (!u.mapped_bytes || u.mapped_bytes * 2 > u.map_bytes + records)
		FAIL("%s: %zu bytes of the fast tables mapped after the load, want half of %zu "
		     "and the route records\n",
		     kind, u.mapped_bytes, u.map_bytes);
}

/* Closes l with anonymous mappings made after its load (the kernel puts
 * new mappings in any hole of the address space); each must still be
 * there, whole, after. */
static void close_beside_mappings(struct tables_live *l, const char *kind)
{
	enum { N = 8, LEN = 8 << 20 };
	char *p[N];

	for (int i = 0; i < N; i++) {
		p[i] = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p[i] == MAP_FAILED) {
			FAIL("%s: mmap: %s\n", kind, strerror(errno));
			p[i] = NULL;
		}
	}
	tables_live_close(l);
	for (int i = 0; i < N; i++) {
		long pg = sysconf(_SC_PAGESIZE);
		unsigned char v;

		if (!p[i])
			continue;
		/* mincore(): ENOMEM where a page is not mapped */
		if (mincore(p[i], (size_t)pg, &v) || mincore(p[i] + LEN - pg, (size_t)pg, &v))
			FAIL("%s: a mapping of 8 MiB made after the load is gone (%s)\n", kind,
			     strerror(errno));
		else
			munmap(p[i], LEN);
	}
}

/* The whole run for one lookup kind. */
static void run(const struct asc_maps *m, unsigned int which, uint64_t seed)
{
	const char *kind = which == TABLES_FAST ? "fast" : "lpm";
	struct tables_live *l = NULL;
	struct rt_upstreams u;
	struct rib *r = rib_new();
	uint64_t s = seed;
	long applied = 0;
	char when[80];
	bool reused;
	int err;

	ribgen_upstreams(&u);
	rib_track(r, true);
	for (int i = 0; i < 300; i++)
		ribgen_step(r, &s, 0);
	{
		struct rib_dirty *d;
		size_t n;

		rib_take_dirty(r, &d, &n); /* the whole load covers these */
		free(d);
	}
	err = tables_live_open(m, &l);
	if (!err)
		err = whole_load(m, r, &u, which, l);
	if (err) {
		FAIL("%s: first whole load: %s\n", kind, strerror(-err));
		goto out;
	}
	trimmed(l, kind);
	for (int c = 1; c <= CHANGES; c++) {
		ribgen_step(r, &s, 0);
		if (rng_below(&s, 40) && c % CHECK_EVERY)
			continue; /* batches of about 40 changes */
		long n = apply_dirty(l, r, &u);

		if (n < 0)
			goto out;
		applied += n;
		if (c % CHECK_EVERY)
			continue;
		snprintf(when, sizeof(when), "%s, after %d changes", kind, c);
		check(m, r, &u, &s, when);
	}
	flap(l, r, &u, which);
	snprintf(when, sizeof(when), "%s, after the flaps", kind);
	check(m, r, &u, &s, when);
	/* the same live state loaded again maps the generation it left to
	 * the kernel, and leaves the other one after; its slot allocator
	 * serves again, nobody else having written a slot */
	err = whole_load_r(m, r, &u, which, l, &reused);
	if (err || !reused)
		FAIL("%s: second whole load into the live state: %s, the allocator %s\n", kind,
		     strerror(-err), reused ? "reused" : "read again");
	trimmed(l, kind);
	for (int c = 0; c < 50; c++)
		ribgen_step(r, &s, 0);
	if (apply_dirty(l, r, &u) < 0)
		goto out;
	snprintf(when, sizeof(when), "%s, after a second load and updates", kind);
	check(m, r, &u, &s, when);
	other_writes_slot(m, l, r, &u, which, kind);
	for (int c = 0; c < 50; c++)
		ribgen_step(r, &s, 0);
	if (apply_dirty(l, r, &u) < 0)
		goto out;
	snprintf(when, sizeof(when), "%s, after another process's slot, a load and updates", kind);
	check(m, r, &u, &s, when);
	/* a load by another process flips the generations: the live state's
	 * next load walks the active one for its records, which it held
	 * unmapped.  That load goes into a state renewed as the daemon's is
	 * (tables_live_renew()), whose allocator serves: the other load, of
	 * the same RIB, wrote no slot */
	err = whole_load(m, r, &u, which, NULL);
	if (!err)
		err = tables_live_renew(m, l, &l);
	if (!err)
		err = whole_load_r(m, r, &u, which, l, &reused);
	if (err || !reused)
		FAIL("%s: a live load after another process's: %s, the allocator %s\n", kind,
		     strerror(-err), reused ? "reused" : "read again");
	if (!l)
		goto out; /* the renewal failed */
	trimmed(l, kind);
	snprintf(when, sizeof(when), "%s, after another process's load and a live one", kind);
	check(m, r, &u, &s, when);
	/* a real whole load of the same RIB answers alike; mappings made
	 * while the live state held one generation unmapped are not its to
	 * unmap (a thread's stack was, once) */
	close_beside_mappings(l, kind);
	l = NULL;
	err = whole_load(m, r, &u, which, NULL);
	if (err)
		FAIL("%s: final whole load: %s\n", kind, strerror(-err));
	snprintf(when, sizeof(when), "%s, after a whole load", kind);
	check(m, r, &u, &s, when);
	printf("  %s: %d changes, %ld prefix updates applied\n", kind, CHANGES, applied);
out:
	tables_live_close(l);
	rib_free(r);
}

int main(void)
{
	char pin[64];
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = pin);
	struct asclass_bpf *skel;
	struct asc_maps m;

	if (geteuid() != 0) {
		printf("SKIP: needs root (BPF maps)\n");
		return 77;
	}
	snprintf(pin, sizeof(pin), "/sys/fs/bpf/asclass-live-%d", (int)getpid());
	if (bpffs_prepare(pin))
		return 1;
	skel = asclass_bpf__open_opts(&oo);
	if (!skel || asclass_bpf__load(skel) || maps_open(pin, &m) || setup_links(&m)) {
		printf("setup: %s\n", strerror(errno));
		return 1;
	}
	run(&m, TABLES_FAST, 11);
	run(&m, TABLES_LPM, 12);
	printf("single-prefix updates equal whole builds, no leak: %s\n", failures ? "NO" : "yes");
	maps_close(&m);
	asclass_bpf__destroy(skel);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", pin);
		if (system(cmd))
			printf("could not remove %s\n", pin);
	}
	return failures ? 1 : 0;
}
