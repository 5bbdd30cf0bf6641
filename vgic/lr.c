/* SPDX-License-Identifier: MIT */
/*
 * List registers: fill on entry, retire on exit and on the maintenance IRQ,
 * overflow with eviction, and the guest-visible pending / active state of
 * an IRQ held in an LR.
 *
 * A vCPU's LRs live in its shadow (vgic_vcpu.lr) while loaded_on == -1 and
 * in the GICH of pCPU loaded_on between vgic_flush_lrs() and
 * vgic_sync_lrs(). Only that pCPU touches them then; another pCPU leaves a
 * request (MIGRATING) and kicks it. The shadow of a loaded vCPU may lag
 * behind the guest's acks and EOIs but never holds an LR the hardware does
 * not: an invalid LR cannot become valid without vigil writing it.
 */
#include "arch.h"
#include "gic.h"
#include "gich.h"
#include "htimer.h"
#include "internal.h"
#include "irq.h"
#include "percpu.h"

static inline bool lr_is_used(struct vgic_vcpu *vv, unsigned int n)
{
	return vv->lr_used & BIT_ULL(n);
}

/* Lowest LR index in @mask (not 0); the walks below visit only the LRs in
 * use, usually none, rather than every LR on each entry and exit. */
static inline unsigned int lr_first(uint64_t mask)
{
	return (unsigned int)__builtin_ctzll(mask);
}

static void lr_clear(struct vgic_vcpu *vv, unsigned int n)
{
	vv->lr[n] = 0;
	vv->lr_irq[n] = NULL;
	vv->lr_used &= ~BIT_ULL(n);
	vv->lr_owes_dir &= ~BIT_ULL(n);
}

static unsigned int lr_src(uint32_t lr)
{
	return (lr & GICH_LR_CPUID_MASK) >> GICH_LR_CPUID_SHIFT;
}

void vgic_lr_retire(struct vcpu *d, unsigned int idx, uint32_t val,
		    bool guest_done, bool eoi_maint, struct vgic_deferred *def)
{
	struct vgic_vcpu *vv = &d->vgic;
	struct vgic_irq *irq = vv->lr_irq[idx];
	/* The physical instance this LR carried is deactivated by the
	 * guest's EOI of a HW = 1 LR; in every other end, by vigil. */
	bool need_dir = (vv->lr_owes_dir & BIT_ULL(idx)) ||
			((val & GICH_LR_HW) && !guest_done);

	VGIC_ASSERT_LOCKED(d);
	lr_clear(vv, idx);
	irq->nr_lrs--;
	if (vgic_is_sgi(irq)) {
		irq->sgi_src_in_lr &= (uint8_t)~BIT(lr_src(val));
		vgic_irq_update(d, irq);
		return;
	}
	if ((val & GICH_LR_HW) && guest_done && vgic_hw_poke) {
		gic_poke();
		this_cpu()->hw_pokes++;
	}
	if ((val & GICH_LR_HW) && guest_done && vgic_is_spi(irq)) {
		vgic_stat_inc(&d->vm->vgic.stats.pt_hw_eoi);
		vgic_pt_count_deactivated(d->vm, irq->pirq);
	}
	irq->flags &= (uint16_t)~VGIC_IRQ_ACTIVE;
	if (irq->flags & VGIC_IRQ_MIGRATING) {
		vgic_migrate_complete(d, irq, eoi_maint, need_dir, def);
		return;
	}
	if (need_dir)
		vgic_pt_deactivate(d->vm, irq);
	vgic_irq_update(d, irq);
}

/* Make LR @idx of d's shadow ask for an EOI maintenance IRQ. GICH_LR bit
 * 19 is PhysicalID[9] when HW = 1: a HW LR cannot ask, so it becomes a
 * virtual one and vigil deactivates the physical IRQ itself when it
 * retires (DESIGN §3.1 step 3). */
static void lr_ask_eoi(struct vgic_vcpu *vv, unsigned int idx)
{
	uint32_t lr = vv->lr[idx];

	if (lr & GICH_LR_HW) {
		lr &= ~(GICH_LR_HW | GICH_LR_PHYSID_MASK);
		vv->lr_owes_dir |= BIT_ULL(idx);
	}
	vv->lr[idx] = lr | GICH_LR_EOI;
}

void vgic_lr_mark_migrating(struct vcpu *d, unsigned int idx)
{
	VGIC_ASSERT_LOCKED(d);
	lr_ask_eoi(&d->vgic, idx);
}

/*
 * Whether passthrough IRQs go to the guest in HW = 1 LRs (the guest's EOI
 * deactivates the physical IRQ). Off on QEMU (up to 10.0 at least), whose
 * GICv2 clears the physical active state on such an EOI without
 * re-evaluating the distributor (gic_complete_irq() ends in
 * gic_update_virt() only), so an instance that arrived while active stays
 * pending, undelivered, until something else touches the GIC; before 9.1
 * it also tracks SPI active state per CPU, so an EOI on another pCPU than
 * the one that acknowledged misses it. Then the LR is HW = 0 with the EOI
 * bit and vigil deactivates the physical IRQ (gic_deactivate) from the EOI
 * maintenance interrupt. gic/gicv2.c decides (gic_info()->hw_lrs).
 */
