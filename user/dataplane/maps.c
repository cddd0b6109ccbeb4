// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/dataplane/maps.c - the pinned maps, opened, created and closed through
 * the BPF object's skeleton (the maps are the ones it declares), and reading
 * counters out of them.  Per-CPU values and the per-CPU rows of a counter
 * slot are summed here; nothing in this file adds to a counter. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "asclass.skel.h"
#include "common/log.h"
#include "dataplane/maps.h"
#include "dataplane/migrate.h"

static const char *const stat_names[ASC_STAT_MAX] = {
	[ASC_STAT_SEEN] = "seen",
	[ASC_STAT_CLASSIFIED] = "classified",
	[ASC_STAT_NOT_IP] = "not_ip",
	[ASC_STAT_TRUNC_ETH] = "trunc_eth",
	[ASC_STAT_TRUNC_VLAN] = "trunc_vlan",
	[ASC_STAT_VLAN_DEPTH] = "vlan_depth",
	[ASC_STAT_TRUNC_IPV4] = "trunc_ipv4",
	[ASC_STAT_BAD_IPV4] = "bad_ipv4",
	[ASC_STAT_TRUNC_IPV6] = "trunc_ipv6",
	[ASC_STAT_BAD_IPV6] = "bad_ipv6",
	[ASC_STAT_NO_ROUTE] = "no_route",
	[ASC_STAT_OVERFLOW] = "overflow",
	[ASC_STAT_INTERNAL] = "internal",
	[ASC_STAT_NO_LINK] = "no_link",
};

const char *stat_name(enum asc_stat s)
{
	return s < ASC_STAT_MAX && stat_names[s] ? stat_names[s] : "?";
}

/* A map's fd, -1 for none. */
static int fd_of(const struct bpf_map *map)
{
	return map ? bpf_map__fd(map) : -1;
}

/* Gives m the fds of skel's maps (every fd -1 when skel is NULL); m owns
 * skel from here on. */
static void maps_take(struct asc_maps *m, struct asclass_bpf *skel)
{
	static const struct asclass_bpf none; /* no map: every fd -1 */
	const struct asclass_bpf *s = skel ? skel : &none;

	m->skel = skel;
	m->upgraded = false;
	m->counts = fd_of(s->maps.asc_counts);
	m->retired = fd_of(s->maps.asc_retired);
	m->ifaces = fd_of(s->maps.asc_ifaces);
	m->overflow = fd_of(s->maps.asc_overflow);
	m->stats = fd_of(s->maps.asc_stats);
	m->links = fd_of(s->maps.asc_links);
	m->upstreams = fd_of(s->maps.asc_upstreams);
	m->state = fd_of(s->maps.asc_state);
	m->lpm4[0] = fd_of(s->maps.asc_lpm4_0);
	m->lpm4[1] = fd_of(s->maps.asc_lpm4_1);
	m->lpm6[0] = fd_of(s->maps.asc_lpm6_0);
	m->lpm6[1] = fd_of(s->maps.asc_lpm6_1);
	m->fib_dir = fd_of(s->maps.asc_fib_dir);
	m->fib_node = fd_of(s->maps.asc_fib_node);
	m->fib_leaf = fd_of(s->maps.asc_fib_leaf);
	m->fib_route = fd_of(s->maps.asc_fib_route);
	/* one row per slot and CPU */
	m->counts_max = skel ? bpf_map__max_entries(s->maps.asc_counts) / m->nr_cpus : 0;
}

/* m with no map open, and its CPU count. */
static int maps_init(struct asc_maps *m, const char *pin_dir)
{
	maps_take(m, NULL);
	if (snprintf(m->pin_dir, sizeof(m->pin_dir), "%s", pin_dir) >= (int)sizeof(m->pin_dir)) {
		log_err("pin directory %.64s...: longer than %zu bytes", pin_dir,
			sizeof(m->pin_dir) - 1);
		return -ENAMETOOLONG;
	}
	m->nr_cpus = libbpf_num_possible_cpus();
	return m->nr_cpus < 0 ? m->nr_cpus : 0;
}

