// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/fuzz/fuzz_mrt.c - libFuzzer target over the MRT reader and the
 * bgpdump printer: any input must give records or errors, never a crash,
 * an out-of-bounds read, undefined behaviour or a leak.
 *
 * The first input byte picks options (keep_going, bgpdump_compat, the
 * RFC 6793 merge in the printer); the rest is the MRT stream, which may
 * itself be gzip or bzip2.  Records are also walked field by field the way
 * a consumer would (AS paths flattened, prefixes, peers).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bgp/bgp.h"
#include "bgp/bgpdump_fmt.h"
#include "bgp/mrt.h"

static FILE *devnull;

static uint64_t walk_attrs(const struct bgp_attrs *a)
{
	uint32_t asns[64];
	bool set;
	uint32_t nset;
	uint64_t h = bgp_aspath_flat(&a->as_path, asns, 64, &set, &nset);

	for (uint32_t i = 0; i < h && i < 64; i++)
		h += asns[i];
	for (uint32_t i = 0; i < a->n_communities; i++)
		h += a->communities[i];
	for (uint32_t i = 0; i < a->n_large_communities; i++)
		h += a->large_communities[i].local2;
	for (uint32_t i = 0; i < a->mp_reach.n_nlri; i++)
		h += a->mp_reach.nlri[i].len;
	for (uint32_t i = 0; i < a->mp_unreach.n_withdrawn; i++)
		h += a->mp_unreach.withdrawn[i].ip.a[15];
	for (uint32_t i = 0; i < a->as_path_raw.nsegs; i++)
		h += a->as_path_raw.segs[i].count;
	if (a->aggregator_raw_len)
		h += a->aggregator_raw[a->aggregator_raw_len - 1];
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mrt_opts o = { 0 };
	struct bgpdump_opts bo = { 0 };
	const struct mrt_record *rec;
	volatile uint64_t sink = 0;

	if (!size)
		return 0;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	o.keep_going = data[0] & 1;
	o.bgpdump_compat = data[0] & 2;
	bo.fix_as4_merge = data[0] & 4;
	o.max_record_len = 1U << 20;
	struct mrt_reader *r = mrt_open_mem(data + 1, size - 1, "fuzz", &o);
	struct bgpdump_fmt *f = bgpdump_fmt_new(devnull, &bo);
	if (!r || !f)
		goto out;
	while ((rec = mrt_next(r))) {
		bgpdump_fmt_record(f, rec);
		switch (rec->kind) {
		case MRT_REC_RIB:
			for (unsigned int i = 0; i < rec->rib.n_entries; i++) {
				sink += rec->rib.entries[i].peer->asn;
				sink += walk_attrs(&rec->rib.entries[i].attrs);
			}
			break;
		case MRT_REC_PEER_INDEX:
			for (unsigned int i = 0; i < rec->pit.n_peers; i++)
				sink += rec->pit.peers[i].ip.a[3];
			sink += strlen(rec->pit.view_name);
			break;
		case MRT_REC_BGP4MP_MESSAGE:
			if (rec->bgp4mp.msg.type == BGP_MSG_UPDATE) {
				const struct bgp_update *u = &rec->bgp4mp.msg.update;
				for (uint32_t i = 0; i < u->n_nlri; i++)
					sink += u->nlri[i].ip.a[0];
				for (uint32_t i = 0; i < u->n_withdrawn; i++)
					sink += u->withdrawn[i].len;
				sink += walk_attrs(&u->attrs);
			}
			break;
		default:
			break;
		}
	}
	if (mrt_error(r))
		sink += strlen(mrt_error(r)->text);
out:
	bgpdump_fmt_free(f);
	mrt_close(r);
	(void)sink;
	return 0;
}
