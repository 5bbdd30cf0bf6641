/* SPDX-License-Identifier: MIT */
/*
 * The generic timer's PPIs (virtual 27, EL1 physical 30) of the vCPU that
 * runs on this pCPU. Their physical PPI is a level signal that stays
 * asserted until the guest reprograms its timer, so it is handed over like a
 * passthrough SPI: left active in the physical GIC (priority dropped only)
 * and injected with an HW = 1 list register, whose deactivation by the
 * guest deactivates the physical PPI (GICv2 §5.2.1, HW bit) with no trap.
 */
#include <errno.h>

#include "internal.h"
#include "vgic.h"
#include "vgic_timer.h"
#include "vm.h"

int vgic_inject_hw_ppi(struct vcpu *v, unsigned int virq, unsigned int pirq)
{
	struct vgic_irq *irq;
	unsigned long flags;
	struct vcpu *d;

	if (virq < VGIC_NR_SGIS || virq >= VGIC_NR_PRIVATE ||
	    pirq < VGIC_NR_SGIS || pirq >= VGIC_NR_PRIVATE)
		return -EINVAL;
	irq = vgic_get_irq(v->vm, v, virq);
	if (!irq)
		return -EINVAL;
	d = vgic_irq_lock(v->vm, irq, &flags);
	irq->flags |= VGIC_IRQ_HW | VGIC_IRQ_PENDING | VGIC_IRQ_HW_ACTIVE;
	irq->pirq = (uint16_t)pirq;
	vgic_irq_update(d, irq);
	vgic_irq_unlock(d, irq, flags);
	return 0;
}

bool vgic_ppi_hw_retract(struct vcpu *v, unsigned int intid)
{
	struct vgic_irq *irq;
	unsigned long flags;
	struct vcpu *d;
	bool retracted = false;

	if (intid < VGIC_NR_SGIS || intid >= VGIC_NR_PRIVATE)
		return false;
	irq = &v->vgic.priv[intid]; /* vgic_get_irq()'s, without the call */
	/*
	 * Called before every entry: look without the lock first. Only v's
	 * own pCPU sets HW_ACTIVE on v's PPIs (a timer IRQ injected there, an
	 * LR evicted by its flush or maintenance IRQ), and that pCPU is this
	 * one, with IRQs masked; other pCPUs only clear it. A clear flag read
	 * here therefore stays clear until this call returns.
	 */
	if (!(__atomic_load_n(&irq->flags, __ATOMIC_RELAXED) &
	      VGIC_IRQ_HW_ACTIVE))
		return false;
	d = vgic_irq_lock(v->vm, irq, &flags);
	if ((irq->flags & VGIC_IRQ_HW_ACTIVE) &&
	    (irq->flags & VGIC_IRQ_PENDING) && !irq->nr_lrs) {
		irq->flags &=
			(uint16_t) ~(VGIC_IRQ_PENDING | VGIC_IRQ_HW_ACTIVE);
		vgic_irq_update(d, irq);
		retracted = true;
	}
	vgic_irq_unlock(d, NULL, flags);
	return retracted;
}
