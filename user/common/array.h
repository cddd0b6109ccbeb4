/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/common/array.h - growing an array the caller owns: one rule (double
 * the capacity, from ARRAY_FIRST elements) for every append-only array of
 * the routing and fast-table code.  New elements are not cleared: an array
 * of millions keeps its unused tail unallocated until written. */
#ifndef ASC_COMMON_ARRAY_H
#define ASC_COMMON_ARRAY_H
#include <errno.h>
#include <stdlib.h>

#define ARRAY_FIRST 64

/* Makes *v (*cap elements of elem bytes) hold at least need elements.
 * 0, or -ENOMEM with *v and *cap unchanged. */
static inline int array_grow(void **v, size_t *cap, size_t need, size_t elem)
{
	size_t c = *cap ? *cap : ARRAY_FIRST;
	void *p;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	p = realloc(*v, c * elem);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = c;
	return 0;
}

#endif
