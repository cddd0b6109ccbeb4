// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/gen/mrtgen.c - writes MRT files for tests, the demo and benchmarks.
 *
 *   mrtgen all OUTDIR        one file per record family covering every record
 *                            type and attribute the reader decodes
 *   mrtgen scenario OUTDIR   the AS131279 scenario: rib.20171001.0800.mrt and
 *                            updates.20171001.0905.mrt (see docs below)
 *   mrtgen big OUTDIR        records at the sizes the formats allow: RFC 8654
 *                            extended UPDATEs of 65535 bytes (prefix lists,
 *                            communities), 4096 withdrawn IPv6 /64s, AS paths
 *                            of 3000 ASNs, 65535 peers and RIB entries
 *   mrtgen bigrib FILE [ENTRIES [PEERS]]
 *                            a TABLE_DUMP_V2 RIB with ENTRIES route entries
 *                            (default 1000000) over PEERS peers (default 40)
 *
 * Scenario: collector peers AS64496 (198.51.100.1), AS64497 (198.51.100.2)
 * and AS64498 (2001:db8::1).  At 08:00 UTC 2017-10-01, 175.45.176.0/22 and
 * its four /24s are reached via "... 4837 131279"; in the update file, at
 * 09:08:00 UTC each peer announces them via "... 20485 131279".  Other
 * origins: 198.51.100.0/24 (AS64500), 203.0.113.0/24 (AS64501 behind
 * AS64510), 2001:db8::/32 (AS64502), 2001:db8:100::/48 (AS64503, withdrawn
 * at 09:06).  Only documentation ASNs and prefixes besides the scenario's.
 *
 * Everything is written big-endian by hand; no library but libc.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

struct buf {
	uint8_t *p;
	size_t n, cap;
};

static void need(struct buf *b, size_t k)
{
	if (b->n + k <= b->cap)
		return;
	while (b->n + k > b->cap)
		b->cap = b->cap ? b->cap * 2 : 4096;
	b->p = realloc(b->p, b->cap);
	if (!b->p) {
		perror("mrtgen");
		exit(1);
	}
}
static void u8(struct buf *b, unsigned int v)
{
	need(b, 1);
	b->p[b->n++] = (uint8_t)v;
}
static void u16(struct buf *b, unsigned int v)
{
	u8(b, v >> 8);
	u8(b, v);
}
static void u32(struct buf *b, uint32_t v)
{
	u16(b, v >> 16);
	u16(b, v & 0xffff);
}
static void bytes(struct buf *b, const void *s, size_t k)
{
	if (!k)
		return;
	need(b, k);
	memcpy(b->p + b->n, s, k);
	b->n += k;
}
static void cat(struct buf *b, const struct buf *s)
{
	bytes(b, s->p, s->n);
}
static void ip4(struct buf *b, const char *s)
{
	uint8_t a[4];
	if (inet_pton(AF_INET, s, a) != 1) {
		fprintf(stderr, "mrtgen: bad IPv4 %s\n", s);
		exit(1);
	}
	bytes(b, a, 4);
}
static void ip6(struct buf *b, const char *s)
{
	uint8_t a[16];
	if (inet_pton(AF_INET6, s, a) != 1) {
		fprintf(stderr, "mrtgen: bad IPv6 %s\n", s);
		exit(1);
	}
	bytes(b, a, 16);
}
static void ipf(struct buf *b, int fam, const char *s)
{
	if (fam == 6)
		ip6(b, s);
	else
		ip4(b, s);
}
/* prefix in NLRI encoding: len + significant bytes */
static void pfx(struct buf *b, int fam, const char *s, int len)
{
	uint8_t a[16] = { 0 };
	inet_pton(fam == 6 ? AF_INET6 : AF_INET, s, a);
	u8(b, len);
	bytes(b, a, (len + 7) / 8);
}

