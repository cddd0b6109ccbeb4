// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/routes/routes_in.c - routing data in any supported format -> route table.
 * MRT and bgpdump text feed one RIB (user/routes/rib.c); text and pfx2as lines are
 * routes already.  Compressed input is handled by user/bgp/mrtio.c for all, text
 * lines by user/routes/routes_text.c.  Each file is opened once and read as a
 * stream (its first bytes tell the format), so pipes and FIFOs work and
 * memory stays bounded.  Must not: accept input it cannot read whole, or
 * leave a partial table behind an error. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bgp/bgp.h"
#include "bgp/mrt.h"
#include "bgp/mrtio.h"
#include "common/log.h"
#include "common/parse.h"
#include "routes/routes_in.h"
#include "routes/routes_text.h"
#include "routes/snapshots.h"

static const char *const fmt_names[] = {
	[ROUTES_AUTO] = "auto",	    [ROUTES_MRT] = "mrt",   [ROUTES_BGPDUMP] = "bgpdump",
	[ROUTES_PFX2AS] = "pfx2as", [ROUTES_TEXT] = "text", [ROUTES_UNKNOWN] = "unknown",
};

int routes_format_parse(const char *s, enum routes_format *f)
{
	for (size_t i = 0; i <= ROUTES_TEXT; i++) /* "unknown" is no format to ask for */
		if (!strcmp(s, fmt_names[i])) {
			*f = (enum routes_format)i;
			return 0;
		}
	return -EINVAL;
}

const char *routes_format_name(enum routes_format f)
{
	return f <= ROUTES_UNKNOWN ? fmt_names[f] : "?";
}

/* Control bytes other than tab, newline, vertical tab, form feed and
 * carriage return: no text routing file has them. */
static bool is_control(uint8_t c)
{
	return (c < 0x20 && (c < '\t' || c > '\r')) || c == 0x7f;
}

/* Binary data: it starts with a control byte, or more than one byte in 16
 * is one (random bytes have about one in 10).  A text file with a stray NUL
 * byte is still text, and its reader names the line and column. */
static bool is_binary(const uint8_t *b, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += is_control(b[i]);
	return (len && is_control(b[0])) || n * 16 > len;
}

enum routes_format routes_sniff(const uint8_t *b, size_t len)
{
	const char *tab1, *tab2, *nl;

	if (len >= 12) {
		uint16_t type = (uint16_t)(b[4] << 8 | b[5]);
		uint32_t rlen = (uint32_t)b[8] << 24 | b[9] << 16 | b[10] << 8 | b[11];

		/* An MRT header: a type asclass knows and a sane length.
		 * Text never has bytes 4..5 equal to 0x000c..0x0011. */
		if (type >= 12 && type <= 17 && rlen < (16U << 20))
			return ROUTES_MRT;
	}
	if (is_binary(b, len))
		return ROUTES_UNKNOWN;
	if (len >= 6 && (!memcmp(b, "TABLE_DUMP", len < 10 ? len : 10) || !memcmp(b, "BGP4MP", 6)))
		return ROUTES_BGPDUMP;
	/* pfx2as: ADDR<TAB>LEN<TAB>ASNS on the first line */
	nl = memchr(b, '\n', len);
	if (!nl)
		nl = (const char *)b + len;
	tab1 = memchr(b, '\t', (size_t)(nl - (const char *)b));
	if (tab1 && (tab2 = memchr(tab1 + 1, '\t', (size_t)(nl - tab1 - 1))) && tab2 - tab1 > 1 &&
	    tab2 - tab1 <= 4 && !memchr(b, '/', (size_t)(tab1 - (const char *)b)))
		return ROUTES_PFX2AS;
	return ROUTES_TEXT;
}

/* ---- per-line readers ----------------------------------------------- */

/* An AS path as flat ASNs.  It grows as paths need: the origin is the last
 * AS however long the path, so there is no length to cut it at. */
struct aspath_buf {
	uint32_t *v;
	size_t n, cap;
};

