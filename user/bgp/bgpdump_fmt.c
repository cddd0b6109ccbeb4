// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/bgp/bgpdump_fmt.c - `bgpdump -m` line printer over decoded MRT records.
 *
 * Every byte printed follows what Debian's bgpdump 1.6.2 prints, including
 * its quirks (documented at each place: 255.255.255.255 for a missing
 * NEXT_HOP, signed LOCAL_PREF/MED on MP IPv4 lines, its IPv6 text form, its
 * AS4_PATH merge, "! Error !" paths).  Text is built in a 1 MiB buffer with
 * hand-written number and address formatters: no printf on the hot path.
 * Must not: read record memory beyond what struct mrt_record describes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/bgp.h"
#include "bgp/bgpdump_fmt.h"

#define OUT_CAP (1U << 20) /* output buffer; grows when one line needs more */
/* Room kept for a line's fixed fields (name, time, addresses, numbers): the
 * longest are two IPv6 texts of 46 bytes; the rest is far below this. */
#define LINE_FIXED 512
/* bgpdump's own limits, reproduced unless opts.full (each cut is reported
 * through bgpdump_fmt_cuts()): */
#define ASPATH_MAX 8000	 /* MAX_ASPATH_LEN: text cut with "..." past 7900 */
#define COMM_BUFSIZ 8192 /* the BUFSIZ buffer its community text is built in */
/* Prefixes printed per list: Debian's 1.6.2-2 binary prints the first 8192
 * of a longer list (measured; upstream's source says 2050). */
#define BGPDUMP_MAX_PREFIXES 8192
#define ASN_TEXT_MAX 11 /* "4294967295" and a separator */

struct bgpdump_fmt {
	FILE *out;
	struct bgpdump_opts opts;
	char *buf;
	size_t len, cap;
	int err;
	/* per-attribute-set strings, rebuilt for each entry / message; they
	 * grow to the longest text seen */
	char *aspath;
	size_t aspath_len, aspath_cap;
	char *comm;
	size_t comm_len, comm_cap;
	/* bgpdump's AS4_PATH merge, built here before it is printed */
	struct bgp_seg *mseg;
	uint32_t *masn;
	size_t mseg_cap, masn_cap;
	char aggr[64]; /* "4294967295 255.255.255.255": 26 bytes */
	size_t aggr_len;
	char ts[40]; /* "4294967295.4294967295": the microsecond field is 32 bits */
	size_t ts_len;
	struct bgpdump_cuts cuts; /* of the current record */
};

/* Makes *v hold at least n elements of `elem` bytes (realloc, doubling).
 * Returns false when out of memory (*v is then unchanged). */
static bool reserve(void *v, size_t *cap, size_t n, size_t elem)
{
	void **pv = v;
	size_t nc = *cap ? *cap : 64;
	void *p;

	if (n <= *cap)
		return true;
	while (nc < n)
		nc *= 2;
	p = realloc(*pv, nc * elem);
	if (!p)
		return false;
	*pv = p;
	*cap = nc;
	return true;
}

struct bgpdump_fmt *bgpdump_fmt_new(FILE *out, const struct bgpdump_opts *opts)
{
	struct bgpdump_fmt *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->out = out;
	if (opts)
		f->opts = *opts;
	if (!reserve(&f->buf, &f->cap, OUT_CAP, 1) ||
	    !reserve(&f->aspath, &f->aspath_cap, ASPATH_MAX + 16, 1) ||
	    !reserve(&f->comm, &f->comm_cap, COMM_BUFSIZ + 16, 1)) {
		bgpdump_fmt_free(f);
		return NULL;
	}
	return f;
}

int bgpdump_fmt_flush(struct bgpdump_fmt *f)
{
	if (f->len && !f->err) {
		if (fwrite(f->buf, 1, f->len, f->out) != f->len)
			f->err = -EIO;
	}
	f->len = 0;
	return f->err;
}

int bgpdump_fmt_free(struct bgpdump_fmt *f)
{
	int err;

	if (!f)
		return 0;
	err = f->buf ? bgpdump_fmt_flush(f) : 0;
	if (!err && f->out && fflush(f->out))
		err = -EIO;
	free(f->buf);
	free(f->aspath);
	free(f->comm);
	free(f->mseg);
	free(f->masn);
	free(f);
	return err;
}

const struct bgpdump_cuts *bgpdump_fmt_cuts(const struct bgpdump_fmt *f)
{
	return &f->cuts;
}

/* ---- small formatters ---- */

