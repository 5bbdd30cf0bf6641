/* SPDX-License-Identifier: MIT */
/*
 * The EL2 physical timer (CNTHP_*_EL2, ARM ARM D11.2.4), for the vGIC's
 * QEMU quirk only (vgic/lr.c): vigil has no timer of its own otherwise.
 */
#include "arch.h"
#include "asm/sysreg.h"

#define CNTHP_CTL_ENABLE BIT(0)

bool arch_has_hyp_timer(void)
{
	return true;
}

void arch_hyp_timer_arm(uint64_t ticks)
{
	write_sysreg(cnthp_tval_el2, ticks);
	write_sysreg(cnthp_ctl_el2, CNTHP_CTL_ENABLE);
	isb();
}

void arch_hyp_timer_stop(void)
{
	write_sysreg(cnthp_ctl_el2, 0);
	isb();
}
