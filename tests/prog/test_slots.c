// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/prog/test_slots.c - counter slots stay true across table loads.
 *
 * 100 loads of changing routing (prefixes come and go, origins and
 * transits change, per-link attributions appear and vanish, lpm and fast
 * tables alternate) into an asc_counts of only 64 slots, so that idle slots
 * are folded into asc_retired and some identities find no slot at all
 * (overflow).  Between loads, frames from routed and unrouted addresses go
 * through both programs (BPF_PROG_TEST_RUN) over two upstreams.  After
 * every load and every burst: every counter row (live slots and asc_retired
 * merged per identity) only grew, and the packets over all rows plus the
 * overflow buckets equal the packets sent; and so does every read a
 * thread makes beside each load while it folds slots (a scrape).  A fold
 * that cannot write its slot leaves the counts where they were, and a
 * fold waits for a reader that holds the fold lock.
 * Three loads in four go through one live state (the daemon's), whose
 * slot allocator serves again while no other one wrote an identity; the
 * fourth is another process's load, after which it must read asc_counts
 * again.
 * Then, in an asc_counts of 2^16 slots of which 10 are handed out, the
 * allocator's memory follows the 10 slots, not the capacity, and a second
 * open finds the same 10; and an allocator kept past its load knows
 * whether another one wrote an identity since (asc_state.slot_writes).
 * Needs root (BPF) and a bpffs at /sys/fs/bpf.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "asclass.skel.h"
#include "dataplane/maps.h"
#include "dataplane/slots.h"
#include "dataplane/tables.h"
#include "pkt.h"
#include "rtgen.h"

#define SLOTS 64
#define LOADS 100
#define FRAMES 40 /* per load and program */

static int failures;
static uint64_t sent;
static struct counter_row *prev;
static size_t nprev;

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		if (failures++ < 20)                                                               \
			printf(__VA_ARGS__);                                                       \
	} while (0)

/* Upstreams 1 (the interface, column 0) and 2 (VLAN 100, column 1) on lo. */
static int setup_links(const struct asc_maps *m)
{
	struct asc_upstream a = { .name = "cu", .column = 0 }, v = { .name = "ttk", .column = 1 };
	struct asc_link_key k = { .ifindex = 1, .vlan_id = 100 };
	struct asc_link_val l = { .upstream_id = 2, .column = 1 };
	struct asc_iface lo = { .any = { .upstream_id = 1, .column = 0 }, .vlan_links = 1 };
	__u32 one = 1, two = 2;

	return bpf_map_update_elem(m->upstreams, &one, &a, BPF_ANY) ||
			       bpf_map_update_elem(m->upstreams, &two, &v, BPF_ANY) ||
			       bpf_map_update_elem(m->ifaces, &one, &lo, BPF_ANY) ||
			       bpf_map_update_elem(m->links, &k, &l, BPF_ANY)
		       ? -errno
		       : 0;
}

/* A table of 20 of 40 prefixes 198.18.N.0/24 and 2001:db8:N::/48, random
 * origins and transits, some with per-link paths. */
static void make_table(struct rtable *t, uint64_t *s)
{
	static struct rt_links links[64];

	memset(t, 0, sizeof(*t));
	t->links = links;
	t->nlinks = 1;
	for (int i = 0; i < 20; i++) {
		unsigned int n = (unsigned int)rng_below(s, 40);
		char pfx[64];
		struct rt_entry e;

		if (rng_below(s, 2))
			snprintf(pfx, sizeof(pfx), "198.18.%u.0/24", n);
		else
			snprintf(pfx, sizeof(pfx), "2001:db8:%x::/48", n);
		prefix_parse(pfx, &e, 0);
		e.route = (struct rt_route){ 64500 + (uint32_t)rng_below(s, 30),
					     100 + (uint32_t)rng_below(s, 3), 0, 0 };
		e.links = 0;
		if (rng_below(s, 3) == 0 && t->nlinks < 64) {
			links[t->nlinks].col[1] =
				(struct rt_link){ e.route.origin_asn,
						  200 + (uint32_t)rng_below(s, 3), ASC_PATH_OWN };
			e.links = (uint32_t)t->nlinks++;
		}
		rtable_add(t, &e);
	}
	rtable_sort_dedup(t);
}

