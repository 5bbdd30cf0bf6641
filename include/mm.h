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
 * The regions are vigil's heap: RAM the arch keeps mapped at all times, so
 * what lives there (page-table pages, the bitmaps, the reset copies of guest
 * images) is reached through a plain pointer from mm_heap_virt(). Every
 * other physical byte (guest RAM, what the boot loader left outside the
 * heap) is reached only through mm_map()/mm_unmap() below. On arm64 all RAM
 * is linearly mapped and both are the identity; a 32-bit HYP (4 GiB of
 * address space, up to 40-bit physical addresses) gives mm_add_region()
 * only the RAM below its linear-map limit and reaches the rest through a
 * small window (vigil's image and the boot DTB, read through pointers too,
 * must lie below that limit as well). Host tests point the heap at a host
 * buffer with mm_set_phys_offset().
 *
 * One spinlock (IRQ-safe) serialises every allocator call.
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
/*
 * The same, not zeroed: only for a buffer of vigil's own that the caller
 * fills whole before anything reads it, and whose stale bytes (what a
 * freed page held) never reach a guest (docs/security.md). The reset
 * copies of a guest's images are one: zeroing 30 MiB that the copy then
 * overwrites cost 10 M instructions at boot (issue 16).
 */
uint64_t mm_alloc_pages_unzeroed(unsigned int n, unsigned int align_pages);

/* Free @n pages from mm_alloc_pages(). Freeing a page that is not allocated
 * is a bug of vigil and panics. */
void mm_free_pages(uint64_t pa, unsigned int n);
/* The same, but -EINVAL (and nothing freed) instead of a panic when a page
 * of the range is free, reserved, allocator metadata or not RAM. */
int mm_try_free_pages(uint64_t pa, unsigned int n);

/* Number of free pages over all regions. */
uint64_t mm_free_count(void);

/*
 * A heap page's physical address -> the pointer vigil keeps using, and back.
 * Only for memory inside the regions (vigil's heap: what mm_alloc_pages()
 * returns, the allocator's bitmaps): never for guest RAM or other physical
 * memory, which may not be mapped (use mm_map()). Host builds panic on a
 * physical address outside the heap or inside a reservation.
 */
void *mm_heap_virt(uint64_t pa);
uint64_t mm_heap_phys(const void *va);

/*
 * virt = phys + offset. 0 on the target (identity); host tests set it so a
 * host buffer plays physical memory.
 */
void mm_set_phys_offset(intptr_t offset);
#ifdef VIGIL_HOST_TEST
/* The host buffer byte playing @pa, heap or not: for host stand-ins. */
void *mm_host_phys_ptr(uint64_t pa);
#endif

/*
 * Temporary mappings of any physical memory, after Xen's per-CPU
 * map_domain_page(). The contract, for every implementation:
 *
 *  - mm_map(pa, len) maps [pa, pa + len), which must lie within one 4 KiB
 *    page (1 <= len <= PAGE_SIZE - pa % PAGE_SIZE), and returns the pointer
 *    to pa. Longer ranges go page by page (mm_copy_from_phys() and friends).
 *  - The mapping belongs to the calling CPU: only that CPU dereferences it.
 *  - At most MM_MAP_SLOTS mappings are held on a CPU at once, counting an
 *    interrupt handler's nested on top of the code it interrupted; they are
 *    released with mm_unmap() in the reverse order (last mapped, first
 *    unmapped), and live mappings on a CPU never overlap.
 *  - A mapping is short-lived: taken and released within one hypervisor
 *    call or exit handler, never held across a guest entry, a wait for
 *    another CPU, or kept in a structure. Mapping with IRQs masked or open
 *    is both fine.
 *  - mm_map() cannot fail: @pa must be RAM (the caller checked, e.g. by
 *    translating a guest IPA against the VM's RAM).
 *
 * arm64: the linear map of all RAM; both are inline and free (asm/mm_map.h).
 *
 * arm32 (arch/arm/arm32/mmu.c): below MM_HEAP_LIMIT, RAM is identity
 * mapped and mm_map() is the identity too; above it, a window of
 * MM_MAP_SLOTS pages per CPU: a fixed HYP VA range, one slot per depth,
 * whose level-3 entries sit in one table (each CPU writes only its own).
 * mm_map() takes the slot at the CPU's current depth (IRQs masked while the
 * depth moves), writes its descriptor (Normal write-back, XN, the 40-bit
 * physical page), invalidates that VA in the local TLB (TLBIMVAH, DSB, ISB)
 * and returns slot VA + pa % PAGE_SIZE; mm_unmap() checks it is the top slot
 * and drops the depth (the stale entry is overwritten and invalidated by
 * the next mm_map() of that slot).
 *
 * Host tests (tests/unit/host_mm_map.c) check the contract: each mapping
 * is a bounce buffer of exactly @len bytes written back and freed at
 * mm_unmap(), so a pointer kept past mm_unmap() or used past @len trips
 * ASan, and a crossing range, a slot too many, an unmap out of order or an
 * overlap panics.
 */
#define MM_MAP_SLOTS 4

#ifdef VIGIL_HOST_TEST
void *mm_map(uint64_t pa, size_t len);
void mm_unmap(const void *va);
#else
#include "asm/mm_map.h"
#endif

/*
 * Where the heap ends: boot gives mm_add_region() only the RAM below it;
 * what lies above is reached through mm_map() alone. The profile's
 * asm/mm_map.h sets it (arm32: HYP's linear-map limit); none elsewhere.
 */
#ifndef MM_HEAP_LIMIT
#define MM_HEAP_LIMIT UINT64_MAX
#endif

/* Copy between a buffer vigil can dereference and physical memory outside
 * the heap (or inside it), page by page through mm_map(). */
void mm_copy_from_phys(void *dst, uint64_t pa, uint64_t len);
void mm_copy_to_phys(uint64_t pa, const void *src, uint64_t len);
/* Physical to physical; the ranges must not overlap. */
void mm_copy_phys(uint64_t dst, uint64_t src, uint64_t len);

#endif
