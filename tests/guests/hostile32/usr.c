/* SPDX-License-Identifier: MIT */
/*
 * The same bad inputs from USR mode (PL0) and from T32 code, and from
 * vCPU 1: vigil's abort is taken to ABT mode whatever mode the access ran
 * in (SPSR.M = USR), from T32 with SPSR.T set, the same LR offsets (a
 * data abort + 8, an undefined instruction + 2 in T32, DDI 0406C B1.8.3),
 * and on vCPU 1 counted on its own pCPU. HVC and SMC are UNDEFINED at PL0
 * (the CPU's, not vigil's).
 */
#include "hostile32.h"

#define MODE_USR 0x10

void usr_run(void (*fn)(void), unsigned long arg, void *usr_sp);
extern char usr_return[];
extern void usr_ldr(void), usr_str(void), usr_hvc(void), usr_smc(void),
	usr_svc(void);
extern unsigned long t32_ldr_w(uint32_t a), t32_ldr_n(uint32_t a),
	t32_mrc_pmxevcntr(uint32_t a);

static uint64_t usr_stack[256] __attribute__((aligned(16)));
static volatile uint32_t svcs;

/* SVC from USR mode: back to usr_run's caller, in SVC mode. */
bool guest_lower_el_sync(struct exc_frame *frame)
{
	if (frame->vec != 0x08 || PSR_MODE(frame->spsr) != MODE_USR)
		return false;
	svcs++;
	frame->elr = (unsigned long)(uintptr_t)usr_return;
	frame->spsr = MODE_SVC | PSR_A | PSR_I | PSR_F;
	return true;
}

/* Runs @fn at PL0 and captures the one exception it takes. */
static bool usr_probe(void (*fn)(void), uint32_t arg, struct fault *f)
{
	uint32_t before = svcs;
	bool faulted;

	fault_expect();
	usr_run(fn, arg, &usr_stack[ARRAY_SIZE(usr_stack)]);
	faulted = fault_take(f);
	if (svcs != before + 1)
		gprintf("hostile: UNEXPECTED: USR run ended without SVC\n");
	return faulted;
}

static void case_usr_abort(const char *name, void (*fn)(void), uint32_t addr,
			   bool write)
{
	unsigned long fsr = FSR_SEA_SHORT | (write ? FSR_WNR : 0);
	struct fault f;
	bool faulted = usr_probe(fn, addr, &f), sea;

	sea = faulted && f.vec == 0x10 && f.esr == fsr;
	if (sea)
		count_abort();
	result(name,
	       sea && f.far == addr && f.elr == (unsigned long)(uintptr_t)fn &&
		       PSR_MODE(f.cpsr) == MODE_ABT &&
		       (f.cpsr & (PSR_A | PSR_I | PSR_T)) == (PSR_A | PSR_I) &&
		       PSR_MODE(f.spsr) == MODE_USR,
	       "faulted=%d vec=0x%lx fsr=0x%lx far=0x%lx lr-insn=0x%lx "
	       "cpsr=0x%lx spsr=0x%lx",
	       faulted, f.vec, f.esr, f.far,
	       f.elr - (unsigned long)(uintptr_t)fn, f.cpsr, f.spsr);
}

static void case_usr_undef(const char *name, void (*fn)(void))
{
	struct fault f;
	bool faulted = usr_probe(fn, 0x84000000, &f);

	result(name,
	       faulted && f.vec == 0x04 &&
		       f.elr == (unsigned long)(uintptr_t)fn &&
		       PSR_MODE(f.cpsr) == MODE_UND &&
		       PSR_MODE(f.spsr) == MODE_USR,
	       "faulted=%d vec=0x%lx lr-insn=0x%lx cpsr=0x%lx spsr=0x%lx",
	       faulted, f.vec, f.elr - (unsigned long)(uintptr_t)fn, f.cpsr,
	       f.spsr);
}

static void cases_usr(void)
{
	struct fault f;
	bool faulted;

	case_usr_abort("usr.unmapped.ldr", usr_ldr, UNMAPPED_PA, false);
	case_usr_abort("usr.vigil_image.str", usr_str, VIGIL_PA, true);
	case_usr_abort("usr.other_vm_canary.ldr", usr_ldr, OTHER_CANARY_PA,
		       false);
	case_usr_undef("usr.hvc", usr_hvc);
	case_usr_undef("usr.smc", usr_smc);
	faulted = usr_probe(usr_svc, 0, &f);
	result("usr.svc_returns", !faulted, "faulted=%d", faulted);
}

