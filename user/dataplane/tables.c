// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/dataplane/tables.c - builds the route tables aside and swaps them in.
 *
 * The inactive generation is emptied and refilled while the data plane keeps
 * using the active one; then one update of asc_state flips the generation.
 * Nothing here touches a counter, and nothing is flipped unless every table
 * was written completely.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "common/hashidx.h"
#include "common/log.h"
#include "dataplane/fib.h"
#include "dataplane/slots.h"
#include "dataplane/tables.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Logs (debug) the time since *t0 as the whole load's phase `what`, and
 * restarts the clock: -v shows where a load's time goes. */
static void phase_done(double *t0, const char *what)
{
	double t = now_s();

	log_debug("tables load: %s %.3f s", what, t - *t0);
	*t0 = t;
}

/* Deletes every key of an LPM trie.  get_next_key(NULL) always yields the
 * first remaining key, so deleting it each time walks the whole map. */
static int lpm_clear(int fd, size_t key_size)
{
	unsigned char key[sizeof(struct asc_lpm_v6)];

	while (bpf_map_get_next_key(fd, NULL, key) == 0)
		if (bpf_map_delete_elem(fd, key) && errno != ENOENT)
			return -errno;
	(void)key_size;
	return 0;
}

/* Writes prefix e -> record rid into LPM generation gen (each update is
 * atomic for the data plane), or deletes it when `withdraw` (absent: fine).
 * *delta (if not NULL): +1 for a prefix added, -1 for one deleted, else 0. */
static int lpm_put(const struct asc_maps *m, unsigned int gen, const struct rt_entry *e,
		   uint32_t rid, bool withdraw, int *delta)
{
	struct asc_lpm_v6 k6 = { .prefixlen = e->plen };
	struct asc_lpm_v4 k4 = { .prefixlen = e->plen };
	int fd = e->family == 4 ? m->lpm4[gen] : m->lpm6[gen];
	void *key = e->family == 4 ? (void *)&k4 : (void *)&k6;
	int err = 0, d = 0;
	char buf[64];

	memcpy(k4.addr, e->addr, 4);
	memcpy(k6.addr, e->addr, 16);
	if (withdraw && bpf_map_delete_elem(fd, key))
		err = errno == ENOENT ? 0 : -errno;
	else if (withdraw)
		d = -1;
	else if (delta && !bpf_map_update_elem(fd, key, &rid, BPF_NOEXIST))
		d = 1;
	else if (bpf_map_update_elem(fd, key, &rid, BPF_ANY))
		err = -errno;
	if (delta)
		*delta = d;
	if (err)
		log_err("%s route %s in generation %u: %s%s", withdraw ? "delete" : "write",
			prefix_fmt(e, buf, sizeof(buf)), gen, errstr(err),
			err == -ENOSPC ? " (table full: raise ASC_MAX_PREFIXES_V4/V6)" : "");
	return err;
}

static int lpm_fill(const struct asc_maps *m, const struct rtable *t, const uint32_t *rid,
		    unsigned int gen)
{
	int err;

	err = lpm_clear(m->lpm4[gen], sizeof(struct asc_lpm_v4));
	if (!err)
		err = lpm_clear(m->lpm6[gen], sizeof(struct asc_lpm_v6));
	if (err) {
		log_err("empty inactive route table (generation %u): %s", gen, errstr(err));
		return err;
	}
	for (size_t i = 0; i < t->n && !err; i++)
		err = lpm_put(m, gen, &t->v[i], rid[i], false, NULL);
	return err;
}

/* The upstream of each column (0: none attached there), and names. */
struct columns {
	struct asc_upstream ups[ASC_MAX_UPSTREAMS];
	uint16_t id[ASC_COLUMNS];
};

