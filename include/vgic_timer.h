/* SPDX-License-Identifier: MIT */
#ifndef VIGIL_VGIC_TIMER_H
#define VIGIL_VGIC_TIMER_H

#include <stdbool.h>

struct vcpu;

/* Physical timer PPI @pirq fired for vCPU @v, which runs on this pCPU: it
 * stays active (priority dropped) and is injected as PPI @virq with HW = 1.
 * 0, or -EINVAL for a number that is not a PPI. */
int vgic_inject_hw_ppi(struct vcpu *v, unsigned int virq, unsigned int pirq);

/* The timer line behind HW PPI @intid of @v went low while the PPI waited,
 * not yet in a list register: forget that instance (a level interrupt is
 * pending only while its line is high). True if there was one: the caller
 * then deactivates the physical PPI. Call it on @v's pCPU with IRQs
 * masked. */
bool vgic_ppi_hw_retract(struct vcpu *v, unsigned int intid);

#endif
