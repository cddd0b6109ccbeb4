/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/cli/settings.h - one typed table of settings for the command line and
 * asclass.conf.
 *
 * A setting (struct setting) is defined once: its name, type, limits, the
 * default --help shows, and its help text.  A front end binds it to a field
 * of its own struct (struct setting_bind: the setting and the field's offset
 * and size), as xdp-tools' DEFINE_OPTION(name, OPT_ENUM, struct, field)
 * does.  The command line (cli/cmd.c, --tc-hook) and the config parser
 * (daemon/config.c, tc_hook = ...) both parse through setting_parse(), so a
 * value means the same and a limit gives the same words from both; each front
 * end only puts its place in front ("asclass attach: --counters: ..." or
 * "asclass.conf:7: [daemon] counters: ...").  Nothing here logs.
 */
#ifndef ASC_SETTINGS_H
#define ASC_SETTINGS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/parse.h"

enum setting_type {
	SETTING_BOOL,	  /* config: yes/no, true/false, 1/0; command line: a flag that sets it */
	SETTING_U32,	  /* unsigned int from min to max */
	SETTING_ENUM,	  /* one of names[], stored as its value */
	SETTING_ASN,	  /* "131279", "AS131279" or asdot "2.1234", from min to max */
	SETTING_ASN_LIST, /* AS numbers separated by commas or spaces, up to max of them */
	SETTING_STRING,	  /* copied into a char[size] field; min to size - 1 bytes */
	SETTING_CUSTOM,	  /* parse() does it */
};

struct setting_name {
	const char *name;
	int value;
};

/* A custom parser: stores what v says through field (the bound field) or
 * base (the whole struct).  Returns 0, or -EINVAL with a reason in why
 * (without the place, which the front end adds). */
typedef int (*setting_parse_fn)(const char *v, void *field, void *base, char *why, size_t why_len);

struct setting {
	const char *name; /* the command line's spelling, "tc-hook"; the config key
			     spells '-' as '_' ("tc_hook") */
	enum setting_type type;
	uint32_t min, max; /* U32, ASN: the value; STRING: min length; ASN_LIST: max count */
	const struct setting_name *names; /* ENUM: terminated by { NULL } */
	const char *what;		  /* U32, ASN, STRING: "a VLAN id", for errors */
	setting_parse_fn parse;		  /* CUSTOM */
	int short_name;			  /* command line: 0 for none */
	const char *metavar;		  /* command line: NULL for a flag (BOOL) */
	const char *def;		  /* the default, as --help and the man pages show it */
	const char *help;
};

/* A setting bound to a field of a front end's struct.  count_off: the
 * size_t count of an ASN_LIST (its array of uint32_t is at off). */
struct setting_bind {
	const struct setting *set;
	size_t off, size, count_off;
};

#define SETTING_BIND(setting, type, field)                                                         \
	{ .set = &(setting), .off = offsetof(type, field), .size = sizeof(((type *)0)->field) }
#define SETTING_BIND_LIST(setting, type, field, count)                                             \
	{ .set = &(setting),                                                                       \
	  .off = offsetof(type, field),                                                            \
	  .size = sizeof(((type *)0)->field),                                                      \
	  .count_off = offsetof(type, count) }

/* Parses v into the field b binds in base.  Returns 0, or -EINVAL (-ENOMEM) with the
 * reason in why ("'5' is out of range (1024-16777216)"); base is then
 * unchanged except for an ASN_LIST, which keeps the ASes before the bad one. */
int setting_parse(const struct setting_bind *b, void *base, const char *v, char *why,
		  size_t why_len);
/* Whether a config key names s ('_' for the name's '-'). */
bool setting_is_key(const struct setting *s, const char *key);
/* The binding in binds (terminated by { NULL }) whose setting is the config
 * key `key`, or NULL. */
const struct setting_bind *setting_find_key(const struct setting_bind *binds, const char *key);
/* Writes the config keys of binds as "a, b, c" into buf (cut at len). */
void setting_keys(const struct setting_bind *binds, char *buf, size_t len);

/* The settings both front ends have.  Their ranges and names are the
 * data plane's (enum attach_mode, enum tc_hook, COUNTERS_MIN/MAX, ...). */
extern const struct setting set_upstream, set_vlan, set_asn, set_mode, set_tc_hook, set_replace,
	set_counters, set_format, set_keep_going, set_allow_empty, set_lookup, set_neighbor;

#endif
