/* SPDX-License-Identifier: MIT */
/*
 * A guest's trap on AArch64, beyond the syndrome, the fault addresses
 * (inline, asm/trap.h) and stepping past the instruction (asm/vcpu.h):
 * the system registers vigil traps. What the trap means is decided by core/trap.c.
 */
#include <errno.h>

#include "aarch32.h"
#include "arch_vcpu.h"
#include "asm/sysreg.h"
#include "esr.h"
#include "pmu.h"
#include "vm.h"

/* From AArch32 (SPSR_EL2.M[4]), with the condition check. */
void arch_trap_decode(struct vcpu *v, struct trap_info *ti)
{
	uint64_t ps = v->arch.regs.pstate;

	trap_decode(read_sysreg(esr_el2), ti);
	if (ps & PSR_MODE32)
		trap_check_cond_a32(ti, (uint32_t)ps);
}

/* The only system registers vigil traps and emulates are the PMU's
 * (MDCR_EL2.TPM); the others it traps (TIDCP, TACR) are undefined. From
 * an AArch32 EL1 (vigil,aarch32), CP15 MCR/MRC as the arm32 port answers
 * them (arch/arm/cp15.c), with the pCPU's ACTLR. */
int arch_sysreg_trap(struct vcpu *v, const struct trap_info *ti)
{
	uint64_t ps = v->arch.regs.pstate;
	bool el0 = !(ps & PSR_MODE32) && (ps & PSR_MODE_MASK) == PSR_MODE_EL0t;

	if (ps & PSR_MODE32)
		return cp15_emulate(v, ti, (ps & A32_MODE_MASK) == A32_MODE_USR,
				    (uint32_t)read_sysreg(actlr_el1));
	if (ti->cls != TRAP_SYSREG)
		return -EINVAL;
	return pmu_emulate(v, &v->arch.pmu, ti, el0);
}
