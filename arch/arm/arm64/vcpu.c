/* SPDX-License-Identifier: MIT */
/*
 * AArch64 guests: EL2 controls, the vCPU's EL1 state, world switch, and
 * exception injection (ARM ARM D1.10: exception entry to EL1).
 */
#include <string.h>

#include "arch.h"
#include "arch_vcpu.h"
#include "generic_timer.h"
#include "irq.h"
#include "mmio.h"
#include "printk.h"
#include "asm/a32_tramp.h"
#include "asm/entry.h"
#include "asm/inject.h"
#include "asm/s2.h"
#include "asm/sysreg.h"
#include "percpu.h"
#include "pmu.h"
#include "stage2.h"
#include "vm.h"

/* Guest HCR_EL2: stage 2 on, physical IRQ/FIQ/SError to EL2, SMC trapped,
 * implementation-defined sysregs and ACTLR trapped, EL1 is AArch64. WFI is
 * left native: with one vCPU per pCPU it is the low-latency choice. */
#define HCR_GUEST                                                   \
	(HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_FB | \
	 HCR_BSU_IS | HCR_TSC | HCR_TIDCP | HCR_TACR | HCR_RW)

/* SCTLR_EL1 at reset for a guest: MMU and caches off, RES1 bits set. */
#define SCTLR_EL1_RESET 0x30d00800UL
/* The AArch32 SCTLR at reset (ARM ARM G8.2.126): MMU and caches off; the
 * RES1 bits 23, 22, 11, 4 and 3, CP15BEN (5), and nTWI/nTWE (16, 18) so
 * EL0's WFI and WFE are not trapped to EL1. */
#define SCTLR_AA32_RESET 0x00c50838UL

static unsigned int ipa_bits;
static uint64_t vtcr;

static const unsigned int parange_bits[] = {32, 36, 40, 42, 44, 48, 52};

unsigned int arch_ipa_bits(void)
{
	if (!ipa_bits) {
		unsigned int f = read_sysreg(id_aa64mmfr0_el1) & 0xf;

		ipa_bits = parange_bits[f < 6 ? f : 5];
		if (ipa_bits > 48)
			ipa_bits = 48;
	}
	return ipa_bits;
}

void arch_s2_set_root(struct vm *vm, uint64_t root_pa)
{
	vm->arch.vttbr = arm64_vttbr_el2(root_pa, vm->vmid);
}

void arch_hyp_init_cpu(void)
{
	unsigned int f = read_sysreg(id_aa64mmfr0_el1) & 0xf;

	vtcr = arm64_vtcr_el2(arch_ipa_bits(), f > 5 ? 5 : f);
	write_sysreg(vtcr_el2, vtcr);
	write_sysreg(hcr_el2, HCR_RW);
	/* FP/SIMD untrapped (vigil's code never uses it). */
	write_sysreg(cptr_el2, CPTR_EL2_RES1);
	/* EL1 owns the physical counter and timer; no offset. */
	write_sysreg(cnthctl_el2, CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN);
	write_sysreg(cntvoff_el2, 0);
	/*
	 * The guest has every PMU counter (HPMN = PMCR_EL0.N), but its PMU
	 * accesses trap (TPM, and TPMCR for PMCR_EL0 though TPM covers it):
	 * the ARMv8.0 PMU has no MDCR_EL2.HPMD, and a filter with NSH set
	 * would count vigil's own cycles (arch/arm/pmu.c keeps NSH out).
	 */
	write_sysreg(mdcr_el2,
		     MDCR_TPM | MDCR_TPMCR |
			     ((read_sysreg(pmcr_el0) >> PMCR_N_SHIFT) &
			      MDCR_HPMN_MASK));
	write_sysreg(vpidr_el2, read_sysreg(midr_el1));
	write_sysreg(vttbr_el2, 0);
	isb();
}

/*
 * An AArch32 EL1 (vigil,aarch32; HCR_EL2.RW = 0) as the arm32 port starts
 * one (arch/arm/arm32/vcpu.c): SVC mode, A, I, F masked, T32 if @entry
 * has bit 0 set, MMU off. A boot entry (@boot) follows the zImage
 * protocol (Linux Documentation/arch/arm/booting.rst): r0 = 0, r1 = ~0
 * ("no machine type"), r2 = @arg, the DTB; PSCI CPU_ON gives @arg, the
 * context id, in r0 (and the same r1, r2). FPEXC.EN starts clear, as out
 * of reset.
 */
