/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/dataplane/slots.h - the counter slot allocator: identity (upstream,
 * family, origin, transit, path) <-> slot of asc_counts.
 *
 * The identities live in asc_counts itself (each slot's value names what it
 * counts), so the allocator is rebuilt from the map when opened: slots stay
 * stable across table loads, daemon restarts and binary upgrades.  A slot
 * keeps its identity and counts while no route references it (a route that
 * comes back gets the same slot); only when no free slot is left is an idle
 * one (referenced by neither generation of the route records) folded: its
 * counts are added to asc_retired under its identity, and it is reused.
 * A fold writes both maps at once under the fold lock (counts_lock()), so
 * that counters_read() beside it counts them once; a failed fold leaves the
 * slot as it was.  Every function returns 0 or a negative errno. */
#ifndef ASC_SLOTS_H
#define ASC_SLOTS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "dataplane/maps.h"

struct slots;

/* Reads the identity of every slot of m's asc_counts.  Logs failures. */
int slots_open(const struct asc_maps *m, struct slots **out);
void slots_close(struct slots *s);

/* Whether the allocator still knows every slot in use: no other allocator
 * has written an identity to asc_counts since this one's open or last
 * write.  st is asc_state as the caller read it under the loaders' lock
 * (its slot_writes counts those writes).  An allocator kept past its load
 * (the daemon's: single-prefix updates, the next whole load) must be
 * current before it hands out a slot; else it is closed and opened again.
 * Another process's slots (`asclass attach` gives a new upstream its
 * no-route slots, and may fold an idle slot for them) would otherwise be
 * handed out twice, or a folded slot named for its old identity. */
bool slots_current(const struct slots *s, const struct asc_state *st);

/* Starts handing out slots for a new generation of route records: the
 * slots `active` (the active generation's n records) references stay
 * theirs; call after the grace period that frees the other generation. */
void slots_begin(struct slots *s, const struct asc_route *active, size_t n);
/* One more record whose slots stay theirs, after slots_begin() (the
 * signature fib_each_active() calls: arg is the struct slots). */
void slots_ref(void *arg, const struct asc_route *rec);

/* The slot of identity *id (upstream's name `name`), handed out if it has
 * none: a free slot (identity and zero counts written by slots_flush(), in
 * batches), else an idle one folded into asc_retired (written at once).  *slot is 0 when
 * none is left (the column then counts in asc_overflow); slots_missed()
 * counts those. */
int slots_get(struct slots *s, const struct asc_slot_key *id, const char *name, uint32_t *slot);
/* Writes the identities of the slots handed out since the last flush into
 * asc_counts (one system call per 16384 rows), and counts the write in
 * asc_state.slot_writes: call before any record that references them can
 * be seen by the data plane, under the loaders' lock.  slots_close()
 * flushes too.  Returns 0 or a negative errno (logged). */
int slots_flush(struct slots *s);

/* Identities that found no slot since slots_begin(), slots folded, slots
 * in use. */
size_t slots_missed(const struct slots *s);
size_t slots_folded(const struct slots *s);
size_t slots_used(const struct slots *s);

/* The heap bytes the allocator holds: follows the slots handed out, not
 * the capacity of asc_counts. */
size_t slots_bytes(const struct slots *s);

/* Adds per-CPU-summed counts to asc_retired[*id] (what is there stays):
 * for folded slots and for counts migrated from 0.1. */
int retired_add(const struct asc_maps *m, const struct asc_slot_key *id, const char *name,
		const struct asc_count_val *rx, const struct asc_count_val *tx);

#endif
