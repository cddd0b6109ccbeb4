/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/dataplane/maps.h - the pinned maps, opened by path, and what userspace reads
 * from them.  Every function returns 0 or a negative errno and logs nothing
 * unless it says so. */
#ifndef ASC_MAPS_H
#define ASC_MAPS_H
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "asclass.h"

struct asclass_bpf;

/* The pinned maps as fds.  They belong to `skel`, the BPF object's skeleton
 * (build/asclass.skel.h), which names every map and whose maps hold these
 * fds: maps_close() closes them by closing it.  An fd is -1 when closed. */
struct asc_maps {
	int counts, retired, overflow, stats, ifaces, links, upstreams, state;
	int lpm4[2], lpm6[2];
	int fib_dir, fib_node, fib_leaf, fib_route; /* fast tables, both generations */
	int nr_cpus;		  /* libbpf_num_possible_cpus(): per-CPU value count,
				     and rows per slot in asc_counts */
	unsigned int counts_max;  /* slots asc_counts holds (max_entries / nr_cpus) */
	struct asclass_bpf *skel; /* maps_create() loads its maps, never a program */
	bool upgraded;		  /* maps_create() found 0.1 or 0.2 maps, made new ones */
	char pin_dir[PATH_MAX];	  /* where they are pinned: maps_lock() locks it */
};

/* Bounds of the counters setting (attach --counters, [daemon] counters). */
#define COUNTERS_MIN 1024U
#define COUNTERS_MAX (1U << 24)

/* Opens every map of the skeleton pinned under pin_dir (no program is
 * loaded).  -ENOENT when asclass has never been loaded there (logs a hint to
 * run `asclass attach` or `routes load`); other errors are logged too. */
int maps_open(const char *pin_dir, struct asc_maps *m);
/* Creates (loads the BPF object, programs left out) and pins every map under
 * pin_dir if they are not there yet, mounting bpffs when needed, and opens
 * them.  A pinned map of another layout is an error naming it and the remedy
 * (logged); nothing is replaced.  counters: how many keys a new asc_counts
 * holds (0: ASC_MAX_COUNTERS, or what the pinned one holds). */
int maps_create(const char *pin_dir, unsigned int counters, struct asc_maps *m);
/* maps_create(), but an upgrade (m->upgraded) is left for the caller to
 * finish with migrate_finish() once it has replaced the old programs
 * (dataplane/migrate.h), so that what they counted meanwhile is kept. */
int maps_create_defer(const char *pin_dir, unsigned int counters, struct asc_maps *m);
/* Sizes skel's asc_counts before it is loaded: as many slots as the pinned
 * one (0.2's per-CPU array too) when there is one (an error, logged, when
 * `counters` asks for another size), else `counters` or ASC_MAX_COUNTERS;
 * one row per slot and possible CPU. */
int maps_size_counts(struct asclass_bpf *skel, unsigned int counters);
/* The rows of an asc_counts of `slots` slots on ncpus CPUs, in *rows;
 * -E2BIG, logged with the limit, past ASC_COUNTS_MAX_BYTES. */
int counts_rows(unsigned int slots, int ncpus, __u32 *rows);
/* Takes the lock every writer of m's asc_state holds (table swaps): an
 * flock on m's pin directory, so that loaders of one set of maps take turns
 * and loaders of other pin directories never wait for them.  The locked fd,
 * to close(); or a negative errno, logged. */
int maps_lock(const struct asc_maps *m);
/* The fold lock: an flock on asc_retired's pin, taken LOCK_EX by a slot
 * allocator while it moves an idle slot's counts into asc_retired and gives
 * the slot to another identity, and LOCK_SH by counters_read() while it
 * reads both maps, so that a reader counts a folded slot's counts once
 * (before the fold or after it).  Loaders take it inside maps_lock(),
 * readers alone.  The locked fd, to close(); -1 when asc_retired's pin
 * cannot be opened (logged once: no pin, or a map without BTF, which bpffs
 * will not open), and then nothing is locked.  As with maps_lock(), a
 * process stopped while it holds the lock holds up the others; a wait of
 * over FOLD_LOCK_QUIET_S (2 s) names the holder in the log and waits on. */
