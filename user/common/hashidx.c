// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/common/hashidx.c - growing, clearing and removing from a hash index
 * (hashidx.h); the lookups are inline in the header. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/hashidx.h"

#define HASHIDX_MIN_SLOTS 1024U
#define HASHIDX_MAX_SLOTS (1U << 31)
#define HASHIDX_HUGE_BYTES (2U << 20) /* x86-64's transparent huge page */

/* Slot arrays of 2 MiB and more (512k slots: every index of a full table)
 * are mappings of their own, aligned to and advised for transparent huge
 * pages (THP here is in madvise mode): every page of a slot array is
 * touched (keys land anywhere), so they cost no more memory, but a
 * doubling faults in a 2 MiB page at a time where it took 512 faults (each
 * a trip through the hypervisor on this VM), and the lookups, at random
 * places, miss the TLB less.  Mapped memory is zero: no clearing pass. */
static uint32_t *slots_alloc(uint32_t n)
{
	size_t bytes = (size_t)n * sizeof(uint32_t), lead;
	char *p;

	if (bytes < HASHIDX_HUGE_BYTES)
		return calloc(n, sizeof(uint32_t));
	p = mmap(NULL, bytes + HASHIDX_HUGE_BYTES, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	lead = (HASHIDX_HUGE_BYTES - (uintptr_t)p % HASHIDX_HUGE_BYTES) % HASHIDX_HUGE_BYTES;
	if (lead)
		munmap(p, lead);
	munmap(p + lead + bytes, HASHIDX_HUGE_BYTES - lead);
	madvise(p + lead, bytes, MADV_HUGEPAGE); /* advice: without it, small pages */
	return (uint32_t *)(p + lead);
}

static void slots_free(uint32_t *s, uint32_t n)
{
	size_t bytes = (size_t)n * sizeof(uint32_t);

	if (bytes < HASHIDX_HUGE_BYTES)
		free(s);
	else if (s)
		munmap(s, bytes);
}

int hashidx_grow(struct hashidx *h, const struct hashidx_ops *ops, const void *base)
{
	uint32_t size, *s;

	if (h->slot && h->mask + 1 >= HASHIDX_MAX_SLOTS)
		return -ENOMEM;
	size = h->slot ? (h->mask + 1) * 2 : HASHIDX_MIN_SLOTS;
	s = slots_alloc(size);
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
	if (h->slot)
		slots_free(h->slot, h->mask + 1);
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
	if (h->slot)
		slots_free(h->slot, h->mask + 1);
	*h = (struct hashidx){ 0 };
}
