/* SPDX-License-Identifier: MIT */
/* Exit codes of arch_guest_enter() and kinds of EL2-internal exceptions. */
#ifndef VIGIL_ASM_ENTRY_H
#define VIGIL_ASM_ENTRY_H

#define GUEST_EXIT_SYNC 0
#define GUEST_EXIT_IRQ 1
#define GUEST_EXIT_FIQ 2
#define GUEST_EXIT_SERROR 3

#define HYP_TRAP_SYNC 0
#define HYP_TRAP_IRQ 1
#define HYP_TRAP_SERROR 2
#define HYP_TRAP_BAD 3

#ifndef __ASSEMBLY__
#include "compiler.h"
struct vcpu_regs;

/* The frame hyp_trap_common builds: x0-x30, ELR_EL2, SPSR_EL2. */
struct hyp_frame {
	uint64_t x[31];
	uint64_t elr;
	uint64_t spsr;
};
void hyp_trap(uint64_t kind, struct hyp_frame *f);
/* Zero v0-v31, FPCR and FPSR (a vCPU starting afresh). */
void fpsimd_zero(void);
/* C entry points from head.S. */
void boot_primary(uint64_t dtb_pa) __noreturn;
void boot_secondary(uint64_t id) __noreturn;
/* Where a spin-table CPU enters (head.S): its index from spin_table_id. */
extern char spin_table_entry[];
extern uint64_t spin_table_id;
#endif

#endif
