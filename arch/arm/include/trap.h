/* SPDX-License-Identifier: MIT */
/*
 * Syndrome decoding for traps taken to EL2/HYP. ESR_EL2 (AArch64) and HSR
 * (AArch32) share the encoding: EC in [31:26], IL in [25], ISS in [24:0]
 * (ARM ARM DDI 0487, D17.2.37 "ESR_EL2" and the ISS encodings per EC).
 * Portable: no system register is read here; the caller passes the value.
 */
#ifndef VIGIL_TRAP_H
#define VIGIL_TRAP_H

#include "compiler.h"
#include "mmio.h"

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

/* The only register number that differs from a plain index: in the
 * load/store and MSR/MRS syndromes, 31 is XZR (reads 0, writes ignored). */
#define TRAP_REG_XZR 31

enum trap_class {
	TRAP_UNKNOWN, /* EC 0 or any class vigil does not handle */
	TRAP_WFX,     /* WFI / WFE */
	TRAP_HVC,     /* HVC, AArch64 or AArch32 */
	TRAP_SMC,     /* SMC, AArch64 or AArch32 */
	TRAP_SYSREG,  /* MSR / MRS / SYS, AArch64 */
	TRAP_CP15,    /* MCR / MRC p15, AArch32 */
	TRAP_CP15_64, /* MCRR / MRRC p15, AArch32 */
	TRAP_DABT,    /* data abort (stage 2 or EL2's own) */
	TRAP_IABT,    /* instruction abort */
};

/*
 * Aligned to 16 so that trap_decode() clears it with five inline STP XZR: at
 * its natural 4-byte alignment, under -mstrict-align, GCC called picolibc's
 * byte-wise memset, 364 of the 1,484 instructions of a null hypercall.
 */
struct trap_info {
	enum trap_class cls;
	uint32_t ec;
	uint32_t iss;
	bool il;      /* 32-bit instruction (A64, A32, T32 wide) */
	bool same_el; /* aborts: taken from EL2 itself, not from a guest */
	/* TRAP_DABT (size, reg, sign_extend, sf only when isv) */
	bool isv, write, sign_extend, sf, ar, ea, cm, fnv;
	unsigned int size; /* bytes: 1, 2, 4, 8 */
	unsigned int reg;  /* SRT: 0..30, or TRAP_REG_XZR */
	uint32_t fsc;	   /* DFSC / IFSC, also for TRAP_IABT */
	bool s1ptw;	   /* fault on a stage-1 walk, also for TRAP_IABT */
	/* TRAP_SYSREG (op0..op2, crn, crm, rt, read), TRAP_CP15 (op1, crn,
	 * crm, op2, rt, read), TRAP_CP15_64 (op1, crm, rt, rt2, read) */
	unsigned int op0, op1, crn, crm, op2, rt, rt2;
	bool read; /* MRS / MRC / MRRC */
	/* TRAP_WFX */
	bool wfe;
	/* TRAP_HVC, TRAP_SMC (AArch64 SMC and both HVCs; 0 for SMC32) */
	uint16_t imm16;
} __attribute__((aligned(16)));

/* Decode a syndrome; every field the class does not define is 0. */
void trap_decode(uint64_t esr, struct trap_info *ti);

/*
 * The value an emulated MMIO load writes back into the guest's register:
 * @raw truncated to @size bytes, sign-extended if @sign_extend (ISS.SSE),
 * to 64 bits if @sf (ISS.SF: X register) or 32 bits if not (W register,
 * and every AArch32 register), the upper 32 bits then being zero.
 */
uint64_t mmio_load_extend(uint64_t raw, unsigned int size, bool sign_extend,
			  bool sf);

/* The value an emulated MMIO store writes: @reg truncated to @size bytes. */
uint64_t mmio_store_value(uint64_t reg, unsigned int size);

/*
 * Access a guest's x0..x30 by the register number of a syndrome (SRT, Rt):
 * TRAP_REG_XZR reads as 0 and a write to it is discarded, so a store of
 * XZR to MMIO writes 0 and a load into XZR is emulated but not kept.
 */
uint64_t trap_gpr_read(const uint64_t x[31], unsigned int reg);
void trap_gpr_write(uint64_t x[31], unsigned int reg, uint64_t val);

/*
 * Emulate the guest load or store that a stage-2 data abort at @ipa
 * describes, on @bus, with the guest's x0..x30 in @x: a store sends
 * register ti->reg truncated to the access size, a load writes the value
 * back into it, extended as the syndrome says. Only a TRAP_DABT whose
 * syndrome is valid (ISV) and that was not taken on a stage-1 table walk
 * reaches the bus; anything else returns MMIO_FAULT. On any result but
 * MMIO_HANDLED @x is unchanged and the caller injects an abort.
 */
enum mmio_result trap_emulate_mmio(const struct trap_info *ti, uint64_t x[31],
				   struct mmio_bus *bus, struct vcpu *v,
				   uint64_t ipa);

/*
 * Syndromes for exceptions vigil injects into a guest's EL1. @same_el: the
 * guest was at EL1 (EC "current EL") rather than EL0 (EC "lower EL").
 */
/* Data abort: EC 0x24/0x25, IL=1, ISV=0, WnR=@write, DFSC=@fsc (usually
 * ESR_FSC_SEA). */
uint32_t esr_for_injected_dabt(bool same_el, bool write, uint32_t fsc);
/* Instruction abort: EC 0x20/0x21, IL=1, IFSC=ESR_FSC_SEA. */
uint32_t esr_for_injected_iabt(bool same_el);
/* Undefined instruction: EC 0 (unknown reason), IL=1. */
uint32_t esr_for_undef(void);

#endif
