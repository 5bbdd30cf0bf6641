/* SPDX-License-Identifier: MIT */
/*
 * mm_map()/mm_unmap() in HYP mode (contract in include/mm.h). HYP has 4
 * GiB of virtual addresses and RAM may lie above them, so physical memory
 * below the linear-map limit (mmu.c) is reached at its own address, and
 * anything else through a per-CPU window of MM_MAP_SLOTS pages at
 * MM_WINDOW_VA: a slot per nesting depth, its level-3 entry written and
 * its VA invalidated in this CPU's TLB on every map.
 */
#ifndef VIGIL_ASM_MM_MAP_H
#define VIGIL_ASM_MM_MAP_H

#include "compiler.h"

/* The RAM vigil keeps identity mapped ends here; the window sits above.
 * It is also where the heap ends (include/mm.h). */
#define MM_LINEAR_LIMIT 0xf0000000ULL
#define MM_HEAP_LIMIT MM_LINEAR_LIMIT
#define MM_WINDOW_VA 0xffc00000UL

void *mm_map_window(uint64_t pa, size_t len);
void mm_unmap_window(const void *va);

static inline void *mm_map(uint64_t pa, size_t len)
{
	if (pa + len <= MM_LINEAR_LIMIT)
		return (void *)(uintptr_t)pa;
	return mm_map_window(pa, len);
}

static inline void mm_unmap(const void *va)
{
	if ((uintptr_t)va >= MM_WINDOW_VA)
		mm_unmap_window(va);
}

#endif
