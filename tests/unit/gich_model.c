/* SPDX-License-Identifier: MIT */
/* GICH / GICV / GICD model: see gich_model.h. */
#include <string.h>

#include "arch.h"
#include "gic.h"
#include "gich.h"
#include "gich_model.h"

struct gm_cpu gm_cpus[GM_MAX_CPUS];
struct gm_pirq gm_pirqs[GM_NR_PIRQS];

bool gm_qemu_lr_lookup;
bool gm_vmcr_groups;

void gm_reset(unsigned int nr_lrs)
{
	gm_qemu_lr_lookup = false;
	gm_vmcr_groups = false;
	gm_pokes = 0;
	memset(gm_cpus, 0, sizeof(gm_cpus));
	memset(gm_pirqs, 0, sizeof(gm_pirqs));
	for (unsigned int c = 0; c < GM_MAX_CPUS; c++)
		gm_cpus[c].nr_lrs = nr_lrs;
}

static struct gm_cpu *me(void)
{
	return &gm_cpus[arch_cpu_id()];
}

static uint32_t lr_state(uint32_t lr)
{
	return lr & GICH_LR_STATE_MASK;
}

static unsigned int lr_prio(uint32_t lr)
{
	return (lr & GICH_LR_PRIORITY_MASK) >> GICH_LR_PRIORITY_SHIFT;
}

unsigned int gich_nr_lrs(void)
{
	return me()->nr_lrs;
}

uint32_t gich_read_lr(unsigned int n)
{
	return me()->lr[n];
}

void gich_write_lr(unsigned int n, uint32_t val)
{
	me()->lr_writes++;
	me()->lr[n] = val;
}

static uint64_t elrsr_of(struct gm_cpu *c)
{
	uint64_t r = 0;

	for (unsigned int n = 0; n < c->nr_lrs; n++)
		if (!lr_state(c->lr[n]))
			r |= 1ULL << n;
	return r;
}

static uint64_t eisr_of(struct gm_cpu *c)
{
	uint64_t r = 0;

	for (unsigned int n = 0; n < c->nr_lrs; n++) {
		uint32_t lr = c->lr[n];

		if (!lr_state(lr) && !(lr & GICH_LR_HW) && (lr & GICH_LR_EOI))
			r |= 1ULL << n;
	}
	return r;
}

uint64_t gich_elrsr(void)
{
	me()->elrsr_reads++;
	return elrsr_of(me());
}

uint64_t gich_eisr(void)
{
	return eisr_of(me());
}

unsigned int gm_valid_lrs(unsigned int cpu)
{
	struct gm_cpu *c = &gm_cpus[cpu];
	unsigned int v = 0;

	for (unsigned int n = 0; n < c->nr_lrs; n++)
		if (lr_state(c->lr[n]))
			v++;
	return v;
}

static uint32_t misr_of(unsigned int cpu)
{
	struct gm_cpu *c = &gm_cpus[cpu];
	uint32_t m = 0;
	bool any_pending = false;

	for (unsigned int n = 0; n < c->nr_lrs; n++)
		if (c->lr[n] & GICH_LR_PENDING)
			any_pending = true;
	if (eisr_of(c))
		m |= GICH_MISR_EOI;
	if ((c->hcr & GICH_HCR_UIE) && gm_valid_lrs(cpu) <= 1)
		m |= GICH_MISR_U;
	if ((c->hcr & GICH_HCR_LRENPIE) && c->eoicount)
		m |= GICH_MISR_LRENP;
	if ((c->hcr & GICH_HCR_NPIE) && !any_pending)
		m |= GICH_MISR_NP;
	if ((c->hcr & GICH_HCR_VGRP0EIE) && (c->vmcr & GICH_VMCR_GRP0EN))
		m |= GICH_MISR_VGRP0E;
	if ((c->hcr & GICH_HCR_VGRP0DIE) && !(c->vmcr & GICH_VMCR_GRP0EN))
		m |= GICH_MISR_VGRP0D;
	if ((c->hcr & GICH_HCR_VGRP1EIE) && (c->vmcr & GICH_VMCR_GRP1EN))
		m |= GICH_MISR_VGRP1E;
	if ((c->hcr & GICH_HCR_VGRP1DIE) && !(c->vmcr & GICH_VMCR_GRP1EN))
		m |= GICH_MISR_VGRP1D;
	return m;
}

