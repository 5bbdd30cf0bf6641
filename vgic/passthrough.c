/* SPDX-License-Identifier: MIT */
/*
 * Passthrough SPIs (DESIGN §3, §4): a physical SPI bound to a VM's virtual
 * SPI. The IRQ layer (core/irq.c: IAR, EOIR) calls vgic_pt_irq(), which
 * injects at once when the SPI goes to the vCPU whose exit took it, and
 * otherwise queues the descriptor on this pCPU's softirq list without a
 * lock, for the softirq to inject; with an HW = 1 LR where the GIC allows
 * it, so that the guest's EOI deactivates the physical IRQ.
 */
#include <errno.h>

#include "arch.h"
#include "gic.h"
#include "gich.h"
#include "internal.h"
#include "irq.h"
#include "softirq.h"

/* Indexed by physical INTID; a descriptor is bound to one VM at a time. */
static struct softirq_pt vgic_pt[GIC_MAX_IRQS];

/*
 * Instances of each physical IRQ acknowledged and not yet deactivated. On a
 * GIC-400 that is 0 or 1 (active state is per IRQ); QEMU keeps an SPI's
 * active state per CPU, so after a retarget the new pCPU can take another
 * instance before the old one is deactivated, and one deactivation through
 * GICD_ICACTIVER ends both.
 */
static unsigned long pt_outstanding[GIC_MAX_IRQS];

void vgic_pt_count_deactivated(struct vm *vm, unsigned int pirq)
{
	unsigned long n;

	if (pirq < VGIC_NR_PRIVATE || pirq >= GIC_MAX_IRQS)
		return;
	n = __atomic_exchange_n(&pt_outstanding[pirq], 0, __ATOMIC_ACQ_REL);
	__atomic_fetch_add(&vm->vgic.stats.pt_deactivated, n, __ATOMIC_RELAXED);
}

void vgic_pt_deactivate(struct vm *vm, struct vgic_irq *irq)
{
	gic_deactivate(irq->pirq);
	vgic_pt_count_deactivated(vm, irq->pirq);
}

/* The SPI a bound descriptor stands for: vgic_pt_bind() checked it. */
static inline struct vgic_irq *pt_spi(struct softirq_pt *pt)
{
	struct vm *vm = pt->data;

	return &vm->vgic.spis[pt->arg - VGIC_NR_PRIVATE];
}

/* A physical instance of passthrough SPI @irq: wherever the IRQ is now. */
static int pt_inject(struct vm *vm, struct vgic_irq *irq)
{
	unsigned long flags;
	struct vcpu *d = vgic_irq_lock(vm, irq, &flags);

	if (!(irq->flags & VGIC_IRQ_HW)) {
		vgic_irq_unlock(d, NULL, flags);
		return -EINVAL;
	}
	irq->flags |= VGIC_IRQ_PENDING | VGIC_IRQ_HW_ACTIVE;
	if (vgic_irq_inject_here(d, irq)) {
		/* In an LR now: nothing to notify (vgic_irq_unlock()). */
		spin_unlock_irqrestore(&d->vgic.lock, flags);
		return 0;
	}
	vgic_irq_update(d, irq);
	vgic_irq_unlock(d, irq, flags);
	return 0;
}

static void vgic_pt_softirq(struct softirq_pt *pt)
{
	/* Unbound after the hard-IRQ path took it: the IRQ is active and no
	 * guest will EOI it. */
	if (!softirq_pt_bound(pt)) {
		gic_deactivate((unsigned int)(pt - vgic_pt));
		vgic_pt_count_deactivated(pt->data,
					  (unsigned int)(pt - vgic_pt));
		return;
	}
	pt_inject(pt->data, pt_spi(pt));
}

int vgic_inject_hw(struct vm *vm, unsigned int virq)
{
	struct vgic_irq *irq = vgic_get_irq(vm, NULL, virq);

	if (!irq || virq < VGIC_NR_PRIVATE)
		return -EINVAL;
	return pt_inject(vm, irq);
}

