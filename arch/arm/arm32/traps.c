/* SPDX-License-Identifier: MIT */
/*
 * A guest's trapped CP15 access in HYP mode. vigil traps the
 * implementation-defined registers (HCR.TIDCP), ACTLR (HCR.TAC) and the
 * PMU's (HDCR.TPM); none is emulated yet (arch/arm/pmu.c decodes the
 * AArch64 MSR/MRS only), so each is an undefined instruction for the
 * guest, as it would be on a CPU without them.
 */
#include <errno.h>

#include "arch_vcpu.h"

int arch_sysreg_trap(struct vcpu *v, const struct trap_info *ti)
{
	return -EINVAL;
}
