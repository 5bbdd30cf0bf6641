/* SPDX-License-Identifier: MIT */
/*
 * What the portable core asks of the CPU profile about guests: per-CPU EL2
 * set-up, a vCPU's register file and EL1 state, entering it, and injecting
 * exceptions. arch/arm/<profile>/ implements it.
 */
#ifndef VIGIL_ARCH_VCPU_H
#define VIGIL_ARCH_VCPU_H

#include "compiler.h"

struct vcpu;
struct vm;

/* Configure this pCPU's EL2 controls (HCR, VTCR, timers, traps). */
void arch_el2_init_cpu(void);
/* Largest IPA size (bits) stage 2 supports here. */
unsigned int arch_ipa_bits(void);

/* Reset @v's registers and EL1 state to the PSCI CPU_ON entry state. */
void arch_vcpu_reset(struct vcpu *v, uint64_t entry, uint64_t arg);
/* Put @v's EL1 state and stage-2 context into this pCPU; save it back. */
void arch_vcpu_load(struct vcpu *v);
void arch_vcpu_put(struct vcpu *v);
/* Run @v until its next exit and handle that exit. */
void arch_vcpu_enter(struct vcpu *v);

/* General-purpose register n (0..30) of a vCPU's saved register file. */
uint64_t vcpu_get_reg(struct vcpu *v, unsigned int n);
void vcpu_set_reg(struct vcpu *v, unsigned int n, uint64_t val);

/* Synchronous external abort / undefined instruction into the guest. */
void arch_inject_dabt(struct vcpu *v, uint64_t va, bool write);
void arch_inject_iabt(struct vcpu *v, uint64_t va);
void arch_inject_undef(struct vcpu *v);

/* Turn the machine off / reset it through the firmware. */
void arch_system_off(void) __noreturn;
void arch_system_reset(void) __noreturn;

#endif
