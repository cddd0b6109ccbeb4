// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_hashidx.c - the hash index of user/common/hashidx.h: every
 * element found after the index grew, absent keys not found, colliding hashes,
 * clearing, removing (chains that wrap around the end of the slots included),
 * the size it grows to, and large slot arrays mapped for huge pages. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/hashidx.h"

/* Elements: a key and a payload the callbacks do not read. */
struct item {
	uint32_t key;
	uint32_t payload;
};

static uint32_t item_hash(const void *elem)
{
	uint32_t k = ((const struct item *)elem)->key;

	return k * 2654435761U;
}

/* Every key in one chain: probing alone must tell them apart. */
static uint32_t same_hash(const void *elem)
{
	return 7;
}

/* Every key in one chain that starts at the last slot of 1024 and wraps. */
static uint32_t last_slot_hash(const void *elem)
{
	return 1023;
}

/* Two chains that run into each other: even keys at 1020, odd keys at 1021. */
static uint32_t two_chains_hash(const void *elem)
{
	return 1020 + (((const struct item *)elem)->key & 1);
}

static bool item_eq(const void *elem, const void *key)
{
	return ((const struct item *)elem)->key == ((const struct item *)key)->key;
}

static const struct hashidx_ops ops = { sizeof(struct item), item_hash, item_eq };
static const struct hashidx_ops colliding = { sizeof(struct item), same_hash, item_eq };
static const struct hashidx_ops wrapping = { sizeof(struct item), last_slot_hash, item_eq };
static const struct hashidx_ops two_chains = { sizeof(struct item), two_chains_hash, item_eq };

/* Adds the key as the next element of v unless it is there; returns its index. */
static uint32_t add(struct hashidx *h, const struct hashidx_ops *o, struct item *v, uint32_t *n,
		    uint32_t key)
{
	struct item k = { .key = key, .payload = ~key };
	uint32_t *slot;

	assert_int_equal(hashidx_reserve(h, o, v), 0);
	slot = hashidx_slot(h, o, v, &k);
	if (*slot)
		return *slot - 1;
	v[*n] = k;
	hashidx_put(h, slot, *n);
	return (*n)++;
}

static int64_t find(const struct hashidx *h, const struct hashidx_ops *o, const struct item *v,
		    uint32_t key)
{
	struct item k = { .key = key };

	return hashidx_find(h, o, v, &k);
}

static void test_hashidx_finds_every_element_after_growing(void **state)
{
	enum { N = 100000 }; /* 1024 slots grow 8 times to 262144 */
	struct item *v = calloc(N, sizeof(*v));
	struct hashidx h = { 0 };
	uint32_t n = 0;

	assert_non_null(v);
	assert_int_equal(find(&h, &ops, v, 1), -1); /* empty: no slots yet */
	for (uint32_t i = 0; i < N; i++)
		assert_int_equal(add(&h, &ops, v, &n, 3 * i + 1), i);
	for (uint32_t i = 0; i < N; i++) /* again: found, not added */
		assert_int_equal(add(&h, &ops, v, &n, 3 * i + 1), i);
	assert_int_equal(n, N);
	assert_int_equal(h.used, N);
	assert_int_equal(h.mask + 1, 262144); /* the smallest power of two >= 2N */
	for (uint32_t i = 0; i < N; i++) {
		int64_t at = find(&h, &ops, v, 3 * i + 1);

		assert_int_equal(at, i);
		assert_int_equal(v[at].payload, ~(3 * i + 1));
		assert_int_equal(find(&h, &ops, v, 3 * i + 2), -1);
	}
	hashidx_free(&h);
	free(v);
}

/* The VmFlags line of the mapping of /proc/self/smaps that holds p, in
 * flags (empty: no mapping holds it). */
