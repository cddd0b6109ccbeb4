// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_cmd.c - number and AS parsing, option tables, the types
 * of the settings table, and the plain-text route format reader. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <bpf/libbpf.h>

#include "cli/cmd.h"
#include "cli/settings.h"
#include "common/parse.h"
#include "routes/routes_text.h"
#include "rows.h"

static void test_cmd_parse_asn_table(void **state)
{
	static const struct {
		const char *text;
		int ret;
		unsigned int asn; /* when ret is 0 */
	} rows[] = {
		{ "131279", 0, 131279 },
		{ "AS4837", 0, 4837 },
		{ "as20485", 0, 20485 },
		{ "2.1234", 0, 132306 }, /* asdot: 2 * 65536 + 1234 */
		{ "4294967295", 0, 4294967295U },
		{ "", -EINVAL },
		{ "4294967296", -EINVAL }, /* 2^32 */
		{ "-1", -EINVAL },
		{ "12x", -EINVAL },
		{ "65536.1", -EINVAL },
		{ "1.65536", -EINVAL },
		{ " 1", -EINVAL },
	};
	const size_t n = sizeof(rows) / sizeof(rows[0]);
	struct rows r = { 0 };

	for (size_t i = 0; i < n; i++) {
		unsigned int asn = 0;
		int ret = parse_asn(rows[i].text, &asn);

		if (ret != rows[i].ret)
			row_wrong(&r, i, rows[i].text, "returned %d, want %d", ret, rows[i].ret);
		else if (!ret && asn != rows[i].asn)
			row_wrong(&r, i, rows[i].text, "AS %u, want %u", asn, rows[i].asn);
	}
	rows_done(&r, n);
}