bool vgic_hw_lrs = true;

/*
 * QEMU's model from 9.1 on (gic_info()->hw_deact_needs_poke): a guest's
 * deactivation through an HW = 1 LR deactivates the physical IRQ but
 * leaves an instance that arrived meanwhile unsignalled until the physical
 * GIC is written to or one of its lines changes (gic/gicv2.c cites QEMU's
 * code). vigil cannot see that deactivation when it happens, so:
 *  - an exit that finds an HW = 1 LR retired by the guest pokes the GIC
 *    (gic_poke(): a GICC_PMR write of its own value);
 *  - while an HW = 1 LR is loaded, this pCPU's HYP timer is set
 *    VGIC_POKE_US ahead (its HTIMER_GIC_POKE slot, core/htimer.c): its
 *    PPI changing level is such a line change, and its function reads
 *    the LRs back (a poke if one retired); the refill before the next
 *    entry sets it again while one is still loaded. A guest that
 *    deactivates and then spins without an exit is so delayed by at most
 *    VGIC_POKE_US
 *    (20: the storm on raspi4b ran 9.8 s for 20,000 IRQs, 11.0 s with 5,
 *    17.5 s with 50).
 * Never on a GIC-400 (hw_deact_needs_poke is QEMU's model only).
 */
bool vgic_hw_poke;
#define VGIC_POKE_US 20
static uint64_t poke_ticks;

/*
 * GICv2 lets several LRs hold one SGI INTID from different sources (the
 * CPUID field tells them apart; the GIC architecture makes only LRs
 * with equal VirtualID and source UNPREDICTABLE, see ICH_LR<n>.vINTID in
 * ARM DDI 0595), and vigil uses that where the hardware does. QEMU 7.2 (hw/intc/arm_gic.c, gic_get_lr_entry()) applies
 * the guest's acknowledge and EOI to the first valid LR with that INTID,
 * not to the one it delivered: the other source's LR stays pending and the
 * SGI arrives twice (hostile storm.burst saw extra deliveries). There,
 * another source's instance waits in sgi_src_pending and its LR asks for
 * an EOI maintenance IRQ (lrs_request_eoi()).
 */
bool vgic_one_lr_per_sgi;

static uint32_t lr_build(struct vgic_irq *irq, unsigned int *srcp)
{
	uint32_t lr = irq->intid | ((uint32_t)(irq->priority >> 3)
				    << GICH_LR_PRIORITY_SHIFT);

	if (irq->flags & VGIC_IRQ_GROUP1)
		lr |= GICH_LR_GRP1;
	if (vgic_is_sgi(irq)) {
		unsigned int src = (unsigned int)__builtin_ctz(
			irq->sgi_src_pending & ~irq->sgi_src_in_lr);

		*srcp = src;
		return lr | GICH_LR_PENDING | (src << GICH_LR_CPUID_SHIFT);
	}
	lr |= GICH_LR_PENDING;
	if (irq->flags & VGIC_IRQ_ACTIVE)
		lr |= GICH_LR_ACTIVE; /* pending+active is HW = 0 only */
	if ((irq->flags & VGIC_IRQ_HW_ACTIVE) && !(lr & GICH_LR_ACTIVE) &&
	    vgic_hw_lrs)
		lr |= GICH_LR_HW |
		      ((uint32_t)irq->pirq << GICH_LR_PHYSID_SHIFT);
	else if (!(irq->flags & VGIC_IRQ_EDGE) ||
		 (irq->flags & VGIC_IRQ_HW_ACTIVE))
		lr |= GICH_LR_EOI; /* resample the line / owe a DIR */
	return lr;
}

/* Put @irq in free LR @n of d's shadow; its lists are the caller's. */
static inline void lr_fill_state(struct vcpu *d, struct vgic_irq *irq,
				 unsigned int n)
{
	struct vgic_vcpu *vv = &d->vgic;
	unsigned int src = 0;
	uint32_t lr = lr_build(irq, &src);

	if (vgic_is_sgi(irq)) {
		irq->sgi_src_pending &= (uint8_t)~BIT(src);
		irq->sgi_src_in_lr |= (uint8_t)BIT(src);
	} else {
		/* The LR takes over the physical instance: the guest's EOI
		 * deactivates it (HW = 1), or vigil does when the LR retires
		 * (HW = 0 with the EOI bit). */
		if (irq->flags & VGIC_IRQ_HW_ACTIVE) {
			if (!(lr & GICH_LR_HW))
				vv->lr_owes_dir |= BIT_ULL(n);
			irq->flags &= (uint16_t)~VGIC_IRQ_HW_ACTIVE;
		}
		irq->flags &= (uint16_t) ~(VGIC_IRQ_PENDING | VGIC_IRQ_ACTIVE);
		irq->lr = (uint8_t)n;
	}
	irq->nr_lrs++;
	vv->lr[n] = lr;
	vv->lr_irq[n] = irq;
	vv->lr_used |= BIT_ULL(n);
}

