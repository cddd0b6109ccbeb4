// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/dataplane/attach.c - putting the classifier on border links and taking it off.
 *
 * Each attach opens its own skeleton (build/asclass.skel.h) with the pin
 * directory as pin root, so every object shares the same pinned maps.  The
 * XDP object is handed to libxdp (which must load it itself: in dispatcher
 * mode the program is loaded as an freplace extension); the tc object is
 * loaded here and put on egress: through a tcx link where the kernel has tcx
 * (6.6+), else, or when asked, as a filter on a clsact qdisc.
 */
#include <errno.h>
#include <limits.h>
#include <unistd.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include <linux/if_link.h>

#include "asclass.skel.h"
#include "common/log.h"
#include "dataplane/attach.h"
#include "dataplane/fib.h"
#include "dataplane/maps.h"
#include "dataplane/migrate.h"
#include "dataplane/slots.h"

/* tcx (kernel 6.6+): tc programs attached through a BPF link, which we pin
 * so the attachment outlives this process; the link also gives atomic
 * program replacement.  The uapi value is fixed; Debian 12's <linux/bpf.h>
 * predates it. */
#define ASC_BPF_TCX_EGRESS 47
/* ... and its flag for "in front of the programs already there" (no
 * relative program: the first). */
#define ASC_BPF_F_BEFORE (1U << 3)

static void tcx_pin_path(const char *pin_dir, int ifindex, char *buf, size_t len)
{
	snprintf(buf, len, "%s/tcx_egress_%d", pin_dir, ifindex);
}

/* Returns 0, or -EINVAL/-EOPNOTSUPP-ish errors when the kernel has no tcx.
 * A new link goes in front of the programs already on the hook (another
 * asclass install's, anyone's): ours returns no verdict, so they all still
 * run, while an older asclass_tc in front (it returned TC_ACT_OK, which
 * ends the hook) would keep ours from seeing anything. */
static int tcx_attach(const char *pin_dir, int ifindex, int prog_fd, bool replace)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = ASC_BPF_F_BEFORE);
	char path[PATH_MAX];
	int fd, err;

	tcx_pin_path(pin_dir, ifindex, path, sizeof(path));
	if (replace) {
		fd = bpf_obj_get(path);
		if (fd >= 0) {
			err = bpf_link_update(fd, prog_fd, NULL) ? -errno : 0;
			close(fd);
			return err;
		}
	}
	fd = bpf_link_create(prog_fd, ifindex, (enum bpf_attach_type)ASC_BPF_TCX_EGRESS, &lo);
	if (fd < 0)
		return -errno;
	unlink(path); /* a stale pin of a defunct link */
	err = bpf_obj_pin(fd, path) ? -errno : 0;
	if (err)
		bpf_link_detach(fd);
	close(fd);
	return err;
}

static int tcx_detach(const char *pin_dir, int ifindex)
{
	char path[PATH_MAX];
	int fd, err;

	tcx_pin_path(pin_dir, ifindex, path, sizeof(path));
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	err = bpf_link_detach(fd) ? -errno : 0;
	close(fd);
	unlink(path);
	return err;
}

static const char *xdp_errstr(int err)
{
	static __thread char buf[128];

	libxdp_strerror(err, buf, sizeof(buf));
	return buf;
}

/* A fresh skeleton sharing the pinned maps, with only `prog` set to load;
 * NULL and errno on failure. */
static struct asclass_bpf *open_skel(const char *pin_dir, const char *prog)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = pin_dir);
	struct asclass_bpf *skel;
	struct bpf_program *p;
	int err;

	skel = asclass_bpf__open_opts(&oo);
	if (!skel)
		return NULL;
	/* asc_counts is pinned by now (asc_attach creates the maps first);
	 * take its size, which may not be the default */
	err = maps_size_counts(skel, 0);
	if (err) {
		asclass_bpf__destroy(skel);
		errno = -err;
		return NULL;
	}
	bpf_object__for_each_program (p, skel->obj)
		bpf_program__set_autoload(p, !strcmp(bpf_program__name(p), prog));
	return skel;
}

/* Whether program prog_id uses the map map_id: whether it counts into the
 * maps whose map that is.  The kernel says how many maps the program has,
 * then names them. */
static bool prog_uses_map(__u32 prog_id, __u32 map_id)
{
	struct bpf_prog_info pi = { 0 };
	__u32 len = sizeof(pi), *ids = NULL, n;
	bool found = false;
	int fd = bpf_prog_get_fd_by_id(prog_id);

	if (fd < 0)
		return false;
	if (bpf_obj_get_info_by_fd(fd, &pi, &len) || !(n = pi.nr_map_ids) ||
	    !(ids = calloc(n, sizeof(*ids))))
		goto out;
	memset(&pi, 0, sizeof(pi));
	pi.nr_map_ids = n;
	pi.map_ids = (__u64)(unsigned long)ids;
	len = sizeof(pi);
	if (bpf_obj_get_info_by_fd(fd, &pi, &len))
		goto out;
	for (__u32 i = 0; i < n && i < pi.nr_map_ids && !found; i++)
		found = ids[i] == map_id;
out:
	free(ids);
	close(fd);
	return found;
}