static int columns_read(const struct asc_maps *m, struct columns *c)
{
	int err = upstreams_read(m, c->ups);

	memset(c->id, 0, sizeof(c->id));
	for (unsigned int i = 1; !err && i < ASC_MAX_UPSTREAMS; i++)
		if (c->ups[i].name[0] && c->ups[i].column < ASC_COLUMNS)
			c->id[c->ups[i].column] = (uint16_t)i;
	return err;
}

/* The slot of (column, family, link) into *slot. */
static int column_slot(struct slots *sl, const struct columns *c, unsigned int col, int family,
		       const struct rt_link *l, uint32_t *slot)
{
	struct asc_slot_key id = { .origin_asn = l->origin_asn,
				   .transit_asn = l->transit_asn,
				   .upstream_id = c->id[col],
				   .family = (uint8_t)family,
				   .path = l->path };

	return slots_get(sl, &id, c->ups[c->id[col]].name, slot);
}

/* What decides an entry's record: rt_link_of() of every column reads only
 * these.  A full table has ~1.2M entries but a few hundred thousand of
 * these, so each column's slot is looked up once per distinct one. */
struct rec_key {
	uint32_t origin, transit, links;
	uint8_t family, pad[3];
};

static uint32_t rec_key_hash(const void *e)
{
	return hashidx_words(e, sizeof(struct rec_key));
}

static bool rec_key_eq(const void *e, const void *k)
{
	return !memcmp(e, k, sizeof(struct rec_key));
}

static const struct hashidx_ops rec_key_ops = { sizeof(struct rec_key), rec_key_hash, rec_key_eq };

/* The distinct record keys of t, in order of first entry, into *keys
 * (*nkeys) and each entry's index among them into which[]: malloc'd. */
static int rec_keys(const struct rtable *t, struct rec_key **keys, size_t *nkeys, uint32_t **which)
{
	struct rec_key *k = malloc((t->n ? t->n : 1) * sizeof(*k));
	uint32_t *w = malloc((t->n ? t->n : 1) * sizeof(*w));
	struct hashidx idx = { 0 };
	size_t n = 0;
	int err = k && w ? 0 : -ENOMEM;

	for (size_t i = 0; !err && i < t->n; i++) {
		const struct rt_entry *e = &t->v[i];
		uint32_t *hs;

		k[n] = (struct rec_key){ .origin = e->route.origin_asn,
					 .transit = e->route.transit_asn,
					 .links = e->links,
					 .family = e->family };
		err = hashidx_reserve(&idx, &rec_key_ops, k);
		if (err)
			break;
		hs = hashidx_slot(&idx, &rec_key_ops, k, &k[n]);
		if (!*hs)
			hashidx_put(&idx, hs, (uint32_t)n++);
		w[i] = *hs - 1;
	}
	hashidx_free(&idx);
	if (err) {
		free(k);
		free(w);
		return -ENOMEM;
	}
	*keys = k;
	*nkeys = n;
	*which = w;
	return 0;
}

/* The slots of column col for every distinct key into drec[]. */
static int column_slots(const struct columns *c, struct slots *sl, const struct rtable *t,
			unsigned int col, const struct rec_key *k, size_t n, struct asc_route *drec)
{
	int err = 0;

	for (size_t d = 0; !err && d < n; d++) {
		struct rt_entry e = { .family = k[d].family,
				      .route = { .origin_asn = k[d].origin,
						 .transit_asn = k[d].transit },
				      .links = k[d].links };
		struct rt_link l = rt_link_of(t, &e, col);

		err = column_slot(sl, c, col, e.family, &l, &drec[d].slot[col]);
	}
	return err;
}

/* What a table's entries lead to: nd distinct records (in order of first
 * entry, each column's slot as rt_link_of() says), and which[] per entry
 * (malloc'd both): a full table has ~1.2M entries but a few hundred
 * thousand of these, so neither a record per entry nor a record lookup
 * per entry. */
struct records {
	struct asc_route *drec;
	uint32_t *which;
	size_t nd;
};

