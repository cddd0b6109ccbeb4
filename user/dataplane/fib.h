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
 * processes (maps_lock(): an flock on the pin directory); the live feed's single-prefix
 * updates (tables_update()) hold that lock too, and check that no load by
 * another process flipped the generation meanwhile. */
#ifndef ASC_FIB_H
#define ASC_FIB_H
#include <stdbool.h>
#include <stddef.h>
#include "dataplane/maps.h"
#include "routes/rtable.h"

struct fib;

/* Route records in a generation's half of the pool (the first
 * ASC_REC_FIRST are reserved: "none" and the two no-route records).  A
 * generation goes past it, into the other half, only where the other
 * generation leaves room: two tables of this size fit side by side. */
#define FIB_ROUTES_USABLE (ASC_FIB_ROUTES - ASC_REC_FIRST)

/* The records of one generation: one per entry of the table, in table
 * order (equal ones are stored once), and the no-route records. */
struct fib_recs {
	const struct asc_route *entry;
	struct asc_route noroute[2]; /* [0] IPv4, [1] IPv6 */
};

struct fib_usage {
	size_t nodes, leaves, routes; /* entries in use in the generation (routes: distinct) */
	size_t bytes;		      /* the same in bytes, direct arrays included */
	size_t map_bytes;	      /* memlock of the four maps (both generations) */
	size_t mapped_bytes;	      /* of their arrays, what this process has mapped */
	size_t prefix_nodes;	      /* nodes of the prefix set kept for updates (both families) */
	size_t prefix_bytes;	      /* the same in bytes (its keys included) */
};

/* Maps the fast-table arrays of `m` (NULL: anonymous memory of the same
 * layout, for tests without BPF).  With `updates`, fib_build() also keeps
 * the prefix set that fib_update() needs (a path-compressed binary trie:
 * fewer than two nodes a prefix, 16 bytes a node for IPv4 and 28 for IPv6,
 * about 40 MiB for a full table).  Returns 0 or a negative errno (logged). */
int fib_open(const struct asc_maps *m, bool updates, struct fib **out);
/* fib_open() that maps nothing yet: each generation's lookup arrays and
 * the route records are mapped when a load or an update first needs them
 * (fib_records_begin(), fib_map_for_build(), the build), so a live whole
 * load does not hold them resident while it resolves its table (a BPF
 * array's pages count in the process's RSS as soon as they are mapped).
 * For the maps of `m` only; like fib_open() where halves cannot be mapped
 * apart. */
int fib_open_unmapped(const struct asc_maps *m, bool updates, struct fib **out);
void fib_close(struct fib *f);

/* Between whole loads single-prefix updates touch only the active
 * generation: fib_trim() unmaps the other generation's half of each array,
 * but the route records (one pool for both generations), keeping its
 * addresses reserved and inaccessible (about 22 MiB of BPF map memory the
 * daemon no longer holds mapped: the kernel keeps it for the data plane);
 * a whole load maps what it reads again (fib_records_begin(), the build).
 * Nothing to do for anonymous memory or where a half is not a whole number
 * of pages.  0 or a negative errno (logged). */
int fib_trim(struct fib *f, unsigned int keep_gen);
/* Before a whole build of generation gen: the other generation's
 * directory, nodes and leaves unmapped (nothing reads them until the
 * flip): about 22 MiB less mapped at the whole load's peak.  The route
 * records (one pool) are mapped by fib_records_begin() when the active
 * generation uses any, else when the load writes its own; generation
 * gen's lookup arrays by the build itself.  Call it after
 * fib_records_begin(), whose walk reads the other generation's arrays.
 * fib_trim(f, gen) after the flip keeps the other generation unmapped.
 * 0 or a negative errno (logged). */
int fib_map_for_build(struct fib *f, unsigned int gen);

/* The route records (asc_fib_route, which both lookup kinds use) are one
 * pool for both generations: a generation takes records from its own half
 * first and then from the other half where the active generation leaves
 * room, so a table that needs more than half the pool (a reset burst
 * caught between two states) still loads.  fib_records_begin() finds the
 * records the active generation (the other one) uses: by walking its fast
 * tables, or, with FIB_ACTIVE_LPM (it is read through the LPM tries only,
 * whose records stay in their half), its whole half.  FIB_NEW_LPM keeps
 * generation gen's records in its own half, for a load the data plane
 * will read through the LPM tries only.  Call it before any record of
 * generation gen is written (before or after the grace period that frees
 * it); fib_records() calls it with flags 0 when the caller did not.
 * FIB_ACTIVE_NONE: no table was ever loaded (asc_state's swaps is 0), so
 * no record is in use and there is nothing to walk.  The active
 * generation's lookup arrays are mapped for the walk if they were not, and
 * the records.  Returns 0, -ENOMEM or -EIO (it could not be mapped:
 * logged). */
#define FIB_ACTIVE_LPM 1U
#define FIB_ACTIVE_NONE 4U
#define FIB_NEW_LPM 2U
int fib_records_begin(struct fib *f, unsigned int gen, unsigned int flags);