/* Whether p is our XDP program: named so and using the map map_id (a
 * program of another install, another pin directory, is named so too). */
static bool xdp_ours(struct xdp_program *p, __u32 map_id)
{
	return p && !strcmp(xdp_program__name(p), ASC_PROG_XDP) &&
	       prog_uses_map(xdp_program__id(p), map_id);
}

/* Our XDP program on ifindex, as libxdp sees it: the one that uses the map
 * map_id; NULL if none.  *mpp must be closed by the caller when set. */
static struct xdp_program *find_xdp(int ifindex, __u32 map_id, struct xdp_multiprog **mpp)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex);
	struct xdp_program *p;

	*mpp = NULL;
	if (libxdp_get_error(mp) || !mp)
		return NULL;
	*mpp = mp;
	if (xdp_multiprog__is_legacy(mp)) {
		p = xdp_multiprog__main_prog(mp);
		return xdp_ours(p, map_id) ? p : NULL;
	}
	for (p = xdp_multiprog__next_prog(NULL, mp); p; p = xdp_multiprog__next_prog(p, mp))
		if (xdp_ours(p, map_id))
			return p;
	return NULL;
}

static const char *mode_name(enum xdp_attach_mode m)
{
	switch (m) {
	case XDP_MODE_NATIVE:
		return "native";
	case XDP_MODE_SKB:
		return "skb";
	case XDP_MODE_HW:
		return "hw";
	default:
		return "-";
	}
}

/* The tcx egress program on ifindex in this network namespace that uses
 * map_id, in *prog_id; -ENOENT if none (-EINVAL: no tcx).  The kernel says
 * how many programs the hook has, then names them. */
static int tcx_query_here(int ifindex, __u32 map_id, unsigned int *prog_id)
{
	enum bpf_attach_type type = (enum bpf_attach_type)ASC_BPF_TCX_EGRESS;
	LIBBPF_OPTS(bpf_prog_query_opts, q);
	__u32 *ids, cap;
	int err = -ENOENT;

	/* target_fd is the kernel's target_ifindex (a union) for tcx */
	if (bpf_prog_query_opts(ifindex, type, &q))
		return -errno;
	cap = q.prog_cnt;
	if (!cap)
		return -ENOENT;
	ids = calloc(cap, sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	q.prog_ids = ids;
	/* -ENOSPC: more were attached meanwhile; the first cap are named */
	if (bpf_prog_query_opts(ifindex, type, &q) && errno != ENOSPC)
		err = -errno;
	for (__u32 i = 0; err == -ENOENT && i < cap && i < q.prog_cnt; i++)
		if (prog_uses_map(ids[i], map_id)) {
			*prog_id = ids[i];
			err = 0;
		}
	free(ids);
	return err;
}

/* Whether our tc program (the one that uses the map map_id) is on ifindex's
 * egress. */
static void tc_query(int ifindex, __u32 map_id, struct attach_info *info)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, tco, .handle = ASC_TC_HANDLE, .priority = ASC_TC_PRIORITY);

	if (!tcx_query_here(ifindex, map_id, &info->tc_prog_id)) {
		info->tc = true;
		info->tc_hook = "tcx";
	} else if (bpf_tc_query(&hook, &tco) == 0 && prog_uses_map(tco.prog_id, map_id)) {
		info->tc = true;
		info->tc_hook = "clsact";
		info->tc_prog_id = tco.prog_id;
	}
}

/* Nothing attached. */
static void info_clear(struct attach_info *info)
{
	memset(info, 0, sizeof(*info));
	info->xdp_mode = "-";
	info->tc_hook = "-";
}

static void query(int ifindex, __u32 map_id, struct attach_info *info)
{
	struct xdp_multiprog *mp;
	struct xdp_program *p;

	info_clear(info);
	p = find_xdp(ifindex, map_id, &mp);
	if (p) {
		info->xdp = true;
		info->dispatcher = !xdp_multiprog__is_legacy(mp);
		info->xdp_mode = mode_name(xdp_multiprog__attach_mode(mp));
		info->xdp_prog_id = xdp_program__id(p);
	}
	if (mp)
		xdp_multiprog__close(mp);
	tc_query(ifindex, map_id, info);
}

/* The id of m's asc_ifaces, which every program of this install uses; 0
 * if unknown. */
static __u32 ifaces_id(const struct asc_maps *m)
{
	struct bpf_map_info mi = { 0 };
	__u32 len = sizeof(mi);

	return m && !bpf_obj_get_info_by_fd(m->ifaces, &mi, &len) ? mi.id : 0;
}

