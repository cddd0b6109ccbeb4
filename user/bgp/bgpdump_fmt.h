/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/bgp/bgpdump_fmt.h - print MRT records exactly as `bgpdump -m` (1.6.2)
 * prints them: TABLE_DUMP, TABLE_DUMP2(_AP), BGP4MP(_ET)(_LOCAL)(_AP) A/W
 * lines and STATE lines.  Output is buffered (1 MiB, more for a longer
 * line) and written with fwrite; no printf per field.  Where bgpdump is provably wrong, the fixes
 * are opt-in (struct bgpdump_opts) and listed in docs/bgpdump-differences.md.
 */
#ifndef ASC_BGPDUMP_FMT_H
#define ASC_BGPDUMP_FMT_H
#include <stdbool.h>
#include <stdio.h>
#include "bgp/mrt.h"

struct bgpdump_opts {
	/* Print the AS path merged as RFC 6793 says instead of bgpdump's
	 * merge, which repeats the first AS_PATH segment. */
	bool fix_as4_merge;
	/* Print everything: every prefix of a list, the whole AS path and
	 * every community, where bgpdump prints 8192 prefixes per list, 7900
	 * characters of AS path (then "...") and 8191 bytes of communities. */
	bool full;
};

/* What the lines of the last record left out because bgpdump leaves it out
 * (all zero with opts.full, or when nothing was cut). */
struct bgpdump_cuts {
	uint32_t prefixes;    /* size of the longest prefix list cut to 8192 */
	uint32_t aspath_asns; /* ASNs of an AS path whose text was cut ("...") */
	uint32_t communities; /* communities of a set whose text was cut */
};

struct bgpdump_fmt;

/* Returns NULL on out of memory.  `out` is not closed by bgpdump_fmt_free. */
struct bgpdump_fmt *bgpdump_fmt_new(FILE *out, const struct bgpdump_opts *opts);
/* Appends the lines for one record (none for record kinds bgpdump -m does
 * not print).  Returns 0, -EIO when writing failed or -ENOMEM; the error
 * sticks.  Does not log. */
int bgpdump_fmt_record(struct bgpdump_fmt *f, const struct mrt_record *rec);
/* What bgpdump_fmt_record() cut from the record it printed last. */
const struct bgpdump_cuts *bgpdump_fmt_cuts(const struct bgpdump_fmt *f);
/* Writes out buffered text; 0 or -EIO. */
int bgpdump_fmt_flush(struct bgpdump_fmt *f);
/* Flushes and frees. */
int bgpdump_fmt_free(struct bgpdump_fmt *f);

/* Address text as bgpdump writes it (its own IPv6 formatter compresses a
 * single zero group, unlike inet_ntop).  buf: at least 48 bytes.  Returns
 * the length written (NUL-terminated). */
size_t bgpdump_fmt_ipv4(const uint8_t a[4], char *buf);
size_t bgpdump_fmt_ipv6(const uint8_t a[16], char *buf);

#endif
