/* SPDX-License-Identifier: MIT */
/*
 * vGIC core: per-IRQ state, the inflight / lr_pending lists, injection.
 *
 * Locks (the order of every lock is written once, in include/spinlock.h,
 * and asserted in helpers): a vCPU's vgic lock is the only vgic lock held
 * at any time. An IRQ is guarded by the lock of its dest vCPU (see struct
 * vgic_irq); moving it between vCPUs takes the old vCPU's lock, unlinks,
 * releases, then takes the new one's. gic_* and gich_* are called under
 * the lock; sched_wake() and pcpu_kick() only after it is released.
 */
#include <errno.h>
#include <string.h>

#include "arch.h"
#include "gic.h"
#include "gich.h"
#include "internal.h"
#include "irq.h"
#include "mmio.h"
#include "percpu.h"
#include "sched.h"
#include "vgic_timer.h"

_Static_assert(VM_MAX_VCPUS <= VGIC_MAX_VCPUS, "GICv2 has 8 CPU bits");
_Static_assert(VGIC_MAX_LRS <= 64, "lr_used is a u64");

static void vgic_irq_init(struct vgic_irq *irq, unsigned int intid,
			  uint8_t target)
{
	memset(irq, 0, sizeof(*irq));
	list_init(&irq->inflight);
	list_init(&irq->lr_pending);
	irq->intid = (uint16_t)intid;
	irq->target = target;
	if (intid < VGIC_NR_SGIS)
		irq->flags = VGIC_IRQ_ENABLED | VGIC_IRQ_EDGE;
}

int vgic_vm_init(struct vm *vm, unsigned int nr_irqs)
{
	unsigned int nr_lrs = gich_nr_lrs();

	if (nr_irqs < VGIC_NR_PRIVATE || nr_irqs > VGIC_MAX_IRQS ||
	    nr_irqs % 32 || vm->nr_vcpus == 0 || vm->nr_vcpus > VGIC_MAX_VCPUS)
		return -EINVAL;
	if (nr_lrs > VGIC_MAX_LRS)
		nr_lrs = VGIC_MAX_LRS;

	spin_init(&vm->vgic.lock);
	vm->vgic.nr_irqs = nr_irqs;
	vm->vgic.ctlr = 0;
	memset(&vm->vgic.stats, 0, sizeof(vm->vgic.stats));
	memset(vm->vgic.spi_bits, 0, sizeof(vm->vgic.spi_bits));
	for (unsigned int i = 0; i < VGIC_MAX_SPIS; i++)
		vgic_irq_init(&vm->vgic.spis[i], i + VGIC_NR_PRIVATE, 0);

	for (unsigned int c = 0; c < vm->nr_vcpus; c++) {
		struct vcpu *v = &vm->vcpus[c];
		struct vgic_vcpu *vv = &v->vgic;

		spin_init(&vv->lock);
		list_init(&vv->inflight);
		list_init(&vv->lr_pending);
		vv->loaded_on = -1;
		vv->nr_lrs = nr_lrs;
		vv->lr_used = 0;
		memset(vv->lr, 0, sizeof(vv->lr));
		memset(vv->lr_irq, 0, sizeof(vv->lr_irq));
		vv->hcr = vv->vmcr = vv->apr = 0;
		vv->ppi_fresh = 0;
		vv->flush_work = false;
		vv->lr_direct = 0;
		vv->lr_sgi_refills = 0;
		for (unsigned int i = 0; i < VGIC_NR_PRIVATE; i++)
			vgic_irq_init(&vv->priv[i], i, (uint8_t)v->id);
		/* As vgic_irq_init() sets the flags: SGIs enabled. */
		vv->priv_bits.enabled = BIT(VGIC_NR_SGIS) - 1;
		vv->priv_bits.group1 = 0;
	}
	return 0;
}

/* The maintenance PPI: LRs retired, moves to complete, LRs to refill. */
static enum irq_result vgic_maintenance_irq(unsigned int irq, void *data,
					    struct vcpu *cur)
{
	this_cpu()->irqs_maint++;
	vgic_maintenance(cur);
	return IRQ_DONE;
}

