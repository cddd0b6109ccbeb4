// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/fuzz/fuzz_config.c - libFuzzer target over the asclass.conf parser
 * (config_parse(), the code config_load() runs on a file's bytes).  Any
 * input must give a configuration or -EINVAL, never a crash, a sanitizer
 * report or a leak; and a configuration it accepts is one the daemon can
 * use as it is: every field within the limits asclass.conf(5) states,
 * every string terminated, link names unique, the listen address an IP
 * address.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "daemon/config.h"
#include "dataplane/maps.h"
#include "fuzz.h"

static FILE *report; /* the real stderr */

static void die(const char *what, long i)
{
	fprintf(report, "fuzz_config: accepted a configuration with %s (%ld)\n", what, i);
	abort();
}

static void check_links(const struct asc_config *c)
{
	if (c->n_links < 0 || c->n_links > CFG_MAX_LINKS)
		die("a link count out of range", c->n_links);
	for (int i = 0; i < c->n_links; i++) {
		const struct cfg_link *l = &c->links[i];
		size_t nl = strnlen(l->name, sizeof(l->name));
		size_t il = strnlen(l->ifname, sizeof(l->ifname));

		if (!nl || nl == sizeof(l->name))
			die("a link name empty or unterminated", i);
		if (!il || il == sizeof(l->ifname))
			die("an interface name empty or unterminated", i);
		if (l->vlan > 4094 && l->vlan != ASC_VLAN_ANY)
			die("a VLAN id past 4094", i);
		for (int j = 0; j < i; j++)
			if (!strcmp(c->links[j].name, l->name))
				die("a link twice", i);
	}
}

static void check(const struct asc_config *c)
{
	unsigned char addr[16];

	check_links(c);
	if (c->n_sources < 0 || c->n_sources > CFG_MAX_SOURCES)
		die("a source count out of range", c->n_sources);
	for (int i = 0; i < c->n_sources; i++)
		if (!c->sources[i])
			die("a NULL source", i);
	if (c->format > ROUTES_TEXT || c->lookup > ASC_LOOKUP_FAST)
		die("an unknown format or lookup", c->format);
	if (strnlen(c->listen_host, sizeof(c->listen_host)) == sizeof(c->listen_host) ||
	    (inet_pton(AF_INET, c->listen_host, addr) != 1 &&
	     inet_pton(AF_INET6, c->listen_host, addr) != 1))
		die("a listen address that is not an IP address", 0);
	if (!c->listen_port || c->listen_port > 65535)
		die("a port out of range", c->listen_port);
	if (!c->top_n || !c->max_connections || !c->timeout_s)
		die("a zero top_n, max_connections or timeout", 0);
	if (c->n_watch > CFG_MAX_WATCH)
		die("a watch count out of range", (long)c->n_watch);
	if (strnlen(c->pin_dir, sizeof(c->pin_dir)) == sizeof(c->pin_dir) || c->pin_dir[0] != '/')
		die("a pin_dir that is not an absolute path", 0);
	if (c->counters && (c->counters < COUNTERS_MIN || c->counters > COUNTERS_MAX))
		die("a counter map size out of range", c->counters);
	if (c->mode != ATTACH_NATIVE && c->mode != ATTACH_SKB)
		die("an unknown mode", c->mode);
	if (c->tc_hook != TC_HOOK_AUTO && c->tc_hook != TC_HOOK_TCX && c->tc_hook != TC_HOOK_CLSACT)
		die("an unknown tc_hook", c->tc_hook);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	report = quiet_logs();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct asc_config c;
	int rc = config_parse("fuzz.conf", (const char *)data, size, &c);

	if (rc == -EINVAL)
		return 0;
	if (rc) {
		fprintf(report, "fuzz_config: config_parse returned %d (%s)\n", rc, strerror(-rc));
		abort();
	}
	check(&c);
	config_free(&c);
	return 0;
}
