// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/bench/touch.c - what writing fresh memory costs on this machine:
 * MiB (argument, default 64) of new anonymous memory written once, on
 * small pages and advised for transparent huge pages (MADV_HUGEPAGE), each
 * ROUNDS times in a new mapping; the minor faults of each pass from
 * getrusage().  The yardstick behind docs/BENCHMARKS.md, "Page faults in
 * the whole load": a page fault on this VM costs far more than the bytes.
 * Usage: touch [MiB]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/resource.h>

#define ROUNDS 3
#define HUGE (2UL << 20)

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static long minflt(void)
{
	struct rusage u;

	getrusage(RUSAGE_SELF, &u);
	return u.ru_minflt;
}

/* One pass: a new mapping of n bytes (2 MiB aligned), advised or not,
 * written once; prints seconds and faults. */
static int pass(size_t n, int huge)
{
	char *raw =
		mmap(NULL, n + HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p;
	double t0;
	long f0;

	if (raw == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	p = (char *)(((unsigned long)raw + HUGE - 1) & ~(HUGE - 1));
	if (huge && madvise(p, n, MADV_HUGEPAGE))
		perror("madvise (no THP: small pages)");
	f0 = minflt();
	t0 = now_s();
	memset(p, 1, n);
	printf("%-6s %8.3f s %8ld faults\n", huge ? "huge" : "small", now_s() - t0, minflt() - f0);
	munmap(raw, n + HUGE);
	return 0;
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 64;

	if (!mib || mib > 65536) {
		fprintf(stderr, "usage: touch [MiB, 1-65536]\n");
		return 2;
	}
	printf("%zu MiB of fresh memory written once, %d passes each\n", mib, ROUNDS);
	for (int r = 0; r < ROUNDS; r++)
		if (pass(mib << 20, 0) || pass(mib << 20, 1))
			return 1;
	return 0;
}
