/* SPDX-License-Identifier: MIT */
/*
 * What a guest's trap was, on AArch64: the syndrome (ESR_EL2) decoded by
 * the shared decoder (arch/arm/trap.c), the faulting addresses, stepping
 * past the instruction, and the system registers vigil traps. What the
 * trap means is decided by core/trap.c.
 */
#include <errno.h>

#include "arch_vcpu.h"
#include "asm/sysreg.h"
#include "esr.h"
#include "pmu.h"
#include "vm.h"

enum trap_class arch_trap_class(struct vcpu *v)
{
	return esr_trap_class(read_sysreg(esr_el2));
}

void arch_trap_decode(struct vcpu *v, struct trap_info *ti)
{
	trap_decode(read_sysreg(esr_el2), ti);
}

/* HPFAR_EL2.FIPA holds IPA[47:12] in bits [43:4] (ARM ARM D13.2.48). */
uint64_t arch_fault_ipa(struct vcpu *v)
{
	uint64_t hpfar = read_sysreg(hpfar_el2);

	return ((hpfar >> 4) << 12) | (read_sysreg(far_el2) & 0xfff);
}

uint64_t arch_fault_va(struct vcpu *v)
{
	return read_sysreg(far_el2);
}

void arch_skip_insn(struct vcpu *v, const struct trap_info *ti)
{
	v->arch.regs.pc += ti->il ? 4 : 2;
}

/* The only system registers vigil traps and emulates are the PMU's
 * (MDCR_EL2.TPM); the others it traps (TIDCP, TACR) are undefined. */
int arch_sysreg_trap(struct vcpu *v, const struct trap_info *ti)
{
	uint64_t ps = v->arch.regs.pstate;
	bool el0 = !(ps & PSR_MODE32) && (ps & PSR_MODE_MASK) == PSR_MODE_EL0t;

	if (ti->cls != TRAP_SYSREG)
		return -EINVAL;
	return pmu_emulate(v, &v->arch.pmu, ti, el0);
}
