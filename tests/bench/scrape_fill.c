// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/bench/scrape_fill.c - make bench-scrape's traffic: writes counter
 * slots 1..N of the asc_counts pinned under a directory, as if every one
 * had seen traffic, so that a daemon's /metrics has N slots to export.
 *
 *   scrape_fill PIN_DIR SLOTS UPSTREAMS
 *
 * Slot i belongs to upstream 1 + i % UPSTREAMS (ids the daemon gave its
 * configured links, in config order), IPv6 for every fifth, origin AS
 * 64512 + (i / UPSTREAMS) % 70000 (a full table has about 75k origins),
 * transit one of 300 ASes, path own or consensus; each CPU's row counts a
 * few packets in and out.  Only for a bench: the daemon must not load
 * tables meanwhile (it would hand out these slots again).  Exits 1 with a
 * message on any error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "dataplane/maps.h"

#define FILL_BATCH 4096U /* slots per counts_write() */

static void fill_slot(uint32_t i, unsigned int ups, int nr_cpus, struct asc_count *rows)
{
	for (int c = 0; c < nr_cpus; c++) {
		struct asc_count *r = &rows[c];

		*r = (struct asc_count){
			.origin_asn = 64512 + (i / ups) % 70000,
			.transit_asn = 174 + (i * 7919) % 300,
			.upstream_id = (uint16_t)(1 + i % ups),
			.family = i % 5 ? ASC_FAMILY_V4 : ASC_FAMILY_V6,
			.path = i % 3 ? ASC_PATH_OWN : ASC_PATH_CONSENSUS,
			.rx = { .packets = 1 + i % 97 + (uint64_t)c,
				.bytes = 1500ULL * (1 + i % 97) },
			.tx = { .packets = 1 + i % 13, .bytes = 64ULL * (1 + i % 13) },
		};
		snprintf(r->upstream, sizeof(r->upstream), "#%u", r->upstream_id);
	}
}

static int fill(const struct asc_maps *m, uint32_t n, unsigned int ups)
{
	uint32_t *slots = malloc(FILL_BATCH * sizeof(*slots));
	struct asc_count *rows = malloc(FILL_BATCH * (size_t)m->nr_cpus * sizeof(*rows));
	int err = slots && rows ? 0 : -ENOMEM;

	for (uint32_t first = 1; !err && first <= n; first += FILL_BATCH) {
		uint32_t k = 0;

		for (; k < FILL_BATCH && first + k <= n; k++) {
			slots[k] = first + k;
			fill_slot(first + k, ups, m->nr_cpus, &rows[(size_t)k * m->nr_cpus]);
		}
		err = counts_write(m, slots, k, rows);
	}
	free(slots);
	free(rows);
	return err;
}

int main(int argc, char **argv)
{
	struct asc_maps m;
	unsigned long n, ups;
	int err;

	if (argc != 4 || (n = strtoul(argv[2], NULL, 10)) == 0 ||
	    (ups = strtoul(argv[3], NULL, 10)) == 0 || ups >= ASC_MAX_UPSTREAMS) {
		fprintf(stderr, "usage: scrape_fill PIN_DIR SLOTS UPSTREAMS\n");
		return 1;
	}
	if (maps_open(argv[1], &m)) /* logs */
		return 1;
	if (n >= m.counts_max) {
		fprintf(stderr, "scrape_fill: %lu slots: asc_counts holds %u\n", n, m.counts_max);
		maps_close(&m);
		return 1;
	}
	err = fill(&m, (uint32_t)n, (unsigned int)ups);
	if (err)
		fprintf(stderr, "scrape_fill: write asc_counts: %s\n", errstr(err));
	maps_close(&m);
	return err ? 1 : 0;
}