/* The skeleton with pin_dir as its pin root, opened: ELF parsed, nothing
 * loaded into the kernel.  Logs failures. */
static int skel_open(const char *pin_dir, struct asclass_bpf **skel)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = pin_dir);
	int err;

	*skel = asclass_bpf__open_opts(&oo);
	if (*skel)
		return 0;
	err = -errno;
	log_err("open BPF object: %s", errstr(err));
	return err;
}

/* Points each pinned map of obj at the map pinned under its pin path (maps
 * without one, such as global data, belong to one loaded object only). */
static int reuse_pinned(struct bpf_object *obj, const char *pin_dir)
{
	struct bpf_map *map;
	int fd, err;

	bpf_object__for_each_map (map, obj) {
		const char *path = bpf_map__pin_path(map);

		if (!path)
			continue;
		fd = bpf_obj_get(path);
		err = fd < 0 ? -errno : bpf_map__reuse_fd(map, fd);
		if (fd >= 0)
			close(fd); /* the map holds a dup */
		if (err == -ENOENT)
			log_err("no asclass maps in %s (%s missing): run 'asclass attach' or "
				"'asclass routes load' first",
				pin_dir, bpf_map__name(map));
		else if (err)
			log_err("open pinned map %s: %s", path, errstr(err));
		if (err)
			return err;
	}
	return 0;
}

/* A 0.2 asc_counts (a per-CPU array) stays until an attach or `routes
 * load` upgrades it; until then its slots are not read (each holds one
 * value per CPU where a row holds one), and a warning says why. */
static void skip_old_counts(struct asc_maps *m, const char *pin_dir)
{
	if (bpf_map__type(m->skel->maps.asc_counts) == BPF_MAP_TYPE_ARRAY)
		return;
	log_warn("%s/asc_counts was made by an older asclass: its counters show once "
		 "'asclass attach' or 'asclass routes load' has upgraded it to the " ASC_ABI_VERSION
		 " layout",
		 pin_dir);
	m->counts_max = 0;
}

int maps_open(const char *pin_dir, struct asc_maps *m)
{
	struct asclass_bpf *skel;
	int err;

	err = maps_init(m, pin_dir);
	if (!err)
		err = skel_open(pin_dir, &skel);
	if (err)
		return err;
	err = reuse_pinned(skel->obj, pin_dir);
	if (err) {
		asclass_bpf__destroy(skel);
		return err;
	}
	maps_take(m, skel);
	skip_old_counts(m, pin_dir);
	return 0;
}

/* Who holds the flock on fd's file, from /proc/locks: " (pid N, COMM)",
 * or "" when that cannot be told (waiters' lines start with "->"). */
static void lock_holder(int fd, char *buf, size_t len)
{
	char line[256], comm[32] = "", path[64];
	struct stat st;
	FILE *f;

	buf[0] = 0;
	if (fstat(fd, &st) || !(f = fopen("/proc/locks", "re")))
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned int maj, min;
		unsigned long ino;
		FILE *c;
		int pid;

		if (sscanf(line, "%*d: FLOCK %*s %*s %d %x:%x:%lu", &pid, &maj, &min, &ino) != 4 ||
		    maj != major(st.st_dev) || min != minor(st.st_dev) || ino != st.st_ino)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/comm", pid);
		c = fopen(path, "re");
		if (c && fgets(comm, sizeof(comm), c))
			comm[strcspn(comm, "\n")] = 0;
		if (c)
			fclose(c);
		snprintf(buf, len, " (pid %d%s%s)", pid, comm[0] ? ", " : "", comm);
		break;
	}
	fclose(f);
}

/* How long counts_lock() waits quietly.  Readers hold the fold lock for
 * one read of asc_counts (0.3-0.8 s at 400k slots, docs/BENCHMARKS.md) and
 * a fold for less; past this the holder is named in the log, once per wait.
 * maps_lock() names the holder at once: loads are seldom. */
#define FOLD_LOCK_QUIET_S 2

