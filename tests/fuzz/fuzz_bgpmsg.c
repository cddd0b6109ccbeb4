// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/fuzz/fuzz_bgpmsg.c - libFuzzer target over the live feed's message
 * decoding (user/feed/): framing, the OPEN checks and capabilities, and
 * UPDATE decoding with RFC 7606 handling.  Any input must give a message,
 * an error or a NOTIFICATION to send, never a crash, an out-of-bounds read,
 * undefined behaviour or a leak.
 *
 * The first input byte picks the session's negotiated state (4-octet AS,
 * ADD-PATH per family, IPv6, iBGP); the rest is a message body, given a
 * valid header so that the decoders behind the framing are reached (the
 * raw bytes go through the framing too).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/mrt.h"
#include "feed/caps.h"
#include "feed/update.h"
#include "feed/wire.h"

static struct mrt_arena arena;

static void nego_of(uint8_t sel, struct caps_nego *n)
{
	memset(n, 0, sizeof(*n));
	n->as4 = sel & 1;
	n->addpath[FEED_IPV4] = sel & 2;
	n->addpath[FEED_IPV6] = sel & 4;
	n->fam[FEED_IPV4] = true;
	n->fam[FEED_IPV6] = sel & 8;
}

static void try_update(const uint8_t *msg, size_t len, uint8_t sel)
{
	struct caps_nego n;
	struct update_ctx ctx = { .nego = &n, .ibgp = sel & 16, .arena = &arena };
	struct update_out o;
	uint64_t h = 0;

	nego_of(sel, &n);
	mrt_arena_reset(&arena);
	if (update_decode(msg, len, &ctx, &o))
		return;
	if (o.batch) {
		for (uint32_t i = 0; i < o.batch->n_path; i++)
			h += o.batch->path[i];
		for (uint32_t i = 0; i < o.batch->n_announce; i++)
			h += o.batch->announce[i].plen;
		for (uint32_t i = 0; i < o.batch->n_withdraw; i++)
			h += o.batch->withdraw[i].addr[15];
		free(o.batch);
	}
	if (h == 1 && o.why[0] == 1) /* keeps the walk */
		abort();
}

static void try_open(const uint8_t *msg, size_t len, uint8_t sel)
{
	struct caps_expect x = { .peer_as = 64500, .router_id = 1, .ibgp = sel & 16 };
	struct caps_local l = { .local_as = 64500, .router_id = 1, .hold_s = 90 };
	struct wire_notif n;
	struct caps c;
	struct caps_nego g;
	char why[160], text[400];

	if (!caps_open_check(msg, len, &x, &c, &n, why, sizeof(why))) {
		caps_negotiate(&l, &c, &g);
		caps_describe(&g, &c, text, sizeof(text));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t msg[BGP_MAX_LEN];
	struct wire_notif n;
	size_t body;

	if (size < 1)
		return 0;
	wire_frame(data + 1, size - 1, &n);
	body = size - 1 > BGP_MAX_LEN - BGP_HDR_LEN ? BGP_MAX_LEN - BGP_HDR_LEN : size - 1;
	memset(msg, 0xff, 16);
	msg[16] = (uint8_t)((BGP_HDR_LEN + body) >> 8);
	msg[17] = (uint8_t)(BGP_HDR_LEN + body);
	msg[18] = data[0] & 32 ? BGP_MSG_OPEN : BGP_MSG_UPDATE;
	memcpy(msg + BGP_HDR_LEN, data + 1, body);
	if (data[0] & 32)
		try_open(msg, BGP_HDR_LEN + body, data[0]);
	else
		try_update(msg, BGP_HDR_LEN + body, data[0]);
	return 0;
}
