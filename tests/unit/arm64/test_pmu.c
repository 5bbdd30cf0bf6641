/* SPDX-License-Identifier: MIT */
/*
 * The guest's trapped PMU accesses (arch/arm/pmu.c) on a fake PMU: the
 * syndromes are those of the MSR/MRS instructions, built field by field as
 * ESR_EL2 EC 0x18 holds them (Op0 [21:20], Op2 [19:17], Op1 [16:14],
 * CRn [13:10], Rt [9:5], CRm [4:1], Direction [0]).
 */
#include <errno.h>

#include "pmu.h"
#include "test.h"
#include "vm.h"

/* The Cortex-A57's PMCR_EL0 as QEMU resets it: N = 6. */
#define FAKE_PMCR 0x41013000ULL
#define FAKE_N 6

static uint64_t hw[PMU_NR_REGS], hw_evcntr[31], hw_evtyper[31];
static unsigned int hw_writes, hw_bad_calls;

uint64_t arch_pmu_read(enum pmu_reg r, unsigned int n)
{
	if (r == PMU_PMEVCNTR || r == PMU_PMEVTYPER) {
		if (n >= 31) {
			hw_bad_calls++;
			return 0;
		}
		return r == PMU_PMEVCNTR ? hw_evcntr[n] : hw_evtyper[n];
	}
	if (r == PMU_PMXEVTYPER || r == PMU_PMXEVCNTR || r >= PMU_NR_REGS)
		hw_bad_calls++;
	return r < PMU_NR_REGS ? hw[r] : 0;
}

void arch_pmu_write(enum pmu_reg r, unsigned int n, uint64_t val)
{
	hw_writes++;
	if (r == PMU_PMEVCNTR || r == PMU_PMEVTYPER) {
		if (n >= 31)
			hw_bad_calls++;
		else if (r == PMU_PMEVCNTR)
			hw_evcntr[n] = val;
		else
			hw_evtyper[n] = val;
		return;
	}
	if (r == PMU_PMXEVTYPER || r == PMU_PMXEVCNTR || r >= PMU_NR_REGS) {
		hw_bad_calls++;
		return;
	}
	hw[r] = val;
}

static void fake_pmu_reset(void)
{
	memset(hw, 0, sizeof(hw));
	memset(hw_evcntr, 0, sizeof(hw_evcntr));
	memset(hw_evtyper, 0, sizeof(hw_evtyper));
	hw[PMU_PMCR] = FAKE_PMCR;
	hw_writes = 0;
	hw_bad_calls = 0;
}

static uint64_t esr_sys(unsigned int op1, unsigned int crn, unsigned int crm,
			unsigned int op2, unsigned int rt, bool read)
{
	return (0x18ULL << 26) | (1ULL << 25) | (3ULL << 20) |
	       ((uint64_t)op2 << 17) | ((uint64_t)op1 << 14) |
	       ((uint64_t)crn << 10) | ((uint64_t)rt << 5) |
	       ((uint64_t)crm << 1) | (read ? 1 : 0);
}

/* Encodings (op1, CRn, CRm, op2). */
#define PMCR_EL0 3, 9, 12, 0
#define PMSWINC_EL0 3, 9, 12, 4
#define PMSELR_EL0 3, 9, 12, 5
#define PMCEID0_EL0 3, 9, 12, 6
#define PMCCNTR_EL0 3, 9, 13, 0
#define PMXEVTYPER_EL0 3, 9, 13, 1
#define PMXEVCNTR_EL0 3, 9, 13, 2
#define PMUSERENR_EL0 3, 9, 14, 0
#define PMINTENSET_EL1 0, 9, 14, 1
#define PMCCFILTR_EL0 3, 14, 15, 7
#define PMEVCNTR(n) 3, 14, 8 + ((n) >> 3), (n)&7
#define PMEVTYPER(n) 3, 14, 12 + ((n) >> 3), (n)&7

#define NSH (1ULL << 27)

static struct vcpu_pmu pmu;
/* The vCPU whose registers the accesses name (x0..x30). */
static struct vcpu pvcpu;
#define x (pvcpu.arch.regs.x)

static int emulate_esr(uint64_t esr, bool el0)
{
	struct trap_info ti;

	trap_decode(esr, &ti);
	return pmu_emulate(&pvcpu, &pmu, &ti, el0);
}

