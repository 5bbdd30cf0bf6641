/* SPDX-License-Identifier: MIT */
/* The guest's GICv2: discovery, set-up helpers and the IRQ dispatcher. */
#include "guest_gic.h"

uintptr_t gic_dist_base = GIC_DIST_DEFAULT;
uintptr_t gic_cpu_base = GIC_CPU_DEFAULT;

struct irq_stats irq_stats[GUEST_MAX_VCPUS];

/* Shared by every vCPU; set before the IRQ is enabled. */
static irq_handler_t irq_handlers[GIC_MAX_INTID];
/* Per vCPU: GICC_CTLR.EOImode as this vCPU last wrote it. */
static volatile bool cpu_eoimode[GUEST_MAX_VCPUS];

bool gic_probe(uint64_t dtb)
{
	static const char *const compat[] = {"arm,cortex-a15-gic",
					     "arm,gic-400"};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(compat); i++) {
		int node = fdt_next_compatible(dtb, -1, compat[i]);
		uint64_t d, c;

		if (node < 0)
			continue;
		/* Under the root (QEMU virt) or a bus (the Pi's /soc). */
		d = fdt_reg_addr(dtb, node, 0);
		c = fdt_reg_addr(dtb, node, 1);
		if (!d || !c)
			continue;
		gic_dist_base = (uintptr_t)d;
		gic_cpu_base = (uintptr_t)c;
		return true;
	}
	return false;
}

unsigned int gic_nr_irqs(void)
{
	unsigned int n = 32 * (GICD_TYPER_ITLINES(gicd_read(GICD_TYPER)) + 1);

	return n > GIC_MAX_INTID ? GIC_MAX_INTID : n;
}

void gic_dist_enable(void)
{
	gicd_write(GICD_CTLR, 1);
}

void gic_cpu_set_eoimode(bool eoimode)
{
	cpu_eoimode[this_vcpu()] = eoimode;
	gicc_write(GICC_CTLR,
		   GICC_CTLR_ENABLE_GRP0 | (eoimode ? GICC_CTLR_EOIMODE : 0));
}

bool gic_cpu_eoimode(void)
{
	return cpu_eoimode[this_vcpu()];
}

void gic_cpu_init(bool eoimode)
{
	gicc_write(GICC_PMR, 0xff);
	gicc_write(GICC_BPR, 0);
	gic_cpu_set_eoimode(eoimode);
}

uint8_t gic_cpu_mask(void)
{
	return gicd_read8(GICD_ITARGETSR);
}

void gic_irq_enable(unsigned int intid)
{
	gicd_set(GICD_ISENABLER, intid);
}

void gic_irq_disable(unsigned int intid)
{
	gicd_set(GICD_ICENABLER, intid);
}

void gic_irq_set_priority(unsigned int intid, uint8_t prio)
{
	gicd_write8(GICD_IPRIORITYR + intid, prio);
}

void gic_irq_set_targets(unsigned int intid, uint8_t mask)
{
	gicd_write8(GICD_ITARGETSR + intid, mask);
}

void gic_irq_set_edge(unsigned int intid, bool edge)
{
	uint32_t off = GICD_WORD(GICD_ICFGR, intid, 2);
	uint32_t bit = GICD_ICFGR_EDGE << (2 * (intid % 16));
	uint32_t v = gicd_read(off);

	gicd_write(off, edge ? v | bit : v & ~bit);
}

void gic_send_sgi(unsigned int filter, uint8_t targets, unsigned int sgi)
{
	gicd_write(GICD_SGIR,
		   (filter << GICD_SGIR_FILTER_SHIFT & GICD_SGIR_FILTER_MASK) |
			   (uint32_t)targets << GICD_SGIR_TARGETS_SHIFT |
			   (sgi & GICD_SGIR_INTID_MASK));
}

void irq_set_handler(unsigned int intid, irq_handler_t fn)
{
	if (intid < GIC_MAX_INTID) {
		irq_handlers[intid] = fn;
		dsb_sy();
	}
}

void guest_irq(struct exc_frame *frame)
{
	struct irq_stats *st = &irq_stats[this_vcpu()];
	bool first = true;

	(void)frame;
	st->exceptions++;
	for (;; first = false) {
		uint32_t iar = gicc_read(GICC_IAR);
		unsigned int intid = GICC_IAR_INTID(iar);
		irq_handler_t fn;

		if (intid >= GIC_MAX_INTID) {
			if (first)
				st->spurious++;
			return;
		}
		st->acked++;
		fn = irq_handlers[intid];
		if (fn) {
			fn(intid, GICC_IAR_CPUID(iar));
		} else {
			st->unhandled++;
			gprintf("UNEXPECTED irq %u on vcpu %u\n", intid,
				this_vcpu());
		}
		gicc_write(GICC_EOIR, iar);
		if (gic_cpu_eoimode())
			gicc_write(GICC_DIR, iar);
	}
}
