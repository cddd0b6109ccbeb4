// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/dataplane/slots.c - the counter slot allocator (see slots.h): the
 * identities of the slots handed out so far, a hash index over them, a
 * stack of free slots among them, and per load the slots each generation
 * of route records references.
 *
 * Memory follows the slots in use, not the capacity of asc_counts: the
 * per-slot arrays cover slots 1..top-1 only (slots are handed out lowest
 * first, so the slots in use are the low ones) and grow as top rises; a
 * slot is 28 bytes plus 1 for its references and 8-16 for the index. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "common/array.h"
#include "common/hashidx.h"
#include "common/log.h"
#include "dataplane/slots.h"

struct slot {
	struct asc_slot_key key; /* family 0: free */
	char name[ASC_NAME_LEN];
};

struct slots {
	const struct asc_maps *m;
	struct slot *v;	       /* [cap], by slot index; [top..cap) not yet used */
	uint8_t *ref;	       /* [cap]: 1 active generation, 2 new one */
	uint32_t top, cap;     /* slots >= top were never handed out: free */
	struct hashidx by_key; /* over v: the slots in use */
	uint32_t *free;	       /* free slot indexes below top, a stack */
	size_t nfree, free_cap;
	uint32_t cursor; /* where the search for an idle slot goes on */
	size_t missed, folded;
	uint32_t writes;       /* asc_state.slot_writes as read or made by us */
	struct asc_count *buf; /* one slot's rows, one per CPU */
	uint32_t *pend;	       /* slots handed out, identity not yet written */
	size_t npend, max_pend;
	struct asc_count *rows; /* the pending slots' rows, max_pend * nr_cpus */
};

/* Rows of asc_counts written per system call when slots are handed out:
 * 1 MiB of struct asc_count. */
#define SLOTS_WRITE_ROWS 16384

enum { REF_ACTIVE = 1, REF_NEW = 2 };

static uint32_t slot_hash(const void *e)
{
	return hashidx_fnv1a(&((const struct slot *)e)->key, sizeof(struct asc_slot_key));
}

static bool slot_eq(const void *e, const void *k)
{
	return !memcmp(&((const struct slot *)e)->key, &((const struct slot *)k)->key,
		       sizeof(struct asc_slot_key));
}

static const struct hashidx_ops slot_ops = { sizeof(struct slot), slot_hash, slot_eq };

/* Makes slots [0, n) addressable in v and ref (new refs zero), doubling.
 * Returns 0 or -ENOMEM. */
static int cover(struct slots *s, uint32_t n)
{
	uint32_t c = s->cap ? s->cap : 1024;
	struct slot *v;
	uint8_t *ref;

	if (n <= s->cap)
		return 0;
	while (c < n)
		c *= 2;
	v = realloc(s->v, (size_t)c * sizeof(*v));
	if (v)
		s->v = v;
	ref = v ? realloc(s->ref, c) : NULL;
	if (!ref)
		return -ENOMEM;
	s->ref = ref;
	/* v past top is written before it is read (not touched here: the
	 * pages of capacity not yet used stay unallocated) */
	memset(ref + s->cap, 0, c - s->cap);
	s->cap = c;
	return 0;
}

static int push_free(struct slots *s, uint32_t idx)
{
	if (array_grow((void **)&s->free, &s->free_cap, s->nfree + 1, sizeof(*s->free)))
		return -ENOMEM;
	s->free[s->nfree++] = idx;
	return 0;
}

/* Enters slot idx, whose v[idx] holds its identity, in the index. */
static int index_add(struct slots *s, uint32_t idx)
{
	uint32_t *hs;

	if (hashidx_reserve(&s->by_key, &slot_ops, s->v))
		return -ENOMEM;
	hs = hashidx_slot(&s->by_key, &slot_ops, s->v, &s->v[idx]);
	hashidx_put(&s->by_key, hs, idx);
	return 0;
}

/* Takes in one slot's identity (CPU 0's is every CPU's). */
static int take_slot_identity(void *ctx, uint32_t idx, const struct asc_count *c)
{
	struct slots *s = ctx;
	int err = cover(s, idx + 1);

	if (err)
		return err;
	s->top = idx + 1;
	if (!idx)
		return 0;
	if (!c->family)
		return push_free(s, idx);
	count_identity(c, &s->v[idx].key);
	memcpy(s->v[idx].name, c->upstream, ASC_NAME_LEN);
	return index_add(s, idx);
}

