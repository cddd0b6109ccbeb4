/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/routes/rtable.h - a resolved route table: prefix -> struct rt_route.
 *
 * This is what every routing-data reader produces and what the data-plane
 * table builders (LPM tries, fast tables) consume.  Addresses are in network
 * byte order; host bits beyond the prefix length are always zero.
 */
#ifndef ASC_RTABLE_H
#define ASC_RTABLE_H
#include <stddef.h>
#include <stdint.h>
#include "asclass.h"

/* Upstream columns: as many as the data plane's route records hold. */
#define RT_COLUMNS ASC_COLUMNS

/* What a prefix resolves to over all paths (the consensus, see rib.h). */
struct rt_route {
	uint32_t origin_asn;  /* last AS of the path, prepending removed; 0 = unknown */
	uint32_t transit_asn; /* the AS in front of the origin; 0 = none */
	uint32_t peer_asn;    /* the first AS of the path (the neighbour that told us) */
	uint32_t flags;	      /* enum asc_route_flag */
};

/* What one upstream link's own paths say about a prefix. */
struct rt_link {
	uint32_t origin_asn;
	uint32_t transit_asn;
	uint8_t path; /* enum asc_path: ASC_PATH_OWN, or ASC_PATH_CONSENSUS when
			 the upstream announces no path for the prefix (then
			 origin and transit are 0 here: the entry's route
			 has them, see rt_link_of()) */
	uint8_t pad[3];
};

/* One rt_link per upstream column (the column an attached upstream has in
 * the data plane's route records). */
struct rt_links {
	struct rt_link col[RT_COLUMNS];
};

struct rt_entry {
	uint8_t family; /* 4 or 6 */
	uint8_t plen;	/* 0..32 or 0..128 */
	uint8_t pad[2];
	uint8_t addr[16]; /* IPv4 in the first 4 bytes */
	struct rt_route route;
	uint32_t links; /* index into rtable.links; 0 = no column has its own path */
};

struct rtable {
	struct rt_entry *v;
	size_t n, cap;
	/* Distinct per-column attributions, shared by the entries that have
	 * the same; links[0] is unused. */
	struct rt_links *links;
	size_t nlinks, links_cap;
};

/* What identifies one upstream's paths in routing data: the first AS of
 * the path (the MRT/bgpdump peer AS), and where several sessions share
 * that AS, the peer address. */
struct rt_upstream {
	uint32_t asn;	    /* 0 = column unused */
	uint8_t nbr_family; /* 4 or 6: match the peer address too; 0: any */
	uint8_t nbr[16];
};

struct rt_upstreams {
	struct rt_upstream col[RT_COLUMNS];
};

/* How column `col` attributes entry e of t: the upstream's own path, or
 * the consensus (e->route) marked ASC_PATH_CONSENSUS. */
struct rt_link rt_link_of(const struct rtable *t, const struct rt_entry *e, unsigned int col);

/* Column col of u: the upstream of AS asn.  nbr_family 4 or 6 (nbr: its
 * address, IPv4 in the first 4 bytes) restricts it to the session from
 * that address; 0 takes every session of the AS.  Returns 0, or -EINVAL for
 * col >= RT_COLUMNS, asn 0 or another family (u is then unchanged). */
int rt_upstream_set(struct rt_upstreams *u, unsigned int col, uint32_t asn, int nbr_family,
		    const uint8_t *nbr);
/* "NAME=ASN[@NEIGHBOR]" (NAME 1 to ASC_NAME_LEN - 1 bytes, ASN as
 * parse_asn() takes it, NEIGHBOR an IPv4 or IPv6 address) into name and
 * *up.  Returns 0 or -EINVAL. */
int rt_upstream_parse(const char *s, char name[ASC_NAME_LEN], struct rt_upstream *up);
/* Whether u (may be NULL) has a column in use. */
int rt_upstreams_used(const struct rt_upstreams *u);

/* Makes room for n more entries (exactly: a whole load knows its count).
 * Returns 0 or -ENOMEM. */
int rtable_reserve(struct rtable *t, size_t n);
/* Appends a copy of *e (masking host bits); e->links is kept as it is, so
 * it must index t->links (or be 0).  Returns 0 or -ENOMEM. */
int rtable_add(struct rtable *t, const struct rt_entry *e);
/* Sorts by family, address, prefix length; later duplicates of the same
 * prefix replace earlier ones.  Entries keep their links index (t->links
 * is not touched, so every index stays valid; a row no entry uses any
 * more stays, unused).  Returns the number of entries kept, or
 * (size_t)-1 when out of memory (the table is then unchanged). */
size_t rtable_sort_dedup(struct rtable *t);
void rtable_free(struct rtable *t);

/* A prefix's place in table order as integers (the address as two
 * big-endian words), and where its entry came from. */
struct rt_sort_key {
	uint64_t hi, lo;
	uint32_t pos;
	uint8_t family, plen;
	uint8_t pad[2];
};

struct rt_sort_key rt_sort_key_of(int family, int plen, const uint8_t addr[16], size_t pos);
/* Sorts k by family, address, length (prefix_cmp()'s order); keys of the
 * same prefix keep their order in k.  A radix sort: time in proportion to
 * n and to the bytes in which the keys differ (an IPv4 table: 6 passes).
 * Returns 0 or -ENOMEM (k unchanged). */
int rt_sort_keys(struct rt_sort_key *k, size_t n);
/* Counts of entries per family (after sort). */
size_t rtable_count(const struct rtable *t, int family);
/* Table order: family, then address, then prefix length.  <0, 0, >0. */
int prefix_cmp(const struct rt_entry *a, const struct rt_entry *b);
/* Zeroes the bits of addr beyond plen. */
void prefix_mask(uint8_t *addr, int family, int plen);

/* "175.45.176.0/22", "2001:db8::/32"; a bare address means a host route.
 * Returns 0 or -EINVAL.  Host bits beyond the length are an error unless
 * `allow_host_bits`, in which case they are cleared. */
int prefix_parse(const char *s, struct rt_entry *e, int allow_host_bits);
/* Formats family/addr/plen as text into buf (INET6_ADDRSTRLEN + 4 bytes). */
const char *prefix_fmt(const struct rt_entry *e, char *buf, size_t len);
/* Parses an address (no length); family set to 4 or 6. */
int addr_parse(const char *s, uint8_t addr[16], int *family);

#endif
