/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/output/json_out.h - the JSON renderer: one builder per object kind, and a
 * streaming writer for lists too long to hold as one tree.
 *
 * Every --json output goes through here and through jansson, which escapes
 * and checks UTF-8; nothing here or in a command prints JSON text itself.
 * The schema (docs/asclass.8, JSON OUTPUT) is what these builders make: a
 * field has one name and one type in every command.
 *
 * Builders return a new reference, or NULL when out of memory (or, for
 * numbers, past what JSON integers here hold: 2^63 - 1).  They log nothing.
 */
#ifndef ASC_JSON_OUT_H
#define ASC_JSON_OUT_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "asclass.h"
#include "routes/rtable.h"

struct rt_entry;
struct counter_row;
struct link_row;
struct attach_info;
struct rib_transit;
struct snapshot;
struct rates;

/* Names of key fields as every output spells them (text and JSON):
 * "in"/"out", "ipv4"/"ipv6"; "?" for a value no key should hold. */
const char *dir_name(unsigned int dir);
const char *family_name(unsigned int family);

/* ---- the streaming writer ----------------------------------------------
 * Containers are opened and closed here; every key and value is encoded by
 * jansson.  An array puts each element on its own line, so a million routes
 * cost one element's memory at a time. */
#define JSON_OUT_DEPTH 8

struct json_out {
	FILE *f;
	int depth;
	bool first[JSON_OUT_DEPTH];  /* nothing written in this container yet */
	bool object[JSON_OUT_DEPTH]; /* this container is an object (else an array) */
	int err;		     /* first error: -ENOMEM, -EIO, -E2BIG (too deep) */
};

void json_out_init(struct json_out *w, FILE *f);
/* Open an array or object as the next value (inside an object: after
 * json_out_key()). */
void json_out_array(struct json_out *w);
void json_out_object(struct json_out *w);
/* The next member's key, inside an object. */
void json_out_key(struct json_out *w, const char *key);
/* Writes v as the next value and drops the reference (NULL: records
 * -ENOMEM, so a builder's failure is the caller's one check at the end). */
void json_out_add(struct json_out *w, json_t *v);
/* Closes the innermost container. */
void json_out_end(struct json_out *w);
/* Closes what is still open, ends the output with a newline and flushes.
 * Returns 0 or the first negative errno any step met (a write error is
 * -EIO), which it logs. */
int json_out_finish(struct json_out *w);

/* ---- values ------------------------------------------------------------ */

/* A string from len bytes (up to a NUL) of text that may not be UTF-8:
 * what is valid passes as is, each byte of an invalid sequence becomes
 * U+FFFD.  Control characters, quotes and backslashes are escaped by jansson
 * when written. */
json_t *json_out_text(const char *s, size_t len);
/* How many bytes of s, from the start, are valid UTF-8 by jansson's own
 * check: len when all are. */
size_t json_out_utf8_span(const char *s, size_t len);
/* A count: an integer, NULL past 2^63 - 1. */
json_t *json_out_count(uint64_t v);
/* A time as "2017-10-01T09:08:00Z" (UTC), or null for 0 (never). */
json_t *json_out_time(uint64_t unix_seconds);

/* ---- object kinds (docs/asclass.8, JSON OUTPUT) ------------------------ */

/* Route: {prefix, origin_as, transit_as, peer_as, flags}.  prefix is the
 * matched prefix, or NULL when the tables cannot tell it (JSON null);
 * flags is an array of names ("moas", "multi_transit", "no_transit",
 * "as_set"), empty for none. */
json_t *json_out_route(const struct rt_entry *prefix, const struct rt_route *rt);
/* How one upstream attributes a route: {upstream, origin_as, transit_as,
 * path}, path "own" (its own paths) or "consensus" (it announces none:
 * the route's consensus). */
json_t *json_out_route_link(const char *upstream, const struct rt_link *l);
/* The flag names of enum asc_route_flag, as an array. */
json_t *json_out_flags(uint32_t flags);

/* Counter: {upstream, upstream_id, direction, family, origin_as, transit_as,
 * path, packets, bytes}; path is "own", "consensus" or "none".  ups: the asc_upstreams table, for
 * the name. */
json_t *json_out_counter(const struct counter_row *c, const struct asc_upstream *ups);
/* Overflow bucket: {upstream, upstream_id, direction, packets, bytes}. */
json_t *json_out_overflow(const struct asc_upstream *ups, unsigned int id, unsigned int dir,
			  const struct asc_count_val *v);
/* Packets by reason: {"seen": n, "classified": n, "not_ip": n, ...}. */
json_t *json_out_packets(const uint64_t stats[ASC_STAT_MAX]);

/* Link: {interface, ifindex, netns, vlan, upstream, upstream_id,
 * upstream_as, xdp_mode, xdp_via, tc_hook}.  ifname NULL: the link's
 * interface is not in this network namespace, or gone (interface null,
 * netns "other", and what is attached cannot be seen: the last three
 * null); else netns "this".  vlan null: every frame of the interface; the
 * last three are null when that program is not attached. */
json_t *json_out_link(const struct link_row *l, const struct asc_upstream *ups, const char *ifname,
		      const struct attach_info *ai);
/* Active tables: {generation, lookup, ipv4, ipv6, swaps, loaded}. */
json_t *json_out_tables(const struct asc_state *st);
/* Fast-table usage: {nodes, leaves, routes}, each {used, capacity};
 * null under the lpm tables. */
json_t *json_out_fast(const struct asc_state *st);
/* Counter map fill: {keys, capacity}. */
json_t *json_out_count_map(size_t slots, unsigned int capacity);

/* Transit history: {origin_as, transit_as, prefixes, paths, first_seen,
 * gone_since}; gone_since is null while the pair is present. */
json_t *json_out_transit(const struct rib_transit *t);

/* ---- whole outputs of a snapshot ---------------------------------------
 * Each writes one object to f and returns 0 or -errno (logged). */

/* {"counters": [counter...], "overflow": [overflow...], "packets": {...}};
 * the counter list streams (asc_counts may hold millions of keys). */
int json_out_stats(FILE *f, const struct snapshot *s);
/* {pin_dir, links: [link...], routes, fast, counters, packets} */
int json_out_status(FILE *f, const struct snapshot *s, const char *pin_dir);
/* One interval of `asclass top --json`, on one line: {seconds, by, totals:
 * [{upstream, upstream_id, direction, packets_per_second,
 * bits_per_second}...], rows: [the same with origin_as (by origin, pair)
 * and transit_as (by transit, pair)...]}; at most `limit` rows. */
int json_out_rates(FILE *f, const struct snapshot *s, const struct rates *r, unsigned int limit);

#endif