/* FRAMES frames from random addresses of the prefix pool (some
 * unrouted), untagged or on VLAN 100, through prog. */
static void burst(int prog_fd, int is_tc, uint64_t *s)
{
	static uint8_t in[PKT_MAX];

	for (int i = 0; i < FRAMES; i++) {
		unsigned int n = (unsigned int)rng_below(s, 48);
		char a[64];
		int v6 = (int)rng_below(s, 2);
		struct pkt_spec p = { .family = v6 ? 6 : 4, .payload = 10 + i };
		size_t len;

		snprintf(a, sizeof(a), v6 ? "2001:db8:%x::9" : "198.18.%u.9", n);
		p.src = is_tc ? (v6 ? "2001:db8:1::1" : "203.0.113.1") : a;
		p.dst = is_tc ? a : (v6 ? "2001:db8:1::1" : "203.0.113.1");
		if (rng_below(s, 2)) {
			p.nvlan = 1;
			p.vid[0] = 100;
		}
		len = pkt_build(&p, in);
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = (__u32)len,
			    .repeat = 1);
		if (bpf_prog_test_run_opts(prog_fd, &o))
			FAIL("BPF_PROG_TEST_RUN: %s\n", strerror(errno));
		else
			sent++;
	}
}

/* Every row of the last check is still there with at least its counts;
 * rows + overflow == sent. */
static void check(const struct asc_maps *m, const char *when, int round)
{
	static struct asc_overflow_val ov[ASC_MAX_UPSTREAMS];
	struct counter_row *rows;
	uint64_t total = 0;
	size_t n;

	if (counters_read(m, &rows, &n) || overflow_read(m, ov)) {
		FAIL("read counters\n");
		return;
	}
	for (size_t i = 0; i < n; i++)
		total += rows[i].val.packets;
	for (int u = 0; u < ASC_MAX_UPSTREAMS; u++)
		for (int d = 0; d < ASC_DIR_MAX; d++)
			total += ov[u].dir[d].packets;
	if (total != sent)
		FAIL("round %d, %s: %llu packets over all rows and overflow, %llu sent\n", round,
		     when, (unsigned long long)total, (unsigned long long)sent);
	for (size_t i = 0; i < nprev; i++) {
		struct counter_row *r = bsearch(&prev[i], rows, n, sizeof(*rows), counter_row_cmp);

		if (!r || r->val.packets < prev[i].val.packets || r->val.bytes < prev[i].val.bytes)
			FAIL("round %d, %s: row upstream %u dir %u origin %u transit %u path %u: "
			     "%llu packets, was %llu\n",
			     round, when, prev[i].key.upstream_id, prev[i].key.dir,
			     prev[i].key.origin_asn, prev[i].key.transit_asn, prev[i].path,
			     r ? (unsigned long long)r->val.packets : 0ULL,
			     (unsigned long long)prev[i].val.packets);
	}
	free(prev);
	prev = rows;
	nprev = n;
}

/* A reader beside every load (a scrape, asclass stats in another
 * process): no traffic runs meanwhile, so each read must find every packet
 * sent counted once, whatever slots the load folds as it goes. */
static struct {
	const struct asc_maps *m;
	pthread_t thread;
	atomic_bool stop;
	unsigned long reads, bad;
	char first[200];
} reader;

