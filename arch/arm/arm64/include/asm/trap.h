/* SPDX-License-Identifier: MIT */
/*
 * The trap hooks of include/arch_vcpu.h, inline on AArch64: the run loop
 * asks them on every trap, and each is a system-register read or two.
 * Only include/arch_vcpu.h includes this.
 */
#ifndef VIGIL_ASM_TRAP_H
#define VIGIL_ASM_TRAP_H

#include "asm/sysreg.h"
#include "esr.h"

static inline enum trap_class arch_trap_class(struct vcpu *v)
{
	return esr_trap_class(read_sysreg(esr_el2));
}

static inline void arch_trap_decode(struct vcpu *v, struct trap_info *ti)
{
	trap_decode(read_sysreg(esr_el2), ti);
}

static inline void arch_trap_decode_dabt(struct vcpu *v, struct trap_info *ti)
{
	trap_decode_dabt(read_sysreg(esr_el2), ti);
}

/* HPFAR_EL2.FIPA holds IPA[47:12] in bits [43:4] (ARM ARM D13.2.48). */
static inline uint64_t arch_fault_ipa(struct vcpu *v)
{
	uint64_t hpfar = read_sysreg(hpfar_el2);

	return ((hpfar >> 4) << 12) | (read_sysreg(far_el2) & 0xfff);
}

static inline uint64_t arch_fault_va(struct vcpu *v)
{
	return read_sysreg(far_el2);
}

#endif