bool attach_query_own(const struct asc_maps *m, int ifindex, struct attach_info *info)
{
	__u32 id = ifaces_id(m);

	info_clear(info);
	if (!id)
		return false;
	query(ifindex, id, info);
	return info->xdp || info->tc;
}

/* A program on one of the interface's hooks that is not this install's,
 * where ours cannot go beside it: the single XDP program (libxdp's
 * dispatcher takes ours beside whatever it runs), or the clsact filter at
 * asclass's handle and priority (tcx takes ours beside anything). */
#define XDP_PLACE "XDP (a single program: no libxdp dispatcher to run two)"
#define CLSACT_PLACE "tc egress (the clsact filter at asclass's handle and priority)"

struct holder {
	unsigned int id; /* 0: none */
	char name[BPF_OBJ_NAME_LEN];
	const char *xdp_mode; /* the XDP program's: "native", "skb", "hw" */
};

/* Whether h is another asclass install's program (named as ours, `prog`):
 * one that --replace may take the hook from.  Anyone else's is never
 * replaced. */
static bool holder_asclass(const struct holder *h, const char *prog)
{
	return h->id && !strcmp(h->name, prog);
}

static void prog_name(__u32 id, char *buf, size_t len)
{
	struct bpf_prog_info pi = { 0 };
	__u32 il = sizeof(pi);
	int fd = bpf_prog_get_fd_by_id(id);

	snprintf(buf, len, "?");
	if (fd < 0)
		return;
	if (!bpf_obj_get_info_by_fd(fd, &pi, &il))
		snprintf(buf, len, "%s", pi.name);
	close(fd);
}

/* The single XDP program on ifindex (call it where ours is not there). */
static void xdp_holder(int ifindex, struct holder *h)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex);
	struct xdp_program *p;

	memset(h, 0, sizeof(*h));
	if (libxdp_get_error(mp) || !mp)
		return;
	p = xdp_multiprog__is_legacy(mp) ? xdp_multiprog__main_prog(mp) : NULL;
	if (p) {
		h->id = xdp_program__id(p);
		snprintf(h->name, sizeof(h->name), "%s", xdp_program__name(p));
		h->xdp_mode = mode_name(xdp_multiprog__attach_mode(mp));
	}
	xdp_multiprog__close(mp);
}

/* The BPF program of the clsact egress filter at asclass's handle and
 * priority on ifindex (call it where ours is not there).  A filter of
 * another kind there is not named: the kernel refuses ours beside it. */
static void clsact_holder(int ifindex, struct holder *h)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, tco, .handle = ASC_TC_HANDLE, .priority = ASC_TC_PRIORITY);

	memset(h, 0, sizeof(*h));
	if (bpf_tc_query(&hook, &tco) || !tco.prog_id)
		return;
	h->id = tco.prog_id;
	prog_name(h->id, h->name, sizeof(h->name));
}

/* Whether the hook h holds may be taken (take_over: another asclass
 * install's program may go); if not, says so: what holds it and what to
 * do.  `what` names the hook. */
static bool holder_ok(const struct holder *h, const char *prog, bool take_over, const char *ifname,
		      const char *what)
{
	bool asclass = holder_asclass(h, prog);

	if (!h->id || (asclass && take_over))
		return true;
	if (asclass)
		log_err("%s: %s is held by %s (id %u), another asclass install's (another pin "
			"directory), and cannot take ours beside it: asclass attach --replace "
			"takes the interface over, or detach the other install first (asclass "
			"--pin-dir ITS_DIR detach %s)",
			ifname, what, h->name, h->id, ifname);
	else
		log_err("%s: %s is held by %s (id %u), not asclass's, and cannot take ours beside "
			"it; asclass does not replace it: remove it first%s",
			ifname, what, h->name, h->id,
			h->xdp_mode ? " (or load it through libxdp's dispatcher, which runs both)"
				    : "");
	return false;
}

static int attach_xdp(const char *pin_dir, int ifindex, const char *ifname, enum attach_mode mode)
{
	enum xdp_attach_mode xm = mode == ATTACH_SKB ? XDP_MODE_SKB : XDP_MODE_NATIVE;
	struct xdp_program *prog;
	struct asclass_bpf *skel;
	int err;

	skel = open_skel(pin_dir, ASC_PROG_XDP);
	if (!skel) {
		err = -errno;
		log_err("open BPF object: %s", errstr(err));
		return err;
	}
	DECLARE_LIBXDP_OPTS(xdp_program_opts, xo, .obj = skel->obj, .prog_name = ASC_PROG_XDP);
	prog = xdp_program__create(&xo);
	err = libxdp_get_error(prog);
	if (err) {
		log_err("prepare XDP program: %s", xdp_errstr(err));
		asclass_bpf__destroy(skel);
		return err;
	}
	err = xdp_program__attach(prog, ifindex, xm, 0);
	if (err)
		log_err("attach XDP program to %s (%s mode): %s%s", ifname, mode_name(xm),
			xdp_errstr(err),
			err == -EOPNOTSUPP ? " (the driver may lack native XDP: try --mode skb)"
					   : "");
	xdp_program__close(prog);
	asclass_bpf__destroy(skel);
	return err;
}

