/* SPDX-License-Identifier: MIT */
/*
 * The GICv2 virtual interface control registers (GICH) of the CALLING
 * physical CPU, as the portable vGIC sees them (DESIGN §2, gich_ops).
 * gic/ implements these on the target (each pCPU has its own banked GICH
 * view); tests/unit/gich_model.c implements them with a model per simulated
 * pCPU. Register offsets and bit names (GICH_HCR_*, GICH_LR_*...):
 * gicv2_regs.h, from GIC Architecture Specification v2 (IHI 0048B) §5.3.
 */
#ifndef VIGIL_GICH_H
#define VIGIL_GICH_H

#include "compiler.h"
#include "gicv2_regs.h"

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
