/* SPDX-License-Identifier: MIT */
/*
 * An AArch32 guest's trapped CP15 MCR/MRC (ESR/HSR EC 0x03), the same for
 * the arm32 port (HYP) and AArch32 EL1 guests of the arm64 one: the PMU's
 * c9 registers (HDCR.TPM / MDCR_EL2.TPM), ACTLR (HCR.TAC / HCR_EL2.TACR)
 * and the implementation-defined L2 registers (HCR.TIDCP). The profile
 * says what it cannot share: whether the guest is at PL0 and the ACTLR
 * value it reads. What the trap means is decided by core/trap.c.
 */
#include <errno.h>

#include "aarch32.h"
#include "arch_vcpu.h"
#include "pmu.h"
#include "vm.h"

/*
 * The PMU's CP15 c9 registers (ARM ARM C12.7) have the AArch64 PMU
 * registers' CRn, CRm and op2; the AArch64 op1 is 3 for the EL0-visible
 * ones and 0 for PMINTENSET/PMINTENCLR. Rewritten so, the access goes to
 * arch/arm/pmu.c, which checks it as AArch64 would: the same rules, from
 * PMUSERENR, for a PL0 access.
 */
static int pmu_trap(struct vcpu *v, const struct trap_info *ti, bool pl0)
{
	struct trap_info t = *ti;

	t.cls = TRAP_SYSREG;
	t.op0 = 3;
	t.op1 = (ti->crm == 14 && (ti->op2 == 1 || ti->op2 == 2)) ? 0 : 3;
	return pmu_emulate(v, &v->arch.pmu, &t, pl0);
}

/* A read of @val into Rt; writes are ignored. */
static int read_only_value(struct vcpu *v, const struct trap_info *ti,
			   uint32_t val)
{
	if (ti->read)
		vcpu_set_reg(v, ti->rt, val);
	return 0;
}

static int cp15_emulate_rt(struct vcpu *v, const struct trap_info *ti, bool pl0,
			   uint32_t actlr)
{
	if (ti->crn == 9 && ti->op1 == 0 && ti->crm >= 12 && ti->crm <= 14)
		return pmu_trap(v, ti, pl0);
	/* The rest exist at PL1 only: UNDEFINED from PL0. */
	if (pl0)
		return -EINVAL;
	/* ACTLR: the profile's value; the guest cannot change it. */
	if (ti->crn == 1 && ti->op1 == 0 && ti->crm == 0 && ti->op2 == 1)
		return read_only_value(v, ti, actlr);
	/* L2CTLR (Cortex-A15 TRM 4.3.50, Cortex-A57 TRM 4.5.67): [25:24] =
	 * CPUs - 1, the VM's. */
	if (ti->crn == 9 && ti->op1 == 1 && ti->crm == 0 && ti->op2 == 2)
		return read_only_value(v, ti,
				       ((v->vm->nr_vcpus - 1) & 3U) << 24);
	/* L2ECTLR: no L2 internal error or dynamic retention. */
	if (ti->crn == 9 && ti->op1 == 1 && ti->crm == 0 && ti->op2 == 3)
		return read_only_value(v, ti, 0);
	return -EINVAL;
}

/*
 * An MRC to APSR_nzcv (Rt 15, reported as A32_RT_APSR_NZCV) writes the
 * value's bits [31:28] to the flags (ARM ARM DDI 0406C A8.8.108): the
 * access is emulated into r0, whose value is kept, and the flags taken
 * from it.
 */
int cp15_emulate(struct vcpu *v, const struct trap_info *ti, bool pl0,
		 uint32_t actlr)
{
	struct trap_info t;
	vreg_t r0;
	int r;

	if (ti->cls != TRAP_CP15)
		return -EINVAL;
	if (!ti->read || ti->rt != A32_RT_APSR_NZCV)
		return cp15_emulate_rt(v, ti, pl0, actlr);
	t = *ti;
	t.rt = 0;
	r0 = vcpu_get_reg(v, 0);
	r = cp15_emulate_rt(v, &t, pl0, actlr);
	if (!r)
		arch_set_nzcv(&v->arch, (uint32_t)vcpu_get_reg(v, 0));
	vcpu_set_reg(v, 0, r0);
	return r;
}