static void *read_along(void *arg)
{
	static struct asc_overflow_val ov[ASC_MAX_UPSTREAMS];
	int round = *(int *)arg;

	while (!atomic_load(&reader.stop)) {
		struct counter_row *rows;
		uint64_t total = 0;
		size_t n;

		if (counters_read(reader.m, &rows, &n) || overflow_read(reader.m, ov)) {
			if (!reader.bad++)
				snprintf(reader.first, sizeof(reader.first),
					 "round %d: read counters during the load", round);
			continue;
		}
		for (size_t i = 0; i < n; i++)
			total += rows[i].val.packets;
		free(rows);
		for (int u = 0; u < ASC_MAX_UPSTREAMS; u++)
			for (int d = 0; d < ASC_DIR_MAX; d++)
				total += ov[u].dir[d].packets;
		if (total != sent && !reader.bad++)
			snprintf(reader.first, sizeof(reader.first),
				 "round %d, during the load: %llu packets over all rows and "
				 "overflow, %llu sent",
				 round, (unsigned long long)total, (unsigned long long)sent);
		reader.reads++;
	}
	return NULL;
}

static void remove_pin(const char *pin)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", pin);
	if (system(cmd))
		printf("could not remove %s\n", pin);
}

#define BIG_SLOTS (1U << 16)
#define BIG_USED 10

/* Hands out BIG_USED slots in m; *bytes: the allocator's heap then. */
static int hand_out(const struct asc_maps *m, uint32_t *slot, size_t *bytes, size_t *used)
{
	struct slots *sl;
	int err = slots_open(m, &sl);

	if (err)
		return err;
	slots_begin(sl, NULL, 0);
	for (uint32_t i = 0; i < BIG_USED && !err; i++) {
		struct asc_slot_key k = { .origin_asn = 64500 + i,
					  .transit_asn = 100,
					  .upstream_id = 1,
					  .family = ASC_FAMILY_V4 };

		err = slots_get(sl, &k, "cu", &slot[i]);
	}
	*bytes = slots_bytes(sl);
	*used = slots_used(sl);
	slots_close(sl);
	return err;
}

/* Maps of their own with an asc_counts of `slots`, pinned at pin
 * (/sys/fs/bpf/asclass-NAME-PID); NULL on failure (counted). */
static struct asclass_bpf *own_maps(const char *name, unsigned int slots, char pin[64],
				    struct asc_maps *m)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = pin);
	struct asclass_bpf *skel;

	snprintf(pin, 64, "/sys/fs/bpf/asclass-%s-%d", name, (int)getpid());
	skel = bpffs_prepare(pin) ? NULL : asclass_bpf__open_opts(&oo);
	if (!skel || maps_size_counts(skel, slots) || asclass_bpf__load(skel) ||
	    maps_open(pin, m)) {
		FAIL("%s: setup: %s\n", name, strerror(errno));
		return NULL;
	}
	return skel;
}

static void own_close(struct asclass_bpf *skel, const char *pin, struct asc_maps *m)
{
	maps_close(m);
	asclass_bpf__destroy(skel);
	remove_pin(pin);
}

/* Memory for the slots in use: 8 bytes a slot of capacity at most (the
 * table it replaced took 88 for every slot), and the slots stay. */
static void check_memory(void)
{
	uint32_t a[BIG_USED], b[BIG_USED];
	struct asclass_bpf *skel;
	struct asc_maps m;
	size_t bytes, used;
	char pin[64];

	if (!(skel = own_maps("slotmem", BIG_SLOTS, pin, &m)))
		return;
	if (hand_out(&m, a, &bytes, &used))
		FAIL("memory: hand out %u slots\n", BIG_USED);
	else if (bytes > BIG_SLOTS * 8 || used != BIG_USED)
		FAIL("memory: %zu slots in use of %u hold %zu bytes (at most %u)\n", used,
		     BIG_SLOTS, bytes, BIG_SLOTS * 8);
	else if (hand_out(&m, b, &bytes, &used) || memcmp(a, b, sizeof(a)) || used != BIG_USED)
		FAIL("memory: a second open gave other slots (%zu in use)\n", used);
	else
		printf("%u slots of %u handed out: the allocator holds %zu bytes; a second open "
		       "finds the same slots\n",
		       BIG_USED, BIG_SLOTS, bytes);
	own_close(skel, pin, &m);
}

