// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/feed/feed_dump.c - test driver for the live feed (user/feed/): runs
 * the speaker with one neighbour, applies what it receives to a RIB, and on
 * SIGUSR1 (and at SIGTERM/SIGINT, before it exits 0) writes what it holds to
 * --out, replacing the file at once:
 *
 *   route 175.45.176.0/22 id 7 path 4837 131279      every (prefix, path id)
 *   rib 175.45.176.0/22 origin 131279 transit 4837 paths 2 flags multi_transit
 *   transit 131279 20485 prefixes 1 paths 1 gone 0    rib_transits(), gone = 1
 *   peer state Established established 1 ...          the peer's counters
 *
 * Not a user-facing command: tests/netns/feed_bird.sh compares its output
 * with BIRD's own table.
 *
 *   feed_dump --listen ADDR [--port N] --peer ADDR --local-as AS
 *             [--remote-as AS] --router-id A.B.C.D [--hold S] --out FILE
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <uthash.h>

#include "common/log.h"
#include "common/parse.h"
#include "feed/feed.h"
#include "serve.h"

struct route {
	struct feed_pfx k;
	char *path; /* "4837 131279" */
	UT_hash_handle hh;
};

static struct route *routes;

static char *path_text(const struct feed_batch *b)
{
	size_t cap = (size_t)b->n_path * 11 + 1, at = 0;
	char *s = malloc(cap);

	if (!s)
		return NULL;
	s[0] = 0;
	for (uint32_t i = 0; i < b->n_path; i++)
		at += (size_t)snprintf(s + at, cap - at, "%s%u", i ? " " : "", b->path[i]);
	if (b->ends_in_set)
		snprintf(s + at, cap - at, " (set)");
	return s;
}

static void route_del(const struct feed_pfx *p)
{
	struct route *r;

	HASH_FIND(hh, routes, p, sizeof(*p), r);
	if (!r)
		return;
	HASH_DEL(routes, r);
	free(r->path);
	free(r);
}

static int route_set(const struct feed_pfx *p, const struct feed_batch *b)
{
	struct route *r = calloc(1, sizeof(*r));

	if (!r || !(r->path = path_text(b))) {
		free(r);
		return -ENOMEM;
	}
	route_del(p);
	r->k = *p;
	HASH_ADD(hh, routes, k, sizeof(r->k), r);
	return 0;
}

static void routes_clear(void)
{
	struct route *r, *t;

	HASH_ITER(hh, routes, r, t)
	{
		HASH_DEL(routes, r);
		free(r->path);
		free(r);
	}
}

/* The driver's own copy of what the RIB got, with the full paths. */
static int track(const struct feed_batch *b)
{
	if (b->ev == FEED_EV_PEER_DOWN)
		routes_clear();
	for (uint32_t i = 0; i < b->n_withdraw; i++)
		route_del(&b->withdraw[i]);
	for (uint32_t i = 0; i < b->n_announce; i++)
		if (route_set(&b->announce[i], b))
			return -ENOMEM;
	return 0;
}

static int drain(struct feed *f, struct rib *rib)
{
	struct feed_batch *b;
	int err = 0;

	while (!err && (b = feed_pop(f))) {
		err = feed_batch_apply(b, rib);
		if (!err)
			err = track(b);
		feed_batch_free(b);
	}
	return err;
}

static const char *pfx_text(int family, uint8_t plen, const uint8_t *addr, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, plen);
	return buf;
}

static void dump_routes(FILE *o)
{
	char p[64];

	for (struct route *r = routes; r; r = r->hh.next)
		fprintf(o, "route %s id %u path %s\n",
			pfx_text(r->k.family, r->k.plen, r->k.addr, p, sizeof(p)), r->k.path_id,
			r->path);
}

static int dump_rib(FILE *o, const struct rib *rib)
{
	struct rib_transit *tr;
	struct rib_row *rows;
	size_t n;
	char p[64], fl[64];

	if (rib_resolve(rib, &rows, &n))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		fprintf(o, "rib %s origin %u transit %u paths %u flags %s\n",
			pfx_text(rows[i].e.family, rows[i].e.plen, rows[i].e.addr, p, sizeof(p)),
			rows[i].e.route.origin_asn, rows[i].e.route.transit_asn, rows[i].paths,
			route_flags_str(rows[i].e.route.flags, fl, sizeof(fl)));
	free(rows);
	if (rib_transits(rib, &tr, &n))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		fprintf(o, "transit %u %u prefixes %u paths %u gone %d\n", tr[i].origin,
			tr[i].transit, tr[i].prefixes, tr[i].paths, tr[i].gone_since != 0);
	free(tr);
	return 0;
}

