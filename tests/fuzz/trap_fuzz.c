/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the trap decoder (arch/arm/trap.c): random
 * syndromes and register files go through trap_decode() and, for data
 * aborts, trap_emulate_mmio() on a bus of recording fake devices -- the
 * path every guest MMIO access takes. The input is a register-file seed
 * followed by records of (ESR, address choice, value the device returns,
 * device verdict).
 *
 * Checked for every record:
 *  - the decode depends on ESR[31:0] only, EC/IL/ISS are copied exactly,
 *    the class is the one the EC names, and every field the class does not
 *    define is 0;
 *  - data aborts: with ISV, size is 1, 2, 4 or 8 and the register < 32, and
 *    the decoded fields re-encode to the ISS bits they came from; without
 *    ISV, no access detail is reported;
 *  - system-register and CP15 traps re-encode to their ISS;
 *  - only a data abort with ISV and no S1PTW reaches a device; the device
 *    sees an access of the decoded size inside its region and, for a
 *    store, the register's value truncated (0 for XZR); a load writes the
 *    device's value, truncated and extended as the syndrome says, into the
 *    decoded register and nothing else; an access that is not handled
 *    leaves every register alone;
 *  - the syndromes vigil injects decode back to what was asked;
 *  - mmio_load_extend() / mmio_store_value() agree with C's own integer
 *    conversions.
 * Any violation aborts (a crash for libFuzzer).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch_vcpu.h"
#include "asm/inject.h"
#include "esr.h"
#include "mmio.h"
#include "trap.h"
#include "vm.h"

static void check(bool ok, const char *what, uint64_t esr)
{
	if (!ok) {
		fprintf(stderr, "trap_fuzz: %s (ESR 0x%llx)\n", what,
			(unsigned long long)esr);
		abort();
	}
}

struct input {
	const uint8_t *p;
	size_t n;
};

static uint64_t take(struct input *in, unsigned int bytes)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < bytes; i++) {
		v = (v << 8) | (in->n ? *in->p : 0);
		if (in->n) {
			in->p++;
			in->n--;
		}
	}
	return v;
}

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* ---- the decoder alone ---------------------------------------------------- */

