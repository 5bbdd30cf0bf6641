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
struct vm;

/*
 * A guest general-purpose register in the hypervisor's native width: 64
 * bits on AArch64 (x0..x30, an AArch32 guest's r0..r14 in their low half),
 * 32 bits in HYP mode.
 */
typedef unsigned long vreg_t;

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

/* ---- a vCPU's context ------------------------------------------------- */

/* Reset @v's registers and EL1 state to the PSCI CPU_ON entry state with
 * @arg in its first argument register. On the pCPU that will run @v. */
void arch_vcpu_reset(struct vcpu *v, uint64_t entry, uint64_t arg);
/* Put @v's EL1 state and stage-2 context into this pCPU; save it back. */
void arch_vcpu_load(struct vcpu *v);
void arch_vcpu_put(struct vcpu *v);

/* Register @n (the number a syndrome gives) of @v's saved register file;
 * TRAP_REG_ZERO reads as 0 and a write to it is discarded. */
vreg_t vcpu_get_reg(struct vcpu *v, unsigned int n);
void vcpu_set_reg(struct vcpu *v, unsigned int n, vreg_t val);

/* ---- the world switch and its exits ----------------------------------- */

/* Run @v (loaded on this pCPU, IRQs masked) until its next exit. */
enum exit_kind arch_guest_enter(struct vcpu *v);
/* The class of the trap that ended @v's last run, cheaply; and the whole
 * decoded syndrome. */
enum trap_class arch_trap_class(struct vcpu *v);
void arch_trap_decode(struct vcpu *v, struct trap_info *ti);
/* The faulting guest-physical and guest-virtual address of the last abort. */
uint64_t arch_fault_ipa(struct vcpu *v);
uint64_t arch_fault_va(struct vcpu *v);
/* Step @v past the trapped instruction @ti describes. */
void arch_skip_insn(struct vcpu *v, const struct trap_info *ti);
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
