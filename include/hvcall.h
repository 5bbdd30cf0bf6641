/* SPDX-License-Identifier: MIT */
/* Portable handling of a guest's HVC (or trapped SMC): PSCI and vigil's own
 * calls. core/trap.c calls hvcall_handle() for a trapped HVC or SMC. */
#ifndef VIGIL_HVCALL_H
#define VIGIL_HVCALL_H

#include "compiler.h"

struct vcpu;
struct vm;

/*
 * Handle the call in the vCPU's first four argument registers; the result
 * goes into the first. With @lrs_loaded (trap_handle()'s fast re-entry)
 * only the calls answered from constants are handled, which read and
 * change no vCPU, VM or vGIC state (VIGIL_HC_VERSION, PSCI VERSION,
 * FEATURES, MIGRATE_INFO_TYPE): false, nothing done, for any other.
 */
bool hvcall_handle(struct vcpu *v, bool lrs_loaded);

/* PSCI for guests (core/psci.c): psci_handle_const() answers the calls
 * answered from constants, psci_handle() every other; false if @fn is not
 * one of theirs. */
bool psci_handle(struct vcpu *v, uint32_t fn);
bool psci_handle_const(struct vcpu *v, uint32_t fn);

/* Power management shared by PSCI and the boot code: @context is CPU_ON's
 * context id, or with @boot the guest DTB's IPA. */
int vcpu_power_on(struct vcpu *target, uint64_t entry, uint64_t context,
		  bool boot);
/* SYSTEM_OFF of @vm from its vCPU @self (NULL: from vigil itself). */
void vm_power_off(struct vm *vm, struct vcpu *self);

#endif
