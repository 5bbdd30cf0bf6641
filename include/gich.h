/* SPDX-License-Identifier: MIT */
/*
 * The GICv2 virtual interface control registers (GICH) of the CALLING
 * physical CPU, as the portable vGIC sees them (DESIGN §2, gich_ops).
 * gic/ implements these on the target (each pCPU has its own banked GICH
 * view); tests/unit/gich_model.c implements them with a model per simulated
 * pCPU. Register layout and bit names: GIC Architecture Specification v2
 * (IHI 0048B) §5.3.
 */
#ifndef VIGIL_GICH_H
#define VIGIL_GICH_H

#include "compiler.h"

/* GICH_HCR (§5.3.1) */
#define GICH_HCR_EN BIT(0)
#define GICH_HCR_UIE BIT(1) /* maintenance IRQ on underflow (<= 1 valid LR) */
#define GICH_HCR_LRENPIE BIT(2) /* ... while EOICount != 0 */
#define GICH_HCR_NPIE BIT(3)	/* ... while no LR is in the pending state */
#define GICH_HCR_EOICOUNT_SHIFT 27
#define GICH_HCR_EOICOUNT_MASK (0x1fU << GICH_HCR_EOICOUNT_SHIFT)

/* GICH_VTR (§5.3.2) */
#define GICH_VTR_LISTREGS_MASK 0x3fU /* number of LRs - 1 */

/* GICH_MISR (§5.3.4) */
#define GICH_MISR_EOI BIT(0)
#define GICH_MISR_U BIT(1)
#define GICH_MISR_LRENP BIT(2)
#define GICH_MISR_NP BIT(3)

/*
 * GICH_LRn (§5.3.9). With HW = 1, bits [19:10] are the physical INTID that
 * the guest's deactivation deactivates in the distributor; the EOI bit (19)
 * then lies inside PhysicalID, so a HW LR cannot request an EOI maintenance
 * interrupt. With HW = 0, bits [12:10] are the CPUID of an SGI's source and
 * bit 19 requests an EOI maintenance interrupt. State 3 (pending and
 * active) is not allowed with HW = 1.
 */
#define GICH_LR_VIRTUALID_MASK 0x3ffU
#define GICH_LR_PHYSID_SHIFT 10
#define GICH_LR_PHYSID_MASK (0x3ffU << GICH_LR_PHYSID_SHIFT)
#define GICH_LR_CPUID_SHIFT 10
#define GICH_LR_CPUID_MASK (0x7U << GICH_LR_CPUID_SHIFT)
#define GICH_LR_EOI BIT(19)
#define GICH_LR_PRIORITY_SHIFT 23 /* holds priority[7:3] */
#define GICH_LR_PRIORITY_MASK (0x1fU << GICH_LR_PRIORITY_SHIFT)
#define GICH_LR_STATE_SHIFT 28
#define GICH_LR_STATE_MASK (0x3U << GICH_LR_STATE_SHIFT)
#define GICH_LR_PENDING (0x1U << GICH_LR_STATE_SHIFT)
#define GICH_LR_ACTIVE (0x2U << GICH_LR_STATE_SHIFT)
#define GICH_LR_GRP1 BIT(30)
#define GICH_LR_HW BIT(31)

/* Number of list registers (GICH_VTR.ListRegs + 1). */
unsigned int gich_nr_lrs(void);
uint32_t gich_read_lr(unsigned int n);
void gich_write_lr(unsigned int n, uint32_t val);
/* Bit n set: LR n holds no interrupt (§5.3.8). */
uint64_t gich_elrsr(void);
/* Bit n set: LR n is invalid, HW = 0 and EOI = 1 (EOI maintenance, §5.3.7).
 * Derived from the LR contents: rewriting the LR clears it. */
uint64_t gich_eisr(void);
uint32_t gich_misr(void);
uint32_t gich_read_hcr(void);
void gich_write_hcr(uint32_t val);
uint32_t gich_read_vmcr(void);
void gich_write_vmcr(uint32_t val);
uint32_t gich_read_apr(void);
void gich_write_apr(uint32_t val);

#endif
