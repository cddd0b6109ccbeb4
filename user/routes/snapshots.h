/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/routes/snapshots.h - which parts of a set of MRT files count when a
 * router keeps writing RIB dumps (BIRD's `protocol mrt`, a collector's
 * rib.* files) next to its update dumps.
 *
 * A TABLE_DUMP_V2 snapshot is the records from one PEER_INDEX_TABLE to the
 * next (or to the end of its file: BIRD appends snapshots to one file when
 * the file name repeats).  Its collector is the PEER_INDEX_TABLE's collector
 * BGP ID and view name.  Of each collector's snapshots only the newest
 * counts, by the PEER_INDEX_TABLE record's own MRT timestamp (file times
 * change when files are copied; the record's time is when the router wrote
 * it); for equal times the later one in input order.  A BGP4MP update
 * record is skipped when its peer is in a counted snapshot that is newer
 * than the record (by the MRT timestamps): that snapshot already holds its
 * effect.  Everything else (TABLE_DUMP v1, updates of peers no snapshot
 * lists, files that are not MRT or cannot be scanned) counts as before.
 *
 * snap_plan_make() scans the files first: of RIB records only the MRT
 * header is read (their bodies are skipped undecoded), PEER_INDEX_TABLE and
 * BGP4MP records are decoded.  Files with nothing that counts are then not
 * read at all. */
#ifndef ASC_SNAPSHOTS_H
#define ASC_SNAPSHOTS_H
#include <stdbool.h>
#include <stdint.h>

#include "bgp/mrt.h"

struct snap_seg {
	struct mrt_ip collector;
	char *view;
	uint32_t time; /* of the PEER_INDEX_TABLE record */
	uint64_t record_no;
	int file;
	bool counted;
	uint16_t n_peers;
	struct mrt_peer *peers;
};

/* A peer that BGP4MP records of a file come from, and the newest of them. */
struct snap_upd_peer {
	struct mrt_ip ip;
	uint32_t asn;
	uint32_t newest;
};

struct snap_file {
	bool scanned;	/* false: read whole, every snapshot in it counts */
	bool needed;	/* anything in it counts */
	bool has_other; /* TABLE_DUMP v1, or RIB records before any PEER_INDEX_TABLE */
	size_t first_seg, n_segs;
	struct snap_upd_peer *upd;
	size_t n_upd;
};

struct snap_plan {
	struct snap_seg *segs;
	size_t n_segs;
	struct snap_file *files;
	int n_files;
};

/* Scans `n` files.  0 or -ENOMEM; a file that cannot be scanned is left to
 * the reader (which names its error). */
int snap_plan_make(const char *const *files, int n, struct snap_plan *p);
void snap_plan_free(struct snap_plan *p);

/* Walks one file's records while it is read. */
struct snap_cursor {
	const struct snap_plan *p;
	int file;
	size_t seg;  /* PEER_INDEX_TABLEs seen in this file */
	bool in_seg; /* after the first of them */
	uint64_t skipped_rib, skipped_updates;
	uint32_t newest_skipped; /* time of the newest update skipped */
};

/* Whether rec is to be left out (see above); call for every record. */
bool snap_skip(struct snap_cursor *c, const struct mrt_record *rec);
/* Logs what the cursor skipped in file `name`. */
void snap_cursor_report(const struct snap_cursor *c, const char *name);

#endif
