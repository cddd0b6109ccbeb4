/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* tests/bpf/bench.h - what the lookup benchmark's BPF side and its driver
 * share. */
#ifndef ASC_BENCH_H
#define ASC_BENCH_H

#define BENCH_ADDRS (1U << 20) /* a power of two: the index is masked */

struct bench_addr {
	__u8 addr[16] __attribute__((aligned(8)));
};

#endif