static int aspath_reserve(struct aspath_buf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 64;
	uint32_t *v;

	if (n <= b->cap)
		return 0;
	while (cap < n)
		cap *= 2;
	v = realloc(b->v, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	b->v = v;
	b->cap = cap;
	return 0;
}

static int aspath_push(struct aspath_buf *b, uint32_t asn)
{
	if (aspath_reserve(b, b->n + 1))
		return -ENOMEM;
	b->v[b->n++] = asn;
	return 0;
}

struct reader {
	const char *name;
	const struct routes_opts *o;
	struct routes_stats *st;
	struct rib *rib;
	struct rtable *direct; /* text and pfx2as routes */
	struct aspath_buf path;
	uint64_t data;	  /* lines that carried a route, withdrawal or state */
	uint64_t skipped; /* malformed lines skipped under keep_going */
	unsigned long last_skipped;
	char err[192];
};

static int __attribute__((format(printf, 2, 3))) bad(struct reader *rd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rd->err, sizeof(rd->err), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* rib_announce's -ENOSPC, with the record or line it came from */
#define PATHS_FULL_FMT                                                                             \
	"more than %u paths for one prefix (one per peer and path id): the RIB's limit"

/* "4837 20485 {131279,64500}" -> ASNs, ends_in_set; confederation parts
 * ("(65001 65002)", "[65003]") are left out.  0, -EINVAL or -ENOMEM. */
static int parse_aspath_text(const char *s, struct aspath_buf *b, bool *ends_in_set)
{
	char close = 0; /* the bracket that ends the segment open, if any */

	b->n = 0;
	*ends_in_set = false;
	while (*s) {
		char *end;
		unsigned long v;

		if (*s == ' ' || *s == ',') {
			s++;
		} else if (*s == '{' || *s == '(' || *s == '[') {
			if (close)
				return -EINVAL; /* segments do not nest */
			close = *s == '{' ? '}' : *s == '(' ? ')' : ']';
			s++;
		} else if (*s == '}' || *s == ')' || *s == ']') {
			if (*s != close)
				return -EINVAL;
			*ends_in_set = close == '}';
			close = 0;
			s++;
		} else {
			if (*s < '0' || *s > '9')
				return -EINVAL;
			v = strtoul(s, &end, 10);
			if (v > UINT32_MAX)
				return -EINVAL;
			s = end;
			if (close == ')' || close == ']')
				continue; /* confederation: not part of the path's length */
			if (!close)
				*ends_in_set = false;
			if (aspath_push(b, (uint32_t)v))
				return -ENOMEM;
		}
	}
	return close ? -EINVAL : 0;
}

/* Fields of a `bgpdump -m` line, split on '|':
 *   0 type  1 time  2 entry (B, A, W or STATE)  3 peer address  4 peer AS
 *   STATE    5 old state  6 new state
 *   B, A, W  5 prefix  (6 path id, in *_AP lines)
 *   B, A     then 8 more: AS path, origin, next hop, local pref, MED,
 *            communities, AG|NAG, aggregator; and the empty field after the
 *            '|' bgpdump ends these lines with (optional here)
 * so at most 16 fields. */
#define BGPDUMP_FIELDS_MAX 16
#define BGPDUMP_ATTR_FIELDS 8

/* Splits on '|', keeping empty fields.  Returns the count, or max + 1 when
 * there are more than max. */
static int split_fields(char *line, char **f, int max)
{
	int n = 0;

	for (char *p = line;;) {
		if (n == max)
			return max + 1;
		f[n++] = p;
		p = strchr(p, '|');
		if (!p)
			return n;
		*p++ = 0;
	}
}

static int bgpdump_state(struct reader *rd, char **f, int nf, const struct rib_peer *peer,
			 uint32_t when)
{
	unsigned int old_state, new_state;

	if (nf != 7 || parse_u32(f[5], &old_state) || parse_u32(f[6], &new_state))
		return bad(rd, "a STATE line is TYPE|TIME|STATE|PEER|PEER_AS|OLD|NEW (%d fields)",
			   nf);
	if (new_state != BGP_STATE_ESTABLISHED)
		rib_peer_down(rd->rib, peer, when);
	return 1;
}

/* a: the 8 or 9 fields after the prefix (and path id) of a B or A line */
static int bgpdump_announce(struct reader *rd, char **a, int na, const struct rt_entry *pfx,
			    const struct rib_peer *peer, uint32_t path_id, uint32_t when)
{
	bool set;
	int err;

	if (na < BGPDUMP_ATTR_FIELDS || na > BGPDUMP_ATTR_FIELDS + 1 ||
	    (na > BGPDUMP_ATTR_FIELDS && *a[BGPDUMP_ATTR_FIELDS]))
		return bad(rd,
			   "%d fields after the prefix, expected %d (AS path, origin, next hop, "
			   "local pref, MED, communities, AG, aggregator): a line cut short?",
			   na, BGPDUMP_ATTR_FIELDS);
	if (strcmp(a[1], "IGP") && strcmp(a[1], "EGP") && strcmp(a[1], "INCOMPLETE"))
		return bad(rd, "bad origin '%s' (IGP, EGP or INCOMPLETE)", a[1]);
	err = parse_aspath_text(a[0], &rd->path, &set);
	if (err == -EINVAL)
		return bad(rd, "bad AS path '%s'", a[0]);
	if (err)
		return err;
	rd->st->announced++;
	err = rib_announce(rd->rib, pfx, peer, path_id, rd->path.v, rd->path.n, set, when);
	if (err == -ENOSPC)
		return bad(rd, PATHS_FULL_FMT, RIB_MAX_PATHS);
	return err ? err : 1;
}

static int bgpdump_line(struct reader *rd, char *line)
{
	char *f[BGPDUMP_FIELDS_MAX];
	int nf = split_fields(line, f, BGPDUMP_FIELDS_MAX), ap, fam, err;
	uint32_t when, path_id = 0;
	struct rib_peer peer = { 0 };
	struct rt_entry pfx;

	if (nf < 5)
		return bad(rd, "expected a bgpdump -m line, got %d field%s", nf,
			   nf == 1 ? "" : "s");
	if (nf > BGPDUMP_FIELDS_MAX)
		return bad(rd, "more than %d fields: not a bgpdump -m line", BGPDUMP_FIELDS_MAX);
	if (strncmp(f[0], "TABLE_DUMP", 10) && strncmp(f[0], "BGP4MP", 6))
		return bad(rd, "unknown record type '%s'", f[0]);
	ap = strstr(f[0], "_AP") != NULL;
	if (parse_u32(f[1], &when))
		return bad(rd, "bad time '%s'", f[1]);
	if (addr_parse(f[3], peer.ip, &fam))
		return bad(rd, "bad peer address '%s'", f[3]);
	peer.family = (uint8_t)fam;
	if (parse_asn(f[4], &peer.asn))
		return bad(rd, "bad peer AS '%s'", f[4]);
	if (!strcmp(f[2], "STATE"))
		return bgpdump_state(rd, f, nf, &peer, when);
	if (strcmp(f[2], "A") && strcmp(f[2], "B") && strcmp(f[2], "W"))
		return bad(rd, "unknown entry type '%s'", f[2]);
	if (nf < 6 || prefix_parse(f[5], &pfx, 1))
		return bad(rd, "bad prefix '%s'", nf < 6 ? "" : f[5]);
	if (ap && (nf < 7 || parse_u32(f[6], &path_id)))
		return bad(rd, "bad path id '%s'", nf < 7 ? "" : f[6]);
	if (strcmp(f[2], "W"))
		return bgpdump_announce(rd, f + 6 + ap, nf - 6 - ap, &pfx, &peer, path_id, when);
	if (nf != 6 + ap)
		return bad(rd, "a W line ends with the prefix%s (%d fields)",
			   ap ? " and path id" : "", nf);
	rd->st->withdrawn++;
	err = rib_withdraw(rd->rib, &pfx, &peer, path_id, when);
	return err ? err : 1;
}

/* CAIDA's ASN field: "131279", "64501_64500" (several origins: the lowest,
 * flag moas), "64500,64501" (an AS set: origin 0, flag as_set).  Every AS
 * number is checked. */
static int pfx2as_origin(struct reader *rd, char *asns, struct rt_route *r)
{
	bool set = strchr(asns, ',') != NULL;
	unsigned int a, best = 0, n = 0;
	char *tok, *save = NULL;

	for (tok = strtok_r(asns, "_,", &save); tok; tok = strtok_r(NULL, "_,", &save), n++) {
		if (parse_asn(tok, &a))
			return bad(rd, "bad AS number '%s'", tok);
		if (!n || a < best)
			best = a;
	}
	if (!n)
		return bad(rd, "no AS number in '%s'", asns);
	r->origin_asn = set ? 0 : best;
	r->flags = ASC_RF_NO_TRANSIT | (set ? ASC_RF_AS_SET : n > 1 ? ASC_RF_MOAS : 0);
	return 0;
}

static int pfx2as_line(struct reader *rd, char *line)
{
	char *addr, *len, *asns, *more, *save = NULL, buf[64];
	const char *sep = "\t \r";
	struct rt_entry e;
	int err;

	addr = strtok_r(line, sep, &save);
	if (!addr || *addr == '#')
		return 0;
	len = strtok_r(NULL, sep, &save);
	asns = strtok_r(NULL, sep, &save);
	more = strtok_r(NULL, sep, &save);
	if (!len || !asns)
		return bad(rd, "expected PREFIX<TAB>LENGTH<TAB>ASN, got '%s'", addr);
	if (more)
		return bad(rd, "expected PREFIX<TAB>LENGTH<TAB>ASN, got a fourth field '%s'", more);
	if (snprintf(buf, sizeof(buf), "%s/%s", addr, len) >= (int)sizeof(buf) ||
	    prefix_parse(buf, &e, 0))
		return bad(rd, "bad prefix '%s/%s'", addr, len);
	err = pfx2as_origin(rd, asns, &e.route);
	if (!err)
		err = rtable_add(rd->direct, &e);
	return err ? err : 1;
}

static int text_line(struct reader *rd, char *line)
{
	struct rt_entry e;
	int rc = routes_text_parse_line(line, &e, rd->err, sizeof(rd->err)), err;

	if (rc == 1 && (err = rtable_add(rd->direct, &e)))
		return err;
	return rc;
}

static const char *comp_name(enum mrtio_comp c)
{
	return c == MRTIO_GZIP ? "gzip" : c == MRTIO_BZIP2 ? "bzip2" : "plain";
}

/* A read error from a (decompressed) stream, at `line` ("" or ":7") and
 * `where` (" after byte 123 of the text").  mrtio_read gives -EIO for a
 * corrupt or cut compressed stream: bad input, -EINVAL. */
static int stream_error(const char *name, const char *line, const char *where, enum mrtio_comp comp,
			int err)
{
	if (err == -EIO && comp != MRTIO_PLAIN) {
		log_err("%s%s: corrupt or truncated %s data%s", name, line, comp_name(comp), where);
		return -EINVAL;
	}
	log_err("%s%s: read error%s: %s", name, line, where, strerror(-err));
	return err;
}

static int lines_error(struct reader *rd, const struct routes_text_lines *l, enum mrtio_comp comp,
		       int err)
{
	char line[32], where[64];

	if (err == -EINVAL) {
		log_err("%s:%lu: %s", rd->name, l->line, l->err);
		return err;
	}
	snprintf(line, sizeof(line), ":%lu", l->line);
	snprintf(where, sizeof(where), " after byte %llu of the text",
		 (unsigned long long)routes_text_lines_read_bytes(l));
	return stream_error(rd->name, line, where, comp, err);
}

typedef int (*line_fn)(struct reader *rd, char *line);

/* Each line through fn, which returns 1 for a line with data, 0 for a
 * comment or a negative errno (-EINVAL with rd->err for a bad line). */
static int read_lines(struct reader *rd, struct routes_text_lines *l, enum mrtio_comp comp,
		      line_fn fn)
{
	char *line;
	int rc;

	while ((rc = routes_text_lines_next(l, &line)) == 1) {
		rd->st->records++;
		if (!*line)
			continue;
		rd->err[0] = 0;
		rc = fn(rd, line);
		if (rc >= 0) {
			rd->data += (uint64_t)rc;
			continue;
		}
		if (rc == -EINVAL && rd->o->keep_going) {
			rd->st->bad++;
			rd->skipped++;
			rd->last_skipped = l->line;
			log_debug("%s:%lu: skipped: %s", rd->name, l->line, rd->err);
			continue;
		}
		log_err("%s:%lu: %s", rd->name, l->line, rd->err[0] ? rd->err : strerror(-rc));
		return rc;
	}
	if (rc < 0)
		return lines_error(rd, l, comp, rc);
	if (rd->skipped)
		log_warn("%s: skipped %llu malformed lines (the last: line %lu)", rd->name,
			 (unsigned long long)rd->skipped, rd->last_skipped);
	return 0;
}

/* ---- MRT ------------------------------------------------------------- */

static void peer_of(struct rib_peer *p, uint32_t asn, const struct mrt_ip *ip)
{
	memset(p, 0, sizeof(*p));
	p->asn = asn;
	p->family = ip->family;
	memcpy(p->ip, ip->a, 16);
}

static void pfx_of(struct rt_entry *e, const struct mrt_prefix *p)
{
	memset(e, 0, sizeof(*e));
	e->family = p->ip.family;
	e->plen = p->len;
	memcpy(e->addr, p->ip.a, 16);
	prefix_mask(e->addr, e->family, e->plen); /* host bits are not routes */
}

static int announce_attrs(struct rib *rib, struct aspath_buf *b, const struct mrt_prefix *p,
			  const struct rib_peer *peer, uint32_t path_id, const struct bgp_attrs *a,
			  uint32_t when)
{
	struct rt_entry e;
	bool set = false;
	uint32_t n;

	if ((p->ip.family == 4 && p->len > 32) || p->len > 128)
		return 0; /* bgpdump_compat only; never here */
	n = bgp_aspath_flat(&a->as_path, b->v, (uint32_t)b->cap, &set, NULL);
	if (n > b->cap) { /* the whole path, however long: its last AS is the origin */
		if (aspath_reserve(b, n))
			return -ENOMEM;
		n = bgp_aspath_flat(&a->as_path, b->v, (uint32_t)b->cap, &set, NULL);
	}
	pfx_of(&e, p);
	return rib_announce(rib, &e, peer, path_id, b->v, n, set, when);
}

static int mrt_apply(struct rib *rib, struct aspath_buf *b, const struct mrt_record *rec,
		     struct routes_stats *st)
{
	struct rib_peer peer;
	struct rt_entry e;
	int err = 0;

	switch (rec->kind) {
	case MRT_REC_RIB:
		if (rec->rib.safi != BGP_SAFI_UNICAST)
			return 0;
		for (uint16_t i = 0; i < rec->rib.n_entries && !err; i++) {
			const struct mrt_rib_entry *en = &rec->rib.entries[i];

			peer_of(&peer, en->peer->asn, &en->peer->ip);
			st->announced++;
			err = announce_attrs(rib, b, &rec->rib.prefix, &peer,
					     en->has_path_id ? en->path_id : 0, &en->attrs,
					     rec->timestamp);
		}
		return err;
	case MRT_REC_BGP4MP_STATE:
		peer_of(&peer, rec->bgp4mp.peer_asn, &rec->bgp4mp.peer_ip);
		if (rec->bgp4mp.new_state != BGP_STATE_ESTABLISHED)
			rib_peer_down(rib, &peer, rec->timestamp);
		return 0;
	case MRT_REC_BGP4MP_MESSAGE: {
		const struct bgp_update *u = &rec->bgp4mp.msg.update;
		const struct bgp_attrs *a = &u->attrs;

		if (rec->bgp4mp.msg.type != BGP_MSG_UPDATE || rec->bgp4mp.local)
			return 0;
		peer_of(&peer, rec->bgp4mp.peer_asn, &rec->bgp4mp.peer_ip);
		for (uint32_t i = 0; i < u->n_withdrawn && !err; i++, st->withdrawn++) {
			pfx_of(&e, &u->withdrawn[i]);
			err = rib_withdraw(rib, &e, &peer, u->withdrawn[i].path_id, rec->timestamp);
		}
		if (a->mp_unreach.present && a->mp_unreach.safi == BGP_SAFI_UNICAST)
			for (uint32_t i = 0; i < a->mp_unreach.n_withdrawn && !err;
			     i++, st->withdrawn++) {
				pfx_of(&e, &a->mp_unreach.withdrawn[i]);
				err = rib_withdraw(rib, &e, &peer,
						   a->mp_unreach.withdrawn[i].path_id,
						   rec->timestamp);
			}
		for (uint32_t i = 0; i < u->n_nlri && !err; i++, st->announced++)
			err = announce_attrs(rib, b, &u->nlri[i], &peer, u->nlri[i].path_id, a,
					     rec->timestamp);
		if (a->mp_reach.present && a->mp_reach.safi == BGP_SAFI_UNICAST)
			for (uint32_t i = 0; i < a->mp_reach.n_nlri && !err; i++, st->announced++)
				err = announce_attrs(rib, b, &a->mp_reach.nlri[i], &peer,
						     a->mp_reach.nlri[i].path_id, a,
						     rec->timestamp);
		return err;
	}
	default:
		return 0;
	}
}

/* Reads MRT from fd (taken over).  *records: how many the file had.  cur,
 * if not NULL, says which records to leave out (user/routes/snapshots.h). */
static int read_mrt(const char *name, int fd, const struct routes_opts *o, struct rib *rib,
		    struct routes_stats *st, uint64_t *records, struct snap_cursor *cur)
{
	struct mrt_opts mo = { .keep_going = o->keep_going };
	struct aspath_buf path = { 0 };
	const struct mrt_record *rec;
	const struct mrt_error *e;
	struct mrt_reader *r;
	int err = 0;

	r = fd >= 0 ? mrt_open_fd(fd, name, &mo) : NULL;
	if (!r) {
		err = -errno;
		log_err("%s: %s", name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return err;
	}
	while ((rec = mrt_next(r))) {
		char why[128];

		st->records++;
		if (cur && snap_skip(cur, rec))
			continue;
		err = mrt_apply(rib, &path, rec, st);
		if (!err)
			continue;
		if (err == -ENOSPC) /* a limit the input reached: bad input */
			snprintf(why, sizeof(why), PATHS_FULL_FMT, RIB_MAX_PATHS);
		else
			snprintf(why, sizeof(why), "%s", strerror(-err));
		log_err("%s: record %llu (offset %llu): %s", name,
			(unsigned long long)rec->record_no, (unsigned long long)rec->offset, why);
		err = err == -ENOSPC ? -EINVAL : err;
		break;
	}
	e = mrt_error(r);
	if (!err && e) {
		log_err("%s", e->text);
		err = e->err ? e->err : -EINVAL;
	}
	st->bad += mrt_stats(r)->bad_records;
	*records = mrt_stats(r)->records;
	if (!err && mrt_stats(r)->bad_records)
		log_warn("%s: skipped %llu malformed records (last: %s)", name,
			 (unsigned long long)mrt_stats(r)->bad_records,
			 mrt_last_skipped(r) ? mrt_last_skipped(r)->text : "?");
	if (!err && cur)
		snap_cursor_report(cur, name);
	mrt_close(r);
	free(path.v);
	return err;
}

/* ---- one file --------------------------------------------------------- */

#define SNIFF_BYTES 4096 /* decompressed bytes routes_sniff() looks at */

struct input {
	const char *name;
	int fd;	       /* the file; 0 for "-" */
	bool seekable; /* a regular file: it can be read again from start */
	off_t start;
	struct mrtio *m; /* the decompressed bytes, over a copy of fd */
	uint8_t head[SNIFF_BYTES];
	size_t head_len; /* head: the first bytes of m, already read */
};

static int input_open(const char *path, struct input *in)
{
	struct stat sb;
	int err;

	in->name = strcmp(path, "-") ? path : "(stdin)";
	in->fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	if (in->fd < 0 || fstat(in->fd, &sb)) {
		err = -errno;
		log_err("%s: %s", in->name, strerror(errno));
		return err;
	}
	if (S_ISDIR(sb.st_mode)) {
		log_err("%s: is a directory, not a routing file", in->name);
		return -EISDIR;
	}
	in->start = S_ISREG(sb.st_mode) ? lseek(in->fd, 0, SEEK_CUR) : -1;
	in->seekable = in->start >= 0;
	return 0;
}

static void input_close(struct input *in)
{
	if (in->m)
		mrtio_close(in->m);
	if (in->fd > 0)
		close(in->fd);
}

/* A copy of the descriptor for a reader that closes what it is given. */
static int input_dup(const struct input *in)
{
	int fd = fcntl(in->fd, F_DUPFD_CLOEXEC, 3);

	if (fd < 0)
		log_err("%s: %s", in->name, strerror(errno));
	return fd;
}

/* Opens the decompressed stream and reads its first bytes. */
static int input_stream(struct input *in)
{
	int fd = input_dup(in);
	long n;

	in->m = fd >= 0 ? mrtio_open_fd(fd, 0) : NULL;
	if (!in->m) {
		int err = fd >= 0 ? -errno : -EBADF;

		if (fd >= 0) {
			log_err("%s: %s", in->name, strerror(-err));
			close(fd);
		}
		return err;
	}
	n = mrtio_read(in->m, in->head, sizeof(in->head));
	if (n < 0) {
		char where[48];

		snprintf(where, sizeof(where), " within the first %u bytes", SNIFF_BYTES);
		return stream_error(in->name, "", where, mrtio_compression(in->m), (int)n);
	}
	in->head_len = (size_t)n;
	return 0;
}

static int sniff(struct input *in, enum routes_format *fmt)
{
	char hex[16 * 3 + 1] = "";
	size_t n = in->head_len < 16 ? in->head_len : 16;

	*fmt = routes_sniff(in->head, in->head_len);
	if (*fmt != ROUTES_UNKNOWN) {
		log_debug("%s: format %s", in->name, routes_format_name(*fmt));
		return 0;
	}
	for (size_t i = 0, o = 0; i < n; i++)
		o += (size_t)snprintf(hex + o, sizeof(hex) - o, "%s%02x", i ? " " : "",
				      in->head[i]);
	log_err("%s: unrecognised format: not MRT, bgpdump -m, pfx2as or text (first bytes%s: %s)",
		in->name, mrtio_compression(in->m) == MRTIO_PLAIN ? "" : " decompressed", hex);
	return -EINVAL;
}

static long stream_read(void *m, void *buf, size_t n)
{
	return mrtio_read(m, buf, n);
}

static int read_text(struct input *in, enum routes_format fmt, const struct routes_opts *o,
		     struct rib *rib, struct rtable *direct, struct routes_stats *st,
		     uint64_t *data)
{
	struct reader rd = { .name = in->name, .o = o, .st = st, .rib = rib, .direct = direct };
	struct routes_text_lines l;
	int err = routes_text_lines_init(&l, stream_read, in->m, in->head, in->head_len);

	if (!err)
		err = read_lines(&rd, &l, mrtio_compression(in->m),
				 fmt == ROUTES_BGPDUMP	? bgpdump_line
				 : fmt == ROUTES_PFX2AS ? pfx2as_line
							: text_line);
	routes_text_lines_free(&l);
	free(rd.path.v);
	*data = rd.data;
	return err;
}

/* MRT from a pipe, FIFO or terminal: the bytes read to guess the format
 * cannot be read again, so a thread passes them on, then the rest of the
 * decompressed stream, through a socket pair the MRT reader reads as its
 * file (bounded memory, however long the stream).  That reader sees plain
 * MRT and takes it as such unless it starts with a compression magic: the
 * one MRT stream this cannot read is one whose first record is stamped
 * 2005-04-11 17:42:00 to 17:46:15 UTC, the times that begin with "BZh". */
struct pump {
	struct mrtio *m;
	const uint8_t *head;
	size_t head_len;
	int out;
	long err;	/* mrtio_read's, 0 when the input ended cleanly */
	uint64_t bytes; /* passed on */
};

static int send_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static void *pump_run(void *arg)
{
	struct pump *p = arg;
	uint8_t buf[1 << 16];
	const uint8_t *src = p->head;
	long k = (long)p->head_len;

	while (k > 0 && !send_all(p->out, src, (size_t)k)) {
		p->bytes += (uint64_t)k;
		k = mrtio_read(p->m, buf, sizeof(buf));
		src = buf;
	}
	p->err = k < 0 ? k : 0;
	shutdown(p->out, SHUT_WR);
	return NULL;
}

static int read_mrt_stream(struct input *in, const struct routes_opts *o, struct rib *rib,
			   struct routes_stats *st, uint64_t *records, struct snap_cursor *cur)
{
	struct pump p = { .m = in->m, .head = in->head, .head_len = in->head_len };
	char where[64];
	pthread_t th;
	int sv[2], err;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		err = -errno;
		log_err("%s: socketpair: %s", in->name, strerror(errno));
		return err;
	}
	p.out = sv[1];
	err = -pthread_create(&th, NULL, pump_run, &p);
	if (err) {
		log_err("%s: start a thread: %s", in->name, strerror(-err));
		close(sv[0]);
		close(sv[1]);
		return err;
	}
	err = read_mrt(in->name, sv[0], o, rib, st, records, cur);
	pthread_cancel(th); /* it may still wait for input nobody reads now */
	pthread_join(th, NULL);
	close(sv[1]);
	if (!p.err)
		return err;
	snprintf(where, sizeof(where), " after byte %llu of the MRT data",
		 (unsigned long long)p.bytes);
	return stream_error(in->name, "", where, mrtio_compression(in->m), (int)p.err);
}

static int read_mrt_input(struct input *in, const struct routes_opts *o, struct rib *rib,
			  struct routes_stats *st, uint64_t *records, struct snap_cursor *cur)
{
	if (!in->m) /* nothing read yet: the MRT reader streams fd itself */
		return read_mrt(in->name, input_dup(in), o, rib, st, records, cur);
	if (!in->seekable)
		return read_mrt_stream(in, o, rib, st, records, cur);
	mrtio_close(in->m);
	in->m = NULL;
	if (lseek(in->fd, in->start, SEEK_SET) < 0) {
		log_err("%s: %s", in->name, strerror(errno));
		return -errno;
	}
	return read_mrt(in->name, input_dup(in), o, rib, st, records, cur);
}

static int read_one(const char *path, const struct routes_opts *o, struct rib *rib,
		    struct rtable *direct, struct routes_stats *st, struct snap_cursor *cur)
{
	enum routes_format fmt = o->format;
	struct input in = { 0 };
	uint64_t data = 0;
	int err = input_open(path, &in);

	if (!err && fmt != ROUTES_MRT) {
		err = input_stream(&in);
		if (!err && fmt == ROUTES_AUTO)
			err = sniff(&in, &fmt);
	}
	if (!err)
		err = fmt == ROUTES_MRT ? read_mrt_input(&in, o, rib, st, &data, cur)
					: read_text(&in, fmt, o, rib, direct, st, &data);
	input_close(&in);
	if (!err && !data && !o->allow_empty) {
		log_err("%s: no routes: the file is empty%s (allow_empty, or --allow-empty, "
			"accepts that)",
			in.name, fmt == ROUTES_MRT ? "" : " or has only comments and blank lines");
		err = -ENODATA;
	}
	return err;
}

/* Every file, or (unless merge_snapshots) the newest snapshot per
 * collector and the updates after it. */
static int read_files(const char *const *files, int n, const struct routes_opts *o, struct rib *rib,
		      struct rtable *direct, struct routes_stats *st)
{
	struct snap_plan plan = { 0 };
	int err = o->merge_snapshots || o->format == ROUTES_BGPDUMP || o->format == ROUTES_PFX2AS ||
				  o->format == ROUTES_TEXT
			  ? 0
			  : snap_plan_make(files, n, &plan);

	for (int i = 0; i < n && !err; i++) {
		struct snap_cursor cur = { .p = &plan, .file = i };

		if (plan.files && !plan.files[i].needed)
			continue;
		err = read_one(files[i], o, rib, direct, st, plan.files ? &cur : NULL);
	}
	snap_plan_free(&plan);
	return err;
}

int routes_read(const char *const *files, int n, const struct routes_opts *o, struct rtable *t,
		struct rib **rib_out, struct routes_stats *st)
{
	struct routes_stats dummy;
	struct rtable direct = { 0 };
	struct rib *rib = rib_new();
	int err = 0;

	if (!st)
		st = &dummy;
	memset(st, 0, sizeof(*st));
	if (!rib)
		return -ENOMEM;
	err = read_files(files, n, o, rib, &direct, st);
	if (!err)
		err = rib_to_rtable(rib, o->upstreams, t);
	/* direct routes after the resolved ones: they win for the same prefix */
	for (size_t i = 0; !err && i < direct.n; i++)
		err = rtable_add(t, &direct.v[i]);
	rtable_free(&direct);
	if (!err && rtable_sort_dedup(t) == (size_t)-1)
		err = -ENOMEM;
	if (!err && !t->n && !o->allow_empty) {
		log_err("no routes: every route in the input was withdrawn (allow_empty, or "
			"--allow-empty, accepts that)");
		err = -ENODATA;
	}
	if (err) {
		t->n = 0;
		rib_free(rib);
		return err;
	}
	if (rib_out)
		*rib_out = rib;
	else
		rib_free(rib);
	return 0;
}
