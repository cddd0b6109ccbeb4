// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/bgp/mrt.c - streaming MRT reader: record framing, TABLE_DUMP,
 * TABLE_DUMP_V2 (RFC 6396, RFC 8050 ADD-PATH) and BGP4MP / BGP4MP_ET.
 *
 * One record is read at a time into a buffer that grows to the largest
 * record seen (bounded by opts.max_record_len); decoded data goes to an
 * arena reset per record.  See user/bgp/mrt.h for the API contract.  Does not
 * log: errors are returned through mrt_error().
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgp/bgp.h"
#include "bgp/mrt.h"
#include "bgp/mrtio.h"

struct mrt_reader {
	struct mrtio *io;
	char *name;
	struct mrt_opts opts;
	uint8_t *buf;
	size_t cap;
	struct mrt_arena arena;
	struct mrt_record rec;
	struct mrt_error err, skipped;
	bool has_err, has_skipped, done;
	struct mrt_stats st;
	uint64_t offset;
	/* current PEER_INDEX_TABLE, kept across records */
	struct mrt_peer_index pit;
	struct mrt_peer *peers;
	size_t peers_cap;
	char *view;
	size_t view_cap;
	struct mrt_peer td1_peer;
	char msg[192]; /* as struct mrt_error's */
};

const char *mrt_type_name(uint16_t type)
{
	switch (type) {
	case MRT_TYPE_TABLE_DUMP:
		return "TABLE_DUMP";
	case MRT_TYPE_TABLE_DUMP_V2:
		return "TABLE_DUMP_V2";
	case MRT_TYPE_BGP4MP:
		return "BGP4MP";
	case MRT_TYPE_BGP4MP_ET:
		return "BGP4MP_ET";
	default:
		return "MRT";
	}
}

const char *mrt_ip_fmt(const struct mrt_ip *ip, char *buf, size_t len)
{
	if (ip->family == 6)
		inet_ntop(AF_INET6, ip->a, buf, (socklen_t)len);
	else if (ip->family == 4)
		inet_ntop(AF_INET, ip->a, buf, (socklen_t)len);
	else
		snprintf(buf, len, "-");
	return buf;
}

