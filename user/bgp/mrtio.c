// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/bgp/mrtio.c - decompressing input stream for the MRT reader (zlib, libbz2).
 *
 * Raw input comes from a descriptor in 256 KiB blocks (or from memory); the
 * first bytes pick the decoder.  gzip members and bzip2 streams that follow
 * one another (pigz/pbzip2 output, `cat a.gz b.gz`) are all read.
 * A compressed regular file is decompressed by a second thread into a ring
 * of 1 MiB chunks, so decompression and parsing overlap (a full RIB dump
 * spends about half its time in inflate or bunzip2).  Pipes and memory
 * input are read in the caller's thread.
 */
#include <bzlib.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "bgp/mrtbz2.h"
#include "bgp/mrtio.h"

/* Read and hand-over sizes, not limits: any input length passes through. */
#define RAW_BUF (256U << 10)
#define RING_CHUNKS 4
#define RING_CHUNK (1U << 20)

struct ring_chunk {
	uint8_t *data;
	size_t len;
	int err;   /* after the data: 0, or a negative errno */
	bool last; /* end of input (or err) after this chunk */
};

struct mrtio {
	int fd;		    /* -1 for memory input */
	const uint8_t *mem; /* memory input */
	size_t mem_len, mem_pos;
	uint8_t *raw;	   /* raw block buffer (fd input) */
	const uint8_t *in; /* unread raw bytes */
	size_t in_len;
	int eof; /* raw input exhausted */
	enum mrtio_comp comp;
	int stream_done; /* current gzip/bzip2 stream ended */
	z_stream z;
	bz_stream bz;
	int dec_init;
	/* decompression thread (threaded only) */
	bool threaded;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t nonempty, nonfull;
	struct ring_chunk ring[RING_CHUNKS];
	unsigned int head, count; /* head: next chunk the consumer takes */
	bool stop;
	struct ring_chunk *cur; /* consumer's chunk */
	size_t cur_pos;
	bool done;	       /* consumer saw the last chunk */
	struct mrtbz2 *bz2par; /* block-parallel bzip2 (regular files) */
	unsigned int flags;
	uint64_t raw_pos; /* bytes taken from the source; raw_pos - in_len were
			   * handed to the decoder */
	/* set with the failure, before it is returned (and, threaded, before
	 * the chunk carrying it is published): what is wrong with the input */
	bool bad_input;
	/* "bzip2 data cut short: the file ends at compressed byte " + 20
	 * digits, or "... corrupt at ...: " + zlib's longest text (about 30):
	 * under 120 bytes */
	char errmsg[160];
	int pending; /* the error decode_read returns from now on */
	/* MRTIO_BZIP2_FIRST_STREAM: what followed the first stream, unread */
	uint64_t unread_bytes, unread_streams;
	bool unread_counted;
};

static long decode_read(struct mrtio *io, void *dst, size_t n);
static int start_thread(struct mrtio *io);

/* Refills in/in_len from the source when empty; returns 0, or -errno. */
static int raw_fill(struct mrtio *io)
{
	if (io->in_len || io->eof)
		return 0;
	if (io->fd < 0) {
		io->in = io->mem + io->mem_pos;
		io->in_len = io->mem_len - io->mem_pos;
		io->mem_pos = io->mem_len;
		io->raw_pos = io->mem_len;
		if (!io->in_len)
			io->eof = 1;
		return 0;
	}
	for (;;) {
		ssize_t r = read(io->fd, io->raw, RAW_BUF);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			io->eof = 1;
		io->in = io->raw;
		io->in_len = (size_t)r;
		io->raw_pos += (uint64_t)r;
		return 0;
	}
}

static int dec_start(struct mrtio *io)
{
	if (io->comp == MRTIO_GZIP) {
		memset(&io->z, 0, sizeof(io->z));
		if (inflateInit2(&io->z, 16 + MAX_WBITS) != Z_OK)
			return -ENOMEM;
	} else if (io->comp == MRTIO_BZIP2) {
		memset(&io->bz, 0, sizeof(io->bz));
		if (BZ2_bzDecompressInit(&io->bz, 0, 0) != BZ_OK)
			return -ENOMEM;
	}
	io->dec_init = 1;
	io->stream_done = 0;
	return 0;
}

