/* SPDX-License-Identifier: MIT */
/*
 * The guest's PMU behind MDCR_EL2.TPM. Every EL0/EL1 access to a PMU
 * register traps to EL2 (EC 0x18); vigil performs it on the real register
 * for the guest, except that the filter registers (PMCCFILTR_EL0,
 * PMEVTYPER<n>_EL0) never get NSH in hardware: on an ARMv8.0 PMU (no
 * MDCR_EL2.HPMD) that bit is all that stops a guest's counter counting at
 * EL2, i.e. timing vigil. The guest reads back the NSH it wrote from a
 * per-vCPU shadow.
 *
 * Portable: the registers are reached through the two arch_pmu_*() hooks
 * (arch/arm/arm64/pmu.c on the hypervisor, a fake in the unit tests).
 */
#ifndef VIGIL_PMU_H
#define VIGIL_PMU_H

#include "compiler.h"
#include "esr.h"

struct vcpu;

/* PMCR_EL0 (ARM ARM, its register description). */
#define PMCR_E BIT(0)
#define PMCR_P BIT(1) /* write 1: zero the event counters */
#define PMCR_C BIT(2) /* write 1: zero the cycle counter */
#define PMCR_N_SHIFT 11
#define PMCR_N_MASK 0x1fU

/* PMUSERENR_EL0: what EL0 may access. */
#define PMUSERENR_EN BIT(0) /* everything below */
#define PMUSERENR_SW BIT(1) /* PMSWINC_EL0 writes */
#define PMUSERENR_CR BIT(2) /* PMCCNTR_EL0 reads */
#define PMUSERENR_ER BIT(3) /* event counter reads, PMSELR_EL0 */

/* PMCCFILTR_EL0 and PMEVTYPER<n>_EL0: count at EL2 too. */
#define PMU_FILTER_NSH BIT(27)

/* PMSELR_EL0.SEL: 0..30 an event counter, 31 the cycle counter. */
#define PMSELR_SEL_MASK 0x1fU
#define PMU_CYCLE_IDX 31
#define PMU_MAX_EVENT_COUNTERS 31

/* The registers MDCR_EL2.TPM traps (ARMv8.0). */
enum pmu_reg {
	PMU_PMCR,
	PMU_PMCNTENSET,
	PMU_PMCNTENCLR,
	PMU_PMOVSCLR,
	PMU_PMSWINC,
	PMU_PMSELR,
	PMU_PMCEID0,
	PMU_PMCEID1,
	PMU_PMCCNTR,
	PMU_PMXEVTYPER,
	PMU_PMXEVCNTR,
	PMU_PMUSERENR,
	PMU_PMINTENSET,
	PMU_PMINTENCLR,
	PMU_PMOVSSET,
	PMU_PMEVCNTR,  /* PMEVCNTR<n>_EL0, n 0..30 */
	PMU_PMEVTYPER, /* PMEVTYPER<n>_EL0, n 0..30 */
	PMU_PMCCFILTR,
	PMU_NR_REGS,
};

/* One decoded MSR/MRS of a PMU register. */
struct pmu_access {
	enum pmu_reg reg;
	unsigned int n; /* PMU_PMEVCNTR, PMU_PMEVTYPER: the counter */
	bool read;
	unsigned int rt;
};

/* Per vCPU: the NSH bits the guest wrote, bit n for PMEVTYPER<n>_EL0 and
 * bit 31 (PMU_CYCLE_IDX) for PMCCFILTR_EL0, as PMSELR_EL0.SEL numbers
 * them. The hardware's NSH bits are always 0. */
struct vcpu_pmu {
	uint32_t nsh;
};

/*
 * Which PMU register the AArch64 MSR/MRS of @ti (a TRAP_SYSREG) names.
 * -ENOENT if it is not one; the direction is not checked here.
 */
int pmu_decode(const struct trap_info *ti, struct pmu_access *a);

/*
 * Emulate the trapped PMU access @ti of vCPU @v, whose PMU state is @p,
 * taken from EL0 if @el0; the register named by the syndrome is reached
 * through vcpu_get_reg()/vcpu_set_reg(). 0: done, the caller skips the
 * instruction; -EINVAL: the access is undefined (not a PMU register, the
 * wrong direction, an unimplemented counter, an EL0 access PMUSERENR_EL0
 * forbids) and the caller injects an undefined instruction, the registers
 * unchanged.
 */
int pmu_emulate(struct vcpu *v, struct vcpu_pmu *p, const struct trap_info *ti,
		bool el0);

/*
 * A vCPU's PMU at reset, on its pCPU: counters stopped and disabled,
 * overflow interrupts off, EL0 access off, every filter 0 (its
 * architectural reset value is UNKNOWN: it could hold NSH).
 */
void pmu_vcpu_reset(struct vcpu_pmu *p);

/* The hooks: the real register (@n for PMU_PMEVCNTR, PMU_PMEVTYPER),
 * accessed at EL2. Never called with PMU_PMXEVTYPER or PMU_PMXEVCNTR. */
uint64_t arch_pmu_read(enum pmu_reg r, unsigned int n);
void arch_pmu_write(enum pmu_reg r, unsigned int n, uint64_t val);

#endif