static void lr_fill_one(struct vcpu *d, struct vgic_irq *irq, unsigned int n)
{
	lr_fill_state(d, irq, n);
	vgic_irq_update(d, irq);
}

/* Push a pending (not active) LR back to lr_pending. Guest not running. */
static void lr_evict(struct vcpu *d, unsigned int n)
{
	struct vgic_vcpu *vv = &d->vgic;
	struct vgic_irq *irq = vv->lr_irq[n];
	uint32_t lr = vv->lr[n];
	bool phys = (lr & GICH_LR_HW) || (vv->lr_owes_dir & BIT_ULL(n));

	lr_clear(vv, n);
	irq->nr_lrs--;
	if (phys)
		irq->flags |= VGIC_IRQ_HW_ACTIVE; /* back from the LR */
	if (vgic_is_sgi(irq)) {
		irq->sgi_src_in_lr &= (uint8_t)~BIT(lr_src(lr));
		irq->sgi_src_pending |= (uint8_t)BIT(lr_src(lr));
	} else if ((irq->flags & VGIC_IRQ_EDGE) ||
		   !(irq->flags & VGIC_IRQ_LINE)) {
		/* A high line stands for a level IRQ's pending state. */
		irq->flags |= VGIC_IRQ_PENDING;
	}
	vgic_irq_update(d, irq);
	vgic_stat_inc(&d->vm->vgic.stats.lr_evictions);
}

/* The pending-only, non-migrating LR of lowest priority below @prio. */
static int lr_evict_candidate(struct vgic_vcpu *vv, uint8_t prio)
{
	int best = -1;
	uint8_t best_prio = prio;

	for (unsigned int n = 0; n < vv->nr_lrs; n++) {
		struct vgic_irq *irq = vv->lr_irq[n];

		if (!lr_is_used(vv, n) ||
		    (vv->lr[n] & GICH_LR_STATE_MASK) != GICH_LR_PENDING ||
		    (irq->flags & VGIC_IRQ_MIGRATING))
			continue;
		if (irq->priority > best_prio) {
			best_prio = irq->priority;
			best = (int)n;
		}
	}
	return best;
}

static int lr_free_slot(struct vgic_vcpu *vv)
{
	uint64_t all = vv->nr_lrs >= 64 ? ~0ULL : BIT_ULL(vv->nr_lrs) - 1;
	uint64_t free = ~vv->lr_used & all;

	return free ? __builtin_ctzll(free) : -1;
}

/*
 * The direct injection (issue 16): a timer PPI or a passthrough SPI taken
 * in an exit of the vCPU it goes to, or a virtual IRQ injected there,
 * while that vCPU's LRs are in this pCPU's GICH, is written into a free
 * LR at once, not queued on lr_pending for the flush to fill, and that
 * flush then has nothing to do (lrs_flush_light()). Only when nothing
 * waits for an LR of d: an IRQ in
 * lr_pending may have the higher priority, and the flush decides who gets
 * an LR and whom to evict (docs/vgic.md). The IRQ then stands where
 * vgic_irq_update() leaves it after lr_fill_one(): in an LR, on inflight,
 * not queued, owned by d.
 *
 * A free LR of the shadow is 0 in the GICH (lrs_load() wrote it so, and
 * an invalid LR cannot become valid without vigil), so nothing the guest
 * holds is overwritten. The group test uses GICV_CTLR as the guest has
 * it now (GICH_VMCR), not the last read-back: the LRs hold only what the
 * guest can take (lrs_fill()). Not with vgic_hw_poke (QEMU 9.1 to 10.0,
 * see lrs_flush_light()).
 */
bool vgic_irq_inject_here(struct vcpu *d, struct vgic_irq *irq)
{
	struct vgic_vcpu *vv = &d->vgic;
	int n;

	VGIC_ASSERT_LOCKED(d);
	if (vgic_hw_poke || !vgic_lrs_loaded(d) ||
	    !list_empty(&vv->lr_pending) || vgic_is_sgi(irq) ||
	    !vgic_irq_wants_lr(d->vm, irq))
		return false;
	n = lr_free_slot(vv);
	if (n < 0)
		return false;
	if (!vv->read_back) /* else read back in this exit, still current */
		vv->vmcr = gich_read_vmcr();
	if (!vgic_irq_takeable(vv, irq))
		return false;
	/* It wants an LR, so it is in none (a PPI/SPI), and it is not
	 * queued: on no list (vgic_irq_update() puts it on inflight iff
	 * queued or in an LR). */
	ASSERT(!vgic_irq_inflight(irq) && !irq->owner);
	lr_fill_state(d, irq, (unsigned int)n);
	gich_write_lr((unsigned int)n, vv->lr[n]);
	VGIC_INSERT_SORTED(&vv->inflight, irq, inflight);
	__atomic_store_n(&irq->owner, d, __ATOMIC_RELEASE);
	vv->lr_direct++;
	return true;
}

/*
 * GICH_HCR bits that raise a maintenance IRQ when the guest flips a group
 * enable in GICV_CTLR (no trap), so that the LRs are chosen again with
 * the new enables. Each bit asks for the change from the state now, so it
 * fires once.
 */