static void aarch32_reset(struct vcpu_arch *a, uint64_t entry, uint64_t arg,
			  bool boot)
{
	a->hcr &= ~HCR_RW;
	a->regs.x[0] = boot ? 0 : (uint32_t)arg;
	a->regs.x[1] = 0xffffffffU;
	a->regs.x[2] = (uint32_t)arg;
	a->regs.pc = (uint32_t)entry & ~1U;
	a->regs.pstate = A32_MODE_SVC | A32_PSR_A | A32_PSR_I | A32_PSR_F |
			 ((entry & 1) ? A32_PSR_T : 0);
	a->sys.sctlr = SCTLR_AA32_RESET;
	a->sys.fpexc32 = 0;
}

/* The platform is QEMU's (arch_note_emulator()). */
static bool on_qemu;
bool arm64_a32_rt_raw; /* asm/trap.h */
/* The trampoline's UDFs, one page every AArch32 VM's stage 2 maps
 * read-only (its physical address is its own: EL2's map is the identity,
 * arch/arm/arm64/mmu.c). Filled before any VM runs. */
static uint32_t a32_udf_page[1024] __aligned(4096);

void arch_note_emulator(bool qemu)
{
	unsigned int i;

	on_qemu = qemu;
	if (!qemu)
		return;
	a32_tramp_fill(a32_udf_page);
	for (i = 0; i < sizeof(a32_udf_page); i += 64)
		__asm__ __volatile__(
			"dc cvac, %0" ::"r"((uint8_t *)a32_udf_page + i)
			: "memory");
	__asm__ __volatile__("dsb sy" ::: "memory");
}

/* A page the trampoline may not use: stage 2 maps it (RAM, passthrough,
 * GICV) or an emulated device answers there. */
static bool tramp_busy(void *ctx, uint64_t ipa, uint64_t *below)
{
	const struct vm *vm = ctx;
	const struct mmio_bus *bus = vm->mmio;
	unsigned int i;

	for (i = 0; i < vm->nr_ram; i++) {
		if (ipa - vm->ram[i].ipa < vm->ram[i].size) {
			*below = vm->ram[i].ipa;
			return true;
		}
	}
	for (i = 0; bus && i < bus->nr; i++) {
		if (ipa - bus->regions[i].base < bus->regions[i].size) {
			*below = bus->regions[i].base;
			return true;
		}
	}
	*below = ipa;
	return s2_is_mapped(vm, ipa);
}

/*
 * Place @vm's trampoline (asm/a32_tramp.h): a page of UDFs of vigil's,
 * read-only to the guest, at the highest free pair of pages below 4 GiB.
 * Once per VM, as its vCPU 0 first starts: the VM's map is complete and
 * no other vCPU of it runs yet.
 */
static void a32_tramp_place_vm(struct vm *vm)
{
	uint64_t ipa, pa = (uint64_t)(uintptr_t)a32_udf_page;

	vm->arch.a32_tramp_placed = true;
	vm->arch.a32_tramp_ipa = A32_TRAMP_NONE;
	ipa = a32_tramp_place(tramp_busy, vm);
	if (ipa == A32_TRAMP_NONE ||
	    s2_map(vm, ipa, pa, 4096, S2_MEM_CODE_RO)) {
		pr_warn("vm%u: no room below 4 GiB for the AArch32 injection "
			"trampoline: exceptions vigil injects will carry a "
			"stale SPSR on QEMU (docs/arm32.md)",
			vm->id);
		return;
	}
	vm->arch.a32_tramp_ipa = ipa;
	pr_info("vm%u: AArch32 injection trampoline at IPA 0x%lx (QEMU)",
		vm->id, (unsigned long)ipa);
}

