/* SPDX-License-Identifier: MIT */
/*
 * The trap hooks of include/arch_vcpu.h, inline in HYP mode: HSR has the
 * ESR layout (arch/arm/include/esr.h decodes both), HPFAR and HDFAR/HIFAR
 * give the addresses. Only include/arch_vcpu.h includes this.
 */
#ifndef VIGIL_ASM_TRAP_H
#define VIGIL_ASM_TRAP_H

#include "asm/sysreg.h"
#include "esr.h"

static inline enum trap_class arch_trap_class(struct vcpu *v)
{
	return esr_trap_class(read_sysreg(HSR));
}

/* The full decode, with the condition check (arch/arm/arm32/traps.c). */
void arch_trap_decode(struct vcpu *v, struct trap_info *ti);

static inline void arch_trap_decode_dabt(struct vcpu *v, struct trap_info *ti)
{
	trap_decode_dabt(read_sysreg(HSR), ti);
}

/* HPFAR[31:4] holds IPA[39:12] (ARM ARM B4.1.78); the page offset is the
 * virtual address's (HDFAR for a data abort). */
static inline uint64_t arch_fault_ipa(struct vcpu *v)
{
	uint32_t hpfar = read_sysreg(HPFAR);

	return ((uint64_t)(hpfar >> 4) << 12) | (read_sysreg(HDFAR) & 0xfff);
}

/* HDFAR for a data abort, HIFAR for a prefetch abort (EC 0x20/0x21). */
static inline uint64_t arch_fault_va(struct vcpu *v)
{
	uint32_t ec = (read_sysreg(HSR) >> ESR_EC_SHIFT) & ESR_EC_MASK;

	if (ec == ESR_EC_IABT_LOW || ec == ESR_EC_IABT_CUR)
		return read_sysreg(HIFAR);
	return read_sysreg(HDFAR);
}

#endif
