/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* tests/lib/ribgen.h - a RIB driven by random changes, for the tests of
 * single-prefix updates (header-only; deterministic from a seed).
 *
 * Three peers: 64496 (an eBGP upstream, column 0 by its AS), 64497 at
 * 198.51.100.2 and an iBGP router feed (64500) whose paths start with the
 * upstream's AS, 4837 or 20485 (column 1 by the first AS: "20485 131279").
 * Prefixes come from a pool of RIBGEN_PREFIXES (198.18.N.0/24, a few
 * nested /16 and /25, and 2001:db8:N::/48), so announcements, withdrawals
 * and peer downs keep hitting the same prefixes.
 */
#ifndef ASC_TEST_RIBGEN_H
#define ASC_TEST_RIBGEN_H
#include <stdio.h>
#include "rtgen.h"
#include "routes/rib.h"

#define RIBGEN_PREFIXES 96

static const struct rib_peer ribgen_peers[3] = {
	{ .asn = 64496, .family = 4, .ip = { 198, 51, 100, 1 } },
	{ .asn = 64497, .family = 4, .ip = { 198, 51, 100, 2 } },
	{ .asn = 64500, .family = 4, .ip = { 198, 51, 100, 3 } },
};

/* Column 0: the peer of AS 64496; column 1: AS 20485's paths from any peer. */
static inline void ribgen_upstreams(struct rt_upstreams *u)
{
	memset(u, 0, sizeof(*u));
	rt_upstream_set(u, 0, 64496, 0, NULL);
	rt_upstream_set(u, 1, 20485, 0, NULL);
}

/* Prefix n of the pool. */
static inline struct rt_entry ribgen_prefix(unsigned int n)
{
	struct rt_entry e;
	char s[64];

	if (n < 40)
		snprintf(s, sizeof(s), "198.18.%u.0/24", n);
	else if (n < 48)
		snprintf(s, sizeof(s), "198.%u.0.0/16", 18 + (n - 40) % 2);
	else if (n < 56)
		snprintf(s, sizeof(s), "198.18.%u.128/25", n - 48);
	else
		snprintf(s, sizeof(s), "2001:db8:%x::/48", n - 56);
	prefix_parse(s, &e, 0);
	return e;
}

/* A random path of peer k: first AS, 0-2 transits (some prepended), an
 * origin; rarely ending in an AS_SET. */
static inline size_t ribgen_path(uint64_t *s, unsigned int k, uint32_t *p, bool *set)
{
	static const uint32_t transit[] = { 174, 3356, 4837, 20485 };
	size_t n = 0;

	p[n++] = k == 2 ? (rng_below(s, 2) ? 4837 : 20485) : ribgen_peers[k].asn;
	for (uint64_t i = rng_below(s, 3); i; i--)
		p[n++] = transit[rng_below(s, 4)];
	if (rng_below(s, 4) == 0)
		p[n] = p[n - 1], n++; /* prepending */
	p[n++] = rng_below(s, 3) ? 131279 : 64510 + (uint32_t)rng_below(s, 6);
	*set = rng_below(s, 40) == 0;
	return n;
}

/* One random change: an announcement (60 %), a withdrawal (38 %) or a peer
 * down (2 %).  Returns what rib_announce() returned, else 0. */
static inline int ribgen_step(struct rib *r, uint64_t *s, uint32_t when)
{
	unsigned int k = (unsigned int)rng_below(s, 3), what = (unsigned int)rng_below(s, 100);
	struct rt_entry e = ribgen_prefix((unsigned int)rng_below(s, RIBGEN_PREFIXES));
	uint32_t id = (uint32_t)rng_below(s, 3), path[8];
	bool set;
	size_t n;

	if (what < 2) {
		rib_peer_down(r, &ribgen_peers[k], when);
		return 0;
	}
	if (what < 40)
		return rib_withdraw(r, &e, &ribgen_peers[k], id, when);
	n = ribgen_path(s, k, path, &set);
	return rib_announce(r, &e, &ribgen_peers[k], id, path, n, set, when);
}

#endif
