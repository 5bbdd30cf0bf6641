/* SPDX-License-Identifier: MIT */
/*
 * A board as one data file (platforms/<name>/platform.c): the fallback
 * addresses used when the DTB does not say, the early EL2 memory map, and
 * quirks. The DTB is the authority at run time; this is the oracle.
 */
#ifndef VIGIL_PLATFORM_H
#define VIGIL_PLATFORM_H

#include "compiler.h"

enum uart_kind {
	UART_PL011,
	UART_8250
};

struct plat_region {
	uint64_t base, size;
	bool device; /* Device-nGnRE instead of Normal write-back */
};

struct platform {
	const char *name;
	uint64_t gicd, gicc, gich, gicv;
	unsigned int maint_irq; /* INTID of the maintenance PPI */
	enum uart_kind uart_kind;
	uint64_t uart;
	/* Coarse map (1 GiB granules) the boot CPU enables before it can parse
	 * the DTB; the precise map replaces it. */
	const struct plat_region *early_map;
	unsigned int nr_early_map;
	/* QEMU's GICv2 latches a pending edge SPI to its old target: re-latch
	 * after every physical retarget (DESIGN §3). */
	bool gic_relatch_on_retarget;
	/* QEMU's GICv2 does not re-evaluate the distributor when a guest's
	 * EOI of an HW = 1 LR deactivates the physical IRQ, and keeps SPI
	 * active state per CPU: hand passthrough IRQs over with HW = 0 LRs
	 * and deactivate them through GICD_ICACTIVER (vgic/lr.c). */
	bool gic_no_hw_lrs;
	/* QEMU's GICv2 finds the LR of a virtual INTID the guest acknowledges
	 * or EOIs by INTID alone (the first valid LR that holds it), so two
	 * LRs with one SGI from two sources get each other's state changes:
	 * the one acknowledged stays pending and is delivered twice. Keep one
	 * LR per SGI INTID (vgic/lr.c). */
	bool gic_one_lr_per_sgi;
};

extern const struct platform platform;

#endif
