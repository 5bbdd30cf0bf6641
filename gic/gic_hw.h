/* SPDX-License-Identifier: MIT */
/* The physical GIC as the target code sees it (not portable code). */
#ifndef VIGIL_GIC_HW_H
#define VIGIL_GIC_HW_H

#include "compiler.h"
#include "percpu.h"

struct gic_hw {
	uint64_t gicd, gicc, gich, gicv;
	unsigned int nr_irqs;
	unsigned int nr_lrs;
	unsigned int maint_irq;
	uint8_t cpu_if[MAX_CPUS]; /* CPU-interface number of each pCPU */
	unsigned long relatches;  /* pending edges re-latched on retarget */
};

extern struct gic_hw gic;

/* Addresses from the DTB (platform fallback); 0 or -1. */
int gic_probe(const void *fdt);
void gic_dist_init(void);
void gic_cpu_init(void);
/* GICD_ICACTIVER: deactivate @irq whichever CPU acknowledged it (banked
 * for SGIs/PPIs: this CPU's). */
void gic_irq_clear_active(unsigned int irq);
/* GICC_IAR: the acknowledged INTID (and SGI source). */
uint32_t gic_ack(void);

#define dsb_ishst() __asm__ __volatile__("dsb ishst" ::: "memory")

#endif
