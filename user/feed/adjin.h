/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/feed/adjin.h - the keys (prefix, path id) a peer has announced to us,
 * each with a stale mark: what the stale routes of a lost session (the stale
 * time, graceful restart, RFC 4724) and enhanced route refresh (RFC 7313)
 * need to withdraw the routes a peer did not send again.  Only the keys are
 * kept (the RIB has the paths), per family in one array of packed keys (12
 * bytes an IPv4 key, 24 an IPv6 one) found through a compact hash index
 * (common/hashidx.h: 4 bytes a slot, at most half used): 20-28 bytes per
 * IPv4 route where a uthash entry took about 100.  Kept for every session.
 * Nothing here logs or locks.
 */
#ifndef ASC_FEED_ADJIN_H
#define ASC_FEED_ADJIN_H
#include <stdbool.h>
#include <stddef.h>
#include "common/hashidx.h"
#include "feed/feed.h"

/* The keys of one family. */
struct adjin_fam {
	void *v; /* packed keys (adjin.c), in no order */
	size_t n, cap;
	struct hashidx idx;
	size_t n_stale;
};

struct adjin {
	struct adjin_fam f[FEED_NFAM];
};

/* Adds a key, or clears its stale mark.  0 or -ENOMEM. */
int adjin_add(struct adjin *a, const struct feed_pfx *p);
void adjin_del(struct adjin *a, const struct feed_pfx *p);
size_t adjin_count(const struct adjin *a);
/* The keys of family fam (FEED_IPV4 or FEED_IPV6). */
size_t adjin_count_family(const struct adjin *a, int fam);
/* Marks every key of family fam (-1: all) stale; returns how many are. */
size_t adjin_mark_stale(struct adjin *a, int fam);
size_t adjin_stale(const struct adjin *a, int fam);
/* Removes the stale keys of fam (-1: all) into a FEED_EV_ROUTES batch of
 * withdrawals (*out NULL when none).  0 or -ENOMEM (nothing removed). */
int adjin_flush(struct adjin *a, int fam, struct feed_batch **out);
/* Removes every key and frees the memory. */
void adjin_clear(struct adjin *a);

#endif
