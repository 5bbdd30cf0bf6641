/* SPDX-License-Identifier: MIT */
/*
 * What an AArch64 host keeps per VM, embedded in struct vm (include/vm.h).
 * arch/arm/stage2.c, shared by both ARM profiles, uses s2: an arm32
 * vm_arch has it too.
 */
#ifndef VIGIL_ASM_VM_ARCH_H
#define VIGIL_ASM_VM_ARCH_H

#include "compiler.h"

struct lpae_table;

struct vm_arch {
	struct lpae_table *s2; /* stage-2 tables (arch/arm/stage2.c) */
	uint64_t vttbr;	       /* VTTBR_EL2: VMID and root table */
	/* An AArch32 VM's injection trampoline on QEMU (asm/a32_tramp.h):
	 * its IPA, or A32_TRAMP_NONE; placed when vCPU 0 first starts. */
	bool a32_tramp_placed;
	uint64_t a32_tramp_ipa;
};

#endif