void vgic_init(void)
{
	const struct gic_info *gi = gic_info();

	vgic_hw_lrs = gi->hw_lrs;
	vgic_one_lr_per_sgi = gi->one_lr_per_sgi;
	irq_set_handler(gi->maint_irq, vgic_maintenance_irq, NULL);
	vgic_hw_poke_init(gi->hw_lrs && gi->hw_deact_needs_poke);
	vgic_timer_init();
	vgic_pt_init(gi->nr_irqs);
}

/* A guest finds its GIC where the physical one is: the distributor
 * trapped at the physical GICD, the GICV frame at the physical GICC. */
uint64_t vgic_dist_ipa(void)
{
	return gic_info()->gicd;
}

uint64_t vgic_cpu_ipa(void)
{
	return gic_info()->gicc;
}

int vgic_vm_attach(struct vm *vm)
{
	unsigned int nr = gic_info()->nr_irqs;
	int r;

	r = vgic_vm_init(vm, nr < VGIC_MAX_IRQS ? nr : VGIC_MAX_IRQS);
	if (!r)
		r = mmio_register(vm->mmio, vgic_dist_ipa(), VGIC_DIST_SIZE,
				  vgic_dist_mmio, vm,
				  MMIO_REGION_LRS_LOADED_OK);
	if (!r) {
		vm->vgic.ipa = vgic_dist_ipa();
		vm->vgic.attached = true;
	}
	return r;
}

struct vgic_irq *vgic_get_irq(struct vm *vm, struct vcpu *v, unsigned int intid)
{
	if (intid < VGIC_NR_PRIVATE)
		return v ? &v->vgic.priv[intid] : NULL;
	if (intid >= vm->vgic.nr_irqs)
		return NULL;
	return &vm->vgic.spis[intid - VGIC_NR_PRIVATE];
}

/* The vCPU whose lock guards @irq (racy read; vgic_irq_lock() rechecks). */
static struct vcpu *vgic_irq_dest(struct vm *vm, struct vgic_irq *irq)
{
	struct vcpu *o = __atomic_load_n(&irq->owner, __ATOMIC_ACQUIRE);

	if (o)
		return o;
	return &vm->vcpus[__atomic_load_n(&irq->target, __ATOMIC_ACQUIRE)];
}

struct vcpu *vgic_irq_lock(struct vm *vm, struct vgic_irq *irq,
			   unsigned long *flags)
{
	for (;;) {
		struct vcpu *d = vgic_irq_dest(vm, irq);

		*flags = spin_lock_irqsave(&d->vgic.lock);
		if (vgic_irq_dest(vm, irq) == d)
			return d;
		spin_unlock_irqrestore(&d->vgic.lock, *flags);
	}
}

/* After queueing on d: make d look at lr_pending. */
static void vgic_notify(struct vcpu *d, int loaded_on)
{
	if (loaded_on < 0)
		sched_wake(d); /* not in guest mode: maybe blocked in WFI */
	else if ((unsigned int)loaded_on != arch_cpu_id())
		pcpu_kick((unsigned int)loaded_on);
	/* else: loaded here, vgic_flush_lrs() runs before the next entry */
}

void vgic_irq_unlock(struct vcpu *d, struct vgic_irq *irq, unsigned long flags)
{
	bool notify = irq && irq->owner == d &&
		      (vgic_irq_queued(irq) || vgic_irq_waits_for_retire(irq));
	int loaded_on = d->vgic.loaded_on;

	spin_unlock_irqrestore(&d->vgic.lock, flags);
	if (notify)
		vgic_notify(d, loaded_on);
}

