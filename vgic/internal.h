/* SPDX-License-Identifier: MIT */
/* Shared between the files of vgic/ only. */
#ifndef VIGIL_VGIC_INTERNAL_H
#define VIGIL_VGIC_INTERNAL_H

#include "arch.h"
#include "percpu.h"
#include "vgic.h"
#include "vm.h"
#include "printk.h"

#define VGIC_DEFAULT_PRIO 0xa0 /* physical priority of passthrough SPIs */

static inline bool vgic_is_sgi(const struct vgic_irq *irq)
{
	return irq->intid < VGIC_NR_SGIS;
}

static inline bool vgic_is_spi(const struct vgic_irq *irq)
{
	return irq->intid >= VGIC_NR_PRIVATE;
}

static inline bool vgic_irq_queued(struct vgic_irq *irq)
{
	return !list_unlinked(&irq->lr_pending);
}

static inline bool vgic_irq_inflight(struct vgic_irq *irq)
{
	return !list_unlinked(&irq->inflight);
}

/*
 * A newer pending instance of @irq waits for an LR of its owner that holds
 * an earlier one to retire (vgic_irq_wants_lr() keeps it off lr_pending
 * meanwhile). The guest may EOI that LR without an exit, so the owner must
 * be told (kick) and the LR must ask for an EOI maintenance IRQ.
 */
/* The pending sources of SGI @irq that wait for an LR holding the sources
 * @in_lr to retire: the same sources, or any with vgic_one_lr_per_sgi. */
static inline uint8_t vgic_sgi_waiting(const struct vgic_irq *irq,
				       uint8_t in_lr)
{
	if (!in_lr)
		return 0;
	return irq->sgi_src_pending & (vgic_one_lr_per_sgi ? 0xff : in_lr);
}

static inline bool vgic_irq_waits_for_retire(const struct vgic_irq *irq)
{
	if (vgic_is_sgi(irq))
		return vgic_sgi_waiting(irq, irq->sgi_src_in_lr) != 0;
	return irq->nr_lrs && (irq->flags & VGIC_IRQ_PENDING) &&
	       !(irq->flags & VGIC_IRQ_MIGRATING);
}

/*
 * Whether the guest can take @irq: its group is enabled in GICV_CTLR as
 * last read back (GICH_VMCR). While the guest has neither group enabled,
 * every IRQ counts (it takes none yet; LRs are filled by priority and a
 * group enable raises a maintenance IRQ, lrs_fill()).
 */
static inline bool vgic_irq_takeable(const struct vgic_vcpu *vv,
				     const struct vgic_irq *irq)
{
	uint32_t en = vv->vmcr & (GICH_VMCR_GRP0EN | GICH_VMCR_GRP1EN);

	return !en ||
	       (en & ((irq->flags & VGIC_IRQ_GROUP1) ? GICH_VMCR_GRP1EN
						     : GICH_VMCR_GRP0EN));
}

/* Whether @irq should wait in an LR queue: the one place that decides. */
static inline bool vgic_irq_wants_lr(struct vm *vm, struct vgic_irq *irq)
{
	uint32_t ctlr = READ_ONCE(vm->vgic.ctlr);

	if (!(irq->flags & VGIC_IRQ_ENABLED) ||
	    (irq->flags & VGIC_IRQ_MIGRATING))
		return false;
	if (!(ctlr & ((irq->flags & VGIC_IRQ_GROUP1) ? BIT(1) : BIT(0))))
		return false;
	/* GICv2 §4.3.12: an SPI with no target is forwarded to no CPU
	 * interface, except in a uniprocessor GIC (a 1-vCPU VM), where
	 * ITARGETSR is RAZ/WI and every SPI goes to the one interface. */
	if (vgic_is_spi(irq) && !irq->targets && vm->nr_vcpus > 1)
		return false;
	if (vgic_is_sgi(irq))
		return (irq->sgi_src_pending & ~irq->sgi_src_in_lr) != 0 &&
		       !(vgic_one_lr_per_sgi && irq->sgi_src_in_lr);
	if (irq->nr_lrs)
		return false; /* a re-pend waits for the LR to retire */
	return (irq->flags & VGIC_IRQ_PENDING) ||
	       (!(irq->flags & VGIC_IRQ_EDGE) && (irq->flags & VGIC_IRQ_LINE));
}

#define VGIC_INSERT_SORTED(head, irq, member)                              \
	do {                                                               \
		struct list_head *pos_;                                    \
		list_for_each (pos_, head) {                               \
			struct vgic_irq *o_ =                              \
				list_entry(pos_, struct vgic_irq, member); \
			if (o_->priority > (irq)->priority)                \
				break;                                     \
		}                                                          \
		list_add_before(&(irq)->member, pos_);                     \
	} while (0)

static inline uint8_t vgic_vcpu_mask(struct vm *vm)
{
	return (uint8_t)(BIT(vm->nr_vcpus) - 1);
}

