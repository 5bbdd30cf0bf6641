/* SPDX-License-Identifier: MIT */
/*
 * cp15: what an A32 guest sees of the CP15 registers the arm32 vigil traps
 * (arch/arm/arm32/traps.c), each check one `cp15 <name>: PASS|FAIL` line:
 * ACTLR and L2CTLR/L2ECTLR read-only values, a PMU event counter that
 * does not exist (the UND-mode entry vigil builds: vector, LR, SPSR),
 * the PMU through arch/arm/pmu.c (PMCR.N, the cycle counter, NSH kept
 * virtual), PSCI over SMC and an unknown SMCCC call; and guest MMIO
 * accesses vigil must emulate or refuse: a T32 16-bit load (the PC steps
 * by 2), and A32 forms without a syndrome (writeback, LDRD) that end in
 * an external abort. Then
 * `cp15: <passed> passed, <failed> failed` and SYSTEM_OFF.
 */
#include "guest_gic.h"

static unsigned int passed, failed;

static void check(const char *name, bool ok, const char *fmt, ...)
	__printf(3, 4);
static void check(const char *name, bool ok, const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	gprintf("cp15 %s: %s %s\n", name, ok ? "PASS" : "FAIL", buf);
	if (ok)
		passed++;
	else
		failed++;
}

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

/*
 * The write is ignored. A Cortex-A15 (MIDR part 0xc0f) reads SMP (bit 6)
 * set, and it stays set. An ARMv8 core's AArch32 ACTLR has no SMP bit
 * (a Cortex-A57 keeps SMPEN in CPUECTLR_EL1): there every bit must stay
 * as read when the guest writes them all flipped.
 */
static void check_actlr(void)
{
	bool a15 = ((MRC(0, c0, c0, 0) >> 4) & 0xfff) == 0xc0f;
	unsigned long a = MRC(0, c1, c0, 1), b;

	MCR(0, c1, c0, 1, a15 ? a & ~(1UL << 6) : ~a);
	b = MRC(0, c1, c0, 1);
	check("actlr", (!a15 || (a & (1UL << 6))) && a == b,
	      "read=0x%lx after=0x%lx%s", a, b, a15 ? "" : " (not an A15)");
}

static void check_l2ctlr(unsigned int nr)
{
	unsigned long l2 = MRC(1, c9, c0, 2), l2e = MRC(1, c9, c0, 3);

	MCR(1, c9, c0, 3, 0xffffffffUL);
	check("l2ctlr",
	      ((l2 >> 24) & 3) == nr - 1 && l2e == 0 && MRC(1, c9, c0, 3) == 0,
	      "l2ctlr=0x%lx (cpus %lu) l2ectlr=0x%lx", l2, ((l2 >> 24) & 3) + 1,
	      l2e);
}

/*
 * PMXEVCNTR with PMSELR.SEL past PMCR.N: trapped (HDCR.TPM) and refused by
 * arch/arm/pmu.c, so vigil injects an undefined instruction at the MRC,
 * taken from SVC mode in A32 (test_arm32_cp15.py sees vigil count it).
 * QEMU 7.2 does not trap the implementation-defined registers for
 * HCR.TIDCP in AArch32, and undefines a write to a read-only PMU register
 * itself: neither would show vigil's injection.
 */
/*
 * MRC to APSR_nzcv (ARM ARM DDI 0406C A8.8.108: Rt 15 writes the value's
 * bits [31:28] to the flags), of PMCR, which vigil traps and emulates:
 * the flags, set to the opposite first, become PMCR[31:28]; r0 and the
 * rest of the CPSR keep their values.
 */
static void check_mrc_apsr_nzcv(void)
{
	register unsigned long r0 __asm__("r0");
	unsigned long pmcr = MRC(0, c9, c12, 0), flags, keep = 0x5a5a5a5aUL;

	r0 = keep;
	__asm__ __volatile__("msr APSR_nzcvq, %2\n"
			     "mrc p15, 0, APSR_nzcv, c9, c12, 0\n"
			     "mrs %1, APSR\n"
			     : "+r"(r0), "=r"(flags)
			     : "r"(~pmcr & 0xf0000000UL)
			     : "cc");
	check("pmcr_to_apsr_nzcv",
	      (flags & 0xf0000000UL) == (pmcr & 0xf0000000UL) && r0 == keep,
	      "pmcr=0x%lx nzcv=0x%lx r0=0x%lx", pmcr, flags >> 28, r0);
}

static void check_pmu_undef(void)
{
	unsigned long v = 0x1234, insn, n = PMCR_N(MRC(0, c9, c12, 0));
	struct fault f;
	bool faulted;

	MCR(0, c9, c12, 5, n + 1);
	fault_expect();
	__asm__ __volatile__("adr %1, 1f\n1:\tmrc p15, 0, %0, c9, c13, 2"
			     : "+r"(v), "=&r"(insn)::"memory");
	faulted = fault_take(&f);
	MCR(0, c9, c12, 5, 0);
	check("pmu_counter_past_n_undef",
	      faulted && f.elr == insn && v == 0x1234 && f.esr == 0 &&
		      (f.spsr & 0x1f) == 0x13 && !(f.spsr & (1UL << 5)),
	      "sel=%lu faulted=%d elr=0x%lx insn=0x%lx spsr=0x%lx", n + 1,
	      faulted, f.elr, insn, f.spsr);
}