static enum trap_class class_of(uint32_t ec)
{
	switch (ec) {
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

static bool same_decode(const struct trap_info *a, const struct trap_info *b)
{
	return a->cls == b->cls && a->ec == b->ec && a->iss == b->iss &&
	       a->il == b->il && a->same_el == b->same_el && a->isv == b->isv &&
	       a->write == b->write && a->sign_extend == b->sign_extend &&
	       a->sf == b->sf && a->ar == b->ar && a->ea == b->ea &&
	       a->cm == b->cm && a->fnv == b->fnv && a->size == b->size &&
	       a->reg == b->reg && a->fsc == b->fsc && a->s1ptw == b->s1ptw &&
	       a->op0 == b->op0 && a->op1 == b->op1 && a->crn == b->crn &&
	       a->crm == b->crm && a->op2 == b->op2 && a->rt == b->rt &&
	       a->rt2 == b->rt2 && a->read == b->read && a->wfe == b->wfe &&
	       a->imm16 == b->imm16;
}

static unsigned int log2_size(unsigned int size)
{
	return size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
}

static void check_decode(uint64_t esr, const struct trap_info *ti)
{
	struct trap_info lo;
	uint32_t iss = (uint32_t)esr & ESR_ISS_MASK;
	bool abt = ti->cls == TRAP_DABT || ti->cls == TRAP_IABT;
	bool sys = ti->cls == TRAP_SYSREG || ti->cls == TRAP_CP15 ||
		   ti->cls == TRAP_CP15_64;

	trap_decode(esr & 0xffffffffULL, &lo);
	check(same_decode(ti, &lo), "decode depends on ESR[63:32]", esr);
	check(ti->ec == ((esr >> ESR_EC_SHIFT) & ESR_EC_MASK), "EC", esr);
	check(ti->il == !!(esr & ESR_IL), "IL", esr);
	check(ti->iss == iss, "ISS", esr);
	check(ti->cls == class_of(ti->ec), "class of EC", esr);

	/* Fields the class does not define are 0. */
	if (!abt)
		check(!ti->same_el && !ti->fsc && !ti->s1ptw && !ti->ea &&
			      !ti->fnv,
		      "abort fields outside an abort", esr);
	if (ti->cls != TRAP_DABT)
		check(!ti->isv && !ti->write && !ti->sign_extend && !ti->sf &&
			      !ti->ar && !ti->cm && !ti->size && !ti->reg,
		      "data-abort fields outside a data abort", esr);
	if (!sys)
		check(!ti->op0 && !ti->op1 && !ti->crn && !ti->crm &&
			      !ti->op2 && !ti->rt && !ti->rt2 && !ti->read,
		      "register-access fields outside a sysreg trap", esr);
	if (ti->cls != TRAP_WFX)
		check(!ti->wfe, "wfe outside WFx", esr);
	if (ti->cls != TRAP_HVC && ti->cls != TRAP_SMC)
		check(!ti->imm16, "imm16 outside HVC/SMC", esr);

	switch (ti->cls) {
	case TRAP_DABT:
		check(ti->same_el == (ti->ec == ESR_EC_DABT_CUR), "same_el",
		      esr);
		check(ti->isv == !!(iss & ESR_ABT_ISV), "ISV", esr);
		if (ti->isv) {
			uint32_t mask = ESR_ABT_ISV | (3U << 22) | ESR_ABT_SSE |
					(0x1fU << 16) | ESR_ABT_SF | ESR_ABT_AR;
			uint32_t re =
				ESR_ABT_ISV | (log2_size(ti->size) << 22) |
				(ti->sign_extend ? ESR_ABT_SSE : 0) |
				(ti->reg << 16) | (ti->sf ? ESR_ABT_SF : 0) |
				(ti->ar ? ESR_ABT_AR : 0);

			check(ti->size == 1 || ti->size == 2 || ti->size == 4 ||
				      ti->size == 8,
			      "access size", esr);
			check(ti->reg < 32, "register number", esr);
			check(re == (iss & mask), "ISV fields re-encode", esr);
		} else {
			check(!ti->size && !ti->reg && !ti->sign_extend &&
				      !ti->sf && !ti->ar,
			      "access details without ISV", esr);
		}
		check(ti->write == !!(iss & ESR_ABT_WNR) &&
			      ti->cm == !!(iss & ESR_ABT_CM),
		      "WnR / CM", esr);
		/* fall through: the bits both aborts share */
	case TRAP_IABT:
		if (ti->cls == TRAP_IABT)
			check(ti->same_el == (ti->ec == ESR_EC_IABT_CUR),
			      "same_el", esr);
		check(ti->fsc == (iss & ESR_ABT_FSC_MASK) &&
			      ti->s1ptw == !!(iss & ESR_ABT_S1PTW) &&
			      ti->ea == !!(iss & ESR_ABT_EA) &&
			      ti->fnv == !!(iss & ESR_ABT_FNV),
		      "abort FSC / S1PTW / EA / FnV", esr);
		break;
	case TRAP_SYSREG:
		check(ti->op0 < 4 && ti->op1 < 8 && ti->op2 < 8 &&
			      ti->crn < 16 && ti->crm < 16 && ti->rt < 32,
		      "sysreg field ranges", esr);
		check(((ti->op0 << 20) | (ti->op2 << 17) | (ti->op1 << 14) |
		       (ti->crn << 10) | (ti->rt << 5) | (ti->crm << 1) |
		       (unsigned int)ti->read) == (iss & 0x3fffffU),
		      "sysreg fields re-encode", esr);
		break;
	case TRAP_CP15:
		check(((ti->op2 << 17) | (ti->op1 << 14) | (ti->crn << 10) |
		       (ti->rt << 5) | (ti->crm << 1) |
		       (unsigned int)ti->read) == (iss & 0xfffffU),
		      "MCR/MRC fields re-encode", esr);
		/* ESR_EL2's Rt [9:5], the AArch64 view (arch/arm/trap.c);
		 * the arm32 port keeps HSR's 4 bits itself. */
		check(ti->rt < 32, "AArch32 Rt", esr);
		break;
	case TRAP_CP15_64:
		check(((ti->op1 << 16) | (ti->rt2 << 10) | (ti->rt << 5) |
		       (ti->crm << 1) | (unsigned int)ti->read) ==
			      (iss & 0xf7fffU),
		      "MCRR/MRRC fields re-encode", esr);
		break;
	case TRAP_WFX:
		check(ti->wfe == (iss & 1), "WFE", esr);
		break;
	case TRAP_HVC:
		check(ti->imm16 == (iss & 0xffff), "HVC imm16", esr);
		break;
	case TRAP_SMC:
		check(ti->imm16 ==
			      (ti->ec == ESR_EC_SMC64 ? (iss & 0xffff) : 0),
		      "SMC imm16", esr);
		break;
	case TRAP_UNKNOWN:
		break;
	}
}

/* ---- MMIO arithmetic ------------------------------------------------------ */

static uint64_t ref_load(uint64_t raw, unsigned int size, bool sse, bool sf)
{
	uint64_t v;

	switch (size) {
	case 1:
		v = sse ? (uint64_t)(int64_t)(int8_t)raw : (uint8_t)raw;
		break;
	case 2:
		v = sse ? (uint64_t)(int64_t)(int16_t)raw : (uint16_t)raw;
		break;
	case 4:
		v = sse ? (uint64_t)(int64_t)(int32_t)raw : (uint32_t)raw;
		break;
	default:
		v = raw;
		break;
	}
	return sf ? v : (uint32_t)v;
}

static uint64_t ref_store(uint64_t reg, unsigned int size)
{
	switch (size) {
	case 1:
		return (uint8_t)reg;
	case 2:
		return (uint16_t)reg;
	case 4:
		return (uint32_t)reg;
	default:
		return reg;
	}
}

static void check_arith(uint64_t raw, uint64_t esr)
{
	static const unsigned int sizes[] = {1, 2, 4, 8};

	for (unsigned int i = 0; i < 4; i++) {
		unsigned int s = sizes[i];

		for (unsigned int f = 0; f < 4; f++)
			check(mmio_load_extend(raw, s, f & 1, f & 2) ==
				      ref_load(raw, s, f & 1, f & 2),
			      "mmio_load_extend", esr);
		check(mmio_store_value(raw, s) == ref_store(raw, s),
		      "mmio_store_value", esr);
	}
	/* Sizes outside the contract must not be undefined behaviour. */
	(void)mmio_load_extend(raw, (unsigned int)(esr & 0xf), esr & 0x10,
			       esr & 0x20);
	(void)mmio_store_value(raw, (unsigned int)(esr >> 8) & 0xf);
}

/* ---- the MMIO path -------------------------------------------------------- */

struct fake_dev {
	uint64_t base, size;
	/* what the current access may look like, and what happened */
	const struct trap_info *ti;
	uint64_t expect_store;
	uint64_t read_value;
	int verdict;
	unsigned int calls;
	uint64_t esr;
};

static struct fake_dev devs[3];
static unsigned int dev_calls;

static int fake_access(void *opaque, struct vcpu *v, uint64_t offset,
		       unsigned int size, bool write, uint64_t *val)
{
	struct fake_dev *d = opaque;
	const struct trap_info *ti = d->ti;

	dev_calls++;
	d->calls++;
	check(ti && ti->cls == TRAP_DABT && ti->isv && !ti->s1ptw,
	      "an access without a valid syndrome reached a device", d->esr);
	check(size == ti->size && write == ti->write, "access as decoded",
	      d->esr);
	check(offset < d->size && size <= d->size - offset,
	      "access outside the device", d->esr);
	if (write)
		check(*val == d->expect_store, "stored value", d->esr);
	else
		*val = d->read_value; /* the bus truncates it */
	return d->verdict;
}

static struct mmio_bus bus;

/* core/mmio.c reaches the vGIC distributor before the bus once
 * vgic_vm_attach() registered it; this harness's VM has no vGIC
 * (vgic.attached is false), so the bus answers every access. */
int vgic_dist_mmio(void *vm, struct vcpu *v, uint64_t offset, unsigned int size,
		   bool write, uint64_t *val)
{
	check(false, "the distributor reached with no vGIC attached", 0);
	return -EINVAL;
}

static void bus_setup(void)
{
	/* A distributor, a small virtio-like window, and a page at the very
	 * top of the address space. */
	static const uint64_t where[3][2] = {
		{0x08000000, 0x1000},
		{0x0a000200, 0x200},
		{0xfffffffffffff000ULL, 0x1000},
	};

	mmio_bus_init(&bus);
	for (unsigned int i = 0; i < 3; i++) {
		devs[i].base = where[i][0];
		devs[i].size = where[i][1];
		if (mmio_register(&bus, devs[i].base, devs[i].size, fake_access,
				  &devs[i], 0))
			abort();
	}
}

static uint64_t pick_ipa(uint16_t sel, uint64_t val)
{
	const struct fake_dev *d = &devs[(sel >> 12) % 3];

	switch ((sel >> 10) & 3) {
	case 0:
	case 1: /* inside a device, maybe straddling its end */
		return d->base + (sel & 0x3ff) % (d->size + 8);
	case 2: /* just below a device */
		return d->base - 1 - (sel & 7);
	default: /* anywhere */
		return val;
	}
}

/* The vCPU whose register file (x0..x30) the accesses use; its VM's bus is
 * the one above. */
static struct vm fvm;

static void check_mmio(const struct trap_info *ti, uint64_t esr, uint64_t x[31],
		       uint16_t sel, uint64_t val, uint8_t verdict)
{
	uint64_t before[31];
	uint64_t ipa = pick_ipa(sel, val ^ esr);
	enum mmio_result res;
	bool may = ti->cls == TRAP_DABT && ti->isv && !ti->s1ptw;

	memcpy(before, x, sizeof(before));
	dev_calls = 0;
	for (unsigned int i = 0; i < 3; i++) {
		devs[i].ti = ti;
		devs[i].esr = esr;
		devs[i].read_value = val;
		devs[i].verdict = (verdict & 3) == 3 ? -EINVAL : 0;
		devs[i].expect_store =
			may ? ref_store(ti->reg < 31 ? x[ti->reg] : 0, ti->size)
			    : 0;
	}
	res = trap_emulate_mmio(&fvm.vcpus[0], ti, ipa, false);
	check(may || (res == MMIO_FAULT && dev_calls == 0),
	      "an abort without a valid syndrome was emulated", esr);
	check(dev_calls <= 1, "one access, one device call", esr);
	check(res != MMIO_HANDLED || dev_calls == 1, "handled by no device",
	      esr);
	for (unsigned int r = 0; r < 31; r++) {
		uint64_t want = before[r];

		if (res == MMIO_HANDLED && !ti->write && r == ti->reg)
			want = ref_load(val, ti->size, ti->sign_extend, ti->sf);
		check(x[r] == want, "register file after the access", esr);
	}
	for (unsigned int i = 0; i < 3; i++)
		devs[i].ti = NULL;
}

/* ---- injected syndromes --------------------------------------------------- */

static void check_injected(uint64_t bits)
{
	bool same_el = bits & 1, write = bits & 2;
	uint32_t fsc = (uint32_t)(bits >> 8);
	struct trap_info ti;
	uint32_t esr = esr_for_injected_dabt(same_el, write, fsc);

	trap_decode(esr, &ti);
	check(ti.cls == TRAP_DABT && ti.same_el == same_el && ti.il &&
		      !ti.isv && ti.write == write &&
		      ti.fsc == (fsc & ESR_ABT_FSC_MASK) && !ti.s1ptw &&
		      !ti.ea && !ti.cm && !ti.fnv,
	      "injected data abort", esr);
	check((ti.iss & ~(ESR_ABT_WNR | ESR_ABT_FSC_MASK)) == 0,
	      "injected data abort: stray ISS bits", esr);
	esr = esr_for_injected_iabt(same_el);
	trap_decode(esr, &ti);
	check(ti.cls == TRAP_IABT && ti.same_el == same_el && ti.il &&
		      ti.fsc == ESR_FSC_SEA && ti.iss == ESR_FSC_SEA,
	      "injected instruction abort", esr);
	esr = esr_for_undef();
	trap_decode(esr, &ti);
	check(ti.cls == TRAP_UNKNOWN && ti.ec == ESR_EC_UNKNOWN && ti.il &&
		      !ti.iss,
	      "injected undefined instruction", esr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {data, size};
	uint64_t seed = take(&in, 8), *x = fvm.vcpus[0].arch.regs.x;
	/* Values where truncation and sign extension go wrong first. */
	static const uint64_t edge[] = {
		0,	    1,		0x7f,	    0x80,
		0xff,	    0x7fff,	0x8000,	    0xffff,
		0x7fffffff, 0x80000000, 0xffffffff, 0x8000000000000000ULL,
		~0ULL};

	static const uint8_t ecs[16] = {
		ESR_EC_DABT_LOW, ESR_EC_DABT_LOW, ESR_EC_DABT_LOW,
		ESR_EC_DABT_LOW, ESR_EC_DABT_LOW, ESR_EC_DABT_CUR,
		ESR_EC_DABT_CUR, ESR_EC_IABT_LOW, ESR_EC_IABT_CUR,
		ESR_EC_SYS64,	 ESR_EC_CP15_32,  ESR_EC_CP15_64,
		ESR_EC_HVC64,	 ESR_EC_SMC64,	  ESR_EC_SMC32,
		ESR_EC_WFX};

	if (!bus.nr) {
		bus_setup();
		fvm.mmio = &bus;
		fvm.nr_vcpus = 1;
		fvm.vcpus[0].vm = &fvm;
	}
	for (unsigned int r = 0; r < 31; r++) {
		uint64_t z = splitmix64(&seed);

		x[r] = (z & 3) == 0 ? edge[(z >> 2) % ARRAY_SIZE(edge)] : z;
	}
	while (in.n) {
		uint64_t esr = take(&in, 8);
		uint16_t sel = (uint16_t)take(&in, 2);
		uint64_t val = take(&in, 8);
		uint8_t verdict = (uint8_t)take(&in, 1);
		struct trap_info ti;

		/* Mostly 32-bit syndromes of the classes vigil handles, data
		 * aborts above all; sometimes any EC, or junk above bit 31. */
		if (!(verdict & 0x80))
			esr &= 0xffffffffULL;
		if (!(verdict & 0x40))
			esr = (esr & ~((uint64_t)ESR_EC_MASK << ESR_EC_SHIFT)) |
			      ((uint64_t)ecs[(verdict >> 2) & 0xf]
			       << ESR_EC_SHIFT);
		trap_decode(esr, &ti);
		check_decode(esr, &ti);
		check_arith(val, esr);
		check_mmio(&ti, esr, x, sel, val, verdict);
		check_injected(esr ^ val);
	}
	return 0;
}
