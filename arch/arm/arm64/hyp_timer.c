/* SPDX-License-Identifier: MIT */
/*
 * The EL2 physical timer (CNTHP_*_EL2, ARM ARM D11.2.4): vigil's own,
 * shared by its deadlines through core/htimer.c.
 */
#include "arch.h"
#include "asm/sysreg.h"
#include "generic_timer.h"

bool arch_has_hyp_timer(void)
{
	return true;
}

void arch_hyp_timer_set(uint64_t cval)
{
	write_sysreg(cnthp_cval_el2, cval);
	write_sysreg(cnthp_ctl_el2, CNT_CTL_ENABLE);
	isb();
}

void arch_hyp_timer_stop(void)
{
	write_sysreg(cnthp_ctl_el2, 0);
	isb();
}
