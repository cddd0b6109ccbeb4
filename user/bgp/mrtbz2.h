/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/bgp/mrtbz2.h - block-parallel bzip2 decoding of a regular file, for
 * user/bgp/mrtio.c (internal).  Output is exactly libbz2's; on anything it does
 * not expect it hands back to sequential decoding (see mrtbz2_read). */
#ifndef ASC_MRTBZ2_H
#define ASC_MRTBZ2_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MRTBZ2_MAX_WORKERS 8 /* threads; mrtio asks for at most 4 (a CPU count, not a limit) */

struct mrtbz2;

/* Starts `nworkers` decoding threads over fd (a regular file holding bzip2
 * data from offset 0; fd's file offset is not used).  NULL when the file
 * does not start with a bzip2 header or threads cannot be started. */
struct mrtbz2 *mrtbz2_open(int fd, int nworkers, bool first_stream_only);
/* Up to n decompressed bytes in file order; 0 at the end.  -EAGAIN: the
 * parallel decoder cannot go on; *delivered is how many bytes it gave in
 * all, and the caller continues sequentially from there. */
long mrtbz2_read(struct mrtbz2 *z, void *dst, size_t n, uint64_t *delivered);
/* With first_stream_only, once mrtbz2_read() returned 0: the offset of the
 * byte after the first stream when more of the file follows it, else -1. */
off_t mrtbz2_first_end(struct mrtbz2 *z);
/* Stops the threads and frees everything; does not close fd. */
void mrtbz2_close(struct mrtbz2 *z);

#endif