/* Swaps the single (non-dispatcher) XDP program old_id, attached in mode
 * old_mode (ours, or another asclass install's taken over), for a freshly
 * loaded one of ours in one netlink request (XDP_FLAGS_REPLACE names the
 * program it replaces, so the kernel refuses if another is there
 * meanwhile).  The interface never runs without a classifier. */
static int replace_xdp(const char *pin_dir, int ifindex, const char *ifname, unsigned int old_id,
		       const char *old_mode)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, xo);
	__u32 flags = XDP_FLAGS_REPLACE;
	struct asclass_bpf *skel;
	int err, old_fd;

	if (!strcmp(old_mode, "skb"))
		flags |= XDP_FLAGS_SKB_MODE;
	else if (!strcmp(old_mode, "native"))
		flags |= XDP_FLAGS_DRV_MODE;
	old_fd = bpf_prog_get_fd_by_id(old_id);
	if (old_fd < 0)
		return -errno;
	skel = open_skel(pin_dir, ASC_PROG_XDP);
	if (!skel) {
		err = -errno;
		goto out_fd;
	}
	err = asclass_bpf__load(skel);
	if (err) {
		log_err("load XDP program: %s (-vv prints the verifier log)", errstr(err));
		goto out;
	}
	xo.old_prog_fd = old_fd;
	err = bpf_xdp_attach(ifindex, bpf_program__fd(skel->progs.asclass_xdp), flags, &xo);
	if (err)
		log_err("replace XDP program on %s: %s", ifname, errstr(err));
out:
	asclass_bpf__destroy(skel);
out_fd:
	close(old_fd);
	return err;
}

/* Our tc program on ifindex's egress through hook_kind; replace: ours is
 * there, swap it.  Else the program at clsact's asclass place may be
 * another asclass install's, which only take_over replaces. */
static int attach_tc(const char *pin_dir, int ifindex, const char *ifname, enum tc_hook hook_kind,
		     bool replace, bool take_over, const char **used)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, tco, .handle = ASC_TC_HANDLE, .priority = ASC_TC_PRIORITY,
		    .flags = BPF_TC_F_REPLACE);
	struct asclass_bpf *skel;
	int err, prog_fd;

	skel = open_skel(pin_dir, ASC_PROG_TC);
	if (!skel) {
		err = -errno;
		log_err("open BPF object: %s", errstr(err));
		return err;
	}
	err = asclass_bpf__load(skel);
	if (err) {
		log_err("load tc program: %s (-vv prints the verifier log)", errstr(err));
		goto out;
	}
	prog_fd = bpf_program__fd(skel->progs.asclass_tc);
	if (hook_kind != TC_HOOK_CLSACT) {
		err = tcx_attach(pin_dir, ifindex, prog_fd, replace);
		if (!err) {
			*used = "tcx";
			goto out;
		}
		if (hook_kind == TC_HOOK_TCX) {
			log_err("attach tc program to %s egress via tcx: %s", ifname, errstr(err));
			goto out;
		}
		log_debug("tcx link on %s: %s; using clsact", ifname, errstr(err));
	}
	if (!replace) {
		struct holder h;

		clsact_holder(ifindex, &h);
		if (!holder_ok(&h, ASC_PROG_TC, take_over, ifname, CLSACT_PLACE)) {
			err = -EBUSY;
			goto out;
		}
		/* An empty place: taken only if still empty (the kernel
		 * refuses a filter that came meanwhile). */
		if (!h.id)
			tco.flags = 0;
	}
	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST) {
		log_err("create clsact qdisc on %s: %s", ifname, errstr(err));
		goto out;
	}
	tco.prog_fd = prog_fd;
	/* BPF_TC_F_REPLACE: an existing filter of ours (or of another install
	 * taken over) is swapped in one netlink request, so the hook is never
	 * empty. */
	err = bpf_tc_attach(&hook, &tco);
	if (err)
		log_err("attach tc program to %s egress: %s", ifname, errstr(err));
	else
		*used = "clsact";
out:
	asclass_bpf__destroy(skel);
	return err;
}

/* Our tc program off ifindex's egress: our pinned tcx link, else the
 * clsact filter at our place if its program uses the map map_id (another
 * install's there stays; map_id 0: none is ours). */
