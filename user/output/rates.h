/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/output/rates.h - rates between two snapshots, for `asclass top`:
 * per upstream and direction the totals, and per origin, transit or
 * (origin, transit) pair the rows, summed over family and path and sorted
 * by bytes per second.  Pure arithmetic over snapshots (no BPF). */
#ifndef ASC_RATES_H
#define ASC_RATES_H
#include <stddef.h>
#include <stdint.h>

#include "output/snapshot.h"

enum rates_by { RATES_BY_ORIGIN, RATES_BY_TRANSIT, RATES_BY_PAIR };

struct rate_row {
	uint16_t upstream_id;
	uint8_t dir;
	uint32_t origin_asn;  /* 0 under RATES_BY_TRANSIT */
	uint32_t transit_asn; /* 0 under RATES_BY_ORIGIN */
	double pps, bps;      /* packets and bits per second */
};

struct rates {
	enum rates_by by;
	double seconds;	       /* between the two snapshots */
	struct rate_row *rows; /* moving rows only, by bps, descending */
	size_t n;
	struct rate_row *totals; /* per upstream and direction that moved, by id
				  * and direction; overflow included */
	size_t n_totals;
};

/* Rates from prev to cur (both SNAP_ROWS, cur read later), of upstream id
 * `upstream` only (-1: every one).  A key new in cur counts from zero; a
 * count that went down (maps recreated) counts from zero too.  Returns 0 or
 * -ENOMEM; -EINVAL when cur is not later than prev. */
int rates_compute(const struct snapshot *prev, const struct snapshot *cur, enum rates_by by,
		  int upstream, struct rates *r);
void rates_free(struct rates *r);
/* Orders r's rows by packets per second, descending, instead. */
void rates_sort_packets(struct rates *r);
/* "origin", "transit", "pair"; and back (-1 for another word). */
const char *rates_by_name(enum rates_by by);
int rates_by_parse(const char *s);

#endif
