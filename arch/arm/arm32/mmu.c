/* SPDX-License-Identifier: MIT */
/*
 * vigil's own HYP stage-1 translation (ARM ARM B3.6, long-descriptor
 * format, the only one HYP has): HTCR.T0SZ = 0 gives a 4 GiB input range
 * resolved from level 1 (four entries). Below MM_LINEAR_LIMIT an identity
 * map, Normal write-back for RAM and Device-nGnRE for MMIO, from the
 * platform's coarse map; above it the mm_map() window (asm/mm_map.h).
 * The boot CPU builds it before it touches the DTB (with the MMU off every
 * access is Strongly-ordered, where libfdt's unaligned loads would fault);
 * secondaries switch on the same tables.
 */
#include "arch.h"
#include "asm/mm_map.h"
#include "asm/sysreg.h"
#include "lpae.h"
#include "mm.h"
#include "percpu.h"
#include "platform.h"
#include "printk.h"

#define L1_SHIFT 30
#define L2_SHIFT 21
#define L1_TOP 3 /* the 1 GiB that holds the limit and the window */

/* Level 1, four entries; a 32-byte aligned table for T0SZ = 0 (B4.1.77). */
static uint64_t hyp_l1[4] __aligned(32);
/* Level 2 of the top GiB: 2 MiB blocks up to the limit, the window's
 * level-3 table. */
static uint64_t hyp_l2_top[LPAE_ENTRIES] __aligned(4096);
/* The window: MM_MAP_SLOTS pages per CPU. */
static uint64_t hyp_l3_window[LPAE_ENTRIES] __aligned(4096);
static unsigned int window_depth[MAX_CPUS];

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

void arch_mmu_early_enable(void)
{
	for (unsigned int i = 0; i < platform.nr_early_map; i++) {
		const struct plat_region *r = &platform.early_map[i];
		uint64_t attrs = r->device ? LPAE_S1_DEVICE : LPAE_S1_NORMAL;
		uint64_t end = r->base + r->size;

		if (end > MM_LINEAR_LIMIT)
			end = MM_LINEAR_LIMIT;
		for (uint64_t a = r->base; a < end;) {
			unsigned int l1 = (unsigned int)(a >> L1_SHIFT);

			if (l1 != L1_TOP && IS_ALIGNED(a, 1ULL << L1_SHIFT) &&
			    end - a >= (1ULL << L1_SHIFT)) {
				hyp_l1[l1] = a | attrs | LPAE_TYPE_BLOCK;
				a += 1ULL << L1_SHIFT;
				continue;
			}
			if (l1 != L1_TOP) {
				/* Finer than 1 GiB only in the top one. */
				a += 1ULL << L1_SHIFT;
				continue;
			}
			hyp_l2_top[(a >> L2_SHIFT) & (LPAE_ENTRIES - 1)] =
				a | attrs | LPAE_TYPE_BLOCK;
			a += 1ULL << L2_SHIFT;
		}
	}
	hyp_l2_top[(MM_WINDOW_VA >> L2_SHIFT) & (LPAE_ENTRIES - 1)] =
		(uintptr_t)hyp_l3_window | LPAE_TYPE_TABLE;
	hyp_l1[L1_TOP] = (uintptr_t)hyp_l2_top | LPAE_TYPE_TABLE;
	/* The tables were written with the MMU (and caches) off: drop any
	 * stale lines so the walker, which reads through the cache, sees
	 * them. */
	dcache_inval_range(hyp_l1, sizeof(hyp_l1));
	dcache_inval_range(hyp_l2_top, sizeof(hyp_l2_top));
	dcache_inval_range(hyp_l3_window, sizeof(hyp_l3_window));
	mmu_enable_this_cpu();
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