uint32_t gich_misr(void)
{
	return misr_of(arch_cpu_id());
}

bool gm_maint_asserted(unsigned int cpu)
{
	return (gm_cpus[cpu].hcr & GICH_HCR_EN) && misr_of(cpu);
}

uint32_t gich_read_hcr(void)
{
	return me()->hcr | (me()->eoicount << GICH_HCR_EOICOUNT_SHIFT);
}

void gich_write_hcr(uint32_t val)
{
	me()->hcr = val & ~GICH_HCR_EOICOUNT_MASK;
	me()->eoicount = val >> GICH_HCR_EOICOUNT_SHIFT;
}

uint32_t gich_read_vmcr(void)
{
	return me()->vmcr;
}

void gich_write_vmcr(uint32_t val)
{
	me()->vmcr = val;
}

uint32_t gich_read_apr(void)
{
	return me()->apr;
}

void gich_write_apr(uint32_t val)
{
	me()->apr = val;
}

/* First valid LR of @cpu holding @intid (QEMU's lookup), or -1. */
static int qemu_lr_of(struct gm_cpu *c, uint32_t intid)
{
	for (unsigned int n = 0; n < c->nr_lrs; n++)
		if (lr_state(c->lr[n]) &&
		    (c->lr[n] & GICH_LR_VIRTUALID_MASK) == intid)
			return (int)n;
	return -1;
}

static uint32_t qemu_guest_ack(struct gm_cpu *c)
{
	unsigned int running =
		c->apr ? (unsigned int)__builtin_ctz(c->apr) : 32;
	int best = -1, n;
	uint32_t *lr;

	for (unsigned int i = 0; i < c->nr_lrs; i++)
		if (lr_state(c->lr[i]) == GICH_LR_PENDING &&
		    (best < 0 || lr_prio(c->lr[i]) < lr_prio(c->lr[best])))
			best = (int)i;
	if (best < 0 || lr_prio(c->lr[best]) >= running)
		return 1023;
	n = qemu_lr_of(c, c->lr[best] & GICH_LR_VIRTUALID_MASK);
	lr = &c->lr[n];
	c->apr |= 1u << lr_prio(c->lr[best]);
	*lr = (*lr & ~GICH_LR_PENDING) | GICH_LR_ACTIVE;
	if (*lr & GICH_LR_HW)
		return *lr & GICH_LR_VIRTUALID_MASK;
	return *lr & (GICH_LR_VIRTUALID_MASK | GICH_LR_CPUID_MASK);
}

static void phys_deactivate(unsigned int pirq);

static void qemu_guest_eoi(struct gm_cpu *c, uint32_t iar)
{
	uint32_t intid = iar & GICH_LR_VIRTUALID_MASK;
	bool valid = false;
	uint32_t *lr;

	c->apr &= c->apr - 1;
	for (unsigned int n = 0; n < c->nr_lrs; n++)
		if ((c->lr[n] & GICH_LR_ACTIVE) &&
		    (c->lr[n] & GICH_LR_VIRTUALID_MASK) == intid)
			valid = true;
	if (!valid) {
		c->eoicount++;
		return;
	}
	lr = &c->lr[qemu_lr_of(c, intid)];
	*lr &= ~GICH_LR_ACTIVE;
	if ((*lr & GICH_LR_HW) && !(*lr & GICH_LR_STATE_MASK))
		phys_deactivate((*lr & GICH_LR_PHYSID_MASK) >>
				GICH_LR_PHYSID_SHIFT);
}

uint32_t gm_guest_ack(unsigned int cpu)
{
	struct gm_cpu *c = &gm_cpus[cpu];
	int best = -1;
	unsigned int running = 32; /* idle priority */

	if (gm_qemu_lr_lookup)
		return qemu_guest_ack(c);
	for (unsigned int n = 0; n < c->nr_lrs; n++)
		if ((c->lr[n] & GICH_LR_ACTIVE) && lr_prio(c->lr[n]) < running)
			running = lr_prio(c->lr[n]);
	for (unsigned int n = 0; n < c->nr_lrs; n++) {
		uint32_t lr = c->lr[n];

		if (lr_state(lr) != GICH_LR_PENDING)
			continue;
		if (gm_vmcr_groups &&
		    !(c->vmcr & ((lr & GICH_LR_GRP1) ? GICH_VMCR_GRP1EN
						     : GICH_VMCR_GRP0EN)))
			continue; /* its group is disabled: not signalled */
		if (best < 0 || lr_prio(lr) < lr_prio(c->lr[best]))
			best = (int)n;
	}
	if (best < 0 || lr_prio(c->lr[best]) >= running)
		return 1023;
	c->lr[best] = (c->lr[best] & ~GICH_LR_STATE_MASK) | GICH_LR_ACTIVE;
	if (c->lr[best] & GICH_LR_HW)
		return c->lr[best] & GICH_LR_VIRTUALID_MASK;
	return c->lr[best] & (GICH_LR_VIRTUALID_MASK | GICH_LR_CPUID_MASK);
}

