/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/bgp/mrtio.h - input byte stream for the MRT reader: a file descriptor or
 * a memory buffer, decompressed on the fly when it starts with the gzip
 * (1f 8b) or bzip2 ("BZh") magic.  Concatenated gzip members and bzip2
 * streams are read through.  Reads in large blocks; no whole-file buffers.
 */
#ifndef ASC_MRTIO_H
#define ASC_MRTIO_H
#include <stddef.h>
#include <stdint.h>

enum mrtio_comp { MRTIO_PLAIN, MRTIO_GZIP, MRTIO_BZIP2 };

struct mrtio;

/* Flags: stop after the first bzip2 stream, as bgpdump does (what follows
 * is counted: see mrtio_unread). */
#define MRTIO_BZIP2_FIRST_STREAM 1U

/* Takes ownership of fd (closed by mrtio_close unless it is 0).  Returns NULL
 * with errno set. */
struct mrtio *mrtio_open_fd(int fd, unsigned int flags);
/* Memory input, decompressed like a file when it has a magic. */
struct mrtio *mrtio_open_mem(const void *buf, size_t len, unsigned int flags);
/* Reads up to n decompressed bytes.  Returns the count (0 at end of input)
 * or a negative errno: -EIO for a corrupt or cut-short compressed stream
 * (see mrtio_error()) as for a read error, -ENOMEM.  Does not log. */
long mrtio_read(struct mrtio *io, void *dst, size_t n);
/* After mrtio_read() failed: when the input itself is bad (corrupt or
 * cut-short gzip/bzip2 data), what and where, as the compressed byte offset
 * the decoder had reached ("gzip data corrupt at compressed byte 1234:
 * invalid block type", "bzip2 data cut short: the file ends at compressed
 * byte 5678");
 * the caller adds the file name and its own place (record, line).  NULL
 * when the failure was the system's (a read error: report the errno).
 * Owned by io, valid until mrtio_close(). */
const char *mrtio_error(const struct mrtio *io);
enum mrtio_comp mrtio_compression(const struct mrtio *io);
/* With MRTIO_BZIP2_FIRST_STREAM, once mrtio_read() has returned 0: the
 * bytes of input after the first bzip2 stream, which were not decoded (0
 * if none), and in *streams (if not NULL) how many bzip2 streams start in
 * them (0: they are not bzip2 data).  Counting them reads the input to its
 * end, once. */
uint64_t mrtio_unread(const struct mrtio *io, uint64_t *streams);
void mrtio_close(struct mrtio *io);

#endif
