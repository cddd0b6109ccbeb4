// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/feed/bmp_dump.c - test driver for the BMP station (user/feed/bmp*):
 * listens for routers, applies what they report to a RIB and prints every
 * change as it is drained, one line each, to stdout:
 *
 *   announce 175.45.176.0/22 peer 198.51.100.1 AS4837 id 0 path 4837 131279
 *   withdraw 175.45.176.0/22 peer 198.51.100.5 AS20485 id 0
 *   peer-down peer 198.51.100.5 AS20485
 *
 * On SIGUSR1 (and at SIGTERM/SIGINT, before it exits 0) it writes the
 * resolved RIB and each router's and peer's status to --out, replacing the
 * file at once:
 *
 *   rib 175.45.176.0/22 origin 131279 transit 4837 paths 2 flags multi_transit
 *   router 203.0.113.1 connected 1 peers 2 peer_ups 2 peer_downs 0 ...
 *   peer 198.51.100.1 AS4837 type 0 flags 0x40 up 1 view post applied 1 ...
 *
 * Not a user-facing command: tests/netns/bmp_routers.sh reads it.
 *
 *   bmp_dump --listen ADDR [--port N] [--view auto|pre|post] --out FILE
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "common/log.h"
#include "common/parse.h"
#include "feed/bmp.h"
#include "serve.h"

static const char *ip_text(int family, const uint8_t *a, char *buf, size_t len)
{
	if (!family)
		return "-";
	inet_ntop(family == 6 ? AF_INET6 : AF_INET, a, buf, len);
	return buf;
}

static const char *pfx_text(const struct feed_pfx *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	snprintf(buf, len, "%s/%u", ip_text(p->family, p->addr, a, sizeof(a)), p->plen);
	return buf;
}

static void print_peer(FILE *o, const struct rib_peer *p)
{
	char a[INET6_ADDRSTRLEN];

	fprintf(o, "peer %s AS%u", ip_text(p->family, p->ip, a, sizeof(a)), p->asn);
}

static void print_batch(const struct feed_batch *b)
{
	char p[64];

	if (b->ev == FEED_EV_PEER_DOWN) {
		printf("peer-down ");
		print_peer(stdout, &b->rib_peer);
		printf("\n");
	}
	for (uint32_t i = 0; i < b->n_withdraw; i++) {
		printf("withdraw %s ", pfx_text(&b->withdraw[i], p, sizeof(p)));
		print_peer(stdout, &b->rib_peer);
		printf(" id %u\n", b->withdraw[i].path_id);
	}
	for (uint32_t i = 0; i < b->n_announce; i++) {
		printf("announce %s ", pfx_text(&b->announce[i], p, sizeof(p)));
		print_peer(stdout, &b->rib_peer);
		printf(" id %u path", b->announce[i].path_id);
		for (uint32_t k = 0; k < b->n_path; k++)
			printf(" %u", b->path[k]);
		printf("%s\n", b->ends_in_set ? " (set)" : "");
	}
}

static int drain(struct bmp *b, struct rib *rib)
{
	struct feed_batch *fb;
	int err = 0;

	while (!err && (fb = bmp_pop(b))) {
		err = feed_batch_apply(fb, rib);
		print_batch(fb);
		feed_batch_free(fb);
	}
	fflush(stdout);
	return err;
}

static int dump_rib(FILE *o, const struct rib *rib)
{
	struct rib_row *rows;
	size_t n;
	char a[INET6_ADDRSTRLEN], fl[64];

	if (rib_resolve(rib, &rows, &n))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		fprintf(o, "rib %s/%u origin %u transit %u paths %u flags %s\n",
			ip_text(rows[i].e.family, rows[i].e.addr, a, sizeof(a)), rows[i].e.plen,
			rows[i].e.route.origin_asn, rows[i].e.route.transit_asn, rows[i].paths,
			route_flags_str(rows[i].e.route.flags, fl, sizeof(fl)));
	free(rows);
	return 0;
}

