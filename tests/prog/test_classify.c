// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/prog/test_classify.c - the classifier's case table, run through
 * BPF_PROG_TEST_RUN against the real skeleton, for both entry points.
 *
 * Each case is one frame.  For the XDP program (receive) the case's remote
 * address is the source; for the tc program (transmit) it is the
 * destination, so one table checks both.  Every case checks: the verdict is
 * pass, the frame leaves unchanged, each asc_stats reason moved by exactly
 * what it should (all others by 0), and the counter row the frame should land
 * in (upstream, direction, family, origin, transit, path) grew by one packet
 * and the frame's bytes, and no other row moved.
 * Two upstreams are configured on lo: one for the whole interface (route
 * record column 0) and one for VLAN 100 (column 1); some prefixes carry
 * per-link attributions (struct rtable's links, as per-link resolution
 * fills them), so the same source counts under each upstream's own path,
 * under the consensus where an upstream does not announce the prefix, and
 * under each upstream's own origin for a MOAS prefix.  Then: traffic whose
 * record column holds slot 0 counts in the upstream's overflow, and traffic
 * on no configured link in overflow[0] under NO_LINK.
 * The whole table runs twice: on the LPM tries and on the fast tables.
 * Needs root (BPF) and a bpffs at /sys/fs/bpf.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "asclass.skel.h"
#include "dataplane/fib.h"
#include "dataplane/maps.h"
#include "dataplane/tables.h"
#include "pkt.h"

#define LO_IFINDEX 1 /* BPF_PROG_TEST_RUN runs on the namespace's loopback */

enum { UP_ANY = 1, UP_VLAN100 = 2 }; /* upstream ids configured on lo */
enum { COL_ANY, COL_VLAN100 };	     /* their route-record columns */

/* The test routes: the consensus (origin, transit, peer), and what each
 * upstream's own paths say (origin 0: it does not announce the prefix). */
static const struct {
	const char *pfx;
	struct rt_route consensus;
	struct {
		uint32_t origin, transit;
	} own[2]; /* [COL_ANY], [COL_VLAN100] */
} routes[] = {
	{ "175.45.176.0/22", { 131279, 4837, 4837, 0 } },
	{ "175.45.178.0/24", { 131279, 20485, 20485, 0 } },
	/* announced by the VLAN 100 upstream only */
	{ "198.51.100.0/24", { 64500, 64501, 64501, 0 }, { { 0, 0 }, { 64500, 3356 } } },
	/* both announce it, each through itself */
	{ "198.18.0.0/15", { 64600, 4837, 4837, 0 }, { { 64600, 4837 }, { 64600, 20485 } } },
	{ "2001:db8::/32", { 64510, 64511, 3356, 0 } },
	/* MOAS: each upstream sees another origin */
	{ "2001:db8:ff00::/40",
	  { 64520, 4837, 4837, ASC_RF_MOAS },
	  { { 64520, 4837 }, { 64521, 20485 } } },
};

struct pkt_case {
	const char *name;
	struct pkt_spec spec;  /* src = the remote address (swapped for tc) */
	enum asc_stat stat;    /* the reason that must move besides SEEN */
	__u32 origin, transit; /* the counter key, when classified */
	__u16 upstream;
	int no_route; /* NO_ROUTE moves too (origin 0) */
	int xdp_only; /* the kernel's skb test run refuses the frame */
	int own;      /* counted under the upstream's own path (else the
			 consensus, or none without a route) */
};

/* The macros set a default payload that some cases override on purpose. */
#pragma GCC diagnostic ignored "-Woverride-init"
#define V4(a) .family = 4, .src = a, .dst = "203.0.113.1", .payload = 32
#define V6(a) .family = 6, .src = a, .dst = "2001:db8:1::1", .payload = 32