/* The slot of identity (cu, IPv4, origin, transit 100), its identity
 * written. */
static int get(struct slots *sl, uint32_t origin, uint32_t *slot)
{
	struct asc_slot_key k = {
		.origin_asn = origin, .transit_asn = 100, .upstream_id = 1, .family = ASC_FAMILY_V4
	};

	return slots_get(sl, &k, "cu", slot) || slots_flush(sl);
}

static bool current(const struct asc_maps *m, struct slots *sl)
{
	struct asc_state st;
	int err = state_read(m, &st);

	if (err)
		FAIL("kept: asc_state: %s\n", strerror(-err));
	return !err && slots_current(sl, &st);
}

/* An allocator kept past its load (the daemon's, between its
 * single-prefix updates and to its next load) is current after its own
 * writes and after another allocator that wrote nothing, and not after one
 * that handed out a slot (asclass attach: a new upstream's no-route
 * slots, perhaps an idle slot folded for them). */
static void check_kept(void)
{
	struct slots *live = NULL, *other = NULL;
	struct asclass_bpf *skel;
	struct asc_maps m;
	uint32_t a[2], o;
	int before = failures;
	char pin[64];

	if (!(skel = own_maps("slotkeep", BIG_SLOTS, pin, &m)))
		return;
	if (slots_open(&m, &live) || (slots_begin(live, NULL, 0), 0) || get(live, 64501, &a[0]) ||
	    get(live, 64502, &a[1])) {
		FAIL("kept: the first two slots\n");
		goto out;
	}
	if (!current(&m, live))
		FAIL("kept: not current after its own writes\n");
	/* another process that finds every identity it needs */
	if (slots_open(&m, &other) || (slots_begin(other, NULL, 0), 0) || get(other, 64501, &o) ||
	    o != a[0]) {
		FAIL("kept: the other process's known slot\n");
		goto out;
	}
	slots_close(other);
	other = NULL;
	if (!current(&m, live))
		FAIL("kept: not current after another allocator that wrote nothing\n");
	/* one that hands out a slot: the one the kept allocator would hand
	 * out next */
	if (slots_open(&m, &other) || (slots_begin(other, NULL, 0), 0) || get(other, 64601, &o)) {
		FAIL("kept: the other process's new slot\n");
		goto out;
	}
	slots_close(other);
	other = NULL;
	if (current(&m, live))
		FAIL("kept: still current after another allocator handed out slot %u\n", o);
	slots_close(live);
	live = NULL;
	if (slots_open(&m, &live) || !current(&m, live))
		FAIL("kept: not current when opened again\n");
	else if (failures == before)
		printf("a kept allocator is current after its own writes and after another that "
		       "wrote nothing, not after another that handed out slot %u\n",
		       o);
out:
	slots_close(other);
	slots_close(live);
	own_close(skel, pin, &m);
}

