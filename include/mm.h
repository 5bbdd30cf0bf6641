/* SPDX-License-Identifier: MIT */
/*
 * Physical page allocator.
 *
 * Boot code describes RAM with mm_add_region() and carves out what is not
 * free (vigil's image, the DTB, guest images, VM RAM) with mm_reserve(), in
 * any order. Metadata needs no allocator: each region keeps a bitmap (one bit
 * per page, set = not free) inside the region itself, in the first run of
 * pages no reservation covers. The bitmaps are placed lazily, on the first
 * allocation or count, so reservations made before that are never
 * overwritten by metadata; reservations are also remembered for regions
 * added later.
 *
 * Memory is reached through mm_phys_to_virt(), the identity on the target.
 * Host tests point it at a host buffer with mm_set_phys_offset().
 *
 * One spinlock (IRQ-safe) serialises every call.
 */
#ifndef VIGIL_MM_H
#define VIGIL_MM_H

#include "compiler.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)

#define MM_MAX_REGIONS 16
/* Reservations remembered so later-added regions honour them. */
#define MM_MAX_RESERVED 32

/* Forget every region and reservation: an empty allocator. */
int mm_init(void);

/*
 * Add free RAM [base, base + size), shrunk inward to whole pages. Physical
 * page 0 is never handed out (0 means failure). -EINVAL if no whole page is
 * left or the range wraps, -EEXIST if it overlaps a region, -ENOSPC past
 * MM_MAX_REGIONS.
 */
int mm_add_region(uint64_t base, uint64_t size);

/*
 * Take [base, base + size), grown outward to whole pages, away from the
 * allocator for good. Parts outside every region are ignored; reserving an
 * already reserved page is fine. -EBUSY (and nothing reserved) if a page of
 * the range is allocated or holds allocator metadata; -ENOSPC past
 * MM_MAX_RESERVED reservations; -EINVAL if the range wraps or is empty.
 */
int mm_reserve(uint64_t base, uint64_t size);

/*
 * Allocate @n contiguous zeroed pages whose physical address is a multiple
 * of @align_pages pages (0 or 1: no constraint; otherwise a power of two).
 * Returns the physical address, 0 on failure.
 */
uint64_t mm_alloc_pages(unsigned int n, unsigned int align_pages);

/* Free @n pages from mm_alloc_pages(). Freeing a page that is not allocated
 * is a bug of vigil and panics. */
void mm_free_pages(uint64_t pa, unsigned int n);
/* The same, but -EINVAL (and nothing freed) instead of a panic when a page
 * of the range is free, reserved, allocator metadata or not RAM. */
int mm_try_free_pages(uint64_t pa, unsigned int n);

/* Number of free pages over all regions. */
uint64_t mm_free_count(void);

/* Physical address → pointer the hypervisor can dereference, and back. */
void *mm_phys_to_virt(uint64_t pa);
uint64_t mm_virt_to_phys(const void *va);

/*
 * virt = phys + offset. 0 on the target (identity); host tests set it so a
 * host buffer plays physical memory.
 */
void mm_set_phys_offset(intptr_t offset);

#endif
