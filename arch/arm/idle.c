/* SPDX-License-Identifier: MIT */
/* The idle wait, the same on both ARM profiles. */
#include "arch.h"
#include "arch_vcpu.h"
#include "asm/sysreg.h"

/*
 * Wait for an interrupt with IRQs masked (a pending IRQ still ends WFI),
 * then open the window so it is taken at EL2 / in HYP mode and handled.
 */
void arch_idle(void)
{
	dsb(sy);
	wfi();
	arch_irq_enable();
	isb();
	arch_irq_disable();
}