static const struct pkt_case cases[] = {
	/* name                         packet                                    reason origin
	   transit upstream */
	{ "v4 from Star JV /22",
	  { V4("175.45.176.10") },
	  ASC_STAT_CLASSIFIED,
	  131279,
	  4837,
	  UP_ANY },
	{ "v4 from the more specific /24",
	  { V4("175.45.178.200") },
	  ASC_STAT_CLASSIFIED,
	  131279,
	  20485,
	  UP_ANY },
	{ "v4 other origin", { V4("198.51.100.77") }, ASC_STAT_CLASSIFIED, 64500, 64501, UP_ANY },
	{ "v4 unannounced source",
	  { V4("203.0.113.7") },
	  ASC_STAT_CLASSIFIED,
	  0,
	  0,
	  UP_ANY,
	  .no_route = 1 },
	{ "v6 /32", { V6("2001:db8:1234::5") }, ASC_STAT_CLASSIFIED, 64510, 64511, UP_ANY },
	{ "v6 nested /40 (MOAS), own path",
	  { V6("2001:db8:ff12::1") },
	  ASC_STAT_CLASSIFIED,
	  64520,
	  4837,
	  UP_ANY,
	  .own = 1 },
	{ "v6 nested /40 (MOAS) over VLAN 100: its own origin",
	  { V6("2001:db8:ff12::1"), .nvlan = 1, .vid = { 100 } },
	  ASC_STAT_CLASSIFIED,
	  64521,
	  20485,
	  UP_VLAN100,
	  .own = 1 },
	{ "v4 announced by both: own path",
	  { V4("198.18.7.7") },
	  ASC_STAT_CLASSIFIED,
	  64600,
	  4837,
	  UP_ANY,
	  .own = 1 },
	{ "v4 announced by both, over VLAN 100: its own path",
	  { V4("198.18.7.7"), .nvlan = 1, .vid = { 100 } },
	  ASC_STAT_CLASSIFIED,
	  64600,
	  20485,
	  UP_VLAN100,
	  .own = 1 },
	{ "v4 announced by VLAN 100's upstream only, over it",
	  { V4("198.51.100.77"), .nvlan = 1, .vid = { 100 } },
	  ASC_STAT_CLASSIFIED,
	  64500,
	  3356,
	  UP_VLAN100,
	  .own = 1 },
	{ "v6 unannounced over VLAN 100",
	  { V6("2001:db9::1"), .nvlan = 1, .vid = { 100 } },
	  ASC_STAT_CLASSIFIED,
	  0,
	  0,
	  UP_VLAN100,
	  .no_route = 1 },
	{ "v6 unannounced",
	  { V6("2001:db9::1") },
	  ASC_STAT_CLASSIFIED,
	  0,
	  0,
	  UP_ANY,
	  .no_route = 1 },
	{ "802.1Q vlan 100 v4",
	  { V4("175.45.176.1"), .nvlan = 1, .vid = { 100 } },
	  ASC_STAT_CLASSIFIED,
	  131279,
	  4837,
	  UP_VLAN100 },
	{ "802.1Q vlan 200 falls back to the interface",
	  { V4("175.45.176.1"), .nvlan = 1, .vid = { 200 } },
	  ASC_STAT_CLASSIFIED,
	  131279,
	  4837,
	  UP_ANY },
	{ "QinQ 802.1ad+802.1Q v6",
	  { V6("2001:db8::1"), .nvlan = 2, .tpid = { 0x88a8, 0x8100 }, .vid = { 100, 7 } },
	  ASC_STAT_CLASSIFIED,
	  64510,
	  64511,
	  UP_VLAN100 },
	{ "two 802.1Q tags v4",
	  { V4("198.51.100.1"), .nvlan = 2, .vid = { 300, 100 } },
	  ASC_STAT_CLASSIFIED,
	  64500,
	  64501,
	  UP_ANY },
	{ "three tags: too deep",
	  { V4("198.51.100.1"), .nvlan = 3, .vid = { 1, 2, 3 } },
	  ASC_STAT_VLAN_DEPTH },
	{ "v4 with 40 B of options",
	  { V4("175.45.179.1"), .ip_opt_words = 10 },
	  ASC_STAT_CLASSIFIED,
	  131279,
	  4837,
	  UP_ANY },
	{ "v4 first fragment",
	  { V4("175.45.176.9"), .frag = 1 },
	  ASC_STAT_CLASSIFIED,
	  131279,
	  4837,
	  UP_ANY },
	{ "v4 later fragment",
	  { V4("175.45.176.9"), .frag = 2 },
	  ASC_STAT_CLASSIFIED,
	  131279,
	  4837,
	  UP_ANY },
	{ "ARP", { .family = 0, .ethertype = 0x0806 }, ASC_STAT_NOT_IP },
	{ "LLDP", { .family = 0, .ethertype = 0x88cc }, ASC_STAT_NOT_IP },
	{ "minimum frame (60 B)",
	  { V4("175.45.176.3"), .payload = 0, .total = 60 },
	  ASC_STAT_CLASSIFIED,
	  131279,
	  4837,
	  UP_ANY },
	/* A frame shorter than an Ethernet header (ASC_STAT_TRUNC_ETH) cannot be
	 * run: BPF_PROG_TEST_RUN refuses data shorter than ETH_HLEN. */
	{ "VLAN tag cut at 16 B",
	  { V4("175.45.176.3"), .nvlan = 1, .total = 16 },
	  ASC_STAT_TRUNC_VLAN },
	{ "second VLAN tag cut at 20 B",
	  { V4("175.45.176.3"), .nvlan = 2, .total = 20 },
	  ASC_STAT_TRUNC_VLAN },
	/* The skb test run refuses an IPv4/IPv6 EtherType without a whole
	 * fixed header behind it (it pulls one), so these run on XDP only. */
	{ "EtherType only, no IPv4",
	  { V4("175.45.176.3"), .total = 14 },
	  ASC_STAT_TRUNC_IPV4,
	  .xdp_only = 1 },
	{ "IPv4 header cut at 19 B",
	  { V4("175.45.176.3"), .total = 14 + 19 },
	  ASC_STAT_TRUNC_IPV4,
	  .xdp_only = 1 },
	{ "IPv4 options cut",
	  { V4("175.45.176.3"), .ip_opt_words = 3, .total = 14 + 28 },
	  ASC_STAT_TRUNC_IPV4 },
	{ "IPv4 header, no payload",
	  { V4("175.45.176.3"), .total = 14 + 20 },
	  ASC_STAT_CLASSIFIED,
	  131279,
	  4837,
	  UP_ANY },
	{ "IPv4 behind a tag cut at 19 B",
	  { V4("175.45.176.3"), .nvlan = 1, .total = 18 + 19 },
	  ASC_STAT_TRUNC_IPV4 },
	{ "IPv6 header cut at 39 B",
	  { V6("2001:db8::1"), .total = 14 + 39 },
	  ASC_STAT_TRUNC_IPV6,
	  .xdp_only = 1 },
	{ "IPv6 behind a tag cut at 39 B",
	  { V6("2001:db8::1"), .nvlan = 1, .total = 18 + 39 },
	  ASC_STAT_TRUNC_IPV6 },
	{ "IPv6 header, no payload",
	  { V6("2001:db8::1"), .total = 14 + 40 },
	  ASC_STAT_CLASSIFIED,
	  64510,
	  64511,
	  UP_ANY },
	{ "IPv4 EtherType, version 6", { V4("175.45.176.3"), .ip_version = 6 }, ASC_STAT_BAD_IPV4 },
	{ "IPv4 IHL 4", { V4("175.45.176.3"), .ihl = 4 }, ASC_STAT_BAD_IPV4 },
	{ "IPv6 EtherType, version 4", { V6("2001:db8::1"), .ip_version = 4 }, ASC_STAT_BAD_IPV6 },
	{ "1500 B frame",
	  { V4("175.45.177.1"), .payload = 1500 - 14 - 20 - 8 },
	  ASC_STAT_CLASSIFIED,
	  131279,
	  4837,
	  UP_ANY },
	/* A 9000 B jumbo is multi-buffer for XDP (xdp.frags); the skb test run
	 * only builds linear skbs of at most a page. */
	{ "jumbo 9000 B frame",
	  { V6("2001:db8::9"), .payload = 9000 - 14 - 40 - 8 },
	  ASC_STAT_CLASSIFIED,
	  64510,
	  64511,
	  UP_ANY,
	  .xdp_only = 1 },
};

