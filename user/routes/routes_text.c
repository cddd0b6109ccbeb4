// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/routes/routes_text.c - reader for the plain-text route format. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/parse.h"
#include "routes/routes_text.h"

int routes_text_parse_line(const char *line, struct rt_entry *e, char *err, size_t errlen)
{
	char buf[512], *tok[5], *save = NULL, *p;
	unsigned int asn[3] = { 0 };
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	p = strchr(buf, '#');
	if (p)
		*p = 0;
	for (p = strtok_r(buf, " \t\r\n", &save); p && n < 5; p = strtok_r(NULL, " \t\r\n", &save))
		tok[n++] = p;
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
			static const char *const what[] = { "origin", "transit", "peer" };

			snprintf(err, errlen, "bad %s AS '%s'", what[i - 1], tok[i]);
			return -EINVAL;
		}
	e->route.origin_asn = asn[0];
	e->route.transit_asn = asn[1];
	e->route.peer_asn = asn[2];
	if (n == 2)
		e->route.flags |= ASC_RF_NO_TRANSIT;
	return 1;
}

int routes_text_read(FILE *f, const char *name, struct rtable *t)
{
	size_t start = t->n, cap = 0;
	char *line = NULL, err[160];
	unsigned long lineno = 0;
	struct rt_entry e;
	int rc = 0;

	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		rc = routes_text_parse_line(line, &e, err, sizeof(err));
		if (rc < 0) {
			log_err("%s:%lu: %s", name, lineno, err);
			break;
		}
		if (rc == 1 && (rc = rtable_add(t, &e)) < 0) {
			log_err("%s:%lu: %s", name, lineno, strerror(-rc));
			break;
		}
		rc = 0;
	}
	if (!rc && ferror(f)) {
		rc = -errno;
		log_err("%s: read: %s", name, strerror(errno));
	}
	free(line);
	if (rc < 0)
		t->n = start; /* nothing from a bad file is kept */
	return rc;
}
