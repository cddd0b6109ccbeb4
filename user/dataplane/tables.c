// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/dataplane/tables.c - builds the route tables aside and swaps them in.
 *
 * The inactive generation is emptied and refilled while the data plane keeps
 * using the active one; then one update of asc_state flips the generation.
 * Nothing here touches a counter, and nothing is flipped unless every table
 * was written completely.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "common/log.h"
#include "dataplane/fib.h"
#include "dataplane/tables.h"

#define TABLES_LOCK "/run/asclass.lock"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
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

static int lpm_fill(const struct asc_maps *m, const struct rtable *t, unsigned int gen)
{
	int err;

	err = lpm_clear(m->lpm4[gen], sizeof(struct asc_lpm_v4));
	if (!err)
		err = lpm_clear(m->lpm6[gen], sizeof(struct asc_lpm_v6));
	if (err) {
		log_err("empty inactive route table (generation %u): %s", gen, errstr(err));
		return err;
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct rt_entry *e = &t->v[i];
		int fd;

		if (e->family == 4) {
			struct asc_lpm_v4 k = { .prefixlen = e->plen };

			memcpy(k.addr, e->addr, 4);
			fd = m->lpm4[gen];
			err = bpf_map_update_elem(fd, &k, &e->route, BPF_ANY);
		} else {
			struct asc_lpm_v6 k = { .prefixlen = e->plen };

			memcpy(k.addr, e->addr, 16);
			fd = m->lpm6[gen];
			err = bpf_map_update_elem(fd, &k, &e->route, BPF_ANY);
		}
		if (err) {
			char buf[64];

			err = -errno;
			log_err("write route %s into generation %u: %s%s",
				prefix_fmt(e, buf, sizeof(buf)), gen, errstr(err),
				err == -ENOSPC ? " (table full: raise ASC_MAX_PREFIXES_V4/V6)"
					       : "");
			return err;
		}
	}
	return 0;
}

static int tables_lock(void)
{
	int lock = open(TABLES_LOCK, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (lock < 0 || flock(lock, LOCK_EX)) {
		int err = -errno;

		log_err("lock %s: %s", TABLES_LOCK, strerror(-err));
		if (lock >= 0)
			close(lock);
		return err;
	}
	return lock;
}

int tables_load(const struct asc_maps *m, const struct rtable *t, const struct tables_opts *o,
		struct tables_result *res)
{
	unsigned int which = o && o->which ? o->which : TABLES_FAST;
	struct fib *fib = o ? o->fib : NULL;
	struct asc_state st;
	unsigned int next;
	struct timespec wall;
	__u32 zero = 0;
	double t0;
	int lock, err;

	lock = tables_lock();
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
	if (which & TABLES_LPM) {
		t0 = now_s();
		/* Packets that read asc_state just before the last flip may
		 * still be walking this generation: let them finish. */
		err = rcu_grace();
		if (err)
			log_err("wait for a grace period: %s", errstr(err));
		else
			err = lpm_fill(m, t, next);
		if (err)
			goto out; /* the active generation was never touched */
		res->lpm_seconds = now_s() - t0;
	}
	if (which & TABLES_FAST) {
		t0 = now_s();
		if (!fib)
			err = fib_open(m, false, &fib);
		if (!err)
			err = fib_build(fib, t, next);
		if (!err) {
			fib_usage(fib, &res->fast);
			res->fast_seconds = now_s() - t0;
		}
		if (!o || !o->fib)
			fib_close(fib);
		if (err)
			goto out;
	}
	res->build_seconds = res->lpm_seconds + res->fast_seconds;

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
	st.pad = 0;
	/* The flip: one array-map update.  The data plane reads asc_state
	 * once per packet, so it sees either generation whole. */
	t0 = now_s();
	if (bpf_map_update_elem(m->state, &zero, &st, BPF_ANY)) {
		err = -errno;
		log_err("activate generation %u: %s", next, errstr(err));
		goto out;
	}
	res->swap_seconds = now_s() - t0;
	res->generation = next;
	res->lookup = st.lookup;
out:
	close(lock);
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

int tables_lookup(const struct asc_maps *m, int family, const uint8_t *addr, struct rt_route *rt,
		  struct rt_entry *match)
{
	struct asc_lpm_v6 key = { 0 }, first, next;
	struct asc_state st;
	int alen = family == 4 ? 4 : 16, fd, err;
	size_t ksz = family == 4 ? sizeof(struct asc_lpm_v4) : sizeof(struct asc_lpm_v6);

	err = state_read(m, &st);
	if (err)
		return err;
	if (st.lookup == ASC_LOOKUP_FAST) {
		struct fib *f;

		err = fib_open(m, false, &f);
		if (err)
			return err;
		err = fib_lookup(f, st.generation, family, addr, rt);
		fib_close(f);
		if (!err && match)
			*match = (struct rt_entry){ .family = (uint8_t)family,
						    .plen = TABLES_PLEN_UNKNOWN };
		return err;
	}
	fd = family == 4 ? m->lpm4[st.generation] : m->lpm6[st.generation];
	key.prefixlen = alen * 8;
	memcpy(key.addr, addr, alen);
	if (bpf_map_lookup_elem(fd, &key, rt))
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
			e.route = *rt;
			*match = e;
			return 0;
		}
	}
	return -ENOENT;
}
