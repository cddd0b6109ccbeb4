// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/dataplane/migrate.c - the 0.1 and 0.2 -> 0.3 upgrades of pinned maps
 * (see migrate.h).  The old layouts are only read here.  0.1: asc_counts a
 * per-CPU hash of struct asc_count_key -> struct asc_count_val, asc_stats
 * ASC_STAT_INTERNAL + 1 per-CPU __u64, asc_upstreams 24-byte values (name,
 * asn, pad).  0.2: asc_counts a per-CPU array of struct asc_count indexed
 * by slot, every other map as in 0.3. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "common/log.h"
#include "dataplane/fib.h"
#include "dataplane/migrate.h"
#include "dataplane/slots.h"

#define V1_DIR "upgrade-0_1" /* bpffs refuses names with a dot */
#define V2_DIR "upgrade-0_2"
#define V1_STATS (ASC_STAT_INTERNAL + 1) /* 0.1 had no NO_LINK */

/* The layouts an upgrade starts from: the directory their pins are moved
 * to, and the release that made them. */
static const struct old_layout {
	const char *dir, *version;
} layouts[] = { { V1_DIR, "0.1" }, { V2_DIR, "0.2" } };

struct v1_upstream {
	char name[ASC_NAME_LEN];
	__u32 asn;
	__u32 pad;
};

/* PIN_DIR/DIR[/NAME] */
static void old_path(const char *pin_dir, const char *dir, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s%s%s", pin_dir, dir, name ? "/" : "", name ? name : "");
}

/* The pinned map at path differs from what obj declares for it. */
static bool layout_differs(const struct bpf_map *map, const char *path)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	int fd = bpf_obj_get(path);
	bool differs;

	if (fd < 0)
		return false;
	differs = bpf_obj_get_info_by_fd(fd, &info, &len) || info.type != bpf_map__type(map) ||
		  info.key_size != bpf_map__key_size(map) ||
		  info.value_size != bpf_map__value_size(map) ||
		  /* asc_counts is sized by the counters setting */
		  (info.max_entries != bpf_map__max_entries(map) &&
		   strcmp(bpf_map__name(map), "asc_counts"));
	close(fd);
	return differs;
}

/* The layout the pinned asc_counts was made by: 0.1 (a per-CPU hash), 0.2
 * (a per-CPU array), or NULL for none or this one. */
static const struct old_layout *old_counts(const char *pin_dir)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	int fd, err;

	snprintf(path, sizeof(path), "%s/asc_counts", pin_dir);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return NULL;
	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	close(fd);
	if (err)
		return NULL;
	if (info.type == BPF_MAP_TYPE_PERCPU_HASH && info.key_size == sizeof(struct asc_count_key))
		return &layouts[0];
	if (info.type == BPF_MAP_TYPE_PERCPU_ARRAY && info.value_size == sizeof(struct asc_count))
		return &layouts[1];
	return NULL;
}

/* An upgrade interrupted after its pins were moved aside. */
static const struct old_layout *old_moved(const char *pin_dir)
{
	char dir[PATH_MAX];
	struct stat st;

	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		old_path(pin_dir, layouts[i].dir, NULL, dir, sizeof(dir));
		if (!stat(dir, &st))
			return &layouts[i];
	}
	return NULL;
}

int migrate_begin(const char *pin_dir, struct bpf_object *obj, bool *moved)
{
	const struct old_layout *old = old_moved(pin_dir);
	char dir[PATH_MAX], to[PATH_MAX];
	struct bpf_map *map;

	*moved = old != NULL;
	if (old) {
		log_info("%s/%s: finishing an interrupted upgrade from asclass %s", pin_dir,
			 old->dir, old->version);
		return 0;
	}
	old = old_counts(pin_dir);
	if (!old)
		return 0;
	old_path(pin_dir, old->dir, NULL, dir, sizeof(dir));
	log_info("%s: maps of asclass %s: moving them to %s, counts are carried over", pin_dir,
		 old->version, dir);
	if (mkdir(dir, 0700) && errno != EEXIST) {
		log_err("create %s: %s", dir, strerror(errno));
		return -errno;
	}
	bpf_object__for_each_map (map, obj) {
		const char *path = bpf_map__pin_path(map);

		if (!path || !layout_differs(map, path))
			continue;
		old_path(pin_dir, old->dir, bpf_map__name(map), to, sizeof(to));
		if (rename(path, to)) {
			log_err("move %s to %s: %s", path, to, strerror(errno));
			return -errno;
		}
	}
	*moved = true;
	return 0;
}

static int v1_unlink(const char *pin_dir, const char *name)
{
	char path[PATH_MAX];

	old_path(pin_dir, V1_DIR, name, path, sizeof(path));
	return unlink(path) ? -errno : 0;
}

/* The old map `name` moved aside to dir, as an fd; -ENOENT if it is not
 * there. */