/* ---- attributes ---- */
static void attr(struct buf *b, unsigned int flags, unsigned int type, const struct buf *v)
{
	if (v->n > 255)
		flags |= 0x10;
	u8(b, flags);
	u8(b, type);
	if (flags & 0x10)
		u16(b, v->n);
	else
		u8(b, v->n);
	bytes(b, v->p, v->n);
}
static void a_origin(struct buf *b, int o)
{
	struct buf v = { 0 };
	u8(&v, o);
	attr(b, 0x40, 1, &v);
	free(v.p);
}
/* segs: "2:1 2 3;1:4 5" = type:asns;... */
static void aspath_val(struct buf *v, const char *segs, int asn4)
{
	char *dup = strdup(segs), *save1, *seg;
	for (seg = strtok_r(dup, ";", &save1); seg; seg = strtok_r(NULL, ";", &save1)) {
		int type = atoi(seg);
		char *list = strchr(seg, ':');
		uint32_t as[300];
		int n = 0;
		char *save2, *t;
		for (t = strtok_r(list + 1, " ", &save2); t && n < 300;
		     t = strtok_r(NULL, " ", &save2))
			as[n++] = (uint32_t)strtoul(t, NULL, 10);
		u8(v, type);
		u8(v, n);
		for (int i = 0; i < n; i++) {
			if (asn4)
				u32(v, as[i]);
			else
				u16(v, as[i] > 65535 ? 23456 : as[i]);
		}
	}
	free(dup);
}
static void a_aspath(struct buf *b, const char *segs, int asn4)
{
	struct buf v = { 0 };
	aspath_val(&v, segs, asn4);
	attr(b, 0x40, 2, &v);
	free(v.p);
}
static void a_as4path(struct buf *b, const char *segs)
{
	struct buf v = { 0 };
	aspath_val(&v, segs, 1);
	attr(b, 0xC0, 17, &v);
	free(v.p);
}
static void a_nexthop(struct buf *b, const char *s)
{
	struct buf v = { 0 };
	ip4(&v, s);
	attr(b, 0x40, 3, &v);
	free(v.p);
}
static void a_u32(struct buf *b, unsigned int flags, unsigned int type, uint32_t x)
{
	struct buf v = { 0 };
	u32(&v, x);
	attr(b, flags, type, &v);
	free(v.p);
}
static void a_atomic(struct buf *b)
{
	struct buf v = { 0 };
	attr(b, 0x40, 6, &v);
}
static void a_aggr(struct buf *b, uint32_t as, const char *ip, int asn4, unsigned int type)
{
	struct buf v = { 0 };
	if (asn4)
		u32(&v, as);
	else
		u16(&v, as);
	ip4(&v, ip);
	attr(b, 0xC0, type, &v);
	free(v.p);
}
static void a_comm(struct buf *b, const uint32_t *c, int n)
{
	struct buf v = { 0 };
	for (int i = 0; i < n; i++)
		u32(&v, c[i]);
	attr(b, 0xC0, 8, &v);
	free(v.p);
}
static void a_lcomm(struct buf *b, const uint32_t *c, int n)
{
	struct buf v = { 0 };
	for (int i = 0; i < 3 * n; i++)
		u32(&v, c[i]);
	attr(b, 0xC0, 32, &v);
	free(v.p);
}
static void a_unknown(struct buf *b)
{
	struct buf v = { 0 };
	u32(&v, 0xdeadbeef);
	attr(b, 0xC0, 99, &v);
	free(v.p);
}
/* MP_REACH_NLRI: afi, safi, next hop(s), prefixes "p/len,p/len" */
static void a_mpreach(struct buf *b, int afi, int safi, const char *nh, const char *nhll,
		      const char *pfxs, int addpath, uint32_t pid)
{
	struct buf v = { 0 };
	int fam = afi == 2 ? 6 : 4;
	u16(&v, afi);
	u8(&v, safi);
	int nhfam = strchr(nh, ':') ? 6 : 4;
	u8(&v, nhfam == 6 ? (nhll ? 32 : 16) : 4);
	ipf(&v, nhfam, nh);
	if (nhll)
		ip6(&v, nhll);
	u8(&v, 0); /* SNPA */
	char *dup = strdup(pfxs), *save, *t;
	for (t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *sl = strchr(t, '/');
		*sl = 0;
		if (addpath)
			u32(&v, pid++);
		pfx(&v, fam, t, atoi(sl + 1));
	}
	free(dup);
	attr(b, 0x80, 14, &v);
	free(v.p);
}
static void a_mpunreach(struct buf *b, int afi, int safi, const char *pfxs, int addpath)
{
	struct buf v = { 0 };
	int fam = afi == 2 ? 6 : 4;
	uint32_t pid = 1;
	u16(&v, afi);
	u8(&v, safi);
	char *dup = strdup(pfxs), *save, *t;
	for (t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *sl = strchr(t, '/');
		*sl = 0;
		if (addpath)
			u32(&v, pid++);
		pfx(&v, fam, t, atoi(sl + 1));
	}
	free(dup);
	attr(b, 0x80, 15, &v);
	free(v.p);
}
/* abbreviated MP_REACH (TABLE_DUMP_V2): next hop length + next hop(s) */
static void a_mpreach_abbr(struct buf *b, const char *nh, const char *nhll)
{
	struct buf v = { 0 };
	int nhfam = strchr(nh, ':') ? 6 : 4;
	u8(&v, nhfam == 6 ? (nhll ? 32 : 16) : 4);
	ipf(&v, nhfam, nh);
	if (nhll)
		ip6(&v, nhll);
	attr(b, 0x80, 14, &v);
	free(v.p);
}

/* ---- records ---- */
static void mrt(FILE *f, uint32_t ts, int type, int sub, const struct buf *body, int et,
		uint32_t us)
{
	struct buf h = { 0 };
	u32(&h, ts);
	u16(&h, type);
	u16(&h, sub);
	u32(&h, body->n + (et ? 4 : 0));
	if (et)
		u32(&h, us);
	fwrite(h.p, 1, h.n, f);
	fwrite(body->p, 1, body->n, f);
	free(h.p);
}

struct peer {
	const char *ip;
	uint32_t as;
	const char *id;
};

static void pit(FILE *f, uint32_t ts, const struct peer *p, int n)
{
	struct buf b = { 0 };
	ip4(&b, "198.51.100.250");
	u16(&b, 4);
	bytes(&b, "test", 4);
	u16(&b, n);
	for (int i = 0; i < n; i++) {
		int v6 = strchr(p[i].ip, ':') != NULL;
		int as4 = 1;
		if (p[i].as < 65536 && i % 2)
			as4 = 0; /* mix 2- and 4-byte encodings */
		u8(&b, (v6 ? 1 : 0) | (as4 ? 2 : 0));
		ip4(&b, p[i].id);
		ipf(&b, v6 ? 6 : 4, p[i].ip);
		if (as4)
			u32(&b, p[i].as);
		else
			u16(&b, p[i].as);
	}
	mrt(f, ts, 13, 1, &b, 0, 0);
	free(b.p);
}

struct entry {
	int peer;
	uint32_t pid;
	struct buf attrs;
};

static void rib(FILE *f, uint32_t ts, int sub, uint32_t seq, int fam, const char *p, int len,
		struct entry *e, int n)
{
	struct buf b = { 0 };
	int addpath = sub >= 8;
	u32(&b, seq);
	if (sub == 6 || sub == 12) {
		u16(&b, fam == 6 ? 2 : 1);
		u8(&b, 1);
	}
	pfx(&b, fam, p, len);
	u16(&b, n);
	for (int i = 0; i < n; i++) {
		u16(&b, e[i].peer);
		u32(&b, ts - 3600);
		if (addpath)
			u32(&b, e[i].pid);
		u16(&b, e[i].attrs.n);
		cat(&b, &e[i].attrs);
	}
	mrt(f, ts, 13, sub, &b, 0, 0);
	free(b.p);
}

