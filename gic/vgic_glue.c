/* SPDX-License-Identifier: MIT */
/*
 * Where the physical GIC meets the vGIC: the IRQ loop that sorts each
 * acknowledged interrupt into hypervisor-owned (maintenance, kicks, timers
 * of loaded vCPUs) or guest-owned (passthrough), and the per-VM set-up.
 */
#include <errno.h>
#include <stdio.h>

#include "arch.h"
#include "gic.h"
#include "gic_hw.h"
#include "gic_vm.h"
#include "mmio.h"
#include "percpu.h"
#include "platform.h"
#include "printk.h"
#include "softirq.h"
#include "stage2.h"
#include "vgic.h"
#include "vgic_timer.h"
#include "vm.h"

#define PPI_VTIMER 27
#define PPI_PTIMER 30
#define GICV_SIZE 0x2000 /* DIR lies in the second 4 KiB page */

static unsigned long spurious_unbound;

/*
 * The timer PPIs are level interrupts whose line is the timer's condition
 * (ENABLE && ISTATUS && !IMASK). An instance taken from the physical GIC
 * but not yet handed to the guest is dropped when the line has gone low
 * meanwhile, so the guest never sees a stale pending timer (GICv2 §1.4.2:
 * a level interrupt is pending only while asserted).
 */
static void timer_resample(struct vcpu *v)
{
	static const unsigned int ppis[] = {PPI_VTIMER, PPI_PTIMER};

	if (this_cpu()->loaded != v)
		return;
	for (unsigned int i = 0; i < ARRAY_SIZE(ppis); i++)
		if (!arch_timer_line(ppis[i]) &&
		    vgic_ppi_hw_retract(v, ppis[i])) {
			gic_irq_clear_active(ppis[i]);
			this_cpu()->timer_retracts++;
		}
}

void gic_vcpu_before_entry(struct vcpu *v)
{
	timer_resample(v);
}

static int vgic_dist_mmio(void *opaque, struct vcpu *v, uint64_t offset,
			  unsigned int size, bool write, uint64_t *val)
{
	(void)opaque;
	/* Pending and active state of the PPIs is read through word 0 of
	 * ISPENDR/ICPENDR and ISACTIVER/ICACTIVER. */
	if ((offset >= 0x200 && offset < 0x204) ||
	    (offset >= 0x280 && offset < 0x284) ||
	    (offset >= 0x300 && offset < 0x304) ||
	    (offset >= 0x380 && offset < 0x384))
		timer_resample(v);
	return vgic_dist_access(v, offset, size, write, val);
}

/* Accesses that need neither v's LRs synced nor a timer resample (no
 * pending or active register is among them). */
static int vgic_dist_mmio_quick(void *opaque, struct vcpu *v, uint64_t offset,
				unsigned int size, bool write, uint64_t *val)
{
	(void)opaque;
	return vgic_dist_quick_access(v, offset, size, write, val);
}

uint64_t gic_vm_dist_ipa(void)
{
	return gic.gicd;
}

uint64_t gic_vm_cpu_ipa(void)
{
	return gic.gicc;
}

int gic_vm_attach(struct vm *vm, char *err, size_t errlen)
{
	unsigned int nr =
		gic.nr_irqs < VGIC_MAX_IRQS ? gic.nr_irqs : VGIC_MAX_IRQS;
	int r;

	r = vgic_vm_init(vm, nr);
	if (!r)
		r = s2_map_device(vm, gic.gicc, gic.gicv, GICV_SIZE);
	if (!r)
		r = mmio_register(vm->mmio, gic.gicd, VGIC_DIST_SIZE,
				  vgic_dist_mmio, vm);
	if (!r)
		r = mmio_set_quick(vm->mmio, gic.gicd, vgic_dist_mmio_quick);
	if (r)
		snprintf(err, errlen, "VM '%s': vGIC set-up failed (%d)",
			 vm->name, r);
	return r;
}

int gic_boot_init(const void *fdt)
{
	if (gic_probe(fdt))
		return -1;
	vgic_hw_lrs = !platform.gic_no_hw_lrs;
	vgic_one_lr_per_sgi = platform.gic_one_lr_per_sgi;
	gic_dist_init();
	gic_secondary_init();
	return 0;
}

void gic_secondary_init(void)
{
	gic_cpu_init();
	gic_irq_enable(SGI_KICK);
	gic_irq_enable(gic.maint_irq);
	gic_irq_enable(PPI_VTIMER);
	gic_irq_enable(PPI_PTIMER);
}

/*
 * A timer PPI of the vCPU loaded here: its line stays high until the guest
 * reprograms the timer, so leave the physical PPI active (priority dropped
 * only) and hand it to the guest with HW = 1: the guest's deactivation of
 * the virtual timer IRQ deactivates the physical one, with no trap.
 */
static void timer_ppi(unsigned int irq)
{
	/* The timer belongs to the vCPU whose EL1 state is loaded here, in
	 * guest mode or blocked (CPU_SUSPEND): that is whom it wakes. */
	struct vcpu *owner = this_cpu()->loaded;

	if (owner && vgic_inject_hw_ppi(owner, irq, irq) == 0)
		return;
	/* No vCPU loaded: its timer was stopped when it was put, so this is a
	 * stale edge of the line. */
	gic_deactivate(irq);
}

void gic_handle_irqs(struct vcpu *cur)
{
	for (;;) {
		uint32_t iar = gic_ack();
		unsigned int irq = iar & 0x3ff;

		if (irq >= 1020)
			break;
		/* EOImode = 1: EOIR only drops the running priority. */
		gic_eoi(iar);
		if (irq == gic.maint_irq) {
			this_cpu()->irqs_maint++;
			vgic_maintenance(cur);
			gic_deactivate(iar);
		} else if (irq < 16) {
			/* A kick: the exit itself was the point. */
			this_cpu()->irqs_kick++;
			gic_deactivate(iar);
		} else if (irq == PPI_VTIMER || irq == PPI_PTIMER) {
			this_cpu()->irqs_timer++;
			timer_ppi(irq);
		} else if (irq < 32 || !vgic_passthrough_irq(irq)) {
			spurious_unbound++;
			gic_deactivate(iar);
		}
	}
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
			while (vgic_unbind_passthrough(vm, d->irqs[j]) ==
			       -EAGAIN) {
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
			if (vgic_bind_passthrough(vm, d->irqs[j], d->irqs[j]))
				pr_err("VM '%s': rebinding IRQ %u failed",
				       vm->name, d->irqs[j]);
	}
}

/* This pCPU's vCPU went offline (CPU_OFF, SYSTEM_OFF or RESET): a timer PPI
 * it left active would never be deactivated by the guest. */
void gic_vcpu_offline(void)
{
	gic_irq_clear_active(PPI_VTIMER);
	gic_irq_clear_active(PPI_PTIMER);
}

void arch_kick_cpu(unsigned int cpu)
{
	gic_send_sgi(cpu, SGI_KICK);
}