static uint32_t lrs_group_watch(struct vgic_vcpu *vv)
{
	return ((vv->vmcr & GICH_VMCR_GRP0EN) ? GICH_HCR_VGRP0DIE
					      : GICH_HCR_VGRP0EIE) |
	       ((vv->vmcr & GICH_VMCR_GRP1EN) ? GICH_HCR_VGRP1DIE
					      : GICH_HCR_VGRP1EIE);
}

/*
 * Fill free LRs from lr_pending in priority order, evicting lower-priority
 * pending LRs; the guest is not running and the shadow is current.
 *
 * The LRs hold only what the guest can take (lr_takeable()): a pending LR
 * of a group the guest disabled in GICV_CTLR goes back to lr_pending, and
 * such IRQs wait there. Otherwise LRs full of higher-priority Group 1
 * IRQs starve a Group 0 one once the guest clears EnableGrp1: vigil would
 * not evict them for it, and QEMU 7.2's virtual CPU interface signals only
 * the best pending LR, whose group is disabled (gic_get_best_virq()).
 */
static void lrs_fill(struct vcpu *d)
{
	struct vgic_vcpu *vv = &d->vgic;
	struct list_head *pos;
	bool overflow = false;

	for (uint64_t m = vv->lr_used; m; m &= m - 1) {
		unsigned int n = lr_first(m);

		if ((vv->lr[n] & GICH_LR_STATE_MASK) == GICH_LR_PENDING &&
		    !(vv->lr_irq[n]->flags & VGIC_IRQ_MIGRATING) &&
		    !vgic_irq_takeable(vv, vv->lr_irq[n]))
			lr_evict(d, n);
	}
	pos = vv->lr_pending.next;
	while (pos != &vv->lr_pending) {
		struct vgic_irq *irq =
			list_entry(pos, struct vgic_irq, lr_pending);
		int n;

		if (!vgic_irq_takeable(vv, irq)) {
			pos = pos->next;
			continue;
		}
		n = lr_free_slot(vv);
		if (n < 0) {
			n = lr_evict_candidate(vv, irq->priority);
			if (n < 0) {
				overflow = true;
				break;
			}
			lr_evict(d, (unsigned int)n);
		}
		/* Filling unlinks irq, an eviction queues another one:
		 * go on from the head. */
		lr_fill_one(d, irq, (unsigned int)n);
		pos = vv->lr_pending.next;
	}
	vv->hcr = GICH_HCR_EN;
	if (overflow) {
		/*
		 * Overflow: ask for a maintenance IRQ once at most one LR is
		 * valid. NPIE is not armed: with every LR active and nothing
		 * pending it would fire on every entry while no LR can be
		 * freed until the guest EOIs.
		 */
		vv->hcr |= GICH_HCR_UIE;
		vgic_stat_inc(&d->vm->vgic.stats.lr_overflows);
	}
	/* IRQs wait: refill when the guest changes a group enable. */
	if (!list_empty(&vv->lr_pending))
		vv->hcr |= lrs_group_watch(vv);
}

/*
 * An LR whose IRQ has a newer pending instance waiting for it to retire
 * (vgic_irq_waits_for_retire()) asks for an EOI maintenance IRQ: the
 * guest's EOI needs no exit, and without one the new instance would wait
 * for the vCPU's next exit for another reason. A new physical instance
 * comes only after the guest's EOI deactivated the last one, but a
 * virtual re-pend (GICD_ISPENDR) of a passthrough SPI can wait behind its
 * HW = 1 LR: that LR becomes virtual with the EOI bit (lr_ask_eoi(); found
 * by tests/model/vigil.pml).
 */
static void lrs_request_eoi(struct vcpu *d)
{
	struct vgic_vcpu *vv = &d->vgic;

	for (uint64_t m = vv->lr_used; m; m &= m - 1) {
		unsigned int n = lr_first(m);
		struct vgic_irq *irq = vv->lr_irq[n];
		uint32_t lr = vv->lr[n];
		bool waits;

		if (!lr_is_used(vv, n))
			continue;
		/* An SGI re-sent by a source whose instance the guest has
		 * not taken yet (LR still only pending) is the same pending
		 * SGI (GICv2 §3.2.4: pending is per source), not a second
		 * one. */
		if (vgic_is_sgi(irq) &&
		    (lr & GICH_LR_STATE_MASK) == GICH_LR_PENDING &&
		    (irq->sgi_src_pending & BIT(lr_src(lr)))) {
			irq->sgi_src_pending &= (uint8_t)~BIT(lr_src(lr));
			vgic_irq_update(d, irq);
			continue;
		}
		if (lr & GICH_LR_EOI)
			continue;
		if (vgic_is_sgi(irq))
			waits = vgic_sgi_waiting(irq, BIT(lr_src(lr))) != 0;
		else
			waits = vgic_irq_waits_for_retire(irq);
		if (waits)
			lr_ask_eoi(vv, n);
	}
}

