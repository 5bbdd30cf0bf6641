/* SPDX-License-Identifier: MIT */
/* Syndromes of the exceptions injected into an AArch64 guest's EL1. */
#include "asm/inject.h"
#include "esr.h"

uint32_t esr_for_injected_dabt(bool same_el, bool write, uint32_t fsc)
{
	uint32_t ec = same_el ? ESR_EC_DABT_CUR : ESR_EC_DABT_LOW;

	return (ec << ESR_EC_SHIFT) | ESR_IL | (write ? ESR_ABT_WNR : 0) |
	       (fsc & ESR_ABT_FSC_MASK);
}

uint32_t esr_for_injected_iabt(bool same_el)
{
	uint32_t ec = same_el ? ESR_EC_IABT_CUR : ESR_EC_IABT_LOW;

	return (ec << ESR_EC_SHIFT) | ESR_IL | ESR_FSC_SEA;
}

uint32_t esr_for_undef(void)
{
	return (ESR_EC_UNKNOWN << ESR_EC_SHIFT) | ESR_IL;
}
