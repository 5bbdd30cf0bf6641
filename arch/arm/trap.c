/* SPDX-License-Identifier: MIT */
/*
 * Syndrome decoding (ESR_EL2 / HSR) and the arithmetic of emulated MMIO
 * loads and stores. ISS layouts: ARM ARM D17.2.37, "ISS encoding for an
 * exception from ..." per exception class.
 */
#include "trap.h"

#include <string.h>

static uint32_t field(uint32_t iss, unsigned int shift, unsigned int bits)
{
	return (iss >> shift) & ((1U << bits) - 1);
}

static void decode_abort(uint32_t iss, struct trap_info *ti)
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
	ti->size = 1U << field(iss, ESR_ABT_SAS_SHIFT, 2);
	ti->sign_extend = iss & ESR_ABT_SSE;
	ti->reg = field(iss, ESR_ABT_SRT_SHIFT, 5);
	ti->sf = iss & ESR_ABT_SF;
	ti->ar = iss & ESR_ABT_AR;
}

/* EC 0x18: Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10], Rt [9:5],
 * CRm [4:1], Direction [0] (1 = read). */
static void decode_sysreg(uint32_t iss, struct trap_info *ti)
{
	ti->op0 = field(iss, 20, 2);
	ti->op2 = field(iss, 17, 3);
	ti->op1 = field(iss, 14, 3);
	ti->crn = field(iss, 10, 4);
	ti->rt = field(iss, 5, 5);
	ti->crm = field(iss, 1, 4);
	ti->read = iss & 1;
}

/* EC 0x03: Opc2 [19:17], Opc1 [16:14], CRn [13:10], Rt [8:5], CRm [4:1],
 * Direction [0]. EC 0x04: Opc1 [19:16], Rt2 [14:10], Rt [9:5], CRm [4:1],
 * Direction [0]. */
static void decode_cp15(uint32_t iss, struct trap_info *ti)
{
	if (ti->cls == TRAP_CP15) {
		ti->op2 = field(iss, 17, 3);
		ti->op1 = field(iss, 14, 3);
		ti->crn = field(iss, 10, 4);
		ti->rt = field(iss, 5, 4);
	} else {
		ti->op1 = field(iss, 16, 4);
		ti->rt2 = field(iss, 10, 5);
		ti->rt = field(iss, 5, 5);
	}
	ti->crm = field(iss, 1, 4);
	ti->read = iss & 1;
}

void trap_decode(uint64_t esr, struct trap_info *ti)
{
	uint32_t iss = (uint32_t)esr & ESR_ISS_MASK;

	*ti = (struct trap_info){0};
	ti->ec = (uint32_t)(esr >> ESR_EC_SHIFT) & ESR_EC_MASK;
	ti->il = esr & ESR_IL;
	ti->iss = iss;

	switch (ti->ec) {
	case ESR_EC_WFX:
		ti->cls = TRAP_WFX;
		ti->wfe = iss & 1; /* TI[0]: WFE (and WFET) */
		break;
	case ESR_EC_HVC32:
	case ESR_EC_HVC64:
		ti->cls = TRAP_HVC;
		ti->imm16 = (uint16_t)iss;
		break;
	case ESR_EC_SMC32: /* its ISS holds condition bits, no immediate */
		ti->cls = TRAP_SMC;
		break;
	case ESR_EC_SMC64:
		ti->cls = TRAP_SMC;
		ti->imm16 = (uint16_t)iss;
		break;
	case ESR_EC_SYS64:
		ti->cls = TRAP_SYSREG;
		decode_sysreg(iss, ti);
		break;
	case ESR_EC_CP15_32:
		ti->cls = TRAP_CP15;
		decode_cp15(iss, ti);
		break;
	case ESR_EC_CP15_64:
		ti->cls = TRAP_CP15_64;
		decode_cp15(iss, ti);
		break;
	case ESR_EC_DABT_LOW:
	case ESR_EC_DABT_CUR:
		ti->cls = TRAP_DABT;
		ti->same_el = ti->ec == ESR_EC_DABT_CUR;
		decode_abort(iss, ti);
		break;
	case ESR_EC_IABT_LOW:
	case ESR_EC_IABT_CUR:
		ti->cls = TRAP_IABT;
		ti->same_el = ti->ec == ESR_EC_IABT_CUR;
		decode_abort(iss, ti);
		break;
	default:
		ti->cls = TRAP_UNKNOWN;
		break;
	}
}

static uint64_t size_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

uint64_t mmio_load_extend(uint64_t raw, unsigned int size, bool sign_extend,
			  bool sf)
{
	uint64_t mask = size_mask(size);
	uint64_t val = raw & mask;

	if (sign_extend && size && size < 8 && (val & ~(mask >> 1)))
		val |= ~mask;
	if (!sf)
		val &= 0xffffffffULL;
	return val;
}

uint64_t mmio_store_value(uint64_t reg, unsigned int size)
{
	return reg & size_mask(size);
}

uint64_t trap_gpr_read(const uint64_t x[31], unsigned int reg)
{
	return reg < TRAP_REG_XZR ? x[reg] : 0;
}

void trap_gpr_write(uint64_t x[31], unsigned int reg, uint64_t val)
{
	if (reg < TRAP_REG_XZR)
		x[reg] = val;
}

enum mmio_result trap_emulate_mmio(const struct trap_info *ti, uint64_t x[31],
				   struct mmio_bus *bus, struct vcpu *v,
				   uint64_t ipa)
{
	enum mmio_result res;
	uint64_t val = 0;

	/* A fault on the guest's own table walk, or an access whose syndrome
	 * does not describe it (ldp, ldm, SIMD, exclusives...): nothing to
	 * emulate, the guest touched what it may not. */
	if (ti->cls != TRAP_DABT || !ti->isv || ti->s1ptw)
		return MMIO_FAULT;
	if (ti->write)
		val = mmio_store_value(trap_gpr_read(x, ti->reg), ti->size);
	res = mmio_dispatch(bus, v, ipa, ti->size, ti->write, &val);
	if (res == MMIO_HANDLED && !ti->write)
		trap_gpr_write(x, ti->reg,
			       mmio_load_extend(val, ti->size, ti->sign_extend,
						ti->sf));
	return res;
}

uint32_t esr_for_injected_dabt(bool same_el, bool write, uint32_t fsc)
{
	uint32_t ec = same_el ? ESR_EC_DABT_CUR : ESR_EC_DABT_LOW;

	return (ec << ESR_EC_SHIFT) | ESR_IL | (write ? ESR_ABT_WNR : 0) |
	       (fsc & ESR_ABT_FSC_MASK);
}

uint32_t esr_for_injected_iabt(bool same_el)
{
	uint32_t ec = same_el ? ESR_EC_IABT_CUR : ESR_EC_IABT_LOW;

	return (ec << ESR_EC_SHIFT) | ESR_IL | ESR_FSC_SEA;
}

uint32_t esr_for_undef(void)
{
	return (ESR_EC_UNKNOWN << ESR_EC_SHIFT) | ESR_IL;
}
