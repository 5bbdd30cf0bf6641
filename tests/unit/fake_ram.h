/* SPDX-License-Identifier: MIT */
/*
 * A host buffer that plays physical RAM for the page allocator (and for what
 * allocates from it, such as the LPAE table builder): physical address
 * FAKE_RAM_PA maps to the start of fake_ram.
 */
#ifndef VIGIL_FAKE_RAM_H
#define VIGIL_FAKE_RAM_H

#include "mm.h"

#define FAKE_RAM_PA 0x40000000ULL
#define FAKE_RAM_SIZE (4UL << 20)
#define FAKE_RAM_PAGES (FAKE_RAM_SIZE / PAGE_SIZE)

static uint8_t fake_ram[FAKE_RAM_SIZE] __aligned(4096);

/* An empty allocator whose physical memory is fake_ram at @pa. */
static inline void fake_ram_reset_at(uint64_t pa)
{
	mm_init();
	/* Modulo the pointer width: on an ILP32 host a @pa above 4 GiB
	 * (Juno's RAM) still lands in fake_ram, as mm.c adds it back. */
	mm_set_phys_offset((intptr_t)((uintptr_t)fake_ram - (uintptr_t)pa));
}

/* An allocator owning all of fake_ram at FAKE_RAM_PA. */
static inline void fake_ram_reset(void)
{
	fake_ram_reset_at(FAKE_RAM_PA);
	mm_add_region(FAKE_RAM_PA, FAKE_RAM_SIZE);
}

#endif
