/* SPDX-License-Identifier: MIT */
/*
 * AArch64 translation-control register values (asm/s2.h). No register is
 * touched here: vcpu.c writes VTCR_EL2 and VTTBR_EL2 (and implements the
 * stage-2 root hook of include/stage2.h), so this file also builds on the
 * host.
 */
#include "asm/s2.h"
#include "lpae.h"

unsigned int arm64_pa_range_bits(unsigned int pa_range_field)
{
	/* 0b0110 (52 bits) needs FEAT_LPA2 with a 4 KiB granule. */
	static const unsigned char bits[] = {32, 36, 40, 42, 44, 48};

	return pa_range_field < ARRAY_SIZE(bits) ? bits[pa_range_field] : 0;
}

static uint64_t tcr_common(unsigned int bits, unsigned int pa_range_field)
{
	return TCR_T0SZ(bits) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA |
	       TCR_SH0_INNER | TCR_TG0_4K |
	       ((uint64_t)pa_range_field << TCR_PS_SHIFT);
}

uint64_t arm64_vtcr_el2(unsigned int ipa_bits, unsigned int pa_range_field)
{
	unsigned int pa_bits = arm64_pa_range_bits(pa_range_field);
	uint64_t sl0;

	if (ipa_bits < 25 || !pa_bits || ipa_bits > pa_bits)
		return 0;
	/* SL0 with TG0 = 4 KiB: 0 starts at level 2, 1 at 1, 2 at 0. */
	sl0 = 2 - lpae_s2_start_level(ipa_bits);
	return tcr_common(ipa_bits, pa_range_field) | (sl0 << VTCR_SL0_SHIFT) |
	       VTCR_EL2_RES1;
}

uint64_t arm64_tcr_el2(unsigned int va_bits, unsigned int pa_range_field)
{
	unsigned int pa_bits = arm64_pa_range_bits(pa_range_field);

	if (va_bits < 25 || !pa_bits || va_bits > 48)
		return 0;
	return tcr_common(va_bits, pa_range_field) | TCR_EL2_RES1;
}

uint64_t arm64_vttbr_el2(uint64_t root_pa, uint16_t vmid)
{
	return root_pa | ((uint64_t)vmid << VTTBR_VMID_SHIFT);
}