static int failures, checks;

static void fail(const char *cs, const char *prog, const char *fmt, ...)
{
	va_list ap;

	printf("case \"%s\" [%s]: ", cs, prog);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	failures++;
}

#define EXPECT_EQ(got, want, cs, prog, what)                                                       \
	do {                                                                                       \
		unsigned long long g_ = (got), w_ = (want);                                        \
		checks++;                                                                          \
		if (g_ != w_)                                                                      \
			fail(cs, prog, "%s: got %llu, want %llu", what, g_, w_);                   \
	} while (0)

static uint64_t total_packets(const struct asc_maps *m, const struct asc_count_key *k, uint8_t path,
			      struct asc_count_val *match)
{
	struct counter_row *rows;
	uint64_t sum = 0;
	size_t n;

	memset(match, 0, sizeof(*match));
	if (counters_read(m, &rows, &n))
		return ~0ULL;
	for (size_t i = 0; i < n; i++) {
		sum += rows[i].val.packets;
		if (!memcmp(&rows[i].key, k, sizeof(*k)) && rows[i].path == path)
			*match = rows[i].val;
	}
	free(rows);
	return sum;
}

static void run_case(const struct asc_maps *m, int prog_fd, int is_tc, const struct pkt_case *c)
{
	static uint8_t in[PKT_MAX], out[PKT_MAX];
	const char *pname = is_tc ? "tc" : "xdp";
	struct pkt_spec s = c->spec;
	uint64_t st0[ASC_STAT_MAX], st1[ASC_STAT_MAX], tot0, tot1;
	struct asc_count_key key = {
		.origin_asn = c->origin,
		.transit_asn = c->transit,
		.upstream_id = c->upstream,
		.dir = is_tc ? ASC_DIR_TX : ASC_DIR_RX,
		.family = (__u8)s.family,
	};
	uint8_t path = c->own ? ASC_PATH_OWN : c->no_route ? ASC_PATH_NONE : ASC_PATH_CONSENSUS;
	struct asc_count_val v0, v1;
	size_t len;
	int err;

	if (is_tc) { /* the remote side is the destination when sending */
		s.src = c->spec.dst;
		s.dst = c->spec.src;
	}
	len = pkt_build(&s, in);
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = (__u32)len,
		    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);

	stats_read(m, st0);
	tot0 = total_packets(m, &key, path, &v0);
	err = bpf_prog_test_run_opts(prog_fd, &o);
	if (err) {
		fail(c->name, pname, "BPF_PROG_TEST_RUN: %s", strerror(errno));
		return;
	}
	stats_read(m, st1);
	tot1 = total_packets(m, &key, path, &v1);

	EXPECT_EQ(o.retval, is_tc ? 0xffffffffu /* TC_ACT_UNSPEC */ : 2 /* XDP_PASS */, c->name,
		  pname, "verdict");
	EXPECT_EQ(o.data_size_out, len, c->name, pname, "output length");
	checks++;
	if (o.data_size_out == len && memcmp(in, out, len))
		fail(c->name, pname, "the frame was modified");
	for (int r = 0; r < ASC_STAT_MAX; r++) {
		int want = r == ASC_STAT_SEEN || r == (int)c->stat ||
			   (c->no_route && r == ASC_STAT_NO_ROUTE);
		char what[48];

		snprintf(what, sizeof(what), "asc_stats[%s] delta", stat_name(r));
		EXPECT_EQ(st1[r] - st0[r], want, c->name, pname, what);
	}
	if (c->stat == ASC_STAT_CLASSIFIED) {
		EXPECT_EQ(v1.packets - v0.packets, 1, c->name, pname, "counter packets delta");
		EXPECT_EQ(v1.bytes - v0.bytes, len, c->name, pname, "counter bytes delta");
		EXPECT_EQ(tot1 - tot0, 1, c->name, pname, "packets added over all keys");
	} else {
		EXPECT_EQ(tot1 - tot0, 0, c->name, pname, "packets added over all keys");
	}
}

