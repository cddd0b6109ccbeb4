// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/output/json_out.c - the JSON renderer (see json_out.h): jansson encodes every
 * key and value; the writer only opens and closes containers, so a long list
 * is written one element at a time instead of as one tree. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "dataplane/attach.h"
#include "dataplane/fib.h"
#include "dataplane/maps.h"
#include "output/json_out.h"
#include "output/rates.h"
#include "output/snapshot.h"
#include "routes/rib.h"
#include "routes/rtable.h"

/* Compact, members in the order they were added. */
#define JSON_OUT_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY)

const char *dir_name(unsigned int dir)
{
	return dir == ASC_DIR_RX ? "in" : dir == ASC_DIR_TX ? "out" : "?";
}

const char *family_name(unsigned int family)
{
	return family == ASC_FAMILY_V4 ? "ipv4" : family == ASC_FAMILY_V6 ? "ipv6" : "?";
}

/* ---- the streaming writer ---------------------------------------------- */

void json_out_init(struct json_out *w, FILE *f)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
}

static void put(struct json_out *w, const char *punct)
{
	if (fputs(punct, w->f) == EOF && !w->err)
		w->err = -EIO;
}

/* Before a value: a comma after an earlier element, a new line in an array. */
static void next_value(struct json_out *w)
{
	if (!w->depth || w->object[w->depth - 1])
		return; /* top level, or after a key */
	put(w, w->first[w->depth - 1] ? "\n" : ",\n");
	w->first[w->depth - 1] = false;
}

static void dump(struct json_out *w, json_t *v)
{
	if (!v) {
		if (!w->err)
			w->err = -ENOMEM;
		return;
	}
	if (json_dumpf(v, w->f, JSON_OUT_FLAGS) && !w->err)
		w->err = -EIO;
	json_decref(v);
}

static void open_container(struct json_out *w, bool object)
{
	next_value(w);
	if (w->depth == JSON_OUT_DEPTH) {
		w->err = -E2BIG;
		return;
	}
	put(w, object ? "{" : "[");
	w->object[w->depth] = object;
	w->first[w->depth++] = true;
}

void json_out_array(struct json_out *w)
{
	open_container(w, false);
}

void json_out_object(struct json_out *w)
{
	open_container(w, true);
}

void json_out_key(struct json_out *w, const char *key)
{
	if (!w->depth || !w->object[w->depth - 1]) {
		w->err = w->err ? w->err : -EINVAL;
		return;
	}
	if (!w->first[w->depth - 1])
		put(w, ",");
	w->first[w->depth - 1] = false;
	dump(w, json_string(key));
	put(w, ":");
}

void json_out_add(struct json_out *w, json_t *v)
{
	next_value(w);
	dump(w, v);
}

void json_out_end(struct json_out *w)
{
	if (!w->depth)
		return;
	w->depth--;
	if (!w->object[w->depth] && !w->first[w->depth])
		put(w, "\n");
	put(w, w->object[w->depth] ? "}" : "]");
}

int json_out_finish(struct json_out *w)
{
	while (w->depth)
		json_out_end(w);
	put(w, "\n");
	if ((fflush(w->f) || ferror(w->f)) && !w->err)
		w->err = -EIO;
	if (w->err)
		log_err("write JSON: %s", errstr(w->err));
	return w->err;
}

/* ---- values ------------------------------------------------------------- */

/* True when len bytes of s are valid UTF-8: jansson's own check (json_stringn
 * refuses anything else), so what passes here it also accepts. */
static bool utf8_valid(const char *s, size_t len)
{
	json_t *t = json_stringn(s, len);

	json_decref(t);
	return t != NULL;
}

/* Length of the UTF-8 character at s (at most n bytes), 0 if none starts
 * there. */
static size_t utf8_char_len(const char *s, size_t n)
{
	for (size_t k = 1; k <= 4 && k <= n; k++)
		if (utf8_valid(s, k))
			return k;
	return 0;
}

size_t json_out_utf8_span(const char *s, size_t len)
{
	size_t i = 0, k;

	if (utf8_valid(s, len))
		return len;
	while (i < len && (k = utf8_char_len(s + i, len - i)))
		i += k;
	return i;
}

json_t *json_out_text(const char *s, size_t len)
{
	static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */
	size_t n = strnlen(s, len), o = 0;
	json_t *v;
	char *buf;

	if (utf8_valid(s, n))
		return json_stringn(s, n);
	buf = malloc(n * 3); /* at worst every byte becomes U+FFFD */
	if (!buf)
		return NULL;
	for (size_t i = 0; i < n;) {
		size_t k = utf8_char_len(s + i, n - i);

		if (k) {
			memcpy(buf + o, s + i, k);
			o += k;
			i += k;
		} else {
			memcpy(buf + o, replacement, 3);
			o += 3;
			i++;
		}
	}
	v = json_stringn(buf, o);
	free(buf);
	return v;
}

json_t *json_out_count(uint64_t v)
{
	return v > INT64_MAX ? NULL : json_integer((json_int_t)v);
}