static int read_all(struct slots *s)
{
	struct asc_state st;
	int err = state_read(s->m, &st);

	if (!err) {
		s->writes = st.slot_writes;
		err = counts_foreach(s->m, take_slot_identity, s);
	}
	if (err) {
		log_err("read asc_counts: %s", errstr(err));
		return err;
	}
	if (!s->top)
		s->top = 1; /* slot 0 is never handed out */
	/* lowest free slots handed out first */
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
	int err;

	if (!s)
		return -ENOMEM;
	s->m = m;
	s->max_pend = SLOTS_WRITE_ROWS / m->nr_cpus ? SLOTS_WRITE_ROWS / m->nr_cpus : 1;
	s->buf = calloc(m->nr_cpus, sizeof(*s->buf));
	s->pend = malloc(s->max_pend * sizeof(*s->pend));
	s->rows = malloc(s->max_pend * m->nr_cpus * sizeof(*s->rows));
	err = s->buf && s->pend && s->rows ? cover(s, 1) : -ENOMEM;
	if (!err)
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
	if (s->npend && slots_flush(s))
		log_err("asc_counts: %zu new counter slots left unwritten", s->npend);
	hashidx_free(&s->by_key);
	free(s->pend);
	free(s->rows);
	free(s->v);
	free(s->free);
	free(s->ref);
	free(s->buf);
	free(s);
}

bool slots_current(const struct slots *s, const struct asc_state *st)
{
	return st->slot_writes == s->writes;
}

/* One more batch of identities in asc_state.slot_writes. */
static int writes_add(struct slots *s)
{
	struct asc_state st;
	int err = state_read(s->m, &st);

	if (err)
		return err;
	st.slot_writes++;
	err = state_write(s->m, &st);
	if (!err)
		s->writes = st.slot_writes;
	return err;
}

void slots_ref(void *arg, const struct asc_route *rec)
{
	struct slots *s = arg;

	/* a slot at or past top is free: no reference to it matters */
	for (int c = 0; c < ASC_COLUMNS; c++)
		if (rec->slot[c] < s->top)
			s->ref[rec->slot[c]] |= REF_ACTIVE;
}