static int detach_tc(const char *pin_dir, int ifindex, __u32 map_id)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, tco, .handle = ASC_TC_HANDLE, .priority = ASC_TC_PRIORITY);
	int err;

	err = tcx_detach(pin_dir, ifindex);
	if (err != -ENOENT)
		return err;
	if (!map_id || bpf_tc_query(&hook, &tco) || !prog_uses_map(tco.prog_id, map_id))
		return -ENOENT;
	tco.prog_id = 0; /* bpf_tc_detach wants only the handle and priority */
	return bpf_tc_detach(&hook, &tco);
}

/* Our XDP program off ifindex: the one that uses map map_id. */
static int detach_xdp(int ifindex, __u32 map_id)
{
	struct xdp_multiprog *mp;
	struct xdp_program *p;
	int err = -ENOENT;

	p = find_xdp(ifindex, map_id, &mp);
	if (p)
		err = xdp_program__detach(p, ifindex, xdp_multiprog__attach_mode(mp), 0);
	if (mp)
		xdp_multiprog__close(mp);
	return err;
}

/* The upstream id for o->upstream: the one it already has, else the lowest
 * unused; records the name (and the AS and neighbor, when given) in
 * asc_upstreams.
 * *up is its entry as written. */
static int upstream_id_for(const struct asc_maps *m, const struct attach_opts *o,
			   struct asc_upstream ups[ASC_MAX_UPSTREAMS], __u16 *id)
{
	unsigned int i, free_id = 0;
	int err;

	err = upstreams_read(m, ups);
	if (err)
		return err;
	for (i = 1; i < ASC_MAX_UPSTREAMS; i++) {
		if (!strncmp(ups[i].name, o->upstream, ASC_NAME_LEN))
			break;
		if (!free_id && !ups[i].name[0])
			free_id = i;
	}
	if (i == ASC_MAX_UPSTREAMS) {
		if (!free_id) {
			log_err("all %d upstream ids are in use", ASC_MAX_UPSTREAMS - 1);
			return -ENOSPC;
		}
		i = free_id;
		memset(&ups[i], 0, sizeof(ups[i]));
		strncpy(ups[i].name, o->upstream, sizeof(ups[i].name) - 1);
		ups[i].column = ASC_COLUMN_NONE;
	}
	if (o->asn)
		ups[i].asn = o->asn;
	if (o->neighbor.family) {
		ups[i].neighbor_family = o->neighbor.family;
		memcpy(ups[i].neighbor, o->neighbor.addr, sizeof(ups[i].neighbor));
	}
	if (bpf_map_update_elem(m->upstreams, &i, &ups[i], BPF_ANY))
		return -errno;
	*id = (__u16)i;
	return 0;
}

/* The no-route slots of upstream id (name) into column col of both
 * generations' no-route records.  Slots either generation references
 * are not folded to make room. */
static int noroute_slots(const struct asc_maps *m, struct fib *f, const char *name, __u16 id,
			 unsigned int col)
{
	uint32_t slot[2];
	struct slots *sl;
	int err;

	err = slots_open(m, &sl);
	if (err)
		return err;
	slots_begin(sl, fib_routes(f), 2 * (size_t)ASC_FIB_ROUTES);
	for (int fam = 0; !err && fam < 2; fam++) {
		struct asc_slot_key k = { .upstream_id = id,
					  .family = fam ? ASC_FAMILY_V6 : ASC_FAMILY_V4,
					  .path = ASC_PATH_NONE };

		err = slots_get(sl, &k, name, &slot[fam]);
	}
	if (!err)
		err = slots_flush(sl);
	slots_close(sl);
	if (!err)
		fib_noroute_set(f, col, slot);
	return err;
}

/* Gives upstream `id` a route-record column if it has none: the lowest one
 * no other attached upstream holds, cleared in every record first (its
 * last owner's slots must not count the new upstream's traffic).  -EUSERS
 * (logged) when all ASC_COLUMNS are taken. */
static int column_for(const struct asc_maps *m, struct asc_upstream ups[ASC_MAX_UPSTREAMS],
		      __u16 id, __u8 *col)
{
	unsigned int used = 0, c;
	struct fib *f;
	__u32 key = id;
	int err;

	if (ups[id].column < ASC_COLUMNS) {
		*col = ups[id].column;
		return 0;
	}
	for (unsigned int i = 1; i < ASC_MAX_UPSTREAMS; i++)
		if (ups[i].name[0] && ups[i].column < ASC_COLUMNS)
			used |= 1U << ups[i].column;
	for (c = 0; c < ASC_COLUMNS && (used & (1U << c)); c++)
		;
	if (c == ASC_COLUMNS) {
		log_err("upstream %s: %d upstreams are attached already, the most the route "
			"records hold (ASC_COLUMNS): detach one first",
			ups[id].name, ASC_COLUMNS);
		return -EUSERS;
	}
	err = fib_open(m, false, &f);
	if (err)
		return err;
	fib_column_clear(f, c);
	err = noroute_slots(m, f, ups[id].name, id, c);
	fib_close(f);
	if (err)
		return err;
	ups[id].column = (__u8)c;
	if (bpf_map_update_elem(m->upstreams, &key, &ups[id], BPF_ANY))
		return -errno;
	*col = (__u8)c;
	return 0;
}