/* flock(fd, how), waiting for it: tried without blocking every millisecond
 * for quiet_s seconds, then, if another process still holds it, the wait is
 * logged, naming the lock (`what`) and the holder (pid and name), and the
 * lock waited for.  A process stopped while it holds the lock holds every
 * waiter up, so the log says who it is.  0 once taken, else an errno. */
static int flock_wait(int fd, int how, int quiet_s, const char *path, const char *what)
{
	const struct timespec tick = { 0, 1000000 };
	char who[64];

	for (int i = 0;; i++) {
		if (!flock(fd, how | LOCK_NB))
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return errno;
		if (i >= quiet_s * 1000)
			break;
		nanosleep(&tick, NULL);
	}
	lock_holder(fd, who, sizeof(who));
	if (quiet_s)
		log_info("%s: another process has held the %s for %d s%s: waiting for it", path,
			 what, quiet_s, who);
	else
		log_info("%s: another process holds the %s%s: waiting for it", path, what, who);
	while (flock(fd, how))
		if (errno != EINTR) /* a signal: wait on */
			return errno;
	return 0;
}

int counts_lock(const struct asc_maps *m, int how)
{
	static atomic_bool told;
	char path[PATH_MAX + 16];
	int fd, err = ENOENT;

	if (m->pin_dir[0] &&
	    snprintf(path, sizeof(path), "%s/asc_retired", m->pin_dir) < (int)sizeof(path)) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		err = fd < 0 ? errno : flock_wait(fd, how, FOLD_LOCK_QUIET_S, path, "fold lock");
		if (!err)
			return fd;
		if (fd >= 0)
			close(fd);
	}
	if (!atomic_exchange(&told, true))
		log_warn("lock %s/asc_retired: %s: a read of the counters beside a slot fold may "
			 "count the folded slot twice, or not at all",
			 m->pin_dir[0] ? m->pin_dir : "(no pin directory)", strerror(err));
	return -1;
}

void maps_close(struct asc_maps *m)
{
	asclass_bpf__destroy(m->skel); /* closes every map's fd */
	maps_take(m, NULL);
}

int bpffs_prepare(const char *dir)
{
	char parent[PATH_MAX], *slash;
	struct statfs st;

	snprintf(parent, sizeof(parent), "%s", dir);
	slash = strrchr(parent, '/');
	if (slash && slash != parent)
		*slash = 0;
	if (statfs(parent, &st) == 0 && st.f_type == BPF_FS_MAGIC)
		goto mkdir;
	/* Not on a bpffs: mount one at /sys/fs/bpf, as iproute2 does. */
	if (!strncmp(dir, "/sys/fs/bpf", 11) &&
	    mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700")) {
		log_err("mount bpffs on /sys/fs/bpf: %s", strerror(errno));
		return -errno;
	}
	if (statfs(parent, &st) || st.f_type != BPF_FS_MAGIC) {
		log_err("%s is not on a BPF filesystem (mount -t bpf bpf %s)", dir, parent);
		return -ENOTSUP;
	}
mkdir:
	if (mkdir(dir, 0700) && errno != EEXIST) {
		log_err("create pin directory %s: %s", dir, strerror(errno));
		return -errno;
	}
	return 0;
}

/* What the kernel says of the map pinned at path: 0, -ENOENT when nothing
 * is pinned there, else -errno (logged). */
static int pinned_info(const char *path, struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);
	int fd, err;

	if (!path || access(path, F_OK))
		return -ENOENT;
	memset(info, 0, sizeof(*info));
	fd = bpf_obj_get(path);
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, info, &len)) {
		err = -errno;
		log_err("%s: cannot read the pinned map: %s", path, errstr(err));
		if (fd >= 0)
			close(fd);
		return err == -ENOENT ? -EIO : err;
	}
	close(fd);
	return 0;
}

/* A map pinned by an asclass with another layout cannot be reused: libbpf
 * would only say "parameter mismatch".  Names the map, what differs and
 * what to do. */
