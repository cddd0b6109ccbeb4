// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/bench/events_burst.c - make bench-events: what a session reset
 * costs the routing-change events of a live RIB.  A RIB holds PREFIXES
 * IPv4 /24s, each announced by two eBGP upstreams (cu, AS4837, and ttk,
 * AS20485) as [upstream, transit, origin], with one of ORIGINS origins and
 * one of 1000 transits drawn at random per prefix (seed 1), as
 * `realpath table` spreads a synthetic table's routes over its origins.
 * The events' tally is made for both upstreams' columns; then cu's session
 * is lost (every path withdrawn) and the tally stepped, and cu's paths come
 * back and it is stepped again: the daemon's events thread does each step
 * under the RIB's lock.  Printed: the wall time of each phase, the route
 * changes each step applied and the pairs that crossed zero.
 *
 *   events_burst [PREFIXES [ORIGINS]]     (default 1200000 100000)
 *
 * Built against one build's libasclass.a, so two builds compare back to
 * back (mk/bench-events.mk: EVENTS_BASE).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "routes/rib.h"

static const struct rib_peer cu = { .asn = 4837, .family = 4, .ip = { 198, 51, 100, 1 } };
static const struct rib_peer ttk = { .asn = 20485, .family = 4, .ip = { 198, 51, 100, 5 } };

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Prefix i: a /24 from 1.0.0.0 on. */
static struct rt_entry pfx_of(size_t i)
{
	return (struct rt_entry){ .family = 4,
				  .plen = 24,
				  .addr = { (uint8_t)(1 + (i >> 16)), (uint8_t)(i >> 8),
					    (uint8_t)i } };
}

static int announce(struct rib *rib, const struct rib_peer *peer, size_t i, uint32_t transit,
		    uint32_t origin, uint32_t when)
{
	const uint32_t path[3] = { peer->asn, transit, origin };
	struct rt_entry p = pfx_of(i);

	return rib_announce(rib, &p, peer, 0, path, 3, false, when);
}

/* One step, timed and printed; 0 or its error. */
static int step(struct rib *rib, struct rib_tally *t, const char *what, size_t changes)
{
	struct rib_pair_change *ch = NULL;
	struct rt_entry *pfx = NULL;
	size_t n = 0;
	double t0 = now();
	int err = rib_tally_step(rib, t, 16, &ch, &n, &pfx);

	if (err)
		fprintf(stderr, "events_burst: step (%s): error %d\n", what, err);
	else
		printf("step, %-28s %8.3f s  (%zu route changes, %zu pairs crossed zero)\n", what,
		       now() - t0, changes, n);
	free(ch);
	free(pfx);
	return err;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 0) : 1200000;
	uint32_t norigins = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 0) : 100000;
	struct rt_upstreams u = { 0 };
	struct rib_tally *t = NULL;
	struct rib *rib = rib_new();
	uint32_t *origin = malloc(n * sizeof(*origin)), *transit = malloc(n * sizeof(*transit));
	double t0;
	int err = 0;

	if (!rib || !origin || !transit || !n || n > 1U << 24 || !norigins) {
		fprintf(stderr, "usage: events_burst [PREFIXES (1 .. 2^24) [ORIGINS (1 ..)]]\n");
		return 2;
	}
	srand(1);
	for (size_t i = 0; i < n; i++) {
		origin[i] = 65536 + (uint32_t)rand() % norigins;
		transit[i] = 1000 + (uint32_t)rand() % 1000;
	}
	u.col[0].asn = cu.asn;
	u.col[1].asn = ttk.asn;
	printf("events_burst: %zu prefixes from each of cu and ttk, %u origins, 1000 transits\n", n,
	       norigins);
	t0 = now();
	for (size_t i = 0; !err && i < n; i++) {
		err = announce(rib, &cu, i, transit[i], origin[i], 1);
		if (!err)
			err = announce(rib, &ttk, i, transit[i], origin[i], 1);
	}
	printf("%-34s %8.3f s  (%zu paths)\n", "the table", now() - t0, 2 * n);
	t0 = now();
	if (!err)
		err = rib_tally_new(rib, &u, &t);
	printf("%-34s %8.3f s\n", "the tally (a pass over the RIB)", now() - t0);
	if (!err) {
		rib_peer_down(rib, &cu, 2);
		err = step(rib, t, "cu lost", n);
	}
	for (size_t i = 0; !err && i < n; i++)
		err = announce(rib, &cu, i, transit[i], origin[i], 3);
	if (!err)
		err = step(rib, t, "cu back", n);
	if (err)
		fprintf(stderr, "events_burst: error %d\n", err);
	rib_tally_free(t);
	rib_free(rib);
	free(origin);
	free(transit);
	return err ? 1 : 0;
}
