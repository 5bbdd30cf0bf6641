/* SPDX-License-Identifier: MIT */
#ifndef VIGIL_VGIC_TIMER_H
#define VIGIL_VGIC_TIMER_H

struct vcpu;

/* Physical timer PPI @pirq fired for vCPU @v, which runs on this pCPU: it
 * stays active (priority dropped) and is injected as PPI @virq with HW = 1.
 * 0, or -EINVAL for a number that is not a PPI. */
int vgic_inject_hw_ppi(struct vcpu *v, unsigned int virq, unsigned int pirq);

#endif
