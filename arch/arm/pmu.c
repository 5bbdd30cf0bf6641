/* SPDX-License-Identifier: MIT */
/*
 * The guest's PMU accesses, trapped by MDCR_EL2.TPM (ARM ARM, MDCR_EL2:
 * "TPM, Trap Performance Monitors accesses"): decoded from the syndrome
 * (op0 = 3, CRn = 9 or 14), checked as the architecture checks them, and
 * done on the real register, with NSH kept out of the hardware filters.
 */
#include "pmu.h"

#include "vm.h"

#include <errno.h>

#define PMU_RD 1U
#define PMU_WR 2U
/* EL0 rights, as PMUSERENR_EL0 bits of which any one allows the access
 * (EN allows every access EL0 may ever make). */
#define EL0_NEVER 0U
#define EL0_ALWAYS 0xffU

/*
 * One descriptor per register: the encoding (op0 = 3; CRn = 9 but for the
 * event counters, their types and PMCCFILTR_EL0, decoded apart), the
 * directions it has, and what PMUSERENR_EL0 must allow for an EL0 read or
 * write (ARM ARM, PMUSERENR_EL0 and each register's access pseudo-code).
 */
static const struct pmu_reg_desc {
	uint8_t op1, crm, op2;
	uint8_t dir;
	uint8_t el0_rd, el0_wr;
} pmu_regs[PMU_NR_REGS] = {
	[PMU_PMCR] = {3, 12, 0, PMU_RD | PMU_WR, PMUSERENR_EN, PMUSERENR_EN},
	[PMU_PMCNTENSET] = {3, 12, 1, PMU_RD | PMU_WR, PMUSERENR_EN,
			    PMUSERENR_EN},
	[PMU_PMCNTENCLR] = {3, 12, 2, PMU_RD | PMU_WR, PMUSERENR_EN,
			    PMUSERENR_EN},
	[PMU_PMOVSCLR] = {3, 12, 3, PMU_RD | PMU_WR, PMUSERENR_EN,
			  PMUSERENR_EN},
	[PMU_PMSWINC] = {3, 12, 4, PMU_WR, EL0_NEVER,
			 PMUSERENR_EN | PMUSERENR_SW},
	[PMU_PMSELR] = {3, 12, 5, PMU_RD | PMU_WR, PMUSERENR_EN | PMUSERENR_ER,
			PMUSERENR_EN | PMUSERENR_ER},
	[PMU_PMCEID0] = {3, 12, 6, PMU_RD, PMUSERENR_EN, EL0_NEVER},
	[PMU_PMCEID1] = {3, 12, 7, PMU_RD, PMUSERENR_EN, EL0_NEVER},
	[PMU_PMCCNTR] = {3, 13, 0, PMU_RD | PMU_WR, PMUSERENR_EN | PMUSERENR_CR,
			 PMUSERENR_EN},
	[PMU_PMXEVTYPER] = {3, 13, 1, PMU_RD | PMU_WR, PMUSERENR_EN,
			    PMUSERENR_EN},
	[PMU_PMXEVCNTR] = {3, 13, 2, PMU_RD | PMU_WR,
			   PMUSERENR_EN | PMUSERENR_ER, PMUSERENR_EN},
	/* EL0 may always read PMUSERENR_EL0, never write it. */
	[PMU_PMUSERENR] = {3, 14, 0, PMU_RD | PMU_WR, EL0_ALWAYS, EL0_NEVER},
	/* EL1 registers (op1 = 0): UNDEFINED at EL0. */
	[PMU_PMINTENSET] = {0, 14, 1, PMU_RD | PMU_WR, EL0_NEVER, EL0_NEVER},
	[PMU_PMINTENCLR] = {0, 14, 2, PMU_RD | PMU_WR, EL0_NEVER, EL0_NEVER},
	[PMU_PMOVSSET] = {3, 14, 3, PMU_RD | PMU_WR, PMUSERENR_EN,
			  PMUSERENR_EN},
	/* CRn = 14; the encoding carries the counter number. */
	[PMU_PMEVCNTR] = {3, 0, 0, PMU_RD | PMU_WR, PMUSERENR_EN | PMUSERENR_ER,
			  PMUSERENR_EN},
	[PMU_PMEVTYPER] = {3, 0, 0, PMU_RD | PMU_WR, PMUSERENR_EN,
			   PMUSERENR_EN},
	[PMU_PMCCFILTR] = {3, 0, 0, PMU_RD | PMU_WR, PMUSERENR_EN,
			   PMUSERENR_EN},
};

/* PMEVCNTR<n>_EL0: CRn 14, CRm 0b10:n[4:3], op2 n[2:0]; PMEVTYPER<n>_EL0:
 * CRm 0b11:n[4:3], where n = 31 is PMCCFILTR_EL0. */
static int decode_crn14(const struct trap_info *ti, struct pmu_access *a)
{
	unsigned int n = ((ti->crm & 3U) << 3) | ti->op2;

	if (ti->op1 != 3 || ti->crm < 8)
		return -ENOENT;
	if (ti->crm < 12) {
		if (n == PMU_CYCLE_IDX)
			return -ENOENT; /* PMEVCNTR31_EL0 does not exist */
		a->reg = PMU_PMEVCNTR;
	} else {
		a->reg = n == PMU_CYCLE_IDX ? PMU_PMCCFILTR : PMU_PMEVTYPER;
	}
	a->n = n;
	return 0;
}

