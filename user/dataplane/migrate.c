// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/dataplane/migrate.c - the 0.1 -> 0.2 upgrade of pinned maps (see
 * migrate.h).  The 0.1 layouts are only read here: asc_counts a per-CPU
 * hash of struct asc_count_key -> struct asc_count_val, asc_stats
 * ASC_STAT_INTERNAL + 1 per-CPU __u64, asc_upstreams 24-byte values (name,
 * asn, pad). */
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

#define V1_DIR "upgrade-0_1"		 /* bpffs refuses names with a dot */
#define V1_STATS (ASC_STAT_INTERNAL + 1) /* 0.1 had no NO_LINK */

struct v1_upstream {
	char name[ASC_NAME_LEN];
	__u32 asn;
	__u32 pad;
};

static void v1_path(const char *pin_dir, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/" V1_DIR "%s%s", pin_dir, name ? "/" : "", name ? name : "");
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

static bool is_v1_counts(const char *pin_dir)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	int fd;
	bool v1;

	snprintf(path, sizeof(path), "%s/asc_counts", pin_dir);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return false;
	v1 = !bpf_obj_get_info_by_fd(fd, &info, &len) && info.type == BPF_MAP_TYPE_PERCPU_HASH &&
	     info.key_size == sizeof(struct asc_count_key);
	close(fd);
	return v1;
}

int migrate_v1_begin(const char *pin_dir, struct bpf_object *obj, bool *moved)
{
	char dir[PATH_MAX], to[PATH_MAX];
	struct stat st;
	struct bpf_map *map;

	v1_path(pin_dir, NULL, dir, sizeof(dir));
	*moved = !stat(dir, &st);
	if (*moved) {
		log_info("%s: finishing an interrupted upgrade from asclass 0.1", dir);
		return 0;
	}
	if (!is_v1_counts(pin_dir))
		return 0;
	log_info("%s: maps of asclass 0.1: moving them to %s, counts are carried over", pin_dir,
		 dir);
	if (mkdir(dir, 0700) && errno != EEXIST) {
		log_err("create %s: %s", dir, strerror(errno));
		return -errno;
	}
	bpf_object__for_each_map (map, obj) {
		const char *path = bpf_map__pin_path(map);

		if (!path || !layout_differs(map, path))
			continue;
		v1_path(pin_dir, bpf_map__name(map), to, sizeof(to));
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

	v1_path(pin_dir, name, path, sizeof(path));
	return unlink(path) ? -errno : 0;
}

/* The 0.1 map `name` moved aside, as an fd; -ENOENT if it is not there. */
static int v1_open(const char *pin_dir, const char *name)
{
	char path[PATH_MAX];
	int fd;

	v1_path(pin_dir, name, path, sizeof(path));
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

/* Unpins whatever is left there and removes it. */
static int remove_v1(const char *pin_dir)
{
	char dir[PATH_MAX], path[PATH_MAX + 256];
	struct dirent *d;
	DIR *dp;

	v1_path(pin_dir, NULL, dir, sizeof(dir));
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

int migrate_v1_finish(const char *pin_dir, const struct asc_maps *m)
{
	static struct asc_upstream ups[ASC_MAX_UPSTREAMS];
	char dir[PATH_MAX];
	struct stat st;
	size_t n = 0;
	int fd, err;

	v1_path(pin_dir, NULL, dir, sizeof(dir));
	if (stat(dir, &st))
		return 0;
	/* 0.1 programs replaced meanwhile may still be running: let them
	 * finish before their counts are read for the last time. */
	err = rcu_grace();
	fd = err ? err : v1_open(pin_dir, "asc_upstreams");
	err = fd < 0 ? (fd == -ENOENT ? upstreams_read(m, ups) : fd) : carry_upstreams(m, fd, ups);
	if (fd >= 0)
		close(fd);
	if (!err && (fd = v1_open(pin_dir, "asc_stats")) >= 0) {
		err = add_stats(m, fd);
		close(fd);
		if (!err)
			err = v1_unlink(pin_dir, "asc_stats"); /* added once only */
	}
	if (!err && (fd = v1_open(pin_dir, "asc_counts")) >= 0) {
		err = fold_counts(m, fd, ups, &n);
		close(fd);
	}
	if (!err)
		clear_links(m);
	if (!err)
		err = remove_v1(pin_dir);
	if (err) {
		log_err("upgrade of %s from asclass 0.1: %s (run this again to finish it)", pin_dir,
			errstr(err));
		return err;
	}
	log_info("%s: upgraded from asclass 0.1: %zu counter keys carried into asc_retired",
		 pin_dir, n);
	return 0;
}
