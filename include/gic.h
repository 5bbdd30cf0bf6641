/* SPDX-License-Identifier: MIT */
/*
 * The physical GICv2 driver (gic/): a leaf. It knows registers, not VMs:
 * acknowledge, drop priority, deactivate, enable, route, configure, send
 * SGIs, and the virtual interface control block (include/gich.h). What an
 * interrupt means is decided above it, by the IRQ layer (core/irq.c).
 *
 * The host unit tests implement this interface with a simulated
 * distributor. CPU numbers are pCPU indices (arch_cpu_id()); the driver maps
 * them to CPU-interface numbers read from the banked GICD_ITARGETSR0. The
 * CPU interface runs with EOImode = 1: gic_eoi() only drops the running
 * priority, gic_deactivate() ends the active state (GICv2 §4.4.5, §4.4.15).
 *
 * Quirks of the GIC model (QEMU's) are applied here, each in one place;
 * what the vGIC must do differently is read from gic_info().
 */
#ifndef VIGIL_GIC_H
#define VIGIL_GIC_H

#include "compiler.h"
#include "gicv2_regs.h"

/* Upper bound on physical INTIDs (1020..1023 are special). */
#define GIC_MAX_IRQS GIC_MAX_INTID

/* Where the GIC is: what the boot DTB says (core/platform_dt.c). */
struct gic_frames {
	uint64_t gicd, gicc, gich, gicv; /* physical; 0 = not listed */
	unsigned int maint_irq;		 /* INTID of the maintenance PPI */
	/* INTID of the EL2 physical timer's PPI (0: not given), which the
	 * vGIC's pokes for QEMU's model use (vgic/lr.c). */
	unsigned int hyp_timer_irq;
	/* The CPU interface's and GICV's sizes as the DTB gives them:
	 * gic_init() finds their 8 KiB windows (gic_cpuif_locate()). */
	uint64_t gicc_size, gicv_size;
};

/* What the driver found at gic_init(). */
struct gic_info {
	uint64_t gicd, gicc, gich, gicv; /* physical frame addresses */
	unsigned int nr_irqs;		 /* lines, from GICD_TYPER */
	unsigned int maint_irq;		 /* INTID of the maintenance PPI */
	unsigned int hyp_timer_irq;	 /* struct gic_frames */
	uint32_t iidr;			 /* GICD_IIDR */
	const char *model;		 /* "QEMU", "GIC-400", ... */
	/* QEMU's model: the platform, CPUs included, is QEMU's. */
	bool qemu;
	/* The quirks the driver applies itself (gic/gicv2.c): the re-latch
	 * of a pending edge SPI after a retarget, and SPI deactivation
	 * through GICD_ICACTIVER (QEMU before 9.1 kept SPI active state per
	 * CPU). */
	bool relatch_on_retarget;
	bool spi_active_per_cpu;
	/* The model deactivates a physical IRQ reliably from an HW = 1 list
	 * register (false on QEMU before 9.1: docs/design.md, platform
	 * quirks). */
	bool hw_lrs;
	/* ... but, having deactivated it, does not signal an instance that
	 * arrived meanwhile until the physical GIC is next written to
	 * (QEMU, up to 10.0 at least): gic_poke() after such a
	 * deactivation. */
	bool hw_deact_needs_poke;
	/* The model finds a virtual INTID's list register by INTID alone, so
	 * an SGI INTID must occupy at most one LR (QEMU). */
	bool one_lr_per_sgi;
};

/* A 32-bit read of the physical address @pa (@ctx: the caller's). */
typedef uint32_t (*gic_read32_fn)(uint64_t pa, void *ctx);

/*
 * The 8 KiB window of a CPU interface (GICC, or the GICV frame) that a
 * DTB lists at @base, @size bytes (gic/cpuif.c): @base itself for an
 * 8 KiB or larger frame, base + 0xf000 for a GIC-400's 64 KiB-aliased
 * pages listed as 128 KiB, or as their first 4 KiB page (told from a
 * plain 4 KiB listing by reading GICC_IIDR through @rd, as Linux does).
 * 0 and *@window, or -ENODEV when the pages are not a GICv2's. gic_info()
 * gives the windows gic_init() found as gicc and gicv.
 */
int gic_cpuif_locate(uint64_t base, uint64_t size, gic_read32_fn rd, void *ctx,
		     uint64_t *window);

/*
 * Boot CPU: take the GIC at @f, read its size and model (the quirks follow
 * from what the model does, never from the board's name), and set up the
 * distributor: every SPI disabled, inactive, Group 1, default priority.
 * -ENODEV if it has no virtualization extensions (no GICH/GICV).
 */
int gic_init(const struct gic_frames *f);
/* A write to the physical CPU interface that changes nothing: on QEMU's
 * model it re-evaluates the distributor (gic_info()->hw_deact_needs_poke). */
void gic_poke(void);
/* Every CPU: its banked SGIs/PPIs, its CPU interface, GICH off. */
void gic_init_cpu(void);
const struct gic_info *gic_info(void);

/* GICC_IAR: the acknowledged INTID (with an SGI's source in [12:10]). */
uint32_t gic_ack(void);
/* GICC_EOIR: priority drop only (EOImode = 1). */
void gic_eoi(uint32_t iar);
/* End the active state of an acknowledged IRQ (GICC_DIR; on QEMU an SPI
 * through GICD_ICACTIVER, which works from any CPU). */
void gic_deactivate(uint32_t iar);

void gic_irq_enable(unsigned int irq);
void gic_irq_disable(unsigned int irq);
/* Route SPI @irq to physical CPU @pcpu (GICD_ITARGETSR). A pending edge
 * SPI follows the route, whatever the model (DESIGN §3). */
void gic_irq_set_target(unsigned int irq, unsigned int pcpu);
void gic_irq_set_priority(unsigned int irq, uint8_t prio);
/* GICD_ICFGR: true = edge-triggered, false = level-sensitive. */
void gic_irq_set_config(unsigned int irq, bool edge);
/* GICD_ICACTIVER: deactivate @irq whichever CPU acknowledged it (banked
 * for SGIs/PPIs: this CPU's). */
void gic_irq_clear_active(unsigned int irq);
/* GICD_ISPENDR of @irq: latched, or a level line asserted (GICv2
 * §4.3.7), whether or not @irq is enabled. */
bool gic_irq_is_pending(unsigned int irq);
/* GICD_ICPENDR: clear the latch (a level line still asserted stays). */
void gic_irq_clear_pending(unsigned int irq);
/* GICD_SGIR with TargetListFilter 0 and one target. */
void gic_send_sgi(unsigned int pcpu, unsigned int sgi);

#endif
