// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/dataplane/slots.c - the counter slot allocator (see slots.h): a
 * uthash of identities over the slots of asc_counts, a stack of free slots,
 * and per load the slots each generation of route records references. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <uthash.h>

#include "common/log.h"
#include "dataplane/slots.h"

struct slot {
	struct asc_slot_key key; /* valid while in the hash */
	char name[ASC_NAME_LEN];
	uint32_t idx;
	UT_hash_handle hh;
};

struct slots {
	const struct asc_maps *m;
	struct slot *v;	     /* [counts_max], by slot index */
	struct slot *by_key; /* uthash over the slots in use */
	uint32_t *free;	     /* free slot indexes, a stack */
	size_t nfree;
	uint8_t *ref;	  /* per slot: 1 active generation, 2 new one */
	uint32_t cursor;  /* where the search for an idle slot goes on */
	uint32_t visited; /* slots below were read at open */
	size_t missed, folded;
	struct asc_count *buf; /* one slot's rows, one per CPU */
};

enum { REF_ACTIVE = 1, REF_NEW = 2 };

/* Takes in one slot's identity (CPU 0's is every CPU's). */
static int take_slot_identity(void *ctx, uint32_t idx, const struct asc_count *c)
{
	struct slots *s = ctx;
	struct slot *sl = &s->v[idx];

	s->visited = idx + 1;
	if (!idx)
		return 0;
	if (!c->family) {
		s->free[s->nfree++] = idx;
		return 0;
	}
	count_identity(c, &sl->key);
	memcpy(sl->name, c->upstream, ASC_NAME_LEN);
	HASH_ADD(hh, s->by_key, key, sizeof(sl->key), sl);
	return 0;
}

static int read_all(struct slots *s)
{
	int err = counts_foreach(s->m, take_slot_identity, s);

	if (err) {
		log_err("read asc_counts: %s", errstr(err));
		return err;
	}
	for (uint32_t i = s->visited ? s->visited : 1; i < s->m->counts_max; i++)
		s->free[s->nfree++] = i; /* not read: free */
	/* lowest slots handed out first */
	for (size_t i = 0; i < s->nfree / 2; i++) {
		uint32_t t = s->free[i];

		s->free[i] = s->free[s->nfree - 1 - i];
		s->free[s->nfree - 1 - i] = t;
	}
	return 0;
}

int slots_open(const struct asc_maps *m, struct slots **out)
{
	struct slots *s = calloc(1, sizeof(*s));
	size_t max = m->counts_max;
	int err;

	if (!s)
		return -ENOMEM;
	s->m = m;
	s->v = calloc(max, sizeof(*s->v));
	s->free = calloc(max, sizeof(*s->free));
	s->ref = calloc(max, 1);
	s->buf = calloc(m->nr_cpus, sizeof(*s->buf));
	if (!s->v || !s->free || !s->ref || !s->buf) {
		slots_close(s);
		return -ENOMEM;
	}
	for (size_t i = 0; i < max; i++)
		s->v[i].idx = (uint32_t)i;
	err = read_all(s);
	if (err) {
		slots_close(s);
		return err;
	}
	*out = s;
	return 0;
}

void slots_close(struct slots *s)
{
	if (!s)
		return;
	HASH_CLEAR(hh, s->by_key);
	free(s->v);
	free(s->free);
	free(s->ref);
	free(s->buf);
	free(s);
}

void slots_begin(struct slots *s, const struct asc_route *active, size_t n)
{
	memset(s->ref, 0, s->m->counts_max);
	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < ASC_COLUMNS; c++)
			if (active[i].slot[c] < s->m->counts_max)
				s->ref[active[i].slot[c]] |= REF_ACTIVE;
	s->ref[0] = REF_ACTIVE; /* never handed out */
	s->cursor = 1;
	s->missed = s->folded = 0;
}

int retired_add(const struct asc_maps *m, const struct asc_slot_key *id, const char *name,
		const struct asc_count_val *rx, const struct asc_count_val *tx)
{
	struct asc_retired_val v = { 0 };

	if (bpf_map_lookup_elem(m->retired, id, &v) && errno != ENOENT)
		return -errno;
	memcpy(v.upstream, name, ASC_NAME_LEN);
	v.upstream[ASC_NAME_LEN - 1] = 0;
	v.rx.packets += rx->packets;
	v.rx.bytes += rx->bytes;
	v.tx.packets += tx->packets;
	v.tx.bytes += tx->bytes;
	if (bpf_map_update_elem(m->retired, id, &v, BPF_ANY)) {
		int err = -errno;

		log_err("asc_retired: %s%s", errstr(err),
			err == -E2BIG || err == -ENOMEM ? " (full: raise ASC_MAX_RETIRED)" : "");
		return err;
	}
	return 0;
}

/* Adds slot sl's counts (summed over CPUs) to asc_retired and frees it. */
static int fold(struct slots *s, struct slot *sl)
{
	struct asc_count_val rx, tx;
	int err;

	err = count_read(s->m, sl->idx, s->buf);
	if (err)
		return err;
	count_sum(s->buf, s->m->nr_cpus, &rx, &tx);
	err = retired_add(s->m, &sl->key, sl->name, &rx, &tx);
	if (err)
		return err;
	HASH_DEL(s->by_key, sl);
	s->folded++;
	return 0;
}

/* A slot for a new identity: a free one, else an idle one folded; 0 when
 * neither is left. */
static int take_slot(struct slots *s, uint32_t *idx)
{
	struct slot *sl;
	int err;

	if (s->nfree) {
		*idx = s->free[--s->nfree];
		return 0;
	}
	for (; s->cursor < s->m->counts_max; s->cursor++) {
		sl = &s->v[s->cursor];
		if (s->ref[s->cursor])
			continue;
		err = fold(s, sl);
		if (err)
			return err;
		*idx = s->cursor++;
		return 0;
	}
	*idx = 0;
	return 0;
}

/* Writes the identity of slot idx with zero counts, in every CPU's row. */
static int slot_write(struct slots *s, struct slot *sl)
{
	struct asc_count c = { .origin_asn = sl->key.origin_asn,
			       .transit_asn = sl->key.transit_asn,
			       .upstream_id = sl->key.upstream_id,
			       .family = sl->key.family,
			       .path = sl->key.path };

	memcpy(c.upstream, sl->name, ASC_NAME_LEN);
	for (int i = 0; i < s->m->nr_cpus; i++)
		s->buf[i] = c;
	return count_write(s->m, sl->idx, s->buf);
}

int slots_get(struct slots *s, const struct asc_slot_key *id, const char *name, uint32_t *slot)
{
	struct slot *sl;
	uint32_t idx;
	int err;

	HASH_FIND(hh, s->by_key, id, sizeof(*id), sl);
	if (!sl) {
		err = take_slot(s, &idx);
		if (err || !idx) {
			s->missed += !err;
			*slot = 0;
			return err;
		}
		sl = &s->v[idx];
		sl->key = *id;
		memset(sl->name, 0, sizeof(sl->name));
		strncpy(sl->name, name, ASC_NAME_LEN - 1);
		err = slot_write(s, sl);
		if (err) {
			s->free[s->nfree++] = idx;
			return err;
		}
		HASH_ADD(hh, s->by_key, key, sizeof(sl->key), sl);
	}
	s->ref[sl->idx] |= REF_NEW;
	*slot = sl->idx;
	return 0;
}

size_t slots_missed(const struct slots *s)
{
	return s->missed;
}

size_t slots_folded(const struct slots *s)
{
	return s->folded;
}

size_t slots_used(const struct slots *s)
{
	return HASH_COUNT(s->by_key);
}
