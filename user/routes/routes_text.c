// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/routes/routes_text.c - whole text lines from a byte stream, and the parser
 * of the plain-text route format (routes_in.c reads the files).  Must not:
 * hand out a line it has not seen the end of, or grow a line past
 * ROUTES_LINE_MAX. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/parse.h"
#include "routes/routes_text.h"

/* ---- lines -------------------------------------------------------------- */

#define LINES_CHUNK (64U << 10) /* bytes asked of the source at a time */
/* room for the longest line, its newline, and one more read behind it */
#define LINES_CAP (ROUTES_LINE_MAX + 1 + LINES_CHUNK)

int routes_text_lines_init(struct routes_text_lines *l, routes_text_read_fn read, void *src,
			   const void *head, size_t head_len)
{
	memset(l, 0, sizeof(*l));
	l->read = read;
	l->src = src;
	l->cap = 2 * LINES_CHUNK > head_len ? 2 * LINES_CHUNK : head_len + LINES_CHUNK;
	l->buf = malloc(l->cap);
	if (!l->buf)
		return -ENOMEM;
	if (head_len)
		memcpy(l->buf, head, head_len);
	l->end = head_len;
	return 0;
}

void routes_text_lines_free(struct routes_text_lines *l)
{
	free(l->buf);
	l->buf = NULL;
}

uint64_t routes_text_lines_read_bytes(const struct routes_text_lines *l)
{
	return l->base + l->end;
}

/* Moves the unreturned bytes to the front and reads more behind them.
 * Called with at most ROUTES_LINE_MAX bytes unreturned, so there is room. */
static int lines_fill(struct routes_text_lines *l)
{
	long k;

	if (l->start) {
		memmove(l->buf, l->buf + l->start, l->end - l->start);
		l->base += l->start;
		l->end -= l->start;
		l->start = 0;
	}
	if (l->cap - l->end < LINES_CHUNK && l->cap < LINES_CAP) {
		size_t cap = l->cap * 2 < LINES_CAP ? l->cap * 2 : LINES_CAP;
		char *b = realloc(l->buf, cap);

		if (!b)
			return -ENOMEM;
		l->buf = b;
		l->cap = cap;
	}
	k = l->read(l->src, l->buf + l->end, l->cap - l->end);
	if (k < 0)
		return (int)k;
	l->eof = !k;
	l->end += (size_t)k;
	return 0;
}

static int __attribute__((format(printf, 2, 3))) lines_fail(struct routes_text_lines *l,
							    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->err, sizeof(l->err), fmt, ap);
	va_end(ap);
	l->line++;
	return -EINVAL;
}

/* Hands out buf[start, nl) as a line. */
static int lines_take(struct routes_text_lines *l, char *nl, char **line)
{
	char *s = l->buf + l->start;

	*nl = 0;
	if (nl > s && nl[-1] == '\r')
		nl[-1] = 0;
	l->start = (size_t)(nl + 1 - l->buf);
	l->line++;
	*line = s;
	return 1;
}

int routes_text_lines_next(struct routes_text_lines *l, char **line)
{
	size_t scan = 0; /* bytes after start already searched */
	int err;

	for (;;) {
		char *s = l->buf + l->start, *p = s + scan;
		char *nl = memchr(p, '\n', l->end - l->start - scan);
		char *nul = memchr(p, 0, (size_t)((nl ? nl : l->buf + l->end) - p));

		if (nul)
			return lines_fail(l, "NUL byte at column %zu: binary data, not text",
					  (size_t)(nul - s) + 1);
		if (nl && (size_t)(nl - s) <= ROUTES_LINE_MAX)
			return lines_take(l, nl, line);
		if (l->end - l->start > ROUTES_LINE_MAX)
			return lines_fail(l, "line longer than %u bytes", ROUTES_LINE_MAX);
		if (l->eof && l->start == l->end)
			return 0;
		if (l->eof)
			return lines_fail(l, "no newline at the end of the last line: the file "
					     "is cut short, or still being written");
		scan = l->end - l->start;
		err = lines_fill(l);
		if (err) {
			l->line++;
			return err;
		}
	}
}

/* ---- the plain-text route format ---------------------------------------- */

/* Longer than any prefix ("ffff:...:255.255.255.255/128" is 49 bytes) or AS
 * number text; a longer field is an error, not cut to fit. */
#define FIELD_MAX 64

/* The next field of *s (ended by a blank, a '#' or the end of the line):
 * returns its length, 0 when there is none, and moves *s past it. */
static size_t next_field(const char **s, const char **field)
{
	*s += strspn(*s, " \t\r\n");
	*field = *s;
	*s += strcspn(*s, " \t\r\n#");
	return (size_t)(*s - *field);
}

int routes_text_parse_line(const char *line, struct rt_entry *e, char *err, size_t errlen)
{
	static const char *const what[] = { "prefix", "origin AS", "transit AS", "peer AS" };
	char tok[4][FIELD_MAX];
	unsigned int asn[3] = { 0 };
	const char *p = line, *f;
	size_t len;
	int n;

	for (n = 0; (len = next_field(&p, &f)); n++) {
		if (n >= 4)
			continue; /* counted for the message below */
		if (len >= FIELD_MAX) {
			snprintf(err, errlen, "field %d is %zu bytes long: too long for a %s",
				 n + 1, len, what[n]);
			return -EINVAL;
		}
		memcpy(tok[n], f, len);
		tok[n][len] = 0;
	}
	if (n == 0)
		return 0;
	if (n < 2 || n > 4) {
		snprintf(err, errlen,
			 "expected PREFIX ORIGIN_AS [TRANSIT_AS [PEER_AS]], got %d field%s", n,
			 n == 1 ? "" : "s");
		return -EINVAL;
	}
	memset(e, 0, sizeof(*e));
	if (prefix_parse(tok[0], e, 0)) {
		snprintf(err, errlen, "bad prefix '%s'", tok[0]);
		return -EINVAL;
	}
	for (int i = 1; i < n; i++)
		if (parse_asn(tok[i], &asn[i - 1])) {
			snprintf(err, errlen, "bad %s '%s'", what[i], tok[i]);
			return -EINVAL;
		}
	e->route.origin_asn = asn[0];
	e->route.transit_asn = asn[1];
	e->route.peer_asn = asn[2];
	if (n == 2)
		e->route.flags |= ASC_RF_NO_TRANSIT;
	return 1;
}