static void records_free(struct records *rs)
{
	free(rs->drec);
	free(rs->which);
}

/* The records of t and the no-route records (into r->noroute; r->entry:
 * the distinct ones).  Slots are handed out column by column in the order
 * of the entries, as a lookup per entry would. */
static int records_make(const struct columns *c, struct slots *sl, const struct rtable *t,
			struct records *rs, struct fib_recs *r, struct rtable *take,
			struct fib_input **in)
{
	static const struct rt_link none = { .path = ASC_PATH_NONE };
	struct rec_key *k = NULL;
	int err = rec_keys(t, &k, &rs->nd, &rs->which);

	/* from here on only the per-link rows are read: with `in` the entries
	 * (t's, given as take) become the fast tables' input at once, each
	 * with its distinct key */
	if (!err && in) {
		err = fib_input_take(take, rs->which, in);
		free(rs->which);
		rs->which = NULL;
	}

	rs->drec = NULL;
	if (!err && !(rs->drec = calloc(rs->nd ? rs->nd : 1, sizeof(*rs->drec))))
		err = -ENOMEM;
	memset(r->noroute, 0, sizeof(r->noroute));
	for (unsigned int col = 0; !err && col < ASC_COLUMNS; col++) {
		if (!c->id[col])
			continue;
		for (int f = 0; !err && f < 2; f++)
			err = column_slot(sl, c, col, f ? 6 : 4, &none, &r->noroute[f].slot[col]);
		if (!err)
			err = column_slots(c, sl, t, col, k, rs->nd, rs->drec);
	}
	free(k);
	r->entry = rs->drec;
	/* every new slot's identity in asc_counts before a record names it */
	if (!err)
		err = slots_flush(sl);
	if (err) {
		records_free(rs);
		*rs = (struct records){ 0 };
	}
	return err;
}

/* What single-prefix updates keep from the whole load before them. */
struct tables_live {
	const struct asc_maps *m;
	struct fib *fib;     /* opened with updates */
	struct slots *sl;    /* kept open: slots_get() per update; closed by a failed
				load or update (a slot it handed out may be unwritten),
				so that the next load reads asc_counts */
	struct columns c;    /* of the load; a change needs a whole load */
	unsigned int which;  /* enum tables_which the load wrote */
	unsigned int gen;    /* the generation it activated */
	uint64_t swaps;	     /* asc_state.swaps after it: another loader changes it */
	bool ready;	     /* a load succeeded and no update failed since */
	int lock;	     /* held from tables_live_begin() to _end() */
	size_t since_sync;   /* updates since the last grace period */
	size_t routes[2];    /* prefixes now, IPv4 and IPv6, for asc_state */
	bool routes_changed; /* since asc_state was last written */
};

/* After a failed load or update: a slot l's allocator handed out may be
 * unwritten, so the next load reads asc_counts again. */
static void slots_drop(struct tables_live *l)
{
	slots_close(l->sl);
	l->sl = NULL;
}

/* Writes the records of generation `next` (slots handed out as needed)
 * and their indexes per entry into rid[]; with `live`, through its slot
 * allocator, and its columns become those of the load.  `reuse` (NULL, or
 * asc_state as the load read it) lets the allocator of live's last load
 * serve again if it still knows every slot in use; else a new one reads
 * asc_counts.  The records the active generation uses were found before
 * (fib_records_begin()).  With `in`, t's entries become the fast tables'
 * input (*in) as soon as their distinct records are known, each entry
 * leading to its record (rid[] is not written then): the table is not held
 * beside the slots. */