int counts_lock(const struct asc_maps *m, int how);
/* Closes every map of m (a closed or failed-to-open m too). */
void maps_close(struct asc_maps *m);

/* Ensures a bpffs is mounted at or above `dir` and `dir` exists. */
int bpffs_prepare(const char *dir);

int state_read(const struct asc_maps *m, struct asc_state *st);
/* Writes asc_state whole: a read-modify-write under the loaders' lock. */
int state_write(const struct asc_maps *m, const struct asc_state *st);
/* The memory the kernel charges for a map (its fdinfo "memlock", as
 * bpftool reports it); 0 if unknown. */
size_t map_memlock(int fd);

/* One counter row, summed over CPUs: the counts of one (upstream, dir,
 * family, origin, transit, path). */
struct counter_row {
	struct asc_count_key key;
	struct asc_count_val val;
	uint8_t path; /* enum asc_path: how origin and transit were found */
};

/* Reads every counter summed over CPUs into a malloc'd array (*rows, *n);
 * caller frees: the slots of asc_counts in use (rx and tx as two rows) and
 * asc_retired, one row per (upstream, dir, family, origin, transit, path)
 * that counted anything.  Sorted by those fields. */
int counters_read(const struct asc_maps *m, struct counter_row **rows, size_t *n);
/* That order, as a qsort/bsearch comparator of struct counter_row. */
int counter_row_cmp(const void *a, const void *b);
/* How many slots of asc_counts are in use (hold an identity). */
int counters_slots_used(const struct asc_maps *m, size_t *n);

/* Calls fn for the slots of asc_counts with their nr_cpus rows (one per
 * CPU), read in batches: every slot in use, and some free ones; the slots
 * it does not visit are free (slots in use are 1..N, see counts_foreach()).
 * Stops at fn's first nonzero return, which it returns. */
#define COUNTS_BATCH 1024U
typedef int counts_fn(void *ctx, uint32_t slot, const struct asc_count *rows);
int counts_foreach(const struct asc_maps *m, counts_fn *fn, void *ctx);
/* One slot's nr_cpus rows, read into / written from rows[nr_cpus]. */
int count_read(const struct asc_maps *m, uint32_t slot, struct asc_count *rows);
int count_write(const struct asc_maps *m, uint32_t slot, const struct asc_count *rows);
/* n slots' rows at once (one system call), slot[i]'s from rows[i * nr_cpus]:
 * a whole load hands out hundreds of thousands of slots. */
int counts_write(const struct asc_maps *m, const uint32_t *slot, size_t n,
		 const struct asc_count *rows);
/* A slot's counts summed over its rows (CPUs), and its identity. */
void count_sum(const struct asc_count *rows, int nr_cpus, struct asc_count_val *rx,
	       struct asc_count_val *tx);
void count_identity(const struct asc_count *c, struct asc_slot_key *id);
/* asc_overflow summed over CPUs: out[upstream_id] for ids < ASC_MAX_UPSTREAMS. */
int overflow_read(const struct asc_maps *m, struct asc_overflow_val out[ASC_MAX_UPSTREAMS]);
/* asc_stats summed over CPUs. */
int stats_read(const struct asc_maps *m, uint64_t out[ASC_STAT_MAX]);
/* Short machine name of a stat ("not_ip", "trunc_ipv4", ...). */
const char *stat_name(enum asc_stat s);

/* Upstream links configured in asc_links. */
struct link_row {
	struct asc_link_key key;
	struct asc_link_val val;
};
int links_read(const struct asc_maps *m, struct link_row **rows, size_t *n);
/* Every asc_upstreams entry (unused ids have an empty name). */
int upstreams_read(const struct asc_maps *m, struct asc_upstream out[ASC_MAX_UPSTREAMS]);
/* Name of an upstream id: "-" for 0, "#<id>" for an id without a name. */
const char *upstream_name(const struct asc_upstream *ups, unsigned int id, char *buf, size_t len);

#endif