/* MSR <reg>, x<rt> / MRS x<rt>, <reg>, from EL1 or EL0. */
#define MSR(reg, rt, val) (x[rt] = (val), emulate_esr(esr_sys(reg, rt, 0), 0))
#define MRS(reg, rt) emulate_esr(esr_sys(reg, rt, 1), 0)
#define MSR_EL0(reg, rt, val) \
	(x[rt] = (val), emulate_esr(esr_sys(reg, rt, 0), 1))
#define MRS_EL0(reg, rt) emulate_esr(esr_sys(reg, rt, 1), 1)

static void setup(void)
{
	fake_pmu_reset();
	memset(&pmu, 0, sizeof(pmu));
	memset(x, 0, sizeof(x));
}

static int decode(uint64_t esr, struct pmu_access *a)
{
	struct trap_info ti;

	trap_decode(esr, &ti);
	return pmu_decode(&ti, a);
}

TEST(pmu_decode_mrs_pmccfiltr_from_its_syndrome)
{
	struct pmu_access a;

	/* mrs x1, pmccfiltr_el0: Op0 3, Op2 7, Op1 3, CRn 14, Rt 1, CRm 15,
	 * read. */
	ASSERT_EQ(decode(0x623ef83fULL, &a), 0);
	EXPECT_EQ(a.reg, PMU_PMCCFILTR);
	EXPECT_EQ(a.n, 31);
	EXPECT_EQ(a.rt, 1);
	EXPECT_TRUE(a.read);
}

TEST(pmu_decode_event_counter_number_is_crm_low_bits_and_op2)
{
	struct pmu_access a;

	ASSERT_EQ(decode(esr_sys(PMEVCNTR(5), 0, 1), &a), 0);
	EXPECT_EQ(a.reg, PMU_PMEVCNTR);
	EXPECT_EQ(a.n, 5);
	ASSERT_EQ(decode(esr_sys(PMEVCNTR(30), 0, 0), &a), 0);
	EXPECT_EQ(a.reg, PMU_PMEVCNTR);
	EXPECT_EQ(a.n, 30);
	ASSERT_EQ(decode(esr_sys(PMEVTYPER(17), 0, 0), &a), 0);
	EXPECT_EQ(a.reg, PMU_PMEVTYPER);
	EXPECT_EQ(a.n, 17);
}

TEST(pmu_decode_every_crn9_register_by_its_encoding)
{
	struct pmu_access a;

	ASSERT_EQ(decode(esr_sys(PMCR_EL0, 2, 1), &a), 0);
	EXPECT_EQ(a.reg, PMU_PMCR);
	ASSERT_EQ(decode(esr_sys(PMSELR_EL0, 2, 1), &a), 0);
	EXPECT_EQ(a.reg, PMU_PMSELR);
	ASSERT_EQ(decode(esr_sys(PMXEVCNTR_EL0, 2, 1), &a), 0);
	EXPECT_EQ(a.reg, PMU_PMXEVCNTR);
	ASSERT_EQ(decode(esr_sys(PMUSERENR_EL0, 2, 1), &a), 0);
	EXPECT_EQ(a.reg, PMU_PMUSERENR);
	/* PMINTENSET_EL1 is op1 0, PMOVSSET_EL0 op1 3 in the same row. */
	ASSERT_EQ(decode(esr_sys(PMINTENSET_EL1, 2, 1), &a), 0);
	EXPECT_EQ(a.reg, PMU_PMINTENSET);
	ASSERT_EQ(decode(esr_sys(3, 9, 14, 3, 2, 1), &a), 0);
	EXPECT_EQ(a.reg, PMU_PMOVSSET);
}

