// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_config.c - asclass.conf: a full good file, each kind of
 * error with its exact "file:line: [section] key: why" text, and the same
 * settings through the command line giving the same values and errors. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli/cmd.h"
#include "daemon/config.h"
#include "feed/bmp.h"

static char path[] = "/tmp/asclass-test-conf-XXXXXX";
static char errs[4096];

/* Runs fn(arg) with stderr captured into errs. */
static int captured(int (*fn)(void *), void *arg)
{
	char errpath[] = "/tmp/asclass-test-err-XXXXXX";
	int fd = mkstemp(errpath), saved = dup(2), rc;
	ssize_t n;

	fflush(stderr);
	dup2(fd, 2);
	rc = fn(arg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	lseek(fd, 0, SEEK_SET);
	n = read(fd, errs, sizeof(errs) - 1);
	errs[n > 0 ? n : 0] = 0;
	close(fd);
	unlink(errpath);
	return rc;
}

static int conf_load(void *c)
{
	return config_load(path, c);
}

/* Writes text to the config file, loads it with stderr captured into errs. */
static int load(const char *text, struct asc_config *c)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return captured(conf_load, c);
}

static int setup(void **state)
{
	int fd = mkstemp(path);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	unlink(path);
	return 0;
}

static void test_config_full(void **state)
{
	struct asc_config c;

	assert_int_equal(
		load("# border router\n"
		     "[link cu]\ninterface = eth1\nasn = AS4837\n\n"
		     "[link ttk]\ninterface = eth2\nvlan = 100\nasn = 20485\n"
		     "neighbor = 203.0.113.2\n"
		     "[routes]\nsource = /var/lib/asclass/rib.*.mrt\nsource = "
		     "/var/lib/asclass/upd.*.gz\n"
		     "format = mrt\nkeep_going = yes\n"
		     "[metrics]\nlisten = 127.0.0.1:19742\ntop_n = 50\nwatch = 131279, 4837\n"
		     "max_connections = 8\ntimeout = 3\n"
		     "[daemon]\npin_dir = /sys/fs/bpf/asc2\nmode = skb\ntc_hook = clsact\n"
		     "counters = 1048576\n",
		     &c),
		0);
	assert_int_equal(c.n_links, 2);
	assert_string_equal(c.links[0].name, "cu");
	assert_string_equal(c.links[0].ifname, "eth1");
	assert_int_equal(c.links[0].asn, 4837);
	assert_int_equal(c.links[0].vlan, ASC_VLAN_ANY);
	assert_int_equal(c.links[1].vlan, 100);
	assert_int_equal(c.links[0].neighbor.family, 0); /* not set: every session of AS4837 */
	assert_int_equal(c.links[1].neighbor.family, 4);
	assert_memory_equal(c.links[1].neighbor.addr, ((uint8_t[16]){ 203, 0, 113, 2 }), 16);
	assert_int_equal(c.n_sources, 2);
	assert_string_equal(c.sources[1], "/var/lib/asclass/upd.*.gz");
	assert_int_equal(c.format, ROUTES_MRT);
	assert_true(c.keep_going);
	assert_string_equal(c.listen_host, "127.0.0.1");
	assert_int_equal(c.listen_port, 19742);
	assert_int_equal(c.top_n, 50);
	assert_int_equal(c.n_watch, 2);
	assert_int_equal(c.watch[0], 131279);
	assert_int_equal(c.max_connections, 8);
	assert_int_equal(c.timeout_s, 3);
	assert_string_equal(c.pin_dir, "/sys/fs/bpf/asc2");
	assert_int_equal(c.mode, ATTACH_SKB);
	assert_int_equal(c.tc_hook, TC_HOOK_CLSACT);
	assert_int_equal(c.counters, 1048576);
	config_free(&c);
}