static void vm_flags_of(const void *p, char *flags, size_t len)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	bool in = false;

	assert_non_null(f);
	flags[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 &&
		    strchr(line, '-') < strchr(line, ' '))
			in = (uintptr_t)p >= lo && (uintptr_t)p < hi;
		else if (in && !strncmp(line, "VmFlags:", 8)) {
			snprintf(flags, len, "%s", line + 8);
			break;
		}
	}
	fclose(f);
}

/* A slot array of 2 MiB or more is a mapping of its own, 2 MiB-aligned and
 * advised for huge pages ("hg"), and unmapped when the index is freed. */
static void test_hashidx_large_slots_huge_pages(void **state)
{
	enum { N = 300000 }; /* 1048576 slots: 4 MiB */
	struct item *v = calloc(N, sizeof(*v));
	struct hashidx h = { 0 };
	uint32_t n = 0, *slot;
	char flags[512];

	assert_non_null(v);
	for (uint32_t i = 0; i < N; i++)
		assert_int_equal(add(&h, &ops, v, &n, 7 * i + 3), i);
	assert_int_equal(h.mask + 1, 1048576);
	for (uint32_t i = 0; i < N; i++)
		assert_int_equal(find(&h, &ops, v, 7 * i + 3), i);
	assert_int_equal((uintptr_t)h.slot % (2U << 20), 0);
	vm_flags_of(h.slot, flags, sizeof(flags));
	assert_non_null(strstr(flags, " hg"));
	slot = h.slot;
	hashidx_free(&h);
	vm_flags_of(slot, flags, sizeof(flags));
	assert_string_equal(flags, ""); /* unmapped */
	free(v);
}

static void test_hashidx_colliding_hashes(void **state)
{
	struct item v[3000];
	struct hashidx h = { 0 };
	uint32_t n = 0;

	for (uint32_t i = 0; i < 3000; i++)
		assert_int_equal(add(&h, &colliding, v, &n, i), i);
	for (uint32_t i = 0; i < 3000; i++)
		assert_int_equal(find(&h, &colliding, v, i), i);
	assert_int_equal(find(&h, &colliding, v, 3000), -1);
	hashidx_free(&h);
}

static void test_hashidx_clear_keeps_slots(void **state)
{
	struct item v[2000];
	struct hashidx h = { 0 };
	uint32_t n = 0, slots;

	for (uint32_t i = 0; i < 2000; i++)
		add(&h, &ops, v, &n, i);
	slots = h.mask + 1;
	hashidx_clear(&h);
	assert_int_equal(h.used, 0);
	assert_int_equal(h.mask + 1, slots);
	for (uint32_t i = 0; i < 2000; i++)
		assert_int_equal(find(&h, &ops, v, i), -1);
	n = 0;
	assert_int_equal(add(&h, &ops, v, &n, 1999), 0); /* a new element 0 */
	assert_int_equal(find(&h, &ops, v, 1999), 0);
	hashidx_free(&h);
	assert_null(h.slot);
	assert_int_equal(h.mask, 0);
}

/* Removes key from the index and from v, as a caller does: the last element
 * moves into its place. */
static void del(struct hashidx *h, const struct hashidx_ops *o, struct item *v, uint32_t *n,
		uint32_t key)
{
	struct item k = { .key = key };
	uint32_t *slot, at;

	slot = hashidx_slot(h, o, v, &k);
	assert_int_not_equal(*slot, 0);
	at = *slot - 1;
	hashidx_del(h, o, v, slot);
	if (at != *n - 1) {
		slot = hashidx_slot(h, o, v, &v[*n - 1]);
		assert_int_equal(*slot, *n); /* still found where it is */
		hashidx_renumber(slot, at);
		v[at] = v[*n - 1];
	}
	(*n)--;
}

/* Adds keys 0..count-1, removes those that `gone` picks, and checks that
 * every other key is found with its own payload and the removed are not. */