/* ---- T32 ---- */

static void case_t32_abort(const char *name, unsigned long (*fn)(uint32_t),
			   uint32_t addr)
{
	unsigned long insn = (unsigned long)(uintptr_t)fn & ~1UL, v;
	unsigned long cpsr = cpsr_read();
	struct fault f;
	bool faulted, sea;

	fault_expect();
	v = fn(addr);
	faulted = fault_take(&f);
	sea = faulted && f.vec == 0x10 && f.esr == FSR_SEA_SHORT;
	if (sea)
		count_abort();
	(void)v;
	result(name,
	       sea && f.far == addr && f.elr == insn &&
		       PSR_MODE(f.cpsr) == MODE_ABT && !(f.cpsr & PSR_T) &&
		       (f.spsr & PSR_T) && PSR_MODE(f.spsr) == MODE_SVC &&
		       (f.spsr & PSR_I) == (cpsr & PSR_I),
	       "faulted=%d vec=0x%lx fsr=0x%lx far=0x%lx lr-insn=0x%lx "
	       "cpsr=0x%lx spsr=0x%lx",
	       faulted, f.vec, f.esr, f.far, f.elr - insn, f.cpsr, f.spsr);
}

/* vigil's undefined instruction from T32: LR = the MRC + 2 (the vector
 * subtracts 4, as for A32, so the captured address is the MRC - 2); the
 * capture returns to the caller (fault_expect_return). */
static void case_t32_undef(void)
{
	unsigned long insn = (unsigned long)(uintptr_t)t32_mrc_pmxevcntr & ~1UL;
	unsigned long n, pmcr;
	struct fault f;
	bool faulted, ok;

	__asm__ __volatile__("mrc p15, 0, %0, c9, c12, 0" : "=r"(pmcr));
	n = (pmcr >> 11) & 0x1f;
	__asm__ __volatile__("mcr p15, 0, %0, c9, c12, 5" ::"r"(n));
	fault_expect_return();
	t32_mrc_pmxevcntr(0);
	faulted = fault_take(&f);
	__asm__ __volatile__("mcr p15, 0, %0, c9, c12, 5" ::"r"(0));
	ok = faulted && f.vec == 0x04 && f.elr + 4 == insn + 2;
	if (ok)
		count_undef();
	result("t32.pmxevcntr_beyond_n.undef",
	       ok && PSR_MODE(f.cpsr) == MODE_UND && !(f.cpsr & PSR_T) &&
		       (f.spsr & PSR_T) && PSR_MODE(f.spsr) == MODE_SVC,
	       "faulted=%d vec=0x%lx lr-insn=0x%lx cpsr=0x%lx spsr=0x%lx",
	       faulted, f.vec, f.elr + 4 - insn, f.cpsr, f.spsr);
}

/* ---- vCPU 1 ---- */

static struct probe vcpu1_probe;
static volatile uint32_t vcpu1_probed;

static void vcpu1_load(unsigned int idx)
{
	(void)idx;
	probe(LDR, OTHER_CANARY_PA, 0, &vcpu1_probe);
	WRITE_ONCE(vcpu1_probed,
		   probe_is_sea(&vcpu1_probe, LDR, OTHER_CANARY_PA, false) ? 1
									   : 2);
}

static void case_vcpu1(void)
{
	uint64_t deadline = deadline_ms(5000);
	int r = vcpu_start(1, vcpu1_load), state;
	char d[200];

	while (r == PSCI_SUCCESS && !READ_ONCE(vcpu1_probed) &&
	       !deadline_passed(deadline))
		cpu_relax();
	do {
		state = psci_affinity_info(vcpu_mpidr(1), 0);
	} while (state != PSCI_AFF_OFF && !deadline_passed(deadline));
	probe_describe(&vcpu1_probe, d, sizeof(d));
	result("mem.other_vm_canary.ldr-vcpu1",
	       r == PSCI_SUCCESS && vcpu1_probed == 1 && state == PSCI_AFF_OFF,
	       "cpu_on=%d %s", r, d);
}

void cases_usr_t32(void)
{
	cases_usr();
	case_t32_abort("t32.unmapped.ldr-w", t32_ldr_w, UNMAPPED_PA);
	case_t32_abort("t32.vigil_image.ldr-n", t32_ldr_n, VIGIL_PA);
	case_t32_undef();
	case_vcpu1();
}
