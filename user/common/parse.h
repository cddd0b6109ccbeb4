/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/common/parse.h - strict parsing of numbers and AS numbers. */
#ifndef ASC_PARSE_H
#define ASC_PARSE_H
#include <stdint.h>

/* An address setting (set_neighbor): family 0 while not set. */
struct setting_addr {
	uint8_t family;	  /* 4 or 6; 0: not set */
	uint8_t addr[16]; /* network order, IPv4 in the first 4 bytes, the rest 0 */
};

/* Strict number parsing; 0 on success, -EINVAL otherwise. */
int parse_u32(const char *s, unsigned int *out);
int parse_u64(const char *s, unsigned long long *out);
/* AS numbers: "131279", "AS131279", asdot "2.1234". */
int parse_asn(const char *s, unsigned int *out);

#endif
