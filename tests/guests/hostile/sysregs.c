/* SPDX-License-Identifier: MIT */
/*
 * System registers: what vigil traps (HCR_EL2.TIDCP: the IMPLEMENTATION
 * DEFINED encodings, op0 = 3 with CRn = 11 or 15; HCR_EL2.TACR: ACTLR_EL1)
 * comes back as an undefined instruction vigil injects (EC 0, ELR = the
 * instruction). EL2/EL3 registers and UDF are undefined at EL1 by the
 * architecture: the CPU raises those without vigil. And the FP/SIMD
 * registers a vCPU starts with hold nothing of vigil's or of another VM.
 */
#include "hostile.h"

#define SYS_PROBE(insn)                              \
	__asm__ __volatile__("adr %1, 1f\n1:\t" insn \
			     : "+r"(v), "=&r"(pc)    \
			     :                       \
			     : "memory")

enum sysop {
	L2ACTLR_EL1_RD,
	L2ACTLR_EL1_WR,
	IMPDEF_S3_0_C11_C0_0_RD,
	IMPDEF_S3_7_C15_C15_7_RD,
	IMPDEF_S3_3_C15_C2_1_WR,
	ACTLR_EL1_RD,
	ACTLR_EL1_WR,
	/* Undefined at EL1 without vigil: */
	UDF,
	HCR_EL2_RD,
	VTTBR_EL2_WR,
	SCR_EL3_RD,
	TLBI_ALLE2,
	AT_S12E1R,
};

enum trap_by {
	TRAP_NONE, /* undefined at EL1: the CPU raises it, vigil never sees it */
	TRAP_TIDCP, /* HCR_EL2.TIDCP, IMPLEMENTATION DEFINED encodings */
	TRAP_TACR,  /* HCR_EL2.TACR, ACTLR_EL1 */
};

static const struct sysop_desc {
	const char *name;
	enum trap_by by;
} sysops[] = {
	[L2ACTLR_EL1_RD] = {"mrs_l2actlr_el1", TRAP_TIDCP},
	[L2ACTLR_EL1_WR] = {"msr_l2actlr_el1", TRAP_TIDCP},
	[IMPDEF_S3_0_C11_C0_0_RD] = {"mrs_s3_0_c11_c0_0", TRAP_TIDCP},
	[IMPDEF_S3_7_C15_C15_7_RD] = {"mrs_s3_7_c15_c15_7", TRAP_TIDCP},
	[IMPDEF_S3_3_C15_C2_1_WR] = {"msr_s3_3_c15_c2_1", TRAP_TIDCP},
	[ACTLR_EL1_RD] = {"mrs_actlr_el1", TRAP_TACR},
	[ACTLR_EL1_WR] = {"msr_actlr_el1", TRAP_TACR},
	[UDF] = {"udf", TRAP_NONE},
	[HCR_EL2_RD] = {"mrs_hcr_el2", TRAP_NONE},
	[VTTBR_EL2_WR] = {"msr_vttbr_el2", TRAP_NONE},
	[SCR_EL3_RD] = {"mrs_scr_el3", TRAP_NONE},
	[TLBI_ALLE2] = {"tlbi_alle2", TRAP_NONE},
	[AT_S12E1R] = {"at_s12e1r", TRAP_NONE},
};

/*
 * Whether the CPU honours HCR_EL2.TIDCP. L2ACTLR_EL1 (S3_1_C15_C0_0) is a
 * register of the Cortex-A57: with TIDCP honoured the access traps to
 * vigil, which injects an undefined instruction. QEMU before 8.1 ignores
 * TIDCP: the guest then reads and writes QEMU's stand-in L2ACTLR (RAZ/WI),
 * and the other IMPLEMENTATION DEFINED encodings, which QEMU does not
 * know, are undefined by the CPU itself without reaching vigil.
 */
static bool tidcp_honoured = true;