static void check_pmu(void)
{
	unsigned long pmcr = MRC(0, c9, c12, 0), c0, c1, filt;

	/* The cycle counter, enabled and counting. */
	MCR(0, c9, c12, 1, 1UL << 31);		   /* PMCNTENSET.C */
	MCR(0, c9, c12, 0, pmcr | (1UL << 2) | 1); /* C reset, E */
	c0 = MRC(0, c9, c13, 0);
	for (volatile int i = 0; i < 1000; i++)
		;
	c1 = MRC(0, c9, c13, 0);
	check("pmu_cycles",
	      PMCR_N(pmcr) == PMCR_N(MRC(0, c9, c12, 0)) && c1 > c0,
	      "pmcr.n=%lu ccnt %lu -> %lu", PMCR_N(pmcr), c0, c1);
	/* PMCCFILTR (PMSELR = 31, PMXEVTYPER) with NSH: kept per vCPU. */
	MCR(0, c9, c12, 5, 31);
	MCR(0, c9, c13, 1, 1UL << 27);
	filt = MRC(0, c9, c13, 1);
	check("pmu_nsh_virtual",
	      filt == (1UL << 27) && MRC(0, c9, c12, 5) == 31,
	      "pmccfiltr=0x%lx", filt);
	MCR(0, c9, c13, 1, 0);
	MCR(0, c9, c12, 0, pmcr & ~1UL);
}

static long smc_call(uint32_t fid)
{
	register uint32_t r0 __asm__("r0") = fid;
	register uint32_t r1 __asm__("r1") = 0;
	register uint32_t r2 __asm__("r2") = 0;
	register uint32_t r3 __asm__("r3") = 0;

	__asm__ __volatile__(".arch_extension sec\n\tsmc #0"
			     : "+r"(r0), "+r"(r1), "+r"(r2),
			       "+r"(r3)::"memory");
	return (long)(int32_t)r0;
}

static void check_calls(void)
{
	long v, bad;
	bool undef;

	/* PSCI 1.1, vigil's own answer (core/psci.c), through SMC too.
	 * Natively (no EL3 on QEMU virt without secure=on) SMC is
	 * UNDEFINED: recorded, not fatal, so the native run goes on. */
	fault_expect();
	v = smc_call(PSCI_0_2_VERSION);
	undef = fault_take(NULL);
	bad = hvc_call(0x8400ff00, 0, 0, 0);
	check("smc_psci_version", !undef && v == 0x10001, "0x%lx%s",
	      (unsigned long)v, undef ? " undefined" : "");
	check("unknown_call", bad == PSCI_NOT_SUPPORTED, "%ld", bad);
}

/* GICD_TYPER, GICD + 4: read through A32, the reference value. */
#define GICD_TYPER_OFF 4

/* A 16-bit T32 LDR (T1) from MMIO: vigil emulates it and steps the PC by
 * 2 (HSR.IL = 0). A wrong step lands mid-instruction. */
__attribute__((target("thumb"), noinline)) static unsigned long
thumb_ldr(uintptr_t a)
{
	unsigned long v;

	__asm__ __volatile__("ldr.n %0, [%1]" : "=l"(v) : "l"(a) : "memory");
	return v;
}

static void check_thumb_mmio(void)
{
	uintptr_t typer = gic_dist_base + GICD_TYPER_OFF;
	unsigned long want = mmio_read32(typer);
	unsigned long t = thumb_ldr(typer);

	check("thumb_mmio_load", t == want, "got=0x%lx want=0x%lx", t, want);
}

/* An access vigil cannot emulate (no instruction syndrome): the guest
 * takes a synchronous external abort at the instruction, DFSR 0x008
 * (short-descriptor, TTBCR.EAE = 0), DFAR the address. */
static void check_no_syndrome(const char *name, int kind)
{
	uintptr_t a = gic_dist_base + GICD_TYPER_OFF;
	unsigned long v0 = 0x1111, insn, base = a;
	unsigned long long d = 0x22221111ULL;
	struct fault f;
	bool faulted;

	fault_expect();
	if (kind == 0)
		__asm__ __volatile__("adr %1, 1f\n1:\tldr %0, [%2], #4"
				     : "+r"(v0), "=&r"(insn),
				       "+r"(base)::"memory");
	else
		__asm__ __volatile__("adr %1, 1f\n1:\tldrd %0, %H0, [%2]"
				     : "+r"(d), "=&r"(insn)
				     : "r"(base)
				     : "memory");
	faulted = fault_take(&f);
	check(name,
	      faulted && f.esr == 0x008 && f.far == a && f.elr == insn &&
		      base == a && v0 == 0x1111 && d == 0x22221111ULL,
	      "faulted=%d dfsr=0x%lx dfar=0x%lx elr=0x%lx insn=0x%lx", faulted,
	      f.esr, f.far, f.elr, insn);
}

int main(uint64_t dtb)
{
	unsigned int nr = fdt_nr_cpus(dtb);

	gprintf("cp15: %u vcpus\n", nr);
	check_actlr();
	check_l2ctlr(nr);
	check_mrc_apsr_nzcv();
	check_pmu_undef();
	check_pmu();
	check_calls();
	gic_probe(dtb);
	check_thumb_mmio();
	check_no_syndrome("mmio_writeback_abort", 0);
	check_no_syndrome("mmio_ldrd_abort", 1);
	gprintf("cp15: %u passed, %u failed\n", passed, failed);
	return 0;
}
