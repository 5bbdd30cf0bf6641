/* SPDX-License-Identifier: MIT */
/*
 * The AArch64 translation-control registers for LPAE tables built by
 * arch/arm/lpae.c: VTCR_EL2 and VTTBR_EL2 for stage 2, TCR_EL2 for EL2's
 * stage 1 (non-VHE), and the PARange field they are sized from.
 * Builders in arch/arm/arm64/s2.c: pure values, no register access.
 */
#ifndef VIGIL_ASM_S2_H
#define VIGIL_ASM_S2_H

#include "compiler.h"

/*
 * VTCR_EL2 / TCR_EL2 (non-VHE) fields, D17.2. Both: T0SZ [5:0], IRGN0 [9:8],
 * ORGN0 [11:10], SH0 [13:12], TG0 [15:14] (0 = 4 KiB), PS [18:16].
 */
#define TCR_T0SZ(bits) (64ULL - (bits))
#define TCR_IRGN0_WBWA (1ULL << 8)
#define TCR_ORGN0_WBWA (1ULL << 10)
#define TCR_SH0_INNER (3ULL << 12)
#define TCR_TG0_4K (0ULL << 14)
#define TCR_PS_SHIFT 16
#define VTCR_SL0_SHIFT 6
#define VTCR_EL2_RES1 (1ULL << 31)
#define TCR_EL2_RES1 ((1ULL << 31) | (1ULL << 23))
#define VTTBR_VMID_SHIFT 48

/* ID_AA64MMFR0_EL1.PARange -> bits (32..48), 0 if not usable with 4 KiB. */
unsigned int arm64_pa_range_bits(unsigned int pa_range_field);

/*
 * VTCR_EL2 for a stage-2 table made by lpae_init_s2(@ipa_bits): T0SZ, SL0
 * for lpae_s2_start_level(), inner/outer write-back walks, inner shareable,
 * 4 KiB granule, PS = @pa_range_field. 0 if @ipa_bits is out of range or
 * larger than the PA range.
 */
uint64_t arm64_vtcr_el2(unsigned int ipa_bits, unsigned int pa_range_field);

/* TCR_EL2 (non-VHE) for a stage-1 table made by lpae_init(@va_bits);
 * 0 if invalid as for arm64_vtcr_el2(). */
uint64_t arm64_tcr_el2(unsigned int va_bits, unsigned int pa_range_field);

/* VTTBR_EL2: the root table at @root_pa and the VMID (8 bits unless
 * VTCR_EL2.VS). */
uint64_t arm64_vttbr_el2(uint64_t root_pa, uint16_t vmid);

#endif