int vgic_pt_bind(struct vm *vm, unsigned int virq, unsigned int pirq)
{
	struct vgic_irq *irq = vgic_get_irq(vm, NULL, virq);
	unsigned long flags;
	struct vcpu *d;
	bool enabled, edge;

	if (!irq || virq < VGIC_NR_PRIVATE || pirq < VGIC_NR_PRIVATE ||
	    pirq >= GIC_MAX_IRQS)
		return -EINVAL;
	if (__atomic_load_n(&vgic_pt[pirq].state, __ATOMIC_ACQUIRE) &
	    (SOFTIRQ_PT_BOUND | SOFTIRQ_PT_SCHEDULED | SOFTIRQ_PT_RUNNING))
		return -EBUSY;
	d = vgic_irq_lock(vm, irq, &flags);
	if (irq->flags & VGIC_IRQ_HW) {
		vgic_irq_unlock(d, NULL, flags);
		return -EBUSY;
	}
	irq->flags |= VGIC_IRQ_HW;
	irq->flags &= (uint16_t)~VGIC_IRQ_HW_ACTIVE;
	irq->pirq = (uint16_t)pirq;
	enabled = irq->flags & VGIC_IRQ_ENABLED;
	edge = irq->flags & VGIC_IRQ_EDGE;
	gic_irq_disable(pirq);
	gic_irq_set_config(pirq, edge);
	gic_irq_set_priority(pirq, VGIC_DEFAULT_PRIO);
	gic_irq_set_target(pirq, vm->vcpus[irq->target].pcpu);
	softirq_pt_bind(&vgic_pt[pirq], vgic_pt_softirq, vm, virq);
	if (enabled)
		gic_irq_enable(pirq);
	vgic_irq_unlock(d, NULL, flags);
	return 0;
}

int vgic_pt_unbind(struct vm *vm, unsigned int virq)
{
	struct vgic_irq *irq = vgic_get_irq(vm, NULL, virq);
	unsigned long flags;
	struct vcpu *d;
	unsigned int pirq;
	int ret;

	if (!irq || virq < VGIC_NR_PRIVATE)
		return -EINVAL;
	d = vgic_irq_lock(vm, irq, &flags);
	if (!(irq->flags & VGIC_IRQ_HW)) {
		vgic_irq_unlock(d, NULL, flags);
		return -EINVAL;
	}
	pirq = irq->pirq;
	gic_irq_disable(pirq);
	ret = softirq_pt_unbind(&vgic_pt[pirq]);
	if (ret) {
		vgic_irq_unlock(d, NULL, flags);
		return ret; /* a softirq still holds it: run them, retry */
	}
	/* No guest EOI will come for it any more: deactivate it here. An
	 * HW = 1 LR still naming it is turned into a virtual one. */
	if (irq->flags & VGIC_IRQ_HW_ACTIVE)
		vgic_pt_deactivate(vm, irq);
	if (irq->nr_lrs && d->vgic.loaded_on < 0) {
		uint32_t *lr = &d->vgic.lr[irq->lr];

		if ((*lr & GICH_LR_HW) ||
		    (d->vgic.lr_owes_dir & BIT_ULL(irq->lr)))
			vgic_pt_deactivate(vm, irq);
		*lr &= ~(GICH_LR_HW | GICH_LR_PHYSID_MASK);
		d->vgic.lr_owes_dir &= ~BIT_ULL(irq->lr);
	}
	irq->flags &= (uint16_t) ~(VGIC_IRQ_HW | VGIC_IRQ_HW_ACTIVE);
	vgic_irq_unlock(d, NULL, flags);
	return 0;
}

bool vgic_pt_take(unsigned int pirq)
{
	struct softirq_pt *pt;

	if (pirq >= GIC_MAX_IRQS)
		return false;
	pt = &vgic_pt[pirq];
	if (!softirq_pt_raise(pt))
		return false;
	__atomic_fetch_add(&pt_outstanding[pirq], 1, __ATOMIC_ACQ_REL);
	vgic_stat_inc(&((struct vm *)pt->data)->vgic.stats.pt_taken);
	return true;
}

/*
 * In an exit of @cur's guest (IRQs masked, the LRs loaded here, as in the
 * flush that follows): inject at once, with no softirq hop, when the SPI
 * goes to @cur. That is the common case (a device's SPI routed to the pCPU
 * of the vCPU that drives it). The target is read without the lock, as a
 * hint: the injection itself locks and delivers wherever the IRQ is then
 * (vgic_inject_hw(), as the softirq would). SPIs for other vCPUs keep the
 * per-pCPU softirq list (DESIGN §4), and so does a descriptor already
 * queued or running: the state word decides (softirq_pt_run_here()).
 */
/* Take back a count of pt_outstanding never handed on, unless an unbind's
 * vgic_pt_count_deactivated() took it already. */
static void pt_uncount(unsigned int pirq)
{
	unsigned long n =
		__atomic_load_n(&pt_outstanding[pirq], __ATOMIC_RELAXED);

	while (n && !__atomic_compare_exchange_n(&pt_outstanding[pirq], &n,
						 n - 1, true, __ATOMIC_ACQ_REL,
						 __ATOMIC_RELAXED))
		;
}

