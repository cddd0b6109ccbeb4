// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/mrtio.c - decompressing input stream for the MRT reader (zlib, libbz2).
 *
 * Raw input comes from a descriptor in 256 KiB blocks (or from memory); the
 * first bytes pick the decoder.  gzip members and bzip2 streams that follow
 * one another (pigz/pbzip2 output, `cat a.gz b.gz`) are all read.
 */
#include <bzlib.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "mrtio.h"

#define RAW_BUF (256U << 10)

struct mrtio {
	int fd;                /* -1 for memory input */
	const uint8_t *mem;    /* memory input */
	size_t mem_len, mem_pos;
	uint8_t *raw;          /* raw block buffer (fd input) */
	const uint8_t *in;     /* unread raw bytes */
	size_t in_len;
	int eof;               /* raw input exhausted */
	enum mrtio_comp comp;
	int stream_done;       /* current gzip/bzip2 stream ended */
	z_stream z;
	bz_stream bz;
	int dec_init;
};

/* Refills in/in_len from the source when empty; returns 0, or -errno. */
static int raw_fill(struct mrtio *io)
{
	if (io->in_len || io->eof)
		return 0;
	if (io->fd < 0) {
		io->in = io->mem + io->mem_pos;
		io->in_len = io->mem_len - io->mem_pos;
		io->mem_pos = io->mem_len;
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

struct mrtio *mrtio_open_fd(int fd)
{
	struct mrtio *io = alloc_io();
	int err;

	if (!io)
		return NULL;
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
	return io;
}

struct mrtio *mrtio_open_mem(const void *buf, size_t len)
{
	struct mrtio *io = alloc_io();
	int err;

	if (!io)
		return NULL;
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

/* After a stream ends: another one follows if more non-empty input does. */
static int next_stream(struct mrtio *io, int *more)
{
	int err = raw_fill(io);

	*more = 0;
	if (err)
		return err;
	if (!io->in_len)
		return 0;
	dec_end(io);
	err = dec_start(io);
	if (err)
		return err;
	*more = 1;
	return 0;
}

long mrtio_read(struct mrtio *io, void *dst, size_t n)
{
	uint8_t *out = dst;
	size_t got = 0;
	int err;

	if (n > (1UL << 30))
		n = 1UL << 30;
	while (got < n) {
		err = raw_fill(io);
		if (err)
			return err;
		if (io->comp == MRTIO_PLAIN) {
			if (!io->in_len)
				break;
			size_t k = io->in_len < n - got ? io->in_len : n - got;
			memcpy(out + got, io->in, k);
			io->in += k;
			io->in_len -= k;
			got += k;
			continue;
		}
		if (io->stream_done) {
			int more;
			err = next_stream(io, &more);
			if (err)
				return err;
			if (!more)
				break;
		}
		if (!io->in_len && io->eof)
			return got ? (long)got : -EIO; /* stream cut short */
		if (io->comp == MRTIO_GZIP) {
			io->z.next_in = (Bytef *)io->in;
			io->z.avail_in = (uInt)io->in_len;
			io->z.next_out = out + got;
			io->z.avail_out = (uInt)(n - got);
			int zr = inflate(&io->z, Z_NO_FLUSH);
			size_t used = io->in_len - io->z.avail_in;
			size_t made = (n - got) - io->z.avail_out;
			io->in += used;
			io->in_len -= used;
			got += made;
			if (zr == Z_STREAM_END)
				io->stream_done = 1;
			else if (zr == Z_BUF_ERROR && !used && !made && io->eof)
				return got ? (long)got : -EIO;
			else if (zr != Z_OK && zr != Z_BUF_ERROR)
				return -EIO;
		} else {
			io->bz.next_in = (char *)io->in;
			io->bz.avail_in = (unsigned int)io->in_len;
			io->bz.next_out = (char *)(out + got);
			io->bz.avail_out = (unsigned int)(n - got);
			int br = BZ2_bzDecompress(&io->bz);
			size_t used = io->in_len - io->bz.avail_in;
			size_t made = (n - got) - io->bz.avail_out;
			io->in += used;
			io->in_len -= used;
			got += made;
			if (br == BZ_STREAM_END)
				io->stream_done = 1;
			else if (br != BZ_OK)
				return -EIO;
			else if (!used && !made && io->eof)
				return got ? (long)got : -EIO;
		}
	}
	return (long)got;
}

void mrtio_close(struct mrtio *io)
{
	if (!io)
		return;
	dec_end(io);
	if (io->fd > 0)
		close(io->fd);
	free(io->raw);
	free(io);
}
