// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/fuzz/fuzz_routes.c - libFuzzer target over the text readers
 * (`bgpdump -m` text, pfx2as, plain text routes) through routes_read(), the
 * entry point the CLI and the daemon use.  Built once per format:
 * -DFUZZ_FORMAT='"bgpdump"' (or "pfx2as", "text").
 *
 * The first input byte picks options: bit 0 reads with format "auto" (the
 * sniffer decides), bit 1 with keep_going.  The rest is the file, handed
 * over as /proc/self/fd/N of a memfd (routes_read() opens files by name);
 * it may be gzip or bzip2, as a file may.  Any input must give a table or
 * an error, never a crash, a sanitizer report or a leak; and then:
 *   - a table read is sorted, one entry per prefix, host bits zero, and
 *     its RIB resolves to the same routes;
 *   - a file read without keep_going reads the same with it, none skipped.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "fuzz.h"
#include "routes/rib.h"
#include "routes/routes_in.h"

#ifndef FUZZ_FORMAT
#error "build with -DFUZZ_FORMAT='\"bgpdump\"' (or pfx2as, text)"
#endif

static enum routes_format format;
static int memfd = -1;
static char path[64];
static FILE *report; /* the real stderr */

static void die(const char *what, size_t i)
{
	fprintf(report, "fuzz_routes(%s): %s (entry %zu)\n", FUZZ_FORMAT, what, i);
	abort();
}

/* Sorted, unique, well-formed: what every consumer of a table relies on. */
static void check_table(const struct rtable *t)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct rt_entry *e = &t->v[i];
		uint8_t masked[16];

		if (e->family != 4 && e->family != 6)
			die("an entry of no family", i);
		if (e->plen > (e->family == 4 ? 32 : 128))
			die("a prefix length past the family's", i);
		memcpy(masked, e->addr, 16);
		prefix_mask(masked, e->family, e->plen);
		if (memcmp(masked, e->addr, 16))
			die("host bits set", i);
		if (i && prefix_cmp(&t->v[i - 1], e) >= 0)
			die("not sorted or a prefix twice", i);
	}
}

/* The RIB's resolution, taken alone, agrees with the table for every
 * prefix the table got from it (text and pfx2as lines may replace some). */
static void check_rib(const struct rib *rib, const struct rtable *t)
{
	struct rib_transit *tr = NULL;
	struct rib_row *rows = NULL;
	size_t n = 0, ntr = 0, j = 0;

	if (rib_resolve(rib, &rows, &n) || rib_transits(rib, &tr, &ntr))
		die("out of memory resolving", 0);
	for (size_t i = 0; i < n; i++) {
		while (j < t->n && prefix_cmp(&t->v[j], &rows[i].e) < 0)
			j++;
		if (j == t->n || prefix_cmp(&t->v[j], &rows[i].e))
			die("a resolved prefix missing from the table", i);
		if (!strcmp(FUZZ_FORMAT, "bgpdump") &&
		    memcmp(&t->v[j].route, &rows[i].e.route, sizeof(rows[i].e.route)))
			die("the table's route differs from the RIB's", i);
	}
	for (size_t i = 1; i < ntr; i++)
		if (tr[i - 1].origin > tr[i].origin ||
		    (tr[i - 1].origin == tr[i].origin && tr[i - 1].transit >= tr[i].transit))
			die("transits not sorted by origin, transit", i);
	free(rows);
	free(tr);
}

static int read_input(enum routes_format f, bool keep_going, struct rtable *t, struct rib **rib,
		      struct routes_stats *st)
{
	const char *files[] = { path };
	struct routes_opts o = { .format = f, .keep_going = keep_going };

	memset(t, 0, sizeof(*t));
	*rib = NULL;
	return routes_read(files, 1, &o, t, rib, st);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	report = quiet_logs();
	if (routes_format_parse(FUZZ_FORMAT, &format))
		abort();
	memfd = memfd_create("fuzz-routes", MFD_CLOEXEC);
	if (memfd < 0)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum routes_format f = format;
	struct routes_stats st, st2;
	struct rtable t, t2;
	struct rib *rib, *rib2;
	bool keep_going;

	if (!size)
		return 0;
	if (data[0] & 1)
		f = ROUTES_AUTO;
	keep_going = data[0] & 2;
	if (ftruncate(memfd, 0) || pwrite(memfd, data + 1, size - 1, 0) != (ssize_t)(size - 1))
		abort();
	if (read_input(f, keep_going, &t, &rib, &st)) {
		if (t.n)
			die("a failed read left routes in the table", t.n);
		rtable_free(&t);
		return 0;
	}
	/* a text reader counts every line, bad ones too (an MRT reader, which
	 * "auto" may pick, counts the good records only) */
	if (f != ROUTES_AUTO && st.bad > st.records)
		die("more bad lines than lines", st.bad);
	check_table(&t);
	check_rib(rib, &t);
	if (!keep_going) {
		if (read_input(f, true, &t2, &rib2, &st2))
			die("keep_going failed where a strict read passed", 0);
		if (st2.bad || t2.n != t.n || (t.n && memcmp(t.v, t2.v, t.n * sizeof(*t.v))))
			die("keep_going read a good file differently", st2.bad);
		rtable_free(&t2);
		rib_free(rib2);
	}
	rtable_free(&t);
	rib_free(rib);
	return 0;
}
