// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/prog/test_upgrade.c - a pinned asclass 0.2 asc_counts (a per-CPU
 * array of struct asc_count indexed by slot), made here exactly as 0.2 made
 * it and filled with different counts on every CPU, is upgraded by the
 * loader (maps_create(), as `routes load` and `attach` call it) into the
 * 0.3 array of one row per slot and CPU: every CPU's counts land in that
 * CPU's row of the same slot, with the slot's identity.  Also: a loader
 * refused before it moved anything (another --counters) keeps the 0.2 map
 * and its counts where they were; an upgrade interrupted after the move is
 * finished by the next run, and the slots past the new capacity go to
 * asc_retired, summed; and an array past the kernel's size limit is refused
 * (counts_rows()).  Needs root (BPF) and a bpffs at /sys/fs/bpf.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dataplane/maps.h"

#define V2_SLOTS 2048 /* the 0.2 map's max_entries */
#define SMALL 4	      /* slots of the smaller new array: slots 4 and 5 do not fit */

static int failures;
static int ncpus;
static char pin[64];

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		failures++;                                                                        \
		printf(__VA_ARGS__);                                                               \
	} while (0)

/* The slots the 0.2 map holds in use (1..N, as 0.2 handed them out), and
 * what they count on CPU c: packets = base + c + 1, bytes 100 times that;
 * tx twice rx. */
static const struct {
	uint32_t slot, origin, transit;
	uint16_t upstream;
	uint8_t family;
	uint64_t base;
} slots[] = {
	/* slot origin  transit upstream family base */
	{ 1, 131279, 4837, 1, 4, 1000 },
	{ 2, 131279, 20485, 2, 4, 2000 },
	{ 3, 64501, 20485, 1, 6, 3000 },
	{ 4, 0, 0, 1, 4, 4000 }, /* no route: origin and transit 0 */
	{ 5, 64500, 4837, 2, 4, 5000 },
};
#define NSLOTS (sizeof(slots) / sizeof(slots[0]))

static struct asc_count want_row(size_t i, int c)
{
	struct asc_count v = { .origin_asn = slots[i].origin,
			       .transit_asn = slots[i].transit,
			       .upstream_id = slots[i].upstream,
			       .family = slots[i].family,
			       .path = ASC_PATH_OWN };

	snprintf(v.upstream, sizeof(v.upstream), "%s", slots[i].upstream == 1 ? "cu" : "ttk");
	v.rx.packets = slots[i].base + (uint64_t)c + 1;
	v.rx.bytes = v.rx.packets * 100;
	v.tx.packets = v.rx.packets * 2;
	v.tx.bytes = v.rx.bytes * 2;
	return v;
}

/* The 0.2 asc_counts pinned at path, filled: each CPU its own counts. */
static int make_v2(const char *path)
{
	struct asc_count *v = calloc(ncpus, sizeof(*v));
	int fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "asc_counts", sizeof(__u32),
				sizeof(struct asc_count), V2_SLOTS, NULL);

	if (fd < 0 || !v || bpf_obj_pin(fd, path))
		return -errno;
	for (size_t i = 0; i < NSLOTS; i++) {
		for (int c = 0; c < ncpus; c++)
			v[c] = want_row(i, c);
		if (bpf_map_update_elem(fd, &slots[i].slot, v, BPF_ANY))
			return -errno;
	}
	free(v);
	close(fd);
	return 0;
}

static void clean(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", pin);
	if (system(cmd))
		printf("could not remove %s\n", pin);
}

/* Each CPU's row of every slot below the capacity is the 0.2 value of that
 * CPU; the slots past it are in asc_retired, summed. */
