/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/routes/routes_text.h - the plain-text route format:
 *
 *     # comment
 *     PREFIX ORIGIN_AS [TRANSIT_AS [PEER_AS]]     e.g. 175.45.176.0/22 131279 4837
 *
 * AS numbers as plain numbers, "AS131279" or asdot. */
#ifndef ASC_ROUTES_TEXT_H
#define ASC_ROUTES_TEXT_H
#include <stdio.h>
#include "routes/rtable.h"

/* Parses one line (no newline needed).  Returns 1 and fills *e for a route,
 * 0 for a blank or comment line, -EINVAL with a message in err for a bad one. */
int routes_text_parse_line(const char *line, struct rt_entry *e, char *err, size_t errlen);

/* Reads a whole stream; `name` is used in messages ("routes.txt:7: ...").
 * Returns 0, or -EINVAL after logging the first bad line (nothing is added
 * to t in that case), or -errno on a read error. */
int routes_text_read(FILE *f, const char *name, struct rtable *t);

#endif