/* Runs on the pCPU that will run @v: its FP/SIMD registers are @v's. */
void arch_vcpu_reset(struct vcpu *v, uint64_t entry, uint64_t arg)
{
	struct vcpu_arch *a = &v->arch;

	memset(a, 0, sizeof(*a));
	fpsimd_zero();
	a->hcr = HCR_GUEST;
	pmu_vcpu_reset(&a->pmu);
	if (v->vm->aarch32) {
		aarch32_reset(a, entry, arg, v->on_boot);
		/* Before the VM's first AArch32 instruction: until then
		 * AArch64 guests' MMIO exits skip the SRT check. */
		if (on_qemu)
			arm64_a32_rt_raw = true;
		if (on_qemu && !v->vm->arch.a32_tramp_placed)
			a32_tramp_place_vm(v->vm);
		return;
	}
	a->regs.x[0] = arg;
	a->regs.pc = entry;
	a->regs.pstate = PSR_MODE_EL1h | PSR_DAIF;
	a->sys.sctlr = SCTLR_EL1_RESET;
}

/* HCR_EL2.RW = 0: EL1 is AArch32 (the VM's vigil,aarch32). */
bool arch_vcpu_aarch32(const struct vcpu *v)
{
	return v->vm->aarch32;
}

#define SAVE(r, f) (s->f = read_sysreg(r))
#define LOAD(r, f) write_sysreg(r, s->f)

void arch_vcpu_put(struct vcpu *v)
{
	struct vcpu_sysregs *s = &v->arch.sys;

	SAVE(sctlr_el1, sctlr);
	SAVE(ttbr0_el1, ttbr0);
	SAVE(ttbr1_el1, ttbr1);
	SAVE(tcr_el1, tcr);
	SAVE(mair_el1, mair);
	SAVE(amair_el1, amair);
	SAVE(vbar_el1, vbar);
	SAVE(contextidr_el1, contextidr);
	SAVE(tpidr_el0, tpidr_el0);
	SAVE(tpidrro_el0, tpidrro_el0);
	SAVE(tpidr_el1, tpidr_el1);
	SAVE(sp_el0, sp_el0);
	SAVE(sp_el1, sp_el1);
	SAVE(elr_el1, elr_el1);
	SAVE(spsr_el1, spsr_el1);
	SAVE(esr_el1, esr);
	SAVE(far_el1, far);
	SAVE(afsr0_el1, afsr0);
	SAVE(afsr1_el1, afsr1);
	SAVE(par_el1, par);
	SAVE(cpacr_el1, cpacr);
	SAVE(cntkctl_el1, cntkctl);
	SAVE(csselr_el1, csselr);
	SAVE(mdscr_el1, mdscr);
	SAVE(cntv_ctl_el0, cntv_ctl);
	SAVE(cntv_cval_el0, cntv_cval);
	if (v->vm->aarch32) {
		SAVE(spsr_abt, spsr_abt);
		SAVE(spsr_und, spsr_und);
		SAVE(spsr_irq, spsr_irq);
		SAVE(spsr_fiq, spsr_fiq);
		SAVE(dacr32_el2, dacr32);
		SAVE(ifsr32_el2, ifsr32);
		SAVE(fpexc32_el2, fpexc32);
	}
	/* Stop the virtual timer so it cannot fire for the wrong vCPU. */
	write_sysreg(cntv_ctl_el0, 0);
	isb();
}

