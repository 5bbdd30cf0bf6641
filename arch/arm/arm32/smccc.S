/* SPDX-License-Identifier: MIT */
/*
 * uint64_t smccc_call(enum psci_conduit c, uint64_t fn, uint64_t a1,
 *                     uint64_t a2, uint64_t a3)
 *
 * SMC if c == 1, else HVC, with the SMC32 calling convention (r0 = fn,
 * r1-r3 = the low words of a1-a3). AAPCS puts c in r0, fn in r2:r3 (an
 * even pair) and a1-a3 on the stack. The 32-bit result comes back sign
 * extended: PSCI's errors are negative.
 */
	.arch_extension virt
	.arch_extension sec
	.text
	.arm
	.globl smccc_call
smccc_call:
	push	{r4, lr}
	mov	r12, r0
	mov	r0, r2
	ldr	r1, [sp, #8]
	ldr	r2, [sp, #16]
	ldr	r3, [sp, #24]
	cmp	r12, #1
	bne	1f
	smc	#0
	b	2f
1:	hvc	#0
2:	asr	r1, r0, #31
	pop	{r4, pc}
