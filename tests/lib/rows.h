/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* tests/lib/rows.h - for cmocka tests written as tables: every row is checked,
 * each difference is printed with its row ("row 3 \"12x\": returned 0, want
 * -22"), and the test fails once at the end with the number of wrong rows, so
 * one failing row hides none of the others.  Include after <cmocka.h>.
 *
 *	struct rows r = { 0 };
 *	for (size_t i = 0; i < n; i++) {
 *		if (got != rows[i].want)
 *			row_wrong(&r, i, rows[i].text, "got %d, want %d", got, rows[i].want);
 *	}
 *	rows_done(&r, n);
 */
#ifndef ASC_TEST_ROWS_H
#define ASC_TEST_ROWS_H
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

struct rows {
	size_t wrong; /* rows with at least one difference */
	size_t last;  /* the row reported last, + 1 (0: none yet) */
};

/* Prints one difference of row i (named by `name`, e.g. its input). */
static inline void __attribute__((format(printf, 4, 5)))
row_wrong(struct rows *r, size_t i, const char *name, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	print_error("row %zu \"%s\": %s\n", i, name, what);
	if (r->last != i + 1)
		r->wrong++;
	r->last = i + 1;
}

/* Fails the test when a row of the n was wrong. */
static inline void rows_done(const struct rows *r, size_t n)
{
	if (r->wrong)
		fail_msg("%zu of %zu rows wrong (listed above)", r->wrong, n);
}

#endif
