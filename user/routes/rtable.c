// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/routes/rtable.c - the resolved route table and prefix text forms.  The
 * longest-prefix-match reference the tests check lookups against is
 * tests/lib/rt_lpm.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/parse.h"
#include "routes/rtable.h"

void prefix_mask(uint8_t *addr, int family, int plen)
{
	int bytes = family == 4 ? 4 : 16;

	for (int i = 0; i < 16; i++) {
		int keep = plen - i * 8; /* bits of this byte inside the prefix */

		if (i >= bytes || keep <= 0)
			addr[i] = 0;
		else if (keep < 8)
			addr[i] &= (uint8_t)(0xff << (8 - keep));
	}
}

int rtable_reserve(struct rtable *t, size_t n)
{
	void *p;

	if (t->cap - t->n >= n)
		return 0;
	p = realloc(t->v, (t->n + n) * sizeof(*t->v));
	if (!p)
		return -ENOMEM;
	t->v = p;
	t->cap = t->n + n;
	return 0;
}

int rtable_add(struct rtable *t, const struct rt_entry *e)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 1024;
		void *p = realloc(t->v, cap * sizeof(*t->v));

		if (!p)
			return -ENOMEM;
		t->v = p;
		t->cap = cap;
	}
	t->v[t->n] = *e;
	memset(t->v[t->n].pad, 0, sizeof(t->v[t->n].pad));
	prefix_mask(t->v[t->n].addr, e->family, e->plen);
	t->n++;
	return 0;
}

int prefix_cmp(const struct rt_entry *a, const struct rt_entry *b)
{
	int c;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	c = memcmp(a->addr, b->addr, 16);
	if (c)
		return c;
	return a->plen < b->plen ? -1 : a->plen > b->plen;
}

static uint64_t be64_at(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

struct rt_sort_key rt_sort_key_of(int family, int plen, const uint8_t addr[16], size_t pos)
{
	return (struct rt_sort_key){ .hi = be64_at(addr),
				     .lo = be64_at(addr + 8),
				     .pos = (uint32_t)pos,
				     .family = (uint8_t)family,
				     .plen = (uint8_t)plen };
}

/* The radix sort's digits, least significant first: the length, the
 * address's 16 bytes from its last, the family; each is one byte of the
 * key, at the offset digit_at() gives. */
#define KEY_DIGITS 18

static size_t digit_at(unsigned int d)
{
	size_t le = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;

	if (!d)
		return offsetof(struct rt_sort_key, plen);
	if (d <= 8) /* lo's byte d - 1 from the least significant */
		return offsetof(struct rt_sort_key, lo) + (le ? d - 1 : 8 - d);
	if (d <= 16)
		return offsetof(struct rt_sort_key, hi) + (le ? d - 9 : 16 - d);
	return offsetof(struct rt_sort_key, family);
}

static unsigned int key_byte(const struct rt_sort_key *k, size_t at)
{
	return ((const uint8_t *)k)[at];
}

/* One stable pass: src ordered by its byte at `at` into dst, count[] the
 * histogram of that byte. */
static void radix_pass(const struct rt_sort_key *src, struct rt_sort_key *dst, size_t n, size_t at,
		       const size_t *count)
{
	size_t pos[256];

	for (size_t b = 0, sum = 0; b < 256; b++) {
		pos[b] = sum;
		sum += count[b];
	}
	for (size_t i = 0; i < n; i++)
		dst[pos[key_byte(&src[i], at)]++] = src[i];
}

/* k (n keys) sorted by digits from..to - 1 (LSD, stable), tmp as scratch.
 * count: KEY_DIGITS histograms, cleared here. */
static void radix_sort(struct rt_sort_key *k, struct rt_sort_key *tmp, size_t n, unsigned int from,
		       unsigned int to, size_t (*count)[256])
{
	struct rt_sort_key *src = k, *dst = tmp;
	size_t at[KEY_DIGITS];

	memset(count, 0, KEY_DIGITS * sizeof(*count));
	for (unsigned int d = from; d < to; d++)
		at[d] = digit_at(d);
	for (size_t i = 0; i < n; i++)
		for (unsigned int d = from; d < to; d++)
			count[d][key_byte(&k[i], at[d])]++;
	for (unsigned int d = from; n && d < to; d++) {
		struct rt_sort_key *swap = src;

		if (count[d][key_byte(&k[0], at[d])] == n)
			continue; /* every key has this byte: the pass would change nothing */
		radix_pass(src, dst, n, at[d], count[d]);
		src = dst;
		dst = swap;
	}
	if (src != k)
		memcpy(k, src, n * sizeof(*k));
}

int rt_sort_keys(struct rt_sort_key *k, size_t n)
{
	size_t(*count)[256] = malloc(KEY_DIGITS * sizeof(*count));
	struct rt_sort_key *tmp = malloc((n ? n : 1) * sizeof(*tmp));
	size_t first = 0;

	if (!count || !tmp) {
		free(count);
		free(tmp);
		return -ENOMEM;
	}
	/* by family first (its digit, the last), then each family apart: an
	 * IPv4 key's address has 4 bytes that differ, not 16 */
	radix_sort(k, tmp, n, KEY_DIGITS - 1, KEY_DIGITS, count);
	for (size_t i = 1; i <= n; i++)
		if (i == n || k[i].family != k[first].family) {
			radix_sort(k + first, tmp, i - first, 0, KEY_DIGITS - 1, count);
			first = i;
		}
	free(count);
	free(tmp);
	return 0;
}

/* Puts v in the order of k (v[i] = the entry at k[i].pos) in place,
 * following each cycle of the permutation; k's positions become i. */
static void permute(struct rt_entry *v, struct rt_sort_key *k, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct rt_entry first;
		size_t j = i;

		if (k[i].pos == i)
			continue;
		first = v[i];
		for (;;) {
			size_t from = k[j].pos;

			k[j].pos = (uint32_t)j;
			if (from == i) {
				v[j] = first;
				break;
			}
			v[j] = v[from];
			j = from;
		}
	}
}

