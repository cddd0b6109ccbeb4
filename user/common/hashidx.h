/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/common/hashidx.h - a hash index over an array the caller owns.
 *
 * The index holds positions in the caller's array of fixed-size elements
 * (uint32 each, linear probing, at most half the slots used): 8 bytes or less
 * per element and no allocation per element, where uthash would add a 56-byte
 * handle to each (a full collector RIB has ~1M prefixes).  The caller says,
 * in a struct hashidx_ops, how to hash an element and how to compare one with
 * a key; a key has the element's type, or at least the fields the two
 * callbacks read.  The lookups are static inline, so constant ops are
 * inlined where they are used.
 *
 * Removing an element (hashidx_del) shifts the probe chain back, so no
 * tombstones build up; the caller then fills or shrinks its array (moving its
 * last element into the hole: hashidx_renumber).
 *
 * Must not: shrink (an index grows, or is cleared or freed as a whole), keep
 * a pointer into the caller's array (it moves when the caller grows it:
 * every call takes its current address), or log.
 */
#ifndef ASC_HASHIDX_H
#define ASC_HASHIDX_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct hashidx {
	uint32_t *slot; /* element index + 1; 0 is an empty slot */
	uint32_t mask;	/* slots - 1 (slots a power of two); 0 while slot is NULL */
	uint32_t used;	/* slots holding an index */
};

struct hashidx_ops {
	size_t size;				       /* bytes per element of the array */
	uint32_t (*hash)(const void *elem);	       /* of an element, or of a key */
	bool (*eq)(const void *elem, const void *key); /* whether they are the same */
};

/* FNV-1a over n bytes, folded: a hash for the callers' ops->hash. */
static inline uint32_t hashidx_fnv1a(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325ULL;

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ULL;
	return (uint32_t)(h ^ (h >> 29));
}

/* A hash of n bytes taken 8 at a time (a multiply and a shift per word, the
 * finaliser of splitmix64 at the end): for keys of a constant size it
 * compiles to a few instructions, where FNV-1a takes one multiply per byte.
 * The low bits, which pick the slot, depend on every byte. */
static inline uint32_t hashidx_words(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;

	for (; n; b += sizeof(w), n -= n < sizeof(w) ? n : sizeof(w)) {
		w = 0;
		memcpy(&w, b, n < sizeof(w) ? n : sizeof(w));
		h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 31;
	}
	h *= 0x94d049bb133111ebULL;
	return (uint32_t)(h ^ (h >> 32));
}

/* Grows the index (doubling, from 1024 slots) and re-enters the elements of
 * `base` it holds.  Use hashidx_reserve().  Returns 0 or -ENOMEM (the index is
 * unchanged then; also past 2^31 slots). */
int hashidx_grow(struct hashidx *h, const struct hashidx_ops *ops, const void *base);

/* Makes room for one more element before hashidx_slot() and hashidx_put().
 * Returns 0 or -ENOMEM (the index is unchanged). */
static inline int hashidx_reserve(struct hashidx *h, const struct hashidx_ops *ops,
				  const void *base)
{
	if (((uint64_t)h->used + 1) * 2 <= (uint64_t)h->mask + 1)
		return 0;
	return hashidx_grow(h, ops, base);
}

/* The slot for key after hashidx_reserve(): the one holding the index of the
 * element equal to it (*slot - 1), or the empty one (*slot == 0) for
 * hashidx_put().  Valid until the next hashidx_reserve(). */
static inline uint32_t *hashidx_slot(const struct hashidx *h, const struct hashidx_ops *ops,
				     const void *base, const void *key)
{
	uint32_t j = ops->hash(key) & h->mask;

	while (h->slot[j] &&
	       !ops->eq((const char *)base + (size_t)(h->slot[j] - 1) * ops->size, key))
		j = (j + 1) & h->mask;
	return &h->slot[j];
}

/* Records that element idx (already in the caller's array) is the key of the
 * empty slot hashidx_slot() returned. */
static inline void hashidx_put(struct hashidx *h, uint32_t *slot, uint32_t idx)
{
	*slot = idx + 1;
	h->used++;
}

/* The index of the element equal to key, or -1 if there is none. */
static inline int64_t hashidx_find(const struct hashidx *h, const struct hashidx_ops *ops,
				   const void *base, const void *key)
{
	if (!h->slot)
		return -1;
	return (int64_t)*hashidx_slot(h, ops, base, key) - 1;
}

/* Removes the element of slot (from hashidx_slot(), holding an index): the
 * elements of its probe chain move back, so every other element stays found.
 * The caller's array must still hold every element the index does (the
 * removed one's bytes are not read). */
void hashidx_del(struct hashidx *h, const struct hashidx_ops *ops, const void *base,
		 uint32_t *slot);

/* Records that the element of slot (from hashidx_slot(), holding an index)
 * is now at index idx of the caller's array: after the caller moved it. */
static inline void hashidx_renumber(uint32_t *slot, uint32_t idx)
{
	*slot = idx + 1;
}

/* Forgets every element; keeps the slots for the next ones. */
void hashidx_clear(struct hashidx *h);
void hashidx_free(struct hashidx *h);

#endif
