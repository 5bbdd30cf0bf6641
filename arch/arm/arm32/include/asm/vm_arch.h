/* SPDX-License-Identifier: MIT */
/*
 * What a HYP-mode host keeps per VM, embedded in struct vm (include/vm.h):
 * the stage-2 tables of arch/arm/stage2.c and the VTTBR value.
 */
#ifndef VIGIL_ASM_VM_ARCH_H
#define VIGIL_ASM_VM_ARCH_H

#include "compiler.h"

struct lpae_table;

struct vm_arch {
	struct lpae_table *s2; /* stage-2 tables (arch/arm/stage2.c) */
	uint64_t vttbr;	       /* VTTBR: VMID and root table */
};

#endif
