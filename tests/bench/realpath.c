// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/bench/realpath.c - the helper of `make bench-realpath`
 * (tests/bench/realpath.sh), which measures the classifier on real packets
 * over a veth link:
 *
 *   realpath table N4 N6 SEED            a synthetic table as text on stdout
 *   realpath pcaps TABLE COUNT SEED DIR  the traffic for TABLE (any format
 *                                        `routes load` reads): DIR/v4-uniform.pcap,
 *                                        v4-zipf, v6-uniform, v6-zipf (families
 *                                        the table has); prints their names
 *   realpath load PINDIR PROGPIN         loads the bare program
 *                                        (tests/bpf/realpath_bare.bpf.c) over the
 *                                        maps pinned in PINDIR, pins it at PROGPIN
 *
 * Traffic: COUNT frames per file, each from a source address inside a
 * routed prefix (XDP on receive classifies by source), the prefix drawn
 * uniformly or Zipf-skewed (s = 1, popular prefixes anywhere in the table).
 * Frames are tests/lib/pkt.h's UDP template (60 bytes IPv4, 80 bytes IPv6),
 * addressed to a MAC nobody owns, so the receiving stack drops them as soon
 * as the XDP program has passed them.  It writes files and loads programs;
 * it attaches nothing and sends nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "realpath_bare.skel.h"
#include "common/parse.h"
#include "pkt.h"
#include "routes/routes_in.h"
#include "rtgen.h"

/* ---- tables -------------------------------------------------------------- */

/* Synthetic table (tests/lib/rtgen.h: real prefix-length distributions,
 * 100k distinct routes), topped up until de-duplication leaves the size
 * asked for, as text: PREFIX ORIGIN TRANSIT PEER. */
static int cmd_table(size_t n4, size_t n6, uint64_t seed)
{
	struct rtable t = { 0 };
	char buf[64];

	for (int fam = 4; fam <= 6; fam += 2) {
		size_t want = fam == 4 ? n4 : n6;

		while (rtable_count(&t, fam) < want) {
			if (rtgen_table(&t, fam, want - rtable_count(&t, fam), 100000, 0, &seed) ||
			    rtable_sort_dedup(&t) == (size_t)-1)
				return 1;
		}
	}
	for (size_t i = 0; i < t.n; i++)
		printf("%s %u %u %u\n", prefix_fmt(&t.v[i], buf, sizeof(buf)),
		       t.v[i].route.origin_asn, t.v[i].route.transit_asn, t.v[i].route.peer_asn);
	rtable_free(&t);
	return fflush(stdout) ? 1 : 0;
}

/* ---- traffic ------------------------------------------------------------- */

/* Zipf (s = 1) over n items in a random order: cdf[i] = H(i + 1). */
struct zipf {
	double *cdf;
	size_t *perm, n;
};

static int zipf_init(struct zipf *z, size_t n, uint64_t *seed)
{
	double h = 0;

	z->n = n;
	z->cdf = malloc(n * sizeof(*z->cdf));
	z->perm = malloc(n * sizeof(*z->perm));
	if (!z->cdf || !z->perm)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		h += 1.0 / (double)(i + 1);
		z->cdf[i] = h;
		z->perm[i] = i;
	}
	for (size_t i = n - 1; i > 0; i--) { /* Fisher-Yates */
		size_t j = rng_below(seed, i + 1), t = z->perm[i];

		z->perm[i] = z->perm[j];
		z->perm[j] = t;
	}
	return 0;
}