static int check_pinned(struct bpf_object *obj)
{
	struct bpf_map *map;
	int err = 0;

	bpf_object__for_each_map (map, obj) {
		const char *path = bpf_map__pin_path(map);
		struct bpf_map_info info;
		int e = pinned_info(path, &info);

		if (e == -ENOENT)
			continue;
		if (e)
			return e;

		const struct {
			const char *what;
			unsigned int have, want;
		} f[] = {
			{ "map type", info.type, bpf_map__type(map) },
			{ "key size", info.key_size, bpf_map__key_size(map) },
			{ "value size", info.value_size, bpf_map__value_size(map) },
			{ "max entries", info.max_entries, bpf_map__max_entries(map) },
			{ "flags", info.map_flags, bpf_map__map_flags(map) },
		};
		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
			if (f[i].have == f[i].want)
				continue;
			log_err("%s was pinned by an asclass with another map layout (%s %u, this "
				"one needs %u): detach every link, remove it and run this again; "
				"route tables come back with the next 'routes load', counters in a "
				"removed asc_counts are lost",
				path, f[i].what, f[i].have, f[i].want);
			err = -EINVAL;
			break;
		}
	}
	return err;
}

int counts_rows(unsigned int slots, int ncpus, __u32 *rows)
{
	unsigned long long n = (unsigned long long)slots * (unsigned int)ncpus;
	unsigned long long max = ASC_COUNTS_MAX_BYTES / sizeof(struct asc_count) / ncpus;

	if (n * sizeof(struct asc_count) > ASC_COUNTS_MAX_BYTES) {
		log_err("asc_counts: %u counter slots x %d CPUs x %zu bytes = %llu MiB, over the "
			"kernel's array limit of 4 GiB: at most %llu slots with %d CPUs",
			slots, ncpus, sizeof(struct asc_count),
			(n * sizeof(struct asc_count)) >> 20, max, ncpus);
		return -E2BIG;
	}
	*rows = (__u32)n;
	return 0;
}

/* The slots of a pinned asc_counts: an array of ncpus rows per slot, or a
 * 0.2 per-CPU array (slots kept by the upgrade); 0 for a 0.1 hash (the
 * upgrade folds it, a new array takes the default size). */
static unsigned int pinned_slots(const struct bpf_map_info *info, int ncpus)
{
	if (info->type == BPF_MAP_TYPE_PERCPU_ARRAY)
		return info->max_entries;
	if (info->type == BPF_MAP_TYPE_ARRAY)
		return info->max_entries / ncpus;
	return 0;
}

int maps_size_counts(struct asclass_bpf *skel, unsigned int counters)
{
	struct bpf_map *map = skel->maps.asc_counts;
	const char *path = bpf_map__pin_path(map);
	int ncpus = libbpf_num_possible_cpus();
	unsigned int slots = counters ? counters : ASC_MAX_COUNTERS, have = 0;
	struct bpf_map_info info;
	__u32 rows;
	int err;

	if (ncpus < 0)
		return ncpus;
	err = pinned_info(path, &info);
	if (err && err != -ENOENT)
		return err;
	if (!err)
		have = pinned_slots(&info, ncpus);
	if (have && counters && counters != have) {
		log_err("%s holds %u counter slots and %u were asked for: a map cannot be resized; "
			"to resize, save what 'asclass stats' shows, detach every link, remove %s "
			"and attach again (its counters are lost)",
			path, have, counters, path);
		return -EEXIST;
	}
	err = counts_rows(have ? have : slots, ncpus, &rows);
	return err ? err : bpf_map__set_max_entries(map, rows);
}