static void test_config_defaults(void **state)
{
	struct asc_config c;

	assert_int_equal(load("[link cu]\ninterface = eth1\n", &c), 0);
	assert_string_equal(c.listen_host, "127.0.0.1");
	assert_int_equal(c.listen_port, 9742);
	assert_int_equal(c.top_n, 500);
	assert_int_equal(c.max_connections, 1024);
	assert_int_equal(c.max_per_client, 8);
	assert_int_equal(c.timeout_s, 5);
	assert_string_equal(c.pin_dir, ASC_PIN_DIR_DEFAULT);
	assert_int_equal(c.mode, ATTACH_NATIVE);
	assert_int_equal(c.counters, 0); /* the map's own default, or the pinned map's size */
	config_free(&c);
}

static void expect_error(const char *text, const char *msg)
{
	struct asc_config c;
	char want[512];

	assert_int_equal(load(text, &c), -EINVAL);
	snprintf(want, sizeof(want), "%s:%s", path, msg);
	if (!strstr(errs, want))
		fail_msg("want \"%s\" in: %s", want, errs);
}

static void test_config_errors_name_the_place(void **state)
{
	expect_error("[link cu]\ninterface = eth1\n\n[link ttk]\ninterfce = eth2\n",
		     "5: [link ttk]: unknown key \"interfce\" (known: interface, vlan, asn, "
		     "neighbor)");
	expect_error("[link cu]\ninterface = eth1\nasn = 4837\nneighbor = 203.0.113\n",
		     "4: [link cu] neighbor: '203.0.113' is not an IPv4 or IPv6 address");
	expect_error("[link cu]\ninterface = eth1\nvlan = 4095\n",
		     "3: [link cu] vlan: '4095' is out of range (0-4094)");
	expect_error("[metrics]\nlisten = localhost\n",
		     "2: [metrics] listen: 'localhost' is not HOST:PORT");
	expect_error("[metrics]\nlisten = no-such-host.invalid:9742\n",
		     "2: [metrics] listen: cannot resolve 'no-such-host.invalid'");
	expect_error("[metrics]\nwatch = 131279 AS-X\n",
		     "2: [metrics] watch: 'AS-X' is not an AS number");
	expect_error("[metrics]\nmax_connections = 65537\n",
		     "2: [metrics] max_connections: '65537' is out of range (1-65536)");
	expect_error("[metrics]\nmax_connections = 4\n",
		     "2: [metrics] max_connections_per_client 8 "
		     "is more than max_connections 4");
	expect_error("[metrics]\ntimeout = 0\n",
		     "2: [metrics] timeout: '0' is out of range (1-3600)");
	expect_error("[routes]\nformat = csv\n",
		     "2: [routes] format: 'csv' is not auto, mrt, bgpdump, pfx2as or text");
	expect_error("[daemon]\nmode = offload\n",
		     "2: [daemon] mode: 'offload' is not native or skb");
	expect_error("[daemon]\ncounters = 100\n",
		     "2: [daemon] counters: '100' is out of range (1024-16777216)");
	expect_error("[link cu]\ninterface = eth1\n[bogus]\nx = 1\n",
		     "4: [bogus]: unknown section");
	/* the section is reported at its first key: inih gives no line for headers */
	expect_error("[link cu]\nasn = 4837\n", "2: [link cu]: no interface = ...");
	expect_error("[link cu]\ninterface eth1\n", "2: syntax error");
	expect_error("[link averyveryverylongname]\ninterface = eth1\n",
		     "2: [link averyveryverylongname]: link name \"averyveryverylongname\" must be "
		     "1 to 15 characters");
}

/* What inih would cut silently is an error naming the line: a line longer
 * than inih holds (its tail would be read as a line of its own: here a
 * comment whose tail sets pin_dir), a NUL byte, and a listener the daemon
 * could not open. */
static void test_config_rejects_what_inih_would_cut(void **state)
{
	char text[512];
	struct asc_config c;

	snprintf(text, sizeof(text), "[daemon]\n# %0197d pin_dir = /evil\nmode = skb\n", 0);
	expect_error(text, "2: line longer than 199 bytes");
	/* 199 bytes fit */
	snprintf(text, sizeof(text), "[daemon]\n# %0197d\nmode = skb\n", 0);
	assert_int_equal(load(text, &c), 0);
	assert_int_equal(c.mode, ATTACH_SKB);
	config_free(&c);
	assert_int_equal(config_parse("mem.conf", "[daemon]\nmode = skb\0\n", 20, &c), -EINVAL);
	assert_int_equal(config_parse("mem.conf", "[daemon]\nmode = skb\n", 19, &c), 0);
	assert_int_equal(c.mode, ATTACH_SKB);
}

