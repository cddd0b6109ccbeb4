/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/routes/routes_text.h - text input: whole lines from a byte stream, and the
 * plain-text route format:
 *
 *     # comment
 *     PREFIX ORIGIN_AS [TRANSIT_AS [PEER_AS]]     e.g. 175.45.176.0/22 131279 4837
 *
 * AS numbers as plain numbers, "AS131279" or asdot.
 *
 * Every text format (bgpdump -m, pfx2as, this one) is read through
 * routes_text_lines, which accepts only whole text lines: a NUL byte, a line
 * longer than ROUTES_LINE_MAX, or a last line without its newline (a file
 * cut mid-write, or read while it is being written) is an error naming the
 * line, never a shorter line read as if it were whole. */
#ifndef ASC_ROUTES_TEXT_H
#define ASC_ROUTES_TEXT_H
#include <stdbool.h>
#include <stdint.h>
#include "routes/rtable.h"

/* The longest line accepted, in bytes without its newline.  bgpdump caps
 * what it prints of an AS path at 8000 bytes and of the communities at 8192,
 * so its lines stay under 17 KB; a writer without those caps prints about
 * 3 text bytes per attribute byte, under 200 KB for the largest BGP message
 * (65535 bytes, RFC 8654).  1 MiB leaves room for both, and bounds what one
 * line of binary or runaway input can make us allocate. */
#ifndef ROUTES_LINE_MAX
#define ROUTES_LINE_MAX (1U << 20)
#endif

/* Reads up to n bytes from src: the count, 0 at the end, or a negative errno. */
typedef long (*routes_text_read_fn)(void *src, void *buf, size_t n);

struct routes_text_lines {
	routes_text_read_fn read;
	void *src;
	char *buf;
	size_t cap, start, end; /* buf[start, end): bytes not yet returned */
	uint64_t base;		/* bytes of input before buf[0] */
	bool eof;
	unsigned long line; /* number of the line last returned, or the one that failed */
	char err[96];	    /* why routes_text_lines_next() returned -EINVAL */
};

/* Starts reading lines from src, the first head_len bytes taken from head
 * (bytes already read from src, e.g. to guess the format).  0 or -ENOMEM. */
int routes_text_lines_init(struct routes_text_lines *l, routes_text_read_fn read, void *src,
			   const void *head, size_t head_len);
/* The next line: 1 with *line NUL-terminated, without its "\n" (or "\r\n"),
 * writable until the next call; 0 at the end of the input.  -EINVAL when the
 * input is not whole text lines (l->err says why, with the column of a NUL
 * byte); the negative errno of a failed read otherwise.  l->line is the
 * number of the line returned or of the one that failed.  Does not log. */
int routes_text_lines_next(struct routes_text_lines *l, char **line);
/* Bytes of input read so far (the offset of what follows the last read). */
uint64_t routes_text_lines_read_bytes(const struct routes_text_lines *l);
void routes_text_lines_free(struct routes_text_lines *l);

/* Parses one line (no newline needed).  Returns 1 and fills *e for a route,
 * 0 for a blank or comment line, -EINVAL with a message in err for a bad one. */
int routes_text_parse_line(const char *line, struct rt_entry *e, char *err, size_t errlen);

#endif