static void case_sysop(enum sysop op)
{
	uint64_t v = POISON, pc = 0;
	char name[64];
	struct fault f = {0};
	enum trap_by by;
	bool faulted;

	fault_expect();
	switch (op) {
	case L2ACTLR_EL1_RD:
		SYS_PROBE("mrs %0, S3_1_C15_C0_0");
		break;
	case L2ACTLR_EL1_WR:
		SYS_PROBE("msr S3_1_C15_C0_0, %0");
		break;
	case IMPDEF_S3_0_C11_C0_0_RD:
		SYS_PROBE("mrs %0, S3_0_C11_C0_0");
		break;
	case IMPDEF_S3_7_C15_C15_7_RD:
		SYS_PROBE("mrs %0, S3_7_C15_C15_7");
		break;
	case IMPDEF_S3_3_C15_C2_1_WR:
		SYS_PROBE("msr S3_3_C15_C2_1, %0");
		break;
	case ACTLR_EL1_RD:
		SYS_PROBE("mrs %0, actlr_el1");
		break;
	case ACTLR_EL1_WR:
		SYS_PROBE("msr actlr_el1, %0");
		break;
	case UDF:
		SYS_PROBE("udf #0x1234");
		break;
	case HCR_EL2_RD:
		SYS_PROBE("mrs %0, hcr_el2");
		break;
	case VTTBR_EL2_WR:
		/* Were it allowed, the guest would pick its own stage 2. */
		SYS_PROBE("msr vttbr_el2, xzr");
		break;
	case SCR_EL3_RD:
		SYS_PROBE("mrs %0, scr_el3");
		break;
	case TLBI_ALLE2:
		SYS_PROBE("tlbi alle2");
		break;
	case AT_S12E1R:
		SYS_PROBE("at s12e1r, %0");
		break;
	}
	faulted = fault_take(&f);
	if (op == L2ACTLR_EL1_RD)
		tidcp_honoured = faulted;
	by = sysops[op].by;
	if (faulted && f.esr == ESR_UNDEF &&
	    (by == TRAP_TACR || (by == TRAP_TIDCP && tidcp_honoured)))
		count_undef();
	snprintf(name, sizeof(name), "sys.%s", sysops[op].name);
	if (!faulted && (op == L2ACTLR_EL1_RD || op == L2ACTLR_EL1_WR)) {
		result(name, false,
		       "not trapped: the CPU ignores HCR_EL2.TIDCP (val=0x%lx)",
		       (unsigned long)v);
		return;
	}
	result(name,
	       faulted && f.esr == ESR_UNDEF && f.elr == pc &&
		       f.type == EXC_SYNC_SPX && v == POISON,
	       "%s esr=0x%lx elr-pc=%ld val=0x%lx",
	       by == TRAP_TACR			    ? "trapped-by-vigil(TACR)"
	       : by == TRAP_TIDCP && tidcp_honoured ? "trapped-by-vigil(TIDCP)"
	       : by == TRAP_TIDCP ? "undefined-at-el1(no-TIDCP)"
				  : "undefined-at-el1",
	       (unsigned long)f.esr, (long)(f.elr - pc), (unsigned long)v);
}

/*
 * Q0-Q31, FPCR and FPSR as the vCPU finds them. QEMU resets them to 0;
 * anything else was left by whoever ran on this pCPU before the vCPU
 * (vigil builds every VM's DTB on pCPU 0 with libfdt, which uses FP/SIMD
 * registers).
 */
void case_fpsimd_clean(const char *who)
{
	uint64_t lo[32], hi[32], fpcr, fpsr;
	unsigned int dirty = 0, first = 32;
	char name[48];

	write_sysreg(3UL << 20, cpacr_el1); /* FPEN: no FP traps at EL1 */
	isb();
#define RDQ(n)                                                          \
	__asm__ __volatile__("fmov %0, d" #n "\n\tmov %1, v" #n ".d[1]" \
			     : "=r"(lo[n]), "=r"(hi[n]))
	RDQ(0);
	RDQ(1);
	RDQ(2);
	RDQ(3);
	RDQ(4);
	RDQ(5);
	RDQ(6);
	RDQ(7);
	RDQ(8);
	RDQ(9);
	RDQ(10);
	RDQ(11);
	RDQ(12);
	RDQ(13);
	RDQ(14);
	RDQ(15);
	RDQ(16);
	RDQ(17);
	RDQ(18);
	RDQ(19);
	RDQ(20);
	RDQ(21);
	RDQ(22);
	RDQ(23);
	RDQ(24);
	RDQ(25);
	RDQ(26);
	RDQ(27);
	RDQ(28);
	RDQ(29);
	RDQ(30);
	RDQ(31);
#undef RDQ
	fpcr = read_sysreg(fpcr);
	fpsr = read_sysreg(fpsr);
	write_sysreg(0, cpacr_el1);
	isb();
	for (unsigned int i = 0; i < 32; i++)
		if (lo[i] || hi[i]) {
			dirty++;
			if (first == 32)
				first = i;
		}
	snprintf(name, sizeof(name), "fpsimd.clean_at_entry_%s", who);
	result(name, dirty == 0 && fpcr == 0 && fpsr == 0,
	       "dirty-q-regs=%u first=q%u (0x%016lx%016lx) fpcr=0x%lx "
	       "fpsr=0x%lx",
	       dirty, first, (unsigned long)(first < 32 ? hi[first] : 0),
	       (unsigned long)(first < 32 ? lo[first] : 0), (unsigned long)fpcr,
	       (unsigned long)fpsr);
}

