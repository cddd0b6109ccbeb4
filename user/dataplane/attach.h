/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/dataplane/attach.h - attaching the classifier to border links.
 *
 * XDP goes through libxdp, which uses its multi-program dispatcher where the
 * kernel accepts it and falls back to a single program where it does not;
 * tc goes on egress through a tcx link where the kernel has tcx, else as a
 * clsact filter with our own handle and priority (enum tc_hook).
 * All maps are shared through the pin directory, so attaching, detaching or
 * replacing programs never resets a counter. */
#ifndef ASC_ATTACH_H
#define ASC_ATTACH_H
#include <stdbool.h>
#include "asclass.h"
#include "common/parse.h"

enum attach_mode { ATTACH_NATIVE, ATTACH_SKB };

/* How the tc program is hooked: a tcx BPF link (kernel 6.6+, pinned under the
 * pin dir as tcx_egress_<ifindex>) or a classic clsact filter via netlink.
 * AUTO tries tcx first and falls back. */
enum tc_hook { TC_HOOK_AUTO, TC_HOOK_TCX, TC_HOOK_CLSACT };

struct attach_opts {
	const char *ifname;
	const char *upstream;	      /* name, at most ASC_NAME_LEN - 1 characters */
	unsigned int vlan;	      /* VLAN id, or ASC_VLAN_ANY for the whole interface */
	unsigned int asn;	      /* the upstream's AS, 0 if unknown */
	struct setting_addr neighbor; /* the session that tells its paths apart (family 0: none) */
	enum attach_mode mode;
	enum tc_hook tc_hook;
	bool replace;	       /* replace our attached programs in place, atomically */
	bool take_over;	       /* with replace: another asclass install's programs too,
				* where ours cannot go beside them (attach --replace;
				* the daemon does not) */
	unsigned int counters; /* keys a new asc_counts holds; 0: the default */
};

struct attach_info {
	bool xdp;	      /* this install's asclass_xdp is on the interface */
	bool dispatcher;      /* ... through libxdp's dispatcher (else a single program) */
	const char *xdp_mode; /* "native", "skb", "hw" or "-" */
	bool tc;	      /* asclass_tc is on the egress hook */
	const char *tc_hook;  /* "tcx", "clsact" or "-" */
	unsigned int xdp_prog_id, tc_prog_id;
};

/* Attaches both programs (if not already there) and adds the link entry.
 * Only programs that use this pin directory's maps are ours: another
 * install's (another pin directory) or anyone's on a hook gets ours beside
 * it (libxdp's dispatcher, tcx); where that cannot be (a single XDP
 * program, a clsact filter at asclass's place) attach refuses before it
 * changes anything, -EBUSY (logged: the program there and what to do),
 * unless take_over and it is another asclass install's.
 * Logs each step; returns 0 or a negative errno. */
int asc_attach(const char *pin_dir, const struct attach_opts *o, struct attach_info *info);
/* Removes our programs from the interface and its link entries.  Counters
 * stay.  Returns 0, -ENOENT if nothing of ours was there, -EXDEV (logged)
 * when the interface carries no program of this install here but link
 * entries name its ifindex (another namespace's interface's: nothing is
 * touched), or an error. */
int asc_detach(const char *pin_dir, const char *ifname);
struct asc_maps;

/* What of this install (the maps m) is attached to the interface with
 * ifindex in the calling thread's network namespace: only programs that use
 * m's asc_ifaces count, each hook asked in this namespace.  Returns whether
 * one is there: whether that interface is the link's here (links are keyed
 * by ifindex, which names another interface, or none, in every other
 * namespace).  Needs CAP_SYS_ADMIN (programs by id); without it, or when
 * the link's interface is in another namespace or gone, false.  Logs
 * nothing. */
bool attach_query_own(const struct asc_maps *m, int ifindex, struct attach_info *info);

#endif