/* Whether d's lock guards @irq (dest(irq) == d); call with d locked. */
static inline bool vgic_irq_guarded_by(struct vcpu *d, struct vgic_irq *irq)
{
	return irq->owner ? irq->owner == d : irq->target == d->id;
}

/* Whether @v's list registers are in this pCPU's GICH, not synced back
 * (vgic_flush_lrs() .. vgic_sync_lrs()): only this pCPU sets loaded_on to
 * its own id or takes it away, so the unlocked read is exact here. */
static inline bool vgic_lrs_loaded(struct vcpu *v)
{
	return READ_ONCE(v->vgic.loaded_on) == (int)this_cpu()->id;
}

#define VGIC_ASSERT_LOCKED(v) ASSERT(spin_is_locked_by_me(&(v)->vgic.lock))

/* IRQs whose fate must be settled on another vCPU once the current vCPU's
 * lock is released (completed migrations). */
struct vgic_deferred {
	unsigned int n;
	struct vgic_irq *irq[VGIC_MAX_LRS];
};

/* Make a PPI/SPI pending, coalescing with a pending instance held in an
 * LR of d when d's shadow is current. d locked. */
void vgic_irq_set_pending(struct vcpu *d, struct vgic_irq *irq);
/* Lock the vCPU that guards @irq; returns it. */
struct vcpu *vgic_irq_lock(struct vm *vm, struct vgic_irq *irq,
			   unsigned long *flags);
/* Unlock; if @irq (may be NULL) now waits for an LR, kick or wake d. */
void vgic_irq_unlock(struct vcpu *d, struct vgic_irq *irq, unsigned long flags);
/* Put @irq on / take it off d's lists as its state says. d locked, d is
 * dest(irq). Returns true if it waits in lr_pending. */
bool vgic_irq_update(struct vcpu *d, struct vgic_irq *irq);
/* Deliver a pending PPI/SPI of d (its dest, locked) straight into a free
 * LR when d is loaded on this pCPU and nothing waits for an LR; false
 * (nothing changed) otherwise: then vgic_irq_update(). */
bool vgic_irq_inject_here(struct vcpu *d, struct vgic_irq *irq);
/* Re-sort @irq after a priority change. */
void vgic_irq_resort(struct vcpu *d, struct vgic_irq *irq);
/* Lock dest, update, unlock and notify. */
void vgic_irq_queue(struct vm *vm, struct vgic_irq *irq);
void vgic_deferred_run(struct vm *vm, struct vgic_deferred *def);
/* GICD_SGIR: SGI @sgi (< 16) from @src to the vCPUs in @targets, a mask
 * of its VM's vCPUs. */
void vgic_send_sgis(struct vcpu *src, unsigned int targets, unsigned int sgi);

/* lr.c */
/* LR @idx of d stopped holding its IRQ; @val is its last value (state
 * invalid). @guest_done: the guest's EOI ended it (read back from GICH),
 * else vigil invalidated it. @eoi_maint: through an EOI maintenance. */
void vgic_lr_retire(struct vcpu *d, unsigned int idx, uint32_t val,
		    bool guest_done, bool eoi_maint, struct vgic_deferred *def);
/* Give a MIGRATING IRQ's LR the EOI bit (and HW = 0). */
void vgic_lr_mark_migrating(struct vcpu *d, unsigned int idx);
/* Pending / active as the guest sees them: flags plus d's LR shadow. */
bool vgic_irq_is_pending(struct vcpu *d, struct vgic_irq *irq);
bool vgic_irq_is_active(struct vcpu *d, struct vgic_irq *irq);
uint8_t vgic_sgi_sources(struct vcpu *d, struct vgic_irq *irq);
void vgic_irq_clear_pending(struct vcpu *d, struct vgic_irq *irq,
			    uint8_t sgi_srcs, struct vgic_deferred *def);
void vgic_irq_set_active(struct vcpu *d, struct vgic_irq *irq);
void vgic_irq_clear_active(struct vcpu *d, struct vgic_irq *irq,
			   struct vgic_deferred *def);

/* migrate.c */
void vgic_irq_set_targets(struct vm *vm, struct vgic_irq *irq, uint8_t mask);
void vgic_migrate_complete(struct vcpu *o, struct vgic_irq *irq, bool eoi_maint,
			   bool need_dir, struct vgic_deferred *def);

/* passthrough.c */
/* vigil deactivates the physical IRQ behind @irq (and counts it). */
void vgic_pt_deactivate(struct vm *vm, struct vgic_irq *irq);
/* The physical IRQ @pirq of @vm was deactivated (by the guest or vigil). */
void vgic_pt_count_deactivated(struct vm *vm, unsigned int pirq);

static inline void vgic_stat_inc(unsigned long *c)
{
	__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

#endif
