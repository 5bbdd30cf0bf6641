/* SPDX-License-Identifier: MIT */
/*
 * LPAE (VMSAv8-64 / ARMv7 long-descriptor) translation tables with the 4 KiB
 * granule, shared by vigil's own EL2 stage-1 tables and guests' stage-2
 * tables, and by arm64 and arm32 (the long-descriptor format is the same).
 * ARM ARM (DDI 0487) D8.3, "Translation table descriptor formats".
 *
 * Tables live in pages from mm_alloc_pages() and are written with plain
 * stores only: on the target the caller makes the update visible to the
 * walker (DSB) and invalidates TLBs (TLBI) itself. Splitting a block in
 * lpae_unmap() replaces a live block descriptor by a table descriptor
 * without break-before-make (D8.16.1): do it on tables no CPU walks, or
 * with the guest stopped and a TLB flush before it runs again.
 *
 * Everything above the C declarations is usable from assembly (MAIR
 * values). The registers that point the MMU at these tables are the
 * profile's: arm64's VTCR_EL2, TCR_EL2 and VTTBR_EL2 are built in
 * arch/arm/arm64/s2.c (asm/s2.h).
 */
#ifndef VIGIL_LPAE_H
#define VIGIL_LPAE_H

#ifdef __ASSEMBLY__
#define LPAE_U64(x) x
#else
#define LPAE_U64(x) x##ULL
#endif

#define LPAE_GRANULE_SHIFT 12
#define LPAE_ENTRIES 512 /* per 4 KiB table */
/* Bits of the input address resolved below level @l: 39, 30, 21, 12. */
#define LPAE_LEVEL_SHIFT(l) (39 - 9 * (l))
#define LPAE_L1_BLOCK (LPAE_U64(1) << 30)
#define LPAE_L2_BLOCK (LPAE_U64(1) << 21)
#define LPAE_L3_PAGE (LPAE_U64(1) << 12)

/* Descriptor bits[1:0] (D8.3.1). Level 0 has no blocks with a 4 KiB
 * granule; at level 3 0b01 is reserved (invalid). */
#define LPAE_TYPE_MASK LPAE_U64(3)
#define LPAE_TYPE_BLOCK LPAE_U64(1) /* levels 1, 2 */
#define LPAE_TYPE_TABLE LPAE_U64(3) /* levels 0..2 */
#define LPAE_TYPE_PAGE LPAE_U64(3)  /* level 3 */
/* Output address / next-level table address, 48-bit OA. */
#define LPAE_OA_MASK LPAE_U64(0x0000fffffffff000)

/*
 * The attribute bits a caller passes to lpae_map(): lower attributes [11:2]
 * and upper attributes [63:50] of a block or page descriptor.
 */
#define LPAE_ATTR_MASK LPAE_U64(0xfffc000000000ffc)

/* Fields common to both stages. */
#define LPAE_SH_NONE (LPAE_U64(0) << 8)
#define LPAE_SH_OUTER (LPAE_U64(2) << 8)
#define LPAE_SH_INNER (LPAE_U64(3) << 8)
#define LPAE_AF (LPAE_U64(1) << 10) /* access flag: clear faults */

/*
 * Stage 1, EL2 regime (non-VHE), D8.3.2 / D8.4. AttrIndx selects a byte of
 * MAIR_EL2. The EL2 regime has one privilege level: AP[1] (bit 6) is RES1,
 * so AP[2:1] is 0b01 for read/write and 0b11 for read-only. XN is bit 54;
 * PXN (53) is RES0 there.
 */
#define LPAE_S1_ATTRINDX(i) (LPAE_U64(i) << 2)
#define LPAE_S1_NS (LPAE_U64(1) << 5)
#define LPAE_S1_AP_RW_EL2 (LPAE_U64(1) << 6)
#define LPAE_S1_AP_RO_EL2 (LPAE_U64(3) << 6)
#define LPAE_S1_NG (LPAE_U64(1) << 11)
#define LPAE_S1_PXN (LPAE_U64(1) << 53)
#define LPAE_S1_XN (LPAE_U64(1) << 54)

/* vigil's MAIR_EL2 layout (D17.2 MAIR_ELx attribute encodings). */
#define MAIR_IDX_DEVICE_nGnRnE 0
#define MAIR_IDX_DEVICE_nGnRE 1
#define MAIR_IDX_NORMAL_NC 2
#define MAIR_IDX_NORMAL_WB 3
#define MAIR_ATTR_DEVICE_nGnRnE LPAE_U64(0x00)
#define MAIR_ATTR_DEVICE_nGnRE LPAE_U64(0x04)
#define MAIR_ATTR_NORMAL_NC LPAE_U64(0x44)
#define MAIR_ATTR_NORMAL_WB LPAE_U64(0xff) /* inner/outer WB RA WA */
#define MAIR_EL2_VALUE                                               \
	((MAIR_ATTR_DEVICE_nGnRnE << (8 * MAIR_IDX_DEVICE_nGnRnE)) | \
	 (MAIR_ATTR_DEVICE_nGnRE << (8 * MAIR_IDX_DEVICE_nGnRE)) |   \
	 (MAIR_ATTR_NORMAL_NC << (8 * MAIR_IDX_NORMAL_NC)) |         \
	 (MAIR_ATTR_NORMAL_WB << (8 * MAIR_IDX_NORMAL_WB)))