static size_t zipf_draw(const struct zipf *z, uint64_t *seed)
{
	double u = (double)(rng_next(seed) >> 11) / 9007199254740992.0 * z->cdf[z->n - 1];
	size_t lo = 0, hi = z->n - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (z->cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return z->perm[lo];
}

static void zipf_free(struct zipf *z)
{
	free(z->cdf);
	free(z->perm);
}

/* A random address inside p. */
static void addr_inside(const struct rt_entry *p, uint64_t *seed, uint8_t *addr)
{
	struct rt_entry e = { .family = p->family, .plen = p->family == 4 ? 32 : 128 };

	rtgen_random_addr(seed, p->family, e.addr);
	if (p->plen < e.plen)
		rtgen_inside(&e, p);
	else
		memcpy(e.addr, p->addr, sizeof(e.addr));
	memcpy(addr, e.addr, p->family == 4 ? 4 : 16);
}

/* Classic pcap (not pcapng): what tcpreplay reads. */
struct pcap_hdr {
	uint32_t magic, version; /* 0xa1b2c3d4; 2.4 */
	int32_t thiszone;
	uint32_t sigfigs, snaplen, linktype; /* 1: Ethernet */
};

struct pcap_rec {
	uint32_t ts_sec, ts_usec, incl_len, orig_len;
};

static int pcap_write(const char *path, const struct rt_entry *v, size_t n, int family, int zipf,
		      size_t count, uint64_t seed)
{
	static const struct pcap_hdr hdr = { 0xa1b2c3d4, 2 | 4 << 16, 0, 0, 65535, 1 };
	struct pkt_spec s = { .family = family,
			      .src = family == 4 ? "198.51.100.1" : "2001:db8::1",
			      .dst = family == 4 ? "203.0.113.1" : "2001:db8:1::1",
			      .payload = 18 };
	/* the source address in the frame: after Ethernet, at 12 (IPv4) or 8 (IPv6) */
	size_t off = 14 + (family == 4 ? 12 : 8);
	static uint8_t pkt[PKT_MAX];
	struct zipf z = { 0 };
	size_t len = pkt_build(&s, pkt);
	FILE *f = fopen(path, "wb");
	int err = 0;

	if (!f || (zipf && zipf_init(&z, n, &seed)) || fwrite(&hdr, sizeof(hdr), 1, f) != 1)
		err = -errno;
	for (size_t i = 0; !err && i < count; i++) {
		struct pcap_rec r = { (uint32_t)(i / 1000000), (uint32_t)(i % 1000000),
				      (uint32_t)len, (uint32_t)len };

		addr_inside(&v[zipf ? zipf_draw(&z, &seed) : rng_below(&seed, n)], &seed,
			    pkt + off);
		if (family == 4) { /* IPv4 header checksum over the new source */
			pkt_put16(pkt + 14 + 10, 0);
			pkt_put16(pkt + 14 + 10, pkt_csum(pkt + 14, 20));
		}
		if (fwrite(&r, sizeof(r), 1, f) != 1 || fwrite(pkt, len, 1, f) != 1)
			err = -errno;
	}
	zipf_free(&z);
	if (f && fclose(f) && !err)
		err = -errno;
	if (err)
		fprintf(stderr, "%s: %s\n", path, strerror(-err));
	return err;
}

static int cmd_pcaps(const char *table, size_t count, uint64_t seed, const char *dir)
{
	struct routes_opts ro = { .format = ROUTES_AUTO };
	struct routes_stats rs;
	struct rtable t = { 0 };
	char path[4096];
	size_t n4;
	int err = 0;

	if (routes_read(&table, 1, &ro, &t, NULL, &rs))
		return 1;
	n4 = rtable_count(&t, 4);
	for (int fam = 4; fam <= 6 && !err; fam += 2) {
		const struct rt_entry *v = fam == 4 ? t.v : t.v + n4;
		size_t n = fam == 4 ? n4 : t.n - n4;

		for (int zipf = 0; zipf < 2 && n && !err; zipf++) {
			snprintf(path, sizeof(path), "%s/v%d-%s.pcap", dir, fam,
				 zipf ? "zipf" : "uniform");
			err = pcap_write(path, v, n, fam, zipf, count,
					 seed + (uint64_t)(fam + zipf));
			if (!err)
				printf("%s\n", path);
		}
	}
	rtable_free(&t);
	return err ? 1 : 0;
}

/* ---- the bare program ---------------------------------------------------- */

/* Every map of the object that PINDIR holds is that pinned map, whatever
 * size the classifier gave it; only the XDP programs are loaded. */
static int cmd_load(const char *pin_dir, const char *prog_pin)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = pin_dir);
	struct realpath_bare_bpf *skel = realpath_bare_bpf__open_opts(&oo);
	struct bpf_program *prog, *xdp = NULL;
	struct bpf_map *map;
	char path[4096];
	int err = 0;

	if (!skel)
		return 1;
	bpf_object__for_each_map (map, skel->obj) {
		int fd;

		snprintf(path, sizeof(path), "%s/%s", pin_dir, bpf_map__name(map));
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		err = bpf_map__reuse_fd(map, fd);
		close(fd);
		if (err)
			goto out;
	}
	bpf_object__for_each_program (prog, skel->obj) {
		bool is_xdp = bpf_program__type(prog) == BPF_PROG_TYPE_XDP;

		bpf_program__set_autoload(prog, is_xdp);
		if (is_xdp)
			xdp = prog;
	}
	err = xdp ? realpath_bare_bpf__load(skel) : -ENOENT;
	if (!err)
		err = bpf_program__pin(xdp, prog_pin);
out:
	if (err)
		fprintf(stderr, "load the bare program over %s: %s\n", pin_dir, strerror(-err));
	realpath_bare_bpf__destroy(skel);
	return err ? 1 : 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: realpath table N4 N6 SEED\n"
			"       realpath pcaps TABLE COUNT SEED DIR\n"
			"       realpath load PINDIR PROGPIN\n");
	return 2;
}

/* The numeric arguments, argv[first] on: strictly numbers, else usage. */
static int numbers(char **argv, int first, int n, unsigned long long *out)
{
	for (int i = 0; i < n; i++)
		if (parse_u64(argv[first + i], &out[i])) {
			fprintf(stderr, "realpath %s: argument %d: not a number: '%s'\n", argv[1],
				first + i - 1, argv[first + i]);
			return -EINVAL;
		}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long long a[3];

	if (argc == 5 && !strcmp(argv[1], "table"))
		return numbers(argv, 2, 3, a) ? 2 : cmd_table(a[0], a[1], a[2]);
	if (argc == 6 && !strcmp(argv[1], "pcaps"))
		return numbers(argv, 3, 2, a) ? 2 : cmd_pcaps(argv[2], a[0], a[1], argv[5]);
	if (argc == 4 && !strcmp(argv[1], "load"))
		return cmd_load(argv[2], argv[3]);
	return usage();
}