/* Every listener form docs/asclass.conf.5 names, as the one parser that
 * --check-config and run share reads it: the address the listener opens
 * (a name: the first address it resolves to), or the error. */
static void test_config_listen_forms(void **state)
{
	static const struct {
		const char *v, *host; /* host NULL: refused */
		unsigned int port;
	} t[] = {
		{ "127.0.0.1:9742", "127.0.0.1", 9742 },
		{ "::1:9742", "::1", 9742 },
		{ "[::1]:9742", "::1", 9742 },
		{ "[2001:db8::1]:80", "2001:db8::1", 80 },
		{ "localhost:9742", "127.0.0.1", 9742 },
		{ ":9742", "::", 9742 },
		{ "[::]:9742", "::", 9742 },
		{ "0.0.0.0:1", "0.0.0.0", 1 },
		{ "localhost", NULL },
		{ "127.0.0.1:0", NULL },
		{ "127.0.0.1:65536", NULL },
		{ "[127.0.0.1]:9742", NULL },
		{ "[::1:9742", NULL },
		{ "::1]:9742", NULL },
		{ "[]:9742", NULL },
		{ "1.2.3:x", NULL },
		{ "no-such-host.invalid:9742", NULL },
	};
	char text[128];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct asc_config c;
		int rc;

		snprintf(text, sizeof(text), "[metrics]\nlisten = %s\n", t[i].v);
		rc = load(text, &c);
		if (!t[i].host) {
			if (rc != -EINVAL)
				fail_msg("listen = %s: accepted as %s", t[i].v, c.listen_host);
			continue;
		}
		if (rc)
			fail_msg("listen = %s: refused: %s", t[i].v, errs);
		if (strcmp(c.listen_host, t[i].host) || c.listen_port != t[i].port)
			fail_msg("listen = %s: %s port %u, want %s port %u", t[i].v, c.listen_host,
				 c.listen_port, t[i].host, t[i].port);
		config_free(&c);
	}
}

/* ---- one setting, two front ends ------------------------------------- */

struct cli_run {
	const struct cmd_spec *spec;
	char **argv;
	int argc;
	void *dst;
};

static int cli_parse(void *arg)
{
	struct cli_run *r = arg;

	return opt_parse(r->spec, r->argc, r->argv, r->dst);
}