void cases_sysregs(void)
{
	for (unsigned int op = 0; op < ARRAY_SIZE(sysops); op++)
		case_sysop((enum sysop)op);
}

/*
 * The guest has every PMU counter (MDCR_EL2.HPMN = PMCR_EL0.N), but its
 * PMU accesses trap to vigil (MDCR_EL2.TPM). PMCCFILTR_EL0.NSH asks the
 * cycle counter to count at EL2 too; on an ARMv8.0 PMU (Cortex-A57) only
 * that trap stops it, vigil keeping NSH out of the hardware. Were NSH to
 * reach it, a guest could time vigil's work on its behalf. This measures
 * it: the cycles of one HVC counted with NSH set and clear at once.
 */
#define NSH (1UL << 27)
#define EV_CPU_CYCLES 0x11
#define EV_INST_RETIRED 0x08
#define PMUSERENR_EN 1UL

static unsigned int pmu_counters(void)
{
	return (unsigned int)(read_sysreg(pmcr_el0) >> 11) & 0x1f;
}

#define PMCR_E 1UL
#define PMCR_P (1UL << 1)
#define PMCR_C (1UL << 2)
#define CCNT_EN (1UL << 31)
#define PMU_SAMPLES 31

static int64_t median(int64_t *v, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++)
		for (unsigned int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			int64_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

/*
 * One HVC counted by two counters at once, both counting CPU cycles at
 * EL0 and EL1: the one under test (the cycle counter if @evcnt0 is false,
 * else event counter 0) with NSH set, the other with NSH clear. One
 * PMCR_EL0 write (E, P and C) zeroes and starts both, another stops both,
 * so both see the same window: at EL1 they count the same time, however
 * long the host kept this vCPU waiting there. *@el1 is the one without
 * NSH; the return value is how many more the one with NSH counted.
 */
static int64_t nsh_extra(bool evcnt0, uint64_t *el1)
{
	uint64_t pmcr = read_sysreg(pmcr_el0) & ~(PMCR_E | PMCR_P | PMCR_C);
	uint64_t cc, ev;

	write_sysreg(evcnt0 ? 0 : NSH, pmccfiltr_el0);
	write_sysreg((evcnt0 ? NSH : 0) | EV_CPU_CYCLES, pmevtyper0_el0);
	write_sysreg(CCNT_EN | 1UL, pmcntenset_el0);
	isb();
	write_sysreg(pmcr | PMCR_E | PMCR_P | PMCR_C, pmcr_el0);
	isb();
	hvc_call(VIGIL_HC_VERSION, 0, 0, 0);
	write_sysreg(pmcr, pmcr_el0);
	isb();
	cc = read_sysreg(pmccntr_el0);
	ev = read_sysreg(pmevcntr0_el0) & 0xffffffffUL; /* 32 bits */
	write_sysreg(CCNT_EN | 1UL, pmcntenclr_el0);
	*el1 = evcnt0 ? cc : ev;
	return evcnt0 ? (int64_t)ev - (int64_t)cc : (int64_t)cc - (int64_t)ev;
}

/*
 * QEMU's cycles are the host's nanoseconds, so a loaded host inflates
 * any one measurement (and a lock QEMU takes on every exception entry
 * makes the wait land at EL1). Counting the same window twice cancels
 * that: with NSH hidden, the two counts agree to a few cycles of QEMU
 * reading its clock once per counter; counted at EL2, the one with NSH
 * also has vigil's HVC handling, never less than a whole exit's work.
 * The median of the differences (one preemption between QEMU's two clock
 * reads is an outlier either way) is compared with the least EL1 count,
 * the floor of the vCPU's own part of a window, which load only raises.
 */
static void case_pmu_el2_counts(const char *name, bool evcnt0)
{
	int64_t extra[PMU_SAMPLES];
	uint64_t el1_min = ~0UL;
	int64_t med;

	for (unsigned int i = 0; i < PMU_SAMPLES; i++) {
		uint64_t el1;

		extra[i] = nsh_extra(evcnt0, &el1);
		el1_min = el1 < el1_min ? el1 : el1_min;
	}
	med = median(extra, PMU_SAMPLES);
	result(name, el1_min > 0 && 2 * med < (int64_t)el1_min,
	       "one HVC, two counters, %u times: el2-excluded least=%lu "
	       "el2-included minus it median=%ld",
	       PMU_SAMPLES, (unsigned long)el1_min, (long)med);
}

/* The guest reads back the filters exactly as it wrote them, NSH too,
 * though vigil keeps NSH out of the hardware. */
static void case_pmu_filters_read_back(void)
{
	uint64_t cc_set, cc_clr, t0, t1, xt, t0_via, cc_via;
	bool ok;

	write_sysreg(NSH | (1UL << 31), pmccfiltr_el0);
	cc_set = read_sysreg(pmccfiltr_el0);
	write_sysreg(0, pmccfiltr_el0);
	cc_clr = read_sysreg(pmccfiltr_el0);
	result("pmu.pmccfiltr_reads_back_nsh",
	       cc_set == (NSH | (1UL << 31)) && cc_clr == 0,
	       "wrote 0x%lx read 0x%lx; wrote 0 read 0x%lx",
	       (unsigned long)(NSH | (1UL << 31)), (unsigned long)cc_set,
	       (unsigned long)cc_clr);

	write_sysreg(NSH | EV_CPU_CYCLES, pmevtyper0_el0);
	write_sysreg(EV_INST_RETIRED, pmevtyper1_el0);
	t0 = read_sysreg(pmevtyper0_el0);
	t1 = read_sysreg(pmevtyper1_el0);
	result("pmu.pmevtyper0_reads_back_nsh",
	       t0 == (NSH | EV_CPU_CYCLES) && t1 == EV_INST_RETIRED,
	       "pmevtyper0 wrote 0x%lx read 0x%lx; pmevtyper1 wrote 0x%lx "
	       "read 0x%lx",
	       (unsigned long)(NSH | EV_CPU_CYCLES), (unsigned long)t0,
	       (unsigned long)EV_INST_RETIRED, (unsigned long)t1);

	/* PMSELR_EL0.SEL = 0: PMXEVTYPER_EL0 is PMEVTYPER0_EL0. */
	write_sysreg(0, pmselr_el0);
	isb();
	write_sysreg(NSH | EV_INST_RETIRED, pmxevtyper_el0);
	xt = read_sysreg(pmxevtyper_el0);
	t0_via = read_sysreg(pmevtyper0_el0);
	ok = xt == (NSH | EV_INST_RETIRED) && t0_via == xt;
	/* SEL = 31: PMXEVTYPER_EL0 is PMCCFILTR_EL0. */
	write_sysreg(31, pmselr_el0);
	isb();
	write_sysreg(NSH, pmxevtyper_el0);
	cc_via = read_sysreg(pmccfiltr_el0);
	ok = ok && cc_via == NSH && read_sysreg(pmxevtyper_el0) == NSH;
	result("pmu.pmxevtyper_reads_back_nsh", ok,
	       "sel=0 wrote 0x%lx read 0x%lx pmevtyper0=0x%lx; sel=31 wrote "
	       "0x%lx pmccfiltr=0x%lx",
	       (unsigned long)(NSH | EV_INST_RETIRED), (unsigned long)xt,
	       (unsigned long)t0_via, (unsigned long)NSH,
	       (unsigned long)cc_via);
	write_sysreg(0, pmccfiltr_el0);
	write_sysreg(0, pmevtyper0_el0);
	write_sysreg(0, pmevtyper1_el0);
	write_sysreg(0, pmselr_el0);
	isb();
}

/*
 * Who raised an undefined instruction: vigil writes FAR_EL1 = 0 when it
 * injects one; the CPU's own leaves the marker (QEMU does not write
 * FAR_EL1 for EC 0). Only vigil's are counted.
 */
#define FAR_MARK 0xfa5eUL

static void pmu_undef_result(const char *name, bool faulted,
			     const struct fault *f, uint64_t pc, uint64_t v)
{
	bool by_vigil = faulted && f->esr == ESR_UNDEF && f->far == 0;

	if (by_vigil)
		count_undef();
	result(name,
	       faulted && f->esr == ESR_UNDEF && f->elr == pc &&
		       f->type == EXC_SYNC_SPX && v == POISON,
	       "%s esr=0x%lx elr-pc=%ld val=0x%lx",
	       !faulted	  ? "not-undefined"
	       : by_vigil ? "undefined-by-vigil"
			  : "undefined-by-cpu",
	       (unsigned long)f->esr, (long)(f->elr - pc), (unsigned long)v);
}

/*
 * Event counters past PMCR_EL0.N: PMEVCNTR30_EL0 (QEMU's Cortex-A57 has
 * N = 6 and does not implement the encoding: its CPU undefines it before
 * MDCR_EL2.TPM), and PMXEVCNTR_EL0 with PMSELR_EL0.SEL = N, which traps
 * to vigil (CONSTRAINED UNPREDICTABLE; vigil makes it undefined).
 */
static void case_pmu_counter_beyond_n(void)
{
	unsigned int n = pmu_counters();
	uint64_t v = POISON, pc = 0;
	struct fault f = {0};
	bool faulted;

	if (n > 30) {
		result("pmu.pmevcntr_beyond_n_undefined", false,
		       "PMCR_EL0.N=%u: no counter number past N", n);
	} else {
		write_sysreg(FAR_MARK, far_el1);
		fault_expect();
		SYS_PROBE("mrs %0, pmevcntr30_el0");
		faulted = fault_take(&f);
		pmu_undef_result("pmu.pmevcntr_beyond_n_undefined", faulted, &f,
				 pc, v);
	}

	write_sysreg(n, pmselr_el0);
	isb();
	v = POISON;
	f = (struct fault){0};
	write_sysreg(FAR_MARK, far_el1);
	fault_expect();
	SYS_PROBE("mrs %0, pmxevcntr_el0");
	faulted = fault_take(&f);
	pmu_undef_result("pmu.pmxevcntr_beyond_n_undefined", faulted, &f, pc,
			 v);
	write_sysreg(0, pmselr_el0);
	isb();
}

/*
 * EL0 and PMUSERENR_EL0. With EN clear an EL0 write of PMCCFILTR_EL0 is
 * not done: the CPU takes it to EL1 itself (EC 0x18, ahead of
 * MDCR_EL2.TPM), or vigil, should it get it, injects an undefined
 * instruction. With EN set the EL0 read reaches vigil and returns what EL1
 * wrote, NSH included.
 */
/* msr pmccfiltr_el0, x2: EC 0x18, IL, Op0 3, Op2 7, Op1 3, CRn 14, Rt 2,
 * CRm 15, write. */
#define ESR_MSR_PMCCFILTR_X2 0x623ef85eUL

static void case_pmu_el0(void)
{
	static volatile uint64_t seen;
	struct fault f = {0};
	uint64_t after;
	bool faulted, by_cpu, by_vigil;

	write_sysreg(0, pmuserenr_el0);
	write_sysreg(0, pmccfiltr_el0);
	isb();
	faulted = el0_run(el0_msr_pmccfiltr, NSH | (1UL << 30), &f);
	after = read_sysreg(pmccfiltr_el0);
	by_cpu = faulted && f.esr == ESR_MSR_PMCCFILTR_X2;
	by_vigil = faulted && f.esr == ESR_UNDEF;
	if (by_vigil)
		count_undef();
	result("pmu.el0_denied_by_pmuserenr",
	       (by_cpu || by_vigil) &&
		       f.elr == (uint64_t)(uintptr_t)el0_msr_pmccfiltr &&
		       after == 0,
	       "%s esr=0x%lx pmccfiltr-after=0x%lx",
	       by_cpu	  ? "trapped-to-el1-by-cpu"
	       : by_vigil ? "undefined-by-vigil"
			  : "not-refused",
	       (unsigned long)f.esr, (unsigned long)after);

	write_sysreg(PMUSERENR_EN, pmuserenr_el0);
	write_sysreg(NSH | (1UL << 31), pmccfiltr_el0);
	isb();
	seen = POISON;
	faulted = el0_run(el0_mrs_pmccfiltr, (uint64_t)(uintptr_t)&seen, &f);
	result("pmu.el0_allowed_by_pmuserenr",
	       !faulted && seen == (NSH | (1UL << 31)),
	       "faulted=%d esr=0x%lx el0-read=0x%lx", faulted,
	       (unsigned long)(faulted ? f.esr : 0), (unsigned long)seen);
	write_sysreg(0, pmuserenr_el0);
	write_sysreg(0, pmccfiltr_el0);
	isb();
}

void cases_pmu(void)
{
	case_pmu_el2_counts("pmu.el2_cycles_hidden", false);
	case_pmu_el2_counts("pmu.el2_events_hidden", true);
	case_pmu_filters_read_back();
	case_pmu_counter_beyond_n();
	case_pmu_el0();
}
