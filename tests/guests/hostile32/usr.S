/* SPDX-License-Identifier: MIT */
/*
 * PL0 (USR mode) and T32 code for the hostile guest's cases (usr.c), and
 * the high vectors' data abort entry (memory.c).
 *
 * void usr_run(void (*fn)(void), unsigned long arg, void *usr_sp)
 *   Runs @fn in USR mode with IRQs masked, r0 = @arg, SP_usr = @usr_sp,
 *   until it executes SVC (guest_lower_el_sync() in usr.c sends the SVC
 *   back to usr_return). vCPU 0 only: one save slot.
 */
	.syntax unified
	.arch_extension sec
	.arch_extension virt
	.text
	.arm
	.globl usr_run
usr_run:
	push	{r4-r11, lr}
	ldr	r3, =usr_saved_sp
	str	sp, [r3]
	cps	#0x1f			/* SYS: sets the banked SP_usr */
	mov	sp, r2
	cps	#0x13
	mov	lr, r0
	mov	r0, r1
	mov	r3, #0xd0		/* USR, IRQ and FIQ masked */
	msr	spsr_cxsf, r3
	movs	pc, lr

	.globl usr_return
usr_return:
	ldr	r3, =usr_saved_sp
	ldr	sp, [r3]
	pop	{r4-r11, pc}
	.ltorg

/* The USR bodies: the access at the label's first instruction, then the
 * SVC back. An abort resumes at the next instruction (the SVC). */
	.globl usr_ldr, usr_str, usr_hvc, usr_smc, usr_svc
usr_ldr:
	ldr	r1, [r0]
	svc	#0
usr_str:
	str	r0, [r0]
	svc	#0
usr_hvc:
	hvc	#0
	svc	#0
usr_smc:
	smc	#0
	svc	#0
usr_svc:
	svc	#0

	.data
	.balign	4
usr_saved_sp:
	.word	0

/*
 * T32: a 32-bit load (LDR.W), a 16-bit load (LDR, then a 16-bit NOP: the
 * capture resumes 4 bytes on) and a PMU counter read (MRC), each the first
 * instruction of its function, r0 the address.
 */
	.text
	.thumb
	.globl t32_ldr_w, t32_ldr_n, t32_mrc_pmxevcntr
	.thumb_func
t32_ldr_w:
	ldr.w	r0, [r0]
	bx	lr
	.thumb_func
t32_ldr_n:
	ldr	r0, [r0]
	nop
	bx	lr
	.thumb_func
t32_mrc_pmxevcntr:
	mrc	p15, 0, r0, c9, c13, 2
	bx	lr

/*
 * The high vector table's data abort entry (memory.c, case_high_vectors):
 * marks that the abort came through 0xffff0010, then goes on to the
 * guest's own vector. SP_abt is free (the vectors run on SVC's stack).
 */
	.arm
	.globl high_dabt, high_dabt_hits
high_dabt:
	ldr	sp, =high_dabt_hits
	str	sp, [sp]
	b	guest_vectors + 0x10
	.ltorg

	.data
	.balign	4
high_dabt_hits:
	.word	0
