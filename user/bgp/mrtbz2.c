// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/bgp/mrtbz2.c - block-parallel bzip2 decompression of a regular file.
 *
 * A bzip2 stream is a header "BZh1".."BZh9" and blocks that each start with
 * the 48-bit magic 0x314159265359 (at any bit offset) and carry their own
 * CRC, then the end-of-stream magic 0x177245385090 and a combined CRC.
 * Every block decodes on its own: a worker copies its bits into a new
 * one-block stream (header + block + end magic + the block's CRC, which is
 * the combined CRC of a one-block stream) and hands it to libbz2.  Workers
 * take blocks in file order; the reader gets their output in that order.
 * Memory: a few compressed and decompressed blocks per worker, never the
 * file.  Anything unexpected (a magic that was really data, garbage after
 * a stream, a bad block) makes the caller fall back to sequential reading
 * (mrtbz2_read returns -EAGAIN with the count of bytes already delivered),
 * so output is always what libbz2 itself gives.
 */
#include <bzlib.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bgp/be.h"
#include "bgp/mrtbz2.h"

#define BLOCK_MAGIC 0x314159265359ULL
#define EOS_MAGIC 0x177245385090ULL
#define WIN (4U << 20)		   /* scan window */
#define MAX_BLOCK_BYTES (2U << 20) /* a compressed block is < 1 MB; more means a bad guess */

enum slot_state { SLOT_FREE, SLOT_BUSY, SLOT_DONE, SLOT_FAILED, SLOT_END };

struct slot {
	enum slot_state st;
	uint64_t seq;
	uint8_t *in;
	size_t in_cap;
	uint8_t *out;
	size_t out_len, out_cap;
};

struct mrtbz2 {
	int fd;
	off_t size;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int nworkers;
	pthread_t th[MRTBZ2_MAX_WORKERS];
	int nslots;
	struct slot *slots;
	/* scanner (under mu) */
	uint8_t *win;
	off_t win_off;
	size_t win_len;
	uint64_t next_bit; /* bit offset of the next block magic */
	uint32_t crc;	   /* combined CRC of the current stream's blocks so far */
	off_t first_end;   /* first_only: the byte after the first stream, or -1 */
	char level;
	uint64_t next_seq; /* next block number to hand out */
	bool scan_end, scan_err;
	bool first_only; /* stop after the first stream (bgpdump) */
	/* consumer */
	uint64_t cseq;
	size_t cpos;
	uint64_t delivered;
	bool stop;
};

static const uint8_t *win_at(struct mrtbz2 *z, off_t off, size_t need)
{
	if (off >= z->win_off && (size_t)(off - z->win_off) + need <= z->win_len)
		return z->win + (off - z->win_off);
	ssize_t r = pread(z->fd, z->win, WIN, off);
	if (r < 0)
		return NULL;
	z->win_off = off;
	z->win_len = (size_t)r;
	if ((size_t)r < need)
		return NULL;
	return z->win;
}

/* Next block or end-of-stream magic at or after bit `from`: its bit offset
 * and whether it is EOS; false at end of file. */
static bool find_magic(struct mrtbz2 *z, uint64_t from, uint64_t *at, bool *eos)
{
	off_t off = (off_t)(from / 8);
	bool cand[256] = { false };

	/* magic bits 8-s .. 15-s, for a magic starting at bit s of the byte before */
	for (int s = 0; s < 8; s++) {
		cand[(BLOCK_MAGIC >> (32 + s)) & 0xff] = true;
		cand[(EOS_MAGIC >> (32 + s)) & 0xff] = true;
	}

	while (off + 6 <= z->size) {
		size_t avail;
		const uint8_t *p =
			win_at(z, off, 64 <= z->size - off ? 64 : (size_t)(z->size - off));
		if (!p)
			return false;
		avail = z->win_len - (size_t)(off - z->win_off);
		for (size_t i = 0; i + 8 <= avail; i++) {
			/* byte i+1 lies inside a magic starting anywhere in byte i:
			 * a table of the 16 bytes it can be skips almost every i */
			if (!cand[p[i + 1]])
				continue;
			uint64_t w = 0;
			for (int k = 0; k < 8; k++)
				w = w << 8 | p[i + k];
			/* bits of this 64-bit window: magic may start at bit s of byte i */
			for (int s = 0; s < 8; s++) {
				uint64_t m = (w >> (16 - s)) & 0xFFFFFFFFFFFFULL;
				if (m != BLOCK_MAGIC && m != EOS_MAGIC)
					continue;
				uint64_t bit = (uint64_t)(off + (off_t)i) * 8 + (uint64_t)s;
				if (bit < from)
					continue;
				*at = bit;
				*eos = m == EOS_MAGIC;
				return true;
			}
		}
		if (avail < 8)
			return false;
		off += (off_t)(avail - 7);
	}
	return false;
}

