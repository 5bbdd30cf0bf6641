/* SPDX-License-Identifier: MIT */
/*
 * ESR_EL1 values for the exceptions vigil injects into an AArch64 guest's
 * EL1 (ARM ARM D17.2.37). @same_el: the guest was at EL1 (EC "current
 * EL") rather than EL0 (EC "lower EL").
 */
#ifndef VIGIL_ASM_INJECT_H
#define VIGIL_ASM_INJECT_H

#include "compiler.h"

/* Data abort: EC 0x24/0x25, IL=1, ISV=0, WnR=@write, DFSC=@fsc (usually
 * ESR_FSC_SEA). */
uint32_t esr_for_injected_dabt(bool same_el, bool write, uint32_t fsc);
/* Instruction abort: EC 0x20/0x21, IL=1, IFSC=ESR_FSC_SEA. */
uint32_t esr_for_injected_iabt(bool same_el);
/* Undefined instruction: EC 0 (unknown reason), IL=1. */
uint32_t esr_for_undef(void);

#endif
