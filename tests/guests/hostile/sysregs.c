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
 * it: cycles over HVCs counted with NSH set and clear.
 */
static uint64_t cycles_over_hvcs(bool nsh)
{
	uint64_t c0, c1;

	write_sysreg(nsh ? (1UL << 27) : 0, pmccfiltr_el0);
	write_sysreg(1UL << 31, pmcntenset_el0);
	write_sysreg(read_sysreg(pmcr_el0) | 1, pmcr_el0); /* E */
	isb();
	c0 = read_sysreg(pmccntr_el0);
	for (unsigned int i = 0; i < 200; i++)
		hvc_call(VIGIL_HC_VERSION, 0, 0, 0);
	isb();
	c1 = read_sysreg(pmccntr_el0);
	write_sysreg(1UL << 31, pmcntenclr_el0);
	return c1 - c0;
}

void case_pmu_el2(void)
{
	uint64_t without = cycles_over_hvcs(false);
	uint64_t with = cycles_over_hvcs(true);

	/* Counted at EL2, the 200 exits cost several times more cycles. */
	result("pmu.el2_cycles_hidden", with < 2 * without,
	       "cycles over 200 HVCs: el2-excluded=%lu el2-included=%lu",
	       (unsigned long)without, (unsigned long)with);
}
