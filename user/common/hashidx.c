// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/common/hashidx.c - growing, clearing and removing from a hash index
 * (hashidx.h); the lookups are inline in the header. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/hashidx.h"

#define HASHIDX_MIN_SLOTS 1024U
#define HASHIDX_MAX_SLOTS (1U << 31)

int hashidx_grow(struct hashidx *h, const struct hashidx_ops *ops, const void *base)
{
	uint32_t size, *s;

	if (h->slot && h->mask + 1 >= HASHIDX_MAX_SLOTS)
		return -ENOMEM;
	size = h->slot ? (h->mask + 1) * 2 : HASHIDX_MIN_SLOTS;
	s = calloc(size, sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (uint32_t i = 0; h->slot && i <= h->mask; i++) {
		uint32_t j;

		if (!h->slot[i])
			continue;
		j = ops->hash((const char *)base + (size_t)(h->slot[i] - 1) * ops->size) &
		    (size - 1);
		while (s[j])
			j = (j + 1) & (size - 1);
		s[j] = h->slot[i];
	}
	free(h->slot);
	h->slot = s;
	h->mask = size - 1;
	return 0;
}

static uint32_t home_of(const struct hashidx *h, const struct hashidx_ops *ops, const void *base,
			uint32_t j)
{
	return ops->hash((const char *)base + (size_t)(h->slot[j] - 1) * ops->size) & h->mask;
}

/* Backward-shift deletion for linear probing: walking the chain after the
 * hole, an element whose home slot is not between the hole and itself
 * (cyclically) would no longer be found past the hole, so it moves into it
 * and its old slot becomes the hole. */
void hashidx_del(struct hashidx *h, const struct hashidx_ops *ops, const void *base, uint32_t *slot)
{
	uint32_t hole = (uint32_t)(slot - h->slot), j = hole;

	for (;;) {
		j = (j + 1) & h->mask;
		if (!h->slot[j])
			break;
		if (((j - home_of(h, ops, base, j)) & h->mask) >= ((j - hole) & h->mask)) {
			h->slot[hole] = h->slot[j];
			hole = j;
		}
	}
	h->slot[hole] = 0;
	h->used--;
}

void hashidx_clear(struct hashidx *h)
{
	if (h->slot)
		memset(h->slot, 0, ((size_t)h->mask + 1) * sizeof(*h->slot));
	h->used = 0;
}

void hashidx_free(struct hashidx *h)
{
	free(h->slot);
	*h = (struct hashidx){ 0 };
}
