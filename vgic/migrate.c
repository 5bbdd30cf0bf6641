/* SPDX-License-Identifier: MIT */
/*
 * ITARGETSR of an SPI (DESIGN §3.1). GICv2 §4.3.12: a new target does not
 * move an instance that is pending or active in a CPU interface. vigil
 * moves an IRQ that only waits in lr_pending at once, and completes the
 * move of an IRQ held in an LR when the old vCPU's guest deactivates it:
 *
 *   not inflight --write--> target changed (physical re-routed)
 *   lr_pending   --write--> unlinked from old, queued on new   [lr_pending]
 *   in an LR     --write--> MIGRATING, migrate_to = new, LR gets EOI bit
 *                           (HW = 1 rewritten to HW = 0) by the owner pCPU
 *   MIGRATING    --write--> migrate_to = newest               [superseded]
 *   MIGRATING    --re-pend-> PENDING only, never queued
 *   MIGRATING    --LR retires (EOI maintenance / exit)--> physical
 *                  re-routed + re-latched, GICC_DIR, unlinked from old,
 *                  queued on new if pending                [maint / exit]
 */
#include "arch.h"
#include "gic.h"
#include "internal.h"
#include "irq.h"

static struct vcpu *vgic_vcpu_of(struct vm *vm, unsigned int id)
{
	return &vm->vcpus[id];
}

/* Unlink @irq from o (it leaves every list) and hand it to vCPU @n: target
 * first, owner last, so dest(irq) goes straight from o to n. */
static void vgic_irq_hand_over(struct vcpu *o, struct vgic_irq *irq,
			       unsigned int n)
{
	VGIC_ASSERT_LOCKED(o);
	if (vgic_irq_queued(irq))
		list_del(&irq->lr_pending);
	if (vgic_irq_inflight(irq))
		list_del(&irq->inflight);
	__atomic_store_n(&irq->target, (uint8_t)n, __ATOMIC_RELEASE);
	__atomic_store_n(&irq->owner, NULL, __ATOMIC_RELEASE);
}

void vgic_migrate_complete(struct vcpu *o, struct vgic_irq *irq, bool eoi_maint,
			   bool need_dir, struct vgic_deferred *def)
{
	struct vm *vm = o->vm;
	unsigned int n = irq->migrate_to;

	VGIC_ASSERT_LOCKED(o);
	irq->flags &= (uint16_t)~VGIC_IRQ_MIGRATING;
	vgic_stat_inc(eoi_maint ? &vm->vgic.stats.moves_maint
				: &vm->vgic.stats.moves_exit);
	/* Re-route before deactivating: an instance that arrives once the
	 * physical IRQ is inactive goes to the new pCPU. */
	if (irq->flags & VGIC_IRQ_HW)
		gic_irq_set_target(irq->pirq, vgic_vcpu_of(vm, n)->pcpu);
	if (need_dir)
		vgic_pt_deactivate(o->vm, irq);
	if (n == o->id) {
		vgic_irq_update(o, irq);
		return;
	}
	vgic_irq_hand_over(o, irq, n);
	if (def->n < ARRAY_SIZE(def->irq))
		def->irq[def->n++] = irq;
	else
		vgic_stat_inc(
			&vm->vgic.stats.moves_stranded); /* cannot happen */
}

void vgic_irq_set_targets(struct vm *vm, struct vgic_irq *irq, uint8_t mask)
{
	unsigned long flags;
	struct vcpu *o = vgic_irq_lock(vm, irq, &flags);
	unsigned int n;
	int kick = -1;

	mask &= vgic_vcpu_mask(vm);
	irq->targets = mask;
	if (!mask) {
		/* No target: nothing is forwarded; an LR stays until EOI. */
		vgic_irq_update(o, irq);
		vgic_irq_unlock(o, irq, flags);
		return;
	}
	n = (unsigned int)__builtin_ctz(mask);

	if (irq->flags & VGIC_IRQ_MIGRATING) {
		/* Only the last write counts. */
		irq->migrate_to = (uint8_t)n;
		vgic_stat_inc(&vm->vgic.stats.moves_superseded);
		vgic_irq_unlock(o, irq, flags);
		return;
	}
	if (n == irq->target) {
		vgic_irq_update(o, irq); /* mask may have been 0 before */
		vgic_irq_unlock(o, irq, flags);
		return;
	}
	if (!irq->owner) {
		/* Not in flight: re-route; queue on n if it was waiting for
		 * a target. */
		vgic_irq_hand_over(o, irq, n);
		if (irq->flags & VGIC_IRQ_HW)
			gic_irq_set_target(irq->pirq,
					   vgic_vcpu_of(vm, n)->pcpu);
		spin_unlock_irqrestore(&o->vgic.lock, flags);
		vgic_irq_queue(vm, irq);
		return;
	}
	vgic_stat_inc(&vm->vgic.stats.moves_requested);
	if (!irq->nr_lrs) {
		/* Step 2: only in lr_pending. */
		vgic_irq_hand_over(o, irq, n);
		if (irq->flags & VGIC_IRQ_HW)
			gic_irq_set_target(irq->pirq,
					   vgic_vcpu_of(vm, n)->pcpu);
		vgic_stat_inc(&vm->vgic.stats.moves_lr_pending);
		spin_unlock_irqrestore(&o->vgic.lock, flags);
		vgic_irq_queue(vm, irq);
		return;
	}
	/* Step 3: in an LR of o. */
	irq->flags |= VGIC_IRQ_MIGRATING;
	irq->migrate_to = (uint8_t)n;
	if (o->vgic.loaded_on < 0)
		vgic_lr_mark_migrating(o, irq->lr);
	else
		o->vgic.flush_work = true; /* its pCPU rewrites the LR */
	if (o->vgic.loaded_on >= 0 &&
	    (unsigned int)o->vgic.loaded_on != arch_cpu_id())
		kick = o->vgic.loaded_on;
	vgic_irq_update(o, irq);
	spin_unlock_irqrestore(&o->vgic.lock, flags);
	if (kick >= 0)
		pcpu_kick((unsigned int)kick);
}
