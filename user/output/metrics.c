// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/output/metrics.c - Prometheus text exposition of a counter snapshot, and
 * the HTTP endpoint that serves it.  Names follow Prometheus' guide:
 * asclass_ prefix, base units, _total on counters, # HELP and # TYPE for
 * each metric.  Nothing here reads the maps: the caller's render callback
 * does. */
#include <errno.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "common/log.h"
#include "dataplane/fib.h"
#include "output/metrics.h"

static const char *const dir_label[ASC_DIR_MAX] = { [ASC_DIR_RX] = "in", [ASC_DIR_TX] = "out" };

static const char *fam_label(unsigned int f)
{
	return f == ASC_FAMILY_V6 ? "ipv6" : "ipv4";
}

/* Label values may hold any byte: escape \, " and newline. */
static void put_label(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n') {
			fputs("\\n", f);
			continue;
		}
		fputc(*s, f);
	}
}

static void upstream_label(FILE *f, const struct metrics_snapshot *s, unsigned int id)
{
	char buf[ASC_NAME_LEN + 8];

	put_label(f, upstream_name(s->ups, id, buf, sizeof(buf)));
}

static int watched(const struct metrics_opts *o, uint32_t asn)
{
	for (size_t i = 0; i < o->n_watch; i++)
		if (o->watch[i] == asn)
			return 1;
	return 0;
}

/* Rows of one (upstream, dir, family) group sorted by bytes, descending. */
static int cmp_bytes_desc(const void *a, const void *b)
{
	const struct counter_row *x = *(const struct counter_row *const *)a;
	const struct counter_row *y = *(const struct counter_row *const *)b;

	if (x->val.bytes != y->val.bytes)
		return x->val.bytes > y->val.bytes ? -1 : 1;
	if (x->key.origin_asn != y->key.origin_asn)
		return x->key.origin_asn < y->key.origin_asn ? -1 : 1;
	return x->key.transit_asn < y->key.transit_asn ? -1
						       : x->key.transit_asn > y->key.transit_asn;
}

/* ---- sticky selection ---- */

struct metrics_state {
	struct seen {
		struct asc_count_key key;
		bool admitted;
	} *v;
	size_t n, cap;
};

struct metrics_state *metrics_state_new(void)
{
	return calloc(1, sizeof(struct metrics_state));
}

void metrics_state_free(struct metrics_state *st)
{
	if (st)
		free(st->v);
	free(st);
}

static int cmp_key(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct asc_count_key));
}

static struct seen *seen_find(struct metrics_state *st, const struct asc_count_key *k)
{
	return st->n ? bsearch(k, st->v, st->n, sizeof(*st->v), cmp_key) : NULL;
}

static bool same_group(const struct asc_count_key *a, const struct asc_count_key *b)
{
	return a->upstream_id == b->upstream_id && a->dir == b->dir && a->family == b->family;
}

/* Records the pairs of one group: those seen before keep their fate; new
 * ones (in order of bytes) are admitted while the group has room.  grp is
 * sorted by bytes, descending.  Returns 0 or -ENOMEM. */
static int admit(struct metrics_state *st, const struct counter_row **grp, size_t n,
		 unsigned int top_n, const struct metrics_opts *o)
{
	size_t admitted = 0, add = 0;

	for (size_t i = 0; i < st->n; i++)
		if (st->v[i].admitted && n && same_group(&st->v[i].key, &grp[0]->key))
			admitted++;
	if (st->n + n > st->cap) {
		size_t cap = (st->n + n) * 2;
		void *p = realloc(st->v, cap * sizeof(*st->v));

		if (!p)
			return -ENOMEM;
		st->v = p;
		st->cap = cap;
	}
	for (size_t i = 0; i < n; i++) {
		struct seen *s = seen_find(st, &grp[i]->key);
		bool w = watched(o, grp[i]->key.origin_asn);

		if (s)
			continue;
		st->v[st->n + add].key = grp[i]->key;
		st->v[st->n + add].admitted = w || admitted < top_n;
		if (!w && admitted < top_n)
			admitted++;
		add++;
	}
	st->n += add;
	qsort(st->v, st->n, sizeof(*st->v), cmp_key);
	return 0;
}

static bool exported(const struct metrics_opts *o, const struct counter_row *r, size_t rank,
		     unsigned int top_n)
{
	if (o->state) {
		const struct seen *s = seen_find(o->state, &r->key);

		return s && s->admitted;
	}
	return rank < top_n || watched(o, r->key.origin_asn);
}

