/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* tests/bpf/fib_test.h - what tests/bpf/fib_test.bpf.c and its users share. */
#ifndef ASC_FIB_TEST_H
#define ASC_FIB_TEST_H

#define FT_MAX (1U << 20) /* addresses per batch table */

struct ft_addr {
	__u8 addr[16] __attribute__((aligned(8)));
};

/* The answers of both implementations for one address. */
struct ft_res {
	struct asc_route fast, lpm;
	__u32 found;		 /* bit 0: fast found a route, bit 1: lpm did */
	__u32 fast_rec, lpm_rec; /* the record indexes they yielded */
	__u32 pad;
};

#endif