/* BGP4MP header + message */
static void bgp4mp(FILE *f, uint32_t ts, int et, uint32_t us, int sub, int fam, uint32_t pas,
		   uint32_t las, const char *pip, const char *lip, int msgtype,
		   const struct buf *msg)
{
	struct buf b = { 0 };
	int as4 = sub == 4 || sub == 5 || sub == 7 || sub == 9 || sub == 11;
	if (as4) {
		u32(&b, pas);
		u32(&b, las);
	} else {
		u16(&b, pas > 65535 ? 23456 : pas);
		u16(&b, las > 65535 ? 23456 : las);
	}
	u16(&b, 3); /* ifindex */
	u16(&b, fam == 6 ? 2 : 1);
	ipf(&b, fam, pip);
	ipf(&b, fam, lip);
	if (sub == 0 || sub == 5) {
		cat(&b, msg); /* old/new state */
	} else {
		for (int i = 0; i < 16; i++)
			u8(&b, 0xff);
		u16(&b, 19 + msg->n);
		u8(&b, msgtype);
		cat(&b, msg);
	}
	mrt(f, ts, et ? 17 : 16, sub, &b, et, us);
	free(b.p);
}

static void update_msg(struct buf *m, const char *wd4, const struct buf *attrs, const char *nlri4,
		       int addpath, uint32_t pid)
{
	struct buf w = { 0 }, n = { 0 };
	char *dup, *save, *t;
	if (wd4) {
		dup = strdup(wd4);
		for (t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			char *sl = strchr(t, '/');
			*sl = 0;
			if (addpath)
				u32(&w, pid);
			pfx(&w, 4, t, atoi(sl + 1));
		}
		free(dup);
	}
	if (nlri4) {
		dup = strdup(nlri4);
		for (t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			char *sl = strchr(t, '/');
			*sl = 0;
			if (addpath)
				u32(&n, pid++);
			pfx(&n, 4, t, atoi(sl + 1));
		}
		free(dup);
	}
	u16(m, w.n);
	cat(m, &w);
	u16(m, attrs ? attrs->n : 0);
	if (attrs)
		cat(m, attrs);
	cat(m, &n);
	free(w.p);
	free(n.p);
}

static void state(FILE *f, uint32_t ts, int et, int sub, int fam, uint32_t pas, const char *pip,
		  const char *lip, int old, int new)
{
	struct buf s = { 0 };
	u16(&s, old);
	u16(&s, new);
	bgp4mp(f, ts, et, 123456, sub, fam, pas, 64511, pip, lip, 0, &s);
	free(s.p);
}