static void series(FILE *f, const char *metric, const struct metrics_snapshot *s,
		   const struct asc_count_key *k, const char *origin, const char *transit,
		   uint64_t v)
{
	fprintf(f, "%s{upstream=\"", metric);
	upstream_label(f, s, k->upstream_id);
	fprintf(f, "\",direction=\"%s\",family=\"%s\",origin_as=\"%s\",transit_as=\"%s\"} %llu\n",
		k->dir < ASC_DIR_MAX ? dir_label[k->dir] : "?", fam_label(k->family), origin,
		transit, (unsigned long long)v);
}

/* One pass per metric (packets, bytes) over groups of rows that share
 * upstream, direction and family (counters_read sorts them that way). */
static int write_traffic(FILE *f, const struct metrics_snapshot *s, const struct metrics_opts *o,
			 const char *metric, int bytes)
{
	const struct counter_row **grp = malloc((s->n_rows ? s->n_rows : 1) * sizeof(*grp));
	unsigned int top_n = o->top_n ? o->top_n : 500;

	if (!grp)
		return -ENOMEM;
	for (size_t i = 0; i < s->n_rows;) {
		const struct asc_count_key *k0 = &s->rows[i].key;
		uint64_t other = 0;
		size_t n = 0, j;
		int have_other = 0;

		for (j = i; j < s->n_rows && s->rows[j].key.upstream_id == k0->upstream_id &&
			    s->rows[j].key.dir == k0->dir && s->rows[j].key.family == k0->family;
		     j++)
			grp[n++] = &s->rows[j];
		qsort(grp, n, sizeof(*grp), cmp_bytes_desc);
		/* admit new pairs once per scrape: on the packets pass */
		if (o->state && !bytes && admit(o->state, grp, n, top_n, o)) {
			free(grp);
			return -ENOMEM;
		}
		for (size_t r = 0; r < n; r++) {
			uint64_t v = bytes ? grp[r]->val.bytes : grp[r]->val.packets;
			char origin[16], transit[16];

			if (exported(o, grp[r], r, top_n)) {
				snprintf(origin, sizeof(origin), "%u", grp[r]->key.origin_asn);
				snprintf(transit, sizeof(transit), "%u", grp[r]->key.transit_asn);
				series(f, metric, s, &grp[r]->key, origin, transit, v);
			} else {
				other += v;
				have_other = 1;
			}
		}
		if (have_other)
			series(f, metric, s, k0, "other", "other", other);
		i = j;
	}
	free(grp);
	return 0;
}

