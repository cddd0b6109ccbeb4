// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/cli/settings.c - the typed settings table: one parser per type, and the
 * settings the command line and asclass.conf share.  See cli/settings.h.
 * Nothing here logs: errors come back as text for the front end to place. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asclass.h"
#include "cli/settings.h"
#include "common/parse.h"
#include "dataplane/attach.h"
#include "dataplane/maps.h"
#include "output/json_out.h"
#include "routes/routes_in.h"

/* Integers of the widths the bound fields have (bool, enum, unsigned int). */
static void store_int(void *field, size_t size, uint32_t v)
{
	if (size == sizeof(uint8_t))
		*(uint8_t *)field = (uint8_t)v;
	else
		*(uint32_t *)field = v;
}

/* "'v' is not <what>" and the like: fmt takes v, then what. */
static int bad(char *why, size_t len, const char *fmt, const char *v, const char *what)
{
	snprintf(why, len, fmt, v, what);
	return -EINVAL;
}

static int range(const struct setting *s, const char *v, uint32_t n, char *why, size_t len)
{
	if (n >= s->min && n <= s->max)
		return 0;
	snprintf(why, len, "'%s' is out of range (%u-%u)", v, s->min, s->max);
	return -EINVAL;
}

static int parse_bool(const char *v, uint32_t *out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
		*out = 1;
	else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
		*out = 0;
	else
		return -EINVAL;
	return 0;
}

/* "'x' is not native or skb" */
static int parse_enum(const struct setting *s, const char *v, uint32_t *out, char *why, size_t len)
{
	size_t n = 0, used;

	for (const struct setting_name *e = s->names; e->name; e++, n++)
		if (!strcmp(v, e->name)) {
			*out = (uint32_t)e->value;
			return 0;
		}
	used = (size_t)snprintf(why, len, "'%s' is not ", v);
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(why + used, len - used, "%s%s",
					 !i	     ? ""
					 : i + 1 < n ? ", "
						     : " or ",
					 s->names[i].name);
	return -EINVAL;
}

/* "131279, 4837 AS20485" into the uint32_t array at field, its count at
 * *count. */
