/* SPDX-License-Identifier: MIT */
/*
 * mm_map()/mm_unmap() for host tests: a window that checks the contract in
 * include/mm.h instead of trusting it. Each mapping is a bounce buffer of
 * exactly the mapped length, filled from the fake RAM behind
 * mm_set_phys_offset() and written back (if changed) and freed at
 * mm_unmap(): a pointer
 * used past its length or kept past mm_unmap() is an ASan report, not a
 * silent read of RAM that a 32-bit window would have unmapped. Breaking a
 * rule (a range crossing a page, more than MM_MAP_SLOTS held, unmapping out
 * of order, overlapping a live mapping) panics, which a test can expect.
 *
 * The buffers alias nothing: two threads mapping the same page at once
 * would lose writes. The tests that map do it from one thread.
 */
#include <stdlib.h>
#include <string.h>

#include "host_mm_map.h"
#include "mm.h"
#include "printk.h"

struct host_mapping {
	uint64_t pa;
	size_t len;
	uint8_t *buf;
};

/* Threads play CPUs: each has its own stack of slots. */
static __thread struct host_mapping slots[MM_MAP_SLOTS];
static __thread unsigned int depth, deepest;
static __thread unsigned long maps;

void *mm_map(uint64_t pa, size_t len)
{
	struct host_mapping *m;

	if (len == 0 || len > PAGE_SIZE - (pa & (PAGE_SIZE - 1)))
		panic("mm_map(0x%llx, %zu): not within one page",
		      (unsigned long long)pa, len);
	if (depth == MM_MAP_SLOTS)
		panic("mm_map(0x%llx): %u mappings already held",
		      (unsigned long long)pa, depth);
	for (unsigned int i = 0; i < depth; i++)
		if (pa < slots[i].pa + slots[i].len && slots[i].pa < pa + len)
			panic("mm_map(0x%llx, %zu): overlaps a live mapping",
			      (unsigned long long)pa, len);
	m = &slots[depth];
	m->pa = pa;
	m->len = len;
	m->buf = malloc(len);
	if (!m->buf)
		panic("mm_map: out of host memory");
	memcpy(m->buf, mm_host_phys_ptr(pa), len);
	depth++;
	deepest = depth > deepest ? depth : deepest;
	maps++;
	return m->buf;
}

void mm_unmap(const void *va)
{
	struct host_mapping *m;

	if (depth == 0)
		panic("mm_unmap(%p): nothing mapped", va);
	m = &slots[depth - 1];
	if (va != m->buf)
		panic("mm_unmap(%p): not the last mapping", va);
	/* Written back only if written: a test's RAM may be read-only. */
	if (memcmp(mm_host_phys_ptr(m->pa), m->buf, m->len))
		memcpy(mm_host_phys_ptr(m->pa), m->buf, m->len);
	free(m->buf);
	m->buf = NULL;
	depth--;
}

unsigned int host_mm_maps_held(void)
{
	return depth;
}

unsigned int host_mm_maps_deepest(void)
{
	return deepest;
}

unsigned long host_mm_maps_made(void)
{
	return maps;
}

void host_mm_maps_reset(void)
{
	while (depth)
		mm_unmap(slots[depth - 1].buf);
	deepest = 0;
	maps = 0;
}
