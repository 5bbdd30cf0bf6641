/* SPDX-License-Identifier: MIT */
/*
 * CP15 registers the guest must not have, and writes to read-only ones
 * (CP14 debug accesses are not trapped: docs/arm32.md). vigil traps the PMU (HDCR.TPM) and ACTLR (HCR.TAC): a PMU event
 * counter or filter past PMCR.N is refused with an undefined instruction
 * vigil injects (counted); an ACTLR write and PMCR.N are ignored. PL2's own
 * registers (HCR, HSR, VTTBR, HTPIDR, TLBIALLH) and a write to MIDR are
 * UNDEFINED at PL1 by the CPU itself, before vigil: the guest checks the same exception entry but does
 * not count them.
 */
#include "hostile32.h"

#define MRC(op1, crn, crm, op2)                                               \
	({                                                                    \
		unsigned long __v;                                            \
		__asm__ __volatile__("mrc p15, " #op1 ", %0, " #crn ", " #crm \
				     ", " #op2                                \
				     : "=r"(__v)::"memory");                  \
		__v;                                                          \
	})
#define MCR(op1, crn, crm, op2, v)                                    \
	__asm__ __volatile__("mcr p15, " #op1 ", %0, " #crn ", " #crm \
			     ", " #op2 ::"r"((unsigned long)(v))      \
			     : "memory")
#define PMCR_N(v) (((v) >> 11) & 0x1f)

/* One instruction @insn (A32 text, operand %0 in, %1 the PC) expected to
 * be UNDEFINED: the undef vector, UND mode with I set and A as before,
 * LR the instruction + 4, SPSR the CPSR it ran with, %0 unchanged. */
#define UNDEF_PROBE(insn, u)                                      \
	do {                                                      \
		(u)->v = 0x1234;                                  \
		(u)->cpsr = cpsr_read();                          \
		fault_expect();                                   \
		__asm__ __volatile__(".arch_extension virt\n\t"   \
				     "adr %1, 1f\n1:\t" insn      \
				     : "+r"((u)->v),              \
				       "=&r"((u)->pc)::"memory"); \
		(u)->faulted = fault_take(&(u)->f);               \
	} while (0)

struct uprobe {
	unsigned long v, pc, cpsr;
	bool faulted;
	struct fault f;
};

static bool is_undef(const struct uprobe *u)
{
	return u->faulted && u->f.vec == 0x04 && u->f.elr == u->pc &&
	       PSR_MODE(u->f.cpsr) == MODE_UND && (u->f.cpsr & PSR_I) &&
	       !(u->f.cpsr & PSR_T) &&
	       (u->f.cpsr & PSR_A) == (u->cpsr & PSR_A) &&
	       (u->f.spsr & ~PSR_NZCV) == (u->cpsr & ~PSR_NZCV) &&
	       u->v == 0x1234;
}

static void undef_result(const char *name, const struct uprobe *u, bool vigils)
{
	bool ok = is_undef(u);

	if (ok && vigils)
		count_undef();
	result(name, ok,
	       "faulted=%d vec=0x%lx lr-insn=0x%lx cpsr=0x%lx spsr=0x%lx "
	       "(was 0x%lx) v=0x%lx",
	       u->faulted, u->f.vec, u->f.elr - u->pc, u->f.cpsr, u->f.spsr,
	       u->cpsr, u->v);
}

