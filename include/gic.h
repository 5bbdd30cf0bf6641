/* SPDX-License-Identifier: MIT */
/*
 * The physical GICv2 distributor and CPU interface as the portable core sees
 * them (DESIGN §2, gic_ops). gic/ implements these on the target; the host
 * unit tests implement them with a simulated distributor. CPU numbers are
 * pCPU indices (arch_cpu_id()); gic/ maps them to CPU-interface numbers read
 * from the banked GICD_ITARGETSR0. The CPU interface runs with EOImode = 1:
 * gic_eoi() only drops the running priority, gic_deactivate() (GICC_DIR)
 * ends the active state (GICv2 §4.4.5, §4.4.15).
 */
#ifndef VIGIL_GIC_H
#define VIGIL_GIC_H

#include "compiler.h"
#include "gicv2_regs.h"

/* Upper bound on physical INTIDs (1020..1023 are special). */
#define GIC_MAX_IRQS GIC_MAX_INTID

void gic_irq_enable(unsigned int irq);
void gic_irq_disable(unsigned int irq);
/* Route SPI @irq to physical CPU @pcpu (GICD_ITARGETSR). */
void gic_irq_set_target(unsigned int irq, unsigned int pcpu);
void gic_irq_set_priority(unsigned int irq, uint8_t prio);
/* GICD_ICFGR: true = edge-triggered, false = level-sensitive. */
void gic_irq_set_config(unsigned int irq, bool edge);
/* GICD_SGIR with TargetListFilter 0 and one target. */
void gic_send_sgi(unsigned int pcpu, unsigned int sgi);
/* GICC_EOIR: priority drop only (EOImode = 1). */
void gic_eoi(unsigned int irq);
/* GICC_DIR: deactivate. */
void gic_deactivate(unsigned int irq);
/* GICD_ISPENDR / ICPENDR / ISACTIVER for one SPI. After a retarget, a
 * pending edge SPI is re-latched with clear + set (DESIGN §3: QEMU latches
 * the pending state to the old target). */
bool gic_irq_is_pending(unsigned int irq);
void gic_irq_set_pending(unsigned int irq);
void gic_irq_clear_pending(unsigned int irq);
bool gic_irq_is_active(unsigned int irq);

#endif