TEST(pmu_decode_rejects_what_is_not_a_pmu_register)
{
	struct pmu_access a;

	/* PMEVCNTR31_EL0 does not exist (31 is the cycle counter). */
	EXPECT_EQ(decode(esr_sys(3, 14, 11, 7, 0, 1), &a), -ENOENT);
	/* CNTV_CTL_EL0 (op1 3, CRn 14, CRm 3, op2 1): the timer, not the PMU. */
	EXPECT_EQ(decode(esr_sys(3, 14, 3, 1, 0, 1), &a), -ENOENT);
	/* ACTLR_EL1 (op1 0, CRn 1, CRm 0, op2 1), trapped by TACR. */
	EXPECT_EQ(decode(esr_sys(0, 1, 0, 1, 0, 1), &a), -ENOENT);
	/* op1 3, CRn 9, CRm 14, op2 1: unallocated (PMINTENSET is op1 0). */
	EXPECT_EQ(decode(esr_sys(3, 9, 14, 1, 0, 1), &a), -ENOENT);
	/* op1 0, CRn 14, CRm 8: not PMEVCNTR0_EL0 (op1 3). */
	EXPECT_EQ(decode(esr_sys(0, 14, 8, 0, 0, 1), &a), -ENOENT);
}

TEST(pmu_unknown_system_register_is_undefined_and_touches_nothing)
{
	setup();
	x[0] = 0x1234;
	EXPECT_EQ(emulate_esr(esr_sys(0, 1, 0, 1, 0, 1), false), -EINVAL);
	EXPECT_EQ(x[0], 0x1234);
	EXPECT_EQ(hw_writes, 0);
}

TEST(pmu_pmccfiltr_write_keeps_nsh_out_of_hardware_and_reads_it_back)
{
	setup();
	ASSERT_EQ(MSR(PMCCFILTR_EL0, 3, NSH | (1ULL << 31)), 0);
	EXPECT_EQ(hw[PMU_PMCCFILTR], 1ULL << 31);
	ASSERT_EQ(MRS(PMCCFILTR_EL0, 4), 0);
	EXPECT_EQ(x[4], NSH | (1ULL << 31));
	ASSERT_EQ(MSR(PMCCFILTR_EL0, 3, 0), 0);
	ASSERT_EQ(MRS(PMCCFILTR_EL0, 4), 0);
	EXPECT_EQ(x[4], 0);
	EXPECT_EQ(hw_bad_calls, 0);
}

TEST(pmu_pmevtyper_nsh_is_kept_per_counter)
{
	setup();
	ASSERT_EQ(MSR(PMEVTYPER(0), 1, NSH | 0x11), 0);
	ASSERT_EQ(MSR(PMEVTYPER(5), 1, 0x08), 0);
	EXPECT_EQ(hw_evtyper[0], 0x11);
	EXPECT_EQ(hw_evtyper[5], 0x08);
	ASSERT_EQ(MRS(PMEVTYPER(0), 2), 0);
	EXPECT_EQ(x[2], NSH | 0x11);
	ASSERT_EQ(MRS(PMEVTYPER(5), 2), 0);
	EXPECT_EQ(x[2], 0x08);
	/* The cycle counter's filter has its own bit. */
	ASSERT_EQ(MRS(PMCCFILTR_EL0, 2), 0);
	EXPECT_EQ(x[2], 0);
	EXPECT_EQ(pmu.nsh, 1U << 0);
}

TEST(pmu_pmxevtyper_goes_to_the_filter_pmselr_selects)
{
	setup();
	ASSERT_EQ(MSR(PMSELR_EL0, 0, 2), 0);
	ASSERT_EQ(MSR(PMXEVTYPER_EL0, 1, NSH | 0x11), 0);
	EXPECT_EQ(hw_evtyper[2], 0x11);
	ASSERT_EQ(MRS(PMXEVTYPER_EL0, 3), 0);
	EXPECT_EQ(x[3], NSH | 0x11);
	ASSERT_EQ(MRS(PMEVTYPER(2), 3), 0);
	EXPECT_EQ(x[3], NSH | 0x11);
	/* SEL = 31: PMCCFILTR_EL0. */
	ASSERT_EQ(MSR(PMSELR_EL0, 0, 31), 0);
	ASSERT_EQ(MSR(PMXEVTYPER_EL0, 1, NSH), 0);
	EXPECT_EQ(hw[PMU_PMCCFILTR], 0);
	ASSERT_EQ(MRS(PMCCFILTR_EL0, 3), 0);
	EXPECT_EQ(x[3], NSH);
	EXPECT_EQ(hw_bad_calls, 0);
}

