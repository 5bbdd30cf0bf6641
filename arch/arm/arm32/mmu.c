/* SPDX-License-Identifier: MIT */
/*
 * vigil's own HYP stage-1 translation (ARM ARM B3.6, long-descriptor
 * format, the only one HYP has): HTCR.T0SZ = 0 gives a 4 GiB input range
 * resolved from level 1 (four entries). Below MM_LINEAR_LIMIT an identity
 * map, Normal write-back for RAM and Device-nGnRE for MMIO, in 1 GiB and
 * 2 MiB blocks; above it the mm_map() window (asm/mm_map.h). As on arm64
 * nothing in it comes from a build-time table: the boot CPU first maps
 * only its image and the DTB, Normal (with the MMU off every access is
 * Strongly-ordered, where libfdt's unaligned loads would fault), then adds
 * what the DTB describes (arch_mmu_map()). Entries only ever go from
 * invalid to valid, and an entry that faults is never held in a TLB
 * (B3.10.2), so no TLB maintenance is needed for them. Secondaries switch
 * on the same tables.
 */
#include <errno.h>

#include "arch.h"
#include "asm/mm_map.h"
#include "asm/sysreg.h"
#include "lpae.h"
#include "mm.h"
#include "percpu.h"
#include "printk.h"

#define L1_SHIFT 30
#define L2_SHIFT 21
#define L1_ENTRIES 4
#define L1_TOP 3 /* the 1 GiB that holds the limit and the window */
#define BLOCK_2M (1ULL << L2_SHIFT)
#define BLOCK_1G (1ULL << L1_SHIFT)
#define HYP_VA_END (1ULL << 32)
#define DESC_VALID 0x1ULL
#define DESC_TYPE_MASK 0x3ULL
#define DESC_ADDR_MASK 0x000000fffffff000ULL

/* Level 1, four entries; a 32-byte aligned table for T0SZ = 0 (B4.1.77). */
static uint64_t hyp_l1[L1_ENTRIES] __aligned(32);
/* Level 2, one table per gigabyte that is not a single block (the top
 * one always: the window is there), so the map cannot run out. */
static uint64_t hyp_l2[L1_ENTRIES][LPAE_ENTRIES] __aligned(4096);
/* The window: MM_MAP_SLOTS pages per CPU. */
static uint64_t hyp_l3_window[LPAE_ENTRIES] __aligned(4096);
static unsigned int window_depth[MAX_CPUS];
static bool mmu_on;

_Static_assert(MAX_CPUS *MM_MAP_SLOTS <= LPAE_ENTRIES, "window slots");
_Static_assert(((MM_WINDOW_VA >> L1_SHIFT) & 3) == L1_TOP, "window GiB");
_Static_assert(MM_LINEAR_LIMIT <= MM_WINDOW_VA, "window above the limit");

/* HMAIR0/1: the attribute indexes of lpae.h's MAIR layout (0-3). */
#define HMAIR0_VALUE ((uint32_t)MAIR_EL2_VALUE)
#define HMAIR1_VALUE ((uint32_t)(MAIR_EL2_VALUE >> 32))

static void dcache_inval_range(void *start, size_t size)
{
	for (uintptr_t a = (uintptr_t)start & ~63UL;
	     a < (uintptr_t)start + size; a += 64)
		write_cp32(0, c7, c6, 1, a); /* DCIMVAC */
	dsb(sy);
}

static void tlb_flush_hyp(void)
{
	write_cp32(4, c8, c7, 0, 0); /* TLBIALLH */
	dsb(ish);
	isb();
}

static void mmu_enable_this_cpu(void)
{
	uint32_t sctlr;

	write_sysreg(HMAIR0, HMAIR0_VALUE);
	write_sysreg(HMAIR1, HMAIR1_VALUE);
	write_sysreg(HTCR, HTCR_VALUE);
	write_sysreg64(HTTBR, (uint64_t)(uintptr_t)hyp_l1);
	isb();
	tlb_flush_hyp();
	write_cp32(0, c7, c5, 0, 0); /* ICIALLU */
	dsb(sy);
	isb();
	sctlr = read_sysreg(HSCTLR);
	sctlr &= ~(HSCTLR_A | HSCTLR_WXN | HSCTLR_EE | HSCTLR_TE);
	sctlr |= HSCTLR_M | HSCTLR_C | HSCTLR_I;
	write_sysreg(HSCTLR, sctlr);
	isb();
}

/* The level-2 table under level-1 entry @i, made from an invalid entry if
 * need be; NULL if the entry is a 1 GiB block. */
static uint64_t *l2_table(unsigned int i)
{
	uint64_t *t = hyp_l2[i];

	if ((hyp_l1[i] & DESC_TYPE_MASK) == LPAE_TYPE_TABLE)
		return t;
	if (hyp_l1[i] & DESC_VALID)
		return NULL;
	/* .bss: still zero, so only the entry naming it is written (after
	 * the entries it may hold, by the caller's barrier). */
	hyp_l1[i] = (uint64_t)(uintptr_t)t | LPAE_TYPE_TABLE;
	return t;
}

/* Set one block entry that is invalid; an equal one is fine too. */
static int set_block(uint64_t *e, uint64_t desc)
{
	if ((*e & DESC_VALID) && *e != desc)
		return -EBUSY;
	*e = desc;
	return 0;
}

