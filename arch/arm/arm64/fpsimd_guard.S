/* SPDX-License-Identifier: MIT */
/*
 * long fpsimd_guard_call(long (*fn)(), a0, a1, a2, a3)
 *
 * Call @fn(a0..a3) with q0-q7 saved around it. vigil is built
 * -mgeneral-regs-only, but picolibc's snprintf/vsnprintf (Debian's build)
 * zero and copy structures through v0/q0/q1, and q0-q7 hold the guest's
 * FP state while vigil runs between exits: formatting at run time goes
 * through here so the guest never sees its registers change.
 */
	.text
	.globl fpsimd_guard_call
fpsimd_guard_call:
	stp	x29, x30, [sp, #-144]!
	mov	x29, sp
	stp	q0, q1, [sp, #16]
	stp	q2, q3, [sp, #48]
	stp	q4, q5, [sp, #80]
	stp	q6, q7, [sp, #112]
	mov	x5, x0
	mov	x0, x1
	mov	x1, x2
	mov	x2, x3
	mov	x3, x4
	blr	x5
	ldp	q0, q1, [sp, #16]
	ldp	q2, q3, [sp, #48]
	ldp	q4, q5, [sp, #80]
	ldp	q6, q7, [sp, #112]
	ldp	x29, x30, [sp], #144
	ret