/*
 * The flush's read-back found SGI LR @n finished by the guest (@val):
 * when nothing waits in lr_pending, another instance of that SGI that
 * waited for this LR (the source sent it again; with
 * vgic_one_lr_per_sgi, any source) takes the LR back at once, the retire
 * and the refill in one rewrite of the shadow, which lrs_load() writes
 * (issue 16: the receiving side of every IPI, two passes through the
 * lists fewer). Otherwise vgic_lr_retire()'s SGI branch. False, with
 * nothing done, if @n is not an SGI's or something waits for an LR
 * (the fill decides then, by priority).
 */
static inline bool lr_sgi_refill(struct vcpu *d, unsigned int n, uint32_t val)
{
	struct vgic_vcpu *vv = &d->vgic;
	struct vgic_irq *irq = vv->lr_irq[n];

	if (!vgic_is_sgi(irq) || !list_empty(&vv->lr_pending))
		return false;
	lr_clear(vv, n);
	irq->nr_lrs--;
	irq->sgi_src_in_lr &= (uint8_t)~BIT(lr_src(val));
	if (vgic_irq_wants_lr(d->vm, irq) && vgic_irq_takeable(vv, irq)) {
		lr_fill_state(d, irq, n); /* stays on inflight */
		vv->lr_sgi_refills++;
	} else {
		vgic_irq_update(d, irq);
	}
	return true;
}

/*
 * GICH -> shadow for a vCPU loaded on this pCPU; retire invalid LRs.
 * @refill: from the flush, which loads the LRs it used after this
 * (lr_sgi_refill()). @apr: read GICH_APR back too. The flush of a vCPU
 * that stays loaded here and the maintenance IRQ neither read nor write
 * it (nor does the flush write VMCR, lrs_load()): the GICH holds the
 * guest's, and vigil changes neither while it is loaded; the sync that
 * unloads it reads both (APR alone after a maintenance IRQ's read-back).
 */
static void lrs_read_back(struct vcpu *d, struct vgic_deferred *def, bool apr,
			  bool refill)
{
	struct vgic_vcpu *vv = &d->vgic;
	uint64_t elrsr;

	/* The guest changes GICV_PMR/BPR/CTLR (VMCR) and its active
	 * priorities (APR) without a trap: read them back before anything
	 * reloads the interface from the shadow. VMCR also says which
	 * groups the guest takes (vgic_irq_takeable()). */
	vv->vmcr = gich_read_vmcr();
	if (apr)
		vv->apr = gich_read_apr();
	if (!vv->lr_used)
		return;
	elrsr = gich_elrsr();
	for (uint64_t m = vv->lr_used; m; m &= m - 1) {
		unsigned int n = lr_first(m);
		uint32_t val;

		if (!lr_is_used(vv, n))
			continue;
		if (elrsr & BIT_ULL(n))
			val = vv->lr[n] & ~GICH_LR_STATE_MASK;
		else
			val = gich_read_lr(n);
		if (val & GICH_LR_STATE_MASK) {
			vv->lr[n] = val;
			continue;
		}
		gich_write_lr(n, 0); /* drops the EISR bit */
		if (refill && lr_sgi_refill(d, n, val))
			continue;
		/* Through an EOI maintenance IRQ: GICH_EISR's bit, which is
		 * set exactly for an invalid LR with EOI = 1 and HW = 0
		 * (§5.3.7), read from the LR instead of the register. */
		vgic_lr_retire(
			d, n, val, true,
			(val & (GICH_LR_HW | GICH_LR_EOI)) == GICH_LR_EOI, def);
	}
}

static void lrs_rewrite_migrating(struct vcpu *d)
{
	struct vgic_vcpu *vv = &d->vgic;

	for (uint64_t m = vv->lr_used; m; m &= m - 1) {
		unsigned int n = lr_first(m);

		if (vv->lr_irq[n]->flags & VGIC_IRQ_MIGRATING)
			vgic_lr_mark_migrating(d, n);
	}
}

/* vgic_hw_poke: the HYP timer set while an HW = 1 LR is loaded here. */
static void hw_poke_timer(struct vgic_vcpu *vv)
{
	for (uint64_t m = vv->lr_used; m; m &= m - 1)
		if (vv->lr[lr_first(m)] & GICH_LR_HW) {
			htimer_set(HTIMER_GIC_POKE,
				   arch_counter() + poke_ticks);
			return;
		}
	htimer_cancel(HTIMER_GIC_POKE);
}

/* The HYP timer (vgic_hw_poke): its rising line made QEMU's model signal
 * what a deactivation left pending; read the LRs back (a poke if one
 * retired). The flush before the next entry refills, which sets it again
 * if an HW = 1 LR is still loaded. */
static void vgic_poke_timer(struct vcpu *cur)
{
	this_cpu()->irqs_poke++;
	vgic_maintenance(cur);
}

void vgic_hw_poke_init(bool needed)
{
	vgic_hw_poke = false;
	if (!needed)
		return;
	if (!htimer_available()) {
		vgic_hw_lrs = false; /* no timer to poke with: HW = 0 */
		return;
	}
	poke_ticks = arch_counter_freq() * VGIC_POKE_US / 1000000;
	if (!poke_ticks)
		poke_ticks = 1;
	htimer_register(HTIMER_GIC_POKE, vgic_poke_timer);
	vgic_hw_poke = true;
}