static void test_cmd_parse_u32_bounds(void **state)
{
	unsigned int v;

	assert_int_equal(parse_u32("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_u32("4094", &v), 0);
	assert_int_equal(v, 4094);
	assert_int_equal(parse_u32("+1", &v), -EINVAL);
	assert_int_equal(parse_u32("1 ", &v), -EINVAL);
	assert_int_equal(parse_u32(NULL, &v), -EINVAL);
}

static void test_cmd_exit_code_table(void **state)
{
	static const struct {
		enum exit_step step;
		int err;
		int want;
		const char *why;
	} rows[] = {
		{ EXIT_READ, 0, ASC_EXIT_OK, "success" },
		{ EXIT_BPF, 0, ASC_EXIT_OK, "success" },
		{ EXIT_LINK, 0, ASC_EXIT_OK, "success" },
		{ EXIT_RUN, 0, ASC_EXIT_OK, "success" },
		{ EXIT_READ, -EINVAL, ASC_EXIT_INPUT, "a malformed record or line" },
		{ EXIT_READ, -EBADMSG, ASC_EXIT_INPUT, "malformed data" },
		{ EXIT_READ, -ENODATA, ASC_EXIT_INPUT, "input without routes" },
		{ EXIT_READ, -ENOENT, ASC_EXIT_FAIL, "a file that is not there" },
		{ EXIT_READ, -EISDIR, ASC_EXIT_FAIL, "a directory" },
		{ EXIT_READ, -EACCES, ASC_EXIT_FAIL, "a file we may not read" },
		{ EXIT_READ, -EIO, ASC_EXIT_FAIL, "a disk error" },
		{ EXIT_READ, -ENOMEM, ASC_EXIT_FAIL, "out of memory" },
		{ EXIT_BPF, -ENOENT, ASC_EXIT_BPF, "no maps pinned" },
		{ EXIT_BPF, -EPERM, ASC_EXIT_BPF, "no CAP_BPF" },
		{ EXIT_BPF, -EINVAL, ASC_EXIT_BPF, "maps of another layout" },
		{ EXIT_BPF, -ENOSPC, ASC_EXIT_BPF, "a table full" },
		{ EXIT_BPF, -LIBBPF_ERRNO__VERIFY, ASC_EXIT_BPF, "the verifier refused" },
		{ EXIT_LINK, -ENODEV, ASC_EXIT_FAIL, "no such interface" },
		{ EXIT_LINK, -ENOENT, ASC_EXIT_FAIL, "nothing attached to detach" },
		{ EXIT_LINK, -EINVAL, ASC_EXIT_FAIL, "an upstream name too long" },
		{ EXIT_LINK, -EPERM, ASC_EXIT_BPF, "no CAP_NET_ADMIN" },
		{ EXIT_LINK, -EEXIST, ASC_EXIT_BPF, "counters of another size" },
		{ EXIT_RUN, -EIO, ASC_EXIT_FAIL, "writing the output" },
		{ EXIT_RUN, -ENOMEM, ASC_EXIT_FAIL, "out of memory" },
		{ EXIT_RUN, -EINVAL, ASC_EXIT_FAIL, "not bad input outside a read" },
	};
	const size_t n = sizeof(rows) / sizeof(rows[0]);
	struct rows r = { 0 };

	for (size_t i = 0; i < n; i++) {
		int got = exit_code(rows[i].step, rows[i].err);

		if (got != rows[i].want)
			row_wrong(&r, i, rows[i].why, "step %d, err %d: exit %d, want %d",
				  rows[i].step, rows[i].err, got, rows[i].want);
	}
	rows_done(&r, n);
}

enum { T_NAME, T_FLAG };
static const struct opt t_opts[] = {
	[T_NAME] = { "name", 'n', "NAME", NULL, "a name" },
	[T_FLAG] = { "flag", 0, NULL, NULL, "a flag" },
	{ NULL },
};
static const struct cmd_spec t_spec = { .name = "asclass test", .synopsis = "X", .opts = t_opts };

static void test_cmd_opt_next_permutes_and_reports(void **state)
{
	char *argv[] = { "test", "eth1", "--name", "cu", "--flag", "-n", "ttk", NULL };
	const char *arg;
	int seen_name = 0, seen_flag = 0, i;

	while ((i = opt_next(&t_spec, 7, argv, &arg)) != OPT_END) {
		assert_true(i >= 0);
		if (i == T_NAME) {
			assert_string_equal(arg, seen_name ? "ttk" : "cu");
			seen_name++;
		} else {
			assert_int_equal(i, T_FLAG);
			assert_null(arg);
			seen_flag++;
		}
	}
	assert_int_equal(seen_name, 2);
	assert_int_equal(seen_flag, 1);
	assert_int_equal(optind, 6); /* glibc moved "eth1" behind the options */
	assert_string_equal(argv[optind], "eth1");
}

static void test_cmd_opt_next_unknown_option(void **state)
{
	char *argv[] = { "test", "--nmae", "cu", NULL };
	const char *arg;

	assert_int_equal(opt_next(&t_spec, 3, argv, &arg), OPT_ERR);
}

/* ---- the settings table: each type at and past its limits -------------- */

struct t_dst {
	bool b;
	unsigned int u;
	int e;
	unsigned int asn;
	uint32_t list[3];
	size_t n;
	char str[6];
	const char *custom;
};

static int t_parse_even(const char *v, void *field, void *base, char *why, size_t len)
{
	(void)base;
	if (strlen(v) % 2) {
		snprintf(why, len, "'%s' has an odd length", v);
		return -EINVAL;
	}
	*(const char **)field = v;
	return 0;
}

static const struct setting_name t_names[] = {
	{ "one", 1 }, { "two", 2 }, { "five", 5 }, { NULL }
};
static const struct setting t_bool = { .name = "b", .type = SETTING_BOOL };
static const struct setting t_u32 = {
	.name = "u", .type = SETTING_U32, .min = 10, .max = 20, .what = "a number"
};
static const struct setting t_enum = { .name = "e", .type = SETTING_ENUM, .names = t_names };
static const struct setting t_asn = {
	.name = "asn", .type = SETTING_ASN, .min = 1, .max = 65535, .what = "a 16-bit AS number"
};
static const struct setting t_list = { .name = "list", .type = SETTING_ASN_LIST, .max = 3 };
static const struct setting t_str = {
	.name = "str", .type = SETTING_STRING, .min = 2, .what = "a short word"
};
static const struct setting t_custom = { .name = "custom",
					 .type = SETTING_CUSTOM,
					 .parse = t_parse_even };

static const struct setting_bind t_binds[] = {
	SETTING_BIND(t_bool, struct t_dst, b),
	SETTING_BIND(t_u32, struct t_dst, u),
	SETTING_BIND(t_enum, struct t_dst, e),
	SETTING_BIND(t_asn, struct t_dst, asn),
	SETTING_BIND_LIST(t_list, struct t_dst, list, n),
	SETTING_BIND(t_str, struct t_dst, str),
	SETTING_BIND(t_custom, struct t_dst, custom),
	{ NULL },
};

/* One value for one setting: the error text it gives (NULL: it is taken),
 * and what the field then holds. */
static const struct {
	const char *key, *v, *why;
	unsigned int want; /* b, u, e, asn, n; str and custom: strlen */
} t_cases[] = {
	{ "b", "yes", NULL, 1 },
	{ "b", "0", NULL, 0 },
	{ "b", "maybe", "'maybe' is not yes or no" },
	{ "u", "10", NULL, 10 },
	{ "u", "20", NULL, 20 },
	{ "u", "9", "'9' is out of range (10-20)" },
	{ "u", "21", "'21' is out of range (10-20)" },
	{ "u", "4294967296", "'4294967296' is not a number" },
	{ "u", "1x", "'1x' is not a number" },
	{ "e", "one", NULL, 1 },
	{ "e", "five", NULL, 5 },
	{ "e", "six", "'six' is not one, two or five" },
	{ "e", "One", "'One' is not one, two or five" },
	{ "asn", "AS1", NULL, 1 },
	{ "asn", "65535", NULL, 65535 },
	{ "asn", "0", "'0' is out of range (1-65535)" },
	{ "asn", "1.0", "'1.0' is out of range (1-65535)" }, /* asdot 65536 */
	{ "asn", "AS-1", "'AS-1' is not a 16-bit AS number" },
	{ "list", "1, AS2 3", NULL, 3 },
	{ "list", "", NULL, 0 },
	{ "list", "1 2 3 4", "more than 3 ASes" },
	{ "list", "1 x", "'x' is not an AS number" },
	{ "str", "ab", NULL, 2 },
	{ "str", "abcde", NULL, 5 },
	{ "str", "a", "'a' is not a short word" },
	{ "str", "abcdef", "'abcdef' is not a short word" },
	{ "custom", "ab", NULL, 2 },
	{ "custom", "abc", "'abc' has an odd length" },
};

static unsigned int t_value(const struct t_dst *d, const char *key)
{
	if (!strcmp(key, "b"))
		return d->b;
	if (!strcmp(key, "u"))
		return d->u;
	if (!strcmp(key, "e"))
		return (unsigned int)d->e;
	if (!strcmp(key, "asn"))
		return d->asn;
	if (!strcmp(key, "list"))
		return (unsigned int)d->n;
	return (unsigned int)strlen(!strcmp(key, "str") ? d->str : d->custom);
}

static void test_settings_types_at_and_past_limits(void **state)
{
	for (size_t i = 0; i < sizeof(t_cases) / sizeof(t_cases[0]); i++) {
		const struct setting_bind *b = setting_find_key(t_binds, t_cases[i].key);
		struct t_dst d = { .custom = "" }, before;
		char why[128] = "";
		int rc;

		assert_non_null(b);
		before = d;
		rc = setting_parse(b, &d, t_cases[i].v, why, sizeof(why));
		if (!t_cases[i].why) {
			if (rc)
				fail_msg("%s = '%s': %s", t_cases[i].key, t_cases[i].v, why);
			assert_int_equal(t_value(&d, t_cases[i].key), t_cases[i].want);
			continue;
		}
		assert_int_equal(rc, -EINVAL);
		assert_string_equal(why, t_cases[i].why);
		if (b->set->type != SETTING_ASN_LIST) /* a list keeps the ASes before the bad one */
			assert_memory_equal(&d, &before, sizeof(d));
	}
}

/* Config keys spell the command line's '-' as '_', and only so. */
static void test_settings_keys(void **state)
{
	char known[64];

	assert_true(setting_is_key(&set_tc_hook, "tc_hook"));
	assert_false(setting_is_key(&set_tc_hook, "tc-hook"));
	assert_false(setting_is_key(&set_tc_hook, "tc_hoo"));
	assert_false(setting_is_key(&set_tc_hook, "tc_hooks"));
	assert_null(setting_find_key(t_binds, "bb"));
	setting_keys(t_binds, known, sizeof(known));
	assert_string_equal(known, "b, u, e, asn, list, str, custom");
}

static void test_routes_text_line_forms(void **state)
{
	struct rt_entry e;
	char err[128];

	assert_int_equal(
		routes_text_parse_line("175.45.176.0/22 131279 4837 3356", &e, err, sizeof(err)),
		1);
	assert_int_equal(e.family, 4);
	assert_int_equal(e.plen, 22);
	assert_int_equal(e.addr[0], 175);
	assert_int_equal(e.addr[2], 176);
	assert_int_equal(e.route.origin_asn, 131279);
	assert_int_equal(e.route.transit_asn, 4837);
	assert_int_equal(e.route.peer_asn, 3356);
	assert_int_equal(e.route.flags, 0);

	assert_int_equal(
		routes_text_parse_line("2001:db8::/32\tAS64510 # comment", &e, err, sizeof(err)),
		1);
	assert_int_equal(e.family, 6);
	assert_int_equal(e.plen, 32);
	assert_int_equal(e.route.origin_asn, 64510);
	assert_int_equal(e.route.transit_asn, 0);
	assert_int_equal(e.route.flags, ASC_RF_NO_TRANSIT);

	assert_int_equal(routes_text_parse_line("   # only a comment", &e, err, sizeof(err)), 0);
	assert_int_equal(routes_text_parse_line("", &e, err, sizeof(err)), 0);
}

static void test_routes_text_line_errors(void **state)
{
	struct rt_entry e;
	char err[128];

	assert_int_equal(routes_text_parse_line("175.45.176.0/22", &e, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "expected PREFIX ORIGIN_AS [TRANSIT_AS [PEER_AS]], got 1 field");
	assert_int_equal(routes_text_parse_line("175.45.176.0/33 1", &e, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "bad prefix '175.45.176.0/33'");
	assert_int_equal(routes_text_parse_line("175.45.176.0/22 1 x4837", &e, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "bad transit AS 'x4837'");
	assert_int_equal(routes_text_parse_line("175.45.176.0/22 1 2 3 4", &e, err, sizeof(err)),
			 -EINVAL);
	/* host bits set beyond the length are an error, not silently cleared */
	assert_int_equal(routes_text_parse_line("175.45.176.1/22 1", &e, err, sizeof(err)),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmd_parse_asn_table),
		cmocka_unit_test(test_cmd_parse_u32_bounds),
		cmocka_unit_test(test_cmd_opt_next_permutes_and_reports),
		cmocka_unit_test(test_cmd_opt_next_unknown_option),
		cmocka_unit_test(test_cmd_exit_code_table),
		cmocka_unit_test(test_settings_types_at_and_past_limits),
		cmocka_unit_test(test_settings_keys),
		cmocka_unit_test(test_routes_text_line_forms),
		cmocka_unit_test(test_routes_text_line_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
