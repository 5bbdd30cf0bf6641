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

#include "arch_vcpu.h"
#include "gic.h"
#include "internal.h"
#include "irq.h"
#include "percpu.h"
#include "vgic.h"
#include "vgic_timer.h"
#include "vm.h"

/* PPI @virq of v, taken as @pirq; both checked. True if it went into an
 * LR at once (vgic_irq_inject_here()), false if it waits in lr_pending. */
static inline bool ppi_inject_hw(struct vcpu *v, unsigned int virq,
				 unsigned int pirq)
{
	struct vgic_irq *irq = &v->vgic.priv[virq];
	/* A private IRQ is always v's: its lock, with no owner lookup. */
	struct vcpu *d = v;
	unsigned long flags = spin_lock_irqsave(&d->vgic.lock);

	irq->flags |= VGIC_IRQ_HW | VGIC_IRQ_PENDING | VGIC_IRQ_HW_ACTIVE;
	irq->pirq = (uint16_t)pirq;
	if (vgic_irq_inject_here(d, irq)) {
		/* In an LR now: nothing to notify (vgic_irq_unlock()). */
		spin_unlock_irqrestore(&d->vgic.lock, flags);
		return true;
	}
	vgic_irq_update(d, irq);
	vgic_irq_unlock(d, irq, flags);
	return false;
}

int vgic_inject_hw_ppi(struct vcpu *v, unsigned int virq, unsigned int pirq)
{
	if (virq < VGIC_NR_SGIS || virq >= VGIC_NR_PRIVATE ||
	    pirq < VGIC_NR_SGIS || pirq >= VGIC_NR_PRIVATE)
		return -EINVAL;
	ppi_inject_hw(v, virq, pirq);
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

/*
 * The timer PPIs are level interrupts whose line is the timer's condition
 * (ENABLE && ISTATUS && !IMASK). An instance taken from the physical GIC
 * but not yet handed to the guest is dropped when the line has gone low
 * meanwhile, so the guest never sees a stale pending timer (GICv2 §1.4.2:
 * a level interrupt is pending only while asserted).
 */
void vgic_timer_resample(struct vcpu *v)
{
	static const unsigned int ppis[] = {PPI_VTIMER, PPI_PTIMER};
	uint32_t fresh = v->vgic.ppi_fresh, held = 0;

	/* Before every entry, usually with neither PPI held: look at the
	 * flags (unlocked, see vgic_ppi_hw_retract()) before the timer. A PPI
	 * injected in this exit is skipped: its line was high when taken,
	 * and only the guest, which has not run since, can lower it (the
	 * condition ISTATUS, CNTVCT >= CVAL, stays true as the count goes
	 * on). That is the timer exit of every guest tick. */
	if (fresh)
		v->vgic.ppi_fresh = 0;
	for (unsigned int i = 0; i < ARRAY_SIZE(ppis); i++)
		if (__atomic_load_n(&v->vgic.priv[ppis[i]].flags,
				    __ATOMIC_RELAXED) &
		    VGIC_IRQ_HW_ACTIVE)
			held |= (uint32_t)BIT(ppis[i]);
	held &= ~fresh;
	if (!held || this_cpu()->loaded != v)
		return;
	for (unsigned int i = 0; i < ARRAY_SIZE(ppis); i++)
		if ((held & BIT(ppis[i])) && !arch_timer_line(ppis[i]) &&
		    vgic_ppi_hw_retract(v, ppis[i])) {
			gic_irq_clear_active(ppis[i]);
			this_cpu()->timer_retracts++;
		}
}

/*
 * A timer PPI: its line stays high until the guest reprograms the timer,
 * so leave the physical PPI active (priority dropped only) and hand it to
 * the guest with HW = 1: the guest's deactivation of the virtual timer IRQ
 * deactivates the physical one, with no trap.
 */
static enum irq_result vgic_timer_irq(unsigned int irq, void *data,
				      struct vcpu *cur)
{
	/* The timer belongs to the vCPU whose EL1 state is loaded here, in
	 * guest mode or blocked (CPU_SUSPEND): that is whom it wakes. */
	struct vcpu *owner = this_cpu()->loaded;

	this_cpu()->irqs_timer++;
	/* No vCPU loaded: its timer was stopped when it was put, so this is a
	 * stale edge of the line. */
	if (!owner)
		return IRQ_DONE;
	/* PPI_VTIMER or PPI_PTIMER (vgic_timer_init()), a PPI. Gone into
	 * an LR at once, it is no longer HW_ACTIVE: no resample looks. */
	if (!ppi_inject_hw(owner, irq, irq) && owner == cur)
		owner->vgic.ppi_fresh |= (uint32_t)BIT(irq);
	return IRQ_KEPT;
}

void vgic_timer_offline(void)
{
	gic_irq_clear_active(PPI_VTIMER);
	gic_irq_clear_active(PPI_PTIMER);
}

void vgic_timer_init(void)
{
	irq_set_handler(PPI_VTIMER, vgic_timer_irq, NULL);
	irq_set_handler(PPI_PTIMER, vgic_timer_irq, NULL);
}