/*
 * Shadow -> GICH: the LRs in @dirty, then VMCR and APR unless @loaded
 * (the vCPU's own are in this GICH already), then HCR. An LR the shadow
 * does not use is 0 there, and needs no write if the GICH has it invalid
 * too; vigil reads back only the LRs it uses.
 */
static void lrs_load(struct vcpu *d, uint64_t dirty, bool loaded)
{
	struct vgic_vcpu *vv = &d->vgic;

	for (uint64_t m = dirty; m; m &= m - 1) {
		unsigned int n = lr_first(m);

		gich_write_lr(n, vv->lr[n]);
	}
	if (!loaded) { /* else the GICH has them (lrs_read_back()) */
		gich_write_vmcr(vv->vmcr);
		gich_write_apr(vv->apr);
	}
	gich_write_hcr(vv->hcr);
	if (vgic_hw_poke)
		hw_poke_timer(vv);
}

/*
 * The LRs as they should be, written to this pCPU's GICH: migrations'
 * LRs rewritten, free ones filled, EOI maintenance asked where a newer
 * instance waits, then loaded. v locked; its LRs read back first.
 *
 * Which LRs to write: with @read_back (v's LRs were loaded here and have
 * just been read back) the GICH holds exactly the shadow's used LRs and
 * 0 in every other (lrs_read_back() zeroes what it retires; an invalid LR
 * cannot become valid without vigil), so the LRs used before or after
 * the refill are the only ones that can differ: no ELRSR read. Otherwise
 * (entering on this pCPU) the GICH may hold anything: every LR used, or
 * not free in ELRSR (valid, or owing an EOI maintenance IRQ).
 */
static void lrs_refill(struct vcpu *v, bool read_back)
{
	struct vgic_vcpu *vv = &v->vgic;
	uint64_t all = vv->nr_lrs >= 64 ? ~0ULL : BIT_ULL(vv->nr_lrs) - 1;
	uint64_t was = vv->lr_used;

	lrs_rewrite_migrating(v);
	lrs_fill(v);
	lrs_request_eoi(v);
	lrs_load(v,
		 read_back ? (was | vv->lr_used)
			   : (vv->lr_used | ~gich_elrsr()) & all,
		 read_back);
}

/*
 * Whether the flush of @v, loaded on this pCPU, has nothing to do (issue
 * 16): nothing waits for an LR, no LR must ask for an EOI maintenance IRQ
 * or be rewritten for a migration (flush_work), and what the IRQs of this
 * exit brought went into free LRs directly (vgic_irq_inject_here()). The
 * GICH then holds the LRs, VMCR and APR as they should be; the LRs the
 * guest has EOId are retired at the next read-back, as they are while
 * the guest runs. After a maintenance IRQ (read_back) only GICH_HCR,
 * which it cleared, is written again. Not with vgic_hw_poke (QEMU 9.1 to
 * 10.0), whose read-back at every exit pokes the GIC for a deactivated
 * HW = 1 LR and whose load re-arms the poke timer.
 *
 * Without v's lock. Only this pCPU changes read_back, the GICH and v's
 * LRs while v is loaded here. Another pCPU that queues an IRQ for v or
 * sets flush_work does it under v's lock, sees loaded_on == this pCPU
 * there and kicks it after the unlock (vgic_notify(), migrate.c), behind
 * a DSB (gic_send_sgi()): a change the loads below miss leaves the kick
 * pending, IRQs stay masked until the guest is entered, and the guest
 * exits again at once, to a flush that sees it (docs/vgic.md item 6).
 */
static bool lrs_flush_light(struct vcpu *v)
{
	struct vgic_vcpu *vv = &v->vgic;

	if (vgic_hw_poke || READ_ONCE(vv->flush_work) ||
	    READ_ONCE(vv->lr_pending.next) != &vv->lr_pending)
		return false;
	if (vv->read_back) {
		vv->read_back = false;
		vv->hcr = GICH_HCR_EN;
		gich_write_hcr(vv->hcr);
	}
	return true;
}

/*
 * The receiving side of an IPI (issue 16): v, loaded here and not read
 * back in this exit, uses one LR, an SGI's, and nothing waits in
 * lr_pending. Its flush is then the read-back of that LR and, if the
 * guest finished it and the SGI was sent again, the refill in place
 * (lr_sgi_refill()) with the EOI request lrs_request_eoi() would make,
 * then that LR and GICH_HCR written: no ELRSR read, no walks over the
 * LRs in lrs_fill(), lrs_request_eoi() and lrs_load(), no deferred list.
 * What those walks would find here is nothing: no other LR, no
 * migration (SGIs do not move), no eviction (the refill took the LR
 * only if the guest's GICV_CTLR, read now, takes its group), no fill
 * (lr_pending empty), no overflow and so no UIE or group watch.
 *
 * False with nothing changed when the conditions do not hold or the LR
 * is still valid (the general read-back and lrs_request_eoi() handle it,
 * re-reading that LR). False after the read-back when the SGI did not go
 * back into the LR (no other instance, or its group is off): the LR is
 * zeroed and retired as lrs_read_back() does, read_back set so that
 * lrs_flush_full() does not read back again, and the general refill
 * decides (the SGI may wait in lr_pending behind a group watch). v locked.
 */