static FILE *out(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f) {
		fprintf(stderr, "mrtgen: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return f;
}

static const uint32_t T0 = 1506844800; /* 2017-10-01 08:00:00 UTC */

/* ---- mrtgen all ---- */
static void gen_all(const char *dir)
{
	static const struct peer peers[] = {
		{ "198.51.100.1", 64496, "198.51.100.1" },
		{ "198.51.100.2", 64497, "198.51.100.2" },
		{ "2001:db8::1", 64498, "198.51.100.3" },
		{ "2001:db8:0:1::5", 4200000001U, "198.51.100.4" },
		{ "203.0.113.9", 4200000002U, "198.51.100.5" },
	};
	uint32_t comm[] = { 64496u << 16 | 100, 0xFFFFFF01,	      0xFFFFFF02,
			    0xFFFFFF03,		65535u << 16 | 65535, 0 };
	uint32_t lcomm[] = { 4200000001U, 1, 2, 64496, 0, 4294967295U };
	FILE *f;

	/* TABLE_DUMP v1: IPv4 and IPv6, 2-byte AS paths, AS4_PATH merge, AS_SET */
	f = out(dir, "td1.mrt");
	for (int k = 0; k < 6; k++) {
		struct buf b = { 0 }, a = { 0 };
		int v6 = k >= 3;
		a_origin(&a, k % 3);
		if (k == 0)
			a_aspath(&a, "2:64496 3356 4837 131279", 0);
		if (k == 1) { /* 4-byte ASNs through AS_TRANS + AS4_PATH */
			a_aspath(&a, "2:64497 23456 23456;1:64500 64501", 0);
			a_as4path(&a, "2:4200000001 4200000002;1:64500 64501");
		}
		if (k == 2)
			a_aspath(&a, "3:64512 64513;2:64496 64500", 0);
		if (k == 4)
			a_aspath(&a, "2:64498 6939 64502", 0);
		if (k == 5) { /* two AS_PATH segments before AS4_PATH: bgpdump repeats the first */
			a_aspath(&a, "2:64497;2:64498 23456", 0);
			a_as4path(&a, "2:4200000001");
		}
		if (!v6)
			a_nexthop(&a, "198.51.100.1");
		else
			a_mpreach_abbr(&a, "2001:db8::1", k == 4 ? "fe80::1" : NULL);
		if (k != 2)
			a_u32(&a, 0x80, 4, 10 * k);
		if (k == 1)
			a_u32(&a, 0x40, 5, 200);
		if (k == 2) {
			a_atomic(&a);
			a_aggr(&a, 64500, "198.51.100.77", 0, 7);
		}
		if (k == 0)
			a_comm(&a, comm, 6);
		u16(&b, 0); /* view */
		u16(&b, k); /* sequence */
		if (v6)
			ip6(&b, k == 3	 ? "2001:db8::"
				: k == 4 ? "2001:db8:100::"
					 : "2001:db8:0:1::");
		else
			ip4(&b, k == 0 ? "175.45.176.0" : k == 1 ? "198.51.100.0" : "203.0.113.0");
		u8(&b, v6 ? (k == 3 ? 32 : k == 4 ? 48 : 64) : (k == 0 ? 22 : 24));
		u8(&b, 1); /* status */
		u32(&b, T0 - 600);
		ipf(&b, v6 ? 6 : 4, v6 ? "2001:db8::1" : "198.51.100.1");
		u16(&b, 64496);
		u16(&b, a.n);
		cat(&b, &a);
		mrt(f, T0, 12, v6 ? 2 : 1, &b, 0, 0);
		free(a.p);
		free(b.p);
	}
	/* zebra's TABLE_DUMP subtypes 3 and 4 (AFI_IP/AFI_IP6 with 32-bit ASNs),
	 * which bgpdump reads (and prints subtype 4 through its IPv4 formatter) */
	for (int st = 3; st <= 4; st++) {
		struct buf b = { 0 }, a = { 0 };
		int v6 = st == 4;
		a_origin(&a, 0);
		a_aspath(&a, "2:4200000001 131279", 1);
		a_nexthop(&a, "198.51.100.1");
		a_aggr(&a, 131279, "198.51.100.8", 1, 7);
		u16(&b, 0);
		u16(&b, 10 + st);
		ipf(&b, v6 ? 6 : 4, v6 ? "2001:db8:5::" : "175.45.178.0");
		u8(&b, v6 ? 48 : 24);
		u8(&b, 1);
		u32(&b, T0 - 600);
		ipf(&b, v6 ? 6 : 4, v6 ? "2001:db8::1" : "198.51.100.1");
		u32(&b, 4200000001U);
		u16(&b, a.n);
		cat(&b, &a);
		mrt(f, T0, 12, st, &b, 0, 0);
		free(a.p);
		free(b.p);
	}
	fclose(f);

	/* TABLE_DUMP_V2: PIT, unicast/multicast, ADD-PATH, RIB_GENERIC */
	f = out(dir, "td2.mrt");
	pit(f, T0, peers, 5);
	static const int subs[] = { 2, 3, 4, 5, 8, 9, 10, 11, 6, 12 };
	for (unsigned int si = 0; si < sizeof(subs) / sizeof(subs[0]); si++) {
		int sub = subs[si];
		int base = sub >= 8 ? sub - 6 : sub;
		int v6 = base == 4 || base == 5 || (base == 6 && si % 2);
		struct entry e[5];
		for (int i = 0; i < 5; i++) {
			struct buf *a = &e[i].attrs;
			memset(a, 0, sizeof(*a));
			e[i].peer = i;
			e[i].pid = 100 + i;
			a_origin(a, i % 3);
			char path[200];
			if (i == 0)
				snprintf(path, sizeof(path), "2:%u 3356 4837 131279", peers[i].as);
			else if (i == 1)
				snprintf(path, sizeof(path), "2:%u 20485 131279;1:64500 4200000005",
					 peers[i].as);
			else if (i == 2)
				snprintf(path, sizeof(path), "4:64512;3:64513 64514;2:%u 64502",
					 peers[i].as);
			else if (i == 3)
				snprintf(path, sizeof(path), "2:%u %u %u 64503", peers[i].as,
					 peers[i].as, peers[i].as);
			else
				path[0] = 0;
			if (path[0])
				a_aspath(a, path, 1);
			else
				a_aspath(a, "", 1);
			if (!v6)
				a_nexthop(a, "198.51.100.9");
			else
				a_mpreach_abbr(a, "2001:db8::9", i == 3 ? "fe80::9" : NULL);
			if (i & 1)
				a_u32(a, 0x80, 4, 4000000000U);
			if (i != 4)
				a_u32(a, 0x40, 5, 100 + i);
			if (i == 2) {
				a_atomic(a);
				a_aggr(a, 4200000001U, "198.51.100.66", 1, 7);
			}
			if (i == 0)
				a_comm(a, comm, 6);
			if (i == 1)
				a_lcomm(a, lcomm, 2);
			if (i == 3)
				a_unknown(a);
		}
		rib(f, T0, sub, si, v6 ? 6 : 4, v6 ? "2001:db8:1234::" : "175.45.176.0",
		    v6 ? 48 : 22, e, 5);
		for (int i = 0; i < 5; i++)
			free(e[i].attrs.p);
	}
	fclose(f);

	/* BGP4MP and BGP4MP_ET: every message subtype, state changes */
	f = out(dir, "bgp4mp.mrt");
	static const int msubs[] = { 1, 4, 6, 7, 8, 9, 10, 11 };
	for (int et = 0; et < 2; et++) {
		uint32_t ts = T0 + 3900 + et * 60;
		state(f, ts, et, 0, 4, 64496, "198.51.100.1", "198.51.100.254", 1, 2);
		state(f, ts, et, 5, 4, 4200000001U, "198.51.100.1", "198.51.100.254", 5, 6);
		state(f, ts, et, 0, 6, 64498, "2001:db8::1", "2001:db8::fe", 3, 4);
		state(f, ts, et, 5, 6, 4200000002U, "2001:db8:0:1::5", "2001:db8::fe", 6, 1);
		for (unsigned int si = 0; si < sizeof(msubs) / sizeof(msubs[0]); si++) {
			int sub = msubs[si];
			int as4 = sub == 4 || sub == 7 || sub == 9 || sub == 11;
			int ap = sub >= 8;
			for (int fam = 4; fam <= 6; fam += 2) {
				struct buf a = { 0 }, m = { 0 };
				const char *pip = fam == 6 ? "2001:db8::1" : "198.51.100.1";
				const char *lip = fam == 6 ? "2001:db8::fe" : "198.51.100.254";
				uint32_t pas = si % 2 ? 4200000001U : 64496;
				a_origin(&a, si % 3);
				if (as4) {
					a_aspath(&a, "2:4200000001 3356 131279;1:64500 64501", 1);
					a_aggr(&a, 4200000003U, "198.51.100.3", 1, 7);
				} else {
					a_aspath(&a, "2:64496 23456 4837 23456", 0);
					a_as4path(&a, "2:4200000001 4837 131279");
					a_aggr(&a, 23456, "198.51.100.4", 0, 7);
					a_aggr(&a, 4200000004U, "198.51.100.5", 1, 18);
				}
				a_nexthop(&a, "198.51.100.1");
				a_u32(&a, 0x80, 4, 3000000000U);
				a_u32(&a, 0x40, 5, 2500000000U);
				a_comm(&a, comm, 3);
				a_lcomm(&a, lcomm, 1);
				if (fam == 4) {
					a_mpreach(&a, 1, 1, "198.51.100.1", NULL,
						  "203.0.113.0/24,203.0.113.128/25", ap, 7);
					a_mpunreach(&a, 2, 1, "2001:db8:dead::/48", ap);
					update_msg(&m, "198.51.100.0/24", &a,
						   "175.45.176.0/22,175.45.177.0/24", ap, 1);
				} else {
					a_mpreach(&a, 2, 1, "2001:db8::1",
						  si % 2 ? "fe80::1" : NULL,
						  "2001:db8::/32,2001:db8:100::/48", ap, 11);
					a_mpunreach(&a, 1, 1, "175.45.178.0/24", ap);
					update_msg(&m, NULL, &a, NULL, ap, 1);
				}
				bgp4mp(f, ts + si, et, 500000 + si, sub, fam, pas, 64511, pip, lip,
				       2, &m);
				free(m.p);
				m = (struct buf){ 0 };
				/* a withdrawal-only update and a keepalive */
				update_msg(&m, "175.45.179.0/24", NULL, NULL, ap, 9);
				bgp4mp(f, ts + si, et, 7, sub, fam, pas, 64511, pip, lip, 2, &m);
				free(m.p);
				m = (struct buf){ 0 };
				bgp4mp(f, ts + si, et, 8, sub, fam, pas, 64511, pip, lip, 4, &m);
				free(a.p);
			}
		}
	}
	/* OPEN and NOTIFICATION (bgpdump -m prints nothing for them) */
	{
		struct buf m = { 0 };
		u8(&m, 4);
		u16(&m, 23456);
		u16(&m, 180);
		ip4(&m, "198.51.100.1");
		u8(&m, 8);
		u8(&m, 2);
		u8(&m, 6);
		u8(&m, 65);
		u8(&m, 4);
		u32(&m, 4200000001U);
		bgp4mp(f, T0 + 4000, 0, 0, 4, 4, 4200000001U, 64511, "198.51.100.1",
		       "198.51.100.254", 1, &m);
		free(m.p);
		m = (struct buf){ 0 };
		u8(&m, 6);
		u8(&m, 2);
		bgp4mp(f, T0 + 4001, 0, 0, 4, 4, 4200000001U, 64511, "198.51.100.1",
		       "198.51.100.254", 3, &m);
		free(m.p);
	}
	fclose(f);
}

/* ---- mrtgen scenario ---- */
static const struct peer sc_peers[] = {
	{ "198.51.100.1", 64496, "198.51.100.1" },
	{ "198.51.100.2", 64497, "198.51.100.2" },
	{ "2001:db8::1", 64498, "198.51.100.3" },
};
static const char *sc_v4[] = { "175.45.176.0/22", "175.45.176.0/24", "175.45.177.0/24",
			       "175.45.178.0/24", "175.45.179.0/24" };

static void sc_attrs(struct buf *a, const char *path, int v6, const char *nh)
{
	a_origin(a, 0);
	a_aspath(a, path, 1);
	if (v6)
		a_mpreach_abbr(a, nh, NULL);
	else
		a_nexthop(a, nh);
}

static void gen_scenario(const char *dir)
{
	static const char *tr[] = { "3356", "1299", "6939" };
	FILE *f = out(dir, "rib.20171001.0800.mrt");
	uint32_t seq = 0;

	pit(f, T0, sc_peers, 3);
	for (unsigned int k = 0; k < 5; k++) {
		struct entry e[3];
		char p[64];
		int n = 0;
		for (int i = 0; i < 3; i++) {
			char path[128];
			memset(&e[n], 0, sizeof(e[n]));
			e[n].peer = i;
			snprintf(path, sizeof(path), "2:%u %s 4837 131279", sc_peers[i].as, tr[i]);
			sc_attrs(&e[n].attrs, path, 0, i == 2 ? "198.51.100.3" : sc_peers[i].ip);
			n++;
		}
		snprintf(p, sizeof(p), "%s", sc_v4[k]);
		char *sl = strchr(p, '/');
		*sl = 0;
		rib(f, T0, 2, seq++, 4, p, atoi(sl + 1), e, n);
		for (int i = 0; i < n; i++)
			free(e[i].attrs.p);
	}
	static const struct {
		int fam;
		const char *p;
		int len;
		const char *tail;
	} others[] = {
		{ 4, "198.51.100.0", 24, "64500" },
		{ 4, "203.0.113.0", 24, "64510 64501" },
		{ 6, "2001:db8::", 32, "64502" },
		{ 6, "2001:db8:100::", 48, "64503" },
	};
	for (unsigned int k = 0; k < 4; k++) {
		struct entry e[3];
		for (int i = 0; i < 3; i++) {
			char path[128];
			memset(&e[i], 0, sizeof(e[i]));
			e[i].peer = i;
			snprintf(path, sizeof(path), "2:%u %s %s", sc_peers[i].as, tr[i],
				 others[k].tail);
			sc_attrs(&e[i].attrs, path, others[k].fam == 6,
				 others[k].fam == 6 ? "2001:db8::1" : "198.51.100.1");
		}
		rib(f, T0, others[k].fam == 6 ? 4 : 2, seq++, others[k].fam, others[k].p,
		    others[k].len, e, 3);
		for (int i = 0; i < 3; i++)
			free(e[i].attrs.p);
	}
	fclose(f);

	f = out(dir, "updates.20171001.0905.mrt");
	uint32_t t = T0 + 3900; /* 09:05 */
	/* 09:05: a session flap of AS64497 */
	state(f, t + 10, 0, 5, 4, 64497, "198.51.100.2", "198.51.100.254", 6, 1);
	state(f, t + 20, 0, 5, 4, 64497, "198.51.100.2", "198.51.100.254", 1, 6);
	/* 09:06: 2001:db8:100::/48 withdrawn by every peer */
	for (int i = 0; i < 3; i++) {
		struct buf a = { 0 }, m = { 0 };
		a_mpunreach(&a, 2, 1, "2001:db8:100::/48", 0);
		update_msg(&m, NULL, &a, NULL, 0, 0);
		bgp4mp(f, t + 60, 0, 0, 4, i == 2 ? 6 : 4, sc_peers[i].as, 64511, sc_peers[i].ip,
		       i == 2 ? "2001:db8::fe" : "198.51.100.254", 2, &m);
		free(a.p);
		free(m.p);
	}
	/* 09:08:00: AS131279 now reached through AS20485 */
	for (int i = 0; i < 3; i++) {
		struct buf a = { 0 }, m = { 0 };
		char path[128];
		snprintf(path, sizeof(path), "2:%u 20485 131279", sc_peers[i].as);
		a_origin(&a, 0);
		a_aspath(&a, path, 1);
		a_nexthop(&a, i == 2 ? "198.51.100.3" : sc_peers[i].ip);
		update_msg(&m, NULL, &a,
			   "175.45.176.0/22,175.45.176.0/24,175.45.177.0/24,175.45.178.0/"
			   "24,175.45.179.0/24",
			   0, 0);
		bgp4mp(f, t + 180, 0, 0, 4, i == 2 ? 6 : 4, sc_peers[i].as, 64511, sc_peers[i].ip,
		       i == 2 ? "2001:db8::fe" : "198.51.100.254", 2, &m);
		free(a.p);
		free(m.p);
	}
	/* 09:09: a keepalive */
	{
		struct buf m = { 0 };
		bgp4mp(f, t + 240, 0, 0, 4, 4, 64496, 64511, "198.51.100.1", "198.51.100.254", 4,
		       &m);
	}
	fclose(f);
}

/* ---- mrtgen bigrib ---- */
static void gen_bigrib(const char *path, unsigned long entries, unsigned int npeers)
{
	FILE *f = fopen(path, "wb");
	struct peer *p = calloc(npeers, sizeof(*p));
	char(*ips)[64] = calloc(npeers, 64);
	unsigned long done = 0;
	uint32_t seq = 0;

	if (!f || !p || !ips) {
		perror(path);
		exit(1);
	}
	for (unsigned int i = 0; i < npeers; i++) {
		if (i % 4 == 3)
			snprintf(ips[i], 64, "2001:db8:%x::%x", i, i + 1);
		else
			snprintf(ips[i], 64, "198.51.%u.%u", 100 + i / 250, 1 + i % 250);
		p[i].ip = ips[i];
		p[i].as = i % 3 ? 64496 + i % 16 : 4200000000U + i;
		p[i].id = "198.51.100.250";
	}
	pit(f, T0, p, (int)npeers);
	uint32_t net = 0x01000000; /* 1.0.0.0 */
	while (done < entries) {
		unsigned int n = 5 + (seq % 23);
		if (n > npeers)
			n = npeers;
		if (n > entries - done)
			n = (unsigned int)(entries - done);
		struct entry *e = calloc(n, sizeof(*e));
		for (unsigned int i = 0; i < n; i++) {
			char pathb[256];
			unsigned int pi = (seq * 7 + i * 3) % npeers;
			e[i].peer = (int)pi;
			snprintf(pathb, sizeof(pathb), "2:%u %u %u %u %u", p[pi].as,
				 3356 + (seq % 5), 1299 + (i % 7), 64500 + (seq % 11),
				 131000 + (seq % 977));
			a_origin(&e[i].attrs, 0);
			a_aspath(&e[i].attrs, pathb, 1);
			a_nexthop(&e[i].attrs, "198.51.100.1");
			a_u32(&e[i].attrs, 0x80, 4, seq % 100);
			uint32_t c[2] = { (3356u << 16) | (seq % 1000), (64496u << 16) | i };
			a_comm(&e[i].attrs, c, 2);
		}
		char a[32];
		snprintf(a, sizeof(a), "%u.%u.%u.0", net >> 24, (net >> 16) & 255,
			 (net >> 8) & 255);
		rib(f, T0, 2, seq++, 4, a, 24, e, (int)n);
		for (unsigned int i = 0; i < n; i++)
			free(e[i].attrs.p);
		free(e);
		net += 256;
		done += n;
	}
	fclose(f);
	free(p);
	free(ips);
}

/* ---- mrtgen big ---- */
/* Large records: RFC 8654 extended BGP messages (up to 65535 bytes) and
 * every count the formats allow, to test the reader and printer at and
 * past their sizes.  Prefixes: 198.18.0.0/15 and 2001:db8::/32. */
#define BGP_MAX_MSG 65535 /* RFC 8654: the largest BGP message */

/* IPv4 prefix i as a /32 in 198.18.0.0/15 (5 bytes) */
static void v4_host(struct buf *b, uint32_t i)
{
	u8(b, 32);
	u32(b, 0xC6120000u + (i & 0x1ffff));
}
/* IPv6 prefix i as a /64 in 2001:db8::/32 (9 bytes) */
static void v6_64(struct buf *b, uint32_t i)
{
	u8(b, 64);
	u32(b, 0x20010db8u);
	u32(b, i);
}
/* IPv4 prefixes (with path ids when addpath) that fill exactly `n` bytes:
 * /32s in 198.18.0.0/15, and shorter ones (/0 .. /24) where a /32 would not
 * leave room for another prefix */
static uint32_t fill_v4(struct buf *b, size_t n, int addpath)
{
	size_t id = addpath ? 4 : 0, full = id + 5, min = id + 1;
	uint32_t k = 0;

	while (n) {
		size_t take = n <= full ? n : n - full >= min ? full : n - min;
		if (addpath)
			u32(b, k + 1);
		if (take == full) {
			v4_host(b, k);
		} else {
			u8(b, (unsigned int)(take - id - 1) * 8);
			for (size_t i = 0; i < take - id - 1; i++)
				u8(b, i ? 18 : 198);
		}
		k++;
		n -= take;
	}
	return k;
}

/* An UPDATE message body: withdrawn field, attributes, NLRI field */
static void update_raw(struct buf *m, const struct buf *wd, const struct buf *attrs,
		       const struct buf *nlri)
{
	u16(m, wd ? wd->n : 0);
	if (wd)
		cat(m, wd);
	u16(m, attrs ? attrs->n : 0);
	if (attrs)
		cat(m, attrs);
	if (nlri)
		cat(m, nlri);
}

static void check_size(const struct buf *m, size_t want)
{
	if (19 + m->n > BGP_MAX_MSG || (want && 19 + m->n != want)) {
		fprintf(stderr, "mrtgen: message of %zu bytes (want %zu)\n", 19 + m->n, want);
		exit(1);
	}
}

/* long AS path: AS_SEQUENCEs of 250 4-byte ASNs, n ASNs in all, first the
 * peer, last "20485 131279" (origin 131279, transit 20485) */
static void a_long_aspath(struct buf *a, uint32_t peer, uint32_t n)
{
	struct buf v = { 0 };

	for (uint32_t i = 0; i < n; i += 250) {
		uint32_t k = n - i < 250 ? n - i : 250;
		u8(&v, 2);
		u8(&v, k);
		for (uint32_t j = i; j < i + k; j++)
			u32(&v, j == 0	     ? peer
				: j == n - 1 ? 131279
				: j == n - 2 ? 20485
					     : 64512 + j % 1000);
	}
	attr(a, 0x40, 2, &v);
	free(v.p);
}

/* ORIGIN IGP, AS_PATH 4200000001 20485 131279 */
static void a_short(struct buf *a)
{
	a_origin(a, 0);
	a_aspath(a, "2:4200000001 20485 131279", 1);
}

static void gen_big(const char *dir)
{
	const char *pip = "198.51.100.1", *lip = "198.51.100.254";
	struct buf a = { 0 }, m = { 0 }, l = { 0 };
	FILE *f;

	/* 4096 IPv6 /64s withdrawn in MP_UNREACH_NLRI: a 36,894-byte UPDATE */
	f = out(dir, "ext-withdraw6.mrt");
	u16(&l, 2); /* AFI IPv6 */
	u8(&l, 1);  /* SAFI unicast */
	for (uint32_t i = 0; i < 4096; i++)
		v6_64(&l, i);
	attr(&a, 0x80, 15, &l);
	update_raw(&m, NULL, &a, NULL);
	check_size(&m, 0);
	bgp4mp(f, T0 + 4200, 0, 0, 4, 4, 4200000001U, 64511, pip, lip, 2, &m);
	fclose(f);
	a.n = m.n = l.n = 0;

	/* 65535-byte UPDATEs: IPv4 withdrawn field, IPv4 NLRI field, both with
	 * and without ADD-PATH */
	f = out(dir, "ext-max4.mrt");
	for (int ap = 0; ap < 2; ap++) {
		int sub = ap ? 9 : 4;
		fill_v4(&l, BGP_MAX_MSG - 19 - 4, ap);
		update_raw(&m, &l, NULL, NULL);
		check_size(&m, BGP_MAX_MSG);
		bgp4mp(f, T0 + 4201, 0, 0, sub, 4, 4200000001U, 64511, pip, lip, 2, &m);
		a.n = m.n = l.n = 0;
		a_short(&a);
		a_nexthop(&a, pip);
		fill_v4(&l, BGP_MAX_MSG - 19 - 4 - a.n, ap);
		update_raw(&m, NULL, &a, &l);
		check_size(&m, BGP_MAX_MSG);
		bgp4mp(f, T0 + 4202, 1, 999999, sub, 4, 4200000001U, 64511, pip, lip, 2, &m);
		a.n = m.n = l.n = 0;
	}
	fclose(f);

	/* a 65535-byte UPDATE announcing IPv6 /64s in MP_REACH_NLRI */
	f = out(dir, "ext-max6.mrt");
	{
		struct buf mp = { 0 };
		a_short(&a);
		u16(&mp, 2);
		u8(&mp, 1);
		u8(&mp, 16);
		ip6(&mp, "2001:db8::1");
		u8(&mp, 0); /* SNPA */
		/* attribute header 4 bytes (extended length) */
		size_t room = BGP_MAX_MSG - 19 - 4 - a.n - 4 - mp.n;
		uint32_t i = 0;
		for (; room >= 9; room -= 9)
			v6_64(&mp, i++);
		while (room--) /* the rest: ::/0 (one byte each) */
			u8(&mp, 0);
		attr(&a, 0x80, 14, &mp);
		update_raw(&m, NULL, &a, NULL);
		check_size(&m, BGP_MAX_MSG);
		bgp4mp(f, T0 + 4203, 0, 0, 4, 6, 4200000001U, 64511, "2001:db8::1", "2001:db8::fe",
		       2, &m);
		free(mp.p);
		a.n = m.n = l.n = 0;
	}
	fclose(f);

	/* AS paths of 3000 ASNs: an UPDATE, a RIB entry, and a 2-byte AS_PATH
	 * with AS4_PATH (bgpdump's merge repeats the first segment) */
	f = out(dir, "long-aspath.mrt");
	{
		static const struct peer pp[] = { { "198.51.100.1", 64496, "198.51.100.1" } };
		struct entry e = { 0 };
		a_origin(&a, 0);
		a_long_aspath(&a, 4200000001U, 3000);
		a_nexthop(&a, pip);
		u8(&l, 22);
		u8(&l, 175), u8(&l, 45), u8(&l, 176); /* 175.45.176.0/22 */
		update_raw(&m, NULL, &a, &l);
		check_size(&m, 0);
		bgp4mp(f, T0 + 4204, 0, 0, 4, 4, 4200000001U, 64511, pip, lip, 2, &m);
		a.n = m.n = l.n = 0;
		pit(f, T0, pp, 1);
		a_origin(&e.attrs, 0);
		a_long_aspath(&e.attrs, 64496, 3000);
		a_nexthop(&e.attrs, pip);
		rib(f, T0, 2, 1, 4, "175.45.177.0", 24, &e, 1);
		free(e.attrs.p);
		/* AS_PATH (2-byte): one AS then 1499 AS_TRANS; AS4_PATH: 900
		 * ASNs.  bgpdump copies the first segment (1 AS) 600 times. */
		struct buf v = { 0 };
		u8(&v, 2), u8(&v, 1), u16(&v, 64496);
		for (int s = 0; s < 6; s++) {
			u8(&v, 2);
			u8(&v, 250 - (s == 5));
			for (int j = 0; j < 250 - (s == 5); j++)
				u16(&v, 23456);
		}
		a_origin(&a, 0);
		attr(&a, 0x40, 2, &v);
		v.n = 0;
		for (int s = 0; s < 4; s++) {
			u8(&v, 2);
			u8(&v, s == 3 ? 150 : 250);
			for (int j = 0; j < (s == 3 ? 150 : 250); j++)
				u32(&v, 4200000000U + (uint32_t)(s * 250 + j));
		}
		attr(&a, 0xC0, 17, &v);
		free(v.p);
		a_nexthop(&a, pip);
		u8(&l, 24);
		u8(&l, 175), u8(&l, 45), u8(&l, 178); /* 175.45.178.0/24 */
		update_raw(&m, NULL, &a, &l);
		check_size(&m, 0);
		bgp4mp(f, T0 + 4205, 0, 0, 1, 4, 64496, 64511, pip, lip, 2, &m);
		a.n = m.n = l.n = 0;
	}
	fclose(f);

	/* COMMUNITIES filling a 65535-byte UPDATE (16,363 values) */
	f = out(dir, "ext-communities.mrt");
	{
		struct buf c = { 0 };
		a_short(&a);
		a_nexthop(&a, pip);
		u8(&l, 22);
		u8(&l, 175), u8(&l, 45), u8(&l, 176);
		size_t room = BGP_MAX_MSG - 19 - 4 - a.n - 4 - l.n;
		for (uint32_t i = 0; room >= 4; room -= 4, i++)
			u32(&c,
			    i % 1000 == 999 ? 0xFFFFFF01u : (64496u + i % 16) << 16 | (i & 0xffff));
		attr(&a, 0xC0, 8, &c);
		free(c.p);
		update_raw(&m, NULL, &a, &l);
		check_size(&m, BGP_MAX_MSG);
		bgp4mp(f, T0 + 4206, 0, 0, 4, 4, 4200000001U, 64511, pip, lip, 2, &m);
		a.n = m.n = l.n = 0;
	}
	fclose(f);

	/* PEER_INDEX_TABLE of 65535 peers; a RIB record of 65535 entries, the
	 * last naming peer 65534 */
	f = out(dir, "rib-max-peers.mrt");
	{
		enum { N = 65535 };
		struct peer *p = calloc(N, sizeof(*p));
		char(*ips)[32] = calloc(N, 32);
		struct entry *e = calloc(N, sizeof(*e));
		for (unsigned int i = 0; i < N; i++) {
			snprintf(ips[i], 32, "198.18.%u.%u", i >> 8, i & 255);
			p[i] = (struct peer){ ips[i], 64496 + i % 16, ips[i] };
			e[i].peer = (int)i;
			a_origin(&e[i].attrs, 0);
			a_nexthop(&e[i].attrs, ips[i]);
			struct buf v = { 0 };
			u8(&v, 2), u8(&v, 2), u32(&v, 64496 + i % 16), u32(&v, 131279);
			attr(&e[i].attrs, 0x40, 2, &v);
			free(v.p);
		}
		pit(f, T0, p, N);
		rib(f, T0, 2, 1, 4, "175.45.176.0", 22, e, N);
		for (unsigned int i = 0; i < N; i++)
			free(e[i].attrs.p);
		free(e);
		free(p);
		free(ips);
	}
	fclose(f);
	free(a.p);
	free(m.p);
	free(l.p);
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "all")) {
		gen_all(argv[2]);
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "scenario")) {
		gen_scenario(argv[2]);
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "big")) {
		gen_big(argv[2]);
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "bigrib")) {
		gen_bigrib(argv[2], argc > 3 ? strtoul(argv[3], NULL, 10) : 1000000,
			   argc > 4 ? (unsigned int)strtoul(argv[4], NULL, 10) : 40);
		return 0;
	}
	fprintf(stderr, "usage: mrtgen all OUTDIR | scenario OUTDIR | big OUTDIR | bigrib FILE "
			"[ENTRIES [PEERS]]\n");
	return 2;
}