void slots_begin(struct slots *s, const struct asc_route *active, size_t n)
{
	memset(s->ref, 0, s->cap);
	for (size_t i = 0; i < n; i++)
		slots_ref(s, &active[i]);
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

/* Takes counts rx, tx of identity id back out of asc_retired (a fold
 * whose slot could not be written). */
static int retired_sub(const struct asc_maps *m, const struct asc_slot_key *id,
		       const struct asc_count_val *rx, const struct asc_count_val *tx)
{
	struct asc_retired_val v;

	if (bpf_map_lookup_elem(m->retired, id, &v))
		return -errno;
	v.rx.packets -= rx->packets;
	v.rx.bytes -= rx->bytes;
	v.tx.packets -= tx->packets;
	v.tx.bytes -= tx->bytes;
	return bpf_map_update_elem(m->retired, id, &v, BPF_EXIST) ? -errno : 0;
}

/* sl's identity with zero counts, in every CPU's row of rows. */
static void slot_rows(const struct slots *s, const struct slot *sl, struct asc_count *rows)
{
	struct asc_count c = { .origin_asn = sl->key.origin_asn,
			       .transit_asn = sl->key.transit_asn,
			       .upstream_id = sl->key.upstream_id,
			       .family = sl->key.family,
			       .path = sl->key.path };

	memcpy(c.upstream, sl->name, ASC_NAME_LEN);
	for (int i = 0; i < s->m->nr_cpus; i++)
		rows[i] = c;
}

/* Gives idle slot idx to identity *nw at once: its counts (summed over
 * CPUs) go to asc_retired under its old identity, then its rows are
 * written with the new identity and zero counts, all under the fold lock
 * (counts_lock()), so that a reader finds the counts once, in the slot or
 * in asc_retired.  On failure the slot keeps its identity and counts. */
static int fold(struct slots *s, uint32_t idx, const struct slot *nw)
{
	struct slot *sl = &s->v[idx];
	struct asc_count_val rx, tx;
	int lock = counts_lock(s->m, LOCK_EX), err, e2;

	err = count_read(s->m, idx, s->buf);
	if (!err) {
		count_sum(s->buf, s->m->nr_cpus, &rx, &tx);
		err = retired_add(s->m, &sl->key, sl->name, &rx, &tx);
	}
	if (!err) {
		slot_rows(s, nw, s->buf);
		err = count_write(s->m, idx, s->buf);
		if (err && (e2 = retired_sub(s->m, &sl->key, &rx, &tx)))
			log_err("asc_retired: take back the counts of slot %u (%s, origin %u): %s: "
				"they are counted twice",
				idx, sl->name, sl->key.origin_asn, errstr(e2));
	}
	if (lock >= 0)
		close(lock);
	if (err) {
		log_err("fold counter slot %u (%s, origin %u) into asc_retired: %s", idx, sl->name,
			sl->key.origin_asn, errstr(err));
		return err;
	}
	hashidx_del(&s->by_key, &slot_ops, s->v, hashidx_slot(&s->by_key, &slot_ops, s->v, sl));
	*sl = *nw;
	s->folded++;
	return writes_add(s);
}

/* A slot for a new identity: a free one, else an idle one to fold
 * (*idle); 0 when neither is left. */
static int take_slot(struct slots *s, uint32_t *idx, bool *idle)
{
	int err;

	*idle = false;
	if (s->nfree) {
		*idx = s->free[--s->nfree];
		return 0;
	}
	if (s->top < s->m->counts_max) {
		err = cover(s, s->top + 1);
		if (!err)
			*idx = s->top++;
		return err;
	}
	for (; s->cursor < s->top; s->cursor++) {
		if (s->ref[s->cursor])
			continue;
		*idle = true;
		*idx = s->cursor++;
		return 0;
	}
	*idx = 0;
	return 0;
}

int slots_flush(struct slots *s)
{
	size_t per = (size_t)s->m->nr_cpus;
	int err;

	for (size_t i = 0; i < s->npend; i++)
		slot_rows(s, &s->v[s->pend[i]], s->rows + i * per);
	err = counts_write(s->m, s->pend, s->npend, s->rows);
	if (err)
		log_err("asc_counts: write %zu new counter slots: %s", s->npend, errstr(err));
	else if (s->npend && (err = writes_add(s)))
		log_err("asc_state: count the counter slots written: %s", errstr(err));
	s->npend = 0;
	return err;
}

/* Hands out a slot to identity *id: *slot 0 when none is left. */
static int slot_new(struct slots *s, const struct asc_slot_key *id, const char *name,
		    uint32_t *slot)
{
	struct slot nw = { .key = *id };
	uint32_t idx;
	bool idle;
	int err;

	*slot = 0;
	err = take_slot(s, &idx, &idle);
	if (err || !idx) {
		s->missed += !err;
		return err;
	}
	strncpy(nw.name, name, ASC_NAME_LEN - 1);
	if (idle) { /* written at once */
		err = fold(s, idx, &nw);
		if (err)
			return err;
	} else {
		s->v[idx] = nw;
	}
	err = index_add(s, idx);
	if (err) {
		s->v[idx].key.family = 0;
		push_free(s, idx); /* out of memory: lost till the next open */
		return err;
	}
	*slot = idx;
	if (idle)
		return 0;
	/* its identity goes to asc_counts with others (slots_flush()) */
	s->pend[s->npend++] = idx;
	return s->npend == s->max_pend ? slots_flush(s) : 0;
}

int slots_get(struct slots *s, const struct asc_slot_key *id, const char *name, uint32_t *slot)
{
	struct slot k = { .key = *id };
	int64_t idx = hashidx_find(&s->by_key, &slot_ops, s->v, &k);
	int err;

	if (idx < 0) {
		err = slot_new(s, id, name, slot);
		if (err || !*slot)
			return err;
		idx = *slot;
	}
	s->ref[idx] |= REF_NEW;
	*slot = (uint32_t)idx;
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
	return s->by_key.used;
}

size_t slots_bytes(const struct slots *s)
{
	return sizeof(*s) + (size_t)s->cap * (sizeof(*s->v) + 1) + s->free_cap * sizeof(*s->free) +
	       (s->by_key.slot ? ((size_t)s->by_key.mask + 1) * sizeof(uint32_t) : 0) +
	       (size_t)s->m->nr_cpus * sizeof(*s->buf);
}
