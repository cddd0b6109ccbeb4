// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_json.c - the JSON renderer (user/json_out.c) and the --json
 * output of commands that need no BPF map: every object kind is written the
 * way the commands write it, parsed back with jansson, and checked field by
 * field, names and types, against the schema of asclass(8) JSON OUTPUT. */
#include <errno.h>
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
#include "dataplane/attach.h"
#include "dataplane/maps.h"
#include "output/json_out.h"
#include "routes/rib.h"
#include "routes/rtable.h"

/* One field of a schema: its name and jansson type. */
struct field {
	const char *name;
	json_type type;
};

/* o is an object with exactly the fields of schema (n of them), each of
 * its type. */
static void check_schema(const json_t *o, const struct field *schema, size_t n)
{
	assert_true(json_is_object(o));
	for (size_t i = 0; i < n; i++) {
		const json_t *v = json_object_get(o, schema[i].name);

		if (!v)
			fail_msg("field \"%s\" missing", schema[i].name);
		if (json_typeof(v) != schema[i].type)
			fail_msg("field \"%s\": type %d, want %d", schema[i].name, json_typeof(v),
				 schema[i].type);
	}
	assert_int_equal(json_object_size(o), n);
}

#define CHECK_SCHEMA(o, ...)                                                                       \
	do {                                                                                       \
		static const struct field f_[] = { __VA_ARGS__ };                                  \
		check_schema(o, f_, sizeof(f_) / sizeof(f_[0]));                                   \
	} while (0)

/* Writes v (reference taken) through the streaming writer into memory and
 * parses the text back: what a --json reader gets. */
static json_t *round_trip(json_t *v)
{
	struct json_out w;
	json_error_t jerr;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_t *back;

	assert_non_null(f);
	json_out_init(&w, f);
	json_out_add(&w, v);
	assert_int_equal(json_out_finish(&w), 0);
	fclose(f);
	back = json_loads(buf, JSON_DECODE_ANY, &jerr);
	if (!back)
		fail_msg("output is not JSON (%s at %d): %s", jerr.text, jerr.position, buf);
	free(buf);
	return back;
}