/* The upstream's id and column into v, under the loaders' lock: a whole
 * load or a live update in another process reads the columns and hands out
 * counter slots too (the no-route slots here). */
static int upstream_column(const struct asc_maps *m, const struct attach_opts *o,
			   struct asc_upstream ups[ASC_MAX_UPSTREAMS], struct asc_link_val *v)
{
	int lock = maps_lock(m), err;

	if (lock < 0)
		return lock;
	err = upstream_id_for(m, o, ups, &v->upstream_id);
	if (!err)
		err = column_for(m, ups, v->upstream_id, &v->column);
	close(lock);
	return err;
}

/* The link entry of (ifindex, vlan): the interface-wide one in asc_ifaces
 * (below ASC_MAX_IFINDEX), others in asc_links. */
static bool link_in_array(const struct asc_link_key *k)
{
	return k->vlan_id == ASC_VLAN_ANY && k->ifindex < ASC_MAX_IFINDEX;
}

/* The entry as it is (*had: whether there is one). */
static void link_get(const struct asc_maps *m, const struct asc_link_key *k, struct asc_link_val *v,
		     bool *had)
{
	struct asc_iface ifc;

	if (link_in_array(k)) {
		*had = !bpf_map_lookup_elem(m->ifaces, &k->ifindex, &ifc) && ifc.any.upstream_id;
		*v = ifc.any;
		return;
	}
	*had = !bpf_map_lookup_elem(m->links, k, v);
}

/* Writes (set) or removes (!set) the entry; keeps asc_ifaces' count of the
 * interface's VLAN-specific entries. */
static int link_set(const struct asc_maps *m, const struct asc_link_key *k,
		    const struct asc_link_val *v, bool set)
{
	struct asc_iface ifc = { .any = { .column = ASC_COLUMN_NONE } };
	struct asc_link_val old;
	bool existed;

	if (k->ifindex < ASC_MAX_IFINDEX && bpf_map_lookup_elem(m->ifaces, &k->ifindex, &ifc))
		return -errno;
	if (link_in_array(k)) {
		ifc.any = set ? *v : (struct asc_link_val){ .column = ASC_COLUMN_NONE };
		return bpf_map_update_elem(m->ifaces, &k->ifindex, &ifc, BPF_ANY) ? -errno : 0;
	}
	existed = !bpf_map_lookup_elem(m->links, k, &old);
	if (set ? bpf_map_update_elem(m->links, k, v, BPF_ANY)
		: existed && bpf_map_delete_elem(m->links, k))
		return -errno;
	if (k->ifindex >= ASC_MAX_IFINDEX || k->vlan_id == ASC_VLAN_ANY || existed == set)
		return 0;
	ifc.vlan_links += set ? 1 : -1;
	return bpf_map_update_elem(m->ifaces, &k->ifindex, &ifc, BPF_ANY) ? -errno : 0;
}

/* Whether asc_links has an entry for ifindex. */
static bool links_name(const struct asc_maps *m, int ifindex)
{
	struct link_row *rows;
	bool named = false;
	size_t n;

	if (links_read(m, &rows, &n))
		return false;
	for (size_t i = 0; i < n && !named; i++)
		named = rows[i].key.ifindex == (__u32)ifindex;
	free(rows);
	return named;
}

/* Whether a link of ifname may go in: links are kept by ifindex, so where
 * link entries name its ifindex but no program of this install is on it
 * here, they are an interface's of another network namespace sharing the
 * pin directory, which a new entry would take over (its traffic counted
 * under this upstream from then on).  `replace` takes them over (programs
 * removed by hand, or an upgrade's old maps). */
static bool attach_here(const struct asc_maps *m, const char *ifname, int ifindex, bool replace)
{
	struct attach_info info;

	if (replace || !links_name(m, ifindex) || attach_query_own(m, ifindex, &info))
		return true;
	log_err("%s (ifindex %d) carries no program of this pin directory in this network "
		"namespace, yet it has link entries for ifindex %d: an interface's of another "
		"namespace that shares the pin directory (give each namespace its own "
		"--pin-dir), or its programs were removed by hand (--replace takes the entries "
		"over); nothing was attached",
		ifname, ifindex, ifindex);
	return false;
}

/* Whether the hooks ours is not on yet may take it: where it cannot go
 * beside what is there (a single XDP program; a clsact filter at our
 * place, when clsact is asked for), only another asclass install's program
 * may go, and only with take_over.  Logs what stands in the way.  *hx gets
 * the single XDP program there (id 0: none, or a dispatcher). */