static int records_load(const struct asc_maps *m, struct fib *f, const struct rtable *t,
			struct rtable *take, unsigned int next, uint32_t *rid,
			struct tables_result *res, struct tables_live *live,
			const struct asc_state *reuse, struct fib_input **in)
{
	struct columns *c = live ? &live->c : malloc(sizeof(*c));
	struct records rs = { 0 };
	struct slots *sl = NULL;
	struct fib_recs r;
	uint32_t *drid = NULL;
	double t0 = now_s();
	bool reused = reuse && slots_current(live->sl, reuse);
	int err;

	err = c ? columns_read(m, c) : -ENOMEM;
	/* under the loaders' lock: no other loader hands out slots meanwhile;
	 * the live state's allocator serves again while no other one wrote
	 * an identity since (reading asc_counts again took 0.26-0.78 s
	 * at 400k slots in docs/BENCHMARKS.md) */
	if (!err && reused)
		sl = live->sl;
	else if (!err)
		err = slots_open(m, &sl);
	res->slots_reused = reused;
	phase_done(&t0, reused ? "counter slots in use as the last load left them"
			       : "read the counter slots in use");
	if (!err && live && !reused) {
		slots_close(live->sl); /* of an earlier load */
		live->sl = sl;
	}
	/* The generation about to be rewritten may have been active a moment
	 * ago: no packet may count in a slot that is folded below. */
	if (!err && (err = rcu_grace()))
		log_err("wait for a grace period: %s", errstr(err));
	if (err)
		goto out;
	phase_done(&t0, "grace period");
	slots_begin(sl, NULL, 0);
	fib_each_active(f, slots_ref, sl);
	err = records_make(c, sl, t, &rs, &r, take, in);
	phase_done(&t0, "counter slots of every record");
	if (err) {
		log_err("hand out counter slots: %s", errstr(err));
		goto out;
	}
	res->slots_missed = slots_missed(sl);
	res->slots_folded = slots_folded(sl);
	res->slots_used = slots_used(sl);
	if (res->slots_folded && !res->slots_missed)
		log_info("asc_counts is full (%u slots): %zu idle counter slots were folded into "
			 "asc_retired to make room; their counts stay with their pairs",
			 m->counts_max, res->slots_folded);
	if (res->slots_missed)
		log_warn("%zu counter identities found no free slot in asc_counts (%u slots): "
			 "they count in the per-upstream overflow; raise the `counters` setting",
			 res->slots_missed, m->counts_max);
	/* the distinct records in order of first entry: each gets the index
	 * a pass over every entry would give it */
	drid = malloc((rs.nd ? rs.nd : 1) * sizeof(*drid));
	err = drid ? fib_records(f, &r, rs.nd, next, drid) : -ENOMEM;
	if (!err && in)
		fib_input_remap(*in, drid);
	for (size_t i = 0; !err && !in && i < t->n; i++)
		rid[i] = drid[rs.which[i]];
	phase_done(&t0, "distinct route records");
out:
	if (!live) {
		slots_close(sl);
		free(c);
	}
	records_free(&rs);
	free(drid);
	return err;
}

/* Where the records of the active generation (as *st says it was loaded)
 * and of the one a load of kinds `which` writes can be. */
static unsigned int records_flags(const struct asc_state *st, unsigned int which)
{
	unsigned int flags = which & TABLES_FAST ? 0 : FIB_NEW_LPM;

	/* under lpm only the LPM tries know the active generation's records;
	 * before the first load neither generation uses any */
	if (!st->swaps)
		flags |= FIB_ACTIVE_NONE;
	else if (st->lookup != ASC_LOOKUP_FAST)
		flags |= FIB_ACTIVE_LPM;
	return flags;
}

/* After the records: what of t the lookup tables need (its entries, not
 * the per-link rows, which the records hold now); the fast tables take
 * the entries' memory when `take` is t, or are built from `in`, the input
 * the records' phase made of them already (and freed here). */
static int lookups_build(const struct asc_maps *m, struct fib *fib, const struct rtable *t,
			 struct rtable *take, struct fib_input *in, const uint32_t *rid,
			 unsigned int next, unsigned int which, double t_lpm,
			 struct tables_result *res)
{
	double t0 = now_s();
	int err = 0;