static void phys_deactivate(unsigned int pirq)
{
	struct gm_pirq *p = &gm_pirqs[pirq];

	if (!p->active)
		p->bad_dirs++;
	p->active = false;
	p->deactivations++;
}

void gm_guest_eoi(unsigned int cpu, uint32_t iar)
{
	struct gm_cpu *c = &gm_cpus[cpu];

	if (gm_qemu_lr_lookup) {
		qemu_guest_eoi(c, iar);
		return;
	}
	for (unsigned int n = 0; n < c->nr_lrs; n++) {
		uint32_t lr = c->lr[n];
		uint32_t id = lr & GICH_LR_VIRTUALID_MASK;

		if (!(lr & GICH_LR_ACTIVE) ||
		    id != (iar & GICH_LR_VIRTUALID_MASK))
			continue;
		if (!(lr & GICH_LR_HW) && id < 16 &&
		    (lr & GICH_LR_CPUID_MASK) != (iar & GICH_LR_CPUID_MASK))
			continue;
		c->lr[n] = lr & ~GICH_LR_ACTIVE;
		if (lr & GICH_LR_HW)
			phys_deactivate((lr & GICH_LR_PHYSID_MASK) >>
					GICH_LR_PHYSID_SHIFT);
		return;
	}
	c->eoicount++; /* EOI of an interrupt in no LR */
}

/* ---- physical distributor ------------------------------------------------ */

void gic_irq_enable(unsigned int irq)
{
	gm_pirqs[irq].enabled = true;
}

void gic_irq_disable(unsigned int irq)
{
	gm_pirqs[irq].enabled = false;
}

/* The driver's contract (include/gic.h): a pending edge SPI follows the
 * route; on QEMU's model the driver re-pends it, which latches it anew. */
void gic_irq_set_target(unsigned int irq, unsigned int pcpu)
{
	gm_pirqs[irq].target = pcpu;
	if (gm_pirqs[irq].edge && gm_pirqs[irq].pending)
		gm_pirqs[irq].latched_to = pcpu;
}

void gic_irq_set_priority(unsigned int irq, uint8_t prio)
{
	gm_pirqs[irq].prio = prio;
}

void gic_irq_set_config(unsigned int irq, bool edge)
{
	gm_pirqs[irq].edge = edge;
}

bool gic_irq_is_pending(unsigned int irq)
{
	return gm_pirqs[irq].pending || gm_pirqs[irq].line;
}

void gic_irq_clear_pending(unsigned int irq)
{
	gm_pirqs[irq].pending = false;
}

static unsigned int sgis_sent[GM_MAX_CPUS];

void gic_send_sgi(unsigned int pcpu, unsigned int sgi)
{
	(void)sgi;
	sgis_sent[pcpu]++;
}

void gic_eoi(uint32_t iar)
{
	gm_pirqs[iar & 0x3ff].eois++;
}

unsigned int gm_pokes;

void gic_poke(void)
{
	gm_pokes++;
}

void gic_deactivate(uint32_t iar)
{
	gm_pirqs[iar & 0x3ff].dirs++;
	phys_deactivate(iar & 0x3ff);
}

void gic_irq_clear_active(unsigned int irq)
{
	gm_pirqs[irq].dirs++;
	phys_deactivate(irq);
}

struct gic_info gm_info = {
	.gicd = 0x08000000,
	.gicc = 0x08010000,
	.gich = 0x08030000,
	.gicv = 0x08040000,
	.nr_irqs = GM_NR_PIRQS,
	.maint_irq = 25,
	.model = "model",
	.hw_lrs = true,
};