static json_int_t int_of(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static const char *str_of(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void test_json_route_schema(void **state)
{
	/* 175.45.176.0/22 announced by AS131279 behind AS4837, heard from AS3356;
	 * two origins and an AS_SET path among its paths */
	struct rt_entry e = { .family = 4, .plen = 22, .addr = { 175, 45, 176, 0 } };
	json_t *o, *flags;

	e.route = (struct rt_route){ .origin_asn = 131279,
				     .transit_asn = 4837,
				     .peer_asn = 3356,
				     .flags = ASC_RF_MOAS | ASC_RF_AS_SET };
	o = round_trip(json_out_route(&e, &e.route));
	CHECK_SCHEMA(o, { "prefix", JSON_STRING }, { "origin_as", JSON_INTEGER },
		     { "transit_as", JSON_INTEGER }, { "peer_as", JSON_INTEGER },
		     { "flags", JSON_ARRAY });
	assert_string_equal(str_of(o, "prefix"), "175.45.176.0/22");
	assert_int_equal(int_of(o, "origin_as"), 131279);
	assert_int_equal(int_of(o, "transit_as"), 4837);
	assert_int_equal(int_of(o, "peer_as"), 3356);
	flags = json_object_get(o, "flags");
	assert_int_equal(json_array_size(flags), 2);
	assert_string_equal(json_string_value(json_array_get(flags, 0)), "as_set");
	assert_string_equal(json_string_value(json_array_get(flags, 1)), "moas");
	json_decref(o);
}

static void test_json_route_without_prefix_or_flags(void **state)
{
	/* the fast tables give the route, not the prefix; 4-byte ASes stay exact */
	struct rt_route rt = { .origin_asn = 4200000000U, .transit_asn = 4294967295U };
	json_t *o = round_trip(json_out_route(NULL, &rt));

	CHECK_SCHEMA(o, { "prefix", JSON_NULL }, { "origin_as", JSON_INTEGER },
		     { "transit_as", JSON_INTEGER }, { "peer_as", JSON_INTEGER },
		     { "flags", JSON_ARRAY });
	assert_int_equal(int_of(o, "origin_as"), 4200000000LL);
	assert_int_equal(int_of(o, "transit_as"), 4294967295LL);
	assert_int_equal(json_array_size(json_object_get(o, "flags")), 0);
	json_decref(o);
}

/* Upstream names as hostile as the map can hold: quote, backslash, newline,
 * a control character, UTF-8, and bytes that are not UTF-8. */
static struct asc_upstream hostile_ups[ASC_MAX_UPSTREAMS] = {
	[1] = { .name = "a\"b\\c\nd\x01" },
	[2] = { .name = "\xc4\x8cT\xc3\x9c", .asn = 4837 }, /* "ČTÜ" */
	[3] = { .name = "x\xff"
			"y\xc3" },	      /* 0xff; 0xc3 cut short */
	[4] = { .name = "0123456789abcdef" }, /* 16 bytes, no NUL */
};

static void test_json_counter_schema(void **state)
{
	struct counter_row c = { .key = { .origin_asn = 131279,
					  .transit_asn = 20485,
					  .upstream_id = 1,
					  .dir = ASC_DIR_TX,
					  .family = ASC_FAMILY_V6 },
				 .val = { .packets = 3, .bytes = 1ULL << 40 },
				 .path = ASC_PATH_OWN };
	json_t *o = round_trip(json_out_counter(&c, hostile_ups));

	CHECK_SCHEMA(o, { "upstream", JSON_STRING }, { "upstream_id", JSON_INTEGER },
		     { "direction", JSON_STRING }, { "family", JSON_STRING },
		     { "origin_as", JSON_INTEGER }, { "transit_as", JSON_INTEGER },
		     { "path", JSON_STRING }, { "packets", JSON_INTEGER },
		     { "bytes", JSON_INTEGER });
	assert_string_equal(str_of(o, "path"), "own");
	assert_string_equal(str_of(o, "upstream"), "a\"b\\c\nd\x01");
	assert_int_equal(int_of(o, "upstream_id"), 1);
	assert_string_equal(str_of(o, "direction"), "out");
	assert_string_equal(str_of(o, "family"), "ipv6");
	assert_int_equal(int_of(o, "origin_as"), 131279);
	assert_int_equal(int_of(o, "transit_as"), 20485);
	assert_int_equal(int_of(o, "packets"), 3);
	assert_int_equal(int_of(o, "bytes"), 1LL << 40);
	json_decref(o);
}

static void test_json_upstream_names_round_trip(void **state)
{
	static const struct {
		unsigned int id;
		const char *want;
	} cases[] = {
		{ 0, "-" },			     /* traffic on no configured link */
		{ 2, "\xc4\x8cT\xc3\x9c" },	     /* UTF-8 passes as is */
		{ 3, "x\xef\xbf\xbdy\xef\xbf\xbd" }, /* each bad byte: U+FFFD */
		{ 4, "0123456789abcdef" },	     /* a full name array, read to its end */
		{ 9, "#9" },			     /* an id without a name */
	};
	struct asc_count_val v = { .packets = 1, .bytes = 64 };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *o = round_trip(json_out_overflow(hostile_ups, cases[i].id, ASC_DIR_RX, &v));

		assert_string_equal(str_of(o, "upstream"), cases[i].want);
		json_decref(o);
	}
}

static void test_json_overflow_schema(void **state)
{
	struct asc_count_val v = { .packets = 7, .bytes = 700 };
	json_t *o = round_trip(json_out_overflow(hostile_ups, 2, ASC_DIR_RX, &v));

	CHECK_SCHEMA(o, { "upstream", JSON_STRING }, { "upstream_id", JSON_INTEGER },
		     { "direction", JSON_STRING }, { "packets", JSON_INTEGER },
		     { "bytes", JSON_INTEGER });
	assert_int_equal(int_of(o, "upstream_id"), 2);
	assert_string_equal(str_of(o, "direction"), "in");
	assert_int_equal(int_of(o, "packets"), 7);
	assert_int_equal(int_of(o, "bytes"), 700);
	json_decref(o);
}

static void test_json_packets_schema(void **state)
{
	uint64_t stats[ASC_STAT_MAX];
	json_t *o;

	for (int s = 0; s < ASC_STAT_MAX; s++)
		stats[s] = 100 + s;
	o = round_trip(json_out_packets(stats));
	assert_int_equal(json_object_size(o), ASC_STAT_MAX);
	for (int s = 0; s < ASC_STAT_MAX; s++) {
		assert_true(json_is_integer(json_object_get(o, stat_name(s))));
		assert_int_equal(int_of(o, stat_name(s)), 100 + s);
	}
	json_decref(o);
}

static void test_json_link_schema(void **state)
{
	struct link_row l = { .key = { .ifindex = 7, .vlan_id = 100 },
			      .val = { .upstream_id = 2 } };
	struct attach_info ai = {
		.xdp = true, .dispatcher = true, .xdp_mode = "native", .tc = true, .tc_hook = "tcx"
	};
	json_t *o = round_trip(json_out_link(&l, hostile_ups, "eth1", &ai));

	CHECK_SCHEMA(o, { "interface", JSON_STRING }, { "ifindex", JSON_INTEGER },
		     { "netns", JSON_STRING }, { "vlan", JSON_INTEGER },
		     { "upstream", JSON_STRING }, { "upstream_id", JSON_INTEGER },
		     { "upstream_as", JSON_INTEGER }, { "xdp_mode", JSON_STRING },
		     { "xdp_via", JSON_STRING }, { "tc_hook", JSON_STRING });
	assert_string_equal(str_of(o, "interface"), "eth1");
	assert_int_equal(int_of(o, "ifindex"), 7);
	assert_string_equal(str_of(o, "netns"), "this");
	assert_int_equal(int_of(o, "vlan"), 100);
	assert_string_equal(str_of(o, "upstream"), "\xc4\x8cT\xc3\x9c");
	assert_int_equal(int_of(o, "upstream_id"), 2);
	assert_int_equal(int_of(o, "upstream_as"), 4837);
	assert_string_equal(str_of(o, "xdp_mode"), "native");
	assert_string_equal(str_of(o, "xdp_via"), "dispatcher");
	assert_string_equal(str_of(o, "tc_hook"), "tcx");
	json_decref(o);
}

static void test_json_link_gone_and_detached(void **state)
{
	/* the interface is not in this network namespace (or gone), the link
	 * takes every frame, nothing seen attached */
	struct link_row l = { .key = { .ifindex = 9, .vlan_id = ASC_VLAN_ANY },
			      .val = { .upstream_id = 1 } };
	struct attach_info ai = { .xdp_mode = "-", .tc_hook = "-" };
	json_t *o = round_trip(json_out_link(&l, hostile_ups, NULL, &ai));

	CHECK_SCHEMA(o, { "interface", JSON_NULL }, { "ifindex", JSON_INTEGER },
		     { "netns", JSON_STRING }, { "vlan", JSON_NULL }, { "upstream", JSON_STRING },
		     { "upstream_id", JSON_INTEGER }, { "upstream_as", JSON_INTEGER },
		     { "xdp_mode", JSON_NULL }, { "xdp_via", JSON_NULL }, { "tc_hook", JSON_NULL });
	assert_int_equal(int_of(o, "upstream_as"), 0);
	assert_string_equal(str_of(o, "netns"), "other");
	json_decref(o);
}

static void test_json_status_tables_schema(void **state)
{
	/* loaded 2017-10-01T09:08:00Z = 1506848880 s */
	struct asc_state st = { .generation = 1,
				.lookup = ASC_LOOKUP_FAST,
				.swaps = 3,
				.load_time_ns = 1506848880ULL * 1000000000ULL,
				.routes_v4 = 900000,
				.routes_v6 = 200000,
				.fib_nodes = 10,
				.fib_leaves = 20,
				.fib_routes = 30 };
	json_t *o = round_trip(json_out_tables(&st)), *f, *n;

	CHECK_SCHEMA(o, { "generation", JSON_INTEGER }, { "lookup", JSON_STRING },
		     { "ipv4", JSON_INTEGER }, { "ipv6", JSON_INTEGER }, { "swaps", JSON_INTEGER },
		     { "loaded", JSON_STRING });
	assert_string_equal(str_of(o, "lookup"), "fast");
	assert_int_equal(int_of(o, "ipv4"), 900000);
	assert_int_equal(int_of(o, "ipv6"), 200000);
	assert_int_equal(int_of(o, "swaps"), 3);
	assert_string_equal(str_of(o, "loaded"), "2017-10-01T09:08:00Z");
	json_decref(o);

	f = round_trip(json_out_fast(&st));
	CHECK_SCHEMA(f, { "nodes", JSON_OBJECT }, { "leaves", JSON_OBJECT },
		     { "routes", JSON_OBJECT });
	n = json_object_get(f, "leaves");
	CHECK_SCHEMA(n, { "used", JSON_INTEGER }, { "capacity", JSON_INTEGER });
	assert_int_equal(int_of(n, "used"), 20);
	assert_int_equal(int_of(n, "capacity"), ASC_FIB_LEAVES);
	json_decref(f);

	/* never loaded, lpm tables: no load time, no fast-table usage */
	st = (struct asc_state){ .lookup = ASC_LOOKUP_LPM };
	o = round_trip(json_out_tables(&st));
	assert_true(json_is_null(json_object_get(o, "loaded")));
	assert_string_equal(str_of(o, "lookup"), "lpm");
	json_decref(o);
	o = round_trip(json_out_fast(&st));
	assert_true(json_is_null(o));
	json_decref(o);

	o = round_trip(json_out_count_map(4096, 131072));
	CHECK_SCHEMA(o, { "slots", JSON_INTEGER }, { "capacity", JSON_INTEGER });
	assert_int_equal(int_of(o, "slots"), 4096);
	assert_int_equal(int_of(o, "capacity"), 131072);
	json_decref(o);
}

static void test_json_transit_schema(void **state)
{
	/* seen 2017-02-11T09:32:45Z (1486805565), gone 78 s later */
	struct rib_transit t = { .origin = 65534,
				 .transit = 4294967194U,
				 .first_seen = 1486805565,
				 .gone_since = 1486805643 };
	json_t *o = round_trip(json_out_transit(&t));

	CHECK_SCHEMA(o, { "origin_as", JSON_INTEGER }, { "transit_as", JSON_INTEGER },
		     { "prefixes", JSON_INTEGER }, { "paths", JSON_INTEGER },
		     { "first_seen", JSON_STRING }, { "gone_since", JSON_STRING });
	assert_int_equal(int_of(o, "transit_as"), 4294967194LL);
	assert_string_equal(str_of(o, "first_seen"), "2017-02-11T09:32:45Z");
	assert_string_equal(str_of(o, "gone_since"), "2017-02-11T09:34:03Z");
	json_decref(o);

	t.gone_since = 0; /* still present */
	t.prefixes = 2;
	t.paths = 5;
	o = round_trip(json_out_transit(&t));
	assert_true(json_is_null(json_object_get(o, "gone_since")));
	assert_int_equal(int_of(o, "prefixes"), 2);
	assert_int_equal(int_of(o, "paths"), 5);
	json_decref(o);
}

/* The writer: containers around library-made values, and its errors. */
static void test_json_writer_streams_and_fails_loudly(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json_out w;
	json_t *back;

	json_out_init(&w, f);
	json_out_object(&w);
	json_out_key(&w, "a\"k");
	json_out_array(&w);
	json_out_add(&w, json_integer(1));
	json_out_add(&w, json_out_text("x\ny", 3));
	json_out_end(&w);
	json_out_key(&w, "empty");
	json_out_array(&w);
	json_out_end(&w);
	json_out_key(&w, "n");
	json_out_add(&w, json_null());
	assert_int_equal(json_out_finish(&w), 0); /* closes the object */
	fclose(f);
	back = json_loads(buf, 0, NULL);
	assert_non_null(back);
	assert_string_equal(json_string_value(json_array_get(json_object_get(back, "a\"k"), 1)),
			    "x\ny");
	assert_int_equal(json_array_size(json_object_get(back, "empty")), 0);
	assert_true(json_is_null(json_object_get(back, "n")));
	assert_int_equal(json_object_size(back), 3);
	json_decref(back);
	free(buf);

	/* a builder's NULL (out of memory, a count past 2^63 - 1) fails the output */
	f = open_memstream(&buf, &len);
	json_out_init(&w, f);
	json_out_array(&w);
	json_out_add(&w, json_out_count(UINT64_MAX));
	assert_int_equal(json_out_finish(&w), -ENOMEM);
	fclose(f);
	free(buf);
}

static void test_json_utf8_span(void **state)
{
	assert_int_equal(json_out_utf8_span("a\"b\\", 4), 4);
	assert_int_equal(json_out_utf8_span("\xc4\x8c", 2), 2);
	assert_int_equal(json_out_utf8_span("ab\xff", 3), 2);
	assert_int_equal(json_out_utf8_span("a\xc4", 2), 1);	     /* cut short */
	assert_int_equal(json_out_utf8_span("a\xed\xa0\x80", 4), 1); /* a surrogate */
}

/* Runs `asclass rib ARGS` with stdout into a file; returns the parsed output.
 * Each caller's argv is its own static array: opt_next() starts over for a
 * new argv, known by its address. */
static json_t *rib_json(int argc, char **argv)
{
	char path[] = "/tmp/test_json_XXXXXX";
	int fd = mkstemp(path), saved = dup(STDOUT_FILENO);
	json_error_t jerr;
	json_t *v;

	assert_true(fd >= 0 && saved >= 0);
	fflush(stdout);
	dup2(fd, STDOUT_FILENO);
	assert_int_equal(cmd_rib(argc, argv), ASC_EXIT_OK);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	v = json_load_file(path, 0, &jerr);
	if (!v)
		fail_msg("rib --json is not JSON: %s (line %d)", jerr.text, jerr.line);
	close(fd);
	unlink(path);
	return v;
}

static void test_json_rib_routes(void **state)
{
	char path[] = "/tmp/test_json_routes_XXXXXX";
	int fd = mkstemp(path);
	/* text routes: a full line, and one with no transit (flag no_transit) */
	static const char routes[] = "175.45.176.0/22 131279 4837 4837\n"
				     "2001:db8::/32 64501\n";
	static char *argv[] = { "rib", "--json", "--format", "text", NULL, NULL };
	json_t *a, *r;

	argv[4] = path;
	assert_int_equal(write(fd, routes, sizeof(routes) - 1), (ssize_t)sizeof(routes) - 1);
	close(fd);
	a = rib_json(5, argv);
	unlink(path);
	assert_int_equal(json_array_size(a), 2);
	r = json_array_get(a, 0);
	CHECK_SCHEMA(r, { "prefix", JSON_STRING }, { "origin_as", JSON_INTEGER },
		     { "transit_as", JSON_INTEGER }, { "peer_as", JSON_INTEGER },
		     { "flags", JSON_ARRAY }, { "paths", JSON_INTEGER });
	assert_string_equal(str_of(r, "prefix"), "175.45.176.0/22");
	assert_int_equal(int_of(r, "origin_as"), 131279);
	assert_int_equal(json_array_size(json_object_get(r, "flags")), 0);
	r = json_array_get(a, 1);
	assert_string_equal(str_of(r, "prefix"), "2001:db8::/32");
	assert_string_equal(json_string_value(json_array_get(json_object_get(r, "flags"), 0)),
			    "no_transit");
	json_decref(a);
}

static void test_json_rib_transits(void **state)
{
	/* RIS rrc06 updates: AS701 behind AS2914, then AS1299 (both gone since),
	 * then AS6939 (still there) */
	static char *argv[] = { "rib",	      "--json",
				"--transits", "--origin",
				"701",	      "tests/data/mrt/ris.rrc06.updates.1427846400.gz",
				NULL };
	json_t *a = rib_json(6, argv), *t;

	assert_int_equal(json_array_size(a), 3);
	t = json_array_get(a, 1);
	CHECK_SCHEMA(t, { "origin_as", JSON_INTEGER }, { "transit_as", JSON_INTEGER },
		     { "prefixes", JSON_INTEGER }, { "paths", JSON_INTEGER },
		     { "first_seen", JSON_STRING }, { "gone_since", JSON_STRING });
	assert_int_equal(int_of(t, "origin_as"), 701);
	assert_int_equal(int_of(t, "transit_as"), 2914);
	assert_string_equal(str_of(t, "gone_since"), "2015-04-01T00:02:26Z");
	assert_true(json_is_null(json_object_get(json_array_get(a, 2), "gone_since")));
	json_decref(a);
}

/* attach refuses names no output could show as typed, before it touches
 * anything; the interface need not exist. */
static void test_json_attach_refuses_unprintable_names(void **state)
{
	static const char *const bad[] = { "a\nb",	 "tab\there", "del\x7f",
					   "c1\xc2\x85", "bad\xff",   "cut\xc4" };

	asc_pin_dir = "/nonexistent/asc-test-json";	    /* nothing may be created */
	static char *argv[sizeof(bad) / sizeof(bad[0])][5]; /* one argv each: see rib_json() */

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		argv[i][0] = "attach";
		argv[i][1] = "asc-no-such-if";
		argv[i][2] = "--upstream";
		argv[i][3] = (char *)bad[i];
		assert_int_equal(cmd_attach(4, argv[i]), ASC_EXIT_USAGE);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_route_schema),
		cmocka_unit_test(test_json_route_without_prefix_or_flags),
		cmocka_unit_test(test_json_counter_schema),
		cmocka_unit_test(test_json_upstream_names_round_trip),
		cmocka_unit_test(test_json_overflow_schema),
		cmocka_unit_test(test_json_packets_schema),
		cmocka_unit_test(test_json_link_schema),
		cmocka_unit_test(test_json_link_gone_and_detached),
		cmocka_unit_test(test_json_status_tables_schema),
		cmocka_unit_test(test_json_transit_schema),
		cmocka_unit_test(test_json_writer_streams_and_fails_loudly),
		cmocka_unit_test(test_json_utf8_span),
		cmocka_unit_test(test_json_rib_routes),
		cmocka_unit_test(test_json_rib_transits),
		cmocka_unit_test(test_json_attach_refuses_unprintable_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
