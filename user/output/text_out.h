/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/output/text_out.h - the plain-text renderer of a snapshot: the tables
 * of `asclass stats` and the report of `asclass status`.  Each returns 0, or
 * -EIO (logged) when the output could not be written. */
#ifndef ASC_TEXT_OUT_H
#define ASC_TEXT_OUT_H
#include <stdio.h>

#include "output/rates.h"
#include "output/snapshot.h"

/* One line per counter row (with its path), then the overflow buckets,
 * then the unclassified packets by reason. */
int text_out_stats(FILE *f, const struct snapshot *s);
/* Links and what is attached to them (a link whose interface is not in
 * this network namespace as "#IFINDEX", attach state "?", and a note),
 * route tables, fast table and counter map fill, packets by reason. */
int text_out_status(FILE *f, const struct snapshot *s, const char *pin_dir);
/* One interval of `asclass top`: totals per upstream and direction, then
 * at most `limit` rows by bits per second (bits/s with k, M, G prefixes). */
int text_out_rates(FILE *f, const struct snapshot *s, const struct rates *r, unsigned int limit);

#endif
