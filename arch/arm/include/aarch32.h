/* SPDX-License-Identifier: MIT */
/*
 * An AArch32 guest's PL1/EL1 as the hypervisor changes it, shared by the
 * arm32 port (ARMv7-A HYP) and AArch32 EL1 guests of the arm64 one
 * (HCR_EL2.RW = 0): stepping past a trapped instruction inside a T32 IT
 * block, the condition check of a trapped conditional instruction, and
 * taking an exception to an AArch32 PL1 mode. Plain values in and out: the
 * caller reads and writes its own register file (arm32: struct vcpu_regs'
 * banks; arm64: the X registers and SPSR_<mode> that hold them, ARM ARM
 * D1.20.1 "Mapping of AArch32 registers to AArch64").
 */
#ifndef VIGIL_AARCH32_H
#define VIGIL_AARCH32_H

#include "compiler.h"

/* CPSR / SPSR fields (DDI 0406C B1.3.3). */
#define A32_MODE_MASK 0x1fU
#define A32_MODE_USR 0x10U
#define A32_MODE_FIQ 0x11U
#define A32_MODE_IRQ 0x12U
#define A32_MODE_SVC 0x13U
#define A32_MODE_ABT 0x17U
#define A32_MODE_UND 0x1bU
#define A32_MODE_SYS 0x1fU
#define A32_PSR_T (1U << 5)
#define A32_PSR_F (1U << 6)
#define A32_PSR_I (1U << 7)
#define A32_PSR_A (1U << 8)
#define A32_PSR_E (1U << 9)
#define A32_PSR_IT_LOW (0x3fU << 10) /* IT[7:2] */
#define A32_PSR_J (1U << 24)
#define A32_PSR_IT_HIGH (0x3U << 25) /* IT[1:0] */

/* SCTLR and TTBCR bits an exception entry reads (B4.1.130, B4.1.153). */
#define A32_SCTLR_V (1U << 13)
#define A32_SCTLR_EE (1U << 25)
#define A32_SCTLR_TE (1U << 30)
#define A32_TTBCR_EAE (1U << 31)

/* Exception vector offsets (B1.8.1). */
#define A32_VEC_UNDEF 0x04U
#define A32_VEC_PABT 0x0cU
#define A32_VEC_DABT 0x10U

/*
 * @cpsr after the instruction it trapped on executed: ITAdvance() (ARM
 * ARM A2.5.2), IT[7:2] in CPSR[15:10], IT[1:0] in CPSR[26:25].
 */
static inline uint32_t a32_it_advance(uint32_t cpsr)
{
	uint32_t it = ((cpsr >> 8) & 0xfc) | ((cpsr >> 25) & 0x3);

	if (!it)
		return cpsr;
	if ((it & 0x7) == 0)
		it = 0;
	else
		it = (it & 0xe0) | ((it << 1) & 0x1f);
	cpsr &= ~(A32_PSR_IT_LOW | A32_PSR_IT_HIGH);
	return cpsr | ((it & 0xfc) << 8) | ((it & 0x3) << 25);
}

/*
 * Whether a trapped conditional instruction passed its condition check
 * (ARM ARM DDI 0487, the ISS CV and COND fields of the AArch32 trap
 * classes, and ConditionHolds()): the syndrome's COND when CV
 * (ISS[24]) is set, else the one PSTATE.IT names (T32 in an IT block),
 * else it was unconditional. A failed one is skipped, not emulated.
 */
static inline bool a32_cond_passed(uint32_t iss, uint32_t cpsr)
{
	uint32_t cond, it, n, z, c, v;
	bool r;

	if (iss & (1U << 24)) {
		cond = (iss >> 20) & 0xf;
	} else {
		it = ((cpsr >> 8) & 0xfc) | ((cpsr >> 25) & 0x3);
		if (!(it & 0xf))
			return true;
		cond = it >> 4;
	}
	n = (cpsr >> 31) & 1;
	z = (cpsr >> 30) & 1;
	c = (cpsr >> 29) & 1;
	v = (cpsr >> 28) & 1;
	switch (cond >> 1) {
	case 0:
		r = z;
		break;
	case 1:
		r = c;
		break;
	case 2:
		r = n;
		break;
	case 3:
		r = v;
		break;
	case 4:
		r = c && !z;
		break;
	case 5:
		r = n == v;
		break;
	case 6:
		r = n == v && !z;
		break;
	default:
		return true; /* AL, and 0b1111 */
	}
	return (cond & 1) ? !r : r;
}

/*
 * Take an exception to PL1 mode @mode (B1.8.3, "Exception entry") from
 * @cpsr at @pc: *@lr gets the return address, @pc plus @lr_arm or
 * @lr_thumb, *@spsr the old CPSR; the new CPSR has the mode, IRQs masked
 * (asynchronous aborts too for Abort mode), IT, J and T cleared, T and E
 * from SCTLR.TE and SCTLR.EE; *@new_pc is the vector @vec at @vbar, or at
 * 0xffff0000 when SCTLR.V selects the high vectors. Returns the new CPSR.
 */
static inline uint32_t a32_exception_entry(uint32_t cpsr, uint32_t pc,
					   uint32_t sctlr, uint32_t vbar,
					   uint32_t mode, uint32_t vec,
					   uint32_t lr_arm, uint32_t lr_thumb,
					   uint32_t *lr, uint32_t *spsr,
					   uint32_t *new_pc)
{
	*spsr = cpsr;
	*lr = pc + ((cpsr & A32_PSR_T) ? lr_thumb : lr_arm);
	cpsr &= ~(A32_MODE_MASK | A32_PSR_T | A32_PSR_J | A32_PSR_E |
		  A32_PSR_IT_LOW | A32_PSR_IT_HIGH);
	cpsr |= mode | A32_PSR_I;
	if (mode == A32_MODE_ABT)
		cpsr |= A32_PSR_A;
	if (sctlr & A32_SCTLR_TE)
		cpsr |= A32_PSR_T;
	if (sctlr & A32_SCTLR_EE)
		cpsr |= A32_PSR_E;
	*new_pc = ((sctlr & A32_SCTLR_V) ? 0xffff0000U : vbar) + vec;
	return cpsr;
}

/* The fault status of a synchronous external abort in the format
 * TTBCR.EAE selects (B4.1.52 DFSR): long-descriptor STATUS 0x10 with bit
 * 9 (LPAE) set, or short-descriptor FS 0b01000; WnR (bit 11) for a
 * data abort's write. */
static inline uint32_t a32_fsr_sea(uint32_t ttbcr, bool write)
{
	return ((ttbcr & A32_TTBCR_EAE) ? ((1U << 9) | 0x10) : 0x08) |
	       (write ? (1U << 11) : 0);
}

struct vcpu;
struct trap_info;

/*
 * Emulate a trapped CP15 MCR/MRC (arch/arm/cp15.c): the PMU's c9
 * registers, ACTLR (reads @actlr, writes ignored), L2CTLR and L2ECTLR.
 * @pl0: the guest was in User mode. 0, or -EINVAL for an access to
 * answer with an undefined instruction.
 */
int cp15_emulate(struct vcpu *v, const struct trap_info *ti, bool pl0,
		 uint32_t actlr);

#endif /* VIGIL_AARCH32_H */