int pmu_decode(const struct trap_info *ti, struct pmu_access *a)
{
	a->n = 0;
	a->read = ti->read;
	a->rt = ti->rt;
	if (ti->cls != TRAP_SYSREG || ti->op0 != 3)
		return -ENOENT;
	if (ti->crn == 14)
		return decode_crn14(ti, a);
	if (ti->crn != 9)
		return -ENOENT;
	for (unsigned int r = 0; r < PMU_PMEVCNTR; r++) {
		const struct pmu_reg_desc *d = &pmu_regs[r];

		if (d->op1 == ti->op1 && d->crm == ti->crm &&
		    d->op2 == ti->op2) {
			a->reg = (enum pmu_reg)r;
			return 0;
		}
	}
	return -ENOENT;
}

static unsigned int pmu_counters(void)
{
	/* Read at EL2, PMCR_EL0.N is what the PMU implements; vigil sets
	 * MDCR_EL2.HPMN to it, so the guest has every one of them. */
	return (unsigned int)(arch_pmu_read(PMU_PMCR, 0) >> PMCR_N_SHIFT) &
	       PMCR_N_MASK;
}

/*
 * Turn @a into an access of one real register: PMXEVTYPER_EL0 and
 * PMXEVCNTR_EL0 become the register PMSELR_EL0.SEL selects. -EINVAL if
 * that is no implemented register: an event counter n >= PMCR_EL0.N is
 * UNDEFINED; through PMSELR_EL0 (or PMXEVCNTR_EL0 with SEL = 31) the
 * architecture makes it CONSTRAINED UNPREDICTABLE, and vigil picks
 * UNDEFINED there too.
 */
static int pmu_resolve(struct pmu_access *a)
{
	unsigned int sel;

	if (a->reg == PMU_PMXEVTYPER || a->reg == PMU_PMXEVCNTR) {
		sel = (unsigned int)arch_pmu_read(PMU_PMSELR, 0) &
		      PMSELR_SEL_MASK;
		if (a->reg == PMU_PMXEVTYPER && sel == PMU_CYCLE_IDX)
			a->reg = PMU_PMCCFILTR;
		else
			a->reg = a->reg == PMU_PMXEVTYPER ? PMU_PMEVTYPER
							  : PMU_PMEVCNTR;
		a->n = sel;
	}
	if ((a->reg == PMU_PMEVCNTR || a->reg == PMU_PMEVTYPER) &&
	    a->n >= pmu_counters())
		return -EINVAL;
	return 0;
}

static bool pmu_is_filter(const struct pmu_access *a)
{
	return a->reg == PMU_PMEVTYPER || a->reg == PMU_PMCCFILTR;
}

/*
 * An EL0 access the PMUSERENR_EL0 bits do not enable. The ARM ARM's
 * pseudo-code for every PMU register checks PMUSERENR_EL0 at EL0 before
 * MDCR_EL2.TPM and takes such an access to EL1 itself (EC 0x18, "trapped
 * to EL1"; UNDEFINED for an EL1-only register or a direction the register
 * lacks), so a conforming CPU never brings one to vigil. Should one come
 * anyway, it must not reach the hardware: it is undefined, as the guest's
 * EL1 (Linux: do_sysinstr -> undef) treats it.
 */
static bool pmu_el0_allowed(const struct pmu_reg_desc *d, bool read)
{
	uint8_t need = read ? d->el0_rd : d->el0_wr;

	if (need == EL0_ALWAYS)
		return true;
	return arch_pmu_read(PMU_PMUSERENR, 0) & need;
}

static uint64_t pmu_read(const struct vcpu_pmu *p, const struct pmu_access *a)
{
	uint64_t val = arch_pmu_read(a->reg, a->n);

	if (pmu_is_filter(a) && (p->nsh & BIT(a->n)))
		val |= PMU_FILTER_NSH;
	return val;
}

static void pmu_write(struct vcpu_pmu *p, const struct pmu_access *a,
		      uint64_t val)
{
	if (pmu_is_filter(a)) {
		if (val & PMU_FILTER_NSH)
			p->nsh |= (uint32_t)BIT(a->n);
		else
			p->nsh &= ~(uint32_t)BIT(a->n);
		val &= ~(uint64_t)PMU_FILTER_NSH;
	}
	arch_pmu_write(a->reg, a->n, val);
}

int pmu_emulate(struct vcpu *v, struct vcpu_pmu *p, const struct trap_info *ti,
		bool el0)
{
	struct pmu_access a;
	const struct pmu_reg_desc *d;

	if (pmu_decode(ti, &a))
		return -EINVAL;
	d = &pmu_regs[a.reg];
	if (!(d->dir & (a.read ? PMU_RD : PMU_WR)))
		return -EINVAL;
	if (el0 && !pmu_el0_allowed(d, a.read))
		return -EINVAL;
	if (pmu_resolve(&a))
		return -EINVAL;
	if (a.read)
		vcpu_set_reg(v, a.rt, (vreg_t)pmu_read(p, &a));
	else
		pmu_write(p, &a, vcpu_get_reg(v, a.rt));
	return 0;
}

void pmu_vcpu_reset(struct vcpu_pmu *p)
{
	unsigned int n = pmu_counters();

	p->nsh = 0;
	arch_pmu_write(PMU_PMCR, 0, PMCR_P | PMCR_C); /* E = 0 */
	arch_pmu_write(PMU_PMCNTENCLR, 0, 0xffffffffU);
	arch_pmu_write(PMU_PMINTENCLR, 0, 0xffffffffU);
	arch_pmu_write(PMU_PMOVSCLR, 0, 0xffffffffU);
	arch_pmu_write(PMU_PMUSERENR, 0, 0);
	arch_pmu_write(PMU_PMSELR, 0, 0);
	arch_pmu_write(PMU_PMCCFILTR, PMU_CYCLE_IDX, 0);
	for (unsigned int i = 0; i < n && i < PMU_MAX_EVENT_COUNTERS; i++)
		arch_pmu_write(PMU_PMEVTYPER, i, 0);
}