/* The next byte after a stream's end: a new "BZh?" header or end of file. */
static int stream_header(struct mrtbz2 *z, off_t off)
{
	const uint8_t *p = win_at(z, off, 4);

	if (!p || p[0] != 'B' || p[1] != 'Z' || p[2] != 'h' || p[3] < '1' || p[3] > '9')
		return -1;
	z->level = (char)p[3];
	z->next_bit = (uint64_t)(off + 4) * 8;
	z->crc = 0;
	return 0;
}

/* The 32 bits at bit offset `bit` (a CRC after a magic); false when the
 * file ends before them. */
static bool crc_at(struct mrtbz2 *z, uint64_t bit, uint32_t *crc)
{
	off_t off = (off_t)(bit / 8);
	size_t avail;
	const uint8_t *p;
	uint64_t w = 0;

	if ((bit + 32 + 7) / 8 > (uint64_t)z->size)
		return false;
	avail = z->size - off < 5 ? (size_t)(z->size - off) : 5;
	p = win_at(z, off, avail);
	if (!p)
		return false;
	for (size_t i = 0; i < 5; i++)
		w = w << 8 | (i < avail ? p[i] : 0);
	*crc = (uint32_t)(w >> (8 - bit % 8));
	return true;
}

/* Under mu: the next block's bit range, or false (end or error). */
static bool next_block(struct mrtbz2 *z, uint64_t *b0, uint64_t *b1, char *level)
{
	for (;;) {
		uint64_t at, nxt;
		bool eos, eos2;

		if (z->scan_end || z->scan_err)
			return false;
		if (!find_magic(z, z->next_bit, &at, &eos) || at != z->next_bit) {
			z->scan_err = true;
			return false;
		}
		if (eos) { /* end of this stream: another may follow */
			off_t end = (off_t)((at + 80 + 7) / 8);
			uint32_t crc;
			/* the stream's CRC must be there and match its blocks'
			 * (each block's own CRC is checked by libbz2); else
			 * libbz2 judges the file sequentially */
			if (!crc_at(z, at + 48, &crc) || crc != z->crc) {
				z->scan_err = true;
				return false;
			}
			if (end >= z->size || z->first_only) {
				if (end < z->size)
					z->first_end = end;
				z->scan_end = true;
				return false;
			}
			if (stream_header(z, end)) {
				z->scan_err = true; /* trailing data: let libbz2 judge it */
				return false;
			}
			continue;
		}
		uint32_t crc;
		if (!find_magic(z, at + 48, &nxt, &eos2) ||
		    nxt - at > (uint64_t)MAX_BLOCK_BYTES * 8 || !crc_at(z, at + 48, &crc)) {
			z->scan_err = true;
			return false;
		}
		z->crc = (z->crc << 1 | z->crc >> 31) ^ crc; /* bzip2's combined CRC */
		*b0 = at;
		*b1 = nxt;
		*level = z->level;
		z->next_bit = nxt;
		return true;
	}
}

/* Appends `n` bits of value v (MSB first) at bit offset *bit of out. */
static void put_bits(uint8_t *out, uint64_t *bit, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, (*bit)++) {
		uint8_t b = (uint8_t)((v >> i) & 1);
		if (b)
			out[*bit / 8] |= (uint8_t)(0x80 >> (*bit % 8));
	}
}