static void check_rows(const char *what, const struct asc_maps *m)
{
	struct asc_count *rows = calloc(ncpus, sizeof(*rows));
	struct counter_row *cr = NULL;
	size_t n = 0;

	for (size_t i = 0; i < NSLOTS && slots[i].slot < m->counts_max; i++) {
		if (count_read(m, slots[i].slot, rows)) {
			FAIL("%s: slot %u: read: %s\n", what, slots[i].slot, strerror(errno));
			continue;
		}
		for (int c = 0; c < ncpus; c++) {
			struct asc_count w = want_row(i, c);

			if (memcmp(&rows[c], &w, sizeof(w)))
				FAIL("%s: slot %u cpu %d: got origin %u rx %llu, want origin %u rx "
				     "%llu\n",
				     what, slots[i].slot, c, rows[c].origin_asn,
				     (unsigned long long)rows[c].rx.packets, w.origin_asn,
				     (unsigned long long)w.rx.packets);
		}
	}
	if (counters_read(m, &cr, &n))
		FAIL("%s: counters_read\n", what);
	/* every slot as two rows (rx, tx), summed over CPUs */
	for (size_t i = 0; i < NSLOTS; i++) {
		uint64_t want = 0;
		bool found = false;

		for (int c = 0; c < ncpus; c++)
			want += want_row(i, c).rx.packets;
		for (size_t r = 0; r < n; r++)
			if (cr[r].key.origin_asn == slots[i].origin &&
			    cr[r].key.transit_asn == slots[i].transit &&
			    cr[r].key.upstream_id == slots[i].upstream &&
			    cr[r].key.family == slots[i].family && cr[r].key.dir == ASC_DIR_RX) {
				found = true;
				if (cr[r].val.packets != want)
					FAIL("%s: slot %u: rx packets summed %llu, want %llu\n",
					     what, slots[i].slot,
					     (unsigned long long)cr[r].val.packets,
					     (unsigned long long)want);
			}
		if (!found)
			FAIL("%s: slot %u (origin %u): no counter row\n", what, slots[i].slot,
			     slots[i].origin);
	}
	if (n != 2 * NSLOTS)
		FAIL("%s: %zu counter rows, want %zu\n", what, n, 2 * NSLOTS);
	free(cr);
	free(rows);
}

/* What is pinned at PIN/name: its type and max_entries; -1 for none. */
static int pinned(const char *name, __u32 *max)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", pin, name);
	fd = bpf_obj_get(path);
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
		return -1;
	close(fd);
	*max = info.max_entries;
	return (int)info.type;
}

/* A loader refused (another --counters) leaves the 0.2 map as it was. */
static void test_refused_keeps_v2(void)
{
	struct asc_maps m;
	char path[PATH_MAX];
	__u32 max = 0, slot = slots[2].slot;
	struct asc_count *v = calloc(ncpus, sizeof(*v));
	int fd;

	snprintf(path, sizeof(path), "%s/asc_counts", pin);
	if (make_v2(path))
		FAIL("refused: make the 0.2 map: %s\n", strerror(errno));
	if (!maps_create(pin, V2_SLOTS * 2, &m)) {
		FAIL("refused: maps_create with another size went on over a 0.2 map\n");
		maps_close(&m);
	}
	if (pinned("asc_counts", &max) != BPF_MAP_TYPE_PERCPU_ARRAY || max != V2_SLOTS)
		FAIL("refused: the 0.2 asc_counts is not pinned where it was\n");
	fd = bpf_obj_get(path);
	if (fd < 0 || bpf_map_lookup_elem(fd, &slot, v))
		FAIL("refused: read the 0.2 map: %s\n", strerror(errno));
	for (int c = 0; c < ncpus; c++)
		if (v[c].rx.packets != want_row(2, c).rx.packets)
			FAIL("refused: 0.2 slot %u cpu %d: rx %llu, want %llu\n", slot, c,
			     (unsigned long long)v[c].rx.packets,
			     (unsigned long long)want_row(2, c).rx.packets);
	if (fd >= 0)
		close(fd);
	free(v);
	printf("a refused loader keeps the 0.2 asc_counts and its counts\n");
}