static bool same_prefix(const struct rt_sort_key *a, const struct rt_sort_key *b)
{
	return a->family == b->family && a->hi == b->hi && a->lo == b->lo && a->plen == b->plen;
}

size_t rtable_sort_dedup(struct rtable *t)
{
	struct rt_sort_key *k;
	size_t out = 0;

	if (!t->n)
		return 0;
	if (t->n > UINT32_MAX)
		return (size_t)-1;
	k = malloc(t->n * sizeof(*k));
	if (!k)
		return (size_t)-1;
	for (size_t i = 0; i < t->n; i++)
		k[i] = rt_sort_key_of(t->v[i].family, t->v[i].plen, t->v[i].addr, i);
	if (rt_sort_keys(k, t->n)) {
		free(k);
		return (size_t)-1;
	}
	permute(t->v, k, t->n);
	for (size_t i = 0; i < t->n; i++) {
		if (out && same_prefix(&k[i - 1], &k[i]))
			t->v[out - 1] = t->v[i]; /* the later one replaces */
		else
			t->v[out++] = t->v[i];
	}
	free(k);
	t->n = out;
	return out;
}

void rtable_free(struct rtable *t)
{
	free(t->v);
	free(t->links);
	t->v = NULL;
	t->links = NULL;
	t->n = t->cap = 0;
	t->nlinks = t->links_cap = 0;
}

struct rt_link rt_link_of(const struct rtable *t, const struct rt_entry *e, unsigned int col)
{
	struct rt_link l = { .origin_asn = e->route.origin_asn,
			     .transit_asn = e->route.transit_asn,
			     .path = ASC_PATH_CONSENSUS };

	if (e->links && e->links < t->nlinks && col < RT_COLUMNS &&
	    t->links[e->links].col[col].path == ASC_PATH_OWN)
		l = t->links[e->links].col[col];
	return l;
}

static void upstream_fill(struct rt_upstream *c, uint32_t asn, int nbr_family, const uint8_t *nbr)
{
	memset(c, 0, sizeof(*c));
	c->asn = asn;
	c->nbr_family = (uint8_t)nbr_family;
	if (nbr_family)
		memcpy(c->nbr, nbr, nbr_family == 4 ? 4 : 16);
}

int rt_upstream_set(struct rt_upstreams *u, unsigned int col, uint32_t asn, int nbr_family,
		    const uint8_t *nbr)
{
	if (col >= RT_COLUMNS || !asn || (nbr_family && nbr_family != 4 && nbr_family != 6))
		return -EINVAL;
	upstream_fill(&u->col[col], asn, nbr_family, nbr);
	return 0;
}

int rt_upstream_parse(const char *s, char name[ASC_NAME_LEN], struct rt_upstream *up)
{
	const char *eq = strchr(s, '='), *at;
	uint8_t nbr[16] = { 0 };
	int family = 0;
	unsigned int as;
	char asn[16];
	size_t n;

	if (!eq || eq == s || eq - s >= ASC_NAME_LEN)
		return -EINVAL;
	at = strchr(eq + 1, '@');
	n = at ? (size_t)(at - eq - 1) : strlen(eq + 1);
	if (!n || n >= sizeof(asn))
		return -EINVAL;
	memcpy(asn, eq + 1, n);
	asn[n] = 0;
	if (parse_asn(asn, &as) || !as || (at && addr_parse(at + 1, nbr, &family)))
		return -EINVAL;
	upstream_fill(up, as, family, nbr);
	memcpy(name, s, (size_t)(eq - s));
	name[eq - s] = 0;
	return 0;
}

int rt_upstreams_used(const struct rt_upstreams *u)
{
	for (unsigned int c = 0; u && c < RT_COLUMNS; c++)
		if (u->col[c].asn)
			return 1;
	return 0;
}

size_t rtable_count(const struct rtable *t, int family)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++)
		n += t->v[i].family == family;
	return n;
}

int addr_parse(const char *s, uint8_t addr[16], int *family)
{
	memset(addr, 0, 16);
	if (strchr(s, ':')) {
		if (inet_pton(AF_INET6, s, addr) != 1)
			return -EINVAL;
		*family = 6;
	} else {
		if (inet_pton(AF_INET, s, addr) != 1)
			return -EINVAL;
		*family = 4;
	}
	return 0;
}

int prefix_parse(const char *s, struct rt_entry *e, int allow_host_bits)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	uint8_t masked[16];
	int family;
	long len;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = 0;
	memset(e, 0, sizeof(*e));
	if (addr_parse(buf, e->addr, &family))
		return -EINVAL;
	e->family = (uint8_t)family;
	if (!slash) {
		e->plen = family == 4 ? 32 : 128;
		return 0;
	}
	if (slash[1] < '0' || slash[1] > '9')
		return -EINVAL;
	len = strtol(slash + 1, &end, 10);
	if (*end || len < 0 || len > (family == 4 ? 32 : 128))
		return -EINVAL;
	e->plen = (uint8_t)len;
	memcpy(masked, e->addr, 16);
	prefix_mask(masked, family, e->plen);
	if (memcmp(masked, e->addr, 16) && !allow_host_bits)
		return -EINVAL;
	memcpy(e->addr, masked, 16);
	return 0;
}

const char *prefix_fmt(const struct rt_entry *e, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(e->family == 4 ? AF_INET : AF_INET6, e->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, e->plen);
	return buf;
}
