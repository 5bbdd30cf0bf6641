/* SPDX-License-Identifier: MIT */
/*
 * The Hyp mode physical timer (CNTHP_CVAL, CNTHP_CTL; ARM ARM B4.1.26,
 * B4.1.27): vigil's own, shared by its deadlines through core/htimer.c.
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
	write_sysreg64(CNTHP_CVAL, cval);
	write_sysreg(CNTHP_CTL, CNT_CTL_ENABLE);
	isb();
}

void arch_hyp_timer_stop(void)
{
	write_sysreg(CNTHP_CTL, 0);
	isb();
}
