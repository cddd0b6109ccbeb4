/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/common/mem.h - the arrays a whole load writes from end to end, on
 * transparent huge pages.
 *
 * A full table's route table (40 bytes a prefix, 48 MB) and its sort keys
 * (24 bytes a prefix) are allocated fresh by every whole load and written
 * through once.  On 4 KiB pages that is a page fault per 4 KiB, and on
 * this project's VM a fault is a trip through the hypervisor: 64 MiB took
 * 0.22 s to touch the first time, 0.006-0.15 s on huge pages, and a whole
 * load of a full table took 50,000 faults (docs/BENCHMARKS.md, "Huge
 * pages for the whole load's route table").  With THP in madvise mode
 * (Debian's default) only advised memory gets huge pages.  The advice
 * covers every page of the block, not only its whole huge pages: a part
 * advised alone would split glibc's mapping of the block in three, and
 * realloc() could then no longer move it with one mremap() but would copy
 * it.  The daemon allocates 256 KiB and more with mmap (cmd_run.c), so a
 * block of MEM_HUGE_MIN is a mapping of its own there. */
#ifndef ASC_COMMON_MEM_H
#define ASC_COMMON_MEM_H
#include <malloc.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

/* smaller blocks keep small pages: most of a huge page would be room */
#define MEM_HUGE_MIN ((size_t)4 << 20)

/* Advises the pages of p, a block from malloc() or realloc() asked for
 * `bytes`, for huge pages when bytes is at least MEM_HUGE_MIN.  Advice
 * only: pages already there stay as they are, and a kernel without THP
 * refuses it, which changes nothing.  Returns p. */
static inline void *mem_huge(void *p, size_t bytes)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t from = (uintptr_t)p & ~(page - 1);
	uintptr_t to = ((uintptr_t)p + (p ? malloc_usable_size(p) : 0) + page - 1) & ~(page - 1);

	if (p && bytes >= MEM_HUGE_MIN)
		(void)madvise((void *)from, to - from, MADV_HUGEPAGE);
	return p;
}

#endif