static void dump_routers(FILE *o, struct bmp *b)
{
	static const char *const views[] = { "none", "pre", "post" };

	for (size_t r = 0; r < bmp_router_count(b); r++) {
		struct bmp_router_status st;
		struct bmp_peer_status ps;

		bmp_router_status(b, r, &st);
		fprintf(o,
			"router %s connected %d peers %zu peer_ups %llu peer_downs %llu "
			"route_monitoring %llu announced %llu withdrawn %llu ignored_view %llu "
			"ignored_loc_rib %llu malformed %llu own_as_removed %llu sys_name %s\n",
			st.addr, st.connected, st.peers, (unsigned long long)st.c.peer_ups,
			(unsigned long long)st.c.peer_downs,
			(unsigned long long)st.c.msgs[BMP_ROUTE_MONITORING],
			(unsigned long long)st.c.announced, (unsigned long long)st.c.withdrawn,
			(unsigned long long)st.c.ignored_view,
			(unsigned long long)st.c.ignored_loc_rib,
			(unsigned long long)st.c.malformed, (unsigned long long)st.c.own_as_removed,
			st.sys_name[0] ? st.sys_name : "-");
		for (size_t i = 0; !bmp_peer_status(b, r, i, &ps); i++) {
			print_peer(o, &ps.hdr.peer);
			fprintf(o, " type %u flags 0x%02x up %d view %s applied %d\n", ps.hdr.type,
				ps.hdr.flags, ps.up, views[ps.view], ps.applied);
		}
	}
}

/* Writes the dump to out.tmp, then renames it over out. */
static int dump(const char *out, struct bmp *b, const struct rib *rib)
{
	char tmp[4096];
	FILE *o;
	int err;

	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	o = fopen(tmp, "w");
	if (!o)
		return -errno;
	err = dump_rib(o, rib);
	dump_routers(o, b);
	if (fclose(o) || err || rename(tmp, out))
		return err ? err : -errno;
	return 0;
}

static int parse_args(int argc, char **argv, struct bmp_conf *c, const char **out)
{
	static const struct option opts[] = {
		{ "listen", required_argument, 0, 'l' },
		{ "port", required_argument, 0, 'p' },
		{ "view", required_argument, 0, 'v' },
		{ "out", required_argument, 0, 'o' },
		{ 0 },
	};
	unsigned int v;
	int ch;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'l')
			c->listen_addr = optarg;
		else if (ch == 'o')
			*out = optarg;
		else if (ch == 'p' && !parse_u32(optarg, &v) && v <= 65535)
			c->listen_port = (uint16_t)v;
		else if (ch == 'v' && !strcmp(optarg, "pre"))
			c->view = BMP_VIEW_PRE;
		else if (ch == 'v' && !strcmp(optarg, "post"))
			c->view = BMP_VIEW_POST;
		else if (ch != 'v' || strcmp(optarg, "auto"))
			return -EINVAL;
	}
	return c->listen_addr && *out ? 0 : -EINVAL;
}

struct serve_ctx {
	struct bmp *b;
	struct rib *rib;
	const char *out;
};

static int serve_drain(void *ctx)
{
	struct serve_ctx *c = ctx;

	return drain(c->b, c->rib);
}

static void serve_dump(void *ctx)
{
	struct serve_ctx *c = ctx;

	if (dump(c->out, c->b, c->rib))
		log_err("bmp_dump: cannot write %s", c->out);
}

static const struct serve_ops serve_ops = { .drain = serve_drain, .dump = serve_dump };

int main(int argc, char **argv)
{
	struct bmp_conf c = { 0 };
	const char *out = NULL;
	struct bmp *b;
	struct rib *rib;
	int err;

	if (parse_args(argc, argv, &c, &out)) {
		fprintf(stderr, "usage: bmp_dump --listen ADDR [--port N] [--view auto|pre|post] "
				"--out FILE\n");
		return 2;
	}
	log_set_daemon(1);
	b = bmp_new(&c);
	rib = rib_new();
	if (!b || !rib || bmp_start(b))
		return 1;
	err = serve(bmp_fd(b), &serve_ops, &(struct serve_ctx){ b, rib, out });
	bmp_free(b);
	rib_free(rib);
	return err ? 1 : 0;
}