void arch_vcpu_load(struct vcpu *v)
{
	struct vcpu_sysregs *s = &v->arch.sys;

	LOAD(sctlr_el1, sctlr);
	LOAD(ttbr0_el1, ttbr0);
	LOAD(ttbr1_el1, ttbr1);
	LOAD(tcr_el1, tcr);
	LOAD(mair_el1, mair);
	LOAD(amair_el1, amair);
	LOAD(vbar_el1, vbar);
	LOAD(contextidr_el1, contextidr);
	LOAD(tpidr_el0, tpidr_el0);
	LOAD(tpidrro_el0, tpidrro_el0);
	LOAD(tpidr_el1, tpidr_el1);
	LOAD(sp_el0, sp_el0);
	LOAD(sp_el1, sp_el1);
	LOAD(elr_el1, elr_el1);
	LOAD(spsr_el1, spsr_el1);
	LOAD(esr_el1, esr);
	LOAD(far_el1, far);
	LOAD(afsr0_el1, afsr0);
	LOAD(afsr1_el1, afsr1);
	LOAD(par_el1, par);
	LOAD(cpacr_el1, cpacr);
	LOAD(cntkctl_el1, cntkctl);
	LOAD(csselr_el1, csselr);
	LOAD(mdscr_el1, mdscr);
	LOAD(cntv_cval_el0, cntv_cval);
	LOAD(cntv_ctl_el0, cntv_ctl);
	if (v->vm->aarch32) {
		LOAD(spsr_abt, spsr_abt);
		LOAD(spsr_und, spsr_und);
		LOAD(spsr_irq, spsr_irq);
		LOAD(spsr_fiq, spsr_fiq);
		LOAD(dacr32_el2, dacr32);
		LOAD(ifsr32_el2, ifsr32);
		LOAD(fpexc32_el2, fpexc32);
	}
	write_sysreg(vmpidr_el2, v->vmpidr);
	write_sysreg(vttbr_el2, v->vm->arch.vttbr);
	write_sysreg(hcr_el2, v->arch.hcr);
	isb();
	/* A new VMID's or a reset vCPU's stale translations must not be used. */
	__asm__ __volatile__("tlbi vmalls12e1\n dsb nsh" ::: "memory");
	/* Instruction cache: the guest image was written by the loader. */
	__asm__ __volatile__("ic iallu\n dsb nsh\n isb" ::: "memory");
}

/*
 * Take a synchronous exception to the guest's EL1 (ARM ARM D1.10.2): the
 * vector offset depends on where the guest was: 0x000 EL1t, 0x200 EL1h,
 * 0x400 EL0 AArch64, 0x600 EL0 AArch32. The vCPU's EL1 registers are live
 * in this pCPU while its exit is handled.
 */
static void inject_sync(struct vcpu *v, uint64_t esr, uint64_t far)
{
	struct vcpu_regs *r = &v->arch.regs;
	uint64_t mode = r->pstate & (PSR_MODE_MASK | PSR_MODE32);
	uint64_t off;

	if (r->pstate & PSR_MODE32)
		off = 0x600;
	else if (mode == PSR_MODE_EL1h)
		off = 0x200;
	else if (mode == PSR_MODE_EL1t)
		off = 0x000;
	else
		off = 0x400;
	write_sysreg(esr_el1, esr);
	write_sysreg(far_el1, far);
	write_sysreg(elr_el1, r->pc);
	write_sysreg(spsr_el1, r->pstate);
	r->pstate = PSR_MODE_EL1h | PSR_DAIF;
	r->pc = read_sysreg(vbar_el1) + off;
}

/* An AArch32 EL1 in mode @mode (ABT or UND) with @cpsr at @pc, its
 * LR_<mode> @lr and SPSR_<mode> @spsr: LR_abt is X20, LR_und X22 (the
 * AArch32 register mapping), SPSR_abt and SPSR_und their own registers. */
static void a32_enter(struct vcpu *v, uint32_t mode, uint32_t cpsr, uint32_t pc,
		      uint32_t lr, uint32_t spsr)
{
	struct vcpu_regs *r = &v->arch.regs;

	r->pstate = cpsr;
	r->pc = pc;
	if (mode == A32_MODE_ABT) {
		r->x[20] = lr;
		write_sysreg(spsr_abt, spsr);
	} else {
		r->x[22] = lr;
		write_sysreg(spsr_und, spsr);
	}
}

/*
 * QEMU (7.2 and 10.0) keeps an AArch32 EL1's current SPSR in a register
 * of its own that an exception return from AArch64 EL2 neither loads nor
 * saves (docs/arm32.md), so returning the guest into ABT or UND mode
 * would leave it the SPSR of the mode it faulted in. Only QEMU's own
 * AArch32 exception entry sets that register: the trampoline
 * (asm/a32_tramp.h) resumes the guest in the very state the exception
 * saves (@spsr: mode, flags, IT, T), MMU off, on a UDF; QEMU takes the
 * undefined instruction, which writes SPSR_und = @spsr (and banks the
 * old mode's SPSR where it belongs), and its vector fetch, from the page
 * nothing maps, exits to vigil: a32_tramp_land().
 */