TEST(pmu_pmxevcntr_goes_to_the_counter_pmselr_selects)
{
	setup();
	hw_evcntr[4] = 0xabcd;
	ASSERT_EQ(MSR(PMSELR_EL0, 0, 4), 0);
	ASSERT_EQ(MRS(PMXEVCNTR_EL0, 5), 0);
	EXPECT_EQ(x[5], 0xabcd);
	ASSERT_EQ(MSR(PMXEVCNTR_EL0, 5, 7), 0);
	EXPECT_EQ(hw_evcntr[4], 7);
}

TEST(pmu_pmxev_with_pmselr_past_the_counters_is_undefined)
{
	setup();
	ASSERT_EQ(MSR(PMSELR_EL0, 0, FAKE_N), 0);
	hw_writes = 0;
	x[1] = 0x55;
	EXPECT_EQ(MRS(PMXEVCNTR_EL0, 1), -EINVAL);
	EXPECT_EQ(x[1], 0x55);
	EXPECT_EQ(MSR(PMXEVTYPER_EL0, 1, NSH), -EINVAL);
	/* PMXEVCNTR_EL0 has no cycle counter behind SEL = 31. */
	ASSERT_EQ(MSR(PMSELR_EL0, 0, 31), 0);
	hw_writes = 0;
	EXPECT_EQ(MRS(PMXEVCNTR_EL0, 1), -EINVAL);
	EXPECT_EQ(MSR(PMXEVCNTR_EL0, 1, 1), -EINVAL);
	EXPECT_EQ(hw_writes, 0);
	EXPECT_EQ(pmu.nsh, 0);
	EXPECT_EQ(hw_bad_calls, 0);
}

TEST(pmu_event_counter_past_pmcr_n_is_undefined)
{
	setup();
	EXPECT_EQ(MRS(PMEVCNTR(FAKE_N - 1), 0), 0);
	x[0] = 0x77;
	EXPECT_EQ(MRS(PMEVCNTR(FAKE_N), 0), -EINVAL);
	EXPECT_EQ(MRS(PMEVCNTR(30), 0), -EINVAL);
	EXPECT_EQ(x[0], 0x77);
	hw_writes = 0;
	EXPECT_EQ(MSR(PMEVCNTR(FAKE_N), 0, 1), -EINVAL);
	EXPECT_EQ(MSR(PMEVTYPER(30), 0, NSH), -EINVAL);
	EXPECT_EQ(hw_writes, 0);
	EXPECT_EQ(pmu.nsh, 0);
}

TEST(pmu_wrong_direction_is_undefined)
{
	setup();
	EXPECT_EQ(MRS(PMSWINC_EL0, 0), -EINVAL);
	EXPECT_EQ(MSR(PMCEID0_EL0, 0, 1), -EINVAL);
	EXPECT_EQ(hw_writes, 0);
	EXPECT_EQ(MSR(PMSWINC_EL0, 0, 1), 0);
	EXPECT_EQ(hw[PMU_PMSWINC], 1);
}

TEST(pmu_el0_access_pmuserenr_forbids_is_undefined)
{
	setup();
	hw[PMU_PMCCFILTR] = 0x42;
	x[0] = 0x99;
	EXPECT_EQ(MRS_EL0(PMCCNTR_EL0, 0), -EINVAL);
	EXPECT_EQ(MRS_EL0(PMCCFILTR_EL0, 0), -EINVAL);
	EXPECT_EQ(MRS_EL0(PMCR_EL0, 0), -EINVAL);
	EXPECT_EQ(x[0], 0x99);
	EXPECT_EQ(MSR_EL0(PMCCFILTR_EL0, 0, NSH), -EINVAL);
	EXPECT_EQ(MSR_EL0(PMCR_EL0, 0, 1), -EINVAL);
	EXPECT_EQ(hw_writes, 0);
	EXPECT_EQ(pmu.nsh, 0);
	/* The same accesses from EL1 are the guest kernel's. */
	EXPECT_EQ(MRS(PMCCFILTR_EL0, 0), 0);
	EXPECT_EQ(x[0], 0x42);
}

