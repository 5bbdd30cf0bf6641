/* SPDX-License-Identifier: MIT */
/*
 * long arch_call_fp_safe(long (*fn)(), a0, a1, a2, a3)
 *
 * Call @fn(a0..a3) with q0-q7 saved around it. vigil is built
 * -mgeneral-regs-only, but picolibc's snprintf/vsnprintf (Debian's build)
 * zero and copy structures through v0/q0/q1, and q0-q7 hold the guest's
 * FP state while vigil runs between exits: formatting at run time goes
 * through here so the guest never sees its registers change.
 */
	.text
	.globl arch_call_fp_safe
arch_call_fp_safe:
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

/*
 * void fpsimd_zero(void)
 *
 * Zero v0-v31, FPCR and FPSR: the FP/SIMD state a vCPU starts with
 * (arch_vcpu_reset). vigil keeps no copy of a guest's FP registers; they
 * stay in the pCPU, where vigil itself may have left data: libfdt uses
 * d/s/q registers while pCPU 0 builds every VM's DTB, so without this the
 * first vCPU on pCPU 0 would start with pieces of another VM's DTB.
 */
	.globl fpsimd_zero
fpsimd_zero:
	movi	v0.2d, #0
	movi	v1.2d, #0
	movi	v2.2d, #0
	movi	v3.2d, #0
	movi	v4.2d, #0
	movi	v5.2d, #0
	movi	v6.2d, #0
	movi	v7.2d, #0
	movi	v8.2d, #0
	movi	v9.2d, #0
	movi	v10.2d, #0
	movi	v11.2d, #0
	movi	v12.2d, #0
	movi	v13.2d, #0
	movi	v14.2d, #0
	movi	v15.2d, #0
	movi	v16.2d, #0
	movi	v17.2d, #0
	movi	v18.2d, #0
	movi	v19.2d, #0
	movi	v20.2d, #0
	movi	v21.2d, #0
	movi	v22.2d, #0
	movi	v23.2d, #0
	movi	v24.2d, #0
	movi	v25.2d, #0
	movi	v26.2d, #0
	movi	v27.2d, #0
	movi	v28.2d, #0
	movi	v29.2d, #0
	movi	v30.2d, #0
	movi	v31.2d, #0
	msr	fpcr, xzr
	msr	fpsr, xzr
	ret