static void a32_tramp_enter(struct vcpu *v, uint32_t mode, uint32_t cpsr,
			    uint32_t pc, uint32_t lr, uint32_t spsr)
{
	struct vcpu_arch *a = &v->arch;
	struct a32_tramp *t = &a->tramp;
	uint64_t ipa = v->vm->arch.a32_tramp_ipa;

	*t = (struct a32_tramp){
		.active = true,
		.mode = mode,
		.cpsr = cpsr,
		.pc = pc,
		.lr = lr,
		.spsr = spsr,
		.sctlr = read_sysreg(sctlr_el1),
		.vbar = read_sysreg(vbar_el1),
		.vse = a->hcr & HCR_VSE,
		.lr_irq = a->regs.x[16],
		.lr_abt = a->regs.x[20],
		.lr_und = a->regs.x[22],
		.lr_fiq = a->regs.x[30],
	};
	write_sysreg(sctlr_el1, a32_tramp_sctlr(t->sctlr));
	write_sysreg(vbar_el1, ipa + A32_TRAMP_TRAP);
	/* A pending virtual SError waits: taken on the trampoline it would
	 * be consumed with no vector run. */
	if (t->vse) {
		a->hcr &= ~HCR_VSE;
		write_sysreg(hcr_el2, a->hcr);
	}
	a->regs.pc = a32_tramp_pc(ipa, spsr);
	a->regs.pstate = spsr;
}

/*
 * The trampoline's landing: an instruction abort at the page after the
 * UDFs. QEMU's exception entry (UDF, or a virtual IRQ or FIQ taken first,
 * which stays pending in the GIC) has set the guest's current SPSR to
 * the trampoline's @spsr and clobbered that mode's LR; the guest ran
 * nothing else. Give back what was borrowed and return it into the
 * exception meant: an exception return that changes the mode keeps
 * QEMU's current SPSR as it is. Any other exit that reaches here while
 * the trampoline is out (none should: the guest runs no instruction of
 * its own on it) ends it the same way, without that SPSR.
 */
static void a32_tramp_land(struct vcpu *v, uint64_t ipa)
{
	struct vcpu_arch *a = &v->arch;
	struct a32_tramp *t = &a->tramp;
	uint64_t trap = v->vm->arch.a32_tramp_ipa + A32_TRAMP_TRAP;

	if (ipa - trap >= 4096)
		pr_warn("vm%u vcpu%u: the AArch32 injection trampoline "
			"ended at IPA 0x%lx, not its landing",
			v->vm->id, v->id, (unsigned long)ipa);
	t->active = false;
	write_sysreg(sctlr_el1, t->sctlr);
	write_sysreg(vbar_el1, t->vbar);
	if (t->vse) {
		a->hcr |= HCR_VSE;
		write_sysreg(hcr_el2, a->hcr);
	}
	/* Nothing the MMU-off fetches cached may outlive them. */
	__asm__ __volatile__("tlbi vmalle1\n dsb nsh\n isb" ::: "memory");
	a->regs.x[16] = t->lr_irq;
	a->regs.x[20] = t->lr_abt;
	a->regs.x[22] = t->lr_und;
	a->regs.x[30] = t->lr_fiq;
	a32_enter(v, t->mode, t->cpsr, t->pc, t->lr, t->spsr);
}

/*
 * Take an exception to an AArch32 EL1's mode @mode (a32_exception_entry(),
 * shared with the arm32 port). Its SCTLR and VBAR are SCTLR_EL1's and
 * VBAR_EL1's low halves.
 */