static void cases_pmu(void)
{
	unsigned long n = PMCR_N(MRC(0, c9, c12, 0)), pmcr, after;
	struct uprobe u;

	/* PMSELR past N (not 31, the cycle counter's filter). */
	MCR(0, c9, c12, 5, n);
	UNDEF_PROBE("mrc p15, 0, %0, c9, c13, 2", &u); /* PMXEVCNTR */
	undef_result("cp15.pmxevcntr_beyond_n.read", &u, true);
	UNDEF_PROBE("mcr p15, 0, %0, c9, c13, 2", &u);
	undef_result("cp15.pmxevcntr_beyond_n.write", &u, true);
	MCR(0, c9, c12, 5, 30);
	UNDEF_PROBE("mrc p15, 0, %0, c9, c13, 1", &u); /* PMXEVTYPER */
	undef_result("cp15.pmxevtyper_sel30.read", &u, true);
	UNDEF_PROBE("mcr p15, 0, %0, c9, c13, 1", &u);
	undef_result("cp15.pmxevtyper_sel30.write", &u, true);
	MCR(0, c9, c12, 5, 0);

	/* PMCR.N is read-only: a write of every N bit changes nothing. */
	pmcr = MRC(0, c9, c12, 0);
	MCR(0, c9, c12, 0, (pmcr ^ (0x1fUL << 11)) & ~1UL);
	after = MRC(0, c9, c12, 0);
	MCR(0, c9, c12, 0, pmcr);
	result("cp15.pmcr_n_read_only", PMCR_N(after) == n && n > 0,
	       "n=%lu after=%lu", n, PMCR_N(after));
}

/* PMCR read by MRC into a banked register: SVC's LR, FIQ's LR (x18 and
 * x30 in the syndrome's AArch64 view, gicd.c case_banked_rt): the same
 * value as into r0, and r0 untouched. */
static void case_mrc_banked_lr(void)
{
	register unsigned long svc __asm__("r1"), fiq __asm__("r2");
	unsigned long pmcr = MRC(0, c9, c12, 0);

	__asm__ __volatile__("mov lr, #0\n"
			     "mrc p15, 0, lr, c9, c12, 0\n"
			     "mov r1, lr\n"
			     "cpsid if, #0x11\n"
			     "mov lr, #0\n"
			     "mrc p15, 0, lr, c9, c12, 0\n"
			     "mov r2, lr\n"
			     "cps #0x13\n"
			     : "=r"(svc), "=r"(fiq)
			     :
			     : "lr", "memory");
	result("cp15.mrc_to_banked_lr", svc == pmcr && fiq == pmcr && pmcr,
	       "pmcr=0x%lx svc-lr=0x%lx fiq-lr=0x%lx", pmcr, svc, fiq);
}

static void case_actlr(void)
{
	unsigned long a = MRC(0, c1, c0, 1), b;

	MCR(0, c1, c0, 1, ~a);
	b = MRC(0, c1, c0, 1);
	result("cp15.actlr_write_ignored", a == b, "before=0x%lx after=0x%lx",
	       a, b);
}

static void cases_cpu_undef(void)
{
	struct uprobe u;

	UNDEF_PROBE("mrc p15, 4, %0, c1, c1, 0", &u); /* HCR */
	undef_result("cp15.mrc_hcr", &u, false);
	UNDEF_PROBE("mcr p15, 4, %0, c1, c1, 0", &u);
	undef_result("cp15.mcr_hcr", &u, false);
	UNDEF_PROBE("mrc p15, 4, %0, c5, c2, 0", &u); /* HSR */
	undef_result("cp15.mrc_hsr", &u, false);
	UNDEF_PROBE("mrc p15, 4, %0, c13, c0, 2", &u); /* HTPIDR */
	undef_result("cp15.mrc_htpidr", &u, false);
	UNDEF_PROBE("mcrr p15, 6, %0, %0, c2", &u); /* VTTBR */
	undef_result("cp15.mcrr_vttbr", &u, false);
	UNDEF_PROBE("mcr p15, 4, %0, c8, c7, 0", &u); /* TLBIALLH */
	undef_result("cp15.tlbiallh", &u, false);
	UNDEF_PROBE("mcr p15, 0, %0, c0, c0, 0", &u); /* MIDR */
	undef_result("cp15.mcr_midr", &u, false);
}

void cases_cp15(void)
{
	cases_pmu();
	case_mrc_banked_lr();
	case_actlr();
	cases_cpu_undef();
}
