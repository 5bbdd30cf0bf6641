/* SPDX-License-Identifier: MIT */
/*
 * A guest's trap, handled: a hypercall answered, an MMIO access emulated,
 * or an exception injected into the guest. Whatever the guest did, nothing
 * here panics vigil. The arch decodes the syndrome (arch_trap_*()); this
 * file decides what the trap means.
 */
#include "arch_vcpu.h"
#include "hvcall.h"
#include "trap.h"
#include "vm.h"

/* Out of line, like the rest below: trap_handle() (include/trap.h) stays
 * a classify and a call, so a hypercall pays for no trap_info frame. */
__noinline bool trap_dabt(struct vcpu *v, bool lrs_loaded)
{
	struct trap_info ti;
	enum mmio_result res;

	arch_trap_decode_dabt(v, &ti);
	res = trap_emulate_mmio(v, &ti, arch_fault_ipa(v), lrs_loaded);
	if (res == MMIO_RETRY)
		return false;
	if (res == MMIO_HANDLED)
		arch_skip_insn(&v->arch, ti.il);
	else
		arch_inject_dabt(v, arch_fault_va(v), ti.write);
	return true;
}

/* The classes that only the full exit handles. */
__noinline void trap_handle_synced(struct vcpu *v)
{
	struct trap_info ti;

	arch_trap_decode(v, &ti);
	if (ti.cond_failed) {
		arch_skip_insn(&v->arch, ti.il);
		return;
	}
	switch (ti.cls) {
	case TRAP_SMC:
		/* Answered like an HVC; a trapped SMC leaves the return
		 * address at the SMC itself. */
		hvcall_handle(v, false);
		arch_skip_insn(&v->arch, ti.il);
		break;
	case TRAP_IABT:
		arch_inject_iabt(v, arch_fault_va(v));
		break;
	case TRAP_WFX:
		arch_skip_insn(&v->arch, ti.il);
		break;
	case TRAP_SYSREG:
	case TRAP_CP15:
	case TRAP_CP15_64:
		if (arch_sysreg_trap(v, &ti))
			arch_inject_undef(v);
		else
			arch_skip_insn(&v->arch, ti.il);
		break;
	default:
		/* Any class vigil does not expect: undefined. */
		arch_inject_undef(v);
		break;
	}
}
