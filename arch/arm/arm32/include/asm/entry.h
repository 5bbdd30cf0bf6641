/* SPDX-License-Identifier: MIT */
/* Exit codes of arch_guest_enter() and kinds of HYP-internal exceptions. */
#ifndef VIGIL_ASM_ENTRY_H
#define VIGIL_ASM_ENTRY_H

#define GUEST_EXIT_SYNC 0
#define GUEST_EXIT_IRQ 1
#define GUEST_EXIT_FIQ 2
#define GUEST_EXIT_SERROR 3

/* HYP's own exceptions, by vector (B1.8.1, the Hyp vector table). */
#define HYP_TRAP_UNDEF 0
#define HYP_TRAP_SVC 1
#define HYP_TRAP_PABT 2
#define HYP_TRAP_DABT 3
#define HYP_TRAP_IRQ 4
#define HYP_TRAP_BAD 5

/* Offset of struct pcpu's guest_regs (the second pointer). */
#define PCPU_GUEST_REGS_A32 4

#ifndef __ASSEMBLY__
#include "compiler.h"

/* The frame the HYP exception entry builds: r0-r12, LR, ELR_hyp,
 * SPSR_hyp. */
struct hyp_frame {
	uint32_t r[13];
	uint32_t lr;
	uint32_t elr;
	uint32_t spsr;
};
void hyp_trap(uint32_t kind, struct hyp_frame *f);
/* C entry points from head.S. */
void boot_primary(uint64_t dtb_pa) __noreturn;
void boot_secondary(uint64_t id) __noreturn;
/* Where a spin-table CPU enters (head.S): its index from spin_table_id. */
extern char spin_table_entry[];
extern uint32_t spin_table_id;
/* vfp.S: this pCPU's VFP registers, FPSCR and FPEXC to their reset
 * values (zero), for a vCPU being reset. */
void vfp_reset_state(void);
#endif

#endif