/* vgic_irq_update(), inline in the send of an SGI (the IPI path). */
static inline __attribute__((always_inline)) bool
irq_update(struct vcpu *d, struct vgic_irq *irq)
{
	bool q, inf;

	VGIC_ASSERT_LOCKED(d);
	q = vgic_irq_wants_lr(d->vm, irq);
	inf = q || irq->nr_lrs;

	if (inf && !vgic_irq_inflight(irq)) {
		ASSERT(!irq->owner || irq->owner == d);
		VGIC_INSERT_SORTED(&d->vgic.inflight, irq, inflight);
		__atomic_store_n(&irq->owner, d, __ATOMIC_RELEASE);
	} else if (!inf && vgic_irq_inflight(irq)) {
		list_del(&irq->inflight);
		__atomic_store_n(&irq->owner, NULL, __ATOMIC_RELEASE);
	}
	if (q && !vgic_irq_queued(irq))
		VGIC_INSERT_SORTED(&d->vgic.lr_pending, irq, lr_pending);
	else if (!q && vgic_irq_queued(irq))
		list_del(&irq->lr_pending);
	/* In an LR and maybe re-pended behind it (the LR must ask for an
	 * EOI maintenance IRQ, lrs_request_eoi()), or being moved away
	 * (its LR rewritten): work for the flush that an empty lr_pending
	 * does not show (lrs_flush_light()). A superset of
	 * vgic_irq_waits_for_retire() for two instructions instead of its
	 * sixteen; what it adds costs at most a flush in full. */
	if (irq->nr_lrs)
		d->vgic.flush_work = true;
	return q;
}

bool vgic_irq_update(struct vcpu *d, struct vgic_irq *irq)
{
	return irq_update(d, irq);
}

void vgic_irq_resort(struct vcpu *d, struct vgic_irq *irq)
{
	VGIC_ASSERT_LOCKED(d);
	if (vgic_irq_inflight(irq)) {
		list_del(&irq->inflight);
		VGIC_INSERT_SORTED(&d->vgic.inflight, irq, inflight);
	}
	if (vgic_irq_queued(irq)) {
		list_del(&irq->lr_pending);
		VGIC_INSERT_SORTED(&d->vgic.lr_pending, irq, lr_pending);
	}
}

void vgic_irq_queue(struct vm *vm, struct vgic_irq *irq)
{
	unsigned long flags;
	struct vcpu *d = vgic_irq_lock(vm, irq, &flags);

	vgic_irq_update(d, irq);
	vgic_irq_unlock(d, irq, flags);
}

void vgic_deferred_run(struct vm *vm, struct vgic_deferred *def)
{
	for (unsigned int i = 0; i < def->n; i++)
		vgic_irq_queue(vm, def->irq[i]);
	def->n = 0;
}

void vgic_irq_set_pending(struct vcpu *d, struct vgic_irq *irq)
{
	VGIC_ASSERT_LOCKED(d);
	/*
	 * An edge that finds the IRQ pending merges with it. While d is
	 * loaded its guest may have acknowledged the LR already: then this
	 * is a new instance, and when in doubt vigil delivers it again (a
	 * spurious interrupt, never a lost one).
	 */
	if (irq->nr_lrs && d->vgic.loaded_on < 0 &&
	    (d->vgic.lr[irq->lr] & GICH_LR_PENDING))
		return;
	irq->flags |= VGIC_IRQ_PENDING;
}

int vgic_inject(struct vcpu *v, unsigned int intid)
{
	struct vgic_irq *irq = vgic_get_irq(v->vm, v, intid);
	unsigned long flags;
	struct vcpu *d;

	if (!irq || intid < VGIC_NR_SGIS)
		return -EINVAL;
	d = vgic_irq_lock(v->vm, irq, &flags);
	vgic_irq_set_pending(d, irq);
	if (vgic_irq_inject_here(d, irq)) {
		/* In an LR now: nothing to notify (vgic_irq_unlock()). */
		spin_unlock_irqrestore(&d->vgic.lock, flags);
		return 0;
	}
	vgic_irq_update(d, irq);
	vgic_irq_unlock(d, irq, flags);
	return 0;
}

int vgic_set_level(struct vcpu *v, unsigned int intid, bool level)
{
	struct vgic_irq *irq = vgic_get_irq(v->vm, v, intid);
	unsigned long flags;
	struct vcpu *d;

	if (!irq || intid < VGIC_NR_SGIS)
		return -EINVAL;
	d = vgic_irq_lock(v->vm, irq, &flags);
	if (level)
		irq->flags |= VGIC_IRQ_LINE;
	else
		irq->flags &= (uint16_t)~VGIC_IRQ_LINE;
	vgic_irq_update(d, irq);
	vgic_irq_unlock(d, irq, flags);
	return 0;
}