/* Builds the one-block stream for bits [b0, b1) into s->in; returns its size. */
static long build_stream(struct mrtbz2 *z, struct slot *s, uint64_t b0, uint64_t b1, char level)
{
	off_t o0 = (off_t)(b0 / 8), o1 = (off_t)((b1 + 7) / 8);
	size_t nbytes = (size_t)(o1 - o0) + 1;
	uint64_t nbits = b1 - b0;
	size_t need = 4 + nbits / 8 + 16;
	int sh = (int)(b0 % 8);
	uint8_t *src;

	if (s->in_cap < need + nbytes) {
		uint8_t *n = realloc(s->in, need + nbytes);
		if (!n)
			return -ENOMEM;
		s->in = n;
		s->in_cap = need + nbytes;
	}
	src = s->in + need; /* raw bytes after the stream area */
	memset(src, 0, nbytes);
	ssize_t r = pread(z->fd, src, (size_t)(o1 - o0), o0);
	if (r != (ssize_t)(o1 - o0))
		return -EIO;
	memset(s->in, 0, need);
	memcpy(s->in, "BZh", 3);
	s->in[3] = (uint8_t)level;
	uint8_t *dst = s->in + 4;
	size_t full = nbits / 8;
	for (size_t i = 0; i < full; i++)
		dst[i] = sh ? (uint8_t)(src[i] << sh | src[i + 1] >> (8 - sh)) : src[i];
	uint64_t bit = 32 + full * 8;
	int rest = (int)(nbits % 8);
	if (rest) {
		uint8_t last =
			sh ? (uint8_t)(src[full] << sh | src[full + 1] >> (8 - sh)) : src[full];
		put_bits(s->in, &bit, last >> (8 - rest), rest);
	}
	/* block CRC: the 32 bits after the block magic, = the combined CRC */
	uint32_t crc = be32_get(s->in + 4 + 6);
	put_bits(s->in, &bit, EOS_MAGIC, 48);
	put_bits(s->in, &bit, crc, 32);
	return (long)((bit + 7) / 8);
}

static int decode_block(struct slot *s, size_t in_len)
{
	bz_stream bz;
	int rc;

	memset(&bz, 0, sizeof(bz));
	if (BZ2_bzDecompressInit(&bz, 0, 0) != BZ_OK)
		return -ENOMEM;
	bz.next_in = (char *)s->in;
	bz.avail_in = (unsigned int)in_len;
	s->out_len = 0;
	for (;;) {
		if (s->out_len == s->out_cap) {
			size_t nc = s->out_cap ? s->out_cap * 2 : (1U << 20);
			uint8_t *n = realloc(s->out, nc);
			if (!n) {
				BZ2_bzDecompressEnd(&bz);
				return -ENOMEM;
			}
			s->out = n;
			s->out_cap = nc;
		}
		bz.next_out = (char *)s->out + s->out_len;
		bz.avail_out = (unsigned int)(s->out_cap - s->out_len);
		rc = BZ2_bzDecompress(&bz);
		s->out_len = s->out_cap - bz.avail_out;
		if (rc == BZ_STREAM_END)
			break;
		if (rc != BZ_OK || (bz.avail_in == 0 && bz.avail_out != 0)) {
			BZ2_bzDecompressEnd(&bz);
			return -EIO;
		}
	}
	BZ2_bzDecompressEnd(&bz);
	return 0;
}

static void *worker(void *arg)
{
	struct mrtbz2 *z = arg;

	pthread_mutex_lock(&z->mu);
	for (;;) {
		uint64_t b0, b1;
		char level;

		/* a free slot for the next block number */
		while (!z->stop && z->next_seq >= z->cseq + (uint64_t)z->nslots)
			pthread_cond_wait(&z->cv, &z->mu);
		if (z->stop)
			break;
		uint64_t seq = z->next_seq;
		struct slot *s = &z->slots[seq % (uint64_t)z->nslots];
		if (!next_block(z, &b0, &b1, &level)) {
			/* one END or FAILED slot tells the reader where output stops */
			if (s->st == SLOT_FREE) {
				s->seq = seq;
				s->st = z->scan_err ? SLOT_FAILED : SLOT_END;
				z->next_seq++;
				pthread_cond_broadcast(&z->cv);
			}
			break;
		}
		z->next_seq++;
		s->seq = seq;
		s->st = SLOT_BUSY;
		pthread_mutex_unlock(&z->mu);

		long n = build_stream(z, s, b0, b1, level);
		int err = n < 0 ? (int)n : decode_block(s, (size_t)n);

		pthread_mutex_lock(&z->mu);
		s->st = err ? SLOT_FAILED : SLOT_DONE;
		pthread_cond_broadcast(&z->cv);
	}
	pthread_mutex_unlock(&z->mu);
	return NULL;
}