	if (take) {
		free(take->links);
		take->links = NULL;
		take->nlinks = take->links_cap = 0;
	}
	if (which & TABLES_LPM) {
		err = lpm_fill(m, t, rid, next);
		res->lpm_seconds = now_s() - t_lpm; /* since before the records, as ever */
		phase_done(&t0, "LPM tries");
	}
	if (!err && (which & TABLES_FAST)) {
		err = in     ? fib_build_input(fib, in, next)
		      : take ? fib_build_take(fib, take, rid, next)
			     : fib_build(fib, t, rid, next);
		if (!err)
			fib_usage(fib, &res->fast);
		res->fast_seconds = now_s() - t0;
		phase_done(&t0, "fast tables");
	}
	return err;
}

/* tables_load(), and with take (== t), tables_load_take(). */
static int load(const struct asc_maps *m, const struct rtable *t, struct rtable *take,
		const struct tables_opts *o, struct tables_result *res)
{
	unsigned int which = o && o->which ? o->which : TABLES_FAST;
	struct tables_live *live = o ? o->live : NULL;
	struct fib *fib = live ? live->fib : o ? o->fib : NULL;
	/* taken for the fast tables alone, the table becomes their input as
	 * soon as the records are known (no rid[] then) */
	bool early = take && which == TABLES_FAST;
	struct fib_input *in = NULL;
	struct asc_state st, now;
	uint32_t *rid = NULL;
	unsigned int next;
	struct timespec wall;
	double t0, tp = now_s();
	bool reuse = live && live->sl;
	int lock, err;

	if (live)
		live->ready = false;
	lock = maps_lock(m);
	if (lock < 0)
		return lock;
	err = state_read(m, &st);
	if (err) {
		log_err("read asc_state: %s", errstr(err));
		goto out;
	}
	next = !st.generation;
	res->routes_v4 = rtable_count(t, 4);
	res->routes_v6 = rtable_count(t, 6);
	res->lpm_seconds = res->fast_seconds = 0;
	t0 = now_s();
	if (!early && !(rid = malloc((t->n ? t->n : 1) * sizeof(*rid))))
		err = -ENOMEM;
	if (!err && !fib)
		err = fib_open(m, false, &fib);
	if (!err)
		phase_done(&tp, "loaders' lock, asc_state, fast tables opened");
	/* the records the active generation uses, from its arrays (a live
	 * state holds them mapped)... */
	if (!err && !(err = fib_records_begin(fib, next, records_flags(&st, which))))
		phase_done(&tp, "route records the active generation uses");
	/* ...which then go until the flip, and the generation to build comes
	 * back */
	if (!err && live)
		err = fib_map_for_build(live->fib, next);
	if (!err)
		err = records_load(m, fib, t, early ? take : NULL, next, rid, res, live,
				   reuse ? &st : NULL, early ? &in : NULL);
	if (!err) { /* records_load() and lookups_build() log their own phases */
		err = lookups_build(m, fib, t, take, in, rid, next, which, t0, res);
		in = NULL; /* the build freed it */
	}
	fib_input_free(in);
	tp = now_s();
	if (!o || (!o->fib && !live))
		fib_close(fib);
	free(rid);
	if (err)
		goto out; /* the active generation was never touched */
	res->build_seconds = res->lpm_seconds + res->fast_seconds;
	/* the slots written since st was read counted themselves there */
	err = state_read(m, &now);
	if (err) {
		log_err("read asc_state: %s", errstr(err));
		goto out;
	}

	clock_gettime(CLOCK_REALTIME, &wall);
	st.generation = next;
	st.lookup = which & TABLES_FAST ? ASC_LOOKUP_FAST : ASC_LOOKUP_LPM;
	st.swaps++;
	st.load_time_ns = (__u64)wall.tv_sec * 1000000000ULL + wall.tv_nsec;
	st.routes_v4 = res->routes_v4;
	st.routes_v6 = res->routes_v6;
	st.fib_nodes = st.lookup == ASC_LOOKUP_FAST ? (__u32)res->fast.nodes : 0;
	st.fib_leaves = st.lookup == ASC_LOOKUP_FAST ? (__u32)res->fast.leaves : 0;
	st.fib_routes = st.lookup == ASC_LOOKUP_FAST ? (__u32)res->fast.routes : 0;
	st.ncpus = (__u16)m->nr_cpus; /* as maps_create() wrote it */
	st.slot_writes = now.slot_writes;
	/* The flip: one array-map update.  The data plane reads asc_state
	 * once per packet, so it sees either generation whole. */
	t0 = now_s();
	err = state_write(m, &st);
	if (err) {
		log_err("activate generation %u: %s", next, errstr(err));
		goto out;
	}
	res->swap_seconds = now_s() - t0;
	phase_done(&tp, "swap");
	res->generation = next;
	res->lookup = st.lookup;
	/* the updates hand out slots from its allocator, each under the
	 * loaders' lock once tables_live_begin() found it current; they
	 * write only the new generation: the other stays the kernel's
	 * (fib_trim() logs a failure, which costs only memory) */
	if (live) {
		*live = (struct tables_live){ .m = m,
					      .fib = live->fib,
					      .sl = live->sl,
					      .c = live->c,
					      .which = which,
					      .gen = next,
					      .swaps = st.swaps,
					      .ready = true,
					      .lock = -1,
					      .routes = { res->routes_v4, res->routes_v6 } };
		fib_trim(live->fib, next);
	}
out:
	if (err && live)
		slots_drop(live);
	close(lock);
	return err;
}