static bool lrs_flush_sgi(struct vcpu *v)
{
	struct vgic_vcpu *vv = &v->vgic;
	uint64_t used = vv->lr_used;
	unsigned int n;
	uint32_t val;

	if (vgic_hw_poke || !used || (used & (used - 1)) ||
	    !list_empty(&vv->lr_pending))
		return false;
	n = lr_first(used);
	if (!vgic_is_sgi(vv->lr_irq[n]))
		return false;
	val = gich_read_lr(n);
	if (val & GICH_LR_STATE_MASK)
		return false;
	vv->vmcr = gich_read_vmcr();
	lr_sgi_refill(v, n, val); /* true: an SGI, lr_pending empty */
	if (!vv->lr_used) {
		gich_write_lr(n, 0);
		vv->read_back = true;
		return false;
	}
	if (vgic_sgi_waiting(vv->lr_irq[n], BIT(lr_src(vv->lr[n]))))
		lr_ask_eoi(vv, n);
	gich_write_lr(n, vv->lr[n]);
	vv->hcr = GICH_HCR_EN;
	gich_write_hcr(vv->hcr);
	vv->flush_work = false;
	return true;
}

/* The flush with work (v locked; unlocks): out of line, so that the
 * light one pays neither its frame nor the deferred list's. */
static __noinline void lrs_flush_full(struct vcpu *v, unsigned long flags,
				      int me)
{
	struct vgic_deferred def;

	if (v->vgic.loaded_on == me && !v->vgic.read_back && lrs_flush_sgi(v)) {
		spin_unlock_irqrestore(&v->vgic.lock, flags);
		return;
	}
	def.n = 0; /* not = {0}: zeroing irq[] per entry cost ~2,600 insns */
	if (v->vgic.loaded_on == me && !v->vgic.read_back)
		lrs_read_back(v, &def, false, true);
	v->vgic.read_back = false;
	lrs_refill(v, v->vgic.loaded_on == me);
	v->vgic.flush_work = false;
	v->vgic.loaded_on = me;
	spin_unlock_irqrestore(&v->vgic.lock, flags);
	if (def.n)
		vgic_deferred_run(v->vm, &def);
}

void vgic_flush_lrs(struct vcpu *v)
{
	unsigned long flags;
	int me;

	if (vgic_lrs_loaded(v) && lrs_flush_light(v))
		return;
	flags = spin_lock_irqsave(&v->vgic.lock);
	me = (int)arch_cpu_id();
	ASSERT(v->vgic.loaded_on < 0 || v->vgic.loaded_on == me);
	lrs_flush_full(v, flags, me);
}

void vgic_sync_lrs(struct vcpu *v)
{
	struct vgic_deferred def;
	unsigned long flags = spin_lock_irqsave(&v->vgic.lock);

	def.n = 0;
	if (v->vgic.loaded_on != (int)arch_cpu_id()) {
		spin_unlock_irqrestore(&v->vgic.lock, flags);
		return;
	}
	if (!v->vgic.read_back)
		lrs_read_back(v, &def, true, false);
	else /* the maintenance IRQ's read-back left GICH_APR */
		v->vgic.apr = gich_read_apr();
	v->vgic.read_back = false;
	gich_write_hcr(0); /* no maintenance IRQ while outside the guest */
	if (vgic_hw_poke)
		htimer_cancel(HTIMER_GIC_POKE);
	v->vgic.loaded_on = -1;
	spin_unlock_irqrestore(&v->vgic.lock, flags);
	if (def.n)
		vgic_deferred_run(v->vm, &def);
}

/*
 * The maintenance PPI, taken in an exit of @cur's guest (irq_handle_all(),
 * from vcpu_run()) or with no vCPU loaded (NULL). The LRs are read back
 * here: a retired passthrough LR deactivates its physical IRQ now, so the
 * device's next interrupt is taken in this same exit's acknowledge loop.
 * The refill waits for the vgic_flush_lrs() (or vgic_sync_lrs()) that
 * vcpu_run() runs after every IRQ exit, which then reads nothing again
 * (read_back). Disabling the virtual interface lowers the PPI (GICv2
 * §5.3.1, GICH_HCR.En: the maintenance interrupt is asserted only while it
 * is set). Refilling here too loaded the LRs twice in each such exit
 * (issue 16: about 400 instructions on every passthrough IRQ on QEMU 7.2,
 * whose HW = 0 LRs end in an EOI maintenance IRQ each).
 */
void vgic_maintenance(struct vcpu *cur)
{
	struct vgic_deferred def;
	unsigned long flags;

	gich_write_hcr(0);
	if (!cur)
		return;
	def.n = 0;
	flags = spin_lock_irqsave(&cur->vgic.lock);
	if (cur->vgic.loaded_on == (int)arch_cpu_id()) {
		lrs_read_back(cur, &def, false, false);
		cur->vgic.read_back = true;
	}
	spin_unlock_irqrestore(&cur->vgic.lock, flags);
	if (def.n)
		vgic_deferred_run(cur->vm, &def);
}