const struct gic_info *gic_info(void)
{
	return &gm_info;
}

/* Like QEMU 7.2: the pending state is latched to the target of the time. */
void gm_phys_assert(unsigned int pirq)
{
	gm_pirqs[pirq].pending = true;
	gm_pirqs[pirq].latched_to = gm_pirqs[pirq].target;
}

void gm_phys_set_line(unsigned int pirq, bool high)
{
	gm_pirqs[pirq].line = high;
	if (high && !gm_pirqs[pirq].edge)
		gm_phys_assert(pirq);
	else if (!high && !gm_pirqs[pirq].edge)
		gm_pirqs[pirq].pending = false;
}

bool gm_phys_ack(unsigned int cpu, unsigned int pirq)
{
	struct gm_pirq *p = &gm_pirqs[pirq];

	/* QEMU latches an edge's pending state to the target of the time; a
	 * level IRQ's follows its line to the current target. */
	if (!p->enabled || p->active || !p->pending ||
	    (p->edge ? p->latched_to : p->target) != cpu)
		return false;
	p->pending = false;
	p->active = true;
	gic_eoi(pirq);
	return true;
}

/* ---- helpers for vGIC tests ---------------------------------------------- */
#include <errno.h>

#include "host_arch.h"
#include "host_sched.h"
#include "softirq.h"
#include "test.h"
#include "vgic.h"
#include "vm.h"

void gm_vm_setup(struct vm *vm, unsigned int nr_vcpus, unsigned int nr_irqs,
		 unsigned int nr_lrs)
{
	host_set_cpu(0);
	/* Passthrough bindings outlive a VM: undo the previous test's. */
	for (unsigned int i = 32; i < vm->vgic.nr_irqs; i++) {
		struct vgic_irq *irq = vgic_get_irq(vm, NULL, i);

		while (irq && (irq->flags & VGIC_IRQ_HW) &&
		       vgic_pt_unbind(vm, i) == -EAGAIN)
			softirq_run();
	}
	gm_reset(nr_lrs);
	vgic_one_lr_per_sgi = false;
	memset(vm, 0, sizeof(*vm));
	vm->nr_vcpus = nr_vcpus;
	for (unsigned int i = 0; i < nr_vcpus; i++) {
		vm->vcpus[i].id = i;
		vm->vcpus[i].vm = vm;
		vm->vcpus[i].pcpu = i;
		vm->vcpus[i].running_on = -1;
	}
	if (vgic_vm_init(vm, nr_irqs))
		test_fail(__FILE__, __LINE__, "vgic_vm_init failed");
	host_reset_kicks();
	host_reset_wakes();
}

/*
 * A guest access as the run loop makes it: with the vCPU's LRs loaded (it
 * trapped from guest mode) the fast re-entry tries first, and an access it
 * declines (-EAGAIN) is done after the LRs are synced, then they are
 * flushed again for the re-entry.
 */
static int gm_access(struct vcpu *v, unsigned int off, unsigned int size,
		     bool write, uint64_t *val)
{
	unsigned int cpu = arch_cpu_id();
	int r;

	host_set_cpu(v->pcpu);
	r = vgic_dist_access(v, off, size, write, val);
	if (r == -EAGAIN) {
		vgic_sync_lrs(v);
		r = vgic_dist_access(v, off, size, write, val);
		vgic_flush_lrs(v);
	}
	host_set_cpu(cpu);
	return r;
}

uint32_t gm_rd(struct vcpu *v, unsigned int off, unsigned int size)
{
	uint64_t val = 0xdeadbeef;

	if (gm_access(v, off, size, false, &val))
		test_fail(__FILE__, __LINE__, "distributor read failed");
	return (uint32_t)val;
}

void gm_wr(struct vcpu *v, unsigned int off, unsigned int size, uint32_t val)
{
	uint64_t v64 = val;

	if (gm_access(v, off, size, true, &v64))
		test_fail(__FILE__, __LINE__, "distributor write failed");
}

void gm_enter(struct vcpu *v)
{
	host_set_cpu(v->pcpu);
	v->running_on = (int)v->pcpu;
	vgic_flush_lrs(v);
}

void gm_exit(struct vcpu *v)
{
	host_set_cpu(v->pcpu);
	vgic_sync_lrs(v);
	v->running_on = -1;
}