int maps_lock(const struct asc_maps *m)
{
	/* a new open file description each time: flock belongs to it */
	int lock = open(m->pin_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* a load or an attach of the same maps, usually over in a second */
	int err = lock < 0 ? -errno : -flock_wait(lock, LOCK_EX, 0, m->pin_dir, "loaders' lock");

	if (err) {
		log_err("lock %s: %s", m->pin_dir[0] ? m->pin_dir : "(no pin directory)",
			strerror(-err));
		if (lock >= 0)
			close(lock);
		return err;
	}
	return lock;
}

/* Writes asc_state.ncpus, the rows per slot the data plane indexes
 * asc_counts by, unless it holds that already (new maps, an upgrade). */
static int state_ncpus(const struct asc_maps *m)
{
	struct asc_state st;
	int lock, err;

	err = state_read(m, &st);
	if (err || st.ncpus == (__u16)m->nr_cpus)
		return err;
	lock = maps_lock(m); /* against a table swap's read-modify-write */
	if (lock < 0)
		return lock;
	err = state_read(m, &st);
	st.ncpus = (__u16)m->nr_cpus;
	if (!err)
		err = state_write(m, &st);
	close(lock);
	if (err)
		log_err("asc_state: write the CPU count: %s", errstr(err));
	return err;
}

static int create(const char *pin_dir, unsigned int counters, struct asc_maps *m, bool finish)
{
	struct asclass_bpf *skel;
	struct bpf_program *p;
	bool upgrade;
	int err;

	err = maps_init(m, pin_dir);
	if (!err)
		err = bpffs_prepare(pin_dir);
	if (!err)
		err = skel_open(pin_dir, &skel);
	if (err)
		return err;
	/* sized (from a 0.2 asc_counts too) before older maps are moved
	 * aside, so that new ones are created */
	err = maps_size_counts(skel, counters);
	if (!err)
		err = migrate_begin(pin_dir, skel->obj, &upgrade);
	if (!err)
		err = check_pinned(skel->obj);
	if (err)
		goto fail;
	/* Loading the object reuses every pinned map that is there and creates
	 * and pins the missing ones, after an upgrade too.  No program is
	 * loaded, let alone attached. */
	bpf_object__for_each_program (p, skel->obj)
		bpf_program__set_autoload(p, false);
	err = asclass_bpf__load(skel);
	if (err) {
		log_err("create maps in %s: %s", pin_dir, errstr(err));
		goto fail;
	}
	maps_take(m, skel);
	m->upgraded = upgrade;
	err = state_ncpus(m);
	if (!err && upgrade && finish)
		err = migrate_finish(pin_dir, m);
	if (err) {
		maps_close(m);
		return err;
	}
	return 0;
fail:
	asclass_bpf__destroy(skel);
	return err;
}

int maps_create(const char *pin_dir, unsigned int counters, struct asc_maps *m)
{
	return create(pin_dir, counters, m, true);
}

int maps_create_defer(const char *pin_dir, unsigned int counters, struct asc_maps *m)
{
	return create(pin_dir, counters, m, false);
}

size_t map_memlock(int fd)
{
	char path[64], line[128];
	size_t v = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	fp = fopen(path, "re");
	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp))
		if (sscanf(line, "memlock: %zu", &v) == 1)
			break;
	fclose(fp);
	return v;
}

int state_read(const struct asc_maps *m, struct asc_state *st)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(m->state, &zero, st) ? -errno : 0;
}

int state_write(const struct asc_maps *m, const struct asc_state *st)
{
	__u32 zero = 0;

	return bpf_map_update_elem(m->state, &zero, st, BPF_ANY) ? -errno : 0;
}

int counter_row_cmp(const void *a, const void *b)
{
	const struct asc_count_key *x = &((const struct counter_row *)a)->key;
	const struct asc_count_key *y = &((const struct counter_row *)b)->key;

	if (x->upstream_id != y->upstream_id)
		return x->upstream_id < y->upstream_id ? -1 : 1;
	if (x->dir != y->dir)
		return x->dir < y->dir ? -1 : 1;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if (x->origin_asn != y->origin_asn)
		return x->origin_asn < y->origin_asn ? -1 : 1;
	if (x->transit_asn != y->transit_asn)
		return x->transit_asn < y->transit_asn ? -1 : 1;
	if (((const struct counter_row *)a)->path != ((const struct counter_row *)b)->path)
		return ((const struct counter_row *)a)->path < ((const struct counter_row *)b)->path
			       ? -1
			       : 1;
	return 0;
}

