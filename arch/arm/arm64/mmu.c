/* SPDX-License-Identifier: MIT */
/*
 * vigil's own EL2 stage-1 translation: an identity map, Normal write-back
 * for RAM and Device-nGnRE for MMIO, in 1 GiB and 2 MiB blocks. Nothing in
 * it is known at build time (one image for every board): the boot CPU
 * first maps only its own image and the DTB, Normal (with the MMU off
 * every access is Device-nGnRnE, where libfdt's unaligned loads would
 * fault), then adds what the DTB describes (arch_mmu_map()). Entries only
 * ever go from invalid to valid, so no break-before-make is needed.
 * Secondaries switch on the same tables.
 */
#include <errno.h>

#include "arch.h"
#include "asm/sysreg.h"
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

#define L2_SHIFT 21
#define L2_ENTRIES 512
#define BLOCK_2M (1ULL << L2_SHIFT)
#define BLOCK_1G (1ULL << L1_SHIFT)
/* Gigabytes that mix RAM and MMIO, or hold the image, each need one. */
#define NR_L2_TABLES 16
#define DESC_TABLE 0x3UL
#define DESC_VALID 0x1UL
#define DESC_TYPE_MASK 0x3UL
#define DESC_ADDR_MASK 0x0000fffffffff000ULL

static uint64_t el2_l1[L1_ENTRIES] __aligned(4096);
static uint64_t el2_l2[NR_L2_TABLES][L2_ENTRIES] __aligned(4096);
static unsigned int nr_l2_used;
static uint64_t el2_tcr;
static bool mmu_on;

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

static uint64_t block_attrs(bool device)
{
	if (device)
		return DESC_AF | DESC_ATTRIDX(MAIR_IDX_DEVICE) | DESC_XN;
	return DESC_AF | DESC_ATTRIDX(MAIR_IDX_NORMAL) | DESC_SH_INNER;
}

/* The L2 table under L1 entry @i, made from an invalid entry if need be;
 * NULL if the entry is a block or the pool is used up. */
static uint64_t *l2_table(unsigned int i)
{
	uint64_t *t;

	if ((el2_l1[i] & DESC_TYPE_MASK) == DESC_TABLE)
		return (uint64_t *)(uintptr_t)(el2_l1[i] & DESC_ADDR_MASK);
	if (el2_l1[i] & DESC_VALID)
		return NULL;
	if (nr_l2_used == NR_L2_TABLES)
		return NULL;
	t = el2_l2[nr_l2_used++];
	for (unsigned int j = 0; j < L2_ENTRIES; j++)
		t[j] = 0;
	if (mmu_on)
		dsb(ishst); /* the zeroed table before the entry naming it */
	el2_l1[i] = (uint64_t)(uintptr_t)t | DESC_TABLE;
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

int arch_mmu_map(uint64_t base, uint64_t size, bool device)
{
	uint64_t a = base & ~(BLOCK_2M - 1), end = base + size, attrs;
	int r = 0;

	if (!size || end < base || end > (1ULL << VA_BITS))
		return -EINVAL;
	attrs = block_attrs(device);
	while (a < end && !r) {
		unsigned int i = (unsigned int)(a >> L1_SHIFT);
		uint64_t *t;

		/* A whole gigabyte whose entry is still free: one block. */
		if (!(a & (BLOCK_1G - 1)) && end - a >= BLOCK_1G &&
		    !(el2_l1[i] & DESC_VALID)) {
			el2_l1[i] = a | DESC_BLOCK | attrs;
			a += BLOCK_1G;
			continue;
		}
		t = l2_table(i);
		if (!t) {
			/* Already a 1 GiB block: fine if it is the same kind. */
			if ((el2_l1[i] & DESC_TYPE_MASK) == DESC_BLOCK &&
			    (el2_l1[i] & ~DESC_ADDR_MASK) ==
				    (DESC_BLOCK | attrs)) {
				a = (a | (BLOCK_1G - 1)) + 1;
				continue;
			}
			r = (el2_l1[i] & DESC_VALID) ? -EBUSY : -ENOMEM;
			break;
		}
		r = set_block(&t[(a >> L2_SHIFT) % L2_ENTRIES],
			      a | DESC_BLOCK | attrs);
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
	uint64_t parange = read_sysreg(id_aa64mmfr0_el1) & 0xf;
	uint64_t img = (uint64_t)(uintptr_t)__image_start;
	uint64_t img_end = (uint64_t)(uintptr_t)__image_end;

	/* The arm64 boot protocol keeps the DTB within 2 MiB from its start
	 * (Documentation/arm64/booting.rst): map that much. */
	arch_mmu_map(img, img_end - img, false);
	arch_mmu_map(dtb_pa, BLOCK_2M, false);
	if (parange > 5)
		parange = 5;
	el2_tcr = TCR_EL2_RES1 | TCR_T0SZ(VA_BITS) | TCR_IRGN0_WBWA |
		  TCR_ORGN0_WBWA | TCR_SH0_INNER | TCR_TG0_4K |
		  (parange << TCR_PS_SHIFT);
	/* Everything so far was written with the MMU (and caches) off,
	 * straight to memory: drop any stale lines of the image (its data,
	 * relocations, stacks and tables) so that the cached view agrees. */
	dcache_inval_range(__image_start, img_end - img);
	mmu_enable_this_cpu();
	mmu_on = true;
}

void arch_mmu_secondary_enable(void)
{
	mmu_enable_this_cpu();
}
