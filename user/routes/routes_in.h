/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/routes/routes_in.h - every routing-data format asclass reads, into one
 * resolved route table.
 *
 *   mrt      MRT RIB and update dumps (TABLE_DUMP, TABLE_DUMP_V2, BGP4MP(_ET)),
 *            paths resolved as user/routes/rib.h says
 *   bgpdump  `bgpdump -m` text of the same (TABLE_DUMP*, BGP4MP* A/W/STATE)
 *   pfx2as   CAIDA prefix-to-AS: PREFIX<TAB>LENGTH<TAB>ASN, where ASN may be
 *            a_b (several origins: the lowest is taken, flag moas) or a,b
 *            (an AS set: origin 0, flag as_set)
 *   text     PREFIX ORIGIN_AS [TRANSIT_AS [PEER_AS]] (user/routes/routes_text.h)
 *
 * Files apply in the order given: MRT and bgpdump input builds one RIB, so
 * "rib.mrt upd1.mrt upd2.mrt" is the table as of the last update.  Of the
 * TABLE_DUMP_V2 snapshots in MRT files only each collector's newest counts,
 * with the updates written after it (user/routes/snapshots.h has the rule
 * and its times); merge_snapshots adds every snapshot up instead.  Text and
 * pfx2as lines are routes as they are, and replace a resolved route for the
 * same prefix.  gzip and bzip2 are detected by their magic bytes for every
 * format; "-" is standard input.  Pipes, FIFOs and standard input are read
 * as streams, in bounded memory, like files.
 *
 * What is refused (the error names the file, and the line or record):
 *   - a file that is none of the formats (binary data that is not MRT);
 *   - text that is not whole lines (user/routes_text.h): a NUL byte, a line
 *     over ROUTES_LINE_MAX, a last line without its newline;
 *   - corrupt or cut gzip/bzip2 data;
 *   - unless allow_empty, a file without routes (empty, or only comments and
 *     blank lines) and input that leaves no route at all, so that a file
 *     caught while being rewritten never empties the tables.
 */
#ifndef ASC_ROUTES_IN_H
#define ASC_ROUTES_IN_H
#include <stdbool.h>
#include <stdint.h>
#include "routes/rib.h"
#include "routes/rtable.h"

enum routes_format {
	ROUTES_AUTO,
	ROUTES_MRT,
	ROUTES_BGPDUMP,
	ROUTES_PFX2AS,
	ROUTES_TEXT,
	ROUTES_UNKNOWN, /* routes_sniff(): none of them (binary data that is not MRT) */
};

struct routes_opts {
	enum routes_format format;
	bool keep_going;      /* skip and count bad records and lines */
	bool allow_empty;     /* a file without routes, or no routes at all, is not an error */
	bool merge_snapshots; /* every TABLE_DUMP_V2 snapshot adds up, not only the newest */
	/* The upstream of each data-plane column, for per-link resolution
	 * (rib_to_rtable()); NULL or all zero: the consensus only.  MRT and
	 * bgpdump input have per-peer paths; text and pfx2as lines do not, so
	 * every column of their routes is the consensus. */
	const struct rt_upstreams *upstreams;
};

struct routes_stats {
	uint64_t records; /* MRT records or text lines read */
	uint64_t bad;	  /* skipped under keep_going */
	uint64_t announced, withdrawn;
};

/* "auto", "mrt", "bgpdump", "pfx2as", "text".  0 or -EINVAL. */
int routes_format_parse(const char *s, enum routes_format *f);
const char *routes_format_name(enum routes_format f);
/* Guesses the format of a file's first bytes (already decompressed);
 * ROUTES_UNKNOWN for bytes that are neither MRT nor text. */
enum routes_format routes_sniff(const uint8_t *buf, size_t len);

/* Reads `n` files in order.  Fills t (sorted, one entry per prefix) and, if
 * rib_out is not NULL, hands over the RIB (per-origin transit history) to
 * the caller, who frees it.  Errors name file:line or file, record and
 * offset, are logged, and leave t empty.  Returns 0 or a negative errno:
 * -EINVAL for bad input, -ENODATA for input without routes (see above),
 * -ENOENT, -EISDIR, ... for a file that cannot be opened or read. */
int routes_read(const char *const *files, int n, const struct routes_opts *o, struct rtable *t,
		struct rib **rib_out, struct routes_stats *st);

#endif
