/* SPDX-License-Identifier: MIT */
/* AArch64 vCPU context: the register file saved on every exit and the EL1
 * system registers switched when another vCPU takes the pCPU. */
#ifndef VIGIL_ASM_VCPU_H
#define VIGIL_ASM_VCPU_H

#define VCPU_REGS_PC 248
#define VCPU_REGS_PSTATE 256
/* SPSR_EL2.M[4]: the guest was in AArch32 (asm/sysreg.h's PSR_MODE32). */
#define PSR_MODE32_BIT 0x10UL

#ifndef __ASSEMBLY__

#include "aarch32.h"
#include "compiler.h"
#include "pmu.h"

/* Layout shared with arch/arm/arm64/entry.S: keep offsets in step. */
struct vcpu_regs {
	uint64_t x[31];
	uint64_t pc;	 /* ELR_EL2 */
	uint64_t pstate; /* SPSR_EL2 */
};
_Static_assert(offsetof(struct vcpu_regs, pc) == VCPU_REGS_PC, "pc");
_Static_assert(offsetof(struct vcpu_regs, pstate) == VCPU_REGS_PSTATE, "ps");

struct vcpu_sysregs {
	uint64_t sctlr, ttbr0, ttbr1, tcr, mair, amair, vbar, contextidr;
	uint64_t tpidr_el0, tpidrro_el0, tpidr_el1, sp_el0, sp_el1;
	uint64_t elr_el1, spsr_el1, esr, far, afsr0, afsr1, par;
	uint64_t cpacr, cntkctl, csselr, mdscr;
	uint64_t cntv_ctl, cntv_cval;
	/* An AArch32 EL1's own (vigil,aarch32): the other modes' SPSRs
	 * (SPSR_svc is SPSR_EL1), DACR, IFSR and FPEXC. */
	uint64_t spsr_abt, spsr_und, spsr_irq, spsr_fiq;
	uint64_t dacr32, ifsr32, fpexc32;
};

/*
 * An exception injected into an AArch32 EL1 through the trampoline
 * (asm/a32_tramp.h), between the return to the UDF page and the landing:
 * the exception's end state (a32_exception_entry()'s) and what the
 * trampoline borrows of the guest: SCTLR, VBAR, HCR_EL2.VSE and the LRs
 * of the modes QEMU's exception entry may land in (IRQ, ABT, UND, FIQ).
 */
struct a32_tramp {
	bool active;
	uint32_t mode, cpsr, pc, lr, spsr;
	uint64_t sctlr, vbar, vse;
	uint64_t lr_irq, lr_abt, lr_und, lr_fiq;
};

struct vcpu_arch {
	struct vcpu_regs regs;
	struct vcpu_sysregs sys;
	uint64_t hcr; /* HCR_EL2 while this vCPU runs */
	/* The guest's NSH bits. The PMU itself is not switched: a vCPU has
	 * its pCPU to itself (config refuses two vCPUs on a pCPU). */
	struct vcpu_pmu pmu;
	struct a32_tramp tramp;
};

/* A guest register in the hypervisor's native width: x0..x30. An AArch32
 * guest's r0..r14 of every mode are in their low half (ARM ARM DDI 0487,
 * "Mapping of AArch32 registers to AArch64": x13/x14 SP/LR of User, x16-
 * x23 LR/SP of IRQ, SVC, Abort, Undefined, x24-x30 r8-r12, SP, LR of
 * FIQ), and a syndrome's register number from AArch32 already names the
 * X register of the mode that trapped. */
typedef unsigned long vreg_t;
_Static_assert(sizeof(vreg_t) == sizeof(uint64_t), "X registers");

/* Register @n as a syndrome numbers it (vcpu_get_reg() in include/vm.h):
 * 31 is XZR, which reads as 0 and drops writes. */
static inline vreg_t arch_get_reg(const struct vcpu_arch *a, unsigned int n)
{
	return n < 31 ? a->regs.x[n] : 0;
}

/*
 * For an AArch32 guest the value's low half only: on the return from
 * AArch32 the X registers' upper halves are zero or what they held before
 * (ARM ARM pseudocode AArch64.MaybeZeroRegisterUppers()), so vigil keeps them zero to read r0..r14 as they are.
 */
static inline void arch_set_reg(struct vcpu_arch *a, unsigned int n, vreg_t val)
{
	if (unlikely(a->regs.pstate & PSR_MODE32_BIT))
		val = (uint32_t)val;
	if (n < 31)
		a->regs.x[n] = val;
}

/*
 * The X register that holds an AArch32 guest's r@n in mode @cpsr's (ARM
 * ARM DDI 0487 D1.20.1, "Mapping of AArch32 registers to AArch64"): r8-
 * r12 and r13-r14 are banked. r15 (MRC's APSR_nzcv) has none: 31, which
 * reads as 0 and drops writes. What ESR_EL2 itself should report
 * (SRT, Rt and Rt2 from AArch32 are "the AArch64 view of the register")
 * but QEMU does not for a data abort's SRT: arm64_a32_rt_raw.
 */
static inline unsigned int a32_view_xreg(unsigned int n, uint32_t cpsr)
{
	uint32_t mode = cpsr & A32_MODE_MASK;

	if (n < 8 || n > 14)
		return n < 8 ? n : 31;
	if (mode == A32_MODE_FIQ)
		return n + 16; /* x24-x30 */
	if (n < 13 || mode == A32_MODE_USR || mode == A32_MODE_SYS)
		return n;
	switch (mode) {
	case A32_MODE_IRQ:
		return n == 13 ? 17 : 16;
	case A32_MODE_SVC:
		return n == 13 ? 19 : 18;
	case A32_MODE_ABT:
		return n == 13 ? 21 : 20;
	case A32_MODE_UND:
		return n == 13 ? 23 : 22;
	default: /* HYP: SP_hyp is x15, its LR LR_usr */
		return n == 13 ? 15 : 14;
	}
}

/* An AArch32 MRC to APSR_nzcv: ESR_EL2's Rt is 31, there being no X
 * register for r15 (QEMU's aarch64_regnum(); arch/arm/cp15.c). */
#define A32_RT_APSR_NZCV 31

/* The guest's PSTATE.NZCV from @val's bits [31:28] (an MRC to APSR_nzcv). */
static inline void arch_set_nzcv(struct vcpu_arch *a, uint32_t val)
{
	a->regs.pstate = (a->regs.pstate & ~0xf0000000UL) | (val & 0xf0000000U);
}

/* Step past the trapped instruction: 4 bytes, or 2 for a 16-bit T32 one
 * (@wide: the syndrome's IL bit); in an AArch32 guest's T32 IT block the
 * IT state advances (a32_it_advance(), shared with the arm32 port). */
static inline void arch_skip_insn(struct vcpu_arch *a, bool wide)
{
	a->regs.pc += wide ? 4 : 2;
	if (unlikely(a->regs.pstate & PSR_MODE32_BIT))
		a->regs.pstate = a32_it_advance((uint32_t)a->regs.pstate);
}

#endif /* __ASSEMBLY__ */
#endif