/* The text after `after` in errs, up to the end of its line. */
static const char *why_after(const char *after, char *buf, size_t len)
{
	const char *w = strstr(errs, after);

	if (!w)
		fail_msg("no \"%s\" in: %s", after, errs);
	snprintf(buf, len, "%s", w + strlen(after));
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

/* Each type at and past its limits through asclass.conf and through the
 * command line, both with the binding config_keys() gives: the same value
 * lands in the same field, and a bad one gives the same words from both. */
static const struct {
	const char *section, *key, *v, *why; /* why: NULL if the value is taken */
} both_cases[] = {
	{ "daemon", "counters", "1024", NULL },
	{ "daemon", "counters", "16777216", NULL },
	{ "daemon", "counters", "1023", "'1023' is out of range (1024-16777216)" },
	{ "daemon", "counters", "16777217", "'16777217' is out of range (1024-16777216)" },
	{ "daemon", "counters", "1e6", "'1e6' is not a number of counter slots" },
	{ "link", "vlan", "0", NULL },
	{ "link", "vlan", "4094", NULL },
	{ "link", "vlan", "4095", "'4095' is out of range (0-4094)" },
	{ "metrics", "top_n", "1", NULL },
	{ "metrics", "top_n", "4294967295", NULL },
	{ "metrics", "top_n", "0", "'0' is out of range (1-4294967295)" },
	{ "metrics", "top_n", "4294967296", "'4294967296' is not a number" },
	{ "daemon", "mode", "skb", NULL },
	{ "daemon", "mode", "SKB", "'SKB' is not native or skb" },
	{ "daemon", "tc_hook", "clsact", NULL },
	{ "daemon", "tc_hook", "tc", "'tc' is not auto, tcx or clsact" },
	{ "routes", "lookup", "lpm", NULL },
	{ "routes", "lookup", "trie", "'trie' is not fast or lpm" },
	{ "routes", "format", "bgpdump", NULL },
	{ "routes", "format", "csv", "'csv' is not auto, mrt, bgpdump, pfx2as or text" },
	{ "link", "asn", "4294967295", NULL },
	{ "link", "asn", "AS4294967296", "'AS4294967296' is not an AS number" },
	{ "link", "neighbor", "203.0.113.2", NULL },
	{ "link", "neighbor", "2001:db8::2", NULL },
	{ "link", "neighbor", "203.0.113.300", "'203.0.113.300' is not an IPv4 or IPv6 address" },
	{ "link", "neighbor", "203.0.113.0/24", "'203.0.113.0/24' is not an IPv4 or IPv6 address" },
	{ "metrics", "watch", "131279, 4837", NULL },
	{ "metrics", "watch", "131279 AS-X", "'AS-X' is not an AS number" },
	{ "link", "interface", "abcdefghijklmno", NULL },
	{ "link", "interface", "abcdefghijklmnop", "'abcdefghijklmnop' is not an interface name" },
	{ "daemon", "pin_dir", "/sys/fs/bpf/x", NULL },
	{ "daemon", "pin_dir", "bpf/x", "'bpf/x' is not an absolute path" },
	{ "metrics", "listen", "[::1]",
	  "'[::1]' is not HOST:PORT (HOST an IP address, [IPv6], a name, or empty for all "
	  "addresses)" },
	{ "routes", "keep_going", "yes", NULL }, /* on the command line, a flag */
};

/* The config's result: the struct the key's binding points into. */
static void *conf_dst(struct asc_config *c, const char *section)
{
	return !strcmp(section, "link") ? (void *)&c->links[0] : (void *)c;
}

static void test_config_and_cli_agree(void **state)
{
	for (size_t i = 0; i < sizeof(both_cases) / sizeof(both_cases[0]); i++) {
		const char *sec = both_cases[i].section, *key = both_cases[i].key,
			   *v = both_cases[i].v;
		const struct setting_bind *b = setting_find_key(config_keys(sec), key);
		struct asc_config c, cli_c;
		struct opt opts[2] = { { .bind = *b }, { NULL } };
		struct cmd_spec spec = { .name = "asclass t", .synopsis = "", .opts = opts };
		/* one argv per case: opt_next() starts over on an argv it has not seen */
		static char *argvs[sizeof(both_cases) / sizeof(both_cases[0])][4];
		char opt[64], text[256], **argv = argvs[i];
		struct cli_run r = { &spec, argv, b->set->type == SETTING_BOOL ? 2 : 3 };
		char conf_why[256], cli_why[256];
		int conf_rc, cli_rc;

		snprintf(opt, sizeof(opt), "--%s", b->set->name);
		argv[0] = "t";
		argv[1] = opt;
		argv[2] = (char *)v;
		snprintf(text, sizeof(text), "[link cu]\ninterface = eth1\n[%s]\n%s = %s\n",
			 !strcmp(sec, "link") ? "link cu" : sec, key, v);
		conf_rc = load(text, &c);
		if (!both_cases[i].why && conf_rc)
			fail_msg("%s = %s: %s", key, v, errs);
		if (both_cases[i].why)
			why_after(key, conf_why, sizeof(conf_why));
		/* the command line starts from what the config holds before the key */
		assert_int_equal(load("[link cu]\ninterface = eth1\n", &cli_c), 0);
		r.dst = conf_dst(&cli_c, sec);
		cli_rc = captured(cli_parse, &r);
		if (!both_cases[i].why) {
			if (cli_rc)
				fail_msg("%s %s: %s", opt, v, errs);
			assert_memory_equal((char *)conf_dst(&c, sec) + b->off,
					    (char *)r.dst + b->off, b->size);
		} else {
			assert_int_equal(cli_rc, ASC_EXIT_USAGE);
			snprintf(opt, sizeof(opt), "--%s: ", b->set->name);
			why_after(opt, cli_why, sizeof(cli_why));
			assert_string_equal(conf_why + 2, cli_why); /* conf: "key: why" */
			assert_string_equal(cli_why, both_cases[i].why);
		}
		config_free(&c);
		config_free(&cli_c);
	}
}

/* [bgp] and [neighbor NAME]: values, defaults (iBGP, passive, port 179,
 * 1 s apply interval), and what the whole file must have. */
static void test_config_bgp(void **state)
{
	struct asc_config c;

	assert_int_equal(load("[bgp]\nlisten = 203.0.113.2\nlocal_as = 64500\n"
			      "router_id = 203.0.113.2\nhold_time = 30\n"
			      "[neighbor rtr]\naddress = 203.0.113.1\n"
			      "[neighbor up]\naddress = 2001:db8::1\nremote_as = 4837\n"
			      "active = yes\nport = 1179\nstale_time = 20\n",
			      &c),
			 0);
	assert_true(c.bgp.on);
	assert_string_equal(c.bgp.listen, "203.0.113.2");
	assert_int_equal(c.bgp.port, 179);
	assert_int_equal(c.bgp.local_as, 64500);
	assert_int_equal(c.bgp.router_id, 0xcb007102);
	assert_int_equal(c.bgp.hold_time, 30);
	assert_int_equal(c.bgp.apply_interval_ms, 1000);
	assert_int_equal(c.bgp.n_neighbors, 2);
	assert_string_equal(c.bgp.neighbors[0].name, "rtr");
	assert_int_equal(c.bgp.neighbors[0].remote_as, 0);
	assert_false(c.bgp.neighbors[0].active);
	assert_string_equal(c.bgp.neighbors[1].addr, "2001:db8::1");
	assert_int_equal(c.bgp.neighbors[1].remote_as, 4837);
	assert_true(c.bgp.neighbors[1].active);
	assert_int_equal(c.bgp.neighbors[1].port, 1179);
	assert_int_equal(c.bgp.stale_time, 360);	      /* the default */
	assert_int_equal(c.bgp.neighbors[0].stale_time, 360); /* [bgp]'s */
	assert_int_equal(c.bgp.neighbors[1].stale_time, 20);
	config_free(&c);
}

static void test_config_bgp_errors(void **state)
{
	const char *head = "[bgp]\nlocal_as = 64500\nrouter_id = 203.0.113.2\n";
	char text[512];

	expect_error("[neighbor r]\naddress = 203.0.113.1\n",
		     "2: a [neighbor] without a [bgp] section");
	expect_error("[bgp]\nlocal_as = 64500\n[neighbor r]\naddress = 203.0.113.1\n",
		     "2: [bgp]: no router_id = ...");
	expect_error("[bgp]\nrouter_id = 0.0.0.0\n",
		     "2: [bgp] router_id: '0.0.0.0' is not an IPv4 address other than 0.0.0.0");
	expect_error("[bgp]\nrouter_id = 1.2.3.4\nlocal_as = 1\n", "2: [bgp]: no [neighbor NAME]");
	expect_error("[bgp]\nlisten = bgp.example\n",
		     "2: [bgp] listen: 'bgp.example' is not an IPv4 or IPv6 address");
	snprintf(text, sizeof(text), "%s[neighbor r]\nremote_as = 4837\n", head);
	expect_error(text, "5: [neighbor]: no address = ...");
	snprintf(text, sizeof(text), "%shold_time = 2\n[neighbor r]\naddress = 203.0.113.1\n",
		 head);
	expect_error(text, "2: [bgp] hold_time: must be 0 or at least 3 s");
	snprintf(text, sizeof(text), "%s[neighbor r]\naddress = 203.0.113.1\nstale_time = 0\n",
		 head);
	expect_error(text, "6: [neighbor r] stale_time: '0' is out of range (1-65535)");
	/* with [bgp], the feed's RIB is the routing source: files are refused */
	snprintf(text, sizeof(text),
		 "[routes]\nsource = /var/lib/rib.mrt\n%s[neighbor r]\naddress = 203.0.113.1\n",
		 head);
	expect_error(text, "2: [routes] source: refused with [bgp]");
}

/* [bmp]: values, defaults (port 1790, view auto, any router, [bgp]'s or
 * 1 s apply interval), allow lines, and what SIGHUP compares. */
static void test_config_bmp(void **state)
{
	static struct asc_config c, d;

	assert_int_equal(load("[bmp]\nlisten = 203.0.113.2\n", &c), 0);
	assert_true(c.bmp.on);
	assert_false(c.bgp.on);
	assert_int_equal(c.bmp.port, 1790);
	assert_int_equal(c.bmp.view, BMP_VIEW_AUTO);
	assert_int_equal(c.bmp.n_allow, 0);
	assert_int_equal(config_apply_interval(&c), 1000);
	assert_int_equal(
		load("[bmp]\nlisten = 2001:db8::2\nport = 11019\nview = pre\n"
		     "allow = 203.0.113.1\nallow = 2001:db8::1\napply_interval = 300\n"
		     "[bgp]\nlocal_as = 64500\nrouter_id = 203.0.113.2\napply_interval = 500\n"
		     "[neighbor rtr]\naddress = 203.0.113.1\n",
		     &d),
		0);
	assert_true(d.bgp.on && d.bmp.on); /* both: they feed one RIB */
	assert_int_equal(d.bmp.port, 11019);
	assert_int_equal(d.bmp.view, BMP_VIEW_PRE);
	assert_int_equal(d.bmp.n_allow, 2);
	assert_string_equal(d.bmp.allow[1], "2001:db8::1");
	assert_int_equal(config_apply_interval(&d), 300);
	assert_false(config_bmp_same(&c, &d));
	d.bmp = c.bmp;
	d.bmp.apply_interval_ms = 20; /* read at each drain: no restart */
	assert_true(config_bmp_same(&c, &d));
	config_free(&c);
	config_free(&d);
}

static void test_config_bmp_errors(void **state)
{
	char text[4096];
	int n = snprintf(text, sizeof(text), "[bmp]\nlisten = 203.0.113.2\n");

	expect_error("[bmp]\nview = pre\n", "2: [bmp]: no listen = ...");
	expect_error("[bmp]\nview = both\n", "2: [bmp] view: 'both' is not auto, pre or post");
	expect_error("[bmp]\nallow = rtr.example\n",
		     "2: [bmp] allow: 'rtr.example' is not an IPv4 or IPv6 address");
	expect_error("[bmp]\nport = 0\n", "2: [bmp] port:");
	expect_error("[routes]\nsource = /var/lib/rib.mrt\n[bmp]\nlisten = 203.0.113.2\n",
		     "2: [routes] source: refused with [bmp]");
	for (int i = 0; i <= CFG_MAX_BMP_ALLOW; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "allow = 198.18.0.%d\n", i + 1);
	expect_error(text, "67: [bmp] allow: more than 64 routers");
}

static void test_config_missing_file(void **state)
{
	struct asc_config c;

	assert_int_equal(config_load("/nonexistent/asclass.conf", &c), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_full),
		cmocka_unit_test(test_config_defaults),
		cmocka_unit_test(test_config_errors_name_the_place),
		cmocka_unit_test(test_config_rejects_what_inih_would_cut),
		cmocka_unit_test(test_config_listen_forms),
		cmocka_unit_test(test_config_missing_file),
		cmocka_unit_test(test_config_bgp),
		cmocka_unit_test(test_config_bgp_errors),
		cmocka_unit_test(test_config_bmp),
		cmocka_unit_test(test_config_bmp_errors),
		cmocka_unit_test(test_config_and_cli_agree),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