/* fn(arg, record) for each record the active generation uses (as
 * fib_records_begin() found them) and each one taken since. */
void fib_each_active(const struct fib *f, void (*fn)(void *arg, const struct asc_route *rec),
		     void *arg);

/* Writes the route records of generation `gen` and nothing else, waiting
 * first for an RCU grace period so no packet still reads that generation:
 * r->entry[0..n) interned, their absolute indexes into rid[].  Returns 0,
 * -ENOSPC (logged) or -errno. */
int fib_records(struct fib *f, const struct fib_recs *r, size_t n, unsigned int gen, uint32_t *rid);

/* Writes the table `t` (sorted, deduplicated) into generation `gen`, entry
 * t->v[i] leading to record rid[i]: call fib_records() for `gen` first
 * (-EINVAL otherwise).  Returns 0, -ENOSPC naming the limit that was hit,
 * or another -errno. */
int fib_build(struct fib *f, const struct rtable *t, const uint32_t *rid, unsigned int gen);
/* The fast tables' input made of a route table (sorted, deduplicated) in
 * the entries' own memory (24 of each entry's 40 bytes, the rest given
 * back), so a whole load does not hold the table and the input at once:
 * fib_input_take() takes t's entries (t->v NULL and t->n 0 after, its
 * per-link rows left), entry i leading to rid[i]; fib_input_remap() then
 * replaces each entry's index r with map[r] (an entry's distinct record
 * found before its record index); fib_build_input() is fib_build() from
 * it, and frees it whatever the result (the update tries, built from it
 * last, take its pages as they are given back).  fib_build_take() is all
 * three, and leaves t empty (as after rtable_free()). */
struct fib_input;
int fib_input_take(struct rtable *t, const uint32_t *rid, struct fib_input **out);
void fib_input_remap(struct fib_input *in, const uint32_t *map);
int fib_build_input(struct fib *f, struct fib_input *in, unsigned int gen);
void fib_input_free(struct fib_input *in);
int fib_build_take(struct fib *f, struct rtable *t, const uint32_t *rid, unsigned int gen);

/* The 2 x ASC_FIB_ROUTES route records of both generations (records no
 * generation uses keep whatever they held last). */
const struct asc_route *fib_routes(const struct fib *f);

/* Sets column col of every record of both generations to slot 0 (overflow):
 * before a column is given to another upstream, whose traffic must not
 * count in the slots of the column's last owner. */
void fib_column_clear(struct fib *f, unsigned int col);

/* Sets column col of both generations' no-route records to slot[0] (IPv4)
 * and slot[1] (IPv6): an upstream given a column counts its unrouted
 * traffic at once, before the next load fills its routes. */
void fib_noroute_set(struct fib *f, unsigned int col, const uint32_t slot[2]);

/* Announces e->family/addr/plen with record *rec, or withdraws it when
 * `withdraw`, in the generation fib_build() wrote last.  Needs `updates`.
 * Returns 0 (also when nothing changed) or a negative errno; after an
 * error the tables stay whole but further updates are refused (-EINVAL)
 * until the next fib_build(). */
int fib_update(struct fib *f, const struct rt_entry *e, const struct asc_route *rec, bool withdraw);

/* Whether exactly this prefix (e->family/addr/plen) is in the prefix set
 * of the generation fib_build() wrote last (false without `updates`). */
bool fib_has(const struct fib *f, const struct rt_entry *e);

/* The absolute index of record *rec in the generation fib_records() wrote
 * last, added there if it is new (equal records are stored once, and stay
 * until the generation is written again: their number is bounded by the
 * distinct records, not by the updates; a new one takes a record neither
 * generation uses, so a packet still reading the other one never sees it
 * change).  For updates of the LPM tries,
 * whose values are these indexes.  Returns 0, -ENOSPC (logged) or -ENOMEM. */
int fib_intern(struct fib *f, const struct asc_route *rec, uint32_t *rid);

/* Lookup in generation `gen`, walking the arrays exactly as the data plane
 * does.  Returns 0 and fills the record index *rid and the record *rec
 * (either may be NULL), or -ENOENT when no prefix covers addr. */
int fib_lookup(const struct fib *f, unsigned int gen, int family, const uint8_t *addr,
	       uint32_t *rid, struct asc_route *rec);

/* Record `rid` (an absolute index, as the tables hold them).  -ERANGE
 * beyond both generations. */
int fib_record(const struct fib *f, uint32_t rid, struct asc_route *rec);

/* What generation `gen` uses (as of its last build or update). */
void fib_usage(const struct fib *f, struct fib_usage *u);

/* Waits for an RCU grace period: afterwards no BPF program still runs that
 * started before the call.  Frees replaced memory for reuse. */
int fib_sync(struct fib *f);

/* The same wait, without a fib: before rewriting the inactive generation of
 * any table.  Returns 0 or a negative errno. */
int rcu_grace(void);

#endif
