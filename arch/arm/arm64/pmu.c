/* SPDX-License-Identifier: MIT */
/*
 * The real PMU registers for arch/arm/pmu.c, accessed at EL2. MSR and MRS
 * encode the register in the instruction, so the event counters and their
 * types are reached through a switch generated over n = 0..30.
 */
#include "asm/sysreg.h"
#include "pmu.h"

/* clang-format off */
#define PMU_FOR_EACH_COUNTER(X)                                         \
	X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)   \
	X(12) X(13) X(14) X(15) X(16) X(17) X(18) X(19) X(20) X(21)     \
	X(22) X(23) X(24) X(25) X(26) X(27) X(28) X(29) X(30)
/* clang-format on */

#define READ_EVCNTR(n) \
	case n:        \
		return read_sysreg(pmevcntr##n##_el0);
#define READ_EVTYPER(n) \
	case n:         \
		return read_sysreg(pmevtyper##n##_el0);
#define WRITE_EVCNTR(n)                               \
	case n:                                       \
		write_sysreg(pmevcntr##n##_el0, val); \
		break;
#define WRITE_EVTYPER(n)                               \
	case n:                                        \
		write_sysreg(pmevtyper##n##_el0, val); \
		break;

static uint64_t read_evcntr(unsigned int n)
{
	switch (n) {
		PMU_FOR_EACH_COUNTER(READ_EVCNTR)
	}
	return 0;
}

static uint64_t read_evtyper(unsigned int n)
{
	switch (n) {
		PMU_FOR_EACH_COUNTER(READ_EVTYPER)
	}
	return 0;
}

static void write_evcntr(unsigned int n, uint64_t val)
{
	switch (n) {
		PMU_FOR_EACH_COUNTER(WRITE_EVCNTR)
	}
}

static void write_evtyper(unsigned int n, uint64_t val)
{
	switch (n) {
		PMU_FOR_EACH_COUNTER(WRITE_EVTYPER)
	}
}

uint64_t arch_pmu_read(enum pmu_reg r, unsigned int n)
{
	switch (r) {
	case PMU_PMCR:
		return read_sysreg(pmcr_el0);
	case PMU_PMCNTENSET:
		return read_sysreg(pmcntenset_el0);
	case PMU_PMCNTENCLR:
		return read_sysreg(pmcntenclr_el0);
	case PMU_PMOVSCLR:
		return read_sysreg(pmovsclr_el0);
	case PMU_PMSELR:
		return read_sysreg(pmselr_el0);
	case PMU_PMCEID0:
		return read_sysreg(pmceid0_el0);
	case PMU_PMCEID1:
		return read_sysreg(pmceid1_el0);
	case PMU_PMCCNTR:
		return read_sysreg(pmccntr_el0);
	case PMU_PMUSERENR:
		return read_sysreg(pmuserenr_el0);
	case PMU_PMINTENSET:
		return read_sysreg(pmintenset_el1);
	case PMU_PMINTENCLR:
		return read_sysreg(pmintenclr_el1);
	case PMU_PMOVSSET:
		return read_sysreg(pmovsset_el0);
	case PMU_PMEVCNTR:
		return read_evcntr(n);
	case PMU_PMEVTYPER:
		return read_evtyper(n);
	case PMU_PMCCFILTR:
		return read_sysreg(pmccfiltr_el0);
	default: /* PMSWINC is write-only; PMXEV* are resolved first */
		return 0;
	}
}

void arch_pmu_write(enum pmu_reg r, unsigned int n, uint64_t val)
{
	switch (r) {
	case PMU_PMCR:
		write_sysreg(pmcr_el0, val);
		break;
	case PMU_PMCNTENSET:
		write_sysreg(pmcntenset_el0, val);
		break;
	case PMU_PMCNTENCLR:
		write_sysreg(pmcntenclr_el0, val);
		break;
	case PMU_PMOVSCLR:
		write_sysreg(pmovsclr_el0, val);
		break;
	case PMU_PMSWINC:
		write_sysreg(pmswinc_el0, val);
		break;
	case PMU_PMSELR:
		write_sysreg(pmselr_el0, val);
		break;
	case PMU_PMCCNTR:
		write_sysreg(pmccntr_el0, val);
		break;
	case PMU_PMUSERENR:
		write_sysreg(pmuserenr_el0, val);
		break;
	case PMU_PMINTENSET:
		write_sysreg(pmintenset_el1, val);
		break;
	case PMU_PMINTENCLR:
		write_sysreg(pmintenclr_el1, val);
		break;
	case PMU_PMOVSSET:
		write_sysreg(pmovsset_el0, val);
		break;
	case PMU_PMEVCNTR:
		write_evcntr(n, val);
		break;
	case PMU_PMEVTYPER:
		write_evtyper(n, val);
		break;
	case PMU_PMCCFILTR:
		write_sysreg(pmccfiltr_el0, val);
		break;
	default: /* PMCEID0/1 are read-only; PMXEV* are resolved first */
		break;
	}
	/* The guest's next instruction sees the write. */
	isb();
}