/* SGI @sgi from @src to @dst, both of one VM, sgi < 16. */
static inline __attribute__((always_inline)) void
send_sgi(struct vcpu *src, struct vcpu *dst, unsigned int sgi)
{
	struct vgic_irq *irq = &dst->vgic.priv[sgi];
	unsigned long flags = spin_lock_irqsave(&dst->vgic.lock);
	int loaded_on;
	bool notify;

	irq->sgi_src_pending |= (uint8_t)BIT(src->id);
	/* vgic_irq_unlock()'s test, from what the update knows: queued, or
	 * waiting for its LR (either way on dst's lists). The send of every
	 * IPI (issue 16). */
	notify = irq_update(dst, irq) || vgic_irq_waits_for_retire(irq);
	loaded_on = dst->vgic.loaded_on;
	spin_unlock_irqrestore(&dst->vgic.lock, flags);
	if (notify)
		vgic_notify(dst, loaded_on);
}

int vgic_send_sgi(struct vcpu *src, struct vcpu *dst, unsigned int sgi)
{
	if (sgi >= VGIC_NR_SGIS || src->vm != dst->vm)
		return -EINVAL;
	vgic_send_sgis(src, BIT(dst->id), sgi);
	return 0;
}

/*
 * A GICD_SGIR write's SGI @sgi (< 16) from @src to each vCPU of its VM in
 * @targets (existing vCPUs only): the send and the update inline, one
 * call for the write (issue 16: the sending side of every IPI).
 */
void vgic_send_sgis(struct vcpu *src, unsigned int targets, unsigned int sgi)
{
	struct vcpu *vcpus = src->vm->vcpus;

	for (; targets; targets &= targets - 1)
		send_sgi(src, &vcpus[__builtin_ctz(targets)], sgi);
}

bool vgic_vcpu_has_pending(struct vcpu *v)
{
	unsigned long flags = spin_lock_irqsave(&v->vgic.lock);
	struct vgic_irq *irq;
	bool ret = false;

	/* An IRQ of a group the guest disabled in GICV_CTLR does not wake
	 * it (GICv2 §3.1.4: it is not signalled); the guest cannot change
	 * GICV_CTLR while it waits. */
	list_for_each_entry (irq, &v->vgic.lr_pending, lr_pending)
		if (vgic_irq_takeable(&v->vgic, irq)) {
			ret = true;
			break;
		}

	for (unsigned int n = 0; !ret && n < v->vgic.nr_lrs; n++)
		if ((v->vgic.lr_used & BIT_ULL(n)) &&
		    (v->vgic.lr[n] & GICH_LR_PENDING))
			ret = true;
	spin_unlock_irqrestore(&v->vgic.lock, flags);
	return ret;
}

/* ---- invariants --------------------------------------------------------- */

#define INV(cond, ...)                       \
	do {                                 \
		if (!(cond)) {               \
			pr_err(__VA_ARGS__); \
			ret = -EINVAL;       \
			goto out;            \
		}                            \
	} while (0)

