/* SPDX-License-Identifier: MIT */
/*
 * Syndrome decoding for traps taken to EL2/HYP. ESR_EL2 (AArch64) and HSR
 * (AArch32) share the encoding: EC in [31:26], IL in [25], ISS in [24:0]
 * (ARM ARM DDI 0487, D17.2.37 "ESR_EL2" and the ISS encodings per EC).
 * Shared by both ARM profiles: no system register is read here; the caller
 * passes the value. The decoded form is the portable struct trap_info.
 */
#ifndef VIGIL_ESR_H
#define VIGIL_ESR_H

#include "compiler.h"
#include "trap.h"

/* Exception classes (ESR_ELx.EC). */
#define ESR_EC_SHIFT 26
#define ESR_EC_MASK 0x3fU
#define ESR_IL (1U << 25)
#define ESR_ISS_MASK 0x1ffffffU

#define ESR_EC_UNKNOWN 0x00
#define ESR_EC_WFX 0x01
#define ESR_EC_CP15_32 0x03 /* MCR/MRC, AArch32 */
#define ESR_EC_CP15_64 0x04 /* MCRR/MRRC, AArch32 */
#define ESR_EC_CP14_32 0x05
#define ESR_EC_CP14_LS 0x06
#define ESR_EC_FP_ASIMD 0x07
#define ESR_EC_CP14_64 0x0c
#define ESR_EC_ILLEGAL 0x0e
#define ESR_EC_SVC32 0x11
#define ESR_EC_HVC32 0x12
#define ESR_EC_SMC32 0x13
#define ESR_EC_SVC64 0x15
#define ESR_EC_HVC64 0x16
#define ESR_EC_SMC64 0x17
#define ESR_EC_SYS64 0x18 /* MSR/MRS/SYS, AArch64 */
#define ESR_EC_IABT_LOW 0x20
#define ESR_EC_IABT_CUR 0x21
#define ESR_EC_PC_ALIGN 0x22
#define ESR_EC_DABT_LOW 0x24
#define ESR_EC_DABT_CUR 0x25
#define ESR_EC_SP_ALIGN 0x26
#define ESR_EC_SERROR 0x2f

/* Data/instruction abort ISS. */
#define ESR_ABT_ISV (1U << 24)
#define ESR_ABT_SAS_SHIFT 22
#define ESR_ABT_SSE (1U << 21)
#define ESR_ABT_SRT_SHIFT 16
#define ESR_ABT_SF (1U << 15)
#define ESR_ABT_AR (1U << 14)
#define ESR_ABT_FNV (1U << 10)
#define ESR_ABT_EA (1U << 9)
#define ESR_ABT_CM (1U << 8)
#define ESR_ABT_S1PTW (1U << 7)
#define ESR_ABT_WNR (1U << 6)
#define ESR_ABT_FSC_MASK 0x3fU

/* Fault status codes (DFSC/IFSC). */
#define ESR_FSC_ADDR_SIZE(l) (0x00U + (l)) /* address size fault, level l */
#define ESR_FSC_TRANS(l) (0x04U + (l))	   /* translation fault, level l */
#define ESR_FSC_ACCESS(l) (0x08U + (l))	   /* access flag fault, level l */
#define ESR_FSC_PERM(l) (0x0cU + (l))	   /* permission fault, level l */
#define ESR_FSC_SEA 0x10U		   /* synchronous external abort */

/*
 * The trap class of a syndrome, without decoding its fields: the run loop's
 * fast re-entry asks it on every trap and decodes only the classes it may
 * serve (HVC, data aborts).
 */
static inline enum trap_class esr_trap_class(uint64_t esr)
{
	switch ((esr >> ESR_EC_SHIFT) & ESR_EC_MASK) {
	case ESR_EC_WFX:
		return TRAP_WFX;
	case ESR_EC_HVC32:
	case ESR_EC_HVC64:
		return TRAP_HVC;
	case ESR_EC_SMC32:
	case ESR_EC_SMC64:
		return TRAP_SMC;
	case ESR_EC_SYS64:
		return TRAP_SYSREG;
	case ESR_EC_CP15_32:
		return TRAP_CP15;
	case ESR_EC_CP15_64:
		return TRAP_CP15_64;
	case ESR_EC_DABT_LOW:
	case ESR_EC_DABT_CUR:
		return TRAP_DABT;
	case ESR_EC_IABT_LOW:
	case ESR_EC_IABT_CUR:
		return TRAP_IABT;
	default:
		return TRAP_UNKNOWN;
	}
}

/* Decode a syndrome; every field the class does not define is 0. */
void trap_decode(uint64_t esr, struct trap_info *ti);

/*
 * For a trap taken from AArch32 with CPSR @cpsr: set ti->cond_failed when
 * the class carries a condition (CV, COND: WFI/WFE, MCR/MRC, MCRR/MRRC,
 * LDC/STC, VMRS, SMC) and the instruction failed it (a32_cond_passed()).
 * Both ARM profiles call it after trap_decode().
 */
void trap_check_cond_a32(struct trap_info *ti, uint32_t cpsr);

/* The abort fields of ISS (both classes; TRAP_IABT stops after FnV). */
static inline void trap_decode_abort(uint32_t iss, struct trap_info *ti)
{
	ti->fsc = iss & ESR_ABT_FSC_MASK;
	ti->s1ptw = iss & ESR_ABT_S1PTW;
	ti->ea = iss & ESR_ABT_EA;
	ti->fnv = iss & ESR_ABT_FNV;
	if (ti->cls == TRAP_IABT)
		return;
	ti->write = iss & ESR_ABT_WNR;
	ti->cm = iss & ESR_ABT_CM;
	ti->isv = iss & ESR_ABT_ISV;
	if (!ti->isv)
		return; /* size, register and extension are unknown */
	ti->size = 1U << ((iss >> ESR_ABT_SAS_SHIFT) & 3);
	ti->sign_extend = iss & ESR_ABT_SSE;
	ti->reg = (iss >> ESR_ABT_SRT_SHIFT) & 31;
	ti->sf = iss & ESR_ABT_SF;
	ti->ar = iss & ESR_ABT_AR;
}

/*
 * A syndrome known to be a data abort (the run loop classified it),
 * decoded inline into what the MMIO emulation and its outcomes read: cls,
 * il, write, s1ptw, isv and, with ISV, size, reg, sign_extend and sf; every
 * other field 0. The MMIO exit is measured (make bench, GICD read): the
 * general decode's switch and calls were 60 instructions, the fields an
 * abort report needs (FSC, EA, CM, ...) another 15.
 */
static inline void trap_decode_dabt(uint64_t esr, struct trap_info *ti)
{
	uint32_t iss = (uint32_t)esr & ESR_ISS_MASK;

	*ti = (struct trap_info){0};
	ti->cls = TRAP_DABT;
	ti->il = esr & ESR_IL;
	ti->write = iss & ESR_ABT_WNR;
	ti->s1ptw = iss & ESR_ABT_S1PTW;
	ti->isv = iss & ESR_ABT_ISV;
	if (!ti->isv)
		return;
	ti->size = 1U << ((iss >> ESR_ABT_SAS_SHIFT) & 3);
	ti->sign_extend = iss & ESR_ABT_SSE;
	ti->reg = (iss >> ESR_ABT_SRT_SHIFT) & 31;
	ti->sf = iss & ESR_ABT_SF;
}

#endif