/* The loader over that 0.2 map: every CPU's count in its own row. */
static void test_upgrade(void)
{
	struct asc_state st = { 0 };
	struct asc_maps m;
	struct stat sb;
	char path[PATH_MAX];
	__u32 max = 0;

	if (maps_create(pin, 0, &m)) {
		FAIL("upgrade: maps_create over a 0.2 asc_counts failed\n");
		return;
	}
	if (m.counts_max != V2_SLOTS)
		FAIL("upgrade: %u slots, want the 0.2 map's %u\n", m.counts_max, V2_SLOTS);
	if (pinned("asc_counts", &max) != BPF_MAP_TYPE_ARRAY || max != (__u32)V2_SLOTS * ncpus)
		FAIL("upgrade: asc_counts is not an array of %u rows (%u)\n", V2_SLOTS * ncpus,
		     max);
	if (state_read(&m, &st) || st.ncpus != (__u16)ncpus)
		FAIL("upgrade: asc_state.ncpus %u, want %d\n", st.ncpus, ncpus);
	snprintf(path, sizeof(path), "%s/upgrade-0_2", pin);
	if (!stat(path, &sb))
		FAIL("upgrade: %s is still there\n", path);
	check_rows("upgrade", &m);
	maps_close(&m);
	printf("0.2 asc_counts upgraded: %zu slots on %d CPUs, each CPU in its own row\n", NSLOTS,
	       ncpus);
}

/* Moved aside, then interrupted: the next run, with a smaller array, finishes
 * it; the slot past the new capacity is summed into asc_retired. */
static void test_interrupted(void)
{
	struct asc_maps m;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/upgrade-0_2", pin);
	if (mkdir(path, 0700))
		FAIL("interrupted: mkdir %s: %s\n", path, strerror(errno));
	snprintf(path, sizeof(path), "%s/upgrade-0_2/asc_counts", pin);
	if (make_v2(path))
		FAIL("interrupted: make the 0.2 map: %s\n", strerror(errno));
	if (maps_create(pin, SMALL, &m)) {
		FAIL("interrupted: maps_create failed\n");
		return;
	}
	if (m.counts_max != SMALL)
		FAIL("interrupted: %u slots, want %u\n", m.counts_max, SMALL);
	if (!access(path, F_OK))
		FAIL("interrupted: %s is still there\n", path);
	check_rows("interrupted", &m);
	maps_close(&m);
	printf("an interrupted 0.2 upgrade is finished by the next run; slots past its %u are "
	       "in asc_retired\n",
	       SMALL);
}

/* The array's size limit: 2^24 slots fit on 2 CPUs (2 GiB), not on 64
 * (64 GiB); 2^26 rows of 64 bytes reach 4 GiB exactly. */
static void test_size_limit(void)
{
	__u32 rows = 0;

	if (counts_rows(1U << 24, 2, &rows) || rows != 1U << 25)
		FAIL("size: 2^24 slots x 2 CPUs: refused or %u rows\n", rows);
	if (counts_rows(1U << 18, 64, &rows) || rows != 1U << 24)
		FAIL("size: 2^18 slots x 64 CPUs: refused or %u rows\n", rows);
	if (counts_rows(1U << 24, 64, &rows) != -E2BIG)
		FAIL("size: 2^24 slots x 64 CPUs (64 GiB) not refused\n");
	if (counts_rows(1U << 20, 64, &rows) != -E2BIG)
		FAIL("size: 2^20 slots x 64 CPUs (4 GiB) not refused\n");
	printf("asc_counts beyond 4 GiB refused (the messages above name the limit)\n");
}

int main(void)
{
	if (geteuid() != 0) {
		printf("SKIP: needs root (BPF maps)\n");
		return 77;
	}
	ncpus = libbpf_num_possible_cpus();
	snprintf(pin, sizeof(pin), "/sys/fs/bpf/asclass-upgrade-%d", (int)getpid());
	if (ncpus < 1 || bpffs_prepare(pin))
		return 1;
	test_size_limit();
	test_refused_keeps_v2();
	test_upgrade();
	clean();
	if (bpffs_prepare(pin))
		return 1;
	test_interrupted();
	clean();
	if (failures) {
		printf("%d failures\n", failures);
		return 1;
	}
	printf("PASS\n");
	return 0;
}
