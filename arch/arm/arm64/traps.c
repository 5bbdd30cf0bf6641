/* SPDX-License-Identifier: MIT */
/*
 * Guest exits on AArch64: read the syndrome, decode it with the portable
 * decoder (arch/arm/trap.c), and dispatch. Whatever the guest did, the
 * outcome is an emulated access, an answered call, or an exception injected
 * into the guest: never a hypervisor panic.
 */
#include "arch_vcpu.h"
#include "asm/entry.h"
#include "asm/sysreg.h"
#include "hvcall.h"
#include "mmio.h"
#include "percpu.h"
#include "pmu.h"
#include "printk.h"
#include "trap.h"
#include "vm.h"

static void skip_insn(struct vcpu *v, const struct trap_info *ti)
{
	v->arch.regs.pc += ti->il ? 4 : 2;
}

/* HPFAR_EL2.FIPA holds IPA[47:12] in bits [43:4] (ARM ARM D13.2.48). */
static uint64_t fault_ipa(void)
{
	uint64_t hpfar = read_sysreg(hpfar_el2);

	return ((hpfar >> 4) << 12) | (read_sysreg(far_el2) & 0xfff);
}

static void handle_dabt(struct vcpu *v, const struct trap_info *ti)
{
	if (trap_emulate_mmio(ti, v->arch.regs.x, v->vm->mmio, v,
			      fault_ipa()) != MMIO_HANDLED) {
		arch_inject_dabt(v, read_sysreg(far_el2), ti->write);
		return;
	}
	skip_insn(v, ti);
}

/* The only system registers vigil traps and emulates are the PMU's
 * (MDCR_EL2.TPM); the others it traps (TIDCP, TACR) are undefined. */
static void handle_sysreg(struct vcpu *v, const struct trap_info *ti)
{
	uint64_t ps = v->arch.regs.pstate;
	bool el0 = !(ps & PSR_MODE32) && (ps & PSR_MODE_MASK) == PSR_MODE_EL0t;

	if (pmu_emulate(&v->arch.pmu, ti, el0, v->arch.regs.x)) {
		arch_inject_undef(v);
		return;
	}
	skip_insn(v, ti);
}

static void handle_sync(struct vcpu *v)
{
	uint64_t esr = read_sysreg(esr_el2);
	struct trap_info ti;

	trap_decode(esr, &ti);
	switch (ti.cls) {
	case TRAP_HVC:
		/* ELR_EL2 already points past the HVC. */
		hvcall_handle(v);
		break;
	case TRAP_SMC:
		/* A trapped SMC leaves ELR_EL2 at the SMC itself. */
		hvcall_handle(v);
		skip_insn(v, &ti);
		break;
	case TRAP_DABT:
		handle_dabt(v, &ti);
		break;
	case TRAP_IABT:
		arch_inject_iabt(v, read_sysreg(far_el2));
		break;
	case TRAP_WFX:
		skip_insn(v, &ti);
		break;
	case TRAP_SYSREG:
		handle_sysreg(v, &ti);
		break;
	default:
		/* Trapped system registers vigil does not emulate, and any
		 * exception class it does not expect: undefined. */
		arch_inject_undef(v);
		break;
	}
}

/* An emulated MMIO access its region handles quickly (mmio_set_quick():
 * most distributor reads, an SGI to other vCPUs). */
static bool handle_dabt_quick(struct vcpu *v, uint64_t esr)
{
	struct trap_info ti;
	uint64_t val = 0;

	if (!(esr & ESR_ABT_ISV))
		return false;
	trap_decode(esr, &ti);
	if (ti.s1ptw)
		return false;
	if (ti.write)
		val = mmio_store_value(trap_gpr_read(v->arch.regs.x, ti.reg),
				       ti.size);
	if (!mmio_dispatch_quick(v->vm->mmio, v, fault_ipa(), ti.size, ti.write,
				 &val))
		return false;
	if (!ti.write)
		trap_gpr_write(
			v->arch.regs.x, ti.reg,
			mmio_load_extend(val, ti.size, ti.sign_extend, ti.sf));
	skip_insn(v, &ti);
	return true;
}

bool arch_handle_exit_fast(struct vcpu *v, uint64_t code)
{
	uint64_t esr;

	if (code != EXIT_SYNC)
		return false;
	esr = read_sysreg(esr_el2);
	switch ((esr >> ESR_EC_SHIFT) & ESR_EC_MASK) {
	case ESR_EC_HVC64:
		/* ELR_EL2 already points past the HVC. */
		return hvcall_handle_fast(v);
	case ESR_EC_DABT_LOW:
		return handle_dabt_quick(v, esr);
	default:
		return false;
	}
}

void arch_handle_exit(struct vcpu *v, uint64_t code)
{
	switch (code) {
	case EXIT_SYNC:
		handle_sync(v);
		break;
	case EXIT_SERROR:
		/* Pass it on as a virtual SError: it was the guest's access. */
		pr_warn("SError from VM '%s' vCPU %u (ESR 0x%lx)", v->vm->name,
			v->id, (unsigned long)read_sysreg(esr_el2));
		v->arch.hcr |= HCR_VSE;
		write_sysreg(hcr_el2, v->arch.hcr);
		break;
	default:
		break;
	}
}
