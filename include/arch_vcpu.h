/* SPDX-License-Identifier: MIT */
/*
 * What the portable core asks of the CPU profile about guests: per-CPU
 * hypervisor set-up, a vCPU's register file and EL1 (SVC/ABT/UND) state,
 * the world switch, what a trap was, and injecting exceptions.
 * arch/arm/<profile>/ implements it; docs/design.md has the table of every
 * hook and who implements it. The run loop (core/run.c) is the only caller
 * of the world switch; core/trap.c the only one of the trap hooks.
 */
#ifndef VIGIL_ARCH_VCPU_H
#define VIGIL_ARCH_VCPU_H

#include "compiler.h"
#include "trap.h"

struct vcpu;
struct vcpu_arch;
struct vm;

/* ---- per pCPU --------------------------------------------------------- */

/* Configure this pCPU's hypervisor controls (traps, timers, stage 2). */
void arch_hyp_init_cpu(void);
/* Wait for an interrupt with IRQs masked, then take it (the idle loop). */
void arch_idle(void);
/* Turn the machine off / reset it through the firmware. */
void arch_system_off(void) __noreturn;
void arch_system_reset(void) __noreturn;
/* Whether the generic timer behind PPI @ppi (27 virtual, 30 EL1/PL1
 * physical) asserts its interrupt on this pCPU now. */
bool arch_timer_line(unsigned int ppi);

/* The platform is QEMU's (the GIC's model says so: gic_info()->qemu), so
 * the profile works around what it knows of QEMU's CPUs (arm64: the
 * AArch32 EL1 SPSR, arch/arm/arm64/vcpu.c). Once, before any VM runs. */
void arch_note_emulator(bool qemu);

/* ---- a vCPU's context ------------------------------------------------- */

/* Reset @v's registers and EL1 state to the PSCI CPU_ON entry state with
 * @arg in its first argument register. On the pCPU that will run @v. */
void arch_vcpu_reset(struct vcpu *v, uint64_t entry, uint64_t arg);
/* Whether @v runs in AArch32 (the arm32 profile's guests; arm64's run
 * AArch64 at EL1): such a caller has the SMC32 calling convention only,
 * and an SMC64 function ID is unknown to it (SMCCC, ARM DEN 0028). */
bool arch_vcpu_aarch32(const struct vcpu *v);
/* Put @v's EL1 state and stage-2 context into this pCPU; save it back. */
void arch_vcpu_load(struct vcpu *v);
void arch_vcpu_put(struct vcpu *v);

/*
 * Inline in the profile's asm/vcpu.h (reached through include/vm.h): the
 * register file, in the native width (vreg_t: 64 bits on AArch64, 32 in
 * HYP mode), arch_get_reg()/arch_set_reg() behind vcpu_get_reg() and
 * vcpu_set_reg(), and arch_skip_insn(&v->arch, ti->il), which steps past
 * a trapped instruction.
 */

/* ---- the world switch and its exits ----------------------------------- */

/* Run the vCPU whose arch state is @a (loaded on this pCPU, IRQs masked)
 * until its next exit: the world switch itself (v->arch is the only part
 * of a vCPU it needs). A function, or inline where the arch's asm/trap.h
 * says so (ARCH_GUEST_ENTER_INLINE; declared below it then). */
/*
 * The class of the trap that ended @v's last run, cheaply; the whole
 * decoded syndrome; the faulting guest-physical and guest-virtual address
 * of the last abort. Inline on the target (asm/trap.h): the run loop asks
 * them on every trap.
 */
#ifdef VIGIL_HOST_TEST
enum trap_class arch_trap_class(struct vcpu *v);
void arch_trap_decode(struct vcpu *v, struct trap_info *ti);
/* A TRAP_DABT decoded for its emulation: cls, il, write, s1ptw, isv and,
 * with ISV, size, reg, sign_extend and sf; the other fields 0. */
void arch_trap_decode_dabt(struct vcpu *v, struct trap_info *ti);
uint64_t arch_fault_ipa(struct vcpu *v);
uint64_t arch_fault_va(struct vcpu *v);
#else
#include "asm/trap.h"
#endif
#if defined(VIGIL_HOST_TEST) || !defined(ARCH_GUEST_ENTER_INLINE)
enum exit_kind arch_guest_enter(struct vcpu_arch *a);
#endif
/* Emulate a trapped system-register access (MSR/MRS, MCR/MRC); 0 when
 * done (the caller skips the instruction), -EINVAL when it is undefined. */
int arch_sysreg_trap(struct vcpu *v, const struct trap_info *ti);

/* ---- exceptions into the guest ---------------------------------------- */

/* Synchronous external abort / undefined instruction, as the guest's
 * profile takes them (ESR_EL1 and the EL1 vectors for AArch64). */
void arch_inject_dabt(struct vcpu *v, uint64_t va, bool write);
void arch_inject_iabt(struct vcpu *v, uint64_t va);
void arch_inject_undef(struct vcpu *v);
/* A virtual SError (asynchronous abort): the guest's access caused it. */
void arch_inject_serror(struct vcpu *v);

#endif
