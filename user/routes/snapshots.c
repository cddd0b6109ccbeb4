// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/routes/snapshots.c - the newest TABLE_DUMP_V2 snapshot per collector
 * and the updates after it (user/routes/snapshots.h says the rule).  The
 * scan reads MRT headers and skips bodies; only PEER_INDEX_TABLEs go
 * through the MRT decoder.  Must not: decide anything about a file it could
 * not scan whole (the reader reads such a file and names its fault). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bgp/mrtio.h"
#include "common/log.h"
#include "routes/snapshots.h"

#define SCAN_MAX_RECORD (16U << 20) /* as routes_sniff(): larger is no MRT */

/* Reads exactly n bytes (dst NULL: discards them).  1, 0 at a clean end
 * before any byte, -1 otherwise. */
static int scan_read(struct mrtio *m, uint8_t *dst, size_t n)
{
	uint8_t junk[1 << 14];
	size_t got = 0;

	while (got < n) {
		size_t want = n - got;
		long k;

		if (!dst && want > sizeof(junk))
			want = sizeof(junk);
		k = mrtio_read(m, dst ? dst + got : junk, want);
		if (k <= 0)
			return !k && !got ? 0 : -1;
		got += (size_t)k;
	}
	return 1;
}

static int seg_add(struct snap_plan *p, int file, const struct mrt_record *rec)
{
	const struct mrt_peer_index *pit = &rec->pit;
	struct snap_seg *v = realloc(p->segs, (p->n_segs + 1) * sizeof(*v)), *s;

	if (!v)
		return -ENOMEM;
	p->segs = v;
	s = &v[p->n_segs];
	memset(s, 0, sizeof(*s));
	s->collector = pit->collector_id;
	s->time = rec->timestamp;
	s->file = file;
	s->view = strdup(pit->view_name);
	s->peers = calloc(pit->n_peers ? pit->n_peers : 1, sizeof(*s->peers));
	if (!s->view || !s->peers) {
		free(s->view);
		free(s->peers);
		return -ENOMEM;
	}
	memcpy(s->peers, pit->peers, pit->n_peers * sizeof(*s->peers));
	s->n_peers = pit->n_peers;
	p->n_segs++;
	return 0;
}