static int fail(struct mrt_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct mrt_reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static void set_error(struct mrt_reader *r, struct mrt_error *e, int err, uint64_t recno,
		      uint64_t off)
{
	e->file = r->name;
	e->offset = off;
	e->record_no = recno;
	e->err = err;
	const char *name = r->name, *tail = "";
	int keep = MRT_ERROR_NAME_MAX;

	snprintf(e->msg, sizeof(e->msg), "%s", r->msg);
	if (strlen(name) > MRT_ERROR_NAME_MAX) { /* its start and end */
		keep = MRT_ERROR_NAME_MAX / 2 - 3;
		tail = name + strlen(name) - keep;
	}
	if (recno)
		snprintf(e->text, sizeof(e->text),
			 "%.*s%s%s: record %" PRIu64 " (offset %" PRIu64 "): %s", keep, name,
			 *tail ? "..." : "", tail, recno, off, r->msg);
	else
		snprintf(e->text, sizeof(e->text), "%.*s%s%s: offset %" PRIu64 ": %s", keep, name,
			 *tail ? "..." : "", tail, off, r->msg);
}

static struct mrt_reader *reader_new(const char *name, const struct mrt_opts *opts)
{
	struct mrt_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->name = strdup(name);
	if (!r->name) {
		free(r);
		return NULL;
	}
	if (opts)
		r->opts = *opts;
	if (!r->opts.max_record_len)
		r->opts.max_record_len = MRT_MAX_RECORD_DEFAULT;
	return r;
}

struct mrt_reader *mrt_open_fd(int fd, const char *name, const struct mrt_opts *opts)
{
	struct mrt_reader *r = reader_new(name ? name : "(fd)", opts);
	int e;

	if (!r)
		return NULL;
	r->io = mrtio_open_fd(fd, r->opts.bzip2_first_stream_only ? MRTIO_BZIP2_FIRST_STREAM : 0);
	if (!r->io) {
		e = errno;
		free(r->name);
		free(r);
		errno = e;
		return NULL;
	}
	return r;
}

struct mrt_reader *mrt_open(const char *path, const struct mrt_opts *opts)
{
	int fd;
	struct mrt_reader *r;

	if (!strcmp(path, "-"))
		return mrt_open_fd(0, "(stdin)", opts);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	r = mrt_open_fd(fd, path, opts);
	if (!r) {
		int e = errno;
		close(fd);
		errno = e;
	}
	return r;
}

struct mrt_reader *mrt_open_mem(const void *buf, size_t len, const char *name,
				const struct mrt_opts *opts)
{
	struct mrt_reader *r = reader_new(name ? name : "(memory)", opts);

	if (!r)
		return NULL;
	r->io = mrtio_open_mem(buf, len,
			       r->opts.bzip2_first_stream_only ? MRTIO_BZIP2_FIRST_STREAM : 0);
	if (!r->io) {
		free(r->name);
		free(r);
		errno = ENOMEM;
		return NULL;
	}
	return r;
}

void mrt_close(struct mrt_reader *r)
{
	if (!r)
		return;
	mrtio_close(r->io);
	mrt_arena_free(&r->arena);
	free(r->buf);
	free(r->peers);
	free(r->view);
	free(r->name);
	free(r);
}

const struct mrt_error *mrt_error(const struct mrt_reader *r)
{
	return r->has_err ? &r->err : NULL;
}

const struct mrt_error *mrt_last_skipped(const struct mrt_reader *r)
{
	return r->has_skipped ? &r->skipped : NULL;
}

const struct mrt_stats *mrt_stats(const struct mrt_reader *r)
{
	return &r->st;
}

const struct mrt_peer_index *mrt_peer_index(const struct mrt_reader *r)
{
	return &r->pit;
}

uint64_t mrt_unread(const struct mrt_reader *r, uint64_t *streams)
{
	return mrtio_unread(r->io, streams);
}

/* Reads exactly n bytes unless the input ends; returns bytes read or -errno. */
static long read_full(struct mrt_reader *r, void *dst, size_t n)
{
	size_t got = 0;

	while (got < n) {
		long k = mrtio_read(r->io, (uint8_t *)dst + got, n - got);
		if (k < 0)
			return k;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	r->st.bytes += got;
	return (long)got;
}

static void bgp_ctx_init(struct mrt_reader *r, struct bgp_ctx *ctx, uint8_t asn_size, bool addpath)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->asn_size = asn_size;
	ctx->addpath = addpath;
	ctx->bgpdump_compat = r->opts.bgpdump_compat;
	ctx->arena = &r->arena;
	ctx->stats = &r->st;
	ctx->err = r->msg;
	ctx->errlen = sizeof(r->msg);
}

static int get_ip(struct bgp_cur *c, int family, struct mrt_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	ip->family = (uint8_t)family;
	return bgp_getn(c, ip->a, family == 6 ? 16 : 4);
}

static int oom(struct mrt_reader *r)
{
	snprintf(r->msg, sizeof(r->msg), "out of memory");
	return -ENOMEM;
}

/* ---- TABLE_DUMP (v1) ---- */
static int decode_td1(struct mrt_reader *r, struct mrt_record *rec, struct bgp_cur *c)
{
	int fam = (rec->subtype == 2 || rec->subtype == 4) ? 6 : 4;
	uint8_t asn_size = rec->subtype >= 3 ? 4 : 2; /* 3, 4: 32-bit AS variants (zebra) */
	struct mrt_rib *rib = &rec->rib;
	struct mrt_rib_entry *e;
	uint16_t alen;
	uint8_t plen;
	struct bgp_ctx ctx;
	int err;

	if (rec->subtype < 1 || rec->subtype > 4) {
		rec->kind = MRT_REC_OTHER;
		r->st.other_records++;
		return 0;
	}
	memset(rib, 0, sizeof(*rib));
	rib->afi = fam == 6 ? BGP_AFI_IPV6 : BGP_AFI_IPV4;
	rib->safi = BGP_SAFI_UNICAST;
	e = mrt_arena_alloc(&r->arena, sizeof(*e));
	if (!e)
		return oom(r);
	memset(e, 0, sizeof(*e));
	uint16_t seq16;
	struct mrt_peer *p = &r->td1_peer;
	memset(p, 0, sizeof(*p));
	if (bgp_get16(c, &rib->td1_view) || bgp_get16(c, &seq16) ||
	    get_ip(c, fam, &rib->prefix.ip) || bgp_get8(c, &plen) ||
	    bgp_get8(c, &rib->td1_status) || bgp_get32(c, &e->originated) || get_ip(c, fam, &p->ip))
		return fail(r, "TABLE_DUMP record of %u bytes is too short", rec->body_len);
	if (plen > (fam == 6 ? 128 : 32))
		return fail(r, "TABLE_DUMP prefix length %u exceeds %u", plen, fam == 6 ? 128 : 32);
	rib->seq = seq16;
	rib->prefix.len = plen;
	p->asn_size = asn_size;
	if (bgp_get_asn(c, asn_size, &p->asn))
		return fail(r, "TABLE_DUMP record cut in peer AS");
	if (bgp_get16(c, &alen))
		return fail(r, "TABLE_DUMP record cut before attribute length");
	if (bgp_cur_left(c) < alen)
		return fail(r, "TABLE_DUMP attribute length %u exceeds record (%zu left)", alen,
			    bgp_cur_left(c));
	bgp_ctx_init(r, &ctx, asn_size, false);
	err = bgp_attrs_parse(c->p, alen, &ctx, &e->attrs);
	if (err)
		return err == -ENOMEM ? oom(r) : err;
	e->peer = p;
	rib->n_entries = 1;
	rib->entries = e;
	rec->kind = MRT_REC_RIB;
	return 0;
}

/* ---- TABLE_DUMP_V2 ---- */

/* The view name, vlen bytes at c, into r->view (NUL-terminated). */
static int pit_view(struct mrt_reader *r, struct bgp_cur *c, uint16_t vlen)
{
	if (r->view_cap < (size_t)vlen + 1) {
		char *v = realloc(r->view, (size_t)vlen + 1);
		if (!v)
			return oom(r);
		r->view = v;
		r->view_cap = (size_t)vlen + 1;
	}
	memcpy(r->view, c->p, vlen);
	r->view[vlen] = 0;
	c->p += vlen;
	return 0;
}

static int pit_reserve(struct mrt_reader *r, uint16_t n)
{
	struct mrt_peer *pv;

	if (r->peers_cap >= n)
		return 0;
	pv = realloc(r->peers, (size_t)n * sizeof(*pv));
	if (!pv)
		return oom(r);
	r->peers = pv;
	r->peers_cap = n;
	return 0;
}

/* One peer entry (type, BGP id, address, AS): 0, or -1 if it is cut. */
static int pit_peer(struct bgp_cur *c, struct mrt_peer *p)
{
	uint8_t type;

	memset(p, 0, sizeof(*p));
	if (bgp_get8(c, &type) || get_ip(c, 4, &p->bgp_id) || get_ip(c, (type & 1) ? 6 : 4, &p->ip))
		return -1;
	p->asn_size = (type & 2) ? 4 : 2;
	return bgp_get_asn(c, p->asn_size, &p->asn);
}

static int decode_pit(struct mrt_reader *r, struct mrt_record *rec, struct bgp_cur *c)
{
	struct mrt_peer_index *pit = &r->pit;
	uint16_t vlen, n;
	struct mrt_ip cid;
	int err;

	if (get_ip(c, 4, &cid) || bgp_get16(c, &vlen))
		return fail(r, "PEER_INDEX_TABLE of %u bytes is too short", rec->body_len);
	if (bgp_cur_left(c) < vlen)
		return fail(r, "PEER_INDEX_TABLE view name length %u exceeds record", vlen);
	if ((err = pit_view(r, c, vlen)))
		return err;
	if (bgp_get16(c, &n))
		return fail(r, "PEER_INDEX_TABLE cut before peer count");
	if ((err = pit_reserve(r, n)))
		return err;
	for (unsigned int i = 0; i < n; i++)
		if (pit_peer(c, &r->peers[i])) {
			pit->n_peers = 0;
			return fail(r, "PEER_INDEX_TABLE cut in peer %u of %u", i, n);
		}
	pit->collector_id = cid;
	pit->view_name = r->view;
	pit->view_name_len = vlen;
	pit->n_peers = n;
	pit->peers = r->peers;
	rec->pit = *pit;
	rec->kind = MRT_REC_PEER_INDEX;
	return 0;
}

/* AFI and SAFI of a RIB record: from its subtype (base: the subtype
 * without ADD-PATH), or RIB_GENERIC's own fields.  0, 1 for a family not
 * decoded (the record is skipped as other), or an error. */
static int rib_family(struct mrt_reader *r, struct mrt_record *rec, struct bgp_cur *c,
		      unsigned int base)
{
	struct mrt_rib *rib = &rec->rib;

	if (base != MRT_TD2_RIB_GENERIC) {
		rib->afi = (base == 2 || base == 3) ? BGP_AFI_IPV4 : BGP_AFI_IPV6;
		rib->safi = (base == 2 || base == 4) ? BGP_SAFI_UNICAST : BGP_SAFI_MULTICAST;
		return 0;
	}
	if (bgp_get16(c, &rib->afi) || bgp_get8(c, &rib->safi))
		return fail(r, "RIB_GENERIC record cut before AFI/SAFI");
	if ((rib->afi != BGP_AFI_IPV4 && rib->afi != BGP_AFI_IPV6) ||
	    (rib->safi != BGP_SAFI_UNICAST && rib->safi != BGP_SAFI_MULTICAST)) {
		r->st.rib_generic_skipped++;
		r->st.other_records++;
		rec->kind = MRT_REC_OTHER;
		return 1;
	}
	return 0;
}

static int rib_prefix(struct mrt_reader *r, struct mrt_rib *rib, struct bgp_cur *c)
{
	int fam = rib->afi == BGP_AFI_IPV6 ? 6 : 4;
	uint8_t plen;

	if (bgp_get8(c, &plen))
		return fail(r, "RIB record cut before prefix length");
	if (plen > (fam == 6 ? 128 : 32))
		return fail(r, "RIB prefix length %u exceeds %u", plen, fam == 6 ? 128 : 32);
	rib->prefix.ip.family = (uint8_t)fam;
	rib->prefix.len = plen;
	if (bgp_getn(c, rib->prefix.ip.a, (plen + 7u) / 8u))
		return fail(r, "RIB record cut in prefix /%u", plen);
	return 0;
}

/* Entry i of n: peer index, time, path id (ADD-PATH), attributes. */
static int rib_entry(struct mrt_reader *r, const struct bgp_ctx *ctx, struct bgp_cur *c,
		     bool addpath, unsigned int i, unsigned int n, struct mrt_rib_entry *e)
{
	uint16_t alen;
	int err;

	memset(e, 0, sizeof(*e));
	if (bgp_get16(c, &e->peer_index) || bgp_get32(c, &e->originated))
		return fail(r, "RIB entry %u of %u cut in its header", i, n);
	if (addpath) {
		if (bgp_get32(c, &e->path_id))
			return fail(r, "RIB entry %u of %u cut in its path id", i, n);
		e->has_path_id = true;
	}
	if (bgp_get16(c, &alen))
		return fail(r, "RIB entry %u of %u cut before attribute length", i, n);
	if (e->peer_index >= r->pit.n_peers)
		return fail(r, "RIB entry %u: peer index %u out of range (%u peers)", i,
			    e->peer_index, r->pit.n_peers);
	if (bgp_cur_left(c) < alen)
		return fail(r, "RIB entry %u attribute length %u exceeds record (%zu left)", i,
			    alen, bgp_cur_left(c));
	e->peer = &r->pit.peers[e->peer_index];
	err = bgp_attrs_parse(c->p, alen, ctx, &e->attrs);
	if (err)
		return err == -ENOMEM ? oom(r) : err;
	c->p += alen;
	return 0;
}

static int decode_rib(struct mrt_reader *r, struct mrt_record *rec, struct bgp_cur *c)
{
	struct mrt_rib *rib = &rec->rib;
	unsigned int st = rec->subtype;
	bool addpath = st >= MRT_TD2_RIB_IPV4_UNICAST_ADDPATH;
	unsigned int base = addpath ? st - 6 : st; /* map 8..12 onto 2..6 */
	struct mrt_rib_entry *ev;
	struct bgp_ctx ctx;
	uint16_t n;
	int err;

	memset(rib, 0, sizeof(*rib));
	rib->addpath = addpath;
	if (bgp_get32(c, &rib->seq))
		return fail(r, "RIB record of %u bytes is too short", rec->body_len);
	err = rib_family(r, rec, c, base);
	if (!err)
		err = rib_prefix(r, rib, c);
	if (err)
		return err > 0 ? 0 : err;
	if (bgp_get16(c, &n))
		return fail(r, "RIB record cut before entry count");
	if (n && !r->pit.peers)
		return fail(r, "RIB record before any PEER_INDEX_TABLE");
	ev = mrt_arena_alloc(&r->arena, (n ? n : 1) * sizeof(*ev));
	if (!ev)
		return oom(r);
	bgp_ctx_init(r, &ctx, 4, false);
	ctx.rib_entry = true;
	for (unsigned int i = 0; i < n; i++)
		if ((err = rib_entry(r, &ctx, c, addpath, i, n, &ev[i])))
			return err;
	rib->n_entries = n;
	rib->entries = ev;
	rec->kind = MRT_REC_RIB;
	return 0;
}

static int decode_td2(struct mrt_reader *r, struct mrt_record *rec, struct bgp_cur *c)
{
	switch (rec->subtype) {
	case MRT_TD2_PEER_INDEX_TABLE:
		return decode_pit(r, rec, c);
	case MRT_TD2_RIB_IPV4_UNICAST ... MRT_TD2_RIB_GENERIC:
	case MRT_TD2_RIB_IPV4_UNICAST_ADDPATH ... MRT_TD2_RIB_GENERIC_ADDPATH:
		return decode_rib(r, rec, c);
	default:
		rec->kind = MRT_REC_OTHER;
		r->st.other_records++;
		return 0;
	}
}

/* ---- BGP4MP / BGP4MP_ET ---- */

/* The AS number size of a BGP4MP subtype: 2, 4, or 0 for one not decoded. */
static uint8_t bgp4mp_asn_size(unsigned int st)
{
	switch (st) {
	case MRT_BGP4MP_STATE_CHANGE:
	case MRT_BGP4MP_MESSAGE:
	case MRT_BGP4MP_MESSAGE_LOCAL:
	case MRT_BGP4MP_MESSAGE_ADDPATH:
	case MRT_BGP4MP_MESSAGE_LOCAL_ADDPATH:
		return 2;
	case MRT_BGP4MP_STATE_CHANGE_AS4:
	case MRT_BGP4MP_MESSAGE_AS4:
	case MRT_BGP4MP_MESSAGE_AS4_LOCAL:
	case MRT_BGP4MP_MESSAGE_AS4_ADDPATH:
	case MRT_BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH:
		return 4;
	default:
		return 0;
	}
}

/* The peer part every BGP4MP subtype starts with: AS numbers, interface,
 * address family, addresses. */
static int bgp4mp_peer(struct mrt_reader *r, const struct mrt_record *rec, struct bgp_cur *c,
		       struct mrt_bgp4mp *m)
{
	const char *type = mrt_type_name(rec->type);
	int fam;

	if (bgp_get_asn(c, m->asn_size, &m->peer_asn) ||
	    bgp_get_asn(c, m->asn_size, &m->local_asn) || bgp_get16(c, &m->ifindex) ||
	    bgp_get16(c, &m->afi))
		return fail(r, "%s record of %u bytes is too short", type, rec->body_len);
	if (m->afi != BGP_AFI_IPV4 && m->afi != BGP_AFI_IPV6)
		return fail(r, "%s address family %u is not IPv4 (1) or IPv6 (2)", type, m->afi);
	fam = m->afi == BGP_AFI_IPV6 ? 6 : 4;
	if (get_ip(c, fam, &m->peer_ip) || get_ip(c, fam, &m->local_ip))
		return fail(r, "%s record of %u bytes is cut in its addresses", type,
			    rec->body_len);
	return 0;
}

static int decode_bgp4mp(struct mrt_reader *r, struct mrt_record *rec, struct bgp_cur *c)
{
	struct mrt_bgp4mp *m = &rec->bgp4mp;
	unsigned int st = rec->subtype;
	struct bgp_ctx ctx;
	int err;

	memset(m, 0, sizeof(*m));
	m->asn_size = bgp4mp_asn_size(st);
	if (!m->asn_size) {
		rec->kind = MRT_REC_OTHER;
		r->st.other_records++;
		return 0;
	}
	m->local = st == MRT_BGP4MP_MESSAGE_LOCAL || st == MRT_BGP4MP_MESSAGE_AS4_LOCAL ||
		   st == MRT_BGP4MP_MESSAGE_LOCAL_ADDPATH ||
		   st == MRT_BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH;
	m->addpath = st >= MRT_BGP4MP_MESSAGE_ADDPATH;
	if ((err = bgp4mp_peer(r, rec, c, m)))
		return err;
	if (st == MRT_BGP4MP_STATE_CHANGE || st == MRT_BGP4MP_STATE_CHANGE_AS4) {
		if (bgp_get16(c, &m->old_state) || bgp_get16(c, &m->new_state))
			return fail(r, "%s STATE_CHANGE of %u bytes is cut in its states",
				    mrt_type_name(rec->type), rec->body_len);
		rec->kind = MRT_REC_BGP4MP_STATE;
		return 0;
	}
	bgp_ctx_init(r, &ctx, m->asn_size, m->addpath);
	err = bgp_msg_parse(c->p, bgp_cur_left(c), &ctx, &m->msg);
	if (err)
		return err == -ENOMEM ? oom(r) : err;
	rec->kind = MRT_REC_BGP4MP_MESSAGE;
	return 0;
}

static int decode(struct mrt_reader *r, struct mrt_record *rec)
{
	struct bgp_cur c = bgp_cur_make(rec->body, rec->body_len);

	switch (rec->type) {
	case MRT_TYPE_TABLE_DUMP:
		return decode_td1(r, rec, &c);
	case MRT_TYPE_TABLE_DUMP_V2:
		return decode_td2(r, rec, &c);
	case MRT_TYPE_BGP4MP:
	case MRT_TYPE_BGP4MP_ET:
		return decode_bgp4mp(r, rec, &c);
	default:
		rec->kind = MRT_REC_OTHER;
		r->st.other_records++;
		return 0;
	}
}

/* A read of the input failed: -EINVAL when the input is bad (corrupt or
 * cut-short compressed data, mrtio_error() says where), else the errno of
 * the system's failure; r->msg says which. */
static int read_failed(struct mrt_reader *r, long got)
{
	const char *bad = mrtio_error(r->io);

	if (bad)
		return fail(r, "%s", bad);
	snprintf(r->msg, sizeof(r->msg), "read error: %s", strerror((int)-got));
	return (int)got;
}

/* Framing is lost: the stream cannot go on. */
static int framing(struct mrt_reader *r)
{
	r->st.bad_records++;
	return -EINVAL;
}

static const uint8_t zero_header[12];

/* The next record's header into rec: 1, 0 at the end of input, or a
 * negative errno with r->msg set (the stream cannot go on). */
static int read_header(struct mrt_reader *r, struct mrt_record *rec)
{
	uint8_t h[12];
	long got = read_full(r, h, sizeof(h));

	if (got < 0)
		return read_failed(r, got);
	if (got == 0)
		return 0;
	r->st.records++;
	if (got < (long)sizeof(h)) {
		fail(r, "MRT header cut short: %ld of 12 bytes", got);
		return framing(r);
	}
	/* time 0, type 0 (NULL, deprecated), length 0 is a zero-filled
	 * region (or /dev/zero), not a record: skipping it could go on
	 * forever, so it ends the stream even under keep_going */
	if (!memcmp(h, zero_header, sizeof(h))) {
		fail(r, "MRT header is all zeros: not MRT data (a zero-filled region?)");
		return framing(r);
	}
	memset(rec, 0, sizeof(*rec));
	rec->timestamp = be32_get(h);
	rec->type = be16_get(h + 4);
	rec->subtype = be16_get(h + 6);
	rec->length = be32_get(h + 8);
	return 1;
}

/* rec->length body bytes into r->buf, grown to fit: 0 or a negative errno
 * with r->msg set (the stream cannot go on). */
static int read_body(struct mrt_reader *r, struct mrt_record *rec)
{
	long got;

	/* the limit guards memory against a garbage length; it is an error
	 * naming the record, never a cut */
	if (rec->length > r->opts.max_record_len) {
		fail(r, "%s length %u exceeds the limit of %u bytes", mrt_type_name(rec->type),
		     rec->length, r->opts.max_record_len);
		return framing(r);
	}
	if (r->cap < rec->length) {
		size_t nc = r->cap ? r->cap : 65536;
		uint8_t *nb;

		while (nc < rec->length)
			nc *= 2;
		nb = realloc(r->buf, nc);
		if (!nb)
			return oom(r);
		r->buf = nb;
		r->cap = nc;
	}
	got = read_full(r, r->buf, rec->length);
	if (got < 0)
		return read_failed(r, got);
	if ((uint32_t)got < rec->length) {
		fail(r, "%s record cut short: %ld of %u bytes", mrt_type_name(rec->type), got,
		     rec->length);
		return framing(r);
	}
	rec->body = r->buf;
	rec->body_len = rec->length;
	return 0;
}

/* The body after the header (BGP4MP_ET: after its microseconds). */
static int decode_body(struct mrt_reader *r, struct mrt_record *rec)
{
	if (rec->type == MRT_TYPE_BGP4MP_ET) {
		if (rec->length < 4)
			return fail(r,
				    "BGP4MP_ET length %u is shorter than its 4-byte microsecond "
				    "field",
				    rec->length);
		rec->microseconds = be32_get(r->buf);
		rec->body += 4;
		rec->body_len -= 4;
	}
	return decode(r, rec);
}

/* Ends the stream with the error in r->msg. */
static const struct mrt_record *stop(struct mrt_reader *r, int err, uint64_t recno, uint64_t off)
{
	set_error(r, &r->err, err, recno, off);
	r->has_err = true;
	r->done = true;
	return NULL;
}

const struct mrt_record *mrt_next(struct mrt_reader *r)
{
	struct mrt_record *rec = &r->rec;
	int err;

	while (!r->done) {
		uint64_t off = r->offset, recno = r->st.records + 1;

		mrt_arena_reset(&r->arena);
		err = read_header(r, rec);
		if (err == 0) {
			r->done = true;
			return NULL;
		}
		if (err < 0)
			return stop(r, err, recno, off);
		rec->record_no = recno;
		rec->offset = off;
		err = read_body(r, rec);
		if (err)
			return stop(r, err, recno, off);
		r->offset += 12 + rec->length;
		err = decode_body(r, rec);
		if (!err)
			return rec;
		if (err == -ENOMEM)
			return stop(r, err, recno, off);
		r->st.bad_records++;
		if (!r->opts.keep_going)
			return stop(r, err, recno, off);
		set_error(r, &r->skipped, err, recno, off);
		r->has_skipped = true;
	}
	return NULL;
}
