/* SPDX-License-Identifier: MIT */
/*
 * The trap hooks of include/arch_vcpu.h, inline on AArch64: the run loop
 * asks them on every trap, and each is a system-register read or two.
 * Only include/arch_vcpu.h includes this.
 */
#ifndef VIGIL_ASM_TRAP_H
#define VIGIL_ASM_TRAP_H

#include "asm/sysreg.h"
#include "asm/vcpu.h"
#include "esr.h"

/*
 * The world switch (entry.S, guest_run) behind inline asm that tells the
 * compiler x1..x18, x23..x28 and x30 are lost: the guest loads them all.
 * guest_run keeps x19..x22, x29 and x30 in its frame, which is what
 * vcpu_run() holds across the call; declaring x19..x28 all clobbered
 * made it spill and reload its state around every call instead (tried,
 * docs/performance.md). Four callee-saved pairs fewer saved and restored
 * on each exit than a plain call.
 */
#define ARCH_GUEST_ENTER_INLINE
struct vcpu_arch;
static inline enum exit_kind arch_guest_enter(struct vcpu_arch *a)
{
	register unsigned long x0 __asm__("x0") = (unsigned long)a;

	__asm__ __volatile__("bl	guest_run"
			     : "+r"(x0)
			     :
			     : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8",
			       "x9", "x10", "x11", "x12", "x13", "x14", "x15",
			       "x16", "x17", "x18", "x23", "x24", "x25", "x26",
			       "x27", "x28", "x30", "cc", "memory");
	return (enum exit_kind)x0;
}

static inline enum trap_class arch_trap_class(struct vcpu *v)
{
	return esr_trap_class(read_sysreg(esr_el2));
}

/* The full decode, for the classes the run loop's fast paths leave to
 * trap_handle_synced() (arch/arm/arm64/traps.c). */
void arch_trap_decode(struct vcpu *v, struct trap_info *ti);

/*
 * QEMU (7.2 and 10.0) reports a data abort's SRT from AArch32 as the A32
 * register number (target/arm/tcg/translate.c, make_issinfo() passes the
 * instruction's Rt), where ESR_EL2 has the AArch64 view (ARM ARM
 * D17.2.40, ISS "SRT"): SVC's r14 comes as 14, not x18. (Its MCR/MRC
 * traps it does convert: arm_cpu_do_interrupt_aarch64() rewrites Rt and
 * Rt2 with aarch64_regnum().) Set on QEMU (arch_note_emulator(), from
 * its GIC) once an AArch32 VM starts; vigil then maps the number itself
 * (a32_view_xreg()). SPSR_EL2 still
 * holds the guest's PSTATE here, as ESR_EL2 its syndrome: nothing has
 * been taken to EL2 since the exit.
 */
extern bool arm64_a32_rt_raw;

static inline void arch_trap_decode_dabt(struct vcpu *v, struct trap_info *ti)
{
	uint64_t ps;

	trap_decode_dabt(read_sysreg(esr_el2), ti);
	if (unlikely(arm64_a32_rt_raw) && ti->isv) {
		ps = read_sysreg(spsr_el2);
		if (ps & PSR_MODE32)
			ti->reg = a32_view_xreg(ti->reg, (uint32_t)ps);
	}
}

/* HPFAR_EL2.FIPA holds IPA[47:12] in bits [43:4] (ARM ARM D13.2.48). */
static inline uint64_t arch_fault_ipa(struct vcpu *v)
{
	uint64_t hpfar = read_sysreg(hpfar_el2);

	return ((hpfar >> 4) << 12) | (read_sysreg(far_el2) & 0xfff);
}

static inline uint64_t arch_fault_va(struct vcpu *v)
{
	return read_sysreg(far_el2);
}

#endif