static bool hooks_free(int ifindex, const struct attach_opts *o, const struct attach_info *own,
		       bool take_over, struct holder *hx)
{
	struct holder ht = { 0 };
	bool ok;

	memset(hx, 0, sizeof(*hx));
	if (!own->xdp)
		xdp_holder(ifindex, hx);
	/* tcx (auto tries it first) takes ours beside anything; attach_tc
	 * checks again where auto falls back to clsact. */
	if (!own->tc && o->tc_hook == TC_HOOK_CLSACT)
		clsact_holder(ifindex, &ht);
	ok = holder_ok(hx, ASC_PROG_XDP, take_over, o->ifname, XDP_PLACE);
	ok = holder_ok(&ht, ASC_PROG_TC, take_over, o->ifname, CLSACT_PLACE) && ok;
	if (!ok)
		log_err("%s: nothing was attached", o->ifname);
	return ok;
}

int asc_attach(const char *pin_dir, const struct attach_opts *o, struct attach_info *info)
{
	static struct asc_upstream ups[ASC_MAX_UPSTREAMS];
	struct asc_link_key lk = { .vlan_id = o->vlan };
	struct asc_link_val lv = { 0 }, old_lv;
	char note[BPF_OBJ_NAME_LEN + 40] = "";
	struct holder hx;
	struct asc_maps m;
	bool new_xdp = false, took_xdp = false, had_link, replace, take_over;
	int ifindex, err;

	ifindex = if_nametoindex(o->ifname);
	if (!ifindex) {
		log_err("interface %s: %s", o->ifname, strerror(errno));
		return -ENODEV;
	}
	if (!o->upstream || !*o->upstream || strlen(o->upstream) >= ASC_NAME_LEN) {
		log_err("upstream name must be 1 to %d characters", ASC_NAME_LEN - 1);
		return -EINVAL;
	}
	err = maps_create_defer(pin_dir, o->counters, &m);
	if (err)
		return err;
	/* After an upgrade from 0.1 or 0.2 the programs there count into the
	 * old maps (not ours, by map id): replace them, then carry what they
	 * counted. */
	replace = o->replace || m.upgraded;
	take_over = (o->replace && o->take_over) || m.upgraded;
	if (!attach_here(&m, o->ifname, ifindex, replace)) {
		err = -EEXIST;
		goto out;
	}
	/* What is ours decides, never a program's name: another install's
	 * asclass_xdp (another pin directory) counts into its own maps. */
	attach_query_own(&m, ifindex, info);
	if (!hooks_free(ifindex, o, info, take_over, &hx)) {
		err = -EBUSY;
		goto out;
	}
	err = upstream_column(&m, o, ups, &lv);
	if (err) {
		if (err != -EUSERS)
			log_err("record upstream %s: %s", o->upstream, errstr(err));
		goto out;
	}
	lk.ifindex = ifindex;

	/* The link entry goes in first, so the first packet is already counted
	 * under its upstream.  What it was before is kept for the undo. */
	link_get(&m, &lk, &old_lv, &had_link);
	err = link_set(&m, &lk, &lv, true);
	if (err) {
		log_err("add link entry for %s: %s", o->ifname, errstr(err));
		goto out;
	}
	if (!info->xdp && hx.id) {
		/* hooks_free() let it go: another install's, taken over */
		err = replace_xdp(pin_dir, ifindex, o->ifname, hx.id, hx.xdp_mode);
		if (err)
			goto undo_link;
		took_xdp = true;
	} else if (!info->xdp) {
		/* nothing there, or libxdp's dispatcher: ours goes beside */
		err = attach_xdp(pin_dir, ifindex, o->ifname, o->mode);
		if (err)
			goto undo_link;
		new_xdp = true;
	} else if (replace && !info->dispatcher) {
		err = replace_xdp(pin_dir, ifindex, o->ifname, info->xdp_prog_id, info->xdp_mode);
		if (err)
			goto out; /* the old program and the link entry stay */
	} else if (replace) {
		/* libxdp 1.3 cannot swap one component of a dispatcher in
		 * place; re-adding would count twice meanwhile. */
		log_warn("%s: XDP program kept (dispatcher mode cannot replace in place)",
			 o->ifname);
	}
	if (!info->tc || replace) {
		const char *used = "-";

		enum tc_hook hook = o->tc_hook;

		/* Replace on the hook in use: a second hook would count twice. */
		if (info->tc)
			hook = !strcmp(info->tc_hook, "tcx") ? TC_HOOK_TCX : TC_HOOK_CLSACT;
		err = attach_tc(pin_dir, ifindex, o->ifname, hook, info->tc, take_over, &used);
		if (err)
			goto undo_xdp;
		log_debug("tc program on %s egress via %s", o->ifname, used);
	}
	attach_query_own(&m, ifindex, info);
	if (m.upgraded && (err = migrate_finish(pin_dir, &m)))
		goto out; /* the next run finishes it */
	if (took_xdp)
		snprintf(note, sizeof(note), " [XDP taken over from %s, id %u]", hx.name, hx.id);
	else if (!new_xdp)
		snprintf(note, sizeof(note), "%s",
			 replace ? " [programs replaced]" : " [XDP program was already attached]");
	log_info("attached to %s via %s (%s), tc egress via %s; upstream %s (id %u%s%.0u)%s",
		 o->ifname, info->dispatcher ? "dispatcher" : "single program", info->xdp_mode,
		 info->tc_hook, o->upstream, lv.upstream_id, o->asn ? ", AS" : "", o->asn, note);
	maps_close(&m);
	return 0;

undo_xdp:
	if (new_xdp) {
		detach_xdp(ifindex, ifaces_id(&m));
	} else if (took_xdp) {
		/* The other install's program is gone (nothing held it but
		 * the interface); ours counts under this link entry. */
		log_err("%s: XDP was taken over (counting under upstream %s), tc egress not: "
			"attach again",
			o->ifname, o->upstream);
		goto out;
	}
undo_link:
	/* The link as it was: an XDP program that was there before (replaced
	 * or not) stays attached, and must keep counting under its upstream. */
	link_set(&m, &lk, &old_lv, had_link);
out:
	maps_close(&m);
	return err;
}