static int upd_add(struct snap_file *f, const struct mrt_record *rec)
{
	const struct mrt_bgp4mp *m = &rec->bgp4mp;
	struct snap_upd_peer *v;

	for (size_t i = 0; i < f->n_upd; i++)
		if (f->upd[i].asn == m->peer_asn &&
		    !memcmp(&f->upd[i].ip, &m->peer_ip, sizeof(m->peer_ip))) {
			if (rec->timestamp > f->upd[i].newest)
				f->upd[i].newest = rec->timestamp;
			return 0;
		}
	v = realloc(f->upd, (f->n_upd + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	f->upd = v;
	v[f->n_upd++] = (struct snap_upd_peer){ .ip = m->peer_ip,
						.asn = m->peer_asn,
						.newest = rec->timestamp };
	return 0;
}

/* A PEER_INDEX_TABLE or BGP4MP record, header and body, through the MRT
 * decoder.  0, -EINVAL (undecodable: the reader names it) or -ENOMEM. */
static int scan_decoded(struct snap_plan *p, int file, uint8_t *rec, uint32_t len, uint64_t no)
{
	struct mrt_reader *r = mrt_open_mem(rec, 12 + (size_t)len, NULL, NULL);
	const struct mrt_record *m = r ? mrt_next(r) : NULL;
	int err = m ? 0 : -EINVAL;

	if (m && m->kind == MRT_REC_PEER_INDEX) {
		err = seg_add(p, file, m);
		if (!err) {
			p->segs[p->n_segs - 1].record_no = no;
			p->files[file].n_segs++;
		}
	} else if (m && (m->kind == MRT_REC_BGP4MP_MESSAGE || m->kind == MRT_REC_BGP4MP_STATE)) {
		err = upd_add(&p->files[file], m);
	}
	if (r)
		mrt_close(r);
	return err;
}

/* One record after its 12 header bytes h. */
static int scan_record(struct snap_plan *p, int file, struct mrtio *m, uint8_t *h, uint64_t no)
{
	struct snap_file *f = &p->files[file];
	uint16_t type = (uint16_t)(h[4] << 8 | h[5]), sub = (uint16_t)(h[6] << 8 | h[7]);
	uint32_t len = (uint32_t)h[8] << 24 | h[9] << 16 | h[10] << 8 | h[11];
	bool pit = type == MRT_TYPE_TABLE_DUMP_V2 && sub == MRT_TD2_PEER_INDEX_TABLE;
	uint8_t *rec;
	int err;

	if (len > SCAN_MAX_RECORD)
		return -EINVAL;
	if (!pit && type != MRT_TYPE_BGP4MP && type != MRT_TYPE_BGP4MP_ET) {
		if (type != MRT_TYPE_TABLE_DUMP_V2 || !f->n_segs)
			f->has_other = true;
		return scan_read(m, NULL, len) == 1 ? 0 : -EINVAL;
	}
	rec = malloc(12 + (size_t)len);
	if (!rec)
		return -ENOMEM;
	memcpy(rec, h, 12);
	err = scan_read(m, rec + 12, len) == 1 ? scan_decoded(p, file, rec, len, no) : -EINVAL;
	free(rec);
	return err;
}

/* Scans one regular file; anything else is left unscanned.  -ENOMEM only. */
static int scan_file(struct snap_plan *p, int file, const char *path)
{
	struct snap_file *f = &p->files[file];
	size_t segs_before = p->n_segs;
	struct mrtio *m = NULL;
	uint8_t h[12];
	uint64_t no = 0;
	struct stat sb;
	int fd = -1, rc = 0, err = 0;

	f->first_seg = p->n_segs;
	/* stat first: opening a FIFO would take its writer from the reader */
	if (strcmp(path, "-") && !stat(path, &sb) && S_ISREG(sb.st_mode))
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		m = mrtio_open_fd(fd, 0);
	if (!m) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while (!err && (rc = scan_read(m, h, sizeof(h))) == 1) {
		uint16_t type = (uint16_t)(h[4] << 8 | h[5]);

		if (type < MRT_TYPE_TABLE_DUMP || type > MRT_TYPE_BGP4MP_ET)
			err = -EINVAL; /* not MRT, or not what asclass reads */
		else
			err = scan_record(p, file, m, h, ++no);
	}
	mrtio_close(m);
	if (err == -ENOMEM)
		return err;
	f->scanned = !err && !rc && no;
	if (!f->scanned) { /* the reader reads it whole */
		for (size_t i = segs_before; i < p->n_segs; i++) {
			free(p->segs[i].view);
			free(p->segs[i].peers);
		}
		p->n_segs = segs_before;
		f->n_segs = 0;
		free(f->upd);
		f->upd = NULL;
		f->n_upd = 0;
	}
	return 0;
}

static bool same_collector(const struct snap_seg *a, const struct snap_seg *b)
{
	return !memcmp(&a->collector, &b->collector, sizeof(a->collector)) &&
	       !strcmp(a->view, b->view);
}

static const char *time_fmt(uint32_t t, char *buf, size_t len)
{
	time_t tt = t;
	struct tm tm;

	strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", gmtime_r(&tt, &tm));
	return buf;
}

/* Counts each collector's newest snapshot; logs the others. */
static void choose(struct snap_plan *p, const char *const *files)
{
	for (size_t i = 0; i < p->n_segs; i++) {
		struct snap_seg *s = &p->segs[i];
		const struct snap_seg *newer = NULL;
		char ip[64], when[32];

		for (size_t j = 0; j < p->n_segs && !newer; j++)
			if (j != i && same_collector(s, &p->segs[j]) &&
			    (p->segs[j].time > s->time || (p->segs[j].time == s->time && j > i)))
				newer = &p->segs[j];
		s->counted = !newer;
		if (newer)
			log_info("%s: record %llu: snapshot of collector %s view '%s' at %s left "
				 "out: %s has a newer one",
				 files[s->file], (unsigned long long)s->record_no,
				 mrt_ip_fmt(&s->collector, ip, sizeof(ip)), s->view,
				 time_fmt(s->time, when, sizeof(when)), files[newer->file]);
	}
}

/* The counted snapshot newer than `when` that lists the record's peer. */
static const struct snap_seg *newer_for_peer(const struct snap_plan *p, const struct mrt_ip *ip,
					     uint32_t asn, uint32_t when)
{
	for (size_t i = 0; i < p->n_segs; i++) {
		const struct snap_seg *s = &p->segs[i];

		if (!s->counted || s->time <= when)
			continue;
		for (uint16_t k = 0; k < s->n_peers; k++)
			if (s->peers[k].asn == asn && !memcmp(&s->peers[k].ip, ip, sizeof(*ip)))
				return s;
	}
	return NULL;
}

/* Whether anything in file f counts. */
static bool needed(const struct snap_plan *p, const struct snap_file *f)
{
	if (!f->scanned || f->has_other)
		return true;
	for (size_t i = 0; i < f->n_upd; i++)
		if (!newer_for_peer(p, &f->upd[i].ip, f->upd[i].asn, f->upd[i].newest))
			return true;
	for (size_t i = f->first_seg; i < f->first_seg + f->n_segs; i++)
		if (p->segs[i].counted)
			return true;
	return false;
}

int snap_plan_make(const char *const *files, int n, struct snap_plan *p)
{
	int err = 0;

	memset(p, 0, sizeof(*p));
	p->files = calloc(n > 0 ? (size_t)n : 1, sizeof(*p->files));
	if (!p->files)
		return -ENOMEM;
	p->n_files = n;
	for (int i = 0; i < n && !err; i++)
		err = scan_file(p, i, files[i]);
	if (err) {
		snap_plan_free(p);
		return err;
	}
	choose(p, files);
	for (int i = 0; i < n; i++) {
		p->files[i].needed = needed(p, &p->files[i]);
		if (!p->files[i].needed)
			log_info("%s: not read: its snapshots are left out and its updates are "
				 "older than the snapshots of their peers",
				 files[i]);
	}
	return 0;
}

void snap_plan_free(struct snap_plan *p)
{
	for (size_t i = 0; i < p->n_segs; i++) {
		free(p->segs[i].view);
		free(p->segs[i].peers);
	}
	for (int i = 0; i < p->n_files; i++)
		free(p->files[i].upd);
	free(p->segs);
	free(p->files);
	memset(p, 0, sizeof(*p));
}

bool snap_skip(struct snap_cursor *c, const struct mrt_record *rec)
{
	const struct snap_file *f = &c->p->files[c->file];

	if (rec->kind == MRT_REC_PEER_INDEX) {
		c->seg += c->in_seg;
		c->in_seg = true;
		return false;
	}
	if (rec->kind == MRT_REC_RIB && rec->type == MRT_TYPE_TABLE_DUMP_V2) {
		bool skip = f->scanned && c->in_seg && c->seg < f->n_segs &&
			    !c->p->segs[f->first_seg + c->seg].counted;

		c->skipped_rib += skip;
		return skip;
	}
	if ((rec->kind == MRT_REC_BGP4MP_MESSAGE || rec->kind == MRT_REC_BGP4MP_STATE) &&
	    newer_for_peer(c->p, &rec->bgp4mp.peer_ip, rec->bgp4mp.peer_asn, rec->timestamp)) {
		c->skipped_updates++;
		if (rec->timestamp > c->newest_skipped)
			c->newest_skipped = rec->timestamp;
		return true;
	}
	return false;
}

void snap_cursor_report(const struct snap_cursor *c, const char *name)
{
	char when[32];

	if (c->skipped_updates)
		log_info("%s: skipped %llu update records older than the snapshot of their peer "
			 "(the newest skipped: %s)",
			 name, (unsigned long long)c->skipped_updates,
			 time_fmt(c->newest_skipped, when, sizeof(when)));
	if (c->skipped_rib)
		log_debug("%s: left out %llu RIB records of older snapshots", name,
			  (unsigned long long)c->skipped_rib);
}
