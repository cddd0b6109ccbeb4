/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/dataplane/fib.h - builds and updates the fast route tables (bpf/lib/fib.h,
 * layout in include/asclass.h, design in docs/LOOKUP.md).
 *
 * The four asc_fib_* arrays are mmap'ed (BPF_F_MMAPABLE), so building is
 * plain stores into map memory.  fib_build() writes a whole table into one
 * generation, which the caller then activates (tables_load() flips
 * asc_state).  fib_update() changes one prefix in the generation it built
 * last, in place: the changed subtree is written to free memory first and
 * published with one 4-byte store, so a lookup sees the old subtree or the
 * new one; replaced memory is reused only after an RCU grace period.
 *
 * One writer at a time.  tables_load() serialises whole loads between
 * processes (flock on /run/asclass.lock); fib_update() has no caller outside
 * the tests yet, and the live feed that will call it must hold that lock
 * too, or a load by another process would flip the generation under it. */
#ifndef ASC_FIB_H
#define ASC_FIB_H
#include <stdbool.h>
#include <stddef.h>
#include "dataplane/maps.h"
#include "routes/rtable.h"

struct fib;

/* Distinct routes a generation holds: its route slot 0 means "none". */
#define FIB_ROUTES_USABLE (ASC_FIB_ROUTES - 1)

struct fib_usage {
	size_t nodes, leaves, routes; /* entries in use in the generation (routes: distinct) */
	size_t bytes;		      /* the same in bytes, direct arrays included */
	size_t map_bytes;	      /* memlock of the four maps (both generations) */
};

/* Maps the fast-table arrays of `m` (NULL: anonymous memory of the same
 * layout, for tests without BPF).  With `updates`, fib_build() also keeps
 * the prefix set that fib_update() needs (a binary trie: tens of MiB for a
 * full table).  Returns 0 or a negative errno (logged). */
int fib_open(const struct asc_maps *m, bool updates, struct fib **out);
void fib_close(struct fib *f);

/* Writes the table `t` (sorted, deduplicated) into generation `gen`, waiting
 * first for an RCU grace period so no packet still reads that generation.
 * Returns 0, -ENOSPC naming the limit that was hit, or another -errno. */
int fib_build(struct fib *f, const struct rtable *t, unsigned int gen);

/* Announces e->family/addr/plen with e->route, or withdraws it when
 * `withdraw`, in the generation fib_build() wrote last.  Needs `updates`.
 * Returns 0 (also when nothing changed) or a negative errno; after an
 * error the tables stay whole but further updates are refused (-EINVAL)
 * until the next fib_build(). */
int fib_update(struct fib *f, const struct rt_entry *e, bool withdraw);

/* Lookup in generation `gen`, walking the arrays exactly as the data plane
 * does.  Returns 0 and fills *rt, or -ENOENT when no prefix covers addr. */
int fib_lookup(const struct fib *f, unsigned int gen, int family, const uint8_t *addr,
	       struct rt_route *rt);

/* What generation `gen` uses (as of its last build or update). */
void fib_usage(const struct fib *f, struct fib_usage *u);

/* Waits for an RCU grace period: afterwards no BPF program still runs that
 * started before the call.  Frees replaced memory for reuse. */
int fib_sync(struct fib *f);

/* The same wait, without a fib: before rewriting the inactive generation of
 * any table.  Returns 0 or a negative errno. */
int rcu_grace(void);

#endif