int metrics_write(FILE *f, const struct metrics_snapshot *s, const struct metrics_opts *o)
{
	int err;

	fputs("# HELP asclass_packets_total Packets per upstream link, direction, family, origin "
	      "AS and transit AS.\n"
	      "# TYPE asclass_packets_total counter\n",
	      f);
	err = write_traffic(f, s, o, "asclass_packets_total", 0);
	if (err)
		return err;
	fputs("# HELP asclass_bytes_total Bytes (frame length) per upstream link, direction, "
	      "family, origin AS and transit AS.\n"
	      "# TYPE asclass_bytes_total counter\n",
	      f);
	err = write_traffic(f, s, o, "asclass_bytes_total", 1);
	if (err)
		return err;

	fputs("# HELP asclass_unclassified_packets_total Packets not counted per origin AS, by "
	      "reason.\n"
	      "# TYPE asclass_unclassified_packets_total counter\n",
	      f);
	for (int r = ASC_STAT_NOT_IP; r < ASC_STAT_MAX; r++) {
		if (r == ASC_STAT_NO_ROUTE || r == ASC_STAT_OVERFLOW)
			continue; /* counted per origin (0) and in the overflow metric */
		fprintf(f, "asclass_unclassified_packets_total{reason=\"%s\"} %llu\n", stat_name(r),
			(unsigned long long)s->stats[r]);
	}
	/* Issue 5 calls it asclass_counter_overflow_total; promtool's linter
	 * rejects "counter" inside a counter's name, hence this one. */
	fputs("# HELP asclass_overflow_packets_total Packets counted in the overflow bucket "
	      "because the counter map was full.\n"
	      "# TYPE asclass_overflow_packets_total counter\n",
	      f);
	fprintf(f, "asclass_overflow_packets_total %llu\n",
		(unsigned long long)s->stats[ASC_STAT_OVERFLOW]);
	if (s->counts_max) {
		fputs("# HELP asclass_count_map_entries Keys in asc_counts, one per upstream, "
		      "direction, family, origin and transit that saw traffic.\n"
		      "# TYPE asclass_count_map_entries gauge\n",
		      f);
		fprintf(f, "asclass_count_map_entries %zu\n", s->n_rows);
		fputs("# HELP asclass_count_map_capacity Keys asc_counts holds; traffic under a "
		      "new key beyond them goes to the overflow bucket.\n"
		      "# TYPE asclass_count_map_capacity gauge\n",
		      f);
		fprintf(f, "asclass_count_map_capacity %u\n", s->counts_max);
	}
	fputs("# HELP asclass_routes Prefixes in the active route tables.\n"
	      "# TYPE asclass_routes gauge\n",
	      f);
	fprintf(f, "asclass_routes{family=\"ipv4\"} %u\nasclass_routes{family=\"ipv6\"} %u\n",
		s->state->routes_v4, s->state->routes_v6);
	if (s->state->lookup == ASC_LOOKUP_FAST) {
		static const char *const what[3] = { "nodes", "leaves", "routes" };
		const uint32_t used[3] = { s->state->fib_nodes, s->state->fib_leaves,
					   s->state->fib_routes };
		const uint32_t cap[3] = { ASC_FIB_NODES, ASC_FIB_LEAVES, FIB_ROUTES_USABLE };

		fputs("# HELP asclass_fast_table_entries Entries the active fast tables use, per "
		      "array.\n"
		      "# TYPE asclass_fast_table_entries gauge\n",
		      f);
		for (int i = 0; i < 3; i++)
			fprintf(f, "asclass_fast_table_entries{array=\"%s\"} %u\n", what[i],
				used[i]);
		fputs("# HELP asclass_fast_table_capacity Entries a generation of the fast tables "
		      "can hold, per array.\n"
		      "# TYPE asclass_fast_table_capacity gauge\n",
		      f);
		for (int i = 0; i < 3; i++)
			fprintf(f, "asclass_fast_table_capacity{array=\"%s\"} %u\n", what[i],
				cap[i]);
	}
	fputs("# HELP asclass_rib_load_timestamp_seconds When the active route tables were "
	      "loaded.\n"
	      "# TYPE asclass_rib_load_timestamp_seconds gauge\n",
	      f);
	fprintf(f, "asclass_rib_load_timestamp_seconds %llu.%09llu\n",
		(unsigned long long)(s->state->load_time_ns / 1000000000ULL),
		(unsigned long long)(s->state->load_time_ns % 1000000000ULL));
	fputs("# HELP asclass_table_swaps_total Route table swaps since the maps were created.\n"
	      "# TYPE asclass_table_swaps_total counter\n",
	      f);
	fprintf(f, "asclass_table_swaps_total %llu\n", (unsigned long long)s->state->swaps);
	fputs("# HELP asclass_build_info Version of the asclass binary that wrote these metrics.\n"
	      "# TYPE asclass_build_info gauge\n",
	      f);
	fprintf(f, "asclass_build_info{version=\"%s\",revision=\"%s\"} 1\n", ASC_VERSION,
		ASC_GIT_REV);
	return ferror(f) ? -EIO : 0;
}

/* ---- the HTTP endpoint ---- */

struct metrics_http {
	struct MHD_Daemon *mhd;
	struct metrics_http_opts o;
};

/* The exposition of one scrape, or NULL (render failed, or no memory). */
static char *render(const struct metrics_http *h, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	int err;

	if (!f)
		return NULL;
	err = h->o.render(f, h->o.arg);
	if (fclose(f) || err) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* OpenMetrics 1.0 differs from the 0.0.4 text format, for what we write,
 * in two things: a counter's HELP and TYPE name the family without its
 * _total suffix, and the exposition ends with "# EOF". */
static char *to_openmetrics(const char *text, size_t *len)
{
	char *out = NULL;
	size_t olen = 0;
	FILE *f = open_memstream(&out, &olen);
	const char *line = text;

	if (!f)
		return NULL;
	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line + 1) : strlen(line);
		const char *sp = line + 7; /* after "# HELP " or "# TYPE " */
		const char *end = memchr(sp, ' ', n > 7 ? n - 7 : 0);

		if (n > 7 && (!strncmp(line, "# HELP ", 7) || !strncmp(line, "# TYPE ", 7)) &&
		    end && end - sp > 6 && !strncmp(end - 6, "_total", 6)) {
			fwrite(line, 1, (size_t)(end - 6 - line), f);
			fwrite(end, 1, n - (size_t)(end - line), f);
		} else {
			fwrite(line, 1, n, f);
		}
		line += n;
	}
	fputs("# EOF\n", f);
	fclose(f);
	*len = olen;
	return out;
}

