// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_render.c - the text and JSON renderers of a snapshot
 * (stats and status), without BPF: the same snapshot gives the same rows,
 * paths and totals in both, and the JSON parses with the documented keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "output/json_out.h"
#include "output/snapshot.h"
#include "output/text_out.h"

static const struct counter_row rows[] = {
	{ { 0, 0, 1, ASC_DIR_RX, 4 }, { 1, 60 }, ASC_PATH_NONE },
	{ { 131279, 4837, 1, ASC_DIR_RX, 4 }, { 3, 300 }, ASC_PATH_OWN },
	{ { 131279, 4837, 1, ASC_DIR_RX, 4 }, { 2, 200 }, ASC_PATH_CONSENSUS },
};
static struct snap_link links[3];
static struct snapshot s;

static int setup(void **state)
{
	(void)state;
	strcpy(s.ups[1].name, "cu");
	s.ups[1].asn = 4837;
	s.rows = (struct counter_row *)rows;
	s.n_rows = s.n_slots = 3;
	s.counts_max = 1024;
	s.ovf[1].dir[ASC_DIR_TX] = (struct asc_count_val){ 7, 700 };
	s.stats[ASC_STAT_NOT_IP] = 5;
	s.state.routes_v4 = 2;
	links[0].row = (struct link_row){ { .ifindex = 99999, .vlan_id = ASC_VLAN_ANY },
					  { .upstream_id = 1 } };
	/* not here (another namespace's, or gone): no name, nothing seen */
	links[1] = links[0];
	links[1].row.key.vlan_id = 100; /* the same interface, one VLAN */
	/* here: its name and what is attached */
	links[2].row = (struct link_row){ { .ifindex = 3, .vlan_id = ASC_VLAN_ANY },
					  { .upstream_id = 1 } };
	links[2].here = true;
	strcpy(links[2].ifname, "r-cu");
	links[2].attach = (struct attach_info){
		.xdp = true, .xdp_mode = "native", .tc = true, .tc_hook = "tcx"
	};
	s.links = links;
	s.n_links = 3;
	return 0;
}

static char *render(int (*out)(FILE *f, const struct snapshot *s))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(out(f, &s), 0);
	fclose(f);
	return buf;
}

static int status_text(FILE *f, const struct snapshot *x)
{
	return text_out_status(f, x, "/sys/fs/bpf/t");
}

static int status_json(FILE *f, const struct snapshot *x)
{
	return json_out_status(f, x, "/sys/fs/bpf/t");
}

static void test_render_stats_text(void **state)
{
	char *t = render(text_out_stats);

	(void)state;
	assert_non_null(strstr(t, "path"));
	assert_non_null(strstr(t, "cu         in   ipv4      131279       4837 own"));
	assert_non_null(strstr(t, "cu         in   ipv4      131279       4837 consensus"));
	assert_non_null(strstr(t, "cu         in   ipv4           0          0 none"));
	assert_non_null(strstr(t, "cu         out  *       overflow          * *"));
	assert_non_null(strstr(t, "unclassified: not_ip 5"));
	free(t);
}

static void test_render_stats_json(void **state)
{
	char *t = render(json_out_stats);
	json_error_t err;
	json_t *o = json_loads(t, 0, &err), *c;

	(void)state;
	assert_non_null(o);
	assert_int_equal(json_array_size(json_object_get(o, "counters")), 3);
	c = json_array_get(json_object_get(o, "counters"), 2);
	assert_string_equal(json_string_value(json_object_get(c, "path")), "consensus");
	assert_int_equal(json_integer_value(json_object_get(c, "bytes")), 200);
	c = json_array_get(json_object_get(o, "overflow"), 0);
	assert_int_equal(json_integer_value(json_object_get(c, "packets")), 7);
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(o, "packets"), "not_ip")), 5);
	json_decref(o);
	free(t);
}

static void test_render_status(void **state)
{
	char *t = render(status_text), *note;
	json_error_t err;
	json_t *o, *l;

	(void)state;
	assert_non_null(strstr(t, "pin dir:  /sys/fs/bpf/t\n"));
	/* not here: the ifindex, "?" for what is attached, one note per ifindex */
	assert_non_null(strstr(
		t, "  #99999       any   cu       1    4837     ?       ?                ?\n"));
	assert_non_null(strstr(
		t, "  #99999       100   cu       1    4837     ?       ?                ?\n"));
	note = strstr(t, "  #99999: not in this network namespace");
	assert_non_null(note);
	assert_null(strstr(note + strlen("  #99999"), "#99999: not in"));
	assert_non_null(strstr(note, "nsenter --net=/run/netns/NAME asclass status\n"));
	assert_non_null(strstr(
		t, "  r-cu         any   cu       1    4837     native  single program   tcx\n"));
	assert_null(strstr(t, "#3"));
	assert_non_null(strstr(t, "counters: 3 of 1024 slots (0%)"));
	free(t);
	t = render(status_json);
	o = json_loads(t, 0, &err);
	assert_non_null(o);
	l = json_array_get(json_object_get(o, "links"), 0);
	assert_true(json_is_null(json_object_get(l, "interface")));
	assert_string_equal(json_string_value(json_object_get(l, "netns")), "other");
	assert_int_equal(json_integer_value(json_object_get(l, "ifindex")), 99999);
	assert_true(json_is_null(json_object_get(l, "xdp_mode")));
	assert_string_equal(json_string_value(json_object_get(l, "upstream")), "cu");
	l = json_array_get(json_object_get(o, "links"), 2);
	assert_string_equal(json_string_value(json_object_get(l, "interface")), "r-cu");
	assert_string_equal(json_string_value(json_object_get(l, "netns")), "this");
	assert_string_equal(json_string_value(json_object_get(l, "xdp_mode")), "native");
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(o, "counters"), "slots")), 3);
	json_decref(o);
	free(t);
}

static void test_render_link_ifname(void **state)
{
	struct snap_link l = { .row = { .key = { .ifindex = 7 } } };
	char buf[IF_NAMESIZE + 16];

	(void)state;
	/* a name left in a link that is not here is never printed */
	strcpy(l.ifname, "eth0");
	assert_string_equal(snap_link_ifname(&l, buf, sizeof(buf)), "#7");
	l.here = true;
	assert_string_equal(snap_link_ifname(&l, buf, sizeof(buf)), "eth0");
	l.row.key.ifindex = 4294967295U;
	l.here = false;
	assert_string_equal(snap_link_ifname(&l, buf, sizeof(buf)), "#4294967295");
}

static void test_render_names(void **state)
{
	(void)state;
	assert_string_equal(path_name(ASC_PATH_OWN), "own");
	assert_string_equal(path_name(ASC_PATH_CONSENSUS), "consensus");
	assert_string_equal(path_name(ASC_PATH_NONE), "none");
	assert_string_equal(path_name(7), "?");
	assert_int_equal(pct(1, 0), 0);
	assert_int_equal(pct(950, 1000), 95);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_stats_text), cmocka_unit_test(test_render_stats_json),
		cmocka_unit_test(test_render_status),	  cmocka_unit_test(test_render_link_ifname),
		cmocka_unit_test(test_render_names),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
