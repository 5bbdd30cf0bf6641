/* SPDX-License-Identifier: MIT */
/*
 * AArch32 guests in HYP mode: the hypervisor controls, the vCPU's PL1
 * state, and exception injection (ARM ARM DDI 0406C B1.8, "Exception
 * handling": entry to a PL1 mode).
 */
#include <string.h>

#include "arch.h"
#include "arch_vcpu.h"
#include "generic_timer.h"
#include "irq.h"
#include "asm/entry.h"
#include "asm/sysreg.h"
#include "lpae.h"
#include "percpu.h"
#include "pmu.h"
#include "stage2.h"
#include "vm.h"

/* Guest HCR: stage 2 on, physical IRQ/FIQ/asynchronous aborts to HYP,
 * SMC trapped, implementation-defined CP15 registers and ACTLR trapped.
 * WFI is left native: with one vCPU per pCPU it is the low-latency
 * choice. */
#define HCR_GUEST                                                   \
	(HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_FB | \
	 HCR_BSU_IS | HCR_TSC | HCR_TIDCP | HCR_TAC)

/* SCTLR at reset (Cortex-A15 TRM 4.3.27): MMU and caches off, RES1 bits. */
#define SCTLR_RESET 0x00c50078U

/* LPAE stage 2 of ARMv7 takes a 40-bit IPA (VTCR.T0SZ = -8, B3.6.6). */
#define IPA_BITS 40

unsigned int arch_ipa_bits(void)
{
	return IPA_BITS;
}

void arch_s2_set_root(struct vm *vm, uint64_t root_pa)
{
	vm->arch.vttbr = root_pa | ((uint64_t)vm->vmid << VTTBR_VMID_SHIFT);
}

/* VTCR for a stage-2 table of lpae_init_s2(IPA_BITS): T0SZ as a signed
 * 4-bit field with S its sign, SL0 from the table's start level. */
static uint32_t vtcr_value(void)
{
	int t0sz = 32 - IPA_BITS;
	uint32_t sl0 = 2 - lpae_s2_start_level(IPA_BITS);

	return VTCR_RES1 | VTCR_WALK | (sl0 << VTCR_SL0_SHIFT) |
	       ((uint32_t)t0sz & 0x1f);
}

void arch_hyp_init_cpu(void)
{
	write_sysreg(VTCR, vtcr_value());
	write_sysreg(HCR, 0);
	/* VFP/Advanced SIMD untrapped (vigil's code never uses them). */
	write_sysreg(HCPTR, HCPTR_RES1);
	/* No CP15 primary register trapped. */
	write_sysreg(HSTR, 0);
	/* PL1 owns the physical counter and timer; no offset. */
	write_sysreg(CNTHCTL, CNTHCTL_PL1PCTEN | CNTHCTL_PL1PCEN);
	write_sysreg64(CNTVOFF, 0);
	/* Every PMU counter is the guest's, but its accesses trap (TPM) and
	 * go through arch/arm/pmu.c (traps.c), which keeps NSH out of the
	 * filters: ARMv7 has no HDCR.HPMD, so a filter counting in HYP
	 * would count vigil's own cycles. */
	write_sysreg(HDCR, HDCR_TPM | HDCR_TPMCR |
				   ((read_sysreg(PMCR) >> PMCR_N_SHIFT) &
				    HDCR_HPMN_MASK));
	write_sysreg(VPIDR, read_sysreg(MIDR));
	write_sysreg64(VTTBR, 0);
	isb();
}

/*
 * Runs on the pCPU that will run @v. The entry state: SVC mode, IRQ, FIQ
 * and asynchronous aborts masked, A32 unless @entry has bit 0 set, MMU
 * off. A boot entry (v->on_boot) follows the Linux boot protocol
 * (Documentation/arch/arm/booting.rst): r0 = 0, r1 = ~0 ("no machine
 * type"), r2 = @arg, the DTB; PSCI CPU_ON gives @arg, the context id, in
 * r0 (and the same r1, r2). VFP/Advanced SIMD start zeroed with
 * FPEXC.EN clear (vfp_reset_state()): vigil keeps no copy of them, so
 * whatever this pCPU's registers hold (the VM's previous boot, firmware)
 * would otherwise reach the new one.
 */