static const char index_html[] =
	"<!DOCTYPE html><html><head><title>asclass</title></head><body><h1>asclass</h1>"
	"<p><a href=\"/metrics\">Metrics</a></p></body></html>\n";

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_len, void **state)
{
	const struct metrics_http *h = cls;
	struct MHD_Response *r;
	enum MHD_Result ret;
	unsigned int code = MHD_HTTP_OK;
	const char *type = "text/plain; version=0.0.4; charset=utf-8";
	char *body = NULL;
	size_t len = 0;

	(void)version, (void)upload, (void)state;
	if (*upload_len)
		return MHD_NO; /* no bodies: close the connection */
	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		code = MHD_HTTP_METHOD_NOT_ALLOWED;
		body = strdup("only GET\n");
	} else if (!strcmp(url, "/metrics")) {
		const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept");

		body = render(h, &len);
		if (!body) {
			code = MHD_HTTP_INTERNAL_SERVER_ERROR;
			body = strdup("cannot read the asclass maps\n");
			len = 0;
		} else if (accept && strstr(accept, "application/openmetrics-text")) {
			char *om = to_openmetrics(body, &len);

			free(body);
			body = om;
			type = "application/openmetrics-text; version=1.0.0; charset=utf-8";
		}
	} else if (!strcmp(url, "/")) {
		body = strdup(index_html);
		type = "text/html; charset=utf-8";
	} else {
		code = MHD_HTTP_NOT_FOUND;
		body = strdup("not found: try /metrics\n");
	}
	if (!body)
		return MHD_NO;
	if (!len)
		len = strlen(body);
	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type);
	if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, "Allow", "GET, HEAD");
	ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

/* The listening address, or NULL after logging why. */
static const struct sockaddr *listen_addr(const struct metrics_http_opts *o,
					  struct sockaddr_storage *ss, unsigned int *flags)
{
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, o->host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)o->port);
	} else if (inet_pton(AF_INET6, o->host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)o->port);
		/* "::" (listen = :PORT): every IPv4 and IPv6 address */
		*flags |=
			IN6_IS_ADDR_UNSPECIFIED(&a6->sin6_addr) ? MHD_USE_DUAL_STACK : MHD_USE_IPv6;
	} else {
		log_err("metrics listen address '%s' is not an IP address", o->host);
		return NULL;
	}
	return (const struct sockaddr *)ss;
}

/* libmicrohttpd's own messages, one line each, as warnings of ours. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = 0;
	log_warn("metrics http: %s", msg);
}

struct metrics_http *metrics_http_start(const struct metrics_http_opts *o)
{
	unsigned int flags = MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC;
	struct metrics_http *h = calloc(1, sizeof(*h));
	struct sockaddr_storage ss;
	const struct sockaddr *sa = NULL;

	if (!h)
		return NULL;
	h->o = *o;
	if (!o->host)
		flags |= MHD_USE_NO_LISTEN_SOCKET;
	else if (!(sa = listen_addr(o, &ss, &flags)))
		goto fail;
	/* poll(), not epoll: libmicrohttpd 0.9.75 with epoll never closes a
	 * connection whose client half-closed an unfinished request
	 * (tests/extra/fuzz_http.sh: "HEAD /metrics HTTP/" hung), and poll()
	 * has no select() limit either.
	 * Bounded: connections in all (many) and a
	 * few per client address, so that clients of one address cannot take
	 * the connections of another; an idle time limit per connection, and
	 * a memory limit that caps the request headers.  The logger comes
	 * first: libmicrohttpd uses its own for options before it.
	 * MHD_OPTION_SOCK_ADDR with a NULL address is ignored. */
	h->mhd = MHD_start_daemon(
		flags, (uint16_t)o->port, NULL, NULL, answer, h, MHD_OPTION_EXTERNAL_LOGGER,
		mhd_log, NULL, MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_CONNECTION_LIMIT,
		o->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->max_per_client,
		MHD_OPTION_CONNECTION_TIMEOUT, o->timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)32768, MHD_OPTION_END);
	if (h->mhd)
		return h;
	log_err("cannot serve metrics on %s:%u", o->host ? o->host : "(no socket)", o->port);
fail:
	free(h);
	return NULL;
}

int metrics_http_add_connection(struct metrics_http *h, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getpeername(fd, (struct sockaddr *)&ss, &len)) {
		int err = -errno;

		close(fd);
		return err;
	}
	/* libmicrohttpd closes fd when it fails */
	return MHD_add_connection(h->mhd, fd, (const struct sockaddr *)&ss, len) == MHD_YES
		       ? 0
		       : -(errno ? errno : EIO);
}

void metrics_http_stop(struct metrics_http *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->mhd);
	free(h);
}