/* Slots of counts_foreach()'s first batch, doubled each batch up to
 * COUNTS_BATCH: most scrapes of a daemon with little traffic end in it. */
#define COUNTS_FIRST_BATCH 64U

int counts_foreach(const struct asc_maps *m, counts_fn *fn, void *ctx)
{
	LIBBPF_OPTS(bpf_map_batch_opts, bo);
	size_t per = (size_t)m->nr_cpus, max = COUNTS_BATCH * per, batch = COUNTS_FIRST_BATCH * per;
	uint32_t *keys = malloc(max * sizeof(*keys)), out, n;
	struct asc_count *vals = malloc(max * sizeof(*vals));
	void *in = NULL;
	int err = 0, ret;

	if (!m->counts_max) /* none, or not readable as rows (skip_old_counts()) */
		goto out;
	if (!keys || !vals) {
		err = -ENOMEM;
		goto out;
	}
	do {
		bool free_seen = false;

		/* whole slots per batch: batch rows from row 0 on, and the
		 * array holds a multiple of per */
		n = (uint32_t)batch;
		ret = bpf_map_lookup_batch(m->counts, in, &out, keys, vals, &n, &bo);
		if (ret && errno != ENOENT) {
			err = -errno;
			break;
		}
		for (size_t i = 0; i + per <= n && !err; i += per) {
			free_seen |= keys[i] >= per && !vals[i].family;
			err = fn(ctx, keys[i] / (uint32_t)per, &vals[i]);
		}
		/* Slots are handed out lowest first and never given back (an
		 * idle one is folded and reused at once), so the slots in use
		 * are 1..N: past the first free one, all are free. */
		if (free_seen)
			break;
		in = &out;
		batch = batch * 2 < max ? batch * 2 : max;
	} while (!ret && !err);
out:
	free(keys);
	free(vals);
	return err;
}

int count_read(const struct asc_maps *m, uint32_t slot, struct asc_count *rows)
{
	for (int c = 0; c < m->nr_cpus; c++) {
		__u32 row = slot * (__u32)m->nr_cpus + (__u32)c;

		if (bpf_map_lookup_elem(m->counts, &row, &rows[c]))
			return -errno;
	}
	return 0;
}

int count_write(const struct asc_maps *m, uint32_t slot, const struct asc_count *rows)
{
	return counts_write(m, &slot, 1, rows);
}

int counts_write(const struct asc_maps *m, const uint32_t *slot, size_t n,
		 const struct asc_count *rows)
{
	LIBBPF_OPTS(bpf_map_batch_opts, bo);
	__u32 per = (__u32)m->nr_cpus, nrows = (__u32)(n * per);
	__u32 *keys = malloc((nrows ? nrows : 1) * sizeof(*keys));
	int err = 0;

	if (!keys)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		for (__u32 c = 0; c < per; c++)
			keys[i * per + c] = slot[i] * per + c;
	if (nrows && bpf_map_update_batch(m->counts, keys, rows, &nrows, &bo))
		err = -errno;
	free(keys);
	return err;
}

struct rows {
	struct counter_row *v;
	size_t n, cap;
	int nr_cpus;
};

/* Appends a row with counts `val` unless it counted nothing. */
static int rows_add(struct rows *r, const struct asc_slot_key *id, enum asc_dir dir,
		    const struct asc_count_val *val)
{
	if (!val->packets && !val->bytes)
		return 0;
	if (r->n == r->cap) {
		void *p = realloc(r->v, (r->cap = r->cap ? r->cap * 2 : 256) * sizeof(*r->v));

		if (!p)
			return -ENOMEM;
		r->v = p;
	}
	r->v[r->n++] = (struct counter_row){
		.key = { .origin_asn = id->origin_asn,
			 .transit_asn = id->transit_asn,
			 .upstream_id = id->upstream_id,
			 .dir = (uint8_t)dir,
			 .family = id->family },
		.val = *val,
		.path = id->path,
	};
	return 0;
}