static size_t u32_dec(uint32_t v, char *out)
{
	char tmp[12];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

static size_t s32_dec(int32_t v, char *out)
{
	if (v < 0) {
		out[0] = '-';
		return 1 + u32_dec((uint32_t)(-(int64_t)v), out + 1);
	}
	return u32_dec((uint32_t)v, out);
}

size_t bgpdump_fmt_ipv4(const uint8_t a[4], char *buf)
{
	size_t n = 0;

	for (int i = 0; i < 4; i++) {
		n += u32_dec(a[i], buf + n);
		buf[n++] = '.';
	}
	buf[--n] = 0;
	return n;
}

size_t bgpdump_fmt_ipv6(const uint8_t a[16], char *buf)
{
	static const char hex[] = "0123456789abcdef";
	static const uint8_t zero12[12];
	uint16_t g[8];
	int zr[8], k = -1, best = 0, run = 0;
	size_t n = 0;

	/* v4-mapped (::ffff:a.b.c.d) and v4-compatible (::a.b.c.d, not ::/::1) */
	if (!memcmp(a, zero12, 10) && a[10] == 0xff && a[11] == 0xff) {
		memcpy(buf, "::ffff:", 7);
		return 7 + bgpdump_fmt_ipv4(a + 12, buf + 7);
	}
	if (!memcmp(a, zero12, 12)) {
		uint32_t last = be32_get(a + 12);
		if (last > 1) {
			buf[0] = buf[1] = ':';
			return 2 + bgpdump_fmt_ipv4(a + 12, buf + 2);
		}
	}
	for (int i = 0; i < 8; i++)
		g[i] = be16_get(a + 2 * i);
	/* length of the zero run starting at each group; the first longest
	 * run (even of one group) becomes "::" */
	for (int i = 7; i >= 0; i--) {
		run = g[i] == 0 ? run + 1 : 0;
		zr[i] = run;
	}
	for (int i = 0; i < 8; i++)
		if (zr[i] > best) {
			best = zr[i];
			k = i;
		}
	for (int i = 0; i < 8; i++) {
		if (i == k) {
			if (i == 0)
				buf[n++] = ':';
			buf[n++] = ':';
			i += zr[i] - 1;
			continue;
		}
		uint16_t v = g[i];
		bool lead = true;
		for (int s = 12; s >= 0; s -= 4) {
			unsigned int d = (v >> s) & 0xf;
			if (lead && d == 0 && s)
				continue;
			lead = false;
			buf[n++] = hex[d];
		}
		if (i != 7)
			buf[n++] = ':';
	}
	buf[n] = 0;
	return n;
}

/* ---- output buffer ---- */

/* Where the next line goes: at least LINE_FIXED bytes plus the attribute
 * strings of the current set are free there (the buffer is flushed, and
 * grown for a line longer than it).  NULL when out of memory (f->err). */
static char *room(struct bgpdump_fmt *f)
{
	size_t need = LINE_FIXED + f->aspath_len + f->comm_len + f->aggr_len;

	if (f->cap - f->len >= need)
		return f->buf + f->len;
	bgpdump_fmt_flush(f);
	if (!reserve(&f->buf, &f->cap, need, 1)) {
		f->err = -ENOMEM;
		return NULL;
	}
	return f->buf + f->len;
}

static inline char *put(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}
#define PUTS(p, lit) put((p), (lit), sizeof(lit) - 1)

static inline char *put_ip(char *p, const struct mrt_ip *ip, bool v6)
{
	return p + (v6 ? bgpdump_fmt_ipv6(ip->a, p) : bgpdump_fmt_ipv4(ip->a, p));
}

/* ---- attribute strings as bgpdump builds them ---- */

static char seg_start(uint8_t type)
{
	return type == BGP_SEG_AS_SET		    ? '{'
	       : type == BGP_SEG_AS_CONFED_SET	    ? '['
	       : type == BGP_SEG_AS_CONFED_SEQUENCE ? '('
						    : ' ';
}
static char seg_end(uint8_t type)
{
	return type == BGP_SEG_AS_SET		    ? '}'
	       : type == BGP_SEG_AS_CONFED_SET	    ? ']'
	       : type == BGP_SEG_AS_CONFED_SEQUENCE ? ')'
						    : ' ';
}

/* Past this many characters bgpdump ends the path text with "..." */
static bool aspath_cut(struct bgpdump_fmt *f, size_t pos, uint32_t nasns)
{
	if (f->opts.full || pos <= ASPATH_MAX - 100)
		return false;
	f->cuts.aspath_asns = nasns;
	return true;
}

/* bgpdump's aspath string into f->aspath: sets joined by ',', segments by
 * ' ', cut with "..." past 7900 characters (whole with opts.full).  Returns
 * its length; 0 when out of memory (f->err set).  *counted (if not NULL):
 * the ASes bgpdump counts while it builds the text, an AS_SET or
 * AS_CONFED_SET as one, every other segment by its length, and none of the
 * segments after the cut. */
static size_t aspath_str(struct bgpdump_fmt *f, const struct bgp_seg *segs, uint32_t nsegs,
			 const uint32_t *asns, uint32_t nasns, uint32_t *counted)
{
	/* each segment adds at most 3 delimiters, each ASN a separator and 10
	 * digits; bgpdump's cut keeps the text under ASPATH_MAX */
	size_t need = f->opts.full ? (size_t)nsegs * 3 + (size_t)nasns * ASN_TEXT_MAX + 8
				   : ASPATH_MAX + 16;
	uint8_t type = BGP_SEG_AS_SEQUENCE;
	int space = 0;
	size_t pos = 0;
	uint32_t n = 0;
	char *out;

	if (counted)
		*counted = 0;
	if (!reserve(&f->aspath, &f->aspath_cap, need, 1)) {
		f->err = -ENOMEM;
		return 0;
	}
	out = f->aspath;
	for (uint32_t s = 0; s < nsegs; s++) {
		const struct bgp_seg *sg = &segs[s];

		/* empty segments add text with no ASN: bgpdump overruns its
		 * buffer there; we cut as it does after an ASN */
		if (aspath_cut(f, pos, nasns)) {
			memcpy(out + pos, "...", 3);
			return pos + 3;
		}
		if (type != BGP_SEG_AS_SEQUENCE)
			out[pos++] = seg_end(type);
		if (space)
			out[pos++] = ' ';
		if (sg->type != BGP_SEG_AS_SEQUENCE)
			out[pos++] = seg_start(sg->type);
		space = 0;
		n += (sg->type == BGP_SEG_AS_SET || sg->type == BGP_SEG_AS_CONFED_SET) ? 1
										       : sg->count;
		if (counted)
			*counted = n;
		for (uint32_t i = 0; i < sg->count; i++) {
			if (space)
				out[pos++] = (sg->type == BGP_SEG_AS_SET ||
					      sg->type == BGP_SEG_AS_CONFED_SET)
						     ? ','
						     : ' ';
			else
				space = 1;
			pos += u32_dec(asns[sg->first + i], out + pos);
			if (aspath_cut(f, pos, nasns)) {
				memcpy(out + pos, "...", 3);
				return pos + 3;
			}
		}
		type = sg->type;
	}
	if (nsegs && segs[nsegs - 1].type != BGP_SEG_AS_SEQUENCE)
		out[pos++] = seg_end(segs[nsegs - 1].type);
	return pos;
}

#define ASPATH_ERROR "! Error !"

/* The AS count bgpdump's AS4_PATH merge works with: it counts confederation
 * sequences too, a path with an error as 0, and only the segments its text
 * reached before the cut at 7900 characters (see aspath_str; the text made
 * here is overwritten by the one printed). */
static uint32_t bd_count(struct bgpdump_fmt *f, const struct bgp_aspath *p)
{
	uint32_t n, cut = f->cuts.aspath_asns;

	if (p->error)
		return 0;
	aspath_str(f, p->segs, p->nsegs, p->asns, p->nasns, &n);
	f->cuts.aspath_asns = cut; /* a cut of this text is not one of the output */
	return n;
}

static size_t aspath_error(struct bgpdump_fmt *f)
{
	memcpy(f->aspath, ASPATH_ERROR, sizeof(ASPATH_ERROR) - 1);
	return sizeof(ASPATH_ERROR) - 1;
}

static bool merge_room(struct bgpdump_fmt *f, size_t nsegs, size_t nasns)
{
	if (reserve(&f->mseg, &f->mseg_cap, nsegs, sizeof(*f->mseg)) &&
	    reserve(&f->masn, &f->masn_cap, nasns, sizeof(*f->masn)))
		return true;
	f->err = -ENOMEM;
	return false;
}

/* bgpdump's asn32_merge_paths(): it copies AS_PATH's *first* segment until
 * enough ASes are taken (its loop never advances to the next segment), then
 * appends AS4_PATH.  Writes the string; returns its length. */
static size_t bd_merge_str(struct bgpdump_fmt *f, const struct bgp_aspath *path,
			   const struct bgp_aspath *as4)
{
	uint32_t target = bd_count(f, path) - bd_count(f, as4);
	uint32_t ns = 0, na = 0, count = 0;

	if (as4->error)
		return aspath_error(f);
	if (target && path->nsegs) {
		const struct bgp_seg *s0 = &path->segs[0];
		bool set = s0->type == BGP_SEG_AS_SET || s0->type == BGP_SEG_AS_CONFED_SET;

		/* bgpdump loops forever on an empty first sequence; stop instead.
		 * Unless opts.full, copying stops once the text is surely longer
		 * than the 7900 characters printed (a segment or an ASN takes at
		 * least one), so the cut falls where bgpdump's does. */
		while (count < target && (set || s0->count) &&
		       (f->opts.full || (ns <= ASPATH_MAX && na <= ASPATH_MAX))) {
			struct bgp_seg *m;

			if (!merge_room(f, ns + 1, (size_t)na + s0->count))
				return 0;
			m = &f->mseg[ns];
			*m = *s0;
			m->first = na;
			memcpy(f->masn + na, path->asns + s0->first, s0->count * sizeof(*f->masn));
			if (set) {
				count += 1;
			} else {
				count += s0->count;
				if (count > target)
					m->count = (uint16_t)(m->count - (count - target));
			}
			na += m->count;
			ns++;
		}
	}
	if (!merge_room(f, (size_t)ns + as4->nsegs, (size_t)na + as4->nasns))
		return 0;
	for (uint32_t i = 0; i < as4->nsegs; i++) {
		const struct bgp_seg *s = &as4->segs[i];

		f->mseg[ns] = *s;
		f->mseg[ns].first = na;
		memcpy(f->masn + na, as4->asns + s->first, s->count * sizeof(*f->masn));
		na += s->count;
		ns++;
	}
	return aspath_str(f, f->mseg, ns, f->masn, na, NULL);
}

/* Decodes an aggregator the way bgpdump does: ASN of `asn_len` bytes then
 * an IPv4 address, zero-filled when the attribute is short. */
static void bd_aggr(const uint8_t *raw, size_t len, size_t asn_len, uint32_t *asn, uint8_t ip[4])
{
	*asn = be_get_zf(raw, len, asn_len);
	for (size_t i = 0; i < 4; i++)
		ip[i] = asn_len + i < len ? raw[asn_len + i] : 0;
}

/* The AS path text of an attribute set; `merge`: bgpdump merges AS4_PATH. */
static size_t aspath_text(struct bgpdump_fmt *f, const struct bgp_attrs *a, bool merge)
{
	const struct bgp_aspath *p = &a->as_path_raw;

	if (!BGP_HAS(a, BGP_ATTR_AS_PATH))
		return 0;
	if (merge && a->as4_path.present &&
	    bd_count(f, &a->as_path_raw) >= bd_count(f, &a->as4_path)) {
		if (!f->opts.fix_as4_merge)
			return bd_merge_str(f, &a->as_path_raw, &a->as4_path);
		p = &a->as_path; /* merged by the reader as RFC 6793 says */
	}
	if (p->error)
		return aspath_error(f);
	return aspath_str(f, p->segs, p->nsegs, p->asns, p->nasns, NULL);
}

/* Communities: " a:b" each, names for the three well-known ones; the
 * leading space is not printed.  bgpdump builds the text in a BUFSIZ
 * buffer: entries that no longer fit are dropped (names) or cut (numbers);
 * with opts.full the buffer holds them all. */
static size_t comm_text(struct bgpdump_fmt *f, const struct bgp_attrs *a)
{
	size_t L = 0, max = f->opts.full ? SIZE_MAX : COMM_BUFSIZ - 1;

	if (!BGP_HAS(a, BGP_ATTR_COMMUNITIES))
		return 0;
	/* " no-advertise" is the longest entry: 13 bytes */
	if (f->opts.full &&
	    !reserve(&f->comm, &f->comm_cap, (size_t)a->n_communities * 14 + 1, 1)) {
		f->err = -ENOMEM;
		return 0;
	}
	for (uint32_t i = 0; i < a->n_communities; i++) {
		uint32_t c = a->communities[i];
		char tmp[32]; /* " 65535:65535": 12 bytes */
		size_t n;
		const char *name = c == 0xFFFFFF01   ? " no-export"
				   : c == 0xFFFFFF02 ? " no-advertise"
				   : c == 0xFFFFFF03 ? " local-AS"
						     : NULL;
		if (name) {
			n = strlen(name);
			if (L + n > max) {
				f->cuts.communities = a->n_communities;
				continue;
			}
			memcpy(f->comm + L, name, n);
			L += n;
			continue;
		}
		tmp[0] = ' ';
		n = 1 + u32_dec(c >> 16, tmp + 1);
		tmp[n++] = ':';
		n += u32_dec(c & 0xffff, tmp + n);
		if (L + n > max) {
			n = max - L;
			f->cuts.communities = a->n_communities;
		}
		memcpy(f->comm + L, tmp, n);
		L += n;
	}
	return L;
}

/* Builds aspath, communities and aggregator strings for one attribute set. */
static void prep_attrs(struct bgpdump_fmt *f, const struct bgp_attrs *a, unsigned int asn_size)
{
	bool has_aggr = BGP_HAS(a, BGP_ATTR_AGGREGATOR);
	uint32_t aggr_asn = 0;
	uint8_t aggr_ip[4] = { 0xff, 0xff, 0xff, 0xff };
	bool merge = false;

	if (has_aggr)
		bd_aggr(a->aggregator_raw, a->aggregator_raw_len, asn_size, &aggr_asn, aggr_ip);
	if (asn_size == 2) {
		merge = true;
		if (has_aggr && a->has_as4_aggregator) {
			if (aggr_asn != BGP_AS_TRANS)
				merge = false; /* bgpdump returns before looking at AS4_PATH */
			else
				bd_aggr(a->as4_aggregator_raw, a->as4_aggregator_raw_len, 4,
					&aggr_asn, aggr_ip);
		}
	}
	f->aspath_len = aspath_text(f, a, merge);
	f->comm_len = comm_text(f, a);

	/* aggregator: printed unless its address is 255.255.255.255 (bgpdump's
	 * "unset" value) */
	f->aggr_len = 0;
	if (has_aggr && !(aggr_ip[0] == 0xff && aggr_ip[1] == 0xff && aggr_ip[2] == 0xff &&
			  aggr_ip[3] == 0xff)) {
		size_t n = u32_dec(aggr_asn, f->aggr);
		f->aggr[n++] = ' ';
		n += bgpdump_fmt_ipv4(aggr_ip, f->aggr + n);
		f->aggr_len = n;
	}
}

static const char *origin_str(const struct bgp_attrs *a, size_t *n)
{
	if (BGP_HAS(a, BGP_ATTR_ORIGIN) && a->origin == 0) {
		*n = 3;
		return "IGP";
	}
	if (BGP_HAS(a, BGP_ATTR_ORIGIN) && a->origin == 1) {
		*n = 3;
		return "EGP";
	}
	*n = 10;
	return "INCOMPLETE";
}

static char *put_aspath_origin(struct bgpdump_fmt *f, char *p, const struct bgp_attrs *a)
{
	size_t on;
	const char *o = origin_str(a, &on);

	p = put(p, f->aspath, f->aspath_len);
	*p++ = '|';
	p = put(p, o, on);
	*p++ = '|';
	return p;
}

/* "pref|med|" with bgpdump's %u or %d */
static char *put_pref_med(char *p, const struct bgp_attrs *a, bool is_signed)
{
	uint32_t pref = BGP_HAS(a, BGP_ATTR_LOCAL_PREF) ? a->local_pref : 0;
	uint32_t med = BGP_HAS(a, BGP_ATTR_MED) ? a->med : 0;

	p += is_signed ? s32_dec((int32_t)pref, p) : u32_dec(pref, p);
	*p++ = '|';
	p += is_signed ? s32_dec((int32_t)med, p) : u32_dec(med, p);
	*p++ = '|';
	return p;
}

/* "comm|AG|aggr|\n" */
static char *put_tail(struct bgpdump_fmt *f, char *p, const struct bgp_attrs *a)
{
	if (f->comm_len > 1)
		p = put(p, f->comm + 1, f->comm_len - 1);
	*p++ = '|';
	if (a->atomic_aggregate)
		p = PUTS(p, "AG|");
	else
		p = PUTS(p, "NAG|");
	p = put(p, f->aggr, f->aggr_len);
	p = PUTS(p, "|\n");
	return p;
}

static char *put_prefix(char *p, const struct mrt_prefix *pf, bool v6)
{
	p = put_ip(p, &pf->ip, v6);
	*p++ = '/';
	p += u32_dec(pf->len, p);
	return p;
}

static void set_ts(struct bgpdump_fmt *f, const struct mrt_record *rec)
{
	size_t n = u32_dec(rec->timestamp, f->ts);

	if (rec->type == MRT_TYPE_BGP4MP_ET) {
		char us[12];
		size_t k = u32_dec(rec->microseconds, us);
		f->ts[n++] = '.';
		for (size_t i = k; i < 6; i++)
			f->ts[n++] = '0';
		memcpy(f->ts + n, us, k);
		n += k;
	}
	f->ts_len = n;
}

static inline void commit(struct bgpdump_fmt *f, char *p)
{
	f->len = (size_t)(p - f->buf);
}

/* ---- TABLE_DUMP / TABLE_DUMP_V2 ---- */

/* "NAME|ts|B|peer|peeras|prefix|": how a TABLE_DUMP or TABLE_DUMP_V2
 * line starts (pfx: the prefix as text).  Inlined, so that strlen(name)
 * of a literal is a constant: it runs once per RIB entry. */
static inline __attribute__((always_inline)) char *rib_head(struct bgpdump_fmt *f, const char *name,
							    const struct mrt_peer *peer,
							    bool peer_v6, const char *pfx,
							    size_t pfxn)
{
	char *p = room(f);

	if (!p)
		return NULL;
	p = put(p, name, strlen(name));
	*p++ = '|';
	p = put(p, f->ts, f->ts_len);
	p = PUTS(p, "|B|");
	p = put_ip(p, &peer->ip, peer_v6);
	*p++ = '|';
	p += u32_dec(peer->asn, p);
	*p++ = '|';
	p = put(p, pfx, pfxn);
	*p++ = '|';
	return p;
}

static void fmt_td1(struct bgpdump_fmt *f, const struct mrt_record *rec)
{
	const struct mrt_rib *rib = &rec->rib;
	const struct mrt_rib_entry *e = &rib->entries[0];
	const struct bgp_attrs *a = &e->attrs;
	bool v6 = rec->subtype == 2; /* bgpdump: only subtype AFI_IP6 prints as IPv6 */
	char pfx[64];		     /* an IPv6 text (45 bytes at most) and "/128" */
	char *p;

	prep_attrs(f, a, rec->subtype >= 3 ? 4 : 2);
	p = rib_head(f, "TABLE_DUMP", e->peer, v6, pfx,
		     (size_t)(put_prefix(pfx, &rib->prefix, v6) - pfx));
	if (!p)
		return;
	p = put_aspath_origin(f, p, a);
	if (a->mp_reach.present &&
	    (a->mp_reach.abbreviated ||
	     (a->mp_reach.afi == BGP_AFI_IPV6 && a->mp_reach.safi == BGP_SAFI_UNICAST))) {
		/* bgpdump prints the stored 16 bytes as IPv6 whatever their length */
		struct mrt_ip nh = a->mp_reach.nexthop;
		if (a->mp_reach.nh_len != 4 && a->mp_reach.nh_len != 16 && a->mp_reach.nh_len != 32)
			memset(nh.a, 0, 16);
		p = put_ip(p, &nh, true);
	} else if (BGP_HAS(a, BGP_ATTR_NEXT_HOP)) {
		p = put_ip(p, &a->next_hop, false);
	} else {
		p = PUTS(p, "255.255.255.255");
	}
	*p++ = '|';
	p = put_pref_med(p, a, false);
	p = put_tail(f, p, a);
	commit(f, p);
}

/* bgpdump's next-hop text buffer lives across the entries of a record
 * (last, *last_len): an entry whose MP next hop has an odd length prints
 * the previous one (the first entry's buffer is uninitialised: nothing). */
static char *td2_nexthop(char *p, const struct bgp_attrs *a, char *last, size_t *last_len)
{
	const struct bgp_mp_reach *m = &a->mp_reach;
	bool mp6 = m->present &&
		   (m->abbreviated || (m->afi == BGP_AFI_IPV6 && m->safi == BGP_SAFI_UNICAST));
	bool mp4 = m->present && !m->abbreviated && m->afi == BGP_AFI_IPV4 &&
		   m->safi == BGP_SAFI_UNICAST;
	char *nh = p;

	if (mp6 || mp4) {
		if (m->nh_len == 4)
			p = put_ip(p, &m->nexthop, false);
		else if (m->nh_len == 16 || m->nh_len == 32)
			p = put_ip(p, &m->nexthop, true);
		else
			p = put(p, last, *last_len);
	} else if (BGP_HAS(a, BGP_ATTR_NEXT_HOP)) {
		p = put_ip(p, &a->next_hop, false);
	} else {
		p = PUTS(p, "255.255.255.255");
	}
	*last_len = (size_t)(p - nh);
	memcpy(last, nh, *last_len);
	return p;
}

static void fmt_td2(struct bgpdump_fmt *f, const struct mrt_record *rec)
{
	const struct mrt_rib *rib = &rec->rib;
	unsigned int st = rec->subtype;
	bool v6 = rib->afi == BGP_AFI_IPV6;
	char pfx[64];	  /* an IPv6 text (45 bytes at most) and "/128" */
	char last_nh[64]; /* td2_nexthop's: an IPv6 text, 45 bytes at most */
	size_t pfxn, last_nh_len = 0;

	/* bgpdump prints only the unicast RIB subtypes */
	if (st != MRT_TD2_RIB_IPV4_UNICAST && st != MRT_TD2_RIB_IPV6_UNICAST &&
	    st != MRT_TD2_RIB_IPV4_UNICAST_ADDPATH && st != MRT_TD2_RIB_IPV6_UNICAST_ADDPATH)
		return;
	pfxn = (size_t)(put_prefix(pfx, &rib->prefix, v6) - pfx);
	for (unsigned int i = 0; i < rib->n_entries; i++) {
		const struct mrt_rib_entry *e = &rib->entries[i];
		const struct bgp_attrs *a = &e->attrs;
		char *p;

		prep_attrs(f, a, 4);
		p = rib->addpath ? rib_head(f, "TABLE_DUMP2_AP", e->peer, e->peer->ip.family == 6,
					    pfx, pfxn)
				 : rib_head(f, "TABLE_DUMP2", e->peer, e->peer->ip.family == 6, pfx,
					    pfxn);
		if (!p)
			return;
		if (rib->addpath) {
			p += u32_dec(e->path_id, p);
			*p++ = '|';
		}
		p = put_aspath_origin(f, p, a);
		p = td2_nexthop(p, a, last_nh, &last_nh_len);
		*p++ = '|';
		p = put_pref_med(p, a, false);
		p = put_tail(f, p, a);
		commit(f, p);
	}
}

/* ---- BGP4MP ---- */

static size_t bgp4mp_name(const struct mrt_record *rec, char *out)
{
	const struct mrt_bgp4mp *m = &rec->bgp4mp;
	size_t n = 0;

	n = (size_t)(PUTS(out, "BGP4MP") - out);
	if (rec->type == MRT_TYPE_BGP4MP_ET)
		n = (size_t)(PUTS(out + n, "_ET") - out);
	if (m->local && !m->addpath) /* bgpdump treats LOCAL_ADDPATH as received */
		n = (size_t)(PUTS(out + n, "_LOCAL") - out);
	if (m->addpath)
		n = (size_t)(PUTS(out + n, "_AP") - out);
	return n;
}

/* "NAME|ts|X|peer|peeras|" */
static char *line_head(struct bgpdump_fmt *f, const struct mrt_record *rec, const char *name,
		       size_t namelen, char x, bool peer_v6)
{
	const struct mrt_bgp4mp *m = &rec->bgp4mp;
	char *p = room(f);

	if (!p)
		return NULL;
	p = put(p, name, namelen);
	*p++ = '|';
	p = put(p, f->ts, f->ts_len);
	*p++ = '|';
	*p++ = x;
	*p++ = '|';
	/* bgpdump reads LOCAL_ADDPATH headers local-first but prints them as
	 * received: the second (local) address and AS come out */
	bool second = m->local && m->addpath;
	p = put_ip(p, second ? &m->local_ip : &m->peer_ip, peer_v6);
	*p++ = '|';
	p += u32_dec(second ? m->local_asn : m->peer_asn, p);
	*p++ = '|';
	return p;
}

/* How many prefixes of a list of n are printed: bgpdump prints 8192 */
static uint32_t list_len(struct bgpdump_fmt *f, uint32_t n)
{
	if (f->opts.full || n <= BGPDUMP_MAX_PREFIXES)
		return n;
	if (n > f->cuts.prefixes)
		f->cuts.prefixes = n;
	return BGPDUMP_MAX_PREFIXES;
}

static void withdraw_lines(struct bgpdump_fmt *f, const struct mrt_record *rec, const char *name,
			   size_t nl, const struct mrt_prefix *v, uint32_t n, bool v6)
{
	const struct mrt_bgp4mp *m = &rec->bgp4mp;
	/* bgpdump's IPv6 withdrawal line for a LOCAL message over IPv4 prints
	 * the IPv4 peer address through its IPv6 formatter */
	bool peer_v6 = m->afi == BGP_AFI_IPV6 || (v6 && m->local && !m->addpath);

	n = list_len(f, n);
	for (uint32_t i = 0; i < n; i++) {
		char *p = line_head(f, rec, name, nl, 'W', peer_v6);
		if (!p)
			return;
		p = put_prefix(p, &v[i], v6);
		if (m->addpath) {
			*p++ = '|';
			p += u32_dec(v[i].path_id, p);
		}
		*p++ = '\n';
		commit(f, p);
	}
}

/* "...|A|peer|peeras|prefix|[path id|]": how an announcement starts. */
static char *announce_head(struct bgpdump_fmt *f, const struct mrt_record *rec, const char *name,
			   size_t nl, const struct mrt_prefix *pfx, bool v6)
{
	const struct mrt_bgp4mp *m = &rec->bgp4mp;
	char *p = line_head(f, rec, name, nl, 'A', m->afi == BGP_AFI_IPV6);

	if (!p)
		return NULL;
	p = put_prefix(p, pfx, v6);
	*p++ = '|';
	if (m->addpath) {
		p += u32_dec(pfx->path_id, p);
		*p++ = '|';
	}
	return p;
}

/* The announcements of the UPDATE's own (IPv4) NLRI field: false if out
 * of memory. */
static bool nlri_lines(struct bgpdump_fmt *f, const struct mrt_record *rec, const char *name,
		       size_t nl)
{
	const struct bgp_update *u = &rec->bgp4mp.msg.update;
	const struct bgp_attrs *a = &u->attrs;
	uint32_t n = list_len(f, u->n_nlri);

	for (uint32_t i = 0; i < n; i++) {
		char *p = announce_head(f, rec, name, nl, &u->nlri[i], false);
		if (!p)
			return false;
		p = put_aspath_origin(f, p, a);
		if (BGP_HAS(a, BGP_ATTR_NEXT_HOP))
			p = put_ip(p, &a->next_hop, false);
		else
			p = PUTS(p, "255.255.255.255");
		*p++ = '|';
		p = put_pref_med(p, a, false);
		p = put_tail(f, p, a);
		commit(f, p);
	}
	return true;
}

/* The announcements of MP_REACH_NLRI. */
static void mp_reach_lines(struct bgpdump_fmt *f, const struct mrt_record *rec, const char *name,
			   size_t nl)
{
	const struct bgp_attrs *a = &rec->bgp4mp.msg.update.attrs;
	const struct bgp_mp_reach *mr = &a->mp_reach;
	uint32_t n = list_len(f, mr->n_nlri);
	bool v6 = mr->afi == BGP_AFI_IPV6;
	bool nh_ok = mr->nh_len == 4 || mr->nh_len == 16 || mr->nh_len == 32;

	for (uint32_t i = 0; i < n; i++) {
		char *p = announce_head(f, rec, name, nl, &mr->nlri[i], v6);
		if (!p)
			return;
		if (!v6) {
			/* IPv4 over MP_REACH: pref and med printed signed */
			p = put_aspath_origin(f, p, a);
			if (nh_ok) {
				p = put_ip(p, &mr->nexthop, mr->nh_len != 4);
				*p++ = '|';
				p = put_pref_med(p, a, true);
			}
		} else if (nh_ok) {
			p = put_aspath_origin(f, p, a);
			p = put_ip(p, &mr->nexthop, mr->nh_len != 4);
			*p++ = '|';
			p = put_pref_med(p, a, false);
		}
		p = put_tail(f, p, a);
		commit(f, p);
	}
}

static void fmt_update(struct bgpdump_fmt *f, const struct mrt_record *rec)
{
	const struct mrt_bgp4mp *m = &rec->bgp4mp;
	const struct bgp_update *u = &m->msg.update;
	const struct bgp_mp_reach *mr = &u->attrs.mp_reach;
	const struct bgp_mp_unreach *mu = &u->attrs.mp_unreach;
	char name[32]; /* "BGP4MP_ET_LOCAL": the longest is 15 bytes */
	size_t nl = bgp4mp_name(rec, name);
	bool mu_ok = mu->present && !mu->skipped && mu->n_withdrawn;
	bool mr_ok = mr->present && !mr->skipped && !mr->abbreviated && mr->n_nlri;

	if (u->n_withdrawn)
		withdraw_lines(f, rec, name, nl, u->withdrawn, u->n_withdrawn, false);
	if (mu_ok)
		withdraw_lines(f, rec, name, nl, mu->withdrawn, mu->n_withdrawn,
			       mu->afi == BGP_AFI_IPV6);
	if (!u->n_nlri && !mr_ok)
		return;
	prep_attrs(f, &u->attrs, m->asn_size);
	if (nlri_lines(f, rec, name, nl) && mr_ok)
		mp_reach_lines(f, rec, name, nl);
}

static void fmt_state(struct bgpdump_fmt *f, const struct mrt_record *rec)
{
	const struct mrt_bgp4mp *m = &rec->bgp4mp;
	uint32_t bl = rec->body_len;
	char *p;

	/* bgpdump accepts only these body lengths (either AS size) */
	if (m->afi == BGP_AFI_IPV4 ? (bl != 20 && bl != 24) : (bl != 44 && bl != 48))
		return;
	p = room(f);
	if (!p)
		return;
	if (rec->type == MRT_TYPE_BGP4MP_ET)
		p = PUTS(p, "BGP4MP_ET|");
	else
		p = PUTS(p, "BGP4MP|");
	p = put(p, f->ts, f->ts_len);
	p = PUTS(p, "|STATE|");
	p = put_ip(p, &m->peer_ip, m->afi == BGP_AFI_IPV6);
	*p++ = '|';
	p += u32_dec(m->peer_asn, p);
	*p++ = '|';
	p += u32_dec(m->old_state, p);
	*p++ = '|';
	p += u32_dec(m->new_state, p);
	*p++ = '\n';
	commit(f, p);
}

int bgpdump_fmt_record(struct bgpdump_fmt *f, const struct mrt_record *rec)
{
	memset(&f->cuts, 0, sizeof(f->cuts));
	set_ts(f, rec);
	switch (rec->kind) {
	case MRT_REC_RIB:
		if (rec->type == MRT_TYPE_TABLE_DUMP)
			fmt_td1(f, rec);
		else
			fmt_td2(f, rec);
		break;
	case MRT_REC_BGP4MP_MESSAGE:
		if (rec->bgp4mp.msg.type == BGP_MSG_UPDATE)
			fmt_update(f, rec);
		break;
	case MRT_REC_BGP4MP_STATE:
		fmt_state(f, rec);
		break;
	default:
		break;
	}
	return f->err;
}
