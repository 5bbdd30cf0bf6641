/* SPDX-License-Identifier: MIT */
/* Portable handling of a guest's HVC (or trapped SMC): PSCI and vigil's own
 * calls. The arch layer decodes the trap and calls hvcall_handle(). */
#ifndef VIGIL_HVCALL_H
#define VIGIL_HVCALL_H

#include "compiler.h"

struct vcpu;
struct vm;

/* Handle the call in the vCPU's x0..x3; the result goes into its x0. */
void hvcall_handle(struct vcpu *v);

/*
 * The calls answered from constants, which read and change no vCPU, VM or
 * vGIC state (VIGIL_HC_VERSION, PSCI VERSION, FEATURES, MIGRATE_INFO_TYPE):
 * the arch layer answers them without leaving the guest's context
 * (arch_vcpu_enter(), sched_may_reenter()). False for any other call.
 */
bool hvcall_handle_fast(struct vcpu *v);

/* PSCI for guests (core/psci.c); returns false if @fn is not PSCI.
 * psci_handle_const() answers only the calls that hvcall_handle_fast()
 * may. */
bool psci_handle(struct vcpu *v, uint32_t fn);
bool psci_handle_const(struct vcpu *v, uint32_t fn);

/* Power management shared by PSCI and the boot code. */
int vcpu_power_on(struct vcpu *target, uint64_t entry, uint64_t context);
/* SYSTEM_OFF of @vm from its vCPU @self (NULL: from vigil itself). */
void vm_power_off(struct vm *vm, struct vcpu *self);

#endif