/* The packets over every counter row. */
static uint64_t rows_total(const struct asc_maps *m)
{
	struct counter_row *rows;
	uint64_t total = 0;
	size_t n;

	if (counters_read(m, &rows, &n)) {
		FAIL("read counters\n");
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		total += rows[i].val.packets;
	free(rows);
	return total;
}

/* An allocator of m with every slot handed out (origin 64500 + slot). */
static int fill(const struct asc_maps *m, struct slots **sl, const char *what)
{
	uint32_t slot;

	if (slots_open(m, sl) || (slots_begin(*sl, NULL, 0), 0)) {
		FAIL("%s: open\n", what);
		return -1;
	}
	for (uint32_t o = 1; o < m->counts_max; o++)
		if (get(*sl, 64500 + o, &slot) || slot != o) {
			FAIL("%s: slot for origin %u\n", what, 64500 + o);
			return -1;
		}
	return 0;
}

struct fold_arg {
	struct slots *sl;
	uint32_t slot;
	int err;
	atomic_bool done;
};

static void *fold_one(void *arg)
{
	struct fold_arg *a = arg;

	a->err = get(a->sl, 65000, &a->slot);
	atomic_store(&a->done, true);
	return NULL;
}

/* A fold waits for a reader that holds the fold lock (shared), and goes on
 * when the reader lets go. */
static void check_fold_waits(void)
{
	struct fold_arg a = { 0 };
	struct asclass_bpf *skel;
	struct asc_maps m;
	char pin[64], path[96];
	pthread_t t;
	bool early;
	int fd = -1;

	if (!(skel = own_maps("slotwait", SLOTS, pin, &m)))
		return;
	if (fill(&m, &a.sl, "fold waits"))
		goto out;
	slots_close(a.sl); /* every slot idle for the next allocator */
	a.sl = NULL;
	snprintf(path, sizeof(path), "%s/asc_retired", pin);
	fd = open(path, O_RDONLY);
	if (fd < 0 || flock(fd, LOCK_SH) || slots_open(&m, &a.sl) ||
	    (slots_begin(a.sl, NULL, 0), 0) || pthread_create(&t, NULL, fold_one, &a)) {
		FAIL("fold waits: setup: %s\n", strerror(errno));
		goto out;
	}
	usleep(300 * 1000);
	early = atomic_load(&a.done);
	close(fd);
	fd = -1;
	pthread_join(t, NULL);
	if (early || a.err || a.slot != 1)
		FAIL("fold waits: %s, then %s slot %u\n",
		     early ? "folded while a reader held the lock" : "waited for the reader",
		     a.err ? "failed for" : "handed out", a.slot);
	else
		printf("a fold waited 0.3 s for a reader holding the lock, then handed out slot "
		       "%u\n",
		       a.slot);
out:
	if (fd >= 0)
		close(fd);
	slots_close(a.sl);
	own_close(skel, pin, &m);
}

/* A fold that cannot write its slot (asc_counts frozen: read-only to
 * system calls) fails, and takes the counts it put in asc_retired back:
 * the counts stay where they were, counted once. */
static void check_failed_fold(void)
{
	struct asc_count *rows = NULL;
	struct slots *sl = NULL;
	struct asclass_bpf *skel;
	struct asc_maps m;
	uint64_t before, after;
	uint32_t slot;
	char pin[64];
	int err;

	if (!(skel = own_maps("slotfold", SLOTS, pin, &m)))
		return;
	rows = calloc((size_t)m.nr_cpus, sizeof(*rows));
	if (!rows || fill(&m, &sl, "failed fold"))
		goto out;
	/* slot 1 counted 7 packets on each CPU */
	if (count_read(&m, 1, rows)) {
		FAIL("failed fold: read slot 1\n");
		goto out;
	}
	for (int c = 0; c < m.nr_cpus; c++)
		rows[c].rx.packets = 7;
	if (count_write(&m, 1, rows)) {
		FAIL("failed fold: write slot 1\n");
		goto out;
	}
	slots_close(sl);
	sl = NULL;
	before = rows_total(&m);
	if (bpf_map_freeze(m.counts)) {
		FAIL("failed fold: freeze asc_counts: %s\n", strerror(errno));
		goto out;
	}
	/* no route references a slot: slot 1 is the first idle one */
	if (slots_open(&m, &sl) || (slots_begin(sl, NULL, 0), 0)) {
		FAIL("failed fold: open again\n");
		goto out;
	}
	err = get(sl, 65000, &slot);
	after = rows_total(&m);
	if (!err || after != before || before != 7ULL * m.nr_cpus)
		FAIL("failed fold: %s; %llu packets over all rows before, %llu after, want %llu\n",
		     err ? "failed" : "did not fail", (unsigned long long)before,
		     (unsigned long long)after, 7ULL * m.nr_cpus);
	else
		printf("a fold that could not write its slot failed and took its counts back "
		       "from asc_retired: %llu packets before and after\n",
		       (unsigned long long)after);
out:
	free(rows);
	slots_close(sl);
	own_close(skel, pin, &m);
}

int main(void)
{
	char pin[64];
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = pin);
	struct asclass_bpf *skel;
	struct asc_maps m;
	struct tables_live *live = NULL;
	uint64_t s = 14, folded = 0, missed = 0;
	int err, reused = 0, others = 0;
	bool other_wrote = false;

	if (geteuid() != 0) {
		printf("SKIP: needs root (BPF_PROG_TEST_RUN)\n");
		return 77;
	}
	snprintf(pin, sizeof(pin), "/sys/fs/bpf/asclass-slots-%d", (int)getpid());
	if (bpffs_prepare(pin))
		return 1;
	skel = asclass_bpf__open_opts(&oo);
	if (!skel || maps_size_counts(skel, SLOTS) || asclass_bpf__load(skel) ||
	    maps_open(pin, &m) || setup_links(&m)) {
		printf("setup: %s\n", strerror(errno));
		return 1;
	}
	if ((err = tables_live_open(&m, &live))) {
		printf("setup: tables_live_open: %s\n", strerror(-err));
		return 1;
	}
	for (int round = 0; round < LOADS; round++) {
		struct tables_result res;
		struct asc_state st, now;
		struct rtable t;

		make_table(&t, &s);
		if (state_read(&m, &st))
			FAIL("round %d: asc_state\n", round);
		reader.m = &m;
		atomic_store(&reader.stop, false);
		if (pthread_create(&reader.thread, NULL, read_along, &round)) {
			printf("round %d: no reader thread\n", round);
			return 1;
		}
		err = tables_load(
			&m, &t,
			&(struct tables_opts){ .which = round % 3 ? TABLES_FAST : TABLES_LPM,
					       .live = round % 4 == 3 ? NULL : live },
			&res);
		free(t.v);
		atomic_store(&reader.stop, true);
		pthread_join(reader.thread, NULL);
		if (err) {
			FAIL("round %d: tables_load: %s\n", round, strerror(-err));
			break;
		}
		if (res.slots_reused && other_wrote)
			FAIL("round %d: the live state's allocator served after another process's "
			     "load that wrote slots\n",
			     round);
		/* the other process's load: did it write an identity? */
		other_wrote = round % 4 == 3 &&
			      (state_read(&m, &now) || now.slot_writes != st.slot_writes);
		reused += res.slots_reused;
		others += other_wrote;
		folded += res.slots_folded;
		missed += res.slots_missed;
		check(&m, "after the load", round);
		burst(bpf_program__fd(skel->progs.asclass_xdp), 0, &s);
		burst(bpf_program__fd(skel->progs.asclass_tc), 1, &s);
		check(&m, "after traffic", round);
	}
	tables_live_close(live);
	if (reader.bad) {
		printf("%lu of %lu reads beside the loads were wrong, the first: %s\n", reader.bad,
		       reader.reads + reader.bad, reader.first);
		failures++;
	} else {
		printf("%lu reads beside the loads each found every packet once\n", reader.reads);
	}
	printf("%d loads into %u slots, %llu packets: %llu slots folded, %llu identities without "
	       "a slot, %d loads by the live state's allocator, %d loads by another process "
	       "that wrote slots; every row monotonic, rows + overflow == sent: %s\n",
	       LOADS, SLOTS, (unsigned long long)sent, (unsigned long long)folded,
	       (unsigned long long)missed, reused, others, failures ? "NO" : "yes");
	if (!folded || !missed || !reused || !others || !reader.reads) {
		printf("the run never folded a slot, never ran out, never reused the live "
		       "state's allocator, never had another process write slots or never "
		       "read beside a load: it proves nothing\n");
		failures++;
	}
	check_memory();
	check_kept();
	check_failed_fold();
	check_fold_waits();
	free(prev);
	maps_close(&m);
	asclass_bpf__destroy(skel);
	remove_pin(pin);
	return failures ? 1 : 0;
}