TEST(pmu_el0_access_as_each_pmuserenr_bit_allows)
{
	setup();
	hw[PMU_PMUSERENR] = PMUSERENR_CR;
	EXPECT_EQ(MRS_EL0(PMCCNTR_EL0, 0), 0);
	EXPECT_EQ(MSR_EL0(PMCCNTR_EL0, 0, 0), -EINVAL);
	EXPECT_EQ(MRS_EL0(PMEVCNTR(0), 0), -EINVAL);
	hw[PMU_PMUSERENR] = PMUSERENR_ER;
	EXPECT_EQ(MRS_EL0(PMEVCNTR(0), 0), 0);
	EXPECT_EQ(MSR_EL0(PMSELR_EL0, 0, 1), 0);
	EXPECT_EQ(MRS_EL0(PMXEVCNTR_EL0, 0), 0);
	EXPECT_EQ(MSR_EL0(PMEVCNTR(0), 0, 0), -EINVAL);
	EXPECT_EQ(MRS_EL0(PMEVTYPER(0), 0), -EINVAL);
	hw[PMU_PMUSERENR] = PMUSERENR_SW;
	EXPECT_EQ(MSR_EL0(PMSWINC_EL0, 0, 1), 0);
	EXPECT_EQ(MRS_EL0(PMCCNTR_EL0, 0), -EINVAL);
	hw[PMU_PMUSERENR] = PMUSERENR_EN;
	EXPECT_EQ(MSR_EL0(PMCCFILTR_EL0, 0, NSH), 0);
	EXPECT_EQ(hw[PMU_PMCCFILTR], 0);
	EXPECT_EQ(MRS_EL0(PMCCFILTR_EL0, 1), 0);
	EXPECT_EQ(x[1], NSH);
}

TEST(pmu_el0_never_writes_pmuserenr_or_reaches_el1_registers)
{
	setup();
	hw[PMU_PMUSERENR] = PMUSERENR_EN;
	EXPECT_EQ(MRS_EL0(PMUSERENR_EL0, 0), 0);
	EXPECT_EQ(x[0], PMUSERENR_EN);
	hw[PMU_PMUSERENR] = 0;
	EXPECT_EQ(MRS_EL0(PMUSERENR_EL0, 0), 0); /* always readable */
	hw[PMU_PMUSERENR] = PMUSERENR_EN;
	EXPECT_EQ(MSR_EL0(PMUSERENR_EL0, 0, 0xf), -EINVAL);
	EXPECT_EQ(MRS_EL0(PMINTENSET_EL1, 0), -EINVAL);
	EXPECT_EQ(MSR_EL0(PMINTENSET_EL1, 0, 1), -EINVAL);
	EXPECT_EQ(hw[PMU_PMUSERENR], PMUSERENR_EN);
	EXPECT_EQ(hw[PMU_PMINTENSET], 0);
}

TEST(pmu_xzr_writes_zero_and_reads_into_it_are_dropped)
{
	setup();
	hw[PMU_PMCCNTR] = 5;
	ASSERT_EQ(emulate_esr(esr_sys(PMCCNTR_EL0, 31, 0), false), 0);
	EXPECT_EQ(hw[PMU_PMCCNTR], 0);
	memset(x, 0xee, sizeof(x));
	ASSERT_EQ(MRS(PMCR_EL0, 31), 0);
	for (unsigned int i = 0; i < 31; i++)
		EXPECT_EQ(x[i], 0xeeeeeeeeeeeeeeeeULL);
}

TEST(pmu_vcpu_reset_clears_the_shadow_and_every_filter)
{
	setup();
	ASSERT_EQ(MSR(PMEVTYPER(3), 0, NSH | 0x11), 0);
	ASSERT_EQ(MSR(PMCCFILTR_EL0, 0, NSH | (1ULL << 30)), 0);
	hw[PMU_PMUSERENR] = PMUSERENR_EN;
	hw_evtyper[5] = NSH; /* as an UNKNOWN reset value might be */
	pmu_vcpu_reset(&pmu);
	EXPECT_EQ(pmu.nsh, 0);
	for (unsigned int n = 0; n < FAKE_N; n++)
		EXPECT_EQ(hw_evtyper[n], 0);
	EXPECT_EQ(hw[PMU_PMCCFILTR], 0);
	EXPECT_EQ(hw[PMU_PMUSERENR], 0);
	EXPECT_EQ(hw[PMU_PMCR] & PMCR_E, 0);
	EXPECT_EQ(hw[PMU_PMCNTENCLR], 0xffffffffU);
	ASSERT_EQ(MRS(PMCCFILTR_EL0, 1), 0);
	EXPECT_EQ(x[1], 0);
	EXPECT_EQ(hw_bad_calls, 0);
}