static int vgic_check_vcpu(struct vcpu *v)
{
	struct vgic_vcpu *vv = &v->vgic;
	struct vgic_irq *irq, *prev = NULL;
	uint8_t lrs_seen[VGIC_NR_PRIVATE + VGIC_MAX_SPIS] = {0};
	int ret = 0;
	unsigned long flags = spin_lock_irqsave(&vv->lock);

	list_for_each_entry (irq, &vv->inflight, inflight) {
		INV(irq->owner == v, "vcpu%u: irq %u inflight, owner differs",
		    v->id, irq->intid);
		INV(!prev || prev->priority <= irq->priority,
		    "vcpu%u: inflight unsorted at %u", v->id, irq->intid);
		INV(!vgic_is_spi(irq) || irq->target == v->id,
		    "vcpu%u: irq %u target %u", v->id, irq->intid, irq->target);
		INV(irq->nr_lrs || vgic_irq_queued(irq),
		    "vcpu%u: irq %u inflight but in no LR and not queued",
		    v->id, irq->intid);
		prev = irq;
	}
	prev = NULL;
	list_for_each_entry (irq, &vv->lr_pending, lr_pending) {
		INV(vgic_irq_inflight(irq) && irq->owner == v,
		    "vcpu%u: irq %u queued, not inflight", v->id, irq->intid);
		INV(!prev || prev->priority <= irq->priority,
		    "vcpu%u: lr_pending unsorted at %u", v->id, irq->intid);
		INV(!(irq->flags & VGIC_IRQ_MIGRATING),
		    "vcpu%u: migrating irq %u queued", v->id, irq->intid);
		prev = irq;
	}
	for (unsigned int n = 0; n < VGIC_MAX_LRS; n++) {
		struct vgic_irq *li = vv->lr_irq[n];
		uint32_t lr = vv->lr[n];

		if (!(vv->lr_used & BIT_ULL(n))) {
			INV(!li, "vcpu%u: free LR%u has an irq", v->id, n);
			continue;
		}
		INV(n < vv->nr_lrs && li, "vcpu%u: LR%u bad", v->id, n);
		INV((lr & GICH_LR_VIRTUALID_MASK) == li->intid,
		    "vcpu%u: LR%u holds %u, expected %u", v->id, n,
		    lr & GICH_LR_VIRTUALID_MASK, li->intid);
		INV(li->owner == v && vgic_irq_inflight(li),
		    "vcpu%u: LR%u irq %u not owned", v->id, n, li->intid);
		if (vgic_is_sgi(li)) {
			unsigned int src = (lr & GICH_LR_CPUID_MASK) >>
					   GICH_LR_CPUID_SHIFT;
			INV(li->sgi_src_in_lr & BIT(src),
			    "vcpu%u: LR%u sgi %u src %u not recorded", v->id, n,
			    li->intid, src);
		} else {
			INV(li->lr == n, "vcpu%u: LR%u irq %u says LR%u", v->id,
			    n, li->intid, li->lr);
		}
		lrs_seen[li->intid]++;
	}
	for (unsigned int i = 0; i < VGIC_NR_PRIVATE; i++) {
		struct vgic_irq *p = &vv->priv[i];

		INV(lrs_seen[i] == p->nr_lrs, "vcpu%u: irq %u nr_lrs %u != %u",
		    v->id, i, p->nr_lrs, lrs_seen[i]);
		INV(!vgic_is_sgi(p) ||
			    __builtin_popcount(p->sgi_src_in_lr) == p->nr_lrs,
		    "vcpu%u: sgi %u srcs", v->id, i);
		INV(!p->owner || p->owner == v, "vcpu%u: priv %u foreign",
		    v->id, i);
		INV(vgic_irq_inflight(p) == (p->owner != NULL),
		    "vcpu%u: priv %u owner/inflight", v->id, i);
	}
	for (unsigned int i = 0; i < v->vm->vgic.nr_irqs - VGIC_NR_PRIVATE;
	     i++) {
		struct vgic_irq *s = &v->vm->vgic.spis[i];

		if (s->owner == v)
			INV(lrs_seen[s->intid] == s->nr_lrs && s->nr_lrs <= 1,
			    "vcpu%u: spi %u nr_lrs %u, %u LRs", v->id, s->intid,
			    s->nr_lrs, lrs_seen[s->intid]);
		else
			INV(lrs_seen[s->intid] == 0,
			    "vcpu%u: spi %u in LR, owner elsewhere", v->id,
			    s->intid);
	}
out:
	spin_unlock_irqrestore(&vv->lock, flags);
	return ret;
}

/* struct vgic_bank_bits says what the flags of @irq say. */
static bool vgic_bank_bits_match(const struct vgic_bank_bits *b,
				 const struct vgic_irq *irq)
{
	uint32_t bit = (uint32_t)BIT(irq->intid % 32);

	return !(b->enabled & bit) == !(irq->flags & VGIC_IRQ_ENABLED) &&
	       !(b->group1 & bit) == !(irq->flags & VGIC_IRQ_GROUP1);
}

