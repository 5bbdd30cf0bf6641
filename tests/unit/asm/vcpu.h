/* SPDX-License-Identifier: MIT */
/*
 * The host unit tests' asm/vcpu.h, in place of a profile's
 * (arch/arm/<arch>/include/asm/vcpu.h). include/vm.h embeds a struct
 * vcpu_arch in every vCPU; portable code never looks inside it but through
 * vcpu_get_reg()/vcpu_set_reg() (include/vm.h), which use the accessors
 * below on this register file: the syndrome's register numbers 0..30 (31 is
 * the zero register) in the hypervisor's native width, so the 32-bit build
 * has 32-bit registers. This keeps the 64- and 32-bit unit builds free of
 * any profile's headers.
 */
#ifndef VIGIL_ASM_VCPU_H
#define VIGIL_ASM_VCPU_H

#ifndef __ASSEMBLY__

#include "compiler.h"

struct vcpu_regs {
	unsigned long x[31];
};

struct vcpu_arch {
	struct vcpu_regs regs;
};

typedef unsigned long vreg_t;

static inline vreg_t arch_get_reg(const struct vcpu_arch *a, unsigned int n)
{
	return n < 31 ? a->regs.x[n] : 0;
}

static inline void arch_set_reg(struct vcpu_arch *a, unsigned int n, vreg_t val)
{
	if (n < 31)
		a->regs.x[n] = val;
}

#endif /* __ASSEMBLY__ */
#endif
