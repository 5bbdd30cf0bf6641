/* SPDX-License-Identifier: MIT */
/*
 * The HYP timer is not driven on ARMv7 (include/arch.h): the vGIC keeps
 * HW = 0 list registers for passthrough IRQs on QEMU's GIC model there.
 */
#include "arch.h"

bool arch_has_hyp_timer(void)
{
	return false;
}

void arch_hyp_timer_arm(uint64_t ticks)
{
}

void arch_hyp_timer_stop(void)
{
}