int tables_load(const struct asc_maps *m, const struct rtable *t, const struct tables_opts *o,
		struct tables_result *res)
{
	return load(m, t, NULL, o, res);
}

int tables_load_take(const struct asc_maps *m, struct rtable *t, const struct tables_opts *o,
		     struct tables_result *res)
{
	int err = load(m, t, t, o, res);

	rtable_free(t); /* emptied already when the fast tables took it */
	return err;
}

/* Does exactly this prefix exist in the LPM trie?  LPM lookups always do
 * longest match, so use get_next_key: for a key that is not in the trie the
 * kernel returns the first key of the trie; for one that is, its successor
 * (or ENOENT after the last), which is never the first key. */
static int lpm_has(int fd, const void *key, void *first, void *next, size_t ksz)
{
	if (bpf_map_get_next_key(fd, key, next))
		return errno == ENOENT;
	return memcmp(next, first, ksz) != 0;
}

/* The record index of the longest prefix covering addr in LPM generation
 * gen, and the prefix into *match when asked. */
static int lpm_lookup(const struct asc_maps *m, unsigned int gen, int family, const uint8_t *addr,
		      uint32_t *rid, struct rt_entry *match)
{
	struct asc_lpm_v6 key = { 0 }, first, next;
	int alen = family == 4 ? 4 : 16, fd;
	size_t ksz = family == 4 ? sizeof(struct asc_lpm_v4) : sizeof(struct asc_lpm_v6);

	fd = family == 4 ? m->lpm4[gen] : m->lpm6[gen];
	key.prefixlen = alen * 8;
	memcpy(key.addr, addr, alen);
	if (bpf_map_lookup_elem(fd, &key, rid))
		return -errno;
	if (!match)
		return 0;
	if (bpf_map_get_next_key(fd, NULL, &first))
		return -ENOENT;
	/* The longest prefix covering addr is the longest one that exists. */
	for (int len = alen * 8; len >= 0; len--) {
		struct rt_entry e = { .family = family, .plen = len };

		memcpy(e.addr, addr, alen);
		prefix_mask(e.addr, family, len);
		key.prefixlen = len;
		memcpy(key.addr, e.addr, alen);
		if (lpm_has(fd, &key, &first, &next, ksz)) {
			*match = e;
			return 0;
		}
	}
	return -ENOENT;
}