json_t *json_out_time(uint64_t unix_seconds)
{
	time_t t = (time_t)unix_seconds;
	char buf[32];
	struct tm tm;

	if (!unix_seconds)
		return json_null();
	if (!gmtime_r(&t, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		return NULL;
	return json_string(buf);
}

/* ---- object kinds -------------------------------------------------------- */

json_t *json_out_flags(uint32_t flags)
{
	char buf[128], *tok, *save = NULL;
	json_t *a = json_array();

	/* route_flags_str() holds the one table of flag names: "-" or "a,b" */
	route_flags_str(flags, buf, sizeof(buf));
	if (!a || !strcmp(buf, "-"))
		return a;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (json_array_append_new(a, json_string(tok))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

json_t *json_out_route(const struct rt_entry *prefix, const struct rt_route *rt)
{
	char pfx[64];

	if (prefix)
		prefix_fmt(prefix, pfx, sizeof(pfx));
	return json_pack("{s:s?, s:I, s:I, s:I, s:o}", "prefix", prefix ? pfx : NULL, "origin_as",
			 (json_int_t)rt->origin_asn, "transit_as", (json_int_t)rt->transit_asn,
			 "peer_as", (json_int_t)rt->peer_asn, "flags", json_out_flags(rt->flags));
}

static json_t *upstream_text(const struct asc_upstream *ups, unsigned int id)
{
	char name[ASC_NAME_LEN + 8];

	upstream_name(ups, id, name, sizeof(name));
	return json_out_text(name, sizeof(name));
}

json_t *json_out_counter(const struct counter_row *c, const struct asc_upstream *ups)
{
	return json_pack("{s:o, s:I, s:s, s:s, s:I, s:I, s:s, s:o, s:o}", "upstream",
			 upstream_text(ups, c->key.upstream_id), "upstream_id",
			 (json_int_t)c->key.upstream_id, "direction", dir_name(c->key.dir),
			 "family", family_name(c->key.family), "origin_as",
			 (json_int_t)c->key.origin_asn, "transit_as",
			 (json_int_t)c->key.transit_asn, "path", path_name(c->path), "packets",
			 json_out_count(c->val.packets), "bytes", json_out_count(c->val.bytes));
}

json_t *json_out_overflow(const struct asc_upstream *ups, unsigned int id, unsigned int dir,
			  const struct asc_count_val *v)
{
	return json_pack("{s:o, s:I, s:s, s:o, s:o}", "upstream", upstream_text(ups, id),
			 "upstream_id", (json_int_t)id, "direction", dir_name(dir), "packets",
			 json_out_count(v->packets), "bytes", json_out_count(v->bytes));
}

json_t *json_out_packets(const uint64_t stats[ASC_STAT_MAX])
{
	json_t *o = json_object();

	for (int s = 0; o && s < ASC_STAT_MAX; s++)
		if (json_object_set_new(o, stat_name(s), json_out_count(stats[s]))) {
			json_decref(o);
			return NULL;
		}
	return o;
}

json_t *json_out_link(const struct link_row *l, const struct asc_upstream *ups, const char *ifname,
		      const struct attach_info *ai)
{
	unsigned int id = l->val.upstream_id;
	json_t *vlan = l->key.vlan_id == ASC_VLAN_ANY ? json_null() : json_integer(l->key.vlan_id);

	return json_pack("{s:s?, s:I, s:s, s:o, s:o, s:I, s:I, s:s?, s:s?, s:s?}", "interface",
			 ifname, "ifindex", (json_int_t)l->key.ifindex, "netns",
			 ifname ? "this" : "other", "vlan", vlan, "upstream",
			 upstream_text(ups, id), "upstream_id", (json_int_t)id, "upstream_as",
			 (json_int_t)(id < ASC_MAX_UPSTREAMS ? ups[id].asn : 0), "xdp_mode",
			 ai->xdp ? ai->xdp_mode : NULL, "xdp_via",
			 ai->xdp ? (ai->dispatcher ? "dispatcher" : "single") : NULL, "tc_hook",
			 ai->tc ? ai->tc_hook : NULL);
}

json_t *json_out_tables(const struct asc_state *st)
{
	return json_pack("{s:I, s:s, s:I, s:I, s:o, s:o}", "generation", (json_int_t)st->generation,
			 "lookup", st->lookup == ASC_LOOKUP_FAST ? "fast" : "lpm", "ipv4",
			 (json_int_t)st->routes_v4, "ipv6", (json_int_t)st->routes_v6, "swaps",
			 json_out_count(st->swaps), "loaded",
			 json_out_time(st->load_time_ns / 1000000000ULL));
}

static json_t *fill(uint32_t used, uint32_t capacity)
{
	return json_pack("{s:I, s:I}", "used", (json_int_t)used, "capacity", (json_int_t)capacity);
}

json_t *json_out_fast(const struct asc_state *st)
{
	if (st->lookup != ASC_LOOKUP_FAST)
		return json_null();
	return json_pack("{s:o, s:o, s:o}", "nodes", fill(st->fib_nodes, ASC_FIB_NODES), "leaves",
			 fill(st->fib_leaves, ASC_FIB_LEAVES), "routes",
			 fill(st->fib_routes, FIB_ROUTES_USABLE));
}

json_t *json_out_count_map(size_t slots, unsigned int capacity)
{
	return json_pack("{s:o, s:I}", "slots", json_out_count(slots), "capacity",
			 (json_int_t)capacity);
}

json_t *json_out_transit(const struct rib_transit *t)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:o, s:o}", "origin_as", (json_int_t)t->origin,
			 "transit_as", (json_int_t)t->transit, "prefixes", (json_int_t)t->prefixes,
			 "paths", (json_int_t)t->paths, "first_seen", json_out_time(t->first_seen),
			 "gone_since", json_out_time(t->gone_since));
}

json_t *json_out_route_link(const char *upstream, const struct rt_link *l)
{
	return json_pack("{s:o, s:I, s:I, s:s}", "upstream",
			 json_out_text(upstream, strlen(upstream)), "origin_as",
			 (json_int_t)l->origin_asn, "transit_as", (json_int_t)l->transit_asn,
			 "path", path_name(l->path));
}

/* ---- whole outputs of a snapshot ----------------------------------------- */

int json_out_stats(FILE *f, const struct snapshot *s)
{
	struct json_out w;

	json_out_init(&w, f);
	json_out_object(&w);
	json_out_key(&w, "counters");
	json_out_array(&w);
	for (size_t r = 0; r < s->n_rows; r++)
		json_out_add(&w, json_out_counter(&s->rows[r], s->ups));
	json_out_end(&w);
	json_out_key(&w, "overflow");
	json_out_array(&w);
	for (unsigned int u = 0; u < ASC_MAX_UPSTREAMS; u++)
		for (unsigned int d = 0; d < ASC_DIR_MAX; d++)
			if (s->ovf[u].dir[d].packets)
				json_out_add(&w,
					     json_out_overflow(s->ups, u, d, &s->ovf[u].dir[d]));
	json_out_end(&w);
	json_out_key(&w, "packets");
	json_out_add(&w, json_out_packets(s->stats));
	return json_out_finish(&w);
}

int json_out_status(FILE *f, const struct snapshot *s, const char *pin_dir)
{
	struct json_out w;

	json_out_init(&w, f);
	json_out_object(&w);
	json_out_key(&w, "pin_dir");
	json_out_add(&w, json_out_text(pin_dir, strlen(pin_dir)));
	json_out_key(&w, "links");
	json_out_array(&w);
	for (size_t i = 0; i < s->n_links; i++) {
		const struct snap_link *l = &s->links[i];

		json_out_add(
			&w, json_out_link(&l->row, s->ups, l->here ? l->ifname : NULL, &l->attach));
	}
	json_out_end(&w);
	json_out_key(&w, "routes");
	json_out_add(&w, json_out_tables(&s->state));
	json_out_key(&w, "fast");
	json_out_add(&w, json_out_fast(&s->state));
	json_out_key(&w, "counters");
	json_out_add(&w, json_out_count_map(s->n_slots, s->counts_max));
	json_out_key(&w, "packets");
	json_out_add(&w, json_out_packets(s->stats));
	return json_out_finish(&w);
}

/* A rate row: with origin_as / transit_as as r->by shows them. */
static json_t *rate_row(const struct snapshot *s, const struct rate_row *x, enum rates_by by,
			bool total)
{
	json_t *o = json_pack("{s:o, s:I, s:s, s:f, s:f}", "upstream",
			      upstream_text(s->ups, x->upstream_id), "upstream_id",
			      (json_int_t)x->upstream_id, "direction", dir_name(x->dir),
			      "packets_per_second", x->pps, "bits_per_second", x->bps);

	if (o && !total && by != RATES_BY_TRANSIT &&
	    json_object_set_new(o, "origin_as", json_integer(x->origin_asn)))
		goto fail;
	if (o && !total && by != RATES_BY_ORIGIN &&
	    json_object_set_new(o, "transit_as", json_integer(x->transit_asn)))
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

static json_t *rate_rows(const struct snapshot *s, const struct rate_row *v, size_t n,
			 enum rates_by by, bool total)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, rate_row(s, &v[i], by, total))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

int json_out_rates(FILE *f, const struct snapshot *s, const struct rates *r, unsigned int limit)
{
	size_t n = r->n < limit ? r->n : limit;
	json_t *o =
		json_pack("{s:f, s:s, s:o, s:o}", "seconds", r->seconds, "by", rates_by_name(r->by),
			  "totals", rate_rows(s, r->totals, r->n_totals, r->by, true), "rows",
			  rate_rows(s, r->rows, n, r->by, false));
	struct json_out w;

	json_out_init(&w, f);
	json_out_add(&w, o);
	return json_out_finish(&w);
}