struct mrtbz2 *mrtbz2_open(int fd, int nworkers, bool first_stream_only)
{
	struct mrtbz2 *z;
	struct stat st;
	off_t size = fstat(fd, &st) ? 0 : st.st_size;

	if (size < 14 || nworkers < 1)
		return NULL;
	if (nworkers > MRTBZ2_MAX_WORKERS)
		nworkers = MRTBZ2_MAX_WORKERS;
	z = calloc(1, sizeof(*z));
	if (!z)
		return NULL;
	z->fd = fd;
	z->size = size;
	z->first_only = first_stream_only;
	z->first_end = -1;
	z->nslots = 2 * nworkers + 1;
	z->slots = calloc((size_t)z->nslots, sizeof(*z->slots));
	z->win = malloc(WIN);
	if (!z->slots || !z->win || stream_header(z, 0)) {
		free(z->slots);
		free(z->win);
		free(z);
		return NULL;
	}
	pthread_mutex_init(&z->mu, NULL);
	pthread_cond_init(&z->cv, NULL);
	for (int i = 0; i < nworkers; i++) {
		if (pthread_create(&z->th[i], NULL, worker, z))
			break;
		z->nworkers++;
	}
	if (!z->nworkers) {
		mrtbz2_close(z);
		return NULL;
	}
	return z;
}

long mrtbz2_read(struct mrtbz2 *z, void *dst, size_t n, uint64_t *delivered)
{
	uint8_t *out = dst;
	size_t got = 0;

	pthread_mutex_lock(&z->mu);
	while (got < n) {
		struct slot *s = &z->slots[z->cseq % (uint64_t)z->nslots];

		while (!(s->seq == z->cseq &&
			 (s->st == SLOT_DONE || s->st == SLOT_FAILED || s->st == SLOT_END)))
			pthread_cond_wait(&z->cv, &z->mu);
		if (s->st == SLOT_END)
			break;
		if (s->st == SLOT_FAILED) {
			if (got)
				break;
			*delivered = z->delivered;
			pthread_mutex_unlock(&z->mu);
			return -EAGAIN;
		}
		size_t k = s->out_len - z->cpos < n - got ? s->out_len - z->cpos : n - got;
		memcpy(out + got, s->out + z->cpos, k);
		z->cpos += k;
		got += k;
		z->delivered += k;
		if (z->cpos == s->out_len) {
			s->st = SLOT_FREE;
			z->cseq++;
			z->cpos = 0;
			pthread_cond_broadcast(&z->cv);
		}
	}
	pthread_mutex_unlock(&z->mu);
	return (long)got;
}

off_t mrtbz2_first_end(struct mrtbz2 *z)
{
	off_t end;

	pthread_mutex_lock(&z->mu);
	end = z->first_end;
	pthread_mutex_unlock(&z->mu);
	return end;
}

void mrtbz2_close(struct mrtbz2 *z)
{
	if (!z)
		return;
	pthread_mutex_lock(&z->mu);
	z->stop = true;
	pthread_cond_broadcast(&z->cv);
	pthread_mutex_unlock(&z->mu);
	for (int i = 0; i < z->nworkers; i++)
		pthread_join(z->th[i], NULL);
	pthread_mutex_destroy(&z->mu);
	pthread_cond_destroy(&z->cv);
	for (int i = 0; i < z->nslots; i++) {
		free(z->slots[i].in);
		free(z->slots[i].out);
	}
	free(z->slots);
	free(z->win);
	free(z);
}
