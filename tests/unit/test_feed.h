/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* tests/unit/test_feed.h - a byte builder for the BGP messages the feed tests
 * send (tests/unit/test_feed_*.c).  Every test writes its fields itself, one
 * commented call per field; these helpers only append bytes and patch
 * lengths. */
#ifndef ASC_TEST_FEED_H
#define ASC_TEST_FEED_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct mb {
	uint8_t b[8192];
	size_t n;
};

static inline void mb_u8(struct mb *m, unsigned int v)
{
	m->b[m->n++] = (uint8_t)v;
}
static inline void mb_u16(struct mb *m, unsigned int v)
{
	mb_u8(m, v >> 8);
	mb_u8(m, v);
}
static inline void mb_u32(struct mb *m, uint32_t v)
{
	mb_u16(m, v >> 16);
	mb_u16(m, v);
}
static inline void mb_raw(struct mb *m, const void *p, size_t n)
{
	memcpy(m->b + m->n, p, n);
	m->n += n;
}
#define MB_BYTES(m, ...)                                                                           \
	mb_raw(m, (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ }))

/* The 19-byte header: 16 x 0xff, length (patched by mb_end), type. */
static inline void mb_hdr(struct mb *m, uint8_t type)
{
	m->n = 0;
	memset(m->b, 0xff, 16);
	m->n = 16;
	mb_u16(m, 0);
	mb_u8(m, type);
}
static inline void mb_end(struct mb *m)
{
	m->b[16] = (uint8_t)(m->n >> 8);
	m->b[17] = (uint8_t)m->n;
}

/* A 1- or 2-byte length field to patch later: mb_len*() returns where the
 * field is, mb_fix*() writes the bytes that followed it. */
static inline size_t mb_len16(struct mb *m)
{
	mb_u16(m, 0);
	return m->n;
}
static inline void mb_fix16(struct mb *m, size_t at)
{
	size_t n = m->n - at;

	m->b[at - 2] = (uint8_t)(n >> 8);
	m->b[at - 1] = (uint8_t)n;
}
static inline size_t mb_len8(struct mb *m)
{
	mb_u8(m, 0);
	return m->n;
}
static inline void mb_fix8(struct mb *m, size_t at)
{
	m->b[at - 1] = (uint8_t)(m->n - at);
}

#endif