/* Runs one frame; st and ov before and after into [0] and [1], the
 * program's verdict into *verdict (tc's TC_ACT_UNSPEC is -1: not an
 * error).  Returns 0 or -errno. */
static int run_frame(const struct asc_maps *m, int prog_fd, int is_tc, struct pkt_spec s,
		     const char *local, uint64_t st[2][ASC_STAT_MAX],
		     struct asc_overflow_val ov[2][ASC_MAX_UPSTREAMS], size_t *len, __u32 *verdict)
{
	static uint8_t in[PKT_MAX];
	int err;

	if (is_tc) {
		s.dst = s.src;
		s.src = local;
	}
	*len = pkt_build(&s, in);
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = (__u32)*len, .repeat = 1);
	stats_read(m, st[0]);
	overflow_read(m, ov[0]);
	err = bpf_prog_test_run_opts(prog_fd, &o);
	stats_read(m, st[1]);
	overflow_read(m, ov[1]);
	*verdict = o.retval;
	return err ? -errno : 0;
}

/* One frame that must count in overflow[up] under reason `stat`, and in no
 * counter row. */
static void expect_overflow(const struct asc_maps *m, int prog_fd, int is_tc, const char *cs,
			    struct pkt_spec s, unsigned int up, enum asc_stat stat)
{
	static struct asc_overflow_val ov[2][ASC_MAX_UPSTREAMS];
	const char *pname = is_tc ? "tc" : "xdp";
	uint64_t st[2][ASC_STAT_MAX], tot0, tot1;
	struct asc_count_key none = { 0 };
	struct asc_count_val v;
	int dir = is_tc ? ASC_DIR_TX : ASC_DIR_RX, ret;
	__u32 verdict;
	size_t len;

