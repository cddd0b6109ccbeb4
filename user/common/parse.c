/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/common/parse.c - strict parsing of the numbers and AS numbers that
 * command lines, config files and routing text share. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "common/parse.h"

int parse_u64(const char *s, unsigned long long *out)
{
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

int parse_u32(const char *s, unsigned int *out)
{
	unsigned long long v;

	if (parse_u64(s, &v) || v > UINT32_MAX)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

int parse_asn(const char *s, unsigned int *out)
{
	const char *dot;
	unsigned int hi, lo;
	char buf[16];

	if (!s)
		return -EINVAL;
	if (!strncasecmp(s, "AS", 2))
		s += 2;
	dot = strchr(s, '.');
	if (!dot)
		return parse_u32(s, out);
	/* asdot (RFC 5396): HIGH.LOW, each 16 bits */
	if ((size_t)(dot - s) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, dot - s);
	buf[dot - s] = 0;
	if (parse_u32(buf, &hi) || parse_u32(dot + 1, &lo) || hi > 0xffff || lo > 0xffff)
		return -EINVAL;
	*out = hi << 16 | lo;
	return 0;
}
