/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/common/times.h - a list of nanosecond times packed in its own
 * memory: each time as the difference from the one before it, zigzag
 * encoded in a variable number of bytes.  A list of nearly ordered times
 * (the live feed's dirty set: when each prefix first changed, in the order
 * the changes came) takes 2-3 bytes a time instead of 8, exactly. */
#ifndef ASC_TIMES_H
#define ASC_TIMES_H
#include <stddef.h>
#include <stdint.h>

/* Packs the n times of t[] in place; returns the packed length in bytes,
 * or 0 when t[] is left as it was (n is 0, or two neighbours are 2^55 ns
 * or more apart: a difference would not fit the 8 bytes a time it
 * replaces).  The caller may shrink t to that length. */
size_t times_pack(uint64_t *t, size_t n);

/* fn(arg, time) for each of the n times packed into p, in order. */
void times_each(const uint8_t *p, size_t n, void (*fn)(void *arg, uint64_t t), void *arg);

#endif