static int parse_asn_list(const struct setting *s, const char *v, uint32_t *as, size_t *count,
			  char *why, size_t len)
{
	char *buf = strdup(v), *tok, *save = NULL;
	int err = 0;

	if (!buf) {
		snprintf(why, len, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	for (tok = strtok_r(buf, " ,", &save); !err && tok; tok = strtok_r(NULL, " ,", &save)) {
		if (*count == s->max) {
			snprintf(why, len, "more than %u ASes", s->max);
			err = -EINVAL;
		} else if (parse_asn(tok, &as[*count])) {
			err = bad(why, len, "'%s' is not %s", tok, "an AS number");
		} else {
			++*count;
		}
	}
	free(buf);
	return err;
}

static int parse_string(const struct setting *s, const char *v, char *field, size_t size, char *why,
			size_t len)
{
	size_t n = strlen(v);

	if (n < s->min || n >= size)
		return bad(why, len, "'%s' is not %s", v, s->what);
	memcpy(field, v, n + 1);
	return 0;
}

static int parse_number(const struct setting *s, const char *v, uint32_t *out, char *why,
			size_t len)
{
	int err = s->type == SETTING_ASN ? parse_asn(v, out) : parse_u32(v, out);

	if (err)
		return bad(why, len, "'%s' is not %s", v, s->what);
	return range(s, v, *out, why, len);
}

int setting_parse(const struct setting_bind *b, void *base, const char *v, char *why,
		  size_t why_len)
{
	const struct setting *s = b->set;
	char *field = (char *)base + b->off;
	uint32_t n;
	int err;

	switch (s->type) {
	case SETTING_BOOL:
		if (parse_bool(v, &n))
			return bad(why, why_len, "'%s' is not %s", v, "yes or no");
		break;
	case SETTING_U32:
	case SETTING_ASN:
		err = parse_number(s, v, &n, why, why_len);
		if (err)
			return err;
		break;
	case SETTING_ENUM:
		err = parse_enum(s, v, &n, why, why_len);
		if (err)
			return err;
		break;
	case SETTING_ASN_LIST:
		return parse_asn_list(s, v, (uint32_t *)field,
				      (size_t *)((char *)base + b->count_off), why, why_len);
	case SETTING_STRING:
		return parse_string(s, v, field, b->size, why, why_len);
	case SETTING_CUSTOM:
		return s->parse(v, field, base, why, why_len);
	default:
		return bad(why, why_len, "'%s': %s", v, "a setting without a type");
	}
	store_int(field, b->size, n);
	return 0;
}

bool setting_is_key(const struct setting *s, const char *key)
{
	const char *n = s->name;

	for (; *n && *key; n++, key++)
		if (*n != (*key == '_' ? '-' : *key) || *key == '-')
			return false;
	return !*n && !*key;
}

const struct setting_bind *setting_find_key(const struct setting_bind *binds, const char *key)
{
	for (const struct setting_bind *b = binds; b->set; b++)
		if (setting_is_key(b->set, key))
			return b;
	return NULL;
}

void setting_keys(const struct setting_bind *binds, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	for (const struct setting_bind *b = binds; b->set && used < len; b++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", b == binds ? "" : ", ",
					 b->set->name);
	for (char *c = buf; *c; c++) /* config keys spell '-' as '_' */
		if (*c == '-')
			*c = '_';
}

/* ---- the settings --------------------------------------------------- */

/* Upstream names show in text tables, logs, Prometheus labels and JSON, so
 * they are UTF-8 without control characters (C0, DEL, C1); quotes,
 * backslashes and any other character are fine, escaped where an output
 * needs it.  The field is a const char * to v. */
static int parse_upstream(const char *v, void *field, void *base, char *why, size_t len)
{
	size_t n = strlen(v), ok = json_out_utf8_span(v, n);

	(void)base;
	if (ok != n) {
		snprintf(why, len, "byte %zu (0x%02x) is not UTF-8", ok, (unsigned char)v[ok]);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = v[i], next = v[i + 1];

		if (c < 0x20 || c == 0x7f || (c == 0xc2 && next >= 0x80 && next <= 0x9f)) {
			snprintf(why, len, "byte %zu is a control character", i);
			return -EINVAL;
		}
	}
	*(const char **)field = v;
	return 0;
}

const struct setting set_upstream = {
	.name = "upstream",
	.type = SETTING_CUSTOM,
	.parse = parse_upstream,
	.short_name = 'u',
	.metavar = "NAME",
	.help = "name of the upstream on this link (required; at most 15 characters)",
};

const struct setting set_vlan = {
	.name = "vlan",
	.type = SETTING_U32,
	.max = 4094,
	.what = "a VLAN id",
	.metavar = "VID",
	.def = "the whole interface",
	.help = "count only frames with this outer VLAN id under this upstream",
};

const struct setting set_asn = {
	.name = "asn",
	.type = SETTING_ASN,
	.max = UINT32_MAX,
	.what = "an AS number",
	.short_name = 'a',
	.metavar = "ASN",
	.help = "AS number of the upstream (shown in status and metrics)",
};

/* An IPv4 or IPv6 address into a struct setting_addr. */
static int parse_neighbor(const char *v, void *field, void *base, char *why, size_t len)
{
	struct setting_addr a = { 0 };
	int family;

	(void)base;
	if (addr_parse(v, a.addr, &family))
		return bad(why, len, "'%s' is not %s", v, "an IPv4 or IPv6 address");
	a.family = (uint8_t)family;
	memcpy(field, &a, sizeof(a));
	return 0;
}

const struct setting set_neighbor = {
	.name = "neighbor",
	.type = SETTING_CUSTOM,
	.parse = parse_neighbor,
	.metavar = "ADDR",
	.def = "every session of the AS",
	.help = "the upstream's BGP session address (IPv4 or IPv6): of routing data, only the "
		"paths of this peer are the link's own (needed where several sessions share "
		"the upstream's AS)",
};

static const struct setting_name mode_names[] = {
	{ "native", ATTACH_NATIVE },
	{ "skb", ATTACH_SKB },
	{ NULL },
};

const struct setting set_mode = {
	.name = "mode",
	.type = SETTING_ENUM,
	.names = mode_names,
	.short_name = 'm',
	.metavar = "native|skb",
	.def = "native",
	.help = "XDP attach mode",
};

static const struct setting_name tc_hook_names[] = {
	{ "auto", TC_HOOK_AUTO },
	{ "tcx", TC_HOOK_TCX },
	{ "clsact", TC_HOOK_CLSACT },
	{ NULL },
};

const struct setting set_tc_hook = {
	.name = "tc-hook",
	.type = SETTING_ENUM,
	.names = tc_hook_names,
	.metavar = "auto|tcx|clsact",
	.def = "auto",
	.help = "hook the egress program with a tcx link (kernel 6.6+) or a clsact filter; auto "
		"tries tcx first",
};

const struct setting set_replace = {
	.name = "replace",
	.type = SETTING_BOOL,
	.help = "replace programs already attached with this binary's, atomically (upgrades); "
		"take a hook ours cannot share over from another asclass install",
};

const struct setting set_counters = {
	.name = "counters",
	.type = SETTING_U32,
	.min = COUNTERS_MIN,
	.max = COUNTERS_MAX,
	.what = "a number of counter slots",
	.metavar = "N",
	.def = "262144",
	.help = "how many counter slots (upstream x family x origin x transit x path, rx and tx "
		"each) asc_counts holds when this creates it; an existing one keeps its size",
};

static const struct setting_name format_names[] = {
	{ "auto", ROUTES_AUTO },     { "mrt", ROUTES_MRT },   { "bgpdump", ROUTES_BGPDUMP },
	{ "pfx2as", ROUTES_PFX2AS }, { "text", ROUTES_TEXT }, { NULL },
};

const struct setting set_format = {
	.name = "format",
	.type = SETTING_ENUM,
	.names = format_names,
	.short_name = 'f',
	.metavar = "FORMAT",
	.def = "auto",
	.help = "input format: auto, mrt, bgpdump, pfx2as or text",
};

const struct setting set_keep_going = {
	.name = "keep-going",
	.type = SETTING_BOOL,
	.short_name = 'k',
	.help = "skip and count malformed records instead of failing",
};

const struct setting set_allow_empty = {
	.name = "allow-empty",
	.type = SETTING_BOOL,
	.help = "accept input without routes (an empty file, only comments, every route "
		"withdrawn) and load the empty table it gives; without it that input is an error "
		"and the active tables stay",
};

static const struct setting_name lookup_names[] = {
	{ "fast", ASC_LOOKUP_FAST },
	{ "lpm", ASC_LOOKUP_LPM },
	{ NULL },
};

const struct setting set_lookup = {
	.name = "lookup",
	.type = SETTING_ENUM,
	.names = lookup_names,
	.short_name = 'l',
	.metavar = "KIND",
	.def = "fast",
	.help = "route tables for the data plane: fast (compressed trie in arrays) or lpm (the "
		"kernel's LPM trie, the reference)",
};