int tables_lookup(const struct asc_maps *m, int family, const uint8_t *addr, struct asc_route *rec,
		  struct rt_entry *match)
{
	struct asc_state st;
	struct fib *f;
	uint32_t rid;
	int err, e2;

	err = state_read(m, &st);
	if (!err)
		err = fib_open(m, false, &f);
	if (err)
		return err;
	st.generation &= 1;
	if (match)
		*match =
			(struct rt_entry){ .family = (uint8_t)family, .plen = TABLES_PLEN_UNKNOWN };
	if (st.lookup == ASC_LOOKUP_FAST)
		err = fib_lookup(f, st.generation, family, addr, &rid, NULL);
	else
		err = lpm_lookup(m, st.generation, family, addr, &rid, match);
	if (err == -ENOENT)
		rid = st.generation * ASC_FIB_ROUTES +
		      (family == 4 ? ASC_REC_NOROUTE4 : ASC_REC_NOROUTE6);
	e2 = err && err != -ENOENT ? err : fib_record(f, rid, rec);
	fib_close(f);
	return e2 ? e2 : err;
}

int tables_slot_identity(const struct asc_maps *m, const struct asc_route *rec, unsigned int col,
			 struct asc_count *id)
{
	struct asc_count *v;
	uint32_t slot = col < ASC_COLUMNS ? rec->slot[col] : 0;
	int err = 0;

	if (!slot)
		return -ENOENT;
	v = calloc(m->nr_cpus, sizeof(*v));
	if (!v)
		return -ENOMEM;
	err = count_read(m, slot, v);
	if (!err)
		*id = v[0]; /* every row holds the identity */
	free(v);
	return err;
}

int tables_upstreams(const struct asc_maps *m, struct rt_upstreams *u)
{
	struct asc_upstream ups[ASC_MAX_UPSTREAMS];
	int err = upstreams_read(m, ups);

	memset(u, 0, sizeof(*u));
	for (unsigned int i = 1; !err && i < ASC_MAX_UPSTREAMS; i++)
		if (ups[i].name[0] && ups[i].column < ASC_COLUMNS && ups[i].asn)
			err = rt_upstream_set(u, ups[i].column, ups[i].asn, ups[i].neighbor_family,
					      ups[i].neighbor);
	return err;
}

/* ---- single-prefix updates -------------------------------------------- */

int tables_live_open(const struct asc_maps *m, struct tables_live **out)
{
	struct tables_live *l = calloc(1, sizeof(*l));
	int err = l ? fib_open_unmapped(m, true, &l->fib) : -ENOMEM;

	if (err) {
		tables_live_close(l);
		return err;
	}
	l->m = m;
	l->lock = -1;
	*out = l;
	return 0;
}

int tables_live_renew(const struct asc_maps *m, struct tables_live *prev, struct tables_live **out)
{
	int err;

	*out = NULL;
	err = tables_live_open(m, out);
	if (!err && prev) {
		(*out)->sl = prev->sl;
		prev->sl = NULL;
	}
	tables_live_close(prev);
	return err;
}

void tables_live_close(struct tables_live *l)
{
	if (!l)
		return;
	if (l->lock >= 0)
		close(l->lock);
	fib_close(l->fib);
	slots_close(l->sl);
	free(l);
}

bool tables_live_ready(const struct tables_live *l)
{
	return l && l->ready;
}

