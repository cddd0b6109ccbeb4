/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* tests/fuzz/fuzz.h - what the libFuzzer targets share. */
#ifndef ASC_FUZZ_H
#define ASC_FUZZ_H
#include <stdio.h>
#include <stdlib.h>

/* Sends the stdio stream `stderr` to /dev/null unless FUZZ_LOG is set: the
 * code under test logs every bad input there, and its messages are still
 * formatted (that code runs too).  libFuzzer and the sanitizers keep the
 * real stderr: libFuzzer holds its own FILE pointer, taken at start-up, and
 * the sanitizers write to the descriptor.  Returns the real stderr. */
static inline FILE *quiet_logs(void)
{
	FILE *real = stderr, *null;

	if (getenv("FUZZ_LOG"))
		return real;
	null = fopen("/dev/null", "w");
	if (!null)
		abort();
	stderr = null;
	return real;
}

#endif
