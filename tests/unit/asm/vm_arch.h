/* SPDX-License-Identifier: MIT */
/*
 * The host unit tests' asm/vm_arch.h, in place of a profile's: what an
 * ARM profile keeps per VM for arch/arm/stage2.c (its stage-2 tables).
 * The host tests build no stage 2 of a VM, so nothing reads it.
 */
#ifndef VIGIL_ASM_VM_ARCH_H
#define VIGIL_ASM_VM_ARCH_H

struct lpae_table;

struct vm_arch {
	struct lpae_table *s2;
};

#endif
