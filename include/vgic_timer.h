/* SPDX-License-Identifier: MIT */
/* The generic timer's PPIs as the vGIC hands them to guests (vgic/timer.c). */
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

/* Register the timer PPIs' handler with the IRQ layer (boot). */
void vgic_timer_init(void);
/* Before @v enters its guest on this pCPU (IRQs masked): drop a timer PPI
 * instance whose line went low before it reached an LR. */
void vgic_timer_resample(struct vcpu *v);
/* This pCPU's vCPU went offline (CPU_OFF, SYSTEM_OFF or RESET) or starts
 * afresh: a timer PPI it left active would never be deactivated by the
 * guest, so drop the physical PPIs' active state. */
void vgic_timer_offline(void);

#endif