/* Takes the column from every upstream none of whose links is left. */
static void columns_release(const struct asc_maps *m)
{
	static struct asc_upstream ups[ASC_MAX_UPSTREAMS];
	bool linked[ASC_MAX_UPSTREAMS] = { false };
	struct link_row *rows;
	size_t n;

	if (upstreams_read(m, ups) || links_read(m, &rows, &n))
		return;
	for (size_t i = 0; i < n; i++)
		linked[rows[i].val.upstream_id % ASC_MAX_UPSTREAMS] = true;
	free(rows);
	for (__u32 i = 1; i < ASC_MAX_UPSTREAMS; i++) {
		if (!ups[i].name[0] || ups[i].column == ASC_COLUMN_NONE || linked[i])
			continue;
		ups[i].column = ASC_COLUMN_NONE;
		bpf_map_update_elem(m->upstreams, &i, &ups[i], BPF_ANY);
	}
}

/* Whether ifname's link entries may go: links are keyed by ifindex, which
 * names an unrelated interface (or none) in every other network namespace;
 * with link entries for its ifindex but no program of this install on it
 * here, they are another namespace's interface's (or its programs were
 * removed by hand), and nothing is touched. */
static bool detach_here(const struct asc_maps *m, const char *ifname, int ifindex)
{
	struct attach_info info;

	if (attach_query_own(m, ifindex, &info) || !links_name(m, ifindex))
		return true;
	log_err("%s (ifindex %d) carries no program of this pin directory in this network "
		"namespace, yet it has link entries for ifindex %d: they are an interface's of "
		"another namespace (run asclass detach there, e.g. with nsenter "
		"--net=/run/netns/NAME), or its programs were removed by hand (attach it again "
		"with --replace, then detach); nothing was detached",
		ifname, ifindex, ifindex);
	return false;
}

int asc_detach(const char *pin_dir, const char *ifname)
{
	struct asc_maps m;
	struct link_row *rows;
	size_t n;
	int ifindex, err, found = 0;
	bool maps;

	ifindex = if_nametoindex(ifname);
	if (!ifindex) {
		log_err("interface %s: %s", ifname, strerror(errno));
		return -ENODEV;
	}
	maps = maps_open(pin_dir, &m) == 0;
	if (maps && !detach_here(&m, ifname, ifindex)) {
		maps_close(&m);
		return -EXDEV;
	}
	/* Without this pin directory's maps no XDP program or clsact filter
	 * can be told ours: another install's stays. */
	err = maps ? detach_xdp(ifindex, ifaces_id(&m)) : -ENOENT;
	if (!err)
		found++;
	else if (err != -ENOENT)
		log_err("detach XDP program from %s: %s", ifname, xdp_errstr(err));
	err = detach_tc(pin_dir, ifindex, maps ? ifaces_id(&m) : 0);
	if (!err)
		found++;
	else if (err != -ENOENT && err != -EINVAL)
		log_err("detach tc program from %s: %s", ifname, errstr(err));
	if (maps) {
		if (links_read(&m, &rows, &n) == 0) {
			for (size_t i = 0; i < n; i++)
				if (rows[i].key.ifindex == (__u32)ifindex &&
				    !link_set(&m, &rows[i].key, NULL, false))
					found++;
			free(rows);
		}
		int lock = maps_lock(&m); /* as in upstream_column() */

		if (lock >= 0) {
			columns_release(&m);
			close(lock);
		}
		maps_close(&m);
	}
	return found ? 0 : -ENOENT;
}