static void check_del(const struct hashidx_ops *o, uint32_t count, bool (*gone)(uint32_t))
{
	struct item *v = calloc(count, sizeof(*v));
	struct hashidx h = { 0 };
	uint32_t n = 0, left = 0;

	assert_non_null(v);
	for (uint32_t i = 0; i < count; i++)
		add(&h, o, v, &n, i);
	for (uint32_t i = 0; i < count; i++)
		if (gone(i))
			del(&h, o, v, &n, i);
	for (uint32_t i = 0; i < count; i++) {
		int64_t at = find(&h, o, v, i);

		if (gone(i)) {
			assert_int_equal(at, -1);
			continue;
		}
		left++;
		assert_true(at >= 0 && at < n);
		assert_int_equal(v[at].payload, ~i);
	}
	assert_int_equal(h.used, left);
	assert_int_equal(n, left);
	hashidx_free(&h);
	free(v);
}

static bool every_third(uint32_t k)
{
	return k % 3 == 0;
}

static bool first_half(uint32_t k)
{
	return k < 150;
}

static bool all(uint32_t k)
{
	return true;
}

static void test_hashidx_del_keeps_the_others_found(void **state)
{
	check_del(&ops, 100000, every_third);
	check_del(&colliding, 300, every_third);
	check_del(&colliding, 300, first_half); /* the chain's head goes */
	check_del(&wrapping, 300, every_third); /* 1023, then 0, 1, ... */
	check_del(&wrapping, 300, first_half);
	check_del(&two_chains, 300, every_third); /* interleaved homes */
	check_del(&two_chains, 300, first_half);
	check_del(&ops, 5000, all);
}

/* Slots freed by removals are used again: adding and removing the same
 * number of keys many times never grows the index. */
static void test_hashidx_del_frees_slots(void **state)
{
	struct item v[600];
	struct hashidx h = { 0 };
	uint32_t n = 0;

	for (uint32_t round = 0; round < 100; round++) {
		for (uint32_t i = 0; i < 500; i++)
			add(&h, &ops, v, &n, round * 500 + i);
		for (uint32_t i = 0; i < 500; i++)
			del(&h, &ops, v, &n, round * 500 + i);
	}
	assert_int_equal(h.used, 0);
	assert_int_equal(h.mask + 1, 1024);
	hashidx_free(&h);
}

/* hashidx_words: every byte of a key counts, and the keys a RIB holds
 * (IPv4 /24s in a row, 8 key bytes then the address as in rib.c) spread
 * over the slots that the low bits pick: no slot of 2^16 gets more than a
 * few of 2^15 such keys. */
static void test_hashidx_words_spreads_keys(void **state)
{
	enum { SLOTS = 1 << 16, KEYS = 1 << 15 };
	static uint8_t used[SLOTS];
	uint8_t k[24] = { 4, 24 }, k2[24];
	unsigned int most = 0;

	(void)state;
	for (uint32_t i = 0; i < KEYS; i++) {
		uint32_t a = 0x0a000000U + (i << 8);
		uint32_t s;

		k[8] = (uint8_t)(a >> 24), k[9] = (uint8_t)(a >> 16), k[10] = (uint8_t)(a >> 8);
		s = hashidx_words(k, sizeof(k)) & (SLOTS - 1);
		if (++used[s] > most)
			most = used[s];
	}
	assert_true(most <= 8);
	for (size_t b = 0; b < sizeof(k); b++) {
		memcpy(k2, k, sizeof(k));
		k2[b] ^= 1;
		assert_int_not_equal(hashidx_words(k, sizeof(k)), hashidx_words(k2, sizeof(k2)));
		assert_int_not_equal(hashidx_words(k, 21), hashidx_words(k, 20));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hashidx_finds_every_element_after_growing),
		cmocka_unit_test(test_hashidx_large_slots_huge_pages),
		cmocka_unit_test(test_hashidx_colliding_hashes),
		cmocka_unit_test(test_hashidx_clear_keeps_slots),
		cmocka_unit_test(test_hashidx_del_keeps_the_others_found),
		cmocka_unit_test(test_hashidx_del_frees_slots),
		cmocka_unit_test(test_hashidx_words_spreads_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
