/* SPDX-License-Identifier: MIT */
/*
 * AArch32 vCPU context in HYP mode: the register file the world switch
 * saves on every exit (entry.S), with every PL1 mode's banked registers,
 * and the CP15 state switched when another vCPU takes the pCPU (vcpu.c).
 *
 * In HYP mode r0-r12 and LR are the User-mode ones (HYP banks only SP,
 * SPSR and ELR_hyp, ARM ARM B1.3.2), so an exit finds the guest's r0-r12
 * and LR_usr live and reaches the other modes' copies with MRS (banked).
 */
#ifndef VIGIL_ASM_VCPU_H
#define VIGIL_ASM_VCPU_H

/* Byte offsets shared with entry.S. */
#define VCPU_REGS_SP_USR 52
#define VCPU_REGS_PC 60
#define VCPU_REGS_CPSR 64
#define VCPU_REGS_BANKED 68
#define VCPU_REGS_FIQ_R 128
#define VCPU_REGS_SIZE 148

/* The banked (SP, LR, SPSR) triples, in this order from VCPU_REGS_BANKED. */
#define BANK_SVC 0
#define BANK_ABT 1
#define BANK_UND 2
#define BANK_IRQ 3
#define BANK_FIQ 4
#define NR_BANKS 5

#ifndef __ASSEMBLY__

#include "aarch32.h"
#include "compiler.h"
#include "pmu.h"

struct vcpu_bank {
	uint32_t sp, lr, spsr;
};

/* Layout shared with arch/arm/arm32/entry.S: keep offsets in step. */
struct vcpu_regs {
	uint32_t r[13];	 /* r0-r12; r8-r12 of every mode but FIQ */
	uint32_t sp_usr; /* SP and LR of User and System mode */
	uint32_t lr_usr;
	uint32_t pc;   /* ELR_hyp */
	uint32_t cpsr; /* SPSR_hyp */
	struct vcpu_bank bank[NR_BANKS];
	uint32_t fiq_r[5]; /* r8_fiq-r12_fiq */
};
_Static_assert(offsetof(struct vcpu_regs, sp_usr) == VCPU_REGS_SP_USR, "sp");
_Static_assert(offsetof(struct vcpu_regs, pc) == VCPU_REGS_PC, "pc");
_Static_assert(offsetof(struct vcpu_regs, cpsr) == VCPU_REGS_CPSR, "cpsr");
_Static_assert(offsetof(struct vcpu_regs, bank) == VCPU_REGS_BANKED, "bank");
_Static_assert(offsetof(struct vcpu_regs, fiq_r) == VCPU_REGS_FIQ_R, "fiq");
_Static_assert(sizeof(struct vcpu_regs) == VCPU_REGS_SIZE, "size");

/* The PL1 CP15 state (B3.17); the virtual timer's too. */
struct vcpu_sysregs {
	uint64_t ttbr0, ttbr1, par, cntv_cval;
	uint32_t sctlr, cpacr, ttbcr, dacr;
	uint32_t dfsr, ifsr, adfsr, aifsr, dfar, ifar;
	uint32_t prrr, nmrr, amair0, amair1, vbar, contextidr;
	uint32_t tpidrurw, tpidruro, tpidrprw, csselr, cntkctl, cntv_ctl;
};

struct vcpu_arch {
	struct vcpu_regs regs;
	struct vcpu_sysregs sys;
	uint32_t hcr; /* HCR while this vCPU runs */
	/* The guest's NSH bits (arch/arm/pmu.c). The PMU itself is not
	 * switched: a vCPU has its pCPU to itself. */
	struct vcpu_pmu pmu;
};

/* A guest register in the hypervisor's native width: r0..r14. */
typedef unsigned long vreg_t;
_Static_assert(sizeof(vreg_t) == sizeof(uint32_t), "A32 registers");

/* The bank that holds SP and LR in CPSR mode @mode; -1 for User, System
 * (and the modes a guest cannot be in). */
static inline int arch_mode_bank(uint32_t mode)
{
	switch (mode & 0x1f) {
	case 0x13:
		return BANK_SVC;
	case 0x17:
		return BANK_ABT;
	case 0x1b:
		return BANK_UND;
	case 0x12:
		return BANK_IRQ;
	case 0x11:
		return BANK_FIQ;
	default:
		return -1;
	}
}

static inline uint32_t *arch_reg_slot(struct vcpu_arch *a, unsigned int n)
{
	struct vcpu_regs *r = &a->regs;
	int b;

	if (n < 8)
		return &r->r[n];
	b = arch_mode_bank(r->cpsr);
	if (n < 13)
		return b == BANK_FIQ ? &r->fiq_r[n - 8] : &r->r[n];
	if (n == 13)
		return b < 0 ? &r->sp_usr : &r->bank[b].sp;
	if (n == 14)
		return b < 0 ? &r->lr_usr : &r->bank[b].lr;
	return NULL; /* 15 (the PC) and TRAP_REG_ZERO: not a register */
}

/* Register @n as a syndrome numbers it (vcpu_get_reg() in include/vm.h),
 * as the mode the guest trapped from banks it: r8-r12 in FIQ mode, SP and
 * LR in every PL1 mode. Anything else reads as 0 and drops writes. */
static inline vreg_t arch_get_reg(const struct vcpu_arch *a, unsigned int n)
{
	uint32_t *p = arch_reg_slot((struct vcpu_arch *)a, n);

	return p ? *p : 0;
}

static inline void arch_set_reg(struct vcpu_arch *a, unsigned int n, vreg_t val)
{
	uint32_t *p = arch_reg_slot(a, n);

	if (p)
		*p = (uint32_t)val;
}

/* An MRC to APSR_nzcv: HSR's Rt is 15 (arch/arm/cp15.c). */
#define A32_RT_APSR_NZCV 15

/* The guest's CPSR.NZCV from @val's bits [31:28] (an MRC to APSR_nzcv). */
static inline void arch_set_nzcv(struct vcpu_arch *a, uint32_t val)
{
	a->regs.cpsr = (a->regs.cpsr & 0x0fffffffU) | (val & 0xf0000000U);
}

/*
 * Step past the trapped instruction: 4 bytes, or 2 for a 16-bit T32 one
 * (@wide: the syndrome's IL bit). Inside a T32 IT block the IT state
 * advances as the instruction had executed (a32_it_advance(), shared with
 * arm64's AArch32 guests).
 */
static inline void arch_skip_insn(struct vcpu_arch *a, bool wide)
{
	a->regs.pc += wide ? 4 : 2;
	a->regs.cpsr = a32_it_advance(a->regs.cpsr);
}

#endif /* __ASSEMBLY__ */
#endif