static void inject_a32(struct vcpu *v, uint32_t mode, uint32_t vec,
		       uint32_t lr_arm, uint32_t lr_thumb)
{
	struct vcpu_regs *r = &v->arch.regs;
	uint32_t lr, spsr, pc, cpsr;

	if (unlikely(v->arch.tramp.active))
		a32_tramp_land(v, A32_TRAMP_NONE);
	cpsr = a32_exception_entry((uint32_t)r->pstate, (uint32_t)r->pc,
				   (uint32_t)read_sysreg(sctlr_el1),
				   (uint32_t)read_sysreg(vbar_el1), mode, vec,
				   lr_arm, lr_thumb, &lr, &spsr, &pc);
	if (v->vm->arch.a32_tramp_placed &&
	    v->vm->arch.a32_tramp_ipa != A32_TRAMP_NONE)
		a32_tramp_enter(v, mode, cpsr, pc, lr, spsr);
	else
		a32_enter(v, mode, cpsr, pc, lr, spsr);
}

/*
 * The AArch32 fault registers are views of AArch64 ones (ARM ARM DDI 0487,
 * "Mapping of AArch32 registers to AArch64"): DFSR is ESR_EL1[31:0],
 * IFSR IFSR32_EL2, DFAR FAR_EL1[31:0] and IFAR FAR_EL1[63:32]; TTBCR is
 * TCR_EL1[31:0].
 */
static void inject_a32_abort(struct vcpu *v, uint64_t va, bool write, bool insn)
{
	uint32_t fsr = a32_fsr_sea((uint32_t)read_sysreg(tcr_el1), write);
	uint64_t far = read_sysreg(far_el1);

	if (insn) {
		write_sysreg(ifsr32_el2, fsr);
		far = (far & 0xffffffffUL) | ((uint64_t)(uint32_t)va << 32);
		write_sysreg(far_el1, far);
		inject_a32(v, A32_MODE_ABT, A32_VEC_PABT, 4, 4);
	} else {
		write_sysreg(esr_el1, fsr);
		far = (far & ~0xffffffffUL) | (uint32_t)va;
		write_sysreg(far_el1, far);
		inject_a32(v, A32_MODE_ABT, A32_VEC_DABT, 8, 8);
	}
}

static bool guest_at_el1(struct vcpu *v)
{
	uint64_t ps = v->arch.regs.pstate;

	return !(ps & PSR_MODE32) && (ps & 0xc) == 0x4;
}

void arch_inject_dabt(struct vcpu *v, uint64_t va, bool write)
{
	this_cpu()->aborts_injected++;
	if (v->vm->aarch32)
		inject_a32_abort(v, va, write, false);
	else
		inject_sync(v,
			    esr_for_injected_dabt(guest_at_el1(v), write,
						  ESR_FSC_SEA),
			    va);
}

void arch_inject_iabt(struct vcpu *v, uint64_t va)
{
	if (unlikely(v->arch.tramp.active)) {
		a32_tramp_land(v, arch_fault_ipa(v));
		return;
	}
	this_cpu()->aborts_injected++;
	if (v->vm->aarch32)
		inject_a32_abort(v, va, false, true);
	else
		inject_sync(v, esr_for_injected_iabt(guest_at_el1(v)), va);
}

void arch_inject_undef(struct vcpu *v)
{
	this_cpu()->undefs_injected++;
	if (v->vm->aarch32)
		inject_a32(v, A32_MODE_UND, A32_VEC_UNDEF, 4, 2);
	else
		inject_sync(v, esr_for_undef(), 0);
}

bool arch_timer_line(unsigned int ppi)
{
	uint64_t ctl = ppi == PPI_VTIMER ? read_sysreg(cntv_ctl_el0)
					 : read_sysreg(cntp_ctl_el0);

	return timer_ctl_asserts(ctl);
}

void arch_inject_serror(struct vcpu *v)
{
	v->arch.hcr |= HCR_VSE;
	write_sysreg(hcr_el2, v->arch.hcr);
}

_Static_assert(GUEST_EXIT_SYNC == EXIT_TRAP && GUEST_EXIT_IRQ == EXIT_IRQ &&
		       GUEST_EXIT_FIQ == EXIT_FIQ &&
		       GUEST_EXIT_SERROR == EXIT_SERROR,
	       "entry.S returns the exit_kind values");
/* arch_guest_enter() (entry.S) is handed the vCPU's struct vcpu_arch and
 * loads the register file at its start. */
_Static_assert(offsetof(struct vcpu_arch, regs) == 0,
	       "entry.S takes struct vcpu_arch as struct vcpu_regs");
