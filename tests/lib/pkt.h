/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* tests/lib/pkt.h - a small packet builder for the BPF tests: Ethernet, up
 * to two VLAN tags, IPv4 (with options, fragments) or IPv6, UDP payload;
 * or any other EtherType.  Checksums are filled (the classifier ignores them,
 * but frames stay valid for anything else that looks).  Header-only. */
#ifndef ASC_TEST_PKT_H
#define ASC_TEST_PKT_H
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#define PKT_MAX 10000

struct pkt_spec {
	int family; /* 4, 6, or 0 for a non-IP frame */
	const char *src, *dst;
	uint16_t ethertype; /* non-IP frames: e.g. 0x0806 (ARP) */
	int nvlan;	    /* 0..3 tags */
	uint16_t tpid[3];   /* 0x8100 (802.1Q) or 0x88a8 (802.1ad); default 0x8100 */
	uint16_t vid[3];
	int ip_opt_words; /* IPv4 options, in 4-byte words (IHL = 5 + this) */
	int frag;	  /* 0: whole, 1: first fragment (MF), 2: later fragment */
	size_t payload;	  /* UDP payload bytes */
	size_t total;	  /* if set, pad/cut the frame to exactly this many bytes */
	int ip_version;	  /* if set, write this into the version field (bad headers) */
	int ihl;	  /* if set, write this IHL (bad headers) */
};

static inline void pkt_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline uint16_t pkt_csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Builds the frame into buf (PKT_MAX bytes); returns its length. */
static inline size_t pkt_build(const struct pkt_spec *s, uint8_t *buf)
{
	static const uint8_t dmac[6] = { 0x02, 0, 0, 0, 0, 0x02 },
			     smac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	uint8_t *p = buf;
	size_t l4len = 8 + s->payload, len;

	memset(buf, 0, PKT_MAX);
	memcpy(p, dmac, 6);
	memcpy(p + 6, smac, 6);
	p += 12;
	for (int i = 0; i < s->nvlan; i++) {
		pkt_put16(p, s->tpid[i] ? s->tpid[i] : 0x8100);
		pkt_put16(p + 2, s->vid[i]);
		p += 4;
	}
	if (s->family == 4) {
		int ihl = 5 + s->ip_opt_words;
		uint8_t *ip = p + 2;

		pkt_put16(p, 0x0800);
		ip[0] = (uint8_t)((s->ip_version ? s->ip_version : 4) << 4 |
				  (s->ihl ? s->ihl : ihl));
		pkt_put16(ip + 2, (uint16_t)(ihl * 4 + l4len));
		pkt_put16(ip + 4, 0x1234);
		if (s->frag == 1)
			pkt_put16(ip + 6, 0x2000); /* MF, offset 0 */
		else if (s->frag == 2)
			pkt_put16(ip + 6, 185); /* offset 185 * 8 = 1480 */
		ip[8] = 64;
		ip[9] = 17;
		inet_pton(AF_INET, s->src, ip + 12);
		inet_pton(AF_INET, s->dst, ip + 16);
		for (int i = 0; i < s->ip_opt_words * 4; i++)
			ip[20 + i] = 1; /* NOP options */
		pkt_put16(ip + 10, pkt_csum(ip, ihl * 4));
		p = ip + ihl * 4;
	} else if (s->family == 6) {
		uint8_t *ip6 = p + 2;

		pkt_put16(p, 0x86dd);
		ip6[0] = (uint8_t)((s->ip_version ? s->ip_version : 6) << 4);
		pkt_put16(ip6 + 4, (uint16_t)l4len);
		ip6[6] = 17;
		ip6[7] = 64;
		inet_pton(AF_INET6, s->src, ip6 + 8);
		inet_pton(AF_INET6, s->dst, ip6 + 24);
		p = ip6 + 40;
	} else {
		pkt_put16(p, s->ethertype);
		p += 2;
	}
	if (s->family) {
		pkt_put16(p, 40000); /* UDP source port */
		pkt_put16(p + 2, 9); /* discard */
		pkt_put16(p + 4, (uint16_t)l4len);
		for (size_t i = 0; i < s->payload && p + 8 + i < buf + PKT_MAX; i++)
			p[8 + i] = (uint8_t)i;
		p += l4len;
	} else {
		p += 28; /* an ARP-sized body */
	}
	len = (size_t)(p - buf);
	if (s->total)
		len = s->total;
	return len > PKT_MAX ? PKT_MAX : len;
}

#endif
