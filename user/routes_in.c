// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/routes_in.c - routing data in any supported format -> route table.
 * MRT and bgpdump text feed one RIB (user/rib.c); text and pfx2as lines are
 * routes already.  Compressed input is handled by user/mrtio.c for all. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cmd.h"
#include "log.h"
#include "mrt.h"
#include "mrtio.h"
#include "routes_in.h"
#include "routes_text.h"

#define PATH_MAX_ASNS 1024 /* longer AS paths are cut: only both ends matter */

static const char *const fmt_names[] = {
	[ROUTES_AUTO] = "auto",	    [ROUTES_MRT] = "mrt",   [ROUTES_BGPDUMP] = "bgpdump",
	[ROUTES_PFX2AS] = "pfx2as", [ROUTES_TEXT] = "text",
};

int routes_format_parse(const char *s, enum routes_format *f)
{
	for (size_t i = 0; i < sizeof(fmt_names) / sizeof(fmt_names[0]); i++)
		if (!strcmp(s, fmt_names[i])) {
			*f = (enum routes_format)i;
			return 0;
		}
	return -EINVAL;
}

const char *routes_format_name(enum routes_format f)
{
	return f <= ROUTES_TEXT ? fmt_names[f] : "?";
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

/* ---- input streams ---------------------------------------------------- */

/* Standard input cannot be read twice (sniffing, then reading), so it is
 * copied into an anonymous memory file first; returns its fd. */
static int stdin_to_memfd(void)
{
	char buf[1 << 16];
	ssize_t n;
	int fd = memfd_create("asclass-stdin", MFD_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((n = read(0, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n) {
			close(fd);
			return -EIO;
		}
	if (n < 0 || lseek(fd, 0, SEEK_SET)) {
		close(fd);
		return -errno;
	}
	return fd;
}

static ssize_t cookie_read(void *c, char *buf, size_t n)
{
	long r = mrtio_read(c, buf, n);

	return r < 0 ? -1 : r;
}

static int cookie_close(void *c)
{
	mrtio_close(c);
	return 0;
}

/* A FILE over the decompressed bytes of fd (taken over). */
static FILE *text_stream(int fd)
{
	cookie_io_functions_t io = { .read = cookie_read, .close = cookie_close };
	struct mrtio *m = mrtio_open_fd(fd, 0);

	if (!m)
		return NULL;
	return fopencookie(m, "r", io);
}

/* ---- per-line readers ----------------------------------------------- */

struct reader {
	const char *name;
	unsigned long line;
	const struct routes_opts *o;
	struct routes_stats *st;
	struct rib *rib;
	struct rtable *direct; /* text and pfx2as routes */
	char err[192];
};

/* "4837 20485 {131279,64500}" -> ASNs, ends_in_set; confederation parts
 * ("(65001 65002)", "[65003]") are left out.  Returns count or -EINVAL. */
static int parse_aspath_text(char *s, uint32_t *out, int max, bool *ends_in_set)
{
	int n = 0, depth = 0; /* depth: 1 inside {}, 2 inside () or [] */
	char *tok, *save = NULL;

	*ends_in_set = false;
	for (tok = strtok_r(s, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		while (*tok) {
			char *end;
			unsigned long v;

			if (*tok == '{') {
				depth = 1;
				tok++;
				continue;
			}
			if (*tok == '(' || *tok == '[') {
				depth = 2;
				tok++;
				continue;
			}
			if (*tok == '}' || *tok == ')' || *tok == ']') {
				if (*tok == '}')
					*ends_in_set = true;
				depth = 0;
				tok++;
				continue;
			}
			if (*tok == ',') {
				tok++;
				continue;
			}
			v = strtoul(tok, &end, 10);
			if (end == tok || v > UINT32_MAX)
				return -EINVAL;
			tok = end;
			if (depth == 2)
				continue;
			if (depth == 0)
				*ends_in_set = false;
			if (n < max)
				out[n] = (uint32_t)v;
			n++;
		}
	}
	return n > max ? max : n;
}

static int bad(struct reader *rd, const char *fmt, const char *what)
{
	snprintf(rd->err, sizeof(rd->err), fmt, what);
	return -EINVAL;
}

static int bgpdump_line(struct reader *rd, char *line)
{
	char *f[16], *save = NULL, *p;
	int nf = 0, ap, err;
	uint32_t path[PATH_MAX_ASNS], when, path_id = 0;
	struct rib_peer peer = { 0 };
	struct rt_entry pfx;
	bool set;
	int fam;

	/* split on '|' keeping empty fields */
	for (p = line; nf < 16;) {
		f[nf++] = p;
		p = strchr(p, '|');
		if (!p)
			break;
		*p++ = 0;
	}
	(void)save;
	if (nf < 5)
		return bad(rd, "expected a bgpdump -m line, got %s", "too few fields");
	ap = strstr(f[0], "_AP") != NULL;
	if (strncmp(f[0], "TABLE_DUMP", 10) && strncmp(f[0], "BGP4MP", 6))
		return bad(rd, "unknown record type '%s'", f[0]);
	when = (uint32_t)strtoul(f[1], NULL, 10);
	if (addr_parse(f[3], peer.ip, &fam))
		return bad(rd, "bad peer address '%s'", f[3]);
	peer.family = (uint8_t)fam;
	if (parse_asn(f[4], &peer.asn))
		return bad(rd, "bad peer AS '%s'", f[4]);
	if (!strcmp(f[2], "STATE")) {
		if (nf < 7)
			return bad(rd, "%s line needs old and new state", "STATE");
		if (strtoul(f[6], NULL, 10) != BGP_STATE_ESTABLISHED)
			rib_peer_down(rd->rib, &peer, when);
		return 0;
	}
	if (nf < 6 || prefix_parse(f[5], &pfx, 1))
		return bad(rd, "bad prefix '%s'", nf < 6 ? "" : f[5]);
	if (ap) {
		if (nf < 7 || parse_u32(f[6], &path_id))
			return bad(rd, "bad path id '%s'", nf < 7 ? "" : f[6]);
	}
	if (!strcmp(f[2], "W")) {
		rd->st->withdrawn++;
		return rib_withdraw(rd->rib, &pfx, &peer, path_id, when);
	}
	if (strcmp(f[2], "A") && strcmp(f[2], "B"))
		return bad(rd, "unknown entry type '%s'", f[2]);
	if (nf < 7 + ap)
		return bad(rd, "%s line has no AS path", f[2]);
	err = parse_aspath_text(f[6 + ap], path, PATH_MAX_ASNS, &set);
	if (err < 0)
		return bad(rd, "bad AS path '%s'", f[6 + ap]);
	rd->st->announced++;
	return rib_announce(rd->rib, &pfx, &peer, path_id, path, (size_t)err, set, when);
}

static int pfx2as_line(struct reader *rd, char *line)
{
	char *addr, *len, *asns, *save = NULL, buf[64];
	struct rt_entry e;
	unsigned int a, best = 0;
	char *tok, *s2 = NULL;
	int n = 0;

	addr = strtok_r(line, "\t \r\n", &save);
	len = strtok_r(NULL, "\t \r\n", &save);
	asns = strtok_r(NULL, "\t \r\n", &save);
	if (!addr || *addr == '#')
		return 0;
	if (!len || !asns)
		return bad(rd, "expected PREFIX<TAB>LENGTH<TAB>ASN, got '%s'", addr);
	snprintf(buf, sizeof(buf), "%s/%s", addr, len);
	if (prefix_parse(buf, &e, 0))
		return bad(rd, "bad prefix '%s'", buf);
	if (strchr(asns, ',')) {
		e.route.flags = ASC_RF_AS_SET | ASC_RF_NO_TRANSIT;
	} else {
		for (tok = strtok_r(asns, "_", &s2); tok; tok = strtok_r(NULL, "_", &s2), n++) {
			if (parse_asn(tok, &a))
				return bad(rd, "bad AS number '%s'", tok);
			if (!n || a < best)
				best = a;
		}
		e.route.origin_asn = best;
		e.route.flags = ASC_RF_NO_TRANSIT | (n > 1 ? ASC_RF_MOAS : 0);
	}
	return rtable_add(rd->direct, &e);
}

static int text_line(struct reader *rd, char *line)
{
	struct rt_entry e;
	int rc = routes_text_parse_line(line, &e, rd->err, sizeof(rd->err));

	return rc == 1 ? rtable_add(rd->direct, &e) : rc;
}

static int read_lines(struct reader *rd, FILE *f, int (*fn)(struct reader *, char *))
{
	size_t cap = 0;
	char *line = NULL;
	ssize_t len;
	int err = 0;

	while ((len = getline(&line, &cap, f)) >= 0) {
		rd->line++;
		rd->st->records++;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = 0;
		if (!len)
			continue;
		rd->err[0] = 0;
		err = fn(rd, line);
		if (err == -EINVAL && rd->o->keep_going) {
			rd->st->bad++;
			log_debug("%s:%lu: skipped: %s", rd->name, rd->line, rd->err);
			err = 0;
			continue;
		}
		if (err) {
			log_err("%s:%lu: %s", rd->name, rd->line,
				rd->err[0] ? rd->err : strerror(-err));
			break;
		}
	}
	if (!err && ferror(f)) {
		log_err("%s: read error (corrupt compressed data?)", rd->name);
		err = -EIO;
	}
	free(line);
	return err;
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

static int announce_attrs(struct rib *rib, const struct mrt_prefix *p, const struct rib_peer *peer,
			  uint32_t path_id, const struct bgp_attrs *a, uint32_t when)
{
	uint32_t stack[PATH_MAX_ASNS], *path = stack, n;
	struct rt_entry e;
	bool set = false;
	int err;

	if ((p->ip.family == 4 && p->len > 32) || p->len > 128)
		return 0; /* bgpdump_compat only; never here */
	n = bgp_aspath_flat(&a->as_path, path, PATH_MAX_ASNS, &set, NULL);
	if (n > PATH_MAX_ASNS) { /* a longer path (legal): flattened again whole */
		path = malloc(n * sizeof(*path));
		if (!path)
			return -ENOMEM;
		bgp_aspath_flat(&a->as_path, path, n, &set, NULL);
	}
	pfx_of(&e, p);
	err = rib_announce(rib, &e, peer, path_id, path, n, set, when);
	if (path != stack)
		free(path);
	return err;
}

static int mrt_apply(struct rib *rib, const struct mrt_record *rec, struct routes_stats *st)
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
			err = announce_attrs(rib, &rec->rib.prefix, &peer,
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
			err = announce_attrs(rib, &u->nlri[i], &peer, u->nlri[i].path_id, a,
					     rec->timestamp);
		if (a->mp_reach.present && a->mp_reach.safi == BGP_SAFI_UNICAST)
			for (uint32_t i = 0; i < a->mp_reach.n_nlri && !err; i++, st->announced++)
				err = announce_attrs(rib, &a->mp_reach.nlri[i], &peer,
						     a->mp_reach.nlri[i].path_id, a,
						     rec->timestamp);
		return err;
	}
	default:
		return 0;
	}
}

static int read_mrt(const char *name, int fd, const struct routes_opts *o, struct rib *rib,
		    struct routes_stats *st)
{
	struct mrt_opts mo = { .keep_going = o->keep_going };
	const struct mrt_record *rec;
	const struct mrt_error *e;
	struct mrt_reader *r;
	int err = 0;

	r = mrt_open_fd(fd, name, &mo);
	if (!r) {
		err = -errno;
		log_err("%s: %s", name, strerror(errno));
		close(fd);
		return err;
	}
	while ((rec = mrt_next(r))) {
		st->records++;
		err = mrt_apply(rib, rec, st);
		if (err) {
			log_err("%s: record %llu (offset %llu): %s", name,
				(unsigned long long)rec->record_no, (unsigned long long)rec->offset,
				strerror(-err));
			break;
		}
	}
	e = mrt_error(r);
	if (!err && e) {
		log_err("%s", e->text);
		err = e->err ? e->err : -EINVAL;
	}
	st->bad += mrt_stats(r)->bad_records;
	if (!err && mrt_stats(r)->bad_records)
		log_warn("%s: skipped %llu malformed records (last: %s)", name,
			 (unsigned long long)mrt_stats(r)->bad_records,
			 mrt_last_skipped(r) ? mrt_last_skipped(r)->text : "?");
	mrt_close(r);
	return err;
}

/* ---- one file --------------------------------------------------------- */

static int read_one(const char *path, const struct routes_opts *o, struct rib *rib,
		    struct rtable *direct, struct routes_stats *st)
{
	const char *name = strcmp(path, "-") ? path : "(stdin)";
	enum routes_format fmt = o->format;
	struct reader rd = { .name = name, .o = o, .st = st, .rib = rib, .direct = direct };
	int fd, err;
	FILE *f;

	fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : stdin_to_memfd();
	if (fd < 0) {
		err = strcmp(path, "-") ? -errno : fd;
		log_err("%s: %s", name, strerror(-err));
		return err;
	}
	if (fmt == ROUTES_AUTO) {
		uint8_t head[4096];
		int peek = dup(fd);
		struct mrtio *m = peek >= 0 ? mrtio_open_fd(peek, 0) : NULL;
		long n = m ? mrtio_read(m, head, sizeof(head)) : -EIO;

		if (m)
			mrtio_close(m); /* closes peek */
		else if (peek >= 0)
			close(peek);
		if (n < 0 || lseek(fd, 0, SEEK_SET)) {
			log_err("%s: cannot read: %s", name,
				n < 0 ? strerror((int)-n) : strerror(errno));
			close(fd);
			return -EIO;
		}
		fmt = routes_sniff(head, (size_t)n);
		log_debug("%s: format %s", name, routes_format_name(fmt));
	}
	if (fmt == ROUTES_MRT)
		return read_mrt(name, fd, o, rib, st);
	f = text_stream(fd);
	if (!f) {
		err = -errno;
		log_err("%s: %s", name, strerror(errno));
		close(fd);
		return err;
	}
	err = read_lines(&rd, f,
			 fmt == ROUTES_BGPDUMP	? bgpdump_line
			 : fmt == ROUTES_PFX2AS ? pfx2as_line
						: text_line);
	fclose(f);
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
	for (int i = 0; i < n && !err; i++)
		err = read_one(files[i], o, rib, &direct, st);
	if (!err)
		err = rib_to_rtable(rib, t);
	/* direct routes after the resolved ones: they win for the same prefix */
	for (size_t i = 0; !err && i < direct.n; i++)
		err = rtable_add(t, &direct.v[i]);
	rtable_free(&direct);
	if (!err && rtable_sort_dedup(t) == (size_t)-1)
		err = -ENOMEM;
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