void arch_vcpu_reset(struct vcpu *v, uint64_t entry, uint64_t arg)
{
	struct vcpu_arch *a = &v->arch;

	memset(a, 0, sizeof(*a));
	vfp_reset_state();
	a->regs.r[0] = v->on_boot ? 0 : (uint32_t)arg;
	a->regs.r[1] = 0xffffffffU;
	a->regs.r[2] = (uint32_t)arg;
	a->regs.pc = (uint32_t)entry & ~1U;
	a->regs.cpsr = PSR_MODE_SVC | PSR_A | PSR_I | PSR_F |
		       ((entry & 1) ? PSR_T : 0);
	a->sys.sctlr = SCTLR_RESET;
	a->hcr = HCR_GUEST;
	pmu_vcpu_reset(&a->pmu);
}

/* ARMv7-A: PL1 is AArch32. */
bool arch_vcpu_aarch32(const struct vcpu *v)
{
	(void)v;
	return true;
}

/* Nothing to work around: HYP mode writes an injected exception's SPSR
 * into its mode's bank itself (MSR SPSR_<mode>), which QEMU keeps. */
void arch_note_emulator(bool qemu)
{
	(void)qemu;
}

#define SAVE(r, f) (s->f = read_sysreg(r))
#define LOAD(r, f) write_sysreg(r, s->f)
#define SAVE64(r, f) (s->f = read_sysreg64(r))
#define LOAD64(r, f) write_sysreg64(r, s->f)

void arch_vcpu_put(struct vcpu *v)
{
	struct vcpu_sysregs *s = &v->arch.sys;

	SAVE(SCTLR, sctlr);
	SAVE(CPACR, cpacr);
	SAVE64(TTBR0, ttbr0);
	SAVE64(TTBR1, ttbr1);
	SAVE(TTBCR, ttbcr);
	SAVE(DACR, dacr);
	SAVE(DFSR, dfsr);
	SAVE(IFSR, ifsr);
	SAVE(ADFSR, adfsr);
	SAVE(AIFSR, aifsr);
	SAVE(DFAR, dfar);
	SAVE(IFAR, ifar);
	SAVE64(PAR, par);
	SAVE(PRRR, prrr);
	SAVE(NMRR, nmrr);
	SAVE(AMAIR0, amair0);
	SAVE(AMAIR1, amair1);
	SAVE(VBAR, vbar);
	SAVE(CONTEXTIDR, contextidr);
	SAVE(TPIDRURW, tpidrurw);
	SAVE(TPIDRURO, tpidruro);
	SAVE(TPIDRPRW, tpidrprw);
	SAVE(CSSELR, csselr);
	SAVE(CNTKCTL, cntkctl);
	SAVE(CNTV_CTL, cntv_ctl);
	SAVE64(CNTV_CVAL, cntv_cval);
	/* Stop the virtual timer so it cannot fire for the wrong vCPU. */
	write_sysreg(CNTV_CTL, 0);
	isb();
}

