/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/bgp/be.h - big-endian (network order) reads of MRT and BGP wire
 * fields: the one place the routing-data library assembles integers from
 * bytes.  Callers check bounds first (struct bgp_cur does), except
 * be_get_zf(), which reads only the `avail` bytes there are.
 */
#ifndef ASC_BGP_BE_H
#define ASC_BGP_BE_H
#include <stddef.h>
#include <stdint.h>

static inline uint16_t be16_get(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t be32_get(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Big-endian value of n (<= 4) bytes of which only the first `avail` are
 * there: the missing ones read as zero, as bgpdump reads short fields. */
static inline uint32_t be_get_zf(const uint8_t *p, size_t avail, size_t n)
{
	uint32_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v << 8 | (i < avail ? p[i] : 0);
	return v;
}
#endif
