/* SPDX-License-Identifier: MIT */
/*
 * Syndrome decoding (ESR_EL2 / HSR) into the portable struct trap_info. ISS
 * layouts: ARM ARM D17.2.37, "ISS encoding for an exception from ..." per
 * exception class.
 */
#include "aarch32.h"
#include "esr.h"

#include <string.h>

static uint32_t field(uint32_t iss, unsigned int shift, unsigned int bits)
{
	return (iss >> shift) & ((1U << bits) - 1);
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

/* EC 0x03: Opc2 [19:17], Opc1 [16:14], CRn [13:10], Rt [9:5], CRm [4:1],
 * Direction [0]. EC 0x04: Opc1 [19:16], Rt2 [14:10], Rt [9:5], CRm [4:1],
 * Direction [0]. Rt and Rt2 as ESR_EL2 gives them from AArch32: the X
 * register of the trapping mode's view (an FIQ-mode r8 is X24); HSR's are
 * 4 bits, which arch/arm/arm32/traps.c keeps. */
static void decode_cp15(uint32_t iss, struct trap_info *ti)
{
	if (ti->cls == TRAP_CP15) {
		ti->op2 = field(iss, 17, 3);
		ti->op1 = field(iss, 14, 3);
		ti->crn = field(iss, 10, 4);
		ti->rt = field(iss, 5, 5);
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

	ti->cls = esr_trap_class(esr);
	switch (ti->cls) {
	case TRAP_WFX:
		ti->wfe = iss & 1; /* TI[0]: WFE (and WFET) */
		break;
	case TRAP_HVC:
		ti->imm16 = (uint16_t)iss;
		break;
	case TRAP_SMC:
		/* SMC32's ISS holds condition bits, no immediate. */
		if (ti->ec == ESR_EC_SMC64)
			ti->imm16 = (uint16_t)iss;
		break;
	case TRAP_SYSREG:
		decode_sysreg(iss, ti);
		break;
	case TRAP_CP15:
	case TRAP_CP15_64:
		decode_cp15(iss, ti);
		break;
	case TRAP_DABT:
		ti->same_el = ti->ec == ESR_EC_DABT_CUR;
		trap_decode_abort(iss, ti);
		break;
	case TRAP_IABT:
		ti->same_el = ti->ec == ESR_EC_IABT_CUR;
		trap_decode_abort(iss, ti);
		break;
	case TRAP_UNKNOWN:
		break;
	}
}

void trap_check_cond_a32(struct trap_info *ti, uint32_t cpsr)
{
	switch (ti->ec) {
	case ESR_EC_WFX:
	case ESR_EC_CP15_32:
	case ESR_EC_CP15_64:
	case ESR_EC_CP14_32:
	case ESR_EC_CP14_LS:
	case ESR_EC_FP_ASIMD:
	case ESR_EC_CP14_64:
	case ESR_EC_SMC32:
		ti->cond_failed = !a32_cond_passed(ti->iss, cpsr);
		break;
	default:
		break;
	}
}