void arch_vcpu_load(struct vcpu *v)
{
	struct vcpu_sysregs *s = &v->arch.sys;

	LOAD(SCTLR, sctlr);
	LOAD(CPACR, cpacr);
	LOAD64(TTBR0, ttbr0);
	LOAD64(TTBR1, ttbr1);
	LOAD(TTBCR, ttbcr);
	LOAD(DACR, dacr);
	LOAD(DFSR, dfsr);
	LOAD(IFSR, ifsr);
	LOAD(ADFSR, adfsr);
	LOAD(AIFSR, aifsr);
	LOAD(DFAR, dfar);
	LOAD(IFAR, ifar);
	LOAD64(PAR, par);
	LOAD(PRRR, prrr);
	LOAD(NMRR, nmrr);
	LOAD(AMAIR0, amair0);
	LOAD(AMAIR1, amair1);
	LOAD(VBAR, vbar);
	LOAD(CONTEXTIDR, contextidr);
	LOAD(TPIDRURW, tpidrurw);
	LOAD(TPIDRURO, tpidruro);
	LOAD(TPIDRPRW, tpidrprw);
	LOAD(CSSELR, csselr);
	LOAD(CNTKCTL, cntkctl);
	LOAD64(CNTV_CVAL, cntv_cval);
	LOAD(CNTV_CTL, cntv_ctl);
	write_sysreg(VMPIDR, (uint32_t)v->vmpidr | BIT(31));
	write_sysreg64(VTTBR, v->vm->arch.vttbr);
	write_sysreg(HCR, v->arch.hcr);
	isb();
	/* A new VMID's or a reset vCPU's stale translations must not be
	 * used: TLBIALLNSNH, every non-HYP entry of this CPU. */
	write_cp32(4, c8, c7, 4, 0);
	dsb(nsh);
	/* Instruction cache: the guest image was written by the loader. */
	write_cp32(0, c7, c5, 0, 0); /* ICIALLU */
	dsb(nsh);
	isb();
}

/*
 * Take an exception to the guest's PL1 mode @mode (a32_exception_entry(),
 * shared with arm64's AArch32 guests) into that mode's bank. The vCPU's
 * CP15 state is live in this pCPU while its exit is handled.
 */
static void inject(struct vcpu *v, uint32_t mode, unsigned int vec,
		   uint32_t lr_off_arm, uint32_t lr_off_thumb)
{
	struct vcpu_regs *r = &v->arch.regs;
	struct vcpu_bank *b = &r->bank[arch_mode_bank(mode)];

	r->cpsr = a32_exception_entry(r->cpsr, r->pc, read_sysreg(SCTLR),
				      read_sysreg(VBAR), mode, vec, lr_off_arm,
				      lr_off_thumb, &b->lr, &b->spsr, &r->pc);
}

void arch_inject_dabt(struct vcpu *v, uint64_t va, bool write)
{
	this_cpu()->aborts_injected++;
	write_sysreg(DFSR, a32_fsr_sea(read_sysreg(TTBCR), write));
	write_sysreg(DFAR, (uint32_t)va);
	inject(v, A32_MODE_ABT, A32_VEC_DABT, 8, 8);
}

void arch_inject_iabt(struct vcpu *v, uint64_t va)
{
	this_cpu()->aborts_injected++;
	write_sysreg(IFSR, a32_fsr_sea(read_sysreg(TTBCR), false));
	write_sysreg(IFAR, (uint32_t)va);
	inject(v, A32_MODE_ABT, A32_VEC_PABT, 4, 4);
}

void arch_inject_undef(struct vcpu *v)
{
	this_cpu()->undefs_injected++;
	inject(v, A32_MODE_UND, A32_VEC_UNDEF, 4, 2);
}

bool arch_timer_line(unsigned int ppi)
{
	uint32_t ctl = ppi == PPI_VTIMER ? read_sysreg(CNTV_CTL)
					 : read_sysreg(CNTP_CTL);

	return timer_ctl_asserts(ctl);
}

/* A virtual asynchronous abort (HCR.VA), taken when the guest unmasks. */
void arch_inject_serror(struct vcpu *v)
{
	v->arch.hcr |= HCR_VA;
	write_sysreg(HCR, v->arch.hcr);
}

_Static_assert(GUEST_EXIT_SYNC == EXIT_TRAP && GUEST_EXIT_IRQ == EXIT_IRQ &&
		       GUEST_EXIT_FIQ == EXIT_FIQ &&
		       GUEST_EXIT_SERROR == EXIT_SERROR,
	       "entry.S returns the exit_kind values");
_Static_assert(offsetof(struct vcpu_arch, regs) == 0,
	       "entry.S takes struct vcpu_arch as struct vcpu_regs");
