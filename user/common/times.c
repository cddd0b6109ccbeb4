/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/common/times.c - packed lists of nanosecond times (see times.h). */
#include "common/times.h"

#define TIMES_MAX_DIFF (1ULL << 55)

static uint64_t zigzag(uint64_t prev, uint64_t t)
{
	int64_t d = (int64_t)(t - prev);

	return ((uint64_t)d << 1) ^ (uint64_t)(d >> 63);
}

static uint64_t unzigzag(uint64_t z)
{
	return (z >> 1) ^ -(z & 1);
}

/* Whether every difference fits 7 bits a byte in at most 8 bytes. */
static int packable(const uint64_t *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (zigzag(i ? t[i - 1] : 0, t[i]) >= 2 * TIMES_MAX_DIFF)
			return 0;
	return n > 0;
}

size_t times_pack(uint64_t *t, size_t n)
{
	uint8_t *out = (uint8_t *)t;
	uint64_t prev = 0;
	size_t w = 0;

	if (!packable(t, n))
		return 0;
	/* time i is read before its bytes are written, and at most 8 of them
	 * are written at w <= 8 * i: never past a time not read yet */
	for (size_t i = 0; i < n; i++) {
		uint64_t cur = t[i], z = zigzag(prev, cur);

		prev = cur;
		do {
			out[w++] = (uint8_t)((z & 0x7f) | (z > 0x7f ? 0x80 : 0));
			z >>= 7;
		} while (z);
	}
	return w;
}

void times_each(const uint8_t *p, size_t n, void (*fn)(void *arg, uint64_t t), void *arg)
{
	uint64_t prev = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t z = 0;
		unsigned int s = 0;
		uint8_t b;

		do {
			b = *p++;
			z |= (uint64_t)(b & 0x7f) << s;
			s += 7;
		} while (b & 0x80);
		prev += unzigzag(z);
		fn(arg, prev);
	}
}
