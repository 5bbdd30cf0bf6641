/* SPDX-License-Identifier: MIT */
/*
 * The real PMU registers behind arch/arm/pmu.c's hooks, in HYP mode: CP15
 * c9 (ARM ARM C12.7, DDI 0406C). ARMv7 has no direct PMEVCNTR<n> or
 * PMEVTYPER<n>: an event counter, its type and the cycle counter's filter
 * (PMSELR.SEL = 31) are reached through PMSELR and PMXEVCNTR/PMXEVTYPER,
 * with the guest's PMSELR put back after.
 * Reached from arch_sysreg_trap() (traps.c) through arch/arm/pmu.c.
 */
#include "asm/sysreg.h"
#include "pmu.h"

#define PMSELR_R 0, c9, c12, 5
#define PMXEVTYPER_R 0, c9, c13, 1
#define PMXEVCNTR_R 0, c9, c13, 2

static uint32_t read_selected(unsigned int sel, bool type)
{
	uint32_t old = read_sysreg(PMSELR_R), v;

	write_sysreg(PMSELR_R, sel);
	isb();
	v = type ? read_sysreg(PMXEVTYPER_R) : read_sysreg(PMXEVCNTR_R);
	write_sysreg(PMSELR_R, old);
	return v;
}

static void write_selected(unsigned int sel, bool type, uint32_t val)
{
	uint32_t old = read_sysreg(PMSELR_R);

	write_sysreg(PMSELR_R, sel);
	isb();
	if (type)
		write_sysreg(PMXEVTYPER_R, val);
	else
		write_sysreg(PMXEVCNTR_R, val);
	write_sysreg(PMSELR_R, old);
}

uint64_t arch_pmu_read(enum pmu_reg r, unsigned int n)
{
	switch (r) {
	case PMU_PMCR:
		return read_sysreg(0, c9, c12, 0);
	case PMU_PMCNTENSET:
		return read_sysreg(0, c9, c12, 1);
	case PMU_PMCNTENCLR:
		return read_sysreg(0, c9, c12, 2);
	case PMU_PMOVSCLR:
		return read_sysreg(0, c9, c12, 3);
	case PMU_PMSELR:
		return read_sysreg(PMSELR_R);
	case PMU_PMCEID0:
		return read_sysreg(0, c9, c12, 6);
	case PMU_PMCEID1:
		return read_sysreg(0, c9, c12, 7);
	case PMU_PMCCNTR:
		return read_sysreg(0, c9, c13, 0);
	case PMU_PMUSERENR:
		return read_sysreg(0, c9, c14, 0);
	case PMU_PMINTENSET:
		return read_sysreg(0, c9, c14, 1);
	case PMU_PMINTENCLR:
		return read_sysreg(0, c9, c14, 2);
	case PMU_PMOVSSET:
		return read_sysreg(0, c9, c14, 3);
	case PMU_PMEVCNTR:
		return read_selected(n, false);
	case PMU_PMEVTYPER:
		return read_selected(n, true);
	case PMU_PMCCFILTR:
		return read_selected(PMU_CYCLE_IDX, true);
	default: /* PMSWINC is write-only; PMXEV* are resolved first */
		return 0;
	}
}

void arch_pmu_write(enum pmu_reg r, unsigned int n, uint64_t val)
{
	uint32_t v = (uint32_t)val;

	switch (r) {
	case PMU_PMCR:
		write_sysreg(0, c9, c12, 0, v);
		break;
	case PMU_PMCNTENSET:
		write_sysreg(0, c9, c12, 1, v);
		break;
	case PMU_PMCNTENCLR:
		write_sysreg(0, c9, c12, 2, v);
		break;
	case PMU_PMOVSCLR:
		write_sysreg(0, c9, c12, 3, v);
		break;
	case PMU_PMSWINC:
		write_sysreg(0, c9, c12, 4, v);
		break;
	case PMU_PMSELR:
		write_sysreg(PMSELR_R, v);
		break;
	case PMU_PMCCNTR:
		write_sysreg(0, c9, c13, 0, v);
		break;
	case PMU_PMUSERENR:
		write_sysreg(0, c9, c14, 0, v);
		break;
	case PMU_PMINTENSET:
		write_sysreg(0, c9, c14, 1, v);
		break;
	case PMU_PMINTENCLR:
		write_sysreg(0, c9, c14, 2, v);
		break;
	case PMU_PMOVSSET:
		write_sysreg(0, c9, c14, 3, v);
		break;
	case PMU_PMEVCNTR:
		write_selected(n, false, v);
		break;
	case PMU_PMEVTYPER:
		write_selected(n, true, v);
		break;
	case PMU_PMCCFILTR:
		write_selected(PMU_CYCLE_IDX, true, v);
		break;
	default: /* PMCEID0/1 are read-only; PMXEV* are resolved first */
		break;
	}
	/* The guest's next instruction sees the write. */
	isb();
}