static bool vgic_pt_take_here(unsigned int pirq, struct vcpu *cur)
{
	struct softirq_pt *pt = &vgic_pt[pirq];
	struct vm *vm = READ_ONCE(pt->data);
	struct vgic_irq *irq;

	if (vm != cur->vm ||
	    !(__atomic_load_n(&pt->state, __ATOMIC_ACQUIRE) & SOFTIRQ_PT_BOUND))
		return false;
	irq = pt_spi(pt);
	if (READ_ONCE(irq->target) != cur->id)
		return false;
	/* Counted before the injection, as vgic_pt_take() counts before the
	 * softirq can run: from then on an unbind may deactivate it. */
	__atomic_fetch_add(&pt_outstanding[pirq], 1, __ATOMIC_ACQ_REL);
	if (softirq_pt_run_here(pt) || softirq_pt_raise(pt)) {
		vgic_stat_inc(&vm->vgic.stats.pt_taken);
		return true;
	}
	pt_uncount(pirq); /* unbound meanwhile: the IRQ layer deactivates */
	return false;
}

/* The IRQ layer's handler of every SPI: left active for the guest's EOI
 * when a VM owns it, deactivated at once when none does. */
static enum irq_result vgic_pt_irq(unsigned int irq, void *data,
				   struct vcpu *cur)
{
	if (cur && irq < GIC_MAX_IRQS && vgic_pt_take_here(irq, cur))
		return IRQ_KEPT;
	return vgic_pt_take(irq) ? IRQ_KEPT : IRQ_DONE;
}

void vgic_pt_init(unsigned int nr_irqs)
{
	for (unsigned int i = VGIC_NR_PRIVATE; i < nr_irqs && i < GIC_MAX_IRQS;
	     i++)
		irq_set_handler(i, vgic_pt_irq, NULL);
}

/*
 * SYSTEM_RESET: the VM's vCPUs are all out of guest mode. Unbind every
 * passthrough SPI (waiting out a softirq that still holds one: run this
 * pCPU's, let the others run theirs), make sure none stays active in the
 * physical GIC (the guest will never EOI it now), start the vGIC afresh and
 * bind them again.
 */
void vgic_vm_reset(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_devs; i++) {
		const struct vm_device *d = &vm->devs[i];

		for (unsigned int j = 0; j < d->nr_irqs; j++) {
			while (vgic_pt_unbind(vm, d->irqs[j]) == -EAGAIN) {
				softirq_run();
				arch_cpu_relax();
			}
			/* GICD_ICACTIVER, not GICC_DIR: the instance may have
			 * been acknowledged by another pCPU. */
			gic_irq_clear_active(d->irqs[j]);
		}
	}
	vgic_vm_init(vm, vm->vgic.nr_irqs);
	for (unsigned int i = 0; i < vm->nr_devs; i++) {
		const struct vm_device *d = &vm->devs[i];

		for (unsigned int j = 0; j < d->nr_irqs; j++)
			if (vgic_pt_bind(vm, d->irqs[j], d->irqs[j]))
				pr_err("VM '%s': rebinding IRQ %u failed",
				       vm->name, d->irqs[j]);
	}
}

void vgic_pt_account(struct vm *vm, unsigned long *held, unsigned long *lost)
{
	*held = *lost = 0;
	for (unsigned int i = VGIC_NR_PRIVATE; i < vm->vgic.nr_irqs; i++) {
		struct vgic_irq *irq = vgic_get_irq(vm, NULL, i);
		unsigned long flags, st, out;
		struct vcpu *d;
		bool holds;

		if (!irq || !(irq->flags & VGIC_IRQ_HW))
			continue;
		d = vgic_irq_lock(vm, irq, &flags);
		out = __atomic_load_n(&pt_outstanding[irq->pirq],
				      __ATOMIC_ACQUIRE);
		st = __atomic_load_n(&vgic_pt[irq->pirq].state,
				     __ATOMIC_ACQUIRE);
		/* Waiting for an LR, in an LR the guest has not EOId, or
		 * taken and not injected yet. */
		holds = (irq->flags & VGIC_IRQ_HW_ACTIVE) ||
			(irq->nr_lrs && d->vgic.loaded_on < 0 &&
			 ((d->vgic.lr[irq->lr] & GICH_LR_HW) ||
			  (d->vgic.lr_owes_dir & BIT_ULL(irq->lr)))) ||
			(st & (SOFTIRQ_PT_SCHEDULED | SOFTIRQ_PT_RUNNING));
		if (out) {
			if (holds)
				*held += out;
			else
				*lost += out;
			pr_info("vm%u passthrough: IRQ %u: %lu instance(s) %s "
				"(flags=0x%x owner=%d lrs=%u softirq=0x%lx)",
				vm->id, i, out, holds ? "held" : "LOST",
				irq->flags,
				irq->owner ? (int)irq->owner->id : -1,
				irq->nr_lrs, st);
		}
		vgic_irq_unlock(d, NULL, flags);
	}
}