int vgic_check_invariants(struct vm *vm)
{
	int ret = 0;

	for (unsigned int c = 0; c < vm->nr_vcpus; c++) {
		ret = vgic_check_vcpu(&vm->vcpus[c]);
		if (ret)
			return ret;
	}
	/* Each SPI on at most one vCPU's lists, and owned consistently. */
	uint8_t found[VGIC_MAX_SPIS] = {0};

	for (unsigned int c = 0; c < vm->nr_vcpus; c++) {
		struct vgic_irq *irq;

		list_for_each_entry (irq, &vm->vcpus[c].vgic.inflight,
				     inflight) {
			if (vgic_is_spi(irq))
				found[irq->intid - VGIC_NR_PRIVATE]++;
		}
	}
	for (unsigned int i = 0; i < vm->vgic.nr_irqs - VGIC_NR_PRIVATE; i++) {
		struct vgic_irq *s = &vm->vgic.spis[i];

		INV(found[i] == (s->owner ? 1u : 0u),
		    "spi %u on %u lists (owner %s)", s->intid, found[i],
		    s->owner ? "set" : "none");
		INV(!(s->flags & VGIC_IRQ_MIGRATING) || s->nr_lrs == 1,
		    "spi %u migrating in %u LRs", s->intid, s->nr_lrs);
		INV(vgic_bank_bits_match(&vm->vgic.spi_bits[i / 32], s),
		    "spi %u: enabled/group bits disagree with its flags",
		    s->intid);
	}
	for (unsigned int c = 0; c < vm->nr_vcpus; c++) {
		struct vgic_vcpu *vv = &vm->vcpus[c].vgic;

		for (unsigned int i = 0; i < VGIC_NR_PRIVATE; i++)
			INV(vgic_bank_bits_match(&vv->priv_bits, &vv->priv[i]),
			    "vcpu %u irq %u: enabled/group bits disagree", c,
			    i);
	}
out:
	return ret;
}

void vgic_print_stats(struct vm *vm)
{
	struct vgic_stats *s = &vm->vgic.stats;
	unsigned long held, lost;

	vgic_pt_account(vm, &held, &lost);

	pr_info("vm%u vgic: moves requested=%lu lr_pending=%lu maint=%lu "
		"exit=%lu superseded=%lu stranded=%lu lr_overflows=%lu "
		"evictions=%lu",
		vm->id, s->moves_requested, s->moves_lr_pending, s->moves_maint,
		s->moves_exit, s->moves_superseded, s->moves_stranded,
		s->lr_overflows, s->lr_evictions);
	/* Every passthrough instance vigil took from the GIC was deactivated
	 * (by the guest's EOI or by vigil) or is still held for the guest
	 * (queued or in an LR it never took before powering off); any other
	 * is lost, as is a moved IRQ left with nowhere to go. */
	pr_info("vm%u passthrough: taken=%lu deactivated=%lu held=%lu "
		"lost=%lu hw_eoi=%lu",
		vm->id, s->pt_taken, s->pt_deactivated, held,
		lost + s->moves_stranded, s->pt_hw_eoi);
}

void vgic_debug_dump(struct vcpu *v)
{
	struct vgic_vcpu *vv = &v->vgic;
	unsigned long flags = spin_lock_irqsave(&vv->lock);
	struct vgic_irq *irq;

	pr_info("vm%u vcpu%u vgic: loaded_on=%d lr_used=0x%llx owes_dir=0x%llx "
		"hcr=0x%x vmcr=0x%x apr=0x%x",
		v->vm->id, v->id, vv->loaded_on,
		(unsigned long long)vv->lr_used,
		(unsigned long long)vv->lr_owes_dir, vv->hcr, vv->vmcr,
		vv->apr);
	for (unsigned int n = 0; n < vv->nr_lrs; n++)
		pr_info("  lr%u shadow=0x%08x hw=0x%08x", n, vv->lr[n],
			vv->loaded_on == (int)arch_cpu_id() ? gich_read_lr(n)
							    : 0);
	pr_info("  gich hcr=0x%x vmcr=0x%x apr=0x%x misr=0x%x elrsr=0x%llx "
		"eisr=0x%llx",
		gich_read_hcr(), gich_read_vmcr(), gich_read_apr(), gich_misr(),
		(unsigned long long)gich_elrsr(),
		(unsigned long long)gich_eisr());
	list_for_each_entry (irq, &vv->inflight, inflight)
		pr_info("  inflight irq %u flags=0x%x lrs=%u queued=%d",
			irq->intid, irq->flags, irq->nr_lrs,
			vgic_irq_queued(irq));
	spin_unlock_irqrestore(&vv->lock, flags);
}
