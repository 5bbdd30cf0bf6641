/* SPDX-License-Identifier: MIT */
/* uint64_t smccc_call(conduit, fn, a1, a2, a3): SMC if conduit == 1, else HVC. */
	.text
	.globl smccc_call
smccc_call:
	mov	x5, x0
	mov	x0, x1
	mov	x1, x2
	mov	x2, x3
	mov	x3, x4
	cmp	x5, #1
	b.ne	1f
	smc	#0
	ret
1:	hvc	#0
	ret