static int old_open(const char *pin_dir, const char *dir, const char *name)
{
	char path[PATH_MAX];
	int fd;

	old_path(pin_dir, dir, name, path, sizeof(path));
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

/* Every count of the 0.1 per-CPU hash into asc_retired: path
 * CONSENSUS where origin or transit is set (0.1 counted by the vote over
 * all paths), else NONE.  Each key is deleted once folded, so a rerun
 * after an interruption does not add it twice. */
static int fold_counts(const struct asc_maps *m, int fd, const struct asc_upstream *ups, size_t *n)
{
	struct asc_count_val *v = calloc(m->nr_cpus, sizeof(*v));
	struct asc_count_key k;
	int err = v ? 0 : -ENOMEM;

	while (!err && !bpf_map_get_next_key(fd, NULL, &k)) {
		struct asc_count_val sum = { 0 }, zero = { 0 };
		struct asc_slot_key id = { .origin_asn = k.origin_asn,
					   .transit_asn = k.transit_asn,
					   .upstream_id = k.upstream_id,
					   .family = k.family,
					   .path = k.origin_asn || k.transit_asn
							   ? ASC_PATH_CONSENSUS
							   : ASC_PATH_NONE };

		if (bpf_map_lookup_elem(fd, &k, v)) {
			err = -errno;
			break;
		}
		for (int c = 0; c < m->nr_cpus; c++) {
			sum.packets += v[c].packets;
			sum.bytes += v[c].bytes;
		}
		err = retired_add(m, &id, ups[k.upstream_id % ASC_MAX_UPSTREAMS].name,
				  k.dir == ASC_DIR_RX ? &sum : &zero,
				  k.dir == ASC_DIR_RX ? &zero : &sum);
		if (!err && bpf_map_delete_elem(fd, &k))
			err = -errno;
		*n += !err;
	}
	free(v);
	return err;
}

/* The 0.1 statistics (one per-CPU __u64 per reason) added to CPU 0 of the
 * new struct. */
static int add_stats(const struct asc_maps *m, int fd)
{
	struct asc_stats *cur = calloc(m->nr_cpus, sizeof(*cur));
	__u64 *v = calloc(m->nr_cpus, sizeof(*v));
	__u32 zero = 0;
	int err = cur && v ? 0 : -ENOMEM;

	if (!err && bpf_map_lookup_elem(m->stats, &zero, cur))
		err = -errno;
	for (__u32 i = 0; !err && i < V1_STATS; i++) {
		if (bpf_map_lookup_elem(fd, &i, v))
			continue;
		for (int c = 0; c < m->nr_cpus; c++)
			((__u64 *)&cur[0])[i] += v[c];
	}
	if (!err && bpf_map_update_elem(m->stats, &zero, cur, BPF_ANY))
		err = -errno;
	free(cur);
	free(v);
	return err;
}

/* Upstream names and ASes by id, detached (no column) until attached. */
static int carry_upstreams(const struct asc_maps *m, int fd, struct asc_upstream *ups)
{
	for (__u32 i = 0; i < ASC_MAX_UPSTREAMS; i++) {
		struct v1_upstream o;

		memset(&ups[i], 0, sizeof(ups[i]));
		ups[i].column = ASC_COLUMN_NONE;
		if (bpf_map_lookup_elem(fd, &i, &o) || !o.name[0])
			continue;
		memcpy(ups[i].name, o.name, ASC_NAME_LEN);
		ups[i].asn = o.asn;
		if (bpf_map_update_elem(m->upstreams, &i, &ups[i], BPF_ANY))
			return -errno;
	}
	return 0;
}

/* 0.1 link entries have no column: removed, each link's attach writes it
 * again. */
static void clear_links(const struct asc_maps *m)
{
	struct asc_link_key k;

	while (!bpf_map_get_next_key(m->links, NULL, &k))
		if (bpf_map_delete_elem(m->links, &k))
			break;
}

/* Unpins whatever is left in PIN_DIR/SUB and removes it. */
static int remove_old(const char *pin_dir, const char *sub)
{
	char dir[PATH_MAX], path[PATH_MAX + 256];
	struct dirent *d;
	DIR *dp;

	old_path(pin_dir, sub, NULL, dir, sizeof(dir));
	dp = opendir(dir);
	if (!dp)
		return -errno;
	while ((d = readdir(dp)))
		if (d->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
			unlink(path);
		}
	closedir(dp);
	return rmdir(dir) ? -errno : 0;
}

static int finish_v1(const char *pin_dir, const struct asc_maps *m)
{
	static struct asc_upstream ups[ASC_MAX_UPSTREAMS];
	size_t n = 0;
	int fd, err;

	/* 0.1 programs replaced meanwhile may still be running: let them
	 * finish before their counts are read for the last time. */
	err = rcu_grace();
	fd = err ? err : old_open(pin_dir, V1_DIR, "asc_upstreams");
	err = fd < 0 ? (fd == -ENOENT ? upstreams_read(m, ups) : fd) : carry_upstreams(m, fd, ups);
	if (fd >= 0)
		close(fd);
	if (!err && (fd = old_open(pin_dir, V1_DIR, "asc_stats")) >= 0) {
		err = add_stats(m, fd);
		close(fd);
		if (!err)
			err = v1_unlink(pin_dir, "asc_stats"); /* added once only */
	}
	if (!err && (fd = old_open(pin_dir, V1_DIR, "asc_counts")) >= 0) {
		err = fold_counts(m, fd, ups, &n);
		close(fd);
	}
	if (!err)
		clear_links(m);
	if (!err)
		err = remove_old(pin_dir, V1_DIR);
	if (err) {
		log_err("upgrade of %s from asclass 0.1: %s (run this again to finish it)", pin_dir,
			errstr(err));
		return err;
	}
	log_info("%s: upgraded from asclass 0.1: %zu counter keys carried into asc_retired",
		 pin_dir, n);
	return 0;
}

/* One 0.2 slot (old[cpu]) into the same slot of the new array: each CPU's
 * counts added to that CPU's row (what the new programs counted there
 * meanwhile stays), the identity written; a slot past the new array's
 * capacity goes to asc_retired, summed. */
static int carry_slot(const struct asc_maps *m, __u32 slot, const struct asc_count *old,
		      struct asc_count *cur, size_t *retired)
{
	struct asc_count_val rx, tx;
	struct asc_slot_key id;
	int err;

	if (slot >= m->counts_max) {
		count_identity(old, &id);
		count_sum(old, m->nr_cpus, &rx, &tx);
		*retired += 1;
		return retired_add(m, &id, old->upstream, &rx, &tx);
	}
	err = count_read(m, slot, cur);
	for (int c = 0; !err && c < m->nr_cpus; c++) {
		struct asc_count row = old[c];

		row.rx.packets += cur[c].rx.packets;
		row.rx.bytes += cur[c].rx.bytes;
		row.tx.packets += cur[c].tx.packets;
		row.tx.bytes += cur[c].tx.bytes;
		cur[c] = row;
	}
	return err ? err : count_write(m, slot, cur);
}

/* Every slot in use of the 0.2 per-CPU array fd into the same slot of the
 * new one: slot ids stay, so the route records need no change.  Each slot
 * is emptied (family 0) once carried, so a rerun after an interruption
 * does not add it twice. */
static int carry_counts(const struct asc_maps *m, int fd, size_t *n, size_t *retired)
{
	struct asc_count *old = calloc(m->nr_cpus, sizeof(*old));
	struct asc_count *cur = calloc(m->nr_cpus, sizeof(*cur));
	struct asc_count *empty = calloc(m->nr_cpus, sizeof(*empty));
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	int err = old && cur && empty ? 0 : -ENOMEM;

	if (!err && bpf_obj_get_info_by_fd(fd, &info, &len))
		err = -errno;
	for (__u32 k = 1; !err && k < info.max_entries; k++) {
		if (bpf_map_lookup_elem(fd, &k, old)) {
			err = -errno;
			break;
		}
		if (!old[0].family)
			continue;
		err = carry_slot(m, k, old, cur, retired);
		if (!err && bpf_map_update_elem(fd, &k, empty, BPF_ANY))
			err = -errno;
		*n += !err;
	}
	free(old);
	free(cur);
	free(empty);
	return err;
}

static int finish_v2(const char *pin_dir, const struct asc_maps *m)
{
	size_t n = 0, retired = 0;
	int fd, err;

	/* as for 0.1: the replaced programs may still be counting */
	err = rcu_grace();
	fd = err ? err : old_open(pin_dir, V2_DIR, "asc_counts");
	if (fd >= 0) {
		err = carry_counts(m, fd, &n, &retired);
		close(fd);
	} else if (fd != -ENOENT) {
		err = fd;
	}
	if (!err)
		err = remove_old(pin_dir, V2_DIR);
	if (err) {
		log_err("upgrade of %s from asclass 0.2: %s (the 0.2 counters stay in %s/" V2_DIR
			"; run this again to finish it)",
			pin_dir, errstr(err), pin_dir);
		return err;
	}
	log_info("%s: upgraded from asclass 0.2 to the " ASC_ABI_VERSION " layout: %zu counter "
		 "slots carried, each CPU's counts in its own row (%zu past the new capacity, "
		 "into asc_retired)",
		 pin_dir, n, retired);
	return 0;
}

int migrate_finish(const char *pin_dir, const struct asc_maps *m)
{
	const struct old_layout *old = old_moved(pin_dir);

	if (!old)
		return 0;
	return old == &layouts[0] ? finish_v1(pin_dir, m) : finish_v2(pin_dir, m);
}
