/* SPDX-License-Identifier: MIT */
/*
 * vigil's own EL2 stage-1 translation: an identity map, Normal write-back
 * for RAM and Device-nGnRE for MMIO. The boot CPU builds it from the
 * platform's coarse map before it touches the DTB (with the MMU off every
 * access is Device-nGnRnE, where libfdt's unaligned loads would fault);
 * secondaries switch on the same tables.
 */
#include "arch.h"
#include "asm/sysreg.h"
#include "platform.h"
#include "printk.h"

#define VA_BITS 39
#define L1_SHIFT 30
#define L1_ENTRIES 512

/* MAIR_EL2 attribute indexes (ARM ARM D13.2.97). */
#define MAIR_IDX_NORMAL 0
#define MAIR_IDX_DEVICE 1
#define MAIR_VALUE (0xffUL | (0x04UL << 8))

/* Block descriptor fields, stage 1 (ARM ARM D8.3). */
#define DESC_BLOCK 0x1UL
#define DESC_ATTRIDX(i) ((uint64_t)(i) << 2)
#define DESC_SH_INNER (3UL << 8)
#define DESC_AF BIT(10)
#define DESC_XN BIT_ULL(54)

/* TCR_EL2 (E2H == 0 layout, ARM ARM D13.2.131). */
#define TCR_T0SZ(bits) ((uint64_t)(64 - (bits)))
#define TCR_IRGN0_WBWA (1UL << 8)
#define TCR_ORGN0_WBWA (1UL << 10)
#define TCR_SH0_INNER (3UL << 12)
#define TCR_TG0_4K (0UL << 14)
#define TCR_PS_SHIFT 16
#define TCR_EL2_RES1 (BIT(31) | BIT(23))

static uint64_t el2_l1[L1_ENTRIES] __aligned(4096);
static uint64_t el2_tcr;

static void dcache_inval_range(void *start, size_t size)
{
	for (uintptr_t a = (uintptr_t)start; a < (uintptr_t)start + size;
	     a += 64)
		__asm__ __volatile__("dc ivac, %0" : : "r"(a) : "memory");
	dsb(sy);
}

static void mmu_enable_this_cpu(void)
{
	write_sysreg(mair_el2, MAIR_VALUE);
	write_sysreg(tcr_el2, el2_tcr);
	write_sysreg(ttbr0_el2, (uint64_t)(uintptr_t)el2_l1);
	isb();
	__asm__ __volatile__("tlbi alle2\n dsb ish" ::: "memory");
	isb();
	write_sysreg(sctlr_el2,
		     SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_SA);
	isb();
}

void arch_mmu_early_enable(void)
{
	uint64_t parange = read_sysreg(id_aa64mmfr0_el1) & 0xf;

	for (unsigned int i = 0; i < platform.nr_early_map; i++) {
		const struct plat_region *r = &platform.early_map[i];
		uint64_t attrs = DESC_BLOCK | DESC_AF;

		if (r->device)
			attrs |= DESC_ATTRIDX(MAIR_IDX_DEVICE) | DESC_XN;
		else
			attrs |= DESC_ATTRIDX(MAIR_IDX_NORMAL) | DESC_SH_INNER;
		for (uint64_t a = r->base; a < r->base + r->size;
		     a += 1UL << L1_SHIFT) {
			if ((a >> L1_SHIFT) >= L1_ENTRIES)
				break;
			el2_l1[a >> L1_SHIFT] = a | attrs;
		}
	}
	if (parange > 5)
		parange = 5;
	el2_tcr = TCR_EL2_RES1 | TCR_T0SZ(VA_BITS) | TCR_IRGN0_WBWA |
		  TCR_ORGN0_WBWA | TCR_SH0_INNER | TCR_TG0_4K |
		  (parange << TCR_PS_SHIFT);
	/* The table was written with the MMU (and caches) off: drop any
	 * stale lines so the walker, which reads through the cache, sees it. */
	dcache_inval_range(el2_l1, sizeof(el2_l1));
	mmu_enable_this_cpu();
}

void arch_mmu_secondary_enable(void)
{
	mmu_enable_this_cpu();
}