static int rows_add_pair(struct rows *r, const struct asc_slot_key *id,
			 const struct asc_count_val *rx, const struct asc_count_val *tx)
{
	int err = rows_add(r, id, ASC_DIR_RX, rx);

	return err ? err : rows_add(r, id, ASC_DIR_TX, tx);
}

void count_sum(const struct asc_count *rows, int nr_cpus, struct asc_count_val *rx,
	       struct asc_count_val *tx)
{
	*rx = *tx = (struct asc_count_val){ 0 };
	for (int c = 0; c < nr_cpus; c++) {
		rx->packets += rows[c].rx.packets;
		rx->bytes += rows[c].rx.bytes;
		tx->packets += rows[c].tx.packets;
		tx->bytes += rows[c].tx.bytes;
	}
}

void count_identity(const struct asc_count *c, struct asc_slot_key *id)
{
	*id = (struct asc_slot_key){ .origin_asn = c->origin_asn,
				     .transit_asn = c->transit_asn,
				     .upstream_id = c->upstream_id,
				     .family = c->family,
				     .path = c->path };
}

static int slot_rows(void *ctx, uint32_t slot, const struct asc_count *rows)
{
	struct rows *r = ctx;
	struct asc_count_val rx, tx;
	struct asc_slot_key id;

	if (!slot || !rows->family)
		return 0;
	count_identity(rows, &id);
	count_sum(rows, r->nr_cpus, &rx, &tx);
	return rows_add_pair(r, &id, &rx, &tx);
}

static int retired_rows(const struct asc_maps *m, struct rows *r)
{
	struct asc_slot_key key, next, *prev = NULL;
	struct asc_retired_val v;
	int err = 0;

	while (!err && bpf_map_get_next_key(m->retired, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(m->retired, &key, &v))
			continue; /* deleted meanwhile */
		err = rows_add_pair(r, &key, &v.rx, &v.tx);
	}
	return err;
}

/* Sums rows of one (upstream, dir, family, origin, transit, path) into one:
 * a live slot and the retired counts of the same identity. */
static size_t rows_merge(struct counter_row *v, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (o && !counter_row_cmp(&v[o - 1], &v[i])) {
			v[o - 1].val.packets += v[i].val.packets;
			v[o - 1].val.bytes += v[i].val.bytes;
			continue;
		}
		v[o++] = v[i];
	}
	return o;
}

int counters_read(const struct asc_maps *m, struct counter_row **rows, size_t *n)
{
	struct rows r = { .nr_cpus = m->nr_cpus };
	int lock = counts_lock(m, LOCK_SH), err;

	err = counts_foreach(m, slot_rows, &r);
	if (!err)
		err = retired_rows(m, &r);
	if (lock >= 0)
		close(lock);
	if (err) {
		free(r.v);
		return err;
	}
	if (r.n)
		qsort(r.v, r.n, sizeof(*r.v), counter_row_cmp);
	*rows = r.v;
	*n = rows_merge(r.v, r.n);
	return 0;
}

static int slot_used(void *ctx, uint32_t slot, const struct asc_count *rows)
{
	*(size_t *)ctx += slot && rows->family;
	return 0;
}

int counters_slots_used(const struct asc_maps *m, size_t *n)
{
	*n = 0;
	return counts_foreach(m, slot_used, n);
}

/* Every value of an array map of n elements (keys 0..n-1) into vals, in
 * key order, in one system call where a lookup each took n (a per-CPU map's
 * value is nr_cpus of them).  Returns 0 or -errno. */
static int array_read(int fd, __u32 n, void *vals)
{
	LIBBPF_OPTS(bpf_map_batch_opts, bo);
	__u32 *keys = malloc(n * sizeof(*keys)), got = n, next;
	int err = 0;

	if (!keys)
		return -ENOMEM;
	if (bpf_map_lookup_batch(fd, NULL, &next, keys, vals, &got, &bo) && errno != ENOENT)
		err = -errno;
	else if (got != n)
		err = -EIO;
	free(keys);
	return err;
}

