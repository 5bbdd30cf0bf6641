/* SPDX-License-Identifier: MIT */
/*
 * The IRQ layer: which owner each physical interrupt goes to (include/irq.h).
 * The GIC driver below it only acknowledges, drops priority and
 * deactivates; the owners above it (the vGIC, passthrough) never see the
 * acknowledge loop.
 */
#include <errno.h>

#include "arch_vcpu.h"
#include "gic.h"
#include "gicv2_regs.h"
#include "htimer.h"
#include "irq.h"
#include "percpu.h"
#include "printk.h"
#include "vgic.h"

struct irq_desc {
	irq_handler_fn fn; /* NULL: nobody owns it */
	void *data;
};

/*
 * Indexed by physical INTID. Written by irq_set_handler() (data, then fn
 * with release), read by every pCPU's hard-IRQ path without a lock (fn
 * with acquire, then data): an owner's data stays the same while its IRQ
 * can fire.
 */
static struct irq_desc irq_descs[GIC_MAX_IRQS];
static unsigned long irqs_unowned; /* taken with no owner: deactivated */

int irq_set_handler(unsigned int irq, irq_handler_fn fn, void *data)
{
	if (irq >= GIC_MAX_IRQS)
		return -EINVAL;
	WRITE_ONCE(irq_descs[irq].data, data);
	__atomic_store_n(&irq_descs[irq].fn, fn, __ATOMIC_RELEASE);
	return 0;
}

void irq_handle_all(struct vcpu *cur)
{
	for (;;) {
		uint32_t iar = gic_ack();
		unsigned int irq = iar & GICC_IAR_INTID_MASK;
		irq_handler_fn fn;

		if (irq >= GIC_MAX_IRQS)
			break; /* spurious: nothing (more) pending */
		/* EOImode = 1: EOIR only drops the running priority. */
		gic_eoi(iar);
		fn = __atomic_load_n(&irq_descs[irq].fn, __ATOMIC_ACQUIRE);
		if (!fn) {
			irqs_unowned++;
			gic_deactivate(iar);
		} else if (fn(irq, READ_ONCE(irq_descs[irq].data), cur) ==
			   IRQ_DONE) {
			gic_deactivate(iar);
		}
	}
}

/* A kick: the exit (or the end of the idle wait) was the point. */
static enum irq_result irq_kick(unsigned int irq, void *data, struct vcpu *cur)
{
	this_cpu()->irqs_kick++;
	return IRQ_DONE;
}

void pcpu_kick(unsigned int cpu)
{
	gic_send_sgi(cpu, SGI_KICK);
}

void irq_init_cpu(void)
{
	gic_init_cpu();
	/* SGIs and PPIs are banked: each CPU enables the owned ones. */
	for (unsigned int irq = 0; irq < 32; irq++)
		if (__atomic_load_n(&irq_descs[irq].fn, __ATOMIC_ACQUIRE))
			gic_irq_enable(irq);
}

int irq_init(const struct gic_frames *f)
{
	const struct gic_info *gi;
	int r = gic_init(f);

	gi = gic_info();
	if (r) {
		pr_err("the GIC has no virtualization extensions (GICH/GICV)");
		return -1;
	}
	pr_info("GICv2: GICD 0x%lx GICC 0x%lx GICH 0x%lx GICV 0x%lx, %u IRQs, "
		"maintenance IRQ %u",
		(unsigned long)gi->gicd, (unsigned long)gi->gicc,
		(unsigned long)gi->gich, (unsigned long)gi->gicv, gi->nr_irqs,
		gi->maint_irq);
	arch_note_emulator(gi->qemu);
	irq_set_handler(SGI_KICK, irq_kick, NULL);
	if (htimer_init(gi->hyp_timer_irq))
		pr_info("no HYP timer PPI to use (%u): vigil has no timer of "
			"its own",
			gi->hyp_timer_irq);
	vgic_init();
	/* After vgic_init(): HW = 1 needs what the port offers too (a HYP
	 * timer where the model needs pokes, vgic/lr.c). */
	pr_info("GICv2 model %s (GICD_IIDR 0x%08x): %s LRs for passthrough "
		"SPIs%s%s",
		gi->model, gi->iidr, vgic_hw_lrs ? "HW = 1" : "HW = 0",
		gi->spi_active_per_cpu ? ", SPI deactivation through GICD" : "",
		gi->relatch_on_retarget ? ", re-latch after retarget" : "");

	irq_init_cpu();
	return 0;
}