void gm_irq_exit(struct vcpu *v)
{
	host_set_cpu(v->pcpu);
	vgic_flush_lrs(v);
}

bool gm_maint(struct vcpu *v)
{
	if (!gm_maint_asserted(v->pcpu))
		return false;
	host_set_cpu(v->pcpu);
	/* As vcpu_run() after an IRQ exit: the handler reads back and
	 * lowers the PPI, the flush before the next entry refills. */
	vgic_maintenance(v);
	vgic_flush_lrs(v);
	return true;
}

void gm_service_kicks_and_maint(struct vm *vm, unsigned int n,
				const bool *in_guest, unsigned int *kicks_seen)
{
	for (unsigned int c = 0; c < n; c++) {
		struct vcpu *v = &vm->vcpus[c];

		if (host_kicks(v->pcpu) != kicks_seen[c]) {
			kicks_seen[c] = host_kicks(v->pcpu);
			/* vcpu_run() takes a kick as an IRQ exit and goes
			 * back in, or leaves for sched_run_vcpu()'s round
			 * (a softirq pending, the vCPU stopped): both. */
			if (in_guest[c] && (kicks_seen[c] & 1)) {
				gm_irq_exit(v);
			} else if (in_guest[c]) {
				gm_exit(v);
				gm_enter(v);
			}
		}
		if (in_guest[c])
			gm_maint(v);
	}
}

void gm_irq_setup(struct vcpu *v, unsigned int intid, uint8_t prio,
		  uint8_t targets, bool edge)
{
	gm_wr(v, GICD_CTLR, 4, gm_rd(v, GICD_CTLR, 4) | 1);
	gm_wr(v, GICD_IPRIORITYR + intid, 1, prio);
	if (intid >= 32) {
		unsigned int sh = (intid % 16) * 2;
		uint32_t cfg = gm_rd(v, GICD_ICFGR + intid / 16 * 4, 4);

		cfg = (cfg & ~(3u << sh)) | ((edge ? 2u : 0u) << sh);
		gm_wr(v, GICD_ICFGR + intid / 16 * 4, 4, cfg);
		gm_wr(v, GICD_ITARGETSR + intid, 1, targets);
	}
	gm_wr(v, GICD_ISENABLER + intid / 32 * 4, 4, 1u << (intid % 32));
}

/* ---- the frames in the physical address space ------------------------- */
struct gm_layout gm_layout;
unsigned int gm_mmio_reads;

void gm_layout_juno(void)
{
	gm_layout = (struct gm_layout){
		.gicd = 0x2c010000,
		.gicc = 0x2c020000,
		.gich = 0x2c040000,
		.gicv = 0x2c060000,
		.alias64k = true,
	};
	gm_mmio_reads = 0;
}

enum gm_frame gm_decode(uint64_t pa, unsigned int *page, unsigned int *off)
{
	const struct {
		enum gm_frame f;
		uint64_t base;
	} frames[] = {
		{GM_FRAME_GICC, gm_layout.gicc},
		{GM_FRAME_GICH, gm_layout.gich},
		{GM_FRAME_GICV, gm_layout.gicv},
	};
	/* Two pages per frame, each 4 KiB or aliased over 64 KiB. */
	uint64_t stride = gm_layout.alias64k ? 0x10000 : 0x1000;

	*off = (unsigned int)(pa & 0xfff);
	*page = 0;
	if (pa >= gm_layout.gicd && pa - gm_layout.gicd < 0x1000)
		return GM_FRAME_GICD;
	for (unsigned int i = 0; i < ARRAY_SIZE(frames); i++) {
		if (pa < frames[i].base || pa - frames[i].base >= 2 * stride)
			continue;
		*page = (unsigned int)((pa - frames[i].base) / stride);
		return frames[i].f;
	}
	return GM_FRAME_NONE;
}

uint32_t gm_mmio_read32(uint64_t pa, void *ctx)
{
	unsigned int page, off;
	enum gm_frame f = gm_decode(pa, &page, &off);

	(void)ctx;
	gm_mmio_reads++;
	if ((f == GM_FRAME_GICC || f == GM_FRAME_GICV) && page == 0 &&
	    off == GICC_IIDR)
		return GM_GIC400_IIDR;
	if (f == GM_FRAME_GICH && page == 0 && off == GICH_VTR)
		return gm_cpus[0].nr_lrs - 1;
	return 0;
}