int overflow_read(const struct asc_maps *m, struct asc_overflow_val out[ASC_MAX_UPSTREAMS])
{
	struct asc_overflow_val *vals =
		malloc(ASC_MAX_UPSTREAMS * (size_t)m->nr_cpus * sizeof(*vals));
	int err = vals ? array_read(m->overflow, ASC_MAX_UPSTREAMS, vals) : -ENOMEM;

	memset(out, 0, sizeof(*out) * ASC_MAX_UPSTREAMS);
	for (__u32 i = 0; !err && i < ASC_MAX_UPSTREAMS; i++)
		for (int c = 0; c < m->nr_cpus; c++)
			for (int d = 0; d < ASC_DIR_MAX; d++) {
				const struct asc_count_val *v = &vals[i * m->nr_cpus + c].dir[d];

				out[i].dir[d].packets += v->packets;
				out[i].dir[d].bytes += v->bytes;
			}
	free(vals);
	return err;
}

int stats_read(const struct asc_maps *m, uint64_t out[ASC_STAT_MAX])
{
	struct asc_stats *vals = calloc(m->nr_cpus, sizeof(*vals));
	__u32 zero = 0;
	int err = 0;

	if (!vals)
		return -ENOMEM;
	memset(out, 0, ASC_STAT_MAX * sizeof(*out));
	if (bpf_map_lookup_elem(m->stats, &zero, vals))
		err = -errno;
	for (int c = 0; !err && c < m->nr_cpus; c++)
		for (int i = 0; i < ASC_STAT_MAX; i++)
			out[i] += ((const __u64 *)&vals[c])[i];
	free(vals);
	return err;
}

/* The interface-wide links of asc_ifaces, as rows keyed (ifindex, any);
 * the whole array in one batch read. */
static size_t iface_links(const struct asc_maps *m, struct link_row *out, size_t max)
{
	LIBBPF_OPTS(bpf_map_batch_opts, bo);
	/* not cleared: the batch fills the n read (a scrape read 200 KiB less) */
	__u32 *keys = malloc(ASC_MAX_IFINDEX * sizeof(*keys)), n = ASC_MAX_IFINDEX, next;
	struct asc_iface *v = malloc(ASC_MAX_IFINDEX * sizeof(*v));
	size_t cnt = 0;

	if (keys && v &&
	    (!bpf_map_lookup_batch(m->ifaces, NULL, &next, keys, v, &n, &bo) || errno == ENOENT))
		for (__u32 i = 0; i < n && cnt < max; i++)
			if (v[i].any.upstream_id)
				out[cnt++] = (struct link_row){ .key = { .ifindex = keys[i],
									 .vlan_id = ASC_VLAN_ANY },
								.val = v[i].any };
	free(keys);
	free(v);
	return cnt;
}

int links_read(const struct asc_maps *m, struct link_row **rows, size_t *n)
{
	struct asc_link_key key, next, *prev = NULL;
	struct link_row *out = NULL;
	size_t cnt = 0, max = ASC_MAX_LINKS + ASC_MAX_IFINDEX;

	out = malloc(max * sizeof(*out)); /* rows 0..cnt are written whole */
	if (!out)
		return -ENOMEM;
	cnt = iface_links(m, out, max);
	while (cnt < max && bpf_map_get_next_key(m->links, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(m->links, &key, &out[cnt].val))
			continue;
		out[cnt].key = key;
		cnt++;
	}
	*rows = out;
	*n = cnt;
	return 0;
}

int upstreams_read(const struct asc_maps *m, struct asc_upstream out[ASC_MAX_UPSTREAMS])
{
	return array_read(m->upstreams, ASC_MAX_UPSTREAMS, out);
}

const char *upstream_name(const struct asc_upstream *ups, unsigned int id, char *buf, size_t len)
{
	if (!id)
		snprintf(buf, len, "-");
	else if (id < ASC_MAX_UPSTREAMS && ups[id].name[0])
		snprintf(buf, len, "%.*s", ASC_NAME_LEN, ups[id].name);
	else
		snprintf(buf, len, "#%u", id);
	return buf;
}
