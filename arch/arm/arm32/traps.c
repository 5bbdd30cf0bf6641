/* SPDX-License-Identifier: MIT */
/*
 * A guest's trapped CP15 access in HYP mode (HSR EC 0x03, MCR/MRC): the
 * PMU's (HDCR.TPM), ACTLR (HCR.TAC) and the implementation-defined
 * registers (HCR.TIDCP, ARM ARM B1.14.3), emulated by arch/arm/cp15.c
 * (shared with arm64's AArch32 guests). What the trap means is decided
 * by core/trap.c; here only the HSR and what is the A15's own.
 */
#include <errno.h>

#include "aarch32.h"
#include "arch_vcpu.h"
#include "asm/sysreg.h"
#include "pmu.h"
#include "vm.h"

/* A trapped conditional instruction that failed its check is skipped. */
void arch_trap_decode(struct vcpu *v, struct trap_info *ti)
{
	trap_decode(read_sysreg(HSR), ti);
	/* HSR's Rt is [8:5] (Rt2 [13:10]); the bits above are reserved. */
	ti->rt &= 0xf;
	ti->rt2 &= 0xf;
	trap_check_cond_a32(ti, v->arch.regs.cpsr);
}

/* ACTLR.SMP (Cortex-A15 TRM 4.3.28): coherent requests, which an SMP
 * Linux sets if it reads it clear. */
#define ACTLR_SMP BIT(6)

static bool guest_at_pl0(const struct vcpu *v)
{
	return (v->arch.regs.cpsr & PSR_MODE_MASK) == PSR_MODE_USR;
}

int arch_sysreg_trap(struct vcpu *v, const struct trap_info *ti)
{
	if (ti->cls != TRAP_CP15)
		return -EINVAL;
	return cp15_emulate(v, ti, guest_at_pl0(v),
			    read_sysreg(0, c1, c0, 1) | ACTLR_SMP);
}
