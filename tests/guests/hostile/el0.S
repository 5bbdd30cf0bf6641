/* SPDX-License-Identifier: MIT */
/*
 * Running a few instructions at EL0. el0_enter(fn, sp, arg) saves the
 * callee-saved registers, ERETs to @fn at EL0t with SP_EL0 = @sp and
 * x2 = @arg, IRQs masked. The first synchronous exception from EL0 (the
 * SVC each snippet ends with, or whatever its access raised) comes back
 * through guest_lower_el_sync() (el0.c), which resumes EL1 at el0_exit:
 * the registers are restored and el0_enter returns.
 */
	.text
	.global	el0_enter
	.type	el0_enter, %function
el0_enter:
	stp	x29, x30, [sp, #-96]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	msr	sp_el0, x1
	msr	elr_el1, x0
	mov	x3, #0x3c0		/* EL0t, DAIF masked */
	msr	spsr_el1, x3
	mov	x0, xzr
	mov	x1, xzr
	isb
	eret

	.global	el0_exit
	.type	el0_exit, %function
el0_exit:
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #96
	ret

/* EL0 snippets: x2 = the argument. */
	.global	el0_ldr
el0_ldr:
	ldr	x3, [x2]
	svc	#0

	.global	el0_str
el0_str:
	str	x3, [x2]
	svc	#0

	.global	el0_br
el0_br:
	br	x2

	.global	el0_hvc
el0_hvc:
	mov	x0, #0x84000000		/* PSCI_VERSION */
	hvc	#0
	svc	#0

	.global	el0_smc
el0_smc:
	mov	x0, #0x84000000
	smc	#0
	svc	#0

	.global	el0_svc
el0_svc:
	svc	#0

	.global	el0_msr_pmccfiltr
el0_msr_pmccfiltr:
	msr	pmccfiltr_el0, x2
	svc	#0

	.global	el0_mrs_pmccfiltr
el0_mrs_pmccfiltr:
	mrs	x3, pmccfiltr_el0
	str	x3, [x2]
	svc	#0