	tot0 = total_packets(m, &none, 0, &v);
	ret = run_frame(m, prog_fd, is_tc, s, "203.0.113.1", st, ov, &len, &verdict);
	tot1 = total_packets(m, &none, 0, &v);
	checks++;
	if (ret < 0) {
		fail(cs, pname, "BPF_PROG_TEST_RUN: %s", strerror(-ret));
		return;
	}
	EXPECT_EQ(verdict, is_tc ? 0xffffffffu /* TC_ACT_UNSPEC */ : 2 /* XDP_PASS */, cs, pname,
		  "verdict");
	for (int r = 0; r < ASC_STAT_MAX; r++) {
		char what[48];

		snprintf(what, sizeof(what), "asc_stats[%s] delta", stat_name(r));
		EXPECT_EQ(st[1][r] - st[0][r],
			  r == ASC_STAT_SEEN || r == ASC_STAT_CLASSIFIED || r == (int)stat, cs,
			  pname, what);
	}
	EXPECT_EQ(ov[1][up].dir[dir].packets - ov[0][up].dir[dir].packets, 1, cs, pname,
		  "overflow packets delta");
	EXPECT_EQ(ov[1][up].dir[dir].bytes - ov[0][up].dir[dir].bytes, len, cs, pname,
		  "overflow bytes delta");
	EXPECT_EQ(tot1 - tot0, 0, cs, pname, "packets added over all counter rows");
}

/* A frame whose row the cases above created (as "v4 from Star JV /22"). */
static const struct pkt_case still_counted = {
	"column 1 without slots: column 0 still counts",
	{ V4("175.45.176.10") },
	ASC_STAT_CLASSIFIED,
	131279,
	4837,
	UP_ANY,
};

/* Column 1 (VLAN 100's upstream) holding slot 0 in every record: its
 * traffic counts in its overflow bucket, under OVERFLOW, while column 0
 * counts normally.  Then the interface without its link: overflow[0],
 * under NO_LINK. */
static void run_overflow(const struct asc_maps *m, int prog_fd, int is_tc)
{
	struct pkt_spec s = { V4("198.51.100.99"), .nvlan = 1, .vid = { 100 } };
	struct pkt_spec u = { V6("2001:db8::77") };
	struct asc_iface ifc = { 0 }, none = { .any = { .column = ASC_COLUMN_NONE } };
	__u32 lo = LO_IFINDEX;
	struct fib *f;

	if (fib_open(m, false, &f)) {
		fail("overflow", "-", "fib_open");
		return;
	}
	fib_column_clear(f, COL_VLAN100);
	fib_close(f);
	expect_overflow(m, prog_fd, is_tc, "record column holds slot 0", s, UP_VLAN100,
			ASC_STAT_OVERFLOW);
	run_case(m, prog_fd, is_tc, &still_counted);
	bpf_map_lookup_elem(m->ifaces, &lo, &ifc);
	bpf_map_update_elem(m->ifaces, &lo, &none, BPF_ANY);
	expect_overflow(m, prog_fd, is_tc, "no configured link", u, 0, ASC_STAT_NO_LINK);
	bpf_map_update_elem(m->ifaces, &lo, &ifc, BPF_ANY);
}

