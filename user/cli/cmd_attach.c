// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/cli/cmd_attach.c - asclass attach and detach (status: cmd_stats.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "common/log.h"
#include "common/parse.h"
#include "dataplane/attach.h"

static const struct opt attach_opts[] = {
	OPT_SETTING(set_upstream, struct attach_opts, upstream),
	OPT_SETTING(set_vlan, struct attach_opts, vlan),
	OPT_SETTING(set_asn, struct attach_opts, asn),
	OPT_SETTING(set_neighbor, struct attach_opts, neighbor),
	OPT_SETTING(set_mode, struct attach_opts, mode),
	OPT_SETTING(set_tc_hook, struct attach_opts, tc_hook),
	OPT_SETTING(set_replace, struct attach_opts, replace),
	OPT_SETTING(set_counters, struct attach_opts, counters),
	{ NULL },
};

static const struct cmd_spec attach_spec = {
	.name = "asclass attach",
	.synopsis = "IFACE --upstream NAME [--vlan VID] [--asn ASN] [--neighbor ADDR] [--mode "
		    "native|skb] [--tc-hook auto|tcx|clsact] [--replace] [--counters N]",
	.desc = "Attach the XDP program (receive side) and the tc egress program (transmit side: "
		"a tcx link, or a clsact filter) to IFACE and count its traffic under upstream "
		"NAME.  XDP goes through "
		"libxdp's dispatcher where the kernel accepts it, else as a single program; the "
		"message says which.  Attaching again to the same interface with another --vlan "
		"adds a link entry and keeps the programs.  Only programs that use this pin "
		"directory's maps are this install's: where another program (another asclass "
		"install's too) holds a hook, ours goes beside it (libxdp's dispatcher, tcx), or, "
		"where it cannot (a single XDP program, a clsact filter at asclass's place), "
		"attach refuses and names it; --replace takes such a hook over from another "
		"asclass install, never from anyone else.  Maps are created and pinned under the "
		"pin directory if they are not there; counters are never reset.  Where link "
		"entries name IFACE's index but no program of this pin directory is on it in "
		"this network namespace (another namespace's interface), attach refuses; "
		"--replace takes them over.",
	.opts = attach_opts,
	.examples = "    asclass attach eth1 --upstream cu --asn 4837\n"
		    "    asclass attach eth2 --upstream ttk --asn 20485 --mode skb\n"
		    "    asclass attach eth3 --vlan 100 --upstream cu\n",
};

int cmd_attach(int argc, char **argv)
{
	struct attach_opts o = { .vlan = ASC_VLAN_ANY, .mode = ATTACH_NATIVE };
	struct attach_info info;
	int err;

	err = opt_parse(&attach_spec, argc, argv, &o);
	if (err)
		return err;
	if (optind + 1 != argc)
		return usage_error(&attach_spec, "expected exactly one interface");
	if (!o.upstream)
		return usage_error(&attach_spec, "--upstream NAME is required");
	o.ifname = argv[optind];
	o.take_over = o.replace;
	err = asc_attach(asc_pin_dir, &o, &info);
	/* every route-record column taken: detach an upstream first */
	return err == -EUSERS ? ASC_EXIT_USAGE : exit_code(EXIT_LINK, err);
}

static const struct opt no_opts[] = { { NULL } };

static const struct cmd_spec detach_spec = {
	.name = "asclass detach",
	.synopsis = "IFACE",
	.desc = "Remove this pin directory's XDP and tc programs from IFACE and its link "
		"entries.  Other XDP programs on the interface stay, another asclass install's "
		"too; counters stay in the pinned maps.  Run it "
		"in the links' network namespace: links are kept by interface index, so where "
		"IFACE carries no program of this pin directory but link entries name its "
		"index, nothing is detached (they are another namespace's interface's).",
	.opts = no_opts,
	.examples = "    asclass detach eth1\n",
};

int cmd_detach(int argc, char **argv)
{
	const char *arg;
	int err;

	if (opt_next(&detach_spec, argc, argv, &arg) != OPT_END)
		return ASC_EXIT_USAGE;
	if (optind + 1 != argc)
		return usage_error(&detach_spec, "expected exactly one interface");
	err = asc_detach(asc_pin_dir, argv[optind]);
	if (err == -ENOENT) {
		log_err("nothing of asclass's is attached to %s", argv[optind]);
		return ASC_EXIT_FAIL;
	}
	if (err)
		return exit_code(EXIT_LINK, err);
	log_info("detached from %s", argv[optind]);
	return ASC_EXIT_OK;
}