static void dump_peer(FILE *o, struct feed *f)
{
	struct feed_peer_status st;
	const struct feed_counters *c = &st.c;

	feed_peer_status(f, 0, &st);
	fprintf(o,
		"peer state %s established %llu down %llu addpath_ipv4 %d gr %d stale %zu "
		"gr_retained %llu stale_flushed %llu eor_ipv4 %llu announced %llu withdrawn %llu "
		"resets %llu\n",
		feed_state_name(st.state), (unsigned long long)c->established,
		(unsigned long long)c->down, st.addpath[FEED_IPV4], st.graceful_restart, st.stale,
		(unsigned long long)c->gr_retained, (unsigned long long)c->stale_flushed,
		(unsigned long long)c->eor[FEED_IPV4], (unsigned long long)c->announced,
		(unsigned long long)c->withdrawn, (unsigned long long)c->session_resets);
}

/* Writes the dump to out.tmp, then renames it over out. */
static int dump(const char *out, struct feed *f, const struct rib *rib)
{
	char tmp[4096];
	FILE *o;
	int err;

	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	o = fopen(tmp, "w");
	if (!o)
		return -errno;
	dump_routes(o);
	err = dump_rib(o, rib);
	dump_peer(o, f);
	if (fclose(o) || err || rename(tmp, out))
		return err ? err : -errno;
	return 0;
}

struct args {
	struct feed_conf fc;
	struct feed_peer_conf pc;
	const char *out;
};

static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{ "listen", required_argument, 0, 'l' },
		{ "port", required_argument, 0, 'p' },
		{ "peer", required_argument, 0, 'n' },
		{ "local-as", required_argument, 0, 'a' },
		{ "remote-as", required_argument, 0, 'r' },
		{ "router-id", required_argument, 0, 'i' },
		{ "hold", required_argument, 0, 'h' },
		{ "out", required_argument, 0, 'o' },
		{ 0 },
	};
	unsigned int v;
	struct in_addr id;
	int c;

	a->pc.name = "router";
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			a->fc.listen_addr = optarg;
			break;
		case 'n':
			a->pc.addr = optarg;
			break;
		case 'o':
			a->out = optarg;
			break;
		case 'p':
			if (parse_u32(optarg, &v) || v > 65535)
				return -EINVAL;
			a->fc.listen_port = (uint16_t)v;
			break;
		case 'h':
			if (parse_u32(optarg, &v) || v > 65535)
				return -EINVAL;
			a->pc.hold_time_s = (uint16_t)v;
			break;
		case 'a':
			if (parse_asn(optarg, &a->pc.local_as))
				return -EINVAL;
			break;
		case 'r':
			if (parse_asn(optarg, &a->pc.remote_as))
				return -EINVAL;
			break;
		case 'i':
			if (inet_pton(AF_INET, optarg, &id) != 1)
				return -EINVAL;
			a->pc.router_id = ntohl(id.s_addr);
			break;
		default:
			return -EINVAL;
		}
	}
	return a->fc.listen_addr && a->pc.addr && a->out ? 0 : -EINVAL;
}

struct serve_ctx {
	struct feed *f;
	struct rib *rib;
	const char *out;
};

static int serve_drain(void *ctx)
{
	struct serve_ctx *c = ctx;

	return drain(c->f, c->rib);
}

static void serve_dump(void *ctx)
{
	struct serve_ctx *c = ctx;

	if (dump(c->out, c->f, c->rib))
		log_err("feed_dump: cannot write %s", c->out);
}

static const struct serve_ops serve_ops = { .drain = serve_drain, .dump = serve_dump };

int main(int argc, char **argv)
{
	struct args a = { 0 };
	struct feed *f;
	struct rib *rib;
	int err;

	if (parse_args(argc, argv, &a)) {
		fprintf(stderr,
			"usage: feed_dump --listen ADDR [--port N] --peer ADDR --local-as AS "
			"[--remote-as AS] --router-id A.B.C.D [--hold S] --out FILE\n");
		return 2;
	}
	log_set_daemon(1);
	f = feed_new(&a.fc);
	rib = rib_new();
	if (!f || !rib || feed_add_peer(f, &a.pc) < 0 || feed_start(f))
		return 1;
	err = serve(feed_fd(f), &serve_ops, &(struct serve_ctx){ f, rib, a.out });
	feed_free(f);
	routes_clear();
	rib_free(rib);
	return err ? 1 : 0;
}