/* The upstreams, their columns and links on lo, as attach writes them. */
static int setup_links(const struct asc_maps *m)
{
	struct asc_upstream ua = { .name = "cu", .asn = 4837, .column = COL_ANY };
	struct asc_upstream uv = { .name = "ttk", .asn = 20485, .column = COL_VLAN100 };
	struct asc_link_key v100 = { .ifindex = LO_IFINDEX, .vlan_id = 100 };
	struct asc_link_val l100 = { .upstream_id = UP_VLAN100, .column = COL_VLAN100 };
	struct asc_iface lo = { .any = { .upstream_id = UP_ANY, .column = COL_ANY },
				.vlan_links = 1 };
	__u32 a = UP_ANY, v = UP_VLAN100, i = LO_IFINDEX;

	if (bpf_map_update_elem(m->upstreams, &a, &ua, BPF_ANY) ||
	    bpf_map_update_elem(m->upstreams, &v, &uv, BPF_ANY) ||
	    bpf_map_update_elem(m->ifaces, &i, &lo, BPF_ANY) ||
	    bpf_map_update_elem(m->links, &v100, &l100, BPF_ANY))
		return -errno;
	return 0;
}

/* The routes, with the per-link attributions of those that have them. */
static int make_table(struct rtable *t)
{
	static struct rt_links links[1 + sizeof(routes) / sizeof(routes[0])];

	t->links = links;
	t->nlinks = 1;
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		struct rt_entry e;

		if (prefix_parse(routes[i].pfx, &e, 0))
			return -EINVAL;
		e.route = routes[i].consensus;
		e.links = 0;
		for (int c = 0; c < 2; c++) {
			struct rt_link *l = &links[t->nlinks].col[c];

			if (!routes[i].own[c].origin)
				continue;
			*l = (struct rt_link){ routes[i].own[c].origin, routes[i].own[c].transit,
					       ASC_PATH_OWN };
			e.links = (uint32_t)t->nlinks;
		}
		t->nlinks += e.links != 0;
		if (rtable_add(t, &e))
			return -ENOMEM;
	}
	return rtable_sort_dedup(t) == (size_t)-1 ? -ENOMEM : 0;
}

static int setup_tables(const struct asc_maps *m, unsigned int which)
{
	struct tables_result res;
	struct rtable t = { 0 };
	int err;

	err = setup_links(m);
	if (!err)
		err = make_table(&t);
	if (!err)
		err = tables_load(m, &t, &(struct tables_opts){ .which = which }, &res);
	free(t.v);
	return err;
}

int main(void)
{
	char pin[64];
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = pin);
	struct asclass_bpf *skel;
	struct asc_maps m;
	int err, ncase = sizeof(cases) / sizeof(cases[0]), runs = 0;

	if (geteuid() != 0) {
		printf("SKIP: needs root (BPF_PROG_TEST_RUN)\n");
		return 77;
	}
	snprintf(pin, sizeof(pin), "/sys/fs/bpf/asclass-ptest-%d", (int)getpid());
	if (bpffs_prepare(pin))
		return 1;
	skel = asclass_bpf__open_opts(&oo);
	if (!skel || asclass_bpf__load(skel)) {
		printf("load BPF object: %s\n", strerror(errno));
		return 1;
	}
	err = maps_open(pin, &m);
	/* Every case against each route-table implementation. */
	for (unsigned int which = TABLES_LPM; !err && which <= TABLES_FAST; which <<= 1) {
		err = setup_tables(&m, which);
		if (err) {
			printf("setup (%s tables): %s\n", which == TABLES_LPM ? "lpm" : "fast",
			       strerror(-err));
			goto out;
		}
		for (int i = 0; i < ncase; i++) {
			run_case(&m, bpf_program__fd(skel->progs.asclass_xdp), 0, &cases[i]);
			runs++;
			if (!cases[i].xdp_only) {
				run_case(&m, bpf_program__fd(skel->progs.asclass_tc), 1, &cases[i]);
				runs++;
			}
		}
	}
	if (err) {
		printf("setup: %s\n", strerror(-err));
		goto out;
	}
	/* Last: these take column 1's slots out of the records. */
	run_overflow(&m, bpf_program__fd(skel->progs.asclass_xdp), 0);
	run_overflow(&m, bpf_program__fd(skel->progs.asclass_tc), 1);
	printf("%d cases x programs, %d checks, %d failed\n", runs, checks, failures);
	maps_close(&m);
out:
	asclass_bpf__destroy(skel);
	/* unpin: remove every map pinned under the test's own directory */
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), getenv("KEEP") ? "true %s" : "rm -rf %s", pin);
		if (system(cmd))
			printf("could not remove %s\n", pin);
	}
	return err || failures ? 1 : 0;
}
