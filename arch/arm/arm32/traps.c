/* SPDX-License-Identifier: MIT */
/*
 * A guest's trapped CP15 access in HYP mode (HSR EC 0x03, MCR/MRC): the
 * PMU's (HDCR.TPM), ACTLR (HCR.TAC) and the implementation-defined
 * registers (HCR.TIDCP, ARM ARM B1.14.3). What the trap means is decided
 * by core/trap.c; here only which register it names and what it does.
 */
#include <errno.h>

#include "arch_vcpu.h"
#include "asm/sysreg.h"
#include "pmu.h"
#include "vm.h"

/* A trapped conditional instruction that failed its check is skipped. */
void arch_trap_decode(struct vcpu *v, struct trap_info *ti)
{
	trap_decode(read_sysreg(HSR), ti);
	trap_check_cond_a32(ti, v->arch.regs.cpsr);
}

/* ACTLR.SMP (Cortex-A15 TRM 4.3.28): coherent requests, which an SMP
 * Linux sets if it reads it clear. */
#define ACTLR_SMP BIT(6)

static bool guest_at_pl0(const struct vcpu *v)
{
	return (v->arch.regs.cpsr & PSR_MODE_MASK) == PSR_MODE_USR;
}

/*
 * The PMU's CP15 c9 registers (ARM ARM C12.7) have the AArch64 PMU
 * registers' CRn, CRm and op2; the AArch64 op1 is 3 for the EL0-visible
 * ones and 0 for PMINTENSET/PMINTENCLR. Rewritten so, the access goes to
 * arch/arm/pmu.c, which checks it as AArch64 would: the same rules, from
 * PMUSERENR, for a PL0 access.
 */
static int pmu_trap(struct vcpu *v, const struct trap_info *ti)
{
	struct trap_info t = *ti;

	t.cls = TRAP_SYSREG;
	t.op0 = 3;
	t.op1 = (ti->crm == 14 && (ti->op2 == 1 || ti->op2 == 2)) ? 0 : 3;
	return pmu_emulate(v, &v->arch.pmu, &t, guest_at_pl0(v));
}

/* A read of @val into Rt; writes are ignored. */
static int read_only_value(struct vcpu *v, const struct trap_info *ti,
			   uint32_t val)
{
	if (ti->read)
		vcpu_set_reg(v, ti->rt, val);
	return 0;
}

int arch_sysreg_trap(struct vcpu *v, const struct trap_info *ti)
{
	if (ti->cls != TRAP_CP15)
		return -EINVAL;
	if (ti->crn == 9 && ti->op1 == 0 && ti->crm >= 12 && ti->crm <= 14)
		return pmu_trap(v, ti);
	/* The rest exist at PL1 only: UNDEFINED from PL0. */
	if (guest_at_pl0(v))
		return -EINVAL;
	/* ACTLR: the pCPU's, with SMP set; the guest cannot change it. */
	if (ti->crn == 1 && ti->op1 == 0 && ti->crm == 0 && ti->op2 == 1)
		return read_only_value(v, ti,
				       read_sysreg(0, c1, c0, 1) | ACTLR_SMP);
	/* L2CTLR (Cortex-A15 TRM 4.3.50): [25:24] = CPUs - 1, the VM's. */
	if (ti->crn == 9 && ti->op1 == 1 && ti->crm == 0 && ti->op2 == 2)
		return read_only_value(v, ti,
				       ((v->vm->nr_vcpus - 1) & 3U) << 24);
	/* L2ECTLR: no L2 internal error or dynamic retention. */
	if (ti->crn == 9 && ti->op1 == 1 && ti->crm == 0 && ti->op2 == 3)
		return read_only_value(v, ti, 0);
	return -EINVAL;
}