int tables_live_begin(struct tables_live *l)
{
	struct columns *c;
	struct asc_state st;
	int err;

	if (!tables_live_ready(l))
		return -EINVAL;
	l->lock = maps_lock(l->m);
	if (l->lock < 0)
		return l->lock;
	c = malloc(sizeof(*c));
	err = c ? state_read(l->m, &st) : -ENOMEM;
	if (!err)
		err = columns_read(l->m, c);
	if (!err && (st.generation != l->gen || st.swaps != l->swaps)) {
		log_info("the tables were loaded by another process: a whole load follows");
		err = -ESTALE;
	} else if (!err && memcmp(c, &l->c, sizeof(*c))) {
		log_info("the attached upstreams changed: a whole load follows");
		err = -ESTALE;
	} else if (!err && !slots_current(l->sl, &st)) {
		/* its allocator could hand out a slot another one took, or
		 * name a slot another one folded for its old identity */
		log_info("counter slots were handed out by another allocator (an attach): "
			 "a whole load follows");
		err = -ESTALE;
	}
	free(c);
	if (err)
		tables_live_end(l, false);
	return err;
}

/* Updates that may retire fast-table memory before a grace period frees
 * it for reuse: bounds what the quarantine holds. */
#define TABLES_SYNC_UPDATES 4096

/* asc_state's prefix counts after updates (the generation stays). */
static int routes_write(struct tables_live *l)
{
	struct asc_state st;
	int err = state_read(l->m, &st);

	if (err)
		return err;
	st.routes_v4 = l->routes[0];
	st.routes_v6 = l->routes[1];
	err = state_write(l->m, &st);
	if (err)
		return err;
	l->routes_changed = false;
	return 0;
}

int tables_live_end(struct tables_live *l, bool sync)
{
	int err = 0;

	if (l->ready && l->lock >= 0 && l->routes_changed && (err = routes_write(l))) {
		log_err("asc_state: write the prefix counts: %s", errstr(err));
		l->ready = false;
	}

	if (l->ready && (l->which & TABLES_FAST) &&
	    (l->since_sync >= TABLES_SYNC_UPDATES || (sync && l->since_sync))) {
		err = fib_sync(l->fib);
		if (err) {
			log_err("fast tables: wait for a grace period: %s", errstr(err));
			l->ready = false;
		}
		l->since_sync = 0;
	}
	if (l->lock >= 0)
		close(l->lock);
	l->lock = -1;
	return err;
}

int tables_update(struct tables_live *l, const struct rt_entry *e, const struct rt_links *links,
		  bool withdraw)
{
	struct rt_links lk[2];
	struct rt_entry one = *e;
	struct rtable t = { .v = &one, .n = 1, .links = lk, .nlinks = 2 };
	struct asc_route rec = { 0 };
	struct records rs;
	struct fib_recs r;
	uint32_t rid = 0;
	int err = 0, delta = 0;
	bool had;

	if (!l->ready || l->lock < 0)
		return -EINVAL;
	had = (l->which & TABLES_FAST) && fib_has(l->fib, e);
	memset(&lk[0], 0, sizeof(lk[0]));
	lk[1] = *links;
	one.links = e->links ? 1 : 0;
	if (!withdraw && !(err = records_make(&l->c, l->sl, &t, &rs, &r, NULL, NULL))) {
		rec = rs.drec[0];
		records_free(&rs);
	}
	if (!err && !withdraw && (l->which & TABLES_LPM))
		err = fib_intern(l->fib, &rec, &rid);
	if (!err && (l->which & TABLES_LPM))
		err = lpm_put(l->m, l->gen, e, rid, withdraw, &delta);
	if (!err && (l->which & TABLES_FAST)) {
		err = fib_update(l->fib, e, &rec, withdraw);
		delta = withdraw ? -had : !had;
	}
	if (err) {
		l->ready = false; /* the tables stay whole; the next load resynchronises */
		slots_drop(l);
		return err;
	}
	l->routes[e->family == 6] += (size_t)(ssize_t)delta;
	l->routes_changed |= delta != 0;
	l->since_sync++;
	return 0;
}

int tables_live_usage(const struct tables_live *l, struct fib_usage *u)
{
	if (!l->ready)
		return -EINVAL;
	fib_usage(l->fib, u);
	return 0;
}
