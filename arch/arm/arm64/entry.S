/* SPDX-License-Identifier: MIT */
/*
 * EL2 exception vectors and the guest world switch.
 *
 * guest_run(arch), which arch_guest_enter() (asm/trap.h) calls from inline
 * asm that declares x1-x18, x23-x28 and x30 clobbered, saves x19-x22, x29
 * and x30 on the EL2 stack, loads the guest's x0-x30, ELR_EL2 and SPSR_EL2
 * from @arch's register file (its first member, struct vcpu_regs) and
 * ERETs. Any exception from the guest lands in a lower-EL vector, which
 * stores the guest's registers back into that register file (its address
 * is in guest_run's frame), pops what guest_run saved and returns with an
 * exit code (enum exit_kind) in x0.
 * SP_EL2 is untouched while the guest runs, so the frame is still there.
 */
#include "percpu.h"
#include "asm/vcpu.h"
#include "asm/entry.h"

	.text

	.globl guest_run
guest_run:
	stp	x29, x30, [sp, #-64]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	str	x0, [sp, #48]		/* the register file, for the exit */
	ldp	x1, x2, [x0, #VCPU_REGS_PC]
	msr	elr_el2, x1
	msr	spsr_el2, x2
	ldp	x2, x3, [x0, #16]
	ldp	x4, x5, [x0, #32]
	ldp	x6, x7, [x0, #48]
	ldp	x8, x9, [x0, #64]
	ldp	x10, x11, [x0, #80]
	ldp	x12, x13, [x0, #96]
	ldp	x14, x15, [x0, #112]
	ldp	x16, x17, [x0, #128]
	ldp	x18, x19, [x0, #144]
	ldp	x20, x21, [x0, #160]
	ldp	x22, x23, [x0, #176]
	ldp	x24, x25, [x0, #192]
	ldp	x26, x27, [x0, #208]
	ldp	x28, x29, [x0, #224]
	ldr	x30, [x0, #240]
	ldp	x0, x1, [x0]
	eret

/* x1 = exit code; the guest's x0/x1 are on the stack, guest_run's frame
 * above them. */
guest_exit_common:
	ldr	x0, [sp, #16 + 48]
	stp	x2, x3, [x0, #16]
	stp	x4, x5, [x0, #32]
	stp	x6, x7, [x0, #48]
	stp	x8, x9, [x0, #64]
	stp	x10, x11, [x0, #80]
	stp	x12, x13, [x0, #96]
	stp	x14, x15, [x0, #112]
	stp	x16, x17, [x0, #128]
	stp	x18, x19, [x0, #144]
	stp	x20, x21, [x0, #160]
	stp	x22, x23, [x0, #176]
	stp	x24, x25, [x0, #192]
	stp	x26, x27, [x0, #208]
	stp	x28, x29, [x0, #224]
	str	x30, [x0, #240]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x0]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [x0, #VCPU_REGS_PC]
	mov	x0, x1
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x29, x30, [sp], #64
	ret

/* An exception taken at EL2 itself: save everything, let C report it. */
hyp_trap_common:
	sub	sp, sp, #(34 * 8)
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	mrs	x1, elr_el2
	mrs	x2, spsr_el2
	stp	x30, x1, [sp, #240]
	str	x2, [sp, #256]
	ldr	x0, [sp, #272]		/* the kind, pushed by the vector */
	mov	x1, sp
	bl	hyp_trap
	ldp	x1, x2, [sp, #248]
	msr	elr_el2, x1
	msr	spsr_el2, x2
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
	add	sp, sp, #(34 * 8 + 16)
	eret

.macro hyp_vector kind
	.balign	0x80
	sub	sp, sp, #16
	str	x0, [sp, #-8]		/* keep x0 below the kind slot */
	mov	x0, #\kind
	str	x0, [sp, #0]
	ldr	x0, [sp, #-8]
	b	hyp_trap_common
.endm

.macro guest_vector code
	.balign	0x80
	stp	x0, x1, [sp, #-16]!
	mov	x1, #\code
	b	guest_exit_common
.endm

	.balign	0x800
	.globl el2_vectors
el2_vectors:
	hyp_vector HYP_TRAP_BAD		/* current EL, SP_EL0 */
	hyp_vector HYP_TRAP_BAD
	hyp_vector HYP_TRAP_BAD
	hyp_vector HYP_TRAP_BAD
	hyp_vector HYP_TRAP_SYNC	/* current EL, SP_EL2 */
	hyp_vector HYP_TRAP_IRQ
	hyp_vector HYP_TRAP_BAD
	hyp_vector HYP_TRAP_SERROR
	guest_vector GUEST_EXIT_SYNC		/* lower EL, AArch64 */
	guest_vector GUEST_EXIT_IRQ
	guest_vector GUEST_EXIT_FIQ
	guest_vector GUEST_EXIT_SERROR
	guest_vector GUEST_EXIT_SYNC		/* lower EL, AArch32 (guest EL0) */
	guest_vector GUEST_EXIT_IRQ
	guest_vector GUEST_EXIT_FIQ
	guest_vector GUEST_EXIT_SERROR