/* vigil's own RAM (code and data) and MMIO at EL2. */
#define LPAE_S1_NORMAL                                                    \
	(LPAE_S1_ATTRINDX(MAIR_IDX_NORMAL_WB) | LPAE_SH_INNER | LPAE_AF | \
	 LPAE_S1_AP_RW_EL2)
#define LPAE_S1_NORMAL_XN (LPAE_S1_NORMAL | LPAE_S1_XN)
#define LPAE_S1_DEVICE                                       \
	(LPAE_S1_ATTRINDX(MAIR_IDX_DEVICE_nGnRE) | LPAE_AF | \
	 LPAE_S1_AP_RW_EL2 | LPAE_S1_XN)

/*
 * Stage 2, D8.3.2 / D8.6.5: MemAttr[3:0] in bits [5:2] (no MAIR), S2AP in
 * [7:6] (bit 6 read, bit 7 write), XN[1] in bit 54 (bit 53 is XN[0] with
 * FEAT_XNX, else RES0).
 */
#define LPAE_S2_MEMATTR_DEVICE_nGnRnE (LPAE_U64(0x0) << 2)
#define LPAE_S2_MEMATTR_DEVICE_nGnRE (LPAE_U64(0x1) << 2)
#define LPAE_S2_MEMATTR_NORMAL_NC (LPAE_U64(0x5) << 2)
#define LPAE_S2_MEMATTR_NORMAL_WB (LPAE_U64(0xf) << 2)
#define LPAE_S2_AP_R (LPAE_U64(1) << 6)
#define LPAE_S2_AP_W (LPAE_U64(1) << 7)
#define LPAE_S2_AP_RW (LPAE_S2_AP_R | LPAE_S2_AP_W)
#define LPAE_S2_XN (LPAE_U64(1) << 54)

/* Guest RAM and passthrough MMIO. */
#define LPAE_S2_NORMAL_RWX \
	(LPAE_S2_MEMATTR_NORMAL_WB | LPAE_S2_AP_RW | LPAE_SH_INNER | LPAE_AF)
/* A page of vigil's the guest may execute but not write (the AArch32
 * injection trampoline's, arch/arm/arm64/a32_inject.c). */
#define LPAE_S2_NORMAL_RX \
	(LPAE_S2_MEMATTR_NORMAL_WB | LPAE_S2_AP_R | LPAE_SH_INNER | LPAE_AF)
#define LPAE_S2_DEVICE_RW \
	(LPAE_S2_MEMATTR_DEVICE_nGnRE | LPAE_S2_AP_RW | LPAE_AF | LPAE_S2_XN)

#ifndef __ASSEMBLY__

#include "compiler.h"

struct lpae_table {
	uint64_t root_pa;	   /* first page of the (concatenated) root */
	unsigned int start_level;  /* level of the root table, 0..2 */
	unsigned int va_bits;	   /* input address size */
	unsigned int root_entries; /* 2^(va_bits - LPAE_LEVEL_SHIFT(start)) */
};

/*
 * Stage 1 (no concatenation): the start level follows from the input size
 * as TCR_ELx.T0SZ implies (D8.2.6): level 0 for 40..48 bits, 1 for 31..39,
 * 2 for 25..30. -EINVAL outside 25..48, -ENOMEM.
 */
int lpae_init(struct lpae_table *t, unsigned int va_bits);

/*
 * Stage 2: the root may be up to 16 concatenated tables (D8.2.7), so the
 * start level is the highest of 0..2 whose root covers @ipa_bits with at
 * most 16 pages (as KVM does): 40 bits start at level 1 with two tables,
 * 44..48 at level 0, 25..34 at level 2. The root is aligned to its size.
 */
int lpae_init_s2(struct lpae_table *t, unsigned int ipa_bits);
unsigned int lpae_s2_start_level(unsigned int ipa_bits);

/*
 * Map [va, va + size) to [pa, pa + size) with descriptor attributes @attrs
 * (LPAE_S1_* or LPAE_S2_*, within LPAE_ATTR_MASK). Uses 1 GiB and 2 MiB
 * blocks where va, pa and the remaining size allow, 4 KiB pages elsewhere.
 * All or nothing: -EEXIST if any page of the range is mapped, -EINVAL for
 * unaligned or empty ranges, an input range past va_bits, an output past
 * 48 bits or stray attribute bits, -ENOMEM (the partial mapping is undone).
 */
int lpae_map(struct lpae_table *t, uint64_t va, uint64_t pa, uint64_t size,
	     uint64_t attrs);

/*
 * Unmap every mapping in [va, va + size) (holes are fine), splitting blocks
 * that straddle the range's ends. -EINVAL as for lpae_map(); -ENOMEM when a
 * split cannot get a table, with the translation unchanged. Tables that
 * become empty stay until lpae_destroy(), so no walker can still hold a
 * freed table before the caller's TLB flush.
 */
int lpae_unmap(struct lpae_table *t, uint64_t va, uint64_t size);

/* Translate @va: 0 with the output address and the leaf's attribute bits
 * (LPAE_ATTR_MASK), or -ENOENT. */
int lpae_walk(const struct lpae_table *t, uint64_t va, uint64_t *pa,
	      uint64_t *attrs);

/* The raw leaf descriptor for @va and its level (1, 2 or 3), or -ENOENT. */
int lpae_lookup(const struct lpae_table *t, uint64_t va, uint64_t *desc,
		unsigned int *level);

/* Free every table page, root included. */
void lpae_destroy(struct lpae_table *t);

#endif /* __ASSEMBLY__ */
#endif