/* ---- guest-visible state of an IRQ in an LR ------------------------------ */

uint8_t vgic_sgi_sources(struct vcpu *d, struct vgic_irq *irq)
{
	struct vgic_vcpu *vv = &d->vgic;
	uint8_t srcs = irq->sgi_src_pending;

	for (unsigned int n = 0; n < vv->nr_lrs; n++)
		if (lr_is_used(vv, n) && vv->lr_irq[n] == irq &&
		    (vv->lr[n] & GICH_LR_PENDING))
			srcs |= (uint8_t)BIT(lr_src(vv->lr[n]));
	return srcs;
}

bool vgic_irq_is_pending(struct vcpu *d, struct vgic_irq *irq)
{
	VGIC_ASSERT_LOCKED(d);
	if (vgic_is_sgi(irq))
		return vgic_sgi_sources(d, irq) != 0;
	if ((irq->flags & VGIC_IRQ_PENDING) ||
	    (!(irq->flags & VGIC_IRQ_EDGE) && (irq->flags & VGIC_IRQ_LINE)))
		return true;
	return irq->nr_lrs && (d->vgic.lr[irq->lr] & GICH_LR_PENDING);
}

bool vgic_irq_is_active(struct vcpu *d, struct vgic_irq *irq)
{
	struct vgic_vcpu *vv = &d->vgic;

	VGIC_ASSERT_LOCKED(d);
	if (irq->flags & VGIC_IRQ_ACTIVE)
		return true;
	for (unsigned int n = 0; irq->nr_lrs && n < vv->nr_lrs; n++)
		if (lr_is_used(vv, n) && vv->lr_irq[n] == irq &&
		    (vv->lr[n] & GICH_LR_ACTIVE))
			return true;
	return false;
}

/* Edit the LRs of @irq in d's shadow: clear @bits of their state where
 * @srcs matches (SGIs); retire the ones left invalid. d not loaded. */
static void lrs_clear_state(struct vcpu *d, struct vgic_irq *irq, uint32_t bits,
			    uint8_t srcs, struct vgic_deferred *def)
{
	struct vgic_vcpu *vv = &d->vgic;

	for (unsigned int n = 0; irq->nr_lrs && n < vv->nr_lrs; n++) {
		uint32_t lr = vv->lr[n];

		if (!lr_is_used(vv, n) || vv->lr_irq[n] != irq)
			continue;
		if (vgic_is_sgi(irq) && !(srcs & BIT(lr_src(lr))))
			continue;
		lr &= ~bits;
		vv->lr[n] = lr;
		if (!(lr & GICH_LR_STATE_MASK))
			vgic_lr_retire(d, n, lr, false, false, def);
	}
}

void vgic_irq_clear_pending(struct vcpu *d, struct vgic_irq *irq,
			    uint8_t sgi_srcs, struct vgic_deferred *def)
{
	VGIC_ASSERT_LOCKED(d);
	if (vgic_is_sgi(irq))
		irq->sgi_src_pending &= (uint8_t)~sgi_srcs;
	else
		irq->flags &= (uint16_t)~VGIC_IRQ_PENDING;
	/* A passthrough instance that waited for an LR is cancelled: no LR
	 * will ever own its deactivation, so vigil does it (the physical IRQ
	 * stayed active and the device fell silent; found by the
	 * distributor fuzzer). */
	if (irq->flags & VGIC_IRQ_HW_ACTIVE) {
		irq->flags &= (uint16_t)~VGIC_IRQ_HW_ACTIVE;
		vgic_pt_deactivate(d->vm, irq);
	}
	/* A loaded vCPU's LRs belong to its pCPU: its guest may take the
	 * interrupt meanwhile, as it could on hardware. */
	if (d->vgic.loaded_on < 0)
		lrs_clear_state(d, irq, GICH_LR_PENDING, sgi_srcs, def);
	if (vgic_irq_guarded_by(d, irq)) /* a completed move leaves d */
		vgic_irq_update(d, irq);
}

void vgic_irq_set_active(struct vcpu *d, struct vgic_irq *irq)
{
	struct vgic_vcpu *vv = &d->vgic;

	VGIC_ASSERT_LOCKED(d);
	if (irq->nr_lrs && !vgic_is_sgi(irq) && d->vgic.loaded_on < 0 &&
	    !(vv->lr[irq->lr] & GICH_LR_HW)) {
		vv->lr[irq->lr] |= GICH_LR_ACTIVE;
		return;
	}
	if (!vgic_irq_is_active(d, irq))
		irq->flags |= VGIC_IRQ_ACTIVE;
}

void vgic_irq_clear_active(struct vcpu *d, struct vgic_irq *irq,
			   struct vgic_deferred *def)
{
	VGIC_ASSERT_LOCKED(d);
	irq->flags &= (uint16_t)~VGIC_IRQ_ACTIVE;
	if (d->vgic.loaded_on < 0)
		lrs_clear_state(d, irq, GICH_LR_ACTIVE, 0xff, def);
	if (vgic_irq_guarded_by(d, irq))
		vgic_irq_update(d, irq);
}