static void dec_end(struct mrtio *io)
{
	if (!io->dec_init)
		return;
	if (io->comp == MRTIO_GZIP)
		inflateEnd(&io->z);
	else if (io->comp == MRTIO_BZIP2)
		BZ2_bzDecompressEnd(&io->bz);
	io->dec_init = 0;
}

static int detect(struct mrtio *io)
{
	int err;

	/* gather up to 3 bytes for the magic (short reads from pipes) */
	uint8_t head[3];
	size_t have = 0;

	err = raw_fill(io);
	if (err)
		return err;
	if (io->fd >= 0 && io->in_len < 3 && !io->eof) {
		/* move what we have to the start and read more */
		memmove(io->raw, io->in, io->in_len);
		have = io->in_len;
		while (have < 3) {
			ssize_t r = read(io->fd, io->raw + have, RAW_BUF - have);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				return -errno;
			if (r == 0) {
				io->eof = 1;
				break;
			}
			have += (size_t)r;
			io->raw_pos += (uint64_t)r;
		}
		io->in = io->raw;
		io->in_len = have;
	}
	memset(head, 0, sizeof(head));
	memcpy(head, io->in, io->in_len < 3 ? io->in_len : 3);
	if (io->in_len >= 2 && head[0] == 0x1f && head[1] == 0x8b)
		io->comp = MRTIO_GZIP;
	else if (io->in_len >= 3 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h')
		io->comp = MRTIO_BZIP2;
	else
		io->comp = MRTIO_PLAIN;
	return dec_start(io);
}

static struct mrtio *alloc_io(void)
{
	struct mrtio *io = calloc(1, sizeof(*io));
	return io;
}

struct mrtio *mrtio_open_fd(int fd, unsigned int flags)
{
	struct mrtio *io = alloc_io();
	int err;

	if (!io)
		return NULL;
	off_t start = lseek(fd, 0, SEEK_CUR);

	io->flags = flags;
	io->fd = fd;
	io->raw = malloc(RAW_BUF);
	if (!io->raw) {
		free(io);
		errno = ENOMEM;
		return NULL;
	}
	err = detect(io);
	if (err) {
		free(io->raw);
		free(io);
		errno = -err;
		return NULL;
	}
	struct stat st;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (io->comp == MRTIO_BZIP2 && start == 0 && ncpu > 1 && !fstat(fd, &st) &&
	    S_ISREG(st.st_mode) && !getenv("ASCLASS_NO_PARALLEL_BZIP2"))
		io->bz2par =
			mrtbz2_open(fd, ncpu > 4 ? 4 : (int)ncpu, flags & MRTIO_BZIP2_FIRST_STREAM);
	if (!io->bz2par && io->comp != MRTIO_PLAIN && !fstat(fd, &st) && S_ISREG(st.st_mode) &&
	    start_thread(io)) {
		for (int i = 0; i < RING_CHUNKS; i++) {
			free(io->ring[i].data);
			io->ring[i].data = NULL;
		}
		/* no thread: read in the caller's thread */
	}
	return io;
}

struct mrtio *mrtio_open_mem(const void *buf, size_t len, unsigned int flags)
{
	struct mrtio *io = alloc_io();
	int err;

	if (!io)
		return NULL;
	io->flags = flags;
	io->fd = -1;
	io->mem = buf;
	io->mem_len = len;
	err = detect(io);
	if (err) {
		free(io);
		errno = -err;
		return NULL;
	}
	return io;
}

enum mrtio_comp mrtio_compression(const struct mrtio *io)
{
	return io->comp;
}

const char *mrtio_error(const struct mrtio *io)
{
	return io->bad_input ? io->errmsg : NULL;
}

uint64_t mrtio_unread(const struct mrtio *io, uint64_t *streams)
{
	if (streams)
		*streams = io->unread_streams;
	return io->unread_bytes;
}

static const char *comp_name(const struct mrtio *io)
{
	return io->comp == MRTIO_GZIP ? "gzip" : "bzip2";
}

/* The input is bad: says what and where (the compressed byte offset the
 * decoder had reached); returns -EIO, mrtio_read's error for it. */
static long bad_input(struct mrtio *io, const char *what, const char *detail)
{
	io->bad_input = true;
	snprintf(io->errmsg, sizeof(io->errmsg), "%s data %s at compressed byte %llu%s%s",
		 comp_name(io), what, (unsigned long long)(io->raw_pos - io->in_len),
		 detail ? ": " : "", detail ? detail : "");
	return -EIO;
}
#define CUT_SHORT "cut short: the file ends"

static const char *bz_error_name(int br)
{
	switch (br) {
	case BZ_DATA_ERROR:
		return "a CRC does not match the data";
	case BZ_DATA_ERROR_MAGIC:
		return "no bzip2 stream header";
	default:
		return NULL;
	}
}

/* A bzip2 stream starts at p (10 bytes): "BZh1".."BZh9", then the magic
 * of a block or of the end of the stream.  Compressed data holds these 80
 * bits by chance about once in 10^23 bytes. */
static bool bzip2_stream_at(const uint8_t *p)
{
	static const uint8_t block[6] = { 0x31, 0x41, 0x59, 0x26, 0x53, 0x59 };
	static const uint8_t eos[6] = { 0x17, 0x72, 0x45, 0x38, 0x50, 0x90 };

	return p[0] == 'B' && p[1] == 'Z' && p[2] == 'h' && p[3] >= '1' && p[3] <= '9' &&
	       (!memcmp(p + 4, block, 6) || !memcmp(p + 4, eos, 6));
}

/* Counts what is left of the input after the first bzip2 stream, bytes and
 * bzip2 streams: `p`, n bytes at hand, then the source to its end (read()
 * on, or with pos >= 0 pread() from pos).  Each piece is scanned with the
 * 9 bytes before it, so a header across pieces is seen once. */
static void count_unread(struct mrtio *io, const uint8_t *p, size_t n, off_t pos)
{
	uint8_t *buf = malloc(RAW_BUF + 9);
	size_t keep = 0;

	io->unread_counted = true;
	if (!buf) { /* out of memory: the bytes at hand at least */
		io->unread_bytes = n;
		return;
	}
	for (;;) {
		ssize_t k = (ssize_t)(n < RAW_BUF ? n : RAW_BUF);

		if (k) {
			memcpy(buf + keep, p, (size_t)k);
			p += k;
			n -= (size_t)k;
		} else if (io->fd >= 0) {
			k = pos >= 0 ? pread(io->fd, buf + keep, RAW_BUF, pos)
				     : read(io->fd, buf + keep, RAW_BUF);
			if (k < 0 && errno == EINTR)
				continue;
			if (pos >= 0 && k > 0)
				pos += k;
		}
		if (k <= 0)
			break;
		io->unread_bytes += (uint64_t)k;
		size_t total = keep + (size_t)k;
		for (const uint8_t *q = buf; (q = memchr(q, 'B', total - (size_t)(q - buf))); q++)
			if ((size_t)(q - buf) + 10 <= total && bzip2_stream_at(q))
				io->unread_streams++;
		keep = total < 9 ? total : 9;
		memmove(buf, buf + total - keep, keep);
	}
	free(buf);
}

/* After a stream ends: another one follows if more non-empty input does. */
static int next_stream(struct mrtio *io, int *more)
{
	int err = raw_fill(io);

	*more = 0;
	if (err)
		return err;
	if (!io->in_len)
		return 0;
	if (io->comp == MRTIO_BZIP2 && (io->flags & MRTIO_BZIP2_FIRST_STREAM)) {
		count_unread(io, io->in, io->in_len, -1);
		io->in_len = 0;
		io->eof = 1;
		return 0;
	}
	dec_end(io);
	err = dec_start(io);
	if (err)
		return err;
	*more = 1;
	return 0;
}

/* One inflate call over the raw bytes at hand into out[0..room): *made
 * bytes; 0 or a negative errno (bad input: see bad_input). */
static int gzip_step(struct mrtio *io, uint8_t *out, size_t room, size_t *made)
{
	/* memory input may be longer than zlib's uInt counts */
	size_t avail = io->in_len > UINT_MAX ? UINT_MAX : io->in_len, used;
	int zr;

	io->z.next_in = (Bytef *)io->in;
	io->z.avail_in = (uInt)avail;
	io->z.next_out = out;
	io->z.avail_out = (uInt)room;
	zr = inflate(&io->z, Z_NO_FLUSH);
	used = avail - io->z.avail_in;
	*made = room - io->z.avail_out;
	io->in += used;
	io->in_len -= used;
	if (zr == Z_STREAM_END)
		io->stream_done = 1;
	else if (zr == Z_BUF_ERROR && !used && !*made && io->eof)
		return (int)bad_input(io, CUT_SHORT, NULL);
	else if (zr == Z_MEM_ERROR)
		return -ENOMEM;
	else if (zr != Z_OK && zr != Z_BUF_ERROR)
		return (int)bad_input(io, "corrupt", io->z.msg ? io->z.msg : zError(zr));
	return 0;
}

/* The same with libbz2. */
static int bzip2_step(struct mrtio *io, uint8_t *out, size_t room, size_t *made)
{
	size_t avail = io->in_len > UINT_MAX ? UINT_MAX : io->in_len, used;
	int br;

	io->bz.next_in = (char *)io->in;
	io->bz.avail_in = (unsigned int)avail;
	io->bz.next_out = (char *)out;
	io->bz.avail_out = (unsigned int)room;
	br = BZ2_bzDecompress(&io->bz);
	used = avail - io->bz.avail_in;
	*made = room - io->bz.avail_out;
	io->in += used;
	io->in_len -= used;
	if (br == BZ_STREAM_END)
		io->stream_done = 1;
	else if (br == BZ_MEM_ERROR)
		return -ENOMEM;
	else if (br != BZ_OK)
		return (int)bad_input(io, "corrupt", bz_error_name(br));
	else if (!used && !*made && io->eof)
		return (int)bad_input(io, CUT_SHORT, NULL);
	return 0;
}

/* One step of decoding into out[0..room): *made bytes; 1 to go on, 0 at the
 * end of input, or a negative errno. */
static int decode_step(struct mrtio *io, uint8_t *out, size_t room, size_t *made)
{
	int err = raw_fill(io), more;

	*made = 0;
	if (err)
		return err;
	if (io->comp == MRTIO_PLAIN) {
		*made = io->in_len < room ? io->in_len : room;
		memcpy(out, io->in, *made);
		io->in += *made;
		io->in_len -= *made;
		return *made ? 1 : 0;
	}
	if (io->stream_done) {
		err = next_stream(io, &more);
		if (err)
			return err;
		if (!more)
			return 0;
	}
	/* at the end of the input the decoder is still called: it may hold
	 * output; it says the stream is cut short when it makes no progress */
	err = io->comp == MRTIO_GZIP ? gzip_step(io, out, room, made)
				     : bzip2_step(io, out, room, made);
	return err ? err : 1;
}

/* Up to n decoded bytes.  An error comes after the bytes decoded before it
 * (so the reader reaches the record where the input went bad) and then
 * sticks. */
static long decode_read(struct mrtio *io, void *dst, size_t n)
{
	uint8_t *out = dst;
	size_t got = 0, made;
	int r = 1;

	if (io->pending)
		return io->pending;
	if (n > (1UL << 30))
		n = 1UL << 30;
	while (got < n && r > 0) {
		r = decode_step(io, out + got, n - got, &made);
		got += made;
	}
	if (r < 0) {
		io->pending = r;
		if (!got)
			return r;
	}
	return (long)got;
}

/* ---- decompression thread ---- */

static void *producer(void *arg)
{
	struct mrtio *io = arg;
	unsigned int slot = 0;

	for (;;) {
		pthread_mutex_lock(&io->mu);
		while (io->count == RING_CHUNKS && !io->stop)
			pthread_cond_wait(&io->nonfull, &io->mu);
		if (io->stop) {
			pthread_mutex_unlock(&io->mu);
			return NULL;
		}
		slot = (io->head + io->count) % RING_CHUNKS;
		pthread_mutex_unlock(&io->mu);

		/* the slot is ours until published: fill it without the lock */
		struct ring_chunk *c = &io->ring[slot];
		c->len = 0;
		c->err = 0;
		c->last = false;
		while (c->len < RING_CHUNK) {
			long k = decode_read(io, c->data + c->len, RING_CHUNK - c->len);
			if (k < 0) {
				c->err = (int)k;
				c->last = true;
				break;
			}
			if (k == 0) {
				c->last = true;
				break;
			}
			c->len += (size_t)k;
		}
		pthread_mutex_lock(&io->mu);
		io->count++;
		pthread_cond_signal(&io->nonempty);
		pthread_mutex_unlock(&io->mu);
		if (c->last)
			return NULL;
	}
}

static int start_thread(struct mrtio *io)
{
	for (int i = 0; i < RING_CHUNKS; i++) {
		io->ring[i].data = malloc(RING_CHUNK);
		if (!io->ring[i].data)
			return -ENOMEM;
	}
	pthread_mutex_init(&io->mu, NULL);
	pthread_cond_init(&io->nonempty, NULL);
	pthread_cond_init(&io->nonfull, NULL);
	if (pthread_create(&io->th, NULL, producer, io)) {
		pthread_mutex_destroy(&io->mu);
		pthread_cond_destroy(&io->nonempty);
		pthread_cond_destroy(&io->nonfull);
		return -EAGAIN;
	}
	io->threaded = true;
	return 0;
}

static long ring_read(struct mrtio *io, void *dst, size_t n)
{
	uint8_t *out = dst;
	size_t got = 0;

	while (got < n) {
		struct ring_chunk *c = io->cur;
		if (c && io->cur_pos < c->len) {
			size_t k = c->len - io->cur_pos < n - got ? c->len - io->cur_pos : n - got;
			memcpy(out + got, c->data + io->cur_pos, k);
			io->cur_pos += k;
			got += k;
			continue;
		}
		if (c && c->last) {
			if (got)
				return (long)got;
			return c->err;
		}
		pthread_mutex_lock(&io->mu);
		if (c) { /* give the drained chunk back */
			io->head = (io->head + 1) % RING_CHUNKS;
			io->count--;
			pthread_cond_signal(&io->nonfull);
		}
		while (io->count == 0)
			pthread_cond_wait(&io->nonempty, &io->mu);
		io->cur = &io->ring[io->head];
		io->cur_pos = 0;
		pthread_mutex_unlock(&io->mu);
	}
	return (long)got;
}

/* The parallel bzip2 decoder gave up after `delivered` bytes: decode the
 * file again from its start in this thread and skip those bytes. */
static int bz2par_fallback(struct mrtio *io, uint64_t delivered)
{
	uint8_t skip[65536];
	int err;

	mrtbz2_close(io->bz2par);
	io->bz2par = NULL;
	if (lseek(io->fd, 0, SEEK_SET) != 0)
		return -errno;
	dec_end(io);
	io->in_len = 0;
	io->eof = 0;
	io->raw_pos = 0;
	err = detect(io);
	if (err)
		return err;
	while (delivered) {
		long k = decode_read(io, skip, delivered < sizeof(skip) ? delivered : sizeof(skip));
		if (k <= 0)
			return k < 0 ? (int)k : -EIO;
		delivered -= (uint64_t)k;
	}
	return 0;
}

long mrtio_read(struct mrtio *io, void *dst, size_t n)
{
	if (n > (1UL << 30))
		n = 1UL << 30;
	if (io->bz2par) {
		uint64_t delivered = 0;
		long k = mrtbz2_read(io->bz2par, dst, n, &delivered);
		off_t end;
		if (k == 0 && !io->unread_counted && (end = mrtbz2_first_end(io->bz2par)) >= 0)
			count_unread(io, NULL, 0, end);
		if (k != -EAGAIN)
			return k;
		int err = bz2par_fallback(io, delivered);
		if (err)
			return err;
	}
	return io->threaded ? ring_read(io, dst, n) : decode_read(io, dst, n);
}

void mrtio_close(struct mrtio *io)
{
	if (!io)
		return;
	mrtbz2_close(io->bz2par);
	if (io->threaded) {
		pthread_mutex_lock(&io->mu);
		io->stop = true;
		pthread_cond_signal(&io->nonfull);
		pthread_mutex_unlock(&io->mu);
		pthread_join(io->th, NULL);
		pthread_mutex_destroy(&io->mu);
		pthread_cond_destroy(&io->nonempty);
		pthread_cond_destroy(&io->nonfull);
	}
	for (int i = 0; i < RING_CHUNKS; i++)
		free(io->ring[i].data);
	dec_end(io);
	if (io->fd > 0)
		close(io->fd);
	free(io->raw);
	free(io);
}