/*
 * include/arch.h's contract, within HYP's 4 GiB: RAM is identity mapped
 * only below MM_LINEAR_LIMIT (what lies above is reached through the
 * mm_map() window, so that part of a bank needs nothing here and is not
 * an error); a device must lie below 4 GiB, outside the window's 2 MiB.
 */
int arch_mmu_map(uint64_t base, uint64_t size, bool device)
{
	uint64_t a = base & ~(BLOCK_2M - 1), end = base + size, attrs;
	int r = 0;

	if (!size || end < base)
		return -EINVAL;
	if (device) {
		if (end > HYP_VA_END)
			return -EINVAL;
		attrs = LPAE_S1_DEVICE;
	} else {
		if (end > MM_LINEAR_LIMIT)
			end = MM_LINEAR_LIMIT;
		attrs = LPAE_S1_NORMAL;
	}
	while (a < end && !r) {
		unsigned int i = (unsigned int)(a >> L1_SHIFT);
		uint64_t *t;

		/* A whole gigabyte whose entry is still free: one block. */
		if (i != L1_TOP && !(a & (BLOCK_1G - 1)) &&
		    end - a >= BLOCK_1G && !(hyp_l1[i] & DESC_VALID)) {
			hyp_l1[i] = a | attrs | LPAE_TYPE_BLOCK;
			a += BLOCK_1G;
			continue;
		}
		t = l2_table(i);
		if (!t) {
			/* Already a 1 GiB block: fine if it is the same kind. */
			if ((hyp_l1[i] & ~DESC_ADDR_MASK) ==
			    (attrs | LPAE_TYPE_BLOCK)) {
				a = (a | (BLOCK_1G - 1)) + 1;
				continue;
			}
			r = -EBUSY;
			break;
		}
		r = set_block(&t[(a >> L2_SHIFT) % LPAE_ENTRIES],
			      a | attrs | LPAE_TYPE_BLOCK);
		a += BLOCK_2M;
	}
	if (mmu_on) {
		dsb(ishst);
		isb();
	}
	return r;
}

void arch_mmu_early_enable(uint64_t dtb_pa)
{
	uint64_t img = (uint64_t)(uintptr_t)__image_start;
	uint64_t img_end = (uint64_t)(uintptr_t)__image_end;

	/* The window's level-3 table, in the top gigabyte's level 2. */
	l2_table(L1_TOP)[(MM_WINDOW_VA >> L2_SHIFT) % LPAE_ENTRIES] =
		(uintptr_t)hyp_l3_window | LPAE_TYPE_TABLE;
	/* The DTB as arm64 maps it (2 MiB from its start): ARM's boot
	 * protocol (Documentation/arm/booting.rst) bounds it by no more
	 * than its own size, and QEMU and U-Boot keep it far smaller. It,
	 * like the image, must lie below MM_LINEAR_LIMIT (include/mm.h). */
	arch_mmu_map(img, img_end - img, false);
	arch_mmu_map(dtb_pa, BLOCK_2M, false);
	/* Everything so far was written with the MMU (and caches) off,
	 * straight to memory: drop any stale lines of the image (its data,
	 * stacks and tables) so that the cached view, which the table
	 * walker uses too (HTCR), agrees. */
	dcache_inval_range(__image_start, img_end - img);
	mmu_enable_this_cpu();
	mmu_on = true;
}

void arch_mmu_secondary_enable(void)
{
	mmu_enable_this_cpu();
}
/*
 * The window (include/mm.h's contract). The slot is the CPU's current
 * depth; the depth moves with IRQs masked, so an interrupt handler's
 * mapping nests on top. The descriptor is written, then the slot's VA
 * invalidated in this CPU's TLB (TLBIMVAH): no other CPU ever uses it.
 */
void *mm_map_window(uint64_t pa, size_t len)
{
	unsigned long flags = arch_irq_save();
	unsigned int cpu = arch_cpu_id();
	unsigned int depth = window_depth[cpu];
	unsigned int slot = cpu * MM_MAP_SLOTS + depth;
	uintptr_t va = MM_WINDOW_VA + slot * PAGE_SIZE;

	if (depth >= MM_MAP_SLOTS || len == 0 ||
	    (pa % PAGE_SIZE) + len > PAGE_SIZE)
		panic("mm_map(0x%llx, %u): depth %u", (unsigned long long)pa,
		      (unsigned int)len, depth);
	hyp_l3_window[slot] = (pa & ~(uint64_t)(PAGE_SIZE - 1)) |
			      LPAE_S1_NORMAL_XN | LPAE_TYPE_PAGE;
	dsb(ishst);
	write_cp32(4, c8, c7, 1, va); /* TLBIMVAH */
	dsb(ish);
	isb();
	window_depth[cpu] = depth + 1;
	arch_irq_restore(flags);
	return (void *)(va + (uintptr_t)(pa % PAGE_SIZE));
}

void mm_unmap_window(const void *va)
{
	unsigned long flags = arch_irq_save();
	unsigned int cpu = arch_cpu_id();
	unsigned int depth = window_depth[cpu];
	uintptr_t top =
		MM_WINDOW_VA + (cpu * MM_MAP_SLOTS + depth - 1) * PAGE_SIZE;

	if (!depth || ((uintptr_t)va & ~(PAGE_SIZE - 1)) != top)
		panic("mm_unmap(%p): not this CPU's last mapping (depth %u)",
		      va, depth);
	window_depth[cpu] = depth - 1;
	arch_irq_restore(flags);
}
