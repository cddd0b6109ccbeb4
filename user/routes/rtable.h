/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/routes/rtable.h - a resolved route table: prefix -> struct asc_route.
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

struct rt_entry {
	uint8_t family; /* 4 or 6 */
	uint8_t plen;	/* 0..32 or 0..128 */
	uint8_t pad[2];
	uint8_t addr[16]; /* IPv4 in the first 4 bytes */
	struct asc_route route;
};

struct rtable {
	struct rt_entry *v;
	size_t n, cap;
};

/* Appends a copy of *e (masking host bits). Returns 0 or -ENOMEM. */
int rtable_add(struct rtable *t, const struct rt_entry *e);
/* Sorts by family, address, prefix length; later duplicates of the same
 * prefix replace earlier ones.  Returns the number of entries kept, or
 * (size_t)-1 when out of memory (the table is then unchanged). */
size_t rtable_sort_dedup(struct rtable *t);
void rtable_free(struct rtable *t);
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
